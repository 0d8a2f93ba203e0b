"""The segmentation settings as a validated, frozen object (issue 9: configs are injected).

The data layer reads ``config/segmentation.toml`` (or ``config/village_types.toml``) and calls
:meth:`SegmentationConfig.from_dict`; no module of this package opens a file. Every problem raises
:class:`~kaltara_study.errors.ConfigError` naming the entry and what to change.

>>> cfg = SegmentationConfig.from_dict({"features": {"columns": ["a", "b"]}}, origin="test")
>>> cfg.k_max, cfg.jaccard_gate
(8, 0.75)
>>> SegmentationConfig.from_dict({"features": {"columns": ["a"]}, "k": {"min": 1}}, origin="x.toml")
Traceback (most recent call last):
...
kaltara_study.errors.ConfigError: x.toml [k]: needs 2 <= min <= max, got min=1, max=8
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from kaltara_study.errors import ConfigError
from kaltara_study.segmentation.algorithms import ALGORITHMS, MIXTURES

__all__ = ["SegmentationConfig", "VillageTypesConfig"]


@dataclass(frozen=True)
class SegmentationConfig:
    """The settings of ``config/segmentation.toml`` (see the comments in that file)."""

    columns: tuple[str, ...]
    log: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()
    min_coverage: float = 0.5
    missing: str = "median"
    index: str = "ordering"
    zero_inflated: str = "drop"        # drop | binarise | keep
    zero_share: float = 0.5
    dequantise: bool = True
    scaling: str = "zscore"
    ddof: int = 1
    pca: bool = False
    pca_variance: float = 0.9
    k_min: int = 2
    k_max: int = 8
    algorithms: tuple[str, ...] = ("gmm_tied", "gmm_diag", "kmeans", "ward")
    primary: str = "auto"
    kmeans_n_init: int = 25
    kmeans_max_iter: int = 300
    minibatch: bool = False
    gmm_covariance: str = "tied"
    gmm_n_init: int = 3
    gmm_reg_covar: float = 1e-4
    silhouette_sample: int = 3000
    boot_B: int = 50
    boot_n_init: int = 5
    boot_gmm_n_init: int = 1
    boot_max_n: int = 3000
    jaccard_gate: float = 0.75
    max_gate_evals: int = 16
    name_z: float = 0.5
    name_n: int = 2
    tiers: tuple[float, ...] = (100 / 3, 200 / 3)
    large_n: int = 20000
    n_init_large: int = 3
    ward_max_n: int = 5000
    ward_micro_clusters: int = 300
    pam_max_n: int = 2000
    clara_samples: int = 5
    clara_sample_size: int = 1000

    @classmethod
    def from_dict(cls, mapping: Mapping[str, Any], *, origin: str) -> SegmentationConfig:
        """Validate the TOML structure (sections as in ``config/segmentation.toml``)."""
        kw: dict[str, Any] = {}
        for section, body in mapping.items():
            if section == "version":
                continue
            if section not in _SECTIONS:
                raise ConfigError(f"{origin}: unknown section [{section}]; expected one of "
                                  f"{sorted(_SECTIONS)}")
            if not isinstance(body, Mapping):
                raise ConfigError(f"{origin}: [{section}] must be a table")
            for key, value in body.items():
                if key not in _SECTIONS[section]:
                    raise ConfigError(f"{origin} [{section}]: unknown key {key!r}; expected one of "
                                      f"{sorted(_SECTIONS[section])}")
                kw[_SECTIONS[section][key]] = tuple(value) if isinstance(value, list) else value
        if "columns" not in kw:
            raise ConfigError(f"{origin} [features]: 'columns' is required (the analysis-table "
                              "columns to cluster on)")
        types = {f.name: f.type for f in fields(cls)}
        for key, value in kw.items():
            t = types[key]
            if t in ("int", "float") and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise ConfigError(f"{origin}: {_where(key)} must be a number, got {value!r}")
            if t == "bool" and not isinstance(value, bool):
                raise ConfigError(f"{origin}: {_where(key)} must be true or false, got {value!r}")
        return _validate(cls(**kw), origin)

    def with_options(self, **kw: Any) -> SegmentationConfig:
        """A copy with some settings changed (validated)."""
        return _validate(replace(self, **kw), "with_options")

    def algorithm_options(self, n: int) -> dict[str, Any]:
        big = n > self.large_n
        return {"kmeans_n_init": self.n_init_large if big else self.kmeans_n_init,
                "kmeans_max_iter": self.kmeans_max_iter, "minibatch": self.minibatch,
                "gmm_covariance": self.gmm_covariance, "gmm_n_init": 1 if big else self.gmm_n_init,
                "gmm_reg_covar": self.gmm_reg_covar,
                "ward_max_n": self.ward_max_n, "ward_micro_clusters": self.ward_micro_clusters,
                "pam_max_n": self.pam_max_n, "clara_samples": self.clara_samples,
                "clara_sample_size": self.clara_sample_size}


_SECTIONS: dict[str, dict[str, str]] = {
    "features": {"columns": "columns", "log": "log", "negative": "negative",
                 "min_coverage": "min_coverage", "missing": "missing", "index": "index",
                 "zero_inflated": "zero_inflated", "zero_share": "zero_share",
                 "dequantise": "dequantise"},
    "scaling": {"method": "scaling", "ddof": "ddof", "pca": "pca", "pca_variance": "pca_variance"},
    "k": {"min": "k_min", "max": "k_max"},
    "algorithms": {"use": "algorithms", "primary": "primary", "kmeans_n_init": "kmeans_n_init",
                   "kmeans_max_iter": "kmeans_max_iter", "minibatch": "minibatch",
                   "gmm_covariance": "gmm_covariance", "gmm_n_init": "gmm_n_init",
                   "gmm_reg_covar": "gmm_reg_covar"},
    "indices": {"silhouette_sample": "silhouette_sample"},
    "stability": {"B": "boot_B", "n_init": "boot_n_init", "gmm_n_init": "boot_gmm_n_init",
                  "max_n": "boot_max_n", "jaccard_gate": "jaccard_gate",
                  "max_gate_evals": "max_gate_evals"},
    "names": {"z": "name_z", "n": "name_n", "tiers": "tiers"},
    "scale": {"large_n": "large_n", "n_init_large": "n_init_large", "ward_max_n": "ward_max_n",
              "ward_micro_clusters": "ward_micro_clusters", "pam_max_n": "pam_max_n",
              "clara_samples": "clara_samples", "clara_sample_size": "clara_sample_size"},
}


def _where(field_name: str) -> str:
    for section, keys in _SECTIONS.items():
        for key, f in keys.items():
            if f == field_name:
                return f"[{section}] {key}"
    return field_name


def _validate(c: SegmentationConfig, origin: str) -> SegmentationConfig:
    def bad(section: str, msg: str) -> None:
        raise ConfigError(f"{origin} [{section}]: {msg}")

    if not c.columns:
        bad("features", "columns is empty; list the analysis-table columns to cluster on")
    if c.missing not in ("median", "drop"):
        bad("features", f"missing must be 'median' or 'drop', not {c.missing!r}")
    if c.index not in ("ordering", "feature", "none"):
        bad("features", f"index must be 'ordering', 'feature' or 'none', not {c.index!r}")
    if c.zero_inflated not in ("drop", "binarise", "keep"):
        bad("features", f"zero_inflated must be 'drop', 'binarise' or 'keep', not {c.zero_inflated!r}")
    if not 0 < c.zero_share <= 1:
        bad("features", "zero_share must be in (0, 1]")
    if c.scaling not in ("zscore", "none"):
        bad("scaling", f"method must be 'zscore' or 'none', not {c.scaling!r}")
    if c.ddof not in (0, 1):
        bad("scaling", "ddof must be 0 or 1 (1 = R's scale())")
    if not 2 <= c.k_min <= c.k_max:
        bad("k", f"needs 2 <= min <= max, got min={c.k_min}, max={c.k_max}")
    unknown = [a for a in c.algorithms if a not in ALGORITHMS]
    if unknown or not c.algorithms:
        bad("algorithms", f"use has unknown {unknown}; choose from {list(ALGORITHMS)}")
    if c.primary != "auto" and c.primary not in c.algorithms:
        bad("algorithms", f"primary {c.primary!r} must be 'auto' or one of use = {list(c.algorithms)}")
    if c.primary == "auto" and not any(a in MIXTURES for a in c.algorithms):
        bad("algorithms", "primary = 'auto' chooses among Gaussian mixtures by BIC; add gmm_tied "
                          "and/or gmm_diag to use, or name a primary algorithm")
    if c.gmm_covariance not in ("full", "tied", "diag", "spherical"):
        bad("algorithms", "gmm_covariance must be full, tied, diag or spherical")
    if c.gmm_reg_covar < 0:
        bad("algorithms", "gmm_reg_covar must be >= 0")
    if c.boot_B < 2:
        bad("stability", "B must be >= 2 (50-100 recommended)")
    if not 0 < c.jaccard_gate <= 1:
        bad("stability", "jaccard_gate must be in (0, 1]; Hennig (2007): 0.75 = stable")
    if c.max_gate_evals < 1:
        bad("stability", "max_gate_evals must be >= 1")
    if c.name_n < 1 or c.name_z <= 0:
        bad("names", "n must be >= 1 and z > 0")
    if list(c.tiers) != sorted(c.tiers) or not c.tiers:
        bad("names", "tiers must be increasing cut points on the index scale, e.g. [33.3, 66.7]")
    return c


@dataclass(frozen=True)
class VillageTypesConfig:
    """Village economic types from IDM indicators (``config/village_types.toml``).

    ``dimensions``: dimension code → the indicator columns (0–5 scores) averaged into it;
    ``segmentation``: the clustering settings (its ``columns`` are the dimension codes).

    >>> v = VillageTypesConfig.from_dict({"dimensions": {"trade": ["IKE02_PERTOKOAN", "IKE03_PASAR"],
    ...     "finance": ["IKE07_BANK_BPR"]}}, origin="t")
    >>> v.segmentation.columns
    ('trade', 'finance')
    """

    dimensions: Mapping[str, tuple[str, ...]]
    segmentation: SegmentationConfig
    key: str = "kode"

    @classmethod
    def from_dict(cls, mapping: Mapping[str, Any], *, origin: str) -> VillageTypesConfig:
        dims = mapping.get("dimensions")
        if not isinstance(dims, Mapping) or len(dims) < 2:
            raise ConfigError(f"{origin} [dimensions]: define at least two dimensions, each a list "
                              "of IDM indicator columns (e.g. trade = [\"IKE02_PERTOKOAN\"])")
        out: dict[str, tuple[str, ...]] = {}
        seen: set[str] = set()
        for name, cols in dims.items():
            if not isinstance(cols, (list, tuple)) or not cols or not all(isinstance(c, str) for c in cols):
                raise ConfigError(f"{origin} [dimensions] {name}: must be a non-empty list of "
                                  "column names")
            dup = seen.intersection(cols)
            if dup:
                raise ConfigError(f"{origin} [dimensions] {name}: {sorted(dup)} already used by "
                                  "another dimension; each indicator belongs to one dimension")
            seen.update(cols)
            out[str(name)] = tuple(cols)
        seg = {k: v for k, v in mapping.items() if k not in ("dimensions", "key", "version")}
        feats = dict(seg.get("features", {}))
        if "columns" in feats and tuple(feats["columns"]) != tuple(out):
            raise ConfigError(f"{origin} [features] columns: leave it out; the dimensions are the "
                              "features")
        feats["columns"] = list(out)
        feats.setdefault("index", "none")
        seg["features"] = feats
        key = mapping.get("key", "kode")
        if not isinstance(key, str):
            raise ConfigError(f"{origin}: key must be a column name")
        return cls(dimensions=out, segmentation=SegmentationConfig.from_dict(seg, origin=origin),
                   key=key)
