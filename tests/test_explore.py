"""Exploration tables (kaltara_study.explore) and the figures that draw them (notebook 03)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from kaltara_study import explore as X
from kaltara_study.report.figures import explore as E

from conftest import analysis


@pytest.fixture(scope="module")
def data():
    return analysis("synthetic")


def _texts(fig: Figure) -> str:
    return " | ".join(t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text")))


def test_figures_draw_the_tables_in_both_languages(data):
    t = data.table
    for lang in ("id", "en"):
        figs = [E.plot_counts_by_kabupaten(X.counts_by_kabupaten(t, villages=data.villages), lang=lang),
                E.plot_missingness(X.missingness_table(t), lang=lang), E.plot_distributions(X.distribution_table(t), lang=lang),
                E.plot_correlations(X.correlation_table(t), lang=lang),
                E.plot_registry_readiness(X.registry_readiness_table(t), lang=lang),
                E.plot_village_map(X.map_values(t, "idm_status"), "idm_status", lang=lang)]
        assert all(isinstance(f, Figure) for f in figs)
    title_en = E.plot_counts_by_kabupaten(X.counts_by_kabupaten(t), lang="en").axes[0].get_title()
    assert "Cooperatives" in title_en


def test_counts_table_and_bars_agree(data):
    c = X.counts_by_kabupaten(data.table, villages=data.villages)
    assert c["n_coops"].sum() == len(data.table)
    assert (c["n_villages_with"] + c["n_villages_without"]).sum() == len(data.villages)
    fig = E.plot_counts_by_kabupaten(c)
    heights = [p.get_height() for p in fig.axes[0].containers[0]]
    assert heights == c["n_coops"].tolist()


def test_all_missing_columns_are_skipped_and_named_by_label(data):
    t = data.table.assign(members=pd.array([pd.NA] * len(data.table), dtype="Int64"))
    dist = X.distribution_table(t, columns=["members", "idm"])
    assert dist.loc[dist.variable == "members", "value"].isna().all()
    fig = E.plot_distributions(dist)
    assert "Jumlah anggota" in fig._suptitle.get_text() and "members" not in fig._suptitle.get_text()
    assert sum(ax.axison for ax in fig.axes) == 1
    corr = X.correlation_table(t, columns=["members", "idm", "population"])
    assert corr.loc["members"].isna().all() and corr.at["idm", "population"] == corr.at["population", "idm"]


def test_registry_readiness_table_shares_and_bases(data):
    r = X.registry_readiness_table(data.table).set_index("nama_kabkota")
    t = data.table
    nib = t["reg_nib"].dropna()
    assert r.at["Total", "reg_nib"] == pytest.approx(round(float((nib > 0).mean()), 4))
    assert r.at["Total", "n_reg_nib"] == len(nib)
    assert r.loc[r.index != "Total", "n"].sum() == len(t) == r.at["Total", "n"]
    fields = [c for c in r.columns if c.startswith("reg_")]
    assert ((r[fields] >= 0) & (r[fields] <= 1)).all().all()
    fig = E.plot_registry_readiness(r.reset_index())
    ticks = [x.get_text() for x in fig.axes[0].get_xticklabels()]
    assert ticks[-1].startswith("Seluruh Kaltara") and "(n = 411)" in ticks[-1]


def test_missingness_table_counts_and_labelled_rows(data):
    m = X.missingness_table(data.table)
    mi = m.set_index("column")
    assert mi.at["coop_id", "n_missing"] == 0
    assert mi.at["idm", "n_missing"] == int(data.table["idm"].isna().sum()) > 0
    assert m["missing_share"].is_monotonic_decreasing
    fig = E.plot_missingness(m)
    labels_ = [x.get_text() for x in fig.axes[0].get_yticklabels()]
    assert "Nilai IDM" in labels_ and "idm" not in labels_


def test_map_values_levels(data):
    t = data.table.assign(index=np.linspace(0, 100, len(data.table)))
    v = X.map_values(t, "index", level="kabkota")
    exp = t.groupby("kode_kabkota")["index"].mean()
    assert np.allclose(v.set_index("kode").value.loc[exp.index], exp)
    assert v["n"].sum() == len(t)
    d = X.map_values(t, "idm_status", level="desa")
    assert len(d) == t.kode_desa.nunique() and {"kode_kabkota", "nama_kabkota"} <= set(d.columns)
    with pytest.raises(ValueError, match="level"):
        X.map_values(t, "index", level="kecamatan")
    with pytest.raises(ValueError, match="how"):
        X.map_values(t, "index", level="kabkota", how="share")


def test_share_map_values_reads_the_readiness_table_not_the_cooperatives():
    by = pd.DataFrame({"kode_kabkota": ["65.01"] * 3 + ["65.02"] * 3, "partner": ["bulog"] * 6,
                       "verdict": ["ready", "provisional", "not_ready"] * 2, "n": [2, 1, 1, 0, 0, 4],
                       "share": [0.5, 0.25, 0.25, 0.0, 0.0, 1.0]})
    v = X.share_map_values(by, partner="bulog")
    assert v.value.tolist() == [0.5, 0.0] and v.n.tolist() == [4, 4]
    v2 = X.share_map_values(by, partner="bulog", verdicts=("ready", "provisional"))
    assert v2.value.tolist() == [0.75, 0.0]
    with pytest.raises(ValueError, match="partner"):
        X.share_map_values(by, partner="bank")
