"""Agreement statistics against published and reference values."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from kaltara_study.errors import InputError
from kaltara_study.instrument.agreement import cohen_kappa, icc, item_agreement, paired_ratings

# Shrout & Fleiss (1979), Table 2: 6 targets rated by 4 judges.
SF = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]


def test_icc_shrout_fleiss_published_values():
    assert round(icc(SF, model="ICC(1,1)")[0], 2) == 0.17
    assert round(icc(SF, model="ICC(2,1)")[0], 2) == 0.29
    assert round(icc(SF, model="ICC(3,1)")[0], 2) == 0.71
    for m in ("ICC(1,1)", "ICC(2,1)", "ICC(3,1)"):
        v, lo, hi = icc(SF, model=m)
        assert lo < v < hi


def test_icc_perfect_and_shifted_rater():
    a = np.arange(10.0)
    # a rater who scores 5 points higher: perfect consistency, imperfect absolute agreement
    assert icc(np.column_stack([a, a + 5]), model="ICC(3,1)")[0] == pytest.approx(1.0)
    assert icc(np.column_stack([a, a + 5]), model="ICC(2,1)")[0] < 0.9


def test_kappa_hand_computed():
    # 2x2 table [[20, 5], [10, 15]] (n=50): p_o = 0.7, p_e = (25*30 + 25*20)/2500 = 0.5 -> kappa 0.4
    a = ["y"] * 25 + ["n"] * 25
    b = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_kappa_matches_sklearn(weights):
    rng = np.random.default_rng(3)
    a = rng.integers(0, 3, 80)
    b = np.where(rng.random(80) < 0.6, a, rng.integers(0, 3, 80))
    labels = ["absent", "stated", "seen"]
    la, lb = [labels[i] for i in a], [labels[i] for i in b]
    ours = cohen_kappa(la, lb, labels=labels, weights=weights)
    assert ours == pytest.approx(cohen_kappa_score(a, b, weights=weights))


def test_kappa_errors_and_missing():
    with pytest.raises(InputError):
        cohen_kappa([1, 2], [1])
    with pytest.raises(InputError, match="not in the labels"):
        cohen_kappa(["x"], ["y"], labels=["x"])
    assert cohen_kappa(["a", None, "b"], ["a", "b", "b"]) == pytest.approx(1.0)


def _ratings(same_pair: bool):
    rng = np.random.default_rng(1)
    rows = []
    for i in range(30):
        truth = rng.uniform(30, 80)
        doc = ["absent", "stated", "seen"][i % 3]
        raters = (1, 2) if same_pair else (1 + i % 4, 5 + i % 3)
        for r in raters:
            rows.append({"coop_id": f"C{i:02d}", "assessor_code": r, "health_risk": truth + rng.normal(0, 3),
                         "doc_nib": doc if rng.random() < 0.85 else "absent"})
    return pd.DataFrame(rows)


def test_item_agreement_models_follow_design():
    items = {"health_risk": ("interval", ()), "doc_nib": ("ordinal", ("absent", "stated", "seen"))}
    same = item_agreement(_ratings(True), items=items, n_boot=100)
    assert set(same.loc[same["item"] == "health_risk", "statistic"]) == {"ICC(2,1)", "ICC(3,1)"}
    assert set(same.loc[same["item"] == "doc_nib", "statistic"]) == {"kappa", "kappa_linear", "kappa_quadratic"}
    icc2 = same.set_index("statistic").loc["ICC(2,1)"]
    assert icc2["value"] > 0.8 and icc2["ci_low"] < icc2["value"] < icc2["ci_high"]
    assert (same["n_subjects"] == 30).all()
    vary = item_agreement(_ratings(False), items=items, n_boot=100)
    assert vary.loc[vary["item"] == "health_risk", "statistic"].tolist() == ["ICC(1,1)"]
    # deterministic
    pd.testing.assert_frame_equal(vary, item_agreement(_ratings(False), items=items, n_boot=100))


def test_paired_ratings_rules():
    df = pd.DataFrame({"coop_id": ["a", "a", "a", "b"], "assessor_code": [3, 1, 2, 1], "x": [1, 2, 3, 4]})
    pairs, same = paired_ratings(df, "x")
    assert pairs.to_dict("records") == [{"coop_id": "a", "rater_a": 1, "rater_b": 2, "a": 2, "b": 3}]
    assert same
