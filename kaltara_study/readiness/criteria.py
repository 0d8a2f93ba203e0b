"""Partner readiness: which cooperatives are ready to work with which partner, and why not.

Each partner programme (``pertamina``, ``bulog``, ``pharmacy``, ``telkomsel``, ``bank``) is defined
by explicit criteria on analysis-table columns (id, column, operator, value, kind required/desirable,
weight, reason text in Indonesian and English, optional registry fallback, the written source and its
type, and for numeric thresholds a plausible ``range``). The lead's data layer reads
``config/readiness.toml`` and calls :meth:`ReadinessConfig.from_dict`; this module never opens a file.
It evaluates every criterion for every cooperative and turns the results into a verdict code, a
score and the ids of the criteria that are unmet or could not be assessed. Words (verdict labels,
reasons in a language) are added by :mod:`kaltara_study.report.readiness_tables`.

Verdict rule (``nearly_max_unmet`` = *m*, default 1; documented in the config file too):

``ready``
    every required criterion is assessed and met;
``nearly_ready``
    every required criterion is assessed and 1..*m* of them are unmet;
``not_ready``
    more than *m* required criteria are (known to be) unmet — whatever the missing values are;
``provisional``
    no required criterion is known to be unmet, but at least one could not be assessed (on the real
    public data: the survey items). "Provisionally ready — verify in the field": the items to verify
    are in ``to_verify`` and :func:`kaltara_study.readiness.joint.verification_list`;
``not_assessable``
    1..*m* required criteria are known unmet and at least one more is NA: at best nearly ready.

Nothing is guessed or imputed. Score = 100 × (weight of met criteria) / (weight of assessed
criteria), NA when nothing could be assessed; ``coverage`` = assessed weight / total weight.

A criterion's ``fallback`` (e.g. the SIMKOPDES registry count ``reg_nib >= 1`` for the survey
answer ``has_nib``) is used only where the primary column is NA; the criterion table records which
one was used (``basis`` = ``primary``/``fallback``).

Sources (issue 12): a criterion is *sourced* when ``source_type`` is ``regulation``,
``partner_document`` or ``programme`` and ``source`` names the document; otherwise (``assumption``,
the default when ``source_type`` is omitted) it is a study assumption. Only sourced criteria may be
``required`` — :meth:`ReadinessConfig.from_dict` enforces it; :func:`unsourced_criteria` lists the
others for the study team.

>>> cfg = ReadinessConfig.from_dict({"partners": {"bank": {"name_id": "Bank", "name_en": "Bank",
...     "criteria": [{"id": "nib", "column": "has_nib", "op": "==", "value": True, "kind": "required",
...                   "weight": 1, "reason_id": "belum punya NIB", "reason_en": "no NIB",
...                   "source": "PMK 49/2025", "source_type": "regulation"}]}}}, origin="example")
>>> table = pd.DataFrame({"coop_id": ["A", "B", "C"],
...                       "has_nib": pd.array([True, False, pd.NA], dtype="boolean")})
>>> assess_readiness(table, cfg).verdict.tolist()
['ready', 'nearly_ready', 'provisional']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kaltara_study.errors import ConfigError, DataError

__all__ = [
    "CONTRACT_COLUMNS",
    "OPERATORS",
    "PARTNERS",
    "SOURCE_TYPES",
    "VERDICTS",
    "Criterion",
    "Partner",
    "PotentialRule",
    "ReadinessConfig",
    "CriterionData",
    "assess_readiness",
    "assessability",
    "blocking_gaps",
    "evaluate_criteria",
    "readiness_by_group",
    "readiness_matrix",
    "readiness_wide",
    "shortlist",
    "unsourced_criteria",
    "verdict_from_counts",
]

#: Partner keys in report order.
PARTNERS = ("pertamina", "bulog", "pharmacy", "telkomsel", "bank")
#: Verdict codes from best to worst (``not_assessable`` last: it is not a level).
VERDICTS = ("ready", "nearly_ready", "provisional", "not_ready", "not_assessable")
OPERATORS = ("==", "!=", ">=", "<=", ">", "<", "in", "not_in", "notna", "isna", "contains")
_NO_VALUE_OPS = ("notna", "isna")
_NUMERIC_OPS = (">=", "<=", ">", "<")
_KINDS = ("required", "desirable")
#: Kinds of written source; ``assumption`` is not one (a criterion without a written source).
SOURCE_TYPES = ("regulation", "partner_document", "programme", "assumption")
_WRITTEN = ("regulation", "partner_document", "programme")

#: Columns of the processed analysis table (the contract) plus the downstream columns that the
#: readiness criteria may use. Config validation rejects any other column name (typos).
CONTRACT_COLUMNS = frozenset(
    """coop_id nama_koperasi kode_desa nama_desa jenis kode_kecamatan nama_kecamatan kode_kabkota
    nama_kabkota reg_accounts reg_npwp reg_nib reg_rat reg_tx_volume reg_tx_value_rp reg_savings_rp
    population households n_markets n_shops n_banks n_micro_industries n_bumdes_units has_lpg_base
    has_health_facility has_pharmacy_village signal_4g road_access_village
    idm_year iks ike ikl idm idm_status
    members own_capital_rp assets_rp liabilities_rp turnover_rp shu_rp unit_office unit_sembako
    unit_savings_loan unit_clinic unit_pharmacy unit_warehouse unit_logistics has_legal_entity
    has_nib has_npwp has_bank_account rat_held_12m board_trained last_rat_date premises
    partners_existing distance_kab_km road_access signal health_governance health_risk
    health_financial health_capital health_score health_rating
    units_operating debt_ratio members_per_100_hh shops_per_1000 markets_per_1000 signal_score
    road_score is_kelurahan data_source
    segment segment_name confidence index rank rank_p05 rank_p95""".split()
)


# ------------------------------------------------------------------------------------- config
@dataclass(frozen=True)
class Criterion:
    """One reviewable rule: ``column op value``; see the module docstring for the semantics."""

    id: str
    column: str
    op: str
    value: Any
    kind: str
    weight: float
    reason_id: str
    reason_en: str
    source: str = ""
    source_type: str = "assumption"
    range: tuple[float, float] | None = None   # plausible range of a numeric threshold
    fallback: tuple[str, str, Any] | None = None  # (column, op, value)

    @property
    def required(self) -> bool:
        return self.kind == "required"

    @property
    def sourced(self) -> bool:
        """True when the rule rests on a written source (regulation, partner document, programme)."""
        return self.source_type in _WRITTEN and bool(self.source.strip())

    def reason(self, lang: str = "id") -> str:
        """The config's own wording of what is missing (config text, not a report label)."""
        return self.reason_en if lang == "en" else self.reason_id

    def describe(self) -> str:
        """The rule as text, e.g. ``has_nib == True (else reg_nib >= 1)``."""
        rule = f"{self.column} {self.op}" + ("" if self.op in _NO_VALUE_OPS else f" {self.value!r}")
        if self.fallback:
            c, o, v = self.fallback
            rule += f" (else {c} {o}" + ("" if o in _NO_VALUE_OPS else f" {v!r}") + ")"
        return rule


@dataclass(frozen=True)
class Partner:
    key: str
    name_id: str
    name_en: str
    criteria: tuple[Criterion, ...]

    def name(self, lang: str = "id") -> str:
        return self.name_en if lang == "en" else self.name_id

    @property
    def required(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.required)

    def criterion(self, cid: str) -> Criterion:
        for c in self.criteria:
            if c.id == cid:
                return c
        raise ConfigError(f"partner {self.key!r} has no criterion {cid!r}; it has {[c.id for c in self.criteria]}")


@dataclass(frozen=True)
class PotentialRule:
    """"Has economic potential": ``column >= threshold`` (absolute 0–100 index scale), optionally
    also ``segment in segments``. ``range`` is the plausible range of the threshold, sampled by the
    Monte-Carlo of :func:`kaltara_study.readiness.joint.joint_answer`."""

    column: str = "index"
    threshold: float = 50.0
    range: tuple[float, float] | None = (40.0, 60.0)
    segments: tuple = ()
    source: str = "study index on the absolute 0-100 scale; threshold is a study choice"
    source_type: str = "assumption"

    def describe(self) -> str:
        rule = f"{self.column} >= {self.threshold:g}"
        if self.range:
            rule += f" (plausible {self.range[0]:g}–{self.range[1]:g})"
        if self.segments:
            rule += f" and segment in {list(self.segments)}"
        return rule


@dataclass(frozen=True)
class ReadinessConfig:
    """The validated readiness config; build it with :meth:`from_dict`."""

    partners: dict[str, Partner]
    nearly_max_unmet: int = 1
    potential: PotentialRule = field(default_factory=PotentialRule)
    origin: str = "<dict>"

    # ---------------------------------------------------------------- construction / validation
    @classmethod
    def from_dict(cls, mapping: Mapping[str, Any], *, origin: str = "<dict>",
                  extra_columns: Iterable[str] = ()) -> ReadinessConfig:
        """Validate a readiness config (the parsed TOML) and return a :class:`ReadinessConfig`.

        Every problem is collected and reported at once in a :class:`~kaltara_study.errors.ConfigError`
        that names ``origin``, the partner, the criterion and what to change. ``extra_columns``
        extends the known analysis-table columns.
        """
        return _parse(mapping, origin=origin, extra_columns=extra_columns)

    def partner(self, key: str) -> Partner:
        if key not in self.partners:
            raise ConfigError(f"unknown partner {key!r}; the config defines {sorted(self.partners)}")
        return self.partners[key]

    # ----------------------------------------------------------------------- variants (sensitivity)
    def with_threshold(self, partner: str, criterion: str, value: float) -> ReadinessConfig:
        """A copy with one criterion's threshold replaced (for sensitivity analysis)."""
        p = self.partner(partner)
        c = p.criterion(criterion)
        if c.op not in _NUMERIC_OPS:
            raise ConfigError(f"{partner}.{criterion}: only numeric thresholds can move (op is {c.op!r})")
        crits = tuple(dataclasses.replace(x, value=float(value)) if x.id == criterion else x for x in p.criteria)
        return dataclasses.replace(self, partners={**self.partners, partner: dataclasses.replace(p, criteria=crits)})

    def with_potential_threshold(self, value: float) -> ReadinessConfig:
        return dataclasses.replace(self, potential=dataclasses.replace(self.potential, threshold=float(value)))

    def with_assumptions_required(self) -> ReadinessConfig:
        """A SENSITIVITY VARIANT, not a valid study config: every unsourced desirable criterion
        becomes required (the pre-issue-12 reading where study assumptions blocked readiness)."""
        parts = {}
        for k, p in self.partners.items():
            parts[k] = dataclasses.replace(p, criteria=tuple(
                dataclasses.replace(c, kind="required") if not c.sourced else c for c in p.criteria))
        return dataclasses.replace(self, partners=parts, origin=self.origin + " [assumptions required]")

    # ---------------------------------------------------------------------------------- tables
    def criteria_table(self) -> pd.DataFrame:
        """All criteria as one reviewable table: ``partner, criterion, kind, weight, rule, range_low,
        range_high, source, source_type, sourced, reason_id, reason_en`` (codes and the config's
        own texts; report headers are translated in the report layer)."""
        rows = [
            {
                "partner": p.key, "criterion": c.id, "kind": c.kind, "weight": c.weight,
                "rule": c.describe(),
                "range_low": c.range[0] if c.range else np.nan, "range_high": c.range[1] if c.range else np.nan,
                "source": c.source, "source_type": c.source_type, "sourced": c.sourced,
                "reason_id": c.reason_id, "reason_en": c.reason_en,
            }
            for p in self.partners.values()
            for c in p.criteria
        ]
        return pd.DataFrame(rows)


def unsourced_criteria(config: ReadinessConfig) -> pd.DataFrame:
    """The criteria without a written source (study assumptions), for the study team to source or drop.

    Columns: ``partner, criterion, kind, rule, source, source_type``. Always ``kind == "desirable"``
    in a validated config (an unsourced criterion cannot be required); the potential threshold
    appears as ``partner = "(all)"``, ``criterion = "potential"`` when it is an assumption.
    """
    rows = [
        {"partner": p.key, "criterion": c.id, "kind": c.kind, "rule": c.describe(), "source": c.source,
         "source_type": c.source_type}
        for p in config.partners.values() for c in p.criteria if not c.sourced
    ]
    pot = config.potential
    if pot.source_type not in _WRITTEN:
        rows.append({"partner": "(all)", "criterion": "potential", "kind": "joint rule", "rule": pot.describe(),
                     "source": pot.source, "source_type": pot.source_type})
    return pd.DataFrame(rows, columns=["partner", "criterion", "kind", "rule", "source", "source_type"])


def _check_value(op: str, value: Any, where: str, problems: list[str]) -> Any:
    if op in _NO_VALUE_OPS:
        if value is not None:
            problems.append(f"{where}: operator {op!r} takes no 'value' (remove it)")
        return None
    if value is None:
        problems.append(f"{where}: operator {op!r} needs a 'value'")
        return None
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            problems.append(f"{where}: operator {op!r} needs a non-empty list as 'value', got {value!r}")
            return None
        return tuple(value)
    if op in _NUMERIC_OPS and (isinstance(value, bool) or not isinstance(value, int | float)):
        problems.append(f"{where}: operator {op!r} needs a number as 'value', got {value!r}")
    if op == "contains" and not isinstance(value, str):
        problems.append(f"{where}: operator 'contains' needs a text 'value', got {value!r}")
    if isinstance(value, list | dict):
        problems.append(f"{where}: operator {op!r} needs a single value, got {value!r}")
    return value


def _check_range(rng: Any, value: Any, where: str, problems: list[str]) -> tuple[float, float] | None:
    if rng is None:
        return None
    ok = (isinstance(rng, list | tuple) and len(rng) == 2
          and all(isinstance(x, int | float) and not isinstance(x, bool) for x in rng) and rng[0] <= rng[1])
    if not ok:
        problems.append(f"{where}: 'range' must be [low, high] with two numbers, low <= high; got {rng!r}")
        return None
    lo, hi = float(rng[0]), float(rng[1])
    if isinstance(value, int | float) and not isinstance(value, bool) and not lo <= value <= hi:
        problems.append(f"{where}: value {value!r} lies outside its 'range' [{lo:g}, {hi:g}]; widen the range or move the value")
    return lo, hi


_ALLOWED = {"id", "column", "op", "value", "kind", "weight", "reason_id", "reason_en", "source", "source_type",
            "range", "fallback"}


def _parse(data: Mapping[str, Any], *, origin: str, extra_columns: Iterable[str]) -> ReadinessConfig:
    problems: list[str] = []
    known = CONTRACT_COLUMNS | set(extra_columns)
    if not isinstance(data, Mapping):
        raise ConfigError(f"{origin}: the readiness config must be a table (mapping), got {type(data).__name__}")
    for unknown in sorted(set(data) - {"version", "verdict", "potential", "partners"}):
        problems.append(f"top level: unknown table {unknown!r} (allowed: version, verdict, potential, partners)")
    verdict = data.get("verdict", {}) or {}
    m = verdict.get("nearly_max_unmet", 1)
    if isinstance(m, bool) or not isinstance(m, int) or m < 0:
        problems.append(f"[verdict] nearly_max_unmet must be an integer >= 0, got {m!r}")
        m = 1
    potential = _parse_potential(data.get("potential", {}) or {}, known, problems)
    parts = data.get("partners")
    if not isinstance(parts, Mapping) or not parts:
        raise ConfigError(f"{origin}: no [partners.<key>] tables found; define at least one partner")
    partners: dict[str, Partner] = {}
    for key, pdata in parts.items():
        where_p = f"partner {key!r}"
        if not isinstance(pdata, Mapping):
            problems.append(f"{where_p}: must be a table")
            continue
        for name in ("name_id", "name_en"):
            if not isinstance(pdata.get(name), str) or not pdata.get(name):
                problems.append(f"{where_p}: missing '{name}' (the partner's name in that language)")
        crits = pdata.get("criteria")
        if not isinstance(crits, list) or not crits:
            problems.append(f"{where_p}: needs a non-empty 'criteria' list")
            continue
        seen: set[str] = set()
        parsed: list[Criterion] = []
        for i, c in enumerate(crits):
            cid = c.get("id") if isinstance(c, Mapping) else None
            where = f"{where_p} criterion #{i + 1}" + (f" ({cid!r})" if cid else "")
            if not isinstance(c, Mapping):
                problems.append(f"{where}: must be a table")
                continue
            for unknown in sorted(set(c) - _ALLOWED):
                problems.append(f"{where}: unknown key {unknown!r} (allowed: {sorted(_ALLOWED)})")
            if not isinstance(cid, str) or not cid:
                problems.append(f"{where}: missing 'id'")
                cid = f"#{i + 1}"
            elif cid in seen:
                problems.append(f"{where}: duplicate id {cid!r} within partner {key!r}")
            seen.add(cid)
            col = c.get("column")
            if not isinstance(col, str) or col not in known:
                problems.append(f"{where}: column {col!r} is not an analysis-table column "
                                "(check the spelling against the contract)")
            op = c.get("op")
            if op not in OPERATORS:
                problems.append(f"{where}: operator {op!r} unknown; use one of {list(OPERATORS)}")
                value = None
            else:
                value = _check_value(op, c.get("value"), where, problems)
            rng = c.get("range")
            if rng is not None and op not in _NUMERIC_OPS:
                problems.append(f"{where}: 'range' applies only to numeric thresholds (>=, <=, >, <); remove it")
                rng = None
            rng = _check_range(rng, value, where, problems)
            kind = c.get("kind")
            if kind not in _KINDS:
                problems.append(f"{where}: kind {kind!r} must be 'required' or 'desirable'")
            w = c.get("weight", 1)
            if isinstance(w, bool) or not isinstance(w, int | float) or not w > 0:
                problems.append(f"{where}: weight must be a positive number, got {w!r}")
                w = 1
            for name in ("reason_id", "reason_en"):
                if not isinstance(c.get(name), str) or not c.get(name).strip():
                    problems.append(f"{where}: missing '{name}' (what is missing, in words)")
            source = c.get("source", "")
            if not isinstance(source, str):
                problems.append(f"{where}: 'source' must be text (the document and article)")
                source = ""
            stype = c.get("source_type", "assumption")
            if stype not in SOURCE_TYPES:
                problems.append(f"{where}: source_type {stype!r} must be one of {list(SOURCE_TYPES)}")
                stype = "assumption"
            if stype in _WRITTEN and not source.strip():
                problems.append(f"{where}: source_type {stype!r} needs a 'source' naming the document (and article)")
            if kind == "required" and (stype not in _WRITTEN or not source.strip()):
                problems.append(
                    f"{where}: is 'required' but has no written source (source_type {stype!r}, source {source!r}); "
                    "cite the partner document or regulation article in 'source' and set source_type, "
                    "or make it kind = 'desirable'")
            fb = c.get("fallback")
            fallback = None
            if fb is not None:
                if not isinstance(fb, Mapping) or set(fb) - {"column", "op", "value"}:
                    problems.append(f"{where}: fallback must be a table {{column, op, value}}")
                else:
                    fcol, fop = fb.get("column"), fb.get("op")
                    if not isinstance(fcol, str) or fcol not in known:
                        problems.append(f"{where}: fallback column {fcol!r} is not an analysis-table column")
                    if fop not in OPERATORS:
                        problems.append(f"{where}: fallback operator {fop!r} unknown; use one of {list(OPERATORS)}")
                        fval = None
                    else:
                        fval = _check_value(fop, fb.get("value"), where + " fallback", problems)
                    fallback = (fcol, fop, fval)
            parsed.append(Criterion(
                id=cid, column=str(col), op=str(op), value=value, kind=str(kind), weight=float(w),
                reason_id=str(c.get("reason_id", "")), reason_en=str(c.get("reason_en", "")),
                source=source, source_type=str(stype), range=rng, fallback=fallback,
            ))
        if parsed and not any(c.kind == "required" for c in parsed):
            problems.append(f"{where_p}: needs at least one 'required' criterion")
        partners[str(key)] = Partner(
            key=str(key), name_id=str(pdata.get("name_id", key)), name_en=str(pdata.get("name_en", key)),
            criteria=tuple(parsed),
        )
    if problems:
        raise ConfigError(
            f"{origin}: the readiness config has {len(problems)} problem(s):\n  - " + "\n  - ".join(problems)
        )
    return ReadinessConfig(partners=partners, nearly_max_unmet=m, potential=potential, origin=origin)


def _parse_potential(d: Mapping[str, Any], known: set[str], problems: list[str]) -> PotentialRule:
    where = "[potential]"
    if not isinstance(d, Mapping):
        problems.append(f"{where} must be a table")
        return PotentialRule()
    allowed = {"column", "threshold", "range", "segments", "source", "source_type"}
    for unknown in sorted(set(d) - allowed):
        problems.append(f"{where}: unknown key {unknown!r} (allowed: {sorted(allowed)})")
    base = PotentialRule()
    col = d.get("column", base.column)
    if not isinstance(col, str) or col not in known:
        problems.append(f"{where}: column {col!r} is not an analysis-table column")
    t = d.get("threshold", base.threshold)
    if isinstance(t, bool) or not isinstance(t, int | float):
        problems.append(f"{where}: threshold must be a number on the index's 0-100 scale, got {t!r}")
        t = base.threshold
    rng = _check_range(d.get("range", list(base.range) if base.range else None), t, where, problems)
    segs = d.get("segments", [])
    if not isinstance(segs, list):
        problems.append(f"{where}: segments must be a list of segment codes (empty: any segment)")
        segs = []
    stype = d.get("source_type", base.source_type)
    if stype not in SOURCE_TYPES:
        problems.append(f"{where}: source_type {stype!r} must be one of {list(SOURCE_TYPES)}")
        stype = "assumption"
    return PotentialRule(column=str(col), threshold=float(t), range=rng, segments=tuple(segs),
                         source=str(d.get("source", base.source)), source_type=str(stype))


# --------------------------------------------------------------------------------- evaluation
def _numeric(s: pd.Series, op: str, column: str) -> pd.Series:
    num = s if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s) else None
    if num is None:
        try:  # all-NA object columns (the real data) and numbers stored as objects
            num = pd.to_numeric(s, errors="raise")
        except (TypeError, ValueError):
            num = None
    if num is None:
        raise DataError(
            f"column {column!r} is not numeric (dtype {s.dtype}); operator {op!r} needs numbers",
            problems=[{"file": None, "row": None, "column": column, "value": str(s.dtype),
                       "rule": f"{op} needs a numeric column"}],
        )
    return num.astype("Float64")


def _numeric_compare(x: np.ndarray, op: str, value: float) -> np.ndarray:
    """``x op value`` on a float array (NaN compares False)."""
    with np.errstate(invalid="ignore"):
        return {">=": x >= value, "<=": x <= value, ">": x > value, "<": x < value}[op]


def _compare(s: pd.Series, op: str, value: Any, *, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(met, known) boolean arrays for ``s op value``; NA values are unknown."""
    known = s.notna().to_numpy()
    if op == "notna":
        return known.copy(), np.ones(len(s), dtype=bool)
    if op == "isna":
        return ~known, np.ones(len(s), dtype=bool)
    try:
        if op in ("in", "not_in"):
            res = s.isin(list(value))
            res = ~res if op == "not_in" else res
        elif op == "contains":
            parts = s.astype("string").str.split(";")
            res = parts.map(lambda xs: isinstance(xs, list) and value in [x.strip() for x in xs])
        elif op in _NUMERIC_OPS:
            num = _numeric(s, op, column).to_numpy(dtype=float, na_value=np.nan)
            res = _numeric_compare(num, op, value)
        elif op == "==":
            res = s == value
        else:  # "!="
            res = s != value
    except TypeError as exc:  # pragma: no cover - defensive
        raise DataError(f"cannot compare column {column!r} with {value!r}: {exc}") from exc
    met = pd.Series(res, index=s.index).astype("boolean").fillna(False).to_numpy(dtype=bool)
    return met & known, known


@dataclass(frozen=True)
class CriterionData:
    """One criterion's data on one table, ready to be evaluated at any threshold (Monte-Carlo).

    ``met_at(value)`` returns (met, known) with the primary column where it is observed and the
    fallback elsewhere; for non-numeric criteria the value is fixed and ``met_at()`` ignores it.
    """

    criterion: Criterion
    primary_known: np.ndarray
    primary_x: np.ndarray | None      # float values for numeric operators
    primary_met: np.ndarray           # at the configured value
    fallback_met: np.ndarray
    fallback_known: np.ndarray
    absent: bool

    @classmethod
    def build(cls, table: pd.DataFrame, c: Criterion) -> CriterionData:
        n = len(table)
        absent = c.column not in table.columns
        x = None
        if absent:
            met, known = np.zeros(n, bool), np.zeros(n, bool)
        else:
            met, known = _compare(table[c.column], c.op, c.value, column=c.column)
            if c.op in _NUMERIC_OPS:
                x = _numeric(table[c.column], c.op, c.column).to_numpy(dtype=float, na_value=np.nan)
        fmet, fknown = np.zeros(n, bool), np.zeros(n, bool)
        if c.fallback is not None and c.fallback[0] in table.columns:
            fcol, fop, fval = c.fallback
            fmet, fknown = _compare(table[fcol], fop, fval, column=fcol)
        return cls(c, known, x, met, fmet, fknown, absent)

    def met_at(self, value: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        pm = self.primary_met
        if value is not None and self.primary_x is not None:
            pm = _numeric_compare(self.primary_x, self.criterion.op, value) & self.primary_known
        use_fb = ~self.primary_known & self.fallback_known
        return np.where(use_fb, self.fallback_met, pm), self.primary_known | use_fb

    def basis(self) -> np.ndarray:
        use_fb = ~self.primary_known & self.fallback_known
        base = np.where(self.primary_known, "primary", "absent" if self.absent else "none").astype(object)
        return np.where(use_fb, "fallback", base)


def evaluate_criteria(
    table: pd.DataFrame, config: ReadinessConfig, *, partners: Sequence[str] | None = None
) -> pd.DataFrame:
    """Evaluate every criterion for every cooperative; one row per coop × partner × criterion.

    Columns: ``coop_id, partner, criterion, kind, weight, column, status`` (``met``/``unmet``/
    ``na``) and ``basis`` (``primary``, ``fallback`` or ``none`` when both were NA). A column that
    is absent from ``table`` counts as NA everywhere (``basis`` = ``absent``). The input is not
    modified.
    """
    if not isinstance(config, ReadinessConfig):
        raise ConfigError("pass the readiness config object (ReadinessConfig.from_dict(read_toml(...), origin=...))")
    if "coop_id" not in table.columns:
        raise DataError("the analysis table has no 'coop_id' column; pass the processed analysis table")
    keys = list(partners) if partners is not None else list(config.partners)
    coop = table["coop_id"].astype(str).to_numpy()
    frames = []
    for key in keys:
        p = config.partner(key)
        for c in p.criteria:
            d = CriterionData.build(table, c)
            met, known = d.met_at()
            status = np.where(known, np.where(met, "met", "unmet"), "na")
            frames.append(pd.DataFrame({
                "coop_id": coop, "partner": key, "criterion": c.id, "kind": c.kind,
                "weight": c.weight, "column": c.column, "status": status, "basis": d.basis(),
            }))
    if not frames:
        return pd.DataFrame(columns=["coop_id", "partner", "criterion", "kind", "weight", "column",
                                     "status", "basis"])
    return pd.concat(frames, ignore_index=True)


def verdict_from_counts(n_unmet: np.ndarray, n_na: np.ndarray, nearly_max_unmet: int) -> np.ndarray:
    """The verdict code from the numbers of unmet and not-assessed required criteria (module docstring)."""
    m = nearly_max_unmet
    return np.select(
        [n_unmet > m, (n_na > 0) & (n_unmet == 0), n_na > 0, n_unmet == 0],
        ["not_ready", "provisional", "not_assessable", "ready"],
        default="nearly_ready",
    )


def _join(lists: list[list[str]]) -> list[str]:
    return ["; ".join(x) for x in lists]


def assess_readiness(
    table: pd.DataFrame,
    config: ReadinessConfig,
    *,
    partners: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Verdict code, score and criterion ids per cooperative × partner (long, sorted by coop, partner).

    Columns: ``coop_id, partner, verdict`` (a code of :data:`VERDICTS`), ``score`` (0–100, NA when
    nothing was assessable), ``coverage`` (0–1), ``n_required``, ``n_required_met``,
    ``n_required_unmet``, ``n_required_na``, and ``"; "``-joined criterion ids:
    ``missing_required`` (unmet required), ``gaps_desirable`` (unmet desirable), ``to_verify``
    (required criteria that could not be assessed — what a field visit must check),
    ``not_assessed`` (every criterion that could not be assessed, as ``id [column]``).
    Words: :func:`kaltara_study.report.readiness_tables.with_reasons`.
    """
    crit = evaluate_criteria(table, config, partners=partners)
    keys = list(partners) if partners is not None else list(config.partners)
    coop = table["coop_id"].astype(str).to_numpy()
    n = len(coop)
    out = []
    for key in keys:
        p = config.partner(key)
        sub = crit[crit.partner == key]
        missing: list[list[str]] = [[] for _ in range(n)]
        gaps: list[list[str]] = [[] for _ in range(n)]
        verify: list[list[str]] = [[] for _ in range(n)]
        unassessed: list[list[str]] = [[] for _ in range(n)]
        req_unmet, req_na, req_met = np.zeros(n, int), np.zeros(n, int), np.zeros(n, int)
        w_met, w_assessed, w_total = np.zeros(n), np.zeros(n), 0.0
        for c in p.criteria:
            st = sub.loc[sub.criterion == c.id, "status"].to_numpy()
            w_total += c.weight
            met, unmet, na = st == "met", st == "unmet", st == "na"
            w_met += c.weight * met
            w_assessed += c.weight * ~na
            if c.required:
                req_met += met
                req_unmet += unmet
                req_na += na
            for i in np.flatnonzero(unmet):
                (missing if c.required else gaps)[i].append(c.id)
            for i in np.flatnonzero(na):
                unassessed[i].append(f"{c.id} [{c.column}]")
                if c.required:
                    verify[i].append(c.id)
        verdict = verdict_from_counts(req_unmet, req_na, config.nearly_max_unmet)
        with np.errstate(invalid="ignore", divide="ignore"):
            score = np.where(w_assessed > 0, 100.0 * w_met / np.where(w_assessed > 0, w_assessed, 1), np.nan)
        out.append(pd.DataFrame({
            "coop_id": coop, "partner": key, "verdict": verdict,
            "score": pd.array(np.round(score, 6), dtype="Float64"),
            "coverage": np.round(w_assessed / w_total, 6) if w_total else np.nan,
            "n_required": len(p.required), "n_required_met": req_met,
            "n_required_unmet": req_unmet, "n_required_na": req_na,
            "missing_required": _join(missing), "gaps_desirable": _join(gaps),
            "to_verify": _join(verify), "not_assessed": _join(unassessed),
        }))
    res = pd.concat(out, ignore_index=True)
    res["partner"] = pd.Categorical(res["partner"], categories=keys)
    res = res.sort_values(["coop_id", "partner"], kind="stable").reset_index(drop=True)
    res["partner"] = res["partner"].astype(str)
    return res


# ------------------------------------------------------------------------------------ summaries
def _partner_keys(present: Iterable[str], order: Sequence[str] = PARTNERS) -> list[str]:
    present = set(present)
    return [p for p in order if p in present] + sorted(present - set(order))


def readiness_wide(assessment: pd.DataFrame, *, partner_order: Sequence[str] = PARTNERS) -> pd.DataFrame:
    """One row per cooperative: ``<partner>_verdict`` (code), ``<partner>_score``,
    ``<partner>_missing`` (unmet required ids) and ``<partner>_to_verify``."""
    keys = _partner_keys(assessment.partner, partner_order)
    piv = {v: assessment.pivot(index="coop_id", columns="partner", values=v)[keys]
           for v in ("verdict", "score", "missing_required", "to_verify")}
    out = pd.DataFrame(index=piv["verdict"].index)
    for k in keys:
        out[f"{k}_verdict"] = piv["verdict"][k]
        out[f"{k}_score"] = piv["score"][k].astype("Float64").round(1)
        out[f"{k}_missing"] = piv["missing_required"][k]
        out[f"{k}_to_verify"] = piv["to_verify"][k]
    return out.reset_index()


def _attach(assessment: pd.DataFrame, table: pd.DataFrame, cols: Sequence[str]) -> pd.DataFrame:
    cols = [c for c in cols if c in table.columns and c != "coop_id"]
    extra = table[["coop_id", *cols]].assign(coop_id=lambda d: d.coop_id.astype(str))
    return assessment.merge(extra, on="coop_id", how="left", validate="many_to_one")


def shortlist(
    assessment: pd.DataFrame,
    table: pd.DataFrame,
    *,
    partner: str | None = None,
    verdicts: Sequence[str] = ("ready", "nearly_ready", "provisional"),
    by: str = "nama_kabkota",
    top: int | None = None,
) -> pd.DataFrame:
    """Cooperatives to approach first, per partner and kabupaten (verdict order, then score).

    Superseded for the office's answer by :func:`kaltara_study.readiness.joint.named_list`, which
    orders by P(potential and ready); kept for the verdict-only view.
    """
    a = assessment if partner is None else assessment[assessment.partner == partner]
    a = a[a.verdict.isin(list(verdicts))]
    a = _attach(a, table, [by, "nama_kecamatan", "nama_desa", "nama_koperasi", "segment_name", "index"])
    if by not in a.columns:
        a[by] = pd.NA
    order = {v: i for i, v in enumerate(VERDICTS)}
    porder = {p: i for i, p in enumerate(PARTNERS)}
    a = a.assign(_p=a.partner.map(lambda x: porder.get(x, 99)), _v=a.verdict.map(order),
                 _s=-a.score.astype("Float64").fillna(-1))
    a = a.sort_values(["_p", by, "_v", "_s", "coop_id"], kind="stable", na_position="last")
    if top is not None:
        a = a.groupby(["partner", by], sort=False, dropna=False).head(top)
    cols = ["partner", by, "coop_id", "nama_koperasi", "nama_kecamatan", "nama_desa", "segment_name", "index",
            "verdict", "score", "coverage", "missing_required", "gaps_desirable", "to_verify"]
    return a[[c for c in cols if c in a.columns]].reset_index(drop=True)


def readiness_by_group(assessment: pd.DataFrame, table: pd.DataFrame, *, by: str = "nama_kabkota") -> pd.DataFrame:
    """Counts and shares of each verdict per group × partner (long format).

    Columns: ``by, partner, verdict, n, share`` where share is over all cooperatives of the group
    (provisional and not-assessable ones included in the denominator, so the shares sum to 1).
    """
    a = _attach(assessment, table, [by])
    a[by] = a[by].astype("string").fillna("(NA)")
    counts = a.groupby([by, "partner", "verdict"], sort=True, observed=True).size().rename("n")
    full = pd.MultiIndex.from_product(
        [sorted(a[by].unique()), _partner_keys(a.partner), list(VERDICTS)], names=[by, "partner", "verdict"])
    counts = counts.reindex(full, fill_value=0).reset_index()
    counts["share"] = counts.n / counts.groupby([by, "partner"]).n.transform("sum")
    return counts


def readiness_matrix(
    assessment: pd.DataFrame,
    table: pd.DataFrame,
    *,
    by: str = "segment_name",
    verdicts: Sequence[str] = ("ready",),
) -> pd.DataFrame:
    """Share of cooperatives (rows: ``by`` groups, columns: partners) whose verdict is in ``verdicts``.

    The denominator is every cooperative of the group. The column ``n`` gives the group size.
    """
    long = readiness_by_group(assessment, table, by=by)
    sel = long[long.verdict.isin(list(verdicts))].groupby([by, "partner"], sort=False).share.sum()
    mat = sel.unstack("partner")
    mat = mat[_partner_keys(mat.columns)]
    mat.columns.name = None
    sizes = long.groupby([by, "partner"]).n.sum().groupby(level=0).max()
    mat["n"] = sizes.reindex(mat.index).astype(int)
    return mat


def blocking_gaps(assessment: pd.DataFrame, *, by_partner: bool = False) -> pd.DataFrame:
    """The required criteria that most often block readiness — what a bimtek should fix first.

    For each required criterion id (across partners, or per partner with ``by_partner=True``):
    ``n_blocked`` = cooperative × partner pairs where it is unmet, ``n_coops`` = distinct
    cooperatives affected, ``n_sole`` = nearly-ready pairs where it is the ONLY unmet required
    criterion (fixing it makes them ready), ``partners`` affected. Sorted by ``n_sole`` then
    ``n_blocked`` (descending), then id. Reason words: ``readiness_tables.blocking_gaps_table``.
    """
    a = assessment.loc[assessment.missing_required != "", ["coop_id", "partner", "verdict", "missing_required"]]
    ids = a.missing_required.str.split("; ")
    long = pd.DataFrame({
        "coop_id": a.coop_id.to_numpy(), "partner": a.partner.to_numpy(), "criterion": ids.to_numpy(),
        "sole": ((ids.str.len() == 1) & (a.verdict == "nearly_ready")).to_numpy(),
    }).explode("criterion", ignore_index=True)
    long["sole"] = long["sole"].astype(bool)
    keys = ["partner", "criterion"] if by_partner else ["criterion"]
    if long.empty:
        return pd.DataFrame(columns=[*keys, "n_blocked", "n_coops", "n_sole", "partners"])
    g = long.groupby(keys, sort=True)
    out = pd.DataFrame({
        "n_blocked": g.size(),
        "n_coops": g.coop_id.nunique(),
        "n_sole": g.sole.sum().astype(int),
        "partners": g.partner.agg(lambda s: ", ".join(_partner_keys(s))),
    }).reset_index()
    return out.sort_values(["n_sole", "n_blocked", *keys], ascending=[False, False] + [True] * len(keys),
                           kind="stable").reset_index(drop=True)


def assessability(criteria: pd.DataFrame, config: ReadinessConfig) -> pd.DataFrame:
    """Which criteria could be assessed, per partner × criterion (from :func:`evaluate_criteria`).

    Columns: ``partner, criterion, kind, column, n, n_assessed, n_fallback, share_assessed, rule``.
    """
    g = criteria.groupby(["partner", "criterion"], sort=False)
    out = pd.DataFrame({
        "kind": g.kind.first(), "column": g.column.first(), "n": g.size(),
        "n_assessed": g.status.agg(lambda s: int((s != "na").sum())),
        "n_fallback": g.basis.agg(lambda s: int((s == "fallback").sum())),
    }).reset_index()
    out["share_assessed"] = out.n_assessed / out.n
    rules = {(p.key, c.id): c.describe() for p in config.partners.values() for c in p.criteria}
    out["rule"] = [rules.get((p, c), "") for p, c in zip(out.partner, out.criterion, strict=True)]
    return out
