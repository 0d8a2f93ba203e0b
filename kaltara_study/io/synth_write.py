"""Thin, byte-reproducible writers for the synthetic raw exports (CSV and XLSX).

The XLSX writer fixes everything that normally changes from run to run: openpyxl stamps
``docProps/core.xml`` with the save time and ``zipfile`` stamps every member with the current
time, so the workbook is written to memory, the core properties are set to a fixed date and the
archive is re-packed with fixed member dates and a stable member order.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

__all__ = ["FIXED_TIME", "write_csv", "write_xlsx"]

FIXED_TIME = _dt.datetime(2025, 11, 1, 0, 0, 0)
_ZIP_TIME = (2025, 11, 1, 0, 0, 0)


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


def _repack(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist()):
            payload = src.read(name)
            if name == "docProps/core.xml":
                text = payload.decode("utf-8")
                text = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rf"\g<1>{stamp}\g<2>", text)
                text = re.sub(r"(<dcterms:created[^>]*>)[^<]*(</dcterms:created>)", rf"\g<1>{stamp}\g<2>", text)
                payload = text.encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, payload)
    return out.getvalue()


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
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_repack(buf.getvalue()))
    return path
