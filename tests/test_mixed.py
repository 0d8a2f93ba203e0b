"""Mixed models (issue 12): recover known fixed effects and the kecamatan variance on simulated
nested data (cooperatives in kecamatan in kabupaten); skip cleanly when data are too thin."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kaltara_study.models.mixed import fit_mixed, readiness_binary


def _nested(seed=0, n_kec=60, per=15, beta=0.6, kab_eff=(0.0, 1.0, -0.5, 0.5, 2.0), sd_kec=0.8, sd_e=1.0,
            binary=False):
    rng = np.random.default_rng(seed)
    kec = np.repeat(np.arange(n_kec), per)
    kab = kec % len(kab_eff)
    u = rng.normal(0, sd_kec, n_kec)[kec]
    x = rng.normal(5, 2, len(kec))                      # SD 2: the standardised effect is 2·beta
    eta = 1.0 + beta * x + np.asarray(kab_eff)[kab] + u
    y = (rng.random(len(kec)) < 1 / (1 + np.exp(-(eta - eta.mean())))).astype(float) if binary \
        else eta + rng.normal(0, sd_e, len(kec))
    return pd.DataFrame({"y": y, "x": x, "noise": rng.normal(size=len(kec)),
                         "kode_kecamatan": [f"65.0{k % 5 + 1}.{k:02d}" for k in kec],
                         "kode_kabkota": [f"65.0{k + 1}" for k in kab]})


def test_gaussian_mixed_model_recovers_known_effects_and_variance():
    df = _nested()
    fit = fit_mixed(df, outcome="y", covariates=["x", "noise"], family="gaussian")
    assert fit.fitted and fit.n == len(df) and fit.n_groups == 60
    e = fit.effects.set_index("term")
    sd_x = df.x.std(ddof=1)
    assert e.loc["x", "estimate"] / sd_x == pytest.approx(0.6, abs=4 * e.loc["x", "std_err"] / sd_x)
    assert e.loc["x", "ci_low"] < 0.6 * sd_x < e.loc["x", "ci_high"]
    assert e.loc["noise", "ci_low"] < 0 < e.loc["noise", "ci_high"]
    # kabupaten fixed effects relative to the first (65.01, effect 0)
    for k, true in zip(["65.02", "65.03", "65.04", "65.05"], [1.0, -0.5, 0.5, 2.0], strict=True):
        row = e.loc[f"kode_kabkota_{k}"]
        assert row.kind == "kabupaten" and abs(row.estimate - true) < 4 * row.std_err + 0.05, k
    v = fit.variance.set_index("component").variance
    assert v["kecamatan"] == pytest.approx(0.64, rel=0.5) and v["residual"] == pytest.approx(1.0, rel=0.15)
    assert 0.2 < fit.icc < 0.6
    assert e.loc["x", "std_effect"] == pytest.approx(e.loc["x", "estimate"] / df.y.std(ddof=1))


def test_binomial_mixed_model_recovers_the_sign_and_size_of_the_effect():
    df = _nested(seed=1, beta=0.5, sd_kec=0.5, binary=True, per=20)
    fit = fit_mixed(df, outcome="y", covariates=["x"], family="binomial")
    assert fit.fitted
    e = fit.effects.set_index("term")
    est = e.loc["x", "estimate"] / df.x.std(ddof=1)          # back to the per-unit scale
    assert est == pytest.approx(0.5, abs=0.15)
    assert e.loc["x", "odds_ratio"] == pytest.approx(np.exp(e.loc["x", "estimate"]))
    assert e.loc["kode_kabkota_65.05", "estimate"] > e.loc["kode_kabkota_65.03", "estimate"]


def test_mixed_model_skips_thin_data_and_drops_sparse_covariates():
    df = _nested(n_kec=4, per=5)
    fit = fit_mixed(df, outcome="y", covariates=["x"], min_rows=30)
    assert fit.status == "skipped" and "too few" in fit.reason
    df = _nested()
    df["sparse"] = np.nan
    df.loc[:10, "sparse"] = 1.0
    fit = fit_mixed(df, outcome="y", covariates=["x", "sparse", "absent"])
    assert fit.fitted and dict(fit.dropped)["absent"] == "absent" and "sparse" in dict(fit.dropped)


def test_readiness_binary_codes():
    a = pd.DataFrame({"coop_id": list("abcde"), "partner": "bank",
                      "verdict": ["ready", "nearly_ready", "not_ready", "provisional", "not_assessable"]})
    y = readiness_binary(a, partner="bank").ready_bank
    assert y.iloc[:3].tolist() == [1, 0, 0] and y.iloc[3:].isna().all()
