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
from kaltara_study.data import schema as S
from kaltara_study.errors import DataError, InputError
from kaltara_study.data.read import RawTable, normalise_header, read_table
from kaltara_study.data.validate import ROW, report_frame, validate
from kaltara_study.data.write import sha256_file

__all__ = ["Discovery", "KIND_TITLES", "MULTI_FILE_KINDS", "describe_kind", "detect_kind", "expected_columns",
           "kind_title", "missing_for", "discover_files", "KIND_PARSERS", "LoadResult", "load_folder", "load_summary", "parse_category", "SOURCE_PATTERNS", "idm_wide_to_long", "load_source", "load_cooperative_sources", "discovery_reason_codes", "read_provenance",
           "parse_frame", "read_boundaries", "real_source_files", "simplify_outlines", "MAP_TOLERANCE_DEG"]


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
    known = None
    for c in columns:
        if c == ROW:
            continue
        target = (c if c in schema.columns else None) or aliases.get(c) or aliases.get(normalise_header(c)) \
            or by_norm.get(c)
        if target is None:
            # two-row headers arrive joined ("identitas_kode_desa"): match the longest known tail
            if known is None:
                known = {**{normalise_header(k): v for k, v in aliases.items()}, **by_norm}
            tails = [k for k in known if k and c.endswith("_" + k)]
            if tails:
                target = known[max(tails, key=len)]
        if target is not None and target not in out.values():
            out[c] = target
    return out


def parse_frame(frame: pd.DataFrame, schema, *, file: str,
                source_kind: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
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
                res = KIND_PARSERS[kind](values, column=col, file=file,
                                         **P.parser_options(source_kind or "", kind))
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
            f"add the alias to schema.COLUMN_ALIASES[{kind!r}]", file=getattr(raw, "where", file))

    typed, perr = parse_frame(text, schema, file=file, source_kind=kind)
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
    """Map each source kind to its file in ``folder``, found by content (:func:`discover_files`).

    Kinds whose file is absent are left out; for several files of one kind the preferred one is
    given (see :func:`discover_files`). ``SOURCE_PATTERNS`` only documents the usual names.

    >>> files = real_source_files(paths().shared_kaltara)  # doctest: +SKIP
    >>> files["simkopdes_village_stats"].name  # doctest: +SKIP
    'simkopdes_kaltara_village_stats.csv'
    """
    return discover_files(folder).first()


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


#: tolerance of the outlines a map draws (degrees; ``shapely.coverage_simplify``'s tolerance, the
#: square root of the Visvalingam–Whyatt triangle area): 0.001°, about 110 m
MAP_TOLERANCE_DEG = 0.001


def simplify_outlines(gdf, tolerance: float = MAP_TOLERANCE_DEG):
    """``gdf`` with its polygons simplified for drawing a map, as a coverage: an edge two units
    share is simplified once, so neighbours keep a common border (no gaps or overlaps appear), which
    simplifying each polygon on its own would not give (``shapely.coverage_simplify``, GEOS's
    CoverageSimplifier, Visvalingam–Whyatt). Only for drawing: contiguity and areas are computed on
    the boundaries as read. Returns a new GeoDataFrame; ``gdf`` is not modified.

    Measured on the 482 village boundaries at the default tolerance: 51,632 of 101,308 vertices
    are kept; 99 % of the outlines stay within 0.002° of the original (Hausdorff distance), the
    farthest within 0.0046° — on a province map saved at 200 dpi one pixel is about 0.0025°.

    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame({"kode": ["a", "b"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326)
    >>> simplify_outlines(g).geometry.touches(g.geometry.iloc[1]).tolist()
    [True, False]
    """
    import shapely

    return gdf.set_geometry(shapely.coverage_simplify(gdf.geometry.to_numpy(), tolerance), crs=gdf.crs)


# ------------------------------------------------------------------------------ discovery by content
#: kinds that may come as several files, all used (e.g. one IDM file per year); on a duplicate key the
#: file earlier in precedence order wins (reported by the pipeline)
MULTI_FILE_KINDS = ("idm_desa", "idm_summary", "boundary_centroids")
#: file suffixes read as tables / as boundaries; anything else is ignored (and reported)
TABLE_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm"}
BOUNDARY_SUFFIXES = {".geojson"}
PROVENANCE_FILE = "PROVENANCE.md"
DISCOVERY_COLUMNS = ["file", "origin", "kind", "used", "reason"]
_ORIGIN_RANK = {"researcher": 0, "source": 1, "vendored": 2}
_CODE_LEVEL = {"code_desa": "desa", "code_kec": "kec", "code_kab": "kab"}


def _codes_parse(values: pd.Series, level: str, *, share: float = 0.8) -> bool:
    """Whether a column holds codes of ``level``: at least ``share`` of its first 20 values parse.
    A few bad cells (a NIK typed into the village-code column) do not hide the whole file; they are
    rejected row by row, with a reason, when the file is loaded."""
    sample = values.dropna().astype(str).head(20)
    if sample.empty:
        return True
    good = int(P.parse_code(sample.reset_index(drop=True), column="kode", level=level).values.notna().sum())
    return good >= share * len(sample)


def _detect_boundaries(path: Path) -> tuple[str | None, str]:
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        props = (data.get("features") or [{}])[0].get("properties") or {}
    except (OSError, ValueError, AttributeError) as exc:
        return None, f"not readable as GeoJSON ({type(exc).__name__})"
    code = next((props[k] for k in ("kode", "kode_desa", "kode_kec", "kode_kab", "kode_wilayah", "code")
                 if k in props), None)
    if code is None:
        return None, "GeoJSON features have no 'kode' property"
    digits = re.sub(r"\D", "", str(code))
    level = {4: "boundaries_kabkota", 6: "boundaries_kecamatan", 10: "boundaries_desa"}.get(len(digits))
    if level is None:
        return None, f"GeoJSON 'kode' {code!r} is not a kabupaten, kecamatan or village code"
    return level, f"GeoJSON with {level.split('_')[1]} codes in 'kode'"


def detect_kind(path: str | Path, *, schemas: dict | None = None, aliases: dict | None = None
                ) -> tuple[str | None, str]:
    """The source kind of a raw file, from its content (headers, code level), never from its name.

    A kind fits when every required column of its contract (``schema.RAW_SCHEMAS``) is named by a
    header (directly or through ``schema.COLUMN_ALIASES``) and its required code columns hold codes of
    the right level; among fitting kinds the one explaining the largest share of the file's headers
    wins (then the one covering more columns). GeoJSON files are boundaries of the level of their
    ``kode`` property. The wide Kemendesa IDM layout is recognised by headers such as ``IKS 2024``.

    Returns
    -------
    (kind or None, reason)

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "anything.csv"
    >>> _ = p.write_text("cooperative_id,name,district,subdistrict,latitude,longitude\\n1,K,A,B,2.1,117\\n")
    >>> detect_kind(p)[0]
    'simkopdes_locations'
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in BOUNDARY_SUFFIXES:
        return _detect_boundaries(path)
    if suffix not in TABLE_SUFFIXES:
        return None, f"not a data file ({suffix or 'no suffix'})"
    if schemas is None:
        schemas, aliases_, _ = _schema_parts()
        aliases = aliases_ if aliases is None else aliases
    aliases = aliases or {}
    try:
        raw = read_table(path)
    except InputError as exc:
        return None, f"not readable as a table ({exc})"
    headers = [c for c in raw.frame.columns if c != ROW]
    if not headers:
        return None, "no header row"
    if "idm_wide" in schemas and any(_WIDE_RX.match(h) for h in headers):
        rename = _rename_map(headers, schemas["idm_wide"], aliases.get("idm_wide", {}))
        if "kode_desa_kemendesa" in rename.values():
            return "idm_wide", "village code and year columns such as 'IKS 2024' (wide Kemendesa IDM layout)"
    fits = []
    for kind, schema in schemas.items():
        if kind == "idm_wide":
            continue
        rename = _rename_map(headers, schema, aliases.get(kind, {}))
        covered = set(rename.values())
        required = {n for n, c in schema.columns.items() if c.required}
        if not required <= covered:
            continue
        inverse = {v: k for k, v in rename.items()}
        ok = all(_codes_parse(raw.frame[inverse[n]], _CODE_LEVEL[_kind_of(c)])
                 for n, c in schema.columns.items()
                 if c.required and _kind_of(c) in _CODE_LEVEL and n in inverse)
        if ok:
            fits.append((len(rename) / len(headers), len(covered), kind))
    if not fits:
        return None, "headers match no known source kind: " + ", ".join(headers[:8]) + ("…" if len(headers) > 8 else "")
    fits.sort(key=lambda t: (-t[0], -t[1], t[2]))
    share, n, kind = fits[0]
    others = [k for s, m, k in fits[1:] if (s, m) == (share, n)]
    why = f"headers fit the {kind!r} contract ({n} columns, {share:.0%} of the file's headers)"
    if others:
        why += f"; equally good: {others} (first in name order taken)"
    return kind, why


#: what each kind of raw file is, in plain words (files are found by content, never by these words)
KIND_TITLES: dict[str, str] = {
    "kemendagri_desa": "the Kemendagri village list (desa/kelurahan)",
    "kemendagri_kecamatan": "the Kemendagri district list (kecamatan)",
    "kemendagri_kabkota": "the Kemendagri regency/city list (kabupaten/kota)",
    "kemendagri_summary": "the Kemendagri summary per regency/city (area, population)",
    "simkopdes_village_stats": "the SIMKOPDES registry per village (cooperatives, accounts, NPWP, NIB, RAT)",
    "simkopdes_match": "the SIMKOPDES → Kemendagri village match table",
    "simkopdes_locations": "the SIMKOPDES cooperative locations (name, coordinates)",
    "simkopdes_land": "the SIMKOPDES building-land verification",
    "idm_summary": "the IDM (Indeks Desa Membangun) summary per village and year",
    "idm_long": "the IDM indicators, one row per village, year and indicator",
    "idm_wide": "the Kemendesa IDM workbook (one column per index and year)",
    "idm_desa": "the IDM scores per village of one year",
    "idm_indicators": "the IDM indicator scores per village (one column per indicator)",
    "bps_bridge_kabkota": "the BPS → Kemendagri code bridge for regencies/cities",
    "bps_bridge_kecamatan": "the BPS → Kemendagri code bridge for districts",
    "podes": "the Podes village facilities (population, shops, markets, …)",
    "survey": "the cooperative survey",
    "boundary_centroids": "the centroids of the region boundaries",
}
_CODE_EXAMPLE = {"desa": "village codes such as 65.01.01.2001", "kec": "district codes such as 65.01.01",
                 "kab": "regency codes such as 65.01"}


def kind_title(kind: str) -> str:
    """A kind in plain words (:data:`KIND_TITLES`), e.g. ``"the Kemendagri village list (desa/kelurahan)"``."""
    return KIND_TITLES.get(kind, f"the {kind.replace('_', ' ')} file")


def expected_columns(kind: str, *, schemas: dict | None = None, aliases: dict | None = None) -> list[str]:
    """The columns :func:`detect_kind` needs to recognise a file as ``kind``, as readers would type them:
    each required column of the contract with the other headers it accepts (``schema.COLUMN_ALIASES``)
    and, for a code column, the codes it must hold.

    >>> expected_columns("kemendagri_kabkota")[0]
    'kode (or kode kabkota, kode kab, kode wilayah; regency codes such as 65.01)'
    """
    if schemas is None:
        schemas, aliases_, _ = _schema_parts()
        aliases = aliases_ if aliases is None else aliases
    aliases = (aliases or {}).get(kind, {})
    out = []
    for name, col in schemas[kind].columns.items():
        if not col.required:
            continue
        others = [h for h, target in aliases.items() if target == name and h != normalise_header(name)]
        notes = [", ".join(h.replace("_", " ") for h in others)] if others else []
        words = ("or " + notes[0]) if notes else ""
        level = _CODE_LEVEL.get(_kind_of(col))
        if level:
            words += ("; " if words else "") + _CODE_EXAMPLE[level]
        allowed = next((c.statistics.get("allowed_values") for c in (col.checks or []) if c.name == "isin"), None)
        if allowed:
            words += ("; " if words else "") + " or ".join(str(a) for a in allowed)
        out.append(name.replace("_", " ") + (f" ({words})" if words else ""))
    return out


def describe_kind(kind: str, **options) -> str:
    """``kind`` in plain words with the columns a file needs to be recognised as it.

    >>> describe_kind("kemendagri_kecamatan")  # doctest: +ELLIPSIS
    'the Kemendagri district list (kecamatan): a table with the columns kode (or kode kecamatan, kode kec; ...'
    """
    return f"{kind_title(kind)}: a table with the columns " + " / ".join(expected_columns(kind, **options))


def missing_for(path: str | Path, kinds: list[str]) -> tuple[str, list[str]] | None:
    """The kind among ``kinds`` that the table at ``path`` comes closest to, and the required columns it
    lacks for it (as :func:`expected_columns` spells them); None when it names none of their columns."""
    schemas, aliases, _ = _schema_parts()
    try:
        raw = read_table(path)
    except (InputError, DataError):
        return None
    headers = [c for c in raw.frame.columns if c != ROW]
    best = None
    for kind in kinds:
        covered = set(_rename_map(headers, schemas[kind], aliases.get(kind, {})).values())
        required = [n for n, c in schemas[kind].columns.items() if c.required]
        have = [n for n in required if n in covered]
        if not have:
            continue
        lack = [n for n in required if n not in covered]
        if best is None or len(lack) < len(best[1]):
            best = (kind, lack)
    if best is None:
        return None
    cols = dict(zip([n for n, c in schemas[best[0]].columns.items() if c.required], expected_columns(best[0])))
    return best[0], [cols[n] for n in best[1]]


_DETECTED: dict[tuple, tuple[str | None, str]] = {}


def _detect_cached(path: Path) -> tuple[str | None, str]:
    """:func:`detect_kind` with the default contract, remembered per file name and content in this process."""
    key = (path.name, sha256_file(path))
    if key not in _DETECTED:
        _DETECTED[key] = detect_kind(path)
    return _DETECTED[key]


def _provenance_names(folder: Path) -> set[str]:
    prov = folder / PROVENANCE_FILE
    if not prov.is_file():
        return set()
    return set(re.findall(r"^\| `([^`]+)` \|", prov.read_text(encoding="utf-8"), flags=re.M))


@dataclass(frozen=True)
class Discovery:
    """The raw files of a source, found by content.

    Attributes
    ----------
    files : dict
        kind → files used, in precedence order (one file for single-file kinds).
    report : DataFrame
        ``file, origin, kind, used, reason`` for every file looked at: ``origin`` is ``vendored``
        (listed in the folder's ``PROVENANCE.md``), ``researcher`` (any other file below a folder
        with a ``PROVENANCE.md``, e.g. ``data/raw/kaltara/survey/``) or ``source`` (a folder without
        one, e.g. ``data/raw/synthetic``); ``file`` is relative to the source folder.
    """

    files: dict[str, list[Path]]
    report: pd.DataFrame

    def first(self) -> dict[str, Path]:
        """kind → the preferred file."""
        return {k: v[0] for k, v in self.files.items() if v}


def discover_files(folders: list[str | Path] | str | Path) -> Discovery:
    """Find every raw file of a source by content (:func:`detect_kind`), recursively, and choose.

    Precedence within a kind: a researcher's file beats a vendored public file (the researcher put
    it there on purpose; reported, never silent); among researchers' files the most recently
    modified wins; otherwise name order. Kinds in :data:`MULTI_FILE_KINDS` keep every file, in
    that order. Files named ``ANSWERS_*`` (the synthetic truth) and ``PROVENANCE.md``/``README*``
    are not data.

    Examples
    --------
    >>> d = discover_files(paths().shared_kaltara)  # doctest: +SKIP
    >>> d.report.query("used")[["file", "kind"]].head(3)  # doctest: +SKIP
    """
    if isinstance(folders, (str, Path)):
        folders = [folders]
    rows = []
    cands: dict[str, list[tuple]] = {}
    for folder in (Path(f) for f in folders):
        if not folder.is_dir():
            continue
        for f in sorted(folder.rglob("*")):
            if not f.is_file() or any(part.startswith(".") for part in f.relative_to(folder).parts):
                continue
            rel = f.relative_to(folder).as_posix()
            if f.name == PROVENANCE_FILE or f.name.upper().startswith("README") or f.name.startswith("ANSWERS_"):
                rows.append({"file": rel, "origin": "-", "kind": None, "used": False,
                             "reason": "documentation or synthetic truth, not an input"})
                continue
            listed = _provenance_names(f.parent)
            under_prov = any((p / PROVENANCE_FILE).is_file() for p in [f.parent, *f.parents]
                             if p == folder or folder in p.parents)
            origin = "vendored" if f.name in listed else ("researcher" if under_prov else "source")
            kind, why = _detect_cached(f)
            row = {"file": rel, "origin": origin, "kind": kind, "used": False, "reason": why}
            rows.append(row)
            if kind is not None:
                mtime = f.stat().st_mtime if origin == "researcher" else 0.0
                cands.setdefault(kind, []).append((_ORIGIN_RANK[origin], -mtime, rel, f, row))
    files: dict[str, list[Path]] = {}
    for kind, lst in sorted(cands.items()):
        lst.sort(key=lambda t: t[:3])
        if kind in MULTI_FILE_KINDS:
            files[kind] = [t[3] for t in lst]
            for t in lst:
                t[4]["used"] = True
                if len(lst) > 1:
                    t[4]["reason"] += f"; one of {len(lst)} files of this kind (on a duplicate key the " \
                                      "researcher's, then the newer file wins)"
            continue
        win = lst[0]
        files[kind] = [win[3]]
        win[4]["used"] = True
        for t in lst[1:]:
            if win[0] < t[0]:
                why = f"shadowed by the researcher's file {win[2]!r}, which takes precedence over {t[4]['origin']} files"
            elif win[4]["origin"] == "researcher":
                why = f"superseded by the researcher's more recently modified file {win[2]!r}"
            else:
                why = f"another file of this kind, {win[2]!r}, comes first in name order"
            t[4]["reason"] = f"not used: {why}"
        if len(lst) > 1 and win[4]["origin"] == "researcher":
            win[4]["reason"] += "; used instead of " + ", ".join(repr(t[2]) for t in lst[1:])
    report = pd.DataFrame(rows, columns=DISCOVERY_COLUMNS)
    return Discovery(files=files, report=report)


# ------------------------------------------------------------------------------ instrument inputs
def load_cooperative_sources(folders: list[str | Path] | str | Path) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """The SIMKOPDES locations and the SIMKOPDES → Kemendagri match table of ``folders`` as text frames.

    The two files are found by content (:func:`discover_files`), read with :func:`read_table` (text
    cells, normalised headers, the ``_row`` column dropped) and returned as they are, for
    :func:`kaltara_study.instrument.forms.cooperative_list` (which preloads the cooperatives into
    the field forms). A file that is absent gives ``None`` (the synthetic source has no match table).

    >>> locations, match = load_cooperative_sources(paths().kaltara_raw)  # doctest: +SKIP
    >>> locations.columns[:2].tolist()  # doctest: +SKIP
    ['cooperative_id', 'name']
    """
    files = discover_files(folders).first()

    def read(kind: str) -> pd.DataFrame | None:
        path = files.get(kind)
        if path is None:
            return None
        return read_table(path).frame.drop(columns="_row", errors="ignore")

    return read("simkopdes_locations"), read("simkopdes_match")


#: (pattern at the start of a discovery reason, reason code), first match wins.
_DISCOVERY_REASONS = (
    ("documentation or synthetic truth", "documentation"),
    ("not used: shadowed", "shadowed_by_researcher"),
    ("not used: superseded", "superseded_by_newer"),
    ("not used: another file", "duplicate_kind"),
    ("headers fit", "headers_fit"),
    ("village code and year columns", "headers_fit"),
    ("GeoJSON", "boundaries"),
    ("headers match no known source kind", "unknown_headers"),
    ("not a data file", "not_data"),
    ("not readable as a table", "unreadable"),
    ("no header row", "no_header"),
)


def discovery_reason_codes(report: pd.DataFrame) -> pd.Series:
    """A short code for each row's ``reason`` of a :func:`discover_files` report (for labelled tables).

    Codes: ``headers_fit``, ``boundaries``, ``documentation``, ``unknown_headers``, ``not_data``,
    ``unreadable``, ``no_header``, ``shadowed_by_researcher``, ``superseded_by_newer``,
    ``duplicate_kind``; anything else ``other``. The reason text itself stays in the report.

    >>> discovery_reason_codes(pd.DataFrame({"reason": ["headers match no known source kind: a, b"]})).tolist()
    ['unknown_headers']
    """
    def code(reason) -> str:
        text = str(reason)
        return next((c for p, c in _DISCOVERY_REASONS if text.startswith(p)), "other")

    return report["reason"].map(code).rename("reason_code")


def read_provenance(folder: str | Path) -> pd.DataFrame:
    """The table of ``folder``'s ``PROVENANCE.md`` (one row per vendored file) as a frame.

    Columns as in the file's header row, normalised (``file, what, source_repository, path, commit,
    licence, sha256``); back-ticks around cells removed. A folder without ``PROVENANCE.md`` (the
    synthetic source) gives an empty frame with those columns.

    >>> read_provenance(paths().kaltara_raw)["file"].iloc[0]  # doctest: +SKIP
    'README.md'
    """
    cols = ["file", "what", "source_repository", "path", "commit", "licence", "sha256"]
    prov = Path(folder) / PROVENANCE_FILE
    if not prov.is_file():
        return pd.DataFrame(columns=cols)
    rows = [line.strip().strip("|").split("|") for line in prov.read_text(encoding="utf-8").splitlines()
            if line.lstrip().startswith("|")]
    if len(rows) < 2:
        return pd.DataFrame(columns=cols)
    header = [normalise_header(h.strip()) for h in rows[0]]
    body = [[c.strip().strip("`") for c in r] for r in rows[2:] if len(r) == len(header)]
    return pd.DataFrame(body, columns=header)
