"""The landing page and the dressed report (issue 14)."""

from __future__ import annotations

import re

import pytest

from kaltara_study.report.format import html_to_text, scan_for_untranslated
from kaltara_study.report.landing import Entry, build_entries, dress_report, figure_notebook, landing_page

NOTEBOOKS = ["00_overview", "01_ingest_validate", "02_clean_harmonise", "03_explore", "04_potential_index",
             "05_segmentation", "06_partner_readiness", "07_models", "08_report"]
FIGURES = ["03_missingness", "segment_profiles", "index_framework", "readiness_matrix", "report_map_index"]


@pytest.fixture
def entries():
    return build_entries(notebooks=NOTEBOOKS, figures=FIGURES, workbook="tables/kaltara_kopdes_study.xlsx",
                         tables=["tables/readiness_assessment.csv"])


def test_start_here_then_workbook_then_notebooks(entries):
    page = landing_page(entries, synthetic=False)
    i_start, i_wb, i_nb = page.index("Mulai di sini"), page.index("kaltara_kopdes_study.xlsx"), page.index("notebooks/00_overview.html")
    assert i_start < i_wb < i_nb
    assert page.index('href="laporan.html"') < i_wb
    assert '<html lang="id">' in page and "DATA SINTETIS" not in page
    for nb in NOTEBOOKS:                                       # every notebook with a title and one line
        e = next(x for x in entries if x.path == f"notebooks/{nb}.html")
        assert e.title in page and e.description and e.description in page


def test_figures_grouped_under_their_notebook_with_titles(entries):
    page = landing_page(entries, synthetic=True)
    assert "DATA SINTETIS" in page
    h3 = re.findall(r"<h3>(.*?)</h3>", page)
    assert h3 == ["03 — Eksplorasi data", "04 — Indeks potensi ekonomi", "05 — Segmentasi koperasi",
                  "06 — Kesiapan bermitra", "08 — Laporan kajian"]
    seg = page.split("<h3>05 — Segmentasi koperasi</h3>")[1].split("<h3>")[0]
    assert "figures/segment_profiles.png" in seg and "Profil segmen" in seg and "figures/segment_profiles.pdf" in seg
    assert figure_notebook("map_readiness_bank_desa") == "06_partner_readiness"


def test_indonesian_page_has_no_english_or_code_names(entries):
    page = landing_page(entries, synthetic=True)
    assert scan_for_untranslated(html_to_text(page), lang="id") == []
    en = landing_page(build_entries(notebooks=NOTEBOOKS, figures=FIGURES, lang="en"), synthetic=True, lang="en")
    assert "Start here" in en and "SYNTHETIC DATA" in en and '<html lang="en">' in en


def test_deterministic_pure_and_validated(entries):
    assert landing_page(entries, synthetic=True) == landing_page(list(entries), synthetic=True)
    tuples = landing_page([("Laporan", "laporan.html", "x", "report")], synthetic=False)
    assert "laporan.html" in tuples
    with pytest.raises(ValueError, match="kind"):
        Entry("A", "a.html", kind="page")
    with pytest.raises(ValueError, match="title"):
        Entry(" ", "a.html")
    with pytest.raises(ValueError, match="only one report"):
        landing_page([Entry("A", "a.html", kind="report"), Entry("B", "b.html", kind="report")], synthetic=False)
    page = landing_page([Entry("A <b>", "a&b.html", "x<y")], synthetic=False)
    assert "A &lt;b&gt;" in page and 'href="a&amp;b.html"' in page


def test_dress_report_adds_a4_css_and_toc():
    page = ('<html><head><title>t</title></head><body><h1 id="Laporan">Laporan</h1>'
            '<h2 id="Jawaban">Jawaban<a class="anchor-link" href="#Jawaban">¶</a></h2><p>x</p>'
            '<h3 id="Per-kabupaten">Per kabupaten</h3></body></html>')
    out = dress_report(page)
    assert "size:A4" in out and out.index("kaltara-print") < out.index("</head>")
    toc = re.search(r'<nav class="kaltara-toc">.*?</nav>', out).group(0)
    assert "Daftar isi" in toc and 'href="#Jawaban"' in toc and 'href="#Per-kabupaten"' in toc and "¶" not in toc
    assert out.index("</h1>") < out.index("kaltara-toc\"><strong>")
    assert dress_report(out) == out
