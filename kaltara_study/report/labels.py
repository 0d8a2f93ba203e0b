"""One table of Indonesian/English strings for figures, tables and notebooks (Indonesian default).

Entries live in ``resources/labels/*.toml`` (one file per stage, ``key = { id = "…", en = "…" }``);
a key defined in two files is an error.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

DEFAULT_LANG = "id"


@lru_cache(maxsize=1)
def labels() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    origin: dict[str, str] = {}
    folder = resources.files("kaltara_study") / "resources" / "labels"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        for key, value in data.items():
            if key in table:
                raise ValueError(f"label {key!r} defined in {origin[key]} and {entry.name}")
            if not isinstance(value, dict) or not {"id", "en"} <= set(value):
                raise ValueError(f"label {key!r} in {entry.name} needs both 'id' and 'en'")
            table[key], origin[key] = value, entry.name
    return table


def label(key: str, *, lang: str = DEFAULT_LANG, **fmt) -> str:
    """The ``lang`` text of ``key`` (falls back to the key itself when unknown).

    >>> label("synthetic_mark", lang="en")
    'SYNTHETIC DATA'
    """
    entry = labels().get(key)
    text = entry[lang] if entry else key
    return text.format(**fmt) if fmt else text


def rename_columns(df, *, lang: str = DEFAULT_LANG):
    """Return ``df`` with column names translated where a label exists (input unchanged)."""
    return df.rename(columns={c: label(c, lang=lang) for c in df.columns if c in labels()})
