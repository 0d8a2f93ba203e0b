"""Value parsers: hand cases from real Indonesian exports + hypothesis round trips."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaltara_study.errors import DataError
from kaltara_study.data.parse import (
    MONTH_NAMES_ID,
    excel_serial_to_datetime,
    format_number_id,
    parse_bool_id,
    parse_code,
    parse_code_desa,
    parse_date_id,
    parse_int,
    parse_number,
    parse_rupiah,
    parse_text,
)

S = lambda *v: pd.Series(list(v), dtype=object)  # noqa: E731
FAST = settings(max_examples=100, deadline=None)


def rules(res):
    return res.errors["rule"].str.split(":").str[0].tolist()


# ------------------------------------------------------------------ numbers
@pytest.mark.parametrize("text, expected", [
    ("1.250.000", 1_250_000.0),
    ("1.250.000,50", 1_250_000.5),
    ("12,5", 12.5),
    ("1,250,000", 1_250_000.0),   # English thousands, unambiguous
    ("1,250,000.75", 1_250_000.75),
    ("0.86857142857143", 0.86857142857143),
    ("0.564", 0.564),             # a leading 0 is never a thousands group
    ("0.564,5", None),
    ("0,564", 0.564),
    ("-1.250", -1250.0),
    ("(1.250)", -1250.0),
    ("−7", -7.0),                 # unicode minus
    ("1 250 000", 1_250_000.0),
    ("1\u00a0250\u00a0000", 1_250_000.0),
    ("1.5E+06", 1_500_000.0),
    ("'0012", 12.0),              # Excel text marker
    ("  42 ", 42.0),
])
def test_parse_number_hand_cases(text, expected):
    res = parse_number(S(text), column="x")
    if expected is None:
        assert np.isnan(res.values.iloc[0]) and rules(res) == ["not_a_number"]
        return
    assert res.values.iloc[0] == pytest.approx(expected)
    # only the column's convention line, or for a lone "1.250" the warning that no cell decided it
    assert set(rules(res)) <= {"number_convention", "ambiguous_number"}
    assert (res.errors["severity"] == "info").all() or "1.250" in text


@pytest.mark.parametrize("text", ["", "-", "–", "—", None, "N/A", "null", "nan"])
def test_parse_number_missing_is_na_without_error(text):
    res = parse_number(S(text), column="x")
    assert np.isnan(res.values.iloc[0]) and res.errors.empty


@pytest.mark.parametrize("err", ["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"])
def test_excel_errors_become_na_with_a_warning(err):
    res = parse_number(S("5", err), column="laba", file="f.xlsx")
    assert res.values.iloc[0] == 5 and np.isnan(res.values.iloc[1])
    assert rules(res) == ["excel_error"]
    assert res.errors["severity"].tolist() == ["warning"] and res.ok
    assert res.errors.iloc[0][["file", "row", "column", "value"]].tolist() == ["f.xlsx", 1, "laba", err]


def test_unparseable_numbers_are_listed_all_at_once_with_their_rows():
    s = pd.Series(["1", "abc", "2", "1.2.3,4,5", "Rp"], index=[10, 11, 12, 13, 14])
    res = parse_number(s, column="anggota", file="survei.xlsx")
    assert res.errors["row"].tolist() == [11, 13, 14]
    assert set(rules(res)) == {"not_a_number"}
    assert res.values.isna().tolist() == [False, True, False, True, True]
    with pytest.raises(DataError) as ei:
        res.raise_if_errors()
    msg = str(ei.value)
    assert "survei.xlsx" in msg and "row 11" in msg and "'anggota'" in msg and "'abc'" in msg
    assert len(ei.value.problems) == 3


def test_ambiguous_dot_follows_the_column():
    # alone (or with other thousands), "1.250" is 1250 (Indonesian); in a column of dot-decimals, 1.25
    assert parse_number(S("1.250", "2.000"), column="x").values.tolist() == [1250.0, 2000.0]
    assert parse_number(S("1.250", "0.5"), column="x").values.tolist() == [1.25, 0.5]
    assert parse_number(S("1.250"), column="x", decimal=".").values.tolist() == [1.25]
    assert parse_number(S("1.250"), column="x", decimal=",").values.tolist() == [1250.0]


def test_parser_does_not_mutate_input_and_keeps_index():
    s = pd.Series(["1.250", "x"], index=[7, 9], name="a")
    before = s.copy()
    res = parse_number(s, column="a")
    pd.testing.assert_series_equal(s, before)
    assert res.values.index.tolist() == [7, 9] and res.values.name == "a"


def test_numeric_input_passes_through():
    res = parse_number(pd.Series([1, 2.5]), column="x")
    assert res.values.tolist() == [1.0, 2.5]


def test_parse_int():
    res = parse_int(S("1.250", "2,5", "", "7"), column="anggota")
    assert res.values.dtype == "Int64"
    assert res.values.tolist() == [1250, pd.NA, pd.NA, 7]
    assert [r for r in rules(res) if r != "number_convention"] == ["not_an_integer"]


@FAST
@given(st.integers(min_value=-10**13, max_value=10**13))
def test_int_round_trip_indonesian_format(n):
    text = format_number_id(n)
    assert parse_number(S(text), column="x").values.iloc[0] == n
    assert parse_int(S(text), column="x").values.iloc[0] == n


@FAST
@given(st.integers(min_value=0, max_value=10**11), st.integers(min_value=0, max_value=99))
def test_decimal_round_trip_indonesian_format(whole, cents):
    x = whole + cents / 100
    text = format_number_id(x, decimals=2)
    assert "," in text
    assert parse_number(S(text), column="x").values.iloc[0] == pytest.approx(x, rel=1e-12)


@FAST
@given(st.lists(st.integers(min_value=0, max_value=99_999), min_size=1, max_size=20), st.integers(1, 5))
def test_machine_decimals_below_one_round_trip(ints, digits):
    # Python/Excel machine form "0.564": never read as thousands, in any column mix
    values = [round(i / 10**5, digits) for i in ints]
    texts = [repr(v) for v in values]
    assert parse_number(pd.Series(texts), column="x").values.tolist() == values


@FAST
@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=20))
def test_column_of_thousands_round_trips(values):
    texts = [format_number_id(v) for v in values]
    assert parse_number(pd.Series(texts), column="x").values.tolist() == [float(v) for v in values]


# ------------------------------------------------------------------ money
@pytest.mark.parametrize("text, expected", [
    ("Rp 1.250.000", 1_250_000),
    ("Rp1.250.000,-", 1_250_000),
    ("Rp 1.250.000,00", 1_250_000),
    ("Rp. 10.000", 10_000),
    ("IDR 2.500.000", 2_500_000),
    ("Rp 1,2 juta", 1_200_000),
    ("1,5 jt", 1_500_000),
    ("1.5 jt", 1_500_000),
    ("250 rb", 250_000),
    ("250 ribu", 250_000),
    ("3 M", 3_000_000_000),
    ("3 miliar", 3_000_000_000),
    ("2,5 milyar", 2_500_000_000),
    ("1 T", 1_000_000_000_000),
    ("-Rp 5.000", -5_000),
    ("(5.000)", -5_000),
    ("Rp -5.000", -5_000),
    ("1250000", 1_250_000),
])
def test_parse_rupiah_hand_cases(text, expected):
    res = parse_rupiah(S(text), column="modal")
    assert res.values.iloc[0] == pytest.approx(expected)
    # only the column's convention line, or for a lone "1.250" the warning that no cell decided it
    assert set(rules(res)) <= {"number_convention", "ambiguous_number"}
    assert (res.errors["severity"] == "info").all() or "1.250" in text


@pytest.mark.parametrize("text", ["", "-", "Rp -", "Rp", None])
def test_parse_rupiah_missing(text):
    res = parse_rupiah(S(text), column="modal")
    assert np.isnan(res.values.iloc[0]) and res.errors.empty


@pytest.mark.parametrize("text", ["satu juta", "Rp abc", "12 kg", "1.2.3 jt"])
def test_parse_rupiah_rejects_non_money(text):
    res = parse_rupiah(S(text), column="modal", file="f.csv")
    assert np.isnan(res.values.iloc[0])
    assert rules(res) == ["not_money"]
    assert "Rp 1.250.000" in res.errors["rule"].iloc[0]


@FAST
@given(st.integers(min_value=0, max_value=10**13), st.sampled_from(["Rp ", "Rp", "Rp. ", "IDR ", ""]),
       st.sampled_from(["", ",-", ",00"]))
def test_money_round_trip(n, prefix, suffix):
    text = f"{prefix}{format_number_id(n)}{suffix}"
    assert parse_rupiah(S(text), column="m").values.iloc[0] == n


@FAST
@given(st.integers(min_value=1, max_value=9999), st.sampled_from([("juta", 10**6), ("jt", 10**6),
       ("miliar", 10**9), ("M", 10**9), ("rb", 10**3), ("ribu", 10**3)]))
def test_money_unit_round_trip(tenths, unit):
    word, mult = unit
    text = f"Rp {format_number_id(tenths / 10, decimals=1)} {word}"
    assert parse_rupiah(S(text), column="m").values.iloc[0] == pytest.approx(tenths / 10 * mult)


# ------------------------------------------------------------------ yes / no
def test_parse_bool_variants():
    yes = ["Ya", "YA", "ya", "Y", "ada", "Ada", "sudah", "1", "yes", "True", "iya"]
    no = ["Tidak", "tidak", "T", "tdk", "tidak ada", "Tidak  Ada", "belum", "0", "no", "FALSE", "N"]
    res = parse_bool_id(S(*yes, *no), column="npwp")
    assert res.values.dtype == "boolean"
    assert res.values.tolist() == [True] * len(yes) + [False] * len(no)
    assert res.errors.empty


def test_parse_bool_dash_missing_and_unknown():
    res = parse_bool_id(S("-", "", None, "mungkin"), column="npwp", file="s.csv")
    assert res.values.isna().all()
    assert rules(res) == ["not_yes_no"] and res.errors["row"].tolist() == [3]
    assert parse_bool_id(S("-"), column="npwp", dash=False).values.tolist() == [False]


# ------------------------------------------------------------------ dates
@pytest.mark.parametrize("text", [
    "12 Agustus 2025", "12 agustus 2025", "12 AGUSTUS 2025", "12 Agt 2025", "12 Agu 2025", "12-Aug-2025",
    "12 August 2025", "Selasa, 12 Agustus 2025", "Agustus 12, 2025", "12-08-2025", "12/08/2025",
    "12.08.2025", "12/08/25", "2025-08-12", "2025-08-12 00:00:00", "2025/08/12", "45881",
])
def test_parse_date_forms(text):
    res = parse_date_id(S(text), column="tgl")
    assert res.errors.empty, res.errors
    assert res.values.iloc[0] == pd.Timestamp("2025-08-12")


def test_parse_date_day_first_and_errors():
    res = parse_date_id(S("03/04/2025", "31-02-2025", "kemarin", "", "#VALUE!", "1 Nopember 2024"),
                        column="tgl", file="f.xlsx")
    assert res.values.iloc[0] == pd.Timestamp("2025-04-03")
    assert res.values.iloc[5] == pd.Timestamp("2024-11-01")
    assert res.values.iloc[1:5].isna().all()
    assert sorted(rules(res)) == ["excel_error", "invalid_date", "not_a_date"]


def test_excel_serial_reference_points():
    # Excel: 1 Jan 2025 is serial 45658; 12 Aug 2025 is 45881; 1 Mar 1900 is 61
    assert excel_serial_to_datetime(45658) == pd.Timestamp("2025-01-01")
    assert excel_serial_to_datetime(45881) == pd.Timestamp("2025-08-12")
    assert excel_serial_to_datetime(61) == pd.Timestamp("1900-03-01")


@FAST
@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31)), st.booleans())
def test_date_round_trip_indonesian_names(d, upper):
    text = f"{d.day} {MONTH_NAMES_ID[d.month - 1]} {d.year}"
    text = text.upper() if upper else text
    assert parse_date_id(S(text), column="t").values.iloc[0] == pd.Timestamp(d)


@FAST
@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31)), st.sampled_from("-/."))
def test_date_round_trip_numeric_and_serial(d, sep):
    numeric = d.strftime(f"%d{sep}%m{sep}%Y")
    serial = str((pd.Timestamp(d) - pd.Timestamp("1899-12-30")).days)
    res = parse_date_id(S(numeric, serial, d.isoformat()), column="t")
    assert res.values.tolist() == [pd.Timestamp(d)] * 3


# ------------------------------------------------------------------ codes and text
def test_parse_code_desa_forms():
    res = parse_code_desa(S("6501012001", "65.01.01.2001", "65 01 01 2001", "6501012001.0", "65.1.1.2001",
                            "650101200", ""), column="kode_desa", file="f.csv")
    assert res.values.tolist()[:4] == ["65.01.01.2001"] * 4
    assert res.values.iloc[4:].isna().all()
    assert res.errors["row"].tolist() == [4, 5]
    assert "65.01.01.2001" in res.errors["rule"].iloc[0]


@FAST
@given(st.integers(1, 99), st.integers(1, 99), st.integers(1, 99), st.integers(1, 2), st.integers(1, 999))
def test_code_round_trip(kk, cc, ddd, t, nnn):
    dotted = f"65.{kk:02d}.{cc:02d}.{t}{nnn:03d}"
    plain = dotted.replace(".", "")
    res = parse_code_desa(S(dotted, plain), column="k")
    assert res.values.tolist() == [dotted, dotted]
    assert parse_code(S(dotted), column="k", dotted=False).values.iloc[0] == plain


def test_parse_code_levels():
    assert parse_code(S("6501", "65.01", "650101"), column="k", level="kab").values.tolist()[:2] == ["65.01"] * 2
    assert parse_code(S("650101"), column="k", level="kec").values.tolist() == ["65.01.01"]


def test_parse_text():
    res = parse_text(S("  Bunyu   Barat ", "-", "", None, "NA"), column="desa")
    assert res.values.tolist() == ["Bunyu Barat", pd.NA, pd.NA, pd.NA, "NA"]


@pytest.mark.parametrize("parser", [parse_number, parse_int, parse_rupiah, parse_bool_id, parse_date_id,
                                    parse_code, parse_text])
def test_per_unique_fast_path_equals_direct_call(parser):
    pool = ["1.250", "Rp 1,2 juta", "Ya", "tidak", "-", "", None, "#DIV/0!", "abc", "12 Agustus 2025", "45881",
            "6501012001", "0.564", "x y", "3 M"]
    rng = np.random.default_rng(7)
    s = pd.Series(rng.choice(np.array(pool, dtype=object), 3000), index=np.arange(3000) * 2 + 5, name="c")
    fast = parser(s, column="c", file="f.csv")
    direct = parser.__wrapped__(s, column="c", file="f.csv")
    pd.testing.assert_series_equal(fast.values, direct.values)
    pd.testing.assert_frame_equal(fast.errors.reset_index(drop=True), direct.errors.reset_index(drop=True),
                                  check_dtype=False)


# ------------------------------------------------------------------ issue 15: conventions, dashes, personal numbers
def _rule_rows(res, rule):
    return res.errors[res.errors["rule"].str.startswith(rule)]


@pytest.mark.parametrize("cells, expected, convention", [
    (["850,000", "12,500"], [850000.0, 12500.0], None),              # whole rupiah: no three decimals
    (["1,250,000.50", "2,500"], [1250000.5, 2500.0], "English"),
    (["1.250.000,50", "2.500"], [1250000.5, 2500.0], "Indonesian"),
    (["1.250.000", "2,5"], [1250000.0, 2.5], "Indonesian"),
])
def test_money_convention_is_decided_per_column(cells, expected, convention):
    res = parse_rupiah(S(*cells), column="modal", file="f.csv")
    assert res.values.tolist() == expected
    lines = _rule_rows(res, "number_convention")
    assert len(lines) == 1 and lines["severity"].iloc[0] == "info"
    if convention:
        assert convention in lines["rule"].iloc[0]


def test_mixed_conventions_leave_the_ambiguous_cells_missing_and_say_so():
    res = parse_number(S("1.250.000", "1,250,000", "2.500", "12,5"), column="modal", file="f.csv")
    assert res.values.tolist()[:2] == [1250000.0, 1250000.0] and np.isnan(res.values.iloc[2])
    assert res.values.iloc[3] == 12.5
    amb = _rule_rows(res, "ambiguous_number")
    assert amb["row"].tolist() == [2] and (amb["severity"] == "warning").all()
    conv = _rule_rows(res, "number_convention")
    assert conv["severity"].tolist() == ["warning"] and "mixed" in conv["rule"].iloc[0]


def test_english_column_decides_the_ambiguous_cells_both_ways():
    # a float column: "1.250" next to "1,250,000" is 1.25; in a whole-number column it is left missing
    assert parse_number(S("1.250", "1,250,000"), column="x").values.tolist() == [1.25, 1250000.0]
    res = parse_int(S("1.250", "1,250,000"), column="n")
    assert res.values.tolist() == [pd.NA, 1250000]
    assert _rule_rows(res, "ambiguous_number")["row"].tolist() == [0]


def test_machine_decimals_do_not_make_an_indonesian_column_mixed():
    # XLSX number cells arrive as "0.65" next to text cells "0,7": not a conflict
    res = parse_number(S("0,7000", "0.65", "0,5"), column="iks")
    assert res.values.tolist() == [0.7, 0.65, 0.5]
    assert not (res.errors["severity"] == "warning").any()


@pytest.mark.parametrize("parser", [parse_int, parse_number, parse_rupiah])
def test_dash_as_zero_with_one_line_per_column(parser):
    cells = pd.Series(["-", "–", "—", "3", "", "-"] * 200, dtype=object)  # > 512: the per-unique path
    res = parser(cells, column="rat_count", file="simk.csv", dash=0)
    v = pd.to_numeric(res.values, errors="coerce")
    assert (v[cells.isin(["-", "–", "—"])] == 0).all() and v[cells == ""].isna().all()
    line = _rule_rows(res, "dash_as_zero")
    assert len(line) == 1 and "(800 cells" in line["rule"].iloc[0] and line["severity"].iloc[0] == "info"
    # without the option a dash stays missing (survey forms: "not filled in")
    assert pd.to_numeric(parser(cells, column="x").values, errors="coerce")[cells == "-"].isna().all()


@pytest.mark.parametrize("cell", ["081234567890", "0812-3456-7890", "+62 812 3456 7890", "6281234567890",
                                  "85310542807", "6501012345678901", "6501 0123 4567 8901"])
@pytest.mark.parametrize("parser", [parse_int, parse_number, parse_rupiah])
def test_phone_numbers_and_niks_are_never_quantities(parser, cell):
    res = parser(S(cell, "12"), column="members", file="s.csv")
    assert pd.isna(res.values.iloc[0]) and res.values.iloc[1] == 12
    line = _rule_rows(res, "personal_number")
    assert line["row"].tolist() == [0] and (line["severity"] == "warning").all()
    assert cell not in res.errors.to_csv() and cell.replace(" ", "") not in res.errors.to_csv()


def test_nik_sized_machine_number_is_not_a_quantity():
    res = parse_int(S("6.501012345678901e+15", "7"), column="members")
    assert res.values.tolist() == [pd.NA, 7]
    assert "personal_number" in rules(res)


def test_parser_options_only_dash_zero_for_simkopdes_counts():
    from kaltara_study.data.parse import parser_options

    assert parser_options("simkopdes_village_stats", "int") == {"dash": 0}
    assert parser_options("simkopdes_village_stats", "money") == {"dash": 0}
    assert parser_options("simkopdes_village_stats", "text") == {}
    assert parser_options("survey", "int") == {}


def test_whole_number_column_leaves_a_comma_cell_missing_when_the_column_is_indonesian():
    res = parse_rupiah(S("1.250.000", "2,500"), column="modal")
    assert res.values.iloc[0] == 1250000.0 and np.isnan(res.values.iloc[1])
    assert _rule_rows(res, "ambiguous_number")["row"].tolist() == [1]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.integers(-999_999_999, 999_999_999).map(str), st.sampled_from(["", None, "n/a", "-"])),
                min_size=1, max_size=30),
       st.sampled_from([None, 0.0]), st.booleans())
def test_plain_integer_fast_path_equals_the_general_path(cells, dash, integral):
    """Columns of short plain integers skip the convention machinery; the result is the same."""
    from kaltara_study.data import parse as P

    s = pd.Series(cells, dtype=object, name="c")
    fast = P._number_core(s, column="c", file="f.csv", decimal=None, integral=integral, dash=dash)
    slow = P._number_core(s, column="c", file="f.csv", decimal=None, integral=integral, dash=dash, fast=False)
    pd.testing.assert_series_equal(fast.values, slow.values)
    assert len(fast.errors) == len(slow.errors) == 0
    assert [(n.rule, n.severity, np.asarray(n.mask).sum()) for n in fast.notes if np.asarray(n.mask).any()] == \
           [(n.rule, n.severity, np.asarray(n.mask).sum()) for n in slow.notes if np.asarray(n.mask).any()]


_machine_decimal = st.tuples(st.integers(-999_999_999, 999_999_999), st.text("0123456789", min_size=1, max_size=12)) \
    .map(lambda t: f"{t[0]}.{t[1]}")


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(_machine_decimal, st.integers(-999_999_999, 999_999_999).map(str),
                          st.sampled_from(["", None, "n/a", "-", "1.250", "0.868", "12.5", "081234567.89",
                                           "0812.3456.7890", "1.250.000", "12,5"])),
                min_size=1, max_size=30),
       st.sampled_from([None, 0.0]), st.booleans(), st.sampled_from([None, "."]))
def test_machine_decimal_fast_path_equals_the_general_path(cells, dash, integral, decimal):
    """Columns of machine decimals (0.6543, -12.5) skip the convention machinery too; ambiguous
    (1.250), grouped, comma or phone-shaped cells send the column down the general path."""
    from kaltara_study.data import parse as P

    s = pd.Series(cells, dtype=object, name="c")
    fast = P._number_core(s, column="c", file="f.csv", decimal=decimal, integral=integral, dash=dash)
    slow = P._number_core(s, column="c", file="f.csv", decimal=decimal, integral=integral, dash=dash, fast=False)
    pd.testing.assert_series_equal(fast.values, slow.values)
    assert fast.errors.equals(slow.errors) if len(slow.errors) else len(fast.errors) == 0
    assert [(n.rule, n.severity, np.asarray(n.mask).sum()) for n in fast.notes if np.asarray(n.mask).any()] == \
           [(n.rule, n.severity, np.asarray(n.mask).sum()) for n in slow.notes if np.asarray(n.mask).any()]


def test_machine_decimal_fast_path_is_taken_only_where_nothing_is_to_decide():
    from kaltara_study.data import parse as P

    text = lambda cells: pd.Series(cells, dtype=object)  # noqa: E731
    assert P._machine_decimals(text(["0.6543", "-12.5", "", None, "7"]))
    assert not P._machine_decimals(text(["0.6543", "1.250"]))            # ambiguous: 1250 or 1,25?
    assert not P._machine_decimals(text(["12,5"])) and not P._machine_decimals(text(["1.250.000"]))
    assert not P._machine_decimals(text(["1.5E+06"]))
