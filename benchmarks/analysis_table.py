"""Data-layer timings: synthetic generation, analysis-table build from raw, and the cached load.

Run: ``.venv/bin/python benchmarks/analysis_table.py``. Works on temporary copies of the project's
raw folder (nothing in the repository is written); prints the figures with the machine. Figures to
watch, not a timed test.
"""

from __future__ import annotations

from _machine import machine  # benchmarks/_machine.py

import shutil
import tempfile
import time
from pathlib import Path

from kaltara_study.data import synth
from kaltara_study.study import paths
from kaltara_study.data.pipeline import load_analysis_table




def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    print("machine:", machine())
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / ".kaltara-root").write_text("")
        print(f"synth.generate(seed)               {best(lambda: synth.generate(synth.DEFAULT_SEED)):6.2f} s")
        print(f"synth.write_synthetic (13 files)   "
              f"{best(lambda: synth.write_synthetic(root / 'data' / 'raw' / 'synthetic')):6.2f} s")
        t_build = best(lambda: load_analysis_table("synthetic", root=root))
        data = load_analysis_table("synthetic", root=root)
        print(f"analysis table from raw (synthetic) {t_build:6.2f} s  -> {len(data.table)} rows x "
              f"{data.table.shape[1]} cols, audit {len(data.audit)} entries, validation {len(data.validation)} rows")
        shutil.copytree(paths().kaltara_raw, root / "data" / "raw" / "kaltara")  # the vendored real data
        t_real = best(lambda: load_analysis_table("kaltara", root=root))
        real = load_analysis_table("kaltara", root=root)
        print(f"analysis table from raw (kaltara)   {t_real:6.2f} s  -> {len(real.table)} rows, "
              f"{int(real.table['kode_desa'].notna().sum())} matched to Kemendagri codes")

if __name__ == "__main__":
    main()
