"""Exploration figures and tables (notebook 03)."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.figure import Figure

from kaltara_study.report.figures import explore as E
from kaltara_study.data.pipeline import load_analysis_table


@pytest.fixture(scope="module")
def data():
    return load_analysis_table("synthetic")


def test_figures_return_figures_in_both_languages(data):
    for lang in ("id", "en"):
        figs = [E.plot_counts_by_kabupaten(data.table, villages=data.villages, lang=lang),
                E.plot_missingness(data.table, lang=lang), E.plot_distributions(data.table, lang=lang),
                E.plot_correlations(data.table, lang=lang), E.plot_registry_readiness(data.table, lang=lang),
                E.plot_village_map(data.table, "idm_status", lang=lang)]
        assert all(isinstance(f, Figure) for f in figs)
    title_en = E.plot_counts_by_kabupaten(data.table, lang="en").axes[0].get_title()
    title_id = E.plot_counts_by_kabupaten(data.table, lang="id").axes[0].get_title()
    assert title_en != title_id and "Cooperatives" in title_en


def test_all_missing_columns_are_skipped_and_named(data):
    t = data.table.assign(members=pd.array([pd.NA] * len(data.table), dtype="Int64"))
    fig = E.plot_distributions(t, columns=["members", "idm"])
    assert "members" in fig._suptitle.get_text()
    assert sum(ax.axison for ax in fig.axes) == 1


def test_registry_readiness_table_shares(data):
    r = E.registry_readiness_table(data.table).set_index("nama_kabkota")
    t = data.table
    nib = t["reg_nib"].dropna()
    assert r.at["Total", "reg_nib"] == pytest.approx(round(float((nib > 0).mean()), 4))
    assert r.loc[r.index != "Total", "n"].sum() == len(t) == r.at["Total", "n"]
    assert ((r.drop(columns="n") >= 0) & (r.drop(columns="n") <= 1)).all().all()


def test_missingness_table_counts(data):
    m = E.missingness_table(data.table).set_index("column")
    assert m.at["coop_id", "n_missing"] == 0
    assert m.at["idm", "n_missing"] == int(data.table["idm"].isna().sum()) > 0
    assert m["missing_share"].is_monotonic_decreasing
