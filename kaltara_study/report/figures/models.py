"""Model figures: odds-ratio (forest) plots of MNLogit / OrderedModel results.

>>> fig = plot_odds_ratios(odds_ratio_table(fit), lang="en")   # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from kaltara_study.report.figures import PALETTE, new_figure, localised
from kaltara_study.report.labels import label

__all__ = ["plot_odds_ratios"]


@localised
def plot_odds_ratios(or_table: pd.DataFrame, *, lang: str = "id", title: str | None = None) -> Figure:
    """Forest plot of odds ratios with 95 % CIs on a log axis, one panel per outcome level.

    ``or_table`` is :func:`kaltara_study.models.stats.odds_ratio_table`. An empty table (a skipped model)
    gives a figure saying that no model was estimated.
    """
    levels = list(dict.fromkeys(or_table["outcome_level"])) if len(or_table) else []
    fig, axes = new_figure(figsize=(3.6 * max(len(levels), 1) + 1.5,
                                    0.35 * max(or_table["term"].nunique() if len(or_table) else 1, 1) + 2),
                           ncols=max(len(levels), 1), sharey=True, squeeze=False)
    axes = axes[0]
    if not levels:
        axes[0].text(0.5, 0.5, label("model_not_estimated", lang=lang),
                     ha="center", va="center", transform=axes[0].transAxes)
        axes[0].set_axis_off()
        return fig
    terms = list(dict.fromkeys(or_table["term"]))
    y = np.arange(len(terms))
    for k, (ax, lvl) in enumerate(zip(axes, levels, strict=True)):
        sub = or_table[or_table.outcome_level == lvl].set_index("term").reindex(terms)
        color = PALETTE[k % len(PALETTE)]
        lo = (sub.odds_ratio - sub.or_low).to_numpy(dtype=float)
        hi = (sub.or_high - sub.odds_ratio).to_numpy(dtype=float)
        ax.errorbar(sub.odds_ratio.to_numpy(dtype=float), y, xerr=[lo, hi], fmt="o", color=color,
                    ecolor=color, capsize=2, ms=4)
        ax.axvline(1.0, color="0.3", lw=0.8, ls="--")
        ax.set_xscale("log")
        ax.set_title(str(lvl), fontsize=10)
        ax.set_xlabel(label("rd_odds_ratio_axis", lang=lang), fontsize=8)
    axes[0].set_yticks(y, [label(t, lang=lang) for t in terms])
    axes[0].invert_yaxis()
    fig.suptitle(title or label("rd_odds_ratio_title", lang=lang))
    return fig
