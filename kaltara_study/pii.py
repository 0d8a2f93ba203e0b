"""Mask personal data in every value the package writes or echoes.

Personal data never leaves ``data/raw/``: the writers (:func:`kaltara_study.data.write.write_table`,
:func:`~kaltara_study.data.write.save_xlsx`, the parquet files of
:mod:`kaltara_study.data.processed`), the parsers' error tables, the validation report and the
error messages pass their text through :func:`scrub_text` / :func:`scrub_frame`.

What is masked (Indonesian forms):

- **NIK** (Nomor Induk Kependudukan): a run of exactly 16 digits, also written in groups
  ("6501 0123 4567 8901", "6501.0123.4567.8901") → ``[NIK]``;
- **phone numbers**: ``08…``, ``62 8…``, ``+62 8…`` with 9–13 digits in all, with spaces, dots,
  dashes or parentheses between groups ("0812-3456-7890", "+62 812 3456 7890", "(0812) 345 678")
  → ``[TELEPON]``;
- **e-mail addresses** → ``[EMAIL]``;
- **names after a title** in free text: Pak, Bu, Bapak, Ibu, Bpk., Sdr., Sdri., Saudara, Saudari,
  H./Hj. followed by up to three name words ("kontak Pak Budi Santoso") → the title is kept,
  the name becomes ``[NAMA]``.

Not masked (tested): Kemendagri village codes (``65.01.01.2001`` and the 10 digits
``6501012001``), kecamatan/kabupaten codes, BPS codes (4/7/10 digits), SIMKOPDES ids (5–6
digits), cooperative ids (``KDMP-6501012001-1``), years, amounts ("Rp 1.250.000"), dates.

The scrubber is deliberately greedy on the two weak forms (a title followed by a word is masked
even when the word is not a name): a masked word costs nothing, a leaked name cannot be taken back.
The one exception is "Ibu Kota" (capital city), a common phrase of Indonesian tables and labels.

>>> scrub_text("Jarak ke Ibu Kota Kabupaten (km)")
'Jarak ke Ibu Kota Kabupaten (km)'


>>> scrub_text("kontak Pak Budi Santoso 0812-3456-7890, NIK 6501012345678901")
'kontak Pak [NAMA] [TELEPON], NIK [NIK]'
>>> scrub_text("desa 6501012001 (65.01.01.2001), SIMKOPDES 52976")
'desa 6501012001 (65.01.01.2001), SIMKOPDES 52976'
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["MASKS", "contains_pii", "find_pii", "scrub_frame", "scrub_series", "scrub_text", "scrub_value"]

MASKS = {"nik": "[NIK]", "phone": "[TELEPON]", "email": "[EMAIL]", "name": "[NAMA]"}

_SEP = r"[ \t.\-/()]{0,3}"
# the e-mail first (its digits must not be read as a phone)
_RE_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# digit runs with separators: decided by their digit count and prefix in _digits_repl. A run that
# goes on with ",5" or ".5" is the integer part of a decimal number and left alone — unless it starts
# with 0 or + (no number is written so): "0812345678,25" in a CSV line is a phone and a comma.
# A NIK (16 digits) or a mobile number (08…, 62 8…, +62 8…) is masked wherever it stands, also glued
# to a comma, as in a CSV row that reached a message ("6501…0164,6501012001,Kabupaten …");
# only a preceding "." keeps a run of digits (the decimals of 117.1234567890123456). The other forms
# keep the guards that tell them from quantities (1.250.000, 0,8123456789).
_RE_DIGITS = re.compile(r"(?<![\d.])\d{16}(?!\d)"
                        r"|(?<![\d.])(?:\+?62|0)[ \t.\-/()]{0,3}8(?:[ \t.\-/()]{0,3}\d){7,11}(?!\d)"
                        r"|(?<![\d.,])(?:\(?0\d(?:[ \t.\-/()]{0,3}\d){7,17}(?!\d)"
                        r"|\+\(?\d(?:[ \t.\-/()]{0,3}\d){8,18}(?!\d)"
                        r"|\(?\d(?:[ \t.\-/()]{0,3}\d){8,18}(?!\d|[.,]\d))")
_TITLES = (r"bapak|bpk\.?|pak|ibu|bu|sdr\.?|sdri\.?|saudara|saudari|sdra\.?|hj\.?|h\.|tn\.|ny\.|nn\.|"
           r"mr\.?|mrs\.?|ms\.?")
# name words: letters (with ' and -), optionally a trailing dot for initials; at most three
_NAME_WORD = r"[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F'\-]*\.?"
_STOP = {"dan", "di", "ke", "dari", "yang", "no", "hp", "telp", "tel", "wa", "kontak", "email", "e-mail", "nik",
         "selaku", "sebagai", "atau", "untuk", "dengan", "the", "and", "or", "via", "nomor", "no.", "hp.", "telp."}
_TITLE_WORDS = ("bapak", "bpk", "pak", "ibu", "bu", "sdr", "sdri", "sdra", "saudara", "saudari", "hj", "h", "tn",
                "ny", "nn", "mr", "mrs", "ms")
_NOT_NAME = "|".join(re.escape(w) for w in sorted({w.rstrip(".") for w in _STOP} | set(_TITLE_WORDS),
                                                     key=len, reverse=True))
# a name word is neither a stop word nor a title ("Bu Ani dan Bapak H. Rahmat": two names)
_WORD = rf"(?!(?:{_NOT_NAME})\b)" + _NAME_WORD
# "Ibu Kota" (capital city) and "Ibu Kota Kabupaten/Provinsi/Negara" are not a title and a name
_NOT_AFTER_TITLE = r"(?!(?:kota|ibukota|kabupaten|provinsi|negara)\b)"
_RE_NAME = re.compile(rf"(?i)(?<![\w])(?P<title>{_TITLES})(?P<gap>\s+){_NOT_AFTER_TITLE}"
                      rf"(?P<name>{_WORD}(?:\s+{_WORD}){{0,2}})")
# quick pre-filter: only strings with one of these can hold personal data
_RE_MAYBE = re.compile(rf"@|\d[\d \t.\-/()]{{7,}}\d|(?i:(?<![\w])(?:{_TITLES})\s+[A-Za-z\u00C0-\u024F])")


def _digits_repl(m: re.Match) -> str:
    text = m.group(0)
    digits = re.sub(r"\D", "", text)
    n = len(digits)
    plus = text.lstrip("(").startswith("+")
    if re.fullmatch(r"\d{1,3}[.,]\d+", text):
        return text  # a decimal number (0.8123456789), not an identifier
    if n == 16 and not plus:
        return MASKS["nik"]
    if not 9 <= n <= 14:
        return text
    if digits.startswith("08") or (plus and digits.startswith("62")) or (digits.startswith("628") and n >= 11):
        return MASKS["phone"]  # mobile: 08…, 62 8…, +62 …
    if digits.startswith("0") and digits[1] != "0" and n >= 9 and not re.search(r"\d{1,3}(?:\.\d{3})+$", text):
        return MASKS["phone"]  # landline with its area code, e.g. 0552-21234
    if text.isdigit() and digits.startswith("8") and 11 <= n <= 12 and digits[1] in "1235789":
        # a mobile number whose leading 0 Excel dropped (10-digit codes, e.g. Maluku's 81…, are kept)
        return MASKS["phone"]
    return text


def _name_repl(m: re.Match) -> str:
    words = m.group("name").split()
    k = 0
    while k < len(words) and words[k].lower().rstrip(".") not in _STOP and words[k].lower() not in _STOP:
        k += 1
    if k == 0:
        return m.group(0)
    # the words after a stop word are scanned again ("Bu Ani dan Bapak H. Rahmat": "Bapak" opens a name)
    tail = (" " + _RE_NAME.sub(_name_repl, " ".join(words[k:]))) if k < len(words) else ""
    return f"{m.group('title')}{m.group('gap')}{MASKS['name']}{tail}"


def scrub_text(text: str) -> str:
    """Mask NIKs, phone numbers, e-mail addresses and names after titles in ``text``.

    >>> scrub_text("Hubungi Ibu Siti (siti.aminah@gmail.com, +62 813 4567 8901)")
    'Hubungi Ibu [NAMA] ([EMAIL], [TELEPON])'
    >>> scrub_text("KDMP-6501012001-1 modal Rp 1.250.000, 12 Agustus 2025")
    'KDMP-6501012001-1 modal Rp 1.250.000, 12 Agustus 2025'
    """
    if not isinstance(text, str):
        text = str(text)
    if not _RE_MAYBE.search(text):
        return text
    out = _RE_EMAIL.sub(MASKS["email"], text)
    out = _RE_DIGITS.sub(_digits_repl, out)
    out = _RE_NAME.sub(_name_repl, out)
    return out


def scrub_value(value: object) -> object:
    """:func:`scrub_text` for str cells; bare integers of NIK or phone shape are masked too
    (a phone typed into a number column arrives as 81234567890); other values unchanged.

    >>> scrub_value(6501012345678901), scrub_value(52976), scrub_value(None)
    ('[NIK]', 52976, None)
    """
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        s = str(int(value))
        out = scrub_text(s)
        return value if out == s else out
    if isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer() \
            and abs(value) >= 1e8:
        s = str(int(value))
        out = scrub_text(s)
        return value if out == s else out
    return value


def find_pii(text: str) -> list[str]:
    """The personal-data kinds found in ``text`` (``"nik"``, ``"phone"``, ``"email"``, ``"name"``).

    >>> find_pii("Pak Ahmad 081234567890")
    ['phone', 'name']
    """
    found = []
    scrubbed = scrub_text(text)
    for kind in ("nik", "phone", "email", "name"):
        if MASKS[kind] in scrubbed and scrubbed.count(MASKS[kind]) > text.count(MASKS[kind]):
            found.append(kind)
    return found


def contains_pii(text: str) -> bool:
    """True when :func:`scrub_text` would change ``text``.

    >>> contains_pii("65.01.01.2001"), contains_pii("0812 3456 7890")
    (False, True)
    """
    return scrub_text(text) != text


def scrub_series(values: pd.Series) -> pd.Series:
    """Scrub a Series: text cells through :func:`scrub_text` (once per distinct value), integer
    cells of NIK/phone shape masked (the column becomes object then). Returns a new Series, or
    ``values`` itself when nothing changes.

    >>> scrub_series(pd.Series(["Pak Budi", None, "KOP-1"], dtype=object)).tolist()
    ['Pak [NAMA]', None, 'KOP-1']
    """
    if isinstance(values, pd.DataFrame):
        return scrub_frame(values)
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype) \
            or isinstance(dtype, pd.CategoricalDtype) and not len(values):
        return values
    if isinstance(dtype, pd.CategoricalDtype):
        cats = values.cat.categories
        new = pd.Index([scrub_value(c) for c in cats])
        if new.equals(cats):
            return values
        return values.astype(object).map(lambda v: scrub_value(v) if v is not None and not _isna(v) else v)
    if pd.api.types.is_numeric_dtype(dtype):
        arr = values.to_numpy(dtype=float, na_value=np.nan) if not pd.api.types.is_float_dtype(dtype) \
            else values.to_numpy(dtype=float)
        big = np.isfinite(arr) & (np.abs(arr) >= 1e8)
        if not big.any():
            return values
        cand = values[big]
        new = cand.astype(object).map(scrub_value)
        changed = new.map(lambda v: isinstance(v, str))
        if not changed.any():
            return values
        out = values.astype(object).copy()
        out[changed[changed].index] = new[changed]
        return out
    # object / string
    obj = values.astype(object)
    codes, uniq = pd.factorize(obj, use_na_sentinel=True)
    if not len(uniq):
        return values
    uniq_s = pd.Series(np.asarray(uniq, dtype=object))
    is_str = uniq_s.map(lambda v: isinstance(v, str)).to_numpy()
    maybe = np.zeros(len(uniq_s), dtype=bool)
    if is_str.any():
        strs = uniq_s[is_str].astype(str)
        maybe[is_str] = strs.str.contains(_RE_MAYBE, regex=True).to_numpy()
    others = ~is_str
    if not maybe.any() and not others.any():
        return values
    new_u = uniq_s.copy()
    changed = np.zeros(len(uniq_s), dtype=bool)
    for i in np.flatnonzero(maybe | others):
        v = uniq_s.iat[i]
        nv = scrub_value(v)
        if nv is not v and nv != v:
            new_u.iat[i] = nv
            changed[i] = True
    if not changed.any():
        return values
    hit = (codes >= 0) & changed[np.maximum(codes, 0)]
    out_arr = obj.to_numpy(dtype=object).copy()
    out_arr[hit] = new_u.to_numpy(dtype=object)[codes[hit]]
    out = pd.Series(out_arr, index=values.index, name=values.name, dtype=object)
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        out = out.astype(dtype)
    return out


def _isna(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def scrub_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every cell and every column name scrubbed (see module docstring).

    Dtypes are kept except where an integer column held a NIK/phone (then object with the mask).
    Returns the input object itself when nothing needs masking (no copy of a clean table).

    >>> f = pd.DataFrame({"catatan": ["kontak Bu Ani 0813 1111 2222"], "kode": ["6501012001"]})
    >>> scrub_frame(f).iloc[0].tolist()
    ['kontak Bu [NAMA] [TELEPON]', '6501012001']
    """
    new_cols = {}
    for j, col in enumerate(frame.columns):
        s = frame.iloc[:, j]
        t = scrub_series(s)
        if t is not s:
            new_cols[j] = t
    names = [scrub_value(c) if isinstance(c, str) else c for c in frame.columns]
    renamed = names != list(frame.columns)
    if not new_cols and not renamed:
        return frame
    out = frame.copy()
    for j, t in new_cols.items():
        out.isetitem(j, t.to_numpy() if not isinstance(t.dtype, pd.api.extensions.ExtensionDtype) else t.array)
    if renamed:
        out.columns = names
    index = out.index
    if pd.api.types.is_object_dtype(index.dtype) or pd.api.types.is_string_dtype(index.dtype):
        out.index = pd.Index([scrub_value(v) for v in index], name=index.name)
    return out
