"""Figures of the segmentation: k-selection panel, silhouette plot, PCA biplot, stability,
profiles heatmap and segment × kabupaten composition.

Every function takes parts of :class:`kaltara_study.segmentation.segment.SegmentationResult`, builds a Figure with
:func:`kaltara_study.report.figures.new_figure` and returns it; nothing is saved. Indonesian labels by
default, English with ``lang="en"``.

>>> res = segment(table, seed=20251)                          # doctest: +SKIP
>>> fig = plot_k_selection(res.k_selection, res.gap, k=res.k)  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from kaltara_study.report.figures import DIVERGING_CMAP, PALETTE, localised, new_figure, segment_colors
from kaltara_study.report.format import formatter
from kaltara_study.report.labels import algorithm_label, label

__all__ = ["plot_k_selection", "plot_silhouette", "plot_biplot", "plot_stability",
           "plot_profiles_heatmap", "plot_segment_by_kabupaten"]


def _seg_colours(segments) -> dict[int, str]:
    """The fixed segment colours (:func:`kaltara_study.report.figures.segment_colors`) for the
    segments present (k = the largest segment number)."""
    k = int(max(segments)) if len(segments) else 1
    return segment_colors(k)


@localised
def plot_k_selection(k_selection: pd.DataFrame, gap: pd.DataFrame | None = None, *,
                     k: int | None = None, lang: str = "id", gate: float | None = None) -> Figure:
    """Panels over k, one line per algorithm, for the criteria ``k_selection`` has: silhouette,
    Calinski–Harabasz, Davies–Bouldin, Dunn, WSS, the smallest per-segment bootstrap Jaccard
    (``min_jaccard``, with the stability ``gate`` as a dashed line) and the gap (± SE.sim) or the
    BIC of each mixture. The chosen ``k`` is marked."""
    panels = [(c, key) for c, key in (("bic", "seg_bic"), ("min_jaccard", "seg_min_jaccard"),
                                      ("silhouette", "seg_mean_silhouette"), ("calinski_harabasz", "seg_ch"),
                                      ("davies_bouldin", "seg_db"), ("dunn", "seg_dunn"), ("wss", "seg_wss"))
              if c in k_selection.columns and k_selection[c].notna().any()]
    if gap is not None:
        panels.append(("gap", "seg_gap"))
    ncols = 3 if len(panels) > 4 else max(len(panels), 1)
    nrows = int(np.ceil(len(panels) / ncols)) or 1
    fig, axes = new_figure(figsize=(3.7 * ncols, 3.2 * nrows + 0.3), nrows=nrows, ncols=ncols, squeeze=False)
    axes = axes.ravel()
    algs = list(dict.fromkeys(k_selection["algorithm"]))
    colours = {a: PALETTE[i % len(PALETTE)] for i, a in enumerate(algs)}
    for ax, (col, key) in zip(axes, panels):
        if col == "gap":
            _ = ax.errorbar(gap["k"], gap["gap"], yerr=gap["SE.sim"], marker="o", ms=3, capsize=2,
                            color=PALETTE[0])
        else:
            for alg, t in k_selection.groupby("algorithm", sort=False):
                t = t.dropna(subset=[col])
                if len(t):
                    _ = ax.plot(t["k"], t[col], marker="o", ms=3, color=colours[alg],
                                label=algorithm_label(alg, lang=lang))
            if col == "min_jaccard" and gate is not None:
                ax.axhline(gate, color="black", ls="--", lw=1)
                ax.set_ylim(0, 1.02)
        ax.set_title(label(key, lang=lang), fontsize=10)
        ax.set_xlabel(label("seg_k", lang=lang))
        if k is not None and k > 1:
            ax.axvline(k, color="grey", ls=":", lw=1)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    handles = [Line2D([], [], color=colours[a], marker="o", ms=3, label=algorithm_label(a, lang=lang))
               for a in algs]
    axes[0].legend(handles=handles, fontsize=7)
    fig.suptitle(label("seg_kselect_title", lang=lang))
    return fig


@localised
def plot_silhouette(silhouette: pd.DataFrame, *, names: dict[int, str] | None = None,
                    lang: str = "id") -> Figure:
    """Classic silhouette plot: per segment, widths sorted, the mean as a dashed line."""
    fig, ax = new_figure(figsize=(7, 5))
    y0 = 0
    cols = _seg_colours(silhouette["segment"].unique())
    for s, t in silhouette.groupby("segment", sort=True):
        v = np.sort(t["silhouette"].to_numpy())
        _ = ax.fill_betweenx(np.arange(y0, y0 + len(v)), 0, v, color=cols[int(s)], alpha=0.9,
                             label=(names or {}).get(s, str(s)))
        y0 += len(v) + 5
    ax.axvline(float(silhouette["silhouette"].mean()), color="black", ls="--", lw=1)
    ax.set_yticks([])
    ax.set_xlabel(label("seg_silhouette", lang=lang))
    ax.set_ylabel(label("seg_cooperatives", lang=lang))
    ax.set_title(label("seg_silhouette_title", lang=lang))
    ax.legend(fontsize=8, loc="lower right")
    return fig


@localised
def plot_biplot(pca: dict[str, pd.DataFrame], *, names: dict[int, str] | None = None,
                lang: str = "id", n_arrows: int = 8) -> Figure:
    """Cooperatives on PC1/PC2 coloured by segment, with the loadings of the strongest features."""
    sc, load = pca["scores"], pca["loadings"]
    var = pca["variance"]["share"]
    fig, ax = new_figure(figsize=(7.5, 6))
    cols = _seg_colours(sc["segment"].unique())
    for s, t in sc.groupby("segment", sort=True):
        _ = ax.scatter(t["PC1"], t["PC2"], s=10, alpha=0.8, color=cols[int(s)],
                       label=(names or {}).get(s, str(s)))
    scale = 0.8 * float(np.abs(sc[["PC1", "PC2"]]).max().max()) / max(float(np.abs(load).max().max()), 1e-9)
    strength = (load ** 2).sum(axis=1).sort_values(ascending=False).index[:n_arrows]
    for f in strength:
        x, y = load.loc[f, "PC1"] * scale, load.loc[f, "PC2"] * scale
        _ = ax.annotate("", xy=(x, y), xytext=(0, 0), arrowprops={"arrowstyle": "->", "color": "grey"})
        _ = ax.text(x * 1.05, y * 1.05, label(str(f), lang=lang), fontsize=7, color="dimgrey")
    fmt = formatter(lang)
    pc = label("seg_pc", lang=lang)
    ax.set_xlabel(f"{pc} 1 ({fmt.percent(var.iloc[0])})")
    ax.set_ylabel(f"{pc} 2 ({fmt.percent(var.iloc[1])})" if len(var) > 1 else f"{pc} 2")
    ax.set_title(label("seg_biplot_title", lang=lang))
    ax.legend(fontsize=8)
    return fig


@localised
def plot_stability(stability: pd.DataFrame, *, lang: str = "id") -> Figure:
    """Mean bootstrap Jaccard per segment with Hennig's thresholds (0.5, 0.6, 0.75, 0.85)."""
    fig, ax = new_figure(figsize=(7, 3.5))
    y = np.arange(len(stability))
    cols = _seg_colours(stability["segment"].unique())
    _ = ax.barh(y, stability["mean_jaccard"], color=[cols[int(s)] for s in stability["segment"]])
    for x in (0.5, 0.6, 0.75, 0.85):
        ax.axvline(x, color="grey", ls=":", lw=1)
    sizes = stability["size"] if "size" in stability.columns else None
    ax.set_yticks(y, [f"{nm} (n = {int(n)})" if sizes is not None else str(nm)
                      for nm, n in zip(stability["segment_name"], sizes if sizes is not None else y, strict=True)])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(label("seg_jaccard", lang=lang))
    ax.set_title(label("seg_stability_title", lang=lang))
    return fig


@localised
def plot_profiles_heatmap(profiles: pd.DataFrame, *, lang: str = "id") -> Figure:
    """Segments (rows) × variables (columns): median z-score, annotated, diverging colours."""
    M = profiles.pivot_table(index="segment", columns="variable", values="z_median", sort=False)
    M = M.sort_index()
    names = profiles.drop_duplicates("segment").set_index("segment")
    fig, ax = new_figure(figsize=(max(6, 0.6 * M.shape[1] + 2.5), 0.6 * M.shape[0] + 2.2))
    lim = max(float(np.nanmax(np.abs(M.to_numpy()))), 0.5)
    im = ax.imshow(M.to_numpy(), cmap=DIVERGING_CMAP, vmin=-lim, vmax=lim, aspect="auto")
    for i in range(M.shape[0]):
        for j in range(M.shape[1]):
            v = M.iat[i, j]
            if np.isfinite(v):
                _ = ax.text(j, i, formatter(lang).number(v, 1), ha="center", va="center", fontsize=7,
                            color="white" if abs(v) > 0.6 * lim else "black")
    ax.set_xticks(range(M.shape[1]), [label(str(c), lang=lang) for c in M.columns], rotation=60, ha="right", fontsize=8)
    ylab = names["segment_name"].reindex(M.index) if "segment_name" in names else M.index
    ax.set_yticks(range(M.shape[0]), ylab)
    ax.grid(False)
    fig.colorbar(im, ax=ax, shrink=0.8, label=label("seg_z_median", lang=lang))
    ax.set_title(label("seg_profile_title", lang=lang))
    return fig


@localised
def plot_segment_by_kabupaten(composition: pd.DataFrame, *, by: str = "nama_kabkota",
                              lang: str = "id") -> Figure:
    """Stacked bars: for each kabupaten/kota, the share of its cooperatives in each segment."""
    t = composition.pivot_table(index=by, columns="segment", values="n", aggfunc="sum", fill_value=0)
    share = t.div(t.sum(axis=1), axis=0)
    names = composition.drop_duplicates("segment").set_index("segment").get("segment_name")
    fig, ax = new_figure(figsize=(8, 0.45 * len(share) + 1.8))
    left = np.zeros(len(share))
    cols = _seg_colours(list(share.columns))
    for s in share.columns:
        _ = ax.barh(range(len(share)), share[s], left=left, color=cols[int(s)],
                    label=names.get(s, str(s)) if names is not None else str(s))
        left += share[s].to_numpy()
    n = t.sum(axis=1)
    ax.set_yticks(range(len(share)), [f"{str(g).replace('Kabupaten ', 'Kab. ')} (n = {int(n[g])})" for g in share.index])
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], [formatter(lang).percent(x) for x in (0, 0.25, 0.5, 0.75, 1)])
    ax.invert_yaxis()
    ax.set_xlabel(label("seg_share", lang=lang))
    ax.set_title(label("seg_kabupaten_title", lang=lang))
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig
