"""Composite economic-potential index, in the manner of the OECD/JRC Handbook (2008) and COINr.

The framework (indicators → groups → sub-indices → index, directions, goalposts, targets, weights,
method defaults) is an :class:`IndexConfig`, built by the data layer from ``config/indicators.toml``
(``config/indicators_kaltara.toml`` for the real data) with :meth:`IndexConfig.from_dict`; nothing
here opens a file. Every step is a pure function on a DataFrame of indicators (rows = units,
columns = indicator names); the :class:`CompositeIndex` estimator (a scikit-learn
``BaseEstimator``: ``clone``/``get_params`` work, ``NotFittedError`` before ``fit``) chains them;
:func:`compute_index` is what notebooks and later stages call.

Potential on an absolute scale (issue 11): groups belong to a *sub-index* (``context`` = the
village's economy, ``capacity`` = the cooperative's own); both are reported separately and
together. ``normalisation = "goalposts"`` (COINr ``n_goalposts``) puts every indicator on a fixed
scale ``(x − lower)/(upper − lower)`` truncated to [0, 1] (IDM indicator scores use their own 0–5
range), so a cut such as ``index >= 50`` means the same whatever the other units score. A declared
``target`` with ``transform = "peak"`` makes an indicator non-monotone (best at the target).
Values flagged by cleaning (``outlier_flags``) are set to missing first (:func:`apply_flags`, with
an audit row per cell). :func:`coherence` (α, correlations per dimension, failing ones named) and
:func:`direction_check` (each indicator against the rest of its group; targets against the
observed range) are in ``IndexResult.diagnostics``.

Steps and the conventions followed (differences from COINr are stated):

1. **Selection** (:func:`select_indicators`): an indicator whose column is all NA, constant, or
   observed for fewer than ``min_coverage`` of the units is dropped, with the reason logged. A group
   left without indicators drops out of the index (its weight is redistributed by the re-weighting).
2. **Imputation** (:func:`impute`): ``none`` (COINr's default: leave NA and re-weight at
   aggregation), ``mean`` (column mean), ``group_mean`` (mean within the unit's kabupaten — COINr's
   ``i_mean_grp`` with the kabupaten as unit group), ``kabupaten_median``, ``model`` (scikit-learn
   ``IterativeImputer`` with ``BayesianRidge``, seeded, on standardised columns). A kabupaten
   without any observed value falls back to the overall mean/median.
3. **Log transform** (config ``log = true``): ``log(1 + x)``, for non-negative counts and money.
4. **Outlier treatment** (:func:`winsorise`, :func:`treat_outliers`): COINr's rule — while
   ``|skew| >= skew_thresh`` AND ``kurtosis >= kurt_thresh`` (sample skewness and excess kurtosis,
   ``e1071`` type 2, i.e. ``scipy.stats.skew/kurtosis(bias=False)``), replace the highest value(s)
   (positive skew) or lowest (negative skew) by the next one, at most ``winmax`` points; if the
   column still fails, COINr's ``log_CT`` is applied to the *original* column:
   ``log(x - min + 0.01 (max - min))``. Difference: COINr counts only the points of the last step
   against ``winmax``; we count all winsorised points (cumulative), which is what its docs describe.
5. **Normalisation** (:func:`normalise`), directions applied (−1 flips the indicator):
   ``minmax`` to ``[a, b]``; ``zscore`` (ddof = 1, as R's ``scale()``); ``rank`` = percentile
   ``100 (r - 1)/(n - 1)`` with average ranks ``r``; ``target`` = ``(x - min)/(target - min)``
   capped at 1, rescaled to ``[a, b]`` (negative direction: ``(max - x)/(max - target)``);
   ``borda`` = number of units with a strictly worse value (COINr's ``n_borda``); ``goalposts`` =
   ``(x − lower)/(upper − lower)`` truncated to [0, 1], rescaled to ``[a, b]`` (negative direction:
   ``(upper − x)/(upper − lower)``; goalposts of a logged indicator are logged too; on this path no
   outlier treatment is applied: the truncation is the treatment). A constant column normalises
   to the middle of the range (0 for z-scores) so that it does not move any rank.
6. **Weights** (:func:`derive_weights`): ``expert`` (config), ``equal``, ``pca`` or ``fa``. PCA/FA
   weights follow the OECD Handbook (2008, §6.1) with one retained component per group: the
   within-group weight of indicator *i* is its squared loading on the first principal component
   (statsmodels ``PCA`` on the correlation matrix) or first factor (statsmodels ``Factor``,
   principal axis), scaled to unit sum: ``w_i = l_i² / Σ_j l_j²``. For PCA this equals the squared
   entries of the first eigenvector of the correlation matrix. Group weights stay as configured.
7. **Aggregation** (:func:`aggregate`), level by level (indicators → groups → index): weighted
   arithmetic mean ``Σ w x / Σ w`` or weighted geometric mean ``exp(Σ w log x / Σ w)``, each over
   the values a unit has (weights renormalised over non-missing values, as COINr does). The
   geometric mean needs positive values: the pipeline shifts each normalised indicator so its
   fitted minimum is 1 (``x - min + 1`` when ``min < 1``; the COIN Tool's advice of min-max to
   [1, 100]); :func:`aggregate` itself raises on values ≤ 0.

Diagnostics (:func:`diagnostics`): Pearson correlations of the directed, normalised indicators
within and between groups (flags: negative, |r| > 0.9), Cronbach's α per group, PCA variance
explained per group, mean contribution of each indicator to the index.

Uncertainty (:func:`monte_carlo`): see its docstring.

>>> cfg = IndexConfig.from_dict(mapping, origin="indicators.toml")        # doctest: +SKIP
>>> res = compute_index(table, cfg, seed=20251, n_rep=500)                # doctest: +SKIP
>>> res.scores[["coop_id", "context", "capacity", "index", "rank_p05", "rank_p95"]]  # doctest: +SKIP
>>> res.incoherent_dimensions                                             # doctest: +SKIP
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import NotFittedError

from kaltara_study.errors import ConfigError

__all__ = [
    "AGGREGATIONS",
    "IMPUTATIONS",
    "NORMALISATIONS",
    "TREATMENTS",
    "WEIGHTINGS",
    "CompositeIndex",
    "Group",
    "Indicator",
    "IndexConfig",
    "IndexResult",
    "aggregate",
    "contributions",
    "correlation_pairs",
    "cronbach_alpha",
    "compute_index",
    "idm_crosstab",
    "derive_weights",
    "diagnostics",
    "framework_table",
    "impute",
    "kurtosis",
    "apply_flags",
    "coherence",
    "direction_check",
    "monte_carlo",
    "normalise",
    "parse_config",
    "pca_variance",
    "pca_weights",
    "fa_weights",
    "rank_desc",
    "select_indicators",
    "skewness",
    "treat_outliers",
    "winsorise",
]

IMPUTATIONS = ("none", "mean", "group_mean", "kabupaten_median", "model")
TREATMENTS = ("coinr", "none")
NORMALISATIONS = ("minmax", "zscore", "rank", "target", "borda", "goalposts")
TRANSFORMS = ("monotone", "peak")
#: IDM indicator score columns (0-5), e.g. ``IKE03_PASAR`` (issue 8 adds them to the table)
IDM_INDICATOR = re.compile(r"^IK[SEL]\d{2}_[A-Z0-9_]+$", re.IGNORECASE)  # the analysis table writes them lower case
#: IDM status codes in their order (Permendesa 2/2016)
STATUS_ORDER = ("SANGAT TERTINGGAL", "TERTINGGAL", "BERKEMBANG", "MAJU", "MANDIRI")
WEIGHTINGS = ("expert", "equal", "pca", "fa")
AGGREGATIONS = ("arithmetic", "geometric")
COLLINEAR_R = 0.9

#: Columns of the processed analysis table (the contract in the project brief) that an indicator
#: may use. Non-numeric columns (names, codes, categories as text, dates) are excluded.
INDICATOR_COLUMNS = frozenset(
    """reg_accounts reg_npwp reg_nib reg_rat reg_tx_volume reg_tx_value_rp reg_savings_rp
    population households n_markets n_shops n_banks n_micro_industries n_bumdes_units has_lpg_base
    has_health_facility has_pharmacy_village signal_4g idm_year iks ike ikl idm
    members own_capital_rp assets_rp liabilities_rp turnover_rp shu_rp unit_office unit_sembako
    unit_savings_loan unit_clinic unit_pharmacy unit_warehouse unit_logistics has_legal_entity
    has_nib has_npwp has_bank_account rat_held_12m board_trained distance_kab_km
    health_governance health_risk health_financial health_capital health_score
    units_operating debt_ratio members_per_100_hh shops_per_1000 markets_per_1000 signal_score
    road_score is_kelurahan""".split()
)


# ------------------------------------------------------------------------------------- config
@dataclass(frozen=True)
class Indicator:
    name: str
    column: str
    group: str
    direction: int = 1
    weight: float = 1.0
    log: bool = False
    target: float | None = None
    label_id: str = ""
    label_en: str = ""
    lower: float | None = None      # goalposts (absolute scale), in the column's units
    upper: float | None = None
    transform: str = "monotone"     # "peak": best at ``target``, worse either side


@dataclass(frozen=True)
class Group:
    key: str
    weight: float = 1.0
    subindex: str = "potential"
    label_id: str = ""
    label_en: str = ""


_METHOD_DEFAULTS: dict[str, Any] = {
    "imputation": "none",
    "treatment": "coinr",
    "skew_thresh": 2.0,
    "kurt_thresh": 3.5,
    "winmax": 5,
    "normalisation": "minmax",
    "range": (0.0, 100.0),
    "weights": "expert",
    "aggregation": "arithmetic",
    "min_coverage": 0.2,
    "flagged": "missing",
    "alpha_min": 0.6,
}
_UNCERTAINTY_DEFAULTS: dict[str, Any] = {
    "n_rep": 500,
    "normalisation": ["minmax", "zscore", "rank"],
    "aggregation": ["arithmetic", "geometric"],
    "imputation": ["none", "group_mean", "kabupaten_median"],
    "weight_perturbation": 0.25,
    "exclude_indicator": True,
}


@dataclass(frozen=True)
class IndexConfig:
    """A validated indicator framework. Build it with :meth:`IndexConfig.from_dict` (the data layer reads the TOML)."""

    name: str
    groups: tuple[Group, ...]
    indicators: tuple[Indicator, ...]
    method: Mapping[str, Any] = field(default_factory=lambda: dict(_METHOD_DEFAULTS))
    uncertainty: Mapping[str, Any] = field(default_factory=lambda: dict(_UNCERTAINTY_DEFAULTS))

    @classmethod
    def from_dict(cls, mapping: Mapping[str, Any], *, origin: str,
                  columns: Sequence[str] | None = None) -> IndexConfig:
        """Validate a parsed framework (the TOML as a dict); see :func:`parse_config`."""
        return parse_config(mapping, source=origin, columns=columns)

    @property
    def subindices(self) -> list[str]:
        """Sub-index codes in first-seen group order (e.g. ``context``, ``capacity``)."""
        return list(dict.fromkeys(g.subindex for g in self.groups))

    @property
    def group_keys(self) -> list[str]:
        return [g.key for g in self.groups]

    @property
    def indicator_names(self) -> list[str]:
        return [i.name for i in self.indicators]

    def indicator(self, name: str) -> Indicator:
        for ind in self.indicators:
            if ind.name == name:
                return ind
        raise KeyError(name)

    def group(self, key: str) -> Group:
        for g in self.groups:
            if g.key == key:
                return g
        raise KeyError(key)

    def with_method(self, **changes: Any) -> IndexConfig:
        """A copy with some ``[method]`` settings changed (validated)."""
        method = {**self.method, **changes}
        _check_method(method, where="with_method")
        return IndexConfig(self.name, self.groups, self.indicators, method, self.uncertainty)

    def subset(self, names: Sequence[str]) -> IndexConfig:
        """A copy keeping only the named indicators (and the groups that still have some)."""
        keep = [i for i in self.indicators if i.name in set(names)]
        used = {i.group for i in keep}
        return IndexConfig(
            self.name, tuple(g for g in self.groups if g.key in used), tuple(keep),
            self.method, self.uncertainty,
        )


def _positive(value: Any, *, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value <= 0:
        raise ConfigError(f"{where}: weight must be a positive number, got {value!r}")
    return float(value)


def _check_choice(value: Any, allowed: Sequence[str], *, where: str) -> str:
    if value not in allowed:
        raise ConfigError(f"{where}: {value!r} is not one of {', '.join(allowed)}")
    return value


def _check_method(method: Mapping[str, Any], *, where: str) -> None:
    unknown = set(method) - set(_METHOD_DEFAULTS)
    if unknown:
        raise ConfigError(f"{where}: unknown [method] keys {sorted(unknown)}; allowed: "
                          f"{sorted(_METHOD_DEFAULTS)}")
    _check_choice(method["imputation"], IMPUTATIONS, where=f"{where} [method].imputation")
    _check_choice(method["treatment"], TREATMENTS, where=f"{where} [method].treatment")
    _check_choice(method["normalisation"], NORMALISATIONS, where=f"{where} [method].normalisation")
    _check_choice(method["weights"], WEIGHTINGS, where=f"{where} [method].weights")
    _check_choice(method["aggregation"], AGGREGATIONS, where=f"{where} [method].aggregation")
    _check_choice(method["flagged"], ("missing", "keep"), where=f"{where} [method].flagged")
    rng = method["range"]
    if len(rng) != 2 or not float(rng[0]) < float(rng[1]):
        raise ConfigError(f"{where} [method].range must be [a, b] with a < b, got {rng!r}")
    if not 0 <= float(method["min_coverage"]) <= 1:
        raise ConfigError(f"{where} [method].min_coverage must be in [0, 1]")
    if int(method["winmax"]) < 0:
        raise ConfigError(f"{where} [method].winmax must be >= 0")


def parse_config(data: Mapping[str, Any], *, source: str = "config",
                 columns: Sequence[str] | None = None) -> IndexConfig:
    """Validate a parsed framework (the TOML as a dict) and return an :class:`IndexConfig`.

    ``columns`` is the set of allowed source columns (default: the numeric columns of the analysis
    table contract, :data:`INDICATOR_COLUMNS`). Every problem raises :class:`ConfigError` naming
    the entry and what to change.

    >>> cfg = parse_config({"groups": {"g": {"weight": 1}},
    ...     "indicators": [{"name": "pop", "column": "population", "group": "g"}]})
    >>> cfg.indicator("pop").direction
    1
    """
    allowed_cols = set(columns) if columns is not None else INDICATOR_COLUMNS
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: the framework must be a table of [method], [groups.*] and "
                          "[[indicators]]")
    method = {**_METHOD_DEFAULTS, **dict(data.get("method", {}))}
    _check_method(method, where=source)
    method["range"] = (float(method["range"][0]), float(method["range"][1]))
    unc = {**_UNCERTAINTY_DEFAULTS, **dict(data.get("uncertainty", {}))}
    unknown = set(unc) - set(_UNCERTAINTY_DEFAULTS)
    if unknown:
        raise ConfigError(f"{source}: unknown [uncertainty] keys {sorted(unknown)}")
    for key, allowed in (("normalisation", NORMALISATIONS), ("aggregation", AGGREGATIONS),
                         ("imputation", IMPUTATIONS)):
        if not unc[key]:
            raise ConfigError(f"{source} [uncertainty].{key}: give at least one choice")
        for v in unc[key]:
            _check_choice(v, allowed, where=f"{source} [uncertainty].{key}")
    if not 0 <= float(unc["weight_perturbation"]) < 1:
        raise ConfigError(f"{source} [uncertainty].weight_perturbation must be in [0, 1)")
    if int(unc["n_rep"]) < 1:
        raise ConfigError(f"{source} [uncertainty].n_rep must be >= 1")

    groups_raw = data.get("groups")
    if not isinstance(groups_raw, Mapping) or not groups_raw:
        raise ConfigError(f"{source}: no [groups.<key>] tables; define at least one group")
    groups = []
    for key, g in groups_raw.items():
        if not isinstance(g, Mapping):
            raise ConfigError(f"{source}: [groups.{key}] must be a table")
        extra = set(g) - {"weight", "label_id", "label_en", "subindex"}
        if extra:
            raise ConfigError(f"{source} [groups.{key}]: unknown keys {sorted(extra)}; allowed: "
                              "weight, subindex, label_id, label_en")
        sub = g.get("subindex", "potential")
        if not isinstance(sub, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", sub):
            raise ConfigError(f"{source} [groups.{key}]: subindex must be a lower-case code such as "
                              f"'context' or 'capacity', got {sub!r}")
        groups.append(Group(key=str(key), subindex=sub, weight=_positive(g.get("weight", 1.0),
                                                            where=f"{source} [groups.{key}]"),
                            label_id=str(g.get("label_id", key)), label_en=str(g.get("label_en", key))))
    group_keys = {g.key for g in groups}

    inds_raw = data.get("indicators")
    if not isinstance(inds_raw, Sequence) or not inds_raw:
        raise ConfigError(f"{source}: no [[indicators]] entries; define at least one indicator")
    indicators, seen = [], set()
    known_keys = {"name", "column", "group", "direction", "weight", "log", "target", "label_id",
                  "label_en", "lower", "upper", "transform"}
    for pos, d in enumerate(inds_raw, start=1):
        where = f"{source} indicator #{pos} ({d.get('name', '?')!s})"
        extra = set(d) - known_keys
        if extra:
            raise ConfigError(f"{where}: unknown keys {sorted(extra)}; allowed: {sorted(known_keys)}")
        for req in ("name", "column", "group"):
            if not d.get(req):
                raise ConfigError(f"{where}: '{req}' is required")
        name = str(d["name"])
        if name in seen:
            raise ConfigError(f"{where}: duplicate indicator name {name!r}; names must be unique")
        if name in group_keys or name == "index":
            raise ConfigError(f"{where}: name {name!r} clashes with a group key or 'index'")
        seen.add(name)
        if d["column"] not in allowed_cols and not IDM_INDICATOR.match(str(d["column"])):
            raise ConfigError(f"{where}: unknown column {d['column']!r}; use a numeric or boolean "
                              "column of the analysis table (see the contract in the brief)")
        if d["group"] not in group_keys:
            raise ConfigError(f"{where}: unknown group {d['group']!r}; defined groups: "
                              f"{sorted(group_keys)}")
        direction = d.get("direction", 1)
        if isinstance(direction, bool) or direction not in (1, -1):
            raise ConfigError(f"{where}: direction must be 1 or -1, got {direction!r}")
        target = d.get("target")
        if target is not None and (isinstance(target, bool) or not isinstance(target, (int, float))):
            raise ConfigError(f"{where}: target must be a number, got {target!r}")
        log = d.get("log", False)
        if not isinstance(log, bool):
            raise ConfigError(f"{where}: log must be true or false, got {log!r}")
        gp = {}
        for key in ("lower", "upper"):
            v = d.get(key)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))
                                  or not math.isfinite(v)):
                raise ConfigError(f"{where}: {key} (goalpost) must be a number, got {v!r}")
            gp[key] = None if v is None else float(v)
        if (gp["lower"] is None) != (gp["upper"] is None):
            raise ConfigError(f"{where}: give both goalposts lower and upper, or neither")
        if gp["lower"] is not None and not gp["lower"] < gp["upper"]:
            raise ConfigError(f"{where}: goalposts need lower < upper, got {gp['lower']} and "
                              f"{gp['upper']}")
        transform = d.get("transform", "monotone")
        _check_choice(transform, TRANSFORMS, where=f"{where} transform")
        if transform == "peak" and target is None:
            raise ConfigError(f"{where}: transform = 'peak' needs a target (the best value)")
        if transform == "peak" and gp["lower"] is not None and not gp["lower"] < target < gp["upper"]:
            raise ConfigError(f"{where}: a peak target must lie between the goalposts")
        indicators.append(Indicator(
            name=name, column=str(d["column"]), group=str(d["group"]), direction=int(direction),
            weight=_positive(d.get("weight", 1.0), where=where), log=log,
            target=None if target is None else float(target),
            label_id=str(d.get("label_id", name)), label_en=str(d.get("label_en", name)),
            lower=gp["lower"], upper=gp["upper"], transform=transform,
        ))
    empty = group_keys - {i.group for i in indicators}
    if empty:
        raise ConfigError(f"{source}: groups without indicators: {sorted(empty)}; remove them or "
                          "assign indicators")
    if method["normalisation"] == "goalposts":
        missing_gp = [i.name for i in indicators if i.lower is None]
        if missing_gp:
            raise ConfigError(f"{source} [method].normalisation = 'goalposts' needs lower and upper "
                              f"for every indicator; missing for {missing_gp}")
    clash = set(g.subindex for g in groups) & (group_keys | seen)
    if clash:
        raise ConfigError(f"{source}: subindex codes {sorted(clash)} clash with a group or "
                          "indicator name; rename them")
    return IndexConfig(name=str(data.get("name", "index")), groups=tuple(groups),
                       indicators=tuple(indicators), method=method, uncertainty=unc)


def framework_table(config: IndexConfig, *, dropped: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per indicator: sub-index, group, column, direction, weights (relative and effective
    in the index, nominal), log, target, goalposts, transform and, when ``dropped`` is given,
    whether it was used. Codes and the config's own label columns only (the report translates)."""
    gw = {g.key: g.weight for g in config.groups}
    gsum = sum(gw.values())
    rows = []
    for ind in config.indicators:
        wsum = sum(i.weight for i in config.indicators if i.group == ind.group)
        g = config.group(ind.group)
        rows.append({
            "subindex": g.subindex,
            "group": ind.group,
            "group_label_id": g.label_id,
            "group_label_en": g.label_en,
            "indicator": ind.name,
            "label_id": ind.label_id,
            "label_en": ind.label_en,
            "column": ind.column,
            "direction": ind.direction,
            "weight": ind.weight,
            "group_weight": g.weight,
            "effective_weight": ind.weight / wsum * g.weight / gsum,
            "log": ind.log,
            "target": ind.target,
            "lower": ind.lower,
            "upper": ind.upper,
            "transform": ind.transform,
        })
    out = pd.DataFrame(rows)
    if dropped is not None:
        reason = dropped.set_index("indicator")["reason"] if len(dropped) else pd.Series(dtype=str)
        out["used"] = ~out["indicator"].isin(reason.index)
        out["dropped_reason"] = out["indicator"].map(reason)
    return out


# ------------------------------------------------------------------------------- small helpers
def _central_moments(a: np.ndarray) -> tuple[np.float64, np.float64, np.float64, np.float64, bool]:
    """``mean, m2, m3, m4`` of ``a`` computed as ``scipy.stats.skew``/``kurtosis`` compute them (the
    same operations in the same order, so the same bits), and whether ``m2`` is zero to precision.
    scipy's own functions cost about 1 ms a call here, and the outlier treatment calls them thousands
    of times per index (``tests/test_index.py`` checks equality with scipy)."""
    mean = a.mean()
    d = a - mean
    d2 = d ** 2
    m2, m3, m4 = d2.mean(), (d2 * d).mean(), (d2 ** 2).mean()
    return mean, m2, m3, m4, bool(m2 <= (np.finfo(np.float64).eps * mean) ** 2)


def skewness(x: np.ndarray | pd.Series) -> float:
    """Sample skewness, ``e1071::skewness(type = 2)`` (as COINr's ``skew``), NaNs ignored; equal to
    ``scipy.stats.skew(bias=False)``.

    >>> round(skewness([1, 2, 3, 10]), 6)
    1.763633
    """
    a = np.asarray(x, dtype=float)
    a = a[~np.isnan(a)]
    if a.size < 3 or np.ptp(a) == 0:
        return float("nan")
    n = a.size
    _, m2, m3, _, zero = _central_moments(a)
    if zero:
        return float("nan")
    return float(((n - 1.0) * n) ** 0.5 / (n - 2.0) * m3 / m2 ** 1.5)


def kurtosis(x: np.ndarray | pd.Series) -> float:
    """Sample excess kurtosis, ``e1071::kurtosis(type = 2)`` (as COINr's ``kurt``), NaNs ignored;
    equal to ``scipy.stats.kurtosis(bias=False, fisher=True)``."""
    a = np.asarray(x, dtype=float)
    a = a[~np.isnan(a)]
    if a.size < 4 or np.ptp(a) == 0:
        return float("nan")
    n = a.size
    _, m2, _, m4, zero = _central_moments(a)
    if zero:
        return float("nan")
    nval = 1.0 / (n - 2) / (n - 3) * ((n ** 2 - 1.0) * m4 / m2 ** 2.0 - 3 * (n - 1) ** 2.0)
    return float((nval + 3.0) - 3)


def _fails_skew_kurt(x: np.ndarray, skew_thresh: float, kurt_thresh: float) -> bool:
    """COINr ``check_SkewKurt`` negated: fail when |skew| >= thresh AND kurt >= thresh."""
    sk, kt = skewness(x), kurtosis(x)
    if math.isnan(sk) or math.isnan(kt):
        return False
    return abs(sk) >= skew_thresh and kt >= kurt_thresh


def rank_desc(values: np.ndarray, *, axis: int = -1) -> np.ndarray:
    """Ranks with 1 = highest value, ties get the minimum rank, NaN stays NaN."""
    v = np.asarray(values, dtype=float)
    return stats.rankdata(-v, method="min", axis=axis, nan_policy="omit")


def indicator_frame(table: pd.DataFrame, config: IndexConfig) -> pd.DataFrame:
    """The raw indicator values as floats (booleans → 0/1, pandas NA → NaN), one column per
    indicator name, in config order; the input is not changed."""
    out = {}
    for ind in config.indicators:
        if ind.column not in table.columns:
            # a column this source does not have (e.g. IDM indicators before issue 8 adds them):
            # all NA, so selection drops it with the reason "all NA" in the log
            out[ind.name] = np.full(len(table), np.nan)
            continue
        s = table[ind.column]
        if pd.api.types.is_bool_dtype(s):
            s = s.astype("Float64")
        try:
            out[ind.name] = pd.to_numeric(s, errors="raise").astype("Float64").to_numpy(
                dtype=float, na_value=np.nan)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"indicator {ind.name!r}: column {ind.column!r} is not numeric or "
                              f"boolean ({exc}); choose a numeric column") from exc
    return pd.DataFrame(out, index=table.index)


# ------------------------------------------------------------------------------ 1. selection
def select_indicators(X: pd.DataFrame, *, min_coverage: float = 0.2) -> tuple[list[str], pd.DataFrame]:
    """Indicators worth keeping and a log of the dropped ones (``indicator``, ``reason``).

    Dropped: all NA; observed share below ``min_coverage``; constant over the observed values.

    >>> X = pd.DataFrame({"a": [1.0, 2, 3], "b": [np.nan] * 3, "c": [5.0, 5, 5]})
    >>> keep, log = select_indicators(X)
    >>> keep, list(log.reason.str.split(":").str[0])
    (['a'], ['all NA', 'constant'])
    """
    keep, rows = [], []
    n = len(X)
    for col in X.columns:
        x = X[col].to_numpy(dtype=float)
        obs = ~np.isnan(x)
        cov = obs.mean() if n else 0.0
        if not obs.any():
            rows.append({"indicator": col, "reason": "all NA: no unit has a value (not in this source)",
                         "coverage": 0.0})
        elif cov < min_coverage:
            rows.append({"indicator": col, "reason": f"coverage: observed for {obs.sum()} of {n} "
                         f"units ({cov:.1%} < min_coverage {min_coverage:.0%})", "coverage": cov})
        elif np.ptp(x[obs]) == 0:
            rows.append({"indicator": col, "reason": f"constant: every observed value is {x[obs][0]:g}",
                         "coverage": cov})
        else:
            keep.append(col)
    return keep, pd.DataFrame(rows, columns=["indicator", "reason", "coverage"])


# ------------------------------------------------------------------------------ 2. imputation
def impute(X: pd.DataFrame, *, method: str = "none", kabupaten: pd.Series | None = None,
           random_state: int | None = 0) -> pd.DataFrame:
    """Fill missing indicator values (``X`` unchanged; a new frame is returned).

    ``method``: ``none`` | ``mean`` | ``group_mean`` (mean within the unit's kabupaten) |
    ``kabupaten_median`` | ``model`` (IterativeImputer + BayesianRidge on z-scored columns, seeded by
    ``random_state``; convergence warnings are silenced, the result is still the last iterate).
    ``kabupaten`` (aligned with ``X``) is required for the two kabupaten methods; a kabupaten
    with no observed value falls back to the overall mean/median.

    >>> X = pd.DataFrame({"a": [1.0, np.nan, 3.0, 10.0]})
    >>> impute(X, method="kabupaten_median", kabupaten=pd.Series(["k1", "k1", "k1", "k2"])).a.tolist()
    [1.0, 2.0, 3.0, 10.0]
    """
    _check_choice(method, IMPUTATIONS, where="impute(method=...)")
    out = X.astype(float).copy()
    if method == "none" or not out.isna().any().any():
        return out
    if method == "mean":
        return out.fillna(out.mean())
    if method in ("group_mean", "kabupaten_median"):
        if kabupaten is None:
            raise ConfigError(f"imputation {method!r} needs the kabupaten of each unit "
                              "(column kode_kabkota)")
        key = pd.Series(np.asarray(kabupaten), index=out.index)
        stat = "mean" if method == "group_mean" else "median"
        filled = out.groupby(key, sort=True).transform(stat)
        overall = out.agg(stat)
        return out.fillna(filled).fillna(overall)
    # model-based
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.experimental import enable_iterative_imputer  # noqa: F401
    from sklearn.impute import IterativeImputer

    cols = [c for c in out.columns if out[c].notna().any()]
    mu, sd = out[cols].mean(), out[cols].std(ddof=1).replace(0, 1.0).fillna(1.0)
    Z = ((out[cols] - mu) / sd).to_numpy()
    imp = IterativeImputer(max_iter=25, random_state=random_state, sample_posterior=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        Zi = imp.fit_transform(Z)
    out[cols] = Zi * sd.to_numpy() + mu.to_numpy()
    return out


# ------------------------------------------------------------------------- 3-4. treatment
def log_transform(x: pd.Series) -> pd.Series:
    """``log(1 + x)``; raises ConfigError on negative values (set ``log = false`` for them)."""
    if (x.dropna() < 0).any():
        raise ConfigError(f"indicator {x.name!r}: log = true needs values >= 0; found negatives")
    return np.log1p(x)


def winsorise(x: pd.Series, *, skew_thresh: float = 2.0, kurt_thresh: float = 3.5,
              winmax: int = 5) -> tuple[pd.Series, dict]:
    """COINr's winsorisation: while the column fails the skew/kurtosis check, set the highest
    value(s) (skew ≥ 0) or lowest (skew < 0) to the next value; stop after ``winmax`` points.
    Difference from COINr: a step that would leave fewer than two distinct values is not taken
    (a binary indicator is never winsorised into a constant).

    Returns the treated column and a record ``{n_winsorised, high, low, skew_before, kurt_before,
    skew_after, kurt_after, passes}`` where ``high``/``low`` are the caps applied (NaN if none).

    >>> x = pd.Series([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100])
    >>> y, rec = winsorise(x)
    >>> float(y.max()), rec["n_winsorised"], float(rec["high"])
    (30.0, 1, 30.0)
    """
    a = x.to_numpy(dtype=float).copy()
    rec = {"skew_before": skewness(a), "kurt_before": kurtosis(a), "n_winsorised": 0,
           "high": np.nan, "low": np.nan}
    n = 0
    while n < winmax and _fails_skew_kurt(a, skew_thresh, kurt_thresh):
        obs = a[~np.isnan(a)]
        if np.unique(obs).size <= 2:  # one more step would leave a constant column
            break
        if skewness(a) >= 0:
            top = np.nanmax(a)
            idx = a == top
            nxt = np.max(obs[obs < top])
            a[idx] = nxt
            rec["high"] = nxt
        else:
            bot = np.nanmin(a)
            idx = a == bot
            nxt = np.min(obs[obs > bot])
            a[idx] = nxt
            rec["low"] = nxt
        n += int(idx.sum())
    rec.update(n_winsorised=n, skew_after=skewness(a), kurt_after=kurtosis(a),
               passes=not _fails_skew_kurt(a, skew_thresh, kurt_thresh))
    return pd.Series(a, index=x.index, name=x.name), rec


def treat_outliers(X: pd.DataFrame, *, skew_thresh: float = 2.0, kurt_thresh: float = 3.5,
                   winmax: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """COINr's default ``Treat``: winsorise each failing column (:func:`winsorise`); a column that
    still fails gets ``log_CT`` on its original values, ``log(x - min + 0.01 (max - min))``.

    Returns the treated frame and the treatment log (one row per indicator with ``action`` one
    of ``none``, ``winsorised``, ``log_CT``, plus the caps and skew/kurtosis before and after).
    Binary (two-valued) indicators are left as they are: skew there measures rarity, not outliers.
    """
    out = X.copy()
    rows = []
    for col in X.columns:
        y, rec = winsorise(X[col], skew_thresh=skew_thresh, kurt_thresh=kurt_thresh, winmax=winmax)
        action = "winsorised" if rec["n_winsorised"] else "none"
        log_min = log_a = np.nan
        if X[col].nunique() <= 2:
            rec["passes"] = True  # binary: outlier treatment does not apply (logged as none)
        if not rec["passes"]:
            x = X[col]
            log_min, log_a = float(x.min()), 0.01 * float(x.max() - x.min())
            y = np.log(x - log_min + log_a)
            action = "log_CT"
            rec.update(high=np.nan, low=np.nan, skew_after=skewness(y), kurt_after=kurtosis(y),
                       passes=not _fails_skew_kurt(y.to_numpy(float), skew_thresh, kurt_thresh))
        out[col] = y
        rows.append({"indicator": col, "action": action, **rec, "log_min": log_min, "log_a": log_a})
    cols = ["indicator", "action", "n_winsorised", "high", "low", "skew_before", "kurt_before",
            "skew_after", "kurt_after", "passes", "log_min", "log_a"]
    return out, pd.DataFrame(rows, columns=cols)


def _apply_treatment(X: pd.DataFrame, log: pd.DataFrame) -> pd.DataFrame:
    """Apply a fitted treatment log to new data (caps as clips, log_CT with fitted min/a)."""
    out = X.copy()
    for rec in log.itertuples(index=False):
        x = out[rec.indicator]
        if rec.action == "log_CT":
            out[rec.indicator] = np.log(np.maximum(x - rec.log_min + rec.log_a, rec.log_a))
        elif rec.action == "winsorised":
            out[rec.indicator] = x.clip(lower=None if np.isnan(rec.low) else rec.low,
                                        upper=None if np.isnan(rec.high) else rec.high)
    return out


# -------------------------------------------------------------------------- 5. normalisation
def fit_normalise(X: pd.DataFrame) -> pd.DataFrame:
    """Reference statistics per indicator (min, max, mean, sd with ddof = 1, n observed)."""
    return pd.DataFrame({
        "min": X.min(), "max": X.max(), "mean": X.mean(), "sd": X.std(ddof=1),
        "n": X.notna().sum(),
    })


def _normalise_col(x: np.ndarray, ref: np.ndarray, *, method: str, direction: int,
                   lo: float, hi: float, target: float | None,
                   goalposts: tuple[float, float] | None = None) -> np.ndarray:
    """Normalise ``x`` against the observed reference values ``ref`` (sorted, no NaN)."""
    if method == "goalposts":
        if goalposts is None:
            raise ConfigError("goalposts normalisation needs lower and upper for every indicator")
        gl, gu = goalposts
        u = (x - gl) / (gu - gl) if direction > 0 else (gu - x) / (gu - gl)
        return lo + (hi - lo) * np.clip(u, 0.0, 1.0)
    if ref.size == 0:
        return np.full_like(x, np.nan)
    mn, mx = ref[0], ref[-1]
    mid = (lo + hi) / 2
    const = mx == mn
    if method == "minmax":
        if const:
            return np.where(np.isnan(x), np.nan, mid)
        u = (x - mn) / (mx - mn) if direction > 0 else (mx - x) / (mx - mn)
        return lo + (hi - lo) * u
    if method == "zscore":
        sd = ref.std(ddof=1) if ref.size > 1 else 0.0
        if sd == 0:
            return np.where(np.isnan(x), np.nan, 0.0)
        return direction * (x - ref.mean()) / sd
    if method == "target":
        if direction > 0:
            t = mx if target is None else target
            den = t - mn
            u = np.minimum((x - mn) / den, 1.0) if den > 0 else np.where(np.isnan(x), np.nan, 1.0)
        else:
            t = mn if target is None else target
            den = mx - t
            u = np.minimum((mx - x) / den, 1.0) if den > 0 else np.where(np.isnan(x), np.nan, 1.0)
        return lo + (hi - lo) * u
    # rank-based: compare with the reference distribution (so transform(fit data) == fit result)
    v = direction * x
    r = np.sort(direction * ref)
    below = np.searchsorted(r, v, side="left").astype(float)
    equal = np.searchsorted(r, v, side="right") - below
    below[np.isnan(v)] = np.nan
    if method == "borda":
        return below
    n = r.size
    if n < 2:
        return np.where(np.isnan(x), np.nan, 50.0)
    avg_rank = below + (equal + 1) / 2  # average rank of x among the reference values
    return 100.0 * (avg_rank - 1) / (n - 1)


def normalise(X: pd.DataFrame, *, method: str = "minmax", directions: Mapping[str, int] | None = None,
              range: tuple[float, float] = (0.0, 100.0), targets: Mapping[str, float | None] | None = None,
              reference: pd.DataFrame | None = None,
              goalposts: Mapping[str, tuple[float, float] | None] | None = None,
              transforms: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Normalise each indicator column, applying its direction (−1 flips it).

    ``reference`` (default ``X``) holds the values the scale is fitted on (min/max/mean/sd/ranks),
    so new units can be scored on a fitted scale. See the module docstring for each method.
    ``goalposts`` (COINr ``n_goalposts``): ``(x − lower)/(upper − lower)`` truncated to [0, 1],
    then scaled to ``range`` — an absolute scale that does not move when other units change.
    ``transforms[col] == "peak"``: the indicator is best at its target and worse either side; it
    is replaced by ``−|x − target|`` (direction +1) before any method; its goalposts become
    ``(−max(target − lower, upper − target), 0)``.

    >>> X = pd.DataFrame({"s": [0.0, 2.5, 5.0, 6.0]})
    >>> normalise(X, method="goalposts", goalposts={"s": (0.0, 5.0)})["s"].tolist()
    [0.0, 50.0, 100.0, 100.0]
    >>> X = pd.DataFrame({"d": [0.0, 0.3, 0.6, 1.0]})
    >>> normalise(X, method="goalposts", goalposts={"d": (0.0, 1.0)}, targets={"d": 0.3},
    ...           transforms={"d": "peak"})["d"].round(2).tolist()
    [57.14, 100.0, 57.14, 0.0]

    >>> X = pd.DataFrame({"a": [10.0, 20.0, 30.0], "b": [1.0, 2.0, 5.0]})
    >>> normalise(X, directions={"b": -1}).round(2).to_dict("list")
    {'a': [0.0, 50.0, 100.0], 'b': [100.0, 75.0, 0.0]}
    """
    _check_choice(method, NORMALISATIONS, where="normalise(method=...)")
    directions = directions or {}
    targets = targets or {}
    goalposts = goalposts or {}
    transforms = transforms or {}
    ref = X if reference is None else reference
    out = {}
    for col in X.columns:
        r = ref[col].to_numpy(dtype=float)
        x = X[col].to_numpy(dtype=float)
        direction, target, gp = int(directions.get(col, 1)), targets.get(col), goalposts.get(col)
        if transforms.get(col, "monotone") == "peak":
            if target is None:
                raise ConfigError(f"indicator {col!r}: transform 'peak' needs a target")
            x, r = -np.abs(x - target), -np.abs(r - target)
            if gp is not None:
                gp = (-max(target - gp[0], gp[1] - target), 0.0)
            direction, target = 1, 0.0
        r = np.sort(r[~np.isnan(r)])
        out[col] = _normalise_col(x, r, method=method, direction=direction, lo=float(range[0]),
                                  hi=float(range[1]), target=target, goalposts=gp)
    return pd.DataFrame(out, index=X.index)


# ------------------------------------------------------------------------------- 6. weights
def _group_members(indicators: Sequence[str], groups: Mapping[str, str]) -> dict[str, list[str]]:
    members: dict[str, list[str]] = {}
    for ind in indicators:
        members.setdefault(groups[ind], []).append(ind)
    return members


def pca_weights(X: pd.DataFrame) -> pd.Series:
    """Within-group weights from the first principal component (OECD Handbook 2008): squared
    loadings scaled to unit sum, ``w_i = l_i² / Σ l_j²`` (statsmodels ``PCA`` on standardised,
    complete cases; equals the squared first eigenvector of the correlation matrix).

    >>> rng = np.random.default_rng(0); f = rng.normal(size=200)
    >>> X = pd.DataFrame({"a": f + rng.normal(size=200), "b": f + rng.normal(size=200)})
    >>> round(float(pca_weights(X).sum()), 6)
    1.0
    """
    from statsmodels.multivariate.pca import PCA

    Xc = X.dropna()
    if X.shape[1] == 1:
        return pd.Series(1.0, index=X.columns)
    if len(Xc) <= X.shape[1]:
        raise ValueError(f"PCA weights need more complete units ({len(Xc)}) than indicators "
                         f"({X.shape[1]})")
    pc = PCA(Xc.to_numpy(float), ncomp=1, standardize=True, demean=True, normalize=True,
             method="eig")
    v = np.asarray(pc.eigenvecs)[:, 0]
    w = v ** 2 / np.sum(v ** 2)
    return pd.Series(w, index=X.columns)


def fa_weights(X: pd.DataFrame) -> pd.Series:
    """Within-group weights from a one-factor model (statsmodels ``Factor``, principal axis):
    squared loadings scaled to unit sum."""
    from statsmodels.multivariate.factor import Factor

    Xc = X.dropna()
    if X.shape[1] == 1:
        return pd.Series(1.0, index=X.columns)
    if X.shape[1] < 3 or len(Xc) <= X.shape[1]:
        raise ValueError("factor-analysis weights need at least 3 indicators in a group and more "
                         "complete units than indicators")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = Factor(Xc.to_numpy(float), n_factor=1, method="pa").fit()
    load = np.asarray(res.loadings)[:, 0]
    w = load ** 2 / np.sum(load ** 2)
    return pd.Series(w, index=X.columns)


def derive_weights(Xn: pd.DataFrame, *, method: str, config: IndexConfig) -> tuple[pd.Series, list[str]]:
    """Indicator weights (within each group, summing to 1 per group) for the columns of ``Xn``.

    Returns the weights and notes (e.g. a group that fell back to equal weights because PCA was
    impossible). ``expert`` uses the config weights, ``equal`` ones, ``pca``/``fa`` as in
    :func:`pca_weights`/:func:`fa_weights`.
    """
    _check_choice(method, WEIGHTINGS, where="weights")
    groups = {i.name: i.group for i in config.indicators}
    notes: list[str] = []
    w = pd.Series(0.0, index=Xn.columns)
    for g, cols in _group_members(list(Xn.columns), groups).items():
        if method == "expert":
            raw = pd.Series({c: config.indicator(c).weight for c in cols})
        elif method == "equal" or len(cols) == 1:
            raw = pd.Series(1.0, index=cols)
        else:
            try:
                raw = (pca_weights if method == "pca" else fa_weights)(Xn[cols])
            except ValueError as exc:
                notes.append(f"group {g}: {method} weights impossible ({exc}); equal weights used")
                raw = pd.Series(1.0, index=cols)
        w[cols] = raw / raw.sum()
    return w, notes


# ---------------------------------------------------------------------------- 7. aggregation
def _wmean(V: np.ndarray, w: np.ndarray, *, method: str) -> np.ndarray:
    """Row-wise weighted mean over non-missing entries (weights renormalised per row)."""
    present = ~np.isnan(V)
    W = np.where(present, w[None, :], 0.0)
    wsum = W.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "arithmetic":
            res = (np.where(present, V, 0.0) * W).sum(axis=1) / wsum
        else:
            if np.any(V[present] <= 0):
                raise ValueError("geometric mean needs positive values; normalise to a range "
                                 "starting above 0 (e.g. min-max [1, 100]) or use arithmetic")
            res = np.exp((np.where(present, np.log(np.where(present, V, 1.0)), 0.0) * W).sum(axis=1)
                         / wsum)
    res[wsum == 0] = np.nan
    return res


def aggregate(Xn: pd.DataFrame, *, weights: pd.Series, groups: Mapping[str, str],
              group_weights: Mapping[str, float], method: str = "arithmetic") -> pd.DataFrame:
    """Aggregate normalised indicators level by level: indicators → groups → ``index``.

    ``weights`` (per indicator) and ``group_weights`` are relative; each mean is taken over the
    values a unit has, with the weights renormalised over them (COINr's re-weighting). A unit with
    no value in a group gets NaN for that group and the index re-weights over the other groups.
    Returns one column per group (in ``group_weights`` order) plus ``index``.

    >>> Xn = pd.DataFrame({"a": [0.0, 100.0], "b": [np.nan, 50.0], "c": [100.0, 0.0]})
    >>> aggregate(Xn, weights=pd.Series({"a": 1, "b": 1, "c": 1}), groups={"a": "g", "b": "g", "c": "h"},
    ...           group_weights={"g": 1, "h": 1})["index"].tolist()
    [50.0, 37.5]
    """
    _check_choice(method, AGGREGATIONS, where="aggregation")
    members = _group_members(list(Xn.columns), groups)
    gkeys = [g for g in group_weights if g in members]
    G = np.column_stack([
        _wmean(Xn[members[g]].to_numpy(float), weights[members[g]].to_numpy(float), method=method)
        for g in gkeys
    ]) if gkeys else np.empty((len(Xn), 0))
    idx = _wmean(G, np.array([group_weights[g] for g in gkeys], dtype=float), method=method)
    out = pd.DataFrame(G, index=Xn.index, columns=gkeys)
    out["index"] = idx
    return out


# ------------------------------------------------------------------------------ estimator
class CompositeIndex(BaseEstimator):
    """The whole index pipeline as a scikit-learn estimator (``clone``/``get_params`` work;
    ``NotFittedError`` before ``fit``).

    Parameters
    ----------
    config : IndexConfig
        The framework; its ``[method]`` section gives the defaults of the parameters below.
    imputation, treatment, normalisation, weights, aggregation : str, optional
        Override the config's ``[method]`` choices.
    exclude : sequence of str
        Indicators to leave out (used by the Monte-Carlo; logged as dropped).
    random_state : int
        Seed of the model-based imputation.

    Fitted attributes: ``indicators_`` (kept), ``dropped_`` (indicator, reason), ``treatment_log_``,
    ``params_`` (min/max/mean/sd per indicator after treatment), ``shift_`` (geometric shift),
    ``weights_`` (within-group, summing to 1 per group), ``group_weights_``, ``weight_notes_``,
    ``reference_`` (the treated fit data, the scale of rank/Borda normalisation).
    Parameters are stored as given (``clone`` requires it) and validated in ``fit``.

    ``transform`` scores new units on the fitted scale (treatment caps, min/max/mean/sd, ranks
    against ``reference_``) with the fitted weights. Imputation is the exception: it is a
    cross-sectional step and is recomputed on the table being transformed (with the same
    method), so transform a whole table, not single rows, when imputation is not ``none``.

    >>> ci = CompositeIndex(cfg).fit(table)                           # doctest: +SKIP
    >>> clone(ci).set_params(normalisation="rank").fit(table)         # doctest: +SKIP
    >>> ci.transform(table)["index"]                                  # doctest: +SKIP
    """

    def __init__(self, config: IndexConfig, *, imputation: str | None = None,
                 treatment: str | None = None, normalisation: str | None = None,
                 weights: str | None = None, aggregation: str | None = None,
                 exclude: Sequence[str] = (), random_state: int = 0):
        self.config = config
        self.imputation = imputation
        self.treatment = treatment
        self.normalisation = normalisation
        self.weights = weights
        self.aggregation = aggregation
        self.exclude = exclude
        self.random_state = random_state

    def _m(self, key: str) -> Any:
        val = getattr(self, key)
        return self.config.method[key] if val is None else val

    def _kab(self, table: pd.DataFrame) -> pd.Series | None:
        return table["kode_kabkota"] if "kode_kabkota" in table.columns else None

    def _scale_value(self, name: str, v: float | None) -> float | None:
        """A value in the column's units on the indicator's working scale (log1p when logged)."""
        if v is None:
            return None
        return float(np.log1p(v)) if self.config.indicator(name).log else float(v)

    def _treated(self, table: pd.DataFrame, *, fit: bool) -> pd.DataFrame:
        X = indicator_frame(table, self.config)[self.indicators_]
        X = impute(X, method=self._m("imputation"), kabupaten=self._kab(table),
                   random_state=self.random_state)
        for c in X.columns:
            if self.config.indicator(c).log:
                X[c] = log_transform(X[c])
        if fit:
            if self._m("treatment") == "coinr" and self._m("normalisation") == "goalposts":
                # goalposts truncate at fixed bounds: COINr's log_CT would change the units the
                # goalposts are given in, so no outlier treatment on this path (logged as none)
                self.treatment_log_ = pd.DataFrame({"indicator": X.columns, "action": "none"})
            elif self._m("treatment") == "coinr":
                X, self.treatment_log_ = treat_outliers(
                    X, skew_thresh=float(self.config.method["skew_thresh"]),
                    kurt_thresh=float(self.config.method["kurt_thresh"]),
                    winmax=int(self.config.method["winmax"]))
            else:
                self.treatment_log_ = pd.DataFrame(
                    {"indicator": X.columns, "action": "none"})
            return X
        return _apply_treatment(X, self.treatment_log_)

    def fit(self, table: pd.DataFrame, y: Any = None) -> CompositeIndex:
        """Select, impute, treat and fit the normalisation scale and the weights on ``table``."""
        _check_method({**self.config.method, **{k: getattr(self, k) for k in
                       ("imputation", "treatment", "normalisation", "weights", "aggregation")
                       if getattr(self, k) is not None}}, where="CompositeIndex")
        if not isinstance(self.config, IndexConfig):
            raise ConfigError("CompositeIndex(config=...) needs an IndexConfig "
                              "(IndexConfig.from_dict(mapping, origin=...))")
        unknown = set(self.exclude) - set(self.config.indicator_names)
        if unknown:
            raise ConfigError(f"exclude names unknown indicators {sorted(unknown)}")
        X0 = indicator_frame(table, self.config)
        keep, dropped = select_indicators(X0, min_coverage=float(self.config.method["min_coverage"]))
        ex = [c for c in keep if c in self.exclude]
        if ex:
            dropped = pd.concat([dropped, pd.DataFrame({"indicator": ex, "reason": "excluded by the "
                                 "caller", "coverage": np.nan})], ignore_index=True)
        self.indicators_ = [c for c in keep if c not in self.exclude]
        if not self.indicators_:
            raise ConfigError("no indicator left after dropping all-NA/constant/low-coverage ones: "
                              + "; ".join(f"{r.indicator}: {r.reason}" for r in dropped.itertuples()))
        self.dropped_ = dropped.reset_index(drop=True)
        T = self._treated(table, fit=True)
        self.reference_ = T
        self.params_ = fit_normalise(T)
        Xn = self._normalised(T)
        self.weights_, self.weight_notes_ = derive_weights(Xn, method=self._m("weights"),
                                                           config=self.config)
        used_groups = {self.config.indicator(c).group for c in self.indicators_}
        self.group_weights_ = pd.Series({g.key: g.weight for g in self.config.groups
                                         if g.key in used_groups})
        fitted_min = Xn.min()
        self.shift_ = ((1.0 - fitted_min).clip(lower=0.0) if self._m("aggregation") == "geometric"
                       else fitted_min * 0.0)
        return self

    def _normalised(self, T: pd.DataFrame, *, shift: bool = False) -> pd.DataFrame:
        cfg = self.config
        inds = {c: cfg.indicator(c) for c in T.columns}
        Xn = normalise(T, method=self._m("normalisation"),
                       directions={c: i.direction for c, i in inds.items()},
                       range=tuple(cfg.method["range"]),
                       targets={c: self._scale_value(c, i.target) for c, i in inds.items()},
                       reference=getattr(self, "reference_", T),
                       goalposts={c: None if i.lower is None else
                                  (self._scale_value(c, i.lower), self._scale_value(c, i.upper))
                                  for c, i in inds.items()},
                       transforms={c: i.transform for c, i in inds.items()})
        if shift:
            Xn = Xn + self.shift_
        return Xn

    def transform_steps(self, table: pd.DataFrame) -> dict[str, pd.DataFrame]:
        """Every intermediate frame for ``table``: ``raw``, ``treated``, ``normalised``, ``scores``."""
        self._check_fitted()
        raw = indicator_frame(table, self.config)[self.indicators_]
        T = self._treated(table, fit=False)
        Xn = self._normalised(T)
        agg = self._m("aggregation")
        Xa = Xn + self.shift_ if agg == "geometric" else Xn
        if agg == "geometric":
            Xa = Xa.clip(lower=1e-9)
        groups = {i.name: i.group for i in self.config.indicators}
        scores = aggregate(Xa, weights=self.weights_, groups=groups,
                           group_weights=self.group_weights_.to_dict(), method=agg)
        scores = _with_subindices(scores, self.config, self.group_weights_, agg)
        return {"raw": raw, "treated": T, "normalised": Xn, "scores": scores}

    def transform(self, table: pd.DataFrame) -> pd.DataFrame:
        """Group scores and ``index`` for each row of ``table`` (same index as ``table``)."""
        return self.transform_steps(table)["scores"]

    def fit_transform(self, table: pd.DataFrame, y: Any = None) -> pd.DataFrame:
        return self.fit(table).transform(table)

    def _check_fitted(self) -> None:
        if not hasattr(self, "weights_"):
            raise NotFittedError("This CompositeIndex is not fitted yet; call fit(table) first")


def _with_subindices(scores: pd.DataFrame, config: IndexConfig, group_weights: pd.Series,
                     method: str) -> pd.DataFrame:
    """Add one column per sub-index (its groups' weighted mean, re-weighted over missing groups)
    before ``index`` — when the framework has more than one sub-index."""
    subs = config.subindices
    if len(subs) < 2:
        return scores
    out = scores.drop(columns="index")
    for sub in subs:
        keys = [g.key for g in config.groups if g.subindex == sub and g.key in group_weights.index]
        if keys:
            out[sub] = _wmean(scores[keys].to_numpy(float), group_weights[keys].to_numpy(float),
                              method=method)
        else:
            out[sub] = np.nan
    # how many sub-indices a unit's index rests on (a kelurahan without IDM: capacity only —
    # COINr's re-weighting over missing groups, shown so the report can say so)
    out["subindices_present"] = out[subs].notna().sum(axis=1).astype(int)
    out["index"] = scores["index"]
    return out


# ----------------------------------------------------------------------------- diagnostics
def cronbach_alpha(X: pd.DataFrame) -> float:
    """Cronbach's α (textbook): ``k/(k-1) · (1 - Σ var(x_i) / var(Σ x_i))``, variances with
    ddof = 1 over complete cases. NaN for fewer than 2 indicators or 2 complete units.

    >>> X = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 3, 4, 5], "c": [1.0, 3, 2, 4]})
    >>> round(cronbach_alpha(X), 4)   # 3/2 · (1 - 5/13.667)
    0.9512
    """
    Xc = X.dropna()
    k = Xc.shape[1]
    if k < 2 or len(Xc) < 2:
        return float("nan")
    item_var = Xc.var(ddof=1).sum()
    total_var = Xc.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - item_var / total_var))


def correlation_pairs(Xn: pd.DataFrame, groups: Mapping[str, str], *,
                      collinear: float = COLLINEAR_R, negative: float = -0.1) -> pd.DataFrame:
    """Pearson correlation of every pair of (directed, normalised) indicators, pairwise complete,
    with ``within`` (same group) and ``flag``: ``negative`` (r < ``negative``, default −0.1: the
    pair pulls the index in opposite directions; the threshold keeps sampling noise around 0 out
    — COINr's ``get_corr_flags`` leaves it to the user, its vignette uses −0.5) or ``collinear``
    (|r| > ``collinear``: double counting)."""
    C = Xn.corr(method="pearson")
    rows = []
    cols = list(Xn.columns)
    for i, a in enumerate(cols):
        for b in cols[i + 1:]:
            r = C.loc[a, b]
            flag = ""
            if pd.notna(r) and abs(r) > collinear:
                flag = "collinear"
            elif pd.notna(r) and r < negative:
                flag = "negative"
            rows.append({"a": a, "b": b, "group_a": groups[a], "group_b": groups[b],
                         "within": groups[a] == groups[b], "r": r, "flag": flag})
    return pd.DataFrame(rows, columns=["a", "b", "group_a", "group_b", "within", "r", "flag"])


def pca_variance(Xn: pd.DataFrame, groups: Mapping[str, str]) -> pd.DataFrame:
    """Per group: number of indicators, share of variance explained by the first principal
    component of the correlation matrix (complete cases), number of eigenvalues > 1 (Kaiser),
    and Cronbach's α."""
    rows = []
    for g, cols in _group_members(list(Xn.columns), groups).items():
        Xc = Xn[cols].dropna()
        share, kaiser = (1.0, 1) if len(cols) == 1 else (np.nan, np.nan)
        if len(cols) > 1 and len(Xc) > len(cols):
            with np.errstate(invalid="ignore", divide="ignore"):
                R = np.corrcoef(Xc.to_numpy(float), rowvar=False)
            if np.all(np.isfinite(R)):
                ev = np.sort(np.linalg.eigvalsh(R))[::-1]
                share, kaiser = float(ev[0] / ev.sum()), int((ev > 1).sum())
        rows.append({"group": g, "n_indicators": len(cols), "pc1_variance_share": share,
                     "n_eigen_gt1": kaiser, "cronbach_alpha": cronbach_alpha(Xn[cols])})
    return pd.DataFrame(rows)


def contributions(Xn: pd.DataFrame, *, weights: pd.Series, groups: Mapping[str, str],
                  group_weights: Mapping[str, float]) -> pd.DataFrame:
    """Each indicator's contribution to each unit's (arithmetic) index: its value times its
    effective weight after renormalisation over the unit's present values at both levels. The
    contributions of a unit sum to its arithmetic index. Columns are indicators."""
    members = _group_members(list(Xn.columns), groups)
    out = pd.DataFrame(0.0, index=Xn.index, columns=Xn.columns)
    gpresent = {}
    for g, cols in members.items():
        V = Xn[cols].to_numpy(float)
        W = np.where(np.isnan(V), 0.0, weights[cols].to_numpy(float)[None, :])
        s = W.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[cols] = np.where(s > 0, W / s * np.nan_to_num(V), 0.0)
        gpresent[g] = s[:, 0] > 0
    gw = np.column_stack([np.where(gpresent[g], group_weights[g], 0.0) for g in members])
    gsum = gw.sum(axis=1)
    for j, (g, cols) in enumerate(members.items()):
        with np.errstate(invalid="ignore", divide="ignore"):
            out[cols] = out[cols].to_numpy() * (gw[:, [j]] / gsum[:, None])
    return out


def diagnostics(ci: CompositeIndex, table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Diagnostics of a fitted index on ``table``: ``correlations`` (pairs, flagged),
    ``correlation_matrix``, ``groups`` (α, PC1 share, Kaiser count), ``contributions`` (mean share
    of each indicator in the index), ``group_index_correlation`` (each group score vs the index),
    ``treatment``, ``dropped``."""
    steps = ci.transform_steps(table)
    Xn = steps["normalised"]
    groups = {i.name: i.group for i in ci.config.indicators}
    contrib = contributions(Xn, weights=ci.weights_,
                            groups=groups, group_weights=ci.group_weights_.to_dict())
    total = contrib.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = contrib.div(total.where(total != 0), axis=0)
    contrib_table = pd.DataFrame({
        "indicator": contrib.columns,
        "group": [groups[c] for c in contrib.columns],
        "weight_in_group": ci.weights_[contrib.columns].to_numpy(),
        "mean_contribution": contrib.mean().to_numpy(),
        "mean_share": share.mean().to_numpy(),
    })
    scores = steps["scores"]
    gcorr = scores.drop(columns=["index", "subindices_present"], errors="ignore").corrwith(
        scores["index"]).rename("r_with_index")
    return {
        "correlations": correlation_pairs(Xn, groups),
        "correlation_matrix": Xn.corr(),
        "groups": pca_variance(Xn, groups),
        "contributions": contrib_table,
        "group_index_correlation": gcorr.reset_index().rename(columns={"index": "group"}),
        "treatment": ci.treatment_log_,
        "dropped": ci.dropped_,
    }


# -------------------------------------------------------------------- uncertainty (Monte-Carlo)
@dataclass
class MonteCarloResult:
    """Output of :func:`monte_carlo`. ``ranks``: units × replications (1 = best); ``choices``: one
    row per replication; ``summary``: per unit nominal rank, median rank, p05, p95; ``sensitivity``:
    per factor the first-order share of rank variance and the one-at-a-time mean |rank shift|;
    ``influence``: per indicator, the mean |rank shift| when only that indicator is left out."""

    ranks: np.ndarray
    choices: pd.DataFrame
    summary: pd.DataFrame
    sensitivity: pd.DataFrame
    seed: int
    n_rep: int
    influence: pd.DataFrame | None = None  # per indicator: mean |rank shift| when it is left out
    #: units × replications of the index value itself (0-100); absolute only where the
    #: replication's normalisation is an absolute one (``choices["normalisation"]``)
    values: np.ndarray | None = None

    def absolute_draws(self, ids, *, absolute=("goalposts",)) -> pd.DataFrame:
        """The index values of the replications whose normalisation is on an absolute scale (a cut
        such as ``index >= 50`` means the same in each), as a frame keyed by ``ids``."""
        keep = self.choices["normalisation"].isin(absolute).to_numpy()
        cols = [f"rep{r}" for r in np.flatnonzero(keep)]
        # geometric aggregation shifts scores to >= 1 before the mean (no zeros), so its values
        # can exceed the scale by that shift: clipped back to [0, 100]
        vals = np.clip(self.values[:, keep], 0.0, 100.0)
        return pd.DataFrame(vals, columns=cols).assign(coop_id=list(ids)) \
            .set_index("coop_id")


@dataclass
class _MCContext:
    normalised: dict[tuple[str, str], np.ndarray]  # (imputation, normalisation) -> units × ind
    shifted: dict[tuple[str, str], np.ndarray]     # same, shifted to >= 1 for geometric
    group_of: np.ndarray                           # indicator -> group position
    w: np.ndarray                                  # nominal within-group weights
    gw: np.ndarray                                 # nominal group weights
    norms: list[str]
    aggs: list[str]
    imps: list[str]
    p: float
    exclude: bool


def _index_from(ctx: _MCContext, imp: str, norm: str, agg: str, w: np.ndarray, gw: np.ndarray
                ) -> np.ndarray:
    V = ctx.shifted[(imp, norm)] if agg == "geometric" else ctx.normalised[(imp, norm)]
    G = np.column_stack([
        _wmean(V[:, ctx.group_of == g], w[ctx.group_of == g], method=agg) for g in range(gw.size)
    ])
    return _wmean(G, gw, method=agg)


def _draw(ctx: _MCContext, rng: np.random.Generator) -> dict:
    """One replication's choices (fixed draw order, so a seed always means the same choices)."""
    n_ind = ctx.w.size
    norm = ctx.norms[int(rng.integers(len(ctx.norms)))]
    agg = ctx.aggs[int(rng.integers(len(ctx.aggs)))]
    imp = ctx.imps[int(rng.integers(len(ctx.imps)))]
    excl = int(rng.integers(n_ind + 1)) - 1 if ctx.exclude else -1   # -1 = none
    fw = rng.uniform(1 - ctx.p, 1 + ctx.p, size=n_ind)
    fg = rng.uniform(1 - ctx.p, 1 + ctx.p, size=ctx.gw.size)
    return {"normalisation": norm, "aggregation": agg, "imputation": imp, "excluded": excl,
            "fw": fw, "fg": fg}


def _run_chunk(seeds: list[np.random.SeedSequence], ctx: _MCContext
               ) -> tuple[np.ndarray, list, np.ndarray]:
    ranks, choices, values = [], [], []
    for ss in seeds:
        d = _draw(ctx, np.random.default_rng(ss))
        w = ctx.w * d["fw"]
        if d["excluded"] >= 0:
            w = w.copy()
            w[d["excluded"]] = 0.0
        idx = _index_from(ctx, d["imputation"], d["normalisation"], d["aggregation"], w,
                          ctx.gw * d["fg"])
        ranks.append(rank_desc(idx))
        values.append(idx)
        choices.append(d)
    return np.column_stack(ranks), choices, np.column_stack(values)


def _mc_context(table: pd.DataFrame, ci: CompositeIndex, unc: Mapping[str, Any]) -> _MCContext:
    """Precompute every (imputation, normalisation) normalised matrix on the nominal fit's
    indicators; each replication then only re-weights and aggregates."""
    cfg = ci.config
    normalised, shifted = {}, {}
    exclude = [n for n in cfg.indicator_names if n not in ci.indicators_]
    for imp in unc["imputation"]:
        for norm in unc["normalisation"]:
            # the estimator itself, varied through its parameters (one construction path)
            sub = clone(ci).set_params(imputation=imp, normalisation=norm, exclude=exclude).fit(table)
            Xn = sub._normalised(sub._treated(table, fit=False))[ci.indicators_].to_numpy(float)
            normalised[(imp, norm)] = Xn
            mn = np.nanmin(Xn, axis=0)
            shifted[(imp, norm)] = np.maximum(Xn + np.clip(1.0 - mn, 0.0, None), 1e-9)
    gkeys = list(ci.group_weights_.index)
    group_of = np.array([gkeys.index(cfg.indicator(c).group) for c in ci.indicators_])
    return _MCContext(normalised, shifted, group_of, ci.weights_[ci.indicators_].to_numpy(float),
                      ci.group_weights_.to_numpy(float), list(unc["normalisation"]),
                      list(unc["aggregation"]), list(unc["imputation"]),
                      float(unc["weight_perturbation"]), bool(unc["exclude_indicator"]))


def _first_order_share(ranks: np.ndarray, labels: np.ndarray) -> float:
    """Σ_u Var(E[R_u | factor]) / Σ_u Var(R_u), conditional means per factor level (a
    binned/ANOVA estimate of the first-order sensitivity index, Saltelli et al. 2008)."""
    R = np.nan_to_num(ranks, nan=np.nanmean(ranks))
    total = R.var(axis=1).sum()
    if total == 0:
        return 0.0
    levels = pd.unique(labels)
    mean = R.mean(axis=1)
    between = np.zeros(R.shape[0])
    for lv in levels:
        m = labels == lv
        between += m.mean() * (R[:, m].mean(axis=1) - mean) ** 2
    return float(between.sum() / total)


def monte_carlo(table: pd.DataFrame, ci: CompositeIndex, *, n_rep: int | None = None,
                seed: int = 0, n_jobs: int | None = None, progress: bool = False,
                id_col: str = "coop_id", uncertainty: Mapping[str, Any] | None = None,
                chunk_size: int = 50) -> MonteCarloResult:
    """Monte-Carlo uncertainty analysis of the ranks of a fitted index (OECD/JRC Handbook §7).

    Each replication draws, independently and uniformly: the normalisation, the aggregation and
    the imputation from the ``[uncertainty]`` lists; one indicator to exclude (or none, with the
    same probability as each indicator) when ``exclude_indicator``; and a factor
    ``U(1 - p, 1 + p)`` (p = ``weight_perturbation``, default 0.25) for every indicator weight and
    every group weight (the nominal weights ``ci.weights_`` / ``ci.group_weights_``, then
    renormalised over present values). The index is recomputed and the units ranked (1 = best).

    Reproducibility: replication *r* uses ``np.random.SeedSequence(seed).spawn(n_rep)[r]``, so the
    result depends on ``seed`` only — not on ``n_jobs`` or the chunking. Work is spread with
    ``joblib.Parallel`` (pass a Dask cluster with ``joblib.parallel_backend("dask")``);
    ``progress=True`` shows a tqdm bar over chunks. ``n_jobs=None`` takes joblib's context
    default (1 outside ``joblib.parallel_config``/``parallel_backend``), so a Dask backend set by
    the caller is used as configured. Kabupaten-based imputations are skipped (noted in
    ``choices.attrs["notes"]``) when the table has no ``kode_kabkota``.

    Sensitivity (``.sensitivity``):
    ``first_order_share`` = Σ_u Var(E[rank_u | factor]) / Σ_u Var(rank_u) estimated from the
    replications by conditioning on the factor's level (for the continuous weight factors it is
    not estimated; ``weights + interactions`` = 1 − Σ shares); ``mean_abs_rank_shift`` = one at
    a time from the nominal setting, the mean over units and over the factor's alternative levels
    of |rank − nominal rank| (for weights: over 50 perturbations; for exclusion: over the indicators).
    """
    unc = {**ci.config.uncertainty, **dict(uncertainty or {})}
    notes = []
    if "kode_kabkota" not in table.columns:
        kab = [m for m in unc["imputation"] if m in ("group_mean", "kabupaten_median")]
        if kab:
            notes.append(f"imputations {kab} skipped: the table has no kode_kabkota")
            unc["imputation"] = [m for m in unc["imputation"] if m not in kab] or ["none"]
    n_rep = int(n_rep if n_rep is not None else unc["n_rep"])
    ci._check_fitted()
    # the nominal choices must be among the draws' building blocks for the OAT measure
    nominal = {"imputation": ci._m("imputation"), "normalisation": ci._m("normalisation"),
               "aggregation": ci._m("aggregation")}
    unc_ctx = dict(unc)
    for k, v in nominal.items():
        if v not in unc_ctx[k]:
            unc_ctx[k] = [*unc_ctx[k], v]
    ctx = _mc_context(table, ci, unc_ctx)
    ctx.norms, ctx.aggs, ctx.imps = list(unc["normalisation"]), list(unc["aggregation"]), \
        list(unc["imputation"])

    children = np.random.SeedSequence(seed).spawn(n_rep)
    chunks = [children[i:i + chunk_size] for i in range(0, n_rep, chunk_size)]
    from joblib import Parallel, delayed

    par = Parallel(n_jobs=n_jobs, return_as="generator")
    gen = par(delayed(_run_chunk)(c, ctx) for c in chunks)
    if progress:
        from tqdm.auto import tqdm

        gen = tqdm(gen, total=len(chunks), desc="Monte-Carlo", unit="chunk")
    parts = list(gen)
    ranks = np.column_stack([p[0] for p in parts])
    values = np.column_stack([p[2] for p in parts])
    draws = [d for p in parts for d in p[1]]
    names = ci.indicators_
    choices = pd.DataFrame({
        "normalisation": [d["normalisation"] for d in draws],
        "aggregation": [d["aggregation"] for d in draws],
        "imputation": [d["imputation"] for d in draws],
        "excluded": [names[d["excluded"]] if d["excluded"] >= 0 else "none" for d in draws],
    })
    choices.attrs["notes"] = notes

    nominal_idx = _index_from(ctx, nominal["imputation"], nominal["normalisation"],
                              nominal["aggregation"], ctx.w, ctx.gw)
    nominal_rank = rank_desc(nominal_idx)
    ids = table[id_col].to_numpy() if id_col in table.columns else np.arange(len(table))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        summary = pd.DataFrame({
            id_col: ids,
            "rank": nominal_rank,
            "median_rank": np.nanmedian(ranks, axis=1),
            "rank_p05": np.nanpercentile(ranks, 5, axis=1),
            "rank_p95": np.nanpercentile(ranks, 95, axis=1),
        })
    summary["interval_width"] = summary["rank_p95"] - summary["rank_p05"]

    # sensitivity
    rows = []
    for factor in ("normalisation", "aggregation", "imputation", "excluded"):
        lab = choices[factor].to_numpy()
        share = _first_order_share(ranks, lab) if np.unique(lab).size > 1 else 0.0
        shifts = []
        if factor == "excluded":
            for j in range(ctx.w.size if ctx.exclude else 0):
                w = ctx.w.copy()
                w[j] = 0.0
                r = rank_desc(_index_from(ctx, nominal["imputation"], nominal["normalisation"],
                                          nominal["aggregation"], w, ctx.gw))
                shifts.append(np.nanmean(np.abs(r - nominal_rank)))
            influence = pd.DataFrame({"indicator": names, "mean_abs_rank_shift_if_excluded":
                                      shifts if shifts else np.nan})
        else:
            for lv in unc[factor]:
                if lv == nominal[factor]:
                    continue
                ch = {**nominal, factor: lv}
                r = rank_desc(_index_from(ctx, ch["imputation"], ch["normalisation"],
                                          ch["aggregation"], ctx.w, ctx.gw))
                shifts.append(np.nanmean(np.abs(r - nominal_rank)))
        rows.append({"factor": factor, "first_order_share": share,
                     "mean_abs_rank_shift": float(np.mean(shifts)) if shifts else 0.0})
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(n_rep + 1)[-1])
    wshift = []
    for _ in range(50):
        r = rank_desc(_index_from(
            ctx, nominal["imputation"], nominal["normalisation"], nominal["aggregation"],
            ctx.w * rng.uniform(1 - ctx.p, 1 + ctx.p, ctx.w.size),
            ctx.gw * rng.uniform(1 - ctx.p, 1 + ctx.p, ctx.gw.size)))
        wshift.append(np.nanmean(np.abs(r - nominal_rank)))
    rows.append({"factor": "weights + interactions",
                 "first_order_share": max(0.0, 1.0 - sum(r["first_order_share"] for r in rows)),
                 "mean_abs_rank_shift": float(np.mean(wshift)) if ctx.p > 0 else 0.0})
    return MonteCarloResult(ranks=ranks, choices=choices, summary=summary,
                            sensitivity=pd.DataFrame(rows), seed=seed, n_rep=n_rep,
                            influence=influence, values=values)


# ------------------------------------------------------------------ flags, checks, coherence
_AUDIT_COLUMNS = ["rule", "unit", "indicator", "column", "old", "new", "reason"]


def apply_flags(table: pd.DataFrame, config: IndexConfig, *, id_col: str = "coop_id",
                flags_col: str = "outlier_flags") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Set values flagged by cleaning to missing before the index, with one audit row per cell.

    ``outlier_flags`` holds ``;``-separated tokens, each a column (``turnover_rp``) or a ratio
    whose numerator is the suspect value (``turnover_rp/assets_rp``). Every indicator whose column
    is flagged for a unit gets NA there (the value in the raw file is unchanged; cleaning kept it
    and flagged it). Returns the changed copy and the audit (``rule``, ``unit``, ``indicator``,
    ``column``, ``old``, ``new``, ``reason``).

    >>> t = pd.DataFrame({"coop_id": ["a", "b"], "turnover_rp": [1.0, 9e9],
    ...                   "outlier_flags": [None, "turnover_rp/assets_rp"]})
    >>> cfg = parse_config({"groups": {"g": {}}, "indicators": [
    ...     {"name": "t", "column": "turnover_rp", "group": "g"}]})
    >>> out, audit = apply_flags(t, cfg)
    >>> out["turnover_rp"].isna().tolist(), audit["rule"].tolist()
    ([False, True], ['flagged_value_set_missing'])
    """
    audit: list[dict] = []
    if flags_col not in table.columns:
        return table, pd.DataFrame(audit, columns=_AUDIT_COLUMNS)
    out = table.copy()
    by_col: dict[str, list[str]] = {}
    for ind in config.indicators:
        by_col.setdefault(ind.column, []).append(ind.name)
    units = out[id_col].to_numpy() if id_col in out.columns else out.index.to_numpy()
    flags = out[flags_col].astype("string").fillna("")
    for pos, raw in enumerate(flags.to_numpy()):
        if not raw:
            continue
        for token in str(raw).split(";"):
            col = token.strip().split("/")[0]
            if col not in by_col or col not in out.columns:
                continue
            old = out[col].iloc[pos]
            if pd.isna(old):
                continue
            if not pd.api.types.is_float_dtype(out[col]) or pd.api.types.is_extension_array_dtype(out[col]):
                out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
            out.iloc[pos, out.columns.get_loc(col)] = np.nan
            audit.append({"rule": "flagged_value_set_missing", "unit": units[pos],
                          "indicator": ",".join(by_col[col]), "column": col, "old": old,
                          "new": np.nan, "reason": f"flagged by cleaning ({token.strip()})"})
    return out, pd.DataFrame(audit, columns=_AUDIT_COLUMNS)


def direction_check(ci: CompositeIndex, table: pd.DataFrame) -> pd.DataFrame:
    """Directions and targets against the data: per indicator the Spearman correlation of its
    directed, normalised values with the mean of the rest of its group (``r_item_rest``; negative
    = the declared direction pulls against its group: ``suspect``), the observed range, and for a
    declared target whether it lies inside the observed range and the share of units at or
    beyond it (on the good side)."""
    steps = ci.transform_steps(table)
    Xn, raw = steps["normalised"], steps["raw"]
    groups = {i.name: i.group for i in ci.config.indicators}
    members = _group_members(list(Xn.columns), groups)
    rows = []
    for c in Xn.columns:
        ind = ci.config.indicator(c)
        rest = [o for o in members[groups[c]] if o != c]
        r = np.nan
        if rest:
            m = Xn[rest].mean(axis=1)
            ok = Xn[c].notna() & m.notna()
            if ok.sum() > 2 and Xn.loc[ok, c].nunique() > 1 and m[ok].nunique() > 1:
                r = float(stats.spearmanr(Xn.loc[ok, c], m[ok]).statistic)
        x = raw[c].dropna()
        t = ind.target
        rows.append({
            "indicator": c, "group": groups[c], "direction": ind.direction,
            "transform": ind.transform, "r_item_rest": r,
            "suspect": bool(np.isfinite(r) and r < 0),
            "observed_min": float(x.min()) if len(x) else np.nan,
            "observed_max": float(x.max()) if len(x) else np.nan,
            "target": t,
            "target_in_range": None if t is None or not len(x) else bool(x.min() <= t <= x.max()),
            "share_at_target": None if t is None or not len(x) else float(
                ((x - t).abs() <= 1e-12).mean() if ind.transform == "peak" else
                ((x >= t) if ind.direction > 0 else (x <= t)).mean()),
            "lower": ind.lower, "upper": ind.upper,
            "share_outside_goalposts": None if ind.lower is None or not len(x) else float(
                ((x < ind.lower) | (x > ind.upper)).mean()),
        })
    return pd.DataFrame(rows)


def coherence(ci: CompositeIndex, table: pd.DataFrame, *, alpha_min: float | None = None
              ) -> pd.DataFrame:
    """Statistical coherence per dimension (group), for the report to show and name failures.

    Columns: ``subindex``, ``group``, ``n_indicators``, ``cronbach_alpha``, ``mean_r`` (mean
    pairwise Pearson r of the directed, normalised indicators), ``min_r``, ``fails`` and
    ``failure`` (codes: ``alpha_below_min``, ``negative_correlation``, ``single_indicator`` —
    a one-indicator group cannot be tested and does not fail). ``alpha_min`` defaults to the
    config's ``[method] alpha_min`` (0.6).
    """
    a_min = float(ci.config.method.get("alpha_min", 0.6) if alpha_min is None else alpha_min)
    Xn = ci.transform_steps(table)["normalised"]
    groups = {i.name: i.group for i in ci.config.indicators}
    rows = []
    for g, cols in _group_members(list(Xn.columns), groups).items():
        sub = ci.config.group(g).subindex
        if len(cols) < 2:
            rows.append({"subindex": sub, "group": g, "n_indicators": len(cols),
                         "cronbach_alpha": np.nan, "mean_r": np.nan, "min_r": np.nan,
                         "fails": False, "failure": "single_indicator"})
            continue
        C = Xn[cols].corr().to_numpy()
        off = C[np.triu_indices(len(cols), 1)]
        alpha = cronbach_alpha(Xn[cols])
        fail = []
        if not np.isfinite(alpha) or alpha < a_min:
            fail.append("alpha_below_min")
        if np.nanmin(off) < -0.1:
            fail.append("negative_correlation")
        rows.append({"subindex": sub, "group": g, "n_indicators": len(cols),
                     "cronbach_alpha": alpha, "mean_r": float(np.nanmean(off)),
                     "min_r": float(np.nanmin(off)), "fails": bool(fail),
                     "failure": ";".join(fail)})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------- top level
@dataclass
class IndexResult:
    """What :func:`compute_index` returns.

    ``scores``: id and region keys, one column per group, one per sub-index (when the framework
    has several, e.g. ``context`` and ``capacity``), ``index``, ``rank`` (1 = highest), plus
    ``median_rank``, ``rank_p05``, ``rank_p95`` when the Monte-Carlo ran; ``absolute``: whether
    the scale is absolute (goalposts), i.e. whether a cut may be applied; ``diagnostics``: dict of
    DataFrames (:func:`diagnostics`, plus ``coherence`` and ``directions``); ``audit``: the values
    set to missing (:func:`apply_flags`); ``log``: what was dropped or changed, in words.
    """

    scores: pd.DataFrame
    diagnostics: dict[str, pd.DataFrame]
    uncertainty: pd.DataFrame | None
    sensitivity: pd.DataFrame | None
    framework: pd.DataFrame
    estimator: CompositeIndex
    config: IndexConfig
    log: list[str]
    monte_carlo: MonteCarloResult | None = None
    audit: pd.DataFrame | None = None
    absolute: bool = False

    @property
    def coherence(self) -> pd.DataFrame:
        return self.diagnostics["coherence"]

    @property
    def incoherent_dimensions(self) -> list[str]:
        """The groups that fail the coherence check (codes), for the report to name."""
        c = self.diagnostics["coherence"]
        return c.loc[c["fails"], "group"].tolist()


def compute_index(table: pd.DataFrame, config: IndexConfig, *, seed: int = 0,
                  n_rep: int | None = None, n_jobs: int | None = None, progress: bool = False,
                  uncertainty: bool = True, id_col: str = "coop_id", **method: Any) -> IndexResult:
    """Fit the index on the analysis table and score every unit.

    ``config``: an :class:`IndexConfig` (the data layer builds it with ``IndexConfig.from_dict``);
    ``method`` keywords override ``[method]`` choices (e.g. ``normalisation="goalposts"``).
    Values flagged by cleaning (``outlier_flags``) are set to missing first when ``[method]
    flagged = "missing"`` (the default), each in ``result.audit``. Indicators that are all NA,
    constant or below ``min_coverage`` are dropped and the reason is in ``result.log``.

    >>> res = compute_index(table, cfg, seed=20251, n_rep=500)             # doctest: +SKIP
    >>> res.scores[["coop_id", "context", "capacity", "index", "rank_p05", "rank_p95"]]  # doctest: +SKIP
    """
    if not isinstance(config, IndexConfig):
        raise ConfigError("compute_index(table, config): config must be an IndexConfig (build it "
                          "with IndexConfig.from_dict(mapping, origin=...)); no file is read here")
    cfg = config.with_method(**method) if method else config
    if id_col in table.columns:
        table = table.sort_values(id_col, kind="stable").reset_index(drop=True)
    audit = pd.DataFrame(columns=_AUDIT_COLUMNS)
    if cfg.method.get("flagged", "missing") == "missing":
        table, audit = apply_flags(table, cfg, id_col=id_col)
    ci = CompositeIndex(cfg, random_state=seed).fit(table)
    steps = ci.transform_steps(table)
    keys = [c for c in (id_col, "kode_desa", "nama_desa", "kode_kabkota", "nama_kabkota")
            if c in table.columns]
    scores = pd.concat([table[keys].reset_index(drop=True),
                        steps["scores"].reset_index(drop=True)], axis=1)
    scores["rank"] = rank_desc(scores["index"].to_numpy(float))
    log = [f"set {len(audit)} flagged value(s) to missing: "
           + ", ".join(f"{r.column} of {r.unit}" for r in audit.itertuples())] if len(audit) else []
    log += [f"dropped {r.indicator}: {r.reason}" for r in ci.dropped_.itertuples()]
    log += [f"treated {r.indicator}: {r.action}" for r in ci.treatment_log_.itertuples()
            if r.action != "none"]
    log += list(ci.weight_notes_)
    mc = None
    unc_table = sens = None
    if uncertainty:
        mc = monte_carlo(table, ci, n_rep=n_rep, seed=seed, n_jobs=n_jobs, progress=progress,
                         id_col=id_col)
        unc_table, sens = mc.summary, mc.sensitivity
        scores = scores.merge(unc_table.drop(columns=["rank"]), on=id_col, how="left") \
            if id_col in scores.columns else pd.concat(
                [scores, unc_table.drop(columns=["rank"]).iloc[:, 1:]], axis=1)
    diag = diagnostics(ci, table)
    diag["coherence"] = coherence(ci, table)
    diag["directions"] = direction_check(ci, table)
    return IndexResult(scores=scores, diagnostics=diag, uncertainty=unc_table,
                       sensitivity=sens, framework=framework_table(cfg, dropped=ci.dropped_),
                       estimator=ci, config=cfg, log=log, monte_carlo=mc, audit=audit,
                       absolute=ci._m("normalisation") == "goalposts")


def idm_crosstab(scores: pd.DataFrame, status: pd.Series, *, q: int = 5) -> pd.DataFrame:
    """Cooperatives by index quantile group (Q1 = lowest) and official IDM status (ordered Sangat
    Tertinggal → Mandiri, then ``(NA)`` for units without IDM, e.g. kelurahan, which IDM does not
    cover), with totals. ``status`` is aligned with ``scores``. Quantile cut points are taken on
    the index values, so tied values stay in one group: heavily tied data (the real registry-only
    index) give fewer than ``q`` groups rather than groups split arbitrarily.

    >>> s = pd.DataFrame({"index": [10.0, 20, 30, 40]})
    >>> idm_crosstab(s, pd.Series(["MAJU", "TERTINGGAL", None, "MAJU"]), q=2).loc["Q2"].tolist()
    [0, 0, 0, 1, 0, 1, 2]
    """
    codes = pd.qcut(scores["index"].to_numpy(float), q, labels=False, duplicates="drop")
    labels = [f"Q{i}" for i in range(1, int(np.nanmax(codes)) + 2)]
    quant = pd.Series([labels[int(c)] if c == c else "(NA)" for c in codes], name="index_quantile")
    st = pd.Series(status).astype("string").str.upper().fillna("(NA)").to_numpy()
    tab = pd.crosstab(quant, pd.Series(st, name="idm_status"))
    rows = labels + (["(NA)"] if (quant == "(NA)").any() else [])
    tab = tab.reindex(index=rows, columns=[*STATUS_ORDER, "(NA)"], fill_value=0)
    tab["total"] = tab.sum(axis=1)
    tab.loc["total"] = tab.sum(axis=0)
    return tab
