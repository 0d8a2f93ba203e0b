"""load_source with the real data contract (kaltara_study.data.schema), and the real Kaltara files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kaltara_study.errors import InputError
from kaltara_study.data.read import read_table
from kaltara_study.data.sources import (
    SOURCE_PATTERNS,
    idm_wide_to_long,
    load_folder,
    load_source,
    load_summary,
    parse_category,
    read_boundaries,
    real_source_files,
)
from kaltara_study.data.regions import bps_to_kemendagri, match_villages
from kaltara_study.data.schema import RAW_SCHEMAS


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_kemendagri_desa_with_aliases_and_undotted_codes(tmp_path):
    p = write(tmp_path, "desa.csv",
              "Kode Desa;Kode Kec;Kecamatan;Kode Kab;Kabupaten/Kota;Nama Desa;Jenis\n"
              "6501012001;650101;Tanjung Contoh;6501;Kabupaten Bulungan;Contoh Satu;desa\n"
              "65.01.01.1002;65.01.01;Tanjung Contoh;65.01;Kabupaten Bulungan;Contoh Dua;kelurahan\n")
    res = load_source(p, "kemendagri_desa")
    assert res.frame["kode"].tolist() == ["65.01.01.2001", "65.01.01.1002"]
    assert res.frame["kode_kecamatan"].tolist() == ["65.01.01"] * 2
    assert res.frame["kode_kabkota"].tolist() == ["65.01"] * 2
    assert res.report.empty and res.n_read == 2


def test_all_raw_kinds_have_a_parser_for_every_column():
    from kaltara_study.data.sources import KIND_PARSERS, _kind_of

    for kind, schema in RAW_SCHEMAS.items():
        for name, col in schema.columns.items():
            assert _kind_of(col) in KIND_PARSERS, (kind, name)


def test_idm_wide_to_long_and_load(tmp_path):
    wide = pd.DataFrame({"kode_desa": ["6599012001"], "iks_2023": ["0,8"], "nilai_idm_2023": ["0,7"],
                         "iks_2024": ["0,9"], "nilai_idm_2024": [None], "_row": [3]})
    long = idm_wide_to_long(wide)
    assert long[["tahun", "IKS", "IDM"]].values.tolist() == [["2023", "0,8", "0,7"], ["2024", "0,9", None]]
    assert (long["_row"] == 3).all()
    with pytest.raises(InputError, match="IKS 2024"):
        idm_wide_to_long(pd.DataFrame({"kode_desa": ["x"], "_row": [2]}))


def test_parse_category_levels():
    res = parse_category(pd.Series(["Sepanjang Tahun", "hanya  sungai", "jalan tikus", None]), column="road",
                         levels={"sepanjang tahun": "all_weather", "hanya sungai": "river_only"})
    assert res.values.tolist() == ["all_weather", "river_only", pd.NA, pd.NA]
    assert res.errors["row"].tolist() == [2] and "unknown_category" in res.errors["rule"].iloc[0]


def test_reject_unparseable_option(tmp_path):
    p = write(tmp_path, "br.csv", "kode_bps,nama_bps,kode_dagri,nama_dagri\n6501,A,6502,B\n6502,C,65x1,D\n")
    kept = load_source(p, "bps_bridge_kabkota")
    assert len(kept.rejected) == 1  # the required code became NA: not_nullable rejects it anyway
    p2 = write(tmp_path, "sum.csv", "kode,nama,n_kecamatan,n_desa,n_kelurahan,n_desa_kel,luas_km2_BIG2024,"
               "penduduk_laki,penduduk_perempuan,penduduk_total_dukcapil_des2024,kepadatan_per_km2\n"
               "65.01,A,10,74,7,81,\"13.719,98\",1,1,2,abc\n")
    keep = load_source(p2, "kemendagri_summary")
    assert len(keep.frame) == 1 and np.isnan(keep.frame["kepadatan_per_km2"].iloc[0])
    assert keep.frame["luas_km2_BIG2024"].iloc[0] == pytest.approx(13719.98)
    rej = load_source(p2, "kemendagri_summary", reject_unparseable=True)
    assert len(rej.frame) == 0 and "kepadatan_per_km2=abc" in rej.rejected["reason"].iloc[0]
    assert rej.rejected["kepadatan_per_km2"].tolist() == ["abc"]  # rejected rows keep their raw text


def test_real_source_files_on_an_empty_folder(tmp_path):
    assert real_source_files(tmp_path) == {}
    assert real_source_files(tmp_path / "absent") == {}


def test_read_boundaries_small(tmp_path):
    p = write(tmp_path, "b.geojson", '{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
              '{"kode":"6501","nama":"A"},"geometry":{"type":"Point","coordinates":[117.0,2.8]}}]}')
    g = read_boundaries(p, "kabkota")
    assert g["kode"].tolist() == ["65.01"] and g.crs.to_epsg() == 4326
    with pytest.raises(InputError, match="not kecamatan codes"):
        read_boundaries(p, "kecamatan")
    bad = write(tmp_path, "x.geojson", "not json")
    with pytest.raises(InputError, match="not a readable boundary file"):
        read_boundaries(bad, "kabkota")


# ------------------------------------------------------------------------------ real data
@pytest.fixture(scope="module")
def real(request):
    folder = request.getfixturevalue("shared_kaltara")
    return real_source_files(folder)


@pytest.mark.realdata
def test_real_files_found(real):
    expected = set(SOURCE_PATTERNS) - {"idm_wide", "podes", "survey"}
    assert expected <= set(real)


@pytest.mark.realdata
def test_real_simkopdes_counts_and_matching(real):
    res = load_source(real["simkopdes_village_stats"], "simkopdes_village_stats")
    f = res.frame
    assert res.n_read == 410 and len(f) == 410 and res.rejected.empty
    assert (res.report["severity"] != "error").all()
    assert int(f["cooperatives"].sum()) == 411
    per_kab = f.groupby("district")["cooperatives"].sum().to_dict()
    assert per_kab == {"KAB. BULUNGAN": 81, "KAB. MALINAU": 108, "KAB. NUNUKAN": 171, "KAB. TANA TIDUNG": 31,
                       "KOTA TARAKAN": 20}
    assert f["village_id"].is_unique
    desa = load_source(real["kemendagri_desa"], "kemendagri_desa").frame
    kec = load_source(real["kemendagri_kecamatan"], "kemendagri_kecamatan").frame
    kab = load_source(real["kemendagri_kabkota"], "kemendagri_kabkota").frame
    m = match_villages(f, desa=desa, kecamatan=kec, kabkota=kab, kab_col="district", kec_col="subdistrict",
                       desa_col="village")
    assert m["kode_desa"].notna().all() and set(m["match_status"]) <= {"exact", "fuzzy"}
    ref = load_source(real["simkopdes_match"], "simkopdes_match").frame
    want = ref.set_index("simkopdes_village_id")["kode_kemendagri"].loc[f["village_id"].to_numpy()]
    assert (m["kode_desa"].to_numpy() == want.to_numpy()).all()
    # cooperatives per kabupaten through the matched Kemendagri codes
    by_code = f.assign(k=m["kode_kabkota"].to_numpy()).groupby("k")["cooperatives"].sum().to_dict()
    assert by_code == {"65.01": 81, "65.02": 108, "65.03": 171, "65.04": 31, "65.71": 20}


@pytest.mark.realdata
def test_real_kemendagri_lists(real):
    kab = load_source(real["kemendagri_kabkota"], "kemendagri_kabkota")
    kec = load_source(real["kemendagri_kecamatan"], "kemendagri_kecamatan")
    desa = load_source(real["kemendagri_desa"], "kemendagri_desa")
    assert (len(kab.frame), len(kec.frame), len(desa.frame)) == (5, 55, 482)
    assert desa.frame["jenis"].value_counts().to_dict() == {"desa": 447, "kelurahan": 35}
    # T digit of the code agrees with jenis (1 = kelurahan, 2 = desa)
    t = desa.frame["kode"].str.slice(9, 10)
    assert ((t == "1") == (desa.frame["jenis"] == "kelurahan")).all()
    assert desa.frame["kode_kecamatan"].isin(kec.frame["kode"]).all()
    summ = load_source(real["kemendagri_summary"], "kemendagri_summary").frame
    assert summ.loc[summ["kode"] == "65", "n_desa_kel"].iloc[0] == 482
    assert summ.loc[summ["kode"] == "65.71", "luas_km2_BIG2024"].iloc[0] == pytest.approx(248.177)


@pytest.mark.realdata
def test_real_idm(real):
    summ = load_source(real["idm_summary"], "idm_summary")
    long = load_source(real["idm_long"], "idm_long")
    assert summ.rejected.empty and long.rejected.empty
    s = summ.frame
    assert s["kode_desa_kemendesa"].nunique() == 7 and len(s) == 28
    assert s["kode_desa_kemendesa"].str.startswith("65.04.").all()
    np.testing.assert_allclose(s["IDM"], (s["IKS"] + s["IKE"] + s["IKL"]) / 3, atol=1e-9)
    lf = long.frame
    assert len(lf) == 28 * 50 and lf["skor_0_5"].between(0, 5).all()
    assert lf.groupby("dimensi")["no"].nunique().to_dict() == {"IKE": 12, "IKL": 3, "IKS": 35}


@pytest.mark.realdata
def test_real_bps_bridge(real):
    kab = load_source(real["bps_bridge_kabkota"], "bps_bridge_kabkota").frame
    kec = load_source(real["bps_bridge_kecamatan"], "bps_bridge_kecamatan").frame
    assert kab.set_index("kode_bps")["kode_dagri"].to_dict()["6501"] == "65.02"
    assert bps_to_kemendagri(["6501"], read_table(real["bps_bridge_kabkota"]).frame)["kemendagri"].tolist() == ["65.02"]
    assert len(kec) == 53  # the bridge lacks Lumbis Pansiangan and Lumbis Hulu (55 kecamatan in 2025)


@pytest.mark.realdata
@pytest.mark.parametrize("level, n", [("kabkota", 5), ("kecamatan", 55), ("desa", 482)])
def test_real_boundaries(real, level, n):
    g = read_boundaries(real[f"boundaries_{level}"], level)
    assert len(g) == n and g.crs.to_epsg() == 4326 and g["kode"].is_unique
    ref = {"kabkota": "kemendagri_kabkota", "kecamatan": "kemendagri_kecamatan", "desa": "kemendagri_desa"}[level]
    codes = load_source(real[ref], ref).frame["kode"]
    assert set(g["kode"]) == set(codes)


def test_synthetic_raw_sources_load_with_rows_conserved(root):
    folder = root / "data" / "raw" / "synthetic"
    files = real_source_files(folder)
    if not files:
        pytest.skip("no synthetic raw files yet (written by kaltara_study.data.synth)")
    results = load_folder(folder)
    assert set(results) == {k for k in files if not k.startswith("boundaries")}
    for kind, res in results.items():
        assert res.n_records == len(res.frame) + len(res.rejected), kind
        assert len(res.frame) > 0, kind
        assert res.report["file"].eq(files[kind].name).all()
    summary = load_summary(results)
    assert (summary["records"] == summary["kept"] + summary["rejected"]).all()
    with pytest.raises(InputError, match="no file for source kind"):
        load_folder(folder / "nowhere", kinds=["survey"])


@pytest.mark.parametrize("module", ["kaltara_study.data.parse", "kaltara_study.data.read", "kaltara_study.data.sources",
                                    "kaltara_study.data.validate", "kaltara_study.data.regions",
                                    "kaltara_study.data.identity", "kaltara_study.data.context"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    mod = importlib.import_module(module)
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


# ------------------------------------------------------------------------------ issue 10: public Kaltara files
from kaltara_study.data.sources import detect_kind, discover_files  # noqa: E402


def test_messy_locations_file_loads_with_rows_conserved(tmp_path):
    text = ("\ufeff Cooperative ID ; NAME ;Province;District ; Subdistrict;Latitude;Longitude\n"
            "1200;  KOPERASI KELURAHAN MERAH PUTIH   TANJUNG PALAS HULU ;KALIMANTAN UTARA;kab. bulungan;Tanjung Palas;"
            "2,81360236;117,35438200\n"
            "1201;KOPERASI DESA MERAH PUTIH PEJALIN;KALIMANTAN UTARA;KAB. BULUNGAN;Tanjung Palas;;\n"
            "1202;;KALIMANTAN UTARA;KAB. BULUNGAN;Tanjung Palas;2.8;117.3\n"
            "abc;KOPERASI DESA MERAH PUTIH X;KALIMANTAN UTARA;KAB. BULUNGAN;Tanjung Palas;2.8;117.3\n")
    p = tmp_path / "lokasi koperasi (export).csv"
    p.write_bytes(text.encode("utf-8"))
    assert detect_kind(p)[0] == "simkopdes_locations"
    res = load_source(p, "simkopdes_locations")
    assert res.n_read == 4 == len(res.frame) + len(res.rejected)
    assert len(res.frame) == 2 and res.rejected["reason"].str.contains("name|cooperative_id").all()
    f = res.frame.set_index("cooperative_id")
    assert f.loc[1200, "latitude"] == pytest.approx(2.81360236) and f.loc[1200, "longitude"] == pytest.approx(117.354382)
    assert np.isnan(f.loc[1201, "latitude"])
    assert f.loc[1200, "name"].startswith("KOPERASI KELURAHAN MERAH PUTIH")


def test_land_file_with_a_wrong_sign_latitude_and_unknown_status(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("asset_id,cooperative,province,district,subdistrict,village,status,surveyor,latitude,longitude\n"
                 "1,KOPERASI DESA MERAH PUTIH A,KALIMANTAN UTARA,KAB. MALINAU,Mentarang,A,Terverifikasi,PMO,-1.68,116.2\n"
                 "2,KOPERASI DESA MERAH PUTIH B,KALIMANTAN UTARA,KAB. MALINAU,Mentarang,B, sedang  diverifikasi ,PMO,3.1,116.2\n"
                 "3,KOPERASI DESA MERAH PUTIH C,KALIMANTAN UTARA,KAB. MALINAU,Mentarang,C,Tidak Ada Lahan,PMO,,\n"
                 "4,KOPERASI DESA MERAH PUTIH D,KALIMANTAN UTARA,KAB. MALINAU,Mentarang,D,Hilang,PMO,3.2,116.2\n",
                 encoding="utf-8")
    assert detect_kind(p)[0] == "simkopdes_land"
    res = load_source(p, "simkopdes_land")
    assert res.n_read == len(res.frame) + len(res.rejected) == 4
    assert res.frame["status"].fillna("-").tolist() == ["verified", "in_verification", "no_land", "-"]
    assert res.frame["latitude"].iat[0] == pytest.approx(-1.68)  # kept as read; identity flags the sign
    assert (res.report["rule"].str.contains("unknown_category")).sum() == 1


def test_idm_per_year_and_indicator_files_found_by_headers_under_any_name(tmp_path):
    from kaltara_study.data.schema import IDM_INDICATORS

    (tmp_path / "SYNTHETIC_a.csv").write_text(
        "kode,kode_idm,kode_kabkota,nama_kabkota,kode_kecamatan,nama_kecamatan,nama_desa,nama_desa_idm,tahun,iks,ike,"
        "ikl,idm,status_idm,sumber_nilai\n65.01.01.2005,6501012005,65.01,Kab,65.01.01,Kec,A,A,2024,0.9,0.8,0.7,0.8,"
        "MAJU,Reguler\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("kode,tahun," + ",".join(IDM_INDICATORS) + "\n65.01.01.2005,2024,"
                                    + ",".join(["3"] * 50) + "\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("just text\nmore text\n", encoding="utf-8")
    d = discover_files(tmp_path)
    assert d.first()["idm_desa"].name == "SYNTHETIC_a.csv" and d.first()["idm_indicators"].name == "b.csv"
    rep = d.report.set_index("file")
    assert not rep.loc["notes.txt", "used"] and pd.isna(rep.loc["notes.txt", "kind"])
    res = load_source(d.first()["idm_indicators"], "idm_indicators")
    assert len(res.frame) == 1 and res.frame["IKE03_PASAR"].iat[0] == 3


def test_kemendagri_list_of_desa_is_not_taken_for_a_kabupaten_list(tmp_path):
    p = tmp_path / "w.csv"
    p.write_text("kode,nama,nama_kecamatan,nama_kabkota,jenis\n65.01.01.2001,A,K,Kab,desa\n", encoding="utf-8")
    assert detect_kind(p)[0] is None  # code level check: desa codes are not kabupaten codes


def test_researcher_files_take_precedence_and_the_newest_wins(tmp_path):
    import os

    head = "cooperative_id,name,district,subdistrict,latitude,longitude\n"
    (tmp_path / "PROVENANCE.md").write_text("| `pub.csv` | x | `" + "0" * 64 + "` |\n", encoding="utf-8")
    (tmp_path / "pub.csv").write_text(head + "1,A,B,C,2,117\n", encoding="utf-8")
    (tmp_path / "survey").mkdir()
    old, new = tmp_path / "survey" / "zz_old.csv", tmp_path / "survey" / "aa_new.csv"
    old.write_text(head + "2,A,B,C,2,117\n", encoding="utf-8")
    new.write_text(head + "3,A,B,C,2,117\n", encoding="utf-8")
    os.utime(old, (1_600_000_000, 1_600_000_000))
    os.utime(new, (1_700_000_000, 1_700_000_000))
    d = discover_files(tmp_path)
    assert d.files["simkopdes_locations"] == [new]
    rep = d.report.set_index("file")
    assert rep.loc["pub.csv", "origin"] == "vendored" and not rep.loc["pub.csv", "used"]
    assert "shadowed by the researcher's file 'survey/aa_new.csv'" in rep.loc["pub.csv", "reason"]
    assert "more recently modified" in rep.loc["survey/zz_old.csv", "reason"]
    assert rep.loc["survey/aa_new.csv", "origin"] == "researcher"


@pytest.mark.realdata
def test_real_new_files_load_with_rows_conserved(shared_kaltara):
    f = shared_kaltara
    for name, kind, n in [("idm_kaltara_2023_desa.csv", "idm_desa", 447), ("idm_kaltara_2024_desa.csv", "idm_desa", 447),
                          ("idm_kaltara_2024_desa_indicators.csv", "idm_indicators", 447),
                          ("simkopdes_kaltara_locations.csv", "simkopdes_locations", 411),
                          ("simkopdes_kaltara_land_assets.csv", "simkopdes_land", 250)]:
        assert detect_kind(f / name)[0] == kind, name
        res = load_source(f / name, kind)
        assert res.n_read == n == len(res.frame) + len(res.rejected), name
        assert res.rejected.empty and not (res.report["severity"] == "error").any(), name
    land = load_source(f / "simkopdes_kaltara_land_assets.csv", "simkopdes_land").frame
    assert land["status"].value_counts().to_dict() == {"verified": 114, "in_verification": 100, "no_land": 35,
                                                       "under_consideration": 1}
    assert land.loc[land["status"] == "no_land", "latitude"].isna().all()
    assert (land["latitude"] < 0).sum() == 2
