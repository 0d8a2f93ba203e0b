"""Statistical models (issues 6, 12): OrderedModel recovers known coefficients on simulated data;
ANOVA/Kruskal–Wallis effect sizes against hand computations; Tukey HSD against scipy; the circular
multinomial logit of the segment is gone; Holm/Welch/Levene columns of kabupaten_differences."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from kaltara_study.models import stats as stats_module
from kaltara_study.models.compare import holm, welch_anova
from kaltara_study.models.stats import (
    fit_ordered_logit,
    kabupaten_differences,
    odds_ratio_table,
    prepare_design,
    readiness_level,
    tukey_hsd,
)
from kaltara_study.report.readiness_tables import format_table

# Tolerance: with n = 20,000 the standard errors of these coefficients are ~0.02–0.04, so the
# estimates must lie within 4 SE of the truth (a false alarm has probability ~6e-5 per
# coefficient); we check |b - beta| < 4·SE AND < 0.15 absolute, so a sign/scale/reference-level
# mistake (errors of >= 0.5) always fails.


def _simulate_ordered(n=20_000, seed=3):
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    beta = np.array([0.8, -0.6])
    cuts = np.array([-0.5, 1.0])
    latent = beta[0] * x1 + beta[1] * x2 + rng.logistic(size=n)
    y = np.array(["not_ready", "nearly_ready", "ready"])[(latent[:, None] > cuts).sum(axis=1)]
    return pd.DataFrame({"y": y, "x1": x1, "x2": x2}), beta, cuts


def test_ordered_logit_recovers_known_coefficients_and_thresholds():
    df, beta, cuts = _simulate_ordered()
    fit = fit_ordered_logit(df, outcome="y", covariates=["x1", "x2"], standardize=False)
    assert fit.fitted, fit.reason
    tab = odds_ratio_table(fit).set_index("term")
    for term, true in zip(["x1", "x2"], beta, strict=True):
        assert abs(tab.loc[term, "coef"] - true) < min(4 * tab.loc[term, "std_err"], 0.15)
    th = fit.result.model.transform_threshold_params(fit.result.params)[1:-1]
    assert np.allclose(th, cuts, atol=0.15)
    assert set(tab.index) == {"x1", "x2"}              # thresholds are not odds ratios


def test_ordered_logit_drops_not_assessable_and_reports_skips():
    df, _, _ = _simulate_ordered(n=400, seed=4)
    df.loc[:49, "y"] = "not_assessable"
    fit = fit_ordered_logit(df, outcome="y", covariates=["x1", "x2"])
    assert fit.fitted and fit.n == 350 and fit.n_dropped_rows == 50
    df["x3"] = np.nan
    skipped = fit_ordered_logit(df.tail(12), outcome="y", covariates=["x3"])
    assert skipped.status == "skipped" and "no usable covariate" in skipped.reason
    assert odds_ratio_table(skipped).empty
    assert "x3" in set(skipped.dropped.covariate)
    assert "not estimated" in skipped.summary_text(lang="en")


def test_prepare_design_drops_absent_all_na_constant_and_makes_dummies():
    df = pd.DataFrame({"y": list("abab"), "x": [1.0, 2, 3, 4], "k": [5.0] * 4, "na": [np.nan] * 4,
                       "b": pd.array([True, False, True, pd.NA], dtype="boolean"), "g": list("ppqr")})
    y, X, dropped, nd, scale = prepare_design(df, outcome="y", covariates=["x", "k", "na", "zz", "b"],
                                              categorical=["g"], standardize=True)
    assert dict(zip(dropped.covariate, dropped.reason, strict=True)) == {"na": "all NA", "zz": "absent", "k": "constant",
                                                                          "g_r": "constant"}
    assert nd == 1 and len(y) == 3
    assert list(X.columns) == ["x", "b", "g_q"]        # the only "r" row has b = NA, so g_r is constant
    assert np.allclose(X.mean(), 0) and np.allclose(X.std(ddof=1), 1)
    pd.testing.assert_frame_equal(df, df.copy())


def test_kruskal_and_anova_effect_sizes_match_hand_computation():
    rng = np.random.default_rng(5)
    g = np.repeat(["A", "B", "C"], [10, 12, 15])
    v = np.concatenate([rng.normal(0, 1, 10), rng.normal(1, 1, 12), rng.normal(0.5, 1, 15)])
    df = pd.DataFrame({"kab": g, "v": v, "const": 1.0, "nan": np.nan})
    out = kabupaten_differences(df, columns=["v", "const", "nan"], group="kab").set_index("variable")
    h, p = stats.kruskal(v[:10], v[10:22], v[22:])
    n = len(v)
    assert out.loc["v", "kruskal_h"] == pytest.approx(h) and out.loc["v", "kruskal_p"] == pytest.approx(p)
    assert out.loc["v", "epsilon2"] == pytest.approx(h / (n - 1))
    grand = v.mean()
    ssb = sum(len(x) * (x.mean() - grand) ** 2 for x in (v[:10], v[10:22], v[22:]))
    assert out.loc["v", "eta2"] == pytest.approx(ssb / ((v - grand) ** 2).sum())
    f, fp = stats.f_oneway(v[:10], v[10:22], v[22:])
    assert out.loc["v", "anova_f"] == pytest.approx(f) and out.loc["v", "anova_p"] == pytest.approx(fp)
    assert out.loc["const", "note"] == "no variation" and out.loc["nan", "note"] == "all NA"


def test_eta2_hand_example():
    # groups {1,2,3}, {4,5,6}: grand mean 3.5, SSB = 3·(1.5²)·2 = 13.5, SST = 17.5
    df = pd.DataFrame({"g": list("aaabbb"), "v": [1.0, 2, 3, 4, 5, 6]})
    out = kabupaten_differences(df, columns=["v"], group="g").iloc[0]
    assert out.eta2 == pytest.approx(13.5 / 17.5)
    # ranks equal values: H = 12/(n(n+1)) Σ R²/n_i − 3(n+1) = 12/42·(36+225)/3 − 21 = 3.857142…
    assert out.kruskal_h == pytest.approx(12 / 42 * (6**2 / 3 + 15**2 / 3) - 21)


def test_tukey_hsd_agrees_with_scipy():
    rng = np.random.default_rng(6)
    df = pd.DataFrame({"g": np.repeat(["A", "B", "C"], 20), "v": rng.normal(size=60) + np.repeat([0, 1, 0.2], 20)})
    tab = tukey_hsd(df, column="v", group="g")
    ref = stats.tukey_hsd(*(df.v[df.g == k].to_numpy() for k in "ABC"))
    pairs = {("A", "B"): (0, 1), ("A", "C"): (0, 2), ("B", "C"): (1, 2)}
    for r in tab.itertuples():
        i, j = pairs[(r.group1, r.group2)]
        assert r.p_adj == pytest.approx(ref.pvalue[i, j], abs=2e-3)
        assert r.meandiff == pytest.approx(df.v[df.g == r.group2].mean() - df.v[df.g == r.group1].mean())


def test_readiness_level_and_formatting():
    a = pd.DataFrame({"coop_id": ["1", "2", "3"], "partner": "bank",
                      "verdict": ["ready", "not_assessable", "not_ready"]})
    lv = readiness_level(a, partner="bank")
    assert lv.readiness_bank.isna().tolist() == [False, True, False]
    assert lv.readiness_bank.cat.ordered
    t = format_table(pd.DataFrame({"term": ["x"], "p_value": [0.0001], "coef": [0.123456]}), lang="en")
    assert t.iloc[0].tolist() == ["x", "<0.001", 0.123]
    assert "Nilai p" in format_table(pd.DataFrame({"p_value": [0.5]})).columns


def test_sparse_covariate_is_dropped_before_complete_cases():
    df, _, _ = _simulate_ordered(n=300, seed=8)
    df["idm"] = np.nan
    df.loc[:6, "idm"] = 0.6                                  # like the real 7-village IDM sample
    fit = fit_ordered_logit(df, outcome="y", covariates=["x1", "idm"])
    assert fit.fitted and fit.n == 300 and fit.covariates == ["x1"]
    assert fit.dropped.set_index("covariate").reason["idm"].startswith("observed for 2%")


def test_summary_text_in_indonesian():
    df, _, _ = _simulate_ordered(n=200, seed=10)
    df["x"] = np.nan
    df["z"] = 1.0
    fit = fit_ordered_logit(df, outcome="y", covariates=["x", "x1", "z"], min_per_param=1)
    assert fit.fitted
    assert "x (semua NA)" in fit.summary_text() and "z (konstan)" in fit.summary_text()
    assert "x (all NA)" in fit.summary_text(lang="en")


def test_no_model_of_segment_on_its_own_features():
    assert not hasattr(stats_module, "fit_mnlogit")


def test_kabupaten_differences_adds_welch_levene_and_holm_across_the_table():
    rng = np.random.default_rng(11)
    g = np.repeat(["A", "B", "C"], [15, 20, 25])
    df = pd.DataFrame({"kab": g})
    df["v1"] = rng.normal(0, 1, 60) + np.repeat([0, 1, 2], [15, 20, 25])
    df["v2"] = rng.normal(0, np.repeat([0.5, 1, 3], [15, 20, 25]))
    df["v3"] = rng.normal(0, 1, 60)
    out = kabupaten_differences(df, columns=["v1", "v2", "v3", "missing"], group="kab").set_index("variable")
    assert np.allclose(out.anova_p_holm.dropna(), holm(out.anova_p.to_numpy())[:3])
    assert (out.anova_p_holm.dropna() >= out.anova_p.dropna()).all()
    f, _, _, p = welch_anova(df.v1, df.kab)
    assert out.loc["v1", "welch_f"] == pytest.approx(f) and out.loc["v1", "welch_p"] == pytest.approx(p)
    assert out.loc["v2", "levene_p"] < 0.01                       # unequal variances detected
    assert np.isnan(out.loc["missing", "anova_p_holm"])
