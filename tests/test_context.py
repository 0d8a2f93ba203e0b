"""Village context: IDM 2023/2024 and change, indicator dimensions, the kelurahan stratum, distances."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kaltara_study.data.context import (
    DIMENSIONS,
    SEATS,
    cooperative_context,
    dimension_scores,
    dimension_table,
    village_context,
)
from kaltara_study.data.schema import IDM_INDICATORS
from kaltara_study.data.sources import load_source


def test_every_indicator_in_exactly_one_dimension():
    t = dimension_table()
    assert sorted(t["indicator"]) == sorted(IDM_INDICATORS) and t["indicator"].is_unique
    assert {"market_access", "finance_access", "logistics_transport", "infrastructure", "digital", "health",
            "social_capital", "environment_disaster"} <= set(DIMENSIONS)
    assert set(DIMENSIONS["finance_access"]) == {"IKE07_BANK_BPR", "IKE08_KREDIT"}
    assert "IKE03_PASAR" in DIMENSIONS["market_access"] and "IKS29_SINYAL_TELEPON" in DIMENSIONS["digital"]


def test_dimension_is_the_mean_on_the_0_5_scale_and_na_when_incomplete():
    rows = pd.DataFrame({i: [5, 5] for i in IDM_INDICATORS}).astype(float)
    rows.loc[0, "IKE07_BANK_BPR"] = 0
    rows.loc[1, "IKE08_KREDIT"] = np.nan
    d = dimension_scores(rows)
    assert d["dim_finance_access"].iat[0] == 2.5 and np.isnan(d["dim_finance_access"].iat[1])
    assert d["dim_market_access"].tolist() == [5.0, 5.0]


def _desa():
    return pd.DataFrame({"kode": ["65.01.01.2001", "65.01.01.2002", "65.71.01.1001"],
                         "jenis": ["desa", "desa", "kelurahan"]})


def test_village_context_years_change_and_kelurahan_stratum():
    idm = pd.DataFrame({"kode": ["65.01.01.2001", "65.01.01.2001", "65.01.01.2002"], "tahun": [2024, 2023, 2024],
                        "iks": [0.8, 0.7, 0.6], "ike": [0.7, 0.6, 0.5], "ikl": [0.6, 0.5, 0.4],
                        "idm": [0.7, 0.6, 0.5], "status_idm": ["BERKEMBANG", "BERKEMBANG", "TERTINGGAL"]})
    ind = pd.DataFrame({"kode": ["65.01.01.2001"], "tahun": [2024], **{i: [3] for i in IDM_INDICATORS}})
    v = village_context(_desa(), idm=idm, indicators=ind).set_index("kode_desa")
    assert v.loc["65.01.01.2001", "idm_change"] == pytest.approx(0.1)
    assert np.isnan(v.loc["65.01.01.2002", "idm_2023"]) and np.isnan(v.loc["65.01.01.2002", "idm_change"])
    assert v.loc["65.01.01.2001", "dim_health"] == 3.0 and v.loc["65.01.01.2001", "ike03_pasar"] == 3
    kel = v.loc["65.71.01.1001"]
    assert kel["stratum"] == "kelurahan"
    idm_cols = [c for c in v.columns if c.startswith(("idm", "iks", "ike", "ikl", "dim_"))]
    assert pd.isna(kel[idm_cols]).all()  # never imputed
    assert v["stratum"].tolist() == ["desa", "desa", "kelurahan"]


def test_cooperative_context_distances():
    c = pd.DataFrame({"cooperative_id": [1, 2, 3, 4], "latitude": [2.8, 2.8, 2.9, np.nan],
                      "longitude": [117.4, 117.4, 117.4, 117.0], "kode_kabkota": ["65.01"] * 4})
    seats = pd.DataFrame({"kode": ["65.01.05"], "lat_centroid": [2.8], "lng_centroid": [117.4]})
    out = cooperative_context(c, seats=seats)
    assert out["capital"].tolist() == ["Tanjung Selor"] * 4
    assert out["dist_capital_km"].tolist()[:3] == [0.0, 0.0, pytest.approx(11.12, abs=0.01)]
    assert out["dist_nearest_coop_km"].tolist()[:3] == [0.0, 0.0, pytest.approx(11.12, abs=0.01)]
    assert out["nearest_coop_id"].tolist()[:2] == [2, 1]
    assert np.isnan(out["dist_capital_km"].iat[3]) and np.isnan(out["dist_nearest_coop_km"].iat[3])


@pytest.mark.realdata
def test_real_village_context(shared_kaltara):
    f = shared_kaltara
    desa = load_source(f / "kaltara_wilayah_2025_desa_kelurahan.csv", "kemendagri_desa").frame
    idm = pd.concat([load_source(f / n, "idm_desa").frame
                     for n in ("idm_kaltara_2024_desa.csv", "idm_kaltara_2023_desa.csv")])
    ind = load_source(f / "idm_kaltara_2024_desa_indicators.csv", "idm_indicators").frame
    v = village_context(desa, idm=idm, indicators=ind)
    assert len(v) == 482 and v["stratum"].value_counts().to_dict() == {"desa": 447, "kelurahan": 35}
    d = v[v["stratum"] == "desa"]
    assert d[["idm_2024", "idm_2023", "idm_change", "dim_market_access", "dim_digital"]].notna().all().all()
    assert v.loc[v["stratum"] == "kelurahan", ["idm_2024", "dim_market_access"]].isna().all().all()
    assert d["idm_status_2024"].value_counts().to_dict() == {"BERKEMBANG": 241, "MAJU": 79, "MANDIRI": 72,
                                                             "TERTINGGAL": 55}
    assert d["idm_status_2023"].value_counts().to_dict() == {"BERKEMBANG": 226, "TERTINGGAL": 96, "MAJU": 67,
                                                             "MANDIRI": 58}
    # the IKE dimensions reproduce the official IKE: sum of the 12 scores / 60
    ike = sum(d[i.lower()].astype(float) for i in IDM_INDICATORS if i.startswith("IKE")) / 60
    assert (abs(ike - d["ike_2024"]) < 6e-5).mean() > 0.99
    cen = load_source(f / "kaltara_boundaries_kecamatan_centroid.csv", "boundary_centroids").frame
    assert {k for _, k in SEATS.values()} <= set(cen["kode"])
