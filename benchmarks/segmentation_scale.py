"""Benchmark of the full segmentation at n = 411, 10,000 and 80,000 cooperatives (issue 5; P3).

The full analysis = index (``compute_index``, nominal, no Monte-Carlo) + k = 2..10 with every index
(silhouette and Dunn sampled above 5,000 / 3,000 rows) + gap statistic (B = 100; on a seeded sample
of 1,000 rows above that size) + 100 clusterboot replications + prediction strength + profiles.
Algorithms: k-means and Ward (micro-cluster Ward above 5,000 rows); at n = 411 also all four
(k-means, Ward, GMM, PAM). Each size runs in a fresh subprocess so that the peak resident memory
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``, whole process incl. imports) is per size.

Data: the synthetic analysis table from the generator (411 cooperatives); larger n are made by
resampling its rows with replacement and multiplying every numeric column by lognormal noise
(sd 0.1) and suffixing coop ids — the shape and the marginal distributions of the generator's data
at national size (the generator itself makes Kaltara's 411).

    .venv/bin/python benchmarks/segmentation_scale.py            # 411, 10000, 80000
    .venv/bin/python benchmarks/segmentation_scale.py --one 10000
"""

from __future__ import annotations

from _machine import cpu_model  # benchmarks/_machine.py

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd




def table_of_size(n: int, seed: int = 1) -> pd.DataFrame:
    from kaltara_study.data.pipeline import build_analysis_table

    base = build_analysis_table("synthetic").table
    if n == len(base):
        return base
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(base), n)
    t = base.iloc[idx].reset_index(drop=True).copy()
    t["coop_id"] = [f"{c}-{i:06d}" for i, c in enumerate(t["coop_id"])]
    for c in t.columns:
        if pd.api.types.is_float_dtype(t[c]) and c not in ("idm_year",):
            t[c] = t[c] * np.exp(rng.normal(0, 0.1, n))
    return t


def one(n: int, all_algorithms: bool) -> dict:
    from kaltara_study.configs import load_configs  # imported in the child process, as the rest
    from kaltara_study.index.composite import compute_index
    from kaltara_study.segmentation.segment import segment
    from kaltara_study.study import paths

    table = table_of_size(n)
    algs = (("gmm_tied", "gmm_diag", "kmeans", "ward", "pam") if all_algorithms
            else ("gmm_tied", "gmm_diag", "kmeans", "ward"))
    cfg = load_configs(paths().config, source="synthetic").segmentation.with_options(algorithms=algs)
    segment(table.iloc[:300], cfg.with_options(boot_B=2, max_gate_evals=1), seed=1)   # warm kernels
    t0 = time.perf_counter()
    idx = compute_index(table, load_configs(paths().config, source="synthetic").index, seed=1, uncertainty=False)
    t_index = time.perf_counter() - t0
    t1 = time.perf_counter()
    res = segment(table, cfg, seed=20251, index=idx.scores, n_jobs=2)
    t_seg = time.perf_counter() - t1
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2  # KiB -> GiB
    return {"n": n, "algorithms": "+".join(algs), "index_s": round(t_index, 1),
            "segmentation_s": round(t_seg, 1), "total_s": round(t_index + t_seg, 1),
            "peak_rss_GiB": round(peak, 2), "structure": res.structure, "algorithm": res.algorithm,
            "k": res.k, "min_jaccard": round(float(res.stability["mean_jaccard"].min()), 2)
            if res.structure else None}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--one", type=int)
    ap.add_argument("--all-algorithms", action="store_true")
    ap.add_argument("--sizes", default="411,10000,80000")
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.all_algorithms)))
        return
    print(f"machine: {os.cpu_count()} cores, {cpu_model()}, "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 1024 ** 3:.0f} GiB RAM, "
          f"Python {platform.python_version()}")
    print(f"load average at start (other work on the machine): {os.getloadavg()}")
    runs = [(411, True)] + [(int(s), False) for s in args.sizes.split(",")]
    rows = []
    for n, allalg in runs:
        cmd = [sys.executable, __file__, "--one", str(n)] + (["--all-algorithms"] if allalg else [])
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), flush=True)
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
