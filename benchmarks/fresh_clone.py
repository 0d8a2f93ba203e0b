"""P2: a fresh clone → finished report, install included (target ≤ 120 s on the 2-core machine).

Run: ``.venv/bin/python benchmarks/fresh_clone.py`` (``USE_UV=0`` in the environment: the plain-pip
install). Clones the checkout's HEAD into a temporary folder and times ``make install`` (venv, pinned
stack, kernel registration, numba kernels) and ``make report`` there (the whole build from a cold
stage cache), checks that the build left ``git status`` clean (the committed outputs are what a fresh
clone produces), then removes the clone. Prints the machine and the seconds per phase.
"""

from __future__ import annotations

from _machine import machine  # benchmarks/_machine.py

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from kaltara_study.study import paths


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="kaltara-p2-"))
    try:
        clone = tmp / "clone"
        subprocess.run(["git", "clone", "-q", str(paths().root), str(clone)], check=True)
        phases = {}
        t = time.perf_counter()
        subprocess.run(["make", "-s", "install"], cwd=clone, check=True, capture_output=True)
        phases["install (venv, pinned stack, kernel, numba kernels)"] = time.perf_counter() - t
        t = time.perf_counter()
        subprocess.run(["make", "-s", "report"], cwd=clone, check=True, capture_output=True)
        phases["make report (cold stage cache)"] = time.perf_counter() - t
        status = subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True).stdout
        print(f"P2 fresh clone → report — machine: {machine()}; USE_UV={os.environ.get('USE_UV', '1')}")
        for k, v in phases.items():
            print(f"  {k:52s} {v:7.1f} s")
        print(f"  {'total (target <= 120 s)':52s} {sum(phases.values()):7.1f} s")
        print(f"  git status after make report: {'clean' if not status.strip() else 'CHANGED: ' + status}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
