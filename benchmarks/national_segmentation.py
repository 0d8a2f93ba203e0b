"""P3 (issue 11): village-context segmentation of all Indonesian desa (IDM 2024 sub-indices IKS, IKE,
IKL) with the full procedure (mixtures by BIC behind the clusterboot gate, k-means and Ward compared).
Prints wall time and peak memory (target <= 120 s, <= 4 GiB). Skips without the national file.

    PYTHONPATH=. .venv/bin/python benchmarks/national_segmentation.py
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import pandas as pd

from kaltara_study.segmentation.config import SegmentationConfig
from kaltara_study.segmentation.segment import segment
from kaltara_study.study import paths

FILE = paths().national / "idm_2024_desa_indonesia.csv"  # read in place, never vendored


def main() -> None:
    if not FILE.is_file():
        print(f"skipped: {FILE} absent")
        return
    t0 = time.perf_counter()
    t = pd.read_csv(FILE, usecols=["kode", "iks", "ike", "ikl", "idm"]).dropna()
    cfg = SegmentationConfig.from_dict({
        "features": {"columns": ["iks", "ike", "ikl"], "index": "ordering", "dequantise": True},
        "algorithms": {"use": ["gmm_tied", "gmm_diag", "kmeans", "ward"], "gmm_n_init": 1},
        "stability": {"B": 20, "max_n": 3000},
    }, origin="national benchmark")
    res = segment(t, cfg, seed=20251, n_jobs=2, id_col="kode",
                  index=t[["kode"]].assign(index=100 * t["idm"]))   # IDM on the 0-100 scale of the tiers
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2   # KiB -> GiB
    print(f"desa: {len(t)}; structure: {res.structure}; algorithm {res.algorithm}, k = {res.k}")
    print(res.reasons)
    print(res.k_selection.round(3).to_string(index=False))
    print(res.sizes[["segment", "profile_code", "n", "level"]].to_string(index=False))
    print(f"wall time: {wall:.1f} s (target <= 120 s); peak memory: {peak:.2f} GiB (target <= 4 GiB)")


if __name__ == "__main__":
    sys.exit(main())
