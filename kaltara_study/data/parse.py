"""Vectorised parsers for the values found in Indonesian CSV/XLSX exports.

Every parser has the signature ``f(values, *, column, file=None, ...) -> ParseResult``: it takes a
Series of raw cells (str or NA, as :func:`kaltara_study.data.read.read_table` returns them), never
mutates it, and returns the typed values plus a table of the cells it could not parse. An
unparseable cell becomes NA and gets one row in ``ParseResult.errors`` with the columns
``file, row, column, value, rule, severity`` (``row`` is the Series' index label, so index the
Series by the spreadsheet row number ``_row`` to get row numbers a user can find). The caller
decides whether an error rejects the row or stops the load (:func:`ParseResult.raise_if_errors`).

Conventions (Indonesian first):

- numbers: the thousands/decimal convention is decided per column from all its cells, never per
  cell: "1.250.000", "1.250,5", "12,5" show the Indonesian one (``.`` groups thousands, ``,`` marks
  decimals); "1,250,000", "1,250.5" the English one; machine forms ("0.8685", "1.5E+06", XLSX
  number cells) are English evidence only against no Indonesian cell. "1.250" and "1,250" follow
  the column's convention; in a column showing both conventions they are left missing
  (``ambiguous_number`` warning); in a column showing none, whole-number columns (counts, rupiah)
  read them as 1250 and other columns the Indonesian way with a warning. One ``number_convention``
  line per column (``info``; ``warning`` when mixed) says what was decided;
- personal numbers: a phone number or a NIK in a number cell ("0812-3456-7890", "+62 812…",
  16 digits) is never read as a quantity: missing, with a ``personal_number`` warning;
- zero as "-": ``dash=0`` (SIMKOPDES exports, see :func:`parser_options`) reads "-", "–", "—"
  as 0 with one ``dash_as_zero`` line per column saying how many cells;
- every ``value`` in an error table is masked by :func:`kaltara_study.pii.scrub_text`;
- missing: "", "-", "–", "—", "n/a", "na", "null", "nan", "none" are NA without an error; Excel
  error values (#DIV/0!, #N/A, #VALUE!, #REF!, #NAME?, #NUM!, #NULL!) are NA *with* an error row
  of severity ``"warning"`` and rule ``"excel_error"``;
- money: "Rp 1.250.000", "Rp1.250.000,-", "IDR 2.5 jt", "Rp 1,2 juta", "250 rb", "3 M" (M = miliar,
  10^9, as in Indonesian; not million), "1,5 T" (triliun);
- dates: day first ("12-08-2025", "12/08/2025", "12.08.25"), ISO ("2025-08-12", with or without a
  time), month names in Indonesian and English, full or abbreviated ("12 Agustus 2025",
  "12 Agt 2025", "12-Aug-2025", "Agustus 12, 2025"), Excel serials (1900 date system, serials
  10000–99999, i.e. 1927–2173);
- yes/no: "Ya", "Y", "ada", "sudah", "1", "true", "yes", "✓" → True; "Tidak", "T", "tidak ada",
  "belum", "0", "false", "no", "N" → False; "-" is NA by default (``dash=False`` maps it to False);
- Kemendagri codes: dotted or not, spaces, Excel float residue ("6501012001.0") → dotted
  ``65.KK.CC.TNNN`` (village), ``65.KK.CC`` (kecamatan), ``65.KK`` (kabupaten/kota).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kaltara_study import pii
from kaltara_study.errors import DataError

__all__ = [
    "ERROR_COLUMNS",
    "EXCEL_ERRORS",
    "ParseResult",
    "excel_serial_to_datetime",
    "format_number_id",
    "parse_bool_id",
    "parse_code",
    "parse_code_desa",
    "parse_date_id",
    "parse_float",
    "parse_int",
    "parse_number",
    "parse_rupiah",
    "parse_text",
    "parser_options",
]

ERROR_COLUMNS = ["file", "row", "column", "value", "rule", "severity"]
EXCEL_ERRORS = frozenset(
    {"#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA", "#SPILL!",
     "#CALC!", "#N/A!"}
)
DASH_TOKENS = frozenset({"-", "--", "–", "—", "-,-", "–,–"})
MISSING_TOKENS = frozenset({"", "-", "--", "–", "—", "n/a", "na", "null", "nan", "none", "<na>", "nat"})

MONTHS: dict[str, int] = {}
for _num, _names in enumerate(
    [
        ("januari", "january", "jan"),
        ("februari", "pebruari", "february", "feb", "peb"),
        ("maret", "march", "mar"),
        ("april", "apr"),
        ("mei", "may"),
        ("juni", "june", "jun"),
        ("juli", "july", "jul"),
        ("agustus", "august", "agu", "agt", "ags", "aug", "agust"),
        ("september", "sep", "sept"),
        ("oktober", "october", "okt", "oct"),
        ("november", "nopember", "nov", "nop"),
        ("desember", "december", "des", "dec"),
    ],
    start=1,
):
    for _n in _names:
        MONTHS[_n] = _num
MONTH_NAMES_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                  "September", "Oktober", "November", "Desember")

TRUE_TOKENS = frozenset({"ya", "y", "iya", "yes", "true", "benar", "ada", "sudah", "punya", "1", "1.0",
                         "✓", "v", "x", "ok"})
FALSE_TOKENS = frozenset({"tidak", "t", "tdk", "tak", "no", "n", "false", "salah", "tidak ada",
                          "tdk ada", "belum", "belum ada", "blm", "ga", "gak", "nggak", "0", "0.0"})

MONEY_UNITS = {
    "rb": 1e3, "ribu": 1e3, "k": 1e3,
    "jt": 1e6, "juta": 1e6,
    "m": 1e9, "miliar": 1e9, "milyar": 1e9, "mlyr": 1e9, "mil": 1e9, "b": 1e9,
    "t": 1e12, "tn": 1e12, "triliun": 1e12, "trilyun": 1e12,
}

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
SERIAL_MIN, SERIAL_MAX = 10_000, 99_999


@dataclass(frozen=True)
class ParseResult:
    """Typed values and the cells that could not be parsed.

    Attributes
    ----------
    values : pd.Series
        Same index and name as the input; unparseable cells are NA.
    errors : pd.DataFrame
        One row per problem: ``file, row, column, value, rule, severity`` (severity ``"error"``
        for unparseable cells, ``"warning"`` for cells read as missing on purpose — Excel error
        values, ambiguous numbers, phone numbers or NIKs in a number column — and ``"info"`` for
        one summary line per column and rule, e.g. the number convention found or how many "-"
        were read as 0; summary lines have ``row`` NA and list the first rows in ``rule``).
        ``value`` never holds personal data (:func:`kaltara_study.pii.scrub_text`).
    notes : tuple
        Internal: per-cell masks that become the summary lines (empty once returned by a public
        parser).
    """

    values: pd.Series
    errors: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ERROR_COLUMNS))
    notes: tuple = ()

    @property
    def ok(self) -> bool:
        """True when no cell failed with severity ``"error"``."""
        return not (self.errors["severity"] == "error").any()

    def raise_if_errors(self) -> pd.Series:
        """Return ``values`` or raise :class:`DataError` listing every unparseable cell.

        >>> parse_number(pd.Series(["1.250.000"]), column="x").raise_if_errors().tolist()
        [1250000.0]
        """
        bad = self.errors[self.errors["severity"] == "error"]
        if len(bad):
            raise DataError(_describe(bad), problems=bad.to_dict("records"))
        return self.values


@dataclass(frozen=True)
class _Note:
    """A column-level summary line to be: ``rule`` text, ``severity`` and the cells it concerns."""

    rule: str
    severity: str
    mask: np.ndarray


def _describe(errors: pd.DataFrame, limit: int = 5) -> str:
    parts = [
        f"{r.file or '<data>'} row {r.row}, column {r.column!r}: value {r.value!r} — {r.rule}"
        for r in errors.head(limit).itertuples()
    ]
    more = f" (and {len(errors) - limit} more)" if len(errors) > limit else ""
    return f"{len(errors)} value(s) could not be parsed: " + "; ".join(parts) + more


RULE_TEXT = {
    "not_a_number": "expected a number such as 1.250.000 or 1.250.000,50",
    "not_an_integer": "expected a whole number",
    "not_money": "expected rupiah such as 'Rp 1.250.000', '1,2 juta', '250 rb' or '3 M'",
    "not_a_date": "expected a date such as '12 Agustus 2025', '12-08-2025', '2025-08-12' or an Excel serial",
    "invalid_date": "day/month do not form a calendar date",
    "not_yes_no": "expected yes/no such as Ya/Tidak, ada/tidak ada, 1/0",
    "bad_code": "expected a Kemendagri code",
    "excel_error": "Excel error value, read as missing",
    "ambiguous_number": "could be read with '.'/',' as thousands or as decimal mark and the column does not "
                        "decide it; read as missing — write it without separators (1250 or 1.25)",
    "personal_number": "looks like a phone number or a NIK, not a quantity; read as missing (personal data "
                       "does not belong in this column)",
}


def _scrub_values(values: pd.Series) -> np.ndarray:
    return pii.scrub_series(values.astype(object).map(str)).to_numpy(dtype=object)


def _errors(values: pd.Series, mask: pd.Series, *, column: str, file: str | None, rule: str,
            severity: str = "error") -> pd.DataFrame:
    mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return pd.DataFrame(columns=ERROR_COLUMNS)
    bad = values[mask.to_numpy()]
    text = RULE_TEXT.get(rule, "")
    return pd.DataFrame(
        {
            "file": file,
            "row": bad.index.to_numpy(),
            "column": column,
            "value": _scrub_values(bad),
            "rule": f"{rule}: {text}" if text else rule,
            "severity": severity,
        },
        columns=ERROR_COLUMNS,
    )


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=ERROR_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def _as_text(values: pd.Series) -> pd.Series:
    """Cells as stripped object strings (NA kept as None); non-breaking spaces become spaces, a
    byte-order mark and a leading apostrophe (Excel's text marker) go. One pass per cell: six
    vectorised string operations took five times as long on a 500-row column."""
    obj = values.astype(object)
    na = obj.isna().to_numpy()
    out = [None if m else str(v).replace("\u00a0", " ").replace("\u202f", " ").replace("\ufeff", "")
           .strip().lstrip("'").strip() for v, m in zip(obj.to_numpy(), na)]
    return pd.Series(out, index=values.index, dtype=object)


def _missing(text: pd.Series) -> pd.Series:
    return text.isna() | text.str.lower().isin(MISSING_TOKENS)


def _excel_error(text: pd.Series) -> pd.Series:
    return text.str.upper().isin(EXCEL_ERRORS).fillna(False).astype(bool)


def _summaries(notes: tuple, index: pd.Index, values: pd.Series, *, column: str, file: str | None) -> pd.DataFrame:
    """One report line per note: how many cells, the first rows, an example value (scrubbed)."""
    rows = []
    for note in notes:
        m = np.asarray(note.mask, dtype=bool)
        n = int(m.sum())
        if not n:
            continue
        pos = np.flatnonzero(m)
        first = ", ".join(str(r) for r in index[pos[:5]])
        more = ", …" if n > 5 else ""
        example = pii.scrub_text(str(values.iloc[pos[0]]))
        rows.append({"file": file, "row": index[pos[0]], "column": column, "value": example,
                     "rule": f"{note.rule} ({n} cell{'s' if n != 1 else ''}; rows {first}{more})",
                     "severity": note.severity})
    return pd.DataFrame(rows, columns=ERROR_COLUMNS) if rows else pd.DataFrame(columns=ERROR_COLUMNS)


def _finish(res: ParseResult, values: pd.Series, *, column: str, file: str | None) -> ParseResult:
    if not res.notes:
        return res
    summ = _summaries(res.notes, values.index, values, column=column, file=file)
    return ParseResult(res.values, _concat([res.errors, summ]))


def _per_unique(fn):
    """Run a parser once per distinct cell and map the results (and error rows) back.

    Exports repeat the same cells ("Ya", "-", "Rp 0") thousands of times; the string work is done
    once per distinct value. Results are identical to the direct call (column-wide rules see the
    same set of values); small or mostly-distinct inputs take the direct path. ``__wrapped__`` is
    the direct call (for the test that both agree).
    """
    def direct(values: pd.Series, *, column: str, file: str | None = None, **kw) -> ParseResult:
        return _finish(fn(values, column=column, file=file, **kw), values, column=column, file=file)

    @functools.wraps(fn)
    def wrapper(values: pd.Series, *, column: str, file: str | None = None, **kw) -> ParseResult:
        if len(values) < 512 or not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            return direct(values, column=column, file=file, **kw)
        codes, uniq = pd.factorize(values.astype(object), use_na_sentinel=False)
        if len(uniq) > len(values) // 4:
            return direct(values, column=column, file=file, **kw)
        res = fn(pd.Series(np.asarray(uniq, dtype=object), dtype=object), column=column, file=file, **kw)
        out = pd.Series(res.values.to_numpy()[codes], index=values.index, name=values.name)
        out = out.astype(res.values.dtype)
        errs = res.errors
        if len(errs):
            hit = np.flatnonzero(np.isin(codes, errs["row"].to_numpy()))
            expanded = pd.DataFrame({"_code": codes[hit], "_pos": hit, "row": values.index.to_numpy()[hit]})
            block = pd.factorize(errs["rule"])[0]
            errs = (errs.rename(columns={"row": "_code"}).assign(_block=block)
                    .merge(expanded, on="_code", how="inner")
                    .sort_values(["_block", "_pos"], kind="stable"))
            # keep the direct call's grouping: by rule block, then by row
            errs = errs[ERROR_COLUMNS].reset_index(drop=True)
        notes = tuple(_Note(n.rule, n.severity, np.asarray(n.mask, dtype=bool)[codes]) for n in res.notes)
        return _finish(ParseResult(out, errs, notes), values, column=column, file=file)

    wrapper.__wrapped__ = direct
    return wrapper


# ---------------------------------------------------------------------------- numbers
_RE_PLAIN = r"\d+"
_RE_EXP = r"\d+(?:\.\d+)?[eE][+-]?\d+"             # 1.5E+06
_RE_ID_MULTI = r"[1-9]\d{0,2}(?:\.\d{3}){2,}(?:,\d+)?"  # 1.250.000 / 1.250.000,50
_RE_ID_DEC = r"[1-9]\d{0,2}(?:\.\d{3})+,\d+"          # 1.250,5
_RE_EN_MULTI = r"[1-9]\d{0,2}(?:,\d{3}){2,}(?:\.\d+)?"  # 1,250,000 / 1,250,000.50
_RE_EN_DEC = r"[1-9]\d{0,2}(?:,\d{3})+\.\d+"          # 1,250.5
_RE_COMMA_DEC = r"\d+,\d+"                            # 12,5 / 0,868 / 1250000,50
_RE_DOT_DEC = r"\d*\.\d+"                             # 12.5 / 0.868 / .5
_RE_AMB_DOT = r"[1-9]\d{0,2}\.\d{3}"                  # 1.250 : thousands (ID) or decimal (EN)?
_RE_AMB_COMMA = r"[1-9]\d{0,2},\d{3}"                 # 1,250 : decimal (ID) or thousands (EN)?
_RE_ID_FULL = r"[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?"
# a cell holding only digits and phone separators (checked for phone numbers and NIKs)
_RE_DIGITISH = r"\+?[\d\s.\-()]{9,}"

CONVENTION_TEXT = {
    "id": "Indonesian (1.250.000,50: '.' groups thousands, ',' marks decimals)",
    "en": "English/machine (1,250,000.50: ',' groups thousands, '.' marks decimals)",
    "mixed": "mixed: some cells Indonesian (1.250.000,50), some English (1,250,000.50); each unambiguous cell "
             "is read in its own form, the ambiguous ones are left missing",
}


def _split_sign(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Strip a leading minus/plus or accounting parentheses; return (body, is_negative)."""
    t = text.str.replace("\u2212", "-", regex=False)
    paren = t.str.fullmatch(r"\(\s*[^()]*\s*\)").fillna(False).astype(bool)
    t = t.where(~paren, t.str.slice(1, -1).str.strip())
    neg = t.str.startswith("-").fillna(False).astype(bool)
    t = t.where(~neg, t.str.slice(1))
    pos = t.str.startswith("+").fillna(False).astype(bool)
    t = t.where(~pos, t.str.slice(1)).str.strip()
    # digits written with spaces as group separators: "1 250 000"
    spaced = t.str.fullmatch(r"\d{1,3}(?: \d{3})+(?:[.,]\d+)?").fillna(False).astype(bool)
    t = t.where(~spaced, t.str.replace(" ", "", regex=False))
    return t, (neg | paren) & ~(neg & paren)


@dataclass(frozen=True)
class _Forms:
    plain: pd.Series
    id_: pd.Series       # unambiguously Indonesian
    en: pd.Series        # unambiguously English / machine
    amb_dot: pd.Series
    amb_comma: pd.Series
    en_strong: pd.Series  # commas grouping thousands (1,250,000 / 1,250.5)
    grouped: pd.Series    # any thousands-grouped cell

    def convention(self) -> str | None:
        """"id", "en", "mixed" or None. A machine decimal ("0.868", as XLSX number cells arrive) is
        English evidence only against no Indonesian cell; it never makes a column "mixed"."""
        has_id, has_en = bool(self.id_.any()), bool(self.en.any())
        if has_id and bool(self.en_strong.any()):
            return "mixed"
        if has_id:
            return "id"
        return "en" if has_en else None


def _forms(body: pd.Series) -> _Forms:
    def m(rx: str) -> pd.Series:
        return body.str.fullmatch(rx).fillna(False).astype(bool)

    plain = m(_RE_PLAIN) | m(_RE_EXP)
    amb_dot, amb_comma = m(_RE_AMB_DOT), m(_RE_AMB_COMMA)
    id_ = (m(_RE_ID_MULTI) | m(_RE_ID_DEC) | m(_RE_COMMA_DEC)) & ~amb_comma
    en_strong = (m(_RE_EN_MULTI) | m(_RE_EN_DEC)) & ~id_
    en = (en_strong | m(_RE_DOT_DEC)) & ~amb_dot & ~id_
    grouped = m(_RE_ID_MULTI) | m(_RE_ID_DEC) | en_strong
    return _Forms(plain, id_, en, amb_dot, amb_comma, en_strong, grouped)


def _read_forms(body: pd.Series, f: _Forms, *, convention: str | None, integral: bool
                ) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Floats of the number bodies under a column convention.

    Returns (values, parsed, ambiguous): ``ambiguous`` cells are left NaN (the convention does not
    decide them). Without a convention, whole-number columns (counts, rupiah) read "1.250" and
    "1,250" as 1250 (three decimals cannot occur there) and other columns follow the Indonesian
    default.
    """
    norm = pd.Series(None, index=body.index, dtype=object)
    norm = norm.mask(f.plain, body)
    is_id_full = body.str.fullmatch(_RE_ID_FULL + "|" + _RE_COMMA_DEC).fillna(False).astype(bool) & f.id_
    norm = norm.mask(is_id_full, body.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    norm = norm.mask(f.en, body.str.replace(",", "", regex=False))
    thousands = body.str.replace(".", "", regex=False).str.replace(",", "", regex=False)
    decimal = body.str.replace(",", ".", regex=False)
    amb = f.amb_dot | f.amb_comma
    ambiguous = pd.Series(False, index=body.index)
    if convention == "id":
        norm = norm.mask(f.amb_dot, thousands)
        if integral:
            ambiguous = f.amb_comma
        else:
            norm = norm.mask(f.amb_comma, decimal)
    elif convention == "en":
        norm = norm.mask(f.amb_comma, thousands)
        if integral:
            ambiguous = f.amb_dot
        else:
            norm = norm.mask(f.amb_dot, decimal)
    elif convention == "mixed":
        ambiguous = amb
    else:  # no cell decides
        if integral:
            norm = norm.mask(amb, thousands)
        else:
            norm = norm.mask(f.amb_dot, thousands).mask(f.amb_comma, decimal)
    norm = norm.where(~ambiguous)
    out = pd.to_numeric(norm, errors="coerce").astype(float)
    ok = (f.plain | f.id_ | f.en | amb) & ~ambiguous & out.notna()
    return out, ok, ambiguous


def _convention_notes(f: _Forms, convention: str | None, *, integral: bool, ambiguous: pd.Series) -> list[_Note]:
    notes = []
    sep_cells = (f.id_ | f.en | f.amb_dot | f.amb_comma).to_numpy()
    # the convention line only where it matters: thousands-grouped or ambiguous cells
    if convention is not None and (f.grouped | f.amb_dot | f.amb_comma).any():
        sev = "warning" if convention == "mixed" else "info"
        notes.append(_Note(f"number_convention: column read as {CONVENTION_TEXT[convention]}", sev, sep_cells))
    amb = (f.amb_dot | f.amb_comma).to_numpy() & ~ambiguous.to_numpy()
    if convention is None and amb.any():
        if integral:
            notes.append(_Note("number_convention: no cell shows the convention; '1.250' and '1,250' read as 1250 "
                               "(a whole-number column cannot hold three decimals)", "info", amb))
        else:
            notes.append(_Note("ambiguous_number: no cell shows the convention; read the Indonesian way "
                               "(1.250 = 1250, 1,250 = 1,25) — check these cells", "warning", amb))
    return notes


def _dash_mask(text: pd.Series) -> pd.Series:
    return text.str.lower().str.replace(" ", "", regex=False).isin(DASH_TOKENS).fillna(False).astype(bool)


def _personal_mask(text: pd.Series) -> pd.Series:
    """Cells whose digits form a phone number or a NIK (never a quantity)."""
    cand = text.str.fullmatch(_RE_DIGITISH).fillna(False).astype(bool)
    if not cand.any():
        return cand
    sub = text[cand]
    hit = pd.Series(False, index=text.index)
    hit[cand] = sub.map(lambda s: pii.contains_pii(s) or bool(re.fullmatch(r"0\d{9,13}", s.replace(" ", "")
                                                                         .replace("-", ""))))
    return hit


_RE_SHORT_INT = re.compile(r"-?\d{1,9}")
_RE_SHORT_DEC = re.compile(r"-?\d{1,9}(?:\.\d+)?")
_RE_AMB_DOT_SIGNED = re.compile(r"-?" + _RE_AMB_DOT)


def _plain_integers(text: pd.Series) -> bool:
    """Whether every non-blank cell is a signed integer of at most 9 digits (never a phone or NIK)."""
    body = text[~_missing(text)]
    return bool(body.map(lambda s: _RE_SHORT_INT.fullmatch(s) is not None).all())


def _machine_decimals(text: pd.Series) -> bool:
    """Whether every non-blank cell is a signed integer of at most 9 digits or such an integer with
    a ``.`` decimal part (``0.6543``, ``-12.5``: machine exports, IDM scores), no cell is ambiguous
    (``1.250``: three decimals after 1–3 digits) and none has the shape of a phone number or NIK.
    Such a column has no separator to decide, nothing to report and nothing to mask: the general
    path reads each cell as Python's ``float`` would."""
    body = text[~_missing(text)]
    if not body.map(lambda s: _RE_SHORT_DEC.fullmatch(s) is not None
                    and _RE_AMB_DOT_SIGNED.fullmatch(s) is None).all():
        return False
    return not _personal_mask(body).any()


def _number_core(values: pd.Series, *, column: str, file: str | None, decimal: str | None,
                 rule: str = "not_a_number", integral: bool = False, dash: float | None = None,
                 fast: bool = True) -> ParseResult:
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return ParseResult(values.astype(float))
    text = _as_text(values)
    if fast and decimal in (None, ".") and (_plain_integers(text) or _machine_decimals(text)) \
            and (dash is None or not _dash_mask(text).any()):
        # every cell is blank, a short signed integer or a machine decimal (no grouping separator,
        # no ambiguous cell, dash, phone or NIK): the general path would read each one as itself
        # and report nothing, so read them directly
        out = pd.Series(pd.to_numeric(text.where(~_missing(text)), errors="raise").to_numpy(dtype=float),
                        index=values.index, name=values.name)
        notes = [] if dash is None else [_Note(f"dash_as_zero: '-' read as {dash:g} (this export writes zero "
                                               "as '-')", "info", np.zeros(len(values), dtype=bool))]
        return ParseResult(out, notes=tuple(notes))
    dashes = _dash_mask(text) if dash is not None else pd.Series(False, index=text.index)
    missing = _missing(text) & ~dashes
    xl = _excel_error(text)
    personal = _personal_mask(text.where(~(missing | xl | dashes)))
    body, neg = _split_sign(text.where(~(missing | xl | dashes | personal)))
    f = _forms(body)
    if decimal == ",":
        convention = "id"
    elif decimal == ".":
        convention = "en"
        # with "." as decimal mark, "1.250.000" style is invalid
        f = _Forms(f.plain, f.id_ & False, f.en, f.amb_dot, f.amb_comma, f.en_strong, f.grouped)
    else:
        convention = f.convention()
    num, ok, ambiguous = _read_forms(body, f, convention=convention, integral=integral)
    num = num.where(~neg, -num)
    num = num.mask(dashes, float(dash) if dash is not None else np.nan)
    # a NIK-sized whole number (16 digits) read from a machine form (6.501012345678901e+15)
    nik_sized = ok & (num.abs() >= 1e15) & (num.abs() < 1e16) & (num == np.floor(num))
    personal = personal | nik_sized
    num = num.where(~nik_sized)
    ok = ok & ~nik_sized
    bad = ~ok & ~missing & ~xl & ~dashes & ~personal & ~ambiguous
    out = pd.Series(num.to_numpy(dtype=float), index=values.index, name=values.name)
    errs = _concat([
        _errors(values, bad, column=column, file=file, rule=rule),
        _errors(values, xl, column=column, file=file, rule="excel_error", severity="warning"),
        _errors(values, ambiguous, column=column, file=file, rule="ambiguous_number", severity="warning"),
        _errors(values, personal, column=column, file=file, rule="personal_number", severity="warning"),
    ])
    notes = [] if decimal is not None else _convention_notes(f, convention, integral=integral, ambiguous=ambiguous)
    if dash is not None:
        notes.append(_Note(f"dash_as_zero: '-' read as {dash:g} (this export writes zero as '-')", "info",
                           dashes.to_numpy()))
    return ParseResult(out, errs, tuple(notes))


@_per_unique
def parse_number(values: pd.Series, *, column: str, file: str | None = None,
                 decimal: str | None = None, dash: float | None = None) -> ParseResult:
    """Parse Indonesian (and English/machine) number strings to float, deciding the convention per column.

    The thousands/decimal convention is decided from all the column's cells: cells such as
    "1.250.000", "1.250,5" or "12,5" show the Indonesian one; "1,250,000", "1,250.5" or "12.5" the
    English/machine one. "1.250" and "1,250" are ambiguous alone and are read by the column's
    convention; when the column shows both conventions they are left missing with a warning
    (``ambiguous_number``), and when it shows none they are read the Indonesian way with a
    warning. One ``number_convention`` line per column reports the convention found.

    Parameters
    ----------
    values : pd.Series
        Raw cells (str/NA); numeric Series are returned as float unchanged.
    column, file : str
        Used in the error table.
    decimal : {None, ",", "."}
        Force the decimal mark (no convention line then).
    dash : float, optional
        Value of "-"/"–"/"—" cells. Default ``None``: missing. SIMKOPDES-style exports write zero as
        "-": pass ``dash=0`` for their count and amount columns; one ``dash_as_zero`` line per
        column says how many cells.

    Cells that look like a phone number or a NIK ("0812-3456-7890", 16 digits) are never read as
    quantities: they become missing with a ``personal_number`` warning (the value masked).

    Returns
    -------
    ParseResult
        ``values`` float64 (NaN for missing/unparseable), ``errors`` for the problems.

    Examples
    --------
    >>> r = parse_number(pd.Series(["1.250.000", "1.250.000,50", "12,5", "-", "#DIV/0!", "abc"]),
    ...                  column="modal")
    >>> r.values.tolist()[:3]
    [1250000.0, 1250000.5, 12.5]
    >>> r.errors["rule"].str.split(":").str[0].tolist()
    ['not_a_number', 'excel_error', 'number_convention']
    >>> parse_number(pd.Series(["850,000", "1,250,000"]), column="modal").values.tolist()
    [850000.0, 1250000.0]
    """
    return _number_core(values, column=column, file=file, decimal=decimal, dash=dash)


def parse_float(values: pd.Series, *, column: str, file: str | None = None) -> ParseResult:
    """Alias of :func:`parse_number` (metadata kind ``"float"``).

    >>> parse_float(pd.Series(["0,75"]), column="iks").values.tolist()
    [0.75]
    """
    return parse_number(values, column=column, file=file)


def _int_core(values: pd.Series, *, column: str, file: str | None = None, dash: float | None = None) -> ParseResult:
    res = _number_core(values, column=column, file=file, decimal=None, integral=True, dash=dash)
    v = res.values
    frac = v.notna() & (v != np.floor(v.fillna(0)))
    too_big = v.abs() > 2**62
    errs = _concat([res.errors, _errors(values, frac | too_big, column=column, file=file, rule="not_an_integer")])
    out = v.where(~(frac | too_big)).round().astype("Int64")
    return ParseResult(out, errs, res.notes)


@_per_unique
def parse_int(values: pd.Series, *, column: str, file: str | None = None, dash: float | None = None) -> ParseResult:
    """Parse whole numbers to nullable ``Int64``; non-integral values are errors (``not_an_integer``).

    Same column convention as :func:`parse_number`; a whole-number column reads "1.250" and
    "1,250" as 1250 unless its other cells show a convention that says otherwise.
    ``dash=0`` reads "-" as 0 (SIMKOPDES counts).

    >>> parse_int(pd.Series(["1.250", "7", "", "2,5"]), column="anggota").values.tolist()
    [1250, 7, <NA>, <NA>]
    >>> parse_int(pd.Series(["-", "3"]), column="rat_count", dash=0).values.tolist()
    [0, 3]
    """
    return _int_core(values, column=column, file=file, dash=dash)


def format_number_id(x: float | int, *, decimals: int = 0) -> str:
    """Format a number the Indonesian way ("1.250.000,50"), the inverse of :func:`parse_number`.

    >>> format_number_id(1250000.5, decimals=2)
    '1.250.000,50'
    """
    s = f"{abs(x):,.{decimals}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return ("-" if x < 0 else "") + s


# ---------------------------------------------------------------------------- money
_RE_MONEY = re.compile(
    r"^(?:rp\.?|idr)?\s*(?P<sign>[-\u2212]?)\s*(?:rp\.?|idr)?\s*(?P<num>.*?)\s*(?P<unit>"
    + "|".join(sorted(MONEY_UNITS, key=len, reverse=True))
    + r")?\.?\s*(?:,-|\.-|,00-?)?$",
    re.IGNORECASE,
)
_MONEY_DASHES = {"rp", "rp.", "rp -", "rp-", "rp.-", "rp -,-", "rp-,-"}


@_per_unique
def parse_rupiah(values: pd.Series, *, column: str, file: str | None = None, dash: float | None = None
                 ) -> ParseResult:
    """Parse rupiah amounts to float rupiah.

    Accepts "Rp 1.250.000", "Rp1.250.000,-", "Rp 1.250.000,00", "IDR 2.500.000", "Rp 1,2 juta",
    "1,5 jt", "250 rb"/"250 ribu", "3 M"/"3 miliar" (10^9), "1 T" (10^12), negative forms
    "-Rp 5.000"/"(5.000)", plain numbers, "-"/empty (NA; ``dash=0`` reads "-" and "Rp -" as 0). With
    a unit word a single "," or "." is a decimal mark ("1.5 jt" = 1 500 000). Without one, the
    column's thousands convention is decided from all its cells as in :func:`parse_number`
    ("Rp 850,000" in an English column is 850 000); rupiah have no three-decimal amounts, so
    "850,000" alone is 850 000 too.

    Examples
    --------
    >>> parse_rupiah(pd.Series(["Rp 1.250.000", "Rp 1,2 juta", "3 M", "250 rb", "-"]),
    ...              column="modal").values.tolist()
    [1250000.0, 1200000.0, 3000000000.0, 250000.0, nan]
    >>> parse_rupiah(pd.Series(["850,000", "12,500"]), column="modal").values.tolist()
    [850000.0, 12500.0]
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return ParseResult(values.astype(float))
    text = _as_text(values)
    low = text.str.lower()
    dashes = (_dash_mask(text) | low.isin(_MONEY_DASHES).fillna(False).astype(bool)) if dash is not None \
        else pd.Series(False, index=text.index)
    missing = (_missing(text) | low.isin(_MONEY_DASHES).fillna(False).astype(bool)) & ~dashes
    xl = _excel_error(text)
    personal = _personal_mask(text.where(~(missing | xl | dashes))
                              .str.replace(r"^(?:rp\.?|idr)\s*", "", regex=True, case=False))
    paren = text.str.fullmatch(r"\(.*\)").fillna(False).astype(bool)
    t = text.where(~paren, text.str.slice(1, -1)).where(~(missing | xl | dashes | personal))
    parts = t.str.extract(_RE_MONEY)
    unit = parts["unit"].str.lower()
    mult = unit.map(MONEY_UNITS).astype(float).fillna(1.0)
    has_unit = unit.notna()
    num_txt = parts["num"].str.replace(" ", "", regex=False).where(parts["num"].notna())
    # with a unit word, "1.250" / "1,25" are decimals; without, the column's convention applies
    single_sep = num_txt.str.fullmatch(r"\d+[.,]\d+").fillna(False).astype(bool)
    unit_dec = has_unit & single_sep
    num_txt = num_txt.where(~unit_dec, num_txt.str.replace(",", ".", regex=False))
    body, neg_inner = _split_sign(num_txt)
    f = _forms(body.where(~has_unit))
    convention = f.convention()
    num, ok, ambiguous = _read_forms(body.where(~has_unit), f, convention=convention, integral=True)
    fu = _forms(body.where(has_unit))
    num_u, ok_u, _ = _read_forms(body.where(has_unit), fu, convention="en", integral=False)
    num = num.where(~has_unit, num_u)
    ok = (ok & ~has_unit) | (ok_u & has_unit)
    neg = (parts["sign"].fillna("") != "") | neg_inner | paren
    out = (num * mult).where(~neg, -(num * mult))
    out = out.where(ok).mask(dashes, float(dash) if dash is not None else np.nan)
    nik_sized = ok & ~has_unit & (num.abs() >= 1e15) & (num.abs() < 1e16) & (num == np.floor(num))
    out = out.where(~nik_sized)
    personal = personal | nik_sized
    bad = ~ok & ~missing & ~xl & ~dashes & ~personal & ~ambiguous
    out = pd.Series(out.to_numpy(dtype=float), index=values.index, name=values.name)
    errs = _concat([
        _errors(values, bad, column=column, file=file, rule="not_money"),
        _errors(values, xl, column=column, file=file, rule="excel_error", severity="warning"),
        _errors(values, ambiguous, column=column, file=file, rule="ambiguous_number", severity="warning"),
        _errors(values, personal, column=column, file=file, rule="personal_number", severity="warning"),
    ])
    notes = _convention_notes(f, convention, integral=True, ambiguous=ambiguous)
    if dash is not None:
        notes.append(_Note(f"dash_as_zero: '-' read as {dash:g} (this export writes zero as '-')", "info",
                           dashes.to_numpy()))
    return ParseResult(out, errs, tuple(notes))


# sources whose exports write zero as "-" in count and amount columns (SIMKOPDES statistics)
DASH_ZERO_SOURCES = ("simkopdes",)


def parser_options(source_kind: str, column_kind: str) -> dict:
    """Extra keyword arguments for the parser of one column: ``{"dash": 0}`` for the count and
    amount columns (kinds ``int``, ``float``, ``money``) of sources listed in
    :data:`DASH_ZERO_SOURCES` (SIMKOPDES exports write zero as "-"), else ``{}``.

    >>> parser_options("simkopdes_village_stats", "int"), parser_options("survey", "int")
    ({'dash': 0}, {})
    """
    if column_kind in ("int", "float", "money") and source_kind.startswith(DASH_ZERO_SOURCES):
        return {"dash": 0}
    return {}


# ---------------------------------------------------------------------------- yes / no
@_per_unique
def parse_bool_id(values: pd.Series, *, column: str, file: str | None = None,
                  dash: bool | None = None) -> ParseResult:
    """Parse Indonesian/English yes-no cells to pandas nullable ``boolean``.

    Parameters
    ----------
    dash : bool or None
        What "-" means. Default ``None``: missing (NA), because in exports "-" is used both for
        "no" and for "not filled in" and the package never invents a value. Pass ``False`` for a
        form where "-" means "none".

    Examples
    --------
    >>> parse_bool_id(pd.Series(["Ya", "tidak ada", "1", "-", "mungkin"]), column="npwp").values.tolist()
    [True, False, True, <NA>, <NA>]
    """
    if pd.api.types.is_bool_dtype(values):
        return ParseResult(values.astype("boolean"))
    text = _as_text(values)
    low = text.str.lower().str.replace(r"\s+", " ", regex=True).str.rstrip(".")
    is_true = low.isin(TRUE_TOKENS).fillna(False).astype(bool)
    is_false = low.isin(FALSE_TOKENS).fillna(False).astype(bool)
    dashes = low.isin({"-", "--", "–", "—"}).fillna(False).astype(bool)
    missing = _missing(text)
    xl = _excel_error(text)
    out = pd.Series(pd.NA, index=values.index, dtype="boolean", name=values.name)
    out = out.mask(is_true, True).mask(is_false, False)
    if dash is not None:
        out = out.mask(dashes, dash)
    bad = ~is_true & ~is_false & ~missing & ~xl
    errs = _concat([
        _errors(values, bad, column=column, file=file, rule="not_yes_no"),
        _errors(values, xl, column=column, file=file, rule="excel_error", severity="warning"),
    ])
    return ParseResult(out.astype("boolean"), errs)


# ---------------------------------------------------------------------------- dates
def excel_serial_to_datetime(serial: pd.Series | float) -> pd.Series | pd.Timestamp:
    """Excel 1900-system serial → timestamp (day 1 = 1900-01-01, Excel's fictitious 29 Feb 1900
    absorbed by the 1899-12-30 epoch for serials ≥ 61).

    >>> excel_serial_to_datetime(45881)
    Timestamp('2025-08-12 00:00:00')
    """
    if isinstance(serial, pd.Series):
        return EXCEL_EPOCH + pd.to_timedelta(serial.astype(float), unit="D")
    return EXCEL_EPOCH + pd.Timedelta(days=float(serial))


def _year4(y: pd.Series) -> pd.Series:
    y = pd.to_numeric(y, errors="coerce")
    return y.where(y >= 100, y.where(y >= 70, y + 2000).where(y < 70, y + 1900))


_MONTH_RX = "|".join(sorted(MONTHS, key=len, reverse=True))
_RE_DMY_NUM = r"^(?P<d>\d{1,2})[-/. ](?P<m>\d{1,2})[-/. ](?P<y>\d{4}|\d{2})$"
_RE_ISO = r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_RE_DMY_NAME = rf"^(?P<d>\d{{1,2}})[-/. ]*(?P<mn>{_MONTH_RX})\.?[-/.,' ]*(?P<y>\d{{4}}|\d{{2}})$"
_RE_MDY_NAME = rf"^(?P<mn>{_MONTH_RX})\.?\s*(?P<d>\d{{1,2}}),?\s*(?P<y>\d{{4}})$"
_RE_SERIAL = r"^\d{5}(?:\.\d+)?$"
_WEEKDAY = r"^(?:senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad|monday|tuesday|wednesday|" \
           r"thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)\s*,?\s*"


@_per_unique
def parse_date_id(values: pd.Series, *, column: str, file: str | None = None) -> ParseResult:
    """Parse Indonesian dates, ISO dates and Excel serials to ``datetime64``.

    Numeric day-month order is always day first (Indonesian use): "03/04/2025" is 3 April.
    Two-digit years: 00–69 → 2000s, 70–99 → 1900s. A leading weekday ("Selasa, 12 Agustus 2025")
    is ignored. Date-times keep their date and drop the time, except Excel serials with a fraction
    (kept as times).

    Examples
    --------
    >>> parse_date_id(pd.Series(["12 Agustus 2025", "12-08-2025", "2025-08-12", "45881"]),
    ...               column="tgl_rat").values.dt.strftime("%Y-%m-%d").tolist()
    ['2025-08-12', '2025-08-12', '2025-08-12', '2025-08-12']
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return ParseResult(values.astype("datetime64[ns]"))
    text = _as_text(values)
    missing = _missing(text)
    xl = _excel_error(text)
    t = text.where(~(missing | xl)).str.lower().str.replace(_WEEKDAY, "", regex=True)
    t = t.str.replace(r"\s+", " ", regex=True).str.strip()

    parts = []
    for rx in (_RE_DMY_NUM, _RE_ISO, _RE_DMY_NAME, _RE_MDY_NAME):
        ex = t.str.extract(rx)
        if "mn" in ex:
            ex["m"] = ex["mn"].map(MONTHS)
        parts.append(ex[["d", "m", "y"]])
    comp = parts[0]
    for p in parts[1:]:
        comp = comp.combine_first(p)
    d = pd.to_numeric(comp["d"], errors="coerce")
    mth = pd.to_numeric(comp["m"], errors="coerce")
    y = _year4(comp["y"])
    has_parts = d.notna() & mth.notna() & y.notna()
    frame = pd.DataFrame({"year": y.where(has_parts, 2000), "month": mth.where(has_parts, 1),
                          "day": d.where(has_parts, 1)})
    dates = pd.to_datetime(frame, errors="coerce").astype("datetime64[ns]")
    invalid = has_parts & dates.isna()
    dates = dates.where(has_parts)

    serial_mask = t.str.fullmatch(_RE_SERIAL).fillna(False).astype(bool) & ~has_parts
    serial = pd.to_numeric(t.where(serial_mask), errors="coerce")
    serial_mask = serial_mask & serial.between(SERIAL_MIN, SERIAL_MAX)
    from_serial = excel_serial_to_datetime(serial.where(serial_mask)).astype("datetime64[ns]")
    dates = dates.where(~serial_mask, from_serial)

    bad = ~has_parts & ~serial_mask & ~missing & ~xl
    out = pd.Series(dates.to_numpy(), index=values.index, name=values.name).astype("datetime64[ns]")
    errs = _concat([
        _errors(values, bad, column=column, file=file, rule="not_a_date"),
        _errors(values, invalid, column=column, file=file, rule="invalid_date"),
        _errors(values, xl, column=column, file=file, rule="excel_error", severity="warning"),
    ])
    return ParseResult(out, errs)


# ---------------------------------------------------------------------------- codes and text
_CODE_SHAPES = {  # level -> (digit groups, example)
    "prov": ((2,), "65"),
    "kab": ((2, 2), "65.01"),
    "kec": ((2, 2, 2), "65.01.01"),
    "desa": ((2, 2, 2, 4), "65.01.01.2001"),
}


@_per_unique
def parse_code(values: pd.Series, *, column: str, file: str | None = None, level: str = "desa",
               dotted: bool = True) -> ParseResult:
    """Normalise Kemendagri codes of a given ``level`` ("prov", "kab", "kec", "desa").

    Accepts dotted ("65.01.01.2001"), undotted ("6501012001", as IDM uses), spaced or dashed
    forms and Excel float residue ("6501012001.0"). Returns dotted codes (``dotted=True``) or
    plain digits. Wrong digit counts are errors (rule ``bad_code``).

    >>> parse_code(pd.Series(["6501012001", "65.01.01.2001", "65 01 01 2001.0"]), column="kode",
    ...            level="desa").values.tolist()
    ['65.01.01.2001', '65.01.01.2001', '65.01.01.2001']
    """
    groups, example = _CODE_SHAPES[level]
    text = _as_text(values)
    missing = _missing(text)
    t = text.where(~missing).str.replace(r"\.0$", "", regex=True)
    digits = t.str.replace(r"[\s.\-/]", "", regex=True)
    n = sum(groups)
    good = digits.str.fullmatch(rf"\d{{{n}}}").fillna(False).astype(bool)
    # a dotted code must have its dots in the right places
    dotted_in = t.str.contains(".", regex=False).fillna(False).astype(bool) & \
        ~t.str.fullmatch(r"\d+\.0").fillna(False).astype(bool)
    pattern = r"\.".join(rf"\d{{{g}}}" for g in groups)
    good = good & (~dotted_in | t.str.fullmatch(pattern).fillna(False).astype(bool) |
                   t.str.fullmatch(rf"\d{{{n}}}").fillna(False).astype(bool))
    if dotted:
        starts = np.cumsum((0,) + groups[:-1])
        pieces = [digits.str.slice(int(s), int(s) + g) for s, g in zip(starts, groups)]
        out = pieces[0]
        for p in pieces[1:]:
            out = out + "." + p
    else:
        out = digits
    out = pd.Series(out.where(good).to_numpy(dtype=object), index=values.index, name=values.name)
    out = out.astype("string")
    bad = ~good & ~missing
    errs = _errors(values, bad, column=column, file=file, rule="bad_code")
    if len(errs):
        errs = errs.assign(rule=f"bad_code: expected a {level} code of {n} digits like {example!r}")
    return ParseResult(out, errs)


def parse_code_desa(values: pd.Series, *, column: str, file: str | None = None) -> ParseResult:
    """Village codes, dotted or not → dotted ``65.KK.CC.TNNN``.

    >>> parse_code_desa(pd.Series(["6504022001"]), column="kode_desa").values.tolist()
    ['65.04.02.2001']
    """
    return parse_code(values, column=column, file=file, level="desa")


@_per_unique
def parse_text(values: pd.Series, *, column: str, file: str | None = None) -> ParseResult:
    """Strip and collapse whitespace; empty and "-" cells become NA. Never fails.

    >>> parse_text(pd.Series(["  Bunyu   Barat ", "-"]), column="desa").values.tolist()
    ['Bunyu Barat', <NA>]
    """
    text = _as_text(values)
    missing = _missing(text) & ~text.str.lower().isin({"na"}).fillna(False)
    out = text.str.replace(r"\s+", " ", regex=True).where(~missing)
    return ParseResult(pd.Series(out.to_numpy(dtype=object), index=values.index, name=values.name).astype("string"))
