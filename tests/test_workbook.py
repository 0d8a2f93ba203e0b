"""The XLSX workbook (issue 6): byte-identical on rebuild, first sheet says SYNTHETIC, Indonesian
headers by default, CSV copies, content round-trips."""

from __future__ import annotations

import time
import zipfile

import pandas as pd
import pytest

from kaltara_study.report.workbook import FIXED_TIME, write_workbook
from kaltara_study.readiness.criteria import assess_readiness, load_config, report_sheets, workbook_readme
from test_readiness import contract_frame


@pytest.fixture(scope="module")
def sheets():
    t = contract_frame(40, seed=5)
    cfg = load_config()
    res = assess_readiness(t, cfg)
    audit = pd.DataFrame({"rule": ["trim", "trim", "dedupe"], "column": ["nama", "nama", None], "row": [1, 2, 3]})
    return t, report_sheets(t, res, cfg, audit=audit, validation=None)


def test_workbook_is_byte_identical_on_rebuild(tmp_path, sheets):
    _, sh = sheets
    a = write_workbook(sh, tmp_path / "a" / "w.xlsx", synthetic=True, readme=["x"])
    time.sleep(1.1)                                    # zip and core.xml times would differ by then
    b = write_workbook(sh, tmp_path / "b" / "w.xlsx", synthetic=True, readme=["x"])
    assert len(a) == len(b) == len(sh) + 1
    for pa, pb in zip(a, b, strict=True):
        assert pa.read_bytes() == pb.read_bytes(), pa.name
    with zipfile.ZipFile(a[0]) as z:
        core = z.read("docProps/core.xml").decode()
        assert FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ") in core
        assert {i.date_time for i in z.infolist()} == {FIXED_TIME.timetuple()[:6]}


def test_changed_content_changes_bytes(tmp_path, sheets):
    _, sh = sheets
    a = write_workbook(sh, tmp_path / "a.xlsx", csv_folder=tmp_path / "ca")[0].read_bytes()
    sh2 = dict(sh)
    first = next(iter(sh2))
    sh2[first] = sh2[first].iloc[1:]
    b = write_workbook(sh2, tmp_path / "b.xlsx", csv_folder=tmp_path / "cb")[0].read_bytes()
    assert a != b


def test_first_sheet_says_synthetic_and_content_round_trips(tmp_path, sheets):
    t, sh = sheets
    path = write_workbook(sh, tmp_path / "w.xlsx", synthetic=True,
                          readme=workbook_readme(source="synthetic", synthetic=True))[0]
    with pd.ExcelFile(path, engine="openpyxl") as xl:
        assert xl.sheet_names[0] == "Catatan"
        first = pd.read_excel(xl, sheet_name=0, header=None)[0].fillna("").astype(str).tolist()
        res = pd.read_excel(xl, sheet_name="Hasil per koperasi")
        audit = pd.read_excel(xl, sheet_name="Audit")
    assert "SYNTHETIC" in first[0] and any("BUKAN temuan" in x for x in first)
    assert (res["data_status"] == "SYNTHETIC").all()
    assert len(res) == len(t)
    assert "Status kesiapan" not in res.columns           # verdict columns are per partner ...
    assert "Bank (PMK 49/2025): Status kesiapan" in res.columns and "ID koperasi" in res.columns
    assert sorted(res["ID koperasi"]) == sorted(t.coop_id)
    assert audit.set_index("rule").n.to_dict() == {"trim": 2, "dedupe": 1}


def test_headers_indonesian_by_default_english_on_request(sheets):
    t, sh = sheets
    res = assess_readiness(t, load_config())
    en = report_sheets(t, res, lang="en")
    assert "Daftar pendek bank" in sh and "Shortlist bank" in en
    assert "Alasan" in sh["Penghambat"].columns and "Reason" in en["Blocking gaps"].columns
    sl = sh["Daftar pendek bank"]
    assert set(sl["Status kesiapan"]) <= {"Siap", "Hampir siap"}


def test_csv_copies_match_sheets(tmp_path, sheets):
    _, sh = sheets
    paths = write_workbook(sh, tmp_path / "w.xlsx", synthetic=False, csv_prefix="kaltara_")
    csvs = paths[1:]
    assert all(p.name.startswith("kaltara_") and p.suffix == ".csv" for p in csvs)
    back = pd.read_csv(csvs[0])
    first = next(iter(sh.values()))
    assert list(back.columns) == [str(c) for c in first.columns] and len(back) == len(first)


def test_long_and_duplicate_sheet_names_are_made_valid(tmp_path):
    df = pd.DataFrame({"a": [1]})
    p = write_workbook({"x" * 40: df, "x" * 41: df, "a/b": df}, tmp_path / "w.xlsx")[0]
    with pd.ExcelFile(p, engine="openpyxl") as xl:
        names = xl.sheet_names
    assert len(names) == 4 and len(set(n.lower() for n in names)) == 4 and all(len(n) <= 31 for n in names)


def test_english_workbook_starts_with_readme(tmp_path):
    p = write_workbook({"a": pd.DataFrame({"x": [1]})}, tmp_path / "w.xlsx", synthetic=True, lang="en")[0]
    with pd.ExcelFile(p, engine="openpyxl") as xl:
        assert xl.sheet_names == ["README", "a"]
        first = pd.read_excel(xl, sheet_name=0, header=None)[0].fillna("").astype(str).tolist()
    assert first[0].startswith("SYNTHETIC") and "Sheets:" in first
