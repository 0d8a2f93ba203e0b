"""Read the study's config files (TOML) and hand validated config objects to the methods.

This is the only place that opens ``config/*.toml``; the methods (index, segmentation, readiness)
receive the objects and never read a file. A malformed or missing file raises
:class:`~kaltara_study.errors.ConfigError` naming the file, the entry and what to change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kaltara_study.data.read import read_toml
from kaltara_study.index import composite as index_method
from kaltara_study.readiness import criteria as readiness_method
from kaltara_study.segmentation import segment as segmentation_method

#: config file per method and source (the thin real registry has its own index framework)
FILES = {
    "index": {"kaltara": "indicators_kaltara.toml", "*": "indicators.toml"},
    "segmentation": {"*": "segmentation.toml"},
    "readiness": {"*": "readiness.toml"},
}


@dataclass(frozen=True)
class StudyConfigs:
    """The validated configs of one run, and the files they came from."""

    index: Any
    segmentation: Any
    readiness: Any
    files: dict[str, Path]


def config_file(folder: Path, method: str, *, source: str) -> Path:
    names = FILES[method]
    return Path(folder) / names.get(source, names["*"])


def load_configs(folder: Path | str, *, source: str) -> StudyConfigs:
    """Read and validate every config of ``source`` from ``folder`` (``config/``)."""
    folder = Path(folder)
    files = {m: config_file(folder, m, source=source) for m in FILES}
    return StudyConfigs(
        index=index_method.parse_config(read_toml(files["index"]), source=files["index"].name),
        segmentation=segmentation_method.parse_config(read_toml(files["segmentation"])),
        readiness=readiness_method.ReadinessConfig.from_dict(read_toml(files["readiness"]),
                                                             origin=files["readiness"].name),
        files=files,
    )
