"""Writers: deterministic figure files, CSV tables, XLSX workbooks, file hashes.

Every table writer masks personal data first (:mod:`kaltara_study.pii`): NIKs, phone numbers,
e-mail addresses and names after titles never reach a written file, whatever column they were
typed into.
"""
from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from kaltara_study import pii

if TYPE_CHECKING:  # PIL is imported where an image is made, not when the package loads
    from PIL import Image

SYNTHETIC_NOTE = "SYNTHETIC"
#: Resolution of the PNG figures (the HTML report, screens, a printed page); the PDF beside each is
#: the vector original for print. Notebooks show the PNG reduced to :data:`SCREEN_DPI`.
PNG_DPI = 200
SCREEN_DPI = 100
#: zlib level of the PNG and PDF streams. Level 3 instead of zlib's default 6: measured on a village
#: map, the PDF took 0.12 s instead of 0.27 s and the PNG 0.13 s instead of 0.15 s, for files about
#: 6 % larger; the pixels and the drawing are the same.
ZLIB_LEVEL = 3


def atomic_write(path: Path | str, write) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it to ``path``: a reader
    never sees half a file, and two processes (two notebooks, two test workers) writing the same
    result at once both leave a complete file. The temporary name is unique per process and thread."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def sha256_file(path: Path | str) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def save_figure(fig, name: str, *, folder: Path | str) -> tuple[list[Path], bytes]:
    """Save ``fig`` as ``<folder>/<name>.png`` (:data:`PNG_DPI`) and ``.pdf``, byte-reproducibly, and
    return ``([png, pdf], screen)``: ``screen`` is the saved PNG reduced to :data:`SCREEN_DPI`
    (:func:`screen_png`), what a notebook shows.

    No timestamps or version stamps are written (PNG ``Software``, PDF ``CreationDate``/``Producer``
    are removed; SVG hash salt fixed), so the same figure always gives the same bytes.

    Each file is one draw of the figure. The layout (constrained layout) is computed once, at the
    PNG's resolution, and both files are drawn with it and without the layout engine (restored
    afterwards): matplotlib would otherwise draw a figure that has one once more before each file,
    without rendering, only to settle the layout, and compute the layout again in every draw.
    The screen image is reduced from the PNG's own raster (the canvas holds it after the save), so
    the PNG is not decoded again; a figure on a canvas that is not Agg's is read back from its file.
    """
    import matplotlib as mpl

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    png, pdf = folder / f"{name}.png", folder / f"{name}.pdf"
    engine = fig.get_layout_engine()
    with mpl.rc_context({"svg.hashsalt": "kaltara-study", "pdf.compression": ZLIB_LEVEL}):
        if engine is not None:
            dpi = fig.dpi
            fig.dpi = PNG_DPI                  # text extents as the PNG will draw them
            try:
                engine.execute(fig)
            finally:
                fig.dpi = dpi
        # no layout engine at all (None, not "none": matplotlib draws a figure that has even the
        # placeholder engine once more, without rendering, before printing it)
        with mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
            fig.set_layout_engine(None)
        try:
            fig.savefig(png, dpi=PNG_DPI, metadata={"Software": None}, pil_kwargs={"compress_level": ZLIB_LEVEL})
            raster = _saved_raster(fig)
            fig.savefig(pdf, metadata={"CreationDate": None, "Producer": None, "Creator": None})
        finally:
            fig.set_layout_engine(engine)
    return [png, pdf], screen_png(raster if raster is not None else png)


def _saved_raster(fig):
    """The RGBA raster ``fig``'s Agg canvas holds after a PNG save (a PIL image), or None."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = fig.canvas
    if not isinstance(canvas, FigureCanvasAgg) or getattr(canvas, "renderer", None) is None:
        return None
    buf = canvas.buffer_rgba()
    return Image.frombuffer("RGBA", (buf.shape[1], buf.shape[0]), buf.tobytes(), "raw", "RGBA", 0, 1)


def screen_png(png: Path | str | Image.Image) -> bytes:
    """The PNG at ``png`` (written at :data:`PNG_DPI`; a path, or the raster as a PIL image) reduced
    to :data:`SCREEN_DPI` (box filter), as PNG bytes without metadata: what a notebook shows of a
    saved figure, without drawing it again."""
    import io

    from PIL import Image

    im = png if isinstance(png, Image.Image) else Image.open(png)
    try:
        small = im.reduce(max(1, round(PNG_DPI / SCREEN_DPI)))
    finally:
        if im is not png:
            im.close()
    buf = io.BytesIO()
    small.save(buf, format="png", compress_level=ZLIB_LEVEL)
    return buf.getvalue()


def write_table(
    df: pd.DataFrame, path: Path | str, *, index: bool = False, synthetic: bool = False
) -> Path:
    """Write ``df`` to CSV (UTF-8, ``\\n`` line ends, stable float format), personal data masked
    (:func:`kaltara_study.pii.scrub_frame`; cells, column names and the index).

    With ``synthetic=True`` a first column ``data_status`` = ``SYNTHETIC`` says so on every row.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = pii.scrub_frame(df)
    out = out.copy() if out is df else out
    if synthetic:
        out.insert(0, "data_status", SYNTHETIC_NOTE)
    return atomic_write(path, lambda p: out.to_csv(p, index=index, lineterminator="\n", float_format="%.10g"))


def save_xlsx(wb, path: Path | str, *, fixed_time, raw_data: bool = False) -> Path:
    """Save an openpyxl workbook byte-reproducibly: ``fixed_time`` (a datetime) replaces the
    document's created/modified stamps and every zip member's time; members are written sorted
    with fixed attributes, so the same sheets always give the same bytes.

    Personal data is masked before saving (every text cell through
    :func:`kaltara_study.pii.scrub_value`, and the sheet titles); the workbook object is
    changed in place accordingly. ``raw_data=True`` only for the synthetic generator's raw files
    in ``data/raw/synthetic``, whose fake identifiers are there to test this masking downstream."""
    import io
    import re
    import zipfile

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not raw_data:
        scrub_workbook(wb)
    wb.properties.created = fixed_time
    wb.properties.modified = fixed_time
    raw = io.BytesIO()
    wb.save(raw)
    stamp = fixed_time.strftime("%Y-%m-%dT%H:%M:%SZ")
    zip_time = fixed_time.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist()):
            payload = src.read(name)
            if name == "docProps/core.xml":
                text = payload.decode("utf-8")
                for tag in ("modified", "created"):
                    text = re.sub(rf"(<dcterms:{tag}[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{stamp}\g<2>", text)
                payload = text.encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=zip_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, payload)
    path.write_bytes(out.getvalue())
    return path


def scrub_workbook(wb) -> None:
    """Mask personal data in every cell and sheet title of an openpyxl workbook (in place).

    >>> import openpyxl
    >>> wb = openpyxl.Workbook(); wb.active.append(["Pak Budi 081234567890", 6501012345678901, "65.01.01.2001"])
    >>> scrub_workbook(wb); [c.value for c in wb.active[1]]
    ['Pak [NAMA] [TELEPON]', '[NIK]', '65.01.01.2001']
    """
    for ws in wb.worksheets:
        title = pii.scrub_text(ws.title)
        if title != ws.title:  # sheet titles cannot hold "[" or "]"
            ws.title = title.replace("[", "(").replace("]", ")")[:31]
        for cell in list(ws._cells.values()):  # existing cells only: iter_rows would add empty rows
            v = cell.value
            if v is None or isinstance(v, bool):
                continue
            if isinstance(v, (str, int, float)):
                nv = pii.scrub_value(v)
                if nv is not v and nv != v:
                    cell.value = nv
