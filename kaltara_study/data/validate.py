"""Validate a typed frame against a pandera schema and report every problem at once.

:func:`validate` runs pandera with ``lazy=True`` and turns its failure cases into a plain report
(``file, row, column, value, rule, severity``) where ``row`` is the spreadsheet row ``_row``, so a
researcher can open the file and find the cell. Rows that break a row-level rule are moved to
``rejected`` with a ``reason``; nothing is dropped silently: ``len(valid) + len(rejected) ==
len(frame)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError, SchemaErrors

from kaltara_study.errors import DataError, InputError

__all__ = ["REPORT_COLUMNS", "Validated", "validate", "required_columns", "report_frame"]

REPORT_COLUMNS = ["file", "row", "column", "value", "rule", "severity"]
# Failures reported as warnings that do not reject the row: duplicates are resolved (with an
# audit entry) by the cleaning step, which decides which copy to keep.
WARNING_CHECKS = frozenset({"field_uniqueness", "multiple_fields_uniqueness", "unique"})
ROW = "_row"


@dataclass(frozen=True)
class Validated:
    """Result of :func:`validate`.

    Attributes
    ----------
    valid : pd.DataFrame
        Rows passing every row-level rule (coerced by the schema), with ``_row``.
    rejected : pd.DataFrame
        Rows failing at least one rule, unchanged and keeping their index labels from the input
        (so callers can find them), with ``_row`` and ``reason`` (all rules broken, "; "-joined).
    report : pd.DataFrame
        ``file, row, column, value, rule, severity`` — one line per problem.
    """

    valid: pd.DataFrame
    rejected: pd.DataFrame
    report: pd.DataFrame

    @property
    def n_errors(self) -> int:
        return int((self.report["severity"] == "error").sum())


def report_frame(rows: list[dict] | pd.DataFrame | None = None) -> pd.DataFrame:
    """An empty (or filled) validation report with the standard columns.

    >>> list(report_frame().columns)
    ['file', 'row', 'column', 'value', 'rule', 'severity']
    """
    df = pd.DataFrame(rows if rows is not None else [], columns=REPORT_COLUMNS)
    return df.astype({"file": object, "column": object, "value": object, "rule": object, "severity": object})


def required_columns(schema: pa.DataFrameSchema) -> list[str]:
    """Names of the schema's required columns (regex columns excluded).

    >>> required_columns(pa.DataFrameSchema({"a": pa.Column(int), "b": pa.Column(int, required=False)}))
    ['a']
    """
    return [n for n, c in schema.columns.items() if c.required and not c.regex]


def _rule_text(check: object, column: object, schema: pa.DataFrameSchema) -> str:
    text = str(check)
    col = schema.columns.get(column) if isinstance(column, str) else None
    if text == "not_nullable":
        return "not_nullable: a value is required here"
    if text in WARNING_CHECKS:
        return f"{text}: duplicate value"
    if text.startswith("coerce_dtype") or text.startswith("dtype"):
        want = getattr(col, "dtype", "?")
        return f"{text}: expected type {want}"
    return text


def validate(frame: pd.DataFrame, schema: pa.DataFrameSchema, *, file: str,
             key: list[str] | str | None = None) -> Validated:
    """Validate ``frame`` against ``schema`` collecting every failure (pandera ``lazy=True``).

    Parameters
    ----------
    frame : pd.DataFrame
        Typed frame; a ``_row`` column (spreadsheet row numbers) is used for the report and kept
        out of the schema check (so strict schemas work). Without it, the index + 1 is used.
    schema : pandera DataFrameSchema
    file : str
        File name for the report and errors.
    key : str or list of str, optional
        Key column(s) added to the rejected rows' reason (e.g. ``"coop_id"``); rows sharing a key
        are reported as ``duplicate_key`` warnings (not rejected).

    Returns
    -------
    Validated

    Raises
    ------
    InputError
        When required columns are missing (names the missing and the found columns).
    DataError
        When the schema fails at the level of a whole column (e.g. wrong dtype), which no row
        rejection can fix; ``problems`` holds the report.

    Examples
    --------
    >>> sch = pa.DataFrameSchema({"members": pa.Column("Int64", pa.Check.ge(0), nullable=True)})
    >>> df = pd.DataFrame({"members": pd.array([12, -3], dtype="Int64"), "_row": [2, 3]})
    >>> v = validate(df, sch, file="survey.xlsx")
    >>> len(v.valid), v.rejected["reason"].tolist()
    (1, ['members=-3: greater_than_or_equal_to(0)'])
    >>> v.report[["row", "column", "value"]].values.tolist()
    [[3, 'members', '-3']]
    """
    rows = frame[ROW] if ROW in frame.columns else pd.Series(frame.index + 1, index=frame.index)
    missing = [c for c in required_columns(schema) if c not in frame.columns]
    if missing:
        found = [c for c in frame.columns if c != ROW]
        raise InputError(
            f"required column(s) {missing} missing; found {found}. Rename the header(s) in the file "
            "or add the alias to schema.COLUMN_ALIASES", file=file)
    if frame.columns.drop(ROW, errors="ignore").empty and len(schema.columns):
        raise InputError("no columns to validate", file=file)

    data = frame.drop(columns=[ROW], errors="ignore").copy()
    data.index = pd.RangeIndex(len(data))
    try:
        checked = schema.validate(data, lazy=True)
        cases = None
    except SchemaErrors as exc:
        cases = exc.failure_cases
        checked = None
    except SchemaError as exc:  # pragma: no cover - lazy=True should collect all
        raise DataError(f"{file}: {exc}", problems=[{"file": file, "row": None, "column": None,
                                                     "value": None, "rule": str(exc)}]) from None

    dup_report = _duplicate_keys(frame, key, rows, file)
    if cases is None or cases.empty:
        valid = checked.copy()
        valid[ROW] = rows.to_numpy()
        return Validated(valid=valid, rejected=_empty_rejected(frame), report=report_frame(dup_report))

    cases = cases.copy()
    has_row = cases["index"].notna()
    pos = pd.to_numeric(cases["index"].where(has_row), errors="coerce")
    rep = pd.DataFrame({
        "file": file,
        "row": pos.map(lambda p: rows.iloc[int(p)] if pd.notna(p) else pd.NA),
        "column": cases["column"].where(cases["column"].notna(), "<row>").astype(object),
        "value": _cell_values(data, cases, pos),
        "rule": [_rule_text(c, col, schema) for c, col in zip(cases["check"], cases["column"])],
        "severity": ["warning" if str(c) in WARNING_CHECKS else "error" for c in cases["check"]],
    })
    table_level = rep[~has_row.to_numpy() & (rep["severity"] == "error").to_numpy()]
    if len(table_level):
        problems = table_level.to_dict("records")
        detail = "; ".join(f"column {p['column']!r}: {p['rule']} ({p['value']})" for p in problems[:5])
        raise DataError(f"{file}: the table breaks column-level rules: {detail}", problems=problems)

    bad_pos = pos[has_row.to_numpy() & (rep["severity"] == "error").to_numpy()].astype(int)
    reasons = (
        pd.DataFrame({"pos": bad_pos.to_numpy(),
                      "txt": (rep.loc[bad_pos.index, "column"].astype(str) + "="
                              + rep.loc[bad_pos.index, "value"].fillna("<NA>").astype(str) + ": "
                              + rep.loc[bad_pos.index, "rule"].astype(str)).to_numpy()})
        .drop_duplicates()
        .groupby("pos", sort=True)["txt"].agg("; ".join)
    )
    reject_mask = pd.Series(False, index=data.index)
    reject_mask.iloc[reasons.index.to_numpy()] = True
    rejected = frame.iloc[reject_mask.to_numpy()].copy()
    reason = reasons.reindex(range(len(data)))[reject_mask.to_numpy()]
    if key is not None:
        keys = [key] if isinstance(key, str) else list(key)
        keys = [k for k in keys if k in frame.columns]
        if keys:
            sub = frame.iloc[reject_mask.to_numpy()][keys].astype(object)
            kv = sub.map(lambda v: "<NA>" if pd.isna(v) else str(v)).agg("/".join, axis=1)
            reason = pd.Series([f"[{'/'.join(keys)}={k}] {r}" for k, r in zip(kv, reason)], index=reason.index)
    rejected["reason"] = reason.to_numpy()
    if ROW not in rejected.columns:
        rejected[ROW] = rows[reject_mask.to_numpy()].to_numpy()

    kept = data[~reject_mask.to_numpy()]
    try:
        valid = schema.validate(kept, lazy=True)
    except SchemaErrors as exc:  # only warnings (duplicates) may remain
        remaining = exc.failure_cases
        if (~remaining["check"].astype(str).isin(WARNING_CHECKS)).any():
            raise DataError(f"{file}: rows still fail after rejection: {remaining.head().to_dict('records')}",
                            problems=rep.to_dict("records")) from None
        valid = _coerce_only(schema, kept)
    valid = valid.reset_index(drop=True)
    valid[ROW] = rows[~reject_mask.to_numpy()].to_numpy()
    if len(dup_report):
        # a key already reported by the schema's own uniqueness check is not listed twice
        uniq = rep[rep["rule"].str.contains("uniqueness", regex=False)]
        dup_report = dup_report[~dup_report["row"].isin(uniq["row"])]
        rep = pd.concat([rep, dup_report], ignore_index=True) if len(dup_report) else rep
    rep = rep.sort_values(["row", "column"], key=lambda s: s.astype(str) if s.name == "column" else s,
                          kind="stable", na_position="first").reset_index(drop=True)
    return Validated(valid=valid, rejected=rejected, report=report_frame(rep))


def _duplicate_keys(frame: pd.DataFrame, key, rows: pd.Series, file: str) -> pd.DataFrame:
    """Warnings for rows sharing a key (all copies listed); the cleaning step decides which to keep."""
    if key is None:
        return report_frame()
    keys = [key] if isinstance(key, str) else [k for k in key if k in frame.columns]
    keys = [k for k in keys if k in frame.columns]
    if not keys:
        return report_frame()
    sub = frame[keys]
    dup = sub.duplicated(keep=False) & sub.notna().all(axis=1)
    if not dup.any():
        return report_frame()
    counts = sub[dup].astype(str).agg("/".join, axis=1)
    n = counts.map(counts.value_counts())
    return report_frame(pd.DataFrame({
        "file": file, "row": rows[dup.to_numpy()].to_numpy(), "column": "/".join(keys),
        "value": counts.to_numpy(),
        "rule": [f"duplicate_key: this key occurs {k} times (resolved by the cleaning step)" for k in n],
        "severity": "warning",
    }))


def _fmt(v: object) -> str:
    if v is None or (not isinstance(v, (list, tuple)) and pd.isna(v)):
        return "<NA>"
    if isinstance(v, pd.Timestamp) and v == v.normalize():
        return v.strftime("%Y-%m-%d")
    return str(v)


def _cell_values(data: pd.DataFrame, cases: pd.DataFrame, pos: pd.Series) -> list[str]:
    """The failing cells as text, read from the frame itself (pandera's failure_case column
    upcasts mixed values, e.g. -1 → -1.0)."""
    out = []
    for col, p, fc in zip(cases["column"], pos, cases["failure_case"]):
        if isinstance(col, str) and col in data.columns and pd.notna(p):
            out.append(_fmt(data[col].iloc[int(p)]))
        else:
            out.append(_fmt(fc))
    return out


def _coerce_only(schema: pa.DataFrameSchema, df: pd.DataFrame) -> pd.DataFrame:
    """Apply the schema's dtype coercion without the uniqueness checks (rows with duplicates kept)."""
    relaxed = schema.update_columns({n: {"unique": False} for n in schema.columns if n in df.columns})
    if relaxed.unique:
        relaxed = relaxed.__class__(**{**_schema_kwargs(relaxed), "unique": None})
    return relaxed.validate(df, lazy=True)


def _schema_kwargs(schema: pa.DataFrameSchema) -> dict:
    return {"columns": schema.columns, "checks": schema.checks, "index": schema.index,
            "dtype": schema.dtype, "coerce": schema.coerce, "strict": schema.strict, "name": schema.name,
            "ordered": schema.ordered, "metadata": schema.metadata}


def _empty_rejected(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.iloc[0:0].copy()
    out["reason"] = pd.Series(dtype=object)
    if ROW not in out.columns:
        out[ROW] = pd.Series(dtype="int64")
    return out
