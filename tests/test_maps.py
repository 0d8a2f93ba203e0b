"""Maps (issue 6, 14): they draw given values, colours follow the fixed mappings, continuous scales
have meaningful bounds, real boundaries get a scale bar, north arrow and kabupaten names, the
schematic says it is one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from kaltara_study import explore as X
from kaltara_study.report.figures import NO_DATA_COLOR, VERDICT_COLORS, idm_status_colors, segment_colors
from kaltara_study.report.figures.maps import (
    plot_idm_status_map,
    plot_index_map,
    plot_map,
    plot_readiness_map,
    plot_readiness_share_map,
    plot_segment_map,
    scale_bar_km,
)
from kaltara_study.report.figures.models import plot_odds_ratios
from test_readiness import contract_frame


def _texts(fig: Figure) -> str:
    return " | ".join(t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text")))


def _grid(codes, names=None):
    import geopandas as gpd
    from shapely.geometry import box

    d = {"kode": codes}
    if names is not None:
        d["nama"] = names
    return gpd.GeoDataFrame(d, geometry=[box(116 + 0.1 * i, 2, 116.1 + 0.1 * i, 2.1) for i in range(len(codes))],
                            crs="EPSG:4326")


def _faces(fig):
    return [to_hex(c) for c in fig.axes[0].collections[0].get_facecolor()]


def test_categorical_colours_follow_the_given_mapping_and_no_data_is_grey():
    t = contract_frame(6, seed=2)
    codes = sorted(t.kode_desa) + ["65.99.99.2999"]               # one village without a cooperative
    cols = segment_colors(3)
    names = {1: "Potensi tinggi", 2: "Potensi sedang", 3: "Potensi rendah"}
    t["segment_name"] = [names[1 + i % 3] for i in range(len(t))]
    colors = {names[s]: c for s, c in cols.items()}
    fig = plot_segment_map(X.map_values(t, "segment_name"), boundaries=_grid(codes), colors=colors,
                           order=list(names.values()))
    want = [colors[s] for s in t.sort_values("kode_desa").segment_name] + [NO_DATA_COLOR.lower()]
    assert _faces(fig) == want
    legend = [x.get_text() for x in fig.legends[0].get_texts()]
    assert legend == list(names.values()) + ["Tanpa koperasi / tanpa data"]


def test_index_scale_is_0_to_100_not_the_data_range():
    t = contract_frame(20, seed=3).assign(index=lambda d: np.linspace(34, 68, len(d)))
    v = X.map_values(t, "index", level="kabkota")
    fig = plot_index_map(v)
    cbar = fig.axes[-1]
    assert cbar.get_ylim() == (0.0, 100.0)
    with pytest.raises(ValueError, match="bounds"):
        plot_map(v.assign(value=v.value * 1000), categorical=False)


def test_real_geometry_has_scale_bar_north_arrow_and_kabupaten_names():
    t = contract_frame(8, seed=4)
    kab_codes = sorted(t.kode_kabkota.unique())
    kab = _grid(kab_codes, names=[f"Kabupaten K{i}" for i in range(len(kab_codes))])
    v = X.map_values(t.assign(index=50.0), "index", level="kabkota")
    fig = plot_index_map(v, boundaries=kab, kabupaten=kab, lang="id")
    txt = _texts(fig)
    assert "Kab. K0" in txt and " km" in txt and "U" in [x.get_text() for x in fig.axes[0].texts]
    assert fig.axes[0].get_xlabel() == "" and "degree" not in txt
    assert scale_bar_km(3.4, 2.8) == 50 and scale_bar_km(0.3, 2.8) == 5


def test_building_a_map_does_not_draw_it(monkeypatch):
    """geopandas' ``plot`` asks the canvas to draw the figure (twice per map: the villages and the
    kabupaten outlines); the package's canvas does not, as a figure is drawn when it is saved. (A map
    with a legend inside is drawn once more, without rendering, to place the legend.)"""
    draws = []
    original = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: draws.append(1) or original(self, renderer))
    t = contract_frame(8, seed=4)
    kab = _grid(sorted(t.kode_kabkota.unique()))
    plot_index_map(X.map_values(t.assign(index=50.0), "index", level="kabkota"), boundaries=kab, kabupaten=kab)
    assert draws == []


def test_continuous_map_colours_are_the_colour_scale_of_each_value():
    t = contract_frame(8, seed=4)
    kab = _grid(sorted(t.kode_kabkota.unique()))
    v = X.map_values(t.assign(index=50.0), "index", level="kabkota").sort_values("kode")
    v["value"] = np.linspace(0, 100, len(v))
    v.loc[v.index[1], "value"] = np.nan
    fig = plot_index_map(v, boundaries=kab, kabupaten=kab)
    from matplotlib import colormaps

    faces = [to_hex(c) for c in fig.axes[0].collections[0].get_facecolor()]
    expect = [to_hex(NO_DATA_COLOR) if np.isnan(x) else to_hex(colormaps["viridis"](x / 100)) for x in v["value"]]
    assert faces == expect


def test_idm_legend_is_in_official_order_with_sequential_colours():
    t = contract_frame(40, seed=5)
    t["idm_status"] = (["MANDIRI", "BERKEMBANG", "SANGAT TERTINGGAL", "MAJU", "TERTINGGAL"] * 8)[: len(t)]
    fig = plot_idm_status_map(X.map_values(t, "idm_status"))
    legend = [x.get_text() for x in fig.legends[0].get_texts()]
    assert legend == ["Sangat Tertinggal", "Tertinggal", "Berkembang", "Maju", "Mandiri"]
    lum = [np.dot(np.array([int(c[i:i + 2], 16) for i in (1, 3, 5)]), [0.299, 0.587, 0.114])
           for c in idm_status_colors().values()]
    assert lum == sorted(lum, reverse=True)                       # light → dark in order


def test_schematic_when_no_boundaries_says_so_and_shows_n():
    t = contract_frame(60, seed=6)
    t["segment_name"] = "Potensi tinggi"
    fig = plot_segment_map(X.map_values(t, "segment_name"), colors={"Potensi tinggi": "#123456"},
                           order=["Potensi tinggi"])
    assert "Skema (bukan peta)" in _texts(fig) and "(n = " in _texts(fig)
    assert len(fig.axes[0].collections[0].get_paths()) == t.kode_desa.nunique()


def test_readiness_maps_use_verdict_colours_and_shares_in_percent():
    t = contract_frame(10, seed=7)
    t["verdict"] = (["ready", "provisional", "not_ready", "nearly_ready", "not_assessable"] * 2)
    fig = plot_readiness_map(X.map_values(t, "verdict"), partner="bulog", boundaries=_grid(sorted(t.kode_desa)),
                             lang="en")
    exp = [VERDICT_COLORS[v].lower() for v in t.sort_values("kode_desa").verdict]
    assert _faces(fig) == exp and "Bulog" in _texts(fig) and "Provisionally ready" in _texts(fig)
    by = pd.DataFrame({"kode_kabkota": ["65.01", "65.01"], "partner": ["bulog"] * 2, "verdict": ["ready", "not_ready"],
                       "n": [1, 3], "share": [0.25, 0.75]})
    f2 = plot_readiness_share_map(X.share_map_values(by, partner="bulog"), partner="bulog")
    assert "25 %" in _texts(f2) and "(n = 4)" in _texts(f2)
    cbar_labels = [x.get_text() for x in f2.axes[-1].get_yticklabels()]
    assert cbar_labels[0] == "0 %" and cbar_labels[-1] == "100 %"


def test_odds_ratio_plot_and_empty_model():
    tab = pd.DataFrame({"outcome_level": ["B vs A"] * 2 + ["C vs A"] * 2, "term": ["idm", "population"] * 2,
                        "odds_ratio": [1.5, 0.8, 1.1, 2.0], "or_low": [1.1, 0.6, 0.9, 1.5], "or_high": [2.0, 1.0, 1.3, 2.6]})
    fig = plot_odds_ratios(tab, lang="en")
    assert len(fig.axes) == 2 and fig.axes[0].get_xscale() == "log"
    assert np.allclose(fig.axes[1].lines[0].get_xdata(), [1.1, 2.0])
    assert "Nilai IDM" in _texts(plot_odds_ratios(tab))
    assert "Model not estimated" in _texts(plot_odds_ratios(tab.iloc[:0], lang="en"))


@pytest.mark.realdata
def test_real_boundaries_map_every_village(shared_kaltara):
    from kaltara_study.data.sources import read_boundaries

    desa = read_boundaries(shared_kaltara / "kaltara_boundaries_desa_kelurahan.geojson", "desa")
    kab = read_boundaries(shared_kaltara / "kaltara_boundaries_kabkota.geojson", "kabkota")
    idm = pd.read_csv(shared_kaltara / "idm_kaltara_2024_desa.csv")
    v = pd.DataFrame({"kode": idm["kode"], "value": idm["status_idm"]})
    fig = plot_idm_status_map(v, boundaries=desa, kabupaten=kab)
    faces = _faces(fig)
    assert len(faces) == 482 and sum(f == NO_DATA_COLOR.lower() for f in faces) == 35      # the kelurahan
    assert all(f"{n.replace('Kabupaten ', 'Kab. ')}" in _texts(fig) for n in kab.nama)


def _l_shape():
    """Twelve village squares in an L (the lower-right 2 × 2 of a 4 × 4 grid is empty sea), in two
    kabupaten."""
    import geopandas as gpd
    from shapely.geometry import box

    cells = [(i, j) for i in range(4) for j in range(4) if not (i >= 2 and j < 2)]
    codes = [f"65.0{1 + (i >= 2)}.01.20{10 * i + j:02d}" for i, j in cells]
    return gpd.GeoDataFrame({"kode": codes}, geometry=[box(116 + 0.3 * i, 2 + 0.3 * j, 116.3 + 0.3 * i, 2.3 + 0.3 * j)
                                                        for i, j in cells], crs="EPSG:4326")


def _legend_in_data(fig, lg):
    from shapely.geometry import box

    fig.draw_without_rendering()
    ax = fig.axes[0]
    b = lg.get_window_extent(fig.canvas.get_renderer())
    (x0, y0), (x1, y1) = ax.transData.inverted().transform([[b.x0, b.y0], [b.x1, b.y1]])
    return b, box(x0, y0, x1, y1)


def test_map_legend_sits_in_the_maps_empty_area_over_no_land():
    import shapely

    desa = _l_shape()
    v = pd.DataFrame({"kode": desa.kode, "value": ["Tinggi", "Rendah"] * 6})
    fig = plot_map(v, boundaries=desa, categorical=True, order=["Tinggi", "Rendah"], legend_title="Tipe")
    lg = fig.legends[0]
    b, in_data = _legend_in_data(fig, lg)
    ax = fig.axes[0].get_window_extent()
    assert ax.x0 <= b.x0 and b.x1 <= ax.x1 and ax.y0 <= b.y0 and b.y1 <= ax.y1        # inside the map
    assert shapely.unary_union(desa.geometry).intersection(in_data).area == 0        # over no village
    r = fig.canvas.get_renderer()
    assert not any(b.overlaps(t.get_window_extent(r)) for t in fig.axes[0].texts)     # nor the scale bar or arrow
    # a continuous map: the no-data key goes there too, the colour bar says its range
    v2 = pd.DataFrame({"kode": desa.kode[:-1], "value": np.linspace(0, 5, len(desa) - 1)})
    f2 = plot_map(v2, boundaries=desa, categorical=False, vmin=0, vmax=5, legend_title="Akses pasar")
    _, in_data2 = _legend_in_data(f2, f2.legends[0])
    assert shapely.unary_union(desa.geometry).intersection(in_data2).area == 0
    cbar = f2.axes[-1]
    assert cbar.get_ylabel() == "Akses pasar (0–5)"
    assert [t.get_text() for t in cbar.get_yticklabels()] == ["0", "1", "2", "3", "4", "5"]


def test_map_legend_goes_outside_when_the_map_has_no_empty_area():
    t = contract_frame(6, seed=2)
    codes = sorted(t.kode_desa)
    v = pd.DataFrame({"kode": codes, "value": ["A", "B"] * 3})
    full = _grid(codes)                                            # a strip of squares: no room inside
    fig = plot_map(v, boundaries=full, categorical=True, order=["A", "B"])
    assert fig.legends[0]._outside_loc == "right"
    fig.draw_without_rendering()
    r = fig.canvas.get_renderer()
    assert fig.legends[0].get_window_extent(r).x1 <= fig.bbox.x1 + 1    # widened: the legend fits the canvas
