"""The study workbook an official can filter: a pure builder of an openpyxl ``Workbook`` and one
byte-reproducible save through :func:`kaltara_study.data.write.save_xlsx`.

Sheets, in order (Indonesian names by default, English with ``lang="en"``):

1. **Keterangan** (About): what the workbook is, SYNTHETIC on a synthetic build, how to filter,
   the sheets, the data sources and their dates, how to read every column of the results sheet,
   the caveats.
2. **Ringkasan** (Summary): kabupaten/kota × partner, the estimated number of cooperatives with
   potential and ready, with its interval (``84 (70–95)``), and the province total.
3. **Hasil per koperasi** (Results): one row per cooperative; official name, village, kecamatan,
   kabupaten frozen at the left (panes frozen after them and the header row), AutoFilter, bold
   header, fitted widths, a number format per column (percent, rupiah, 1–2 decimals) and
   conditional colours on the verdict columns.
4. **Daftar pendek <mitra>** (Shortlist <partner>), one per partner ("Daftar pendek Kimia Farma"):
   the cooperatives ready (or provisionally ready) for it, most probable first — filter its
   Kabupaten/Kota column once to get "ready for Bulog in Nunukan".
5. **Daftar verifikasi bimtek** (Verification list) and **Kepekaan** (Sensitivity) when given,
   then any ``extra_sheets``.

Input frames (code column names; translated here):

- ``cooperatives``: one row per cooperative; required ``coop_id``, ``coop_name`` (official name),
  ``nama_desa``, ``nama_kecamatan``, ``nama_kabkota``; any further columns (``kode_desa``,
  ``segment_name``, ``index``, …) follow in the order given.
- ``readiness``: long, one row per cooperative × partner: ``coop_id``, ``partner`` (code),
  ``verdict`` (``ready``/``provisional``/``nearly_ready``/``not_ready``/``not_assessable``),
  optional ``p_ready`` (P(potential and ready), 0–1) and ``reasons`` (text or list).
- ``summary``: long, ``nama_kabkota``, ``partner``, ``expected``, ``low``, ``high`` (counts of
  cooperatives with potential and ready; rows with ``nama_kabkota == "Total"`` are the province),
  optional ``n`` (cooperatives in the kabupaten).
- ``verification`` (optional): any columns, one row per cooperative (× item) to check at the
  bimtek; identity columns are added from ``cooperatives`` by ``coop_id`` when missing.
- ``sensitivity`` (optional): any columns.
- ``sources`` (optional): ``source``, ``date``, optional ``note`` (shown on the cover).

>>> wb = build_workbook(cooperatives=coops, readiness=long, summary=summ, synthetic=True)  # doctest: +SKIP
>>> write_workbook("reports/tables/kaltara_kopdes_study.xlsx", cooperatives=coops, ...)   # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kaltara_study.data.schema import PROCESSED_SCHEMAS
from kaltara_study.data.write import save_xlsx, write_table
from kaltara_study.report.figures import PARTNER_ORDER, VERDICT_ORDER
from kaltara_study.report.format import formatter
from kaltara_study.report.labels import label, labels, partner_label, value_label, verdict_label

__all__ = ["FIXED_TIME", "IDENTITY", "NUMBER_FORMATS", "VERDICT_FILLS", "build_workbook", "excel_format",
           "sources_from_provenance", "write_workbook"]

#: The timestamp written into every workbook (created/modified and zip member times).
FIXED_TIME = dt.datetime(2025, 1, 1, 0, 0, 0)
MAX_SHEET_NAME = 31
#: The columns frozen at the left of every per-cooperative sheet.
IDENTITY = ("coop_name", "nama_desa", "nama_kecamatan", "nama_kabkota")
#: Excel number formats by kind (Excel shows its user's separators: 1.234 in an Indonesian Excel).
NUMBER_FORMATS = {"percent": "0%", "rupiah": '"Rp" #,##0', "integer": "#,##0", "number1": "0.0",
                  "number2": "0.00", "pvalue": "0.000", "text": "@"}
#: Light fills for the verdict cells (tints of the figure colours).
VERDICT_FILLS = {"ready": "B7E4C7", "provisional": "D8F3DC", "nearly_ready": "CDE7F7", "not_ready": "F8C9B0",
                 "not_assessable": "E6E6E6"}
_HEADER_FILL = PatternFill("solid", fgColor="DDE5EE")
_SYNTH_FILL = PatternFill("solid", fgColor="FDE0CF")
_TOTAL_KEY = "Total"


def _partner_key(p: str) -> tuple:
    return (PARTNER_ORDER.index(p) if p in PARTNER_ORDER else len(PARTNER_ORDER), str(p))


def excel_format(column: str, series: pd.Series) -> str:
    """The number-format kind of a column (a key of :data:`NUMBER_FORMATS`).

    ``p_ready*``/``*share*`` → percent, ``*_rp`` → rupiah, ``index``/``idm``/scores → 1 decimal,
    other fractional numbers → 2 decimals, whole numbers → integer, p-values → 3 decimals.
    """
    n = str(column).lower()
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        return "text"
    if n.startswith("p_ready") or "share" in n or n.startswith("prob"):
        return "percent"
    if n.endswith("_rp"):
        return "rupiah"
    if n in ("p_value", "p_adj", "pvalue") or n.endswith("_p"):
        return "pvalue"
    vals = pd.to_numeric(series, errors="coerce").dropna().to_numpy(dtype=float)
    if pd.api.types.is_integer_dtype(series) or (len(vals) and np.all(vals == np.round(vals))):
        return "integer"
    if n in ("index", "idm", "iks", "ike", "ikl") or "score" in n or (len(vals) and np.nanmax(np.abs(vals)) >= 100):
        return "number1"
    return "number2"


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "-", str(name))[:MAX_SHEET_NAME] or "Lembar"
    out, i = base, 2
    while out.lower() in used:
        suffix = f" ({i})"
        out, i = base[: MAX_SHEET_NAME - len(suffix)] + suffix, i + 1
    used.add(out.lower())
    return out


def _cell_value(v):
    """A value openpyxl can write: NA → None, numpy scalars → Python, lists → '; '-joined text."""
    if isinstance(v, (list, tuple, set, np.ndarray)):
        return "; ".join(str(x) for x in v)
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, pd.Timestamp):
        return v.tz_localize(None).to_pydatetime() if v.tzinfo else v.to_pydatetime()
    return v


def _header_text(col: str, lang: str) -> str:
    return label(col, lang=lang) if col in labels() else str(col)


def _column_note(col: str, lang: str) -> str:
    cols = PROCESSED_SCHEMAS["cooperatives"].columns
    if col in cols:
        return str((cols[col].metadata or {}).get("desc_id" if lang == "id" else "desc_en", ""))
    return ""


def _labeller(column: str, lang: str):
    """``value_label(column, v)`` for each cell ``v`` of one column, worked out once per distinct
    value (a sheet of 411 cooperatives repeats the same few codes; labelling 44,566 cells one by one
    took 0.45 s); lists are left as they are."""
    done: dict = {}

    def one(v):
        if isinstance(v, (list, tuple, np.ndarray)):
            return v
        try:
            key = (type(v), v)             # the type too: True and 1 are equal keys otherwise
            if key not in done:
                done[key] = value_label(column, v, lang=lang)
            return done[key]
        except TypeError:                  # an unhashable cell
            return value_label(column, v, lang=lang)

    return one


class _Sheet:
    """One data sheet: header texts, code names, kinds, rows (already translated)."""

    def __init__(self, df: pd.DataFrame, *, lang: str, headers: Mapping[str, str] | None = None,
                 verdict_cols: Sequence[str] = (), kinds: Mapping[str, str] | None = None):
        self.codes = [str(c) for c in df.columns]
        headers = dict(headers or {})
        self.headers = [headers.get(c) or _header_text(c, lang) for c in self.codes]
        self.kinds = {c: (kinds or {}).get(c) or excel_format(c, df[c]) for c in self.codes}
        self.verdict_cols = [c for c in verdict_cols if c in self.codes]
        d = df.copy()
        d.columns = self.codes
        for c in self.codes:
            if self.kinds[c] == "text":
                d[c] = d[c].astype(object).map(_labeller("verdict" if c in self.verdict_cols else c, lang))
        self.rows = [[_cell_value(v) for v in r] for r in d.itertuples(index=False, name=None)]


def _write_table(ws, sheet: _Sheet, *, lang: str, start_row: int = 1, freeze_after: int = 0,
                 synthetic: bool = False) -> None:
    headers, rows = list(sheet.headers), [list(r) for r in sheet.rows]
    kinds = [sheet.kinds[c] for c in sheet.codes]
    if synthetic:
        headers.append(label("data_status", lang=lang))
        rows = [r + [label("synthetic_mark", lang=lang)] for r in rows]
        kinds.append("text")
    for j, h in enumerate(headers, start=1):
        c = ws.cell(row=start_row, column=j, value=h)
        c.font = Font(bold=True)
        c.fill = _HEADER_FILL
        c.alignment = Alignment(wrap_text=True, vertical="top")
    for i, r in enumerate(rows, start=start_row + 1):
        for j, v in enumerate(r, start=1):
            cell = ws.cell(row=i, column=j, value=v)
            if kinds[j - 1] != "text" and isinstance(v, (int, float)) and not isinstance(v, bool):
                cell.number_format = NUMBER_FORMATS[kinds[j - 1]]
    fmt = formatter(lang)
    for j, (h, k) in enumerate(zip(headers, kinds, strict=True), start=1):
        shown = [len(fmt.format(r[j - 1], "percent" if k == "percent" else ("integer" if k == "rupiah" else k)))
                 + (3 if k == "rupiah" else 0) for r in rows[:2000] if r[j - 1] is not None] if k != "text" else \
            [len(str(r[j - 1])) for r in rows[:2000] if r[j - 1] is not None]
        longest_word = max((len(w) for w in str(h).split()), default=4)
        width = max([min(len(str(h)), 24), longest_word] + shown) + 2
        ws.column_dimensions[get_column_letter(j)].width = float(min(max(width, 8), 60))
    last = get_column_letter(max(1, len(headers)))
    ws.auto_filter.ref = f"A{start_row}:{last}{start_row + max(len(rows), 1)}"
    ws.freeze_panes = f"{get_column_letter(freeze_after + 1)}{start_row + 1}"
    for c in sheet.verdict_cols:
        j = sheet.codes.index(c) + 1
        col = get_column_letter(j)
        ref = f"{col}{start_row + 1}:{col}{start_row + max(len(rows), 1)}"
        for v in VERDICT_ORDER:
            text = verdict_label(v, lang=lang).replace('"', '""')
            ws.conditional_formatting.add(ref, CellIsRule(operator="equal", formula=[f'"{text}"'],
                                                          fill=PatternFill("solid", fgColor=VERDICT_FILLS[v],
                                                                           bgColor=VERDICT_FILLS[v])))
    if synthetic:
        ws.sheet_properties.tabColor = "D55E00"


def _results_frame(cooperatives: pd.DataFrame, readiness: pd.DataFrame, *, lang: str):
    missing = [c for c in ("coop_id", *IDENTITY) if c not in cooperatives.columns]
    if missing:
        raise ValueError(f"cooperatives needs the columns {missing} (official name, village, kecamatan, "
                         "kabupaten and coop_id); add them before building the workbook")
    need = {"coop_id", "partner", "verdict"} - set(readiness.columns)
    if need:
        raise ValueError(f"readiness needs the columns {sorted(need)} (long: one row per cooperative × partner)")
    bad = sorted(set(readiness["verdict"].dropna()) - set(VERDICT_ORDER))
    if bad:
        raise ValueError(f"unknown verdict codes {bad}; expected {list(VERDICT_ORDER)}")
    rest = [c for c in cooperatives.columns if c not in (*IDENTITY, "coop_id")]
    base = cooperatives[[*IDENTITY, "coop_id", *rest]].copy()
    base["coop_id"] = base["coop_id"].astype(str)
    r = readiness.assign(coop_id=readiness["coop_id"].astype(str))
    partners = sorted(r["partner"].unique(), key=_partner_key)
    headers, verdict_cols = {}, []
    for p in partners:
        sub = r[r["partner"] == p].drop_duplicates("coop_id").set_index("coop_id")
        name = partner_label(p, lang=lang, short=True)
        if "p_ready" in sub.columns:
            base[f"p_ready_{p}"] = base["coop_id"].map(sub["p_ready"]).astype(float)
            headers[f"p_ready_{p}"] = label("wb_p_ready", lang=lang, partner=name)
        base[f"verdict_{p}"] = base["coop_id"].map(sub["verdict"])
        headers[f"verdict_{p}"] = label("wb_verdict", lang=lang, partner=name)
        verdict_cols.append(f"verdict_{p}")
        if "reasons" in sub.columns:
            base[f"reasons_{p}"] = base["coop_id"].map(sub["reasons"])
            headers[f"reasons_{p}"] = f"{name}: {label('rd_reasons', lang=lang)}"
    base = base.sort_values(["nama_kabkota", "nama_kecamatan", "nama_desa", "coop_id"], kind="stable")
    return base.reset_index(drop=True), headers, verdict_cols, partners


def _summary_rows(summary: pd.DataFrame, partners: Sequence[str], *, lang: str):
    need = {"nama_kabkota", "partner", "expected", "low", "high"} - set(summary.columns)
    if need:
        raise ValueError(f"summary needs the columns {sorted(need)} (long: kabupaten × partner)")
    fmt = formatter(lang)
    ps = [p for p in partners if p in set(summary["partner"])] or sorted(summary["partner"].unique(), key=_partner_key)
    kabs = sorted(k for k in summary["nama_kabkota"].unique() if k != _TOTAL_KEY)
    if (summary["nama_kabkota"] == _TOTAL_KEY).any():
        kabs.append(_TOTAL_KEY)
    header = [label("kabupaten", lang=lang)]
    has_n = "n" in summary.columns
    if has_n:
        header.append(label("wb_n_coops", lang=lang))
    header += [partner_label(p, lang=lang, short=True) for p in ps]
    rows = []
    for k in kabs:
        sub = summary[summary["nama_kabkota"] == k].set_index("partner")
        row = [label("province", lang=lang) if k == _TOTAL_KEY else k]
        if has_n:
            row.append(_cell_value(sub["n"].dropna().iloc[0]) if sub["n"].notna().any() else None)
        for p in ps:
            row.append(fmt.count_interval(sub.at[p, "expected"], sub.at[p, "low"], sub.at[p, "high"])
                       if p in sub.index else None)
        rows.append(row)
    return header, rows


def _write_summary(ws, summary, partners, *, lang, synthetic):
    ws.cell(row=1, column=1, value=label("wb_summary_title", lang=lang)).font = Font(bold=True, size=13)
    ws.cell(row=2, column=1, value=label("wb_summary_note", lang=lang)).alignment = Alignment(wrap_text=False)
    row0 = 4
    if synthetic:
        c = ws.cell(row=3, column=1, value=label("wb_synthetic", lang=lang))
        c.font, c.fill = Font(bold=True, color="9C2A00"), _SYNTH_FILL
        ws.sheet_properties.tabColor = "D55E00"
    header, rows = _summary_rows(summary, partners, lang=lang)
    for j, h in enumerate(header, start=1):
        c = ws.cell(row=row0, column=j, value=h)
        c.font, c.fill = Font(bold=True), _HEADER_FILL
        c.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left" if j == 1 else "right")
    for i, r in enumerate(rows, start=row0 + 1):
        is_total = r[0] == label("province", lang=lang)
        for j, v in enumerate(r, start=1):
            c = ws.cell(row=i, column=j, value=v)
            c.alignment = Alignment(horizontal="left" if j == 1 else "right")
            if isinstance(v, int):
                c.number_format = NUMBER_FORMATS["integer"]
            if is_total:
                c.font = Font(bold=True)
    for j, h in enumerate(header, start=1):
        w = max([len(str(h))] + [len(str(r[j - 1])) for r in rows if r[j - 1] is not None]) + 3
        ws.column_dimensions[get_column_letter(j)].width = float(min(max(w, 10), 40))
    ws.freeze_panes = f"B{row0 + 1}"


def _write_cover(ws, *, lang, synthetic, sheet_notes, sources, results: _Sheet | None, caveats, notes):
    ws.column_dimensions["A"].width = 34.0
    ws.column_dimensions["B"].width = 110.0
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 1
    ws.cell(row=row, column=1, value=label("wb_title", lang=lang)).font = Font(bold=True, size=14)
    row += 2
    if synthetic:
        c = ws.cell(row=row, column=1, value=label("wb_synthetic", lang=lang))
        c.font, c.fill = Font(bold=True, color="9C2A00", size=12), _SYNTH_FILL
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        c.alignment = wrap
        ws.row_dimensions[row].height = 34.0
        ws.sheet_properties.tabColor = "D55E00"
        row += 2

    def section(title):
        nonlocal row
        ws.cell(row=row, column=1, value=title).font = Font(bold=True, size=12)
        row += 1

    def pair(a, b, bold=False):
        nonlocal row
        ca, cb = ws.cell(row=row, column=1, value=a), ws.cell(row=row, column=2, value=b)
        ca.alignment, cb.alignment = wrap, wrap
        if bold:
            ca.font = cb.font = Font(bold=True)
        row += 1

    section(label("wb_what", lang=lang))
    pair("", label("wb_what_text", lang=lang))
    pair("", label("wb_how_filter", lang=lang))
    row += 1
    section(label("wb_sheets", lang=lang))
    for name, note in sheet_notes:
        pair(name, note)
    row += 1
    section(label("wb_sources", lang=lang))
    if sources is not None and len(sources):
        pair(label("wb_source", lang=lang), label("wb_source_date", lang=lang), bold=True)
        for s in sources.itertuples(index=False):
            d = getattr(s, "date", "")
            note = getattr(s, "note", "")
            text = f"{_cell_value(d) or ''}" + (f" — {note}" if isinstance(note, str) and note else "")
            pair(str(s.source), text)
    row += 1
    if results is not None:
        section(label("wb_columns", lang=lang))
        pair(label("wb_column", lang=lang), label("wb_meaning", lang=lang), bold=True)
        for code, head in zip(results.codes, results.headers, strict=True):
            if code.startswith("p_ready_"):
                meaning = label("wb_col_p", lang=lang)
            elif code.startswith("verdict_"):
                meaning = label("wb_col_verdict", lang=lang)
            else:
                meaning = notes.get(code) or _column_note(code, lang) or head
            pair(head, meaning)
        if synthetic:
            pair(label("data_status", lang=lang), label("synthetic_footer", lang=lang))
        row += 1
    section(label("wb_caveats", lang=lang))
    for text in [label("wb_caveat_1", lang=lang), label("wb_caveat_2", lang=lang), label("wb_caveat_3", lang=lang),
                 *caveats]:
        pair("•", text)


def build_workbook(
    *,
    cooperatives: pd.DataFrame,
    readiness: pd.DataFrame,
    summary: pd.DataFrame | None = None,
    verification: pd.DataFrame | None = None,
    sensitivity: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
    extra_sheets: Mapping[str, pd.DataFrame] | None = None,
    shortlist_verdicts: Sequence[str] = ("ready", "provisional"),
    column_notes: Mapping[str, str] | None = None,
    caveats: Sequence[str] = (),
    lang: str = "id",
    synthetic: bool,
) -> Workbook:
    """The workbook (see the module docstring for the sheets and the input frames). Pure: nothing is
    written; the inputs are not changed.

    ``extra_sheets``: sheet name (already in ``lang``) → frame, appended after the others.
    ``column_notes``: column code → what it means (cover sheet); defaults come from the data
    contract (``schema.PROCESSED_SCHEMAS["cooperatives"]``).
    """
    if lang not in ("id", "en"):
        raise ValueError(f"lang must be 'id' or 'en', got {lang!r}")
    results, headers, verdict_cols, partners = _results_frame(cooperatives, readiness, lang=lang)
    res_sheet = _Sheet(results, lang=lang, headers=headers, verdict_cols=verdict_cols)
    wb = Workbook()
    used: set[str] = set()
    cover = wb.active
    cover.title = _sheet_name(label("wb_sheet_cover", lang=lang), used)
    notes: list[tuple[str, str]] = []
    if summary is not None:
        ws = wb.create_sheet(_sheet_name(label("wb_sheet_summary", lang=lang), used))
        _write_summary(ws, summary, partners, lang=lang, synthetic=synthetic)
        notes.append((ws.title, label("wb_summary_note", lang=lang)))
    ws = wb.create_sheet(_sheet_name(label("wb_sheet_results", lang=lang), used))
    _write_table(ws, res_sheet, lang=lang, freeze_after=len(IDENTITY), synthetic=synthetic)
    notes.append((ws.title, label("wb_col_p", lang=lang)))
    id_cols = [*IDENTITY, "coop_id"]
    extra_id = [c for c in ("segment_name", "index") if c in results.columns]
    for p in partners:
        cols = id_cols + extra_id + [c for c in (f"p_ready_{p}", f"verdict_{p}", f"reasons_{p}") if c in results.columns]
        sl = results.loc[results[f"verdict_{p}"].isin(list(shortlist_verdicts)), cols]
        order = [c for c in (f"p_ready_{p}",) if c in sl.columns]
        sl = sl.sort_values(order + ["nama_kabkota", "coop_id"], ascending=[False] * len(order) + [True, True],
                            kind="stable")
        name = label("wb_sheet_shortlist", lang=lang, partner=partner_label(p, lang=lang, short=True))
        ws = wb.create_sheet(_sheet_name(name, used))
        _write_table(ws, _Sheet(sl, lang=lang, headers=headers, verdict_cols=[f"verdict_{p}"]), lang=lang,
                     freeze_after=len(IDENTITY), synthetic=synthetic)
        notes.append((ws.title, f"{partner_label(p, lang=lang)}: "
                      + ", ".join(verdict_label(v, lang=lang) for v in shortlist_verdicts)))
    if verification is not None:
        v = verification.copy()
        if "coop_id" in v.columns:
            v["coop_id"] = v["coop_id"].astype(str)
            add = [c for c in IDENTITY if c not in v.columns]
            if add:
                v = v.merge(results[["coop_id", *add]], on="coop_id", how="left")
            v = v[[*IDENTITY, *[c for c in v.columns if c not in IDENTITY]]]
        frozen = len(IDENTITY) if all(c in v.columns for c in IDENTITY) else 0
        ws = wb.create_sheet(_sheet_name(label("wb_sheet_verification", lang=lang), used))
        _write_table(ws, _Sheet(v, lang=lang, verdict_cols=[c for c in v.columns if "verdict" in c]), lang=lang,
                     freeze_after=frozen, synthetic=synthetic)
        notes.append((ws.title, label("wb_caveat_1", lang=lang)))
    if sensitivity is not None:
        ws = wb.create_sheet(_sheet_name(label("wb_sheet_sensitivity", lang=lang), used))
        _write_table(ws, _Sheet(sensitivity, lang=lang), lang=lang, synthetic=synthetic)
        notes.append((ws.title, label("wb_caveat_2", lang=lang)))
    for name, df in (extra_sheets or {}).items():
        ws = wb.create_sheet(_sheet_name(name, used))
        _write_table(ws, _Sheet(df, lang=lang), lang=lang, synthetic=synthetic)
        notes.append((ws.title, ""))
    _write_cover(cover, lang=lang, synthetic=synthetic, sheet_notes=notes, sources=sources, results=res_sheet,
                 caveats=caveats, notes=dict(column_notes or {}))
    wb.properties.creator = "kaltara-study"
    wb.properties.title = label("wb_title", lang=lang)
    return wb


def sources_from_provenance(provenance: pd.DataFrame) -> pd.DataFrame | None:
    """The cover sheet's list of data sources from provenance tables (``read_provenance``): one row per
    source repository with its commits as the date and its files as the note; None without any.

    >>> prov = pd.DataFrame({"file": ["a.csv", "b.csv", "README.md"], "source_repository": ["x/y", "x/y", "—"],
    ...                      "commit": ["89001e3b", "89001e3b", "—"]})
    >>> sources_from_provenance(prov).to_dict("records")
    [{'source': 'x/y', 'date': 'commit 89001e3b', 'note': 'a.csv, b.csv'}]
    """
    p = provenance[provenance["source_repository"].ne("—")] if len(provenance) else provenance
    if not len(p):
        return None
    out = (p.groupby("source_repository", sort=True)
           .agg(date=("commit", lambda s: ", ".join(sorted(set(s)))), note=("file", lambda s: ", ".join(s)))
           .reset_index().rename(columns={"source_repository": "source"}))
    out["date"] = "commit " + out["date"]
    return out


def write_workbook(path: Path | str, *, csv_folder: Path | str | None = None, csv_prefix: str = "",
                   **inputs) -> list[Path]:
    """Build the workbook (:func:`build_workbook` with ``inputs``) and save it byte-reproducibly at
    ``path`` (fixed timestamps, :data:`FIXED_TIME`). With ``csv_folder``, each data sheet is also
    written as ``<csv_folder>/<csv_prefix><sheet>.csv`` (the displayed headers and values, with the
    data layer's SYNTHETIC column on synthetic builds). Returns the written paths, workbook first.
    """
    wb = build_workbook(**inputs)
    out = [save_xlsx(wb, Path(path), fixed_time=FIXED_TIME)]
    if csv_folder is not None:
        folder = Path(csv_folder)
        for ws in wb.worksheets[1:]:
            start = next((r for r in range(1, 6) if ws.cell(row=r, column=1).font.bold
                          and ws.cell(row=r, column=1).fill == _HEADER_FILL), 1)
            values = list(ws.iter_rows(min_row=start, values_only=True))
            df = pd.DataFrame(values[1:], columns=[str(h) for h in values[0]]) if values else pd.DataFrame()
            stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", ws.title).strip("_") or "lembar"
            out.append(write_table(df, folder / f"{csv_prefix}{stem}.csv", synthetic=inputs.get("synthetic", False)))
    return out
