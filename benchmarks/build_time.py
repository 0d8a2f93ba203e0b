"""P1: time of a full build from raw vs. its floor (kernel start + imports per notebook).

Run: ``.venv/bin/python benchmarks/build_time.py`` (or ``make bench``). Builds into a scratch folder
(nothing tracked is touched), prints per-notebook times, the floor and the ratio, with the machine.

The floor of a notebook is a papermill run of a notebook holding only its import lines and its
parameters cell: the part of the cost no analysis code can remove.
"""

from __future__ import annotations

from _machine import machine  # benchmarks/_machine.py

import ast
import os
import shutil
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from kaltara_study.report import build
from kaltara_study.study import paths




JOBS = int(os.environ.get("KALTARA_BUILD_JOBS", "2"))


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


def main() -> None:
    root = paths().root
    notebooks = build.discover_notebooks(root / "notebooks")
    params = {"source": "synthetic", "output_dir": "reports", "lang": "id", "seed": 20251}
    tmp = Path(tempfile.mkdtemp(prefix="kaltara-bench-"))
    try:
        floor = {}
        for nb_path in notebooks:
            src = tmp / "floor" / nb_path.name
            src.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(import_only(nbformat.read(nb_path, as_version=4)), src)
            floor[nb_path.name] = build.execute_notebook(src, tmp / "floor-out" / nb_path.name, params)

        t0 = time.perf_counter()
        res = build.build(source="synthetic", output=str(tmp / "report"), log=lambda *a, **k: None,
                          jobs=JOBS)
        total = time.perf_counter() - t0

        print(f"P1 build time — machine: {machine()}; build with jobs={JOBS} (as make report)")
        print(f"{'notebook':32s} {'run s':>8s} {'floor s':>8s}")
        for name, secs in res.notebooks:
            print(f"{name:32s} {secs:8.1f} {floor[name]:8.1f}")
        f = sum(floor.values())
        print(f"{'full build (incl. data layer, HTML, manifest)':48s} {total:8.1f} s")
        print(f"{'floor (kernel start + imports per notebook, sequential)':48s} {f:8.1f} s")
        print(f"{'ratio build / floor (target <= 1.3)':48s} {total / f:8.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
