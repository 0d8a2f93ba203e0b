"""One table of Indonesian/English strings for figures, tables and notebooks (Indonesian default).

Entries live in ``resources/labels/*.toml`` (one file per stage, ``key = { id = "…", en = "…" }``);
a key defined in two files is an error.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

import pandas as pd

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


# ------------------------------------------------------------------------- codes → reader text
def _code(value) -> str:
    """A value as a label-key fragment: ``"highly stable"`` → ``highly_stable``, ``"SANGAT TERTINGGAL"``
    → ``sangat_tertinggal``, ``"n/a"`` → ``n_a``."""
    return "".join(ch if ch.isalnum() else "_" for ch in str(value).strip().lower()).strip("_")


def has_label(key: str) -> bool:
    """Whether ``key`` is in the label table."""
    return key in labels()


def _lookup(prefix: str, value, lang: str) -> str:
    key = f"{prefix}_{_code(value)}"
    return label(key, lang=lang) if key in labels() else str(value)


def verdict_label(code: str, *, lang: str = DEFAULT_LANG) -> str:
    """``"nearly_ready"`` → ``"Hampir siap"`` (the verdict codes of the readiness stage)."""
    return _lookup("verdict", code, lang)


def partner_label(code: str, *, lang: str = DEFAULT_LANG, short: bool = False) -> str:
    """``"pharmacy"`` → ``"Kimia Farma (apotek/klinik)"``; ``short=True`` → ``"Kimia Farma"``."""
    return _lookup("partner_short" if short else "partner", code, lang)


def criterion_label(code: str, *, lang: str = DEFAULT_LANG) -> str:
    """A readiness criterion id (``config/readiness.toml``), e.g. ``"legal_entity"`` → ``"Berbadan hukum"``."""
    return _lookup("crit", code, lang)


def idm_status_label(status, *, lang: str = DEFAULT_LANG) -> str:
    """Official IDM status in any case (``"SANGAT TERTINGGAL"``) → ``"Sangat Tertinggal"``."""
    return _lookup("idm_status", status, lang)


def stability_label(reading: str, *, lang: str = DEFAULT_LANG) -> str:
    """Hennig's reading (``"highly stable"``) → ``"Sangat stabil"``."""
    return _lookup("stab", reading, lang)


def kind_label(kind: str, *, lang: str = DEFAULT_LANG) -> str:
    """``"required"`` → ``"Wajib"``, ``"desirable"`` → ``"Dianjurkan"``."""
    return _lookup("kind", kind, lang)


def algorithm_label(code: str, *, lang: str = DEFAULT_LANG) -> str:
    """``"kmeans"`` → ``"k-means"``, ``"ward"`` → ``"Ward (hierarkis)"``."""
    return _lookup("alg", code, lang)


def _feature_phrase(feature: str, lang: str) -> str:
    """A profile feature in running text: ``prof_dim_<feature>`` when the table has it (village
    dimensions, ``idm``), else the feature's own label with a lower-case first letter."""
    key = f"prof_dim_{feature}"
    if key in labels():
        return label(key, lang=lang)
    text = label(feature, lang=lang)
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def profile_label(code, *, lang: str = DEFAULT_LANG) -> str:
    """Reader name of a segment's profile code (``kaltara_study.segmentation.segment.profile_code``):
    what it has and lacks, e.g. ``"health:high|trade:high|finance:low"`` → ``"Layanan kesehatan dan
    perdagangan & pasar tinggi; akses keuangan rendah"``; ``"profile:average"``, ``"profile:all"``,
    ``"index_tier:<i>"``, ``"kelurahan"`` and ``"no_idm"`` have their own labels. The level (mean
    index) is not part of the name.

    >>> profile_label("health:high|finance:low", lang="en")
    'High health services; low access to finance'
    """
    if code is None or (isinstance(code, float) and code != code):
        return code
    text = str(code)
    if f"prof_{_code(text)}" in labels():
        return label(f"prof_{_code(text)}", lang=lang)
    parts = [p.split(":", 1) for p in text.split("|") if ":" in p]
    if not parts or len(parts) != len(text.split("|")):
        return text
    if len(parts) == 1 and parts[0][0] == "index_tier":
        return _lookup("prof_tier", parts[0][1], lang)
    out = []
    for level in ("high", "low"):
        feats = [_feature_phrase(f, lang) for f, lv in parts if lv == level]
        if feats:
            joined = feats[0] if len(feats) == 1 else \
                ", ".join(feats[:-1]) + label("prof_and", lang=lang) + feats[-1]
            out.append(label(f"prof_{level}", lang=lang, features=joined))
    if not out:
        return text
    name = "; ".join(out)
    return name[0].upper() + name[1:]


def value_label(column: str, value, *, lang: str = DEFAULT_LANG) -> str:
    """Reader text of one cell value of ``column``.

    Booleans → Ya/Tidak; ``verdict``/``*_verdict`` → verdict labels; ``partner`` → partner names;
    ``idm_status`` → the official status; ``criterion`` → criterion names; ``kind``; ``reading``
    (stability); otherwise ``val_<column>_<value>`` when the table has it, else the value unchanged.
    """
    if value is None or (isinstance(value, float) and value != value):
        return value
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return label("bool_true" if value else "bool_false", lang=lang)
    col = str(column)
    base = {"road_access_village": "road_access"}.get(col, col)
    if base == "verdict" or base.endswith("_verdict"):
        return verdict_label(value, lang=lang)
    if base in ("partner", "partner_code"):
        return partner_label(value, lang=lang)
    if base == "idm_status":
        return idm_status_label(value, lang=lang)
    if base in ("criterion", "criterion_id"):
        return criterion_label(value, lang=lang)
    if base in ("kind", "criterion_kind"):
        return kind_label(value, lang=lang)
    if base in ("reading", "stability", "hennig_reading"):
        return stability_label(value, lang=lang)
    if base == "algorithm":
        return algorithm_label(value, lang=lang)
    if base == "profile_code":
        return profile_label(value, lang=lang)
    if base == "direction" and str(value) in ("higher", "lower", "+", "-", "−"):
        return label("dir_higher" if str(value) in ("higher", "+") else "dir_lower", lang=lang)
    return _lookup(f"val_{base}", value, lang)


def translate_values(df, *, lang: str = DEFAULT_LANG, columns=None):
    """Return ``df`` with the code values of ``columns`` (default: every object/bool/category/string
    column) replaced by reader text through :func:`value_label` (input unchanged)."""
    out = df.copy()
    cols = list(columns) if columns is not None else [
        c for c in df.columns
        if pd.api.types.is_bool_dtype(df[c]) or pd.api.types.is_object_dtype(df[c])
        or isinstance(df[c].dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(df[c])]
    for c in cols:
        out[c] = df[c].astype(object).map(lambda v, c=c: value_label(c, v, lang=lang))
    return out
