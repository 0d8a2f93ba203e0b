"""Segmentation of the cooperatives: prepare, choose k honestly, fit, test stability, profile, name.

The stage in one call::

    res = segment(table, seed=20251, index=index_scores)      # config/segmentation.toml
    res.labels        # coop_id, segment (1 = highest potential), segment_name, confidence
    res.k_selection   # algorithm × k: silhouette, CH, DB (q=2), Dunn, WSS, BIC
    res.gap           # cluster::clusGap table (logW, E.logW, gap, SE.sim)
    res.votes, res.recommended_k, res.reasons
    res.stability     # clusterboot Jaccard per segment + Hennig's reading
    res.profiles      # medians and quartiles of every feature and the index per segment

Modules: :mod:`~kaltara_study.segmentation.kmeans` (compiled k-means), :mod:`~kaltara_study.segmentation.algorithms`
(k-means, Ward, GMM, PAM), :mod:`~kaltara_study.segmentation.select` (indices, gap, vote),
:mod:`~kaltara_study.segmentation.stability` (clusterboot, prediction strength, ARI, confidence).

Segments are **canonically relabelled** by potential: segment 1 has the highest mean index (or
PC1 of the features when no index is given), so the same partition gets the same number and
name in every run, whatever labels the algorithm produced.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kaltara_study.segmentation.algorithms import ALGORITHMS, fit_labels, fit_range
from kaltara_study.segmentation.select import (MAXSE_METHODS, gap_statistic, internal_indices,
                                          recommend_k, silhouette_values, vote_table)
from kaltara_study.segmentation.stability import (ari_matrix, clusterboot,
                                             prediction_strength)
from kaltara_study.errors import ConfigError
from kaltara_study.study import paths
from kaltara_study.errors import InputError
from kaltara_study.report.labels import label

__all__ = ["SegmentationConfig", "load_config", "default_config_path", "Prepared", "prepare",
           "scale", "segment_names", "order_by_potential", "profiles", "composition",
           "SegmentationResult", "segment", "segment_table", "ari_vs_answers"]


# ------------------------------------------------------------------------------ config
@dataclass(frozen=True)
class SegmentationConfig:
    """The settings of ``config/segmentation.toml`` (see the comments in that file)."""

    columns: tuple[str, ...]
    log: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()
    min_coverage: float = 0.5
    missing: str = "median"
    index: str = "ordering"
    scaling: str = "zscore"
    ddof: int = 1
    pca: bool = False
    pca_variance: float = 0.9
    k_min: int = 2
    k_max: int = 10
    algorithms: tuple[str, ...] = ("kmeans", "ward", "gmm", "pam")
    primary: str = "kmeans"
    kmeans_n_init: int = 25
    kmeans_max_iter: int = 300
    minibatch: bool = False
    gmm_covariance: str = "full"
    gmm_n_init: int = 2
    davies_bouldin_q: float = 2.0
    silhouette_sample: int = 5000
    dunn_sample: int = 3000
    gap: bool = True
    gap_B: int = 100
    gap_k_max: int = 10
    gap_d_power: int = 1
    gap_space_h0: str = "scaledPCA"
    gap_method: str = "firstSEmax"
    gap_se_factor: float = 1.0
    gap_n_init: int = 25
    gap_max_n: int = 500
    boot_B: int = 100
    boot_n_init: int = 10
    prediction_strength: bool = True
    ps_M: int = 10
    ps_cutoff: float = 0.8
    ps_max_n: int = 2000
    large_n: int = 20000
    n_init_large: int = 3
    ward_max_n: int = 5000
    ward_micro_clusters: int = 300
    pam_max_n: int = 2000
    clara_samples: int = 5
    clara_sample_size: int = 1000

    def with_options(self, **kw: Any) -> "SegmentationConfig":
        """A copy with some settings changed (validated)."""
        return _validate(replace(self, **kw))

    def algorithm_options(self, n: int) -> dict[str, Any]:
        big = n > self.large_n
        return {"kmeans_n_init": self.n_init_large if big else self.kmeans_n_init,
                "kmeans_max_iter": self.kmeans_max_iter, "minibatch": self.minibatch,
                "gmm_covariance": self.gmm_covariance, "gmm_n_init": 1 if big else self.gmm_n_init,
                "ward_max_n": self.ward_max_n, "ward_micro_clusters": self.ward_micro_clusters,
                "pam_max_n": self.pam_max_n, "clara_samples": self.clara_samples,
                "clara_sample_size": self.clara_sample_size}


_SECTIONS = {
    "features": {"columns": "columns", "log": "log", "negative": "negative",
                 "min_coverage": "min_coverage", "missing": "missing", "index": "index"},
    "scaling": {"method": "scaling", "ddof": "ddof", "pca": "pca", "pca_variance": "pca_variance"},
    "k": {"min": "k_min", "max": "k_max"},
    "algorithms": {"use": "algorithms", "primary": "primary", "kmeans_n_init": "kmeans_n_init",
                   "kmeans_max_iter": "kmeans_max_iter", "minibatch": "minibatch",
                   "gmm_covariance": "gmm_covariance", "gmm_n_init": "gmm_n_init"},
    "indices": {"davies_bouldin_q": "davies_bouldin_q", "silhouette_sample": "silhouette_sample",
                "dunn_sample": "dunn_sample"},
    "gap": {"enabled": "gap", "B": "gap_B", "k_max": "gap_k_max", "d_power": "gap_d_power",
            "space_h0": "gap_space_h0", "method": "gap_method", "se_factor": "gap_se_factor",
            "n_init": "gap_n_init", "max_n": "gap_max_n"},
    "stability": {"B": "boot_B", "n_init": "boot_n_init",
                  "prediction_strength": "prediction_strength", "ps_M": "ps_M",
                  "ps_cutoff": "ps_cutoff", "ps_max_n": "ps_max_n"},
    "scale": {"large_n": "large_n", "n_init_large": "n_init_large", "ward_max_n": "ward_max_n",
              "ward_micro_clusters": "ward_micro_clusters", "pam_max_n": "pam_max_n",
              "clara_samples": "clara_samples", "clara_sample_size": "clara_sample_size"},
}


def _validate(c: SegmentationConfig) -> SegmentationConfig:
    def bad(msg: str) -> None:
        raise ConfigError(f"segmentation config: {msg}")

    if not c.columns:
        bad("[features] columns is empty; list the analysis-table columns to cluster on")
    if c.missing not in ("median", "drop"):
        bad(f"[features] missing must be 'median' or 'drop', not {c.missing!r}")
    if c.index not in ("ordering", "feature", "none"):
        bad(f"[features] index must be 'ordering', 'feature' or 'none', not {c.index!r}")
    if c.scaling not in ("zscore", "none"):
        bad(f"[scaling] method must be 'zscore' or 'none', not {c.scaling!r}")
    if c.ddof not in (0, 1):
        bad("[scaling] ddof must be 0 or 1 (1 = R's scale())")
    if not 2 <= c.k_min <= c.k_max:
        bad(f"[k] needs 2 <= min <= max, got min={c.k_min}, max={c.k_max}")
    unknown = [a for a in c.algorithms if a not in ALGORITHMS]
    if unknown or not c.algorithms:
        bad(f"[algorithms] use has unknown {unknown}; choose from {list(ALGORITHMS)}")
    if c.primary not in c.algorithms:
        bad(f"[algorithms] primary {c.primary!r} must be one of use = {list(c.algorithms)}")
    if c.gap_method not in MAXSE_METHODS:
        bad(f"[gap] method must be one of {list(MAXSE_METHODS)}")
    if c.gap_space_h0 not in ("scaledPCA", "original"):
        bad("[gap] space_h0 must be 'scaledPCA' or 'original'")
    if c.gap_d_power < 1 or c.gap_B < 2 or c.gap_k_max < 2:
        bad("[gap] needs d_power >= 1, B >= 2 and k_max >= 2")
    if c.boot_B < 1:
        bad("[stability] B must be >= 1 (100 recommended)")
    return c


def parse_config(data: Mapping[str, Any]) -> SegmentationConfig:
    """Build a :class:`SegmentationConfig` from the TOML structure; unknown keys are errors."""
    kw: dict[str, Any] = {}
    for section, body in data.items():
        if section == "version":
            continue
        if section not in _SECTIONS:
            raise ConfigError(f"segmentation config: unknown section [{section}]; "
                              f"expected {sorted(_SECTIONS)}")
        for key, value in body.items():
            if key not in _SECTIONS[section]:
                raise ConfigError(f"segmentation config: unknown key {key!r} in [{section}]; "
                                  f"expected {sorted(_SECTIONS[section])}")
            kw[_SECTIONS[section][key]] = tuple(value) if isinstance(value, list) else value
    if "columns" not in kw:
        raise ConfigError("segmentation config: [features] columns is required")
    return _validate(SegmentationConfig(**kw))


def default_config_path() -> Path:
    return paths().config / "segmentation.toml"


def load_config(path: Path | str | None = None) -> SegmentationConfig:
    """Read and validate ``config/segmentation.toml`` (or ``path``).

    >>> load_config().k_max
    10
    """
    from kaltara_study.data.read import read_toml

    return parse_config(read_toml(Path(path) if path else default_config_path()))


# ------------------------------------------------------------------------- preparation
def scale(X: pd.DataFrame, *, ddof: int = 1) -> pd.DataFrame:
    """z-scores with the chosen ``ddof`` (1 = R's ``scale()``); constant columns raise.

    >>> scale(pd.DataFrame({"a": [1.0, 2.0, 3.0]}))["a"].tolist()
    [-1.0, 0.0, 1.0]
    """
    sd = X.std(ddof=ddof)
    if (sd == 0).any():
        raise InputError(f"constant column(s) {list(sd.index[sd == 0])}; drop them before scaling")
    return (X - X.mean()) / sd


@dataclass
class Prepared:
    """Clustering input: ``X`` (scaled, one row per used cooperative), ``raw`` (the unscaled
    feature values), ``keys`` (coop_id and region columns), ``ordering`` (potential score per row),
    ``features`` used, ``log`` of what was dropped or imputed, ``pca`` loadings when used."""

    X: pd.DataFrame
    raw: pd.DataFrame
    keys: pd.DataFrame
    ordering: pd.Series
    ordering_source: str
    features: list[str]
    log: list[str]
    dropped: pd.DataFrame
    pca_loadings: pd.DataFrame | None = None


def _pc1(Z: pd.DataFrame, negative: tuple[str, ...]) -> pd.Series:
    u, s, vt = np.linalg.svd(Z.to_numpy() - Z.to_numpy().mean(0), full_matrices=False)
    v = vt[0]
    sign_ref = np.array([-1.0 if c in negative else 1.0 for c in Z.columns])
    if float(v @ sign_ref) < 0:
        v = -v
    return pd.Series(Z.to_numpy() @ v, index=Z.index, name="pc1")


def prepare(table: pd.DataFrame, config: SegmentationConfig, *,
            index: pd.DataFrame | pd.Series | None = None) -> Prepared:
    """Select, transform, impute and scale the features; attach the index or PC1 for ordering.

    ``index``: the ``scores`` of :func:`kaltara_study.index.composite.compute_index` (columns ``coop_id``,
    ``index``) or a Series aligned with ``table``. The input is not modified.
    """
    t = table.sort_values("coop_id", kind="stable").reset_index(drop=True) \
        if "coop_id" in table.columns else table.reset_index(drop=True)
    log: list[str] = []
    dropped = []
    cols = []
    for c in config.columns:
        if c not in t.columns:
            dropped.append({"feature": c, "reason": "not in the analysis table"})
            continue
        s = t[c]
        if s.dtype == bool or str(s.dtype) == "boolean":
            s = s.astype("Float64")
        s = pd.to_numeric(s, errors="coerce").astype(float)
        cov = float(s.notna().mean()) if len(s) else 0.0
        if cov == 0:
            dropped.append({"feature": c, "reason": "all values missing"})
        elif cov < config.min_coverage:
            dropped.append({"feature": c, "reason": f"observed for {cov:.0%} < {config.min_coverage:.0%} of rows"})
        elif s.nunique(dropna=True) < 2:
            dropped.append({"feature": c, "reason": "constant"})
        else:
            cols.append(c)
    raw = pd.DataFrame({c: pd.to_numeric(t[c].astype("Float64") if str(t[c].dtype) in ("bool", "boolean")
                                         else t[c], errors="coerce").astype(float) for c in cols},
                       index=t.index)
    # the index
    ordering_source = "pc1"
    idx_series = None
    if index is not None and config.index != "none":
        if isinstance(index, pd.DataFrame):
            if "coop_id" not in index.columns or "index" not in index.columns:
                raise InputError("index must have columns coop_id and index (compute_index(...).scores)")
            idx_series = t[["coop_id"]].merge(index[["coop_id", "index"]], on="coop_id", how="left")["index"]
        else:
            idx_series = pd.Series(np.asarray(index, float))
        idx_series = pd.to_numeric(idx_series, errors="coerce").astype(float)
        idx_series.index = t.index
        if idx_series.notna().mean() < 0.5:
            log.append("index observed for fewer than half the cooperatives; segments ordered by PC1")
            idx_series = None
    if idx_series is not None and config.index == "feature":
        raw["index"] = idx_series
        cols.append("index")
    for d in dropped:
        log.append(f"dropped feature {d['feature']}: {d['reason']}")
    if not cols:
        raise InputError("no usable clustering feature: every configured column is missing, sparse "
                         "or constant; add observed columns to [features] columns in "
                         "config/segmentation.toml")
    keep = pd.Series(True, index=t.index)
    if config.missing == "drop":
        keep = raw.notna().all(axis=1)
        if (~keep).any():
            log.append(f"dropped {int((~keep).sum())} rows with a missing feature value")
    X = raw[keep].copy()
    for c in cols:
        if c in config.log:
            if (X[c].dropna() < 0).any():
                raise InputError(f"feature {c} has negative values; remove it from [features] log")
            X[c] = np.log1p(X[c])
        n_na = int(X[c].isna().sum())
        if n_na:
            X[c] = X[c].fillna(X[c].median())
            log.append(f"imputed {n_na} missing value(s) of {c} with the median")
    if config.scaling == "zscore":
        Z = scale(X, ddof=config.ddof)
    else:
        Z = X.copy()
    loadings = None
    if config.pca:
        u, s, vt = np.linalg.svd(Z.to_numpy() - Z.to_numpy().mean(0), full_matrices=False)
        share = np.cumsum(s ** 2) / np.sum(s ** 2)
        m = int(np.searchsorted(share, config.pca_variance) + 1)
        loadings = pd.DataFrame(vt[:m].T, index=Z.columns, columns=[f"PC{i + 1}" for i in range(m)])
        Z = pd.DataFrame((Z.to_numpy() - Z.to_numpy().mean(0)) @ vt[:m].T, index=Z.index,
                         columns=loadings.columns)
        log.append(f"clustering on {m} principal components ({share[m - 1]:.0%} of the variance)")
    if idx_series is not None and idx_series[keep].notna().all():
        ordering, ordering_source = idx_series[keep], "index"
    elif idx_series is not None:
        ordering = idx_series[keep].fillna(idx_series[keep].median())
        ordering_source = "index"
        log.append("index missing for some cooperatives: imputed with the median for ordering only")
    else:
        base = X if not config.pca else Z
        zs = scale(base, ddof=config.ddof) if config.scaling == "zscore" and not config.pca else base
        ordering = _pc1(zs, config.negative)
        log.append("segments ordered by the first principal component of the features "
                   "(no index given)")
    key_cols = [c for c in ("coop_id", "kode_desa", "nama_desa", "jenis", "kode_kabkota",
                            "nama_kabkota") if c in t.columns]
    return Prepared(X=Z, raw=raw[keep].copy(), keys=t.loc[keep, key_cols].copy(),
                    ordering=ordering.rename("ordering"), ordering_source=ordering_source,
                    features=cols, log=log,
                    dropped=pd.DataFrame(dropped, columns=["feature", "reason"]),
                    pca_loadings=loadings)


# ----------------------------------------------------------------------- names, order
_NAME_KEYS = {
    2: ["seg_high", "seg_low"],
    3: ["seg_high", "seg_medium", "seg_low"],
    4: ["seg_very_high", "seg_high", "seg_medium", "seg_low"],
    5: ["seg_very_high", "seg_high", "seg_medium", "seg_low", "seg_very_low"],
}


def segment_names(k: int, *, lang: str = "id") -> list[str]:
    """Names of segments 1..k, highest potential first ("Potensi tinggi", …); generic above 5.

    >>> segment_names(3, lang="en")
    ['High potential', 'Medium potential', 'Low potential']
    """
    if k in _NAME_KEYS:
        return [label(key, lang=lang) for key in _NAME_KEYS[k]]
    if k == 1:
        return [label("seg_all", lang=lang)]
    return [label("seg_level", lang=lang, i=i + 1, k=k) for i in range(k)]


def order_by_potential(labels: np.ndarray, ordering: np.ndarray) -> np.ndarray:
    """Canonical segment numbers 1..k: 1 = highest mean ``ordering`` (ties by original label).

    >>> order_by_potential(np.array([0, 0, 1, 1]), np.array([1., 1., 5., 5.])).tolist()
    [2, 2, 1, 1]
    """
    labels = np.asarray(labels)
    ks = np.unique(labels)
    means = np.array([np.mean(ordering[labels == j]) for j in ks])
    rank = np.lexsort((ks, -means))
    new = np.empty(len(ks), int)
    new[rank] = np.arange(1, len(ks) + 1)
    lut = dict(zip(ks, new))
    return np.array([lut[v] for v in labels], int)


# ----------------------------------------------------------------------------- profiles
def profiles(raw: pd.DataFrame, segments: pd.Series, *, ordering: pd.Series | None = None,
             names: Mapping[int, str] | None = None,
             scaled: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per segment and variable: n, median, q25, q75, IQR, and the median z-score (for heatmaps).

    ``raw``: unscaled feature values (one row per cooperative); ``segments``: segment numbers;
    ``scaled``: the clustering features as clustered (logged, z-scored) — their medians are the
    ``z_median`` of those columns (a z-score of a raw skewed money column would put every segment's
    median below the mean); other columns are z-scored here.
    """
    df = raw.copy()
    if ordering is not None and "index" not in df.columns:
        df["index"] = ordering.to_numpy()
    z = (df - df.mean()) / df.std(ddof=1).replace(0, np.nan)
    if scaled is not None:
        for c in scaled.columns.intersection(z.columns):
            z[c] = scaled[c].to_numpy()
    seg = pd.Series(np.asarray(segments), index=df.index, name="segment")
    rows = []
    for s in sorted(seg.unique()):
        m = seg == s
        for c in df.columns:
            v = df.loc[m, c].dropna()
            q25, med, q75 = (v.quantile([0.25, 0.5, 0.75]).tolist() if len(v) else [np.nan] * 3)
            rows.append({"segment": int(s), "variable": c, "n": int(m.sum()), "median": med,
                         "q25": q25, "q75": q75, "iqr": q75 - q25,
                         "z_median": float(z.loc[m, c].median())})
    out = pd.DataFrame(rows)
    if names:
        out.insert(1, "segment_name", out["segment"].map(names))
    return out


def composition(keys: pd.DataFrame, segments: pd.Series, *, by: str = "nama_kabkota",
                names: Mapping[int, str] | None = None) -> pd.DataFrame:
    """Counts and within-segment shares of ``by`` (kabupaten, or ``jenis`` desa/kelurahan)."""
    if by not in keys.columns:
        return pd.DataFrame(columns=["segment", by, "n", "share"])
    df = pd.DataFrame({"segment": np.asarray(segments), by: keys[by].fillna("(NA)").to_numpy()})
    out = df.groupby(["segment", by], sort=True).size().rename("n").reset_index()
    out["share"] = out["n"] / out.groupby("segment")["n"].transform("sum")
    if names:
        out.insert(1, "segment_name", out["segment"].map(names))
    return out


# ------------------------------------------------------------------------------ top level
@dataclass
class SegmentationResult:
    """Everything :func:`segment` produces (see the module docstring)."""

    labels: pd.DataFrame
    k_selection: pd.DataFrame
    gap: pd.DataFrame | None
    votes: pd.DataFrame
    recommended_k: int
    k: int
    reasons: list[str]
    stability: pd.DataFrame
    prediction_strength: pd.DataFrame | None
    ps_k: int | None
    ari: pd.DataFrame
    profiles: pd.DataFrame
    composition_kabupaten: pd.DataFrame
    composition_jenis: pd.DataFrame
    sizes: pd.DataFrame
    silhouette: pd.DataFrame
    pca: dict[str, pd.DataFrame]
    prepared: Prepared
    config: SegmentationConfig
    log: list[str] = field(default_factory=list)
    partitions: dict[str, np.ndarray] = field(default_factory=dict)


def _pca2(X: pd.DataFrame) -> dict[str, pd.DataFrame]:
    A = X.to_numpy() - X.to_numpy().mean(0)
    u, s, vt = np.linalg.svd(A, full_matrices=False)
    m = min(2, len(s))
    scores = pd.DataFrame(A @ vt[:m].T, columns=[f"PC{i + 1}" for i in range(m)], index=X.index)
    if m == 1:
        scores["PC2"] = 0.0
    load = pd.DataFrame(vt[:m].T, index=X.columns, columns=[f"PC{i + 1}" for i in range(m)])
    if m == 1:
        load["PC2"] = 0.0
    var = pd.Series(s[:2] ** 2 / np.sum(s ** 2), index=[f"PC{i + 1}" for i in range(min(2, len(s)))])
    return {"scores": scores, "loadings": load, "variance": var.to_frame("share")}


def segment(table: pd.DataFrame, config: SegmentationConfig | Path | str | None = None, *,
            seed: int = 20251, n_jobs: int | None = 1, progress: bool = False,
            index: pd.DataFrame | pd.Series | None = None, k: int | None = None,
            lang: str = "id") -> SegmentationResult:
    """Segment the cooperatives: indices and gap over k, vote, fit, stability, profiles, names.

    ``config``: a :class:`SegmentationConfig`, a TOML path, or None for
    ``config/segmentation.toml``. ``k`` overrides the recommended k (the vote is still reported).
    Same ``seed`` → same labels, names and confidences, whatever ``n_jobs``.

    >>> res = segment(table, seed=20251, index=compute_index(table).scores)   # doctest: +SKIP
    >>> res.labels.head()                                                       # doctest: +SKIP
    """
    from threadpoolctl import threadpool_limits

    cfg = config if isinstance(config, SegmentationConfig) else load_config(config)
    # tiny matrices: multi-threaded BLAS only adds overhead (16x slower GMM fits measured here)
    with threadpool_limits(1, user_api="blas"):
        return _segment(table, cfg, seed=seed, n_jobs=n_jobs, progress=progress, index=index,
                        k=k, lang=lang)


def _segment(table, cfg, *, seed, n_jobs, progress, index, k, lang) -> SegmentationResult:
    prep = prepare(table, cfg, index=index)
    X = prep.X.to_numpy(dtype=float)
    n = len(X)
    log = list(prep.log)
    k_hi = min(cfg.k_max, n - 1)
    if k_hi < cfg.k_min:
        raise InputError(f"only {n} usable rows: too few for k >= {cfg.k_min}; lower [k] min")
    ks = list(range(cfg.k_min, k_hi + 1))
    # distinct rows bound the number of clusters
    n_distinct = len(np.unique(X.round(12), axis=0))
    if n_distinct <= k_hi:
        ks = [kk for kk in ks if kk < n_distinct]
        log.append(f"only {n_distinct} distinct feature vectors: k limited to {ks}")
        if not ks:
            raise InputError("fewer than 3 distinct feature vectors; nothing to segment")
    root = np.random.SeedSequence(seed)
    s_fit, s_gap, s_boot, s_ps, s_idx = root.spawn(5)
    opts = cfg.algorithm_options(n)
    fits: dict[str, dict] = {}
    rows = []
    alg_seeds = dict(zip(ALGORITHMS, s_fit.spawn(len(ALGORITHMS))))
    idx_seed = int(s_idx.generate_state(1)[0])
    for alg in cfg.algorithms:
        f = fit_range(alg, X, ks, seed=alg_seeds[alg], **opts)
        fits[alg] = f
        for kk in ks:
            ind = internal_indices(X, f[kk].labels, sample_size=cfg.silhouette_sample,
                                   dunn_sample_size=cfg.dunn_sample, q=cfg.davies_bouldin_q,
                                   seed=idx_seed)
            rows.append({"algorithm": alg, "k": kk, **ind, "bic": f[kk].extra.get("bic", np.nan)})
    k_sel = pd.DataFrame(rows)
    gap = None
    if cfg.gap and "kmeans" in cfg.algorithms:
        Xg, lab_k = X, {kk: fits["kmeans"][kk].labels for kk in ks}
        if n > cfg.gap_max_n:
            sub = np.sort(np.random.default_rng(s_gap.spawn(1)[0]).choice(n, cfg.gap_max_n, replace=False))
            Xg, lab_k = X[sub], None
            log.append(f"gap statistic computed on a seeded sample of {cfg.gap_max_n} of {n} rows")
        gap = gap_statistic(Xg, k_max=min(cfg.gap_k_max, len(Xg) - 1), B=cfg.gap_B,
                            d_power=cfg.gap_d_power, space_h0=cfg.gap_space_h0,
                            n_init=min(cfg.gap_n_init, opts["kmeans_n_init"]) if n > cfg.large_n else cfg.gap_n_init,
                            seed=int(s_gap.generate_state(1)[0]), labels_by_k=lab_k)
    votes = vote_table(k_sel, gap, gap_method=cfg.gap_method, se_factor=cfg.gap_se_factor,
                       k_min=cfg.k_min)
    rec_k, reasons = recommend_k(votes)
    k_final = int(k) if k is not None else rec_k
    if k is not None and k != rec_k:
        reasons.append(f"k = {k} set by the caller (the vote recommends {rec_k})")
    if k_final not in ks:
        fits = {a: {**fits[a], **fit_range(a, X, [k_final], seed=alg_seeds[a], **opts)}
                for a in cfg.algorithms}
    primary = fits[cfg.primary][k_final].labels
    _, primary = np.unique(primary, return_inverse=True)
    # stability
    boot_opts = {**opts, "kmeans_n_init": min(cfg.boot_n_init, opts["kmeans_n_init"])}
    fit_fn = fit_labels(cfg.primary, **boot_opts)
    cb = clusterboot(X, primary, fit_fn, B=cfg.boot_B, seed=int(s_boot.generate_state(1)[0]),
                     n_jobs=n_jobs, progress=progress)
    ps_table, ps_k = None, None
    if cfg.prediction_strength:
        Xp = X
        if n > cfg.ps_max_n:
            sub = np.sort(np.random.default_rng(s_ps.spawn(1)[0]).choice(n, cfg.ps_max_n, replace=False))
            Xp = X[sub]
            log.append(f"prediction strength on a seeded sample of {cfg.ps_max_n} of {n} rows")
        ps_table, ps_k = prediction_strength(Xp, fit_fn, ks=ks, M=cfg.ps_M,
                                             seed=int(s_ps.generate_state(1)[0]),
                                             cutoff=cfg.ps_cutoff, n_jobs=n_jobs)
    # canonical order and names
    seg = order_by_potential(primary, prep.ordering.to_numpy())
    names = dict(zip(range(1, k_final + 1), segment_names(k_final, lang=lang)))
    names_en = dict(zip(range(1, k_final + 1), segment_names(k_final, lang="en")))
    lut = {int(p): int(s) for p, s in zip(primary, seg)}
    partitions = {}
    for a in cfg.algorithms:
        lab = fits[a][k_final].labels
        _, lab = np.unique(lab, return_inverse=True)
        partitions[a] = order_by_potential(lab, prep.ordering.to_numpy())
    ari = ari_matrix(partitions)
    stab = cb.summary.copy()
    stab["segment"] = stab["cluster"].map(lut)
    stab["segment_name"] = stab["segment"].map(names)
    stab = stab.drop(columns="cluster").sort_values("segment")[
        ["segment", "segment_name", "size", "mean_jaccard", "n_drawn", "dissolved", "recovered",
         "reading"]].reset_index(drop=True)
    labels_df = prep.keys[["coop_id"]].copy() if "coop_id" in prep.keys else pd.DataFrame(index=prep.X.index)
    labels_df["segment"] = seg
    labels_df["segment_name"] = labels_df["segment"].map(names)
    labels_df["segment_name_en"] = labels_df["segment"].map(names_en)
    labels_df["confidence"] = cb.confidence
    labels_df = labels_df.reset_index(drop=True)
    sil = silhouette_values(X, seg) if n <= cfg.silhouette_sample else None
    sil_df = pd.DataFrame({"segment": seg, "silhouette": sil if sil is not None else np.nan})
    if sil is None:
        sub = np.sort(np.random.default_rng(idx_seed).choice(n, cfg.silhouette_sample, replace=False))
        sil_df = pd.DataFrame({"segment": seg[sub], "silhouette": silhouette_values(X[sub], seg[sub])})
        log.append(f"silhouette plot on a seeded sample of {cfg.silhouette_sample} rows")
    prof = profiles(prep.raw, pd.Series(seg, index=prep.raw.index),
                    ordering=prep.ordering if prep.ordering_source == "index" else None, names=names,
                    scaled=None if cfg.pca else prep.X)
    sizes = pd.DataFrame({"segment": list(names), "segment_name": list(names.values())})
    sizes["n"] = [int((seg == s).sum()) for s in names]
    sizes["share"] = sizes["n"] / n
    sizes["mean_ordering"] = [float(prep.ordering.to_numpy()[seg == s].mean()) for s in names]
    sizes["mean_confidence"] = [float(np.nanmean(cb.confidence[seg == s])) for s in names]
    tiny = sizes[sizes["share"] < 0.02]
    if len(tiny):
        msg = (f"{len(tiny)} of {k_final} segments hold < 2 % of the cooperatives "
               f"({', '.join(str(int(v)) for v in tiny['n'])} cooperatives): outliers rather than "
               "segments — with few informative features (e.g. the real registry alone) the "
               "partition mostly separates a handful of active cooperatives from the rest")
        reasons.append(msg)
        log.append(msg)
    pca = _pca2(prep.X)
    pca["scores"]["segment"] = seg
    return SegmentationResult(
        labels=labels_df, k_selection=k_sel, gap=gap, votes=votes, recommended_k=rec_k,
        k=k_final, reasons=reasons, stability=stab, prediction_strength=ps_table, ps_k=ps_k,
        ari=ari, profiles=prof,
        composition_kabupaten=composition(prep.keys, pd.Series(seg), by="nama_kabkota", names=names),
        composition_jenis=composition(prep.keys, pd.Series(seg), by="jenis", names=names),
        sizes=sizes, silhouette=sil_df, pca=pca, prepared=prep, config=cfg, log=log,
        partitions=partitions)


def segment_table(result: SegmentationResult) -> pd.DataFrame:
    """Per segment: name, size, share, mean potential, mean confidence, bootstrap Jaccard + reading."""
    return result.sizes.merge(result.stability[["segment", "mean_jaccard", "reading"]], on="segment")


def ari_vs_answers(result: SegmentationResult, answers: pd.DataFrame, *,
                   column: str = "archetype") -> float:
    """Adjusted Rand index between the segments and a known answer (synthetic archetypes)."""
    from sklearn.metrics import adjusted_rand_score

    m = result.labels.merge(answers[["coop_id", column]], on="coop_id", how="inner")
    return float(adjusted_rand_score(m[column].astype(str), m["segment"]))
