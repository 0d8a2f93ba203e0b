"""Clustering algorithms behind one interface: k-means, Ward, Gaussian mixture, k-medoids (PAM).

Every algorithm is fitted over a range of k by :func:`fit_range` and returns, per k, a
:class:`ClusterFit` with ``labels`` (0..k-1), ``centers`` (centroids, or medoids for PAM), the
fitted ``model`` and extras (``bic`` for mixtures). All are seeded through a
``numpy.random.SeedSequence``; none needs O(n²) memory above the configured thresholds:

- ``kmeans``: the compiled kernel of :mod:`kaltara_study.segmentation.kmeans` (best of ``n_init``
  k-means++ starts), or scikit-learn's ``MiniBatchKMeans`` when ``minibatch=True``.
- ``ward``: ``scipy.cluster.hierarchy.linkage(X, "ward")`` — equal to R's
  ``hclust(dist(X), "ward.D2")`` — cut with ``fcluster(maxclust)`` (R ``cutree``); the tree is
  built once for all k. Above ``ward_max_n`` rows: exact Ward merging of ``ward_micro_clusters``
  k-means micro-clusters weighted by their sizes (Ward's criterion on centroids with weights
  ``n_a n_b / (n_a + n_b)``), memory O(m²) instead of O(n²).
- ``gmm`` / ``gmm_tied`` / ``gmm_diag`` / ``gmm_spherical`` / ``gmm_full``: scikit-learn
  ``GaussianMixture`` (``n_init``, ``reg_covar``), BIC recorded; k = 1 is allowed (the one-cluster
  baseline the BIC of k >= 2 must beat).
- ``pam``: Kaufman & Rousseeuw's PAM, BUILD then SWAP (best swap per pass, as R's ``pam``),
  compiled; above ``pam_max_n`` rows CLARA-style: PAM on ``clara_samples`` seeded samples of
  ``clara_sample_size`` rows, keep the medoids with the lowest total distance over all rows.

>>> import numpy as np
>>> X = np.r_[np.zeros((6, 2)), np.ones((6, 2)) * 5] + np.random.default_rng(1).normal(0, .1, (12, 2))
>>> fits = fit_range("pam", X, [2], seed=np.random.SeedSequence(0))
>>> np.bincount(fits[2].labels).tolist()
[6, 6]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from numba import njit
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import cdist, pdist, squareform
from sklearn.mixture import GaussianMixture
from threadpoolctl import ThreadpoolController

from kaltara_study.segmentation import kmeans as K
from kaltara_study.segmentation.kmeans import kmeans

__all__ = ["ALGORITHMS", "MIXTURES", "ClusterFit", "compile_kernels", "fit_range", "fit_labels", "pam", "weighted_ward",
           "ward_labels"]

#: ``gmm`` uses ``gmm_covariance``; ``gmm_<type>`` fixes the covariance type (tied = one shared
#: covariance, diag = axis-aligned per component, spherical, full)
ALGORITHMS = ("kmeans", "ward", "gmm", "gmm_tied", "gmm_diag", "gmm_spherical", "gmm_full", "pam")
MIXTURES = tuple(a for a in ALGORITHMS if a.startswith("gmm"))

DEFAULTS: dict[str, Any] = {
    "kmeans_n_init": 25, "kmeans_max_iter": 300, "minibatch": False,
    "gmm_covariance": "full", "gmm_n_init": 2, "gmm_reg_covar": 1e-4,
    "ward_max_n": 5000, "ward_micro_clusters": 300,
    "pam_max_n": 2000, "clara_samples": 5, "clara_sample_size": 1000,
}


@dataclass
class ClusterFit:
    """One partition: ``labels`` (0..k-1), ``centers`` (k × p), ``model``, ``extra`` (e.g. ``bic``)."""

    labels: np.ndarray
    centers: np.ndarray
    model: Any = None
    extra: dict = field(default_factory=dict)


def _int_seed(ss: np.random.SeedSequence) -> int:
    return int(ss.generate_state(1)[0])


def _centroids(X: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    C = np.zeros((k, X.shape[1]))
    np.add.at(C, labels, X)
    return C / np.maximum(np.bincount(labels, minlength=k), 1)[:, None]


def _relabel_first_seen(labels: np.ndarray) -> np.ndarray:
    """0..k-1 in order of first appearance (stable, seed-free)."""
    _, first = np.unique(labels, return_index=True)
    order = np.argsort(np.argsort(first))
    _, inv = np.unique(labels, return_inverse=True)
    return order[inv]


# ------------------------------------------------------------------------------- Ward
def weighted_ward(C: np.ndarray, w: np.ndarray, ks: Sequence[int]) -> dict[int, np.ndarray]:
    """Ward merging of weighted points (micro-cluster centroids ``C`` of sizes ``w``).

    Returns, for each k in ``ks``, the label (0..k-1) of every micro-cluster. The merge cost is the
    increase in within-cluster SS, ``w_a w_b / (w_a + w_b) · ||c_a − c_b||²``, exactly Ward's.
    """
    C = np.asarray(C, float).copy()
    w = np.asarray(w, float).copy()
    m = len(C)
    D = squareform(pdist(C, "sqeuclidean"))
    D = D * (w[:, None] * w[None, :]) / (w[:, None] + w[None, :])
    np.fill_diagonal(D, np.inf)
    active = np.ones(m, bool)
    member = np.arange(m)
    out: dict[int, np.ndarray] = {}
    want = set(int(k) for k in ks)
    n_active = m
    if n_active in want:
        out[n_active] = _relabel_first_seen(member.copy())
    while n_active > 1 and n_active > min(want):
        flat = int(np.argmin(D))
        a, b = divmod(flat, m)
        if a > b:
            a, b = b, a
        wa, wb = w[a], w[b]
        C[a] = (wa * C[a] + wb * C[b]) / (wa + wb)
        w[a] = wa + wb
        active[b] = False
        member[member == b] = a
        D[b, :] = np.inf
        D[:, b] = np.inf
        d = ((C - C[a]) ** 2).sum(axis=1) * (w * w[a]) / (w + w[a])
        d[~active] = np.inf
        d[a] = np.inf
        D[a, :] = d
        D[:, a] = d
        n_active -= 1
        if n_active in want:
            out[n_active] = _relabel_first_seen(member.copy())
    return out


def ward_labels(X: np.ndarray, ks: Sequence[int], *, seed: np.random.SeedSequence,
                max_n: int = 5000, micro: int = 300) -> dict[int, np.ndarray]:
    """Ward partitions for every k in ``ks`` (exact below ``max_n`` rows, micro-clusters above)."""
    n = len(X)
    if n <= max_n:
        Z = linkage(X, method="ward")
        return {k: fcluster(Z, k, criterion="maxclust") - 1 for k in ks}
    m = min(micro, n)
    fit = kmeans(X, m, n_init=1, seed=seed, max_iter=30, hartigan=False)
    w = np.bincount(fit.labels, minlength=m).astype(float)
    keep = w > 0
    idx = np.cumsum(keep) - 1
    groups = weighted_ward(fit.centers[keep], w[keep], ks)
    return {k: g[idx[fit.labels]] for k, g in groups.items()}


# -------------------------------------------------------------------------------- PAM
@njit(cache=True, nogil=True)
def _pam_kernel(D, k, max_swap):
    n = D.shape[0]
    med = np.empty(k, np.int64)
    is_med = np.zeros(n, np.bool_)
    # BUILD: first the point with the smallest total distance, then greedy gains
    best = np.inf
    b0 = 0
    for i in range(n):
        s = 0.0
        for j in range(n):
            s += D[i, j]
        if s < best:
            best = s
            b0 = i
    med[0] = b0
    is_med[b0] = True
    near = D[b0].copy()
    for c in range(1, k):
        bg = -1.0
        bi = 0
        for i in range(n):
            if is_med[i]:
                continue
            g = 0.0
            for j in range(n):
                dj = near[j] - D[i, j]
                if dj > 0:
                    g += dj
            if g > bg:
                bg = g
                bi = i
        med[c] = bi
        is_med[bi] = True
        for j in range(n):
            if D[bi, j] < near[j]:
                near[j] = D[bi, j]
    # SWAP: best (medoid, non-medoid) exchange per pass until none improves
    nearest = np.empty(n, np.int64)
    dn = np.empty(n)
    ds = np.empty(n)
    for it in range(max_swap):
        for j in range(n):
            d1 = np.inf
            d2 = np.inf
            a = 0
            for c in range(k):
                d = D[med[c], j]
                if d < d1:
                    d2 = d1
                    d1 = d
                    a = c
                elif d < d2:
                    d2 = d
            nearest[j] = a
            dn[j] = d1
            ds[j] = d2
        bt = 0.0
        bc = -1
        bh = -1
        for c in range(k):
            for h in range(n):
                if is_med[h]:
                    continue
                t = 0.0
                for j in range(n):
                    dh = D[h, j]
                    if nearest[j] == c:
                        t += (dh if dh < ds[j] else ds[j]) - dn[j]
                    elif dh < dn[j]:
                        t += dh - dn[j]
                if t < bt - 1e-12:
                    bt = t
                    bc = c
                    bh = h
        if bc < 0:
            break
        is_med[med[bc]] = False
        med[bc] = bh
        is_med[bh] = True
    labels = np.empty(n, np.int64)
    cost = 0.0
    for j in range(n):
        d1 = np.inf
        a = 0
        for c in range(k):
            d = D[med[c], j]
            if d < d1:
                d1 = d
                a = c
        labels[j] = a
        cost += d1
    return med, labels, cost


def pam(X: np.ndarray, k: int, *, seed: np.random.SeedSequence | int = 0, max_n: int = 2000,
        samples: int = 5, sample_size: int = 1000) -> ClusterFit:
    """k-medoids by PAM (BUILD + SWAP) on Euclidean distances; CLARA-style above ``max_n`` rows.

    ``extra["medoids"]`` holds the row indices of the medoids; ``extra["cost"]`` the total distance.
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    n = len(X)
    if n <= max_n:
        med, lab, cost = _pam_kernel(squareform(pdist(X)), int(k), 100)
        return ClusterFit(lab, X[med], None, {"medoids": med, "cost": float(cost)})
    rng = np.random.default_rng(seed)
    best = None
    for _ in range(samples):
        idx = np.sort(rng.choice(n, min(sample_size, n), replace=False))
        med, _, _ = _pam_kernel(squareform(pdist(X[idx])), int(k), 100)
        cen = X[idx[med]]
        lab = np.empty(n, np.int64)
        cost = 0.0
        for s in range(0, n, 20000):
            d = cdist(X[s:s + 20000], cen)
            lab[s:s + 20000] = d.argmin(axis=1)
            cost += d.min(axis=1).sum()
        if best is None or cost < best[2]:
            best = (idx[med], lab, cost)
    return ClusterFit(best[1], X[best[0]], None, {"medoids": best[0], "cost": float(best[2])})


# ---------------------------------------------------------------------------- the range
def fit_range(name: str, X: np.ndarray, ks: Sequence[int], *, seed: np.random.SeedSequence,
              **opts: Any) -> dict[int, ClusterFit]:
    """Fit algorithm ``name`` for every k in ``ks``. ``opts`` override :data:`DEFAULTS`."""
    if name not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {name!r}; choose from {ALGORITHMS}")
    o = {**DEFAULTS, **opts}
    X = np.ascontiguousarray(X, dtype=np.float64)
    ks = [int(k) for k in ks]
    children = dict(zip(ks, seed.spawn(len(ks))))
    out: dict[int, ClusterFit] = {}
    if name == "ward":
        labs = ward_labels(X, ks, seed=seed, max_n=o["ward_max_n"], micro=o["ward_micro_clusters"])
        for k in ks:
            out[k] = ClusterFit(labs[k], _centroids(X, labs[k], k), None)
        return out
    for k in ks:
        out[k] = _fit_one(name, X, k, children[k], o)
    return out


@lru_cache(maxsize=1)
def _thread_pools() -> ThreadpoolController:
    """The process's native thread pools (BLAS, OpenMP), found once: finding them reads the process's
    memory map, about 4 ms, which ``threadpool_limits`` did again for every mixture fit (2.7 s of the
    village types' 616 fits). scikit-learn is imported above, so its OpenMP runtime is loaded."""
    return ThreadpoolController()


def _fit_one(name: str, X: np.ndarray, k: int, ss: np.random.SeedSequence, o: dict) -> ClusterFit:
    if name == "kmeans":
        if o["minibatch"]:
            from sklearn.cluster import MiniBatchKMeans
            m = MiniBatchKMeans(k, n_init=3, random_state=_int_seed(ss), batch_size=4096).fit(X)
            return ClusterFit(m.labels_.astype(np.int64), m.cluster_centers_, m)
        f = kmeans(X, k, n_init=o["kmeans_n_init"], seed=ss, max_iter=o["kmeans_max_iter"],
                   parallel=o.get("parallel"))
        return ClusterFit(f.labels, f.centers, f)
    if name.startswith("gmm"):
        cov = o["gmm_covariance"] if name == "gmm" else name[4:]

        # scikit-learn's OpenMP k-means initialisation is ~100x slower than needed on small data
        # when its threads compete with numba's pool; one thread is fastest at this size
        with _thread_pools().limit(limits=1):
            m = GaussianMixture(k, covariance_type=cov, n_init=o["gmm_n_init"],
                                random_state=_int_seed(ss), reg_covar=o["gmm_reg_covar"]).fit(X)
        lab = m.predict(X).astype(np.int64)
        return ClusterFit(lab, m.means_, m, {"bic": float(m.bic(X))})
    if name == "pam":
        return pam(X, k, seed=ss, max_n=o["pam_max_n"], samples=o["clara_samples"],
                   sample_size=o["clara_sample_size"])
    if name == "ward":
        lab = ward_labels(X, [k], seed=ss, max_n=o["ward_max_n"], micro=o["ward_micro_clusters"])[k]
        return ClusterFit(lab, _centroids(X, lab, k), None)
    raise ValueError(f"unknown algorithm {name!r}")


def fit_labels(name: str, **opts: Any):
    """A ``fit(X, k, seedseq) -> labels`` function for resampling (clusterboot, prediction strength).

    The replications already run in parallel (joblib threads), so the k-means starts inside one
    replication run serially: no thread pool inside a thread pool."""
    o = {**DEFAULTS, **opts, "parallel": False}

    def fit(X: np.ndarray, k: int, ss: np.random.SeedSequence) -> np.ndarray:
        return _fit_one(name, np.ascontiguousarray(X, dtype=np.float64), int(k), ss, o).labels

    return fit


def _compile_group(group: str) -> list[str]:
    """Compile one group of kernels (see :func:`compile_kernels`); returns their descriptions."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3))
    if group == "study":        # what the study runs: k-means (Hartigan–Wong and Lloyd), W_k, PAM
        K.kmeans(X, 2, n_init=2, seed=1, parallel=False)
        K.kmeans(X, 2, n_init=2, seed=1, parallel=False, hartigan=False)
        K.within_dispersion(X, np.arange(30) % 2)
        D = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(-1))
        _pam_kernel(D, 2, 100)
        kernels = (K._best_of, K._wk, _pam_kernel)
    elif group == "gap":        # the batched gap statistic's Hartigan polish of the best start (benchmarks, tests)
        K.kmeans_batch(X[None], 2, rng.random((1, 2, 2, 2)), polish="best")
        kernels = (K._hartigan,)
    else:
        raise ValueError(f"unknown kernel group {group!r}")
    return [f"{fn.__name__} ({len(fn.signatures)} signature)" for fn in kernels]


def compile_kernels(groups: Sequence[str] = ("study",)) -> list[str]:
    """Compile (and cache on disk) the kernels of ``groups`` once, with the one signature each is
    called with, so the first analysis, test or notebook after an install does not pay for it.

    ``make install`` compiles the ``study`` group (11–25 s on the 2-core machine): the kernels the
    study runs. Parallel k-means starts and the batched gap statistic run these same serial kernels
    from a thread pool (they release the GIL), with the same signatures (the ``gap`` group's Hartigan
    polish is the study's ``int64`` signature, and read-only inputs are copied before they reach a
    kernel), so they compile nothing more and the test suite writes no new cache file next to the
    source. Returns the names of the compiled entry points."""
    return [d for g in groups for d in _compile_group(g)]
