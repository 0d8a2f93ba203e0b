"""Exploration figures for notebook 03: counts, missingness, distributions, correlations, registry
readiness fields and a village map.

Every function takes the analysis table (``AnalysisData.table``) or the villages table, returns a
:class:`~matplotlib.figure.Figure` built with :func:`kaltara_study.report.figures.new_figure` and never
saves it. Columns that are entirely missing (e.g. survey columns on the real data) are left out and
named in the figure's note, never drawn as zeros.

>>> fig = plot_counts_by_kabupaten(data.table, villages=data.villages)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from kaltara_study.report.figures import DIVERGING_CMAP, PALETTE, new_figure
from kaltara_study.report.labels import label

__all__ = ["DEFAULT_NUMERIC", "REGISTRY_FIELDS", "missingness_table", "plot_correlations",
           "plot_counts_by_kabupaten", "plot_distributions", "plot_missingness", "plot_registry_readiness",
           "plot_village_map", "registry_readiness_table"]

DEFAULT_NUMERIC = ("members", "own_capital_rp", "turnover_rp", "debt_ratio", "units_operating", "distance_kab_km",
                   "population", "shops_per_1000", "idm", "health_score")
REGISTRY_FIELDS = ("reg_npwp", "reg_nib", "reg_rat", "reg_tx_volume", "reg_savings_rp")
_LOG_COLUMNS = {"members", "own_capital_rp", "assets_rp", "liabilities_rp", "turnover_rp", "population",
                "households", "distance_kab_km", "reg_tx_value_rp", "reg_savings_rp"}


def _short_kab(name: str) -> str:
    return str(name).replace("Kabupaten ", "Kab. ")


def _lab(key: str, lang: str) -> str:
    return label(key, lang=lang)


def plot_counts_by_kabupaten(table: pd.DataFrame, *, villages: pd.DataFrame | None = None,
                             lang: str = "id") -> Figure:
    """Cooperatives per kabupaten/kota, next to villages with and without their own cooperative.

    >>> fig = plot_counts_by_kabupaten(table, villages=villages)  # doctest: +SKIP
    """
    coops = table.groupby("nama_kabkota", sort=True).size().rename("coops")
    frame = coops.to_frame()
    if villages is not None:
        v = villages.groupby("nama_kabkota", sort=True)["has_own_coop"]
        frame["with"] = v.sum().astype(int)
        frame["without"] = (v.size() - v.sum()).astype(int)
    fig, ax = new_figure(figsize=(8.0, 4.2))
    x = np.arange(len(frame))
    w = 0.38
    bars = ax.bar(x - w / 2, frame["coops"], width=w, color=PALETTE[0], label=_lab("explore_cooperatives", lang))
    ax.bar_label(bars, fontsize=8)
    if villages is not None:
        ax.bar(x + w / 2, frame["with"], width=w, color=PALETTE[2], label=_lab("explore_villages_with", lang))
        top = ax.bar(x + w / 2, frame["without"], width=w, bottom=frame["with"], color=PALETTE[1],
                     label=_lab("explore_villages_without", lang))
        ax.bar_label(top, labels=[str(int(v)) if v else "" for v in frame["without"]], fontsize=8)
    ax.set_xticks(x, [_short_kab(n) for n in frame.index], rotation=0)
    ax.set_ylabel(_lab("count", lang))
    ax.set_title(_lab("explore_counts_title", lang))
    ax.legend(frameon=False, loc="upper left")
    return fig


def missingness_table(table: pd.DataFrame, *, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Share of missing values per column (0–1), sorted descending; ``column, missing_share, n_missing``.

    >>> missingness_table(pd.DataFrame({"a": [1, None], "b": [1, 2]}))["missing_share"].tolist()
    [0.5, 0.0]
    """
    cols = list(columns) if columns is not None else list(table.columns)
    miss = table[cols].isna()
    out = pd.DataFrame({"column": cols, "missing_share": miss.mean().to_numpy().round(4),
                        "n_missing": miss.sum().to_numpy().astype(int)})
    return out.sort_values(["missing_share", "column"], ascending=[False, True], kind="stable").reset_index(drop=True)


def plot_missingness(table: pd.DataFrame, *, columns: Sequence[str] | None = None, lang: str = "id") -> Figure:
    """Horizontal bars of the share of missing values per column (all-missing columns in orange)."""
    m = missingness_table(table, columns=columns).iloc[::-1]
    fig, ax = new_figure(figsize=(7.5, max(3.0, 0.16 * len(m) + 1.0)))
    colors = [PALETTE[1] if s >= 1.0 else PALETTE[0] for s in m["missing_share"]]
    ax.barh(m["column"], m["missing_share"] * 100, color=colors)
    ax.set_xlim(0, 100)
    ax.set_xlabel(_lab("explore_missing_pct", lang))
    ax.tick_params(axis="y", labelsize=6)
    ax.set_title(_lab("explore_missing_title", lang))
    return fig


def _present(table: pd.DataFrame, columns: Sequence[str]) -> tuple[list[str], list[str]]:
    have = [c for c in columns if c in table.columns and table[c].notna().any()]
    return have, [c for c in columns if c not in have]


def plot_distributions(table: pd.DataFrame, *, columns: Sequence[str] = DEFAULT_NUMERIC, by: str | None = None,
                       lang: str = "id", bins: int = 25) -> Figure:
    """Histograms (log10 axis for money, counts and distances) of numeric columns, optionally by group.

    All-missing columns are skipped and listed in a note.
    """
    have, skipped = _present(table, columns)
    n = max(1, len(have))
    ncols = 3 if n > 4 else n
    nrows = int(np.ceil(n / ncols))
    fig, axes = new_figure(figsize=(3.2 * ncols, 2.5 * nrows + 0.4), nrows=nrows, ncols=ncols, squeeze=False)
    flat = axes.ravel()
    groups = sorted(table[by].dropna().unique()) if by else [None]
    for ax, col in zip(flat, have):
        x = pd.to_numeric(table[col], errors="coerce").astype(float)
        logx = col in _LOG_COLUMNS and (x > 0).sum() > 0
        vals = np.log10(x.where(x > 0)) if logx else x
        edges = np.histogram_bin_edges(vals.dropna(), bins=bins)
        for j, g in enumerate(groups):
            sel = vals if g is None else vals[table[by] == g]
            _ = ax.hist(sel.dropna(), bins=edges, alpha=0.55 if by else 0.9, color=PALETTE[j % len(PALETTE)],
                        label=None if g is None else _short_kab(g))
        ax.set_title(f"{label(col, lang=lang)}{' (log10)' if logx else ''}", fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in flat[len(have):]:
        ax.set_axis_off()
    if by and have:
        flat[0].legend(fontsize=6, frameon=False)
    if not have:
        flat[0].text(0.5, 0.5, _lab("explore_all_missing", lang), ha="center", va="center")
    if skipped:
        fig.suptitle(_lab("explore_skipped", lang) + ": " + ", ".join(skipped), fontsize=7, color="#555555")
    return fig


def plot_correlations(table: pd.DataFrame, *, columns: Sequence[str] = DEFAULT_NUMERIC, method: str = "spearman",
                      lang: str = "id") -> Figure:
    """Correlation heatmap (Spearman by default; pairwise complete observations)."""
    have, skipped = _present(table, columns)
    have = [c for c in have if pd.to_numeric(table[c], errors="coerce").nunique() > 1]
    num = table[have].apply(lambda s: pd.to_numeric(s, errors="coerce").astype(float))
    corr = num.corr(method=method) if have else pd.DataFrame()
    k = max(1, len(have))
    fig, ax = new_figure(figsize=(0.55 * k + 3.0, 0.5 * k + 2.2))
    if have:
        im = ax.imshow(corr.to_numpy(), cmap=DIVERGING_CMAP, vmin=-1, vmax=1)
        labels_ = [label(c, lang=lang) for c in have]
        ax.set_xticks(range(k), labels_, rotation=60, ha="right", fontsize=7)
        ax.set_yticks(range(k), labels_, fontsize=7)
        for i in range(k):
            for j in range(k):
                v = corr.iat[i, j]
                if np.isfinite(v):
                    ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=6,
                            color="white" if abs(v) > 0.6 else "black")
        fig.colorbar(im, ax=ax, shrink=0.8, label=method)
        ax.grid(False)
    else:
        ax.text(0.5, 0.5, _lab("explore_all_missing", lang), ha="center", va="center")
        ax.set_axis_off()
    ax.set_title(_lab("explore_corr_title", lang), fontsize=10)
    if skipped:
        fig.suptitle(_lab("explore_skipped", lang) + ": " + ", ".join(skipped), fontsize=7, color="#555555")
    return fig


def registry_readiness_table(table: pd.DataFrame) -> pd.DataFrame:
    """Share of cooperatives (per kabupaten/kota and overall) with each registry field > 0.

    NA registry values (a village with several cooperatives whose totals cannot be split) are left
    out of the share's denominator. Columns: ``nama_kabkota, n, <field>...``.

    >>> t = pd.DataFrame({"nama_kabkota": ["A", "A"], "reg_nib": [1, 0]})
    >>> registry_readiness_table(t)["reg_nib"].tolist()
    [0.5, 0.5]
    """
    fields = [f for f in REGISTRY_FIELDS if f in table.columns]
    pos = table[fields].apply(lambda s: (pd.to_numeric(s, errors="coerce") > 0).where(s.notna()))
    pos = pos.astype("Float64")
    g = pos.groupby(table["nama_kabkota"], sort=True).mean()
    g.insert(0, "n", table.groupby("nama_kabkota", sort=True).size())
    total = pos.mean().to_frame().T
    total.insert(0, "n", len(table))
    total.index = ["Total"]
    out = pd.concat([g, total]).rename_axis("nama_kabkota").reset_index()
    return out.astype({f: float for f in fields}).round(4)


def plot_registry_readiness(table: pd.DataFrame, *, lang: str = "id") -> Figure:
    """Grouped bars: share of cooperatives with NPWP, NIB, RAT, any transaction, any savings, per kabupaten."""
    r = registry_readiness_table(table)
    fields = [f for f in REGISTRY_FIELDS if f in r.columns]
    fig, ax = new_figure(figsize=(8.5, 4.2))
    x = np.arange(len(r))
    w = 0.8 / max(1, len(fields))
    for j, f in enumerate(fields):
        _ = ax.bar(x + (j - (len(fields) - 1) / 2) * w, r[f] * 100, width=w, color=PALETTE[j % len(PALETTE)],
                   label=label(f, lang=lang))
    ax.set_xticks(x, [_short_kab(n) for n in r["nama_kabkota"]], fontsize=8)
    ax.set_ylim(0, 105)
    ax.set_ylabel(_lab("explore_share_pct", lang))
    ax.set_title(_lab("explore_registry_title", lang))
    ax.legend(frameon=False, fontsize=7, ncols=len(fields), loc="upper center", bbox_to_anchor=(0.5, -0.08))
    return fig


def plot_village_map(table: pd.DataFrame, column: str, *, boundaries=None, lang: str = "id",
                     title: str | None = None, **kw) -> Figure:
    """A village map of ``column`` (real boundaries when given, else the labelled schematic).

    Thin wrapper around :func:`kaltara_study.report.figures.maps.plot_map` at village level.
    """
    from kaltara_study.report.figures.maps import plot_map

    return plot_map(table, column, boundaries=boundaries, level="desa", lang=lang,
                    title=title or label(column, lang=lang), legend_title=label(column, lang=lang), **kw)
