"""Identical outputs on any machine: the stages' tables, written at their reported precision, have the
same bytes whatever the BLAS threading and CPU kernel (OPENBLAS_NUM_THREADS, OPENBLAS_CORETYPE).

The analysis stage (parsing, joining, cleaning: no BLAS) is the test session's (its cache file copied
into both copies), so each process computes the index (Monte-Carlo) and the segmentation (mixtures,
PCA), where BLAS works, and reads the analysis."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from kaltara_study import stages
from kaltara_study.study import load_study

from conftest import analysis, make_tiny_root

SCRIPT = r"""
import hashlib, json, sys
import pandas as pd
from kaltara_study import stages
from kaltara_study.study import load_study
from kaltara_study.data.write import write_table
study = load_study("synthetic")
out = {}
for stage in stages.STAGES[:3]:  # analysis, index (Monte-Carlo), segmentation (mixtures, PCA)
    res = stages._cached(study, stage.name)
    frames = {k: v for k, v in vars(res).items() if isinstance(v, pd.DataFrame)}
    for name, df in sorted(frames.items()):
        path = study.root / "tables" / f"{stage.name}_{name}.csv"
        write_table(df, path, index=False, synthetic=True)
        out[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
import threadpoolctl
blas = [i for i in threadpoolctl.threadpool_info() if i["internal_api"] == "openblas"]
print(json.dumps({"tables": out, "arch": blas[0]["architecture"] if blas else None}, sort_keys=True))
"""

#: (threads, CPU kernel) pairs; both kernels run on any x86-64 machine with AVX2
SETTINGS = [("1", "Haswell"), ("2", "Sandybridge")]


@pytest.mark.slow
def test_tables_identical_under_different_blas_threads_and_kernels(tmp_path, root):
    if os.uname().machine not in ("x86_64", "AMD64"):
        pytest.skip("OPENBLAS_CORETYPE kernels named here are x86-64 kernels")
    analysis("synthetic")  # the data layer does no linear algebra: both runs read the session's table
    session = load_study("synthetic")
    cached = session.cache_dir / f"analysis-{stages.stage_key(session, stages.BY_NAME['analysis'])}.joblib"
    assert cached.is_file(), f"the session's analysis cache is not where the stages keep it: {cached}"
    results = []
    for threads, core in SETTINGS:
        copy = make_tiny_root(root, tmp_path / f"p{threads}{core}")
        dest = load_study("synthetic", root=copy).cache_dir
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy2(cached, dest / cached.name)
        env = {**os.environ, "KALTARA_ROOT": str(copy), "OPENBLAS_NUM_THREADS": threads,
               "OPENBLAS_CORETYPE": core, "OMP_NUM_THREADS": threads}
        proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env)
        assert proc.returncode == 0, proc.stderr[-3000:]
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    archs = [r["arch"] for r in results]
    assert archs[0] != archs[1], f"the CPU kernel setting had no effect: {archs}"
    a, b = (r["tables"] for r in results)
    assert len(a) >= 5, "too few tables written"
    differing = sorted(k for k in a if a[k] != b.get(k))
    assert not differing, f"tables differ between BLAS settings: {differing}"
