"""Maps and report figures (issue 6): colours follow the data, languages switch, schematic on
synthetic data, real boundaries on real codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from kaltara_study.report.figures.maps import NO_DATA_COLOR, map_values, plot_index_map, plot_map, plot_readiness_map, plot_segment_map
from kaltara_study.report.figures.models import plot_odds_ratios
from kaltara_study.report.figures.readiness import (
    VERDICT_COLORS,
    plot_assessability,
    plot_blocking_gaps,
    plot_readiness_by_kabupaten,
    plot_readiness_matrix,
)
from kaltara_study.readiness.criteria import (
    assess_readiness,
    assessability,
    blocking_gaps,
    evaluate_criteria,
    load_config,
    readiness_by_group,
    readiness_matrix,
)
from test_readiness import contract_frame


def _texts(fig: Figure) -> str:
    out = [t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text"))]
    return " | ".join(out)


@pytest.fixture(scope="module")
def data():
    t = contract_frame(80, seed=11)
    cfg = load_config()
    return t, assess_readiness(t, cfg), cfg


def _grid_boundaries(codes):
    import geopandas as gpd
    from shapely.geometry import box

    return gpd.GeoDataFrame({"kode": codes}, geometry=[box(i, 0, i + 1, 1) for i in range(len(codes))],
                            crs="EPSG:4326")


def test_map_values_levels():
    t = contract_frame(30, seed=1)
    v = map_values(t, "index", level="kabkota")
    exp = t.groupby("kode_kabkota")["index"].mean()
    assert np.allclose(v.set_index("kode").value.loc[exp.index], exp)
    share = map_values(t, "segment_name", level="kabkota", how="share", category="Tumbuh")
    exp2 = t.groupby("kode_kabkota").segment_name.agg(lambda s: (s == "Tumbuh").mean())
    assert np.allclose(share.set_index("kode").value.loc[exp2.index], exp2)
    assert len(map_values(t, "segment_name", level="desa")) == t.kode_desa.nunique()
    with pytest.raises(ValueError, match="level"):
        map_values(t, "index", level="kecamatan")


def test_geo_choropleth_colours_match_categories_and_no_data_is_grey():
    t = contract_frame(6, seed=2)
    codes = sorted(t.kode_desa) + ["65.99.99.2999"]               # one village without a cooperative
    gdf = _grid_boundaries(codes)
    fig = plot_map(t, "segment_name", boundaries=gdf, level="desa", order=["Tumbuh", "Berkembang", "Perintis"],
                   colors={"Tumbuh": "#009E73", "Berkembang": "#0072B2", "Perintis": "#D55E00"})
    faces = [to_hex(c) for coll in fig.axes[0].collections for c in coll.get_facecolor()]
    want = {"Tumbuh": "#009e73", "Berkembang": "#0072b2", "Perintis": "#d55e00"}
    expected = [want[s] for s in t.sort_values("kode_desa").segment_name] + [NO_DATA_COLOR.lower()]
    assert faces == expected
    assert "Tidak ada data" in _texts(fig)


def test_geo_continuous_index_map(data):
    t, _, _ = data
    gdf = _grid_boundaries(sorted(t.kode_desa))
    fig = plot_index_map(t, boundaries=gdf, lang="en")
    assert "Economic potential index" in _texts(fig)
    assert len(fig.axes) == 2                                      # map + colorbar


def test_schematic_when_no_boundaries_says_so(data):
    t, res, _ = data
    fig = plot_segment_map(t, lang="id")
    assert "Skema (bukan peta)" in _texts(fig)
    cells = fig.axes[0].collections[0]
    assert len(cells.get_paths()) == t.kode_desa.nunique()
    fig_en = plot_readiness_map(t, res, partner="bank", lang="en")
    assert "Schematic (not a map)" in _texts(fig_en) and "Ready" in _texts(fig_en) or "Not" in _texts(fig_en)
    kab = plot_readiness_map(t, res, partner="bank", level="kabkota")
    assert len(kab.axes[0].collections[0].get_paths()) == t.kode_kabkota.nunique()


def test_readiness_verdict_map_uses_verdict_colours(data):
    t, res, _ = data
    gdf = _grid_boundaries(sorted(t.kode_desa))
    fig = plot_readiness_map(t, res, partner="pertamina", boundaries=gdf, lang="en")
    faces = [to_hex(c) for coll in fig.axes[0].collections for c in coll.get_facecolor()]
    v = res[res.partner == "pertamina"].merge(t[["coop_id", "kode_desa"]], on="coop_id").sort_values("kode_desa")
    assert faces == [VERDICT_COLORS[x].lower() for x in v.verdict]


def test_readiness_figures_switch_language(data):
    t, res, cfg = data
    mat = readiness_matrix(res, t)
    fid, fen = plot_readiness_matrix(mat), plot_readiness_matrix(mat, lang="en")
    assert "Porsi koperasi siap" in _texts(fid) and "Share of cooperatives ready" in _texts(fen)
    # the annotations are the matrix values
    ann = [x.get_text() for x in fid.axes[0].texts]
    assert ann == [f"{100 * v:.0f}%" for v in mat.drop(columns="n").to_numpy().ravel()]
    fk = plot_readiness_by_kabupaten(readiness_by_group(res, t), lang="en")
    assert "Nearly ready" in _texts(fk) and len(fk.axes) == 5
    fg = plot_blocking_gaps(blocking_gaps(res, cfg), lang="id")
    assert "belum berbadan hukum" in _texts(fg) or "belum punya NIB" in _texts(fg)
    fa = plot_assessability(assessability(evaluate_criteria(t, cfg), cfg))
    assert isinstance(fa, Figure)


def test_odds_ratio_plot_and_empty_model():
    tab = pd.DataFrame({"outcome_level": ["B vs A"] * 2 + ["C vs A"] * 2, "term": ["idm", "population"] * 2,
                        "odds_ratio": [1.5, 0.8, 1.1, 2.0], "or_low": [1.1, 0.6, 0.9, 1.5], "or_high": [2.0, 1.0, 1.3, 2.6]})
    fig = plot_odds_ratios(tab, lang="en")
    assert len(fig.axes) == 2 and fig.axes[0].get_xscale() == "log"
    x = fig.axes[1].lines[0].get_xdata()
    assert np.allclose(x, [1.1, 2.0])
    empty = plot_odds_ratios(tab.iloc[:0], lang="en")
    assert "model not estimated" in _texts(empty)


@pytest.mark.realdata
def test_real_boundaries_join_the_real_codes(shared_kaltara):
    from kaltara_study.data.pipeline import load_boundaries

    kab = load_boundaries("kaltara", level="kabkota")
    desa = load_boundaries("kaltara", level="desa")
    assert len(kab) == 5 and len(desa) == 482
    assert desa.kode.str.match(r"^65\.\d\d\.\d\d\.[12]\d{3}$").all()
    t = contract_frame(10, seed=3)
    t["kode_desa"] = desa.kode.iloc[:10].to_numpy()
    t["kode_kabkota"] = t.kode_desa.str[:5]
    fig = plot_index_map(t, boundaries=desa)
    faces = [to_hex(c) for c in fig.axes[0].collections[0].get_facecolor()]
    assert sum(f != NO_DATA_COLOR.lower() for f in faces) == 10


@pytest.mark.realdata
def test_real_build_maps_every_real_cooperative(shared_kaltara):
    from kaltara_study.data.pipeline import load_analysis_table, load_boundaries

    table = load_analysis_table("kaltara").table
    res = assess_readiness(table, load_config())
    desa = load_boundaries("kaltara", level="desa")
    fig = plot_readiness_map(table, res, partner="bank", boundaries=desa)
    faces = [to_hex(c) for c in fig.axes[0].collections[0].get_facecolor()]
    assert len(faces) == 482
    coloured = sum(f != NO_DATA_COLOR.lower() for f in faces)
    assert coloured == table.kode_desa.nunique() == 410                   # Binanun holds two cooperatives
    kab = plot_readiness_map(table, res, partner="bank", boundaries=load_boundaries("kaltara", level="kabkota"),
                             level="kabkota")
    assert len(kab.axes[0].collections[0].get_facecolor()) == 5
