"""Performance target P4 (GUIDE.md): 411 × 10 — indices for k = 2..10 + gap statistic (B = 100,
K.max = 10, 25 starts) + clusterboot (B = 100); target (issue 11) ≥ 5× faster than R (cluster,
fpc, NbClust) run side by side on the same matrix when ``Rscript`` is installed (otherwise it
prints that R is absent and our time only), with the same k as R.

Prints the machine, the compile (first-call) time of the numba kernels (cached on disk afterwards,
``cache=True``), then the warm wall time of each part and the total, and the k chosen by the gap on
``scale(USArrests)`` compared with R's published ``clusGap`` print (k = 4 by ``firstmax``; with R's
printed table ``firstSEmax`` also gives 4).

The gap's reference sets use Hartigan transfers on the best Lloyd start (``polish="best"``,
tested equal to polishing every start within the simulation SE); the observed data keep the
transfers on every start.

Data: the first 10 configured features of the synthetic analysis table (411 cooperatives) when the
data layer is present, else a 411 × 10 Gaussian stand-in of the same shape.

    .venv/bin/python benchmarks/gap_p4.py
"""

from __future__ import annotations

from _machine import cpu_model  # benchmarks/_machine.py

import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))




def data_411x10() -> tuple[np.ndarray, str]:
    try:
        import tomllib

        from kaltara_study.data.pipeline import build_analysis_table
        from kaltara_study.segmentation.config import SegmentationConfig
        from kaltara_study.segmentation.segment import prepare

        root = Path(__file__).resolve().parents[1]
        with open(root / "config" / "segmentation.toml", "rb") as fh:
            cfg = SegmentationConfig.from_dict(tomllib.load(fh), origin="segmentation.toml")
        prep = prepare(build_analysis_table("synthetic").table, cfg)
        return prep.X.iloc[:, :10].to_numpy(), "synthetic analysis table, first 10 features"
    except Exception as exc:  # noqa: BLE001 - benchmark falls back to a stand-in
        return np.random.default_rng(0).normal(size=(411, 10)), f"Gaussian stand-in ({type(exc).__name__})"


def run(X: np.ndarray, *, n_jobs: int = 2) -> dict[str, float]:
    from threadpoolctl import threadpool_limits

    from kaltara_study.segmentation.algorithms import fit_labels, fit_range
    from kaltara_study.segmentation.select import gap_statistic, internal_indices
    from kaltara_study.segmentation.stability import clusterboot

    t = {}
    with threadpool_limits(1, user_api="blas"):
        t0 = time.perf_counter()
        fits = fit_range("kmeans", X, range(2, 11), seed=np.random.SeedSequence(1), kmeans_n_init=25)
        for k, f in fits.items():
            internal_indices(X, f.labels)
        t["indices k=2..10 (k-means, 25 starts)"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        gap = gap_statistic(X, k_max=10, B=100, n_init=25, seed=2,
                            labels_by_k={k: f.labels for k, f in fits.items()})
        t["gap (B=100, K.max=10, 25 starts)"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        clusterboot(X, fits[4].labels, fit_labels("kmeans", kmeans_n_init=10), B=100, seed=3,
                    n_jobs=n_jobs)
        t["clusterboot (B=100, k=4, 10 starts)"] = time.perf_counter() - t0
    t["total"] = sum(t.values())
    return t


def r_side_by_side(X: np.ndarray) -> float | None:
    """The same workload in R (cluster::clusGap, fpc::clusterboot, NbClust) when Rscript exists."""
    import shutil
    import subprocess
    import tempfile

    if shutil.which("Rscript") is None:
        print("R is absent on this machine (no Rscript): no side-by-side ratio; our time below")
        return None
    with tempfile.TemporaryDirectory() as d:
        np.savetxt(f"{d}/x.csv", X, delimiter=",")
        code = (f'X <- as.matrix(read.csv("{d}/x.csv", header=FALSE)); suppressMessages({{'
                'library(cluster); library(fpc); library(NbClust)}}); t0 <- proc.time()[["elapsed"]];'
                'invisible(NbClust(X, min.nc=2, max.nc=10, method="kmeans", index="all"));'
                'invisible(clusGap(X, kmeans, K.max=10, B=100, nstart=25));'
                'invisible(clusterboot(X, B=100, clustermethod=kmeansCBI, k=4, count=FALSE));'
                'cat(proc.time()[["elapsed"]] - t0)')
        try:
            out = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True, timeout=900)
            return float(out.stdout.strip().split()[-1])
        except Exception as exc:  # noqa: BLE001 - a missing R package is reported, not fatal
            print(f"R run failed ({type(exc).__name__}): {out.stderr[-300:] if 'out' in dir() else ''}")
            return None


def main() -> None:
    print(f"machine: {os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()}")
    try:
        print(f"load average (other work on the machine): {os.getloadavg()}")
    except OSError:
        pass
    X, what = data_411x10()
    print(f"data: {what}, shape {X.shape}")
    t0 = time.perf_counter()
    run(X[:60])                                                      # compile / load the kernels
    print(f"first call (numba compile or cache load): {time.perf_counter() - t0:.2f} s")
    for rep in range(2):
        t = run(X)
        print(f"run {rep + 1}: " + "; ".join(f"{k}: {v:.2f} s" for k, v in t.items()))
    r = r_side_by_side(X)
    if r is not None:
        print(f"R: {r:.2f} s; ratio R / ours = {r / t['total']:.1f}x (target >= 5x)")
    # same k as R on USArrests
    from test_cluster_reference import US  # noqa: E402

    from kaltara_study.segmentation.segment import scale
    from kaltara_study.segmentation.select import gap_statistic, max_se
    import pandas as pd

    rows = [line.split() for line in US.splitlines()]
    Z = scale(pd.DataFrame([[float(v) for v in r[1:]] for r in rows])).to_numpy()
    g = gap_statistic(Z, k_max=10, B=100, n_init=25, seed=123)
    ks = {m: max_se(g["gap"], g["SE.sim"], method=m) for m in ("firstmax", "firstSEmax")}
    print(f"USArrests gap: k = {ks} (R's published clusGap print: firstmax 4; firstSEmax on R's table 4)")


if __name__ == "__main__":
    main()
