"""Identical outputs on any machine: the stages' tables, written at their reported precision, have the
same bytes whatever the BLAS threading and CPU kernel (OPENBLAS_NUM_THREADS, OPENBLAS_CORETYPE).

The analysis stage (parsing, joining, cleaning: no BLAS) is the test session's (its cache file copied
into both copies), so each process computes the index (Monte-Carlo) and the segmentation (mixtures,
PCA), where BLAS works, and reads the analysis.

The equality means something only if the two settings really computed different numbers: each process
also reports a digest of every stage's floats before they are rounded, and the test requires that
some of them differ between the settings (on the 2-core CI machine the segmentation's k-selection
indices and silhouettes do, in their last bits)."""

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
import numpy as np
import pandas as pd
from kaltara_study import stages
from kaltara_study.study import load_study
from kaltara_study.data.write import write_table

raw = {}
_round = stages.round_result


def floats(obj):
    # every float array of a stage's result, as computed (dataclasses, dicts, lists: recursively)
    if isinstance(obj, pd.DataFrame):
        obj = obj.select_dtypes("float").to_numpy(dtype=float, na_value=np.nan)
    elif isinstance(obj, pd.Series):
        obj = obj.to_numpy() if obj.dtype.kind == "f" else None
    if isinstance(obj, np.ndarray):
        return [np.ascontiguousarray(obj)] if obj.dtype.kind == "f" else []
    if isinstance(obj, dict):
        return [a for v in obj.values() for a in floats(v)]
    if isinstance(obj, (list, tuple)):
        return [a for v in obj for a in floats(v)]
    if hasattr(obj, "__dataclass_fields__"):
        return [a for v in vars(obj).values() for a in floats(v)]
    return []


def recording(obj, *args, **kwargs):
    # the stages round a result once, recursively: the outermost call sees the result as computed
    if current not in raw:
        raw[current] = hashlib.sha256(b"".join(a.tobytes() for a in floats(obj))).hexdigest()
    return _round(obj, *args, **kwargs)


stages.round_result = recording
study = load_study("synthetic")
out = {}
for stage in stages.STAGES[:3]:  # analysis, index (Monte-Carlo), segmentation (mixtures, PCA)
    current = stage.name
    res = stages._cached(study, stage.name)
    frames = {k: v for k, v in vars(res).items() if isinstance(v, pd.DataFrame)}
    for name, df in sorted(frames.items()):
        path = study.root / "tables" / f"{stage.name}_{name}.csv"
        write_table(df, path, index=False, synthetic=True)
        out[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
import threadpoolctl
blas = [i for i in threadpoolctl.threadpool_info() if i["internal_api"] == "openblas"]
print(json.dumps({"tables": out, "unrounded": raw, "arch": blas[0]["architecture"] if blas else None},
                 sort_keys=True))
"""

#: (threads, CPU kernel) pairs; both kernels run on any x86-64 machine with AVX2
SETTINGS = [("1", "Haswell"), ("2", "Sandybridge")]
#: fewer replications than the tiny root's (30 Monte-Carlo draws, B = 10): every BLAS-using step still
#: runs (each mixture and k-means fit of the k range, the PCA, each bootstrap fit), only less often
TINIER = (("indicators.toml", "n_rep = 30", "n_rep = 10"), ("segmentation.toml", "B = 10 ", "B = 3 "))


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
        copy = make_tiny_root(root, tmp_path / f"p{threads}{core}", also=TINIER)
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
    computed = results[0]["unrounded"]
    assert set(computed) == {"index", "segmentation"}, f"stages computed (not read from a cache): {computed}"
    perturbed = sorted(k for k in computed if computed[k] != results[1]["unrounded"][k])
    assert perturbed, "the two BLAS settings computed bit-identical numbers: the equality below would show nothing"
    a, b = (r["tables"] for r in results)
    assert len(a) >= 5, "too few tables written"
    differing = sorted(k for k in a if a[k] != b.get(k))
    assert not differing, f"tables differ between BLAS settings: {differing}"
