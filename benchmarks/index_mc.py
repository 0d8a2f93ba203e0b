"""Benchmark of the index Monte-Carlo (issue 4): ≥ 500 replications for 411 units "well under a
minute". Prints the machine (cores, CPU model), wall time and replications per second for
n_jobs = 1 and 2 (the first parallel call includes starting the joblib/loky workers; a second,
warm call is shown too).

Data: the processed synthetic analysis table when the data layer is present
(``kaltara_study.data.pipeline.load_analysis_table("synthetic")``), else a generated 411-row stand-in
with the framework's columns (the timing depends on the shape, 411 × 19, not on the values).

    .venv/bin/python benchmarks/index_mc.py [--n-rep 500]
"""

from __future__ import annotations

from _machine import cpu_model  # benchmarks/_machine.py

import argparse
import os
import platform
import time

import numpy as np
import pandas as pd

from kaltara_study.configs import load_configs  # the shipped configs, as the study reads them
from kaltara_study.index.composite import CompositeIndex, monte_carlo
from kaltara_study.study import paths




def stand_in(n: int = 411, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cfg = load_configs(paths().config, source="synthetic").index
    f = rng.normal(size=n)
    t = pd.DataFrame({"coop_id": [f"K{i:04d}" for i in range(n)],
                      "kode_kabkota": rng.choice(["65.01", "65.02", "65.03", "65.04", "65.71"], n)})
    for ind in cfg.indicators:
        t[ind.column] = np.abs(f + rng.normal(size=n)) * 10
    t.loc[rng.random(n) < 0.1, "health_score"] = np.nan
    return t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-rep", type=int, default=500)
    args = ap.parse_args()
    try:
        from kaltara_study.data.pipeline import build_analysis_table

        table, what = build_analysis_table("synthetic").table, "synthetic analysis table"
    except Exception as exc:  # data layer absent or failing: use the stand-in
        table, what = stand_in(), f"generated stand-in ({type(exc).__name__})"
    print(f"machine: {os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()}")
    print(f"data: {what}, {len(table)} units")
    t0 = time.perf_counter()
    ci = CompositeIndex(load_configs(paths().config, source="synthetic").index, random_state=1).fit(table)
    print(f"fit: {time.perf_counter() - t0:.3f} s ({len(ci.indicators_)} indicators)")
    for n_jobs, label in ((1, "n_jobs=1"), (2, "n_jobs=2 (cold: starts workers)"),
                          (2, "n_jobs=2 (warm)")):
        t0 = time.perf_counter()
        mc = monte_carlo(table, ci, n_rep=args.n_rep, seed=20251, n_jobs=n_jobs)
        dt = time.perf_counter() - t0
        print(f"{label:32s} {args.n_rep} replications: {dt:6.2f} s  "
              f"({args.n_rep / dt:8.0f} replications/s)  ranks {mc.ranks.shape}")


if __name__ == "__main__":
    main()
