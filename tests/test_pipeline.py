"""The processed analysis table: contract, joins, cache, raw files untouched, no personal data."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pandas as pd
import pytest

from kaltara_study.data import schema as S
from kaltara_study.data import synth
from kaltara_study.study import paths
from kaltara_study.data.write import sha256_file
from kaltara_study.data.pipeline import build_analysis_table, health_rating, load_analysis_table
from kaltara_study.data.sources import discover_files
from kaltara_study.paths import source_dirs

from conftest import analysis

PERSONAL_PATTERNS = [re.compile(p) for p in (
    r"Ketua Sintetis \d{3}", r"SYN\d{13}", r"SYN-0800-0000-\d{4}",  # the synthetic chair data
    r"(?<![\w.])(?:64|65)\d{14}(?![\w.])",                        # a 16-digit NIK of Kalimantan
    r"(?<![\w.+])(?:\+62|62|0)8\d{2}[- ]?\d{3,4}[- ]?\d{3,5}(?![\w.])",  # an Indonesian mobile number
)]
TEXT_SUFFIXES = {".csv", ".json", ".ipynb", ".html", ".md", ".txt", ".tex", ".toml", ".svg"}


@pytest.fixture(scope="module")
def syn():
    return analysis("synthetic")


@pytest.fixture(scope="module")
def truth():
    return synth.generate(synth.DEFAULT_SEED)["truth_cooperatives"].set_index("coop_id")


def test_contract_columns_and_dtypes(syn):
    t = syn.table
    assert list(t.columns[: len(S.COOPERATIVE_COLUMNS)]) == list(S.COOPERATIVE_COLUMNS)
    assert len(t) == 411 and t["coop_id"].is_unique and t["coop_id"].is_monotonic_increasing
    sch = S.PROCESSED_SCHEMAS["cooperatives"].columns
    for c in S.COOPERATIVE_COLUMNS:
        want = str(sch[c].dtype)
        got = str(t[c].dtype)
        if want == "boolean":
            assert got == "boolean", c
        elif want == "Int64":
            assert got == "Int64", c
        elif want == "float64":
            assert got == "float64", c
        elif want.startswith("datetime"):
            assert got.startswith("datetime64"), c
    assert t["kode_desa"].str.fullmatch(r"65\.\d{2}\.\d{2}\.[12]\d{3}").all()
    assert (t["data_source"] == "synthetic").all()
    assert t["is_kelurahan"].dtype == bool and (t["is_kelurahan"] == (t["jenis"] == "kelurahan")).all()


def test_synthetic_table_recovers_the_truth(syn, truth):
    t = syn.table.set_index("coop_id")
    tr = truth.loc[t.index]
    ok = t["members"].notna()
    # two impossible negative counts blanked, and two generated above their village's Podes population
    above = tr["members"] > t["population"].astype(float)
    assert ok.sum() == 407 and above.sum() == 2 and not ok[above].any()
    assert (t.loc[ok, "members"].astype(int) == tr.loc[ok, "members"]).all()
    cap = t["own_capital_rp"].notna()
    # amounts written as "12,3 juta" carry 0.1 juta rounding
    assert ((t.loc[cap, "own_capital_rp"] - tr.loc[cap, "own_capital_rp"]).abs() <= 50_000 + 1).all()
    assert (t["unit_sembako"].astype(bool) == tr["unit_sembako"]).all()
    assert (t["premises"] == tr["premises"]).all()
    assert (t["partners_existing"] == tr["partners_existing"]).all()
    assert t["outlier_flags"].notna().sum() >= 2
    units = t[list(S.UNIT_COLUMNS)].astype(int).sum(axis=1)
    assert (t["units_operating"] == units).all()


def test_derived_columns(syn):
    t = syn.table
    dr = t["liabilities_rp"] / t["assets_rp"]
    pd.testing.assert_series_equal(t["debt_ratio"], dr, check_names=False)
    pd.testing.assert_series_equal(t["shops_per_1000"], t["n_shops"].astype(float) / t["population"].astype(float)
                                   * 1000, check_names=False)
    assert set(t["signal_score"].dropna()) <= {0, 1, 2, 3} and set(t["road_score"].dropna()) <= {0, 1, 2}
    complete = t[["health_governance", "health_risk", "health_financial", "health_capital"]].notna().all(axis=1)
    assert (t["health_score"].notna() == complete).all()
    assert health_rating(pd.Series([80.0, 79.99, 66.0, 50.99])).tolist() == [
        "Sehat", "Cukup Sehat", "Cukup Sehat", "Dalam Pengawasan Khusus"]


def test_village_context_and_idm_joined(syn):
    t = syn.table
    assert t["population"].notna().all()
    assert t.loc[t["jenis"] == "desa", "idm"].notna().all()
    assert t.loc[t["jenis"] == "kelurahan", "idm"].isna().all()  # IDM covers desa only
    assert (t.loc[t["idm"].notna(), "idm_year"] == 2024).all()
    v = syn.villages
    assert len(v) == 482 and int(v["n_cooperatives"].sum()) == 411 and int((~v["has_own_coop"]).sum()) == 72


def test_answers_match_the_table(syn):
    assert syn.answers is not None
    assert syn.answers["coop_id"].tolist() == syn.table["coop_id"].tolist()


def test_audit_and_validation_logs(syn):
    rules = set(syn.audit["rule"])
    assert {"duplicate_exact", "duplicate_key", "unit_fix_juta", "impossible_value", "future_date",
            "outlier_flag", "personal_removed"} <= rules
    assert set(syn.validation.columns) >= {"kind", "file", "row", "column", "value", "rule", "severity"}
    assert not (syn.validation["severity"] == "error").any()


def _copy_project(tmp_path):
    (tmp_path / ".kaltara-root").write_text("")
    shutil.copytree(paths().synthetic_raw, tmp_path / "data" / "raw" / "synthetic")
    return tmp_path


def test_raw_unchanged_by_a_build_and_rebuild_identical(tmp_path, syn):
    """A build on a fresh copy of the project leaves its raw files as they were and gives the same
    tables as the build of the session's copy (``syn``): two computations, identical results."""
    root = _copy_project(tmp_path)
    raw = sorted((root / "data" / "raw").rglob("*"))
    before = {p: sha256_file(p) for p in raw if p.is_file()}
    first = load_analysis_table("synthetic", root=root)
    after = {p: sha256_file(p) for p in raw if p.is_file()}
    assert before == after
    assert sorted(p for p in (root / "data" / "raw").rglob("*") if p.is_file()) == sorted(before)
    out = root / "data" / "processed" / "synthetic"
    for name in ("cooperatives.parquet", "cooperatives.csv", "villages.parquet", "audit.csv", "validation.csv"):
        assert (out / name).is_file(), name
    second = syn
    pd.testing.assert_frame_equal(first.table, second.table, check_dtype=False)
    assert second.audit["row"].dtype == "Int64" and len(second.audit) == len(first.audit)
    assert (second.load_summary["read"].to_numpy() == first.load_summary["read"].to_numpy()).all()
    assert [str(d) for d in first.table.dtypes] == [str(d) for d in second.table.dtypes]
    csv = (out / "cooperatives.csv").read_text(encoding="utf-8").splitlines()
    assert csv[0].startswith("data_status,") and csv[1].startswith("SYNTHETIC,")


def test_no_personal_data_in_processed_notebooks_or_reports(syn, root):
    hits = []
    for folder in (root / "data" / "processed", root / "notebooks", root / "reports"):
        if not folder.exists():
            continue
        for p in folder.rglob("*"):
            if not p.is_file():
                continue
            header = ""
            if p.suffix == ".parquet":
                df = pd.read_parquet(p)
                text = df.astype(str).to_csv(index=False)
                header = " ".join(df.columns)
            elif p.suffix in TEXT_SUFFIXES:
                text = p.read_text(encoding="utf-8", errors="replace")
                header = text.splitlines()[0] if p.suffix == ".csv" and text else ""
            else:
                continue
            for rx in PERSONAL_PATTERNS:
                m = rx.search(text)
                if m:
                    hits.append((str(p.relative_to(root)), m.group(0)))
            for col in S.PERSONAL_COLUMNS:
                if re.search(rf"\b{col}\b", header):
                    hits.append((str(p.relative_to(root)), col))
    assert not hits, hits


@pytest.fixture(scope="module")
def real():
    """The real build from the vendored data (on the session's copy of the project)."""
    return analysis("kaltara")


@pytest.mark.realdata
def test_real_data_build(real, shared_kaltara):
    data = real
    t = data.table
    assert len(t) == 411 and data.answers is None
    counts = t.groupby("kode_kabkota").size().to_dict()
    assert counts == {"65.01": 81, "65.02": 108, "65.03": 171, "65.04": 31, "65.71": 20}
    desa = pd.read_csv(shared_kaltara / "kaltara_wilayah_2025_desa_kelurahan.csv", dtype=str)
    assert t["kode_desa"].notna().all() and t["kode_desa"].isin(desa["kode"]).all()
    assert t["kode_desa"].nunique() == 410
    assert (t["data_source"] == "kaltara").all()
    for c in ("members", "own_capital_rp", "population", "n_shops", "health_score", "unit_sembako"):
        assert t[c].isna().all(), c
    # IDM for every cooperative in a desa, none for the kelurahan stratum (never imputed)
    in_desa = t["jenis"] == "desa"
    assert in_desa.sum() == 376 and t.loc[in_desa, "idm"].notna().all() and t.loc[in_desa, "idm_2024"].notna().all()
    assert t.loc[~in_desa, ["idm", "idm_2024", "idm_2023", "dim_market_access"]].isna().all().all()
    assert (t["stratum"] == t["jenis"]).all()
    # the full-precision IDM summary (7 desa of Sesayap Hilir) wins over the 4-decimal per-desa file
    np.testing.assert_allclose(t["idm"][in_desa], t["idm_2024"][in_desa], atol=5e-5)
    assert t["population_kabkota"].notna().all()
    assert t["reg_accounts"].sum() == 411
    assert not (data.validation["severity"] == "error").any()


@pytest.mark.realdata
def test_real_table_has_names_ids_coordinates_and_context(real):
    t = real.table
    assert list(t.columns[-len(S.REALDATA_COLUMNS):]) == list(S.REALDATA_COLUMNS)
    named = t["nama_koperasi"].notna()
    assert named.sum() >= 399
    assert t.loc[named, "simkopdes_id"].is_unique
    assert t.loc[named, "nama_koperasi"].str.startswith("KOPERASI ").all()
    assert set(t.loc[named, "match_method"]) <= {"exact", "fuzzy", "land", "registry", "polygon"}
    assert t.loc[named, ["latitude", "longitude", "dist_capital_km", "dist_nearest_coop_km"]].notna().all().all()
    assert t.loc[named, "latitude"].between(1, 5).all() and t.loc[named, "longitude"].between(114, 119).all()
    assert (t.loc[~named, ["simkopdes_id", "latitude", "match_method"]].isna()).all().all()
    # land: 250 rows in the verification file, all of them for named cooperatives
    ls = t["land_status"].value_counts().to_dict()
    assert ls.get("verified", 0) + ls.get("in_verification", 0) + ls.get("no_land", 0) + \
        ls.get("under_consideration", 0) <= 250
    assert set(ls) <= {"verified", "in_verification", "no_land", "under_consideration", "not_surveyed"}
    # every unmatched location row is reported with its candidates
    ident = real.identity
    assert len(ident) == 411 and ident["cooperative_id"].is_unique
    open_rows = ident[ident["kode_desa"].isna()]
    rep = real.validation[(real.validation["kind"] == "identity") & (real.validation["column"] == "name")]
    assert set(open_rows["nama_koperasi"]) <= set(rep["value"])
    cov = real.coverage.set_index("block")
    assert cov.loc["survey", "source"] == "none" and cov.loc["survey", "n_with_value"] == 0
    assert cov.loc["village_idm", "n_with_value"] == 376 and "kelurahan" in cov.loc["village_idm", "note"]
    used = real.discovery[real.discovery["used"]]
    assert {"simkopdes_kaltara_locations.csv", "idm_kaltara_2023_desa.csv", "idm_kaltara_2024_desa.csv"} <= set(used["file"])
    assert "kopdes_business_units_kbli.csv" in set(real.discovery.loc[~real.discovery["used"], "file"])


def test_idm_from_the_wide_kemendesa_workbook_alone(tmp_path, syn):
    root = _copy_project(tmp_path)
    (root / "data" / "raw" / "synthetic" / synth.FILES["idm_summary"]).unlink()
    data = load_analysis_table("synthetic", root=root)
    a = data.table.set_index("coop_id")["idm"]
    b = syn.table.set_index("coop_id")["idm"]
    assert (a.isna() == b.isna()).all()
    assert ((a - b).abs().dropna() <= 5e-5 + 1e-12).all()  # the workbook holds 4 decimals
    assert (data.table["idm_status"].fillna("-") == syn.table["idm_status"].fillna("-")).mean() > 0.97


def _copy_real(tmp_path):
    (tmp_path / ".kaltara-root").write_text("")
    shutil.copytree(paths().shared_kaltara, tmp_path / "data" / "raw" / "kaltara", copy_function=shutil.copyfile)
    return tmp_path


@pytest.mark.realdata
def test_real_data_with_a_survey_drop_in(real, tmp_path):
    from kaltara_study.data.synth_write import write_csv

    root = _copy_real(tmp_path)
    single = real.table.groupby("kode_desa").filter(lambda g: len(g) == 1)["kode_desa"].iloc[:2].tolist()
    rows = synth.generate(synth.DEFAULT_SEED)["survey"].drop_duplicates("ID Koperasi").head(3).copy()
    rows["ID Koperasi"] = ["SURVEI-A", "SURVEI-B", "SURVEI-C"]
    rows["Kode Desa"] = single + ["65.99.99.2999"]
    # any file name: found by its headers
    write_csv(rows, root / "data" / "raw" / "kaltara" / "survey" / "hasil lapangan tahap 1.csv")
    data = load_analysis_table("kaltara", root=root)
    assert len(data.identity) == 411
    # discovery is stable: a second look at the folders lists the same files in the same order
    again = discover_files(source_dirs("kaltara", root=root))
    assert again.report["file"].tolist() == data.discovery["file"].tolist()
    t = data.table.set_index("coop_id")
    joined = t[t["members"].notna()]
    assert sorted(joined["kode_desa"]) == sorted(single)
    assert (data.audit["rule"] == "coop_id_from_village").sum() == 2
    bad = data.validation[(data.validation["kind"] == "survey") & (data.validation["severity"] == "error")]
    assert bad["value"].tolist() == ["SURVEI-C"]
    assert "chair_nik" not in data.table.columns
    d = data.discovery.set_index("file")
    assert d.loc["survey/hasil lapangan tahap 1.csv", "kind"] == "survey"
    assert d.loc["survey/hasil lapangan tahap 1.csv", "origin"] == "researcher"
    assert bool(d.loc["survey/hasil lapangan tahap 1.csv", "used"])
    cov = data.coverage.set_index("block")
    assert cov.loc["survey", "source"] == "hasil lapangan tahap 1.csv" and cov.loc["survey", "n_with_value"] == 2


@pytest.mark.realdata
def test_researchers_newer_file_is_not_shadowed_by_the_vendored_one(real, tmp_path):
    root = _copy_real(tmp_path)
    land = pd.read_csv(paths().shared_kaltara / "simkopdes_kaltara_land_assets.csv", dtype=str)
    i = land.index[land["status"] == "Sedang Diverifikasi"][0]
    name = land.at[i, "cooperative"]
    land.loc[i, "status"] = "Terverifikasi"
    land.to_csv(root / "data" / "raw" / "kaltara" / "survey" / "update.csv", index=False)
    data = build_analysis_table("kaltara", root=root)
    t = data.table
    assert t.loc[t["nama_koperasi"] == name, "land_status"].tolist() == ["verified"]
    assert real.table.loc[real.table["nama_koperasi"] == name, "land_status"].tolist() == ["in_verification"]
    d = data.discovery.set_index("file")
    assert bool(d.loc["survey/update.csv", "used"]) and d.loc["survey/update.csv", "kind"] == "simkopdes_land"
    assert not d.loc["simkopdes_kaltara_land_assets.csv", "used"]
    assert "shadowed by the researcher's file 'survey/update.csv'" in d.loc["simkopdes_kaltara_land_assets.csv", "reason"]


def test_synthetic_source_with_location_and_land_files_of_the_public_layout(tmp_path, syn):
    """Files with the vendored columns under any name are used when present (synthetic names here)."""
    root = _copy_project(tmp_path)
    for f in (root / "data" / "raw" / "synthetic").glob("simkopdes_SYNTHETIC_kaltara_l*.csv"):
        f.unlink()  # the generator's own location/land twins: replaced by the files written below
    reg = pd.read_csv(root / "data" / "raw" / "synthetic" / "simkopdes_SYNTHETIC_kaltara_village_stats.csv", dtype=str)
    reg = reg.loc[reg.index.repeat(reg["cooperatives"].astype(int))].reset_index(drop=True)
    loc = pd.DataFrame({"cooperative_id": range(900001, 900001 + len(reg)),
                        "name": "KOPERASI DESA MERAH PUTIH " + reg["village"].str.upper(),
                        "province": "KALIMANTAN UTARA", "district": reg["district"], "subdistrict": reg["subdistrict"],
                        "latitude": 3.0, "longitude": 117.0})
    loc.to_csv(root / "data" / "raw" / "synthetic" / "koperasi_lokasi_SYNTHETIC.csv", index=False)
    land = loc.head(5).rename(columns={"name": "cooperative"}).assign(
        asset_id=range(5), village=reg["village"].head(5), status="Terverifikasi", surveyor="PMO")
    land[["asset_id", "cooperative", "province", "district", "subdistrict", "village", "status", "surveyor",
          "latitude", "longitude"]].to_csv(root / "data" / "raw" / "synthetic" / "lahan.csv", index=False)
    data = build_analysis_table("synthetic", root=root)
    t = data.table
    assert len(t) == len(syn.table) == 411
    pd.testing.assert_frame_equal(t[list(S.COOPERATIVE_COLUMNS)], syn.table[list(S.COOPERATIVE_COLUMNS)],
                                  check_dtype=False)
    assert t["nama_koperasi"].notna().all() and t["simkopdes_id"].is_unique
    assert (t["land_status"] == "verified").sum() == 5 and (t["land_status"] == "not_surveyed").sum() == 406
    cov = data.coverage.set_index("block")
    assert cov.loc["identity", "source"] == "koperasi_lokasi_SYNTHETIC.csv"


@pytest.mark.realdata
def test_older_region_list_leaves_out_its_missing_villages_with_reasons(tmp_path):
    """A Kemendagri village list older than the registry (5 villages missing): the build goes on as for
    any other unknown code — the cooperatives are left out, each with a report line and an audit entry,
    and one line on the list names the missing codes, the files that use them and the fix."""
    root = _copy_real(tmp_path)
    desa = pd.read_csv(paths().shared_kaltara / "kaltara_wilayah_2025_desa_kelurahan.csv", dtype=str)
    reg = pd.read_csv(paths().shared_kaltara / "simkopdes_kaltara_to_kemendagri_match.csv", dtype=str)
    gone = sorted(desa.loc[desa["kode"].isin(reg["kode_kemendagri"]) & (desa["jenis"] == "desa"), "kode"].iloc[20:25])
    path = root / "data" / "raw" / "kaltara" / "survey" / "wilayah_desa_2022.csv"  # the researcher's older list
    desa[~desa["kode"].isin(gone)].to_csv(path, index=False)
    data = build_analysis_table("kaltara", root=root)
    assert len(data.table) == 411 - 5 and not data.table["kode_desa"].isin(gone).any()
    v = data.validation
    line = v[v["rule"].str.startswith("missing_villages")]
    assert len(line) == 1 and line["severity"].iat[0] == "error"
    assert line["file"].iat[0] == path.name and line["value"].iat[0].split("; ") == gone
    rule = line["rule"].iat[0]
    for word in ["5 village code", "simkopdes_kaltara_to_kemendagri_match.csv", "current Kemendagri village list",
                 "the vendored data/raw/kaltara/kaltara_wilayah_2025_desa_kelurahan.csv", "remove or replace "
                 "wilayah_desa_2022.csv", *gone]:
        assert word in rule, (word, rule)
    rows = v[(v["kind"] == "simkopdes_village_stats") & (v["severity"] == "error")]
    assert len(rows) == 5 and rows["row"].notna().all() and rows["rule"].str.contains(path.name).all()
    left = data.audit[data.audit["rule"] == "village_not_in_list"]
    assert sorted(left["old"]) == gone and left["new"].eq("<NA>").all() and left["reason"].str.contains("left out").all()


def test_a_broken_contract_is_a_data_error_not_a_pandera_traceback():
    from kaltara_study.data.pipeline import _check_contract
    from kaltara_study.errors import DataError

    t = pd.DataFrame({"coop_id": ["KDMP-1-1"], "kode_desa": [None]})
    with pytest.raises(DataError) as ei:
        _check_contract(t, "cooperatives", {"kemendagri_desa": paths().root / "desa.csv"}, key="coop_id")
    assert "cooperatives table built from desa.csv" in str(ei.value) and "vintage" in str(ei.value)


def test_a_folder_without_the_needed_files_says_what_they_look_like(tmp_path):
    """The message names the missing files by their content (columns from the detection rules, not a
    second copy), lists every file looked at with why it was not used, and no internal kind names."""
    from kaltara_study.data.pipeline import NEEDED_KINDS, find_sources
    from kaltara_study.data.sources import expected_columns
    from kaltara_study.errors import InputError

    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(paths().shared_kaltara / "kaltara_wilayah_2025_kabkota.csv", folder / "kab.csv")
    (folder / "desa lama.csv").write_text("Kode Desa,Nama Desa,Jenis\n65.01.01.2001,Satu,desa\n", encoding="utf-8")
    (folder / "catatan.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    (folder / "foto.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(InputError) as ei:
        find_sources(str(folder))
    msg = str(ei.value)
    assert "the Kemendagri village list (desa/kelurahan): a table with the columns kode (or kode desa" in msg
    assert "the SIMKOPDES registry per village" in msg and "the Kemendagri district list (kecamatan)" in msg
    for col in expected_columns("kemendagri_desa") + expected_columns("simkopdes_village_stats"):
        assert col in msg, col
    assert "the Kemendagri regency/city list (kabupaten/kota): a table" not in msg  # it was found
    assert "kab.csv: recognised as the Kemendagri regency/city list (kabupaten/kota), used" in msg
    assert "desa lama.csv: headers match no known source kind" in msg and "closest to the Kemendagri village " \
        "list (desa/kelurahan), which also needs: kode kecamatan" in msg
    assert "catatan.csv: headers match no known source kind: foo, bar" in msg
    assert "foto.jpg: not a data file (.jpg)" in msg
    assert not any(k in msg for k in NEEDED_KINDS), msg
    assert "data/raw/kaltara/" in msg


def test_members_above_the_village_population_become_missing_with_an_audit_line(tmp_path, syn):
    """A planted implausible member count (above the Podes population of its village) is set to missing,
    with an audit line naming the survey file, row, cooperative, old value and the population."""
    import openpyxl

    root = _copy_project(tmp_path)
    path = root / "data" / "raw" / "synthetic" / synth.FILES["survey"]
    wb = openpyxl.load_workbook(path)
    ws = wb["Data"]
    head = next(r for r in range(1, 10) if ws.cell(r, 1).value == "ID Koperasi")
    cols = {ws.cell(head, c).value: c for c in range(1, ws.max_column + 1)}
    ids = [ws.cell(r, 1).value for r in range(head + 1, ws.max_row + 1)]
    t = syn.table.set_index("coop_id")
    coop = next(c for c in t.index[t["members"].notna() & t["population"].notna()] if ids.count(c) == 1)
    row = head + 1 + ids.index(coop)
    planted = int(t.at[coop, "population"]) + 1
    ws.cell(row, cols["Jumlah Anggota"]).value = planted
    wb.save(path)
    data = build_analysis_table("synthetic", root=root)
    assert pd.isna(data.table.set_index("coop_id").at[coop, "members"])
    a = data.audit
    line = a[(a["rule"] == "implausible_value") & (a["row_key"] == coop)]
    assert len(line) == 1, line.to_string()
    line = line.iloc[0]
    assert (line["kind"], line["file"], line["row"], line["column"], line["old"], line["new"]) == (
        "survey", synth.FILES["survey"], row, "members", str(planted), "<NA>")
    assert f"above the village population {int(t.at[coop, 'population'])}" in line["reason"]
    assert synth.FILES["podes"] in line["reason"] and t.at[coop, "kode_desa"] in line["reason"]
    # the derived per-household rate follows: missing too
    assert pd.isna(data.table.set_index("coop_id").at[coop, "members_per_100_hh"])
