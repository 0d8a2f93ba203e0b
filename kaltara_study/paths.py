"""Where a study's files are: the project root (found from a marker file), its folders, and the raw
folders of a data source. The bottom of the package: it imports only :mod:`kaltara_study.errors`, so
the data layer can resolve folders without knowing the :class:`~kaltara_study.study.Study` above it.

The project root is found from a marker file (``.kaltara-root``), searched upward from this
package's folder (or from ``KALTARA_ROOT`` when set), never from the current working directory, so
notebooks, papermill, nbval and the CLI all see the same paths wherever they are started.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kaltara_study.errors import ConfigError

MARKER = ".kaltara-root"
#: Named data sources; any other value is a folder of raw files.
SOURCES = ("kaltara", "synthetic")
DEFAULT_SOURCE = "kaltara"
DEFAULT_SEED = 20251
LANGS = ("id", "en")
DEFAULT_LANG = "id"


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
    def kaltara_raw(self) -> Path:
        """The vendored public Kaltara data (with ``PROVENANCE.md``) and the researchers' drop-ins."""
        return self.raw / "kaltara"

    @property
    def shared_kaltara(self) -> Path:
        """Former name of :attr:`kaltara_raw` (the public data is vendored now)."""
        return self.kaltara_raw

    @property
    def researcher_kaltara(self) -> Path:
        """Where researchers drop the study's own files (survey, assessment, Podes exports)."""
        return self.kaltara_raw / "survey"

    @property
    def synthetic_raw(self) -> Path:
        return self.raw / "synthetic"

    @property
    def interim(self) -> Path:
        """The cache (cookiecutter-data-science's ``data/interim``)."""
        return self.root / "data" / "interim"

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def build(self) -> Path:
        return self.root / "build"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def config(self) -> Path:
        return self.root / "config"

    @property
    def national(self) -> Path:
        """National IDM data for benchmarks: ``$KALTARA_NATIONAL_DATA`` or ``<root>/../shared/data/national``
        (read in place, never vendored; benchmarks skip without it)."""
        env = os.environ.get("KALTARA_NATIONAL_DATA")
        return Path(env) if env else self.root.parent / "shared" / "data" / "national"


def paths(root: Path | str | None = None) -> Paths:
    return Paths(Path(root).resolve() if root else project_root())


def source_dirs(source: str, *, root: Path | None = None) -> list[Path]:
    """Folders that hold the raw inputs of a data source, in reading order.

    ``"kaltara"`` → ``data/raw/kaltara`` (vendored public data + researchers' files);
    ``"synthetic"`` → ``data/raw/synthetic``; any other value is taken as a folder path.
    """
    p = paths(root)
    if source == "synthetic":
        return [p.synthetic_raw]
    if source == "kaltara":
        return [p.kaltara_raw]
    folder = Path(source)
    if not folder.is_absolute():
        folder = p.root / folder
    if not folder.is_dir():
        raise ConfigError(
            f"data source {source!r} is neither 'kaltara', 'synthetic' nor an existing folder; "
            f"use --source kaltara (the real public data, default), --source synthetic, or a folder "
            f"that holds raw files"
        )
    return [folder]


def source_key(source: str) -> str:
    """A folder-safe name for a source: ``kaltara``, ``synthetic`` or the folder's name."""
    return source if source in SOURCES else Path(source).name or "custom"


def default_output(source: str, lang: str) -> str:
    """Where a build writes: ``reports`` for the real study in Indonesian (committed); every other
    source or language into its own untracked folder ``build/<source>[-<lang>]``."""
    if source == DEFAULT_SOURCE and lang == DEFAULT_LANG:
        return "reports"
    key = source_key(source)
    return f"build/{key}" if lang == DEFAULT_LANG else f"build/{key}-{lang}"
