"""P2: a fresh clone → finished report, install included (target ≤ 120 s on the 2-core machine).

Run: ``.venv/bin/python benchmarks/fresh_clone.py``. Clones the checkout's HEAD into a temporary
folder and times ``make report`` there (venv creation, pinned install, kernel registration, numba
compilation, the whole build), then removes the clone. Prints the machine and the seconds per phase.
"""

from __future__ import annotations

from _machine import machine  # benchmarks/_machine.py

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
        phases["install (venv, pinned stack, kernel)"] = time.perf_counter() - t
        t = time.perf_counter()
        subprocess.run(["make", "-s", "report"], cwd=clone, check=True, capture_output=True)
        phases["make report (cold cache, numba compile included)"] = time.perf_counter() - t
        print(f"P2 fresh clone → report — machine: {machine()}")
        for k, v in phases.items():
            print(f"  {k:52s} {v:7.1f} s")
        print(f"  {'total (target <= 120 s)':52s} {sum(phases.values()):7.1f} s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
