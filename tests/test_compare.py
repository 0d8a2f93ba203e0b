"""Group comparisons (issue 12): Holm and BH against R's p.adjust, Welch's ANOVA and Levene against
R's published ToothGrowth output, Games–Howell against a hand computation and Welch's t-test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from kaltara_study.models.compare import CENSUS_NOTE, adjust_pvalues, games_howell, holm, levene, welch_anova

# R datasets::ToothGrowth (len by dose; 60 rows, as in vincentarelbundock/Rdatasets csv/datasets/ToothGrowth.csv)
TG_LEN = [4.2, 11.5, 7.3, 5.8, 6.4, 10, 11.2, 11.2, 5.2, 7, 16.5, 16.5, 15.2, 17.3, 22.5, 17.3, 13.6, 14.5, 18.8, 15.5,
          23.6, 18.5, 33.9, 25.5, 26.4, 32.5, 26.7, 21.5, 23.3, 29.5, 15.2, 21.5, 17.6, 9.7, 14.5, 10, 8.2, 9.4, 16.5,
          9.7, 19.7, 23.3, 23.6, 26.4, 20, 25.2, 25.8, 21.2, 14.5, 27.3, 25.5, 26.4, 22.4, 24.5, 24.8, 30.9, 26.4,
          27.3, 29.4, 23]
TG_DOSE = ([0.5] * 10 + [1] * 10 + [2] * 10) * 2


def test_holm_and_bh_equal_r_p_adjust():
    p = [0.01, 0.02, 0.03, 0.04, 0.05]
    # R: p.adjust(p, "holm") -> 0.05 0.08 0.09 0.09 0.09 ; p.adjust(p, "BH") -> 0.05 x5
    assert np.allclose(holm(p), [0.05, 0.08, 0.09, 0.09, 0.09])
    assert np.allclose(adjust_pvalues(p, method="fdr_bh"), [0.05] * 5)
    # hand: Holm on (0.001, 0.04, 0.03, NA): m = 3 -> 0.003, max(0.06, 0.04·1)=0.06, 0.03·2 = 0.06
    out = holm([0.001, 0.04, 0.03, np.nan])
    assert np.allclose(out[:3], [0.003, 0.06, 0.06]) and np.isnan(out[3])
    with pytest.raises(Exception, match="holm"):
        adjust_pvalues(p, method="bonf")


def test_adjusting_p_values_collects_no_older_objects(monkeypatch):
    """statsmodels' Holm ends with a full ``gc.collect()``; the objects that existed before the call
    are frozen for it (a kernel's 400,000 objects cost 0.2–0.3 s per call), and unfrozen after."""
    import gc

    frozen_at_collect = []
    real = gc.collect
    monkeypatch.setattr(gc, "collect", lambda *a: frozen_at_collect.append(gc.get_freeze_count()) or real(*a))
    before = gc.get_freeze_count()
    assert np.allclose(holm([0.01, 0.02, 0.03]), [0.03, 0.04, 0.04])
    assert frozen_at_collect and min(frozen_at_collect) > 0          # the collection saw only new objects
    assert gc.get_freeze_count() == before                            # and the freeze was undone
    gc.freeze()                                                       # a caller's own freeze is left alone
    try:
        n = gc.get_freeze_count()
        holm([0.01, 0.02])
        assert gc.get_freeze_count() == n
    finally:
        gc.unfreeze()


def test_welch_anova_and_levene_equal_r_on_toothgrowth():
    # R: oneway.test(len ~ dose, ToothGrowth): F = 68.401, num df = 2, denom df = 37.743, p-value = 2.812e-13
    f, df1, df2, p = welch_anova(TG_LEN, TG_DOSE)
    assert f == pytest.approx(68.401, abs=5e-4) and df1 == 2 and df2 == pytest.approx(37.743, abs=5e-4)
    assert p == pytest.approx(2.812e-13, rel=1e-3)
    # R: car::leveneTest(len ~ factor(dose), ToothGrowth): F = 0.6457, Pr(>F) = 0.5281
    w, lp = levene(TG_LEN, TG_DOSE)
    assert w == pytest.approx(0.6457, abs=5e-5) and lp == pytest.approx(0.5281, abs=5e-5)


def test_games_howell_hand_computation_on_toothgrowth():
    tab = games_howell(TG_LEN, TG_DOSE)
    assert list(zip(tab.group1, tab.group2, strict=True)) == [("0.5", "1.0"), ("0.5", "2.0"), ("1.0", "2.0")]
    # rstatix's estimates are mean(group2) - mean(group1): 9.13, 15.495, 6.365
    assert np.allclose(tab.estimate, [9.13, 15.495, 6.365])
    x = pd.Series(TG_LEN).groupby(pd.Series(TG_DOSE))
    m, v, n = x.mean(), x.var(ddof=1), x.size()
    for r in tab.itertuples():
        a, b = float(r.group1), float(r.group2)
        se = np.sqrt(v[a] / n[a] + v[b] / n[b])
        df = (v[a] / n[a] + v[b] / n[b]) ** 2 / ((v[a] / n[a]) ** 2 / (n[a] - 1) + (v[b] / n[b]) ** 2 / (n[b] - 1))
        t = (m[b] - m[a]) / se
        assert r.se == pytest.approx(se) and r.df == pytest.approx(df) and r.statistic == pytest.approx(t)
        assert r.p_adj == pytest.approx(stats.studentized_range.sf(abs(t) * np.sqrt(2), 3, df), rel=1e-9)
        q = stats.studentized_range.ppf(0.95, 3, df)
        assert r.ci_high - r.ci_low == pytest.approx(2 * q / np.sqrt(2) * se)
    assert tab.df.round(1).tolist() == [38.0, 36.9, 37.1]        # Welch df per pair
    assert tab.reject.all()


def test_games_howell_with_two_groups_is_welchs_t_test():
    rng = np.random.default_rng(1)
    a, b = rng.normal(0, 1, 12), rng.normal(0.8, 3, 30)
    tab = games_howell(np.r_[a, b], ["a"] * 12 + ["b"] * 30)
    ref = stats.ttest_ind(b, a, equal_var=False)
    assert tab.p_adj.iloc[0] == pytest.approx(ref.pvalue, rel=1e-6)
    assert tab.statistic.iloc[0] == pytest.approx(ref.statistic)
    ci = ref.confidence_interval(0.95)
    assert (tab.ci_low.iloc[0], tab.ci_high.iloc[0]) == pytest.approx((ci.low, ci.high), rel=1e-6)


def test_games_howell_null_data_rarely_rejects_and_handles_degenerate_groups():
    rng = np.random.default_rng(2)
    rejections = 0
    for _ in range(40):
        v = rng.normal(0, np.repeat([1, 2, 4], 15))
        rejections += games_howell(v, np.repeat(list("abc"), 15), conf_int=False).reject.any()
    assert rejections <= 6                                   # family-wise 5 %: expected ~2 of 40
    tab = games_howell([1, 1, 1, 2, 2, 2, 5], ["a", "a", "a", "b", "b", "b", "c"])
    assert len(tab) == 1 and np.isnan(tab.p_adj.iloc[0])     # c has one value (left out); a, b constant
    assert games_howell([1.0, 2.0], ["a", "b"]).empty


def test_census_note_in_both_languages():
    assert "census" in CENSUS_NOTE["en"] and "sensus" in CENSUS_NOTE["id"]


@pytest.mark.parametrize("prob,k,df", [(0.95, 2, 3.2), (0.95, 3, 5.5), (0.95, 5, 30.3), (0.99, 5, 200.7),
                                       (0.90, 10, 80.1), (0.95, 4, 1e4)])
def test_studentized_range_quantile_equals_scipys(prob, k, df):
    from kaltara_study.models.compare import studentized_range_ppf

    assert studentized_range_ppf(prob, k, df) == pytest.approx(stats.studentized_range.ppf(prob, k, df),
                                                               rel=1e-11, abs=1e-11)


def test_studentized_range_quantile_outside_the_approximations_range_falls_back_to_scipy():
    from kaltara_study.models.compare import studentized_range_ppf

    assert studentized_range_ppf(0.9995, 3, 10.0) == pytest.approx(stats.studentized_range.ppf(0.9995, 3, 10.0),
                                                                   rel=1e-11)
