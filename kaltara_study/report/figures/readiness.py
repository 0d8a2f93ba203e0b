"""Readiness figures: segment × partner matrix, readiness by kabupaten, blocking gaps, assessability.

Every function takes the DataFrames made by :mod:`kaltara_study.readiness.criteria`, builds a Figure with
:func:`kaltara_study.report.figures.new_figure` and returns it (never saves). Labels are Indonesian by
default, English with ``lang="en"``.

>>> fig = plot_readiness_matrix(readiness_matrix(res, table), lang="en")   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from kaltara_study.report.figures import (PARTNER_ORDER, VERDICT_COLORS, VERDICT_ORDER, cell_value, localised,
                                          new_figure)
from kaltara_study.report.format import formatter
from kaltara_study.report.labels import criterion_label, label, partner_label, verdict_label

PARTNERS = PARTNER_ORDER

__all__ = ["VERDICT_COLORS", "plot_assessability", "plot_blocking_gaps", "plot_readiness_by_kabupaten",
           "plot_readiness_matrix"]


def _verdicts(codes) -> list[str]:
    """The verdicts present, in the fixed order (``provisional`` only where the stage uses it)."""
    present = set(codes)
    return [v for v in VERDICT_ORDER if v in present or v != "provisional"]


@localised
def plot_readiness_matrix(matrix: pd.DataFrame, *, lang: str = "id", title: str | None = None) -> Figure:
    """Heatmap of the share ready per segment (rows) × partner (columns), annotated in %.

    ``matrix`` is :func:`kaltara_study.readiness.criteria.readiness_matrix` (a column ``n`` is shown in the
    row labels).
    """
    partners = [c for c in matrix.columns if c != "n"]
    vals = matrix[partners].to_numpy(dtype=float)
    fig, ax = new_figure(figsize=(1.4 * len(partners) + 3, 0.55 * len(matrix) + 2))
    im = ax.imshow(vals, vmin=0, vmax=1, cmap="viridis", aspect="auto")
    ax.grid(False)
    ax.set_xticks(range(len(partners)), [partner_label(p, lang=lang) for p in partners], rotation=30, ha="right")
    rows = [f"{i} (n = {int(n)})" if "n" in matrix.columns else str(i) for i, n in
            zip(matrix.index, matrix.get("n", pd.Series([0] * len(matrix))), strict=True)]
    ax.set_yticks(range(len(matrix)), rows)
    for (i, j), v in np.ndenumerate(vals):
        if np.isfinite(v):
            cell_value(ax, j, i, formatter(lang).percent(v), fontsize=9, dark=v < 0.6)
    ax.set_ylabel(label("rd_segment_axis", lang=lang))
    ax.set_title(title or label("rd_readiness_matrix_title", lang=lang))
    cb = fig.colorbar(im, ax=ax, label=label("rd_share_cooperatives", lang=lang), shrink=0.8)
    cb.set_ticks([0, 0.25, 0.5, 0.75, 1], labels=[formatter(lang).percent(x) for x in (0, 0.25, 0.5, 0.75, 1)])
    return fig


@localised
def plot_readiness_by_kabupaten(
    by_group: pd.DataFrame, *, by: str = "nama_kabkota", lang: str = "id", title: str | None = None
) -> Figure:
    """Stacked horizontal bars: verdict shares per kabupaten, one panel per partner.

    ``by_group`` is :func:`kaltara_study.readiness.criteria.readiness_by_group` (long: by, partner, verdict,
    n, share).
    """
    partners = [p for p in PARTNERS if p in set(by_group.partner)] or sorted(set(by_group.partner))
    groups = sorted(by_group[by].astype(str).unique())
    verdicts = _verdicts(by_group["verdict"])
    n_group = by_group[by_group.partner == partners[0]].groupby(by)["n"].sum() if "n" in by_group.columns else None
    fig, axes = new_figure(figsize=(2.6 * len(partners) + 1.5, 0.45 * len(groups) + 2.2),
                           ncols=len(partners), sharey=True, squeeze=False)
    axes = axes[0]
    for ax, p in zip(axes, partners, strict=True):
        sub = by_group[by_group.partner == p].pivot(index=by, columns="verdict", values="share")
        sub = sub.reindex(index=groups, columns=verdicts).fillna(0)
        left = np.zeros(len(groups))
        for v in verdicts:
            ax.barh(range(len(groups)), sub[v].to_numpy(), left=left, color=VERDICT_COLORS[v], height=0.7)
            left += sub[v].to_numpy()
        ax.set_xlim(0, 1)
        ax.set_title(partner_label(p, lang=lang), fontsize=10)
        ax.set_xticks([0, 0.5, 1], [formatter(lang).percent(t) for t in (0, 0.5, 1)])
        ax.grid(False)
    axes[0].set_yticks(range(len(groups)), [g.replace("Kabupaten ", "Kab. ") + (
        f" (n = {int(n_group.get(g, 0))})" if n_group is not None else "") for g in groups])
    axes[0].invert_yaxis()
    handles = [Patch(color=VERDICT_COLORS[v], label=verdict_label(v, lang=lang)) for v in verdicts]
    fig.legend(handles=handles, loc="outside right upper", frameon=False, title=label("rd_verdict", lang=lang))
    fig.suptitle(title or label("rd_readiness_by_kab_title", lang=lang))
    return fig


@localised
def plot_blocking_gaps(gaps: pd.DataFrame, *, lang: str = "id", top: int = 10, title: str | None = None) -> Figure:
    """Horizontal bars of the required criteria that block readiness most often.

    Full bar: cooperative × partner pairs blocked (``n_blocked``); dark part: pairs where it is the
    only thing missing (``n_sole`` — fixing it alone makes them ready). ``gaps`` is
    :func:`kaltara_study.readiness.criteria.blocking_gaps`.
    """
    g = gaps.head(top).iloc[::-1]
    fig, ax = new_figure(figsize=(7.5, 0.45 * max(len(g), 1) + 1.8))
    y = np.arange(len(g))
    ax.barh(y, g.n_blocked.to_numpy(dtype=float), color="#E69F00", label=label("rd_n_blocked", lang=lang))
    ax.barh(y, g.n_sole.to_numpy(dtype=float), color="#0072B2", label=label("rd_n_sole", lang=lang))
    ax.set_yticks(y, [str(r) for r in g.reason] if len(g) else [])
    ax.set_xlabel(label("count", lang=lang))
    ax.legend(loc="lower right", frameon=False)
    ax.set_title(title or label("rd_blocking_gaps_title", lang=lang))
    if not len(g):
        ax.text(0.5, 0.5, label("map_no_data", lang=lang), transform=ax.transAxes, ha="center")
    return fig


@localised
def plot_assessability(tab: pd.DataFrame, *, lang: str = "id", partners: Sequence[str] | None = None) -> Figure:
    """Heatmap of the share of cooperatives on which each criterion could be assessed.

    ``tab`` is :func:`kaltara_study.readiness.criteria.assessability`. Rows: criteria; columns: partners;
    blank where a partner does not use the criterion. On the real registry this shows which
    criteria rest on data and which could not be assessed.
    """
    partners = list(partners or [p for p in PARTNERS if p in set(tab.partner)])
    crits = list(dict.fromkeys(tab.criterion))
    mat = tab.pivot(index="criterion", columns="partner", values="share_assessed").reindex(index=crits, columns=partners)
    fig, ax = new_figure(figsize=(1.3 * len(partners) + 3, 0.32 * len(crits) + 1.8))
    im = ax.imshow(mat.to_numpy(dtype=float), vmin=0, vmax=1, cmap="viridis", aspect="auto")
    ax.grid(False)
    ax.set_xticks(range(len(partners)), [partner_label(p, lang=lang) for p in partners], rotation=30, ha="right")
    ax.set_yticks(range(len(crits)), [criterion_label(c, lang=lang) for c in crits])
    for (i, j), v in np.ndenumerate(mat.to_numpy(dtype=float)):
        if np.isfinite(v):
            cell_value(ax, j, i, formatter(lang).percent(v), fontsize=7, dark=v < 0.6)
    cb = fig.colorbar(im, ax=ax, label=label("rd_share_assessed", lang=lang), shrink=0.8)
    cb.set_ticks([0, 0.25, 0.5, 0.75, 1], labels=[formatter(lang).percent(x) for x in (0, 0.25, 0.5, 0.75, 1)])
    n = int(tab["n"].max()) if "n" in tab.columns and len(tab) else None
    ax.set_title(label("rd_share_assessed", lang=lang) + (f" (n = {n})" if n else ""))
    return fig
