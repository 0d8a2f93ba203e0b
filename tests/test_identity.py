"""Cooperative identity: SIMKOPDES location rows → Kemendagri villages (exact, fuzzy, land, registry,
polygon evidence, ambiguous names), coordinate flags, and the real numbers on the vendored data."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from kaltara_study.data.identity import (
    FUZZY_CUT,
    IDENTITY_COLUMNS,
    clean_village_part,
    haversine_km,
    match_cooperatives,
)
from kaltara_study.data.sources import load_source, read_boundaries

KAB = pd.DataFrame({"kode": ["65.03"], "nama": ["Kabupaten Nunukan"]})
KEC = pd.DataFrame({"kode": ["65.03.19"], "kode_kabkota": ["65.03"], "nama": ["Krayan Barat"]})
_VILLAGES = [("65.03.19.2001", "Long Bawan"), ("65.03.19.2002", "Pa' Butal"), ("65.03.19.2003", "Pa' Urud"),
             ("65.03.19.2004", "Long Peliran"), ("65.03.19.2005", "Lembudud"), ("65.03.19.2006", "Pa' Inan"),
             ("65.03.19.2007", "Tanjungkarang"), ("65.03.19.2008", "Krayan Barat"), ("65.03.19.2009", "Semalat")]
DESA = pd.DataFrame({"kode": [c for c, _ in _VILLAGES], "nama": [n for _, n in _VILLAGES],
                     "kode_kecamatan": "65.03.19", "kode_kabkota": "65.03", "jenis": "desa"})


def _loc(names, lat=None, lon=None):
    n = len(names)
    return pd.DataFrame({"cooperative_id": np.arange(1, n + 1), "name": names, "district": "KAB. NUNUKAN",
                         "subdistrict": "Krayan Barat", "latitude": lat if lat is not None else [np.nan] * n,
                         "longitude": lon if lon is not None else [np.nan] * n})


def _polygons():
    """Village i is the 0.01°-wide box at longitude 116 + i/100, latitude 3.0–3.01."""
    geoms = [box(116 + i / 100, 3.0, 116 + (i + 1) / 100, 3.01) for i in range(len(_VILLAGES))]
    desa = gpd.GeoDataFrame({"kode": DESA["kode"]}, geometry=geoms, crs=4326)
    kab = gpd.GeoDataFrame({"kode": ["65.03"]}, geometry=[box(115.9, 2.9, 116.2, 3.1)], crs=4326)
    return desa, kab


def _centre(i):
    return 3.005, 116 + i / 100 + 0.005


def test_clean_village_part_strips_prefix_tails_and_number_words():
    names = pd.Series(["KOPERASI DESA MERAH PUTIH LONG BAWAN KECAMATAN KRAYAN BARAT",
                       " koperasi kelurahan merah putih  Kampung Satu Skip ",
                       "KOPERASI DESA MERAH PUTIH DESA SEMALAT KRAYAN BARAT",
                       "KOPERASI DESA MERAH PUTIH MAMBURUNGAN KOTA TARAKAN"])
    got = clean_village_part(names, kecamatan=pd.Series(["Krayan Barat", "Tarakan Tengah", "Krayan Barat",
                                                         "Tarakan Timur"]),
                             kabupaten=pd.Series(["KAB. NUNUKAN", "KOTA TARAKAN", "KAB. NUNUKAN", "KOTA TARAKAN"]))
    assert got.tolist() == ["long bawan", "kampung i skip", "semalat", "mamburungan"]


def test_exact_with_messy_spelling_and_a_village_named_like_its_kecamatan():
    m = match_cooperatives(_loc(["koperasi desa merah putih  long bawan", "KOPERASI DESA MERAH PUTIH TANJUNG KARANG",
                                 "KOPERASI DESA MERAH PUTIH PALEMBUDUD".replace("PALEMBUDUD", "LEMBUDUD"),
                                 "KOPERASI DESA MERAH PUTIH KRAYAN BARAT"]),
                           desa=DESA, kecamatan=KEC, kabkota=KAB).matches
    assert list(m.columns) == IDENTITY_COLUMNS
    assert m["match_method"].tolist() == ["exact"] * 4
    assert m["kode_desa"].tolist() == ["65.03.19.2001", "65.03.19.2007", "65.03.19.2005", "65.03.19.2008"]


def test_fuzzy_needs_the_cut_and_a_margin():
    m = match_cooperatives(_loc(["KOPERASI DESA MERAH PUTIH LONG PALIRAN", "KOPERASI DESA MERAH PUTIH LONG BAWN",
                                 "KOPERASI DESA MERAH PUTIH LONG XYZ"]), desa=DESA, kecamatan=KEC, kabkota=KAB).matches
    assert m["match_method"].tolist()[:2] == ["fuzzy", "fuzzy"]
    assert m["kode_desa"].tolist()[:2] == ["65.03.19.2004", "65.03.19.2001"]
    assert (m["match_score"][:2] >= FUZZY_CUT).all()
    assert pd.isna(m["kode_desa"].iat[2]) and m["match_method"].iat[2] in ("ambiguous", "unmatched")


def test_land_file_names_the_village_when_the_name_does_not():
    loc = _loc(["KOPERASI DESA MERAH PUTIH BIDNAN SEJAHTERA", "KOPERASI DESA MERAH PUTIH JAYA GEMILANG"])
    land = pd.DataFrame({"cooperative": ["KOPERASI DESA MERAH PUTIH BIDNAN  SEJAHTERA", "koperasi desa merah putih jaya gemilang"],
                         "district": ["KAB. NUNUKAN"] * 2, "subdistrict": ["Krayan Barat"] * 2,
                         "village": ["Pa' Inan", "Kampung Tidak Ada"], "latitude": [-3.1, 3.1],
                         "longitude": [116.0, 116.0]})
    res = match_cooperatives(loc, desa=DESA, kecamatan=KEC, kabkota=KAB, land=land)
    m = res.matches
    assert m["match_method"].iat[0] == "land" and m["kode_desa"].iat[0] == "65.03.19.2006"
    assert pd.isna(m["kode_desa"].iat[1])  # the land village is not a village of the kecamatan: no join
    assert m["land_village"].tolist() == ["Pa' Inan", "Kampung Tidak Ada"]
    wrong = res.problems[res.problems["issue"] == "land_coordinates"]
    assert len(wrong) == 1 and "wrong sign" in wrong["detail"].iat[0]


def test_a_name_joining_several_villages_is_reported_not_guessed():
    res = match_cooperatives(_loc(["KOPERASI DESA MERAH PUTIH PA BUTAL PA URUD"]), desa=DESA, kecamatan=KEC,
                             kabkota=KAB)
    r = res.matches.iloc[0]
    assert pd.isna(r["kode_desa"]) and r["match_method"] == "ambiguous" and r["joins_villages"]
    assert "65.03.19.2002" in r["candidates"] and "65.03.19.2003" in r["candidates"]
    assert res.problems.loc[res.problems["issue"] != "coordinates", "issue"].tolist() == ["ambiguous"]


def test_registry_settles_a_joined_name_only_when_one_candidate_is_free():
    loc = _loc(["KOPERASI DESA MERAH PUTIH PA BUTAL PA URUD"])
    reg = pd.DataFrame({"kode_desa": ["65.03.19.2002"], "cooperatives": [1]})
    r = match_cooperatives(loc, desa=DESA, kecamatan=KEC, kabkota=KAB, registry=reg).matches.iloc[0]
    assert r["match_method"] == "registry" and r["kode_desa"] == "65.03.19.2002" and r["joins_villages"]
    both = pd.DataFrame({"kode_desa": ["65.03.19.2002", "65.03.19.2003"], "cooperatives": [1, 1]})
    r2 = match_cooperatives(loc, desa=DESA, kecamatan=KEC, kabkota=KAB, registry=both).matches.iloc[0]
    assert pd.isna(r2["kode_desa"]) and r2["match_method"] == "ambiguous"


def test_polygon_confirms_a_weak_name_candidate_and_never_joins_alone():
    desa_poly, kab_poly = _polygons()
    # "SEMALATT JAYA" scores ~75 with Semalat (index 8): below the fuzzy cut, above the polygon cut
    lat8, lon8 = _centre(8)
    lat0, lon0 = _centre(0)
    loc = _loc(["KOPERASI DESA MERAH PUTIH SEMALATT JAYA", "KOPERASI DESA MERAH PUTIH SEMALATT JAYA",
                "KOPERASI DESA MERAH PUTIH TIDAK ADA NAMA"], lat=[lat8, lat0, lat0], lon=[lon8, lon0, lon0])
    m = match_cooperatives(loc, desa=DESA, kecamatan=KEC, kabkota=KAB, boundaries_desa=desa_poly,
                           boundaries_kabkota=kab_poly).matches
    assert m["match_method"].iat[0] == "polygon" and m["kode_desa"].iat[0] == "65.03.19.2009"
    assert m["polygon_kode_desa"].tolist() == ["65.03.19.2009", "65.03.19.2001", "65.03.19.2001"]
    assert pd.isna(m["kode_desa"].iat[1])  # the point is in another village than the name says
    assert pd.isna(m["kode_desa"].iat[2])  # a point alone is not a match


def test_coordinates_outside_the_kabupaten_or_far_from_the_village_are_flagged_with_km():
    desa_poly, kab_poly = _polygons()
    lat, lon = _centre(0)
    loc = _loc(["KOPERASI DESA MERAH PUTIH LONG BAWAN", "KOPERASI DESA MERAH PUTIH LONG BAWAN KECAMATAN KRAYAN BARAT",
                "KOPERASI DESA MERAH PUTIH SEMALAT"], lat=[lat, 3.3, np.nan], lon=[lon, 116.0, np.nan])
    m = match_cooperatives(loc, desa=DESA, kecamatan=KEC, kabkota=KAB, boundaries_desa=desa_poly,
                           boundaries_kabkota=kab_poly).matches
    assert m["dist_village_km"].iat[0] == 0 and pd.isna(m["coord_flag"].iat[0]) and bool(m["in_kabupaten"].iat[0])
    assert not bool(m["in_kabupaten"].iat[1])
    assert 20 < m["dist_kabupaten_km"].iat[1] < 25  # 0.2° of latitude north of the box ≈ 22 km
    assert "outside_kabupaten" in m["coord_flag"].iat[1] and "far_from_village" in m["coord_flag"].iat[1]
    assert m["coord_flag"].iat[2] == "no_coordinates"


def test_haversine_known_distance():
    # Tarakan (3.30, 117.63) to Tanjung Selor (2.84, 117.37): about 58 km
    assert 55 < float(haversine_km(3.30, 117.63, 2.84, 117.37)) < 61
    assert np.isnan(haversine_km(np.nan, 1, 2, 3))


# ----------------------------------------------------------------------------- the vendored data
@pytest.fixture(scope="module")
def real(shared_kaltara):
    f = shared_kaltara

    def load(name, kind):
        return load_source(f / name, kind).frame

    stats = load("simkopdes_kaltara_village_stats.csv", "simkopdes_village_stats")
    match = load("simkopdes_kaltara_to_kemendagri_match.csv", "simkopdes_match")
    reg = stats.assign(kode_desa=stats["village_id"].map(match.set_index("simkopdes_village_id")["kode_kemendagri"]))
    return match_cooperatives(
        load("simkopdes_kaltara_locations.csv", "simkopdes_locations"),
        desa=load("kaltara_wilayah_2025_desa_kelurahan.csv", "kemendagri_desa"),
        kecamatan=load("kaltara_wilayah_2025_kecamatan.csv", "kemendagri_kecamatan"),
        kabkota=load("kaltara_wilayah_2025_kabkota.csv", "kemendagri_kabkota"),
        land=load("simkopdes_kaltara_land_assets.csv", "simkopdes_land"), registry=reg[["kode_desa", "cooperatives"]],
        boundaries_desa=read_boundaries(f / "kaltara_boundaries_desa_kelurahan.geojson", "desa"),
        boundaries_kabkota=read_boundaries(f / "kaltara_boundaries_kabkota.geojson", "kabkota"))


@pytest.mark.realdata
def test_real_matching_reaches_the_target_and_lists_the_rest(real):
    m = real.matches
    assert len(m) == 411 and m["cooperative_id"].is_unique
    assert real.n_matched >= 399
    open_rows = m[m["kode_desa"].isna()]
    assert set(open_rows["match_method"]) <= {"ambiguous", "unmatched"}
    assert open_rows["candidates"].notna().all()  # every open row lists candidates for the field check
    summary = real.summary.set_index("match_method")["n"]
    assert summary["matched"] == real.n_matched and summary["total"] == 411
    # matched villages lie in the stated kecamatan; the registry's 2 cooperatives of Binanun are known
    ok = m[m["kode_desa"].notna()]
    assert (ok["kode_desa"].str.slice(0, 8) == ok["kode_kecamatan"]).all()
    assert real.registry.set_index("kode_desa").loc["65.03.16.2010", "registry_cooperatives"] == 2
    # "PA BUTAL PA URUD" is flagged as joining two villages
    pb = m[m["nama_koperasi"].str.contains("PA BUTAL PA URUD")].iloc[0]
    assert pb["joins_villages"]


@pytest.mark.realdata
def test_real_coordinate_flags_as_documented(real):
    m = real.matches
    # 410/411 points inside their kabupaten; 56311 BUNYU BARAT is on the mainland opposite its island
    assert int((m["in_kabupaten"] == False).sum()) == 1  # noqa: E712
    assert m.loc[m["in_kabupaten"] == False, "cooperative_id"].tolist() == [56311]  # noqa: E712
    far = m[m["coord_flag"].fillna("").str.contains("far_from_village")]
    lumbis = far[far["kode_kecamatan"].isin(["65.03.21", "65.03.04", "65.03.20"])]
    assert len(lumbis) >= 10 and lumbis["dist_village_km"].max() < 95
