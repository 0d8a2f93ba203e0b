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
from collections import Counter, OrderedDict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path

import pandas as pd

from kaltara_study import pii
from kaltara_study.data.write import sha256_file
from kaltara_study.errors import ConfigError, InputError

__all__ = ["RawTable", "SEPARATORS", "normalise_header", "read_table", "read_toml", "sniff_format"]

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

    @property
    def where(self) -> str:
        """File and sheet for messages: ``"survey.xlsx, sheet 'Data'"`` (just the file for text files)."""
        return f"{self.file}, sheet {self.sheet!r}" if self.sheet else self.file


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
    return _normalise_text(str(name))


@lru_cache(maxsize=8192)
def _normalise_text(name: str) -> str:
    """:func:`normalise_header` of a string (remembered: matching headers to a contract asks for the
    same few hundred names thousands of times)."""
    text = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
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
    has_quotes = '"' in text
    # quoted cells may hold separators (a decimal comma, "Pertamina; BRI"): blank them for sniffing
    sep = _sniff_sep(_QUOTED_CELL.sub('""', text) if has_quotes else text)
    if has_quotes:
        _check_quotes(text, sep, file)
    try:
        rows = [[(c.strip() or None) for c in r] for r in csv.reader(io.StringIO(text, newline=""), delimiter=sep)]
    except csv.Error as exc:
        line = _line_of_csv_error(exc)
        raise InputError(f"is not a readable delimited text file{line} ({pii.scrub_text(str(exc))}); check the "
                         "quotes (\") on that line", file=file) from None
    return rows, encoding, sep


def _line_of_csv_error(exc: csv.Error) -> str:
    m = re.search(r"line (\d+)", str(exc))
    return f" at line {m.group(1)}" if m else ""


_QUOTED_CELL = re.compile(r'"(?:[^"\n]|"")*"')  # within one line: a stray quote must not span rows


def _check_quotes(text: str, sep: str, file: str) -> None:
    """Raise a clear error for a quote that opens a cell and never closes (everything after it would
    become one cell: the rows vanish and the header looks wrong), or that closes only several lines
    later after swallowing whole rows. Names the line and the column; never echoes the line (it may
    hold personal data)."""
    if not any(ln.count('"') & 1 for ln in text.split("\n")):
        return  # every line closes its own quotes: no cell spans lines
    spans = _quoted_spans(text, sep)
    if not spans:
        return
    header_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    header = next(csv.reader([header_line.replace('"', "")], delimiter=sep), [])
    width = max(len(header), 1)
    for start_line, field, end_line, body in spans:
        col = header[field].strip() if field < len(header) else f"field {field + 1}"
        where = f"line {start_line}, column {field + 1} ({col!r})"
        if end_line is None:
            raise InputError(
                f"{where}: a quote (\") opens a cell that is never closed, so the rest of the file would be read "
                "as one cell; remove the stray quote or close it (a quote inside a cell is written \"\")", file=file)
        inner = body.split("\n")
        if len(inner) >= 3 and sum(ln.count(sep) >= max(1, width - 2) for ln in inner[1:]) >= 2:
            raise InputError(
                f"{where}: a quote (\") opens a cell that closes only on line {end_line}, swallowing "
                f"{end_line - start_line} line(s) of rows into one cell; remove the stray quote or close it on "
                f"line {start_line}", file=file)


def _quoted_spans(text: str, sep: str) -> list[tuple[int, int, int | None, str]]:
    """Quoted cells that span lines or never close: (start line, field index, end line or None, body).

    Follows the csv module's rules: a quote opens a quoted cell only at the start of a field; ``""``
    inside is a literal quote; elsewhere a quote is an ordinary character."""
    out = []
    n = len(text)
    i = 0
    line = 1
    field = 0
    at_start = True
    while i < n:
        ch = text[i]
        if at_start and ch == '"':
            start_line, start_field = line, field
            j = i + 1
            while True:
                k = text.find('"', j)
                if k < 0:
                    out.append((start_line, start_field, None, text[i + 1:]))
                    return out
                if k + 1 < n and text[k + 1] == '"':
                    j = k + 2
                    continue
                break
            body = text[i + 1:k]
            nl = body.count("\n")
            if nl:
                out.append((start_line, start_field, start_line + nl, body))
                line += nl
            i = k + 1
            at_start = False
            continue
        if ch == sep:
            field += 1
            at_start = True
        elif ch == "\n":
            line += 1
            field = 0
            at_start = True
        elif ch == "\r":
            pass
        else:
            at_start = False
            # skip ahead to the next interesting character
            nxt = [x for x in (text.find(sep, i + 1), text.find("\n", i + 1)) if x >= 0]
            j = min(nxt) if nxt else n
            i = j
            continue
        i += 1
    return out


def _read_excel_rows(path: Path, file: str, sheet: str | int | None) -> tuple[list[list[str | None]], str]:
    import openpyxl

    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # from the bytes: openpyxl refuses a workbook whose name does not end in .xlsx (".dat" exports)
        wb = openpyxl.load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, InvalidFileException, TypeError,
            AttributeError, IndexError) as exc:
        raise InputError(f"is not a readable XLSX workbook ({type(exc).__name__}); open it in Excel and "
                         "save it again as .xlsx (Excel Workbook) or as 'CSV UTF-8'", file=file) from None
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


_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _sheet_part(zf: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding worksheet ``sheet`` (via workbook.xml and its relationships)."""
    import xml.etree.ElementTree as ET

    try:
        wb = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError):
        return None
    rid = next((el.get(f"{_NS_REL}id") for el in wb.iter(f"{_NS_MAIN}sheet") if el.get("name") == sheet), None)
    target = next((el.get("Target") for el in rels if el.get("Id") == rid), None)
    if target is None:
        return None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _uncached_cells(zf: zipfile.ZipFile, part: str) -> list[str]:
    """References of formula cells with no saved result.

    A formula Excel (or LibreOffice) calculated has a value element — for a formula whose result
    is the empty string an empty ``<v/>`` with ``t="str"``; a formula written by a program and
    never calculated has no value, or an empty one without a string type.
    """
    import xml.etree.ElementTree as ET

    bad = []
    with zf.open(part) as fh:
        for _, el in ET.iterparse(fh, events=("end",)):
            if el.tag != f"{_NS_MAIN}c":
                continue
            f = el.find(f"{_NS_MAIN}f")
            if f is not None:
                v = el.find(f"{_NS_MAIN}v")
                t = el.get("t")
                if v is None or (not v.text and t not in ("str", "s", "inlineStr", "e", "b")):
                    bad.append(el.get("r") or "?")
            el.clear()
    return bad


def _check_uncached_formulas(path: Path, file: str, sheet: str, rows: list[list[str | None]]) -> None:
    """Raise when formula cells have no saved result (workbooks written by scripts, never opened in
    Excel): reading them would silently give empty cells. Formulas whose saved result is the empty
    string (``=IF(A2="";"";…)``) are calculated and read as empty cells."""
    with zipfile.ZipFile(path) as zf:
        part = _sheet_part(zf, sheet)
        if part is None or part not in zf.namelist():
            return
        with zf.open(part) as fh:
            if b"<f" not in fh.read():
                return
        bad = _uncached_cells(zf, part)
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


_UNSUPPORTED = {
    "xls": "is an old Excel 97-2003 workbook (.xls), which is not read; open it in Excel or LibreOffice and save "
           "it as .xlsx (Excel Workbook) or as 'CSV UTF-8'",
    "html": "is a web page (HTML table) saved with a spreadsheet name, as some portals export; open it in Excel "
            "and save it as .xlsx or 'CSV UTF-8'",
    "ods": "is an OpenDocument spreadsheet (.ods, LibreOffice), which is not read; in LibreOffice use File > Save "
           "As > 'Excel 2007-365 (.xlsx)' or 'Text CSV (UTF-8)'",
    "numbers": "is an Apple Numbers file, which is not read; in Numbers use File > Export To > Excel (.xlsx) "
               "or CSV (UTF-8)",
    "docx": "is a Word document, not a table; copy the table into Excel and save it as .xlsx or 'CSV UTF-8'",
    "zip": "is a zip archive, not a table; unzip it and point to the .xlsx or .csv inside",
    "pdf": "is a PDF, which is not read; export the table from its source as .xlsx or 'CSV UTF-8' (copying out of "
           "a PDF loses columns)",
    "binary": "is not a table file (binary content); export the table as .xlsx or 'CSV UTF-8'",
}


def sniff_format(path: str | Path) -> str:
    """The file's format by content, not by name: ``"xlsx"``, ``"text"``, or an unsupported one
    (``"xls"``, ``"ods"``, ``"numbers"``, ``"html"``, ``"docx"``, ``"zip"``, ``"pdf"``, ``"binary"``).

    A workbook saved as ``.dat``/``.csv`` is still read as XLSX; an ``.ods`` renamed ``.xlsx`` is
    named as what it is.

    >>> sniff_format("tests/data/bad/old_format.xls")  # doctest: +SKIP
    'xls'
    """
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
                mimetype = zf.read("mimetype")[:100] if "mimetype" in names else b""
        except (zipfile.BadZipFile, OSError, KeyError):
            return "zip" if path.suffix.lower() not in EXCEL_SUFFIXES else "xlsx"  # let openpyxl explain
        if "xl/workbook.xml" in names:
            return "xlsx"
        if b"opendocument.spreadsheet" in mimetype or "content.xml" in names and b"opendocument" in mimetype:
            return "ods"
        if any(n.startswith("Index/") and n.endswith(".iwa") for n in names) or "Index.zip" in names:
            return "numbers"
        if "word/document.xml" in names:
            return "docx"
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if head.startswith(b"%PDF"):
        return "pdf"
    low = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if low.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) and (b"<table" in head.lower()
                                                                             or b"<html" in low[:200]):
        return "html"
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return "xlsx"  # not a zip: openpyxl's error says so
    if path.suffix.lower() == ".xls":
        return "xls"
    if path.suffix.lower() in {".ods", ".numbers"}:
        return path.suffix.lower().lstrip(".")
    return "text"


#: the last tables read in this process, by (file name, sha256 of its bytes, sheet, header rows):
#: finding a file's kind reads it, and loading it must not parse the same workbook again (a
#: content key, not a modification time, which can stay the same across two quick writes)
_READ_MEMO: OrderedDict[tuple, RawTable] = OrderedDict()
_READ_MEMO_SIZE = 32


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
    if not path.is_file():  # _read_table says what is wrong
        return _read_table(path, sheet=sheet, header_rows=header_rows)
    key = (path.name, sha256_file(path), sheet, header_rows)
    if key in _READ_MEMO:
        _READ_MEMO.move_to_end(key)
    else:
        _READ_MEMO[key] = _read_table(path, sheet=sheet, header_rows=header_rows)
        while len(_READ_MEMO) > _READ_MEMO_SIZE:
            _READ_MEMO.popitem(last=False)
    # a copy: callers may change the frame they get without changing the next reader's
    table = _READ_MEMO[key]
    return replace(table, frame=table.frame.copy(), original_headers=dict(table.original_headers))


def _read_table(path: Path, *, sheet: str | int | None, header_rows: int | str) -> RawTable:
    """:func:`read_table` without the memo."""
    file = path.name
    if path.is_dir():
        raise InputError("is a folder, not a table file (an Apple Numbers package or an unzipped workbook?); "
                         "export the table as .xlsx or 'CSV UTF-8' and point to that file", file=file)
    if not path.is_file():
        raise InputError(f"file not found at {path}; check the folder and the file name", file=file)
    encoding = sep = sheet_name = None
    fmt = sniff_format(path)
    if fmt == "xlsx":
        try:
            rows, sheet_name = _read_excel_rows(path, file, sheet)
        except InputError:
            raise
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError, IndexError,
                AttributeError, SyntaxError) as exc:  # a damaged workbook (ElementTree's ParseError is a SyntaxError)
            raise InputError(f"is not a readable XLSX workbook ({type(exc).__name__} while reading its sheets); open "
                             "it in Excel and save it again as .xlsx or as 'CSV UTF-8'", file=file) from None
    elif fmt == "text":
        rows, encoding, sep = _read_text_rows(path, file)
    else:
        raise InputError(_UNSUPPORTED[fmt], file=file)
    where = f"{file}, sheet {sheet_name!r}" if sheet_name else file

    width = max((len(r) for r in rows), default=0)
    rows = [list(r) + [None] * (width - len(r)) for r in rows]
    h = _find_header(rows, where)
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
            raise InputError("header_rows=2 but the file has only one header row", file=where)
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
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file {path} not found; restore it from git (config/ is tracked)")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: not valid TOML ({exc}); fix the line it names") from exc
