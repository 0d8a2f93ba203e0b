"""Validate a typed frame against a pandera schema and report every problem at once.

Besides the schema, :func:`validate` applies the consistency checks any table gets: totals and
subtotals rows ("TOTAL", "JUMLAH", "Sub Total …") are rejected as such (rule ``total_row``); a
village code that disagrees with the row's kecamatan/kabupaten code columns is reported
(``code_hierarchy``, the row is kept and nothing is moved); an IDM row whose IDM is not the mean of
IKS, IKE, IKL within rounding (``idm_not_mean``) or whose status is not the one the IDM thresholds
give (``idm_status_mismatch``) is reported. :func:`check_region_consistency` compares a village
code with the kecamatan/kabupaten *names* of its row against the Kemendagri list (the caller
passes the list; the code wins, the disagreement is reported).

:func:`validate` runs pandera with ``lazy=True`` and turns its failure cases into a plain report
(``file, row, column, value, rule, severity``) where ``row`` is the spreadsheet row ``_row``, so a
researcher can open the file and find the cell. Rows that break a row-level rule are moved to
``rejected`` with a ``reason``; nothing is dropped silently: ``len(valid) + len(rejected) ==
len(frame)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import re
import unicodedata

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError, SchemaErrors

from kaltara_study import pii
from kaltara_study.errors import DataError, InputError

__all__ = ["IDM_THRESHOLDS", "REPORT_COLUMNS", "Validated", "check_code_hierarchy", "check_idm_consistency",
           "check_region_consistency", "find_total_rows", "idm_status", "report_frame", "required_columns", "rule_codes",
           "validate"]

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

    Rows that are totals or subtotals (:func:`find_total_rows`) are rejected with reason
    ``total_row`` before the schema runs (except for contracts in :data:`KEEP_TOTAL_ROWS` or with
    ``metadata={"total_rows": "keep"}``); the kept rows get the consistency checks
    (:func:`check_code_hierarchy`, :func:`check_idm_consistency`) as warnings.

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
    totals = find_total_rows(frame) if not _keeps_totals(schema) else pd.Series(False, index=frame.index)
    if totals.any():
        sub = _validate_schema(frame[~totals.to_numpy()], schema, file=file, key=key)
        tot = frame[totals.to_numpy()].copy()
        labels = [next((v for v in r if isinstance(v, str) and len(v) <= _TOTAL_MAX_LEN and _TOTAL_RX.match(v)),
                       "TOTAL")
                  for r in tot.drop(columns=[ROW], errors="ignore").astype(object).itertuples(index=False)]
        tot["reason"] = [f"total_row: a totals/subtotals row ({pii.scrub_text(v)!r}), not a data row; rejected so it is "
                         "not counted twice" for v in labels]
        if ROW not in tot.columns:
            tot[ROW] = (frame.index + 1)[totals.to_numpy()]
        rejected = pd.concat([sub.rejected, tot], ignore_index=False) if len(sub.rejected) else tot
        rep = report_frame(pd.DataFrame({"file": file, "row": tot[ROW].to_numpy(), "column": "<row>",
                                         "value": [pii.scrub_text(v) for v in labels],
                                         "rule": "total_row: a totals/subtotals row, not a data row (rejected)",
                                         "severity": "error"}))
        report = pd.concat([d for d in (sub.report, rep) if len(d)], ignore_index=True)
        report = report.sort_values("row", kind="stable", na_position="first").reset_index(drop=True)
        return Validated(valid=sub.valid, rejected=rejected, report=report_frame(report))
    return _validate_schema(frame, schema, file=file, key=key)


# contracts whose tables are summaries with a totals row by design (the province row of the Kemendagri
# summary); a contract can also say so with ``metadata={"total_rows": "keep"}``
KEEP_TOTAL_ROWS = frozenset({"kemendagri_summary"})


def _keeps_totals(schema: pa.DataFrameSchema) -> bool:
    meta = getattr(schema, "metadata", None) or {}
    return schema.name in KEEP_TOTAL_ROWS or meta.get("total_rows") == "keep"


def _consistency(valid: pd.DataFrame, file: str) -> pd.DataFrame:
    parts = [check_code_hierarchy(valid, file=file), check_idm_consistency(valid, file=file)]
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else report_frame()


def _validate_schema(frame: pd.DataFrame, schema: pa.DataFrameSchema, *, file: str,
                     key: list[str] | str | None = None) -> Validated:
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
        msg = pii.scrub_text(str(exc))
        raise DataError(f"{file}: {msg}", problems=[{"file": file, "row": None, "column": None,
                                                     "value": None, "rule": msg}]) from None
    except (TypeError, AttributeError, KeyError) as exc:  # a column pandera cannot even compare (mixed objects)
        msg = pii.scrub_text(f"{type(exc).__name__}: {exc}")
        raise DataError(f"{file}: the table cannot be checked against the contract {schema.name!r} ({msg}); check "
                        "that every column holds one kind of value", problems=[
                            {"file": file, "row": None, "column": None, "value": None, "rule": msg}]) from None

    dup_report = _duplicate_keys(frame, key, rows, file)
    if cases is None or cases.empty:
        valid = checked.copy()
        valid[ROW] = rows.to_numpy()
        extra = _consistency(valid, file)
        rep = pd.concat([d for d in (report_frame(dup_report), extra) if len(d)], ignore_index=True) \
            if len(extra) else report_frame(dup_report)
        return Validated(valid=valid, rejected=_empty_rejected(frame), report=report_frame(rep))

    cases = cases.copy()
    has_row = cases["index"].notna()
    pos = pd.to_numeric(cases["index"].where(has_row), errors="coerce")
    rep = pd.DataFrame({
        "file": file,
        "row": pos.map(lambda p: rows.iloc[int(p)] if pd.notna(p) else pd.NA),
        "column": cases["column"].where(cases["column"].notna(), "<row>").astype(object),
        "value": [pii.scrub_text(v) for v in _cell_values(data, cases, pos)],
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
            kv = pii.scrub_series(kv.astype(object))
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
    extra = _consistency(valid, file)
    if len(extra):
        rep = pd.concat([rep, extra], ignore_index=True)
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
        "value": pii.scrub_series(counts.astype(object)).to_numpy(),
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


# ================================================================================== consistency checks
# IDM status thresholds (Permendesa 2/2016): an IDM up to and including the bound gets the status
IDM_THRESHOLDS = ((0.4907, "SANGAT TERTINGGAL"), (0.5989, "TERTINGGAL"), (0.7072, "BERKEMBANG"),
                  (0.8155, "MAJU"), (np.inf, "MANDIRI"))
IDM_TOLERANCE = 0.001  # sub-indices and IDM are published to 3–4 decimals: |IDM − mean| ≤ 0.001 is rounding

# A totals label: "TOTAL", "JUMLAH", "Sub Total", "Grand total", "Jumlah Total", "Jumlah Kec. Bunyu",
# "Total Kab. Bulungan", "TOTAL Kalimantan Utara" — the word alone, or followed by an administrative word,
# "total/keseluruhan", or a short name in capitals. Descriptions that start with the word ("Jumlah dokter ≥ 1
# orang", "Total skor indikator") are not totals.
_ADMIN = r"(?:kec(?:amatan)?|kab(?:upaten)?|kota|desa|kel(?:urahan)?|prov(?:insi)?|kabupaten/kota|wilayah)\.?"
_REST = rf"(?:\s*[:(\-]?\s*(?:{_ADMIN}|total|keseluruhan|seluruh(?:nya)?|akhir)\b.*|\s+(?:[A-Z][\w.'/-]*)(?:\s+[A-Z][\w.'/-]*){{0,3}}|\s*\(.*\))?"
_TOTAL_RX = re.compile(rf"^\s*(?:(?i:sub\s*-?\s*total|grand\s*total|total|jumlah|jml\.?)){_REST}\s*[:.)]?\s*$")
_TOTAL_MAX_LEN = 60


def idm_status(idm: pd.Series) -> pd.Series:
    """The IDM status the thresholds give (Sangat Tertinggal ≤ 0.4907 < Tertinggal ≤ 0.5989 <
    Berkembang ≤ 0.7072 < Maju ≤ 0.8155 < Mandiri), upper case; NA where the IDM is missing.

    >>> idm_status(pd.Series([0.4907, 0.4908, 0.8155, 0.9, None])).tolist()
    ['SANGAT TERTINGGAL', 'TERTINGGAL', 'MAJU', 'MANDIRI', <NA>]
    """
    x = pd.to_numeric(idm, errors="coerce").astype(float)
    out = pd.Series(pd.NA, index=idm.index, dtype="string")
    lower = -np.inf
    for bound, name in IDM_THRESHOLDS:
        out = out.mask((x > lower) & (x <= bound), name)
        lower = bound
    return out


def _rows_of(frame: pd.DataFrame) -> pd.Series:
    return frame[ROW] if ROW in frame.columns else pd.Series(np.arange(1, len(frame) + 1), index=frame.index)


def _report_rows(frame: pd.DataFrame, mask, *, file: str, column: str, values, rule: str,
                 severity: str = "warning") -> pd.DataFrame:
    mask = np.asarray(pd.Series(mask).fillna(False), dtype=bool)
    if not mask.any():
        return report_frame()
    vals = pd.Series(list(values), dtype=object)[mask] if not isinstance(values, str) else values
    return report_frame(pd.DataFrame({
        "file": file, "row": _rows_of(frame).to_numpy()[mask], "column": column,
        "value": pii.scrub_series(pd.Series(vals, dtype=object).map(_fmt)).to_numpy()
        if not isinstance(vals, str) else vals,
        "rule": rule, "severity": severity}))


def find_total_rows(frame: pd.DataFrame, *, columns: list[str] | None = None) -> pd.Series:
    """Rows that are totals or subtotals ("TOTAL", "JUMLAH", "Jumlah Kecamatan …", "Sub Total", "Grand
    total") in any text column (or in ``columns``), as a boolean Series aligned to ``frame``.

    Works on the raw text table (:func:`kaltara_study.data.read.read_table`) as well as on a
    typed frame. A village or cooperative whose *name* merely contains the word ("Desa Jumlahan")
    is not a total: the label must start the cell and be a word of its own.

    >>> f = pd.DataFrame({"nama": ["Bunyu Barat", "TOTAL", "Jumlah Kec. Bunyu", "Jumlahan"], "n": [1, 9, 5, 2]})
    >>> find_total_rows(f).tolist()
    [False, True, True, False]
    """
    cols = columns if columns is not None else [
        c for c in frame.columns if c != ROW and (pd.api.types.is_object_dtype(frame[c])
                                                 or pd.api.types.is_string_dtype(frame[c]))]
    hit = pd.Series(False, index=frame.index)
    for c in cols:
        if c not in frame.columns:
            continue
        s = frame[c]
        txt = s.astype(object).where(s.notna(), None)
        m = pd.Series([isinstance(v, str) and len(v) <= _TOTAL_MAX_LEN and bool(_TOTAL_RX.match(v)) for v in txt],
                      index=frame.index)
        hit |= m
    return hit


def check_idm_consistency(frame: pd.DataFrame, *, file: str, tol: float = IDM_TOLERANCE,
                          parts: tuple[str, str, str] = ("IKS", "IKE", "IKL"), idm: str = "IDM",
                          status: str = "status") -> pd.DataFrame:
    """Report IDM rows whose IDM is not (IKS + IKE + IKL)/3 within ``tol`` (rule ``idm_not_mean``)
    and rows whose status is not the one the thresholds give for the IDM (``idm_status_mismatch``).

    Both are warnings: the values are kept as published and the report names both numbers, so the
    researcher can decide (IDM's own sources disagree sometimes, e.g. API vs Excel). Columns that
    are absent are skipped; case and spaces of the status are ignored.

    >>> f = pd.DataFrame({"IKS": [0.9, 0.8], "IKE": [0.6, 0.6], "IKL": [0.6, 0.7], "IDM": [0.7, 0.75],
    ...                   "status": ["Berkembang", "MANDIRI"], "_row": [2, 3]})
    >>> check_idm_consistency(f, file="idm.csv")[["row", "rule"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [[3, 'idm_not_mean: IDM 0.75 but (IKS + IKE + IKL)/3 = 0.7000 (difference 0.0500 > 0.001)'],
     [3, 'idm_status_mismatch: status MANDIRI but IDM 0.75 gives MAJU (thresholds 0.4907/0.5989/0.7072/0.8155)']]
    """
    out = []
    if idm not in frame.columns:
        return report_frame()
    x = pd.to_numeric(frame[idm], errors="coerce").astype(float)
    if all(p in frame.columns for p in parts):
        sub = pd.concat([pd.to_numeric(frame[p], errors="coerce").astype(float) for p in parts], axis=1)
        mean = sub.mean(axis=1, skipna=False)
        diff = (x - mean).abs()
        bad = (diff > tol + 1e-9).fillna(False)
        if bad.any():
            rules = [f"idm_not_mean: IDM {_num(a)} but ({' + '.join(parts)})/3 = {m:.4f} (difference {d:.4f} > {tol:g})"
                     for a, m, d in zip(x, mean, diff)]
            out.append(_report_rows(frame, bad, file=file, column=idm, values=x.tolist(), rule="")
                       .assign(rule=[r for r, b in zip(rules, bad) if b]))
    if status in frame.columns:
        want = idm_status(x)
        got = frame[status].astype(object).map(lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v))
                                               else " ".join(str(v).upper().split()))
        bad = (got.notna() & want.notna() & (got != want.astype(object))).fillna(False).astype(bool)
        if bad.any():
            bounds = "/".join(f"{b:.4f}" for b, _ in IDM_THRESHOLDS[:-1])
            rules = [f"idm_status_mismatch: status {g} but IDM {_num(a)} gives {w} (thresholds {bounds})"
                     for g, a, w in zip(got, x, want)]
            out.append(_report_rows(frame, bad, file=file, column=status, values=got.tolist(), rule="")
                       .assign(rule=[r for r, b in zip(rules, bad) if b]))
    out = [o for o in out if len(o)]
    if not out:
        return report_frame()
    return report_frame(pd.concat(out, ignore_index=True).sort_values("row", kind="stable").reset_index(drop=True))


def _num(v: float) -> str:
    return "<NA>" if pd.isna(v) else f"{v:g}"


_CODE_COLS = {"desa": ("kode_desa", "kode", "kode_desa_kemendesa", "kode_kemendagri"),
              "kec": ("kode_kecamatan", "kode_kec"),
              "kab": ("kode_kabkota", "kode_kab")}


def _digits(v) -> str | None:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    d = re.sub(r"\D", "", str(v))
    return d or None


def check_code_hierarchy(frame: pd.DataFrame, *, file: str) -> pd.DataFrame:
    """Report rows whose village code does not start with their kecamatan code column, or whose
    kecamatan/village code does not start with their kabupaten code column (rule ``code_hierarchy``).

    The row is kept and no code is changed (report, do not move). Columns looked for: village
    ``kode_desa``/``kode`` (a 10-digit code), kecamatan ``kode_kecamatan``, kabupaten ``kode_kabkota``.

    >>> f = pd.DataFrame({"kode": ["65.01.01.2001", "65.03.13.2001"], "kode_kecamatan": ["65.01.01", "65.01.01"],
    ...                   "kode_kabkota": ["65.01", "65.01"], "_row": [2, 3]})
    >>> check_code_hierarchy(f, file="desa.csv")[["row", "column"]].values.tolist()
    [[3, 'kode_kecamatan'], [3, 'kode_kabkota']]
    """
    def first(level):
        for c in _CODE_COLS[level]:
            if c in frame.columns:
                return c
        return None

    desa, kec, kab = first("desa"), first("kec"), first("kab")
    d_desa = frame[desa].map(_digits) if desa else None
    if d_desa is not None and not d_desa.dropna().str.len().eq(10).any():
        desa, d_desa = None, None  # "kode" of a kecamatan/kabupaten table
    d_kec = frame[kec].map(_digits) if kec else None
    d_kab = frame[kab].map(_digits) if kab else None
    out = []

    def compare(child, child_name, parent, parent_name, n):
        both = child.notna() & parent.notna() & child.str.len().ge(n) & parent.str.len().eq(n)
        bad = both & (child.str.slice(0, n) != parent)
        if bad.any():
            rules = [f"code_hierarchy: {child_name} {c} does not lie in {parent_name} {p}; the row is kept as it "
                     f"is (nothing moved) — correct whichever code is wrong" for c, p in zip(frame[child_name].astype(str),
                                                                                       frame[parent_name].astype(str))]
            out.append(_report_rows(frame, bad, file=file, column=parent_name, values=frame[parent_name].tolist(),
                                    rule="").assign(rule=[r for r, b in zip(rules, bad) if b]))

    if desa and kec:
        compare(d_desa, desa, d_kec, kec, 6)
    if desa and kab:
        compare(d_desa, desa, d_kab, kab, 4)
    elif kec and kab:
        compare(d_kec, kec, d_kab, kab, 4)
    out = [o for o in out if len(o)]
    if not out:
        return report_frame()
    return report_frame(pd.concat(out, ignore_index=True).sort_values("row", kind="stable").reset_index(drop=True))


_ADMIN_WORDS = re.compile(r"\b(?:kabupaten|kab|kota|kecamatan|kec|desa|kelurahan|kel)\b\.?")


def _norm_name(v) -> str | None:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    t = "".join(c for c in unicodedata.normalize("NFKD", str(v)) if not unicodedata.combining(c)).lower()
    t = _ADMIN_WORDS.sub(" ", t.replace(".", ". "))
    t = re.sub(r"[^a-z0-9]+", "", t)
    return t or None


def check_region_consistency(frame: pd.DataFrame, regions: pd.DataFrame, *, file: str, code: str = "kode_desa",
                             kab_name: str | None = "nama_kabkota", kec_name: str | None = "nama_kecamatan"
                             ) -> pd.DataFrame:
    """Report rows whose village code lies in another kabupaten/kecamatan than the row's names say.

    Parameters
    ----------
    frame : DataFrame
        Rows with a dotted or undotted village ``code`` and free-text ``kab_name`` / ``kec_name``
        columns (absent columns are skipped; spelling such as "KAB. BULUNGAN" or "Bulungan" is
        normalised).
    regions : DataFrame
        The Kemendagri village list (``RAW_SCHEMAS["kemendagri_desa"]``): ``kode``,
        ``nama_kecamatan``, ``nama_kabkota``.
    file : str

    Returns
    -------
    DataFrame
        Report lines (rule ``region_mismatch``, severity warning). The code wins — the caller keeps
        the cooperative in the kabupaten of its code and must not move it to the named one.

    Examples
    --------
    >>> reg = pd.DataFrame({"kode": ["65.01.01.2001"], "nama_kecamatan": ["Tanjung Palas"],
    ...                     "nama_kabkota": ["Kabupaten Bulungan"]})
    >>> f = pd.DataFrame({"kode_desa": ["6501012001", "65.01.01.2001"], "nama_kabkota": ["KAB. BULUNGAN", "Nunukan"],
    ...                   "_row": [2, 3]})
    >>> check_region_consistency(f, reg, file="s.csv")[["row", "column"]].values.tolist()
    [[3, 'nama_kabkota']]
    """
    if code not in frame.columns or "kode" not in regions.columns:
        return report_frame()
    ref = regions.assign(_d=regions["kode"].map(_digits)).drop_duplicates("_d").set_index("_d")
    d = frame[code].map(_digits)
    out = []
    for name_col, ref_col in ((kab_name, "nama_kabkota"), (kec_name, "nama_kecamatan")):
        if not name_col or name_col not in frame.columns or ref_col not in ref.columns:
            continue
        want = d.map(ref[ref_col])
        got_n = frame[name_col].map(_norm_name)
        want_n = want.map(_norm_name)
        bad = (got_n.notna() & want_n.notna() & (got_n != want_n)).fillna(False).astype(bool)
        if bad.any():
            rules = [f"region_mismatch: village code {c} lies in {w}, the row says {g!r}; the code is used (the row "
                     f"is not moved) — correct the name or the code" for c, w, g in zip(frame[code], want, frame[name_col])]
            out.append(_report_rows(frame, bad, file=file, column=name_col, values=frame[name_col].tolist(), rule="")
                       .assign(rule=[pii.scrub_text(r) for r, b in zip(rules, bad) if b]))
    out = [o for o in out if len(o)]
    if not out:
        return report_frame()
    return report_frame(pd.concat(out, ignore_index=True).sort_values("row", kind="stable").reset_index(drop=True))


_RULE_HEAD = re.compile(r"^([a-z][a-z0-9_]+)(?::| \(|$)")
#: identity-report messages (data.identity) without a leading code: (pattern, code), first match wins.
_IDENTITY_RULES = (
    (re.compile(r"^cooperative not matched to a village \(ambiguous\)"), "coop_ambiguous"),
    (re.compile(r"^cooperative not matched to a village"), "coop_unmatched"),
    (re.compile(r": name joins "), "name_joins_villages"),
    (re.compile(r"has the wrong sign"), "coordinate_wrong_sign"),
    (re.compile(r"^same point as cooperative"), "coordinate_shared"),
    (re.compile(r"the name says (kelurahan|desa)"), "name_jenis_mismatch"),
    (re.compile(r": registry \d+ cooperative\(s\), \d+ location row\(s\) matched"), "registry_count_mismatch"),
)


def rule_codes(report: pd.DataFrame) -> pd.Series:
    """A short code for each row's ``rule`` of a validation report (for counts and labelled tables).

    The report's ``rule`` holds the code and a message (``"out_of_range: 12 outside 0–5"``); this
    returns the code (``out_of_range``). A row whose rule is several flags (``"far_from_village
    (6.7 km); outside_kabupaten (6.8 km)"``) takes the first; the identity report's messages map to
    ``coop_ambiguous``, ``coop_unmatched``, ``name_joins_villages``, ``coordinate_wrong_sign``,
    ``coordinate_shared``, ``name_jenis_mismatch``, ``registry_count_mismatch``; else ``other``.

    >>> rule_codes(pd.DataFrame({"rule": ["out_of_range: 9 > 5", "far_from_village (6.0 km)", "x y"]})).tolist()
    ['out_of_range', 'far_from_village', 'other']
    """
    def code(rule) -> str:
        text = str(rule)
        for pattern, c in _IDENTITY_RULES:
            if pattern.search(text):
                return c
        m = _RULE_HEAD.match(text)
        return m.group(1) if m else "other"

    return report["rule"].map(code).rename("rule_code")
