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

from kaltara_study.report.figures import (DIVERGING_CMAP, PALETTE, cell_value, localised, new_figure, segment_colors,
                                          short_kabupaten, wrap)
from kaltara_study.report.format import formatter
from kaltara_study.report.labels import algorithm_label, label, stability_label

#: Median z-scores are drawn on this fixed symmetric scale (± SD), whatever the data's extremes.
Z_LIMIT = 2.0
#: Hennig's (2007) reading of a mean bootstrap Jaccard: band edges and readings.
HENNIG_BANDS = ((0.0, 0.5, "dissolved"), (0.5, 0.6, "unstable"), (0.6, 0.75, "pattern"), (0.75, 0.85, "stable"),
                (0.85, 1.0, "highly stable"))


def _with_n(name, n, fmt, width: int = 30) -> str:
    """``name`` wrapped to ``width`` with ``(n = …)`` kept whole on its last line (or the next)."""
    lines = wrap(str(name), width).split("\n")
    if n is None:
        return "\n".join(lines)
    tail = f"(n = {fmt.integer(n)})"
    if len(lines[-1]) + 1 + len(tail) <= width + 4:
        lines[-1] += " " + tail
    else:
        lines.append(tail)
    return "\n".join(lines)


def _text_colour(hex_colour: str) -> str:
    """Black or white, whichever reads on ``hex_colour``."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "white"

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
    ks = pd.to_numeric(k_selection["k"], errors="coerce").dropna()
    if gap is not None and len(gap):
        ks = pd.concat([ks, pd.to_numeric(gap["k"], errors="coerce").dropna()])
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
        if len(ks):                                     # one k axis for every panel
            ax.set_xlim(float(ks.min()) - 0.3, float(ks.max()) + 0.3)
            ax.set_xticks(range(int(ks.min()), int(ks.max()) + 1))
        if k is not None and k > 1:
            ax.axvline(k, color="grey", ls=":", lw=1)
    handles = [Line2D([], [], color=colours[a], marker="o", ms=3, label=algorithm_label(a, lang=lang))
               for a in algs]
    if k is not None and k > 1:
        handles.append(Line2D([], [], color="grey", ls=":", lw=1, label=label("seg_chosen_k", lang=lang, k=k)))
    if gate is not None and "min_jaccard" in dict(panels):
        handles.append(Line2D([], [], color="black", ls="--", lw=1, label=label("seg_jaccard_gate", lang=lang)))
    free = axes[len(panels):]
    for ax in free:
        ax.set_visible(False)
    if len(free):                                       # the legend takes an empty panel, not a data one
        free[0].set_visible(True)
        free[0].set_axis_off()
        free[0].legend(handles=handles, loc="center", fontsize=8, frameon=False)
    else:
        fig.legend(handles=handles, loc="outside right upper", fontsize=8, frameon=False)
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
    fmt = formatter(lang)
    fig, ax = new_figure(figsize=(7, 0.55 * len(stability) + 2.3))
    y = np.arange(len(stability))
    cols = _seg_colours(stability["segment"].unique())
    bars = ax.barh(y, stability["mean_jaccard"], color=[cols[int(s)] for s in stability["segment"]], height=0.6)
    ax.bar_label(bars, labels=[fmt.number(v, 2) for v in stability["mean_jaccard"]], padding=3, fontsize=8)
    for x in (0.5, 0.6, 0.75, 0.85):
        ax.axvline(x, color="grey", ls=":", lw=1)
    sizes = stability["size"] if "size" in stability.columns else None
    ax.set_yticks(y, [_with_n(nm, n if sizes is not None else None, fmt)
                      for nm, n in zip(stability["segment_name"], sizes if sizes is not None else y, strict=True)],
                  fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.1)
    ax.set_xticks(np.linspace(0, 1, 6))
    ax.grid(axis="y", visible=False)
    # the dotted lines are Hennig's thresholds: name each band along the top
    top = ax.secondary_xaxis("top")
    top.set_xticks([(a + b) / 2 for a, b, _ in HENNIG_BANDS],
                   [wrap(stability_label(r, lang=lang), 10 if b - a < 0.3 else 24) for a, b, r in HENNIG_BANDS],
                   fontsize=6.5, color="#555555")
    top.tick_params(length=0)
    top.spines["top"].set_visible(False)
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
    lim = Z_LIMIT                                       # a fixed scale, not the data's extremes
    big = float(np.nanmax(np.abs(M.to_numpy()))) if M.size else 0.0
    im = ax.imshow(M.to_numpy(), cmap=DIVERGING_CMAP, vmin=-lim, vmax=lim, aspect="auto")
    for i in range(M.shape[0]):
        for j in range(M.shape[1]):
            v = M.iat[i, j]
            if np.isfinite(v):
                _ = cell_value(ax, j, i, formatter(lang).number(v, 1), fontsize=7.5, dark=abs(v) > 0.65 * lim)
    ax.set_xticks(range(M.shape[1]), [label(str(c), lang=lang) for c in M.columns], rotation=45, ha="right", fontsize=8)
    ylab = names["segment_name"].reindex(M.index) if "segment_name" in names else M.index
    ax.set_yticks(range(M.shape[0]), [wrap(str(n), 28) for n in ylab], fontsize=8)
    ax.grid(False)
    cb = fig.colorbar(im, ax=ax, shrink=0.8, label=label("seg_z_median", lang=lang),
                      extend="both" if big > lim else "neither")
    cb.set_ticks(np.arange(-lim, lim + 1e-9, 1.0))
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
    fmt = formatter(lang)
    for s in share.columns:
        bars = ax.barh(range(len(share)), share[s], left=left, color=cols[int(s)],
                       label=names.get(s, str(s)) if names is not None else str(s))
        ax.bar_label(bars, labels=[fmt.percent(v) if v >= 0.08 else "" for v in share[s]], label_type="center",
                     fontsize=8, color=_text_colour(cols[int(s)]))
        left += share[s].to_numpy()
    n = t.sum(axis=1)
    ax.set_yticks(range(len(share)), [f"{short_kabupaten(g)} (n = {fmt.integer(n[g])})" for g in share.index])
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], [fmt.percent(x) for x in (0, 0.25, 0.5, 0.75, 1)])
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(label("seg_share_coops", lang=lang))
    ax.set_title(label("seg_kabupaten_title", lang=lang))
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig
