"""Stability of a segmentation: clusterboot Jaccard, prediction strength, agreement, confidence.

- :func:`clusterboot` follows ``fpc::clusterboot(bootmethod = "boot")`` (Hennig 2007): draw a
  bootstrap sample of row indices (with replacement), recluster the sampled rows (duplicates
  included) with the same method and k, and for each original cluster take the **largest Jaccard
  similarity** between its members among the sampled rows and any new cluster (counted over the
  sampled rows, duplicates included, as fpc does). The mean over ``B`` replications is the cluster's
  stability. Hennig's reading: mean ≤ 0.5 *dissolved*, 0.6–0.75 *pattern* (some structure, not
  reliably a cluster), ≥ 0.75 *stable*, ≥ 0.85 *highly stable* (0.5–0.6: *unstable*). fpc also
  counts dissolutions (Jaccard ≤ 0.5) and recoveries (≥ 0.75); so do we. Difference: when no row
  of an original cluster is drawn (possible for tiny clusters) fpc records 0; we record NA and
  average over the replications that drew it (reported as ``n_drawn``).
- **Assignment confidence** (not in fpc): in every replication the new clusters are matched to
  the original segments by the Hungarian algorithm on their overlap; a cooperative's confidence
  is the share of the replications that drew it in which it lands in its own segment.
- :func:`prediction_strength` follows Tibshirani & Walther (2005) as in
  ``fpc::prediction.strength``: split the rows in two halves ``M`` times, cluster both, classify
  the test half by the nearest training centroid, and for each test cluster take the share of its
  pairs also together under the training classification; the strength is the minimum over
  clusters, averaged over the ``M`` splits; the suggested k is the largest with strength ≥ 0.8.
- Replications are seeded by ``SeedSequence(seed).spawn(B)`` — one child per replication — and
  run through joblib (threads; the compiled k-means releases the GIL; a user-provided backend such
  as ``joblib.parallel_backend("dask")`` is honoured), so the answer does not depend on ``n_jobs``.

>>> import numpy as np
>>> from kaltara_study.segmentation.kmeans import kmeans
>>> X = np.r_[np.zeros((10, 2)), np.ones((10, 2)) * 9] + np.random.default_rng(0).normal(0, .1, (20, 2))
>>> fit = lambda Z, k, s: kmeans(Z, k, n_init=3, seed=s).labels
>>> res = clusterboot(X, kmeans(X, 2, seed=0).labels, fit, B=20, seed=1)
>>> res.summary["mean_jaccard"].round(2).tolist()
[1.0, 1.0]
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score

__all__ = ["ClusterbootResult", "clusterboot", "hennig_reading", "prediction_strength",
           "ari_matrix", "match_labels"]

FitFn = Callable[[np.ndarray, int, np.random.SeedSequence], np.ndarray]


def hennig_reading(j: float) -> str:
    """Hennig's (2007) reading of a mean bootstrap Jaccard value."""
    if not np.isfinite(j):
        return "n/a"
    if j <= 0.5:
        return "dissolved"
    if j < 0.6:
        return "unstable"
    if j < 0.75:
        return "pattern"
    if j < 0.85:
        return "stable"
    return "highly stable"


def match_labels(reference: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Map ``labels`` onto ``reference`` labels (both 0..k-1) maximising the overlap (Hungarian)."""
    kl = int(labels.max()) + 1 if len(labels) else 0
    size = max(k, kl)
    C = np.zeros((size, size), np.int64)
    np.add.at(C, (labels, reference), 1)
    r, c = linear_sum_assignment(-C)
    mapping = np.empty(size, np.int64)
    mapping[r] = c
    return mapping[labels]


def _one_rep(X: np.ndarray, labels: np.ndarray, k: int, fit: FitFn, ss: np.random.SeedSequence):
    n = len(X)
    rng_ss, fit_ss = ss.spawn(2)
    bs = np.random.default_rng(rng_ss).integers(0, n, n)
    new = np.asarray(fit(X[bs], k, fit_ss))
    _, new = np.unique(new, return_inverse=True)
    orig = labels[bs]
    kn = int(new.max()) + 1
    C = np.zeros((k, kn), np.int64)
    np.add.at(C, (orig, new), 1)
    a = C.sum(axis=1)
    b = C.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        J = C / (a[:, None] + b[None, :] - C)
    jac = np.where(a > 0, J.max(axis=1), np.nan)
    matched = match_labels(orig, new, k)
    hit = matched == orig
    drawn = np.zeros(n, bool)
    drawn[bs] = True
    inseg = np.zeros(n, bool)
    inseg[bs[hit]] = True
    # a row drawn several times counts as in its segment if its copies land there by majority;
    # copies of one row are identical, so k-means/Ward/PAM put them together anyway
    return jac, drawn, inseg


def _chunk(X, labels, k, fit, seeds):
    return [_one_rep(X, labels, k, fit, s) for s in seeds]


@dataclass
class ClusterbootResult:
    """``summary``: per cluster ``cluster, size, mean_jaccard, n_drawn, dissolved, recovered,
    reading``; ``jaccard``: B × k matrix; ``confidence``: per row share of draws in its segment;
    ``n_drawn_rows``: per row number of replications that drew it."""

    summary: pd.DataFrame
    jaccard: np.ndarray
    confidence: np.ndarray
    n_drawn_rows: np.ndarray
    B: int


def clusterboot(X: np.ndarray, labels: np.ndarray, fit: FitFn, *, B: int = 100, seed: int = 0,
                n_jobs: int | None = 1, progress: bool = False, dissolution: float = 0.5,
                recover: float = 0.75) -> ClusterbootResult:
    """Bootstrap Jaccard stability per cluster (``fpc::clusterboot``) and per-row confidence.

    ``labels``: the original partition (0..k-1); ``fit(X_sample, k, seedseq) -> labels``: the same
    clustering method. Seeded per replication; independent of ``n_jobs``.
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    _, labels = np.unique(np.asarray(labels), return_inverse=True)
    k = int(labels.max()) + 1
    if B < 1:
        raise ValueError("B must be a positive number of bootstrap replications")
    seeds = np.random.SeedSequence(seed).spawn(B)
    n_chunks = max(1, min(B, 4 * (n_jobs if n_jobs and n_jobs > 0 else 2)))
    chunks = [list(c) for c in np.array_split(np.arange(B), n_chunks) if len(c)]
    tasks = (delayed(_chunk)(X, labels, k, fit, [seeds[i] for i in c]) for c in chunks)
    par = Parallel(n_jobs=n_jobs, prefer="threads", return_as="generator")
    it = par(tasks)
    if progress:
        from tqdm.auto import tqdm
        it = tqdm(it, total=len(chunks), desc="clusterboot")
    reps = [r for chunk in it for r in chunk]
    jac = np.vstack([r[0] for r in reps])
    drawn = np.vstack([r[1] for r in reps]).sum(axis=0)
    inseg = np.vstack([r[2] for r in reps]).sum(axis=0)
    conf = np.where(drawn > 0, inseg / np.maximum(drawn, 1), np.nan)
    n_ok = np.isfinite(jac).sum(axis=0)
    mean = np.where(n_ok > 0, np.nansum(jac, axis=0) / np.maximum(n_ok, 1), np.nan)
    summary = pd.DataFrame({
        "cluster": np.arange(k),
        "size": np.bincount(labels, minlength=k),
        "mean_jaccard": mean,
        "n_drawn": np.isfinite(jac).sum(axis=0),
        "dissolved": (jac <= dissolution).sum(axis=0),
        "recovered": (jac >= recover).sum(axis=0),
    })
    summary["reading"] = [hennig_reading(v) for v in summary["mean_jaccard"]]
    return ClusterbootResult(summary, jac, conf, drawn, B)


def _nearest(X: np.ndarray, C: np.ndarray) -> np.ndarray:
    d = (X ** 2).sum(1)[:, None] - 2 * X @ C.T + (C ** 2).sum(1)[None, :]
    return d.argmin(axis=1)


def _ps_once(X, k, fit, ss):
    n = len(X)
    rs, a_ss, b_ss = ss.spawn(3)
    perm = np.random.default_rng(rs).permutation(n)
    tr, te = np.sort(perm[: n // 2]), np.sort(perm[n // 2:])
    ltr = np.asarray(fit(X[tr], k, a_ss))
    lte = np.asarray(fit(X[te], k, b_ss))
    C = np.vstack([X[tr][ltr == j].mean(axis=0) for j in np.unique(ltr)])
    pred = _nearest(X[te], C)
    strengths = []
    for j in np.unique(lte):
        m = lte == j
        nj = int(m.sum())
        if nj < 2:
            continue  # fpc: clusters of size 1 are skipped
        cnt = np.bincount(pred[m])
        strengths.append((cnt * (cnt - 1)).sum() / (nj * (nj - 1)))
    return min(strengths) if strengths else np.nan


def prediction_strength(X: np.ndarray, fit: FitFn, *, ks: Sequence[int] = range(2, 11),
                        M: int = 20, seed: int = 0, cutoff: float = 0.8,
                        n_jobs: int | None = 1) -> tuple[pd.DataFrame, int]:
    """Prediction strength per k (Tibshirani & Walther 2005; ``fpc::prediction.strength``).

    Returns ``(table with k, mean, sd; suggested k)`` — the suggested k is the largest with mean
    strength ≥ ``cutoff`` (1 when none).
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    ks = list(ks)
    children = np.random.SeedSequence(seed).spawn(len(ks))
    jobs = [(k, s) for k, c in zip(ks, children) for s in c.spawn(M)]
    res = Parallel(n_jobs=n_jobs, prefer="threads")(delayed(_ps_once)(X, k, fit, s) for k, s in jobs)
    vals = np.array(res, float).reshape(len(ks), M)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # a k whose splits all failed: NaN
        table = pd.DataFrame({"k": ks, "prediction_strength": np.nanmean(vals, axis=1),
                              "sd": np.nanstd(vals, axis=1, ddof=1) if M > 1 else np.nan})
    ok = table.loc[table["prediction_strength"] >= cutoff, "k"]
    return table, int(ok.max()) if len(ok) else 1


def ari_matrix(partitions: dict[str, np.ndarray]) -> pd.DataFrame:
    """Adjusted Rand index between every pair of partitions (symmetric, 1 on the diagonal)."""
    names = list(partitions)
    M = np.ones((len(names), len(names)))
    for i, a in enumerate(names):
        for j in range(i + 1, len(names)):
            M[i, j] = M[j, i] = adjusted_rand_score(partitions[a], partitions[names[j]])
    return pd.DataFrame(M, index=names, columns=names)
