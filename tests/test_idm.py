"""IDM helpers: sub-indices, IDM and status (Permendesa 2/2016), checked by hand and on real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kaltara_study.errors import DataError
from kaltara_study.data.idm import STATUS_ORDER, idm_from_indicators, idm_status


def _long(iks: list[int], ike: list[int], ikl: list[int], key: int = 1, year: int = 2024) -> pd.DataFrame:
    rows = [("IKS", i + 1, s) for i, s in enumerate(iks)] + \
           [("IKE", i + 1, s) for i, s in enumerate(ike)] + \
           [("IKL", i + 1, s) for i, s in enumerate(ikl)]
    return pd.DataFrame(rows, columns=["dimensi", "no", "skor_0_5"]).assign(
        kode_desa_kemendesa=key, tahun=year)


def test_status_thresholds_upper_bounds_inclusive():
    vals = [0.0, 0.4907, 0.49071, 0.5989, 0.599, 0.7072, 0.70721, 0.8155, 0.81551, 1.0, np.nan]
    got = idm_status(vals)
    expected = ["SANGAT TERTINGGAL", "SANGAT TERTINGGAL", "TERTINGGAL", "TERTINGGAL", "BERKEMBANG",
                "BERKEMBANG", "MAJU", "MAJU", "MANDIRI", "MANDIRI"]
    assert got.iloc[:-1].tolist() == expected
    assert pd.isna(got.iloc[-1])
    assert list(got.cat.categories) == list(STATUS_ORDER) and got.cat.ordered


def test_status_rejects_out_of_range():
    with pytest.raises(DataError) as exc:
        idm_status([0.5, 1.2])
    assert exc.value.problems[0]["value"] == 1.2


def test_subindices_by_hand():
    # IKS: 35 scores summing to 140 -> 140/175 = 0.8; IKE: 12 scores summing to 30 -> 0.5;
    # IKL: 3, 4, 5 -> 12/15 = 0.8; IDM = (0.8 + 0.5 + 0.8)/3 = 0.7 -> BERKEMBANG (<= 0.7072)
    iks = [4] * 35
    ike = [5, 5, 5, 5, 5, 5, 0, 0, 0, 0, 0, 0]
    out = idm_from_indicators(_long(iks, ike, [3, 4, 5]))
    row = out.iloc[0]
    assert row.IKS == pytest.approx(0.8, abs=1e-15)
    assert row.IKE == pytest.approx(0.5, abs=1e-15)
    assert row.IKL == pytest.approx(0.8, abs=1e-15)
    assert row.IDM == pytest.approx(0.7, abs=1e-15)
    assert row.status == "BERKEMBANG"


def test_wrong_indicator_counts_and_scores_are_all_reported():
    bad = _long([4] * 34, [5] * 12, [3, 4, 6])
    with pytest.raises(DataError) as exc:
        idm_from_indicators(bad)
    rules = " | ".join(str(p["rule"]) for p in exc.value.problems)
    assert "IKS needs 35" in rules and "score 0..5" in rules


@pytest.mark.realdata
def test_recomputes_official_idm_tana_tidung(shared_kaltara):
    long = pd.read_csv(shared_kaltara / "idm_sample_kaltara_tanatidung_indicators_long.csv")
    official = pd.read_csv(shared_kaltara / "idm_sample_kaltara_tanatidung_summary.csv")
    keys = ["kode_desa_kemendesa", "tahun"]
    got = idm_from_indicators(long).merge(official, on=keys, suffixes=("", "_off"))
    assert len(got) == 28  # 7 villages x 4 years
    diff = (got["IKS"] - got["IKS_off"]).abs()
    # The file holds 14 significant decimals; everything but two 2024 village rows is exact.
    known = {(6504022003, 2024): 4 / 175, (6504022007, 2024): -4 / 175}
    is_known = pd.Series([(k, y) in known for k, y in zip(got.kode_desa_kemendesa, got.tahun)])
    assert (diff[~is_known] < 1e-12).all()
    for col in ("IKE", "IKL"):
        assert ((got[col] - got[f"{col}_off"]).abs() < 1e-12).all()
    assert ((got["IDM"] - got["IDM_off"]).abs()[~is_known] < 1e-12).all()
    for (k, y), d in known.items():
        r = got[(got.kode_desa_kemendesa == k) & (got.tahun == y)].iloc[0]
        assert r.IKS - r.IKS_off == pytest.approx(d, abs=1e-12)
    # Explanation: indicator 30 (Internet Kantor Desa) of the two villages is swapped in 2024.
    sel = (long.tahun == 2024) & (long.dimensi == "IKS") & (long.no == 30)
    i3 = long.index[sel & (long.kode_desa_kemendesa == 6504022003)][0]
    i7 = long.index[sel & (long.kode_desa_kemendesa == 6504022007)][0]
    assert long.at[i3, "indikator"] == "Skor Internet Kantor Desa"
    swapped = long.copy()
    swapped.loc[[i3, i7], "skor_0_5"] = long.loc[[i7, i3], "skor_0_5"].to_numpy()
    fixed = idm_from_indicators(swapped).merge(official, on=keys, suffixes=("", "_off"))
    for col in ("IKS", "IKE", "IKL", "IDM"):
        assert ((fixed[col] - fixed[f"{col}_off"]).abs() < 1e-12).all()
    # Status: from the official IDM and from ours (the swap does not cross a threshold).
    assert (idm_status(official["IDM"]).astype(str) == official["status"]).all()
    assert (got["status"].astype(str) == got["status_off"]).all()
    # 0.81555... (Sesayap 2022) is just above 0.8155 -> MANDIRI: the bound is inclusive for MAJU.
    assert (official.loc[official.IDM.between(0.8155, 0.8156), "status"] == "MANDIRI").all()
