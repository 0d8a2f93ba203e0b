"""The study's stages as cached function calls, shared by the build and the notebooks.

Each notebook runs on its own (nbval, papermill and reviewers run one notebook at a time), so each
gets what it needs by calling these functions. The results are memoised on disk with
:class:`joblib.Memory` under ``data/processed/<source>/cache/``, keyed by the arguments, the raw
input files' hashes and a hash of the package's source code, so a stage is computed once per
change of inputs or code, whichever notebook (or the build) asks first.

>>> from kaltara_study import stages               # doctest: +SKIP
>>> data = stages.analysis_data("synthetic")        # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from joblib import Memory

from kaltara_study.config import paths, source_dirs
from kaltara_study.io.write import sha256_file


@lru_cache(maxsize=1)
def code_hash() -> str:
    """sha256 over the package's ``.py`` and resource files and the ``config/`` folder."""
    p = paths()
    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parent
    files = sorted(f for f in pkg.rglob("*") if f.is_file() and f.suffix in {".py", ".toml"})
    files += sorted(f for f in p.config.rglob("*") if f.is_file()) if p.config.exists() else []
    for f in files:
        h.update(f.name.encode() + sha256_file(f).encode())
    return h.hexdigest()


def inputs_hash(source: str) -> str:
    """sha256 over the raw input files of ``source`` (names and contents)."""
    h = hashlib.sha256()
    for folder in source_dirs(source):
        if not folder.is_dir():
            continue
        for f in sorted(folder.rglob("*")):
            if f.is_file() and not (source != "synthetic" and "synthetic" in f.relative_to(folder).parts):
                h.update(f.relative_to(folder).as_posix().encode() + sha256_file(f).encode())
    return h.hexdigest()


def memory(source: str) -> Memory:
    return Memory(location=str(paths().processed / source / "cache"), verbose=0)


def _key(source: str) -> str:
    return f"{inputs_hash(source)}:{code_hash()}"
