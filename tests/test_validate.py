"""validate(): every problem at once, named by file/row/column/value/rule; rows conserved."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

from kaltara_study.errors import DataError, InputError
from kaltara_study.data.validate import REPORT_COLUMNS, required_columns, validate

SCHEMA = pa.DataFrameSchema(
    {
        "coop_id": pa.Column("string", unique=True),
        "members": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "idm": pa.Column(float, pa.Check.in_range(0, 1), nullable=True),
        "jenis": pa.Column("string", pa.Check.isin(["desa", "kelurahan"]), nullable=True, required=False),
    },
    strict=True,
)


def frame(**cols):
    base = {
        "coop_id": pd.array(["K1", "K2", "K3", "K4"], dtype="string"),
        "members": pd.array([10, -1, None, 5], dtype="Int64"),
        "idm": [0.5, 1.7, 0.2, -0.1],
        "_row": [2, 3, 4, 6],
    }
    base.update(cols)
    return pd.DataFrame(base)


def test_every_problem_reported_at_once_with_spreadsheet_rows():
    df = frame()
    v = validate(df, SCHEMA, file="survei.xlsx", key="coop_id")
    assert list(v.report.columns) == REPORT_COLUMNS
    errs = v.report[v.report["severity"] == "error"]
    got = set(map(tuple, errs[["row", "column", "value"]].astype(str).values.tolist()))
    assert got == {("3", "members", "-1"), ("3", "idm", "1.7"), ("6", "idm", "-0.1")}
    assert (v.report["file"] == "survei.xlsx").all()
    assert errs["rule"].str.len().gt(0).all()
    assert v.n_errors == 3


def test_rows_conserved_and_reasons_name_every_rule():
    df = frame()
    v = validate(df, SCHEMA, file="s.csv", key="coop_id")
    assert len(v.valid) + len(v.rejected) == len(df)
    assert v.valid["_row"].tolist() == [2, 4]
    assert v.rejected["_row"].tolist() == [3, 6]
    r3 = v.rejected.set_index("_row").loc[3, "reason"]
    assert r3.startswith("[coop_id=K2]") and "members=-1" in r3 and "idm=1.7" in r3
    assert "in_range" in r3


def test_input_is_not_mutated():
    df = frame()
    before = df.copy()
    validate(df, SCHEMA, file="s.csv")
    pd.testing.assert_frame_equal(df, before)


def test_valid_frame_passes_unchanged():
    df = frame(members=pd.array([1, 2, 3, 4], dtype="Int64"), idm=[0.1, 0.2, 0.3, 0.4])
    v = validate(df, SCHEMA, file="s.csv")
    assert v.report.empty and v.rejected.empty
    pd.testing.assert_frame_equal(v.valid.reset_index(drop=True), df.reset_index(drop=True), check_like=True)


def test_missing_required_column_is_input_error_naming_found_columns():
    df = frame().drop(columns=["idm"])
    with pytest.raises(InputError) as ei:
        validate(df, SCHEMA, file="s.csv")
    msg = str(ei.value)
    assert "s.csv" in msg and "['idm']" in msg and "coop_id" in msg and "COLUMN_ALIASES" in msg


def test_optional_column_absent_is_fine():
    assert "jenis" not in required_columns(SCHEMA)
    v = validate(frame(idm=[0.1] * 4, members=pd.array([1] * 4, dtype="Int64")), SCHEMA, file="s.csv")
    assert v.report.empty


def test_duplicates_are_warnings_not_rejections():
    df = frame(coop_id=pd.array(["K1", "K1", "K3", "K4"], dtype="string"), members=pd.array([1] * 4, dtype="Int64"),
               idm=[0.1] * 4)
    v = validate(df, SCHEMA, file="s.csv")
    assert len(v.valid) == 4 and v.rejected.empty
    dup = v.report[v.report["rule"].str.contains("duplicate")]
    assert dup["row"].tolist() == [2, 3] and set(dup["severity"]) == {"warning"}


def test_null_in_required_value_rejects_row():
    df = frame(coop_id=pd.array(["K1", None, "K3", "K4"], dtype="string"), members=pd.array([1] * 4, dtype="Int64"),
               idm=[0.1] * 4)
    v = validate(df, SCHEMA, file="s.csv")
    assert v.rejected["_row"].tolist() == [3]
    assert "not_nullable" in v.rejected["reason"].iloc[0]


def test_column_level_failure_is_data_error():
    df = frame(members=["a", "b", "c", "d"])  # wrong dtype for the whole column
    with pytest.raises(DataError) as ei:
        validate(df, SCHEMA, file="s.csv")
    assert "members" in str(ei.value) and ei.value.problems


def test_without_row_column_uses_position_plus_one():
    df = frame().drop(columns="_row")
    v = validate(df, SCHEMA, file="s.csv")
    assert sorted(v.report.loc[v.report["severity"] == "error", "row"].unique().tolist()) == [2, 4]


def test_duplicate_keys_reported_as_warnings_with_all_copies():
    df = frame(coop_id=pd.array(["K1", "K2", "K1", "K1"], dtype="string"), members=pd.array([1] * 4, dtype="Int64"),
               idm=[0.1] * 4)
    relaxed = SCHEMA.update_columns({"coop_id": {"unique": False}})
    v = validate(df, relaxed, file="s.csv", key="coop_id")
    dup = v.report[v.report["rule"].str.startswith("duplicate_key")]
    assert dup["row"].tolist() == [2, 4, 6] and set(dup["value"]) == {"K1"}
    assert dup["rule"].str.contains("3 times").all() and len(v.valid) == 4


# ------------------------------------------------------------------ issue 15: consistency checks
from kaltara_study.data.validate import (check_code_hierarchy, check_idm_consistency,  # noqa: E402
                                         check_region_consistency, find_total_rows, idm_status)


def test_total_rows_are_recognised_and_rejected_as_such():
    import pandera.pandas as pa

    sch = pa.DataFrameSchema({"nama": pa.Column(str), "n": pa.Column("Int64", nullable=True)})
    f = pd.DataFrame({"nama": ["Bunyu Barat", "TOTAL", "Jumlah Kec. Bunyu", "Jumlahan", "Sub-Total"],
                      "n": pd.array([1, 9, 5, 2, 3], dtype="Int64"), "_row": [2, 3, 4, 5, 6]})
    v = validate(f, sch, file="t.csv")
    assert v.valid["_row"].tolist() == [2, 5]
    assert sorted(v.rejected["_row"]) == [3, 4, 6]
    assert v.rejected["reason"].str.startswith("total_row").all()
    assert len(v.valid) + len(v.rejected) == len(f)
    assert (v.report.loc[v.report["rule"].str.startswith("total_row"), "row"].tolist()) == [3, 4, 6]


def test_total_row_detection_finds_nothing_in_ordinary_names():
    f = pd.DataFrame({"nama": ["Desa Jumlahan", "Totalisasi", "Kopdes Total Jaya", "Jumlah dokter ≥ 1 orang",
                               "Total skor indikator"]})
    assert not find_total_rows(f).any()


def test_idm_status_thresholds_are_inclusive_upper_bounds():
    got = idm_status(pd.Series([0.4907, 0.49071, 0.5989, 0.7072, 0.7073, 0.8155, 0.8156])).tolist()
    assert got == ["SANGAT TERTINGGAL", "TERTINGGAL", "TERTINGGAL", "BERKEMBANG", "MAJU", "MAJU", "MANDIRI"]


def test_idm_checks_report_both_and_nothing_on_consistent_rows():
    f = pd.DataFrame({"IKS": [0.9, 0.9, 0.8333], "IKE": [0.6, 0.6, 0.7333], "IKL": [0.6, 0.6, 0.6667],
                      "IDM": [0.7, 0.75, 0.7444], "status": ["BERKEMBANG", "MANDIRI", "MAJU"], "_row": [2, 3, 4]})
    rep = check_idm_consistency(f, file="idm.csv")
    assert rep["row"].tolist() == [3, 3]
    assert sorted(rep["rule"].str.split(":").str[0]) == ["idm_not_mean", "idm_status_mismatch"]
    assert (rep["severity"] == "warning").all()
    assert check_idm_consistency(f.iloc[[0, 2]], file="idm.csv").empty


def test_real_idm_files_are_consistent(shared_kaltara=None):
    from kaltara_study.study import paths

    root = paths().root / "data" / "raw" / "kaltara"
    p = root / "idm_kaltara_2024_desa.csv"
    if not p.is_file():
        pytest.skip("vendored IDM file not present")
    d = pd.read_csv(p).rename(columns={"iks": "IKS", "ike": "IKE", "ikl": "IKL", "idm": "IDM", "status_idm": "status"})
    assert check_idm_consistency(d, file=p.name).empty  # 447 desa: no false alarm


def test_code_hierarchy_reports_without_moving():
    f = pd.DataFrame({"kode_desa": ["65.01.01.2001", "65.03.13.2001"], "kode_kecamatan": ["65.01.01", "65.01.01"],
                      "_row": [2, 3]})
    rep = check_code_hierarchy(f, file="x.csv")
    assert rep["row"].tolist() == [3] and "nothing moved" in rep["rule"].iloc[0]
    assert f["kode_desa"].tolist() == ["65.01.01.2001", "65.03.13.2001"]


def test_region_consistency_uses_the_code_and_normalises_spelling():
    reg = pd.DataFrame({"kode": ["65.01.01.2001", "65.03.13.2001"], "nama_kecamatan": ["Tanjung Palas", "Sebatik"],
                        "nama_kabkota": ["Kabupaten Bulungan", "Kabupaten Nunukan"]})
    f = pd.DataFrame({"kode_desa": ["6501012001", "65.03.13.2001", "65.03.13.2001"],
                      "nama_kabkota": ["KAB. BULUNGAN", "Nunukan", "Kab. Bulungan"],
                      "nama_kecamatan": ["Tanjung  Palas", "Kec. Sebatik", "Sebatik"], "_row": [2, 3, 4]})
    rep = check_region_consistency(f, reg, file="s.csv")
    assert rep[["row", "column"]].values.tolist() == [[4, "nama_kabkota"]]
    assert "Kabupaten Nunukan" in rep["rule"].iloc[0]


def test_validation_report_values_are_scrubbed():
    import pandera.pandas as pa

    sch = pa.DataFrameSchema({"kode": pa.Column(str, pa.Check.str_matches(r"^65\.\d{2}$"))})
    f = pd.DataFrame({"kode": ["65.01", "6501012345678901", "Pak Budi 081234567890"], "_row": [2, 3, 4]})
    v = validate(f, sch, file="t.csv", key="kode")
    text = v.report.to_csv() + v.rejected["reason"].str.cat()
    assert "6501012345678901" not in text and "Budi" not in text and "081234567890" not in text
