"""The study's stages as data, and the one cache they share (``data/interim/<source>/``).

Each notebook runs on its own (nbval, papermill and reviewers run one notebook at a time), so each
gets what it needs by calling :func:`analysis_data`, :func:`potential_index`, :func:`segmentation`
or :func:`study_table` with the :class:`~kaltara_study.study.Study`. A stage's result is stored
under a key made of

- the sha256 of the raw input files of the study's source,
- the sha256 of the code of the modules that compute it (the data layer, the method package of
  the stage and of the stages it depends on, and this module, which runs them — never figures,
  labels or the build),
- the sha256 of the config files it reads, and the seed.

The language is not part of the key: labels are applied when a table is shown or written, so an
English build reuses the Indonesian build's results. Floating-point results are rounded to
:data:`SIGNIFICANT` digits when stored, so BLAS or CPU differences cannot reach a written byte.

>>> [s.name for s in STAGES]
['analysis', 'index', 'segmentation', 'village_types', 'readiness', 'boundaries', 'map_boundaries', 'spatial']
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import joblib
import numpy as np
import pandas as pd

from kaltara_study.data.pipeline import load_analysis_table, load_boundaries
from kaltara_study.data.sources import simplify_outlines
from kaltara_study.instrument.forms import cooperative_list
from kaltara_study.data.write import atomic_write, sha256_file
from kaltara_study.errors import DataError
from kaltara_study.index.composite import IDM_INDICATOR, compute_index
from kaltara_study.models.spatial import spatial_structure
from kaltara_study.readiness.criteria import assess_readiness
from kaltara_study.readiness.joint import joint_answer
from kaltara_study.segmentation.segment import segment
from kaltara_study.segmentation.village import assign_to_cooperatives, village_types
from kaltara_study.study import Study

PACKAGE = Path(__file__).resolve().parent
#: significant digits kept in stored stage results (tables are written at their own precision)
SIGNIFICANT = 10


@dataclass(frozen=True)
class Stage:
    """One stage: its name, the stages it reads, the code packages and configs its result depends on."""

    name: str
    needs: tuple[str, ...]
    code: tuple[str, ...]
    configs: tuple[str, ...]
    run: Callable[..., Any]


# ------------------------------------------------------------------------------------- hashing
def _hash_files(files: list[Path], *, base: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(files):
        h.update(f.relative_to(base).as_posix().encode() + b"\0" + sha256_file(f).encode() + b"\n")
    return h.hexdigest()


@lru_cache(maxsize=None)
def code_hash(package: str) -> str:
    """sha256 over the ``.py`` files of one subpackage (or module) of kaltara_study."""
    target = PACKAGE / package
    files = sorted(target.rglob("*.py")) if target.is_dir() else [target.with_suffix(".py")]
    return _hash_files([f for f in files if f.is_file()], base=PACKAGE)


def inputs_hash(study: Study) -> str:
    """sha256 over the raw input files of the study's source (relative names and contents)."""
    h = hashlib.sha256()
    for folder in study.raw_dirs:
        if folder.is_dir():
            files = [f for f in folder.rglob("*") if f.is_file() and not f.name.startswith(".")]
            h.update(_hash_files(files, base=folder).encode())
    return h.hexdigest()


def stage_key(study: Study, stage: Stage) -> str:
    """The cache key of ``stage`` for ``study`` (see the module docstring); never the language."""
    h = hashlib.sha256(f"{stage.name}\0seed={study.seed}\0".encode())
    h.update(inputs_hash(study).encode())
    # this module too: the stages' run functions and their constants (permutations) live here
    h.update(f"stages:{code_hash('stages')}".encode())
    for s in _closure(stage):
        for pkg in s.code:
            h.update(f"{pkg}:{code_hash(pkg)}".encode())
        for cfg in s.configs:
            path = study.configs.files[cfg]
            h.update(f"{cfg}:{sha256_file(path)}".encode())
    return h.hexdigest()[:20]


def _closure(stage: Stage) -> list[Stage]:
    seen: dict[str, Stage] = {}

    def visit(s: Stage) -> None:
        for n in s.needs:
            visit(BY_NAME[n])
        seen.setdefault(s.name, s)

    visit(stage)
    return list(seen.values())


# ------------------------------------------------------------------------------------- rounding
def _round_sig(values: np.ndarray, digits: int) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        mag = np.where(np.isfinite(values) & (values != 0), np.floor(np.log10(np.abs(values))), 0)
        factor = 10.0 ** (digits - 1 - mag)
        out = np.round(values * factor) / factor
    return np.where(np.isfinite(values), out, values)


def round_result(obj: Any, digits: int = SIGNIFICANT) -> Any:
    """``obj`` with every float column / array rounded to ``digits`` significant digits (recursive
    over dataclasses, dicts, lists and tuples; other objects are returned as they are)."""
    if isinstance(obj, pd.DataFrame):
        out = obj.copy()
        for c in out.columns:
            if pd.api.types.is_float_dtype(out[c].dtype):
                out[c] = _round_sig(out[c].to_numpy(dtype=float, na_value=np.nan), digits)
        return out
    if isinstance(obj, pd.Series):
        if pd.api.types.is_float_dtype(obj.dtype):
            return pd.Series(_round_sig(obj.to_numpy(dtype=float, na_value=np.nan), digits),
                             index=obj.index, name=obj.name)
        return obj
    if isinstance(obj, np.ndarray) and np.issubdtype(obj.dtype, np.floating):
        return _round_sig(obj.astype(float), digits)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {}
        for f in dataclasses.fields(obj):
            if not f.init:
                continue
            value = getattr(obj, f.name)
            new = round_result(value, digits)
            if new is not value:
                changes[f.name] = new
        return dataclasses.replace(obj, **changes) if changes else obj
    if isinstance(obj, dict):
        return {k: round_result(v, digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)) and obj and any(isinstance(v, (pd.DataFrame, np.ndarray)) for v in obj):
        return type(obj)(round_result(v, digits) for v in obj)
    return obj


# ------------------------------------------------------------------------------------- the cache
def _cached(study: Study, name: str) -> Any:
    stage = BY_NAME[name]
    key = stage_key(study, stage)
    path = study.cache_dir / f"{name}-{key}.joblib"
    if path.is_file():
        try:
            return joblib.load(path)
        except Exception:  # a truncated or foreign file is recomputed, never trusted
            path.unlink(missing_ok=True)
    result = round_result(stage.run(study))
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob(f"{name}-*.joblib"):
        if old != path:
            old.unlink(missing_ok=True)
    # two notebooks of nbval (or two test workers) may compute the same stage at once: each writes
    # its own temporary file and renames it, so either complete file wins
    atomic_write(path, lambda tmp: joblib.dump(result, tmp))
    return result


def is_cached(study: Study, name: str) -> bool:
    """Whether ``name``'s result for ``study`` is in the cache (no computation)."""
    return (study.cache_dir / f"{name}-{stage_key(study, BY_NAME[name])}.joblib").is_file()


# ------------------------------------------------------------------------------------- the stages
def _run_analysis(study: Study):
    return load_analysis_table(study.source, root=study.root)


def _run_index(study: Study):
    table = analysis_data(study).table
    # one process: the Monte-Carlo is vectorised; two loky worker processes (each importing the
    # package) made it slower on the 2-core machine (500 replications: 1.5 s here, 3.5 s with them)
    return compute_index(table, study.configs.index, seed=study.seed, n_jobs=1)


def _run_segmentation(study: Study):
    table = analysis_data(study).table
    index = potential_index(study)
    # one thread: the bootstrap's fits hold the GIL, so two joblib threads were slower on the 2-core
    # machine (2.1 s instead of 2.3–2.6 s), and the build runs a notebook on the other core meanwhile
    return segment(table, study.configs.segmentation, seed=study.seed, index=index.scores, n_jobs=1)


def idm_indicators(villages: pd.DataFrame) -> pd.DataFrame:
    """The desa with IDM indicator scores, keyed ``kode`` (Kemendagri code), columns in IDM's own
    upper-case names (``IKE03_PASAR``); kelurahan and desa without IDM are not rows."""
    cols = [c for c in villages.columns if IDM_INDICATOR.match(c)]
    rows = villages[villages[cols].notna().any(axis=1)] if cols else villages.iloc[0:0]
    out = rows[["kode_desa", *cols]].rename(columns={"kode_desa": "kode", **{c: c.upper() for c in cols}})
    return out.sort_values("kode", kind="stable").reset_index(drop=True)


def _run_village_types(study: Study):
    indicators = idm_indicators(analysis_data(study).villages)
    if indicators.empty:
        return None
    # one thread, as for the segmentation (9.7–10.7 s instead of 10.8–11.7 s with two)
    return village_types(indicators, study.configs.village_types, seed=study.seed, n_jobs=1)


def _run_readiness(study: Study):
    table = study_table(study)
    config = study.configs.readiness
    assessment = assess_readiness(table, config)
    index = potential_index(study)
    draws = (index.monte_carlo.absolute_draws(index.scores["coop_id"])
             if index.monte_carlo is not None and index.absolute else None)
    # one process, as for the index (0.24 s here; 1.4 s with two worker processes)
    answer = joint_answer(table, assessment, draws, config, seed=study.seed, n_jobs=1) \
        if draws is not None and draws.shape[1] else None
    return ReadinessResult(assessment=assessment, answer=answer, index_draws_used=0 if draws is None
                           else int(draws.shape[1]))


#: boundary levels the maps draw
BOUNDARY_LEVELS = ("desa", "kecamatan", "kabkota")


def _run_boundaries(study: Study) -> dict:
    return {level: load_boundaries(study.source, level=level, root=study.root) for level in BOUNDARY_LEVELS}


def _run_map_boundaries(study: Study) -> dict:
    full = _cached(study, "boundaries")  # every level
    return {level: None if g is None else simplify_outlines(g) for level, g in full.items()}


#: permutations of the global Moran's I and of the local Moran (LISA) of the village index
MORAN_PERMUTATIONS, LISA_PERMUTATIONS = 999, 499


def _run_spatial(study: Study):
    desa = boundaries(study, "desa")
    if desa is None:
        return None
    table = join_results(analysis_data(study).table, index_scores=potential_index(study).scores)
    village = (table.groupby("kode_desa").agg(value=("index", "mean"), n=("coop_id", "size"))
               .reset_index().rename(columns={"kode_desa": "kode"}))
    return spatial_structure(desa, village, permutations=MORAN_PERMUTATIONS, lisa_permutations=LISA_PERMUTATIONS,
                             seed=study.seed)


@dataclass
class ReadinessResult:
    """Readiness per cooperative × partner and the joint potential-and-ready answer (None when the
    index has no absolute-scale replications to threshold)."""

    assessment: pd.DataFrame
    answer: Any
    index_draws_used: int


STAGES = (
    Stage("analysis", needs=(), code=("data",), configs=(), run=_run_analysis),
    Stage("index", needs=("analysis",), code=("index",), configs=("index",), run=_run_index),
    Stage("segmentation", needs=("index",), code=("segmentation",), configs=("segmentation",),
          run=_run_segmentation),
    Stage("village_types", needs=("analysis",), code=("segmentation",), configs=("village_types",),
          run=_run_village_types),
    Stage("readiness", needs=("segmentation", "village_types"), code=("readiness",), configs=("readiness",),
          run=_run_readiness),
    # the polygons as read, once (finding the files by content and parsing 4 MB of GeoJSON took
    # about 1.5 s in every notebook that drew a map)
    Stage("boundaries", needs=(), code=("data",), configs=(), run=_run_boundaries),
    # the same outlines simplified for drawing (maps drew 101,308 village vertices in every figure)
    Stage("map_boundaries", needs=("boundaries",), code=("data",), configs=(), run=_run_map_boundaries),
    # Moran's I and LISA with their permutations (about 1.5 s), run once instead of in each build of 07
    Stage("spatial", needs=("index", "boundaries"), code=("models",), configs=(), run=_run_spatial),
)
BY_NAME = {s.name: s for s in STAGES}


def analysis_data(study: Study):
    """The processed analysis table with its audit and validation (cached)."""
    return _cached(study, "analysis")


def potential_index(study: Study):
    """The composite economic-potential index with its Monte-Carlo intervals (cached)."""
    return _cached(study, "index")


def segmentation(study: Study):
    """The segmentation of the cooperatives (cached); see ``config/segmentation.toml``."""
    return _cached(study, "segmentation")


def village_economic_types(study: Study):
    """Village economic types of the desa from their IDM indicators (cached; None without IDM)."""
    return _cached(study, "village_types")


def readiness(study: Study) -> ReadinessResult:
    """Readiness per partner and the joint potential-and-ready answer (cached)."""
    return _cached(study, "readiness")


def boundaries(study: Study, level: str = "desa"):
    """The boundary polygons of ``level`` (``desa``, ``kecamatan`` or ``kabkota``) of the study's
    source as a GeoDataFrame, or None when the source has none (cached; see
    :func:`kaltara_study.data.pipeline.load_boundaries`)."""
    return _polygons(study, "boundaries", level)


def map_boundaries(study: Study, level: str = "desa"):
    """:func:`boundaries` simplified for drawing a map (cached; see
    :func:`kaltara_study.data.sources.simplify_outlines`): what the maps take. Statistics on the
    polygons (contiguity) use :func:`boundaries`."""
    return _polygons(study, "map_boundaries", level)


def _polygons(study: Study, stage: str, level: str):
    if level not in BOUNDARY_LEVELS:
        raise ValueError(f"level must be one of {BOUNDARY_LEVELS}, not {level!r}")
    return _cached(study, stage)[level]


def spatial(study: Study):
    """Moran's I and LISA of the potential index, one value per village (the mean over its
    cooperatives) on the village polygons (cached; None when the source has no boundaries); see
    :func:`kaltara_study.models.spatial.spatial_structure`."""
    return _cached(study, "spatial")


#: columns of the index and segmentation results a study table carries
INDEX_COLUMNS = ("context", "capacity", "index", "subindices_present", "rank", "rank_p05", "rank_p95")
SEGMENT_COLUMNS = ("segment", "segment_kind", "level", "confidence")


def join_results(table: pd.DataFrame, *, index_scores: pd.DataFrame | None = None,
                 segments: pd.DataFrame | None = None,
                 index_columns: tuple[str, ...] = ("index", "rank", "rank_p05", "rank_p95"),
                 segment_columns: tuple[str, ...] = ("segment", "segment_name", "confidence")) -> pd.DataFrame:
    """The analysis table with the index and segment columns attached (one row per cooperative).

    Only the named columns are taken (existing ones in ``table`` are replaced); pieces that are
    missing become NA columns, so downstream code sees the same columns on every source. Sorted by
    ``coop_id``; the inputs are not modified.

    >>> t = pd.DataFrame({"coop_id": ["b", "a"]})
    >>> join_results(t, index_scores=pd.DataFrame({"coop_id": ["a", "b"], "index": [1.0, 2.0]}))["index"].tolist()
    [1.0, 2.0]
    """
    out = table.copy()
    out["coop_id"] = out["coop_id"].astype(str)
    for extra, cols in ((index_scores, index_columns), (segments, segment_columns)):
        present = [c for c in cols if extra is not None and c in extra.columns]
        out = out.drop(columns=[c for c in cols if c in out.columns])
        if present:
            e = extra[["coop_id", *present]].assign(coop_id=lambda d: d.coop_id.astype(str))
            if e.coop_id.duplicated().any():
                raise DataError("index/segment table has duplicate coop_id rows; pass one row per cooperative")
            out = out.merge(e, on="coop_id", how="left", validate="one_to_one")
        for c in cols:
            if c not in out.columns:
                out[c] = np.nan
    return out.sort_values("coop_id", kind="stable").reset_index(drop=True)


def study_table(study: Study) -> pd.DataFrame:
    """One row per cooperative: the analysis table + potential (index, its context and capacity
    sub-indices, rank interval), segment, and the village economic type it inherits."""
    table = join_results(
        analysis_data(study).table,
        index_scores=potential_index(study).scores,
        segments=segmentation(study).labels,
        index_columns=INDEX_COLUMNS, segment_columns=SEGMENT_COLUMNS,
    )
    types = village_economic_types(study)
    if types is not None:
        table = assign_to_cooperatives(table, types)
    else:
        table = table.assign(village_type=pd.NA, profile_code=pd.NA)
    return table


def field_cooperatives(study: Study) -> pd.DataFrame:
    """The cooperatives the field forms preload (SIMKOPDES id, official name, village, kecamatan,
    kabupaten, study id and village code), from the identity-matched analysis table."""
    t = analysis_data(study).table
    frame = pd.DataFrame({
        "simkopdes_id": t["simkopdes_id"], "name": t["nama_koperasi"].fillna(t["coop_id"]),
        "village": t["nama_desa"], "kecamatan": t["nama_kecamatan"], "kabupaten": t["nama_kabkota"],
        "coop_id": t["coop_id"], "kode_desa": t["kode_desa"]})
    return cooperative_list(frame[frame["simkopdes_id"].notna()])


#: the order a build computes the stages in: the cheap ones the first notebooks read (the data,
#: the map outlines, the index) before the mixture bootstraps of the segmentations
BUILD_ORDER = ("analysis", "boundaries", "map_boundaries", "index", "segmentation", "village_types",
               "readiness", "spatial")

#: the stages each accessor a notebook calls reads (:func:`study_table` joins four of them)
ACCESSORS = {
    "analysis_data": ("analysis",), "potential_index": ("index",), "segmentation": ("segmentation",),
    "village_economic_types": ("village_types",), "readiness": ("readiness",),
    "boundaries": ("boundaries",), "map_boundaries": ("map_boundaries",), "spatial": ("spatial",),
    "study_table": ("analysis", "index", "segmentation", "village_types"),
    "field_cooperatives": ("analysis",), "idm_indicators": (),
}


def stages_read_by(accessors) -> tuple[str, ...]:
    """The stages (with the stages they are computed from) that code calling these accessors of
    this module reads, in :data:`BUILD_ORDER`; every stage when one of them is not known here.

    >>> stages_read_by(["map_boundaries", "analysis_data"])
    ('analysis', 'boundaries', 'map_boundaries')
    >>> len(stages_read_by(["a_new_accessor"])) == len(STAGES)
    True
    """
    names: set[str] = set()
    for accessor in accessors:
        if accessor not in ACCESSORS:
            return BUILD_ORDER
        for name in ACCESSORS[accessor]:
            names.update(s.name for s in _closure(BY_NAME[name]))
    return tuple(n for n in BUILD_ORDER if n in names)


def precompute(study: Study, names=BUILD_ORDER):
    """Compute (or load) the stages ``names`` (every stage by default) once each, in
    :data:`BUILD_ORDER`; yields ``(stage, progress line)`` as each is ready. A stage's own inputs are
    computed with it, whether named or not."""
    names = set(names)
    if names - set(BUILD_ORDER):
        raise ValueError(f"unknown stages {sorted(names - set(BUILD_ORDER))}; the stages are {list(BUILD_ORDER)}")
    for name in (n for n in BUILD_ORDER if n in names):
        t = time.perf_counter()
        hit = is_cached(study, name)
        out = _cached(study, name)
        how = "from the cache" if hit else "computed"
        yield name, f"{name}: {_size(out)}, {how} ({time.perf_counter() - t:.1f} s)"


def _size(result: Any) -> str:
    for attr, unit in (("table", "cooperatives"), ("scores", "cooperatives"), ("labels", "cooperatives"),
                       ("types", "desa"), ("assessment", "cooperative × partner rows"), ("lisa", "villages")):
        frame = getattr(result, attr, None)
        if isinstance(frame, pd.DataFrame):
            return f"{len(frame)} {unit}"
    if isinstance(result, dict) and set(result) == set(BOUNDARY_LEVELS):
        have = [f"{len(g)} {level}" for level, g in result.items() if g is not None]
        if have:
            return "polygons: " + ", ".join(have)
    return "nothing to compute for this source"
