"""The notebooks' narrative in another language: one translation file per notebook and language.

The notebooks are written in Indonesian. Their fixed narrative (the markdown cells) is translated in
``notebooks/translations/<lang>/<notebook>.toml``, one ``[[cell]]`` entry per markdown cell::

    [[cell]]
    id = "cell-04"            # the cell's id in the notebook
    source_sha = "3f2a…"      # first 12 hex digits of sha256 of the Indonesian text it translates
    text = '''
    ## Criteria per partner
    …'''

A build with ``lang="en"`` executes a copy of each notebook whose markdown cells carry the English
text; the committed notebooks stay Indonesian. An entry is *current* when its ``source_sha`` matches
the Indonesian cell today; when someone edits the Indonesian text the entry becomes *stale* and the
build keeps the Indonesian cell (and says so) until the translation is updated. Computed sentences
live in code cells and are bilingual there (``fmt.say(id=…, en=…)``), next to the values they state.

``kaltara-study translations`` refreshes the files: it keeps every current text, adds an empty entry
(with the Indonesian as a comment) for a new or edited cell, and prints what is left to translate.

This module belongs to the report layer: it reads and writes the translation files and changes
notebooks in memory; it imports nothing of the study's methods.
"""

from __future__ import annotations

import copy
import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from kaltara_study.errors import KaltaraError

__all__ = ["TranslationError", "TranslationStatus", "source_digest", "translation_path", "read_translations",
           "translate_notebook", "translated", "refresh_translations", "translation_status"]

FOLDER = "translations"


class TranslationError(KaltaraError):
    """A translation file that cannot be read: names the file, the entry and what to fix."""


def source_digest(text: str) -> str:
    """First 12 hex digits of sha256 of ``text`` (the Indonesian source a translation belongs to).

    >>> source_digest("## Kriteria per mitra")
    '25d7fd404baf'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def translation_path(notebook: Path, lang: str) -> Path:
    """Where the ``lang`` translation of ``notebook`` lives (``notebooks/translations/<lang>/<stem>.toml``)."""
    return notebook.parent / FOLDER / lang / f"{notebook.stem}.toml"


def read_translations(path: Path) -> dict[str, tuple[str, str]]:
    """``{cell id: (source_sha, text)}`` from one translation file ({} when it does not exist).

    Raises :class:`TranslationError` naming the file and entry for a malformed file."""
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TranslationError(f"{path.name}: not valid TOML ({exc}); fix the file or run "
                               "`kaltara-study translations` to rewrite it") from None
    out: dict[str, tuple[str, str]] = {}
    for i, entry in enumerate(data.get("cell", []), start=1):
        missing = [k for k in ("id", "source_sha", "text") if not isinstance(entry.get(k), str)]
        if missing:
            raise TranslationError(f"{path.name}: entry {i} ([[cell]]) lacks {', '.join(missing)} "
                                   "(each entry needs id, source_sha and text as strings)")
        if entry["id"] in out:
            raise TranslationError(f"{path.name}: entry {i}: cell id {entry['id']!r} appears twice")
        out[entry["id"]] = (entry["source_sha"], entry["text"].strip("\n"))
    return out


@dataclass
class TranslationStatus:
    """How complete one notebook's translation is: cell ids that are current, stale or missing."""

    notebook: str
    current: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.stale and not self.missing

    def line(self) -> str:
        n = len(self.current) + len(self.stale) + len(self.missing)
        text = f"{self.notebook}: {len(self.current)}/{n} narrative cells translated"
        if self.stale:
            text += f"; stale (the Indonesian changed): {', '.join(self.stale)}"
        if self.missing:
            text += f"; not translated: {', '.join(self.missing)}"
        return text


def _markdown_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "markdown"]


def translation_status(nb, table: dict[str, tuple[str, str]], name: str = "") -> TranslationStatus:
    """Compare a notebook's markdown cells with its translation table."""
    status = TranslationStatus(name)
    for cell in _markdown_cells(nb):
        entry = table.get(cell.get("id"))
        if entry is None or not entry[1].strip():
            status.missing.append(cell.get("id"))
        elif entry[0] != source_digest(cell.source):
            status.stale.append(cell.get("id"))
        else:
            status.current.append(cell.get("id"))
    return status


def translate_notebook(nb, table: dict[str, tuple[str, str]], name: str = ""):
    """A copy of ``nb`` whose markdown cells carry their current translation; with its status.

    Cells without a current translation keep their Indonesian text."""
    out = copy.deepcopy(nb)
    status = translation_status(out, table, name)
    current = set(status.current)
    for cell in _markdown_cells(out):
        if cell.get("id") in current:
            cell.source = table[cell["id"]][1]
    return out, status


def translated(nb_path: Path, lang: str, nb=None):
    """``nb_path``'s notebook (or ``nb``, already read from it) with its ``lang`` narrative, and the
    translation's status (:func:`translate_notebook` with the notebook's translation file)."""
    nb = nb if nb is not None else nbformat.read(nb_path, as_version=4)
    return translate_notebook(nb, read_translations(translation_path(nb_path, lang)), nb_path.name)


def _toml_text(text: str) -> str:
    """``text`` as a TOML multi-line literal string (falls back to a basic string if it holds ''')."""
    if "'''" not in text:
        return "'''\n" + text + "'''"
    escaped = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return '"""\n' + escaped + '"""'


def refresh_translations(notebook: Path, lang: str) -> TranslationStatus:
    """Rewrite ``notebook``'s ``lang`` translation file in cell order: current texts kept, stale ones
    kept with the new Indonesian as a comment (to update, then set ``source_sha``), new cells added
    empty. Returns the status *before* anyone translates the new entries."""
    nb = nbformat.read(notebook, as_version=4)
    path = translation_path(notebook, lang)
    table = read_translations(path)
    status = translation_status(nb, table, notebook.name)
    lines = [f"# {lang} narrative of notebooks/{notebook.name}, one entry per markdown cell, in cell order.",
             "# An entry is used when source_sha matches the Indonesian cell (see kaltara_study/report/translate.py);",
             "# `kaltara-study translations` refreshes this file and lists what is left.", ""]
    for cell in _markdown_cells(nb):
        cid = cell.get("id")
        digest = source_digest(cell.source)
        old_sha, text = table.get(cid, ("", ""))
        lines.append("[[cell]]")
        lines.append(f'id = "{cid}"')
        if cid in status.stale or cid in status.missing:
            lines.append("# Indonesian:")
            lines += ["# " + ln if ln else "#" for ln in cell.source.splitlines()]
            if cid in status.stale:
                lines.append(f'# the Indonesian changed: update the text, then set source_sha = "{digest}"')
                lines.append(f'source_sha = "{old_sha}"')
            else:
                text = ""
                lines.append(f'source_sha = "{digest}"')
        else:
            lines.append(f'source_sha = "{digest}"')
        lines.append("text = " + _toml_text(text + "\n" if text else ""))
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return status
