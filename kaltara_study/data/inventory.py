"""Inventory of a data source's raw files (for the overview notebook and the manifest)."""

from __future__ import annotations

import pandas as pd

from kaltara_study.data.sources import discover_files
from kaltara_study.paths import source_dirs
from kaltara_study.data.write import sha256_file

RAW_SUFFIXES = {".csv", ".xlsx", ".xls", ".geojson", ".json", ".tsv", ".txt"}


def inventory(source: str = "synthetic", *, root=None) -> pd.DataFrame:
    """One row per raw input file of ``source``: folder role, file name, size, sha256 (first 12 hex).

    Paths are given relative to the project (``data/raw/kaltara``, ``data/raw/kaltara/survey (researcher)``)
    so outputs hold no machine-specific paths; a researcher's file is any file not listed in
    ``PROVENANCE.md`` (see :func:`kaltara_study.data.sources.discover_files`).

    >>> inv = inventory("synthetic")  # doctest: +SKIP
    >>> list(inv.columns)  # doctest: +SKIP
    ['folder', 'file', 'kb', 'sha256_12']
    """
    rows = []
    for folder in source_dirs(source, root=root):
        if not folder.is_dir():
            continue
        origin = discover_files(folder).report.set_index("file")["origin"]
        base = "data/raw/synthetic" if source == "synthetic" else (
            "data/raw/kaltara" if source == "kaltara" else folder.name)
        for f in sorted(folder.rglob("*")):
            rel = f.relative_to(folder)
            if not f.is_file() or f.suffix.lower() not in RAW_SUFFIXES or rel.name.startswith("."):
                continue
            who = origin.get(rel.as_posix(), "-")
            role = f"{base}/{rel.parent.as_posix()}" if rel.parent.as_posix() != "." else base
            if who == "researcher":
                role += " (researcher)"
            rows.append({"folder": role, "file": rel.name,
                         "kb": round(f.stat().st_size / 1024, 1), "sha256_12": sha256_file(f)[:12]})
    return pd.DataFrame(rows, columns=["folder", "file", "kb", "sha256_12"])
