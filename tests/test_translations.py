"""An English build has English narrative: every markdown cell of every notebook has a current
translation, every computed sentence in a code cell is written in both languages
(``fmt.say(id=…, en=…)``), and the English texts hold no Indonesian sentence."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from kaltara_study.report import build
from kaltara_study.report.translate import (TranslationError, read_translations, refresh_translations,
                                            source_digest, translate_notebook, translation_path,
                                            translation_status)

PROJECT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((PROJECT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

#: Indonesian function words: a text holding one is an Indonesian sentence (proper names and the
#: administrative terms desa, kecamatan, kabupaten, kelurahan may appear in English text).
INDONESIAN = ("yang", "dan", "dengan", "untuk", "tidak", "belum", "dari", "pada", "adalah", "karena",
              "sehingga", "dapat", "hanya", "masih", "setiap", "atau", "ini", "itu", "tersebut", "oleh",
              "sebagai", "dalam", "bahwa", "akan", "juga", "telah", "sudah", "tetapi", "namun")
_ID_WORD = re.compile(r"(?<![\w-])(%s)(?![\w-])" % "|".join(INDONESIAN), re.IGNORECASE)


def indonesian_words(text: str) -> list[str]:
    return sorted({m.group(1).lower() for m in _ID_WORD.finditer(text)})


def _strings(node) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value if isinstance(v, ast.Constant) else " {} " for v in node.values)]
    return []


def hard_coded_sentences(source: str) -> list[str]:
    """Indonesian sentences in a code cell that are not the ``id=`` half of a ``say`` call."""
    tree = ast.parse(source)
    exempt: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "say":
            for kw in node.keywords:
                if kw.arg == "id":
                    exempt.update(id(n) for n in ast.walk(kw.value))
    parts = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    found = []
    for node in ast.walk(tree):
        if id(node) in exempt or id(node) in parts:
            continue
        for text in _strings(node):
            if indonesian_words(text):
                found.append(text[:80])
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_narrative_cell_has_a_current_english_translation(path):
    nb = nbformat.read(path, as_version=4)
    table = read_translations(translation_path(path, "en"))
    status = translation_status(nb, table, path.name)
    assert status.complete, status.line() + " (run `kaltara-study translations` and translate them)"
    leftovers = {cid: indonesian_words(text) for cid, (_, text) in table.items() if indonesian_words(text)}
    assert not leftovers, f"{path.name}: Indonesian words in the English narrative: {leftovers}"
    extra = set(table) - {c.get("id") for c in nb.cells if c.cell_type == "markdown"}
    assert not extra, f"{path.name}: translations of cells that no longer exist: {sorted(extra)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_computed_sentences_are_written_in_both_languages(path):
    nb = nbformat.read(path, as_version=4)
    found = {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "say":
                kws = {kw.arg for kw in node.keywords}
                assert kws == {"id", "en"}, f"{path.name} cell {i}: say() needs id= and en=, got {kws}"
                en = next(kw.value for kw in node.keywords if kw.arg == "en")
                words = [w for s in _strings(en) for w in indonesian_words(s)]
                assert not words, f"{path.name} cell {i}: the en= sentence holds Indonesian {words}"
        if hard := hard_coded_sentences(cell.source):
            found[i] = hard
    assert not found, (f"{path.name}: Indonesian sentences outside fmt.say(id=…, en=…) "
                       f"(an English build would show them): {found}")


def test_hard_coded_sentence_detector():
    assert hard_coded_sentences('Markdown(f"Ada {n} koperasi yang siap")') == ["Ada  {}  koperasi yang siap"]
    assert hard_coded_sentences('Markdown(fmt.say(id=f"Ada {n} koperasi yang siap", en=f"{n} are ready"))') == []
    assert hard_coded_sentences('show(t, caption=label("x", lang=lang))') == []


def _md_nb(*md: str):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "kaltara-study", "display_name": "k", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell('lang = "id"', metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_markdown_cell(m) for m in md]
    nb.cells.append(nbformat.v4.new_code_cell("print(lang)"))
    for i, c in enumerate(nb.cells):
        c["id"] = f"c{i}"
    return nb


def test_translation_replaces_current_cells_and_keeps_stale_ones(tmp_path):
    nb = _md_nb("## Kriteria per mitra", "Teks lama")
    table = {"c1": (source_digest("## Kriteria per mitra"), "## Criteria per partner"),
             "c2": ("000000000000", "Old text")}
    out, status = translate_notebook(nb, table, "x.ipynb")
    assert [c.source for c in out.cells if c.cell_type == "markdown"] == ["## Criteria per partner", "Teks lama"]
    assert status.current == ["c1"] and status.stale == ["c2"] and not status.missing
    assert nb.cells[1].source == "## Kriteria per mitra", "the notebook itself is not changed"


def test_refresh_keeps_current_texts_and_adds_new_cells(tmp_path):
    path = tmp_path / "01_x.ipynb"
    nbformat.write(_md_nb("## Satu", "Dua ''' kutip"), path)
    st = refresh_translations(path, "en")
    assert st.missing == ["c1", "c2"]
    tpath = translation_path(path, "en")
    text = tpath.read_text(encoding="utf-8").replace("text = '''\n'''", "text = '''\n## One\n'''", 1)
    tpath.write_text(text, encoding="utf-8")
    st = refresh_translations(path, "en")
    assert st.current == ["c1"] and st.missing == ["c2"]
    assert read_translations(tpath)["c1"] == (source_digest("## Satu"), "## One")


def test_malformed_translation_file_names_file_and_entry(tmp_path):
    bad = tmp_path / "02_y.toml"
    bad.write_text('[[cell]]\nid = "c1"\ntext = "x"\n', encoding="utf-8")
    with pytest.raises(TranslationError, match=r"02_y.toml: entry 1 .*source_sha"):
        read_translations(bad)
    bad.write_text("[[cell]\n", encoding="utf-8")
    with pytest.raises(TranslationError, match="not valid TOML"):
        read_translations(bad)


def test_english_build_executes_the_translated_narrative(tmp_path):
    path = tmp_path / "nb.ipynb"
    nbformat.write(_md_nb("## Satu"), path)
    tpath = translation_path(path, "en")
    tpath.parent.mkdir(parents=True)
    tpath.write_text(f'[[cell]]\nid = "c1"\nsource_sha = "{source_digest("## Satu")}"\ntext = "## One"\n',
                     encoding="utf-8")
    dest = tmp_path / "out" / "nb.ipynb"
    build.execute_notebook(path, dest, {"lang": "en"})
    executed = nbformat.read(dest, as_version=4)
    md = [c.source for c in executed.cells if c.cell_type == "markdown"]
    assert md == ["## One"] and executed.cells[-1].outputs[0]["text"] == "en\n"
    assert nbformat.read(path, as_version=4).cells[1].source == "## Satu"


def test_notebook_outline_gives_translated_titles(tmp_path):
    path = tmp_path / "01_x.ipynb"
    nbformat.write(_md_nb("# 01 — Satu", "## Dua"), path)
    tpath = translation_path(path, "en")
    tpath.parent.mkdir(parents=True)
    tpath.write_text(f'[[cell]]\nid = "c1"\nsource_sha = "{source_digest("# 01 — Satu")}"\ntext = "# 01 — One"\n',
                     encoding="utf-8")
    assert build.notebook_outline(tmp_path)["title"].tolist() == ["01 — Satu"]
    assert build.notebook_outline(tmp_path, lang="en")["title"].tolist() == ["01 — One"]
