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


# ------------------------------------------------------------------ public-data shaped files (issue 10)
PUBLIC_TWINS = {  # synthetic kind → the real public file it mirrors
    "idm_desa_2023": "idm_kaltara_2023_desa.csv",
    "idm_desa_2024": "idm_kaltara_2024_desa.csv",
    "idm_indicators_2024": "idm_kaltara_2024_desa_indicators.csv",
    "simkopdes_locations": "simkopdes_kaltara_locations.csv",
    "simkopdes_land_assets": "simkopdes_kaltara_land_assets.csv",
}
_THRESHOLDS = (0.4907, 0.5989, 0.7072, 0.8155)  # Permendesa 2/2016 (GUIDE), upper bounds inclusive
_STATUS = ("SANGAT TERTINGGAL", "TERTINGGAL", "BERKEMBANG", "MAJU", "MANDIRI")


def _status(x: float) -> str:
    return _STATUS[sum(x > t for t in _THRESHOLDS)]


@pytest.fixture(scope="module")
def public_folder():
    """The real public files: vendored in data/raw/kaltara (issue 10), else ../shared; skip without both."""
    for folder in (paths().raw / "kaltara", paths().shared_kaltara):
        if all((folder / f).is_file() for f in PUBLIC_TWINS.values()):
            return folder
    pytest.skip("real public Kaltara files absent (data/raw/kaltara or $KALTARA_SHARED_DATA)")


@pytest.fixture(scope="module")
def committed_public():
    folder = paths().synthetic_raw
    return {k: pd.read_csv(folder / synth.FILES[k], dtype=str, keep_default_na=False)
            for k in (*PUBLIC_TWINS, "answers_identity", "idm_summary", "idm_long")}


@pytest.mark.realdata
def test_public_twins_have_the_real_headers_and_value_formats(public_folder, committed_public):
    for kind, real_name in PUBLIC_TWINS.items():
        real = pd.read_csv(public_folder / real_name, dtype=str, keep_default_na=False)
        ours = committed_public[kind]
        assert list(ours.columns) == list(real.columns) + ["catatan"], kind
        assert (ours["catatan"] == "SYNTHETIC").all()
    num4 = r"(0(\.\d{1,4})?|1)"
    for kind in ("idm_desa_2023", "idm_desa_2024"):
        real = pd.read_csv(public_folder / PUBLIC_TWINS[kind], dtype=str, keep_default_na=False)
        for df in (real, committed_public[kind]):
            for c in ("iks", "ike", "ikl", "idm"):
                assert df[c].str.fullmatch(num4).all(), (kind, c)
            assert df["kode"].str.fullmatch(r"65\.\d{2}\.\d{2}\.2\d{3}").all()  # desa only
            assert (df["kode_idm"] == df["kode"].str.replace(".", "")).all()
            assert (df["nama_desa_idm"] == df["nama_desa"].str.upper()).all()
        assert set(committed_public[kind]["sumber_nilai"]) <= set(real["sumber_nilai"])
        assert set(committed_public[kind]["nama_kabkota"]) == set(real["nama_kabkota"])  # no Tarakan
    real = pd.read_csv(public_folder / PUBLIC_TWINS["simkopdes_locations"], dtype=str)
    ours = committed_public["simkopdes_locations"]
    for df in (real, ours):
        assert df["name"].str.match(r"KOPERASI (DESA|KELURAHAN) MERAH PUTIH \S").all()
        assert df["latitude"].str.fullmatch(r"\d\.\d{8}").all() and df["longitude"].str.fullmatch(r"11\d\.\d{8}").all()
        assert df["cooperative_id"].str.fullmatch(r"\d{4,5}").all()
    assert set(ours["district"]) == set(real["district"]) and set(ours["province"]) == set(real["province"])
    land_real = pd.read_csv(public_folder / PUBLIC_TWINS["simkopdes_land_assets"], dtype=str, keep_default_na=False)
    land = committed_public["simkopdes_land_assets"]
    assert set(land["status"]) == set(land_real["status"])
    assert set(land["surveyor"]) <= set(land_real["surveyor"])


def test_idm_twins_agree_with_the_summary_and_the_thresholds(committed_public):
    summ = committed_public["idm_summary"].assign(kode=lambda d: d["kode_desa_kemendesa"])
    desa = set(summ["kode"])
    for year in (2023, 2024):
        f = committed_public[f"idm_desa_{year}"]
        assert len(f) == 447 and f["kode"].is_unique and (f["tahun"] == str(year)).all()
        assert set(f["kode_idm"]) == desa  # every desa, no kelurahan
        x = f[["iks", "ike", "ikl", "idm"]].astype(float)
        # IDM = mean of the sub-indices (each rounded to 4 decimals in the file)
        assert (x[["iks", "ike", "ikl"]].mean(axis=1) - x["idm"]).abs().max() <= 1.0e-4
        assert [_status(v) for v in x["idm"]] == f["status_idm"].tolist()
        s = summ[summ["tahun"] == str(year)].set_index("kode").loc[f["kode_idm"]]
        for ours, theirs in (("iks", "IKS"), ("ike", "IKE"), ("ikl", "IKL"), ("idm", "IDM")):
            np.testing.assert_allclose(x[ours].to_numpy(), s[theirs].astype(float).round(4).to_numpy(), atol=1e-12)
        assert (f["status_idm"].to_numpy() == s["status"].to_numpy()).all()


def test_indicator_twin_sums_to_the_official_sub_indices(committed_public):
    ind = committed_public["idm_indicators_2024"]
    off = committed_public["idm_desa_2024"].set_index("kode").loc[ind["kode"]]
    scores = ind[list(synth.IDM_INDICATORS)].astype(int)
    assert scores.to_numpy().min() >= 0 and scores.to_numpy().max() <= 5
    start, flagged = 0, ind["matches_official_iks_ike_ikl"] == "0"
    assert flagged.sum() == 1 and set(ind["matches_official_iks_ike_ikl"]) == {"0", "1"}
    for dim, k, den in ((("iks", 35, 175), ("ike", 12, 60), ("ikl", 3, 15))):
        total = scores.iloc[:, start: start + k].sum(axis=1) / den
        start += k
        np.testing.assert_allclose(ind[f"{dim}_from_indicators"].astype(float), total.round(4), atol=1e-12)
        same = np.isclose(total.round(4), off[dim].astype(float).to_numpy(), atol=1e-12)
        assert same[~flagged.to_numpy()].all(), dim  # every unflagged desa equals its official value
    # the flagged desa really differs (one IKE score typed one off in the synthetic source)
    assert not np.isclose(float(ind.loc[flagged, "ike_from_indicators"].iloc[0]),
                          float(off.loc[ind.loc[flagged, "kode"], "ike"].iloc[0]))
    # Tana Tidung desa equal the indicators_long file for 2024 (as the real sample and province file do)
    long = committed_public["idm_long"]
    long = long[long["tahun"] == "2024"].assign(col=lambda d: d["dimensi"] + d["no"].str.zfill(2))
    wide = long.pivot(index="kode_desa_kemendesa", columns="col", values="skor_0_5").astype(int)
    tt = ind[ind["kode"].str.startswith("65.04.")].set_index("kode_idm")
    assert len(tt) == 32
    mine = tt[list(synth.IDM_INDICATORS)].astype(int).rename(columns=lambda c: c[:5])
    pd.testing.assert_frame_equal(mine.sort_index(), wide.loc[mine.index, mine.columns].sort_index(),
                                  check_names=False)


def test_indicator_scores_keep_the_real_supports(data):
    ind = data["idm_indicators_2024"]
    ind = ind[~ind["kode"].str.startswith("65.04.")]  # Tana Tidung follows the older long file
    counts = dict(synth.IDM_INDICATOR_COUNTS)
    off = sum(int((~ind[c].isin([s for s, n in enumerate(counts[c]) if n])).sum()) for c in synth.IDM_INDICATORS)
    assert off / (len(ind) * 50) < 0.01  # a few off-support steps where a pinned total needs them
    assert ind["IKS15_KEBIASAAN_GOTONG_ROYONG"].eq(5).mean() > 0.9  # ~all 5 as in reality
    assert ind["IKE07_BANK_BPR"].isin([0, 3, 5]).mean() > 0.97


def test_archetypes_drive_the_indicators_without_making_them_trivial(data):
    t = data["truth_indicators"]
    m = t.groupby("archetype")[list(synth.IDM_INDICATORS)].mean()
    # trade/coastal: markets and logistics posts; plantation: credit, roads, economic institutions
    assert m.at["coastal", "IKE03_PASAR"] - m.at["plantation", "IKE03_PASAR"] > 0.5
    assert m.at["coastal", "IKE06_POS_LOGISTIK"] - m.at["plantation", "IKE06_POS_LOGISTIK"] > 0.5
    assert m.at["plantation", "IKE08_KREDIT"] - m.at["coastal", "IKE08_KREDIT"] > 0.5
    assert m.at["plantation", "IKE12_KUALITAS_JALAN"] > m.at["coastal", "IKE12_KUALITAS_JALAN"]
    assert m.at["plantation", "IKE09_LEMBAGA_EKONOMI"] > m.at["coastal", "IKE09_LEMBAGA_EKONOMI"]
    for c in ("IKS29_SINYAL_TELEPON", "IKS28_AKSES_LISTRIK", "IKE11_KETERBUKAAN_WILAYAH"):
        assert m[c].idxmin() == "remote", c
    # not artificially easy: the archetype explains well under half of any indicator's variance
    x = t[list(synth.IDM_INDICATORS)].astype(float)
    between = ((x.groupby(t["archetype"]).transform("mean") - x.mean()) ** 2).sum()
    eta2 = between / ((x - x.mean()) ** 2).sum().replace(0, np.nan)
    assert eta2.max() < 0.35 and (eta2 > 0.1).sum() >= 5


def test_public_twins_are_deterministic_and_seed_dependent(data):
    again = synth.generate(synth.DEFAULT_SEED)
    other = synth.generate(7)
    for k in (*PUBLIC_TWINS, "answers_identity"):
        pd.testing.assert_frame_equal(data[k], again[k])
        assert not data[k].equals(other[k]), k


def test_locations_have_every_cooperative_with_realistic_defects(data):
    loc, idt, ans = data["simkopdes_locations"], data["answers_identity"], data["answers"]
    assert len(loc) == 411 and loc["cooperative_id"].is_unique
    assert (loc["cooperative_id"].to_numpy() == idt["cooperative_id"].to_numpy()).all()
    assert sorted(idt["coop_id"]) == sorted(ans["coop_id"])
    assert ans.set_index("coop_id").loc[idt["coop_id"], "kode_desa"].tolist() == idt["kode_desa"].tolist()
    lat, lon = loc["latitude"].astype(float), loc["longitude"].astype(float)
    assert lat.between(1.1, 4.45).all() and lon.between(114.5, 118.0).all()
    box = np.array([synth.KAB_BOX[k[:5]] for k in idt["kode_desa"]])
    inside = (lat >= box[:, 0]) & (lat <= box[:, 1]) & (lon >= box[:, 2]) & (lon <= box[:, 3])
    flagged = idt["defects"].str.contains("outside_kabupaten")
    assert flagged.sum() == 1 and (inside == ~flagged).all()
    shared = loc.duplicated(["latitude", "longitude"], keep=False)
    assert shared.sum() == 2 and idt.loc[shared, "defects"].str.contains("shared_point").all()
    des = data["kemendagri_desa"].set_index("kode")
    joined = idt[idt["other_kode_desa"] != ""]
    assert len(joined) >= 1 and joined["defects"].str.contains("joined_name").all()
    for r in joined.itertuples():
        name = loc.at[r.Index, "name"]
        assert des.at[r.kode_desa, "nama"].upper() in name and des.at[r.other_kode_desa, "nama"].upper() in name
        assert des.at[r.other_kode_desa, "kode_kecamatan"] == des.at[r.kode_desa, "kode_kecamatan"]
    kel = des.loc[idt["kode_desa"], "jenis"].eq("kelurahan").to_numpy()
    says_kel = loc["name"].str.startswith("KOPERASI KELURAHAN").to_numpy()
    assert (says_kel[kel]).all() and (says_kel & ~kel).sum() == 1
    assert (loc["subdistrict"].to_numpy() == des.loc[idt["kode_desa"], "nama_kecamatan"].to_numpy()).all()
    seat = idt["defects"].str.contains("at_kecamatan_seat")
    assert 1 <= seat.sum() <= 5 and (idt.loc[~seat & ~flagged & ~shared, "distance_to_village_km"] < 3).all()


def test_land_assets_cover_about_60_percent_with_real_status_shapes(data):
    land, idt, loc = data["simkopdes_land_assets"], data["answers_identity"], data["simkopdes_locations"]
    assert 0.5 <= len(land) / 411 <= 0.7 and land["asset_id"].is_unique
    share = land["status"].value_counts(normalize=True)
    assert set(share.index) == {"Terverifikasi", "Sedang Diverifikasi", "Tidak Ada Lahan", "Dipertimbangkan"}
    assert (land["status"] == "Dipertimbangkan").sum() == 1
    assert share["Terverifikasi"] > 0.3 and share["Sedang Diverifikasi"] > 0.25 and 0.05 < share["Tidak Ada Lahan"] < 0.25
    none = land["status"] == "Tidak Ada Lahan"
    assert (land.loc[none, ["latitude", "longitude", "surveyor"]] == "").all().all()
    assert (land.loc[~none, ["latitude", "longitude", "surveyor"]] != "").all().all()
    assert (land.loc[~none, "latitude"].astype(float) < 0).sum() == 2  # wrong-sign plots, as in reality
    # the join the real file needs: name + district + subdistrict, unique, onto the truth asset ids
    key = ["name", "district", "subdistrict"]
    assert not loc.duplicated(key).any()
    j = land.rename(columns={"cooperative": "name"}).merge(loc.assign(i=range(len(loc))), on=key, how="left",
                                                           validate="one_to_one")
    assert j["i"].notna().all()
    assert (idt.loc[j["i"].to_numpy(), "asset_id"].to_numpy() == j["asset_id"].to_numpy()).all()
    des = data["kemendagri_desa"].set_index("kode")
    assert (j["village"].to_numpy() == des.loc[idt.loc[j["i"].to_numpy(), "kode_desa"], "nama"].to_numpy()).all()
    # the cooperatives named after a hamlet (no village in the name) all have a land row with the village
    assert idt.loc[idt["defects"].str.contains("hamlet_name"), "asset_id"].notna().all()
    urban = des.loc[idt["kode_desa"], "jenis"].eq("kelurahan").to_numpy()
    assert idt.loc[urban, "asset_id"].notna().mean() > idt.loc[~urban, "asset_id"].notna().mean()


def test_public_twins_carry_no_personal_data(committed_public):
    personal = re.compile(r"(^|[_ ])(ketua|nik|phone|telp|hp|email|chair|pengurus)($|[_ ])", re.I)
    for kind in (*PUBLIC_TWINS, "answers_identity"):
        cols = committed_public[kind].columns
        assert not [c for c in cols if personal.search(c)], kind
    institutions = {"", "KOPERASI", "Agrinas", "KEMENTERIAN KESEHATAN", "BUSINESS ASSISTANCE", "PMO", "TNI",
                    "DINAS KABUPATEN/KOTA"}
    assert set(committed_public["simkopdes_land_assets"]["surveyor"]) <= institutions
