"""Project root, paths, data sources and the per-run context.

The project root is found from a marker file (``.kaltara-root``), searched upward from this
package's folder (or from ``KALTARA_ROOT`` when set), never from the current working directory, so
notebooks, papermill, nbval and the CLI all see the same paths wherever they are started.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kaltara_study.errors import ConfigError

MARKER = ".kaltara-root"
SOURCES = ("synthetic", "kaltara")
DEFAULT_SEED = 20251
LANGS = ("id", "en")


def project_root(start: Path | str | None = None) -> Path:
    """Return the repository root: the first parent of ``start`` holding ``.kaltara-root``.

    ``start`` defaults to ``$KALTARA_ROOT`` or this package's folder.

    >>> (project_root() / ".kaltara-root").exists()
    True
    """
    env = os.environ.get("KALTARA_ROOT")
    here = Path(start or env or Path(__file__).resolve().parent).resolve()
    for p in (here, *here.parents):
        if (p / MARKER).is_file():
            return p
    raise ConfigError(
        f"no {MARKER} marker found above {here}; run from a kaltara-study checkout or set KALTARA_ROOT"
    )


@dataclass(frozen=True)
class Paths:
    """Every folder the project reads or writes, resolved against one root."""

    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def synthetic_raw(self) -> Path:
        return self.raw / "synthetic"

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def config(self) -> Path:
        return self.root / "config"

    @property
    def shared_kaltara(self) -> Path:
        """The real public Kaltara data, vendored in the repository: ``<root>/data/raw/kaltara``.

        (The name is kept from when these files lived outside the project in ``../shared``; issue 10
        vendored them with ``PROVENANCE.md``.) The researcher's own files go into its ``survey/``
        subfolder (:attr:`researcher_kaltara`).
        """
        return self.raw / "kaltara"

    @property
    def researcher_kaltara(self) -> Path:
        """Where a researcher drops survey, assessment or Podes exports: ``data/raw/kaltara/survey``."""
        return self.shared_kaltara / "survey"


def paths(root: Path | str | None = None) -> Paths:
    return Paths(Path(root).resolve() if root else project_root())


def source_dirs(source: str, *, root: Path | None = None) -> list[Path]:
    """Folders that hold the raw inputs of a data source, in reading order.

    ``"synthetic"`` → ``data/raw/synthetic``; ``"kaltara"`` → ``data/raw/kaltara`` (the vendored
    public data, whose ``survey/`` subfolder holds the researcher's own files, found by their headers by
    :func:`kaltara_study.data.sources.discover_files`); any other value is taken as a folder path.
    """
    p = paths(root)
    if source == "synthetic":
        return [p.synthetic_raw]
    if source == "kaltara":
        return [p.shared_kaltara]
    folder = Path(source)
    if not folder.is_absolute():
        folder = p.root / folder
    if not folder.is_dir():
        raise ConfigError(
            f"data source {source!r} is neither 'synthetic', 'kaltara' nor an existing folder"
        )
    return [folder]


@dataclass
class RunContext:
    """The notebook parameters of one build, with helpers that write through :mod:`kaltara_study.data`.

    Notebooks create one from their ``parameters`` cell::

        run = RunContext(source=source, output_dir=output_dir, lang=lang, seed=seed)
        fig = plot_something(df, lang=run.lang)
        run.save_figure(fig, "something")   # adds the SYNTHETIC mark on synthetic data
    """

    source: str = "synthetic"
    output_dir: str = "reports"
    lang: str = "id"
    seed: int = DEFAULT_SEED
    root: Path = field(default_factory=project_root)

    def __post_init__(self) -> None:
        if self.lang not in LANGS:
            raise ConfigError(f"lang must be one of {LANGS}, got {self.lang!r}")
        self.root = Path(self.root)

    @property
    def is_synthetic(self) -> bool:
        return self.source == "synthetic"

    @property
    def out(self) -> Path:
        out = Path(self.output_dir)
        return out if out.is_absolute() else self.root / out

    @property
    def figures_dir(self) -> Path:
        return self.out / "figures"

    @property
    def tables_dir(self) -> Path:
        return self.out / "tables"

    def banner(self):
        """A Markdown banner saying plainly whether this run is on SYNTHETIC or real data."""
        from IPython.display import Markdown

        if self.is_synthetic:
            text = (
                "> **SYNTHETIC DATA / DATA SINTETIS.** Every number, table and figure below comes "
                "from the package's deterministic synthetic dataset (`data/raw/synthetic/`). "
                "They demonstrate the method; they are **not findings** about Kaltara's cooperatives."
            )
        else:
            text = (
                f"> **Data source: `{self.source}`** (real public data where available; see "
                "MANIFEST.json for the exact input files and their sha256)."
            )
        return Markdown(text)

    def save_figure(self, fig, name: str):
        """Mark (if synthetic) and save ``fig`` as PNG + PDF under ``<output>/figures``; returns fig."""
        from kaltara_study.data import write as io
        from kaltara_study.report.figures import mark_synthetic

        if self.is_synthetic:
            mark_synthetic(fig, lang=self.lang)
        io.save_figure(fig, name, folder=self.figures_dir)
        return fig

    def save_table(self, df, name: str, *, index: bool = False):
        """Write ``df`` as CSV under ``<output>/tables`` (a SYNTHETIC note column on synthetic data)."""
        from kaltara_study.data import write as io

        io.write_table(df, self.tables_dir / f"{name}.csv", index=index, synthetic=self.is_synthetic)
        return df
