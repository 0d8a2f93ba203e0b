"""Kobo/ODK exports of the study's forms read back into the survey contract (issue 13)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kaltara_study.data import kobo as K
from kaltara_study.data.clean import clean_source, normalise_partners
from kaltara_study.data.schema import RAW_SCHEMAS, UNIT_COLUMNS
from kaltara_study.data.sources import load_source
from kaltara_study.errors import InputError
from kaltara_study.instrument.agreement import item_agreement
from kaltara_study.instrument.forms import ASSESSMENT_ITEMS, FORM_VERSIONS, LANG_EN, LANG_ID, build_forms, cooperative_list
from kaltara_study.study import paths

HERE = Path(__file__).parent
SAMPLE = HERE / "data" / "kobo" / "simkopdes_locations_sample.csv"
SURVEY_XLSX = paths().synthetic_raw / "SYNTHETIC_survey_koperasi_kaltara_2025.xlsx"
CONTRACT = RAW_SCHEMAS["survey"]
FIELDS = [c for c in CONTRACT.columns if c not in ("chair_name", "chair_nik", "chair_phone", "catatan")
          and not c.startswith("health_")]


@pytest.fixture(scope="module")
def setup():
    """41 SIMKOPDES cooperatives paired with 41 synthetic cooperatives (the truth)."""
    coops = cooperative_list(pd.read_csv(SAMPLE))
    sv = load_source(SURVEY_XLSX, "survey").frame.drop_duplicates("coop_id").reset_index(drop=True)
    sv = sv.iloc[: len(coops)].copy()
    sv["partners_existing"] = normalise_partners(sv).frame["partners_existing"].to_numpy()
    sv["simkopdes_id"] = coops["simkopdes_id"].to_numpy()
    coops["coop_id"] = sv["coop_id"].to_numpy()
    coops["kode_desa"] = sv["kode_desa"].to_numpy()
    # the truth as the form collects it: out-of-range values are refused, skipped questions are NA
    truth = sv.copy()
    for c in ("members", "own_capital_rp", "assets_rp", "liabilities_rp", "turnover_rp"):
        truth.loc[truth[c] < 0, c] = pd.NA if c == "members" else np.nan
    truth.loc[truth["distance_kab_km"] > 1000, "distance_kab_km"] = np.nan
    truth.loc[truth["has_legal_entity"] == False, "legal_number"] = pd.NA  # noqa: E712
    forms = build_forms(CONTRACT, cooperatives=coops)
    return {"coops": coops, "sv": sv, "truth": truth.set_index("coop_id"), "forms": forms}


def _equal(a, b) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    if pd.isna(a) or pd.isna(b):
        return False
    if isinstance(a, float) or isinstance(b, float):
        return float(a) == pytest.approx(float(b))
    return a == b


def _mismatches(frame: pd.DataFrame, truth: pd.DataFrame, skip_ids=()) -> list:
    bad = []
    for r in frame.itertuples(index=False):
        if r.coop_id in skip_ids:
            continue
        t = truth.loc[r.coop_id]
        for c in FIELDS:
            if c != "coop_id" and c in frame.columns and not _equal(getattr(r, c), t[c]):
                bad.append((r.coop_id, c, getattr(r, c), t[c]))
    return bad


def test_round_trip_xlsx_equals_truth(setup, tmp_path):
    subs = K.submissions_from_contract(setup["sv"], setup["forms"]["survey"])
    path = K.write_kobo_export(subs, tmp_path / "kdmp_survey_export.xlsx", form_title="kdmp_survey")
    res = K.read_kobo_export(path, form=setup["forms"]["survey"], cooperatives=setup["coops"])
    assert res.n_read == len(setup["sv"]) == len(res.frame) + len(res.rejected)
    assert set(FIELDS) <= set(res.frame.columns)
    assert _mismatches(res.frame, setup["truth"]) == []
    # every refused value is in the report, with sheet, row and column
    sv = setup["sv"]
    n_out = int(sum((sv[c] < 0).sum() for c in ("members", "own_capital_rp", "assets_rp", "liabilities_rp",
                                                "turnover_rp")) + (sv["distance_kab_km"] > 1000).sum())
    errs = res.report[res.report["rule"].str.startswith("out_of_range")]
    assert len(errs) == n_out
    assert set(errs["sheet"]) <= {"kdmp_survey"} and errs["row"].notna().all()
    assert (res.report["severity"] == "error").sum() == n_out
    assert res.unknown_columns == []
    assert res.frame.dtypes["members"] == "Int64" and str(res.frame.dtypes["unit_sembako"]) == "boolean"
    # the frame goes through the survey cleaning step like a loaded survey file
    cl = clean_source(res.frame, "survey", file=res.file, n_read=len(res.frame))
    assert len(cl.frame) == len(res.frame)


def _messy(setup):
    """Submissions with skipped questions, out-of-range values, duplicates, reviewer statuses and an
    old form version; returns (frames, expectations)."""
    sv = setup["sv"].copy()
    sv["_submission_time"] = "2025-10-05T08:00:00"
    ids = sv["coop_id"].tolist()
    # out of range
    sv.loc[3, "members"] = -12
    sv.loc[4, "distance_kab_km"] = 1500.0
    # skipped required question (only submission): members NA
    sv.loc[5, "members"] = pd.NA
    subs = K.submissions_from_contract(sv, setup["forms"]["survey"])
    main = subs["main"]
    # duplicate, earlier and different: the later complete one (the original row) must win
    early = main.iloc[[6]].copy()
    early["anggota/members"] = "999"
    early["_submission_time"] = "2025-09-01T08:00:00"
    early["_uuid"], early["_index"] = "dup-early", "901"
    # two incomplete submissions for one cooperative: flagged, none used
    inc = main.iloc[[7, 7]].copy()
    inc["lokasi/premises"] = None
    inc["_uuid"], inc["_index"] = ["inc-a", "inc-b"], ["902", "903"]
    inc["_submission_time"] = ["2025-10-06T08:00:00", "2025-10-07T08:00:00"]
    # reviewer: a later submission marked not approved is not used
    rej = main.iloc[[8]].copy()
    rej["anggota/members"] = "1"
    rej["_submission_time"] = "2025-12-01T08:00:00"
    rej["_uuid"], rej["_index"], rej["_validation_status"] = "rej", "904", "validation_status_not_approved"
    main = main.drop(index=[7])
    frames = pd.concat([main, early, inc, rej], ignore_index=True)
    # the old form version: jumlah_anggota and a multiple-choice partner question, no gates
    old_i = frames.index[frames["identitas/coop"] == setup["coops"]["simkopdes_id"].iat[9]][0]
    frames["anggota/jumlah_anggota"] = None
    frames["mitra/partners"] = None
    frames.loc[old_i, "anggota/jumlah_anggota"] = frames.loc[old_i, "anggota/members"]
    frames.loc[old_i, ["anggota/members", "mitra/has_partners", "keuangan/fin_available", "dokumen/rat_ever"]] = None
    p = setup["sv"].loc[9, "partners_existing"]
    frames.loc[old_i, "mitra/partners"] = " ".join(p.split(";")) if p else "none"
    frames.loc[old_i, "form_version"] = "2025090101"
    rep = subs["mitra_rep"]
    rep = rep[rep["_parent_index"] != frames.loc[old_i, "_index"]]
    return {"main": frames, "mitra_rep": rep}, {"ids": ids}


def test_messy_round_trip(setup, tmp_path):
    frames, exp = _messy(setup)
    path = K.write_kobo_export(frames, tmp_path / "messy.xlsx")
    res = K.read_kobo_export(path, form=setup["forms"]["survey"], cooperatives=setup["coops"])
    ids = exp["ids"]
    f = res.frame.set_index("coop_id")
    # conservation: every submission is used or rejected with a reason
    assert res.n_read == len(res.frame) + len(res.rejected) == len(frames["main"])
    # out-of-range values refused and reported
    assert pd.isna(f.at[ids[3], "members"]) and pd.isna(f.at[ids[4], "distance_kab_km"])
    r = res.report
    assert {"anggota/members", "lokasi/distance_kab_km"} <= set(r.loc[r["rule"].str.startswith("out_of_range"), "column"])
    # the skipped required answer: the only submission, used, incomplete
    dec = res.audit.set_index("uuid")
    assert pd.isna(f.at[ids[5], "members"])
    assert res.audit.loc[res.audit["key"] == setup["coops"]["simkopdes_id"].iat[5], "decision"].tolist() == ["only_incomplete"]
    # duplicates: latest complete wins, the early one is superseded
    assert f.at[ids[6], "members"] == setup["sv"].loc[6, "members"]
    assert dec.at["dup-early", "decision"] == "superseded"
    # two incomplete: flagged for review, none used
    assert ids[7] not in f.index
    assert set(dec.loc[["inc-a", "inc-b"], "decision"]) == {"needs_review"}
    assert r["rule"].str.contains("flagged for review").any()
    # reviewer's not-approved submission is not used
    assert dec.at["rej", "decision"] == "rejected_by_reviewer"
    assert f.at[ids[8], "members"] == setup["sv"].loc[8, "members"]
    # the old version is recognised and read
    assert res.versions.get("2025090101") == 1
    assert f.at[ids[9], "members"] == setup["sv"].loc[9, "members"]
    assert f.at[ids[9], "partners_existing"] == setup["sv"].loc[9, "partners_existing"]
    assert f.at[ids[9], "form_version"] == "2025090101"
    # every other collected field equals the truth
    truth = setup["truth"]
    assert _mismatches(res.frame, truth, skip_ids={ids[3], ids[4], ids[5]}) == []
    # and the flagged/rejected are listed
    assert set(res.rejected["reason"]) == {"superseded", "needs_review", "rejected_by_reviewer"}


def _subs(setup, n=12):
    return K.submissions_from_contract(setup["sv"].iloc[:n], setup["forms"]["survey"])


def _read(frames, setup, **kw):
    return K.read_kobo_export(frames, form=setup["forms"]["survey"], cooperatives=setup["coops"], **kw)


def test_csv_with_dash_paths_and_odk_central_meta(setup, tmp_path):
    subs = _subs(setup)
    ref = _read(subs, setup).frame
    main = subs["main"].copy()
    main.columns = [c.replace("/", "-") for c in main.columns]
    main = main.rename(columns={"_submission_time": "SubmissionDate", "_uuid": "KEY", "__version__": "FormVersion"})
    main["ReviewState"] = None
    p = tmp_path / "central.csv"
    K.write_kobo_export({"main": main}, p)
    assert ";" in p.read_text().splitlines()[0]
    rp = tmp_path / "central_mitra.csv"
    keys = dict(zip(subs["main"]["_index"], subs["main"]["_uuid"]))
    central_rep = subs["mitra_rep"].assign(PARENT_KEY=subs["mitra_rep"]["_parent_index"].map(keys))
    central_rep = central_rep.drop(columns=["_parent_index", "_index", "_parent_table_name", "_submission__uuid"])
    central_rep.columns = [c.replace("/", "-") for c in central_rep.columns]
    K.write_kobo_export({"m": central_rep}, rp)
    res = _read({"main": p, "mitra_rep": rp}, setup)
    assert res.unknown_columns == []
    pd.testing.assert_frame_equal(res.frame.drop(columns=["submission_uuid"]), ref.drop(columns=["submission_uuid"]))


def test_select_multiple_as_binary_columns(setup):
    subs = _subs(setup)
    ref = _read(subs, setup).frame
    main = subs["main"].copy()
    codes = ["office", "sembako", "savings_loan", "clinic", "pharmacy", "warehouse", "logistics", "none"]
    for c in codes:
        main[f"unit/units_operating/{c}"] = main["unit/units_operating"].map(
            lambda v, c=c: None if v is None else ("1" if c in v.split() else "0"))
    both = _read({**subs, "main": main}, setup).frame
    only = _read({**subs, "main": main.drop(columns=["unit/units_operating"])}, setup).frame
    for got in (both, only):
        pd.testing.assert_frame_equal(got[list(UNIT_COLUMNS)], ref[list(UNIT_COLUMNS)])
    assert ref["unit_sembako"].notna().all()


@pytest.mark.parametrize("lang", [LANG_ID, LANG_EN])
def test_labels_instead_of_values(setup, lang):
    subs = _subs(setup)
    ref = _read(subs, setup).frame
    ch = setup["forms"]["survey"].choices
    sv = setup["forms"]["survey"].survey.set_index("name")
    main = subs["main"].copy()
    for col in main.columns:
        q = col.split("/")[-1]
        if q not in sv.index or not sv.at[q, "type"].startswith("select") or q in ("coop", "kabupaten", "kecamatan"):
            continue
        ln = sv.at[q, "type"].split()[1]
        lut = ch[ch["list_name"] == ln].set_index("name")[f"label::{lang}"]
        if sv.at[q, "type"].startswith("select_multiple"):
            main[col] = main[col].map(lambda v: None if pd.isna(v) else "; ".join(lut[x].upper() for x in v.split()))
        else:
            main[col] = main[col].map(lambda v: None if pd.isna(v) else lut[v].upper())
    rep = subs["mitra_rep"].copy()
    lut = ch[ch["list_name"] == "partners"].set_index("name")[f"label::{lang}"]
    rep["mitra/mitra_rep/partner_key"] = rep["mitra/mitra_rep/partner_key"].map(lut)
    got = _read({"main": main, "mitra_rep": rep}, setup)
    assert (got.report["severity"] == "error").sum() == 0
    pd.testing.assert_frame_equal(got.frame, ref)


def test_headers_without_groups_and_nested_groups(setup):
    subs = _subs(setup)
    ref = _read(subs, setup).frame
    flat = subs["main"].rename(columns=lambda c: c.split("/")[-1] if "/" in c and not c.startswith("_") else c)
    pd.testing.assert_frame_equal(_read({**subs, "main": flat}, setup).frame, ref)
    # grp/sub/q: a form with a nested group around the members question
    form = setup["forms"]["survey"]
    sv = form.survey
    i = sv.index[sv["name"] == "members"][0]
    nested = pd.concat([sv.loc[: i - 1], sv.loc[[i]].assign(type="begin_group", name="detail", kaltara_column="",
                                                              kaltara_rule="", required=""),
                        sv.loc[[i]], sv.loc[[i]].assign(type="end_group", name="", kaltara_column="", kaltara_rule="",
                                                        required=""), sv.loc[i + 1:]], ignore_index=True)
    main = subs["main"].rename(columns={"anggota/members": "anggota/detail/members"})
    got = K.read_kobo_export({**subs, "main": main}, form={"survey": nested, "choices": form.choices,
                                                           "settings": form.settings}, cooperatives=setup["coops"])
    pd.testing.assert_frame_equal(got.frame, ref)


def test_meta_unknown_and_personal_columns(setup):
    subs = _subs(setup)
    main = subs["main"].copy()
    for m in ("_status", "_tags", "_notes", "_geolocation", "_attachments", "start", "end", "today",
              "meta/instanceID", "formhub/uuid", "_xform_id_string", "_lokasi/gps_latitude", "lokasi/foto_tempat_URL"):
        main[m] = "x"
    main["extra/catatan_lapangan"] = "apa saja"
    main["_submitted_by"] = "enumerator_budi"
    main["chair_name"] = "Budi Santoso"
    main.loc[0, "anggota/members"] = "Budi Santoso"       # free text typed into a number cell
    main.loc[1, "lokasi/premises"] = "Rumah Pak Budi"     # and into a choice cell
    res = _read({**subs, "main": main}, setup)
    assert res.report["value"].eq("<withheld: text>").sum() == 2
    assert res.unknown_columns == ["extra/catatan_lapangan"]
    text = res.report.to_string() + res.audit.to_string() + res.frame.to_string() + res.rejected.to_string()
    for secret in ("Budi", "enumerator_budi", "apa saja"):
        assert secret not in text
    dropped = res.report[res.report["rule"].str.startswith("personal column dropped")]["column"].tolist()
    assert dropped == ["_submitted_by", "chair_name"]
    assert "chair_name" not in res.frame.columns


def test_unknown_version_and_approved_rule(setup):
    subs = _subs(setup, n=3)
    main = subs["main"].copy()
    main.loc[0, "form_version"] = "2024010101"
    dup = main.iloc[[1]].assign(_uuid="approved", _index="77", _submission_time="2025-01-01T00:00:00",
                                _validation_status="validation_status_approved")
    dup["anggota/members"] = "5"
    res = _read({**subs, "main": pd.concat([main, dup], ignore_index=True)}, setup)
    w = res.report[res.report["rule"].str.startswith("unknown form version")]
    assert w["value"].tolist() == ["2024010101"] and (w["severity"] == "warning").all()
    f = res.frame.set_index("simkopdes_id")
    assert f.at[setup["coops"]["simkopdes_id"].iat[1], "members"] == 5  # the approved one, although older
    assert res.audit.set_index("uuid").at["approved", "decision"] == "latest_complete"


def test_errors_name_file_sheet_and_expectation(setup, tmp_path):
    subs = _subs(setup, n=2)
    p = K.write_kobo_export({"main": subs["main"].drop(columns=["identitas/coop"])}, tmp_path / "nocoop.xlsx",
                            form_title="kdmp_survey")
    with pytest.raises(InputError, match=r"nocoop\.xlsx.*sheet 'kdmp_survey'.*'coop'"):
        _read(p, setup)
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(InputError, match="broken.xlsx"):
        _read(bad, setup)
    main = subs["main"].copy()
    main.loc[0, "lokasi/premises"] = "gubuk"
    main.loc[1, "anggota/members"] = "12.5"
    res = _read({**subs, "main": main}, setup)
    e = res.report[res.report["severity"] == "error"].set_index("column")
    assert e.at["lokasi/premises", "row"] == 2 and "expected a code of list 'premises'" in e.at["lokasi/premises", "rule"]
    assert e.at["anggota/members", "row"] == 3 and "whole number" in e.at["anggota/members", "rule"]


def test_assessment_two_supervisors(setup, tmp_path):
    form = setup["forms"]["assessment"]
    base = setup["sv"].iloc[:20].copy()
    rng = np.random.default_rng(5)
    rows = []
    for code in (11, 12):
        r = base.copy()
        r["assessor_code"] = code
        r["assessment_date"] = pd.Timestamp("2025-11-10")
        for c in ("health_governance", "health_risk", "health_financial", "health_capital"):
            r[c] = (r[c] + rng.normal(0, 2, len(r))).round(1).clip(0, 100)
        for d, col in (("doc_ahu", "has_legal_entity"), ("doc_nib", "has_nib"), ("doc_npwp", "has_npwp"),
                       ("doc_bank", "has_bank_account"), ("doc_rat", "rat_held_12m")):
            r[d] = r[col].map({True: "seen", False: "absent"})
        rows.append(r)
    both = pd.concat(rows, ignore_index=True)
    subs = K.submissions_from_contract(both, form)
    path = K.write_kobo_export(subs, tmp_path / "assess.xlsx", form_title="kdmp_assessment")
    res = K.read_kobo_export(path, form=form, cooperatives=setup["coops"])
    assert len(res.ratings) == 40 and len(res.frame) == 20
    assert (res.frame["n_assessors"] == 2).all()
    mean = both.groupby("coop_id")["health_risk"].mean()
    got = res.frame.set_index("coop_id")["health_risk"]
    np.testing.assert_allclose(got.to_numpy(), mean.reindex(got.index).to_numpy(), equal_nan=True)
    ag = item_agreement(res.ratings, items=ASSESSMENT_ITEMS, n_boot=50)
    icc = ag[(ag["item"] == "health_risk") & (ag["statistic"] == "ICC(2,1)")]
    assert float(icc["value"].iat[0]) > 0.9
    # the survey and the assessment together satisfy the survey contract
    survey = _read(K.submissions_from_contract(setup["sv"].iloc[:20], setup["forms"]["survey"]), setup)
    combined = K.combine_forms(survey, res)
    RAW_SCHEMAS["survey"].validate(combined.drop(columns=["_row"]), lazy=True)
    np.testing.assert_allclose(combined.set_index("coop_id")["health_risk"].reindex(got.index), got)


def test_form_read_from_the_written_xlsform(setup, tmp_path):
    from kaltara_study.report.instrument import write_xlsform

    p = write_xlsform(setup["forms"]["survey"], tmp_path / "form.xlsx")
    subs = _subs(setup, n=5)
    a = K.read_kobo_export(subs, form=p, cooperatives=setup["coops"]).frame
    b = _read(subs, setup).frame
    pd.testing.assert_frame_equal(a, b)
    assert FORM_VERSIONS["survey"] in set(a["form_version"])


def _write_folder(setup, folder: Path, *, n=15, older=True):
    from kaltara_study.report.instrument import write_xlsform

    for key in ("survey", "assessment"):
        write_xlsform(setup["forms"][key], folder / K.FORM_FILES[key])
    sv = setup["sv"].iloc[:n].copy()
    if older:
        old = sv.assign(members=pd.array([1] * n, dtype="Int64"))
        K.write_kobo_export(K.submissions_from_contract(old, setup["forms"]["survey"]),
                            folder / "kdmp_survey_-_all_versions_-_2025-10-01-00-00-00.xlsx", form_title="kdmp_survey")
    K.write_kobo_export(K.submissions_from_contract(sv, setup["forms"]["survey"]),
                        folder / "kdmp_survey_-_all_versions_-_2025-11-01-00-00-00.xlsx", form_title="kdmp_survey")
    a = sv.assign(assessor_code=7, assessment_date=pd.Timestamp("2025-11-05"))
    for d, col in (("doc_ahu", "has_legal_entity"), ("doc_nib", "has_nib"), ("doc_npwp", "has_npwp"),
                   ("doc_bank", "has_bank_account"), ("doc_rat", "rat_held_12m")):
        a[d] = a[col].map({True: "seen", False: "absent"})
    K.write_kobo_export(K.submissions_from_contract(a, setup["forms"]["assessment"]),
                        folder / "kdmp_assessment_-_2025-11-06-00-00-00.xlsx", form_title="kdmp_assessment")
    return sv


def test_read_kobo_folder_newest_export_and_both_forms(setup, tmp_path):
    assert K.read_kobo_folder(tmp_path) is None
    sv = _write_folder(setup, tmp_path)
    res = K.read_kobo_folder(tmp_path, cooperatives=setup["coops"])
    assert res.n_read == len(res.frame) + len(res.rejected) == len(sv)
    f = res.frame.set_index("coop_id")
    t = sv.set_index("coop_id")
    assert (f["members"] == t["members"]).all()  # the newest export, not the older one
    np.testing.assert_allclose(f["health_capital"], t.loc[f.index, "health_capital"], equal_nan=True)
    assert res.report["rule"].str.startswith("older survey export ignored").sum() == 1
    assert set(res.audit["form"]) == {"kdmp_survey", "kdmp_assessment"}
    with pytest.raises(InputError, match="XLSForm"):
        (tmp_path / K.FORM_FILES["survey"]).unlink()
        K.read_kobo_folder(tmp_path)


@pytest.mark.slow
def test_export_feeds_the_pipeline_and_readiness(setup, tmp_path, monkeypatch):
    """Wiring check: a Kobo export in place of the survey file fills the analysis table, and the
    readiness verdicts of the surveyed cooperatives are no longer 'not assessable' for lack of data."""
    from kaltara_study.data import pipeline
    from kaltara_study.readiness.criteria import assess_readiness
    from kaltara_study.study import load_study

    sv = _write_folder(setup, tmp_path, n=41, older=False)
    res = K.read_kobo_folder(tmp_path, cooperatives=setup["coops"])
    real = pipeline._load_one
    monkeypatch.setattr(pipeline, "_load_one", lambda path, kind: res if kind == "survey" else real(path, kind))
    data = pipeline.build_analysis_table("synthetic")  # with the monkeypatched survey reader: not cached
    table = data.table
    got = table.set_index("coop_id")
    surveyed = sv["coop_id"].tolist()
    assert got.loc[surveyed, "has_bank_account"].notna().all()
    assert got.drop(index=surveyed)["members"].isna().all()
    table = table.assign(index=50.0)
    verdicts = assess_readiness(table, load_study("synthetic").configs.readiness)
    v = verdicts[verdicts["coop_id"].isin(surveyed)]
    undecided = ["not_assessable", "provisional"]  # some required criterion has no data
    assert (~v["verdict"].isin(undecided)).mean() > 0.9
    assert verdicts[~verdicts["coop_id"].isin(surveyed)]["verdict"].isin(undecided + ["not_ready"]).all()


def test_export_in_the_survey_folder_is_read_by_the_next_build(setup, tmp_path):
    """No code change, no monkeypatch: forms and exports dropped into the source's survey/ folder are
    read by the pipeline; the surveyed cooperatives get their values and the report says what was used."""
    import shutil

    from kaltara_study.data import pipeline

    root = tmp_path / "proj"
    (root / "data" / "raw").mkdir(parents=True)
    (root / ".kaltara-root").write_text("")
    shutil.copytree(paths().synthetic_raw, root / "data" / "raw" / "synthetic")
    sv = _write_folder(setup, root / "data" / "raw" / "synthetic" / "survey", n=41, older=False)
    data = pipeline.build_analysis_table("synthetic", root=root)
    got = data.table.set_index("coop_id")
    surveyed = sv["coop_id"].tolist()
    assert got.loc[surveyed, "has_bank_account"].notna().all()
    assert got.drop(index=surveyed)["members"].isna().all()
    rules = data.validation["rule"].astype(str)
    assert rules.str.contains("field export used as the survey").any()
