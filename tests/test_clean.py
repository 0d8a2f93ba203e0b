"""Cleaning: row conservation on every source, audit entries old -> new, inputs never mutated."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaltara_study.data import clean as C
from kaltara_study.data import synth
from kaltara_study.errors import DataError
from kaltara_study.data.sources import load_source, real_source_files
from kaltara_study.study import paths


@pytest.fixture(scope="module")
def synthetic_files():
    return real_source_files(paths().synthetic_raw)


@pytest.fixture(scope="module")
def survey(synthetic_files):
    res = load_source(synthetic_files["survey"], "survey")
    return res, C.clean_source(res.frame, "survey", file=res.file, n_read=res.n_read, rejected_at_load=res.rejected)


@pytest.fixture(scope="module")
def truth():
    d = synth.generate(synth.DEFAULT_SEED)
    return d["truth_cooperatives"].set_index("coop_id"), d["mess"].set_index("rule")["coop_ids"].str.split(";")


def _conserved(files):
    for kind, path in files.items():
        if kind.startswith("boundaries"):
            continue
        res = load_source(path, kind)
        n = res.n_records if kind == "idm_wide" else res.n_read  # village-years of the wide workbook
        out = C.clean_source(res.frame, kind, file=res.file, n_read=n, rejected_at_load=res.rejected)
        assert out.n_read == len(out.frame) + len(out.rejected) == n, kind


def test_row_conservation_on_every_synthetic_source(synthetic_files):
    _conserved(synthetic_files)


@pytest.mark.realdata
def test_row_conservation_on_every_real_source(shared_kaltara):
    _conserved(real_source_files(shared_kaltara))


def test_clean_source_raises_when_rows_would_be_lost():
    f = pd.DataFrame({"coop_id": ["a", "b"], "_row": [2, 3]})
    with pytest.raises(DataError, match="row conservation"):
        C.clean_source(f, "survey", file="x.xlsx", n_read=3)


def test_duplicates_rejected_with_reasons(survey, truth):
    _, out = survey
    _, mess = truth
    rej = out.rejected
    assert len(rej) == 3
    assert sorted(rej["coop_id"]) == sorted(mess["duplicate_exact"] + mess["duplicate_earlier_survey"])
    assert rej["reason"].str.match(r"duplicate_(exact|key)").all()
    kept = out.frame.set_index("coop_id")
    # the later, complete survey is kept for the near-duplicate
    cid = mess["duplicate_earlier_survey"][0]
    assert pd.notna(kept.at[cid, "turnover_rp"]) and kept.index.is_unique


def test_audit_records_old_and_new_values(survey, truth):
    _, out = survey
    t, mess = truth
    a = out.audit
    fix = a[a["rule"] == "unit_fix_juta"].set_index("row_key")
    assert sorted(fix.index) == sorted(mess["capital_in_juta"])
    kept = out.frame.set_index("coop_id")
    for cid in mess["capital_in_juta"]:
        assert float(fix.at[cid, "new"]) == kept.at[cid, "own_capital_rp"]
        assert float(fix.at[cid, "old"]) * 1e6 == pytest.approx(kept.at[cid, "own_capital_rp"])
        assert kept.at[cid, "own_capital_rp"] == pytest.approx(t.at[cid, "own_capital_rp"], rel=0.01)
    imp = a[a["rule"] == "impossible_value"]
    neg = imp[imp["column"] == "members"]
    assert sorted(neg["row_key"]) == sorted(mess["negative_members"])
    assert (neg["old"].astype(int) < 0).all() and (neg["new"] == "<NA>").all()
    assert kept.loc[mess["negative_members"], "members"].isna().all()
    fut = a[a["rule"] == "future_date"]
    assert sorted(fut["row_key"]) == sorted(mess["future_rat"])
    assert kept.loc[mess["future_rat"], "last_rat_date"].isna().all()
    out_flags = a[a["rule"] == "outlier_flag"]
    assert set(mess["turnover_outlier"]) <= set(out_flags["row_key"])
    assert (out_flags["old"] == out_flags["new"]).all()  # flagged, not changed


def test_personal_columns_dropped_everywhere(survey):
    _, out = survey
    for col in ("chair_name", "chair_nik", "chair_phone"):
        assert col not in out.frame.columns and col not in out.rejected.columns
    assert (out.audit["rule"] == "personal_removed").sum() == 3


def test_salted_hash_instead_of_drop():
    f = pd.DataFrame({"coop_id": ["a", "b"], "chair_nik": ["SYN1", "SYN1"], "_row": [2, 3]})
    h1 = C.remove_personal(f, salt="s1").frame["chair_nik_hash"]
    h2 = C.remove_personal(f, salt="s2").frame["chair_nik_hash"]
    assert h1.iloc[0] == h1.iloc[1] and h1.iloc[0] != h2.iloc[0] and "SYN1" not in h1.iloc[0]


def test_steps_do_not_mutate_their_input(survey):
    res, _ = survey
    before = res.frame.copy()
    C.clean_source(res.frame, "survey", file=res.file, n_read=res.n_read)
    pd.testing.assert_frame_equal(res.frame, before)


def test_partner_keys_normalised():
    f = pd.DataFrame({"partners_existing": ["Pangkalan LPG; BULOG; Bank Mandiri", "-", "Toko Sebelah"],
                      "_row": [2, 3, 4]})
    out = C.normalise_partners(f)
    assert out.frame["partners_existing"].tolist() == ["pertamina;bulog;bank", "", ""]
    assert out.audit["rule"].tolist() == ["partner_unknown"]


def test_unit_fix_skips_columns_in_small_units():
    f = pd.DataFrame({"own_capital_rp": [150.0, 200.0, 300.0], "_row": [2, 3, 4]})
    assert C.fix_money_units(f).frame["own_capital_rp"].tolist() == [150.0, 200.0, 300.0]


def test_imputations_are_only_the_documented_ones():
    f = pd.DataFrame({
        "has_legal_entity": pd.array([None, None], dtype="boolean"), "legal_number": ["AHU-1", None],
        "rat_held_12m": pd.array([None, None], dtype="boolean"),
        "last_rat_date": pd.to_datetime(["2025-03-01", "2023-01-01"]),
        "survey_date": pd.to_datetime(["2025-10-01", "2025-10-01"]), "_row": [2, 3]})
    out = C.impute_documented(f).frame
    assert out["has_legal_entity"].tolist() == [True, pd.NA]
    assert out["rat_held_12m"].tolist() == [True, False]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.integers(-5, 5)), min_size=1, max_size=25))
def test_duplicate_handling_conserves_rows(rows):
    f = pd.DataFrame({"coop_id": [r[0] for r in rows], "members": pd.array([r[1] for r in rows], dtype="Int64"),
                      "_row": np.arange(2, len(rows) + 2)})
    out = C.clean_source(f, "survey", file="h.xlsx", n_read=len(f))
    assert len(out.frame) + len(out.rejected) == len(f)
    assert out.frame["coop_id"].is_unique
    assert set(out.frame["coop_id"]) == set(f["coop_id"])
    assert (out.frame["members"].dropna() >= 0).all()


# ------------------------------------------------------------------ issue 15
from kaltara_study.data.clean import (PLAUSIBLE_MAX, blank_implausible, check_members_population,  # noqa: E402
                                      drop_duplicates, normalise_partners)


def test_implausible_values_become_missing_with_a_reason_and_masked_audit():
    f = pd.DataFrame({"members": pd.array([85310542807, 120, 60_000], dtype="Int64"),
                      "own_capital_rp": [6.3e12, 5e6, 1e9], "coop_id": ["a", "b", "c"], "_row": [2, 3, 4]})
    s = blank_implausible(f, key=["coop_id"], file="s.csv")
    assert s.frame["members"].tolist() == [pd.NA, 120, pd.NA]
    assert np.isnan(s.frame["own_capital_rp"].iloc[0]) and s.frame["own_capital_rp"].iloc[2] == 1e9
    assert set(s.audit["rule"]) == {"implausible_value"} and len(s.audit) == 3
    assert "85310542807" not in s.audit.to_csv()
    assert f["members"].tolist() == [85310542807, 120, 60_000]  # input unchanged
    assert PLAUSIBLE_MAX["members"] < 85310542807


def test_simkopdes_counts_above_the_cooperatives_are_implausible():
    f = pd.DataFrame({"cooperatives": pd.array([1, 2], dtype="Int64"), "npwp_count": pd.array([3, 2], dtype="Int64"),
                      "_row": [2, 3]})
    s = blank_implausible(f)
    assert s.frame["npwp_count"].tolist() == [pd.NA, 2]


def test_members_above_the_village_population():
    f = pd.DataFrame({"kode_desa": ["65.01.01.2001", "65.01.01.2002", "65.99.99.2999"],
                      "members": pd.array([900, 40, 10], dtype="Int64"), "_row": [2, 3, 4]})
    pop = pd.Series([600, 800], index=["65.01.01.2001", "65.01.01.2002"])
    s = check_members_population(f, pop, file="s.csv")
    assert s.frame["members"].tolist() == [pd.NA, 40, 10]
    assert s.audit["row"].tolist() == [2] and "population 600" in s.audit["reason"].iloc[0]


@pytest.mark.parametrize("answer, keys", [
    ("pertamina bulog bri", "pertamina;bulog;bank"),                 # Kobo select_multiple
    ("Kimia Farma, Telkomsel dan BNI", "pharmacy;telkomsel;bank"),
    ("pangkalan_lpg kimia_farma", "pertamina;pharmacy"),
    ("BRI; Pertamina", "pertamina;bank"),
    ("-", ""),
])
def test_multi_select_answers_are_kept_whole(answer, keys):
    f = pd.DataFrame({"partners_existing": [answer], "_row": [2]})
    assert normalise_partners(f).frame["partners_existing"].tolist() == [keys]


def test_unknown_partner_text_is_audited_without_personal_data():
    f = pd.DataFrame({"partners_existing": ["Bulog; kontak Pak Budi Santoso 0812-3456-7890"] * 3, "_row": [2, 3, 4]})
    s = normalise_partners(f, file="s.csv")
    assert s.frame["partners_existing"].tolist() == ["bulog"] * 3
    assert len(s.audit) == 3
    text = s.audit.to_csv()
    assert "Budi" not in text and "3456" not in text and "[NAMA]" in text


def test_vectorised_duplicates_equal_the_cell_text_rule():
    f = pd.DataFrame({"k": ["a", "a", "b", "b"], "x": [1.0, "1", 2, 3], "_row": [2, 3, 4, 5]})
    s = drop_duplicates(f, key=["k"])
    # 1.0 and "1" are the same cell text: row 3 is an exact copy; b rows differ: duplicate_key
    assert sorted(s.rejected["reason"].str.split(":").str[0]) == ["duplicate_exact", "duplicate_key"]
    assert len(s.frame) + len(s.rejected) == len(f)
