"""Thin, byte-reproducible writers for the synthetic raw exports (CSV and XLSX).

The XLSX writer fixes everything that normally changes from run to run: openpyxl stamps
``docProps/core.xml`` with the save time and ``zipfile`` stamps every member with the current
time, so the workbook is written to memory, the core properties are set to a fixed date and the
archive is re-packed with fixed member dates and a stable member order.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

from kaltara_study.data.write import save_xlsx

__all__ = ["FIXED_TIME", "write_csv", "write_xlsx"]

FIXED_TIME = _dt.datetime(2025, 11, 1, 0, 0, 0)


def write_csv(df: pd.DataFrame, path: str | Path, *, sep: str = ",", encoding: str = "utf-8") -> Path:
    """Write ``df`` as CSV (``\\n`` line ends, no index); cells are written as they are (text stays text).

    >>> import tempfile; p = Path(tempfile.mkdtemp()) / "a.csv"
    >>> write_csv(pd.DataFrame({"a": ["1"]}), p).read_text()
    'a\\n1\\n'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, sep=sep, encoding=encoding, lineterminator="\n")
    return path


def write_xlsx(rows: Sequence[Sequence[object]] | Iterable[Sequence[object]], path: str | Path, *,
               sheet: str = "Sheet1", widths: dict[str, float] | None = None) -> Path:
    """Write a list of rows (title rows, header, data; cells as str/int/float/datetime/None) to XLSX.

    Byte-identical for identical input (fixed document dates and zip member dates).

    >>> import tempfile; p = Path(tempfile.mkdtemp()) / "a.xlsx"
    >>> b1 = write_xlsx([["x"], [1]], p).read_bytes(); b2 = write_xlsx([["x"], [1]], p).read_bytes()
    >>> b1 == b2
    True
    """
    from openpyxl import Workbook

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    for col, w in (widths or {}).items():
        ws.column_dimensions[col].width = w
    wb.properties.creator = "kaltara_study.synth (SYNTHETIC)"
    return save_xlsx(wb, path, fixed_time=FIXED_TIME, raw_data=True)  # raw input: its fake PII stays
