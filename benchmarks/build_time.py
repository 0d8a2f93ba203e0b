"""P1: time of a full build from raw vs. its floor (kernel start + imports per notebook).

Run: ``.venv/bin/python benchmarks/build_time.py`` (or ``make bench``). Builds a temporary copy of the
project (nothing in the checkout is touched), prints per-notebook times, each notebook's floor run with
the same number of parallel kernels as the build, and their ratio, with the machine.

The floor of a notebook is a papermill run of a notebook holding only its import lines and its
parameters cell: the part of the cost no analysis code can remove.

The whole measurement (floors, then a build from a cold cache) is repeated ``KALTARA_BENCH_REPEAT``
times (default 3) on fresh copies, and each notebook's median run, median floor and the range of
its ratio are printed: one run of each varies by about 10 % on a 2-core VM.
"""

from __future__ import annotations

from _machine import machine, speed_probe  # benchmarks/_machine.py

import ast
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from kaltara_study.report import build
from kaltara_study.study import load_study, paths

JOBS = int(os.environ.get("KALTARA_BUILD_JOBS", "2"))
SOURCE = os.environ.get("KALTARA_BENCH_SOURCE", "kaltara")
REPEAT = int(os.environ.get("KALTARA_BENCH_REPEAT", "3"))


def import_only(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A notebook with the parameters cell and the import statements of ``nb``, nothing else."""
    out = new_notebook(metadata=nb.metadata)
    imports = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "parameters" in cell.metadata.get("tags", []):
            p = new_code_cell(cell.source)
            p.metadata["tags"] = ["parameters"]
            out.cells.append(p)
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        imports += [ast.get_source_segment(cell.source, n) for n in tree.body
                    if isinstance(n, (ast.Import, ast.ImportFrom))]
    out.cells.append(new_code_cell("\n".join(imports)))
    return out


def _floor(notebooks: list[Path], tmp: Path, params: dict, jobs: int) -> dict[str, float]:
    """Each notebook's floor, run with ``jobs`` kernels at once like the build (like with like)."""
    from concurrent.futures import ThreadPoolExecutor

    def one(nb_path: Path) -> tuple[str, float]:
        src = tmp / "floor" / nb_path.name
        src.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(import_only(nbformat.read(nb_path, as_version=4)), src)
        return nb_path.name, build.execute_notebook(src, tmp / "floor-out" / nb_path.name, params)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return dict(pool.map(one, notebooks))


def _once(project: Path) -> tuple[dict[str, float], dict[str, float], float]:
    """One measurement on a fresh copy: (floor per notebook, run per notebook, full build seconds)."""
    tmp = Path(tempfile.mkdtemp(prefix="kaltara-bench-"))
    try:
        root = tmp / "project"  # a copy: the benchmark never writes into the checkout
        shutil.copytree(project, root, ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "interim", "processed", "reports"))
        os.environ["KALTARA_ROOT"] = str(root)
        study = load_study(SOURCE, root=root, output_dir=str(tmp / "report"))
        notebooks = build.discover_notebooks(root / "notebooks")
        params = {"source": study.source, "output_dir": study.output_dir, "lang": "id", "seed": study.seed}
        floor = _floor(notebooks, tmp, params, JOBS)
        t0 = time.perf_counter()
        res = build.build(study, log=lambda *a, **k: None, jobs=JOBS)
        return floor, dict(res.notebooks), time.perf_counter() - t0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    probe_start = speed_probe()  # the machine line's probe is taken at the end: both bracket the run
    project = paths().root
    runs = [_once(project) for _ in range(REPEAT)]
    print(f"P1 build time — machine: {machine()}; source={SOURCE}; build and floor both with "
          f"jobs={JOBS} (as make report); cold cache (data/interim empty); {REPEAT} repetitions, medians; "
          f"speed probe at the start {probe_start:.2f} s")
    print(f"{'notebook':32s} {'run s':>8s} {'floor s':>8s} {'ratio':>6s} {'ratio range':>12s}")
    worst = 0.0
    for name in runs[0][1]:
        run = statistics.median(r[1][name] for r in runs)
        floor = statistics.median(r[0][name] for r in runs)
        ratios = [r[1][name] / r[0][name] for r in runs]
        worst = max(worst, run / floor)
        print(f"{name:32s} {run:8.1f} {floor:8.1f} {run / floor:6.2f} {min(ratios):5.2f}–{max(ratios):5.2f}")
    total = statistics.median(r[2] for r in runs)
    print(f"{'full build (incl. stages, HTML, manifest)':48s} {total:8.1f} s")
    print(f"{'worst notebook median / its median floor (target <= 1.5)':48s} {worst:8.2f}")


if __name__ == "__main__":
    main()
