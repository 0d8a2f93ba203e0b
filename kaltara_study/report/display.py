"""One display helper for every table a reader meets in a notebook.

:func:`show` returns a :class:`Table` that renders as HTML (``_repr_html_``) and as plain text
(``__str__`` / ``_repr_pretty_``): headers through the label table, code values (verdicts,
partners, IDM status, booleans, …) through :func:`kaltara_study.report.labels.value_label`, numbers
through the one formatter of :mod:`kaltara_study.report.format`, a caption, and **no truncation**
unless ``max_rows`` says so (then the table says how many rows it shows). The HTML holds no ids or
random attributes, so committed notebook outputs are stable under nbval.

>>> t = show(pd.DataFrame({"nama_kabkota": ["Nunukan"], "members": [1234]}), lang="id", caption="Contoh")
>>> print(t)
Contoh
Nama kabupaten/kota | Jumlah anggota
Nunukan             |          1.234
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import numpy as np
import pandas as pd

from kaltara_study.report.format import KINDS, NumberFormat
from kaltara_study.report.labels import label, labels, translate_values

__all__ = ["Table", "column_kind", "show"]

_CSS = ("<style>table.kaltara{border-collapse:collapse;font-size:0.9em;margin:0.4em 0}"
        "table.kaltara caption{caption-side:top;text-align:left;font-weight:bold;padding:0.3em 0}"
        "table.kaltara th{background:#f2f2f2;border-bottom:1px solid #888;padding:0.25em 0.6em;text-align:left}"
        "table.kaltara td{border-bottom:1px solid #ddd;padding:0.2em 0.6em}"
        "table.kaltara td.num,table.kaltara th.num{text-align:right}"
        "p.kaltara-note{font-size:0.85em;color:#555;margin:0}</style>")


def column_kind(name: str, series: pd.Series) -> str:
    """The format kind guessed from a column's name and dtype (see :data:`format.KINDS`).

    ``*_rp`` → rupiah; ``p_value``/``p_adj``/``*_p`` → pvalue; ``share*``/``*_share``/``p_ready*``
    → percent; integers → integer; ``index``/``idm`` scores and other floats → 1–2 decimals;
    booleans → Ya/Tidak; everything else text.
    """
    n = str(name).lower()
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    if not pd.api.types.is_numeric_dtype(series):
        return "text"
    if n.endswith("_rp") or n.endswith("rupiah"):
        return "rupiah"
    if n in ("p", "p_value", "pvalue", "p_adj", "p-value") or n.endswith("_p") or n.startswith("p_value"):
        return "pvalue"
    if "share" in n or n.startswith("p_ready") or n.startswith("prob") or n.endswith("_pct01"):
        return "percent"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    vals = pd.to_numeric(series, errors="coerce").dropna().to_numpy(dtype=float)
    if len(vals) and np.all(vals == np.round(vals)) and np.all(np.abs(vals) < 1e15):
        return "integer"
    if n in ("index", "idm", "iks", "ike", "ikl") or (len(vals) and np.nanmax(np.abs(vals)) >= 100):
        return "number1"
    return "number2"


class Table:
    """A formatted table (all cells already strings) with a caption; see :func:`show`."""

    def __init__(self, header: list[str], rows: list[list[str]], numeric: list[bool], *, caption: str,
                 note: str = "", index_name: str | None = None):
        self.header, self.rows, self.numeric = header, rows, numeric
        self.caption, self.note, self.index_name = caption, note, index_name

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.header)

    def to_frame(self) -> pd.DataFrame:
        """The displayed cells as a DataFrame of strings (what the reader sees)."""
        return pd.DataFrame(self.rows, columns=self.header)

    def _repr_html_(self) -> str:
        esc = html.escape
        cls = [' class="num"' if num else "" for num in self.numeric]
        head = "".join(f"<th{c}>{esc(h)}</th>" for h, c in zip(self.header, cls, strict=True))
        body = "\n".join("<tr>" + "".join(f"<td{c}>{esc(v)}</td>" for v, c in zip(r, cls, strict=True)) + "</tr>"
                         for r in self.rows)
        note = f'\n<p class="kaltara-note">{esc(self.note)}</p>' if self.note else ""
        return (f'{_CSS}<table class="kaltara">\n<caption>{esc(self.caption)}</caption>\n'
                f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table>{note}")

    def __str__(self) -> str:
        widths = [max([len(h)] + [len(r[j]) for r in self.rows]) for j, h in enumerate(self.header)]

        def line(cells):
            return " | ".join(c.rjust(w) if num else c.ljust(w)
                              for c, w, num in zip(cells, widths, self.numeric, strict=True)).rstrip()

        out = [self.caption] if self.caption else []
        out.append(line(self.header))
        out.extend(line(r) for r in self.rows)
        if self.note:
            out.append(self.note)
        return "\n".join(out)

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, p, cycle):  # IPython's plain-text repr
        p.text(str(self))


def show(df: pd.DataFrame, *, lang: str = "id", caption: str, formats: Mapping[str, str] | None = None,
         max_rows: int | None = None, index: bool | None = None, translate: bool = True) -> Table:
    """``df`` as a reader's table: labelled headers, translated codes, formatted numbers, a caption.

    Parameters
    ----------
    df : DataFrame with code column names (``nama_kabkota``, ``p_ready_bulog``, …); not changed.
    lang : "id" (default) or "en".
    caption : the table's title, already in ``lang`` (e.g. ``label("…", lang=lang)``).
    formats : column → kind (one of :data:`kaltara_study.report.format.KINDS`: ``"percent"``,
        ``"rupiah"``, ``"pvalue"``, ``"integer"``, ``"number1"``, ``"number2"``, ``"text"``, …);
        columns not named are guessed by :func:`column_kind`.
    max_rows : show at most this many rows (the note says "x dari n baris ditampilkan"); default
        all rows — tables meant to be read are never truncated.
    index : show the index as the first column (default: when it is not a plain RangeIndex).
    translate : replace code values through the label table (default True).
    """
    if lang not in ("id", "en"):
        raise ValueError(f"lang must be 'id' or 'en', got {lang!r}")
    formats = dict(formats or {})
    bad = {k: v for k, v in formats.items() if v not in KINDS}
    if bad:
        raise ValueError(f"unknown format kinds {bad}; use one of {', '.join(KINDS)}")
    d = df
    if index is None:
        index = not (isinstance(d.index, pd.RangeIndex) and d.index.name is None)
    if index:
        d = d.reset_index()
    d = d.copy()
    d.columns = [str(c) for c in d.columns]
    n = len(d)
    note = ""
    if max_rows is not None and n > max_rows:
        d = d.iloc[:max_rows]
        note = label("rows_shown", lang=lang, shown=max_rows, n=NumberFormat(lang).integer(n))
    kinds = {c: formats.get(c) or column_kind(c, d[c]) for c in d.columns}
    text_cols = [c for c in d.columns if kinds[c] == "text"]
    if translate and text_cols:
        d = translate_values(d, lang=lang, columns=text_cols)
    fmt = NumberFormat(lang)
    rows = [[fmt.format(v, kinds[c]) for c, v in zip(d.columns, r, strict=True)]
            for r in d.itertuples(index=False, name=None)]
    table = labels()
    # a plain column name that is also a word (``group``, ``level``) has its header under ``col_<name>``
    header = [label(c, lang=lang) if c in table else label(f"col_{c}", lang=lang) if f"col_{c}" in table
              else c for c in d.columns]
    numeric = [kinds[c] not in ("text", "bool") for c in d.columns]
    if not rows:
        note = (note + " " if note else "") + label("display_no_rows", lang=lang)
    return Table(header, rows, numeric, caption=caption, note=note)
