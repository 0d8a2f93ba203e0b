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
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["k-means", "Ward (hierarkis)"]


def test_indonesian_ticks_use_decimal_commas(data):
    fig = E.plot_distributions(X.distribution_table(data.table, columns=["debt_ratio"]))
    _draw(fig)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert any("," in t for t in ticks) and not any("." in t for t in ticks)
    fig_en = E.plot_distributions(X.distribution_table(data.table, columns=["debt_ratio"]), lang="en")
    _draw(fig_en)
    assert any("." in t.get_text() for t in fig_en.axes[0].get_xticklabels())


def test_no_code_names_or_english_in_indonesian_figures(data):
    for name, fig in _figures(data).items():
        _draw(fig)
        text = " ".join(t.get_text() for t in _text_artists(fig))
        assert scan_for_untranslated(text, lang="id") == [], name


def test_new_figure_can_be_drawn_without_pyplot():
    fig, ax = new_figure()
    ax.plot([0, 1], [0, 1])
    assert _draw(fig) is not None
