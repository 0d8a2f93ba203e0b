"""The landing page ``reports/index.html`` (Indonesian first) and the print dressing of the report.

:func:`landing_page` is a pure function: a list of :class:`Entry` (title, path, description, kind,
group) in, one HTML string out, the same bytes for the same entries. The page leads: a "Mulai di
sini" box linking the report (``laporan.html``), the workbook next, then each notebook with its
title and one line, the figures grouped by the notebook that made them (with their titles), other
tables, and the provenance file.

:func:`dress_report` takes the HTML nbconvert wrote for the report notebook (``--no-input``) and
adds A4 print CSS and a table of contents built from its headings.

>>> html_ = landing_page([Entry("Laporan", "laporan.html", "Jawaban singkat", kind="report")], synthetic=True)
>>> "Mulai di sini" in html_ and "DATA SINTETIS" in html_
True
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kaltara_study.report.labels import label
from kaltara_study.report.labels import labels as _labels

__all__ = ["FIGURE_PREFIX_NOTEBOOK", "KINDS", "PRINT_CSS", "Entry", "build_entries", "dress_report", "figure_notebook",
           "figure_title", "landing_page"]

#: Entry kinds, in the order the page shows them.
KINDS = ("report", "workbook", "notebook", "figure", "table", "provenance")


@dataclass(frozen=True)
class Entry:
    """One link of the landing page.

    title : what the reader sees (already in the page's language).
    path : relative to the page (``laporan.html``, ``notebooks/03_explore.html``, ``figures/x.png``).
    description : one line under the title (optional for figures and tables).
    kind : one of :data:`KINDS`.
    group : for figures and tables, the path of the notebook entry that made them (its heading);
        figures without a known notebook go under "Gambar".
    pdf : optional PDF twin of a figure (a second link).
    """

    title: str
    path: str
    description: str = ""
    kind: str = "notebook"
    group: str | None = None
    pdf: str | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Entry kind must be one of {KINDS}, got {self.kind!r} for {self.path!r}")
        if not str(self.title).strip():
            raise ValueError(f"Entry {self.path!r} needs a title (readers never see bare file names)")


def _entry(e) -> Entry:
    if isinstance(e, Entry):
        return e
    if isinstance(e, Mapping):
        return Entry(**e)
    return Entry(*e)


_PAGE_CSS = """body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:64em;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.1em}h2{margin-top:1.6em;border-bottom:1px solid #ccc;padding-bottom:.2em}
.sub{color:#555;margin-top:0}
.synthetic{background:#fde0cf;border:2px solid #D55E00;padding:.6em;font-weight:bold}
.start{background:#e8f3fb;border:2px solid #0072B2;border-radius:6px;padding:1em 1.2em;margin:1.2em 0}
.start a.big{font-size:1.35em;font-weight:bold}
.workbook{border:1px solid #009E73;border-radius:6px;padding:.8em 1.2em;margin:1em 0}
ul.items{list-style:none;padding:0}ul.items li{margin:.5em 0}ul.items .d{color:#555;font-size:.92em}
ul.figs{display:flex;flex-wrap:wrap;gap:1em;list-style:none;padding:0}
ul.figs li{width:250px;font-size:.85em}ul.figs img{border:1px solid #ddd}
@media print{.start,.workbook{break-inside:avoid}}"""


def _a(path: str, text: str, cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    return f'<a{c} href="{html.escape(path, quote=True)}">{html.escape(text)}</a>'


def landing_page(entries: Iterable, *, synthetic: bool, lang: str = "id", title: str | None = None) -> str:
    """The landing page as an HTML string (deterministic: same entries → same text).

    ``entries``: :class:`Entry` objects, mappings with its fields, or ``(title, path, description,
    kind, group)`` tuples. Order within a kind is kept as given (pass notebooks in their number
    order). Raises ValueError for an unknown kind, an empty title, or a second report entry.
    """
    items = [_entry(e) for e in entries]
    by = {k: [e for e in items if e.kind == k] for k in KINDS}
    if len(by["report"]) > 1:
        raise ValueError("only one report entry (the 'Mulai di sini' link) is allowed")
    lab = lambda key: html.escape(label(key, lang=lang))  # noqa: E731
    parts = [f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{html.escape(title or label('lp_title', lang=lang))}</title>",
             f"<style>{_PAGE_CSS}</style></head><body>",
             f"<h1>{html.escape(title or label('lp_title', lang=lang))}</h1>",
             f'<p class="sub">{lab("lp_subtitle")}</p>',
             f'<p class="synthetic">{lab("lp_synthetic")}</p>' if synthetic else f'<p>{lab("lp_real")}</p>']
    for e in by["report"]:
        parts.append(f'<div class="start"><div>{lab("lp_start")}:</div>'
                     f'<div>{_a(e.path, e.title, "big")}</div>'
                     f'<div>{html.escape(e.description or label("lp_start_text", lang=lang))}</div></div>')
    for e in by["workbook"]:
        parts.append(f'<div class="workbook"><strong>{lab("lp_workbook")}:</strong> {_a(e.path, e.title)}'
                     f'<div>{html.escape(e.description or label("lp_workbook_text", lang=lang))}</div></div>')
    if by["notebook"]:
        parts.append(f'<h2>{lab("lp_notebooks")}</h2>\n<p class="sub">{lab("lp_notebooks_text")}</p>\n<ul class="items">')
        for e in by["notebook"]:
            d = f'<br><span class="d">{html.escape(e.description)}</span>' if e.description else ""
            parts.append(f"<li>{_a(e.path, e.title)}{d}</li>")
        parts.append("</ul>")
    if by["figure"]:
        parts.append(f'<h2>{lab("lp_figures")}</h2>')
        titles = {e.path: e.title for e in by["notebook"] + by["report"]}
        groups = list(dict.fromkeys(e.group if e.group in titles else None for e in by["figure"]))
        groups = [g for g in groups if g is not None] + ([None] if None in groups else [])
        order = {e.path: i for i, e in enumerate(by["notebook"] + by["report"])}
        groups.sort(key=lambda g: order.get(g, len(order)))
        for g in groups:
            figs = [e for e in by["figure"] if (e.group if e.group in titles else None) == g]
            parts.append(f"<h3>{html.escape(titles[g]) if g else lab('lp_figures')}</h3>\n<ul class=\"figs\">")
            for e in figs:
                pdf = f" ({_a(e.pdf, label('lp_pdf', lang=lang))})" if e.pdf else ""
                desc = f'<br><span class="d">{html.escape(e.description)}</span>' if e.description else ""
                parts.append(f'<li><a href="{html.escape(e.path, quote=True)}"><img src="{html.escape(e.path, quote=True)}" '
                             f'alt="{html.escape(e.title, quote=True)}" width="240" loading="lazy"></a>'
                             f"<br>{html.escape(e.title)}{pdf}{desc}</li>")
            parts.append("</ul>")
    if by["table"]:
        parts.append(f'<h2>{lab("lp_tables")}</h2>\n<ul class="items">')
        for e in by["table"]:
            d = f' — <span class="d">{html.escape(e.description)}</span>' if e.description else ""
            parts.append(f"<li>{_a(e.path, e.title)}{d}</li>")
        parts.append("</ul>")
    prov = by["provenance"] or [Entry("MANIFEST.json", "MANIFEST.json", label("lp_provenance_text", lang=lang),
                                      kind="provenance")]
    parts.append(f'<h2>{lab("lp_provenance")}</h2>\n<ul class="items">')
    parts.extend(f'<li>{_a(e.path, e.title)} — <span class="d">{html.escape(e.description)}</span></li>' for e in prov)
    parts.append("</ul>\n</body></html>\n")
    return "\n".join(parts)


# ------------------------------------------------------------------------ the printed report
#: A4 print rules for the report rendered with ``nbconvert --no-input``.
PRINT_CSS = """<style id="kaltara-print">
@page{size:A4;margin:18mm 16mm 20mm 16mm}
@media print{
  body{font-size:10.5pt;background:#fff}
  .jp-Notebook,.container{width:auto!important;max-width:none!important;padding:0!important}
  nav.kaltara-toc{break-after:page}
  h1,h2,h3{break-after:avoid}
  img,table,figure,.jp-OutputArea-output{break-inside:avoid;max-width:100%!important}
  a{color:inherit;text-decoration:none}
  .jp-InputPrompt,.jp-OutputPrompt{display:none!important}
}
nav.kaltara-toc{border:1px solid #ccc;padding:.6em 1.2em;margin:1em 0;font-family:'DejaVu Sans',Arial,sans-serif}
nav.kaltara-toc ol{margin:.3em 0}nav.kaltara-toc li.h3{margin-left:1.2em;font-size:.95em}
</style>"""

_HEADING = re.compile(r'<h([23])\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)


def dress_report(page: str, *, lang: str = "id") -> str:
    """The nbconvert HTML of the report with A4 print CSS and a table of contents (from its h2/h3
    headings that carry an ``id``, which nbconvert writes) inserted after the first ``<h1>``
    (else at the top of ``<body>``). Idempotent; deterministic."""
    if 'id="kaltara-print"' in page:
        return page
    toc_items = []
    for level, anchor, inner in _HEADING.findall(page):
        text = re.sub(r"<[^>]+>", "", inner).replace("¶", "").strip()
        if text:
            toc_items.append(f'<li class="h{level}"><a href="#{html.escape(anchor, quote=True)}">'
                             f"{html.escape(html.unescape(text))}</a></li>")
    toc = (f'<nav class="kaltara-toc"><strong>{html.escape(label("lp_toc", lang=lang))}</strong><ol>'
           + "".join(toc_items) + "</ol></nav>") if toc_items else ""
    page = page.replace("</head>", PRINT_CSS + "\n</head>", 1) if "</head>" in page else PRINT_CSS + page
    m = re.search(r"</h1>", page)
    if toc and m:
        return page[: m.end()] + "\n" + toc + page[m.end():]
    m = re.search(r"<body[^>]*>", page)
    if toc and m:
        return page[: m.end()] + "\n" + toc + page[m.end():]
    return page + toc


def notebook_entries(outline: Sequence[Mapping], *, folder: str = "notebooks") -> list[Entry]:
    """Entries from ``build.notebook_outline()`` rows (``notebook``/``title``/``purpose`` or
    ``description``): ``notebooks/<stem>.html``, title, one line."""
    out = []
    for row in outline:
        stem = str(row.get("notebook", row.get("stem", ""))).removesuffix(".ipynb")
        title = row.get("title") or stem
        desc = row.get("purpose") or row.get("description") or ""
        out.append(Entry(str(title), f"{folder}/{stem}.html", str(desc), kind="notebook"))
    return out


#: Which notebook made a figure, by the start of its file stem (first match wins).
FIGURE_PREFIX_NOTEBOOK = (("03_", "03_explore"), ("index_", "04_potential_index"), ("segment_", "05_segmentation"),
                          ("readiness_", "06_partner_readiness"), ("map_readiness", "06_partner_readiness"),
                          ("model_", "07_models"), ("report_", "08_report"), ("map_", "08_report"))


def figure_notebook(stem: str, notebooks: Sequence[str] = ()) -> str | None:
    """The notebook stem that made figure ``stem``: the one of ``notebooks`` whose number the stem
    starts with (``04_index_framework`` → ``04_…``), else by :data:`FIGURE_PREFIX_NOTEBOOK`, else None."""
    number = re.match(r"\d\d_", stem)
    if number:
        nb = next((nb for nb in notebooks if nb.startswith(number.group())), None)
        if nb:
            return nb
    return next((nb for prefix, nb in FIGURE_PREFIX_NOTEBOOK if stem.startswith(prefix)), None)


def figure_title(stem: str, *, lang: str = "id") -> str:
    """``fig_<stem>`` from the label table, or ``fig_<name>`` for a stem ``NN_<name>`` (the titles of
    figures that kept their name when the notebook number was put in front); an unknown stem comes
    back unchanged (a test holds every committed figure to a title)."""
    for key in (f"fig_{stem}", f"fig_{re.sub(r'^[0-9][0-9]_', '', stem)}"):
        if key in _labels():
            return label(key, lang=lang)
    return stem


def build_entries(*, notebooks: Sequence[str], figures: Sequence[str] = (), tables: Sequence[str] = (),
                  report: str | None = "laporan.html", workbook: str | None = None, lang: str = "id",
                  notebook_folder: str = "notebooks", figure_folder: str = "figures") -> list[Entry]:
    """Entries for :func:`landing_page` from file names, with titles from the label table.

    ``notebooks``: notebook stems (``03_explore``) in order; ``figures``: figure stems (PNG next to
    a PDF of the same stem); ``tables``: paths relative to the page; ``report``/``workbook``: paths
    relative to the page (None leaves them out).
    """
    out: list[Entry] = []
    if report:
        out.append(Entry(label("report_title", lang=lang), report, label("lp_start_text", lang=lang), kind="report"))
    if workbook:
        out.append(Entry(label("workbook_title", lang=lang), workbook, label("lp_workbook_text", lang=lang),
                         kind="workbook"))
    for nb in notebooks:
        title = label(f"nb_{nb}", lang=lang) if f"nb_{nb}" in _labels() else nb
        desc = label(f"nbd_{nb}", lang=lang) if f"nbd_{nb}" in _labels() else ""
        out.append(Entry(f"{nb[:2]} — {title}", f"{notebook_folder}/{nb}.html", desc, kind="notebook"))
    for stem in figures:
        nb = figure_notebook(stem, notebooks)
        out.append(Entry(figure_title(stem, lang=lang), f"{figure_folder}/{stem}.png", kind="figure",
                         group=f"{notebook_folder}/{nb}.html" if nb else None, pdf=f"{figure_folder}/{stem}.pdf"))
    for t in tables:
        name = t.rsplit("/", 1)[-1]
        out.append(Entry(name, t, kind="table"))
    return out
