"""The joint answer (issue 12): the potential-AND-ready rule, P(potential and ready) reproducible
under a seed and identical for n_jobs 1 and 2, counts with intervals, named and verification lists,
the threshold-sensitivity appendix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kaltara_study.errors import DataError, InputError
from kaltara_study.readiness.criteria import ReadinessConfig, assess_readiness
from kaltara_study.readiness.joint import (
    MEASURES,
    joint_answer,
    named_list,
    segment_probabilities,
    sensitivity,
    verification_list,
)
from kaltara_study.report.readiness_tables import answer_table, report_sheets, verification_table

SRC = {"source": "PMK 49/2025", "source_type": "regulation"}


def _cfg(potential=None, extra=()):
    crit = [
        {"id": "nib", "column": "has_nib", "op": "==", "value": True, "kind": "required", "weight": 1,
         "reason_id": "belum punya NIB", "reason_en": "no NIB", "fallback": {"column": "reg_nib", "op": ">=", "value": 1},
         **SRC},
        {"id": "health", "column": "health_score", "op": ">=", "value": 66, "range": [51, 80], "kind": "required",
         "weight": 1, "reason_id": "skor < 66", "reason_en": "score < 66", "source": "Permenkop UKM 9/2020",
         "source_type": "regulation"},
        {"id": "demand", "column": "population", "op": ">=", "value": 1000, "range": [500, 2000], "kind": "desirable",
         "weight": 1, "reason_id": "penduduk < 1000", "reason_en": "population < 1000"},
        *extra,
    ]
    d = {"partners": {"bank": {"name_id": "Bank", "name_en": "Bank", "criteria": crit},
                      "bulog": {"name_id": "Bulog", "name_en": "Bulog", "criteria": crit[:1]}}}
    if potential is not None:
        d["potential"] = potential
    return ReadinessConfig.from_dict(d, origin="test")


def _table(n=40, seed=0):
    rng = np.random.default_rng(seed)
    t = pd.DataFrame({
        "coop_id": [f"C{i:03d}" for i in range(n)],
        "nama_koperasi": [f"KOPERASI DESA MERAH PUTIH {i}" for i in range(n)],
        "nama_desa": [f"Desa {i}" for i in range(n)],
        "nama_kecamatan": [f"Kec {i % 4}" for i in range(n)],
        "nama_kabkota": np.where(np.arange(n) < n // 2, "Kabupaten Bulungan", "Kabupaten Nunukan"),
        "has_nib": pd.array(rng.random(n) < 0.7, dtype="boolean"),
        "reg_nib": rng.integers(0, 2, n).astype(float),
        "health_score": rng.uniform(40, 95, n),
        "population": rng.uniform(300, 3000, n),
        "index": rng.uniform(0, 100, n),
        "segment": rng.integers(0, 3, n),
        "confidence": rng.uniform(0.6, 1, n),
    })
    return t


def _draws(t, n_rep=60, sd=8.0, seed=1):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(np.clip(t["index"].to_numpy()[:, None] + rng.normal(0, sd, (len(t), n_rep)), 0, 100),
                        index=t.coop_id)


def test_joint_rule_is_potential_and_ready():
    cfg = _cfg()
    t = _table()
    a = assess_readiness(t, cfg)
    ans = joint_answer(t, a, _draws(t), cfg, seed=1)
    p = ans.probabilities.set_index(["coop_id", "partner"])
    for (cid, partner), row in p.iterrows():
        v = a.set_index(["coop_id", "partner"]).at[(cid, partner), "verdict"]
        pot = t.set_index("coop_id").at[cid, "index"] >= 50
        assert row.potential == pot
        assert row.ready == (v == "ready")
        assert row.joint == (pot and v == "ready")
        assert row.joint_provisional == (pot and v in ("ready", "provisional"))
    assert (p.p_joint <= p.p_potential + 1e-12).all() and (p.p_joint <= p.p_ready + 1e-12).all()
    assert (p.p_joint <= p.p_joint_provisional + 1e-12).all()


def test_probabilities_reproducible_under_seed_and_identical_for_n_jobs_1_and_2():
    cfg = _cfg(potential={"threshold": 50, "range": [40, 60], "segments": [1, 2]})
    t = _table(seed=2)
    a = assess_readiness(t, cfg)
    d = _draws(t, n_rep=30)
    one = joint_answer(t, a, d, cfg, seed=7, n_jobs=1)
    two = joint_answer(t, a, d, cfg, seed=7, n_jobs=2)
    again = joint_answer(t, a, d, cfg, seed=7, n_jobs=1)
    for x in (two, again):
        pd.testing.assert_frame_equal(one.probabilities, x.probabilities)
        pd.testing.assert_frame_equal(one.counts, x.counts)
        pd.testing.assert_frame_equal(one.counts_by_group, x.counts_by_group)
        pd.testing.assert_frame_equal(one.replications, x.replications)
    other = joint_answer(t, a, d, cfg, seed=8, n_jobs=1)
    assert not one.probabilities.p_joint.equals(other.probabilities.p_joint)


def test_counts_intervals_and_thresholds_sampled_in_their_ranges():
    cfg = _cfg()
    t = _table(n=60, seed=3)
    a = assess_readiness(t, cfg)
    ans = joint_answer(t, a, _draws(t, n_rep=80), cfg, seed=3, level=0.9)
    c = ans.counts.set_index(["partner", "measure"])
    assert set(ans.counts.measure) == set(MEASURES)
    assert ((c["low"] <= c["median"]) & (c["median"] <= c["high"])).all()
    assert (c.loc["bank", "n_point"] == [int(ans.probabilities.query("partner == 'bank'")[m].sum())
                                         for m in c.loc["bank"].index]).all()
    # mean count over replications = sum of the per-cooperative probabilities
    for (partner, m), row in c.iterrows():
        assert row["mean"] == pytest.approx(ans.probabilities.query("partner == @partner")[f"p_{m}"].sum(), abs=1e-4)
    r = ans.replications
    assert r.t_potential.between(40, 60).all() and r.t_potential.std() > 2
    # readiness of bulog has no ranged threshold: its count of 'ready' does not vary
    assert r.query("partner == 'bulog'").n_ready.nunique() == 1
    g = ans.counts_by_group.groupby(["partner", "measure"]).n_point.sum()
    assert (g == c.n_point.reindex(g.index)).all()


def test_certain_inputs_give_probabilities_zero_or_one():
    cfg = _cfg(potential={"threshold": 50, "range": [50, 50]})
    t = _table(seed=4)
    t["health_score"] = 90.0
    a = assess_readiness(t, cfg)
    d = pd.DataFrame(np.repeat(t["index"].to_numpy()[:, None], 10, axis=1), index=t.coop_id)
    ans = joint_answer(t, a, d, cfg, seed=1)
    p = ans.probabilities
    assert set(np.unique(p.p_joint)) <= {0.0, 1.0}
    assert (p.p_joint == p.joint.astype(float)).all()


def test_segment_membership_enters_through_confidence():
    t = _table(seed=5)
    probs = segment_probabilities(t)
    assert np.allclose(probs.sum(axis=1), 1)
    i = 0
    assert probs.iloc[i][t.segment.iloc[i]] == pytest.approx(t.confidence.iloc[i])
    cfg = _cfg(potential={"threshold": 0, "range": [0, 0], "segments": [int(t.segment.iloc[i])]})
    a = assess_readiness(t, cfg)
    ans = joint_answer(t, a, _draws(t, n_rep=400), cfg, seed=2, partners=None)
    pp = ans.probabilities.query("partner == 'bank'").set_index("coop_id").p_potential
    expected = probs[int(t.segment.iloc[i])]
    assert np.abs(pp.to_numpy() - expected.to_numpy()).max() < 0.1     # 400 draws: SE <= 0.025


def test_inputs_are_checked():
    cfg = _cfg()
    t = _table()
    a = assess_readiness(t, cfg)
    with pytest.raises(InputError, match="0–100"):
        joint_answer(t, a, _draws(t) * 10, cfg, seed=1)
    with pytest.raises(InputError, match="no row"):
        joint_answer(t, a, _draws(t).iloc[1:], cfg, seed=1)
    other = assess_readiness(t.assign(has_nib=pd.array([False] * len(t), dtype="boolean"), reg_nib=0.0), cfg)
    with pytest.raises(DataError, match="does not match"):
        joint_answer(t, other, _draws(t), cfg, seed=1)


def test_named_list_ordered_by_probability_with_names_and_what_to_verify():
    cfg = _cfg()
    t = _table(n=60, seed=6)
    t.loc[:9, "has_nib"] = pd.NA                          # survey answer missing ...
    t.loc[:9, "reg_nib"] = np.nan                          # ... and no registry value: provisional
    a = assess_readiness(t, cfg)
    ans = joint_answer(t, a, _draws(t), cfg, seed=1)
    nl = named_list(t, ans, a, min_p=0.2)
    assert {"nama_koperasi", "nama_desa", "nama_kecamatan", "nama_kabkota", "p_joint", "to_verify"} <= set(nl.columns)
    for _, g in nl.groupby(["partner", "nama_kabkota"]):
        key = list(zip(-g.p_joint, -g.p_joint_provisional, strict=True))
        assert key == sorted(key) and g.list_rank.tolist() == list(range(1, len(g) + 1))
    assert ((nl.p_joint >= 0.2) | (nl.p_joint_provisional >= 0.2)).all()
    prov = nl[nl.verdict == "provisional"]
    assert len(prov) and (prov.to_verify.str.contains("nib")).all()
    assert named_list(t, ans, a, min_p=0.0, top=2).groupby(["partner", "nama_kabkota"]).size().max() <= 2


def test_verification_list_per_cooperative():
    cfg = _cfg()
    t = _table(seed=7)
    t["has_nib"] = pd.array([pd.NA] * len(t), dtype="boolean")      # real-data shape: survey absent
    t.loc[:4, "reg_nib"] = np.nan
    t.loc[:2, "health_score"] = np.nan
    a = assess_readiness(t, cfg)
    ans = joint_answer(t, a, _draws(t, n_rep=20), cfg, seed=1)
    v = verification_list(t, a, cfg, answer=ans)
    assert not v.duplicated(["coop_id", "item", "basis"]).any()
    nib = v[v["item"] == "has_nib"]
    assert set(nib[nib.basis == "not_assessed"].coop_id) == set(t.coop_id[:5])
    assert set(nib[nib.basis == "registry"].coop_id) == set(t.coop_id[5:])
    assert (nib.partners == "bulog; bank").all() and (nib.n_partners == 2).all()
    hs = v[v["item"] == "health_score"]
    assert set(hs.coop_id) == set(t.coop_id[:3]) and (hs.partners == "bank").all()
    assert v.p_joint_provisional_max.between(0, 1).all()
    only_missing = verification_list(t, a, cfg, include_fallback=False)
    assert (only_missing.basis == "not_assessed").all()
    shown = verification_table(v, lang="en")
    assert "Item to verify (column)" in shown.columns
    assert shown.iloc[0]["Basis"] in {"no data", "from the SIMKOPDES registry (confirm)"}


def test_sensitivity_appendix_moves_thresholds_and_promotes_assumptions():
    cfg = _cfg()
    t = _table(n=80, seed=8)
    s = sensitivity(t, cfg, n_grid=5)
    conf = s[s.variant == "configured"]
    pot = conf[(conf.parameter == "potential") & (conf.partner == "bank")].sort_values("value")
    assert pot.value.tolist() == [40, 45, 50, 55, 60]
    assert pot.n_potential.is_monotonic_decreasing and pot.n_joint.is_monotonic_decreasing
    assert pot.loc[pot.is_central, "n_joint"].item() == conf.query("parameter == 'none' and partner == 'bank'").n_joint.item()
    h = conf[conf.parameter == "bank.health"].sort_values("value")
    assert set(h.partner) == {"bank"} and h.n_ready.is_monotonic_decreasing and h.n_ready.iloc[0] > h.n_ready.iloc[-1]
    d = conf[conf.parameter == "bank.demand"]
    assert d.n_ready.nunique() == 1                     # desirable: no effect as configured
    req = s[(s.variant == "assumptions_required") & (s.parameter == "bank.demand")].sort_values("value")
    assert req.n_ready.is_monotonic_decreasing and req.n_ready.iloc[0] > req.n_ready.iloc[-1]
    base = s[(s.parameter == "none") & (s.partner == "bank")].set_index("variant").n_ready
    assert base["assumptions_required"] <= base["configured"]


def test_answer_table_and_workbook_sheets_carry_the_answer():
    cfg = _cfg()
    t = _table(seed=9)
    a = assess_readiness(t, cfg)
    ans = joint_answer(t, a, _draws(t, n_rep=20), cfg, seed=1)
    tab = answer_table(ans, lang="en")
    assert tab.shape[0] == 2 and tab.iloc[0, 0].count("(") == 1
    sheets = report_sheets(t, a, cfg, answer=ans, named=named_list(t, ans, a),
                           verification=verification_list(t, a, cfg, answer=ans), sensitivity=sensitivity(t, cfg),
                           lang="en")
    assert {"Answer", "Named list", "Verification list", "Sensitivity"} <= set(sheets)
    res = sheets["Results per cooperative"]
    assert any("P(potential and ready)" in c for c in res.columns)
