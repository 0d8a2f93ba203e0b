"""Village context from public data: IDM 2023/2024, the 50 IDM indicators by study dimension,
and what coordinates say (distance to the kabupaten capital, to the nearest other cooperative).

Kelurahan (35, all of Kota Tarakan among them) have no IDM by design (IDM covers desa only): they
form their own ``stratum`` ("kelurahan") and keep NA in every IDM column. Nothing is imputed here;
a method that needs complete rows must say how it treats the kelurahan stratum.

The indicator → dimension mapping (:data:`DIMENSIONS`) is data: each of the 50 official indicators
belongs to exactly one dimension, chosen from its name (IKE03_PASAR → market access, IKE07_BANK_BPR
and IKE08_KREDIT → finance access, IKS29_SINYAL_TELEPON → digital, …). A dimension's value is the mean
of its indicators' 0–5 scores, so it stays on the official 0–5 scale.

The kabupaten capitals (:data:`SEATS`) are the official seats, located at the centroid of the
seat's kecamatan polygon (``kaltara_boundaries_kecamatan_centroid.csv``, from
cahyadsn/wilayah_boundaries @ 3c5a7960): Tanjung Selor (kec. Tanjung Selor, 65.01.05), Malinau
(Malinau Kota, 65.02.02), Nunukan (Nunukan, 65.03.02), Tideng Pale (Sesayap, 65.04.01), Tarakan
(Tarakan Tengah, 65.71.02). A centroid is a few km from the town hall: distances are straight-line
(haversine) km, a proxy for remoteness, not travel distance.

>>> sorted(len(v) for v in DIMENSIONS.values())
[2, 3, 3, 4, 5, 5, 7, 7, 14]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kaltara_study.data.identity import haversine_km
from kaltara_study.data.schema import IDM_INDICATORS

__all__ = ["DIMENSIONS", "SEATS", "YEARS", "cooperative_context", "dimension_scores", "village_context",
           "dimension_table"]

YEARS = (2023, 2024)

DIMENSIONS: dict[str, tuple[str, ...]] = {
    "market_access": ("IKE01_KERAGAMAN_PRODUKSI", "IKE02_PERTOKOAN", "IKE03_PASAR", "IKE04_TOKO_WARUNG_KELONTONG",
                      "IKE05_KEDAI_PENGINAPAN"),
    "finance_access": ("IKE07_BANK_BPR", "IKE08_KREDIT"),
    "logistics_transport": ("IKE06_POS_LOGISTIK", "IKE10_TRANSPORTASI_UMUM", "IKE11_KETERBUKAAN_WILAYAH",
                            "IKE12_KUALITAS_JALAN"),
    "infrastructure": ("IKS28_AKSES_LISTRIK", "IKS32_AKSES_JAMBAN", "IKS33_SAMPAH", "IKS34_AIR_MINUM",
                       "IKS35_AIR_MANDI_CUCI"),
    "digital": ("IKS29_SINYAL_TELEPON", "IKS30_INTERNET_KANTOR_DESA", "IKS31_INTERNET_WARGA"),
    "health": ("IKS01_AKSES_SARKES", "IKS02_DOKTER", "IKS03_BIDAN", "IKS04_NAKES_LAIN", "IKS05_KEPESERTAAN_BPJS",
               "IKS06_AKSES_POSKESDES", "IKS07_AKTIVITAS_POSYANDU"),
    "education": ("IKS08_AKSES_SD_MI", "IKS09_AKSES_SMP_MTS", "IKS10_AKSES_SMA_SMK", "IKS11_PAUD",
                  "IKS12_PKBM_PAKET_ABC", "IKS13_KURSUS", "IKS14_TAMAN_BACA_PERPUS"),
    # economic institutions (cooperatives, BUMDes: IKE09) sit with the community's own organisation
    "social_capital": ("IKE09_LEMBAGA_EKONOMI", "IKS15_KEBIASAAN_GOTONG_ROYONG", "IKS16_FREKUENSI_GOTONG_ROYONG",
                       "IKS17_RUANG_PUBLIK", "IKS18_KELOMPOK_OLAHRAGA", "IKS19_KEGIATAN_OLAHRAGA",
                       "IKS20_KERAGAMAN_AGAMA", "IKS21_KERAGAMAN_BAHASA", "IKS22_KERAGAMAN_KOMUNIKASI",
                       "IKS23_POSKAMLING", "IKS24_SISKAMLING", "IKS25_KONFLIK", "IKS26_PMKS", "IKS27_SLB"),
    "environment_disaster": ("IKL01_KUALITAS_LINGKUNGAN", "IKL02_RAWAN_BENCANA", "IKL03_TANGGAP_BENCANA"),
}
assert sorted(i for v in DIMENSIONS.values() for i in v) == sorted(IDM_INDICATORS), "every indicator once"

#: kabupaten/kota code → (capital, kecamatan code of the seat) — see the module docstring
SEATS: dict[str, tuple[str, str]] = {
    "65.01": ("Tanjung Selor", "65.01.05"),
    "65.02": ("Malinau", "65.02.02"),
    "65.03": ("Nunukan", "65.03.02"),
    "65.04": ("Tideng Pale", "65.04.01"),
    "65.71": ("Tarakan", "65.71.02"),
}


def dimension_table() -> pd.DataFrame:
    """The mapping as a table: ``dimension, indicator, column`` (column = analysis-table name).

    >>> int(dimension_table().groupby("dimension").size()["finance_access"])
    2
    """
    rows = [{"dimension": d, "indicator": i, "column": i.lower()} for d, inds in DIMENSIONS.items() for i in inds]
    return pd.DataFrame(rows)


def dimension_scores(indicators: pd.DataFrame) -> pd.DataFrame:
    """Mean 0–5 score per dimension (``dim_<name>``) for each row of an indicator table.

    A dimension is NA when any of its indicators is NA (no re-weighting here).

    >>> row = pd.DataFrame({i: [5] for i in IDM_INDICATORS}).assign(IKE07_BANK_BPR=1)
    >>> float(dimension_scores(row)["dim_finance_access"].iloc[0])
    3.0
    """
    out = {}
    for d, inds in DIMENSIONS.items():
        block = indicators[list(inds)].apply(pd.to_numeric, errors="coerce").astype(float)
        out[f"dim_{d}"] = block.mean(axis=1).where(block.notna().all(axis=1))
    return pd.DataFrame(out, index=indicators.index)


def village_context(desa: pd.DataFrame, *, idm: pd.DataFrame | None = None,
                    indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per Kemendagri village: stratum, IDM 2023/2024 and change, dimensions, indicators.

    Parameters
    ----------
    desa : DataFrame
        Kemendagri list (``kode, jenis``).
    idm : DataFrame, optional
        IDM per village-year (``idm_desa`` contract: ``kode, tahun, iks, ike, ikl, idm, status_idm``),
        several years stacked; on a duplicate (kode, tahun) the first row wins (the caller orders by
        precedence).
    indicators : DataFrame, optional
        ``idm_indicators`` contract (``kode`` + the 50 indicator columns; the latest year is used).

    Returns
    -------
    DataFrame
        ``kode_desa, stratum, idm_2024, iks_2024, ike_2024, ikl_2024, idm_status_2024, idm_2023,
        idm_status_2023, idm_change, dim_*`` and the 50 indicators (lower-case official names).
        Kelurahan rows keep NA in every IDM column.
    """
    out = pd.DataFrame({"kode_desa": desa["kode"].astype("string").to_numpy(),
                        "stratum": desa["jenis"].astype("string").to_numpy()})
    keys = out["kode_desa"]
    if idm is not None and len(idm):
        idm = idm.drop_duplicates(["kode", "tahun"], keep="first")
        for year in YEARS:
            y = idm[idm["tahun"].astype(int) == year].set_index("kode")
            cols = ("idm", "iks", "ike", "ikl", "status_idm") if year == YEARS[-1] else ("idm", "status_idm")
            for c in cols:
                name = f"idm_status_{year}" if c == "status_idm" else f"{c}_{year}"
                vals = keys.map(y[c]) if len(y) else pd.Series(pd.NA, index=keys.index)
                out[name] = vals.astype("string" if c == "status_idm" else float).to_numpy()
    for year in YEARS:
        for c in (("idm", "iks", "ike", "ikl") if year == YEARS[-1] else ("idm",)):
            if f"{c}_{year}" not in out:
                out[f"{c}_{year}"] = np.nan
        if f"idm_status_{year}" not in out:
            out[f"idm_status_{year}"] = pd.array([pd.NA] * len(out), dtype="string")
    out["idm_change"] = (out[f"idm_{YEARS[-1]}"] - out[f"idm_{YEARS[0]}"]).round(4)
    ind_cols = [i.lower() for i in IDM_INDICATORS]
    if indicators is not None and len(indicators):
        ind = indicators.sort_values("tahun", kind="stable").drop_duplicates("kode", keep="last").set_index("kode")
        block = pd.DataFrame({i.lower(): keys.map(ind[i]).astype("Float64") for i in IDM_INDICATORS})
        dims = dimension_scores(block.rename(columns={i.lower(): i for i in IDM_INDICATORS}))
    else:
        block = pd.DataFrame({c: pd.array([pd.NA] * len(out), dtype="Float64") for c in ind_cols})
        dims = pd.DataFrame({f"dim_{d}": np.full(len(out), np.nan) for d in DIMENSIONS})
    out = pd.concat([out.reset_index(drop=True), dims.reset_index(drop=True).round(4),
                     block.astype("Int64").reset_index(drop=True)], axis=1)
    return out


def cooperative_context(coops: pd.DataFrame, *, seats: pd.DataFrame | None = None) -> pd.DataFrame:
    """Distances from each cooperative's coordinates (haversine km).

    Parameters
    ----------
    coops : DataFrame
        ``cooperative_id, latitude, longitude, kode_kabkota``.
    seats : DataFrame, optional
        Kecamatan centroids (``kode, lat_centroid, lng_centroid``); the capital of each kabupaten is
        the centroid of its seat kecamatan (:data:`SEATS`).

    Returns
    -------
    DataFrame
        ``capital, dist_capital_km, nearest_coop_id, dist_nearest_coop_km`` aligned to ``coops``; NaN
        without coordinates. Two cooperatives at one point give 0 km (flagged by the caller).

    Examples
    --------
    >>> c = pd.DataFrame({"cooperative_id": [1, 2], "latitude": [0.0, 0.0], "longitude": [0.0, 1.0],
    ...                   "kode_kabkota": ["65.01", "65.01"]})
    >>> s = pd.DataFrame({"kode": ["65.01.05"], "lat_centroid": [0.0], "lng_centroid": [0.0]})
    >>> cooperative_context(c, seats=s)[["dist_capital_km", "dist_nearest_coop_km"]].round(1).values.tolist()
    [[0.0, 111.2], [111.2, 111.2]]
    """
    lat = pd.to_numeric(coops["latitude"], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(coops["longitude"], errors="coerce").to_numpy(dtype=float)
    n = len(coops)
    out = pd.DataFrame(index=coops.index)
    kab = coops["kode_kabkota"].astype(object).to_numpy()
    out["capital"] = pd.array([SEATS.get(k, (None,))[0] if isinstance(k, str) else None for k in kab], dtype="string")
    if seats is not None and len(seats):
        c = seats.set_index(seats["kode"].astype(str))
        slat = np.array([c["lat_centroid"].get(SEATS[k][1], np.nan) if k in SEATS else np.nan for k in kab], dtype=float)
        slon = np.array([c["lng_centroid"].get(SEATS[k][1], np.nan) if k in SEATS else np.nan for k in kab], dtype=float)
        out["dist_capital_km"] = np.round(haversine_km(lat, lon, slat, slon), 2)
    else:
        out["dist_capital_km"] = np.nan
    ok = ~(np.isnan(lat) | np.isnan(lon))
    d = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :]) if n else np.zeros((0, 0))
    if n:
        d[~ok, :] = np.inf
        d[:, ~ok] = np.inf
        np.fill_diagonal(d, np.inf)
    ids = coops["cooperative_id"].to_numpy()
    j = d.argmin(axis=1) if n > 1 else np.zeros(n, dtype=int)
    best = d[np.arange(n), j] if n > 1 else np.full(n, np.inf)
    good = np.isfinite(best)
    out["nearest_coop_id"] = pd.array(np.where(good, ids[j] if n else [], None) if n else [], dtype="Int64")
    out["dist_nearest_coop_km"] = np.where(good, np.round(best, 2), np.nan)
    return out
