"""Read and write the processed analysis tables under ``data/processed/<source>/``.

Files: ``cooperatives.parquet`` + ``cooperatives.csv``, ``villages.parquet``, ``audit.csv``,
``validation.csv``, ``load_summary.csv`` and ``inputs.json`` (the input hash that keys the cache).
CSV copies of SYNTHETIC builds carry a ``data_status = SYNTHETIC`` first column.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from kaltara_study import pii
from kaltara_study.data.schema import data_dictionary_markdown
from kaltara_study.data.write import atomic_write, write_table
from kaltara_study.paths import paths

__all__ = ["PROCESSED_FILES", "read_answers", "write_data_dictionary",
           "write_processed"]

PROCESSED_FILES = ("cooperatives.parquet", "cooperatives.csv", "villages.parquet", "audit.csv", "validation.csv",
                   "load_summary.csv", "inputs.json")


def _to_parquet(df: pd.DataFrame, path: Path) -> None:
    """Parquet with personal data masked (:func:`kaltara_study.pii.scrub_frame`)."""
    clean = pii.scrub_frame(df)
    atomic_write(path, lambda p: clean.to_parquet(p, index=False, engine="pyarrow"))


def write_processed(folder: str | Path, *, table: pd.DataFrame, villages: pd.DataFrame, audit: pd.DataFrame,
                    validation: pd.DataFrame, load_summary: pd.DataFrame, manifest: dict,
                    synthetic: bool) -> list[Path]:
    """Write every processed file of one source; ``inputs.json`` last (it marks a complete build).

    Every file is written with personal data masked (parquet through :func:`pii.scrub_frame`, CSV
    through :func:`kaltara_study.data.write.write_table`)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "inputs.json").unlink(missing_ok=True)  # marks the build incomplete until the end
    _to_parquet(table, folder / "cooperatives.parquet")
    _to_parquet(villages, folder / "villages.parquet")
    for name, df in (("cooperatives.csv", table), ("audit.csv", audit), ("validation.csv", validation),
                     ("load_summary.csv", load_summary)):
        write_table(df, folder / name, synthetic=synthetic)  # atomic itself
    text = pii.scrub_text(json.dumps(manifest, indent=1, sort_keys=True)) + "\n"
    atomic_write(folder / "inputs.json", lambda p: p.write_text(text, encoding="utf-8"))
    return [folder / f for f in PROCESSED_FILES]


def read_answers(path: str | Path) -> pd.DataFrame:
    """The SYNTHETIC answer file (``coop_id, kode_desa, archetype``), sorted by ``coop_id``."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    cols = [c for c in ("coop_id", "kode_desa", "archetype") if c in df.columns]
    return df[cols].sort_values("coop_id", kind="stable").reset_index(drop=True)


def write_data_dictionary(path: str | Path | None = None) -> Path:
    """Write ``docs/data_dictionary.md`` from :func:`kaltara_study.data.schema.data_dictionary_markdown`."""
    path = Path(path) if path is not None else paths().root / "docs" / "data_dictionary.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data_dictionary_markdown(), encoding="utf-8", newline="\n")
    return path
