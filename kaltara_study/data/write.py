"""Writers: deterministic figure files, CSV tables, file hashes."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

SYNTHETIC_NOTE = "SYNTHETIC"
PNG_DPI = 300


def sha256_file(path: Path | str) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def save_figure(fig, name: str, *, folder: Path | str) -> list[Path]:
    """Save ``fig`` as ``<folder>/<name>.png`` (300 dpi) and ``.pdf``, byte-reproducibly.

    No timestamps or version stamps are written (PNG ``Software``, PDF ``CreationDate``/``Producer``
    are removed; SVG hash salt fixed), so the same figure always gives the same bytes.
    """
    import matplotlib as mpl

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with mpl.rc_context({"svg.hashsalt": "kaltara-study", "pdf.compression": 6}):
        png = folder / f"{name}.png"
        fig.savefig(png, dpi=PNG_DPI, metadata={"Software": None})
        pdf = folder / f"{name}.pdf"
        fig.savefig(pdf, metadata={"CreationDate": None, "Producer": None, "Creator": None})
        written += [png, pdf]
    return written


def write_table(
    df: pd.DataFrame, path: Path | str, *, index: bool = False, synthetic: bool = False
) -> Path:
    """Write ``df`` to CSV (UTF-8, ``\\n`` line ends, stable float format).

    With ``synthetic=True`` a first column ``data_status`` = ``SYNTHETIC`` says so on every row.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = df.copy()
    if synthetic:
        out.insert(0, "data_status", SYNTHETIC_NOTE)
    out.to_csv(path, index=index, lineterminator="\n", float_format="%.10g")
    return path


def save_xlsx(wb, path: Path | str, *, fixed_time) -> Path:
    """Save an openpyxl workbook byte-reproducibly: ``fixed_time`` (a datetime) replaces the
    document's created/modified stamps and every zip member's time; members are written sorted
    with fixed attributes, so the same sheets always give the same bytes."""
    import io
    import re
    import zipfile

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
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
