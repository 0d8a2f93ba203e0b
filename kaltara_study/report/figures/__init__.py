"""Figure style, the SYNTHETIC mark and shared helpers.

Figure functions (one module per stage: ``figures.explore``, ``figures.index``, ``figures.segments``,
``figures.readiness``, ``figures.maps``) take DataFrames and keyword options, build a
:class:`matplotlib.figure.Figure` without pyplot (so nothing is drawn twice in notebooks) and return
it. Saving goes through :func:`save_figure` (``save_figure(study, fig, name)``).
"""

from __future__ import annotations

import functools
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib as mpl
from matplotlib import colormaps
from matplotlib.colors import to_hex
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import Formatter, LogFormatter, ScalarFormatter

from kaltara_study.data.write import save_figure as _write_figure
from kaltara_study.report.format import formatter
from kaltara_study.report.labels import label

# Okabe & Ito (2008) colour-blind-safe palette.
PALETTE = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
]
SEQUENTIAL_CMAP = "viridis"
DIVERGING_CMAP = "RdBu_r"
#: Ordinal variables (segments by potential, IDM status, levels) take this sequential map, in order.
ORDINAL_CMAP = "YlGnBu"
#: Faces of units without data (never a level of the scale).
NO_DATA_COLOR = "#E6E6E6"

#: Partners in the order every table and figure shows them.
PARTNER_ORDER = ("pertamina", "bulog", "pharmacy", "telkomsel", "bank")
#: Verdict codes of the readiness stage, best first, and one colour each (Okabe–Ito; grey for
#: "not assessable": missing data, not a level).
VERDICT_ORDER = ("ready", "provisional", "nearly_ready", "not_ready", "not_assessable")
VERDICT_COLORS = {
    "ready": "#009E73",
    "provisional": "#7FCDBB",
    "nearly_ready": "#56B4E9",
    "not_ready": "#D55E00",
    "not_assessable": "#BBBBBB",
}
#: Official IDM status order (Permendesa 2/2016), lowest first.
IDM_STATUS_ORDER = ("SANGAT TERTINGGAL", "TERTINGGAL", "BERKEMBANG", "MAJU", "MANDIRI")


def ordinal_colors(n: int, *, cmap: str = ORDINAL_CMAP, low: float = 0.25, high: float = 0.95) -> list[str]:
    """``n`` colours of a sequential map in order, light (first) → dark (last), never white.

    >>> ordinal_colors(3)[0] != ordinal_colors(3)[2]
    True
    """
    cm = colormaps[cmap]
    if n <= 1:
        return [to_hex(cm(high))]
    return [to_hex(cm(low + (high - low) * i / (n - 1))) for i in range(n)]


def segment_colors(k: int) -> dict[int, str]:
    """The one colour of each segment ``1..k`` (segment 1 = highest potential = darkest), used by every
    figure and map: ordinal, so a sequential palette in the segments' order.

    >>> segment_colors(3)[1] == ordinal_colors(3)[2]
    True
    """
    cols = ordinal_colors(k)
    return {s: cols[k - s] for s in range(1, k + 1)}


def segment_color(segment: int, k: int) -> str:
    """The colour of segment ``segment`` among ``k`` (see :func:`segment_colors`)."""
    return segment_colors(k)[int(segment)]


def idm_status_colors() -> dict[str, str]:
    """One colour per official IDM status, sequential in the official order (Sangat Tertinggal light →
    Mandiri dark)."""
    return dict(zip(IDM_STATUS_ORDER, ordinal_colors(len(IDM_STATUS_ORDER), cmap="YlOrBr", low=0.2), strict=True))



def short_kabupaten(name) -> str:
    """A kabupaten/kota name as every figure writes it: ``Kabupaten Bulungan`` → ``Kab. Bulungan``
    (``Kota Tarakan`` unchanged)."""
    return str(name).replace("Kabupaten ", "Kab. ")


def wrap(text, width: int = 32) -> str:
    """``text`` broken into lines of at most ``width`` characters (existing line breaks kept), for
    long category names in legends and tick labels.

    >>> wrap("Layanan kesehatan dan perdagangan & pasar tinggi", 30).split("\\n")
    ['Layanan kesehatan dan', 'perdagangan & pasar tinggi']
    """
    return "\n".join(textwrap.fill(part, width, break_on_hyphens=False) if part else part
                     for part in str(text).split("\n"))


STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,                 # grid lines behind bars, never across them
    "grid.alpha": 0.3,
    "figure.dpi": 100,
    "savefig.bbox": "tight",
    "image.cmap": SEQUENTIAL_CMAP,
    "svg.hashsalt": "kaltara-study",
}


class _SavedOnlyCanvas(FigureCanvasAgg):
    """The Agg canvas of the package's figures, whose ``draw_idle`` does nothing: a figure is drawn
    when it is saved (:func:`save_figure`), never before. geopandas' ``plot`` ends with
    ``canvas.draw_idle()``, which on a plain Agg canvas is a whole draw of the figure — two wasted
    draws per map (about 0.3 s of each map's 0.6 s, measured here)."""

    def draw_idle(self, *args, **kwargs) -> None:
        pass


def new_figure(*, figsize: tuple[float, float] = (7.0, 4.5), nrows: int = 1, ncols: int = 1, **kw):
    """A styled ``Figure`` and its axes, created without pyplot. Returns ``(fig, axes)``."""
    with mpl.rc_context(STYLE):
        fig = Figure(figsize=figsize, layout="constrained")
        _SavedOnlyCanvas(fig)
        axes = fig.subplots(nrows, ncols, **kw)
    return fig, axes


def cell_value(ax, x, y, text: str, *, fontsize: float, dark: bool):
    """Write ``text`` centred in heatmap cell (``x``, ``y``), white on a ``dark`` cell. The value sits
    inside its cell, so it is left out of the layout: constrained layout would measure each one
    (190 in the correlation heatmap) for nothing."""
    return ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, in_layout=False,
                   color="white" if dark else "black")


#: Height (inches) of the strip added under a figure for the SYNTHETIC mark.
MARK_STRIP_IN = 0.4


def mark_synthetic(fig: Figure, *, lang: str = "id") -> Figure:
    """Stamp a visible SYNTHETIC DATA mark on ``fig`` (idempotent). Returns ``fig``.

    The figure grows by a strip of :data:`MARK_STRIP_IN` inches at the bottom, the layout is kept
    out of it (constrained layout's ``rect``), and the mark — a boxed line — sits in that strip, so
    it never covers a label, legend or tick, whether the figure is saved tight or not.
    """
    if getattr(fig, "_kaltara_synthetic_mark", False):
        return fig
    w, h = fig.get_size_inches()
    frac = MARK_STRIP_IN / (h + MARK_STRIP_IN)
    fig.set_size_inches(w, h + MARK_STRIP_IN)
    # a figure legend placed "outside lower" owns the bottom edge (the package's figures never do
    # that; a foreign figure might): then the strip goes on top — safe unless it also has a suptitle
    top = any(getattr(lg, "_outside_loc", None) == "lower" for lg in fig.legends)
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0, 0, 1, 1 - frac) if top else (0, frac, 1, 1 - frac))
    else:                                     # no constrained layout: make room by hand
        for ax in fig.axes:
            x0, y0, bw, bh = ax.get_position().bounds
            ax.set_position([x0, (0 if top else frac) + y0 * (1 - frac), bw, bh * (1 - frac)])
    y = 1 - frac / 2 if top else frac / 2
    fig.text(0.01, y, label("synthetic_footer", lang=lang), transform=fig.transFigure,
             fontsize=9, fontweight="bold", color="#9C2A00", ha="left", va="center",
             bbox={"boxstyle": "square,pad=0.3", "facecolor": "#FDE0CF", "edgecolor": "#D55E00", "linewidth": 1.0})
    fig._kaltara_synthetic_mark = True
    return fig


@dataclass(frozen=True)
class SavedFigure:
    """A figure as :func:`save_figure` wrote it: the :class:`~matplotlib.figure.Figure`, its files,
    and the saved PNG at screen resolution, which is what a notebook shows (the figure is not drawn
    a third time for the screen, and what is shown is exactly what was saved)."""

    figure: Figure
    paths: tuple[Path, ...]
    png: bytes = field(repr=False)

    def _repr_png_(self) -> bytes:
        return self.png

    def __repr__(self) -> str:
        return f"<{', '.join(p.name for p in self.paths)}>"


def save_figure(study, fig: Figure, name: str) -> SavedFigure:
    """The one helper that saves a figure: marks it (on synthetic data, :func:`mark_synthetic`) and
    writes it as PNG + PDF under ``<output>/figures`` of ``study`` (byte-reproducible, through the io
    layer). Returns a :class:`SavedFigure`, so a notebook cell ending with it shows the saved figure;
    its ``.figure`` is ``fig``."""
    if study.is_synthetic:
        mark_synthetic(fig, lang=study.lang)
    paths, screen = _write_figure(fig, name, folder=study.figures_dir)
    return SavedFigure(fig, tuple(paths), screen)


_PLAIN_NUMBER = re.compile(r"^([\u2212-]?)(\d{4,})(\.\d+)?$")


def _group_thousands(text: str) -> str:
    """``12345.5`` → ``12,345.5`` (a plain tick number of four or more integer digits; anything else
    — offsets, exponents, categories — is returned unchanged)."""
    m = _PLAIN_NUMBER.match(text)
    if m is None:
        return text
    sign, digits, decimals = m.groups()
    return f"{sign}{int(digits):,}{decimals or ''}"


class _LocalTicks(Formatter):
    """Wraps a numeric tick formatter and writes its numbers as the report's tables do: thousands
    grouped (``1,180``) and, in Indonesian, the separators swapped (``1.180``, ``0,5``)."""

    def __init__(self, base: Formatter, lang: str):
        self.base = base
        self.fmt = formatter(lang)

    def _local(self, text: str) -> str:
        return self.fmt.separators(_group_thousands(text))

    def __call__(self, x, pos=None):
        return self._local(self.base(x, pos))

    def set_axis(self, axis):
        super().set_axis(axis)
        self.base.set_axis(axis)

    def set_locs(self, locs):
        self.base.set_locs(locs)

    def get_offset(self):
        return self._local(self.base.get_offset())

    def format_data_short(self, value):
        return self._local(self.base.format_data_short(value))


def localise(fig: Figure, lang: str = "id") -> Figure:
    """Numeric tick labels of every axis (colour bars included) written as the report's tables write
    numbers: ``0,5`` and ``1.180`` in Indonesian, ``0.5`` and ``1,180`` in English. Category and
    hand-set labels are left alone. Returns ``fig``."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            f = axis.get_major_formatter()
            if isinstance(f, (ScalarFormatter, LogFormatter)):
                axis.set_major_formatter(_LocalTicks(f, lang))
            g = axis.get_minor_formatter()
            if isinstance(g, LogFormatter):
                axis.set_minor_formatter(_LocalTicks(g, lang))
    return fig


def localised(func):
    """Decorator for ``plot_*(…, lang=…) -> Figure``: applies :func:`localise` with the call's ``lang``."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return localise(func(*args, **kwargs), kwargs.get("lang", "id"))

    return wrapper


def _figure_png(fig: Figure) -> bytes:
    """PNG bytes of ``fig`` for notebook display (no Software stamp, so outputs are reproducible)."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def register_notebook_display() -> bool:
    """Let IPython show pyplot-free Figures as PNG when a cell returns one (no-op outside IPython).

    Figures here are built without pyplot, so the inline backend never draws them twice; this
    formatter is what makes ``fig`` as a cell's last expression render. Returns True if registered.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the stack
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.display_formatter.formatters["image/png"].for_type(Figure, _figure_png)
    return True


register_notebook_display()
