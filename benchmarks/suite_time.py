"""P5: ``make test`` on a fresh clone (target ≤ 5 minutes on the 2-core machine), and whether the
test suite left the tree as it found it.

Run: ``.venv/bin/python benchmarks/suite_time.py``. Clones the checkout's HEAD into a temporary
folder, times ``make install`` there (venv, pinned stack, kernel, numba kernels), lists every file
``git status --ignored`` shows, times ``make test`` (the whole suite: unit, property and real-data
tests, doctests, nbval over the notebooks), lists them again and prints what the tests added (the
suite must write only into temporary folders), then removes the clone. Prints the machine, the
seconds per phase and pytest's own summary line.
"""

from __future__ import annotations

from _machine import machine, speed_probe  # benchmarks/_machine.py

import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from kaltara_study.study import paths

TARGET_S = 300


def _tree(clone: Path) -> set[str]:
    """Every untracked, ignored or changed path ``git status`` reports (folders expanded)."""
    out = subprocess.run(["git", "status", "--porcelain", "--ignored", "--untracked-files=all"],
                         cwd=clone, capture_output=True, text=True, check=True).stdout
    return {line[3:] for line in out.splitlines() if line.strip()}


def main() -> None:
    probe_start = speed_probe()  # the machine line's probe is taken at the end: both bracket the run
    tmp = Path(tempfile.mkdtemp(prefix="kaltara-p5-"))
    try:
        clone = tmp / "clone"
        subprocess.run(["git", "clone", "-q", str(paths().root), str(clone)], check=True)
        t = time.perf_counter()
        subprocess.run(["make", "-s", "install"], cwd=clone, check=True, capture_output=True)
        install = time.perf_counter() - t
        before = _tree(clone)
        t = time.perf_counter()
        proc = subprocess.run(["make", "-s", "test"], cwd=clone, capture_output=True, text=True)
        test = time.perf_counter() - t
        added = sorted(_tree(clone) - before)
        summary = [line for line in proc.stdout.splitlines() if re.search(r"\d+ (passed|failed)", line)]
        print(f"P5 make test on a fresh clone — machine: {machine()}; speed probe at the start {probe_start:.2f} s")
        print(f"  {'make install (venv, pinned stack, kernel, numba kernels)':58s} {install:7.1f} s")
        print(f"  {'make test (the suite, .venv ready)':58s} {test:7.1f} s")
        print(f"  {f'make test on a clean clone, install included (target <= {TARGET_S} s)':58s} "
              f"{install + test:7.1f} s")
        print(f"  pytest: {summary[-1].strip('= ') if summary else 'no summary line (exit code ' + str(proc.returncode) + ')'}")
        print(f"  files the tests added to the tree: {len(added)}" + "".join(f"\n    {a}" for a in added[:20]))
        if proc.returncode:
            print(f"  make test FAILED (exit code {proc.returncode}); its last lines:\n{proc.stdout[-2000:]}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
