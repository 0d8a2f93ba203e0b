"""Partner readiness: which cooperatives are ready to work with which partner, and why not.

Each partner programme (``pertamina``, ``bulog``, ``pharmacy``, ``telkomsel``, ``bank``) is defined
in ``config/readiness.toml`` by explicit criteria on analysis-table columns (id, column, operator,
value, kind required/desirable, weight, reason text in Indonesian and English, optional registry
fallback). This module validates that config, evaluates every criterion for every cooperative, and
turns the results into a verdict, a score and reasons in words.

Verdict rule (``nearly_max_unmet`` = *m*, default 1; documented in the config file too):

``ready``
    every required criterion is met;
``nearly_ready``
    every required criterion could be assessed and 1..*m* of them are unmet;
``not_ready``
    more than *m* required criteria are (known to be) unmet — this holds whatever the missing
    values are, so it is reported even when other criteria are NA;
``not_assessable``
    otherwise: at least one required criterion is NA and the verdict would depend on it. The
    output lists which criteria could not be assessed; nothing is guessed or imputed.

Score = 100 × (weight of met criteria) / (weight of assessed criteria), NA when nothing could be
assessed; ``coverage`` = assessed weight / total weight says how much of the score rests on data.

A criterion's ``fallback`` (e.g. the SIMKOPDES registry count ``reg_nib >= 1`` for the survey
answer ``has_nib``) is used only where the primary column is NA; the criterion table records which
one was used (``basis`` = ``primary``/``fallback``).

>>> import pandas as pd
>>> from kaltara_study.readiness.criteria import load_config, assess_readiness
>>> cfg = load_config()                                           # doctest: +SKIP
>>> res = assess_readiness(table, config=cfg)                     # doctest: +SKIP
>>> res.loc[res.partner == "bank", ["coop_id", "verdict", "reasons"]]  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kaltara_study.errors import ConfigError
from kaltara_study.study import paths
from kaltara_study.errors import DataError
from kaltara_study.report.labels import label

__all__ = [
    "CONTRACT_COLUMNS",
    "OPERATORS",
    "PARTNERS",
    "VERDICTS",
    "Criterion",
    "Partner",
    "ReadinessConfig",
    "assess_readiness",
    "assessability",
    "blocking_gaps",
    "evaluate_criteria",
    "load_config",
    "parse_config",
    "readiness_by_group",
    "readiness_matrix",
    "readiness_wide",
    "shortlist",
    "study_table",
    "report_sheets",
    "workbook_readme",
    "partner_label",
    "translate_columns",
    "verdict_counts",
    "verdict_label",
]

#: Partner keys in report order.
PARTNERS = ("pertamina", "bulog", "pharmacy", "telkomsel", "bank")
#: Verdicts in order from best to worst (``not_assessable`` last: it is not a level).
VERDICTS = ("ready", "nearly_ready", "not_ready", "not_assessable")
OPERATORS = ("==", "!=", ">=", "<=", ">", "<", "in", "not_in", "notna", "isna", "contains")
_NO_VALUE_OPS = ("notna", "isna")
_KINDS = ("required", "desirable")

#: Columns of the processed analysis table (the contract) plus the downstream columns that the
#: readiness criteria may use. Config validation rejects any other column name (typos).
CONTRACT_COLUMNS = frozenset(
    """coop_id kode_desa nama_desa jenis kode_kecamatan nama_kecamatan kode_kabkota nama_kabkota
    reg_accounts reg_npwp reg_nib reg_rat reg_tx_volume reg_tx_value_rp reg_savings_rp
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
    segment segment_name confidence index rank_p05 rank_p95""".split()
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
    fallback: tuple[str, str, Any] | None = None  # (column, op, value)

    @property
    def required(self) -> bool:
        return self.kind == "required"

    def reason(self, lang: str = "id") -> str:
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


@dataclass(frozen=True)
class ReadinessConfig:
    partners: dict[str, Partner]
    nearly_max_unmet: int = 1
    source: str = "<dict>"
    extra: dict = field(default_factory=dict)

    def partner(self, key: str) -> Partner:
        if key not in self.partners:
            raise ConfigError(f"unknown partner {key!r}; the config defines {sorted(self.partners)}")
        return self.partners[key]

    def criteria_table(self, *, lang: str = "id") -> pd.DataFrame:
        """All criteria as one reviewable table (partner, id, kind, weight, rule, reason, source)."""
        rows = [
            {
                "partner": p.key, "criterion": c.id, "kind": c.kind, "weight": c.weight,
                "rule": c.describe(), "reason": c.reason(lang), "source": c.source,
            }
            for p in self.partners.values()
            for c in p.criteria
        ]
        return pd.DataFrame(rows)


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
    if op in (">=", "<=", ">", "<") and (isinstance(value, bool) or not isinstance(value, int | float)):
        problems.append(f"{where}: operator {op!r} needs a number as 'value', got {value!r}")
    if op == "contains" and not isinstance(value, str):
        problems.append(f"{where}: operator 'contains' needs a text 'value', got {value!r}")
    if isinstance(value, list | dict):
        problems.append(f"{where}: operator {op!r} needs a single value, got {value!r}")
    return value


def parse_config(
    data: Mapping[str, Any], *, source: str = "<dict>", extra_columns: Iterable[str] = ()
) -> ReadinessConfig:
    """Validate a readiness config (the parsed TOML) and return a :class:`ReadinessConfig`.

    Every problem is collected and reported at once in a :class:`~kaltara_study.study.ConfigError`
    naming the partner, the criterion and what to change.

    >>> cfg = parse_config({"partners": {"bank": {"name_id": "Bank", "name_en": "Bank", "criteria": [
    ...     {"id": "nib", "column": "has_nib", "op": "==", "value": True, "kind": "required",
    ...      "weight": 1, "reason_id": "belum punya NIB", "reason_en": "no NIB"}]}}})
    >>> cfg.partner("bank").criteria[0].describe()
    'has_nib == True'
    """
    problems: list[str] = []
    known = CONTRACT_COLUMNS | set(extra_columns)
    verdict = data.get("verdict", {}) or {}
    m = verdict.get("nearly_max_unmet", 1)
    if isinstance(m, bool) or not isinstance(m, int) or m < 0:
        problems.append(f"[verdict] nearly_max_unmet must be an integer >= 0, got {m!r}")
        m = 1
    parts = data.get("partners")
    if not isinstance(parts, Mapping) or not parts:
        raise ConfigError(f"{source}: no [partners.<key>] tables found; define at least one partner")
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
            allowed = {"id", "column", "op", "value", "kind", "weight", "reason_id", "reason_en",
                       "source", "fallback"}
            for unknown in sorted(set(c) - allowed):
                problems.append(f"{where}: unknown key {unknown!r} (allowed: {sorted(allowed)})")
            if not isinstance(cid, str) or not cid:
                problems.append(f"{where}: missing 'id'")
                cid = f"#{i + 1}"
            elif cid in seen:
                problems.append(f"{where}: duplicate id {cid!r} within partner {key!r}")
            seen.add(cid)
            col = c.get("column")
            if not isinstance(col, str) or col not in known:
                problems.append(
                    f"{where}: column {col!r} is not an analysis-table column "
                    "(check the spelling against the contract)"
                )
            op = c.get("op")
            if op not in OPERATORS:
                problems.append(f"{where}: operator {op!r} unknown; use one of {list(OPERATORS)}")
                value = None
            else:
                value = _check_value(op, c.get("value"), where, problems)
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
                source=str(c.get("source", "")), fallback=fallback,
            ))
        if parsed and not any(c.kind == "required" for c in parsed):
            problems.append(f"{where_p}: needs at least one 'required' criterion")
        partners[str(key)] = Partner(
            key=str(key), name_id=str(pdata.get("name_id", key)), name_en=str(pdata.get("name_en", key)),
            criteria=tuple(parsed),
        )
    if problems:
        raise ConfigError(
            f"{source}: the readiness config has {len(problems)} problem(s):\n  - " + "\n  - ".join(problems)
        )
    return ReadinessConfig(partners=partners, nearly_max_unmet=m, source=source)


def default_config_path() -> Path:
    return paths().config / "readiness.toml"


def load_config(path: Path | str | None = None, **kw) -> ReadinessConfig:
    """Read and validate ``config/readiness.toml`` (or ``path``). See :func:`parse_config`."""
    from kaltara_study.data.read import read_toml

    path = Path(path) if path else default_config_path()
    return parse_config(read_toml(path), source=str(path.name), **kw)


# --------------------------------------------------------------------------------- evaluation
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
        elif op in (">=", "<=", ">", "<"):
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
            num = num.astype("Float64")
            res = {">=": num >= value, "<=": num <= value, ">": num > value, "<": num < value}[op]
        elif op == "==":
            res = s == value
        else:  # "!="
            res = s != value
    except TypeError as exc:  # pragma: no cover - defensive
        raise DataError(f"cannot compare column {column!r} with {value!r}: {exc}") from exc
    met = pd.Series(res, index=s.index).astype("boolean").fillna(False).to_numpy(dtype=bool)
    return met & known, known


def evaluate_criteria(
    table: pd.DataFrame, config: ReadinessConfig | None = None, *, partners: Sequence[str] | None = None
) -> pd.DataFrame:
    """Evaluate every criterion for every cooperative; one row per coop × partner × criterion.

    Columns: ``coop_id, partner, criterion, kind, weight, column, status`` (``met``/``unmet``/
    ``na``) and ``basis`` (``primary``, ``fallback`` or ``none`` when both were NA). A column that
    is absent from ``table`` counts as NA everywhere (``basis`` = ``absent``). The input is not
    modified.

    >>> crit = evaluate_criteria(table)        # doctest: +SKIP
    >>> crit.groupby(["partner", "status"]).size()   # doctest: +SKIP
    """
    config = config or load_config()
    if "coop_id" not in table.columns:
        raise DataError("the analysis table has no 'coop_id' column; pass the processed analysis table")
    keys = list(partners) if partners is not None else list(config.partners)
    n = len(table)
    coop = table["coop_id"].astype(str).to_numpy()
    frames = []
    for key in keys:
        p = config.partner(key)
        for c in p.criteria:
            if c.column in table.columns:
                met, known = _compare(table[c.column], c.op, c.value, column=c.column)
                basis = np.where(known, "primary", "none").astype(object)
            else:
                met, known = np.zeros(n, bool), np.zeros(n, bool)
                basis = np.full(n, "absent", dtype=object)
            if c.fallback is not None and c.fallback[0] in table.columns and not known.all():
                fcol, fop, fval = c.fallback
                fmet, fknown = _compare(table[fcol], fop, fval, column=fcol)
                use = ~known & fknown
                met = np.where(use, fmet, met)
                known = known | use
                basis = np.where(use, "fallback", basis)
            status = np.where(known, np.where(met, "met", "unmet"), "na")
            frames.append(pd.DataFrame({
                "coop_id": coop, "partner": key, "criterion": c.id, "kind": c.kind,
                "weight": c.weight, "column": c.column, "status": status, "basis": basis,
            }))
    if not frames:
        return pd.DataFrame(columns=["coop_id", "partner", "criterion", "kind", "weight", "column",
                                     "status", "basis"])
    return pd.concat(frames, ignore_index=True)


def _join(lists: list[list[str]]) -> list[str]:
    return ["; ".join(x) for x in lists]


def assess_readiness(
    table: pd.DataFrame,
    config: ReadinessConfig | None = None,
    *,
    lang: str = "id",
    partners: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Verdict, score and reasons per cooperative × partner (long format, sorted by coop, partner).

    Columns: ``coop_id, partner, verdict`` (see the module docstring), ``score`` (0–100, NA when
    nothing was assessable), ``coverage`` (0–1), ``n_required``, ``n_required_met``,
    ``n_required_unmet``, ``n_required_na``, ``reasons`` (unmet required criteria, in words,
    ``"; "``-joined), ``gaps_desirable`` (unmet desirable criteria), ``not_assessed`` (criteria
    that could not be assessed, as ``id [column]``), ``missing_required`` (ids of unmet required
    criteria, for counting).

    >>> res = assess_readiness(table, lang="en")      # doctest: +SKIP
    >>> res.query("partner == 'bank'").verdict.value_counts()   # doctest: +SKIP
    """
    config = config or load_config()
    crit = evaluate_criteria(table, config, partners=partners)
    keys = list(partners) if partners is not None else list(config.partners)
    coop = table["coop_id"].astype(str).to_numpy()
    n = len(coop)
    out = []
    m = config.nearly_max_unmet
    for key in keys:
        p = config.partner(key)
        sub = crit[crit.partner == key]
        reasons: list[list[str]] = [[] for _ in range(n)]
        gaps: list[list[str]] = [[] for _ in range(n)]
        unassessed: list[list[str]] = [[] for _ in range(n)]
        missing: list[list[str]] = [[] for _ in range(n)]
        req_unmet = np.zeros(n, int)
        req_na = np.zeros(n, int)
        req_met = np.zeros(n, int)
        w_met = np.zeros(n)
        w_assessed = np.zeros(n)
        w_total = 0.0
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
                (reasons if c.required else gaps)[i].append(c.reason(lang))
                if c.required:
                    missing[i].append(c.id)
            for i in np.flatnonzero(na):
                unassessed[i].append(f"{c.id} [{c.column}]")
        verdict = np.select(
            [req_unmet > m, req_na > 0, req_unmet == 0],
            ["not_ready", "not_assessable", "ready"],
            default="nearly_ready",
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            score = np.where(w_assessed > 0, 100.0 * w_met / np.where(w_assessed > 0, w_assessed, 1), np.nan)
        out.append(pd.DataFrame({
            "coop_id": coop, "partner": key, "verdict": verdict,
            "score": pd.array(np.round(score, 6), dtype="Float64"),
            "coverage": np.round(w_assessed / w_total, 6) if w_total else np.nan,
            "n_required": len(p.required), "n_required_met": req_met,
            "n_required_unmet": req_unmet, "n_required_na": req_na,
            "reasons": _join(reasons), "gaps_desirable": _join(gaps),
            "not_assessed": _join(unassessed), "missing_required": _join(missing),
        }))
    res = pd.concat(out, ignore_index=True)
    res["partner"] = pd.Categorical(res["partner"], categories=keys)
    res = res.sort_values(["coop_id", "partner"], kind="stable").reset_index(drop=True)
    res["partner"] = res["partner"].astype(str)
    return res


def verdict_label(verdict: str, *, lang: str = "id") -> str:
    """Readable verdict, e.g. ``verdict_label("nearly_ready")`` → ``'Hampir siap'``."""
    return label(f"verdict_{verdict}", lang=lang)


# ------------------------------------------------------------------------------------ summaries
def readiness_wide(assessment: pd.DataFrame, *, lang: str = "id", partner_order: Sequence[str] = PARTNERS) -> pd.DataFrame:
    """One row per cooperative: ``<partner>_verdict`` (readable label) and ``<partner>_score``."""
    keys = [p for p in partner_order if p in set(assessment.partner)]
    keys += sorted(set(assessment.partner) - set(keys))
    verdict = assessment.pivot(index="coop_id", columns="partner", values="verdict")[keys]
    score = assessment.pivot(index="coop_id", columns="partner", values="score")[keys]
    reasons = assessment.pivot(index="coop_id", columns="partner", values="reasons")[keys]
    out = pd.DataFrame(index=verdict.index)
    for k in keys:
        out[f"{k}_verdict"] = verdict[k].map(lambda v: verdict_label(v, lang=lang))
        out[f"{k}_score"] = score[k].astype("Float64").round(1)
        out[f"{k}_reasons"] = reasons[k]
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
    verdicts: Sequence[str] = ("ready", "nearly_ready"),
    by: str = "nama_kabkota",
    top: int | None = None,
) -> pd.DataFrame:
    """Cooperatives to approach first, per partner and kabupaten.

    Keeps the rows whose verdict is in ``verdicts``, attaches names, segment and index, and sorts by
    partner, ``by`` (kabupaten), verdict (ready first), score (high first), then ``coop_id``; ``top``
    keeps the first *n* per partner × group. Nearly-ready rows carry in ``reasons`` the one thing
    they lack.

    >>> shortlist(res, table, partner="bank", top=10)   # doctest: +SKIP
    """
    a = assessment if partner is None else assessment[assessment.partner == partner]
    a = a[a.verdict.isin(list(verdicts))]
    a = _attach(a, table, [by, "nama_kecamatan", "nama_desa", "segment_name", "index"])
    if by not in a.columns:
        a[by] = pd.NA
    order = {v: i for i, v in enumerate(VERDICTS)}
    porder = {p: i for i, p in enumerate(PARTNERS)}
    a = a.assign(_p=a.partner.map(lambda x: porder.get(x, 99)), _v=a.verdict.map(order),
                 _s=-a.score.astype("Float64").fillna(-1))
    a = a.sort_values(["_p", by, "_v", "_s", "coop_id"], kind="stable", na_position="last")
    if top is not None:
        a = a.groupby(["partner", by], sort=False, dropna=False).head(top)
    cols = ["partner", by, "coop_id", "nama_kecamatan", "nama_desa", "segment_name", "index",
            "verdict", "score", "coverage", "reasons", "gaps_desirable"]
    return a[[c for c in cols if c in a.columns]].reset_index(drop=True)


def readiness_by_group(assessment: pd.DataFrame, table: pd.DataFrame, *, by: str = "nama_kabkota") -> pd.DataFrame:
    """Counts and shares of each verdict per group × partner (long format).

    Columns: ``by, partner, verdict, n, share`` where share is over all cooperatives of the group
    (not-assessable ones included in the denominator, so the shares sum to 1).
    """
    a = _attach(assessment, table, [by])
    a[by] = a[by].astype("string").fillna("(NA)")
    counts = a.groupby([by, "partner", "verdict"], sort=True, observed=True).size().rename("n")
    full = pd.MultiIndex.from_product(
        [sorted(a[by].unique()), [p for p in PARTNERS if p in set(a.partner)] or sorted(set(a.partner)),
         list(VERDICTS)], names=[by, "partner", "verdict"])
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

    The denominator is every cooperative of the group (not-assessable ones included). The column
    ``n`` gives the group size.
    """
    long = readiness_by_group(assessment, table, by=by)
    sel = long[long.verdict.isin(list(verdicts))].groupby([by, "partner"], sort=False).share.sum()
    mat = sel.unstack("partner")
    mat = mat[[p for p in PARTNERS if p in mat.columns] + sorted(set(mat.columns) - set(PARTNERS))]
    mat.columns.name = None
    sizes = long.groupby([by, "partner"]).n.sum().groupby(level=0).max()
    mat["n"] = sizes.reindex(mat.index).astype(int)
    return mat


def blocking_gaps(
    assessment: pd.DataFrame,
    config: ReadinessConfig | None = None,
    *,
    lang: str = "id",
    by_partner: bool = False,
) -> pd.DataFrame:
    """The required criteria that most often block readiness — what a bimtek should fix first.

    For each required criterion (grouped across partners by criterion id, or per partner with
    ``by_partner=True``): ``n_blocked`` = cooperative × partner pairs where it is unmet,
    ``n_coops`` = distinct cooperatives affected, ``n_sole`` = nearly-ready pairs where it is the
    ONLY unmet required criterion (fixing it makes them ready), ``partners`` affected. Sorted by
    ``n_sole`` then ``n_blocked`` (descending), then id.
    """
    config = config or load_config()
    a = assessment.loc[assessment.missing_required != "", ["coop_id", "partner", "verdict", "missing_required"]]
    ids = a.missing_required.str.split("; ")
    long = pd.DataFrame({
        "coop_id": a.coop_id.to_numpy(), "partner": a.partner.to_numpy(), "criterion": ids.to_numpy(),
        "sole": ((ids.str.len() == 1) & (a.verdict == "nearly_ready")).to_numpy(),
    }).explode("criterion", ignore_index=True)
    long["sole"] = long["sole"].astype(bool)
    keys = ["partner", "criterion"] if by_partner else ["criterion"]
    reason = {}
    for p in config.partners.values():  # across partners: the shortest (most generic) wording
        for c in p.criteria:
            if c.id not in reason or len(c.reason(lang)) < len(reason[c.id]):
                reason[c.id] = c.reason(lang)
            reason[(p.key, c.id)] = c.reason(lang)
    if long.empty:
        return pd.DataFrame(columns=[*keys, "reason", "n_blocked", "n_coops", "n_sole", "partners"])
    g = long.groupby(keys, sort=True)
    out = pd.DataFrame({
        "n_blocked": g.size(),
        "n_coops": g.coop_id.nunique(),
        "n_sole": g.sole.sum().astype(int),
        "partners": g.partner.agg(lambda s: ", ".join(p for p in PARTNERS if p in set(s))),
    }).reset_index()
    out.insert(len(keys), "reason", [
        reason.get(tuple(k) if by_partner else k, "") for k in
        (out[keys].itertuples(index=False, name=None) if by_partner else out["criterion"])
    ])
    return out.sort_values(["n_sole", "n_blocked", *keys], ascending=[False, False] + [True] * len(keys),
                           kind="stable").reset_index(drop=True)


def assessability(criteria: pd.DataFrame, config: ReadinessConfig | None = None, *, lang: str = "id") -> pd.DataFrame:
    """Which criteria could be assessed, per partner × criterion (from :func:`evaluate_criteria`).

    Columns: ``partner, criterion, kind, column, n, n_assessed, n_fallback, share_assessed`` and
    ``rule``. On the real registry most survey criteria have ``share_assessed`` = 0: the notebooks
    list them instead of guessing.
    """
    config = config or load_config()
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


def translate_columns(df: pd.DataFrame, *, lang: str = "id") -> pd.DataFrame:
    """Column headers in ``lang`` for report tables (``rd_<col>`` labels first, then ``<col>``).

    Unknown columns are kept as they are; the input is not modified.
    """
    from kaltara_study.report.labels import labels as _all

    table = _all()
    ren = {}
    for c in df.columns:
        for key in (f"rd_{c}", str(c)):
            if key in table:
                ren[c] = label(key, lang=lang)
                break
    return df.rename(columns=ren)


def partner_label(key: str, *, lang: str = "id") -> str:
    """Short readable partner name, e.g. ``partner_label("bank")`` → ``'Bank (PMK 49/2025)'``."""
    return label(f"partner_{key}", lang=lang)


# ------------------------------------------------------------------------------ report workbook
RESULT_COLUMNS = ("coop_id", "kode_kabkota", "nama_kabkota", "nama_kecamatan", "kode_desa", "nama_desa",
                  "segment", "segment_name", "confidence", "index", "rank", "rank_p05", "rank_p95")


def summarise_log(log: pd.DataFrame | None) -> pd.DataFrame:
    """A short summary of an audit or validation log: counts per rule (and column) when it has a
    ``rule``/``step``/``check`` column, else the log itself (first 5,000 rows)."""
    if log is None or len(log) == 0:
        return pd.DataFrame({"rule": [], "n": []})
    key = next((c for c in ("rule", "step", "check") if c in log.columns), None)
    if key is None:
        return log.head(5000).reset_index(drop=True)
    keys = [k for k in ("file", key, "column") if k in log.columns]
    return (log.groupby(keys, dropna=False, sort=True).size().rename("n").reset_index()
            .sort_values(["n", *keys], ascending=[False] + [True] * len(keys), kind="stable")
            .reset_index(drop=True))


def report_sheets(
    table: pd.DataFrame,
    assessment: pd.DataFrame,
    config: ReadinessConfig | None = None,
    *,
    profiles: pd.DataFrame | None = None,
    audit: pd.DataFrame | None = None,
    validation: pd.DataFrame | None = None,
    lang: str = "id",
    top: int | None = None,
) -> dict[str, pd.DataFrame]:
    """The workbook's sheets, in order, with translated headers (Indonesian by default).

    - per-cooperative results: region, segment, confidence, index, rank interval and, per partner,
      verdict, score and what is missing;
    - segment profiles (``profiles`` as given, e.g. from the clustering stage; else the median of
      each numeric indicator per segment);
    - shortlists per partner and kabupaten (ready and nearly ready; ``top`` per kabupaten);
    - blocking gaps, readiness criteria (the config), assessability;
    - audit and validation summaries (:func:`summarise_log`).

    Write them with :func:`kaltara_study.report.workbook.write_workbook`.
    """
    config = config or load_config()
    en = lang == "en"
    base = table[[c for c in RESULT_COLUMNS if c in table.columns]].assign(coop_id=lambda d: d.coop_id.astype(str))
    wide = readiness_wide(assessment, lang=lang)
    ren = {}
    for p in config.partners:
        name = partner_label(p, lang=lang)
        ren.update({f"{p}_verdict": f"{name}: {label('rd_verdict', lang=lang)}",
                    f"{p}_score": f"{name}: {label('rd_score', lang=lang)}",
                    f"{p}_reasons": f"{name}: {label('rd_reasons', lang=lang)}"})
    results = base.merge(wide.rename(columns=ren), on="coop_id", how="left")
    if profiles is None and "segment_name" in table.columns:
        num = table.select_dtypes(include="number").drop(columns=[c for c in ("segment",) if c in table.columns])
        num = num.loc[:, num.notna().any()]
        profiles = num.groupby(table["segment_name"], sort=True).median().round(3)
        profiles.insert(0, "n", table.groupby("segment_name").size())
        profiles = profiles.reset_index()
    sheets: dict[str, pd.DataFrame] = {
        ("Results per cooperative" if en else "Hasil per koperasi"): translate_columns(results, lang=lang),
        ("Segment profiles" if en else "Profil segmen"): translate_columns(
            profiles if profiles is not None else pd.DataFrame(), lang=lang),
    }
    for p in config.partners:
        sl = shortlist(assessment, table, partner=p, top=top)
        sl = sl.assign(verdict=sl.verdict.map(lambda v: verdict_label(v, lang=lang)))
        sheets[f"{'Shortlist' if en else 'Daftar pendek'} {p}"] = translate_columns(sl, lang=lang)
    gaps = blocking_gaps(assessment, config, lang=lang, by_partner=True)
    sheets["Blocking gaps" if en else "Penghambat"] = translate_columns(gaps, lang=lang)
    sheets["Criteria" if en else "Kriteria"] = translate_columns(config.criteria_table(lang=lang), lang=lang)
    crit = evaluate_criteria(table, config)
    sheets["Assessability" if en else "Ketersediaan data"] = translate_columns(assessability(crit, config), lang=lang)
    sheets["Audit"] = summarise_log(audit)
    sheets["Validation" if en else "Validasi"] = summarise_log(validation)
    return sheets


def workbook_readme(*, source: str, synthetic: bool, config: ReadinessConfig | None = None, lang: str = "id") -> list[str]:
    """The text of the workbook's first sheet ("Catatan"/"README"): what it is and how to read it."""
    config = config or load_config()
    m = config.nearly_max_unmet
    if lang == "en":
        lines = [
            "Kaltara Kopdes Merah Putih study — segmentation and partner readiness (kaltara-study).",
            f"Data source: {source}." + (" SYNTHETIC data: these numbers are NOT findings." if synthetic else ""),
            "Verdicts: Ready = every required criterion met; Nearly ready = all required criteria assessed and "
            f"at most {m} unmet; Not ready = more than {m} required criteria unmet; Not assessable = a required "
            "criterion has no data (listed in 'Not assessed'); nothing is imputed.",
            "Score = 100 x weight of met criteria / weight of assessed criteria; coverage = assessed weight / total weight.",
            "Criteria and their sources: sheet 'Criteria' (config/readiness.toml).",
        ]
    else:
        lines = [
            "Kajian Kopdes Merah Putih Kaltara — segmentasi dan kesiapan mitra (kaltara-study).",
            f"Sumber data: {source}." + (" Data SINTETIS: angka-angka ini BUKAN temuan." if synthetic else ""),
            "Status: Siap = semua kriteria wajib terpenuhi; Hampir siap = semua kriteria wajib dapat dinilai dan "
            f"paling banyak {m} tidak terpenuhi; Belum siap = lebih dari {m} kriteria wajib tidak terpenuhi; "
            "Tidak dapat dinilai = ada kriteria wajib tanpa data (lihat kolom 'Tidak dapat dinilai'); tidak ada imputasi.",
            "Skor = 100 x bobot kriteria terpenuhi / bobot kriteria yang dapat dinilai; cakupan = bobot dinilai / bobot total.",
            "Kriteria dan dasarnya: lembar 'Kriteria' (config/readiness.toml).",
        ]
    return lines


def study_table(
    table: pd.DataFrame,
    *,
    index_scores: pd.DataFrame | None = None,
    segments: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The analysis table with the index and segment columns attached (one row per cooperative).

    ``index_scores``: e.g. ``compute_index(...).scores`` (``coop_id``, ``index``, ``rank``,
    ``rank_p05``, ``rank_p95``); ``segments``: one row per cooperative with ``coop_id``,
    ``segment``, ``segment_name``, ``confidence``. Only those columns are taken (existing ones in
    ``table`` are replaced); missing pieces become NA columns so downstream code sees the same
    columns on every source. Sorted by ``coop_id``; the inputs are not modified.
    """
    out = table.copy()
    out["coop_id"] = out["coop_id"].astype(str)
    for extra, cols in ((index_scores, ("index", "rank", "rank_p05", "rank_p95")),
                        (segments, ("segment", "segment_name", "confidence"))):
        present = [c for c in cols if extra is not None and c in extra.columns]
        out = out.drop(columns=[c for c in cols if c in out.columns])
        if present:
            e = extra[["coop_id", *present]].assign(coop_id=lambda d: d.coop_id.astype(str))
            if e.coop_id.duplicated().any():
                raise DataError("index/segment table has duplicate coop_id rows; pass one row per cooperative")
            out = out.merge(e, on="coop_id", how="left", validate="one_to_one")
        for c in cols:
            if c not in out.columns:
                out[c] = pd.NA if c == "segment_name" else np.nan
    return out.sort_values("coop_id", kind="stable").reset_index(drop=True)


def verdict_counts(assessment: pd.DataFrame, *, lang: str = "id") -> pd.DataFrame:
    """Number of cooperatives per partner (rows, readable names) and verdict (columns, readable),
    with a total column; every verdict appears even when its count is 0."""
    keys = [p for p in PARTNERS if p in set(assessment.partner)] + sorted(set(assessment.partner) - set(PARTNERS))
    tab = pd.crosstab(assessment.partner, assessment.verdict).reindex(index=keys, columns=list(VERDICTS), fill_value=0)
    tab["total"] = tab.sum(axis=1)
    tab.index = [partner_label(p, lang=lang) for p in tab.index]
    tab.index.name = label("rd_partner", lang=lang)
    tab.columns = [verdict_label(v, lang=lang) for v in VERDICTS] + ["Total" if lang == "en" else "Jumlah"]
    return tab
