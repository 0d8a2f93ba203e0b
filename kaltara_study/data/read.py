"""Read raw CSV/TSV/XLSX exports as they come out of Indonesian offices, as text cells.

:func:`read_table` never interprets values (that is :mod:`kaltara_study.data.parse`'s job); it finds the
encoding, the delimiter, the header row (skipping title rows above it), joins two-row headers,
normalises the header names, drops empty rows/columns and numbers every row as a spreadsheet user
sees it (``_row``, 1-based, counting title and header rows).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import tomllib
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

from kaltara_study.errors import InputError

__all__ = ["RawTable", "normalise_header", "read_table", "read_toml", "SEPARATORS"]

SEPARATORS = (",", ";", "\t", "|")
TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
_SNIFF_ROWS = 60


@dataclass(frozen=True)
class RawTable:
    """A raw table: every cell a ``str`` or NA, normalised header names, and ``_row``.

    Attributes
    ----------
    frame : pd.DataFrame
        Object-dtype cells (str or ``None``), plus int column ``_row``.
    file : str
        File name (no folder, so reports hold no machine paths).
    encoding : str or None
        Encoding used to decode a text file (``None`` for XLSX).
    sep : str or None
        Field separator of a text file (``None`` for XLSX).
    header_row : int
        1-based row of the (last) header row; data start below it.
    header_rows : int
        1 or 2 (two-row headers are joined "top bottom").
    original_headers : dict
        Normalised name → header text as written in the file.
    sheet : str or None
        Sheet read (XLSX).
    """

    frame: pd.DataFrame
    file: str
    encoding: str | None
    sep: str | None
    header_row: int
    header_rows: int = 1
    original_headers: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None

    @property
    def n_rows(self) -> int:
        """Number of data rows read."""
        return len(self.frame)


def normalise_header(name: object) -> str:
    """Normalise a header cell: lower case, accents removed, every run of spaces/punctuation → "_".

    The form used by ``schema.COLUMN_ALIASES``. Empty or NA gives ``""``.

    >>> normalise_header("  NILAI IDM 2024 ")
    'nilai_idm_2024'
    >>> normalise_header("Jumlah Anggota (orang)")
    'jumlah_anggota_orang'
    >>> normalise_header("\\ufeffKode Desa")
    'kode_desa'
    """
    if name is None or (isinstance(name, float) and pd.isna(name)):
        return ""
    text = "".join(c for c in unicodedata.normalize("NFKD", str(name)) if not unicodedata.combining(c))
    text = re.sub(r"[^0-9a-z]+", "_", text.lower())
    return text.strip("_")


# ----------------------------------------------------------------------------------- decoding
def _decode(raw: bytes, file: str) -> tuple[str, str]:
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            pos = exc.start + 3
            line = raw[:pos].count(b"\n") + 1
            raise InputError(
                f"starts with a UTF-8 byte-order mark but byte 0x{raw[pos]:02x} at offset {pos} (line "
                f"{line}) is not "
                "UTF-8; re-save the file as 'CSV UTF-8'", file=file) from None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise InputError("has a UTF-16 byte-order mark but does not decode as UTF-16; "
                             "re-save it as 'CSV UTF-8'", file=file) from None
    if b"\x00" in raw[:4096]:
        raise InputError("contains NUL bytes: this is not a text CSV (an XLSX renamed to .csv, or "
                         "UTF-16 without a byte-order mark?); save it as 'CSV UTF-8' or as .xlsx", file=file)
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_pos = exc.start
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"cannot decode line {line}: byte 0x{raw[exc.start]:02x} at offset {exc.start} is neither UTF-8 "
            f"(first bad byte at offset {utf8_pos}) nor Windows-1252; re-save the file as 'CSV UTF-8'",
            file=file,
        ) from None


def _sniff_sep(text: str) -> str:
    """The separator giving the most rows with the same (≥ 2) number of fields; ties → more fields."""
    lines = [ln for ln in text.splitlines() if ln.strip()][:_SNIFF_ROWS]
    sample = "\n".join(lines)
    best, best_score = ",", (-1, -1)
    for sep in SEPARATORS:
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=sep))
        except csv.Error:
            continue
        counts = Counter(len(r) for r in rows if any(c.strip() for c in r))
        if not counts:
            continue
        width, n = max(counts.items(), key=lambda kv: (kv[1] * (kv[0] > 1), kv[0]))
        score = (n if width > 1 else 0, width)
        if score > best_score:
            best, best_score = sep, score
    return best


# ----------------------------------------------------------------------------------- cells
def _cell_text(value: object) -> str | None:
    """An XLSX cell as text: numbers in machine form, dates ISO, errors as Excel writes them."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        text = repr(value)
        # "1.125" would read as Indonesian thousands: make the decimal mark unambiguous
        if re.fullmatch(r"-?[1-9]\d{0,2}\.\d{3}", text):
            text += "0"
        return text
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _read_text_rows(path: Path, file: str) -> tuple[list[list[str | None]], str, str]:
    raw = path.read_bytes()
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputError("the file is empty (no header, no rows); export the table again", file=file)
    text, encoding = _decode(raw, file)
    sep = _sniff_sep(text)
    try:
        rows = [[(c.strip() or None) for c in r] for r in csv.reader(io.StringIO(text, newline=""), delimiter=sep)]
    except csv.Error as exc:
        raise InputError(f"is not a readable delimited text file ({exc}); check quotes", file=file) from None
    return rows, encoding, sep


def _read_excel_rows(path: Path, file: str, sheet: str | int | None) -> tuple[list[list[str | None]], str]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(f"is not a readable XLSX workbook ({type(exc).__name__}); open it in Excel and "
                         "save it again as .xlsx", file=file) from None
    try:
        names = wb.sheetnames
        if sheet is None:
            name, rows = names[0], None
            for candidate in names:  # the first sheet holding a table (skips "Petunjuk"/instructions)
                cand_rows = [[_cell_text(v) for v in r] for r in wb[candidate].iter_rows(min_row=1, values_only=True)]
                if any(sum(c is not None for c in r) >= 2 for r in cand_rows):
                    name, rows = candidate, cand_rows
                    break
            if rows is None:
                rows = [[_cell_text(v) for v in r] for r in wb[name].iter_rows(min_row=1, values_only=True)]
        elif isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise InputError(f"has no sheet number {sheet}; sheets: {names}", file=file)
            name = names[sheet]
        else:
            if sheet not in names:
                raise InputError(f"has no sheet {sheet!r}; sheets: {names}", file=file)
            name = sheet
        if sheet is not None:
            rows = [[_cell_text(v) for v in r] for r in wb[name].iter_rows(min_row=1, values_only=True)]
    finally:
        wb.close()
    if not any(any(c is not None for c in r) for r in rows):
        raise InputError(f"sheet {name!r} is empty (no header, no rows); export the table again", file=file)
    _check_uncached_formulas(path, file, name, rows)
    return rows, name


def _check_uncached_formulas(path: Path, file: str, sheet: str, rows: list[list[str | None]]) -> None:
    """Raise when formula cells have no saved result (workbooks written by scripts, never opened in
    Excel): reading them would silently give empty cells."""
    with zipfile.ZipFile(path) as zf:
        if not any(n.startswith("xl/worksheets/") and b"<f" in zf.read(n) for n in zf.namelist()):
            return
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        bad = []
        for i, r in enumerate(wb[sheet].iter_rows(min_row=1, values_only=True)):
            for j, v in enumerate(r):
                if isinstance(v, str) and v.startswith("=") and (i >= len(rows) or j >= len(rows[i])
                                                                 or rows[i][j] is None):
                    bad.append(f"{openpyxl.utils.get_column_letter(j + 1)}{i + 1}")
    finally:
        wb.close()
    if bad:
        more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
        raise InputError(
            f"sheet {sheet!r} has formula cells without a saved result ({', '.join(bad[:5])}{more}): the file was "
            "written by a program and never calculated; open it in Excel, let it calculate and save it, or "
            "export it as CSV", file=file)


# ----------------------------------------------------------------------------------- header
_NUMERIC = re.compile(r"^[-+(]?\s*(?:rp\.?\s*)?[\d.,]+\)?%?$|^#[A-Z/0!?]+$", re.IGNORECASE)


def _is_labelish(cell: str | None) -> bool:
    return cell is not None and not _NUMERIC.match(cell)


def _find_header(rows: list[list[str | None]], file: str) -> int:
    """Index of the header row: the first row with ≥ half the widest row's filled cells, all labels."""
    filled = [sum(c is not None for c in r) for r in rows]
    widest = max(filled[:_SNIFF_ROWS] or [0])
    if widest == 0:
        raise InputError("has no non-empty row; export the table again", file=file)
    need = max(1, -(-widest // 2)) if widest > 1 else 1
    for i, r in enumerate(rows[:_SNIFF_ROWS]):
        cells = [c for c in r if c is not None]
        if len(cells) >= need and (len(cells) >= 2 or widest == 1) and all(_is_labelish(c) for c in cells):
            return i
    raise InputError(
        f"no header row found in the first {_SNIFF_ROWS} rows (a header is a row of text labels "
        "such as 'kode_desa, nama_desa, ...'); add one or remove the rows above it", file=file)


def _second_header(top: list[str | None], below: list[str | None] | None) -> bool:
    """Is ``below`` the second line of a two-row header under ``top``?"""
    if below is None:
        return False
    top_gaps = any(t is None and b is not None for t, b in zip(top, below))
    below_cells = [b for b in below if b is not None]
    vertical_merge = any(t is not None and b is None for t, b in zip(top, below))
    return (top_gaps and len(below_cells) >= 2 and all(_is_labelish(b) for b in below_cells)
            and (vertical_merge or len(below_cells) >= sum(t is not None for t in top)))


def _join_two_rows(top: list[str | None], bottom: list[str | None]) -> list[str | None]:
    """Join a merged-cell group header with its sub-headers: "Keuangan" over "Modal" → "Keuangan Modal".

    A top label spans to the right over columns whose top cell is empty and whose bottom cell is
    filled; a top label with an empty cell below (a vertically merged header) does not span.
    """
    out: list[str | None] = []
    group: str | None = None
    for t, b in zip(top, bottom):
        if t is not None:
            group = t if b is not None else None
            out.append(f"{t} {b}" if b is not None else t)
        elif b is not None:
            out.append(f"{group} {b}" if group else b)
        else:
            group = None
            out.append(None)
    return out


def _unique_names(names: list[str]) -> list[str]:
    seen: Counter[str] = Counter()
    out = []
    for i, n in enumerate(names):
        n = n or f"unnamed_{i + 1}"
        seen[n] += 1
        out.append(n if seen[n] == 1 else f"{n}_{seen[n]}")
    return out


def read_table(path: str | Path, *, sheet: str | int | None = None,
               header_rows: int | str = "auto") -> RawTable:
    """Read a CSV/TSV/XLSX export into text cells with normalised headers and ``_row``.

    Parameters
    ----------
    path : str or Path
        ``.csv``, ``.tsv``, ``.txt`` (delimited text) or ``.xlsx``.
    sheet : str or int, optional
        Worksheet name or 0-based position (XLSX); default the first sheet holding a table (a row
        with at least two filled cells), so an instructions sheet in front is skipped.
    header_rows : {"auto", 1, 2}
        Number of header rows below any title rows; "auto" detects a two-row (merged-cell) header:
        a row of labels under a header row that has empty (merged) cells. Pass 1 when the first
        data row is all text and sits under a header with empty cells.

    Returns
    -------
    RawTable
        ``frame`` holds one column per header (normalised with :func:`normalise_header`, unique;
        empty headers become ``unnamed_<n>``) plus ``_row``; fully empty rows and empty unnamed
        columns are dropped.

    Raises
    ------
    InputError
        Missing/empty file, undecodable bytes, unreadable workbook, no header row.

    Examples
    --------
    >>> t = read_table("tests/data/bad/sep_semicolon.csv")  # doctest: +SKIP
    >>> t.sep, list(t.frame.columns)[:2]  # doctest: +SKIP
    (';', ['kode_desa', 'nama_desa'])
    """
    path = Path(path)
    file = path.name
    if not path.is_file():
        raise InputError(f"file not found at {path}; check the folder and the file name", file=file)
    suffix = path.suffix.lower()
    encoding = sep = sheet_name = None
    if suffix in EXCEL_SUFFIXES:
        rows, sheet_name = _read_excel_rows(path, file, sheet)
    elif suffix == ".xls":
        raise InputError("old Excel .xls files are not supported; open it in Excel and save as .xlsx "
                         "or 'CSV UTF-8'", file=file)
    else:
        if suffix not in TEXT_SUFFIXES:
            # still try: some exports have odd suffixes; a zip (xlsx) gives a clear error below
            if path.read_bytes()[:2] == b"PK":
                rows, sheet_name = _read_excel_rows(path, file, sheet)
                suffix = ".xlsx"
        if suffix not in EXCEL_SUFFIXES:
            rows, encoding, sep = _read_text_rows(path, file)

    width = max((len(r) for r in rows), default=0)
    rows = [list(r) + [None] * (width - len(r)) for r in rows]
    h = _find_header(rows, file)
    if header_rows == "auto" and h > 0 and sum(c is not None for c in rows[h - 1]) >= 2 \
            and _second_header(rows[h - 1], rows[h]):
        h -= 1  # a group row over the header with fewer labels than the header itself
    header = rows[h]
    if header_rows == "auto":
        n_head = 2 if _second_header(header, rows[h + 1] if h + 1 < len(rows) else None) else 1
    elif header_rows in (1, 2):
        n_head = int(header_rows)
    else:
        raise ValueError(f"header_rows must be 'auto', 1 or 2, not {header_rows!r}")
    if n_head == 2:
        if h + 1 >= len(rows):
            raise InputError("header_rows=2 but the file has only one header row", file=file)
        header = _join_two_rows(header, rows[h + 1])
    last_header = h + n_head - 1

    names = _unique_names([normalise_header(c) for c in header])
    data = rows[last_header + 1:]
    frame = pd.DataFrame(data, columns=names, dtype=object) if data else pd.DataFrame(
        {n: pd.Series(dtype=object) for n in names})
    frame = frame.astype(object).where(frame.notna(), None)
    frame["_row"] = pd.Series(range(last_header + 2, last_header + 2 + len(data)), dtype="int64")
    # drop fully empty rows (blank lines, trailing Excel rows) and empty unnamed columns
    cells = frame.drop(columns="_row")
    keep_rows = cells.notna().any(axis=1)
    frame = frame[keep_rows.to_numpy()].reset_index(drop=True)
    drop_cols = [n for n, c in zip(names, header) if c is None and frame[n].isna().all()]
    frame = frame.drop(columns=drop_cols)
    original = {n: str(c) for n, c in zip(names, header) if n not in drop_cols and c is not None}
    return RawTable(frame=frame, file=file, encoding=encoding, sep=sep, header_row=last_header + 1,
                    header_rows=n_head, original_headers=original, sheet=sheet_name)


def read_toml(path: Path | str) -> dict:
    """Parse a TOML file; a missing or malformed file raises a ConfigError naming it."""
    from kaltara_study.errors import ConfigError

    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file {path} not found; restore it from git (config/ is tracked)")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: not valid TOML ({exc}); fix the line it names") from exc
