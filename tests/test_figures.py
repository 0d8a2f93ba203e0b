"""Figure style (issue 14): the synthetic mark never collides, one colour per segment, ordinal
palettes in order, Indonesian tick numbers, no code names reach a figure."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from kaltara_study import explore as X
from kaltara_study.report.figures import (
    VERDICT_COLORS,
    VERDICT_ORDER,
    mark_synthetic,
    new_figure,
    ordinal_colors,
    segment_colors,
)
from kaltara_study.report.figures import explore as E
from kaltara_study.report.figures import maps as M
from kaltara_study.report.figures import segments as S
from kaltara_study.report.format import scan_for_untranslated

from conftest import analysis


@pytest.fixture(scope="module")
def data():
    return analysis("synthetic")


def _draw(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60, bbox_inches="tight")
    return fig.canvas.get_renderer()


def _text_artists(fig):
    return [t for t in fig.findobj(lambda o: hasattr(o, "get_window_extent") and hasattr(o, "get_text"))
            if t.get_visible() and t.get_text().strip()]


def _figures(data):
    t = data.table.assign(index=np.linspace(0, 100, len(data.table)))
    return {
        "counts": E.plot_counts_by_kabupaten(X.counts_by_kabupaten(t, villages=data.villages)),
        "missing": E.plot_missingness(X.missingness_table(t)),
        "registry": E.plot_registry_readiness(X.registry_readiness_table(t)),
        "dist": E.plot_distributions(X.distribution_table(t)),
        "corr": E.plot_correlations(X.correlation_table(t)),
        "idm_map": M.plot_idm_status_map(X.map_values(t, "idm_status")),
        "index_kab": M.plot_index_map(X.map_values(t, "index", level="kabkota")),
        "bottom_legend": _bottom_legend_figure(),
        "readiness_by_kab": _readiness_by_kab(),
    }


def _readiness_by_kab():
    from kaltara_study.report.figures.readiness import plot_readiness_by_kabupaten

    by = pd.DataFrame([(k, p, v, 1, 0.25) for k in ("Kabupaten Bulungan", "Kota Tarakan")
                       for p in ("bulog", "bank") for v in ("ready", "nearly_ready", "not_ready", "not_assessable")],
                      columns=["nama_kabkota", "partner", "verdict", "n", "share"])
    return plot_readiness_by_kabupaten(by)


def _bottom_legend_figure():
    fig, ax = new_figure(figsize=(5, 3))
    ax.plot([0, 1], [0, 1], label="Garis pertama yang cukup panjang")
    ax.plot([0, 1], [1, 0], label="Garis kedua yang juga panjang")
    ax.set_title("Judul")
    fig.legend(loc="outside lower center", ncols=2)                   # a foreign figure: legend at the bottom
    return fig


def test_synthetic_mark_overlaps_no_other_text(data):
    for name, fig in _figures(data).items():
        mark_synthetic(fig)
        mark_synthetic(fig)                                              # idempotent
        fig.savefig(io.BytesIO(), format="png", dpi=60)                  # a plain save, as data.write.save_figure does
        fig.draw_without_rendering()                                     # measure everything at one dpi
        r = fig.canvas.get_renderer()
        texts = _text_artists(fig)
        marks = [t for t in texts if t.get_text().startswith("DATA SINTETIS")]
        assert len(marks) == 1, name
        box = marks[0].get_window_extent(r)
        patch = marks[0].get_bbox_patch().get_window_extent(r)
        assert fig.bbox.x0 <= patch.x0 and patch.x1 <= fig.bbox.x1 and fig.bbox.y0 <= patch.y0, name   # not cut off
        for t in texts:
            if t is marks[0]:
                continue
            other = t.get_window_extent(r)
            assert not box.overlaps(other) and not patch.overlaps(other), (name, t.get_text())


def test_segment_colours_are_fixed_and_ordinal():
    c4 = segment_colors(4)
    assert list(c4) == [1, 2, 3, 4] and len(set(c4.values())) == 4
    assert segment_colors(4) == c4                                      # the same everywhere, every time
    lum = [np.dot([int(c[i:i + 2], 16) for i in (1, 3, 5)], [0.299, 0.587, 0.114]) for c in ordinal_colors(5)]
    assert lum == sorted(lum, reverse=True)
    assert set(VERDICT_ORDER) == set(VERDICT_COLORS)


def test_segment_figures_and_maps_share_the_segment_colours():
    sil = pd.DataFrame({"segment": [1, 1, 2, 2, 3, 3], "silhouette": [0.5, 0.4, 0.3, 0.2, 0.6, 0.1]})
    fig = S.plot_silhouette(sil, names={1: "Potensi tinggi", 2: "Potensi sedang", 3: "Potensi rendah"})
    fills = [to_hex(c.get_facecolor()[0]) for c in fig.axes[0].collections]
    assert fills == [segment_colors(3)[s] for s in (1, 2, 3)]
    comp = pd.DataFrame({"nama_kabkota": ["A", "A", "B"], "segment": [1, 3, 2], "n": [2, 1, 4]})
    fig2 = S.plot_segment_by_kabupaten(comp)
    bars = [to_hex(b.get_facecolor()) for c in fig2.axes[0].containers for b in c[:1]]
    assert bars == [segment_colors(3)[s] for s in (1, 2, 3)]
    ticks = [x.get_text() for x in fig2.axes[0].get_xticklabels()]
    assert ticks[-1] == "100 %" and "(n = 3)" in fig2.axes[0].get_yticklabels()[0].get_text()


def test_k_selection_legend_uses_readable_algorithm_names():
    ks = pd.DataFrame({"algorithm": ["kmeans"] * 3 + ["ward"] * 3, "k": [2, 3, 4] * 2,
                       **{c: np.arange(6, dtype=float) for c in ("silhouette", "calinski_harabasz", "davies_bouldin",
                                                                  "dunn", "wss")}})
    fig = S.plot_k_selection(ks, k=3)
    holders = [ax for ax in fig.axes if ax.get_legend() is not None]
    assert len(holders) == 1 and not holders[0].lines            # in the empty sixth panel, over no data
    legend = [t.get_text() for t in holders[0].get_legend().get_texts()]
    assert legend == ["k-means", "Ward (hierarkis)", "k terpilih (k = 3)"]   # the dotted line is explained


def test_indonesian_ticks_use_decimal_commas(data):
    fig = E.plot_distributions(X.distribution_table(data.table, columns=["debt_ratio"]))
    _draw(fig)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert any("," in t for t in ticks) and not any("." in t for t in ticks)
    fig_en = E.plot_distributions(X.distribution_table(data.table, columns=["debt_ratio"]), lang="en")
    _draw(fig_en)
    assert any("." in t.get_text() for t in fig_en.axes[0].get_xticklabels())


def test_tick_numbers_group_thousands_as_the_tables_do():
    """A Calinski–Harabasz axis read 2750 in the figure and 2.750 in the table beside it."""
    from kaltara_study.report.figures import localise, new_figure
    from kaltara_study.report.format import formatter

    for lang in ("id", "en"):
        fig, ax = new_figure()
        ax.plot([0, 1], [750, 12500])
        localise(fig, lang)
        _draw(fig)
        ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        want = formatter(lang).integer(10000)
        assert want in ticks, (lang, ticks)
        xt = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
        assert formatter(lang).number(0.2, 1) in xt, (lang, xt)   # decimals keep the language's mark


@pytest.fixture(scope="module")
def drawn_figures(data):
    """The figures of :func:`_figures`, drawn once without rendering (every text, tick labels
    included, is then final and measurable); for the checks that only read them."""
    figures = _figures(data)
    for fig in figures.values():
        fig.draw_without_rendering()
    return figures


def test_no_code_names_or_english_in_indonesian_figures(drawn_figures):
    for name, fig in drawn_figures.items():
        text = " ".join(t.get_text() for t in _text_artists(fig))
        assert scan_for_untranslated(text, lang="id") == [], name


def test_new_figure_can_be_drawn_without_pyplot():
    fig, ax = new_figure()
    ax.plot([0, 1], [0, 1])
    assert _draw(fig) is not None


def _more_figures():
    from kaltara_study.report.figures import index as I

    fw = pd.DataFrame({"group": ["a", "a", "b"], "group_label_id": ["Kelompok A", "Kelompok A", "Kelompok B"],
                       "indicator": ["x1", "x2", "x3"], "label_id": ["Satu", "Dua", "Tiga"],
                       "direction": ["+", "+", "+"], "effective_weight": [0.25, 0.25, 0.5], "used": [True, True, False]})
    corr = pd.DataFrame([[1.0, -0.04], [-0.04, 1.0]], index=["x1", "x2"], columns=["x1", "x2"])
    prof = pd.DataFrame({"segment": [1, 1, 2, 2], "variable": ["a", "b"] * 2, "z_median": [0.4, 1.1, -0.3, -0.2],
                         "segment_name": ["Tipe 1: nama yang sangat panjang sekali untuk satu baris"] * 2
                         + ["Tipe 2: pendek"] * 2})
    stab = pd.DataFrame({"segment": [1, 2], "segment_name": ["Tipe 1: nama yang cukup panjang untuk dibungkus", "B"],
                         "mean_jaccard": [0.9, 0.55], "size": [125, 322]})
    return {"framework": I.plot_framework(fw), "corr_index": I.plot_correlation_heatmap(corr, framework=fw),
            "profiles": S.plot_profiles_heatmap(prof), "stability": S.plot_stability(stab)}


def test_no_text_outside_the_canvas(drawn_figures):
    """Every text of every figure lies inside the figure as laid out (no clipped titles, legends or
    tick labels, also where the figure is shown without a tight crop)."""
    more = _more_figures()
    for fig in more.values():
        fig.draw_without_rendering()
    figures = {k: f for k, f in drawn_figures.items() if k != "bottom_legend"}   # (a foreign figure)
    for name, fig in {**figures, **more}.items():
        drawn = fig.get_tightbbox(fig.canvas.get_renderer())        # everything drawn, in inches
        w, h = fig.get_size_inches()
        assert drawn.x0 >= -0.01 and drawn.y0 >= -0.01 and drawn.x1 <= w + 0.01 and drawn.y1 <= h + 0.01, \
            (name, drawn.bounds, (w, h))


def test_heatmap_cell_values_stay_inside_their_axes_and_out_of_the_layout(data):
    """A heatmap's cell values sit inside the axes, so the layout does not measure them (190 of them
    in the correlation heatmap: a fifth of its layout time); each one must then lie inside its axes."""
    from kaltara_study.report.figures import readiness as R

    matrix = pd.DataFrame({"bulog": [0.5, 0.2], "bank": [0.1, 0.9], "n": [10, 20]}, index=["Tipe 1", "Tipe 2"])
    tab = pd.DataFrame([(c, p, v) for c, v in (("legal_entity", 1.0), ("business_plan", 0.25))
                        for p in ("bulog", "bank")], columns=["criterion", "partner", "share_assessed"])
    t = data.table
    figures = {"corr": E.plot_correlations(X.correlation_table(t)), **_more_figures(),
               "matrix": R.plot_readiness_matrix(matrix),
               "assessability": R.plot_assessability(tab)}
    unlaid = {}
    for name, fig in figures.items():
        fig.draw_without_rendering()
        r = fig.canvas.get_renderer()
        for ax in fig.axes:
            box = ax.get_window_extent(r)
            for t in ax.texts:
                if not t.get_in_layout() and t.get_visible() and t.get_text().strip():
                    unlaid[name] = unlaid.get(name, 0) + 1
                    e = t.get_window_extent(r)
                    assert box.x0 <= e.x0 and e.x1 <= box.x1 and box.y0 <= e.y0 and e.y1 <= box.y1, \
                        (name, t.get_text())
    assert {"corr", "corr_index", "profiles", "matrix", "assessability"} <= set(unlaid), unlaid


def test_heatmaps_write_indonesian_numbers_on_a_fixed_scale():
    figs = _more_figures()
    cells = [t.get_text() for t in figs["corr_index"].axes[0].texts]
    assert cells == ["−0,0"] or cells == ["0,0"]          # decimal comma, not "-0.0"; each pair once
    assert all("." not in c for c in cells)
    assert "Tiga" in figs["corr_index"]._supxlabel.get_text()                # the dropped indicator is named
    im = figs["profiles"].axes[0].images[0]
    assert im.get_clim() == (-2.0, 2.0)                                      # ± 2 SD, not the data's extremes
    ticks = [t.get_text() for t in figs["profiles"].axes[0].get_yticklabels()]
    assert all(len(line) <= 28 for t in ticks for line in t.split("\n"))


def test_correlation_heatmap_shows_each_pair_once_below_the_diagonal():
    from kaltara_study.report.figures import index as I

    r = np.array([[1.0, 0.12, -0.34], [0.12, 1.0, 0.56], [-0.34, 0.56, 1.0]])
    fig = I.plot_correlation_heatmap(pd.DataFrame(r, index=list("abc"), columns=list("abc")), lang="en")
    ax = fig.axes[0]
    assert [(t.get_position(), t.get_text()) for t in ax.texts] == \
        [((0, 1), "0.1"), ((0, 2), "−0.3"), ((1, 2), "0.6")]               # (column, row): lower triangle
    shown = ax.images[0].get_array()
    assert shown.mask.tolist() == np.triu(np.ones((3, 3), bool), 1).tolist()  # the upper triangle is blank
    assert shown[2, 0] == pytest.approx(-0.34)


def test_framework_legend_explains_only_what_the_bars_show():
    fig = _more_figures()["framework"]
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["Kelompok A", "Kelompok B", "Tidak dipakai (dikeluarkan)"]   # no hatch entry: none is negative


def test_stability_names_the_hennig_bands_and_keeps_n_whole():
    fig = _more_figures()["stability"]
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert all("(n = " in t for t in ticks) and not any(line.startswith("= ") for t in ticks for line in t.split("\n"))
    top = [t.get_text().replace("\n", " ") for t in fig.axes[0].child_axes[0].get_xticklabels()]
    assert "Sangat stabil" in top and "Stabil" in top


def test_kabupaten_box_plot_keeps_a_kabupaten_without_values():
    from kaltara_study.report.figures import index as I

    sc = pd.DataFrame({"nama_kabkota": ["Kabupaten Bulungan"] * 6 + ["Kota Tarakan"] * 3,
                       "context": [40.0, 50, 55, 60, 70, 80] + [np.nan] * 3})
    fig = I.plot_index_by_kabupaten(sc, column="context")
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == ["Kab. Bulungan (n = 6)", "Kota Tarakan (n = 0)"]          # short names, A→Z, n shown
    assert [t.get_text() for t in fig.axes[0].texts] == ["Tidak ada data"]
    assert fig.axes[0].get_xlabel().endswith("(0–100)")
