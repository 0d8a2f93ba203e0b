"""kaltara-study: which of Kaltara's 411 Kopdes Merah Putih cooperatives have economic potential and
are ready to partner, and how sure we are.

The package reads top-down (see README, "Layout"): entry points (``cli``) → ``report`` (figures,
workbook, build) → ``stages`` (the cached stage graph) → methods (``index``, ``segmentation``,
``readiness``, ``models``) → the data layer (``data``: read, contract, parse, clean, configs) →
``study`` and ``errors``.

The public API is small and loaded lazily, so ``import kaltara_study`` stays fast:

>>> import kaltara_study as ks
>>> sorted(ks.__all__)[:3]
['KaltaraError', 'Study', 'analysis_data']
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.2.0"

_API = {
    "Study": "kaltara_study.study",
    "load_study": "kaltara_study.study",
    "analysis_data": "kaltara_study.stages",
    "potential_index": "kaltara_study.stages",
    "segmentation": "kaltara_study.stages",
    "study_table": "kaltara_study.stages",
    "compute_index": "kaltara_study.index.composite",
    "segment": "kaltara_study.segmentation.segment",
    "assess_readiness": "kaltara_study.readiness.criteria",
    "KaltaraError": "kaltara_study.errors",
}
__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        value = getattr(importlib.import_module(_API[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kaltara_study' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
