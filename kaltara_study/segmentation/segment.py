"""Segmentation: prepare the features, choose model and k honestly, gate on stability, name by profile.

The stage in one call (``config`` is a :class:`~kaltara_study.segmentation.config.SegmentationConfig`
the data layer built from ``config/segmentation.toml``)::

    res = segment(table, config, seed=20251, index=index_scores)
    res.structure     # False: "no clear segment structure" -> res.labels hold index tiers
    res.labels        # coop_id, segment (1 = highest mean index), kind, profile code, level, confidence
    res.k_selection   # algorithm x k: BIC (mixtures), silhouette, CH, DB, min/mean Jaccard, gate
    res.comparison    # per algorithm: its own stable k, ARI with the chosen partition
    res.stability     # clusterboot Jaccard per segment + Hennig's reading
    res.profiles      # medians, quartiles and median z of every feature per segment
    res.sizes         # per segment: n, share, profile (tuple of (feature, "high"/"low")), level

The procedure (one path, no vote pooled across algorithms):

1. **Preparation** (:func:`prepare`): configured columns, all-NA / sparse / constant ones dropped
   with the reason; a *zero-inflated* feature (share of zeros >= ``zero_share``, e.g. the young
   registry's transaction counts) is left out of the geometry (``zero_inflated = "drop"``) or
   binarised — a handful of non-zero values would otherwise sit at z up to 8 and *be* the
   clusters; ``log(1 + x)`` for skewed amounts; median imputation (logged); *dequantisation* of
   heavily tied features (<= 200 distinct values, >= 5 units per value on average: uniform noise
   up to half the gap to the neighbouring values, seeded — the standard device for fitting
   densities to discrete data, Theis, van den Oord & Bethge 2016), so that a mixture cannot place
   a degenerate component on one value of a 0–3 score or an IDM sum; z-scores with ddof = 1 (R's ``scale()``).
2. **Model and k** (mixtures, ``primary = "auto"``): Gaussian mixtures with the configured
   covariance types (default tied and diagonal) for k = 1..k_max; every (type, k) ordered by BIC.
   A candidate whose BIC does not beat the best one-cluster model is no evidence of clusters.
3. **Stability gate**: candidates are taken in BIC order and the first whose every segment has a
   mean clusterboot Jaccard >= ``jaccard_gate`` (0.75, Hennig's "stable") is chosen (at most
   ``max_gate_evals`` evaluated). When none passes, ``structure = False``: the result says
   "no clear segment structure" (``reasons``) and ``labels`` hold tiers of the index instead.
4. **Comparison** (reported, never pooled): k-means and Ward over the same k, each gated the same
   way (its stable k = the largest k passing the gate), their ARI with the chosen partition.
5. **Names**: segments are numbered by mean index (1 = highest; PC1 without an index) and named
   by their *profile*: the ``name_n`` features with the largest median z above ``name_z``
   ("high") and below ``-name_z`` ("low"), as a tuple of ``(feature, level)`` codes; the report
   layer translates them. The level (mean index, rank) is a separate column.

Difference from R: ``mclust`` compares more covariance parametrisations; we compare those
configured (tied = mclust ``EEE``, diag = ``VVI``, spherical = ``VII``). BIC here is scikit-learn's
(lower is better; mclust reports its negative).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from kaltara_study.errors import InputError
from kaltara_study.segmentation.algorithms import MIXTURES, fit_labels, fit_range
from kaltara_study.segmentation.config import SegmentationConfig
from kaltara_study.segmentation.select import internal_indices, silhouette_values
from kaltara_study.segmentation.stability import ari_matrix, clusterboot

__all__ = ["SegmentationConfig", "Prepared", "prepare", "scale", "order_by_potential",
           "profiles", "profile_names", "profile_code", "composition", "index_tiers",
           "SegmentationResult", "segment", "segment_table", "ari_vs_answers", "NO_STRUCTURE",
           "NO_FEATURE", "NoUsableFeature"]

NO_STRUCTURE = "no_clear_segment_structure"
NO_FEATURE = "no_usable_feature"


class NoUsableFeature(InputError):
    """Every configured feature is missing, sparse, constant or zero-inflated in this table."""


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
    """Clustering input: ``X`` (scaled, one row per used unit), ``raw`` (unscaled feature values as
    read), ``keys`` (id and region columns), ``ordering`` (index or PC1 per row), ``features``
    used, ``log`` of what was dropped, binarised, imputed, ``dropped`` (feature, reason)."""

    X: pd.DataFrame
    raw: pd.DataFrame
    keys: pd.DataFrame
    ordering: pd.Series
    ordering_source: str
    features: list[str]
    log: list[str]
    dropped: pd.DataFrame
    pca_loadings: pd.DataFrame | None = None


def _numeric(s: pd.Series) -> pd.Series:
    if s.dtype == bool or str(s.dtype) == "boolean":
        s = s.astype("Float64")
    return pd.to_numeric(s, errors="coerce").astype(float)


def _pc1(Z: pd.DataFrame, negative: Sequence[str]) -> pd.Series:
    A = Z.to_numpy() - Z.to_numpy().mean(0)
    _, _, vt = np.linalg.svd(A, full_matrices=False)
    v = vt[0]
    sign_ref = np.array([-1.0 if c in negative else 1.0 for c in Z.columns])
    if float(v @ sign_ref) < 0:
        v = -v
    return pd.Series(A @ v, index=Z.index, name="pc1")


def prepare(table: pd.DataFrame, config: SegmentationConfig, *,
            index: pd.DataFrame | pd.Series | None = None, id_col: str = "coop_id",
            seed: int = 0) -> Prepared:
    """Select, transform, impute, dequantise and scale the features; attach the ordering.

    ``index``: a frame with ``id_col`` and ``index`` (``compute_index(...).scores``) or a Series
    aligned with ``table``. The input is not modified.
    """
    t = table.sort_values(id_col, kind="stable").reset_index(drop=True) \
        if id_col in table.columns else table.reset_index(drop=True)
    log: list[str] = []
    dropped: list[dict] = []
    cols: list[str] = []
    binarised: list[str] = []
    for c in config.columns:
        if c not in t.columns:
            dropped.append({"feature": c, "reason": "not_in_table"})
            continue
        s = _numeric(t[c])
        cov = float(s.notna().mean()) if len(s) else 0.0
        zero = float((s[s.notna()] == 0).mean()) if s.notna().any() else 0.0
        if cov == 0:
            dropped.append({"feature": c, "reason": "all_missing"})
        elif cov < config.min_coverage:
            dropped.append({"feature": c, "reason": f"coverage {cov:.2f} < {config.min_coverage:.2f}"})
        elif s.nunique(dropna=True) < 2:
            dropped.append({"feature": c, "reason": "constant"})
        elif zero >= config.zero_share and config.zero_inflated == "drop":
            dropped.append({"feature": c, "reason": f"zero_inflated ({zero:.0%} zeros)"})
        else:
            if zero >= config.zero_share and config.zero_inflated == "binarise":
                binarised.append(c)
            cols.append(c)
    raw = pd.DataFrame({c: _numeric(t[c]) for c in cols}, index=t.index)
    idx_series = None
    if index is not None and config.index != "none":
        if isinstance(index, pd.DataFrame):
            if id_col not in index.columns or "index" not in index.columns:
                raise InputError(f"index must have columns {id_col} and index "
                                 "(compute_index(...).scores)")
            idx_series = t[[id_col]].merge(index[[id_col, "index"]], on=id_col, how="left")["index"]
        else:
            idx_series = pd.Series(np.asarray(index, float))
        idx_series = pd.to_numeric(idx_series, errors="coerce").astype(float)
        idx_series.index = t.index
        if idx_series.notna().mean() < 0.5:
            log.append("index observed for fewer than half the units: segments ordered by PC1")
            idx_series = None
    if idx_series is not None and config.index == "feature":
        raw["index"] = idx_series
        cols.append("index")
    for d in dropped:
        log.append(f"dropped feature {d['feature']}: {d['reason']}")
    if not cols:
        raise NoUsableFeature("no usable clustering feature: every configured column is missing, sparse, "
                         "constant or zero-inflated; add observed columns to [features] columns")
    keep = pd.Series(True, index=t.index)
    if config.missing == "drop":
        keep = raw.notna().all(axis=1)
        if (~keep).any():
            log.append(f"dropped {int((~keep).sum())} rows with a missing feature value")
    X = raw[keep].copy()
    rng = np.random.default_rng(np.random.SeedSequence([seed, 7]))
    for c in cols:
        if c in binarised:
            X[c] = (X[c] > 0).astype(float).where(X[c].notna())
            log.append(f"binarised zero-inflated feature {c} (0 / > 0)")
        elif c in config.log:
            if (X[c].dropna() < 0).any():
                raise InputError(f"feature {c} has negative values; remove it from [features] log")
            X[c] = np.log1p(X[c])
        n_na = int(X[c].isna().sum())
        if n_na:
            X[c] = X[c].fillna(X[c].median())
            log.append(f"imputed {n_na} missing value(s) of {c} with the median")
    if config.dequantise:
        for c in cols:
            x = X[c].to_numpy()
            v = np.unique(x)
            # heavily tied values (a 0-3 score, IDM sums): at most 200 distinct values, each held
            # by 5 or more units on average; regular grids and irregular ones alike
            if c in binarised or v.size > 200 or v.size < 3 or len(x) / v.size < 5:
                continue
            gaps = np.diff(v)
            lo = np.r_[gaps[0], gaps] / 2          # half the distance to the next lower value
            hi = np.r_[gaps, gaps[-1]] / 2         # ... and to the next higher one
            pos = np.searchsorted(v, x)
            X[c] = x + rng.uniform(-lo[pos], hi[pos])
            log.append(f"dequantised discrete feature {c} ({v.size} values): uniform noise up to "
                       "half the gap to the neighbouring values")
    Z = scale(X, ddof=config.ddof) if config.scaling == "zscore" else X.copy()
    loadings = None
    if config.pca:
        A = Z.to_numpy() - Z.to_numpy().mean(0)
        _, s, vt = np.linalg.svd(A, full_matrices=False)
        share = np.cumsum(s ** 2) / np.sum(s ** 2)
        m = int(np.searchsorted(share, config.pca_variance) + 1)
        loadings = pd.DataFrame(vt[:m].T, index=Z.columns, columns=[f"PC{i + 1}" for i in range(m)])
        Z = pd.DataFrame(A @ vt[:m].T, index=Z.index, columns=loadings.columns)
        log.append(f"clustering on {m} principal components ({share[m - 1]:.0%} of the variance)")
    if idx_series is not None:
        ordering = idx_series[keep]
        if ordering.isna().any():
            ordering = ordering.fillna(ordering.median())
            log.append("index missing for some units: median used for ordering only")
        ordering_source = "index"
    else:
        ordering = _pc1(Z if config.pca else scale(X, ddof=config.ddof), config.negative)
        ordering_source = "pc1"
        log.append("segments ordered by the first principal component of the features")
    key_cols = [c for c in (id_col, "kode_desa", "nama_desa", "jenis", "kode_kabkota",
                            "nama_kabkota") if c in t.columns]
    return Prepared(X=Z, raw=raw[keep].copy(), keys=t.loc[keep, key_cols].copy(),
                    ordering=ordering.rename("ordering"), ordering_source=ordering_source,
                    features=cols, log=log,
                    dropped=pd.DataFrame(dropped, columns=["feature", "reason"]),
                    pca_loadings=loadings)


def _featureless(table, cfg, *, index, id_col, why) -> Prepared:
    t = table.sort_values(id_col, kind="stable").reset_index(drop=True) \
        if id_col in table.columns else table.reset_index(drop=True)
    ordering = pd.Series(np.zeros(len(t)), index=t.index)
    source = "none"
    if isinstance(index, pd.DataFrame) and {id_col, "index"} <= set(index.columns):
        o = t[[id_col]].merge(index[[id_col, "index"]], on=id_col, how="left")["index"]
        if o.notna().any():
            ordering, source = pd.Series(o.to_numpy(float), index=t.index), "index"
    key_cols = [c for c in (id_col, "kode_desa", "nama_desa", "jenis", "kode_kabkota",
                            "nama_kabkota") if c in t.columns]
    return Prepared(X=pd.DataFrame(index=t.index), raw=pd.DataFrame(index=t.index),
                    keys=t[key_cols].copy(), ordering=ordering.rename("ordering"),
                    ordering_source=source, features=[], log=[why],
                    dropped=pd.DataFrame(columns=["feature", "reason"]))


# ----------------------------------------------------------------------- order, names
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


def profile_names(profiles_table: pd.DataFrame, *, z: float = 0.5, n: int = 2,
                  exclude: Sequence[str] = ("index",)) -> dict[int, tuple[tuple[str, str], ...]]:
    """Per segment, what it has and lacks: up to ``n`` features with median z >= ``z`` as
    ``(feature, "high")`` (largest first), then up to ``n`` with median z <= -``z`` as
    ``(feature, "low")``; ``(("profile", "average"),)`` when none stands out. Codes only.

    >>> p = pd.DataFrame({"segment": [1, 1, 2, 2], "variable": ["a", "b", "a", "b"],
    ...                   "z_median": [1.2, -0.8, 0.1, 0.2]})
    >>> profile_names(p)
    {1: (('a', 'high'), ('b', 'low')), 2: (('profile', 'average'),)}
    """
    out = {}
    for s, g in profiles_table[~profiles_table["variable"].isin(exclude)].groupby("segment"):
        zz = g.set_index("variable")["z_median"].astype(float)
        hi = zz[zz >= z].sort_values(ascending=False, kind="stable").index[:n]
        lo = zz[zz <= -z].sort_values(kind="stable").index[:n]
        name = tuple((str(v), "high") for v in hi) + tuple((str(v), "low") for v in lo)
        out[int(s)] = name or (("profile", "average"),)
    return out


def profile_code(name: Sequence[tuple[str, str]]) -> str:
    """A flat code for a profile name, e.g. ``"markets:high|bank:low"`` (for tables and files).

    >>> profile_code((("a", "high"), ("b", "low")))
    'a:high|b:low'
    """
    return "|".join(f"{f}:{lv}" for f, lv in name)


def profiles(raw: pd.DataFrame, segments: pd.Series, *, ordering: pd.Series | None = None,
             scaled: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per segment and variable: n, median, q25, q75, IQR and the median z-score.

    ``scaled``: the features as clustered (logged, z-scored); their medians are the ``z_median`` of
    those columns; other columns are z-scored here (ddof = 1).
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
    return pd.DataFrame(rows)


def composition(keys: pd.DataFrame, segments: pd.Series, *, by: str = "nama_kabkota") -> pd.DataFrame:
    """Counts and within-segment shares of ``by`` (kabupaten, or ``jenis`` desa/kelurahan)."""
    if by not in keys.columns:
        return pd.DataFrame(columns=["segment", by, "n", "share"])
    df = pd.DataFrame({"segment": np.asarray(segments), by: keys[by].fillna("(NA)").to_numpy()})
    out = df.groupby(["segment", by], sort=True).size().rename("n").reset_index()
    out["share"] = out["n"] / out.groupby("segment")["n"].transform("sum")
    return out


def index_tiers(values: np.ndarray, cuts: Sequence[float]) -> np.ndarray:
    """Tier numbers on the index's absolute scale: 1 = at or above the highest cut, NaN stays 0.

    >>> index_tiers(np.array([10.0, 50.0, 90.0, np.nan]), [100 / 3, 200 / 3]).tolist()
    [3, 2, 1, 0]
    """
    v = np.asarray(values, float)
    tier = len(cuts) + 1 - np.searchsorted(np.asarray(cuts, float), v, side="right")
    return np.where(np.isnan(v), 0, tier).astype(int)


# ------------------------------------------------------------------------------ top level
@dataclass
class SegmentationResult:
    """Everything :func:`segment` produces (see the module docstring)."""

    structure: bool
    labels: pd.DataFrame
    k: int
    algorithm: str
    k_selection: pd.DataFrame
    comparison: pd.DataFrame
    reasons: list[str]
    stability: pd.DataFrame
    ari: pd.DataFrame
    profiles: pd.DataFrame
    sizes: pd.DataFrame
    names: dict[int, tuple[tuple[str, str], ...]]
    composition_kabupaten: pd.DataFrame
    composition_jenis: pd.DataFrame
    silhouette: pd.DataFrame
    pca: dict[str, pd.DataFrame]
    prepared: Prepared
    config: SegmentationConfig
    log: list[str] = field(default_factory=list)
    partitions: dict[str, np.ndarray] = field(default_factory=dict)


def _pca2(X: pd.DataFrame) -> dict[str, pd.DataFrame]:
    A = X.to_numpy() - X.to_numpy().mean(0)
    _, s, vt = np.linalg.svd(A, full_matrices=False)
    m = min(2, len(s))
    cols = [f"PC{i + 1}" for i in range(m)]
    scores = pd.DataFrame(A @ vt[:m].T, columns=cols, index=X.index)
    load = pd.DataFrame(vt[:m].T, index=X.columns, columns=cols)
    if m == 1:
        scores["PC2"] = 0.0
        load["PC2"] = 0.0
    var = pd.Series(s[:m] ** 2 / np.sum(s ** 2), index=cols)
    return {"scores": scores, "loadings": load, "variance": var.to_frame("share")}


def _boot_opts(cfg: SegmentationConfig, opts: dict) -> dict:
    return {**opts, "kmeans_n_init": min(cfg.boot_n_init, opts["kmeans_n_init"]),
            "gmm_n_init": cfg.boot_gmm_n_init}


def _gate(X: np.ndarray, labels: np.ndarray, alg: str, cfg: SegmentationConfig, opts: dict,
          seed: int, n_jobs: int | None) -> tuple[float, float, Any]:
    """(min, mean) of the per-segment mean Jaccard of ``fpc::clusterboot`` for one partition."""
    _, lab = np.unique(labels, return_inverse=True)
    cb = clusterboot(X, lab, fit_labels(alg, **_boot_opts(cfg, opts)), B=cfg.boot_B, seed=seed,
                     n_jobs=n_jobs)
    j = cb.summary["mean_jaccard"].to_numpy(float)
    return float(np.nanmin(j)), float(np.nanmean(j)), cb


def segment(table: pd.DataFrame, config: SegmentationConfig, *, seed: int = 20251,
            n_jobs: int | None = 1, index: pd.DataFrame | pd.Series | None = None,
            id_col: str = "coop_id", progress: bool = False) -> SegmentationResult:
    """Segment the units of ``table``: prepare, model and k by BIC behind a stability gate,
    compare algorithms, profile and name (codes). Same ``seed`` → same result, whatever ``n_jobs``.

    >>> res = segment(table, cfg, seed=20251, index=compute_index(table, icfg).scores)  # doctest: +SKIP
    >>> res.structure, res.k, res.sizes[["segment", "profile", "level"]]                # doctest: +SKIP
    """
    from threadpoolctl import threadpool_limits  # third-party; kept local: only needed here

    if not isinstance(config, SegmentationConfig):
        raise TypeError("config must be a SegmentationConfig (build it with "
                        "SegmentationConfig.from_dict(mapping, origin=...))")
    # tiny matrices: multi-threaded BLAS only adds overhead
    with threadpool_limits(1, user_api="blas"):
        return _segment(table, config, seed=seed, n_jobs=n_jobs, index=index, id_col=id_col)


def _segment(table, cfg: SegmentationConfig, *, seed, n_jobs, index, id_col) -> SegmentationResult:
    try:
        prep = prepare(table, cfg, index=index, id_col=id_col, seed=seed)
    except NoUsableFeature as exc:
        # e.g. the real registry alone: say so and fall back to index tiers, do not crash the stage
        prep = _featureless(table, cfg, index=index, id_col=id_col, why=str(exc))
        empty = pd.DataFrame(columns=["algorithm", "k", "bic", "silhouette", "calinski_harabasz",
                                      "davies_bouldin", "min_jaccard", "mean_jaccard", "gate"])
        return _no_structure(prep, cfg, empty, pd.DataFrame(columns=["algorithm", "stable_k"]),
                             [NO_STRUCTURE, NO_FEATURE], list(prep.log), prep.ordering.to_numpy(),
                             id_col)
    X = prep.X.to_numpy(dtype=float)
    n = len(X)
    log = list(prep.log)
    reasons: list[str] = []
    k_hi = min(cfg.k_max, n - 1)
    if k_hi < cfg.k_min:
        raise InputError(f"only {n} usable rows: too few for k >= {cfg.k_min}; lower [k] min")
    ks = list(range(cfg.k_min, k_hi + 1))
    s_fit, s_boot, s_idx, s_sub = np.random.SeedSequence(seed).spawn(4)
    idx_seed = int(s_idx.generate_state(1)[0])
    opts = cfg.algorithm_options(n)
    alg_seeds = dict(zip(cfg.algorithms, s_fit.spawn(len(cfg.algorithms))))
    # stability on a seeded subsample when n is large (same rows for every candidate)
    sub = None
    if n > cfg.boot_max_n:
        sub = np.sort(np.random.default_rng(s_sub).choice(n, cfg.boot_max_n, replace=False))
        log.append(f"stability on a seeded sample of {cfg.boot_max_n} of {n} rows")
    Xb = X if sub is None else X[sub]

    fits: dict[str, dict] = {}
    rows = []
    for alg in cfg.algorithms:
        kk = ([1] + ks) if alg in MIXTURES else ks
        fits[alg] = fit_range(alg, X, kk, seed=alg_seeds[alg], **opts)
        for k in kk:
            f = fits[alg][k]
            ind = (internal_indices(X, f.labels, sample_size=cfg.silhouette_sample,
                                    dunn_sample_size=cfg.silhouette_sample, seed=idx_seed)
                   if k > 1 and np.unique(f.labels).size > 1 else {})
            rows.append({"algorithm": alg, "k": k, "bic": f.extra.get("bic", np.nan),
                         "silhouette": ind.get("silhouette", np.nan),
                         "calinski_harabasz": ind.get("calinski_harabasz", np.nan),
                         "davies_bouldin": ind.get("davies_bouldin", np.nan),
                         "min_jaccard": np.nan, "mean_jaccard": np.nan, "gate": pd.NA})
    k_sel = pd.DataFrame(rows)
    gate_seed = int(s_boot.generate_state(1)[0])
    boots: dict[tuple[str, int], Any] = {}

    def evaluate(alg: str, k: int) -> bool:
        lab = fits[alg][k].labels
        lab_b = lab if sub is None else lab[sub]
        if np.unique(lab_b).size < k:
            ok, mn, mean, cb = False, np.nan, np.nan, None
        else:
            mn, mean, cb = _gate(Xb, lab_b, alg, cfg, opts, gate_seed, n_jobs)
            ok = bool(mn >= cfg.jaccard_gate)
        m = (k_sel["algorithm"] == alg) & (k_sel["k"] == k)
        k_sel.loc[m, ["min_jaccard", "mean_jaccard"]] = [mn, mean]
        k_sel.loc[m, "gate"] = ok
        boots[(alg, k)] = cb
        return ok

    chosen: tuple[str, int] | None = None
    mixtures = [a for a in cfg.algorithms if a in MIXTURES]
    if cfg.primary == "auto":
        mk = k_sel[k_sel["algorithm"].isin(mixtures)]
        base = float(mk.loc[mk["k"] == 1, "bic"].min())
        cand = mk[(mk["k"] >= cfg.k_min) & (mk["bic"] < base)].sort_values(["bic", "k"], kind="stable")
        if cand.empty:
            reasons.append("no mixture with k >= 2 has a lower BIC than one Gaussian cluster")
        for r in cand.head(cfg.max_gate_evals).itertuples():
            if evaluate(r.algorithm, int(r.k)):
                chosen = (r.algorithm, int(r.k))
                reasons.append(f"{r.algorithm} with k = {r.k}: lowest BIC among the candidates "
                               f"whose every segment has bootstrap Jaccard >= {cfg.jaccard_gate}")
                break
        if chosen is None and not cand.empty:
            reasons.append(f"none of the {min(len(cand), cfg.max_gate_evals)} lowest-BIC mixtures "
                           f"passes the stability gate (every segment Jaccard >= {cfg.jaccard_gate})")
    comp_rows = []
    for alg in cfg.algorithms:
        if alg in MIXTURES and cfg.primary == "auto":
            continue
        stable = [k for k in ks if evaluate(alg, k)]
        comp_rows.append({"algorithm": alg, "stable_k": max(stable) if stable else np.nan})
        if cfg.primary == alg:
            if stable:
                chosen = (alg, max(stable))
                reasons.append(f"{alg} (primary): k = {max(stable)}, the largest k whose every "
                               f"segment has bootstrap Jaccard >= {cfg.jaccard_gate}")
            else:
                reasons.append(f"{alg} (primary): no k passes the stability gate")
    for alg in mixtures:
        if cfg.primary == "auto":
            sel = k_sel[(k_sel["algorithm"] == alg) & (k_sel["k"] >= 1)]
            comp_rows.append({"algorithm": alg,
                              "stable_k": int(sel.loc[sel["bic"].idxmin(), "k"])
                              if sel["bic"].notna().any() else np.nan})
    comparison = pd.DataFrame(comp_rows, columns=["algorithm", "stable_k"])
    comparison["criterion"] = ["bic_min" if a in MIXTURES and cfg.primary == "auto"
                               else "largest_stable_k" for a in comparison["algorithm"]]

    ordering = prep.ordering.to_numpy()
    if chosen is None:
        reasons.insert(0, NO_STRUCTURE)
        return _no_structure(prep, cfg, k_sel, comparison, reasons, log, ordering, id_col)
    alg, k = chosen
    _, primary = np.unique(fits[alg][k].labels, return_inverse=True)
    seg = order_by_potential(primary, ordering)
    partitions = {}
    comp_ari = []
    for a in cfg.algorithms:
        if k in fits[a]:
            _, lab = np.unique(fits[a][k].labels, return_inverse=True)
            partitions[a] = order_by_potential(lab, ordering)
        comp_ari.append(adjusted_rand_score(seg, partitions[a]) if a in partitions else np.nan)
    comparison["ari_with_chosen_at_k"] = comparison["algorithm"].map(
        dict(zip(cfg.algorithms, comp_ari)))
    ari = ari_matrix(partitions)
    cb = boots[(alg, k)]
    fit_b = fits[alg][k].labels if sub is None else fits[alg][k].labels[sub]
    seg_b = seg if sub is None else seg[sub]
    inv = np.unique(fit_b, return_inverse=True)[1]
    lut = {int(c): int(seg_b[inv == c][0]) for c in np.unique(inv)}
    stab = cb.summary.copy()
    stab["segment"] = stab["cluster"].map(lut)
    stab = stab.drop(columns="cluster").sort_values("segment")[
        ["segment", "size", "mean_jaccard", "n_drawn", "dissolved", "recovered", "reading"]
    ].reset_index(drop=True)
    conf = np.full(n, np.nan)
    conf[sub if sub is not None else slice(None)] = cb.confidence
    prof = profiles(prep.raw, pd.Series(seg, index=prep.raw.index),
                    ordering=prep.ordering if prep.ordering_source == "index" else None,
                    scaled=None if cfg.pca else prep.X)
    names = profile_names(prof, z=cfg.name_z, n=cfg.name_n)
    sizes = _sizes(seg, ordering, names, conf)
    labels_df = _labels(prep, id_col, seg, "cluster", names, sizes, conf)
    sil_df = _silhouette(X, seg, cfg, idx_seed, log)
    pca = _pca2(prep.X)
    pca["scores"]["segment"] = seg
    tiny = sizes[sizes["share"] < 0.02]
    if len(tiny):
        reasons.append(f"{len(tiny)} of {k} segments hold < 2 % of the units")
    return SegmentationResult(
        structure=True, labels=labels_df, k=k, algorithm=alg, k_selection=k_sel,
        comparison=comparison, reasons=reasons, stability=stab, ari=ari, profiles=prof,
        sizes=sizes, names=names,
        composition_kabupaten=composition(prep.keys, pd.Series(seg), by="nama_kabkota"),
        composition_jenis=composition(prep.keys, pd.Series(seg), by="jenis"),
        silhouette=sil_df, pca=pca, prepared=prep, config=cfg, log=log, partitions=partitions)


def _sizes(seg, ordering, names, conf) -> pd.DataFrame:
    ids = sorted(names)
    sizes = pd.DataFrame({"segment": ids})
    sizes["profile"] = [names[s] for s in ids]
    sizes["profile_code"] = [profile_code(names[s]) for s in ids]
    sizes["n"] = [int((seg == s).sum()) for s in ids]
    sizes["share"] = sizes["n"] / len(seg)
    sizes["mean_ordering"] = [float(ordering[seg == s].mean()) for s in ids]
    sizes["level"] = sizes["mean_ordering"].rank(ascending=False, method="min").astype("Int64")
    with np.errstate(all="ignore"):
        sizes["mean_confidence"] = [float(np.nanmean(conf[seg == s])) if np.isfinite(conf[seg == s]).any()
                                    else np.nan for s in ids]
    return sizes


def _labels(prep, id_col, seg, kind, names, sizes, conf) -> pd.DataFrame:
    df = prep.keys[[id_col]].copy() if id_col in prep.keys else pd.DataFrame(index=prep.X.index)
    df["segment"] = seg
    df["segment_kind"] = kind
    df["profile_code"] = df["segment"].map(sizes.set_index("segment")["profile_code"])
    df["level"] = df["segment"].map(sizes.set_index("segment")["level"])
    df["confidence"] = conf
    return df.reset_index(drop=True)


def _silhouette(X, seg, cfg, idx_seed, log) -> pd.DataFrame:
    if len(X) <= cfg.silhouette_sample:
        return pd.DataFrame({"segment": seg, "silhouette": silhouette_values(X, seg)})
    sub = np.sort(np.random.default_rng(idx_seed).choice(len(X), cfg.silhouette_sample, replace=False))
    log.append(f"silhouette on a seeded sample of {cfg.silhouette_sample} rows")
    return pd.DataFrame({"segment": seg[sub], "silhouette": silhouette_values(X[sub], seg[sub])})


def _no_structure(prep, cfg, k_sel, comparison, reasons, log, ordering, id_col) -> SegmentationResult:
    """The fall-back: index tiers (absolute cuts ``[names] tiers``) when an index was given,
    else every unit in one group."""
    if prep.ordering_source == "index":
        seg = index_tiers(ordering, cfg.tiers)
        kind = "index_tier"
        reasons.append(f"units shown by index tier (cuts {list(cfg.tiers)}) instead of segments")
    else:
        seg = np.ones(len(ordering), int)
        kind = "all"
    ids = sorted(np.unique(seg).tolist())
    names = {int(s): (("index_tier", str(s)),) if kind == "index_tier" else (("profile", "all"),)
             for s in ids}
    conf = np.full(len(seg), np.nan)
    sizes = _sizes(seg, ordering, names, conf)
    prof = profiles(prep.raw, pd.Series(seg, index=prep.raw.index),
                    ordering=prep.ordering if prep.ordering_source == "index" else None,
                    scaled=None if cfg.pca else prep.X)
    pca = _pca2(prep.X) if prep.X.shape[1] else {}
    empty = pd.DataFrame(columns=["segment", "size", "mean_jaccard", "n_drawn", "dissolved",
                                  "recovered", "reading"])
    return SegmentationResult(
        structure=False, labels=_labels(prep, id_col, seg, kind, names, sizes, conf), k=1,
        algorithm="none", k_selection=k_sel, comparison=comparison, reasons=reasons,
        stability=empty, ari=pd.DataFrame(), profiles=prof, sizes=sizes, names=names,
        composition_kabupaten=composition(prep.keys, pd.Series(seg), by="nama_kabkota"),
        composition_jenis=composition(prep.keys, pd.Series(seg), by="jenis"),
        silhouette=pd.DataFrame(columns=["segment", "silhouette"]), pca=pca,
        prepared=prep, config=cfg, log=log, partitions={})


def segment_table(result: SegmentationResult) -> pd.DataFrame:
    """Per segment: profile code, level, size, share, mean ordering, confidence, Jaccard + reading."""
    if not result.structure:
        return result.sizes.assign(mean_jaccard=np.nan, reading="n/a")
    return result.sizes.merge(result.stability[["segment", "mean_jaccard", "reading"]],
                              on="segment", how="left")


def ari_vs_answers(result: SegmentationResult, answers: pd.DataFrame, *,
                   column: str = "archetype", id_col: str = "coop_id") -> float:
    """Adjusted Rand index between the segments and a known answer (synthetic archetypes)."""
    m = result.labels.merge(answers[[id_col, column]], on=id_col, how="inner")
    return float(adjusted_rand_score(m[column].astype(str), m["segment"]))
