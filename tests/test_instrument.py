"""The field instrument: XLSForms built from the contract, validated by pyxform; the entry template."""

import hashlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pyxform.xls2xform import convert

from kaltara_study.report.instrument import INSTRUMENT_FILES, write_instrument
from kaltara_study.data.schema import FORM_HEADERS, PERSONAL_COLUMNS, RAW_SCHEMAS
from kaltara_study.data.sources import load_source
from kaltara_study.errors import InputError
from kaltara_study.instrument.forms import (ASSESSMENT_ITEMS, LANG_EN, LANG_ID, build_forms, cooperative_list,
                                            criteria_coverage, range_constraint)
from kaltara_study.study import load_study

CONTRACT = RAW_SCHEMAS["survey"]
SAMPLE = Path(__file__).parent / "data" / "kobo" / "simkopdes_locations_sample.csv"


@pytest.fixture(scope="module")
def criteria():
    return load_study("kaltara").configs.readiness


@pytest.fixture(scope="module")
def locations(shared_kaltara):
    return pd.read_csv(shared_kaltara / "simkopdes_kaltara_locations.csv")


@pytest.fixture(scope="module")
def written(tmp_path_factory, locations, criteria):
    out = tmp_path_factory.mktemp("instrument")
    return write_instrument(out, contract=CONTRACT, criteria=criteria, cooperatives=locations)


@pytest.mark.realdata
@pytest.mark.parametrize("key", ["survey", "assessment"])
def test_pyxform_converts_both_forms_without_warnings(written, key):
    warnings: list[str] = []
    xform = convert(xlsform=str(written[key]), warnings=warnings).xform
    assert warnings == []
    assert f'lang="{LANG_ID}"' in xform and f'lang="{LANG_EN}"' in xform
    # the cooperative is chosen from the preloaded list, filtered by kecamatan
    assert "instance('coop')" in xform and "kec" in xform
    assert "constraint=" in xform and "relevant=" in xform


@pytest.mark.realdata
def test_all_411_cooperatives_preloaded(written, locations):
    ch = pd.read_excel(written["survey"], sheet_name="choices", dtype=str)
    coop = ch[ch["list_name"] == "coop"]
    assert len(coop) == len(locations) == 411
    assert set(coop["name"]) == set(locations["cooperative_id"].astype(str))
    assert ch[ch["list_name"] == "kab"]["name"].nunique() == 5
    # every cooperative's filter value is a kecamatan of the kec list, whose kab is in the kab list
    kec = ch[ch["list_name"] == "kec"]
    assert set(coop["kec"]) <= set(kec["name"]) and set(kec["kab"]) <= set(ch.loc[ch["list_name"] == "kab", "name"])


@pytest.mark.realdata
def test_instrument_bytes_are_deterministic(tmp_path, written, locations, criteria):
    again = write_instrument(tmp_path, contract=CONTRACT, criteria=criteria, cooperatives=locations)
    for k in INSTRUMENT_FILES:
        assert hashlib.sha256(again[k].read_bytes()).digest() == hashlib.sha256(written[k].read_bytes()).digest(), k


@pytest.fixture(scope="module")
def forms(criteria):
    return build_forms(CONTRACT, cooperatives=pd.read_csv(SAMPLE), criteria=criteria)


def test_forms_fill_every_non_personal_contract_column(forms):
    filled = set()
    for f in forms.values():
        sv = f.survey
        rows = sv[(sv["kaltara_column"] != "") & (sv["kaltara_rule"] != "meta")]
        for r in rows.itertuples():
            if r.kaltara_rule == "multi_bool":
                filled |= {c for c in CONTRACT.columns if c.startswith(r.kaltara_column)}
            else:
                filled.add(r.kaltara_column)
    expected = set(CONTRACT.columns) - set(PERSONAL_COLUMNS) - {"catatan"}
    assert expected - filled == set()
    assert filled - expected == {"simkopdes_id"}


def test_no_personal_fields_and_only_constrained_text(forms):
    for f in forms.values():
        sv = f.survey
        assert not sv["name"].isin(PERSONAL_COLUMNS).any()
        assert not sv["kaltara_column"].isin(PERSONAL_COLUMNS).any()
        text = sv[sv["type"] == "text"]
        assert text["name"].tolist() in ([], ["legal_number"])
        assert text["constraint"].str.startswith("regex(").all()


def test_constraints_and_choices_come_from_the_contract(forms):
    sv = forms["survey"].survey.set_index("name")
    assert sv.at["members", "constraint"] == ". >= 0"
    assert sv.at["distance_kab_km", "constraint"] == ". >= 0 and . <= 1000"
    assert sv.at["members", "required"] == "yes"
    assert sv.at["own_capital_rp", "relevant"] == "${fin_available} = 'yes'"
    assert sv.at["foto_tempat", "type"] == "image" and sv.at["gps", "type"] == "geopoint"
    av = forms["assessment"].survey.set_index("name")
    assert av.at["health_risk", "constraint"] == ". >= 0 and . <= 100"
    ch = forms["survey"].choices
    for lst, col in (("premises", "premises"), ("road", "road_access"), ("signal", "signal")):
        assert set(ch.loc[ch["list_name"] == lst, "name"]) == set(CONTRACT.columns[col].metadata["levels"].values())
    docs = ch[ch["list_name"] == "doc_status"]
    assert docs["name"].tolist() == ["seen", "stated", "absent"]
    assert docs[f"label::{LANG_ID}"].tolist()[0] == "Dilihat"
    for f in forms.values():
        st = f.settings.iloc[0]
        assert st["default_language"] == LANG_ID and st["version"] and st["form_id"].startswith("kdmp_")
    assert set(ASSESSMENT_ITEMS) <= set(av.index)


def test_range_constraint_text():
    assert range_constraint(None) == ("", "", "")
    assert range_constraint((None, 5))[0] == ". <= 5"
    assert range_constraint((0.5, 1))[0] == ". >= 0.5 and . <= 1"


def test_cooperative_list_checks_its_input():
    with pytest.raises(InputError, match="missing"):
        cooperative_list(pd.DataFrame({"name": ["x"]}))
    dup = pd.DataFrame({"cooperative_id": [1, 1], "name": ["a", "b"], "district": ["K", "K"], "subdistrict": ["c", "c"]})
    with pytest.raises(InputError, match="duplicate"):
        cooperative_list(dup)


def test_entry_template_validations_and_existing_loader(tmp_path, criteria):
    paths = write_instrument(tmp_path, contract=CONTRACT, criteria=criteria, cooperatives=pd.read_csv(SAMPLE))
    wb = openpyxl.load_workbook(paths["template"])
    assert wb.sheetnames[:2] == ["survei", "penilaian"]
    ws = wb["survei"]
    heads = [c.value for c in ws[1]]
    expected = [h for c, h in FORM_HEADERS["survey"].items() if c not in PERSONAL_COLUMNS and c != "catatan"]
    assert heads == expected
    dvs = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    col = {h: openpyxl.utils.get_column_letter(i + 1) for i, h in enumerate(heads)}
    members = dvs[col[FORM_HEADERS["survey"]["members"]] + "2"]
    assert members.type == "whole" and members.formula1 == "0"
    assert dvs[col[FORM_HEADERS["survey"]["premises"]] + "2"].type == "list"
    assert dvs[col[FORM_HEADERS["survey"]["health_risk"]] + "2"].formula2 == "100"
    # a filled template goes through the existing survey loader unchanged
    ws.cell(row=2, column=heads.index(FORM_HEADERS["survey"]["coop_id"]) + 1, value="KDMP-6501011001-1")
    ws.cell(row=2, column=heads.index(FORM_HEADERS["survey"]["members"]) + 1, value=120)
    ws.cell(row=2, column=heads.index(FORM_HEADERS["survey"]["premises"]) + 1, value="Milik sendiri")
    ws.cell(row=2, column=heads.index(FORM_HEADERS["survey"]["has_nib"]) + 1, value="Ya")
    filled = tmp_path / "survey_filled.xlsx"
    wb.save(filled)
    res = load_source(filled, "survey", sheet="survei")
    row = res.frame.iloc[0]
    assert (row["coop_id"], row["members"], row["premises"], row["has_nib"]) == ("KDMP-6501011001-1", 120, "own", True)
    assert (res.report["severity"] == "error").sum() == 0


def test_criteria_coverage(forms, criteria):
    cov = criteria_coverage(forms, criteria)
    assert len(cov) == sum(len(p.criteria) for p in criteria.partners.values())
    by = cov.set_index(["partner", "criterion"])
    assert by.at[("bank", "nib"), "via"] == "direct" and by.at[("bank", "nib"), "question"] == "survey:doc_nib"
    assert by.at[("bank", "nib"), "fallback_column"] == "reg_nib"
    assert by.at[("bulog", "health"), "via"] == "derived"
    assert "assessment:health_risk" in by.at[("bulog", "health"), "question"]
    assert by.at[("pertamina", "demand"), "via"] == "other_source"
    # every required criterion on a survey-contract column is served by a question
    req = cov[(cov["kind"] == "required") & cov["column"].isin(CONTRACT.columns)]
    assert (req["via"] == "direct").all()


def test_cooperative_list_village_codes_from_the_match_table():
    loc = pd.DataFrame({"cooperative_id": [1, 2, 3], "district": ["KAB. X"] * 3, "subdistrict": ["Krayan"] * 3,
                        "name": ["KOPERASI DESA MERAH PUTIH LONG API KECAMATAN KRAYAN",
                                 "KOPERASI KELURAHAN MERAH PUTIH PA' UPAN", "KOPERASI DESA MERAH PUTIH A DAN B"]})
    match = pd.DataFrame({"simkopdes_subdistrict": ["Krayan", "KRAYAN"], "simkopdes_village": ["Long Api", "Pa Upan"],
                          "kode_kemendagri": ["65.04.01.2001", "65.04.01.2002"]})
    out = cooperative_list(loc, match=match).set_index("simkopdes_id")
    assert out.at["1", "village"] == "LONG API"
    assert out["kode_desa"].to_dict() == {"1": "65.04.01.2001", "2": "65.04.01.2002", "3": ""}
