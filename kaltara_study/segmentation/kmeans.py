"""A compiled k-means kernel for many small problems (numba), equal to scikit-learn's Lloyd.

Why: the gap statistic with ``B = 100`` reference sets, ``K.max = 10`` and 25 starts is 25,000
Lloyd runs on 411 × 10 data; scikit-learn's per-call overhead (≈ 1 ms) dominates at that size.
These kernels run each fit inside compiled code without Python work per iteration, and release
the GIL, so a batch of fits runs over both cores from a thread pool. (They were numba ``prange``
loops once; compiling those parallel regions cost about 30 s on a fresh install, the thread pool
nothing, with the same answers.)

Semantics follow scikit-learn's ``KMeans(algorithm="lloyd")``: labels are assigned to the
current centres, centres are moved to the means; the run stops when the labels do not change
("strict convergence") or when the squared centre shift is ``<= tol * mean(var(X, axis=0))``;
without strict convergence the labels are re-assigned to the final centres; inertia is the sum
of squared distances to the assigned centre. Given the same initial centres the kernel returns
the same labels and inertia as scikit-learn (proved in ``tests/test_cluster_kmeans.py``).
Differences: an empty cluster takes the point farthest from its centre (scikit-learn does the
same, but picks among several points at once); k-means++ seeding is the plain
Arthur & Vassilvitskii (2007) rule with one trial per centre (scikit-learn's "greedy" variant
tries ``2 + log k`` candidates), driven by uniforms drawn from a seeded numpy ``Generator`` so the
result does not depend on threads.

>>> import numpy as np
>>> X = np.r_[np.zeros((5, 2)), np.ones((5, 2)) * 10]
>>> fit = kmeans(X, 2, n_init=3, seed=1)
>>> sorted(np.bincount(fit.labels).tolist())
[5, 5]
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numba import njit

__all__ = ["KMeansFit", "kmeans", "kmeans_from_init", "kmeans_batch", "within_dispersion",
           "tolerance"]


def tolerance(X: np.ndarray, tol: float) -> float:
    """scikit-learn's absolute tolerance: ``tol * mean(var(X, axis=0))``."""
    return float(np.mean(np.var(X, axis=0)) * tol) if tol > 0 else 0.0


@njit(cache=True, nogil=True)
def _assign(XT, C, labels, mind):
    """Nearest centre of every point. ``XT`` is X transposed (p × n): the inner loop runs over
    contiguous points and vectorises; the sum over features keeps the order f = 0..p-1."""
    p, n = XT.shape
    k = C.shape[0]
    dbuf = np.empty(n)
    for i in range(n):
        mind[i] = np.inf
    for j in range(k):
        dbuf[:] = 0.0
        for f in range(p):
            c = C[j, f]
            row = XT[f]
            for i in range(n):
                t = row[i] - c
                dbuf[i] += t * t
        for i in range(n):
            if dbuf[i] < mind[i]:
                mind[i] = dbuf[i]
                labels[i] = j


@njit(cache=True, nogil=True)
def _update(X, labels, mind, k, C_new):
    n, p = X.shape
    counts = np.zeros(k, np.int64)
    C_new[:, :] = 0.0
    for i in range(n):
        j = labels[i]
        counts[j] += 1
        for f in range(p):
            C_new[j, f] += X[i, f]
    for j in range(k):
        if counts[j] == 0:
            # relocate an empty cluster to the point farthest from its centre
            far = 0
            fd = -1.0
            for i in range(n):
                if mind[i] > fd and counts[labels[i]] > 1:
                    fd = mind[i]
                    far = i
            old = labels[far]
            counts[old] -= 1
            for f in range(p):
                C_new[old, f] -= X[far, f]
            labels[far] = j
            mind[far] = 0.0
            counts[j] = 1
            for f in range(p):
                C_new[j, f] = X[far, f]
    for j in range(k):
        for f in range(p):
            C_new[j, f] /= counts[j]


@njit(cache=True, nogil=True)
def _lloyd(X, XT, C0, max_iter, tol_abs, labels):
    n, p = X.shape
    k = C0.shape[0]
    C = C0.copy()
    C_new = np.empty_like(C)
    mind = np.empty(n)
    labels_old = np.full(n, -1, np.int64)
    strict = False
    n_iter = 0
    for it in range(max_iter):
        n_iter = it + 1
        _assign(XT, C, labels, mind)
        _update(X, labels, mind, k, C_new)
        shift = 0.0
        for j in range(k):
            for f in range(p):
                t = C_new[j, f] - C[j, f]
                shift += t * t
        C[:, :] = C_new
        same = True
        for i in range(n):
            if labels[i] != labels_old[i]:
                same = False
                break
        if same:
            strict = True
            break
        if shift <= tol_abs:
            break
        labels_old[:] = labels
    if not strict:
        _assign(XT, C, labels, mind)
    inertia = 0.0
    for i in range(n):
        d = 0.0
        for f in range(p):
            t = X[i, f] - C[labels[i], f]
            d += t * t
        inertia += d
    return C, inertia, n_iter


@njit(cache=True, nogil=True)
def _hartigan(X, XT, C, labels, max_sweeps):
    """Hartigan's single-point transfers after Lloyd (the "optimal transfer" idea of R's
    Hartigan–Wong): move x_i from a to b when n_b/(n_b+1)·d²(x_i, c_b) < n_a/(n_a-1)·d²(x_i, c_a),
    updating both means at once. Every move lowers the within SS strictly, so it stops; the result
    is a Lloyd fixed point too, and escapes many of Lloyd's poor local optima.

    Each sweep first computes all point–centre distances in the vectorised layout; during the
    sweep only the distances to the (few) centres moved since then are recomputed, so a sweep
    without moves costs one vectorised pass."""
    n, p = X.shape
    k = C.shape[0]
    counts = np.zeros(k, np.int64)
    for i in range(n):
        counts[labels[i]] += 1
    D = np.empty((k, n))
    dirty = np.zeros(k, np.bool_)
    moved_any = False
    for sweep in range(max_sweeps):
        for j in range(k):
            row = D[j]
            row[:] = 0.0
            for f in range(p):
                c = C[j, f]
                xr = XT[f]
                for i in range(n):
                    t = xr[i] - c
                    row[i] += t * t
        dirty[:] = False
        moved = False
        for i in range(n):
            a = labels[i]
            if counts[a] <= 1:
                continue
            if dirty[a]:
                da = 0.0
                for f in range(p):
                    t = X[i, f] - C[a, f]
                    da += t * t
            else:
                da = D[a, i]
            best = da * counts[a] / (counts[a] - 1.0)
            bb = a
            for b in range(k):
                if b == a:
                    continue
                if dirty[b]:
                    db = 0.0
                    for f in range(p):
                        t = X[i, f] - C[b, f]
                        db += t * t
                else:
                    db = D[b, i]
                db = db * counts[b] / (counts[b] + 1.0)
                if db < best * (1.0 - 1e-12):
                    best = db
                    bb = b
            if bb != a:
                na = counts[a]
                nb = counts[bb]
                for f in range(p):
                    C[a, f] = (C[a, f] * na - X[i, f]) / (na - 1)
                    C[bb, f] = (C[bb, f] * nb + X[i, f]) / (nb + 1)
                counts[a] -= 1
                counts[bb] += 1
                labels[i] = bb
                dirty[a] = True
                dirty[bb] = True
                moved = True
                moved_any = True
        if not moved:
            break
    if moved_any:
        # exact means (no drift from the incremental updates)
        C[:, :] = 0.0
        for i in range(n):
            for f in range(p):
                C[labels[i], f] += X[i, f]
        for j in range(k):
            for f in range(p):
                C[j, f] /= counts[j]
    inertia = 0.0
    for i in range(n):
        for f in range(p):
            t = X[i, f] - C[labels[i], f]
            inertia += t * t
    return inertia


@njit(cache=True, nogil=True)
def _kmeanspp(X, k, u):
    """k-means++ seeding (one trial per centre) driven by the uniforms ``u`` (length k)."""
    n, p = X.shape
    C = np.empty((k, p))
    first = min(int(u[0] * n), n - 1)
    C[0, :] = X[first, :]
    d2 = np.empty(n)
    for i in range(n):
        d = 0.0
        for f in range(p):
            t = X[i, f] - C[0, f]
            d += t * t
        d2[i] = d
    for c in range(1, k):
        tot = d2.sum()
        if tot <= 0.0:
            idx = min(int(u[c] * n), n - 1)
        else:
            target = u[c] * tot
            acc = 0.0
            idx = n - 1
            for i in range(n):
                acc += d2[i]
                if acc >= target and d2[i] > 0.0:
                    idx = i
                    break
        C[c, :] = X[idx, :]
        for i in range(n):
            d = 0.0
            for f in range(p):
                t = X[i, f] - C[c, f]
                d += t * t
            if d < d2[i]:
                d2[i] = d
    return C


@njit(cache=True, nogil=True)
def _best_of(X, k, U, max_iter, tol_abs, hartigan):
    """Best (lowest inertia, first on ties) of ``U.shape[0]`` k-means++ starts."""
    n = X.shape[0]
    XT = np.ascontiguousarray(X.T)
    best_lab = np.zeros(n, np.int64)
    lab = np.empty(n, np.int64)
    best_C = np.zeros((k, X.shape[1]))
    best_in = np.inf
    best_it = 0
    for s in range(U.shape[0]):
        C0 = _kmeanspp(X, k, U[s])
        C, inertia, it = _lloyd(X, XT, C0, max_iter, tol_abs, lab)
        if hartigan:
            # a typed 50, not the constant: numba would compile a separate Literal[int](50) signature of
            # _hartigan for this call, besides the int64 one the batched gap statistic calls from Python
            inertia = _hartigan(X, XT, C, lab, np.int64(50))
        if inertia < best_in:
            best_in = inertia
            best_lab[:] = lab
            best_C[:, :] = C
            best_it = it
    return best_lab, best_C, best_in, best_it


@njit(cache=True, nogil=True)
def _wk(X, labels, k, d_power):
    """clusGap's W_k = 0.5 * sum_r sum_{i<j in r} d_ij^p / n_r."""
    n, p = X.shape
    counts = np.zeros(k, np.int64)
    for i in range(n):
        counts[labels[i]] += 1
    if d_power == 2:
        # sum_{i<j} d_ij^2 / n_r = within SS of cluster r
        C = np.zeros((k, p))
        for i in range(n):
            for f in range(p):
                C[labels[i], f] += X[i, f]
        for j in range(k):
            if counts[j] > 0:
                for f in range(p):
                    C[j, f] /= counts[j]
        w = 0.0
        for i in range(n):
            for f in range(p):
                t = X[i, f] - C[labels[i], f]
                w += t * t
        return 0.5 * w
    order = np.argsort(labels, kind="mergesort")
    w = 0.0
    start = 0
    for j in range(k):
        m = counts[j]
        s = 0.0
        for a in range(start, start + m):
            ia = order[a]
            for b in range(a + 1, start + m):
                ib = order[b]
                d = 0.0
                for f in range(p):
                    t = X[ia, f] - X[ib, f]
                    d += t * t
                d = np.sqrt(d)
                s += d if d_power == 1 else d ** d_power
        if m > 0:
            w += s / m
        start += m
    return 0.5 * w


def _writable_c64(X) -> np.ndarray:
    """``X`` as a C-contiguous, writeable float64 array (copied only when it is not one already). A
    read-only array (a pandas view, a memory map) would make numba compile every kernel a second time,
    for the read-only array type.

    >>> a = np.ones((2, 2)); a.flags.writeable = False
    >>> _writable_c64(a).flags.writeable
    True
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    return X if X.flags.writeable else X.copy()


def _threads(tasks: int) -> int:
    """Worker threads for ``tasks`` independent kernel calls: one per core, at most one per task."""
    return max(1, min(os.cpu_count() or 1, tasks))


def _gap_task(X, k, U, max_iter, tol_abs, d_power, hartigan, polish_best):
    """``log W_k`` of one reference set for one k (the compiled kernels release the GIL)."""
    if k == 1:
        lab = np.zeros(X.shape[0], np.int64)
    elif hartigan and polish_best:  # the best Lloyd start, then Hartigan transfers on it only
        lab, C, _, _ = _best_of(X, k, U, max_iter, tol_abs, False)
        _hartigan(X, np.ascontiguousarray(X.T), C, lab, 50)  # moves labels and centres in place
    else:
        lab = _best_of(X, k, U, max_iter, tol_abs, hartigan)[0]
    return math.log(_wk(X, lab, k, d_power))


@dataclass(frozen=True)
class KMeansFit:
    """Result of one k-means fit: ``labels`` (0..k-1), ``centers`` (k × p), ``inertia``, ``n_iter``."""

    labels: np.ndarray
    centers: np.ndarray
    inertia: float
    n_iter: int


def kmeans_from_init(X: np.ndarray, init: np.ndarray, *, max_iter: int = 300,
                     tol: float = 1e-4) -> KMeansFit:
    """One Lloyd run from given initial centres (for the equality test with scikit-learn).

    >>> import numpy as np
    >>> kmeans_from_init(np.array([[0.], [1.], [10.]]), np.array([[0.], [10.]])).inertia
    0.5
    """
    X = _writable_c64(X)
    lab = np.empty(X.shape[0], np.int64)
    C, inertia, it = _lloyd(X, np.ascontiguousarray(X.T), np.ascontiguousarray(init, dtype=np.float64), max_iter,
                            tolerance(X, tol), lab)
    return KMeansFit(lab, C, float(inertia), int(it))


def kmeans(X: np.ndarray, k: int, *, n_init: int = 25, seed: int | np.random.SeedSequence = 0,
           max_iter: int = 300, tol: float = 1e-4, parallel: bool | None = None,
           hartigan: bool = True) -> KMeansFit:
    """Best of ``n_init`` k-means++ starts of Lloyd's algorithm (compiled).

    The starts are drawn from ``np.random.default_rng(seed)``; ``parallel`` (default: when
    ``n * k * n_init`` is large) spreads the starts over threads, with the same answer. With
    ``hartigan=True`` (default) each Lloyd run is polished by Hartigan single-point transfers,
    which, like R's Hartigan–Wong, escapes Lloyd's poorer local optima (on ``scale(USArrests)``,
    k = 3, 25 plain k-means++/Lloyd starts miss R's optimum; with the transfers they find it).

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(0, .1, (20, 2)), rng.normal(5, .1, (20, 2))]
    >>> np.bincount(kmeans(X, 2, seed=0).labels).tolist()
    [20, 20]
    """
    X = _writable_c64(X)
    if not 1 <= k <= X.shape[0]:
        raise ValueError(f"k = {k} needs 1 <= k <= n = {X.shape[0]}; lower k")
    U = np.random.default_rng(seed).random((n_init, k))
    if parallel is None:
        parallel = X.shape[0] * k * n_init > 2_000_000
    tol_abs = tolerance(X, tol)
    if not parallel:
        lab, C, inertia, it = _best_of(X, k, U, max_iter, tol_abs, hartigan)
        return KMeansFit(lab, C, float(inertia), int(it))
    # the starts in contiguous blocks, one per thread; the first block's best wins ties, as in one run
    blocks = [np.ascontiguousarray(b) for b in np.array_split(U, _threads(n_init)) if len(b)]
    with ThreadPoolExecutor(len(blocks)) as pool:
        fits = list(pool.map(lambda b: _best_of(X, k, b, max_iter, tol_abs, hartigan), blocks))
    lab, C, inertia, it = min(fits, key=lambda f: f[2])  # min keeps the first of equal inertias
    return KMeansFit(lab, C, float(inertia), int(it))


def within_dispersion(X: np.ndarray, labels: np.ndarray, *, d_power: int = 1) -> float:
    """``W_k`` of ``cluster::clusGap``: ``0.5 * Σ_r Σ_{i<j∈r} d_ij^d.power / n_r``.

    With ``d_power = 2`` this is half the total within-cluster sum of squares.

    >>> import numpy as np
    >>> within_dispersion(np.array([[0.], [2.]]), np.array([0, 0]))
    0.5
    """
    X = _writable_c64(X)
    lab = np.asarray(labels)
    _, lab = np.unique(lab, return_inverse=True)
    return float(_wk(X, lab.astype(np.int64), int(lab.max()) + 1, int(d_power)))


def kmeans_batch(Xs: np.ndarray, k_max: int, U: np.ndarray, *, max_iter: int = 300,
                 tol: float = 1e-4, d_power: int = 1, hartigan: bool = True,
                 polish: str = "best") -> np.ndarray:
    """``log W_k`` (clusGap) of each data set in ``Xs`` (B × n × p) for k = 1..k_max.

    ``polish``: ``"best"`` (default) runs the Hartigan transfers on the best of the Lloyd starts
    only, ``"all"`` on every start (closer to R's Hartigan–Wong on every ``nstart``, about 2.5×
    slower here). On reference sets (uniform boxes, no cluster structure) the two give the same
    E.log W to well within its simulation SE (``tests/test_cluster_reference.py``).

    ``U`` (B × k_max × n_init × k_max) holds the uniforms of the k-means++ starts. The batch runs
    in parallel over (b, k); each task is independent, so the answer does not depend on threads.
    The tolerance is taken from the first data set (all reference sets share one scale).
    """
    Xs = _writable_c64(Xs)
    if polish not in ("best", "all"):
        raise ValueError("polish must be 'best' or 'all'")
    U = np.asarray(U, dtype=np.float64)
    tol_abs, B, k_max = tolerance(Xs[0], tol), Xs.shape[0], int(k_max)
    tasks = [(b, k) for b in range(B) for k in range(1, k_max + 1)]

    def task(bk):
        b, k = bk
        return _gap_task(Xs[b], k, np.ascontiguousarray(U[b, k - 1, :, :k]), int(max_iter), tol_abs,
                         int(d_power), bool(hartigan), polish == "best")

    with ThreadPoolExecutor(_threads(len(tasks))) as pool:
        out = list(pool.map(task, tasks))
    return np.array(out, dtype=np.float64).reshape(B, k_max)

