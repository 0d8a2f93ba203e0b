"""One number formatter for every reader-facing output, chosen by ``lang``.

Indonesian (``lang="id"``, the default): thousands ``.``, decimals ``,`` (``1.234,5``), percent with a
space (``23 %``), money in words (``Rp 1,2 miliar``, ``Rp 850 juta``). English (``lang="en"``):
``1,234.5``, ``23%``, ``IDR 1.2 bn``, ``IDR 850 m``. p-values ``<0,001`` / ``<0.001`` and three
decimals otherwise; counts with intervals ``84 (70–95)``; a share with its base ``23 % (n = 411)``.
Missing values (None, NaN, pd.NA) print as an en dash.

Also :func:`scan_for_untranslated`, the check that an Indonesian output holds no label key,
snake_case code name or English word that has an Indonesian one.

>>> fmt = formatter("id")
>>> fmt.number(1234.5), fmt.percent(0.23), fmt.rupiah(1.2e9), fmt.rupiah(8.5e8)
('1.234,5', '23 %', 'Rp 1,2 miliar', 'Rp 850 juta')
>>> en = formatter("en")
>>> en.number(1234.5), en.percent(0.23), en.rupiah(1.2e9), en.pvalue(0.0004)
('1,234.5', '23%', 'IDR 1.2 bn', '<0.001')
"""

from __future__ import annotations

import html as _html
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from numbers import Number

from kaltara_study.report.labels import labels

__all__ = ["ENGLISH_WORDS", "KINDS", "NA_TEXT", "NumberFormat", "format_value", "formatter", "html_to_text",
           "scan_for_untranslated"]

#: What a missing value prints as.
NA_TEXT = "–"
#: Value kinds understood by :func:`format_value` (and ``display.show(formats=...)``).
KINDS = ("auto", "text", "integer", "number", "number1", "number2", "percent", "percent1", "rupiah",
         "rupiah_full", "pvalue", "index", "bool")

_MONEY_UNITS = {
    "id": ((1e12, "triliun"), (1e9, "miliar"), (1e6, "juta")),
    "en": ((1e12, "tn"), (1e9, "bn"), (1e6, "m")),
}


def _is_na(x) -> bool:
    if x is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(x)) if not isinstance(x, (list, tuple, dict, set)) else False
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True)
class NumberFormat:
    """The formatting rules of one language (``"id"`` or ``"en"``); get one with :func:`formatter`."""

    lang: str = "id"

    def __post_init__(self):
        if self.lang not in ("id", "en"):
            raise ValueError(f"lang must be 'id' or 'en', got {self.lang!r}")

    @property
    def thousands(self) -> str:
        return "." if self.lang == "id" else ","

    @property
    def decimal(self) -> str:
        return "," if self.lang == "id" else "."

    @property
    def currency(self) -> str:
        return "Rp" if self.lang == "id" else "IDR"

    def separators(self, text: str) -> str:
        """Python's ``1,234.5`` → this language's separators (``1.234,5`` in Indonesian)."""
        if self.lang == "en":
            return text
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")

    def number(self, x, decimals: int = 1) -> str:
        """``1234.5`` → ``1.234,5`` (id) / ``1,234.5`` (en); ``decimals`` fixed digits after the point."""
        if _is_na(x):
            return NA_TEXT
        x = float(x)
        if math.isinf(x):
            return "∞" if x > 0 else "−∞"
        text = f"{x:,.{decimals}f}"
        if text.startswith("-") and float(text.replace(",", "")) == 0:
            text = text[1:]                      # no "-0,0"
        return self.separators(text).replace("-", "−")

    def integer(self, x) -> str:
        """``1234`` → ``1.234`` / ``1,234`` (rounded half to even)."""
        return self.number(x, decimals=0)

    def percent(self, share, decimals: int = 0) -> str:
        """A share 0–1 as percent: ``0.23`` → ``23 %`` (id) / ``23%`` (en)."""
        if _is_na(share):
            return NA_TEXT
        sep = " " if self.lang == "id" else ""
        return f"{self.number(100 * float(share), decimals)}{sep}%"

    def rupiah(self, x, decimals: int = 1) -> str:
        """Money in words: ``Rp 1,2 miliar``, ``Rp 850 juta``, ``Rp 12.500`` (id); ``IDR 1.2 bn`` (en).

        Whole numbers drop their decimals (``Rp 850 juta``, not ``Rp 850,0 juta``)."""
        if _is_na(x):
            return NA_TEXT
        x = float(x)
        sign = "−" if x < 0 else ""
        a = abs(x)
        for size, unit in _MONEY_UNITS[self.lang]:
            if a >= size:
                v = round(a / size, decimals)
                d = 0 if v == int(v) else decimals
                return f"{sign}{self.currency} {self.number(v, d)} {unit}"
        return f"{sign}{self.currency} {self.integer(a)}"

    def rupiah_full(self, x) -> str:
        """Money in full: ``Rp 1.250.000`` / ``IDR 1,250,000``."""
        if _is_na(x):
            return NA_TEXT
        x = float(x)
        return f"{'−' if x < 0 else ''}{self.currency} {self.integer(abs(x))}"

    def pvalue(self, p) -> str:
        """``0.0004`` → ``<0,001`` / ``<0.001``; otherwise three decimals (``0,041``)."""
        if _is_na(p):
            return NA_TEXT
        p = float(p)
        if p < 0.001:
            return f"<{self.number(0.001, 3)}"
        return self.number(p, 3)

    def count_interval(self, n, low, high) -> str:
        """A count and its interval: ``84 (70–95)``; without bounds just the count."""
        if _is_na(n):
            return NA_TEXT
        if _is_na(low) or _is_na(high):
            return self.integer(n)
        return f"{self.integer(n)} ({self.integer(low)}–{self.integer(high)})"

    def share_n(self, share, n, decimals: int = 0) -> str:
        """A share with its base: ``23 % (n = 411)``."""
        if _is_na(share):
            return NA_TEXT
        return f"{self.percent(share, decimals)} (n = {self.integer(n)})"

    def boolean(self, x) -> str:
        """``True``/``False`` → ``Ya``/``Tidak`` (id), ``Yes``/``No`` (en)."""
        if _is_na(x):
            return NA_TEXT
        yes, no = ("Ya", "Tidak") if self.lang == "id" else ("Yes", "No")
        return yes if bool(x) else no

    def auto(self, x) -> str:
        """Guess from the value: bool → Ya/Tidak, int → integer, float → up to 2 decimals, else text."""
        if _is_na(x):
            return NA_TEXT
        if isinstance(x, bool) or type(x).__name__ == "bool_":
            return self.boolean(x)
        if isinstance(x, Number):
            xf = float(x)
            if xf == int(xf) and abs(xf) < 1e15:
                return self.integer(xf)
            return self.number(xf, 2 if abs(xf) < 100 else 1)
        return str(x)

    def say(self, *, id: str, en: str) -> str:  # noqa: A002 - the language code reads best here
        """The sentence in this formatter's language: a notebook's computed sentence is written in
        both languages next to the values it states.

        >>> formatter("en").say(id="Ada 3 koperasi.", en="There are 3 cooperatives.")
        'There are 3 cooperatives.'
        """
        return id if self.lang == "id" else en

    def format(self, x, kind: str = "auto") -> str:
        """Format ``x`` as ``kind`` (one of :data:`KINDS`)."""
        if kind in ("auto", None):
            return self.auto(x)
        if kind == "text":
            return NA_TEXT if _is_na(x) else str(x)
        if kind == "integer":
            return self.integer(x)
        if kind in ("number", "number1"):
            return self.number(x, 1)
        if kind == "number2":
            return self.number(x, 2)
        if kind == "percent":
            return self.percent(x, 0)
        if kind == "percent1":
            return self.percent(x, 1)
        if kind == "rupiah":
            return self.rupiah(x)
        if kind == "rupiah_full":
            return self.rupiah_full(x)
        if kind == "pvalue":
            return self.pvalue(x)
        if kind == "index":
            return self.number(x, 1)
        if kind == "bool":
            return self.boolean(x)
        raise ValueError(f"unknown format kind {kind!r}; use one of {', '.join(KINDS)}")


def formatter(lang: str = "id") -> NumberFormat:
    """The formatter of ``lang`` ("id" or "en")."""
    return NumberFormat(lang)


def format_value(x, kind: str = "auto", *, lang: str = "id") -> str:
    """Format one value; see :meth:`NumberFormat.format`.

    >>> format_value(0.041, "pvalue", lang="id"), format_value(84, lang="en")
    ('0,041', '84')
    """
    return NumberFormat(lang).format(x, kind)


# --------------------------------------------------------------------------- untranslated text
#: English words that have an Indonesian word and must not reach an Indonesian reader (whole
#: words; lower-case entries match any case, capitalised ones exactly).
ENGLISH_WORDS = (
    "kind", "rule", "ready", "nearly ready", "not ready", "not assessable", "provisional", "higher", "lower",
    "highly stable", "stable", "unstable", "required", "desirable", "True", "False", "None", "NaN", "nan",
    "missing", "share", "count", "segment", "segments", "partner", "partners", "verdict", "shortlist",
    "summary", "village", "villages", "district", "regency", "cooperative", "cooperatives", "score",
    "weight", "threshold", "yes", "no data", "unknown", "level", "potential", "high", "low", "medium",
    "very high", "very low", "pharmacy", "staples", "fuel", "households", "population", "members",
    "turnover", "assets", "capital", "index", "rank", "median rank", "figure", "table",
    "sheet", "source", "not assessed", "assessed", "reason", "criterion", "criteria", "blocked",
    "significant", "synthetic", "not study findings", "schematic", "road", "signal", "own", "rent",
    "borrowed", "all weather", "seasonal", "river only", "developing", "advanced", "independent",
    "disadvantaged", "very disadvantaged", "odds ratio", "coefficient", "std. error",
)
_FILE_EXT = r"(?:xlsx|csv|html|png|pdf|ipynb|json|toml|geojson|py|md|txt)"
_SNAKE = re.compile(r"(?<![\w./-])([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+)(?![\w-]|\.%s\b)" % _FILE_EXT)


def html_to_text(page: str) -> str:
    """The text a reader sees in an HTML page: tags, scripts, styles and comments removed, entities
    unescaped."""
    page = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", page)
    page = re.sub(r"(?s)<!--.*?-->", " ", page)
    page = re.sub(r"(?s)<[^>]+>", " ", page)
    return _html.unescape(page)


def scan_for_untranslated(text: str, *, lang: str = "id", words: Iterable[str] | None = None,
                          allow: Iterable[str] = ()) -> list[str]:
    """Everything in ``text`` a reader in ``lang`` should not meet, as a sorted list without duplicates.

    Found: snake_case code names (``segment_name``, ``debt_ratio`` — file names such as
    ``kaltara_study.xlsx`` are allowed), the keys of the label table that are code names, and, for
    ``lang="id"``, the English words of :data:`ENGLISH_WORDS` (or ``words``) as whole words
    (lower-case entries in any case, capitalised ones — ``True``, ``False`` — exactly). For
    ``lang="en"`` only code names and ``True``/``False``/``None``/``NaN``. ``allow`` lists strings
    to ignore (e.g. a proper name such as "Bank"). Plain text in, so pass HTML through
    :func:`html_to_text` first.

    >>> scan_for_untranslated("Status: ready, skor lebih higher; kolom debt_ratio", lang="id")
    ['debt_ratio', 'higher', 'ready']
    >>> scan_for_untranslated("Berkas kaltara_kopdes_study.xlsx siap", lang="id")
    []
    """
    allow = set(allow)
    found: set[str] = set()
    for m in _SNAKE.finditer(text):
        tok = m.group(1)
        if tok not in allow:
            found.add(tok)
    if lang == "id":
        vocab = list(words) if words is not None else list(ENGLISH_WORDS)
    else:
        vocab = ["True", "False", "None", "NaN"]
    for w in vocab:
        if w in allow:
            continue
        flags = 0 if w[:1].isupper() else re.IGNORECASE
        pattern = r"(?<![\w-])" + r"\s+".join(map(re.escape, w.split())) + r"(?![\w-])"
        if re.search(pattern, text, flags):
            found.add(w)
    # plain (no underscore) label keys that are code words, e.g. `members`, `value`
    if lang == "id":
        for k, entry in labels().items():
            if "_" in k or k in allow or k.lower() in _ID_WORDS or k.lower() == entry["id"].lower():
                continue
            if re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(k), text):
                found.add(k)
    return sorted(found)


#: plain label keys that are also Indonesian words (never flagged)
_ID_WORDS = {"desa", "kecamatan", "kabupaten", "jenis", "idm", "iks", "ike", "ikl", "n", "z"}
