"""P6: cleaning a 200,000-row SIMKOPDES-style registry export (target ≤ 10 s and ≤ 600 MB).

Builds a messy registry file in a temporary folder (zeros written as "-", English and Indonesian
thousands, a few duplicates, totals rows, phone numbers typed into count cells), loads it through
:func:`kaltara_study.data.sources.load_source` (not timed for P6, printed) and times
:func:`kaltara_study.data.clean.clean_source` on the loaded frame, with its peak memory
(``tracemalloc`` in a second, untimed run: Python allocations during cleaning, numpy/pandas buffers
included) and the
process's peak resident size (``resource``: everything, the load included).

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/clean_registry.py [n_rows]``. Figures to watch, not a
timed test.
"""

from __future__ import annotations

from _machine import machine  # benchmarks/_machine.py

import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from kaltara_study.data.clean import clean_source
from kaltara_study.data.sources import load_source


def registry(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """A SIMKOPDES village-statistics export of ``n`` rows, messy the way downloads arrive."""
    districts = np.array(["KAB. BULUNGAN", "KAB. MALINAU", "KAB. NUNUKAN", "KAB. TANA TIDUNG", "KOTA TARAKAN"])
    d = rng.integers(0, 5, n)
    counts = lambda hi: np.where(rng.random(n) < 0.7, "-", rng.integers(0, hi, n).astype(str))  # noqa: E731
    money = np.where(rng.random(n) < 0.8, "-", pd.Series(rng.integers(1, 5_000, n) * 1000).map(
        lambda v: f"{v:,}").to_numpy())
    df = pd.DataFrame({
        "province_id": "24", "province": "KALIMANTAN UTARA",
        "district_id": (358 + d).astype(str), "district": districts[d],
        "subdistrict_id": rng.integers(4000, 9000, n).astype(str),
        "subdistrict": pd.Series(rng.integers(0, 600, n)).map(lambda i: f"Kecamatan {i}").to_numpy(),
        "village_id": (50_000 + np.arange(n)).astype(str),
        "village": pd.Series(rng.integers(0, 90_000, n)).map(lambda i: f"Desa {i}").to_numpy(),
        "cooperatives": np.where(rng.random(n) < 0.02, "2", "1"),
        "accounts_count": counts(5), "npwp_count": counts(2), "nib_count": counts(2), "rat_count": counts(2),
        "transaction_volume": counts(400), "transaction_value": money,
        "simpanan_pokok_amount": money, "simpanan_pokok_members": counts(300), "simpanan_pokok_tx": counts(300),
        "simpanan_wajib_amount": money, "simpanan_wajib_members": counts(300), "simpanan_wajib_tx": counts(300),
        "savings_total_amount": money,
    })
    # a phone number typed into a count, duplicates of whole rows
    df.loc[rng.choice(n, 20, replace=False), "simpanan_pokok_members"] = "081234567890"
    dup = df.sample(200, random_state=1)
    return pd.concat([df, dup], ignore_index=True)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    rng = np.random.default_rng(6)
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "simkopdes_kaltara_village_stats.csv"
        registry(n, rng).to_csv(path, index=False)
        t0 = time.perf_counter()
        res = load_source(path, "simkopdes_village_stats")
        t1 = time.perf_counter()
        print(f"load_source {res.n_read:,} rows: {t1 - t0:.2f} s (read + parse + validate; not part of P6); "
              f"report lines {len(res.report):,}")
        def clean():
            return clean_source(res.frame, "simkopdes_village_stats", file=res.file, n_read=res.n_read,
                                rejected_at_load=res.rejected)

        t2 = time.perf_counter()
        out = clean()  # timed without tracemalloc (it slows Python allocations several-fold)
        t3 = time.perf_counter()
        tracemalloc.start()
        clean()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"P6 clean_source {out.n_read:,} rows: {t3 - t2:.2f} s (target <= 10 s); peak traced memory "
          f"{peak / 2**20:.0f} MiB during cleaning (target <= 600 MB); process peak RSS {rss:.0f} MiB")
    print(f"kept {len(out.frame):,}, rejected {len(out.rejected):,}, audit entries {len(out.audit):,}: "
          + ", ".join(f"{k} {v:,}" for k, v in out.audit["rule"].value_counts().items()))


if __name__ == "__main__":
    main()
