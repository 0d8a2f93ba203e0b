"""Data-loading speed at national scale: read + parse + validate an 80,000-row messy survey CSV,
and match 80,000 village names to an 84,000-village list within their kecamatan.

Run: ``.venv/bin/python benchmarks/data_loading.py``. Writes only to a temporary folder; prints the
times with the machine. Numbers are figures to watch, not a timed test.
"""

from __future__ import annotations

from _machine import machine  # benchmarks/_machine.py

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kaltara_study.data.read import read_table
from kaltara_study.data.sources import load_source
from kaltara_study.data.regions import match_names




def messy_survey(n: int, rng: np.random.Generator) -> pd.DataFrame:
    money = np.array(["Rp 1.250.000", "Rp 1,2 juta", "3 M", "250 rb", "-", "#DIV/0!", "12500000", "1,5 jt"])
    yes = np.array(["Ya", "Tidak", "ada", "tidak ada", "1", "0", "-", ""])
    dates = np.array(["12 Agustus 2025", "12-08-2025", "2025-08-12", "45881", "1 Nop 2024", ""])
    return pd.DataFrame({
        "ID Koperasi": [f"KOP-{i:06d}" for i in range(n)],
        "Kode Desa": [f"65{rng.integers(1, 99):02d}{rng.integers(1, 30):02d}2{rng.integers(1, 999):03d}" for _ in range(n)],
        "Jumlah Anggota": rng.integers(-5, 2000, n).astype(str),
        "Modal Sendiri (Rp)": rng.choice(money, n),
        "NPWP": rng.choice(yes, n),
        "Tanggal RAT Terakhir": rng.choice(dates, n),
    })


def main() -> None:
    import pandera.pandas as pa

    from kaltara_study.data.schema import COLUMN_ALIASES, RAW_SCHEMAS

    rng = np.random.default_rng(20251)
    n = 80_000
    src = RAW_SCHEMAS["survey"]
    cols = ["coop_id", "kode_desa", "members", "own_capital_rp", "has_npwp", "last_rat_date"]
    schema = pa.DataFrameSchema({c: src.columns[c] for c in cols}, coerce=True)
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "survey_80k.csv"
        messy_survey(n, rng).to_csv(path, sep=";", index=False)
        t0 = time.perf_counter()
        raw = read_table(path)
        t1 = time.perf_counter()
        res = load_source(path, "survey", schemas={"survey": schema}, aliases={"survey": COLUMN_ALIASES["survey"]})
        t2 = time.perf_counter()
    print(f"read_table {n:,} rows x {raw.frame.shape[1] - 1} cols: {t1 - t0:.2f} s")
    print(f"load_source (read + parse + validate): {t2 - t1:.2f} s; kept {len(res.frame):,}, "
          f"rejected {len(res.rejected):,}, report lines {len(res.report):,}")

    m = 84_000
    parents = np.repeat([f"65.{i // 100:02d}.{i % 100:02d}" for i in range(7_000)], 12)
    names = pd.Series([f"desa {x}" for x in rng.integers(0, 10**6, m)])
    ref = pd.DataFrame({"kode": [f"c{i}" for i in range(m)], "nama": names, "kode_kecamatan": parents})
    # about one name in ten carries a typo, as in the registry exports
    typo = names[:n].where(rng.random(n) > 0.1, names[:n].str.replace("1", "l", n=1, regex=False))
    t3 = time.perf_counter()
    out = match_names(typo, ref, level="desa", within=pd.Series(parents[:n]), within_col="kode_kecamatan")
    t4 = time.perf_counter()
    print(f"match_names {n:,} names within 7,000 kecamatan ({m:,} villages): {t4 - t3:.2f} s; "
          + ", ".join(f"{k} {v:,}" for k, v in out["status"].value_counts().items()))


if __name__ == "__main__":
    main()
