"""What the office reads is Indonesian: the committed landing page, report and workbook hold no code
name (snake_case, label key) and none of the English words seen in earlier builds."""

from __future__ import annotations

import zipfile

import pytest

from kaltara_study.report.format import html_to_text, scan_for_untranslated

#: names that are Indonesian too, or proper names
ALLOW = {"Bank", "Telkomsel", "Pertamina", "Bulog", "Kimia Farma"}


@pytest.mark.parametrize("page", ["index.html", "laporan.html"])
def test_committed_pages_have_no_code_names_or_english(project, page):
    text = html_to_text((project / "reports" / page).read_text(encoding="utf-8"))
    assert len(text) > 500, f"{page} is nearly empty"
    found = scan_for_untranslated(text, lang="id", allow=ALLOW)
    assert not found, f"{page}: {found[:20]}"


def test_workbook_headers_and_sheet_names_are_indonesian(project):
    import openpyxl

    wb = openpyxl.load_workbook(project / "reports" / "tables" / "kaltara_kopdes_study.xlsx", read_only=True)
    names = " | ".join(wb.sheetnames)
    assert not scan_for_untranslated(names, lang="id", allow=ALLOW), names
    for ws in wb.worksheets:
        header = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
        text = " | ".join(str(v) for v in header if v is not None)
        found = scan_for_untranslated(text, lang="id", allow=ALLOW)
        assert not found, f"sheet {ws.title}: {found[:10]}"


def test_workbook_is_a_valid_zip(project):
    with zipfile.ZipFile(project / "reports" / "tables" / "kaltara_kopdes_study.xlsx") as zf:
        assert zf.testzip() is None


def test_committed_pages_are_titled_by_their_heading_not_their_file_name(project):
    """The browser tab and the printed header of each page show its title ("08 — Laporan: …"), never
    a file name such as 08_report."""
    import re

    pages = [project / "reports" / "laporan.html", *sorted((project / "reports" / "notebooks").glob("*.html"))]
    assert len(pages) >= 10
    for page in pages:
        title = re.search(r"<title>([^<]*)</title>", page.read_text(encoding="utf-8")).group(1)
        assert re.match(r"\d\d — \S", title) and "_" not in title, f"{page.name}: <title>{title}</title>"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_committed_figure_has_a_title_and_its_notebook_on_the_landing_page(project, lang):
    """The landing page lists each figure by its title under the notebook that drew it; a file
    stem there (``03_map_market_access``) is a code name the scan of words does not catch."""
    from kaltara_study.report.landing import figure_notebook, figure_title

    notebooks = sorted(p.stem for p in (project / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    stems = sorted(p.stem for p in (project / "reports" / "figures").glob("*.png"))
    assert stems
    assert [s for s in stems if figure_title(s, lang=lang) == s] == []
    assert [s for s in stems if figure_notebook(s, notebooks) != next(n for n in notebooks if n[:3] == s[:3])] == []
