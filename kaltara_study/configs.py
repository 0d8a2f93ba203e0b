"""Read the study's config files (TOML) and hand validated config objects to the methods.

This is the only place that opens ``config/*.toml`` (through the data layer's ``read_toml``); the
methods (index, segmentation, readiness) receive the objects and never read a file. It sits between
the stages and the methods: it imports the methods' config classes and the data layer's reader. A malformed or missing file raises
:class:`~kaltara_study.errors.ConfigError` naming the file, the entry and what to change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kaltara_study.data.read import read_toml
from kaltara_study.index.composite import IndexConfig
from kaltara_study.readiness.criteria import ReadinessConfig
from kaltara_study.segmentation.config import SegmentationConfig, VillageTypesConfig

#: config file per method and source (the thin real registry has its own index framework)
FILES = {
    "index": {"kaltara": "indicators_kaltara.toml", "*": "indicators.toml"},
    "segmentation": {"*": "segmentation.toml"},
    "readiness": {"*": "readiness.toml"},
    "village_types": {"*": "village_types.toml"},
}


@dataclass(frozen=True)
class StudyConfigs:
    """The validated configs of one run, and the files they came from."""

    index: Any
    segmentation: Any
    readiness: Any
    village_types: Any
    files: dict[str, Path]


def config_file(folder: Path, method: str, *, source: str) -> Path:
    names = FILES[method]
    return Path(folder) / names.get(source, names["*"])


def load_configs(folder: Path | str, *, source: str) -> StudyConfigs:
    """Read and validate every config of ``source`` from ``folder`` (``config/``)."""
    folder = Path(folder)
    files = {m: config_file(folder, m, source=source) for m in FILES}
    def parse(method, cls):
        return cls.from_dict(read_toml(files[method]), origin=files[method].name)

    return StudyConfigs(
        index=parse("index", IndexConfig),
        segmentation=parse("segmentation", SegmentationConfig),
        readiness=parse("readiness", ReadinessConfig),
        village_types=parse("village_types", VillageTypesConfig),
        files=files,
    )
