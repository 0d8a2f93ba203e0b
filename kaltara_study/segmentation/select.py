"""Choosing the number of segments: internal indices, the gap statistic, a vote and a verdict.

Conventions (each one named, because the references differ):

- **Silhouette** follows ``cluster::silhouette`` and scikit-learn: a point alone in its cluster
  scores 0 (NbClust's ``silhouette`` scores it 1; we do not). Above ``sample_size`` rows the mean
  is taken over a seeded random sample (scikit-learn's ``sample_size``), so memory stays O(n).
- **Calinski–Harabasz**: the usual ``[B/(k-1)] / [W/(n-k)]`` (NbClust ``ch`` = scikit-learn).
- **Davies–Bouldin**: NbClust's ``Indice.DB`` with centroids, Minkowski ``p = 2`` between centres
  and dispersion ``S_i = (mean ||x - c_i||^q)^(1/q)`` with **q = 2** by default. scikit-learn's
  ``davies_bouldin_score`` is ``q = 1`` (pass ``q=1`` to reproduce it).
- **Dunn**: min single-linkage distance between clusters / max cluster diameter (``clValid``);
  above ``sample_size`` rows on a seeded sample.
- **Elbow/knee** on the within-cluster sum of squares: ``kneed.KneeLocator`` (convex,
  decreasing); no knee → NA.
- **BIC** (mixtures only): scikit-learn's ``GaussianMixture.bic`` — lower is better.
- **Gap**: a faithful port of ``cluster::clusGap`` (see :func:`gap_statistic`) and ``maxSE``.

The vote (:func:`vote_table`) gives each index one vote for its best k (NbClust's majority rule);
a tie between several k goes to the **smallest** k (NbClust takes the first maximum of its count
table, which is the smallest k; it is also the parsimonious choice).

>>> max_se([2, 3, 5, 4, 7, 8, 5, 4], [.5, .5, 1, .5, .5, 1.5, .5, .5], method="globalSEmax")
5
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy.spatial.distance import pdist, squareform
from sklearn.metrics import calinski_harabasz_score, silhouette_samples

from kaltara_study.segmentation.kmeans import kmeans, kmeans_batch, within_dispersion

__all__ = [
    "MAXSE_METHODS", "silhouette", "silhouette_values", "calinski_harabasz", "davies_bouldin",
    "dunn", "wss", "knee", "internal_indices", "reference_sets", "gap_statistic", "max_se",
    "best_k", "vote_table", "recommend_k",
]

MAXSE_METHODS = ("firstSEmax", "Tibs2001SEmax", "globalSEmax", "firstmax", "globalmax")


def _sample(n: int, size: int | None, seed) -> np.ndarray | None:
    if size is None or n <= size:
        return None
    return np.sort(np.random.default_rng(seed).choice(n, size, replace=False))


def silhouette_values(X: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Per-point silhouette widths (``cluster::silhouette``; singletons 0). Memory is chunked."""
    labels = np.asarray(labels)
    if len(np.unique(labels)) < 2:
        return np.full(len(labels), np.nan)
    return silhouette_samples(X, labels)


def silhouette(X: np.ndarray, labels: np.ndarray, *, sample_size: int | None = 5000,
               seed: int = 0) -> float:
    """Mean silhouette width, on a seeded sample of ``sample_size`` rows when n is larger.

    >>> import numpy as np
    >>> round(silhouette(np.array([[0.], [0.1], [5.], [5.1]]), np.array([0, 0, 1, 1])), 3)
    0.98
    """
    idx = _sample(len(labels), sample_size, seed)
    if idx is not None:
        X, labels = X[idx], np.asarray(labels)[idx]
    v = silhouette_values(X, labels)
    return float(np.mean(v))


def calinski_harabasz(X: np.ndarray, labels: np.ndarray) -> float:
    """Calinski–Harabasz pseudo-F (NbClust ``ch``)."""
    if len(np.unique(labels)) < 2:
        return np.nan
    return float(calinski_harabasz_score(X, labels))


def _centroids(X: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ks, inv = np.unique(labels, return_inverse=True)
    C = np.zeros((len(ks), X.shape[1]))
    np.add.at(C, inv, X)
    counts = np.bincount(inv, minlength=len(ks))
    return C / counts[:, None], inv


def davies_bouldin(X: np.ndarray, labels: np.ndarray, *, q: float = 2.0) -> float:
    """Davies–Bouldin index, NbClust convention ``q = 2`` (``q = 1`` = scikit-learn).

    >>> import numpy as np
    >>> from sklearn.metrics import davies_bouldin_score
    >>> X = np.random.default_rng(0).normal(size=(30, 2)); lab = np.arange(30) % 3
    >>> bool(np.isclose(davies_bouldin(X, lab, q=1), davies_bouldin_score(X, lab)))
    True
    """
    C, inv = _centroids(X, labels)
    k = len(C)
    if k < 2:
        return np.nan
    d = np.sqrt(((X - C[inv]) ** 2).sum(axis=1))
    S = np.array([np.mean(d[inv == j] ** q) ** (1.0 / q) for j in range(k)])
    M = squareform(pdist(C))
    with np.errstate(divide="ignore", invalid="ignore"):
        R = (S[:, None] + S[None, :]) / M
    np.fill_diagonal(R, -np.inf)
    return float(np.mean(R.max(axis=1)))


def dunn(X: np.ndarray, labels: np.ndarray, *, sample_size: int | None = 3000,
         seed: int = 0) -> float:
    """Dunn index: min distance between points of different clusters / max cluster diameter."""
    labels = np.asarray(labels)
    idx = _sample(len(labels), sample_size, seed)
    if idx is not None:
        X, labels = X[idx], labels[idx]
    ks = np.unique(labels)
    if len(ks) < 2:
        return np.nan
    D = squareform(pdist(X))
    same = labels[:, None] == labels[None, :]
    diam = D[same].max()
    sep = D[~same].min()
    return float(sep / diam) if diam > 0 else np.nan


def wss(X: np.ndarray, labels: np.ndarray) -> float:
    """Total within-cluster sum of squares (R ``tot.withinss``)."""
    C, inv = _centroids(X, labels)
    return float(((X - C[inv]) ** 2).sum())


def knee(ks: Sequence[int], values: Sequence[float]) -> int | None:
    """Knee of a decreasing convex curve (``kneed``), e.g. WSS over k; None when there is none."""
    from kneed import KneeLocator

    ks, values = list(ks), list(values)
    if len(ks) < 3 or not np.all(np.isfinite(values)):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kl = KneeLocator(ks, values, curve="convex", direction="decreasing")
    return int(kl.knee) if kl.knee is not None else None


def internal_indices(X: np.ndarray, labels: np.ndarray, *, sample_size: int | None = 5000,
                     dunn_sample_size: int | None = 3000, q: float = 2.0,
                     seed: int = 0) -> dict[str, float]:
    """Silhouette, Calinski–Harabasz, Davies–Bouldin (q), Dunn and WSS of one partition."""
    return {
        "silhouette": silhouette(X, labels, sample_size=sample_size, seed=seed),
        "calinski_harabasz": calinski_harabasz(X, labels),
        "davies_bouldin": davies_bouldin(X, labels, q=q),
        "dunn": dunn(X, labels, sample_size=dunn_sample_size, seed=seed),
        "wss": wss(X, labels),
    }


# ------------------------------------------------------------------------------------ gap
def reference_sets(X: np.ndarray, rngs: Sequence[np.random.Generator], *,
                   space_h0: str = "scaledPCA") -> np.ndarray:
    """clusGap's H0 reference data: uniform on the (PCA-rotated) bounding box of ``X``.

    Exactly R's recipe: centre ``X``; with ``"scaledPCA"`` rotate by the right singular vectors
    ``V``; draw each column uniformly within its range; rotate back (``z1 V'``) and add the means.
    One data set per generator in ``rngs``. Returns an array (B × n × p).
    """
    if space_h0 not in ("scaledPCA", "original"):
        raise ValueError(f"space_h0 must be 'scaledPCA' or 'original', not {space_h0!r}")
    X = np.asarray(X, float)
    n, p = X.shape
    m = X.mean(axis=0)
    xs = X - m
    if space_h0 == "scaledPCA":
        V = np.linalg.svd(xs, full_matrices=False)[2].T
        xs = xs @ V
    lo, hi = xs.min(axis=0), xs.max(axis=0)
    out = np.empty((len(rngs), n, p))
    for b, rng in enumerate(rngs):
        # R: runif per column (column by column); the order of draws differs from R's, the law does not
        z1 = lo + (hi - lo) * rng.random((p, n)).T
        out[b] = (z1 @ V.T if space_h0 == "scaledPCA" else z1) + m
    return out


def gap_statistic(X: np.ndarray, *, k_max: int = 10, B: int = 100, d_power: int = 1,
                  space_h0: str = "scaledPCA", n_init: int = 25, seed: int = 0,
                  labels_by_k: dict[int, np.ndarray] | None = None,
                  cluster_fn: Callable[[np.ndarray, int, np.random.SeedSequence], np.ndarray] | None = None,
                  max_iter: int = 300) -> pd.DataFrame:
    """The gap statistic of ``cluster::clusGap`` (Tibshirani, Walther & Hastie 2001).

    ``logW[k] = log W_k`` with ``W_k = 0.5 Σ_r Σ_{i<j∈r} d_ij^d_power / n_r`` (``d_power = 1`` is
    R's default; 2 is the paper's, then ``W_k`` = tot.withinss / 2); ``E.logW`` is the mean over
    ``B`` reference sets from ``space_h0`` (see :func:`reference_sets`); ``gap = E.logW - logW``;
    ``SE.sim = sqrt(1 + 1/B) · sd`` (sd with n − 1, as R's ``var``).

    The clustering is k-means with ``n_init`` k-means++ starts (R's ``FUNcluster = kmeans,
    nstart = 25`` uses random rows as starts and Hartigan–Wong; with enough starts both reach the
    same partitions on small data), run in the compiled batch kernel, in parallel; or any
    ``cluster_fn(X, k, seedseq) -> labels``. ``labels_by_k`` gives the observed partitions (e.g.
    the ones already fitted for the indices); missing k are fitted here. Each reference set has its
    own child of ``SeedSequence(seed)``, so the result does not depend on threads or ``n_jobs``.

    Returns a DataFrame with columns ``k, logW, E.logW, gap, SE.sim`` (R's ``Tab``).
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    if k_max < 2:
        raise ValueError("k_max must be at least 2 (clusGap's K.max)")
    ss = np.random.SeedSequence(seed)
    obs_ss, ref_ss = ss.spawn(2)
    labels_by_k = dict(labels_by_k or {})
    obs_children = obs_ss.spawn(k_max)
    logW = np.empty(k_max)
    for k in range(1, k_max + 1):
        if k == 1:
            lab = np.zeros(len(X), int)
        elif k in labels_by_k:
            lab = labels_by_k[k]
        elif cluster_fn is not None:
            lab = cluster_fn(X, k, obs_children[k - 1])
        else:
            lab = kmeans(X, k, n_init=n_init, seed=obs_children[k - 1], max_iter=max_iter).labels
        logW[k - 1] = np.log(within_dispersion(X, lab, d_power=d_power))
    children = ref_ss.spawn(B)
    rngs = [np.random.default_rng(c) for c in children]
    Z = reference_sets(X, rngs, space_h0=space_h0)
    if cluster_fn is None:
        U = np.stack([r.random((k_max, n_init, k_max)) for r in rngs])
        logWks = kmeans_batch(Z, k_max, U, d_power=d_power, max_iter=max_iter)
    else:
        logWks = np.empty((B, k_max))
        for b in range(B):
            kid = children[b].spawn(k_max)
            for k in range(1, k_max + 1):
                lab = np.zeros(len(X), int) if k == 1 else cluster_fn(Z[b], k, kid[k - 1])
                logWks[b, k - 1] = np.log(within_dispersion(Z[b], lab, d_power=d_power))
    E = logWks.mean(axis=0)
    se = np.sqrt((1 + 1 / B) * logWks.var(axis=0, ddof=1)) if B > 1 else np.zeros(k_max)
    return pd.DataFrame({"k": np.arange(1, k_max + 1), "logW": logW, "E.logW": E,
                         "gap": E - logW, "SE.sim": se})


def max_se(f: Sequence[float], se: Sequence[float], *, method: str = "firstSEmax",
           se_factor: float = 1.0) -> int:
    """``cluster::maxSE``: the 1-based k of the (SE-respecting) maximum of ``f``.

    Methods (R's definitions): ``globalmax`` = which.max(f); ``firstmax`` = first local maximum;
    ``Tibs2001SEmax`` = smallest k with f(k) >= f(k+1) - SE.factor·s(k+1) (K if none);
    ``firstSEmax`` (R's default) = first k within SE.factor·s of the first local maximum;
    ``globalSEmax`` = first k within SE.factor·s of the global maximum.

    >>> max_se([2, 3, 5, 4, 7, 8, 5, 4], [.5, .5, 1, .5, .5, 1.5, .5, .5], method="Tibs2001SEmax", se_factor=2)
    1
    """
    f = np.asarray(f, float)
    se = np.asarray(se, float)
    K = len(f)
    if K < 1 or len(se) != K or np.any(se < 0) or se_factor < 0:
        raise ValueError("max_se needs equal-length f and se >= 0 and se_factor >= 0")
    fse = se_factor * se

    def first_local() -> int:
        decr = np.diff(f) <= 0
        return int(np.argmax(decr)) + 1 if decr.any() else K

    if method == "firstmax":
        return first_local()
    if method == "globalmax":
        return int(np.argmax(f)) + 1
    if method == "Tibs2001SEmax":
        mp = f[:-1] >= (f - fse)[1:]
        return int(np.argmax(mp)) + 1 if mp.any() else K
    if method in ("firstSEmax", "globalSEmax"):
        nc = first_local() if method == "firstSEmax" else int(np.argmax(f)) + 1
        mp = f[: nc - 1] >= f[nc - 1] - fse[nc - 1]
        return int(np.argmax(mp)) + 1 if mp.any() else nc
    raise ValueError(f"method must be one of {MAXSE_METHODS}, not {method!r}")


# ------------------------------------------------------------------------------ the vote
_DIRECTION = {"silhouette": "max", "calinski_harabasz": "max", "davies_bouldin": "min",
              "dunn": "max", "bic": "min"}


def best_k(table: pd.DataFrame, index: str) -> int | None:
    """The best k of one index column of a k-selection table (max or min by the index's sense)."""
    t = table[["k", index]].dropna()
    if t.empty:
        return None
    pos = t[index].idxmax() if _DIRECTION[index] == "max" else t[index].idxmin()
    return int(t.loc[pos, "k"])


def vote_table(k_selection: pd.DataFrame, gap: pd.DataFrame | None = None, *,
               gap_method: str = "firstSEmax", se_factor: float = 1.0,
               k_min: int = 2) -> pd.DataFrame:
    """One row per (algorithm, index) with the k it votes for.

    ``k_selection``: columns ``algorithm, k`` and index columns (``silhouette``, ``calinski_harabasz``,
    ``davies_bouldin``, ``dunn``, ``wss``, optionally ``bic``). The knee of ``wss`` votes as
    ``elbow``; ``gap`` (a :func:`gap_statistic` table, k-means) votes by ``maxSE(gap_method)``
    restricted to ``k >= k_min`` only when its choice is at least ``k_min`` (a gap choice of k = 1,
    "no structure", is reported but cannot vote for a segmentation).
    """
    rows = []
    for alg, t in k_selection.groupby("algorithm", sort=False):
        t = t.sort_values("k").reset_index(drop=True)
        for idx in ("silhouette", "calinski_harabasz", "davies_bouldin", "dunn", "bic"):
            if idx in t.columns and t[idx].notna().any():
                rows.append({"algorithm": alg, "index": idx, "k": best_k(t, idx)})
        if "wss" in t.columns:
            rows.append({"algorithm": alg, "index": "elbow", "k": knee(t["k"], t["wss"])})
    if gap is not None:
        kg = max_se(gap["gap"], gap["SE.sim"], method=gap_method, se_factor=se_factor)
        rows.append({"algorithm": "kmeans", "index": f"gap_{gap_method}",
                     "k": kg if kg >= k_min else None})
    out = pd.DataFrame(rows, columns=["algorithm", "index", "k"])
    out["k"] = out["k"].astype("Int64")
    return out


def recommend_k(votes: pd.DataFrame, *, algorithm: str | None = None) -> tuple[int, list[str]]:
    """Majority of the votes (of ``algorithm`` when given); ties → the smallest k. Returns (k, reasons)."""
    v = votes if algorithm is None else votes[votes["algorithm"] == algorithm]
    v = v.dropna(subset=["k"])
    if v.empty:
        raise ValueError("no index voted for any k; widen the k range or add features")
    counts = v.groupby("k").size().sort_index()
    top = counts.max()
    winners = counts[counts == top].index.tolist()
    k = int(min(winners))
    for_k = v[v["k"] == k]
    reasons = [f"{top} of {len(v)} votes for k = {k}: " +
               ", ".join(f"{r.index} ({r.algorithm})" for r in for_k.itertuples())]
    if len(winners) > 1:
        reasons.append(f"tie between k = {sorted(int(w) for w in winners)}; the smallest k is "
                       "taken (NbClust's first maximum, the parsimonious choice)")
    others = counts.drop(k)
    if len(others):
        reasons.append("other votes: " + ", ".join(f"k = {int(kk)}: {int(c)}" for kk, c in others.items()))
    return k, reasons
