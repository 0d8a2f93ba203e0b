"""The report's XLSX workbook (byte-reproducible), its CSV copies, and the small readers the
readiness/report stage needs (TOML config, boundary GeoJSON).

Determinism: openpyxl stamps ``docProps/core.xml`` with the save time (``dcterms:modified``) and
the creation time, and :mod:`zipfile` stamps every member with the local time. :func:`write_workbook`
saves to memory, then rewrites the archive with a fixed timestamp (``FIXED_TIME``) in both places,
members in openpyxl's order, fixed compression; the same sheets therefore always give the same
bytes.

>>> from kaltara_study.report.workbook import write_workbook
>>> write_workbook({"hasil": df}, "reports/tables/kaltara_study.xlsx", synthetic=True)  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from kaltara_study.data.write import SYNTHETIC_NOTE, save_xlsx, write_table

__all__ = ["FIXED_TIME", "write_workbook"]

#: The timestamp written into every workbook (created/modified and zip member times).
FIXED_TIME = dt.datetime(2025, 1, 1, 0, 0, 0)
MAX_SHEET_NAME = 31


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "-", str(name))[:MAX_SHEET_NAME] or "sheet"
    out, i = base, 2
    while out.lower() in used:
        suffix = f"~{i}"
        out, i = base[: MAX_SHEET_NAME - len(suffix)] + suffix, i + 1
    used.add(out.lower())
    return out


def _excel_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Object columns for openpyxl: NA → empty, timezone-naive datetimes, plain Python scalars."""
    out = df.copy()
    for c in out.columns:
        s = out[c]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_localize(None)
        if pd.api.types.is_bool_dtype(s) or isinstance(s.dtype, pd.CategoricalDtype) or s.dtype == "string":
            s = s.astype(object)
        out[c] = s.astype(object).where(s.notna(), None)
    return out


def write_workbook(
    sheets: Mapping[str, pd.DataFrame],
    path: Path | str,
    *,
    synthetic: bool = False,
    readme: Sequence[str] = (),
    lang: str = "id",
    readme_sheet: str | None = None,
    csv_folder: Path | str | None = None,
    csv_prefix: str = "",
) -> list[Path]:
    """Write ``sheets`` (name → DataFrame, in order) to one XLSX at ``path``, plus CSV copies.

    The first sheet is ``readme_sheet`` (default "Catatan", or "README" with ``lang="en"``): the
    lines of ``readme``, preceded on synthetic
    data by a line saying SYNTHETIC DATA plainly. Headers are written as given (translate them with
    :func:`kaltara_study.report.labels.rename_columns` first). Each sheet is also written as
    ``<csv_folder>/<csv_prefix><sheet>.csv`` (default folder: next to the workbook), with the
    ``data_status`` = SYNTHETIC column on synthetic data. Returns the written paths. Byte-identical
    for identical inputs (see the module docstring).
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    used: set[str] = set()
    ws.title = _sheet_name(readme_sheet or ("README" if lang == "en" else "Catatan"), used)
    lines = []
    if synthetic:
        lines += [f"{SYNTHETIC_NOTE} DATA / DATA SINTETIS — bukan temuan penelitian (not study findings).", ""]
    lines += list(readme)
    lines += ["", "Sheets:" if lang == "en" else "Lembar:"] + [f"- {name}" for name in sheets]
    for i, line in enumerate(lines, start=1):
        ws.cell(row=i, column=1, value=str(line))
    ws.column_dimensions["A"].width = 110
    written_names = {}
    for name, df in sheets.items():
        sname = _sheet_name(name, used)
        written_names[name] = sname
        sh = wb.create_sheet(sname)
        safe = _excel_safe(df)
        if synthetic:
            safe.insert(0, "data_status", SYNTHETIC_NOTE)
        sh.append([str(c) for c in safe.columns])
        for row in safe.itertuples(index=False, name=None):
            sh.append(list(row))
        for j, col in enumerate(safe.columns, start=1):
            width = min(60, max(8, len(str(col)) + 2))
            sh.column_dimensions[get_column_letter(j)].width = width
        sh.freeze_panes = "A2"
    wb.properties.creator = "kaltara-study"
    save_xlsx(wb, path, fixed_time=FIXED_TIME)
    out = [path]
    folder = Path(csv_folder) if csv_folder is not None else path.parent
    for name, df in sheets.items():
        fname = re.sub(r"[^A-Za-z0-9_.-]+", "_", written_names[name]).strip("_") or "sheet"
        out.append(write_table(df, folder / f"{csv_prefix}{fname}.csv", synthetic=synthetic))
    return out
