"""Maps: choropleths of precomputed values (segment, index, readiness, IDM status) on the real
boundaries, with kabupaten outlines and names, a scale bar and a north arrow.

The functions draw and compute nothing: ``values`` comes from
:func:`kaltara_study.explore.map_values` (one value per village or kabupaten) or
:func:`kaltara_study.explore.share_map_values` (the readiness stage's share per kabupaten), with
columns ``kode, value`` and optionally ``name, kode_kabkota, nama_kabkota, n``. ``boundaries`` is a
GeoDataFrame with ``kode`` (Kemendagri codes, ``65.01`` or ``65.01.01.2001``) and ``geometry``
(EPSG:4326), e.g. :func:`kaltara_study.data.pipeline.load_boundaries` or
``read_boundaries(".../kaltara_boundaries_desa_kelurahan.geojson", "desa")``; units without a value
are grey. ``kabupaten`` (the kabupaten boundaries, with ``kode`` and ``nama``) adds outlines and
names; without it village boundaries are dissolved by their kabupaten code.

Colour scales have meaningful bounds (the index 0–100, shares 0–1, IDM 0–1), never the data's
min/max. Without boundaries (synthetic codes match no real polygon) a labelled **schematic** is drawn
instead: it shows composition, not geography, and says so.

>>> fig = plot_index_map(explore.map_values(table, "index"), boundaries=desa, kabupaten=kab)  # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib import colormaps, patheffects
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PatchCollection
from matplotlib.colors import Normalize, to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from kaltara_study.report.figures import (
    localised,
    short_kabupaten,
    wrap,
    IDM_STATUS_ORDER,
    NO_DATA_COLOR,
    PALETTE,
    SEQUENTIAL_CMAP,
    VERDICT_COLORS,
    VERDICT_ORDER,
    idm_status_colors,
    new_figure,
)
from kaltara_study.report.format import formatter
from kaltara_study.report.labels import idm_status_label, label, partner_label, value_label, verdict_label

__all__ = ["NO_DATA_COLOR", "plot_cooperative_points", "plot_idm_status_map", "plot_index_map", "plot_map", "plot_readiness_map",
           "plot_readiness_share_map", "plot_segment_map", "scale_bar_km"]

_HALO = [patheffects.withStroke(linewidth=2.5, foreground="white")]


def _bounds(values: pd.Series, vmin, vmax) -> tuple[float, float]:
    if vmin is not None and vmax is not None:
        return float(vmin), float(vmax)
    v = pd.to_numeric(values, errors="coerce").dropna()
    if len(v) and v.min() >= 0 and v.max() <= 1:
        return 0.0, 1.0
    if len(v) and v.min() >= 0 and v.max() <= 100:
        return 0.0, 100.0
    raise ValueError("give vmin and vmax: a colour scale needs meaningful bounds (e.g. 0–100 for the index), "
                     "not the data's minimum and maximum")


def _colours(values: pd.Series, categorical: bool, order, colors, vmin, vmax, cmap):
    """Return (face colours, categories present or None, category→colour or None, ScalarMappable or None)."""
    if categorical:
        cats = list(order) if order is not None else sorted(values.dropna().astype(str).unique())
        cmap_ = {c: (colors or {}).get(c, PALETTE[i % len(PALETTE)]) for i, c in enumerate(cats)}
        faces = [cmap_.get(str(v), NO_DATA_COLOR) if pd.notna(v) else NO_DATA_COLOR for v in values]
        present = set(values.dropna().astype(str))
        return faces, [c for c in cats if c in present], cmap_, None
    lo, hi = _bounds(values, vmin, vmax)
    norm = Normalize(lo, hi)
    cm = colormaps[cmap]
    v = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    finite = np.isfinite(v)
    rgba = cm(norm(np.where(finite, v, lo)))           # one colormap call, not one per village
    faces = [to_hex(c) if ok else NO_DATA_COLOR for c, ok in zip(rgba, finite, strict=True)]
    return faces, None, None, ScalarMappable(norm=norm, cmap=cm)


#: Where a map's legend may go inside the map, in order of preference (``loc`` and anchor in axes
#: fractions): above the scale bar (lower right), the other corners, then the sides. The first spot
#: that covers no land, label, scale bar or north arrow wins; with none free the legend goes outside.
LEGEND_SPOTS = (("lower right", (0.99, 0.13)), ("upper left", (0.01, 0.99)), ("lower left", (0.01, 0.01)),
                ("upper right", (0.91, 0.99)), ("center right", (0.99, 0.5)), ("center left", (0.01, 0.5)),
                ("lower center", (0.5, 0.01)), ("upper center", (0.5, 0.99)))
#: Legend text wider than this many characters is wrapped.
LEGEND_WRAP = 36


def _covered(fig, ax, box, occupied) -> bool:
    """Whether the display-space ``box`` covers more than a sliver of the ``occupied`` land
    (shapely geometry in data coordinates) or any text or patch already in ``ax`` (scale bar, north
    arrow, kabupaten names), or sticks out of the axes."""
    from shapely.geometry import box as shp_box

    a = ax.get_window_extent()
    if box.x0 < a.x0 - 1 or box.x1 > a.x1 + 1 or box.y0 < a.y0 - 1 or box.y1 > a.y1 + 1:
        return True
    r = fig.canvas.get_renderer()
    for art in [*ax.texts, *ax.patches]:
        if art.get_visible() and box.overlaps(art.get_window_extent(r)):
            return True
    if occupied is None or occupied.is_empty:
        return False
    (x0, y0), (x1, y1) = ax.transData.inverted().transform([[box.x0, box.y0], [box.x1, box.y1]])
    b = shp_box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    return b.area > 0 and occupied.intersection(b).area / b.area > 0.01


def place_legend(fig, ax, handles, *, occupied=None, title=None, **kw):
    """Put a legend of ``handles`` in the first free spot of :data:`LEGEND_SPOTS` inside the map
    ``ax`` (free: no land of ``occupied``, no text or patch of ``ax``); without one, outside on the
    right, the figure widened by the legend's width. Without ``occupied`` (a schematic: no free space)
    straight outside. Returns the legend (always in ``fig.legends``)."""
    opts = dict(handles=handles, title=title, frameon=False, fontsize=8, title_fontsize=9, alignment="left") | kw
    if occupied is None:
        return fig.legend(loc="outside right upper", **opts)
    fig.draw_without_rendering()                      # settle the layout (inside legends do not move it)
    r = fig.canvas.get_renderer()
    for loc, anchor in LEGEND_SPOTS:
        lg = fig.legend(loc=loc, bbox_to_anchor=anchor, bbox_transform=ax.transAxes, **opts)
        if not _covered(fig, ax, lg.get_window_extent(r), occupied):
            return lg
        lg.remove()
    lg = fig.legend(loc="outside right upper", **opts)
    w, h = fig.get_size_inches()
    fig.set_size_inches(w + lg.get_window_extent(r).width / fig.dpi + 0.15, h)
    return lg


def _nice_ticks(lo: float, hi: float) -> tuple[list[float], int]:
    """Round colour-bar ticks from ``lo`` to ``hi`` (both ends included) and the decimals they need."""
    from matplotlib.ticker import MaxNLocator

    ticks = [float(t) for t in MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]).tick_values(lo, hi)
             if lo - 1e-9 * abs(hi - lo) <= t <= hi + 1e-9 * abs(hi - lo)]
    for d in range(4):
        if all(abs(round(t, d) - t) < 1e-9 for t in ticks):
            return ticks, d
    return ticks, 3


def _legend(fig, ax, cats, cmap_, sm, value_labels, lang, legend_title, any_missing, percent, no_data_label=None,
            occupied=None):
    no_data = no_data_label or label("map_no_coop", lang=lang)
    if cats is not None:
        handles = [Patch(color=cmap_[c], label=wrap((value_labels or {}).get(c, c), LEGEND_WRAP)) for c in cats]
        if any_missing:
            handles.append(Patch(color=NO_DATA_COLOR, label=wrap(no_data, LEGEND_WRAP)))
        place_legend(fig, ax, handles, occupied=occupied, title=legend_title)
    elif sm is not None:
        fmt = formatter(lang)
        lo, hi = sm.norm.vmin, sm.norm.vmax
        ticks, d = _nice_ticks(lo, hi)
        title = legend_title or ""
        if not percent:                              # the scale's range is its unit: "(0–100)", "(0–5)"
            title += f" ({fmt.number(lo, d)}–{fmt.number(hi, d)})"
        cb = fig.colorbar(sm, ax=ax, label=title.strip(), shrink=0.7)
        cb.set_ticks(ticks, labels=[fmt.percent(t) if percent else fmt.number(t, d) for t in ticks])
        if any_missing:
            place_legend(fig, ax, [Patch(color=NO_DATA_COLOR, label=wrap(no_data, LEGEND_WRAP))], occupied=occupied)


def _occupied(geoms):
    """The land a map draws (one shapely geometry), where a legend must not go."""
    import shapely

    return shapely.unary_union([g for g in geoms if g is not None and not g.is_empty])


def _map_size(bounds, *, colorbar: bool) -> tuple[float, float]:
    """Figure size of a map: 6.2 in tall, as wide as the map's shape needs (legends go inside)."""
    x0, y0, x1, y1 = bounds
    aspect = (x1 - x0) / max(y1 - y0, 1e-9)
    return min(11.0, 5.4 * aspect + (1.6 if colorbar else 0.4)), 6.2


def scale_bar_km(width_deg: float, lat_deg: float) -> int:
    """A round scale-bar length (km) near a fifth of a map ``width_deg`` wide at latitude ``lat_deg``.

    >>> scale_bar_km(3.4, 2.8)
    50
    """
    km = width_deg * 111.32 * math.cos(math.radians(lat_deg)) / 5
    return int(max((s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500) if s <= km), default=1))



def _map_axes(ax, bounds: tuple[float, float, float, float], *, lang: str) -> None:
    """A map's axes: true proportions at the map's latitude, no ticks, labels, grid or frame, then
    the scale bar and north arrow (``_decorate``)."""
    x0, y0, x1, y1 = bounds
    ax.set_aspect(1 / math.cos(math.radians((y0 + y1) / 2)))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    _decorate(ax, bounds, lang=lang)

def _decorate(ax, geo_bounds, *, lang):
    """Scale bar (lower right) and north arrow (upper right) in an EPSG:4326 axis."""
    x0, y0, x1, y1 = geo_bounds
    lat = (y0 + y1) / 2
    km = scale_bar_km(x1 - x0, lat)
    deg = km / (111.32 * math.cos(math.radians(lat)))
    bx, by = x1 - deg - 0.04 * (x1 - x0), y0 + 0.04 * (y1 - y0)
    h = 0.012 * (y1 - y0)
    ax.add_patch(Rectangle((bx, by), deg / 2, h, facecolor="black", edgecolor="black", lw=0.6, zorder=5))
    ax.add_patch(Rectangle((bx + deg / 2, by), deg / 2, h, facecolor="white", edgecolor="black", lw=0.6, zorder=5))
    for xx, t in ((bx, "0"), (bx + deg, label("map_scale_km", lang=lang, km=km))):
        ax.text(xx, by + 2.2 * h, t, ha="center", va="bottom", fontsize=7, zorder=5, path_effects=_HALO)
    ax.annotate(label("map_north", lang=lang), xy=(0.965, 0.97), xytext=(0.965, 0.86), xycoords="axes fraction",
                ha="center", va="center", fontsize=9, fontweight="bold",
                arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.2}, zorder=6)


_short = short_kabupaten


@localised
def plot_map(
    values: pd.DataFrame,
    *,
    boundaries=None,
    kabupaten=None,
    level: str | None = None,
    categorical: bool | None = None,
    order: Sequence | None = None,
    colors: Mapping | None = None,
    value_labels: Mapping | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    cmap: str = SEQUENTIAL_CMAP,
    percent: bool = False,
    lang: str = "id",
    title: str | None = None,
    legend_title: str | None = None,
    no_data_label: str | None = None,
) -> Figure:
    """Choropleth of ``values`` (``kode, value``) on ``boundaries``; the schematic without them.

    ``level`` ("desa"/"kabkota") defaults from the codes. ``categorical`` defaults to True for
    non-numeric values; ``order``/``colors``/``value_labels`` fix the category order (legend in that
    order), colours and legend text. Continuous scales run from ``vmin`` to ``vmax`` (default 0–1
    or 0–100 when the values lie there; otherwise they must be given); ``percent`` labels the
    colour bar in percent.
    """
    if not {"kode", "value"} <= set(values.columns):
        raise ValueError("values need 'kode' and 'value' columns (see kaltara_study.explore.map_values)")
    if level is None:
        level = "desa" if values["kode"].astype(str).str.count(r"\.").max() >= 3 else "kabkota"
    if categorical is None:
        v = values["value"]
        categorical = not (pd.api.types.is_numeric_dtype(v) and not pd.api.types.is_bool_dtype(v))
    kw = dict(categorical=categorical, order=order, colors=colors, value_labels=value_labels, vmin=vmin, vmax=vmax,
              cmap=cmap, lang=lang, title=title, legend_title=legend_title, percent=percent,
              no_data_label=no_data_label)
    if boundaries is not None:
        return _plot_geo(values, boundaries, kabupaten=kabupaten, level=level, **kw)
    return _plot_schematic(values, level=level, **kw)


def _plot_geo(vals, boundaries, *, kabupaten, level, categorical, order, colors, value_labels, vmin, vmax, cmap,
              lang, title, legend_title, percent, no_data_label) -> Figure:
    if "kode" not in boundaries.columns:
        raise ValueError("boundaries need a 'kode' column with Kemendagri codes (e.g. 65.01.01.2001)")
    geo = boundaries[["kode", "geometry"]].merge(vals[["kode", "value"]], on="kode", how="left").sort_values("kode")
    faces, cats, cmap_, sm = _colours(geo["value"], categorical, order, colors, vmin, vmax, cmap)
    x0, y0, x1, y1 = (float(b) for b in geo.total_bounds)
    fig, ax = new_figure(figsize=_map_size((x0, y0, x1, y1), colorbar=not categorical))
    geo.plot(ax=ax, color=faces, edgecolor="white", linewidth=0.25)
    kab = kabupaten
    if kab is None and level == "desa":
        kab = boundaries.assign(kode=boundaries["kode"].str[:5]).dissolve(by="kode", as_index=False)
    if kab is not None:
        kab.boundary.plot(ax=ax, color="#333333", linewidth=0.8)
        names = kab["nama"] if "nama" in kab.columns else None
        if names is None and "name" in vals.columns and level == "kabkota":
            names = kab["kode"].map(vals.set_index("kode")["name"])
        if names is not None:
            for pt, nm in zip(kab.geometry.representative_point(), names, strict=True):
                if isinstance(nm, str):
                    ax.text(pt.x, pt.y, _short(nm), ha="center", va="center", fontsize=8, fontweight="bold",
                            color="#222222", path_effects=_HALO, zorder=4)
    pad = 0.03 * (x1 - x0)
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    _map_axes(ax, (x0 - pad, y0 - pad, x1 + pad, y1 + pad), lang=lang)
    if title:
        ax.set_title(title)
    land = _occupied((kab if kab is not None else geo).geometry)
    _legend(fig, ax, cats, cmap_, sm, value_labels, lang, legend_title, geo["value"].isna().any(), percent,
            no_data_label, occupied=land)
    return fig


def _plot_schematic(vals, *, level, categorical, order, colors, value_labels, vmin, vmax, cmap, lang, title,
                    legend_title, percent, no_data_label) -> Figure:
    faces, cats, cmap_, sm = _colours(vals["value"], categorical, order, colors, vmin, vmax, cmap)
    vals = vals.assign(face_=faces)
    fmt = formatter(lang)
    rects, fc = [], []
    if level == "desa":
        v = vals.assign(kab_=vals["kode_kabkota"] if "kode_kabkota" in vals.columns else vals["kode"].str[:5])
        blocks = [(kk, g.sort_values("kode")) for kk, g in v.groupby("kab_", sort=True)]
        # one row of blocks, each about twice as tall as wide, so the canvas is filled
        ncols = [max(1, math.ceil(math.sqrt(len(g) / 2))) for _, g in blocks]
        nrows = [math.ceil(len(g) / c) for (_, g), c in zip(blocks, ncols, strict=True)]
        width, height = sum(ncols) + 2 * (len(blocks) - 1), max(nrows, default=1)
        fig, ax = new_figure(figsize=(min(11.0, 0.2 * width + 3.5), min(7.5, 0.2 * height + 1.8)))
        x0 = 0.0
        for (kk, g), ncol in zip(blocks, ncols, strict=True):
            for i, face in enumerate(g["face_"]):
                r, c = divmod(i, ncol)
                rects.append(Rectangle((x0 + c, -r), 0.9, 0.9))
                fc.append(face)
            name = g["nama_kabkota"].iloc[0] if "nama_kabkota" in g.columns else kk
            ax.text(x0 + ncol / 2, 1.3, f"{_short(name)}\n(n = {fmt.integer(len(g))})", ha="center", va="bottom",
                    fontsize=7.5)
            x0 += ncol + 2
        ax.set_xlim(-1, x0 - 1)
        ax.set_ylim(-height - 0.5, 3.6)
    else:
        fig, ax = new_figure(figsize=(9.0, 3.4))
        for i, r in enumerate(vals.sort_values("kode").itertuples()):
            rects.append(Rectangle((i * 1.2, 0), 1.0, 1.0))
            fc.append(r.face_)
            name = _short(getattr(r, "name", r.kode))
            n = getattr(r, "n", None)
            ax.text(i * 1.2 + 0.5, -0.12, name + (f"\n(n = {fmt.integer(n)})" if n is not None and pd.notna(n) else ""),
                    ha="center", va="top", fontsize=8)
            if not categorical and pd.notna(r.value):
                dark = sm is None or sm.norm(float(r.value)) < 0.6      # viridis: light at the top
                txt = fmt.percent(r.value) if percent else fmt.number(r.value, 1)
                ax.text(i * 1.2 + 0.5, 0.5, txt, ha="center", va="center", fontsize=9,
                        color="white" if dark else "black")
        ax.set_xlim(-0.2, 1.2 * len(vals))
        ax.set_ylim(-0.75, 1.1)
    ax.add_collection(PatchCollection(rects, facecolors=fc, edgecolors="white", linewidths=0.3))
    ax.set_aspect("equal")
    ax.set_axis_off()
    _legend(fig, ax, cats, cmap_, sm, value_labels, lang, legend_title, vals["value"].isna().any(), percent,
            no_data_label)
    ax.set_title((title + "\n" if title else "") + label("map_schematic_note", lang=lang), fontsize=10)
    return fig


# ------------------------------------------------------------------------------- study maps
@localised
def plot_segment_map(values: pd.DataFrame, *, colors: Mapping[str, str], order: Sequence[str], boundaries=None,
                     kabupaten=None, lang: str = "id") -> Figure:
    """Segment of each village's cooperative (or the most frequent segment per kabupaten).

    ``values``: ``map_values(table, "segment_name")``; ``order``: segment names from highest to
    lowest potential; ``colors``: name → colour, from
    :func:`kaltara_study.report.figures.segment_colors` (the same colours as every segment figure).
    """
    return plot_map(values, boundaries=boundaries, kabupaten=kabupaten, categorical=True, order=order, colors=colors,
                    lang=lang, title=label("map_title_segment", lang=lang), legend_title=label("rd_segment_axis", lang=lang))


@localised
def plot_index_map(values: pd.DataFrame, *, boundaries=None, kabupaten=None, lang: str = "id") -> Figure:
    """The composite index (0–100 scale, fixed) per village or its mean per kabupaten."""
    return plot_map(values, boundaries=boundaries, kabupaten=kabupaten, categorical=False, vmin=0, vmax=100,
                    lang=lang, title=label("map_title_index", lang=lang), legend_title=label("map_title_index", lang=lang))


@localised
def plot_idm_status_map(values: pd.DataFrame, *, boundaries=None, kabupaten=None, lang: str = "id") -> Figure:
    """Official IDM status per village, sequential colours in the official order (legend Sangat
    Tertinggal → Mandiri); kelurahan have no IDM and are grey."""
    v = values.assign(value=values["value"].astype("string").str.upper())
    return plot_map(v, boundaries=boundaries, kabupaten=kabupaten, categorical=True, order=list(IDM_STATUS_ORDER),
                    colors=idm_status_colors(), value_labels={s: idm_status_label(s, lang=lang) for s in IDM_STATUS_ORDER},
                    lang=lang, title=label("idm_status", lang=lang), legend_title=label("idm_status", lang=lang),
                    no_data_label=label("map_no_idm", lang=lang))


@localised
def plot_readiness_map(values: pd.DataFrame, *, partner: str, boundaries=None, kabupaten=None,
                       lang: str = "id") -> Figure:
    """The readiness verdict (codes) of each village's cooperative for ``partner``, in the verdict
    colours; ``values`` = ``map_values(assessment-joined table, "verdict")`` for that partner."""
    title = f"{label('map_title_readiness', lang=lang)}: {partner_label(partner, lang=lang)}"
    return plot_map(values, boundaries=boundaries, kabupaten=kabupaten, categorical=True, order=list(VERDICT_ORDER),
                    colors=VERDICT_COLORS, value_labels={v: verdict_label(v, lang=lang) for v in VERDICT_ORDER},
                    lang=lang, title=title, legend_title=label("rd_verdict", lang=lang))


@localised
def plot_readiness_share_map(values: pd.DataFrame, *, partner: str, boundaries=None, kabupaten=None,
                             lang: str = "id") -> Figure:
    """Share of cooperatives ready for ``partner`` per kabupaten (0–100 %, fixed scale); ``values``
    from :func:`kaltara_study.explore.share_map_values`."""
    title = f"{label('map_title_readiness', lang=lang)}: {partner_label(partner, lang=lang)}"
    return plot_map(values, boundaries=boundaries, kabupaten=kabupaten, categorical=False, vmin=0, vmax=1,
                    percent=True, lang=lang, title=title, legend_title=label("rd_share_ready", lang=lang))


@localised
def plot_cooperative_points(points: pd.DataFrame, *, column: str, order: Sequence | None = None, boundaries=None,
                            kabupaten=None, lang: str = "id", title: str | None = None) -> Figure:
    """The cooperatives as points at their SIMKOPDES coordinates, coloured by the category ``column``.

    ``points`` has ``latitude, longitude`` and ``column`` (rows without coordinates are left out and
    counted in the legend title). On ``boundaries`` (villages, grey) with ``kabupaten`` outlines and
    names, a scale bar and a north arrow; without boundaries (synthetic coordinates) the points on
    plain longitude/latitude axes. Category text goes through
    :func:`kaltara_study.report.labels.value_label`; ``order`` fixes the legend order (default sorted).
    """

    pts = points.dropna(subset=["latitude", "longitude"])
    n_missing = len(points) - len(pts)
    present = set(pts[column].dropna().astype(str))
    cats = [c for c in order if c in present] if order is not None else sorted(present)
    colours = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(cats)}
    if boundaries is not None:
        x0, y0, x1, y1 = (float(b) for b in boundaries.total_bounds)
    else:
        x0, x1 = float(pts["longitude"].min()), float(pts["longitude"].max())
        y0, y1 = float(pts["latitude"].min()), float(pts["latitude"].max())
    fig, ax = new_figure(figsize=_map_size((x0, y0, x1, y1), colorbar=False) if boundaries is not None else (8.6, 6.2))
    if boundaries is not None:
        boundaries.plot(ax=ax, color=NO_DATA_COLOR, edgecolor="white", linewidth=0.25)
        if kabupaten is not None:
            kabupaten.boundary.plot(ax=ax, color="#333333", linewidth=0.8)
            if "nama" in kabupaten.columns:
                for pt, nm in zip(kabupaten.geometry.representative_point(), kabupaten["nama"], strict=True):
                    ax.text(pt.x, pt.y, _short(nm), ha="center", va="center", fontsize=8, fontweight="bold",
                            color="#222222", path_effects=_HALO, zorder=4)
    fmt = formatter(lang)
    for c in cats:
        sub = pts[pts[column].astype(str) == c]
        _ = ax.scatter(sub["longitude"], sub["latitude"], s=12, color=colours[c], edgecolor="white", linewidth=0.3,
                       zorder=3, label=f"{value_label(column, c, lang=lang)} ({fmt.integer(len(sub))})")
    pad = 0.03 * max(x1 - x0, 1e-6)
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    if boundaries is not None:
        _map_axes(ax, (x0 - pad, y0 - pad, x1 + pad, y1 + pad), lang=lang)
    else:
        ax.set_xlabel(label("longitude", lang=lang))
        ax.set_ylabel(label("latitude", lang=lang))
    ax.set_title(title or label("map_title_cooperative_points", lang=lang))
    handles, _ = ax.get_legend_handles_labels()
    for h in handles:
        h.set_label(wrap(h.get_label(), LEGEND_WRAP))
    if n_missing:                                    # the points not drawn, as the legend's last line
        handles.append(Patch(visible=False, label=wrap(
            label("map_points_without_coordinates", lang=lang, n=fmt.integer(n_missing)), LEGEND_WRAP)))
    land = None
    if boundaries is not None:
        land = _occupied((kabupaten if kabupaten is not None else boundaries).geometry)
    place_legend(fig, ax, handles, occupied=land, title=label(column, lang=lang))
    return fig
