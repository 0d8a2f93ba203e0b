"""The index on an absolute scale (issue 11): goalposts by hand, peak targets, flagged values
excluded with an audit line, sub-indices, coherence, the estimator contract (clone, NotFittedError),
and the Monte-Carlo fast path equal to the estimator for every sampled combination."""

from __future__ import annotations

import itertools
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from kaltara_study.errors import ConfigError
from kaltara_study.index.composite import (CompositeIndex, IndexConfig, _index_from, _mc_context,
                                           apply_flags, coherence, compute_index, normalise)

ROOT = Path(__file__).resolve().parents[1]
IDM_CSV = Path("/work/shared/data/kaltara/idm_kaltara_2024_desa_indicators.csv")


def framework(**method):
    return IndexConfig.from_dict({
        "method": {"normalisation": "goalposts", **method},
        "uncertainty": {"normalisation": ["goalposts", "minmax", "rank"],
                        "aggregation": ["arithmetic", "geometric"],
                        "imputation": ["none", "mean", "group_mean"]},
        "groups": {"village": {"subindex": "context"}, "coop": {"subindex": "capacity"}},
        "indicators": [
            {"name": "pasar", "column": "IKE03_PASAR", "group": "village", "lower": 0, "upper": 5},
            {"name": "bank", "column": "IKE07_BANK_BPR", "group": "village", "lower": 0, "upper": 5},
            {"name": "turnover", "column": "turnover_rp", "group": "coop", "lower": 0, "upper": 1e9,
             "log": True},
            {"name": "debt", "column": "debt_ratio", "group": "coop", "lower": 0, "upper": 1,
             "transform": "peak", "target": 0.3},
        ]}, origin="test")


def table(n=60, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "coop_id": [f"c{i:03d}" for i in range(n)],
        "kode_kabkota": np.repeat(["65.01", "65.02", "65.03"], n // 3),
        "IKE03_PASAR": rng.integers(0, 6, n).astype(float),
        "IKE07_BANK_BPR": rng.integers(0, 6, n).astype(float),
        "turnover_rp": np.exp(rng.normal(17, 1.5, n)),
        "debt_ratio": rng.uniform(0, 0.9, n),
        "outlier_flags": pd.array([None] * n, dtype="string"),
    })


def test_goalposts_against_hand_computed_values():
    X = pd.DataFrame({"a": [-1.0, 0.0, 1.25, 5.0, 7.0], "b": [10.0, 20.0, 30.0, 40.0, 50.0]})
    out = normalise(X, method="goalposts", goalposts={"a": (0.0, 5.0), "b": (20.0, 40.0)},
                    directions={"b": -1})
    assert out["a"].tolist() == [0.0, 0.0, 25.0, 100.0, 100.0]      # (x - 0)/5, truncated
    assert out["b"].tolist() == [100.0, 100.0, 50.0, 0.0, 0.0]      # (40 - x)/20, truncated
    # absolute: one unit's change does not move another's score (min-max would)
    X2 = X.copy()
    X2.loc[4, "a"] = 100.0
    out2 = normalise(X2, method="goalposts", goalposts={"a": (0.0, 5.0), "b": (20.0, 40.0)})
    assert out2["a"].iloc[:4].tolist() == out["a"].iloc[:4].tolist()
    assert normalise(X2, method="minmax")["a"].iloc[2] != normalise(X, method="minmax")["a"].iloc[2]


def test_peak_target_is_best_and_logged_goalposts_use_the_columns_units():
    t = table()
    t.loc[0, "debt_ratio"], t.loc[1, "debt_ratio"], t.loc[2, "debt_ratio"] = 0.3, 0.0, 1.0
    t.loc[3, "turnover_rp"] = 1e9
    ci = CompositeIndex(framework(), random_state=0).fit(t)
    Xn = ci.transform_steps(t)["normalised"]
    assert Xn.loc[0, "debt"] == 100.0 and Xn["debt"].max() == 100.0
    assert Xn.loc[1, "debt"] == pytest.approx(100 * (1 - 0.3 / 0.7))    # |0 - .3| / max(.3, .7)
    assert Xn.loc[2, "debt"] == 0.0
    assert Xn.loc[3, "turnover"] == pytest.approx(100.0)                # upper goalpost 1e9 (log)


def test_flagged_values_excluded_with_an_audit_line():
    t = table()
    t.loc[5, "turnover_rp"] = 4e11
    t["outlier_flags"] = t["outlier_flags"].astype(object)
    t.loc[5, "outlier_flags"] = "turnover_rp/assets_rp"
    res = compute_index(t, framework(), seed=1, uncertainty=False)
    assert len(res.audit) == 1
    row = res.audit.iloc[0]
    assert (row.unit, row.column, row.rule) == ("c005", "turnover_rp", "flagged_value_set_missing")
    assert any("flagged" in line for line in res.log)
    # the raw input is not changed
    assert t.loc[5, "turnover_rp"] == 4e11
    # 'keep' leaves the value in
    keep = compute_index(t, framework(flagged="keep"), seed=1, uncertainty=False)
    assert keep.audit.empty and (keep.scores["index"] != res.scores["index"]).any()


def test_subindices_reported_separately_and_together():
    res = compute_index(table(), framework(), seed=1, uncertainty=False)
    s = res.scores
    assert {"village", "coop", "context", "capacity", "index"} <= set(s.columns)
    np.testing.assert_allclose(s["context"], s["village"])            # one group per sub-index
    np.testing.assert_allclose(s["index"], (s["village"] + s["coop"]) / 2)
    assert (s["subindices_present"] == 2).all()
    assert res.absolute and s["index"].between(0, 100).all()


def test_estimator_contract():
    cfg = framework()
    est = CompositeIndex(cfg, normalisation="minmax", exclude=("bank",))
    with pytest.raises(NotFittedError):
        est.transform(table())
    c = clone(est)
    assert c.get_params()["normalisation"] == "minmax" and c.get_params()["exclude"] == ("bank",)
    assert c.set_params(aggregation="geometric").aggregation == "geometric"
    assert "weights_" not in vars(c)


@pytest.mark.parametrize("imp,norm,agg", list(itertools.product(
    ["none", "mean", "group_mean"], ["goalposts", "minmax", "rank"], ["arithmetic", "geometric"])))
def test_monte_carlo_fast_path_equals_the_estimator(imp, norm, agg, _mc):
    t, ci, ctx = _mc
    fast = _index_from(ctx, imp, norm, agg, ctx.w, ctx.gw)
    est = clone(ci).set_params(imputation=imp, normalisation=norm, aggregation=agg).fit(t)
    np.testing.assert_allclose(fast, est.transform(t)["index"].to_numpy(), rtol=1e-10, atol=1e-10)


@pytest.fixture(scope="module")
def _mc():
    t = table(90, seed=3)
    t.loc[[1, 7, 20], "IKE07_BANK_BPR"] = np.nan          # imputation has something to do
    ci = CompositeIndex(framework(), random_state=0).fit(t)
    unc = {**ci.config.uncertainty}
    return t, ci, _mc_context(t, ci, unc)


def test_coherence_names_the_failing_dimension():
    t = table()
    t["IKE07_BANK_BPR"] = 5 - t["IKE03_PASAR"]                      # pulls against its partner
    ci = CompositeIndex(framework(), random_state=0).fit(t)
    c = coherence(ci, t).set_index("group")
    assert c.loc["village", "fails"] and "negative_correlation" in c.loc["village", "failure"]


def test_from_dict_errors_name_the_entry():
    with pytest.raises(ConfigError, match="goalposts.*missing for"):
        IndexConfig.from_dict({"method": {"normalisation": "goalposts"}, "groups": {"g": {}},
                               "indicators": [{"name": "a", "column": "population", "group": "g"}]},
                              origin="f.toml")
    with pytest.raises(ConfigError, match="f.toml indicator #1 .*peak.*target"):
        IndexConfig.from_dict({"groups": {"g": {}}, "indicators": [
            {"name": "a", "column": "debt_ratio", "group": "g", "transform": "peak"}]},
            origin="f.toml")
    with pytest.raises(ConfigError, match="subindex"):
        IndexConfig.from_dict({"groups": {"g": {"subindex": "Not A Code"}}, "indicators": [
            {"name": "a", "column": "debt_ratio", "group": "g"}]}, origin="f.toml")


def test_shipped_frameworks_validate():
    for name in ("indicators.toml", "indicators_kaltara.toml"):
        with open(ROOT / "config" / name, "rb") as fh:
            cfg = IndexConfig.from_dict(tomllib.load(fh), origin=name)
        assert cfg.method["normalisation"] == "goalposts"
        assert {"context", "capacity"} <= set(cfg.subindices)


@pytest.mark.skipif(not IDM_CSV.is_file(), reason="real IDM indicators absent")
def test_real_idm_indicators_context_on_their_own_0_5_scale():
    ind = pd.read_csv(IDM_CSV).rename(columns={"kode": "coop_id"})
    with open(ROOT / "config" / "indicators_kaltara.toml", "rb") as fh:
        cfg = IndexConfig.from_dict(tomllib.load(fh), origin="indicators_kaltara.toml")
    cfg = cfg.subset([i.name for i in cfg.indicators if i.column.startswith("IK")])
    res = compute_index(ind, cfg, seed=1, uncertainty=False)
    assert len(res.scores) == 447 and res.scores["index"].between(0, 100).all()
    # a desa scoring 5 on every indicator would be 100: the scale is the indicators' own
    full = ind.copy()
    cols = [i.column for i in cfg.indicators]
    full.loc[0, cols] = 5
    assert compute_index(full, cfg, seed=1, uncertainty=False).scores.loc[0, "index"] == 100
    c = res.coherence
    assert set(c["group"]) >= {"idm_trade", "idm_finance", "idm_logistics", "idm_digital"}
    assert c["cronbach_alpha"].dropna().between(-1, 1).all()
