"""Maps: kabupaten and village choropleths of segment, index and readiness.

With ``boundaries`` (a GeoDataFrame with a ``kode`` column holding Kemendagri codes — ``65.01``
for kabupaten, ``65.01.01.2001`` for villages; read them with
:func:`kaltara_study.data.pipeline.load_boundaries`) the functions draw real choropleths; villages
without a cooperative are grey ("no data").

The synthetic data has no real boundaries, so with ``boundaries=None`` a **schematic** is drawn
instead and says so on the figure: one block per kabupaten, each village a square cell ordered by
code (village level), or one tile per kabupaten (kabupaten level). It shows composition, not
geography.

>>> fig = plot_segment_map(table, boundaries=read_boundaries("desa"), level="desa")  # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PatchCollection
from matplotlib.colors import Normalize, to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from kaltara_study.report.figures import PALETTE, SEQUENTIAL_CMAP, new_figure
from kaltara_study.report.labels import label

__all__ = ["NO_DATA_COLOR", "map_values", "plot_index_map", "plot_map", "plot_readiness_map", "plot_segment_map"]

NO_DATA_COLOR = "#E6E6E6"
_LEVEL_KEY = {"desa": "kode_desa", "kabkota": "kode_kabkota"}


def map_values(table: pd.DataFrame, column: str, *, level: str = "desa", how: str = "auto",
               category: str | None = None) -> pd.DataFrame:
    """Values to map, keyed by region code: columns ``kode``, ``value`` (and ``name``).

    ``level="desa"``: one value per village (a village with two cooperatives takes the first by
    ``coop_id``; the choropleth cannot show both). ``level="kabkota"``: aggregated with ``how``:
    ``"mean"`` (numeric), ``"mode"`` (most frequent category, ties by sort order), ``"share"``
    (share of rows equal to ``category``); ``"auto"`` = mean for numbers, mode otherwise.
    """
    if level not in _LEVEL_KEY:
        raise ValueError(f"level must be 'desa' or 'kabkota', got {level!r}")
    key = _LEVEL_KEY[level]
    name = "nama_desa" if level == "desa" else "nama_kabkota"
    cols = ["coop_id", key, column] + ([name] if name in table.columns and name != column else [])
    d = table[cols].sort_values("coop_id", kind="stable")
    if level == "desa":
        out = d.drop_duplicates(key).rename(columns={key: "kode", column: "value", name: "name"})
        return out.drop(columns="coop_id").sort_values("kode").reset_index(drop=True)
    numeric = pd.api.types.is_numeric_dtype(d[column]) and not pd.api.types.is_bool_dtype(d[column])
    if how == "auto":
        how = "mean" if numeric else "mode"
    g = d.groupby(key, sort=True)
    if how == "mean":
        val = g[column].mean()
    elif how == "share":
        if category is None:
            raise ValueError("how='share' needs category=<the value whose share to map>")
        val = g[column].agg(lambda s: float((s == category).sum()) / len(s))
    elif how == "mode":
        val = g[column].agg(lambda s: sorted(s.dropna().astype(str).value_counts().pipe(
            lambda vc: vc[vc == vc.max()]).index)[0] if s.notna().any() else pd.NA)
    else:
        raise ValueError(f"how must be 'auto', 'mean', 'mode' or 'share', got {how!r}")
    out = val.rename("value").reset_index().rename(columns={key: "kode"})
    if name in d.columns:
        out["name"] = g[name].first().to_numpy()
    return out


def _colours(values: pd.Series, categorical: bool, order: Sequence | None, colors: Mapping | None,
             vmin: float | None, vmax: float | None, cmap: str):
    """Return (list of face colours, legend handles or None, ScalarMappable or None)."""
    if categorical:
        cats = list(order) if order is not None else sorted(values.dropna().astype(str).unique())
        cmap_ = {c: (colors or {}).get(c, PALETTE[i % len(PALETTE)]) for i, c in enumerate(cats)}
        faces = [cmap_.get(str(v), NO_DATA_COLOR) if pd.notna(v) else NO_DATA_COLOR for v in values]
        present = set(values.dropna().astype(str))
        return faces, [c for c in cats if c in present], cmap_, None
    v = pd.to_numeric(values, errors="coerce").astype(float)
    lo = float(np.nanmin(v)) if vmin is None and v.notna().any() else (vmin if vmin is not None else 0.0)
    hi = float(np.nanmax(v)) if vmax is None and v.notna().any() else (vmax if vmax is not None else 1.0)
    if hi <= lo:
        hi = lo + 1.0
    norm = Normalize(lo, hi)
    cm = colormaps[cmap]
    faces = [to_hex(cm(norm(x))) if np.isfinite(x) else NO_DATA_COLOR for x in v]
    return faces, None, None, ScalarMappable(norm=norm, cmap=cm)


def _legend(fig, ax, cats, cmap_, sm, value_labels, lang, legend_title, any_missing):
    if cats is not None:
        handles = [Patch(color=cmap_[c], label=str((value_labels or {}).get(c, c))) for c in cats]
        if any_missing:
            handles.append(Patch(color=NO_DATA_COLOR, label=label("map_no_data", lang=lang)))
        fig.legend(handles=handles, title=legend_title, loc="outside right upper", frameon=False, fontsize=8)
    elif sm is not None:
        fig.colorbar(sm, ax=ax, label=legend_title or "", shrink=0.7)


def plot_map(
    table: pd.DataFrame,
    column: str,
    *,
    boundaries=None,
    level: str = "desa",
    categorical: bool | None = None,
    order: Sequence | None = None,
    colors: Mapping | None = None,
    value_labels: Mapping | None = None,
    how: str = "auto",
    category: str | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    cmap: str = SEQUENTIAL_CMAP,
    lang: str = "id",
    title: str | None = None,
    legend_title: str | None = None,
) -> Figure:
    """Choropleth of ``column`` at ``level`` (``"desa"``/``"kabkota"``); schematic without boundaries.

    ``categorical`` defaults to True for non-numeric values; ``order``/``colors``/``value_labels``
    fix the category order, colours and legend text.
    """
    vals = map_values(table, column, level=level, how=how, category=category)
    if categorical is None:
        categorical = not (pd.api.types.is_numeric_dtype(vals["value"]) and not pd.api.types.is_bool_dtype(vals["value"]))
    if boundaries is not None:
        return _plot_geo(vals, boundaries, categorical=categorical, order=order, colors=colors,
                         value_labels=value_labels, vmin=vmin, vmax=vmax, cmap=cmap, lang=lang,
                         title=title, legend_title=legend_title)
    return _plot_schematic(vals, table, level=level, categorical=categorical, order=order, colors=colors,
                           value_labels=value_labels, vmin=vmin, vmax=vmax, cmap=cmap, lang=lang,
                           title=title, legend_title=legend_title)


def _plot_geo(vals, boundaries, *, categorical, order, colors, value_labels, vmin, vmax, cmap, lang,
              title, legend_title) -> Figure:
    if "kode" not in boundaries.columns:
        raise ValueError("boundaries need a 'kode' column with Kemendagri codes (e.g. 65.01.01.2001)")
    geo = boundaries[["kode", "geometry"]].merge(vals, on="kode", how="left").sort_values("kode")
    faces, cats, cmap_, sm = _colours(geo["value"], categorical, order, colors, vmin, vmax, cmap)
    fig, ax = new_figure(figsize=(8.0, 6.5))
    geo = geo.assign(face_=faces)
    geo.plot(ax=ax, color=geo["face_"].tolist(), edgecolor="white", linewidth=0.2)
    ax.set_axis_off()
    ax.set_aspect("equal")
    _legend(fig, ax, cats, cmap_, sm, value_labels, lang, legend_title, geo["value"].isna().any())
    if title:
        ax.set_title(title)
    return fig


def _plot_schematic(vals, table, *, level, categorical, order, colors, value_labels, vmin, vmax, cmap,
                    lang, title, legend_title) -> Figure:
    faces, cats, cmap_, sm = _colours(vals["value"], categorical, order, colors, vmin, vmax, cmap)
    vals = vals.assign(face_=faces)
    fig, ax = new_figure(figsize=(9.0, 5.0))
    rects, fc = [], []
    if level == "desa":
        kab = table[["kode_desa", "kode_kabkota", "nama_kabkota"]].drop_duplicates("kode_desa")
        vals = vals.merge(kab, left_on="kode", right_on="kode_desa", how="left")
        x0 = 0.0
        for kk, g in vals.groupby("kode_kabkota", sort=True):
            g = g.sort_values("kode")
            ncol = max(1, math.ceil(math.sqrt(len(g))))
            for i, face in enumerate(g["face_"]):
                r, c = divmod(i, ncol)
                rects.append(Rectangle((x0 + c, -r), 0.9, 0.9))
                fc.append(face)
            name = str(g["nama_kabkota"].iloc[0]).replace("Kabupaten ", "Kab. ")
            ax.text(x0 + ncol / 2, 1.3, name, ha="center", va="bottom", fontsize=8)
            x0 += ncol + 2
        ax.set_xlim(-1, x0 - 1)
        nrow = max((math.ceil(len(g) / max(1, math.ceil(math.sqrt(len(g))))) for _, g in vals.groupby("kode_kabkota")), default=1)
        ax.set_ylim(-nrow - 0.5, 2.5)
    else:
        for i, r in enumerate(vals.sort_values("kode").itertuples()):
            rects.append(Rectangle((i * 1.2, 0), 1.0, 1.0))
            fc.append(r.face_)
            name = str(getattr(r, "name", r.kode)).replace("Kabupaten ", "Kab. ")
            ax.text(i * 1.2 + 0.5, -0.15, name, ha="center", va="top", fontsize=8)
            if not categorical and pd.notna(r.value):
                dark = sm is None or sm.norm(float(r.value)) < 0.6      # viridis: light at the top
                ax.text(i * 1.2 + 0.5, 0.5, f"{float(r.value):.2f}", ha="center", va="center", fontsize=9,
                        color="white" if dark else "black")
        ax.set_xlim(-0.2, 1.2 * len(vals))
        ax.set_ylim(-0.6, 1.2)
    ax.add_collection(PatchCollection(rects, facecolors=fc, edgecolors="white", linewidths=0.3))
    ax.set_aspect("equal")
    ax.set_axis_off()
    _legend(fig, ax, cats, cmap_, sm, value_labels, lang, legend_title, vals["value"].isna().any())
    ax.set_title((title + "\n" if title else "") + label("map_schematic_note", lang=lang), fontsize=10)
    return fig


def plot_segment_map(table: pd.DataFrame, *, boundaries=None, level: str = "desa", column: str = "segment_name",
                     order: Sequence | None = None, lang: str = "id") -> Figure:
    """Segment of each village's cooperative (village level) or the most frequent segment (kabupaten)."""
    return plot_map(table, column, boundaries=boundaries, level=level, categorical=True, order=order,
                    lang=lang, title=label("map_title_segment", lang=lang), how="mode")


def plot_index_map(table: pd.DataFrame, *, boundaries=None, level: str = "desa", column: str = "index",
                   lang: str = "id") -> Figure:
    """The composite index per village, or its mean per kabupaten."""
    return plot_map(table, column, boundaries=boundaries, level=level, categorical=False, how="mean",
                    lang=lang, title=label("map_title_index", lang=lang),
                    legend_title=label("map_title_index", lang=lang))


def plot_readiness_map(table: pd.DataFrame, assessment: pd.DataFrame, *, partner: str, boundaries=None,
                       level: str = "desa", lang: str = "id") -> Figure:
    """Readiness for ``partner``: the verdict per village, or the share ready per kabupaten."""
    from kaltara_study.report.figures.readiness import VERDICT_COLORS
    from kaltara_study.readiness.criteria import VERDICTS, partner_label, verdict_label

    a = assessment.loc[assessment.partner == partner, ["coop_id", "verdict"]]
    t = table.drop(columns=[c for c in ("verdict",) if c in table.columns]).assign(
        coop_id=lambda d: d.coop_id.astype(str)).merge(a, on="coop_id", how="left")
    title = f"{label('map_title_readiness', lang=lang)}: {partner_label(partner, lang=lang)}"
    if level == "kabkota":
        return plot_map(t, "verdict", boundaries=boundaries, level=level, categorical=False, how="share",
                        category="ready", vmin=0, vmax=1, lang=lang, title=title,
                        legend_title=f"{label('rd_share', lang=lang)} {verdict_label('ready', lang=lang)}")
    return plot_map(t, "verdict", boundaries=boundaries, level=level, categorical=True, order=list(VERDICTS),
                    colors=VERDICT_COLORS, value_labels={v: verdict_label(v, lang=lang) for v in VERDICTS},
                    lang=lang, title=title)
