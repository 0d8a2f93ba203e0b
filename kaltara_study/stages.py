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

from kaltara_study.study import paths, source_dirs
from kaltara_study.data.write import sha256_file


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


# ------------------------------------------------------------------------------------ the stages
def analysis_data(source: str = "synthetic"):
    """The processed analysis table with its audit and validation (``pipeline`` caches it itself)."""
    from kaltara_study.data.pipeline import load_analysis_table

    return load_analysis_table(source)


def _index(source: str, seed: int, lang: str, n_rep: int, key: str):
    from kaltara_study.index.composite import compute_index

    table = analysis_data(source).table
    return compute_index(table, source=source, seed=seed, n_rep=n_rep, progress=False, lang=lang)


def _segmentation(source: str, seed: int, lang: str, key: str):
    from kaltara_study.segmentation.segment import segment

    table = analysis_data(source).table
    index = potential_index(source, seed=seed, lang=lang)
    return segment(table, seed=seed, index=index.scores, n_jobs=2, progress=False, lang=lang)


def potential_index(source: str = "synthetic", *, seed: int, lang: str = "id", n_rep: int = 500):
    """The composite economic-potential index with its Monte-Carlo rank intervals (cached).

    Same arguments, inputs and code → the stored result; see :func:`kaltara_study.index.composite.compute_index`.
    """
    return memory(source).cache(_index)(source, seed, lang, n_rep, _key(source))


def segmentation(source: str = "synthetic", *, seed: int, lang: str = "id"):
    """The segmentation of the cooperatives, ordered by the index (cached); see
    :func:`kaltara_study.segmentation.segment.segment` and ``config/segmentation.toml``."""
    return memory(source).cache(_segmentation)(source, seed, lang, _key(source))


def study_table(source: str = "synthetic", *, seed: int, lang: str = "id"):
    """One row per cooperative: the analysis table + index, rank interval, segment and confidence."""
    from kaltara_study.readiness.criteria import study_table as join

    return join(
        analysis_data(source).table,
        index_scores=potential_index(source, seed=seed, lang=lang).scores,
        segments=segmentation(source, seed=seed, lang=lang).labels,
    )


def precompute(source: str = "synthetic", *, seed: int, lang: str = "id"):
    """Compute (or load) every stage once, in order, before notebooks run; yields progress lines."""
    import time

    for name, fn in (
        ("analysis table", lambda: analysis_data(source)),
        ("economic-potential index (500 Monte-Carlo replications)",
         lambda: potential_index(source, seed=seed, lang=lang)),
        ("segmentation", lambda: segmentation(source, seed=seed, lang=lang)),
    ):
        t = time.perf_counter()
        out = fn()
        n = len(getattr(out, "table", getattr(out, "scores", getattr(out, "labels", []))))
        yield f"{name}: {n} cooperatives ({time.perf_counter() - t:.1f} s)"
