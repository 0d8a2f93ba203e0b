"""Village economic types of the desa from their IDM indicator scores; cooperatives inherit them.

:func:`village_types` averages the 0-5 indicator scores into the configured dimensions
(``config/village_types.toml``: e.g. trade, finance, logistics, digital, production), then runs
the same honest procedure as :func:`~kaltara_study.segmentation.segment.segment` (BIC behind a
stability gate, no vote pooling, "no clear segment structure" when nothing is stable), ordered by
the mean of the dimensions. :func:`assign_to_cooperatives` gives every cooperative its village's
type; kelurahan (no IDM by design) form their own stratum ``kelurahan`` and are never imputed; a
desa without IDM gets ``no_idm``.

>>> ind = pd.DataFrame({"kode": ["a", "b"], "X1": [1, 5], "X2": [3, 5]})
>>> dimension_scores(ind, {"d1": ("X1",), "d2": ("X1", "X2")}, key="kode")["d2"].tolist()
[2.0, 5.0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kaltara_study.errors import InputError
from kaltara_study.segmentation.config import VillageTypesConfig
from kaltara_study.segmentation.segment import SegmentationResult, segment

__all__ = ["VillageTypesResult", "dimension_scores", "village_types", "assign_to_cooperatives",
           "KELURAHAN", "NO_IDM"]

KELURAHAN = "kelurahan"
NO_IDM = "no_idm"


def dimension_scores(indicators: pd.DataFrame, dimensions, *, key: str = "kode") -> pd.DataFrame:
    """Mean 0-5 score per dimension (over the indicators a village has), one row per village."""
    missing = sorted({c for cols in dimensions.values() for c in cols} - set(indicators.columns))
    if missing:
        raise InputError(f"the IDM indicator table lacks columns {missing}; use the 50 indicator "
                         "columns of idm_kaltara_2024_desa_indicators.csv (e.g. IKE03_PASAR)")
    if key not in indicators.columns:
        raise InputError(f"the IDM indicator table has no key column {key!r}")
    out = indicators[[key]].copy()
    for d, cols in dimensions.items():
        out[d] = indicators[list(cols)].apply(pd.to_numeric, errors="coerce").mean(axis=1)
    return out


@dataclass
class VillageTypesResult:
    """``types``: key, dimension scores, ``village_type`` (segment number, 1 = highest mean score,
    or the index tier when there is no structure), ``profile_code``, ``confidence``;
    ``segmentation``: the full :class:`SegmentationResult` (comparison, stability, profiles)."""

    types: pd.DataFrame
    segmentation: SegmentationResult
    config: VillageTypesConfig

    @property
    def structure(self) -> bool:
        return self.segmentation.structure


def village_types(indicators: pd.DataFrame, config: VillageTypesConfig, *, seed: int = 20251,
                  n_jobs: int | None = 1) -> VillageTypesResult:
    """Village economic types from IDM indicators (desa only; rows are villages)."""
    if not isinstance(config, VillageTypesConfig):
        raise TypeError("config must be a VillageTypesConfig (VillageTypesConfig.from_dict)")
    scores = dimension_scores(indicators, config.dimensions, key=config.key)
    level = scores[list(config.dimensions)].mean(axis=1) * 20.0   # 0-5 -> 0-100 (absolute)
    order = pd.DataFrame({config.key: scores[config.key], "index": level})
    seg_cfg = config.segmentation
    if seg_cfg.index == "none":
        seg_cfg = seg_cfg.with_options(index="ordering")
    res = segment(scores, seg_cfg, seed=seed, n_jobs=n_jobs, index=order, id_col=config.key)
    types = scores.merge(res.labels.rename(columns={"segment": "village_type"}), on=config.key,
                         how="left")
    types["level_score"] = types[config.key].map(order.set_index(config.key)["index"])
    return VillageTypesResult(types=types, segmentation=res, config=config)


def assign_to_cooperatives(cooperatives: pd.DataFrame, types: VillageTypesResult, *,
                           village_col: str = "kode_desa", jenis_col: str = "jenis") -> pd.DataFrame:
    """Each cooperative inherits its village's type: columns ``village_type`` (str: the segment
    number, ``kelurahan`` or ``no_idm``) and ``profile_code``. Kelurahan are their own stratum."""
    key = types.config.key
    t = types.types[[key, "village_type", "profile_code"]].copy()
    t["village_type"] = t["village_type"].astype("Int64").astype("string")
    out = cooperatives.copy()
    if village_col not in out.columns:
        raise InputError(f"the cooperative table has no village column {village_col!r}")
    # IDM keys may be with or without dots: match on digits only
    def norm(s: pd.Series) -> pd.Series:
        return s.astype("string").str.replace(".", "", regex=False)
    lut = dict(zip(norm(t[key]), zip(t["village_type"], t["profile_code"])))
    k = norm(out[village_col])
    vt = [lut.get(v, (pd.NA, pd.NA)) for v in k]
    out["village_type"] = pd.array([a for a, _ in vt], dtype="string")
    out["profile_code"] = pd.array([b for _, b in vt], dtype="string")
    is_kel = (out[jenis_col].astype("string").str.lower() == KELURAHAN) if jenis_col in out.columns \
        else pd.Series(False, index=out.index)
    out.loc[is_kel.fillna(False).to_numpy(), ["village_type", "profile_code"]] = KELURAHAN
    rest = out["village_type"].isna()
    out.loc[rest, "village_type"] = NO_IDM
    out.loc[rest, "profile_code"] = NO_IDM
    return out
