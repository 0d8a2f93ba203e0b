"""Figures of the economic-potential index: framework weights, index by kabupaten, rank
caterpillar with Monte-Carlo intervals, correlation heatmap, comparison with IDM status, and the
sensitivity of ranks to each method choice.

Every function takes DataFrames made by :mod:`kaltara_study.index.composite` (usually parts of
:class:`~kaltara_study.index.composite.IndexResult`), builds a Figure with
:func:`kaltara_study.report.figures.new_figure` and returns it; nothing is saved. Indonesian labels by
default, English with ``lang="en"``.

>>> res = compute_index(table, source="synthetic", seed=20251)        # doctest: +SKIP
>>> fig = plot_rank_caterpillar(res.scores, lang="en")                 # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from kaltara_study.report.figures import (
    DIVERGING_CMAP,
    NO_DATA_COLOR,
    PALETTE,
    cell_value,
    idm_status_colors,
    localised,
    new_figure,
    short_kabupaten,
    wrap,
)
from kaltara_study.data.idm import STATUS_ORDER
from kaltara_study.report.format import formatter
from kaltara_study.report.labels import has_label, idm_status_label, label

#: Box plots: black median (an orange one vanishes among orange IDM points).
_MEDIAN = {"color": "black", "linewidth": 1.6}

__all__ = ["indicator_names", "plot_correlation_heatmap", "plot_framework", "plot_index_by_kabupaten",
           "plot_index_vs_idm", "plot_rank_caterpillar", "plot_sensitivity"]


def _group_colours(groups: list[str]) -> dict[str, str]:
    return {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(dict.fromkeys(groups))}


def _text(framework: pd.DataFrame, column: str, lang: str) -> pd.Series:
    """``label_<lang>`` / ``group_label_<lang>`` of the framework table (older tables: ``label``)."""
    for c in (f"{column}_{lang}", f"{column}_id", column):
        if c in framework.columns:
            return framework[c].astype(str)
    return framework["indicator"].astype(str)


def indicator_names(framework: pd.DataFrame, *, lang: str = "id") -> pd.Series:
    """Reader name of each indicator of ``framework`` (index = indicator): the label table when it
    has the indicator's code, else the framework's ``label_<lang>``."""
    own = _text(framework, "label", lang)
    names = [label(i, lang=lang) if has_label(i) else o
             for i, o in zip(framework["indicator"], own, strict=True)]
    return pd.Series(names, index=framework["indicator"].to_numpy())


def _is_negative(direction) -> bool:
    return str(direction) in ("-", "−", "-1", "-1.0") or (
        isinstance(direction, (int, float, np.integer, np.floating)) and direction < 0)


@localised
def plot_framework(framework: pd.DataFrame, *, lang: str = "id") -> Figure:
    """Horizontal bars of each indicator's effective (nominal) weight in the index, coloured by
    group; hatched bars are negative-direction indicators, pale bars were not used (dropped).

    ``framework`` is :func:`kaltara_study.index.composite.framework_table` (``IndexResult.framework``)."""
    f = framework.iloc[::-1]
    colours = _group_colours(list(framework["group"]))
    fig, ax = new_figure(figsize=(8.0, 0.3 * len(f) + 1.6))
    used = f["used"] if "used" in f.columns else pd.Series(True, index=f.index)
    bars = ax.barh(range(len(f)), f["effective_weight"], color=[colours[g] for g in f["group"]])
    for b, d, u in zip(bars, f["direction"], used, strict=True):
        if _is_negative(d):
            b.set_hatch("//")
        if not u:
            b.set_alpha(0.3)
    ax.set_yticks(range(len(f)), indicator_names(f, lang=lang).to_list())
    ax.set_xlabel(label("ix_effective_weight", lang=lang))
    ax.set_title(label("ix_framework_title", lang=lang))
    handles = [Patch(color=c, label=lab) for (g, c), lab in
               zip(colours.items(), _text(framework.drop_duplicates("group"), "group_label", lang),
                   strict=True)]
    if any(_is_negative(d) for d in f["direction"]):      # explain only what the bars show
        handles.append(Patch(facecolor="white", edgecolor="black", hatch="//",
                             label=label("ix_direction_neg", lang=lang)))
    if not used.all():
        handles.append(Patch(facecolor="0.55", alpha=0.3, label=label("ix_not_used", lang=lang)))
    # the bars are short at the bottom: the legend sits there, inside the axes
    ax.legend(handles=handles, loc="lower right", fontsize=8, framealpha=0.95)
    ax.set_xlim(0, float(f["effective_weight"].max()) * 1.05)
    return fig


@localised
def plot_index_by_kabupaten(scores: pd.DataFrame, *, lang: str = "id",
                            by: str = "nama_kabkota", column: str = "index") -> Figure:
    """Box plot of ``column`` (default the index; ``"context"``/``"capacity"`` for a sub-index) per
    kabupaten/kota with every cooperative that has a value as a jittered point (deterministic
    jitter) and n in the tick labels; the axis is the absolute 0–100 scale."""
    s = scores.dropna(subset=[column])
    groups = sorted(scores[by].dropna().unique())       # a kabupaten without values keeps its row, says so
    data = [s.loc[s[by] == g, column].to_numpy() for g in groups]
    fig, ax = new_figure(figsize=(7.5, 4.5))
    filled = [i for i, d in enumerate(data, start=1) if d.size]
    if filled:
        ax.boxplot([data[i - 1] for i in filled], positions=filled, orientation="horizontal", showfliers=False,
                   widths=0.6, medianprops=_MEDIAN)
    rng = np.random.default_rng(0)
    for i, d in enumerate(data, start=1):
        if d.size:
            ax.scatter(d, i + rng.uniform(-0.18, 0.18, d.size), s=8, alpha=0.5, color=PALETTE[0])
        else:
            ax.text(50, i, label("map_no_data", lang=lang), ha="center", va="center", fontsize=8, color="#555555")
    ax.set_yticks(range(1, len(groups) + 1), [f"{short_kabupaten(g)} (n = {len(d)})" for g, d in
                                              zip(groups, data, strict=True)])
    ax.set_ylim(len(groups) + 0.6, 0.4)                 # A→Z from the top, like every kabupaten figure
    ax.set_xlim(-2, 102)
    name = label(f"col_{column}", lang=lang) if has_label(f"col_{column}") else label(column, lang=lang)
    ax.set_xlabel((label("ix_index", lang=lang) if column == "index" else name) + " (0–100)")
    ax.set_ylabel(label("kabupaten", lang=lang))
    ax.set_title(label("ix_by_kabupaten_title", lang=lang) if column == "index" else name)
    return fig


@localised
def plot_rank_caterpillar(scores: pd.DataFrame, *, lang: str = "id", top: int | None = None
                          ) -> Figure:
    """Cooperatives sorted by nominal rank: the median Monte-Carlo rank as a dot and the 5–95 %
    interval as a bar (``scores`` needs ``rank``, ``median_rank``, ``rank_p05``, ``rank_p95``).
    ``top`` limits the chart to the best ``top`` nominal ranks (labelled by ``coop_id``)."""
    s = scores.dropna(subset=["rank"]).sort_values(["rank", "coop_id"], kind="stable")
    if top is not None:
        s = s.head(top)
    x = np.arange(1, len(s) + 1)
    fig, ax = new_figure(figsize=(9, 4.8))
    ax.vlines(x, s["rank_p05"], s["rank_p95"], color=PALETTE[4], lw=1.2 if top else 0.6,
              label=label("ix_rank_interval", lang=lang))
    ax.scatter(x, s["median_rank"], s=10 if top else 3, color=PALETTE[0], zorder=3,
               label=label("ix_median_rank", lang=lang))
    ax.plot(x, s["rank"], color=PALETTE[5], lw=0.8, label=label("ix_nominal_rank", lang=lang))
    ax.invert_yaxis()
    ax.set_ylabel(label("ix_rank", lang=lang))
    ax.set_xlabel(label("ix_cooperatives_sorted", lang=lang))
    if top is not None and top <= 40:
        ax.set_xticks(x, s["coop_id"], rotation=90, fontsize=7)
    ax.set_title(label("ix_caterpillar_title", lang=lang))
    ax.legend(loc="upper right")
    return fig


@localised
def plot_correlation_heatmap(corr: pd.DataFrame, *, framework: pd.DataFrame | None = None,
                             lang: str = "id") -> Figure:
    """Heatmap of the indicator correlation matrix (``diagnostics["correlation_matrix"]``): its lower
    triangle and diagonal (the matrix is symmetric, so each correlation is shown once), with group
    boundaries drawn when ``framework`` is given; values annotated when small enough."""
    names = list(corr.columns)
    labels = names
    if framework is not None:
        lab = indicator_names(framework, lang=lang)
        labels = [lab.get(n, n) for n in names]
    k = len(names)
    values = corr.to_numpy(float)
    fig, ax = new_figure(figsize=(0.42 * k + 3.5, 0.42 * k + 2.5))
    upper = np.triu(np.ones((k, k), dtype=bool), 1)
    im = ax.imshow(np.ma.masked_array(values, upper), vmin=-1, vmax=1, cmap=DIVERGING_CMAP)
    ax.grid(False)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xticks(range(k), labels, rotation=90, fontsize=7)
    ax.set_yticks(range(k), labels, fontsize=7)
    if framework is not None:                           # group boundaries, within the triangle
        grp = framework.set_index("indicator")["group"].reindex(names).to_numpy()
        for i in range(1, k):
            if grp[i] != grp[i - 1]:
                ax.hlines(i - 0.5, -0.5, i + 0.5, color="black", lw=0.8)
                ax.vlines(i - 0.5, i - 1.5, k - 0.5, color="black", lw=0.8)
    fmt = formatter(lang)
    if k <= 20:
        for i, j in zip(*np.tril_indices(k, -1), strict=True):
            v = values[i, j]
            if np.isfinite(v):
                cell_value(ax, j, i, fmt.number(v, 1), fontsize=6.5, dark=abs(v) > 0.6)
    ax.set_title(wrap(label("ix_corr_title", lang=lang), int(fig.get_size_inches()[0] * 9)))
    if framework is not None:                           # indicators of the framework the matrix lacks: a footnote
        gone = [n for n in framework["indicator"] if n not in set(names)]
        if gone:
            lab = indicator_names(framework, lang=lang)
            note = label("ix_corr_not_shown", lang=lang, names=", ".join(lab[n] for n in gone))
            fig.supxlabel(wrap(note, int(fig.get_size_inches()[0] * 14)), fontsize=8, color="#555555")
    fig.colorbar(im, ax=ax, shrink=0.7, label=label("corr_pearson", lang=lang) + " (r)")
    return fig


@localised
def plot_index_vs_idm(scores: pd.DataFrame, *, lang: str = "id", status: str = "idm_status"
                      ) -> Figure:
    """Index distribution per official IDM status (ordered Sangat Tertinggal → Mandiri), plus a
    box for units without IDM data; n in the tick labels."""
    s = scores.dropna(subset=["index"])
    st = s[status].astype("string").str.upper() if status in s.columns else \
        pd.Series(pd.NA, index=s.index, dtype="string")
    cats = [c for c in STATUS_ORDER if (st == c).any()]
    data = [s.loc[st == c, "index"].to_numpy() for c in cats]
    names = [idm_status_label(c, lang=lang) for c in cats]
    if st.isna().any():
        data.append(s.loc[st.isna(), "index"].to_numpy())
        names.append(label("ix_idm_missing", lang=lang))
    fig, ax = new_figure(figsize=(7.5, 4.2))
    if data:
        ax.boxplot(data, showfliers=False, widths=0.6, medianprops=_MEDIAN)
        rng = np.random.default_rng(0)
        colours = [idm_status_colors()[c] for c in cats] + ([NO_DATA_COLOR] if len(data) > len(cats) else [])
        for i, (d, col) in enumerate(zip(data, colours, strict=True), start=1):
            ax.scatter(i + rng.uniform(-0.18, 0.18, d.size), d, s=10, alpha=0.8, color=col, edgecolor="0.4",
                       linewidth=0.2)
        ax.set_xticks(range(1, len(data) + 1), [f"{n}\n(n = {len(d)})" for n, d in
                                                zip(names, data, strict=True)])
    ax.set_xlabel(label("ix_idm_status", lang=lang))
    ax.set_ylim(-2, 102)
    ax.set_ylabel(label("ix_index", lang=lang) + " (0–100)")
    ax.set_title(label("ix_idm_title", lang=lang))
    return fig


_FACTOR_KEYS = {"normalisation": "ix_factor_normalisation", "aggregation": "ix_factor_aggregation",
                "imputation": "ix_factor_imputation", "excluded": "ix_factor_excluded",
                "weights + interactions": "ix_factor_weights"}


@localised
def plot_sensitivity(sensitivity: pd.DataFrame, *, lang: str = "id") -> Figure:
    """Two panels per method choice: first-order share of rank variance and the one-at-a-time
    mean |rank shift| (``IndexResult.sensitivity``)."""
    s = sensitivity
    names = [label(_FACTOR_KEYS.get(f, f), lang=lang) for f in s["factor"]]
    fig, (a1, a2) = new_figure(figsize=(9, 3.4), ncols=2)
    fmt = formatter(lang)
    b1 = a1.barh(names, s["first_order_share"], color=PALETTE[0])
    a1.bar_label(b1, labels=[fmt.number(v, 2) for v in s["first_order_share"]], padding=2, fontsize=8)
    a1.set_xlim(0, 1)
    a1.set_xlabel(label("ix_first_order_share", lang=lang))
    a1.invert_yaxis()
    b2 = a2.barh(names, s["mean_abs_rank_shift"], color=PALETTE[1])
    a2.bar_label(b2, labels=[fmt.number(v, 1) for v in s["mean_abs_rank_shift"]], padding=2, fontsize=8)
    top = float(np.nanmax(s["mean_abs_rank_shift"].to_numpy(dtype=float))) if len(s) else 1.0
    a2.set_xlim(0, max(top, 1e-9) * 1.15)
    a2.set_xlabel(label("ix_mean_abs_shift", lang=lang))
    a2.set_yticks(range(len(names)), [""] * len(names))
    a2.invert_yaxis()
    fig.get_layout_engine().set(wspace=0.06)            # the panels' end ticks ("1,0" | "0") apart
    fig.suptitle(label("ix_sensitivity_title", lang=lang))
    return fig
