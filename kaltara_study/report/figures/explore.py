"""Exploration figures for notebook 03. They draw tables computed by :mod:`kaltara_study.explore`
and compute nothing themselves; every text goes through the label table.

>>> from kaltara_study import explore
>>> fig = plot_counts_by_kabupaten(explore.counts_by_kabupaten(table, villages=villages))  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from kaltara_study.report.figures import (DIVERGING_CMAP, PALETTE, cell_value, localised, new_figure,
                                          short_kabupaten)
from kaltara_study.report.figures.maps import plot_map
from kaltara_study.report.format import formatter
from kaltara_study.report.labels import label

__all__ = ["plot_correlations", "plot_counts_by_kabupaten", "plot_distributions", "plot_missingness",
           "plot_registry_readiness", "plot_village_map"]


_short_kab = short_kabupaten


def _pct_axis(ax, fmt, axis: str = "y") -> None:
    ticks = [0, 25, 50, 75, 100]
    labels_ = [fmt.percent(t / 100) for t in ticks]
    if axis == "y":
        ax.set_yticks(ticks, labels_)
    else:
        ax.set_xticks(ticks, labels_)


@localised
def plot_counts_by_kabupaten(counts: pd.DataFrame, *, lang: str = "id") -> Figure:
    """Cooperatives per kabupaten/kota next to villages with and without their own cooperative.

    ``counts`` is :func:`kaltara_study.explore.counts_by_kabupaten`.
    """
    fmt = formatter(lang)
    fig, ax = new_figure(figsize=(8.0, 4.2))
    x = np.arange(len(counts))
    with_v = "n_villages_with" in counts.columns
    w = 0.38 if with_v else 0.6
    bars = ax.bar(x - (w / 2 if with_v else 0), counts["n_coops"], width=w, color=PALETTE[0],
                  label=label("explore_cooperatives", lang=lang))
    ax.bar_label(bars, labels=[fmt.integer(v) for v in counts["n_coops"]], fontsize=8)
    if with_v:
        ax.bar(x + w / 2, counts["n_villages_with"], width=w, color=PALETTE[2],
               label=label("explore_villages_with", lang=lang))
        top = ax.bar(x + w / 2, counts["n_villages_without"], width=w, bottom=counts["n_villages_with"],
                     color=PALETTE[1], label=label("explore_villages_without", lang=lang))
        ax.bar_label(top, labels=[fmt.integer(v) if v else "" for v in counts["n_villages_without"]], fontsize=8)
    ax.set_xticks(x, [_short_kab(n) for n in counts["nama_kabkota"]])
    ax.set_ylabel(label("count", lang=lang))
    tops = counts["n_coops"].to_numpy(dtype=float)
    if with_v:
        tops = np.maximum(tops, (counts["n_villages_with"] + counts["n_villages_without"]).to_numpy(dtype=float))
    ax.set_ylim(0, float(np.nanmax(tops)) * 1.12 + 1)
    ax.set_title(label("explore_counts_title", lang=lang))
    ax.legend(frameon=False, loc="upper left")
    return fig


@localised
def plot_missingness(missing: pd.DataFrame, *, lang: str = "id") -> Figure:
    """Horizontal bars of the share of missing values per column (labelled names; all-missing in
    orange); ``missing`` is :func:`kaltara_study.explore.missingness_table`."""
    fmt = formatter(lang)
    m = missing.iloc[::-1]
    fig, ax = new_figure(figsize=(8.0, max(3.0, 0.2 * len(m) + 1.4)))
    share = m["missing_share"].to_numpy(dtype=float)
    colors = [PALETTE[1] if s >= 1.0 else PALETTE[0] for s in share]
    bars = ax.barh(range(len(m)), share * 100, color=colors)
    ax.bar_label(bars, labels=[fmt.percent(s, 1 if 0 < s < 0.1 else 0) for s in share], padding=2, fontsize=7)
    ax.set_yticks(range(len(m)), [label(c, lang=lang) for c in m["column"]], fontsize=7.5)
    ax.set_ylim(-0.6, len(m) - 0.4)
    # the axis starts at 0 % and ends at the next round step above the largest share, so short bars
    # are readable (the bar labels give every value)
    top = float(np.nanmax(share)) * 100 if len(m) else 100.0
    step = 5 if top <= 20 else 10 if top <= 50 else 25
    xmax = min(100.0, max(10.0, step * np.ceil(top * 1.15 / step)))
    ticks = np.arange(0, xmax + 1e-9, step if xmax / step <= 6 else 2 * step)
    ax.set_xlim(0, xmax)
    ax.set_xticks(ticks, [fmt.percent(t / 100) for t in ticks])
    n = int(m["n"].iloc[0]) if "n" in m.columns and len(m) else None
    ax.set_xlabel(label("explore_missing_pct", lang=lang) + (f", n = {fmt.integer(n)}" if n else ""))
    ax.set_title(label("explore_missing_title", lang=lang))
    ax.grid(axis="y", visible=False)
    return fig


@localised
def plot_distributions(dist: pd.DataFrame, *, lang: str = "id", bins: int = 25) -> Figure:
    """Histograms of :func:`kaltara_study.explore.distribution_table` (log10 axis where flagged),
    one panel per variable, by group when the table has groups; variables without values are named
    in a note, never drawn."""
    variables = list(dict.fromkeys(dist["variable"]))
    have = [v for v in variables if dist.loc[dist["variable"] == v, "value"].notna().any()]
    skipped = [v for v in variables if v not in have]
    n = max(1, len(have))
    ncols = 3 if n > 4 else n
    nrows = int(np.ceil(n / ncols))
    fig, axes = new_figure(figsize=(3.3 * ncols, 2.5 * nrows + 0.6), nrows=nrows, ncols=ncols, squeeze=False)
    flat = axes.ravel()
    groups = sorted(dist["group"].dropna().astype(str).unique())
    for ax, col in zip(flat, have):
        d = dist[dist["variable"] == col]
        edges = np.histogram_bin_edges(d["value"].to_numpy(dtype=float), bins=bins)
        if groups:
            for j, g in enumerate(groups):
                ax.hist(d.loc[d["group"].astype(str) == g, "value"].to_numpy(dtype=float), bins=edges, alpha=0.55,
                        color=PALETTE[j % len(PALETTE)], label=_short_kab(g))
        else:
            ax.hist(d["value"].to_numpy(dtype=float), bins=edges, color=PALETTE[0], alpha=0.9)
        logx = bool(d["log10"].iloc[0])
        ax.set_title(label(col, lang=lang) + (f" ({label('explore_log_scale', lang=lang)})" if logx else "")
                     + f"\nn = {formatter(lang).integer(len(d))}", fontsize=8.5)
        ax.tick_params(labelsize=7)
    for ax in flat[len(have):]:
        ax.set_axis_off()
    if groups and have:
        flat[0].legend(fontsize=6, frameon=False)
    if not have:
        flat[0].text(0.5, 0.5, label("explore_all_missing", lang=lang), ha="center", va="center")
    if skipped:
        fig.suptitle(label("explore_skipped", lang=lang) + ": " + ", ".join(label(c, lang=lang) for c in skipped),
                     fontsize=7.5, color="#555555")
    return fig


@localised
def plot_correlations(corr: pd.DataFrame, *, method: str = "spearman", lang: str = "id") -> Figure:
    """Heatmap of :func:`kaltara_study.explore.correlation_table` on the fixed scale −1…1; all-NA
    (absent or constant) variables are left out and named in a note."""
    keep = [c for c in corr.columns if corr[c].notna().sum() > 1]
    skipped = [c for c in corr.columns if c not in keep]
    c = corr.loc[keep, keep]
    k = max(1, len(keep))
    fmt = formatter(lang)
    fig, ax = new_figure(figsize=(0.6 * k + 3.4, 0.5 * k + 2.4))
    if keep:
        im = ax.imshow(c.to_numpy(dtype=float), cmap=DIVERGING_CMAP, vmin=-1, vmax=1)
        names = [label(x, lang=lang) for x in keep]
        ax.set_xticks(range(k), names, rotation=60, ha="right", fontsize=7)
        ax.set_yticks(range(k), names, fontsize=7)
        for (i, j), v in np.ndenumerate(c.to_numpy(dtype=float)):
            if np.isfinite(v):
                cell_value(ax, j, i, fmt.number(v, 2), fontsize=6, dark=abs(v) > 0.6)
        key = f"corr_{method}"
        fig.colorbar(im, ax=ax, shrink=0.8, label=label(key, lang=lang))
        ax.grid(False)
    else:
        ax.text(0.5, 0.5, label("explore_all_missing", lang=lang), ha="center", va="center")
        ax.set_axis_off()
    ax.set_title(label("explore_corr_title", lang=lang), fontsize=10)
    if skipped:
        fig.suptitle(label("explore_skipped", lang=lang) + ": " + ", ".join(label(x, lang=lang) for x in skipped),
                     fontsize=7.5, color="#555555")
    return fig


@localised
def plot_registry_readiness(registry: pd.DataFrame, *, lang: str = "id") -> Figure:
    """Grouped bars: share of cooperatives with NPWP, NIB, RAT, any transaction, any savings, per
    kabupaten/kota (n in the tick labels); ``registry`` is
    :func:`kaltara_study.explore.registry_readiness_table`."""
    fmt = formatter(lang)
    fields = [c for c in registry.columns if c.startswith("reg_")]
    fig, ax = new_figure(figsize=(9.0, 4.6))
    x = np.arange(len(registry))
    w = 0.8 / max(1, len(fields))
    for j, f in enumerate(fields):
        v = registry[f].to_numpy(dtype=float)
        bars = ax.bar(x + (j - (len(fields) - 1) / 2) * w, v * 100, width=w,
                      color=PALETTE[j % len(PALETTE)], label=label(f, lang=lang))
        # every bar says its value, so a 0 % bar (invisible) reads as zero, not as missing
        ax.bar_label(bars, labels=[fmt.percent(s) for s in v], padding=2, fontsize=6.5, rotation=90)
    names = [label("all_kaltara", lang=lang) if n == "Total" else _short_kab(n) for n in registry["nama_kabkota"]]
    ax.set_xticks(x, [f"{nm}\n(n = {fmt.integer(n)})" for nm, n in zip(names, registry["n"], strict=True)], fontsize=8)
    ax.set_ylim(0, 118)
    _pct_axis(ax, fmt, "y")
    ax.set_ylabel(label("explore_share_pct", lang=lang))
    ax.set_title(label("explore_registry_title", lang=lang))
    ax.legend(frameon=False, fontsize=7.5, ncols=min(len(fields), 5), loc="upper center", bbox_to_anchor=(0.5, -0.16))
    return fig


@localised
def plot_village_map(values: pd.DataFrame, column: str, *, boundaries=None, lang: str = "id", **kw) -> Figure:
    """A village map of ``values`` (:func:`kaltara_study.explore.map_values` of ``column``), on the
    real boundaries when given; see :func:`kaltara_study.report.figures.maps.plot_map`."""
    kw.setdefault("title", label(column, lang=lang))
    kw.setdefault("legend_title", label(column, lang=lang))
    return plot_map(values, boundaries=boundaries, lang=lang, **kw)
