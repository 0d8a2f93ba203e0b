"""Write the field instrument: the two XLSForms and the offline XLSX entry template (issue 13).

Byte-reproducible: every workbook goes through :func:`kaltara_study.data.write.save_xlsx` with the
fixed time :data:`FIXED_TIME` (document properties and zip member times), cells are written in a
fixed order, so the same contract, criteria and cooperative list always give the same bytes.

:func:`write_instrument` is the one call behind ``kaltara-study instrument --output DIR``.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from kaltara_study.data.schema import FORM_HEADERS, PERSONAL_COLUMNS
from kaltara_study.data.write import save_xlsx
# The writer builds the forms it writes (the CLI entry point calls only this function); the
# builders are pure and import nothing from the data layer's readers.
from kaltara_study.instrument import forms as F

__all__ = ["FIXED_TIME", "INSTRUMENT_FILES", "write_entry_template", "write_instrument", "write_xlsform"]

FIXED_TIME = _dt.datetime(2025, 11, 1, 0, 0, 0)
INSTRUMENT_FILES = {"survey": "kdmp_survey_xlsform.xlsx", "assessment": "kdmp_assessment_xlsform.xlsx",
                    "template": "kdmp_entry_template.xlsx", "cooperatives": "kdmp_cooperatives.csv"}


def _sheets_of(form) -> dict[str, pd.DataFrame]:
    if isinstance(form, Mapping):
        return dict(form)
    return {"survey": form.survey, "choices": form.choices, "settings": form.settings}


def _put(ws, frame: pd.DataFrame) -> None:
    ws.append([str(c) for c in frame.columns])
    for row in frame.itertuples(index=False):
        ws.append([None if (v is None or (isinstance(v, float) and pd.isna(v)) or v == "") else v for v in row])


def write_xlsform(form, path: Path | str) -> Path:
    """Write one XLSForm (``survey``, ``choices``, ``settings`` sheets) byte-reproducibly."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in _sheets_of(form).items():
        _put(wb.create_sheet(name), frame)
    return save_xlsx(wb, path, fixed_time=FIXED_TIME)


def _col_letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)


def _fmt(x) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _validation(kind: str, *, lo=None, hi=None, formula: str | None = None, prompt: str = "", error: str = ""):
    from openpyxl.worksheet.datavalidation import DataValidation

    if kind == "list":
        dv = DataValidation(type="list", formula1=formula, allow_blank=True)
    elif kind == "date":
        dv = DataValidation(type="date", operator="greaterThan", formula1="DATE(2015,1,1)", allow_blank=True)
    else:
        if lo is not None and hi is not None:
            dv = DataValidation(type=kind, operator="between", formula1=_fmt(lo), formula2=_fmt(hi), allow_blank=True)
        elif lo is not None:
            dv = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=_fmt(lo), allow_blank=True)
        elif hi is not None:
            dv = DataValidation(type=kind, operator="lessThanOrEqual", formula1=_fmt(hi), allow_blank=True)
        else:
            dv = DataValidation(type=kind, operator="between", formula1="-1E+15", formula2="1E+15", allow_blank=True)
    dv.showErrorMessage = True
    dv.errorTitle = "Nilai tidak sah"
    dv.error = error or "Nilai di luar daftar atau batas yang diizinkan"
    if prompt:
        dv.showInputMessage = True
        dv.prompt = prompt[:255]
    return dv


def write_entry_template(path: Path | str, *, layout: pd.DataFrame, assessment, cooperatives: pd.DataFrame,
                         rows: int = 500) -> Path:
    """Write the offline entry workbook.

    Sheets: ``survei`` (one row per cooperative, the survey's Indonesian headers of ``layout`` with
    list / numeric-range / date validation on ``rows`` rows — read by the existing survey loader),
    ``penilaian`` (one row per supervisor and cooperative, headers = the assessment form's question
    names — read by :func:`kaltara_study.data.kobo.read_kobo_export` like a flat export),
    ``daftar_koperasi`` (the preloaded cooperatives), ``pilihan`` (the allowed list values) and
    ``petunjuk`` (instructions).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    coops = F.cooperative_list(cooperatives)
    wb = Workbook()
    ws = wb.active
    ws.title = "survei"
    lists = wb.create_sheet("pilihan")
    daftar = wb.create_sheet("daftar_koperasi")
    _put(daftar, coops[["simkopdes_id", "coop_id", "kode_desa", "name", "village", "kecamatan", "kabupaten"]])
    n_coop = len(coops) + 1
    last = rows + 1
    ws.append(layout["header"].tolist())
    list_col = 0
    for j, r in enumerate(layout.itertuples(index=False), start=1):
        ws.cell(row=1, column=j).font = Font(bold=True)
        letter = _col_letter(j)
        formula = None
        if r.validation == "list":
            list_col += 1
            ll = _col_letter(list_col)
            vals = r.choices.split(";")
            lists.cell(row=1, column=list_col, value=r.header)
            for i, v in enumerate(vals, start=2):
                lists.cell(row=i, column=list_col, value=v)
            formula = f"pilihan!${ll}$2:${ll}${len(vals) + 1}"
        elif r.column == "coop_id" and (coops["coop_id"] != "").any():
            formula = f"daftar_koperasi!$B$2:$B${n_coop}"
        if r.validation == "text" and formula is None:
            continue
        kind = "list" if formula else r.validation
        lo = None if r.lo is None or pd.isna(r.lo) else r.lo
        hi = None if r.hi is None or pd.isna(r.hi) else r.hi
        dv = _validation(kind, lo=lo, hi=hi, formula=formula, prompt=r.prompt_id)
        ws.add_data_validation(dv)
        dv.add(f"{letter}2:{letter}{last}")
    ws.freeze_panes = "A2"

    pen = wb.create_sheet("penilaian", 1)
    sheets = _sheets_of(assessment)
    aq = sheets["survey"]
    data_q = aq[~aq["type"].isin(["begin_group", "end_group", "calculate", "begin_repeat", "end_repeat", "note"])]
    pen.append(data_q["name"].tolist())
    pen.append(data_q[f"label::{F.LANG_ID}"].tolist())
    for j, r in enumerate(data_q.itertuples(index=False), start=1):
        letter = _col_letter(j)
        t = r.type
        if t.startswith("select_one"):
            ln = t.split()[1]
            if ln == "coop":
                formula = f"daftar_koperasi!$A$2:$A${n_coop}"
            else:
                ch = sheets["choices"]
                formula = '"' + ",".join(ch.loc[ch["list_name"] == ln, "name"]) + '"'
            dv = _validation("list", formula=formula, prompt=r.name)
        elif t in ("integer", "decimal"):
            m = [float(x) for x in re.findall(r"[<>]= ?(-?[0-9.]+)", r.constraint)]
            lo, hi = (m + [None, None])[:2]
            dv = _validation("whole" if t == "integer" else "decimal", lo=lo, hi=hi, prompt=r.name)
        elif t == "date":
            dv = _validation("date", prompt=r.name)
        else:
            continue
        pen.add_data_validation(dv)
        dv.add(f"{letter}3:{letter}{last + 1}")
    pen.freeze_panes = "A3"

    info = wb.create_sheet("petunjuk")
    for line in (
        "Templat isian luring (offline) — Survei dan penilaian Koperasi Desa/Kelurahan Merah Putih, Kalimantan Utara",
        f"Dibuat dari kontrak data paket kaltara_study (versi formulir survei {F.FORM_VERSIONS['survey']}, "
        f"penilaian {F.FORM_VERSIONS['assessment']}).",
        "Lembar 'survei': satu baris per koperasi. Pilih nilai dari daftar; angka dalam rupiah penuh.",
        "Lembar 'penilaian': satu baris per pendamping dan koperasi; baris 2 = keterangan, isi mulai baris 3. "
        "Kolom 'coop' = ID SIMKOPDES dari lembar 'daftar_koperasi'; 'assessor_code' = nomor penilai (bukan nama).",
        "Dokumen: seen = dilihat, stated = dinyatakan saja, absent = tidak ada.",
        "JANGAN menulis nama ketua, NIK atau nomor HP di lembar mana pun.",
        "Simpan berkas terisi di data/raw/kaltara/survey/ untuk build berikutnya.",
    ):
        info.append([line])
    return save_xlsx(wb, path, fixed_time=FIXED_TIME)


def write_instrument(out_dir: Path | str, *, contract, criteria, cooperatives: pd.DataFrame) -> dict[str, Path]:
    """Build and write the instrument into ``out_dir``: both XLSForms, the entry template and the
    cooperative list (CSV, for ``select_one_from_file`` users).

    Parameters
    ----------
    out_dir : path
    contract : pandera.DataFrameSchema
        ``schema.RAW_SCHEMAS["survey"]``.
    criteria : ReadinessConfig
        The readiness config (partner names).
    cooperatives : DataFrame
        The SIMKOPDES locations frame (``cooperative_id, name, district, subdistrict``) or a
        :func:`kaltara_study.instrument.forms.cooperative_list` frame (optionally with ``coop_id`` and
        ``kode_desa``).

    Returns
    -------
    dict
        ``survey``, ``assessment``, ``template``, ``cooperatives`` → written path.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    forms = F.build_forms(contract, cooperatives=cooperatives, criteria=criteria)
    written = {k: write_xlsform(forms[k], out / INSTRUMENT_FILES[k]) for k in ("survey", "assessment")}
    layout = F.entry_template_layout(contract, form_headers=FORM_HEADERS["survey"], personal=PERSONAL_COLUMNS)
    written["template"] = write_entry_template(out / INSTRUMENT_FILES["template"], layout=layout,
                                               assessment=forms["assessment"], cooperatives=cooperatives)
    coops = F.cooperative_list(cooperatives)
    path = out / INSTRUMENT_FILES["cooperatives"]
    coops.to_csv(path, index=False, lineterminator="\n")
    written["cooperatives"] = path
    return written
