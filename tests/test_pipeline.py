"""The processed analysis table: contract, joins, cache, raw files untouched, no personal data."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from kaltara_study.data import schema as S
from kaltara_study.data import synth
from kaltara_study.study import paths
from kaltara_study.data.write import sha256_file
from kaltara_study.data.pipeline import health_rating, load_analysis_table

PERSONAL_PATTERNS = [re.compile(p) for p in (
    r"Ketua Sintetis \d{3}", r"SYN\d{13}", r"SYN-0800-0000-\d{4}",  # the synthetic chair data
    r"(?<![\w.])(?:64|65)\d{14}(?![\w.])",                        # a 16-digit NIK of Kalimantan
    r"(?<![\w.+])(?:\+62|62|0)8\d{2}[- ]?\d{3,4}[- ]?\d{3,5}(?![\w.])",  # an Indonesian mobile number
)]
TEXT_SUFFIXES = {".csv", ".json", ".ipynb", ".html", ".md", ".txt", ".tex", ".toml", ".svg"}


@pytest.fixture(scope="module")
def syn():
    return load_analysis_table("synthetic")


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
    assert ok.sum() == 409  # two impossible negative counts blanked
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


def test_raw_unchanged_by_a_build_and_cache_reused(tmp_path):
    root = _copy_project(tmp_path)
    raw = sorted((root / "data" / "raw").rglob("*"))
    before = {p: sha256_file(p) for p in raw if p.is_file()}
    first = load_analysis_table("synthetic", root=root, rebuild=True)
    after = {p: sha256_file(p) for p in raw if p.is_file()}
    assert before == after
    assert sorted(p for p in (root / "data" / "raw").rglob("*") if p.is_file()) == sorted(before)
    out = root / "data" / "processed" / "synthetic"
    for name in ("cooperatives.parquet", "cooperatives.csv", "villages.parquet", "audit.csv", "validation.csv"):
        assert (out / name).is_file(), name
    second = load_analysis_table("synthetic", root=root)
    assert second.from_cache and not first.from_cache
    pd.testing.assert_frame_equal(first.table, second.table, check_dtype=False)
    assert second.audit["row"].dtype == "Int64" and len(second.audit) == len(first.audit)
    assert (second.load_summary["read"].to_numpy() == first.load_summary["read"].to_numpy()).all()
    assert [str(d) for d in first.table.dtypes] == [str(d) for d in second.table.dtypes]
    # a changed input invalidates the cache
    f = root / "data" / "raw" / "synthetic" / synth.FILES["podes"]
    f.write_bytes(f.read_bytes().replace(b"Musiman", b"Sepanjang tahun", 1))
    third = load_analysis_table("synthetic", root=root)
    assert not third.from_cache
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


@pytest.mark.realdata
def test_real_data_build(shared_kaltara):
    data = load_analysis_table("kaltara")
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
    assert t["idm"].notna().sum() == 7
    assert t["population_kabkota"].notna().all()
    assert t["reg_accounts"].sum() == 411
    assert not (data.validation["severity"] == "error").any()


def test_idm_from_the_wide_kemendesa_workbook_alone(tmp_path, syn):
    root = _copy_project(tmp_path)
    (root / "data" / "raw" / "synthetic" / synth.FILES["idm_summary"]).unlink()
    data = load_analysis_table("synthetic", root=root)
    a = data.table.set_index("coop_id")["idm"]
    b = syn.table.set_index("coop_id")["idm"]
    assert (a.isna() == b.isna()).all()
    assert ((a - b).abs().dropna() <= 5e-5 + 1e-12).all()  # the workbook holds 4 decimals
    assert (data.table["idm_status"].fillna("-") == syn.table["idm_status"].fillna("-")).mean() > 0.97


@pytest.mark.realdata
def test_real_data_with_a_survey_drop_in(shared_kaltara, tmp_path, monkeypatch):
    from kaltara_study.data.synth_write import write_csv

    monkeypatch.setenv("KALTARA_SHARED_DATA", str(shared_kaltara))
    (tmp_path / ".kaltara-root").write_text("")
    real = load_analysis_table("kaltara").table
    single = real.groupby("kode_desa").filter(lambda g: len(g) == 1)["kode_desa"].iloc[:2].tolist()
    rows = synth.generate(synth.DEFAULT_SEED)["survey"].drop_duplicates("ID Koperasi").head(3).copy()
    rows["ID Koperasi"] = ["SURVEI-A", "SURVEI-B", "SURVEI-C"]
    rows["Kode Desa"] = single + ["65.99.99.2999"]
    write_csv(rows, tmp_path / "data" / "raw" / "survey_dropin_SYNTHETIC.csv")
    data = load_analysis_table("kaltara", root=tmp_path)
    t = data.table.set_index("coop_id")
    joined = t[t["members"].notna()]
    assert sorted(joined["kode_desa"]) == sorted(single)
    assert (data.audit["rule"] == "coop_id_from_village").sum() == 2
    bad = data.validation[(data.validation["kind"] == "survey") & (data.validation["severity"] == "error")]
    assert bad["value"].tolist() == ["SURVEI-C"]
    assert "chair_nik" not in data.table.columns
