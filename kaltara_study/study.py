"""The Study: one object, resolved once, that carries a run's source, root, seed and language, its
folders, its raw files and its loaded configs.

Everything downstream (the build, the stages, the notebooks, the tests) receives a :class:`Study`;
nothing else turns a source name into paths or compares source names as strings.

Folders come from :mod:`kaltara_study.paths` (the bottom of the package, which the data layer
uses); the configs from :mod:`kaltara_study.configs`, which sits above the methods. So the Study
sits above the methods and the data layer and below the stages and the report.

>>> study = load_study("kaltara")
>>> study.is_synthetic, study.lang, study.raw_dirs[0].name
(False, 'id', 'kaltara')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from kaltara_study import configs as _configs
from kaltara_study.data.write import write_table
from kaltara_study.errors import ConfigError
from kaltara_study.paths import (DEFAULT_LANG, DEFAULT_SEED, DEFAULT_SOURCE, LANGS, MARKER, SOURCES, Paths,
                                 default_output, paths, project_root, source_dirs, source_key)

__all__ = ["DEFAULT_LANG", "DEFAULT_SEED", "DEFAULT_SOURCE", "LANGS", "MARKER", "SOURCES", "Paths", "RunContext",
           "Study", "default_output", "load_study", "paths", "project_root", "source_dirs", "source_key"]

@dataclass(frozen=True)
class Study:
    """One run of the study, resolved once from (source, root, seed, lang).

    Notebooks create one from their ``parameters`` cell::

        study = load_study(source, output_dir=output_dir, lang=lang, seed=seed)
        fig = plot_something(table, lang=study.lang)
        save_figure(study, fig, "something")  # kaltara_study.report.figures: marks synthetic runs

    Attributes are plain values; folders and configs are derived properties.
    """

    source: str = DEFAULT_SOURCE
    root: Path = field(default_factory=project_root)
    seed: int = DEFAULT_SEED
    lang: str = DEFAULT_LANG
    output_dir: str | None = None

    def __post_init__(self) -> None:
        if self.lang not in LANGS:
            raise ConfigError(f"lang must be one of {LANGS}, got {self.lang!r}")
        if not isinstance(self.seed, int) or isinstance(self.seed, bool):
            raise ConfigError(f"seed must be an integer, got {self.seed!r}")
        object.__setattr__(self, "root", Path(self.root).resolve())
        if self.output_dir is None:
            object.__setattr__(self, "output_dir", default_output(self.source, self.lang))
        self.raw_dirs  # fail early on an unknown source

    # ------------------------------------------------------------------ identity and folders
    @property
    def paths(self) -> Paths:
        return Paths(self.root)

    @property
    def key(self) -> str:
        """Folder-safe name of the source (``kaltara``, ``synthetic``, or a folder's name)."""
        return source_key(self.source)

    @property
    def is_synthetic(self) -> bool:
        return self.source == "synthetic"

    @cached_property
    def raw_dirs(self) -> list[Path]:
        return source_dirs(self.source, root=self.root)

    @property
    def processed_dir(self) -> Path:
        return self.paths.processed / self.key

    @property
    def cache_dir(self) -> Path:
        return self.paths.interim / self.key

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

    @property
    def answers_file(self) -> Path | None:
        """The synthetic truth (latent archetypes) when synthetic, else None."""
        if not self.is_synthetic:
            return None
        return self.paths.synthetic_raw / "ANSWERS_archetypes_SYNTHETIC.csv"

    def with_lang(self, lang: str) -> "Study":
        """The same study in another language (same cache: labels are applied when shown)."""
        return Study(source=self.source, root=self.root, seed=self.seed, lang=lang,
                     output_dir=None if self.output_dir == default_output(self.source, self.lang)
                     else self.output_dir)

    # ------------------------------------------------------------------ configs (loaded once)
    @cached_property
    def configs(self):
        """The validated configs of this run (index, segmentation, readiness), read on first use."""
        return _configs.load_configs(self.paths.config, source=self.source)

    # ------------------------------------------------------------------ writing (through the io layer)
    def banner(self):
        """A Markdown banner saying plainly whether this run is on SYNTHETIC or real data."""
        from IPython.display import Markdown  # notebooks only; keeps IPython out of plain imports

        if self.is_synthetic:
            text = {
                "id": "> **DATA SINTETIS.** Semua angka, tabel dan gambar di bawah ini berasal dari data "
                      "sintetis paket ini (`data/raw/synthetic/`). Data ini memperagakan metode; "
                      "**bukan temuan** tentang koperasi di Kalimantan Utara.",
                "en": "> **SYNTHETIC DATA.** Every number, table and figure below comes from the package's "
                      "deterministic synthetic dataset (`data/raw/synthetic/`). They demonstrate the method; "
                      "they are **not findings** about Kaltara's cooperatives.",
            }[self.lang]
        else:
            text = {
                "id": "> **Data nyata publik** (Kemendagri, IDM Kemendesa, SIMKOPDES; lihat "
                      "`data/raw/kaltara/PROVENANCE.md`). Belum ada data survei: kriteria yang memerlukan "
                      "survei dilaporkan sebagai *sementara — verifikasi di lapangan*.",
                "en": "> **Real public data** (Kemendagri, Kemendesa IDM, SIMKOPDES; see "
                      "`data/raw/kaltara/PROVENANCE.md`). No survey yet: criteria that need one are "
                      "reported as *provisional — verify in the field*.",
            }[self.lang]
        return Markdown(text)

    def save_table(self, df, name: str, *, index: bool = False):
        """Write ``df`` as CSV under ``<output>/tables`` (a SYNTHETIC note column on synthetic data)."""
        write_table(df, self.tables_dir / f"{name}.csv", index=index, synthetic=self.is_synthetic)
        return df


def load_study(source: str = DEFAULT_SOURCE, *, root: Path | str | None = None, seed: int = DEFAULT_SEED,
               lang: str = DEFAULT_LANG, output_dir: str | None = None) -> Study:
    """Resolve a :class:`Study` (raises ConfigError naming what to fix for an unknown source/lang)."""
    return Study(source=source, root=Path(root) if root else project_root(), seed=seed, lang=lang,
                 output_dir=output_dir)


def RunContext(source: str = DEFAULT_SOURCE, output_dir: str | None = None, lang: str = DEFAULT_LANG,
               seed: int = DEFAULT_SEED, root: Path | None = None) -> Study:
    """Backwards-compatible name of :func:`load_study` for notebooks' parameter cells."""
    return load_study(source, root=root, seed=seed, lang=lang, output_dir=output_dir)
