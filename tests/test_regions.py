"""Region name harmonisation, hierarchical matching and the BPS↔Kemendagri bridge."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaltara_study.data.regions import (
    bps_to_kemendagri,
    bridge_gaps,
    kemendagri_to_bps,
    match_names,
    match_report,
    match_villages,
    normalise_kabupaten_name,
    normalise_region_name,
)

KAB = pd.DataFrame({
    "kode": ["65.01", "65.02", "65.03", "65.04", "65.71"],
    "nama": ["Kabupaten Bulungan", "Kabupaten Malinau", "Kabupaten Nunukan", "Kabupaten Tana Tidung", "Kota Tarakan"],
})
KEC = pd.DataFrame({
    "kode": ["65.01.10", "65.03.13", "65.04.02", "65.02.01"],
    "kode_kabkota": ["65.01", "65.03", "65.04", "65.02"],
    "nama": ["Bunyu", "Sei Menggaris", "Sesayap Hilir", "Mentarang"],
})
DESA = pd.DataFrame({
    "kode": ["65.01.10.2001", "65.01.10.2002", "65.03.13.2001", "65.04.02.2001", "65.02.01.2001"],
    "kode_kecamatan": ["65.01.10", "65.01.10", "65.03.13", "65.04.02", "65.02.01"],
    "nama": ["Bunyu Barat", "Bunyu Selatan", "Sekaduyan Taka", "Sesayap", "Sesayap"],
})


@pytest.mark.parametrize("raw", ["KAB. BULUNGAN", "Kabupaten Bulungan", "Bulungan", "kab bulungan", "KAB BULUNGAN ",
                                 "Pemerintah Kabupaten Bulungan", "Kab.Bulungan"])
def test_kabupaten_spellings(raw):
    assert normalise_kabupaten_name([raw]).iloc[0] == "bulungan"
    m = match_names([raw], KAB, level="kabkota")
    assert m.loc[0, "code"] == "65.01" and m.loc[0, "status"] == "exact"


@pytest.mark.parametrize("raw", ["Kota Tarakan", "TARAKAN", "KOTA TARAKAN", "Kotamadya Tarakan"])
def test_kota_spellings(raw):
    m = match_names([raw], KAB, level="kabkota")
    assert m.loc[0, "code"] == "65.71" and m.loc[0, "status"] == "exact"


@pytest.mark.parametrize("raw, code", [("Bulungn", "65.01"), ("Nunukann", "65.03"), ("Tana Tidong", "65.04"),
                                       ("Malinnau", "65.02"), ("Tarakn", "65.71")])
def test_typos_are_fuzzy_matches(raw, code):
    m = match_names([raw], KAB, level="kabkota")
    assert m.loc[0, "status"] == "fuzzy" and m.loc[0, "code"] == code
    assert 90 <= m.loc[0, "score"] < 100


def test_unknown_and_low_confidence_are_never_joined():
    m = match_names(["Jakarta Selatan", "Bulgan", None, "Malinao"], KAB, level="kabkota")
    assert m["status"].tolist() == ["unmatched", "low_confidence", "missing", "low_confidence"]
    assert m["code"].isna().all()
    # shown for a human to confirm, but not joined
    assert m["candidate"].tolist()[1:] == ["65.01", pd.NA, "65.02"]
    rep = match_report(m).set_index("status")["n"]
    assert rep["unmatched"] == 1 and rep["low_confidence"] == 2 and rep["exact"] == 0


def test_abbreviations_sei_tanjung():
    assert normalise_region_name(["Kec. Sungai Menggaris", "SEI MENGGARIS", "Sg. Menggaris"],
                                 level="kecamatan").nunique() == 1
    m = match_names(["Sungai Menggaris"], KEC, level="kecamatan")
    assert m.loc[0, "code"] == "65.03.13" and m.loc[0, "status"] == "exact"


def test_same_village_name_needs_its_parent():
    alone = match_names(["Sesayap"], DESA, level="desa")
    assert alone.loc[0, "status"] == "low_confidence" and pd.isna(alone.loc[0, "code"])
    within = match_names(["Sesayap", "Sesayap"], DESA, level="desa", within=["65.04.02", "65.02.01"])
    assert within["code"].tolist() == ["65.04.02.2001", "65.02.01.2001"]
    wrong_parent = match_names(["Bunyu Barat"], DESA, level="desa", within=["65.04.02"])
    assert wrong_parent.loc[0, "status"] == "unmatched" and pd.isna(wrong_parent.loc[0, "code"])
    no_parent = match_names(["Bunyu Barat"], DESA, level="desa", within=["65.99.99"])
    assert no_parent.loc[0, "status"] == "unmatched" and "parent" in no_parent.loc[0, "note"]


def test_match_villages_hierarchy_and_order():
    f = pd.DataFrame({"kab": ["KAB. BULUNGAN", "KAB. TANA TIDUNG", "KAB. MALINAU", "KAB. NUNUKAN", "KAB. BULUNGN"],
                      "kec": ["BUNYU", "Sesayap Hilir", "Mentarang", "Sei Menggaris", "Bunyu"],
                      "desa": ["Bunyu Selatan", "SESAYAP", "Sesayap", "Sekaduyan Taka", "Bunyu Barat"]})
    before = f.copy()
    m = match_villages(f, desa=DESA, kecamatan=KEC, kabkota=KAB, kab_col="kab", kec_col="kec", desa_col="desa")
    pd.testing.assert_frame_equal(f, before)
    assert m["kode_desa"].tolist() == ["65.01.10.2002", "65.04.02.2001", "65.02.01.2001", "65.03.13.2001",
                                       "65.01.10.2001"]
    assert m["match_status"].tolist() == ["exact", "exact", "exact", "exact", "fuzzy"]


def test_match_villages_unmatched_kabupaten_propagates():
    f = pd.DataFrame({"kab": ["KAB. BERAU"], "kec": ["Bunyu"], "desa": ["Bunyu Barat"]})
    m = match_villages(f, desa=DESA, kecamatan=KEC, kabkota=KAB, kab_col="kab", kec_col="kec", desa_col="desa")
    assert m.loc[0, "match_status"] == "unmatched" and pd.isna(m.loc[0, "kode_desa"])


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(range(5)), st.sampled_from(["KAB. ", "Kabupaten ", "kab ", "", "Kab.", "  "]),
       st.sampled_from([str.upper, str.lower, str.title, lambda s: s]))
def test_name_variants_property(i, prefix, case):
    name = KAB.loc[i, "nama"].replace("Kabupaten ", "").replace("Kota ", "")
    if i == 4:  # Tarakan is a kota: the kabupaten prefix would be wrong but still names it
        prefix = prefix.replace("Kabupaten", "Kota").replace("KAB.", "KOTA").replace("kab", "kota").replace("Kab.", "Kota ")
    m = match_names([case(prefix + name)], KAB, level="kabkota")
    assert m.loc[0, "code"] == KAB.loc[i, "kode"]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(range(5)), st.integers(0, 100))
def test_one_letter_typo_never_maps_elsewhere(i, pos):
    name = KAB.loc[i, "nama"].split(" ", 1)[1]
    p = pos % len(name)
    typo = name[:p] + name[p + 1:]  # drop one letter
    m = match_names([typo], KAB, level="kabkota")
    if pd.notna(m.loc[0, "code"]):
        assert m.loc[0, "code"] == KAB.loc[i, "kode"]


BRIDGE_KAB = pd.DataFrame({"kode_bps": [6501, 6502, 6503, 6504, 6571], "nama_bps": ["MALINAU", "BULUNGAN", "TANA TIDUNG",
                           "NUNUKAN", "TARAKAN"], "kode_dagri": [6502, 6501, 6504, 6503, 6571]})


def test_bps_kabupaten_codes_differ():
    out = bps_to_kemendagri(["6501", "6502", 6503, "6504", "6571", "6599", None], BRIDGE_KAB)
    assert out["kemendagri"].tolist()[:5] == ["65.02", "65.01", "65.04", "65.03", "65.71"]
    assert out["status"].tolist() == ["mapped"] * 5 + ["not_in_bridge"] * 2
    back = kemendagri_to_bps(out["kemendagri"].iloc[:5], BRIDGE_KAB)
    assert back["bps"].tolist() == ["6501", "6502", "6503", "6504", "6571"]


def test_bridge_gaps():
    br = pd.DataFrame({"kode_bps": ["6504040"], "kode_dagri": ["650304"]})
    ref = pd.DataFrame({"kode": ["65.03.04", "65.03.20", "65.03.21"], "nama": ["Lumbis", "Lumbis Pansiangan", "Lumbis Hulu"]})
    assert bridge_gaps(br, ref)["nama"].tolist() == ["Lumbis Pansiangan", "Lumbis Hulu"]


# ------------------------------------------------------------------ real data
@pytest.mark.realdata
def test_real_simkopdes_all_matched_like_the_reference(shared_kaltara):
    from kaltara_study.data.read import read_table

    stats = read_table(shared_kaltara / "simkopdes_kaltara_village_stats.csv").frame
    desa = read_table(shared_kaltara / "kaltara_wilayah_2025_desa_kelurahan.csv").frame
    kec = read_table(shared_kaltara / "kaltara_wilayah_2025_kecamatan.csv").frame
    kab = read_table(shared_kaltara / "kaltara_wilayah_2025_kabkota.csv").frame
    m = match_villages(stats, desa=desa, kecamatan=kec, kabkota=kab, kab_col="district", kec_col="subdistrict",
                       desa_col="village")
    assert len(m) == 410
    assert m["kode_desa"].notna().all() and m["kode_desa"].is_unique
    assert set(m["match_status"]) <= {"exact", "fuzzy"}
    ref = read_table(shared_kaltara / "simkopdes_kaltara_to_kemendagri_match.csv").frame
    expect = ref.set_index("simkopdes_village_id")["kode_kemendagri"]
    assert (m["kode_desa"].to_numpy() == expect.loc[stats["village_id"]].to_numpy()).all()
    # kabupaten per row agrees with the Kemendagri code's prefix
    assert (m["kode_desa"].str.slice(0, 5) == m["kode_kabkota"]).all()


@pytest.mark.realdata
def test_real_bps_bridge(shared_kaltara):
    from kaltara_study.data.read import read_table

    br_kab = read_table(shared_kaltara / "kaltara_bridging_bps_kemendagri_kabkota.csv").frame
    br_kec = read_table(shared_kaltara / "kaltara_bridging_bps_kemendagri_kecamatan.csv").frame
    kec = read_table(shared_kaltara / "kaltara_wilayah_2025_kecamatan.csv").frame
    out = bps_to_kemendagri(["6501", "6502", "6503", "6504", "6571"], br_kab)
    assert out["kemendagri"].tolist() == ["65.02", "65.01", "65.04", "65.03", "65.71"]
    gaps = bridge_gaps(br_kec, kec)
    assert sorted(gaps["nama"]) == ["Lumbis Hulu", "Lumbis Pansiangan"]
    mapped = bps_to_kemendagri(br_kec["kode_bps"], br_kec)
    assert (mapped["status"] == "mapped").all() and mapped["kemendagri"].isin(kec["kode"]).all()
    # every bridged kecamatan's BPS kabupaten digits map to the kabupaten of its Kemendagri code
    kab_of = bps_to_kemendagri(br_kec["kode_bps"].str.slice(0, 4), br_kab)["kemendagri"]
    assert (kab_of.to_numpy() == mapped["kemendagri"].str.slice(0, 5).to_numpy()).all()


def test_bps_villages_bridge_by_kecamatan_then_name_with_kabupaten_fallback():
    from kaltara_study.data.regions import bps_villages_to_kemendagri

    bridge_kec = pd.DataFrame({"kode_bps": ["6504040"], "kode_dagri": ["650304"]})  # Lumbis only
    bridge_kab = pd.DataFrame({"kode_bps": ["6504"], "kode_dagri": ["6503"]})
    desa = pd.DataFrame({"kode": ["65.03.04.2001", "65.03.20.2001", "65.03.20.2002"],
                         "nama": ["Contoh Hilir", "Contoh Hulu", "Contoh Hilir"],
                         "kode_kecamatan": ["65.03.04", "65.03.20", "65.03.20"], "kode_kabkota": ["65.03"] * 3})
    out = bps_villages_to_kemendagri(["6504040003", "6504160001", "6504160002", "6599010001", None],
                                     ["CONTOH HILIR", "Contoh Hulu", "Contoh Hilir", "Contoh Hulu", "Contoh Hulu"],
                                     bridge_kecamatan=bridge_kec, bridge_kabkota=bridge_kab, desa=desa)
    # inside the bridged kecamatan the duplicate name is unambiguous
    assert out.loc[0, "kode_desa"] == "65.03.04.2001" and out.loc[0, "status"] == "exact"
    # kecamatan missing from the bridge: matched inside the kabupaten, and said so
    assert out.loc[1, "kode_desa"] == "65.03.20.2001" and "not in the bridge" in out.loc[1, "note"]
    # ... unless the name exists twice in the kabupaten: never guessed
    assert pd.isna(out.loc[2, "kode_desa"]) and out.loc[2, "status"] == "low_confidence"
    assert out.loc[3, "status"] == "unmatched" and "kabupaten unknown" in out.loc[3, "note"]
    assert pd.isna(out.loc[4, "kode_desa"])
    assert len(out) == 5
