"""The SYNTHETIC default: determinism, byte-identical files, real aggregates, latent structure, labels."""

from __future__ import annotations

import re
import zipfile

import numpy as np
import pandas as pd
import pytest

from kaltara_study.data import synth
from kaltara_study.study import paths

# public aggregates as stated in issue 3 / ../shared README (independent of synth.KABKOTA)
EXPECTED = {  # kode: (n_kec, n_desa, n_kel, cooperatives, villages without own cooperative, population)
    "65.01": (10, 74, 7, 81, 0, 170239),
    "65.02": (15, 109, 0, 108, 1, 87582),
    "65.03": (21, 232, 8, 171, 70, 227460),
    "65.04": (5, 32, 0, 31, 1, 30036),
    "65.71": (4, 0, 20, 20, 0, 255310),
}


@pytest.fixture(scope="module")
def data():
    return synth.generate(synth.DEFAULT_SEED)


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synthetic")
    return synth.write_synthetic(folder, seed=synth.DEFAULT_SEED)


def test_regeneration_is_byte_identical_to_the_committed_files(regenerated):
    committed = paths().synthetic_raw
    for kind, path in regenerated.items():
        ref = committed / path.name
        assert ref.is_file(), f"{ref.name} missing: run synth.write_synthetic() and commit the files"
        assert path.read_bytes() == ref.read_bytes(), f"{path.name} differs from the committed file"
    assert sorted(p.name for p in committed.iterdir() if p.is_file()) == sorted(p.name for p in regenerated.values())


def test_xlsx_has_fixed_timestamps(regenerated):
    with zipfile.ZipFile(regenerated["survey"]) as z:
        core = z.read("docProps/core.xml").decode()
        assert {i.date_time for i in z.infolist()} == {(2025, 11, 1, 0, 0, 0)}
    assert "2025-11-01T00:00:00Z" in core


def test_generate_is_deterministic_and_seed_dependent(data):
    again = synth.generate(synth.DEFAULT_SEED)
    other = synth.generate(7)
    for k in ("survey", "podes", "kemendagri_desa", "answers"):
        pd.testing.assert_frame_equal(data[k], again[k])
    assert not data["survey"].equals(other["survey"])
    assert data["kemendagri_desa"]["nama"].tolist() != other["kemendagri_desa"]["nama"].tolist()


def test_region_counts_per_kabupaten_are_the_real_ones(data):
    des = data["kemendagri_desa"]
    kec = data["kemendagri_kecamatan"]
    assert len(des) == 482 and des["kode"].is_unique
    for kode, (n_kec, n_desa, n_kel, *_rest) in EXPECTED.items():
        d = des[des["kode_kabkota"] == kode]
        assert (kec["kode_kabkota"] == kode).sum() == n_kec
        assert (d["jenis"] == "desa").sum() == n_desa
        assert (d["jenis"] == "kelurahan").sum() == n_kel
        assert d["kode_kecamatan"].nunique() == n_kec
    # code structure: T = 1 kelurahan, 2 desa
    t = des["kode"].str[9]
    assert ((t == "1") == (des["jenis"] == "kelurahan")).all()


def test_population_sums_to_the_real_kabupaten_totals(data):
    v = data["truth_villages"]
    for kode, exp in EXPECTED.items():
        assert int(v.loc[v["kode_kabkota"] == kode, "population"].sum()) == exp[5]


def test_411_cooperatives_in_410_villages_placed_as_in_reality(data):
    reg = data["simkopdes_village_stats"].drop_duplicates()
    assert len(reg) == 410 and int(reg["cooperatives"].sum()) == 411
    assert (reg["cooperatives"] == 2).sum() == 1
    ans = data["answers"]
    assert len(ans) == 411 and ans["coop_id"].is_unique and ans["kode_desa"].nunique() == 410
    des = data["kemendagri_desa"]
    with_coop = set(ans["kode_desa"])
    for kode, exp in EXPECTED.items():
        in_kab = des[des["kode_kabkota"] == kode]
        assert ans["kode_desa"].str.startswith(kode + ".").sum() == exp[3]
        assert (~in_kab["kode"].isin(with_coop)).sum() == exp[4]


def test_answers_file_present_with_four_archetypes(data):
    path = paths().synthetic_raw / synth.FILES["answers"]
    ans = pd.read_csv(path, dtype=str)
    assert set(ans["archetype"]) == set(synth.ARCHETYPES)
    assert (ans["catatan"] == "SYNTHETIC").all()
    kel = set(data["kemendagri_desa"].query("jenis == 'kelurahan'")["kode"])
    assert (ans.loc[ans["kode_desa"].isin(kel), "archetype"] == "urban").all()


def test_every_file_is_named_and_marked_synthetic():
    folder = paths().synthetic_raw
    files = [p for p in folder.iterdir() if p.is_file()]
    assert len(files) == len(synth.FILES)
    for p in files:
        assert "SYNTHETIC" in p.name
        if p.suffix == ".csv":
            df = pd.read_csv(p, dtype=str, sep=";" if "podes" in p.name else ",", encoding="utf-8-sig")
            note = "catatan" if "catatan" in df.columns else "Catatan"
            assert (df[note] == "SYNTHETIC").all(), p.name
        else:
            from openpyxl import load_workbook

            wb = load_workbook(p, read_only=True)
            try:
                top = " ".join(str(c) for row in wb.active.iter_rows(max_row=3, values_only=True) for c in row if c)
            finally:
                wb.close()
            assert "SYNTHETIC" in top and "SINTETIS" in top, p.name


def test_personal_data_is_obviously_synthetic(data):
    s = data["survey"]
    assert s["Nama Ketua"].str.fullmatch(r"Ketua Sintetis \d{3}").all()
    assert s["NIK Ketua"].str.fullmatch(r"SYN\d{13}").all()
    assert s["No. HP Ketua"].str.fullmatch(r"SYN-0800-0000-\d{4}").all()


def test_realistic_mess_is_present(data):
    s = data["survey"]
    money = s["Modal Sendiri (Rp)"].astype(str)
    assert money.str.startswith("Rp ").any() and money.str.contains("juta").any()
    assert s.duplicated().sum() == 2 and s["ID Koperasi"].duplicated().sum() == 3
    assert s["Tanggal RAT Terakhir"].map(lambda v: isinstance(v, int)).any()  # Excel serials
    assert s["Tanggal RAT Terakhir"].astype(str).str.contains("|".join(synth._BULAN)).any()
    assert set(s["Unit Gerai Sembako"]) >= {"Ya", "Tidak"}
    kab = data["podes"]["Nama Kabupaten/Kota"]
    assert kab.nunique() > 10  # several spellings of 5 kabupaten/kota
    assert data["podes"].duplicated().sum() == 2
    assert data["podes"]["Kode Desa BPS"].str.fullmatch(r"65\d{8}").all()


def test_bps_codes_differ_from_kemendagri_at_kabupaten_level(data):
    br = data["bps_bridge_kabkota"].set_index("kode_bps")["kode_dagri"].to_dict()
    assert br["6501"] == "6502" and br["6502"] == "6501" and br["6503"] == "6504" and br["6504"] == "6503"


def test_idm_summary_is_consistent_with_the_indicator_scores(data):
    long = data["idm_long"]
    summ = data["idm_summary"].set_index(["kode_desa_kemendesa", "tahun"])
    sums = long.groupby(["kode_desa_kemendesa", "tahun", "dimensi"])["skor_0_5"].sum().unstack()
    for dim, denom in (("IKS", 175), ("IKE", 60), ("IKL", 15)):
        got = summ.loc[sums.index, dim].astype(float)
        np.testing.assert_allclose(got.to_numpy(), (sums[dim] / denom).to_numpy(), atol=1e-12)
    assert not summ["IKS"].astype(str).str.fullmatch(r"\d\.\d{3}").any()  # never read as thousands


def test_latent_archetypes_drive_the_variables(data):
    t = data["truth_cooperatives"]
    med = t.groupby("archetype")[["members", "own_capital_rp", "health_governance", "distance_kab_km"]].median()
    assert med.loc["urban", "members"] > med.loc["coastal", "members"] > med.loc["remote", "members"]
    assert med.loc["urban", "own_capital_rp"] > med.loc["remote", "own_capital_rp"]
    assert med.loc["urban", "health_governance"] > med.loc["remote", "health_governance"]
    assert med.loc["remote", "distance_kab_km"] > med.loc["urban", "distance_kab_km"]
    v = data["truth_villages"]
    g4 = v.groupby("archetype")["signal_4g"].mean()
    assert g4["urban"] > g4["coastal"] > g4["remote"]
    units = t.filter(like="unit_").sum(axis=1).groupby(t["archetype"]).mean()
    assert units["urban"] > units["plantation"] > units["remote"]


@pytest.mark.realdata
def test_aggregates_equal_the_real_summary_and_no_real_rows_copied(shared_kaltara, data):
    summ = pd.read_csv(shared_kaltara / "kaltara_wilayah_2025_summary.csv", dtype={"kode": str})
    ours = data["kemendagri_summary"]
    cols = ["n_kecamatan", "n_desa", "n_kelurahan", "penduduk_total_dukcapil_des2024"]
    pd.testing.assert_frame_equal(summ.set_index("kode")[cols].astype("int64"),
                                  ours.set_index("kode")[cols].astype("int64"), check_names=False)
    real = pd.read_csv(shared_kaltara / "kaltara_wilayah_2025_desa_kelurahan.csv", dtype=str)
    common = real.merge(data["kemendagri_desa"].drop(columns="catatan"), how="inner",
                        on=list(real.columns))
    assert len(common) == 0
    same_names = set(real["nama"].str.lower()) & set(data["kemendagri_desa"]["nama"].str.lower())
    assert len(same_names) < 20, sorted(same_names)
    without = pd.read_csv(shared_kaltara / "kemendagri_kaltara_without_own_kopdes_row.csv", dtype=str)
    real_counts = without["kode"].str[:5].value_counts().to_dict()
    assert real_counts == {k: v[4] for k, v in EXPECTED.items() if v[4]}
