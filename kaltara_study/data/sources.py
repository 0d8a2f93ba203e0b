"""Load a raw source file into a typed, validated frame, driven by ``kaltara_study.data.schema``.

:func:`load_source` = :func:`~kaltara_study.data.read.read_table` → rename headers through
``COLUMN_ALIASES[kind]`` → parse every column by its schema metadata ``kind`` (see
:mod:`kaltara_study.data.parse`) → :func:`~kaltara_study.data.validate.validate` against
``RAW_SCHEMAS[kind]``. Every parse problem and rule violation lands in one report (file, row,
column, value, rule, severity); rows that break a row-level rule are returned in ``rejected`` with
their raw text and a reason. Row conservation is checked: ``n_read == len(frame) + len(rejected)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from kaltara_study.data import parse as P
from kaltara_study.errors import DataError, InputError
from kaltara_study.data.read import RawTable, normalise_header, read_table
from kaltara_study.data.validate import ROW, report_frame, validate

__all__ = ["KIND_PARSERS", "LoadResult", "load_folder", "load_summary", "parse_category", "SOURCE_PATTERNS", "idm_wide_to_long", "load_source",
           "parse_frame", "read_boundaries", "real_source_files"]


def _bps(values: pd.Series, *, column: str, file: str | None = None) -> P.ParseResult:
    """BPS codes: digits only (4 kabupaten, 7 kecamatan, 10 desa)."""
    text = P._as_text(values)
    missing = P._missing(text)
    digits = text.str.replace(r"\.0$", "", regex=True).str.replace(r"[\s.\-]", "", regex=True)
    good = digits.str.fullmatch(r"\d{2}|\d{4}|\d{7}|\d{10}").fillna(False).astype(bool)
    out = pd.Series(digits.where(good).to_numpy(dtype=object), index=values.index, name=values.name).astype("string")
    errs = P._errors(values, ~good & ~missing, column=column, file=file, rule="bad_code")
    if len(errs):
        errs = errs.assign(rule="bad_code: expected a BPS code of 4, 7 or 10 digits like '6501'")
    return P.ParseResult(out, errs)


KIND_PARSERS: dict[str, Callable[..., P.ParseResult]] = {
    "int": P.parse_int,
    "float": P.parse_number,
    "money": P.parse_rupiah,
    "bool": P.parse_bool_id,
    "date": P.parse_date_id,
    "code_desa": lambda v, **k: P.parse_code(v, level="desa", **k),
    "code_kec": lambda v, **k: P.parse_code(v, level="kec", **k),
    "code_kab": lambda v, **k: P.parse_code(v, level="kab", **k),
    "code_prov": lambda v, **k: P.parse_code(v, level="prov", **k),
    "code_bps": _bps,
    "text": P.parse_text,
    "category": P.parse_text,
}


def _kind_of(column) -> str:
    """The parser kind of a pandera column: its metadata ``kind``, else inferred from its dtype."""
    meta = getattr(column, "metadata", None) or {}
    if meta.get("kind") in KIND_PARSERS:
        return meta["kind"]
    dtype = str(getattr(column, "dtype", "") or "").lower()
    if "bool" in dtype:
        return "bool"
    if "int" in dtype:
        return "int"
    if "float" in dtype:
        return "float"
    if "datetime" in dtype or "date" in dtype:
        return "date"
    return "text"


def parse_category(values: pd.Series, *, column: str, file: str | None = None,
                   levels: dict[str, str]) -> P.ParseResult:
    """Map raw labels to canonical levels (case/space-insensitive); unknown labels are errors.

    >>> parse_category(pd.Series(["Milik Sendiri", "sewa", "gubuk"]), column="premises",
    ...                levels={"milik sendiri": "own", "sewa": "rent"}).values.tolist()
    ['own', 'rent', <NA>]
    """
    text = P.parse_text(values, column=column, file=file).values
    lookup = {re.sub(r"\s+", " ", str(k).strip().lower()): v for k, v in levels.items()}
    key = text.str.lower().str.replace(r"\s+", " ", regex=True)
    mapped = key.map(lookup)
    bad = text.notna() & mapped.isna()
    out = pd.Series(mapped.to_numpy(dtype=object), index=values.index, name=values.name).astype("string")
    errs = P._errors(values, bad, column=column, file=file, rule="unknown_category")
    if len(errs):
        allowed = sorted(set(levels.values()))
        errs = errs.assign(rule=f"unknown_category: expected one of {sorted(levels)} (→ {allowed})")
    return P.ParseResult(out, errs)


@dataclass(frozen=True)
class LoadResult:
    """A loaded raw source.

    Attributes
    ----------
    frame : pd.DataFrame
        Typed rows that passed validation (schema column names, plus ``_row``).
    rejected : pd.DataFrame
        Raw text of rejected rows (canonical names), ``_row`` and ``reason``.
    report : pd.DataFrame
        ``file, row, column, value, rule, severity`` for every problem found.
    n_read : int
        Data rows read from the file (non-empty rows below the header).
    n_records : int
        Records after reshaping (village-years for the wide IDM layout; else ``n_read``);
        ``n_records == len(frame) + len(rejected)`` always.
    file, kind : str
    raw : RawTable
        The text table as read (encoding, separator, header row).
    """

    frame: pd.DataFrame
    rejected: pd.DataFrame
    report: pd.DataFrame
    n_read: int
    file: str
    kind: str
    raw: RawTable
    n_records: int = -1

    def summary(self) -> dict:
        """Counts for a notebook table: read, kept, rejected, errors, warnings."""
        sev = self.report["severity"]
        return {"file": self.file, "kind": self.kind, "read": self.n_read, "records": self.n_records,
                "kept": len(self.frame),
                "rejected": len(self.rejected), "errors": int((sev == "error").sum()),
                "warnings": int((sev == "warning").sum())}


def _schema_parts():
    try:
        from kaltara_study.data import schema as S
    except ImportError as exc:  # pragma: no cover - schema.py is part of the package
        raise InputError(f"kaltara_study.data.schema is not available ({exc}); pass schemas= explicitly") from None
    return S.RAW_SCHEMAS, getattr(S, "COLUMN_ALIASES", {}), getattr(S, "KEYS", {})


def _candidate_targets(columns: list[str], schema, aliases: dict[str, str]) -> dict[str, str]:
    """Every renamed header → the schema column it names (before duplicates are resolved)."""
    out = {}
    for c in columns:
        if c == ROW:
            continue
        base = re.sub(r"_\d+$", "", c) if re.search(r"_\d+$", c) and c not in schema.columns else c
        for name in dict.fromkeys([c, base]):  # "npwp_2": the second "NPWP" header of the file
            hit = _rename_map([name], schema, aliases)
            if hit:
                out[c] = hit[name]
                break
            if name in schema.columns:
                out[c] = name
                break
    return out


def _rename_map(columns: list[str], schema, aliases: dict[str, str]) -> dict[str, str]:
    """Raw normalised header → schema column: explicit aliases first, then normalised names."""
    by_norm = {normalise_header(name): name for name in schema.columns}
    out: dict[str, str] = {}
    for c in columns:
        if c == ROW:
            continue
        target = (c if c in schema.columns else None) or aliases.get(c) or aliases.get(normalise_header(c)) \
            or by_norm.get(c)
        if target is None:
            # two-row headers arrive joined ("identitas_kode_desa"): match the longest known tail
            known = {**{normalise_header(k): v for k, v in aliases.items()}, **by_norm}
            tails = [k for k in known if k and c.endswith("_" + k)]
            if tails:
                target = known[max(tails, key=len)]
        if target is not None and target not in out.values():
            out[c] = target
    return out


def parse_frame(frame: pd.DataFrame, schema, *, file: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parse every schema column of a text frame by its metadata kind; other columns are kept as text.

    Returns ``(typed, errors)``; ``typed`` is a new frame (input unchanged) indexed like ``frame``.
    Errors name ``row`` by the ``_row`` column.

    >>> import pandera.pandas as pa
    >>> sch = pa.DataFrameSchema({"modal": pa.Column(float, metadata={"kind": "money"})})
    >>> t, e = parse_frame(pd.DataFrame({"modal": ["Rp 1,2 juta"], "_row": [2]}), sch, file="f.csv")
    >>> t["modal"].tolist(), len(e)
    ([1200000.0], 0)
    """
    rows = frame[ROW] if ROW in frame.columns else pd.Series(frame.index + 1, index=frame.index)
    typed = {}
    errors = []
    for col in frame.columns:
        if col == ROW:
            continue
        values = pd.Series(frame[col].to_numpy(), index=rows.to_numpy(), name=col)
        if col in schema.columns:
            meta = schema.columns[col].metadata or {}
            kind = _kind_of(schema.columns[col])
            if kind == "category" and meta.get("levels"):
                res = parse_category(values, column=col, file=file, levels=meta["levels"])
            else:
                res = KIND_PARSERS[kind](values, column=col, file=file)
            typed[col] = res.values.to_numpy() if not isinstance(res.values.dtype, pd.api.extensions.ExtensionDtype) \
                else res.values.array
            errors.append(res.errors)
        else:
            typed[col] = values.to_numpy()
    out = pd.DataFrame(typed, index=frame.index)
    if ROW in frame.columns:
        out[ROW] = frame[ROW].to_numpy()
    return out, P._concat(errors)


_WIDE_RX = re.compile(r"^(?P<var>iks|ike|ikl|nilai_idm|idm|status_idm|status|skor_idm)_(?P<year>\d{4})$")
_WIDE_CANON = {"iks": "IKS", "ike": "IKE", "ikl": "IKL", "nilai_idm": "IDM", "idm": "IDM", "skor_idm": "IDM",
               "status_idm": "status", "status": "status"}


def idm_wide_to_long(frame: pd.DataFrame) -> pd.DataFrame:
    """Reshape the Kemendesa wide IDM layout (``iks_2024``, ``nilai_idm_2024``, ``status_idm_2024``,
    … after header normalisation) to one row per village and year with ``tahun, IKS, IKE, IKL, IDM,
    status``; other columns are repeated. ``_row`` keeps the spreadsheet row of the village.

    >>> w = pd.DataFrame({"kode_desa": ["6504022001"], "iks_2024": ["0,9"], "nilai_idm_2024": ["0,8"],
    ...                   "_row": [2]})
    >>> idm_wide_to_long(w)[["kode_desa", "tahun", "IKS", "IDM"]].values.tolist()
    [['6504022001', '2024', '0,9', '0,8']]
    """
    wide = {c: _WIDE_RX.match(c) for c in frame.columns}
    wide = {c: m for c, m in wide.items() if m}
    if not wide:
        raise InputError("no year columns such as 'IKS 2024' or 'NILAI IDM 2024' found for the wide IDM layout")
    ids = [c for c in frame.columns if c not in wide]
    base = frame.reset_index(drop=True)
    long = base[list(wide)].rename_axis("_pos").reset_index().melt(
        id_vars="_pos", var_name="_col", value_name="_val")
    parts = long["_col"].str.extract(_WIDE_RX)
    long = long.assign(_var=parts["var"].map(_WIDE_CANON), tahun=parts["year"])
    # several headers may name the same variable (e.g. "IDM 2024" and "NILAI IDM 2024"): first filled wins
    long = long.sort_values(["_pos", "tahun", "_var"], kind="stable")
    long = long[long["_val"].notna()].drop_duplicates(["_pos", "tahun", "_var"], keep="first")
    values = long.pivot(index=["_pos", "tahun"], columns="_var", values="_val").reset_index()
    values.columns.name = None
    out = values.merge(base[ids].rename_axis("_pos").reset_index(), on="_pos", how="left")
    out = out[ids + [c for c in out.columns if c not in ids and c != "_pos"]]
    cells = [c for c in out.columns if c not in ids and c != "tahun"]
    out[cells] = out[cells].astype(object).where(out[cells].notna(), None)
    return out.sort_values([ROW, "tahun"] if ROW in out.columns else ["tahun"], kind="stable").reset_index(drop=True)


def load_source(path: str | Path, kind: str, *, sheet: str | int | None = None, schemas: dict | None = None,
                aliases: dict | None = None, keys: dict | None = None,
                reject_unparseable: bool = False, header_rows: int | str = "auto") -> LoadResult:
    """Read, rename, parse and validate one raw source file.

    Parameters
    ----------
    path : str or Path
    kind : str
        Key of ``schema.RAW_SCHEMAS`` (e.g. ``"simkopdes_village_stats"``, ``"kemendagri_desa"``).
    sheet : str or int, optional
        Worksheet for XLSX files.
    schemas, aliases, keys : dict, optional
        Override ``schema.RAW_SCHEMAS`` / ``COLUMN_ALIASES`` / ``KEYS`` (tests, new layouts).
    reject_unparseable : bool
        Reject rows with a cell that could not be parsed (default: keep the row with NA there;
        the report lists the cell either way).
    header_rows : {"auto", 1, 2}
        Passed to :func:`read_table`.

    Returns
    -------
    LoadResult

    Raises
    ------
    InputError
        Unknown kind, unreadable/empty file, header but no data rows, missing required columns.
    DataError
        Column-level contract failures.

    Examples
    --------
    >>> res = load_source(folder / "simkopdes_kaltara_village_stats.csv",
    ...                   "simkopdes_village_stats")  # doctest: +SKIP
    >>> res.n_read == len(res.frame) + len(res.rejected)  # doctest: +SKIP
    True
    """
    if schemas is None:
        schemas_, aliases_, keys_ = _schema_parts()
        aliases = aliases_ if aliases is None else aliases
        keys = keys_ if keys is None else keys
        schemas = schemas_
    aliases = aliases or {}
    keys = keys or {}
    if kind not in schemas:
        raise InputError(f"unknown source kind {kind!r}; known kinds: {sorted(schemas)}", file=Path(path).name)
    schema = schemas[kind]
    raw = read_table(path, sheet=sheet, header_rows=header_rows)
    file = raw.file
    n_read = raw.n_rows
    if n_read == 0:
        raise InputError("has a header but no data rows; export the table with its rows", file=file)

    text = raw.frame
    if kind == "idm_wide":
        text = idm_wide_to_long(text)
    notes = []
    by_target = {}
    for raw_name, target in _candidate_targets(list(text.columns), schema, aliases.get(kind, {})).items():
        by_target.setdefault(target, []).append(raw_name)
    for target, raws in by_target.items():
        if len(raws) > 1:
            notes.append({"file": file, "row": raw.header_row, "column": ", ".join(raws), "value": None,
                          "rule": f"several headers mean {target!r}: the first ({raws[0]!r}) is used, the others "
                                  "are kept as extra text columns", "severity": "warning"})
    rename = _rename_map(list(text.columns), schema, aliases.get(kind, {}))
    text = text.rename(columns=rename)
    extra = [c for c in text.columns if c != ROW and c not in schema.columns]
    if extra and schema.strict:
        notes.append({"file": file, "row": raw.header_row, "column": ", ".join(extra), "value": None,
                      "rule": "not in the data contract: column ignored", "severity": "info"})
        text = text.drop(columns=extra)
    missing = [n for n, c in schema.columns.items() if c.required and n not in text.columns]
    if missing:
        found = [raw.original_headers.get(c, c) for c in raw.frame.columns if c != ROW]
        raise InputError(
            f"required column(s) {missing} missing; found {found}. Rename the header(s) in the file or "
            f"add the alias to schema.COLUMN_ALIASES[{kind!r}]", file=file)

    typed, perr = parse_frame(text, schema, file=file)
    key = keys.get(kind)
    pre_rejected = pd.Series(False, index=typed.index)
    pre_reason = pd.Series("", index=typed.index, dtype=object)
    if reject_unparseable and len(perr):
        hard = perr[perr["severity"] == "error"]
        by_row = hard.assign(txt=hard["column"] + "=" + hard["value"].astype(str) + ": " + hard["rule"]) \
            .groupby("row")["txt"].agg("; ".join)
        mask = typed[ROW].isin(by_row.index)
        pre_rejected = mask
        pre_reason = typed[ROW].map(by_row).fillna("")

    val = validate(typed[~pre_rejected.to_numpy()], schema, file=file, key=key)
    reasons = pd.concat([pre_reason[pre_rejected], val.rejected["reason"]])
    rejected = text.loc[reasons.index].assign(reason=reasons.to_numpy())
    rejected = rejected.sort_values(ROW, kind="stable").reset_index(drop=True)

    report = pd.concat([d for d in (report_frame(perr.to_dict("records")), val.report, report_frame(notes))
                        if len(d)], ignore_index=True) if (len(perr) or len(val.report) or notes) else report_frame()
    report = report_frame(report).sort_values("row", kind="stable", na_position="first").reset_index(drop=True)
    n_units = len(text)  # the wide IDM layout has several rows per village
    frame = val.valid
    if kind != "idm_wide" and n_read != len(frame) + len(rejected):
        raise DataError(f"{file}: row conservation broken: read {n_read}, kept {len(frame)}, "
                        f"rejected {len(rejected)}", problems=[])
    if kind == "idm_wide" and n_units != len(frame) + len(rejected):
        raise DataError(f"{file}: row conservation broken after reshaping: {n_units} village-years, "
                        f"kept {len(frame)}, rejected {len(rejected)}", problems=[])
    return LoadResult(frame=frame, rejected=rejected, report=report, n_read=n_read, file=file, kind=kind, raw=raw,
                      n_records=n_units)


# ------------------------------------------------------------------------------ file discovery
SOURCE_PATTERNS: dict[str, tuple[str, ...]] = {
    "kemendagri_kabkota": ("*wilayah*_kabkota.csv", "*wilayah*_kabkota.xlsx"),
    "kemendagri_kecamatan": ("*wilayah*_kecamatan.csv", "*wilayah*_kecamatan.xlsx"),
    "kemendagri_desa": ("*wilayah*_desa_kelurahan.csv", "*wilayah*_desa*.csv", "*wilayah*_desa*.xlsx"),
    "kemendagri_summary": ("*wilayah*_summary.csv",),
    "simkopdes_village_stats": ("simkopdes*village_stats.csv", "simkopdes*village_stats.xlsx"),
    "simkopdes_match": ("simkopdes*to_kemendagri_match.csv",),
    "idm_summary": ("idm*_summary.csv",),
    "idm_long": ("idm*indicators_long.csv",),
    "idm_wide": ("idm*wide*.xlsx", "idm*wide*.csv", "*status_idm*.xlsx"),
    "bps_bridge_kabkota": ("*bridging_bps_kemendagri_kabkota.csv",),
    "bps_bridge_kecamatan": ("*bridging_bps_kemendagri_kecamatan.csv",),
    "podes": ("*podes*.csv", "*podes*.xlsx"),
    "survey": ("*survey*.xlsx", "*survei*.xlsx", "*survey*.csv", "*survei*.csv"),
    "boundaries_kabkota": ("*boundaries_kabkota.geojson",),
    "boundaries_kecamatan": ("*boundaries_kecamatan.geojson",),
    "boundaries_desa": ("*boundaries_desa_kelurahan.geojson", "*boundaries_desa*.geojson"),
}


def real_source_files(folder: str | Path) -> dict[str, Path]:
    """Map each source kind to its file in ``folder`` (the ``../shared/data/kaltara`` naming).

    Kinds whose file is absent are left out; when a pattern matches several files the
    alphabetically first is taken (deterministic).

    >>> files = real_source_files(paths().shared_kaltara)  # doctest: +SKIP
    >>> files["simkopdes_village_stats"].name  # doctest: +SKIP
    'simkopdes_kaltara_village_stats.csv'
    """
    folder = Path(folder)
    out: dict[str, Path] = {}
    if not folder.is_dir():
        return out
    for kind, patterns in SOURCE_PATTERNS.items():
        for pat in patterns:
            hits = sorted(p for p in folder.glob(pat) if p.is_file() and "centroid" not in p.name)
            if hits:
                out[kind] = hits[0]
                break
    return out


def load_folder(folder: str | Path, *, kinds: list[str] | None = None, **options) -> dict[str, LoadResult]:
    """Load every tabular source found in ``folder`` (see :func:`real_source_files`).

    Parameters
    ----------
    folder : str or Path
    kinds : list of str, optional
        Restrict to these kinds (a kind whose file is absent raises :class:`InputError`).
    **options
        Passed to :func:`load_source`.

    Returns
    -------
    dict
        kind → :class:`LoadResult`, in :data:`SOURCE_PATTERNS` order (boundaries excluded).

    Examples
    --------
    >>> res = load_folder(paths().synthetic_raw)  # doctest: +SKIP
    >>> load_summary(res)[["kind", "read", "kept", "rejected"]].head(2)  # doctest: +SKIP
    """
    files = real_source_files(folder)
    if kinds is not None:
        absent = [k for k in kinds if k not in files]
        if absent:
            raise InputError(f"no file for source kind(s) {absent} in {Path(folder).name}/; expected names like "
                             + ", ".join(SOURCE_PATTERNS[k][0] for k in absent if k in SOURCE_PATTERNS))
        files = {k: files[k] for k in kinds}
    return {k: load_source(p, k, **options) for k, p in files.items() if not k.startswith("boundaries")}


def load_summary(results: dict[str, LoadResult]) -> pd.DataFrame:
    """One row per loaded source: file, kind, read, records, kept, rejected, errors, warnings.

    >>> load_summary({}).columns.tolist()
    ['file', 'kind', 'read', 'records', 'kept', 'rejected', 'errors', 'warnings']
    """
    cols = ["file", "kind", "read", "records", "kept", "rejected", "errors", "warnings"]
    return pd.DataFrame([r.summary() for r in results.values()], columns=cols)


# ------------------------------------------------------------------------------ boundaries
_BOUNDARY_LEVEL = {"kabkota": "kab", "kecamatan": "kec", "desa": "desa", "desa_kelurahan": "desa"}


def read_boundaries(path: str | Path, level: str):
    """Read boundary polygons (GeoJSON etc.) as a GeoDataFrame in EPSG:4326 with dotted ``kode``.

    Parameters
    ----------
    path : str or Path
    level : {"kabkota", "kecamatan", "desa"}

    Raises
    ------
    InputError
        Missing/unreadable file, no ``kode`` column, codes of the wrong level.

    Examples
    --------
    >>> g = read_boundaries(folder / "kaltara_boundaries_kabkota.geojson", "kabkota")  # doctest: +SKIP
    >>> g.crs.to_epsg(), len(g)  # doctest: +SKIP
    (4326, 5)
    """
    import geopandas as gpd

    path = Path(path)
    if level not in _BOUNDARY_LEVEL:
        raise ValueError(f"level must be one of {sorted(_BOUNDARY_LEVEL)}, not {level!r}")
    if not path.is_file():
        raise InputError(f"boundary file not found at {path}", file=path.name)
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types
        raise InputError(f"is not a readable boundary file ({type(exc).__name__}: {exc})", file=path.name) from None
    cols = {normalise_header(c): c for c in gdf.columns}
    code_col = next((cols[c] for c in ("kode", "kode_desa", "kode_kec", "kode_kab", "kode_wilayah", "code") if c in cols), None)
    if code_col is None:
        raise InputError(f"has no code column (expected 'kode'); found {list(gdf.columns)}", file=path.name)
    res = P.parse_code(gdf[code_col].astype(object), column=code_col, file=path.name, level=_BOUNDARY_LEVEL[level])
    if len(res.errors):
        raise InputError(f"{len(res.errors)} code(s) are not {level} codes, e.g. {res.errors['value'].iloc[0]!r}",
                         file=path.name)
    if gdf.crs is None:
        gdf = gdf.set_crs(4326)
    elif gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    name_col = next((cols[c] for c in ("nama", "name", "nama_wilayah") if c in cols), None)
    out = gdf.assign(kode=res.values.to_numpy())
    if name_col is not None and name_col != "nama":
        out = out.rename(columns={name_col: "nama"})
    return out.sort_values("kode", kind="stable").reset_index(drop=True)
