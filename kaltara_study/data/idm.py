"""Indeks Desa Membangun (IDM; Permendesa PDTT 2/2016): composite scores and status.

Each of the 50 indicators is scored 0–5. The three sub-indices are sums over their dimension
divided by the maximum attainable sum:

* IKS (social resilience)   = Σ 35 scores / 175
* IKE (economic resilience) = Σ 12 scores / 60
* IKL (ecological)          = Σ  3 scores / 15
* IDM = (IKS + IKE + IKL) / 3

Status from the official thresholds (upper bounds inclusive): Sangat Tertinggal ≤ 0.4907 <
Tertinggal ≤ 0.5989 < Berkembang ≤ 0.7072 < Maju ≤ 0.8155 < Mandiri.

Checked against the public IDM outputs of 7 villages of Kec. Sesayap Hilir (Tana Tidung) for
2021–2024 (``tests/test_idm.py``): 26 of the 28 village-years reproduce the official IKS/IKE/IKL/IDM
to floating-point precision. In 2024, Bebatu (6504022003) and Menjelutung (6504022007) differ by
exactly ±4/175 in IKS: their indicator 30 scores ("Skor Internet Kantor Desa", 5 and 1) are the
other way round from what the official IKS implies — swapping them reproduces both official values
exactly. The status is unchanged either way.

>>> idm_status(pd.Series([0.49, 0.4907, 0.5, 0.8155, 0.81555])).tolist()
['SANGAT TERTINGGAL', 'SANGAT TERTINGGAL', 'TERTINGGAL', 'MAJU', 'MANDIRI']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kaltara_study.errors import DataError

__all__ = ["DIMENSIONS", "STATUS_ORDER", "THRESHOLDS", "idm_from_indicators", "idm_status",
           "idm_from_subindices"]

#: dimension → (number of indicators, maximum sum)
DIMENSIONS = {"IKS": (35, 175), "IKE": (12, 60), "IKL": (3, 15)}
#: upper bounds (inclusive) of each status but the last
THRESHOLDS = (0.4907, 0.5989, 0.7072, 0.8155)
STATUS_ORDER = ("SANGAT TERTINGGAL", "TERTINGGAL", "BERKEMBANG", "MAJU", "MANDIRI")


def idm_status(idm: pd.Series | Sequence[float] | float) -> pd.Series:
    """Official IDM status for each value (NaN → NA). Upper bounds are inclusive, so 0.8155 is
    MAJU and 0.81555 MANDIRI. Returns an ordered categorical Series."""
    s = pd.Series(idm if not np.isscalar(idm) else [idm], dtype=float)
    if ((s < 0) | (s > 1)).any():
        bad = s[(s < 0) | (s > 1)]
        raise DataError("IDM values must lie in [0, 1]", problems=[
            {"file": None, "row": int(i), "column": "idm", "value": float(v), "rule": "0 <= idm <= 1"}
            for i, v in bad.items()])
    codes = np.searchsorted(np.array(THRESHOLDS), s.to_numpy(), side="left")
    cat = pd.Categorical.from_codes(np.where(s.isna(), -1, codes), categories=list(STATUS_ORDER),
                                    ordered=True)
    return pd.Series(cat, index=s.index, name="status")


def idm_from_subindices(iks: pd.Series, ike: pd.Series, ikl: pd.Series) -> pd.Series:
    """IDM = (IKS + IKE + IKL) / 3."""
    return (iks + ike + ikl) / 3


def idm_from_indicators(long: pd.DataFrame, *, keys: Sequence[str] = ("kode_desa_kemendesa", "tahun"),
                        dimension: str = "dimensi", number: str = "no", score: str = "skor_0_5"
                        ) -> pd.DataFrame:
    """IKS, IKE, IKL, IDM and status per village-year from the 50 indicator scores (long format).

    Checks that each village-year has exactly 35/12/3 distinct indicators with scores in 0–5;
    every violation is reported in one :class:`DataError`.

    >>> rows = [("IKS", i, 5) for i in range(1, 36)] + [("IKE", i, 3) for i in range(1, 13)] \\
    ...      + [("IKL", i, 0) for i in range(1, 4)]
    >>> long = pd.DataFrame(rows, columns=["dimensi", "no", "skor_0_5"]).assign(
    ...     kode_desa_kemendesa=1, tahun=2024)
    >>> idm_from_indicators(long)[["IKS", "IKE", "IKL", "IDM"]].round(4).iloc[0].tolist()
    [1.0, 0.6, 0.0, 0.5333]
    """
    keys = list(keys)
    need = [*keys, dimension, number, score]
    missing = [c for c in need if c not in long.columns]
    if missing:
        raise DataError(f"IDM indicator table lacks columns {missing}")
    problems = []
    sc = pd.to_numeric(long[score], errors="coerce")
    bad = long.index[sc.isna() | (sc < 0) | (sc > 5)]
    problems += [{"file": None, "row": int(i), "column": score, "value": long.at[i, score],
                  "rule": "score 0..5"} for i in bad]
    unknown = set(long[dimension].unique()) - set(DIMENSIONS)
    if unknown:
        problems.append({"file": None, "row": None, "column": dimension, "value": sorted(unknown),
                         "rule": f"dimension in {sorted(DIMENSIONS)}"})
    counts = long.groupby([*keys, dimension])[number].nunique().unstack(dimension)
    for dim, (n, _) in DIMENSIONS.items():
        col = counts[dim] if dim in counts.columns else pd.Series(0, index=counts.index)
        for key, v in col[col.fillna(0) != n].items():
            problems.append({"file": None, "row": None, "column": dimension, "value": key,
                             "rule": f"{dim} needs {n} indicators, found {int(np.nan_to_num(v))}"})
    if problems:
        raise DataError(f"{len(problems)} problem(s) in the IDM indicator table", problems=problems)
    sums = long.assign(**{score: sc}).groupby([*keys, dimension])[score].sum().unstack(dimension)
    out = pd.DataFrame({dim: sums[dim] / mx for dim, (_, mx) in DIMENSIONS.items()})
    out["IDM"] = idm_from_subindices(out["IKS"], out["IKE"], out["IKL"])
    out["status"] = idm_status(out["IDM"]).to_numpy()
    return out.reset_index()
