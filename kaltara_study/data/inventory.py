"""Inventory of a data source's raw files (for the overview notebook and the manifest)."""

from __future__ import annotations

import pandas as pd

from kaltara_study.study import source_dirs
from kaltara_study.data.write import sha256_file

RAW_SUFFIXES = {".csv", ".xlsx", ".xls", ".geojson", ".json", ".tsv", ".txt"}


def inventory(source: str = "synthetic", *, root=None) -> pd.DataFrame:
    """One row per raw input file of ``source``: folder role, file name, size, sha256 (first 12 hex).

    Paths are given relative to the source folder so outputs hold no machine-specific paths.

    >>> inv = inventory("synthetic")  # doctest: +SKIP
    >>> list(inv.columns)  # doctest: +SKIP
    ['folder', 'file', 'kb', 'sha256_12']
    """
    rows = []
    for i, folder in enumerate(source_dirs(source, root=root)):
        role = "data/raw/synthetic" if source == "synthetic" else (
            "../shared/data/kaltara" if (source == "kaltara" and i == 0) else "data/raw")
        if not folder.is_dir():
            continue
        for f in sorted(folder.rglob("*")):
            rel = f.relative_to(folder)
            if not f.is_file() or f.suffix.lower() not in RAW_SUFFIXES:
                continue
            if source == "kaltara" and i > 0 and rel.parts[0] == "synthetic":
                continue  # the synthetic default is not part of a real-data build
            rows.append({"folder": role, "file": rel.as_posix(),
                         "kb": round(f.stat().st_size / 1024, 1), "sha256_12": sha256_file(f)[:12]})
    return pd.DataFrame(rows, columns=["folder", "file", "kb", "sha256_12"])
