"""The joint answer (issue 12): which cooperatives have potential AND are ready, per partner, how sure.

The rule, per partner *p* and cooperative *i* (explicit, one line each):

``potential(i)``
    ``index(i) >= t_potential`` on the absolute 0–100 index scale (``[potential]`` of the config),
    and, when ``[potential] segments`` is not empty, ``segment(i)`` is one of them;
``ready(i, p)``
    every required criterion of *p* is assessed and met (verdict ``ready``);
``ready_or_provisional(i, p)``
    no required criterion of *p* is known to be unmet (verdict ``ready`` or ``provisional``: ready
    if the field visit confirms the items in ``to_verify``);
``joint(i, p)`` = potential AND ready; ``joint_provisional(i, p)`` = potential AND ready_or_provisional.

:func:`joint_answer` evaluates the rule once at the configured values (the *point* answer) and in a
Monte-Carlo over the things the answer depends on but the study cannot pin down:

- the index construction choices — the index helper's replications (cooperatives × replications of
  index values on the 0–100 scale), replication *r* uses column *r* (cycled when ``n_rep`` exceeds
  the number of columns);
- the thresholds — ``t_potential`` and every numeric criterion threshold with a ``range`` drawn
  uniformly in its range, one draw per replication (a threshold is a rule, common to all
  cooperatives);
- segment membership (only when the potential rule uses segments) — each cooperative's segment
  drawn from its membership probabilities (``segment_probs``; or, from the assignment
  ``confidence``, P(assigned segment) = confidence and the rest spread evenly over the others).

P(joint) per cooperative is the share of replications in which the rule holds; the counts have
percentile intervals over the replications. Replication *r* draws from its own
``SeedSequence(seed).spawn(n_rep)[r]`` stream, so the result is the same for any ``n_jobs``.

:func:`named_list`, :func:`verification_list` and :func:`sensitivity` turn it into the lists and the
appendix of the report. Everything here returns codes (partner keys, criterion ids, verdict codes);
words are added by :mod:`kaltara_study.report.readiness_tables`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from kaltara_study.errors import DataError, InputError
from kaltara_study.readiness.criteria import (
    PARTNERS,
    CriterionData,
    ReadinessConfig,
    assess_readiness,
)

__all__ = [
    "MEASURES",
    "JointAnswer",
    "joint_answer",
    "named_list",
    "segment_probabilities",
    "sensitivity",
    "verification_list",
]

#: The counted measures, in report order.
MEASURES = ("potential", "ready", "ready_or_provisional", "joint", "joint_provisional")
NAME_COLUMNS = ("nama_koperasi", "nama_desa", "nama_kecamatan", "nama_kabkota")


@dataclass
class JointAnswer:
    """Result of :func:`joint_answer` (all frames use codes).

    ``probabilities``: one row per cooperative × partner — ``coop_id, partner, p_potential,
    p_ready, p_ready_or_provisional, p_joint, p_joint_provisional`` (shares of replications) and
    the point answer ``potential, ready, ready_or_provisional, joint, joint_provisional`` (bool).

    ``counts``: one row per partner × measure — ``partner, measure, n_point, mean, low, median,
    high`` (``low``/``high``: the ``level`` percentile interval over replications), ``n_total``.

    ``counts_by_group``: the same per ``group`` (kabupaten) — ``<by>, partner, measure, n_point,
    mean, low, high, n_total``.

    ``replications``: one row per replication × partner — ``rep, partner, t_potential,
    index_column`` and the count of every measure (for figures and checks).
    """

    probabilities: pd.DataFrame
    counts: pd.DataFrame
    counts_by_group: pd.DataFrame
    replications: pd.DataFrame
    seed: int
    n_rep: int
    level: float
    by: str
    rule: dict = field(default_factory=dict)


# ------------------------------------------------------------------------------------ inputs
def _align_draws(table: pd.DataFrame, index_draws) -> np.ndarray:
    """Index replications as an (n_coops, n_draws) float array in ``table`` order."""
    ids = table["coop_id"].astype(str)
    if isinstance(index_draws, pd.DataFrame):
        d = index_draws
        if "coop_id" in d.columns:
            d = d.set_index("coop_id")
        d.index = d.index.astype(str)
        missing = ids[~ids.isin(d.index)]
        if len(missing):
            raise InputError(f"index_draws has no row for {len(missing)} cooperative(s), e.g. "
                             f"{list(missing[:3])}; pass one row per coop_id of the table")
        if d.index.duplicated().any():
            raise InputError("index_draws has duplicate coop_id rows; pass one row per cooperative")
        arr = d.loc[ids.to_numpy()].to_numpy(dtype=float)
    else:
        arr = np.asarray(index_draws, dtype=float)
        if arr.ndim != 2 or arr.shape[0] != len(table):
            raise InputError(f"index_draws must be (n_cooperatives={len(table)}, n_replications), got {arr.shape}")
    if arr.shape[1] == 0:
        raise InputError("index_draws has no replication columns")
    finite = arr[np.isfinite(arr)]
    if finite.size and (finite.min() < -1e-9 or finite.max() > 100 + 1e-9):
        raise InputError(f"index_draws must be on the absolute 0–100 scale; found values in "
                         f"[{finite.min():.3g}, {finite.max():.3g}]")
    return arr


def segment_probabilities(table: pd.DataFrame, segment_probs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Membership probabilities (rows: ``coop_id`` in table order, columns: segment codes).

    ``segment_probs`` as given (rows summing to 1), else from ``segment`` and ``confidence``:
    P(assigned) = confidence (NA confidence: 1), the rest spread evenly over the other segments.
    """
    ids = table["coop_id"].astype(str).to_numpy()
    if segment_probs is not None:
        p = segment_probs.copy()
        if "coop_id" in p.columns:
            p = p.set_index("coop_id")
        p.index = p.index.astype(str)
        p = p.reindex(ids)
        if p.isna().any(axis=None):
            raise InputError("segment_probs lacks rows or has NA for some cooperatives of the table")
        if not np.allclose(p.sum(axis=1), 1, atol=1e-6):
            raise InputError("segment_probs rows must sum to 1 (membership probabilities)")
        return p
    if "segment" not in table.columns or table["segment"].isna().all():
        raise InputError("the potential rule uses segments but the table has no 'segment' column; "
                         "pass segment_probs or attach the segmentation")
    seg = table["segment"]
    codes = sorted(seg.dropna().unique().tolist())
    conf = pd.to_numeric(table.get("confidence", pd.Series(1.0, index=table.index)), errors="coerce")
    conf = conf.fillna(1.0).clip(0, 1).to_numpy()
    k = len(codes)
    out = np.zeros((len(table), k))
    for j, c in enumerate(codes):
        hit = (seg == c).to_numpy()
        out[:, j] = np.where(hit, conf, (1 - conf) / max(k - 1, 1))
    out[seg.isna().to_numpy()] = 1.0 / k
    if k == 1:
        out[:] = 1.0
    return pd.DataFrame(out, index=ids, columns=codes)


@dataclass(frozen=True)
class _Plan:
    """What a replication needs, precomputed once (picklable for the workers)."""

    partners: tuple[str, ...]
    required: dict          # partner -> tuple[CriterionData, ...]
    ranged: tuple           # ((partner, criterion id, lo, hi), ...) in config order
    pot_threshold: float
    pot_range: tuple | None
    seg_codes: tuple
    seg_cum: np.ndarray | None   # cumulative membership probabilities (n, k)
    seg_ok_codes: tuple
    groups: np.ndarray      # group code per cooperative
    n_groups: int


def _plan(table: pd.DataFrame, config: ReadinessConfig, partners: Sequence[str], by: str,
          segment_probs: pd.DataFrame | None) -> _Plan:
    required = {k: tuple(CriterionData.build(table, c) for c in config.partner(k).required) for k in partners}
    ranged = tuple((k, c.id, c.range[0], c.range[1]) for k in partners for c in config.partner(k).criteria
                   if c.range is not None)
    pot = config.potential
    seg_cum, seg_codes = None, ()
    if pot.segments:
        sp = segment_probabilities(table, segment_probs)
        seg_codes = tuple(sp.columns)
        seg_cum = np.cumsum(sp.to_numpy(dtype=float), axis=1)
        seg_cum[:, -1] = 1.0
    grp = table[by].astype("string").fillna("(NA)") if by in table.columns else pd.Series("(NA)", index=table.index)
    cat = pd.Categorical(grp, categories=sorted(grp.unique()))
    return _Plan(tuple(partners), required, ranged, pot.threshold, pot.range, seg_codes, seg_cum,
                 tuple(pot.segments), np.asarray(cat.codes), len(cat.categories))


def _state(datas: Sequence[CriterionData], values: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Numbers of unmet and not-assessed required criteria per cooperative."""
    n = len(datas[0].primary_known) if datas else 0
    unmet, na = np.zeros(n, int), np.zeros(n, int)
    for d in datas:
        met, known = d.met_at((values or {}).get(d.criterion.id))
        unmet += known & ~met
        na += ~known
    return unmet, na


def _measures(potential: np.ndarray, unmet: np.ndarray, na: np.ndarray) -> dict[str, np.ndarray]:
    ready = (unmet == 0) & (na == 0)
    rop = unmet == 0
    return {"potential": potential, "ready": ready, "ready_or_provisional": rop,
            "joint": potential & ready, "joint_provisional": potential & rop}


def _potential(index: np.ndarray, threshold: float, seg_ok: np.ndarray | None) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        pot = np.nan_to_num(index, nan=-np.inf) >= threshold
    return pot if seg_ok is None else pot & seg_ok


def _run_chunk(plan: _Plan, draws: np.ndarray, seeds: list, reps: list[int]):
    n = draws.shape[0]
    P, M = len(plan.partners), len(MEASURES)
    sums = np.zeros((P, M, n), dtype=np.int64)
    group_counts = np.zeros((len(reps), P, M, plan.n_groups), dtype=np.int64)
    meta = []
    for j, (r, ss) in enumerate(zip(reps, seeds, strict=True)):
        rng = np.random.default_rng(ss)
        col = r % draws.shape[1]
        t_pot = rng.uniform(*plan.pot_range) if plan.pot_range else plan.pot_threshold
        thresholds = {(k, cid): rng.uniform(lo, hi) for k, cid, lo, hi in plan.ranged}
        seg_ok = None
        if plan.seg_cum is not None:
            u = rng.random(n)
            idx = (u[:, None] > plan.seg_cum).sum(axis=1)
            seg = np.asarray(plan.seg_codes, dtype=object)[idx]
            seg_ok = np.isin(seg, np.asarray(plan.seg_ok_codes, dtype=object))
        pot = _potential(draws[:, col], t_pot, seg_ok)
        for pi, k in enumerate(plan.partners):
            vals = {cid: t for (kk, cid), t in thresholds.items() if kk == k}
            ms = _measures(pot, *_state(plan.required[k], vals))
            for mi, m in enumerate(MEASURES):
                sums[pi, mi] += ms[m]
                group_counts[j, pi, mi] = np.bincount(plan.groups, weights=ms[m], minlength=plan.n_groups)
        meta.append((r, t_pot, col))
    return sums, group_counts, meta


def joint_answer(
    table: pd.DataFrame,
    assessment: pd.DataFrame | None,
    index_draws,
    config: ReadinessConfig,
    *,
    seed: int,
    n_rep: int | None = None,
    n_jobs: int = 1,
    segment_probs: pd.DataFrame | None = None,
    by: str = "nama_kabkota",
    level: float = 0.90,
    partners: Sequence[str] | None = None,
) -> JointAnswer:
    """Potential AND ready, per partner: point answer, P per cooperative, counts with intervals.

    Parameters
    ----------
    table : the study table (one row per cooperative; ``coop_id``, the criteria's columns, the
        potential column — ``index`` — and ``by``).
    assessment : :func:`~kaltara_study.readiness.criteria.assess_readiness` of ``table`` with the
        same config (checked against the point answer), or None to compute it.
    index_draws : cooperatives × replications of index values on the absolute 0–100 scale (a
        DataFrame indexed by / with a ``coop_id`` column, or an array in table order).
    config : the readiness config (its ``[potential]`` rule and the criteria's ``range``).
    seed, n_rep, n_jobs : Monte-Carlo seed, replications (default: the number of draw columns),
        parallel jobs; the result does not depend on ``n_jobs``.
    segment_probs : membership probabilities (see :func:`segment_probabilities`); used only when
        the potential rule names segments.
    by : grouping column of ``counts_by_group`` (kabupaten).
    level : coverage of the percentile intervals (0.90 → 5th–95th percentiles).
    """
    if "coop_id" not in table.columns:
        raise DataError("the study table has no 'coop_id' column")
    if table["coop_id"].astype(str).duplicated().any():
        raise DataError("the study table has duplicate coop_id rows; pass one row per cooperative")
    keys = list(partners) if partners is not None else list(config.partners)
    draws = _align_draws(table, index_draws)
    n_rep = int(n_rep) if n_rep is not None else draws.shape[1]
    if n_rep < 1:
        raise InputError(f"n_rep must be >= 1, got {n_rep}")
    plan = _plan(table, config, keys, by, segment_probs)
    ids = table["coop_id"].astype(str).to_numpy()
    n = len(ids)

    # point answer: configured thresholds, the table's index, the assigned segment
    pot_col = config.potential.column
    point_index = pd.to_numeric(table[pot_col], errors="coerce").to_numpy(dtype=float) if pot_col in table.columns \
        else np.full(n, np.nan)
    seg_ok = None
    if config.potential.segments:
        seg_ok = table["segment"].isin(list(config.potential.segments)).to_numpy()
    point_pot = _potential(point_index, config.potential.threshold, seg_ok)
    point = {k: _measures(point_pot, *_state(plan.required[k])) for k in keys}
    if assessment is None:
        assessment = assess_readiness(table, config, partners=keys)
    a = assessment.set_index(["coop_id", "partner"])
    for k in keys:  # the point answer must agree with the verdicts (one rule, two code paths)
        v = a.xs(k, level="partner").verdict.reindex(ids)
        if not np.array_equal(v.eq("ready").to_numpy(), point[k]["ready"]) or \
                not np.array_equal(v.isin(["ready", "provisional"]).to_numpy(), point[k]["ready_or_provisional"]):
            raise DataError(f"the assessment for partner {k!r} does not match the table and config passed; "
                            "compute it with assess_readiness(table, config)")

    # Monte-Carlo, one seed stream per replication (identical for any n_jobs)
    seeds = np.random.SeedSequence(seed).spawn(n_rep)
    n_chunks = max(1, min(int(n_jobs), n_rep)) if n_jobs and n_jobs > 0 else 1
    bounds = np.linspace(0, n_rep, n_chunks + 1).astype(int)
    chunks = [list(range(bounds[i], bounds[i + 1])) for i in range(n_chunks) if bounds[i + 1] > bounds[i]]
    if len(chunks) == 1:
        results = [_run_chunk(plan, draws, [seeds[r] for r in chunks[0]], chunks[0])]
    else:
        results = Parallel(n_jobs=len(chunks))(
            delayed(_run_chunk)(plan, draws, [seeds[r] for r in c], c) for c in chunks)
    sums = sum(r[0] for r in results)
    gcounts = np.concatenate([r[1] for r in results], axis=0)        # (n_rep, P, M, G)
    meta = [m for r in results for m in r[2]]

    # probabilities per cooperative × partner
    rows = []
    for pi, k in enumerate(keys):
        d = {"coop_id": ids, "partner": k}
        for mi, m in enumerate(MEASURES):
            d[f"p_{m}"] = np.round(sums[pi, mi] / n_rep, 6)
        for m in MEASURES:
            d[m] = point[k][m]
        rows.append(pd.DataFrame(d))
    probs = pd.concat(rows, ignore_index=True).sort_values(["coop_id", "partner"], kind="stable",
                                                           key=_partner_sort_key).reset_index(drop=True)

    # counts with intervals
    lo_q, hi_q = 100 * (1 - level) / 2, 100 * (1 + level) / 2
    totals = gcounts.sum(axis=3)                                       # (n_rep, P, M)
    count_rows, rep_rows = [], []
    for pi, k in enumerate(keys):
        for mi, m in enumerate(MEASURES):
            x = totals[:, pi, mi]
            count_rows.append({"partner": k, "measure": m, "n_point": int(point[k][m].sum()),
                               "mean": float(np.round(x.mean(), 6)), "low": float(np.percentile(x, lo_q)),
                               "median": float(np.percentile(x, 50)), "high": float(np.percentile(x, hi_q)),
                               "n_total": n})
        for j, (r, t_pot, col) in enumerate(meta):
            rep_rows.append({"rep": r, "partner": k, "t_potential": round(float(t_pot), 6), "index_column": col,
                             **{f"n_{m}": int(totals[j, pi, mi]) for mi, m in enumerate(MEASURES)}})
    cats = sorted(pd.Series(table[by] if by in table.columns else "(NA)", index=table.index)
                  .astype("string").fillna("(NA)").unique())
    grp_rows = []
    for gi, g in enumerate(cats):
        in_g = plan.groups == gi
        for pi, k in enumerate(keys):
            for mi, m in enumerate(MEASURES):
                x = gcounts[:, pi, mi, gi]
                grp_rows.append({by: g, "partner": k, "measure": m, "n_point": int(point[k][m][in_g].sum()),
                                 "mean": float(np.round(x.mean(), 6)), "low": float(np.percentile(x, lo_q)),
                                 "high": float(np.percentile(x, hi_q)), "n_total": int(in_g.sum())})
    rule = {"potential": config.potential.describe(), "ready": "every required criterion assessed and met",
            "ready_or_provisional": "no required criterion known unmet (provisional: verify in the field)",
            "joint": "potential AND ready", "joint_provisional": "potential AND ready_or_provisional"}
    return JointAnswer(probabilities=probs, counts=pd.DataFrame(count_rows), counts_by_group=pd.DataFrame(grp_rows),
                       replications=pd.DataFrame(rep_rows).sort_values(["rep", "partner"], kind="stable",
                                                                        key=_partner_sort_key).reset_index(drop=True),
                       seed=int(seed), n_rep=n_rep, level=level, by=by, rule=rule)


def _partner_sort_key(s: pd.Series) -> pd.Series:
    if s.name == "partner":
        order = {p: i for i, p in enumerate(PARTNERS)}
        return s.map(lambda p: order.get(p, len(order)))
    return s


# ------------------------------------------------------------------------------- named list
def named_list(
    table: pd.DataFrame,
    answer: JointAnswer,
    assessment: pd.DataFrame,
    *,
    partner: str | None = None,
    by: str = "nama_kabkota",
    min_p: float = 0.5,
    top: int | None = None,
) -> pd.DataFrame:
    """The named list per partner and kabupaten, ordered by P(potential and ready).

    Keeps cooperatives with ``p_joint >= min_p`` or ``p_joint_provisional >= min_p`` (so the
    provisionally ready ones, pending field verification, are listed too); ``top`` keeps the first
    *n* per partner × group. Order: partner, ``by``, ``p_joint`` (high first),
    ``p_joint_provisional``, ``p_potential``, ``index`` (high first: ties in P are common), ``coop_id``.

    Columns: ``partner, <by>, list_rank, coop_id, nama_koperasi, nama_desa, nama_kecamatan, index,
    p_joint, p_joint_provisional, p_potential, verdict, missing_required`` (unmet required
    criterion ids), ``to_verify`` (required criteria to check in the field), ``gaps_desirable``.
    Name columns absent from ``table`` are NA.
    """
    p = answer.probabilities if partner is None else answer.probabilities[answer.probabilities.partner == partner]
    p = p[(p.p_joint >= min_p) | (p.p_joint_provisional >= min_p)]
    cols = [c for c in (by, *NAME_COLUMNS, "index") if c in table.columns]
    t = table[["coop_id", *dict.fromkeys(cols)]].assign(coop_id=lambda d: d.coop_id.astype(str))
    out = p.merge(t, on="coop_id", how="left", validate="many_to_one")
    out = out.merge(assessment[["coop_id", "partner", "verdict", "missing_required", "to_verify", "gaps_desirable"]],
                    on=["coop_id", "partner"], how="left", validate="one_to_one")
    for c in (by, *NAME_COLUMNS, "index"):
        if c not in out.columns:
            out[c] = pd.NA
    porder = {k: i for i, k in enumerate(PARTNERS)}
    out = out.assign(_p=out.partner.map(lambda x: porder.get(x, 99)))
    out = out.sort_values(["_p", by, "p_joint", "p_joint_provisional", "p_potential", "index", "coop_id"],
                          ascending=[True, True, False, False, False, False, True], kind="stable", na_position="last")
    out["list_rank"] = out.groupby(["partner", by], sort=False, dropna=False).cumcount() + 1
    if top is not None:
        out = out[out["list_rank"] <= top]
    keep = ["partner", by, "list_rank", "coop_id", "nama_koperasi", "nama_desa", "nama_kecamatan", "index",
            "p_joint", "p_joint_provisional", "p_potential", "verdict", "missing_required", "to_verify",
            "gaps_desirable"]
    return out[list(dict.fromkeys(keep))].reset_index(drop=True)


# ------------------------------------------------------------------------ verification list
def verification_list(
    table: pd.DataFrame,
    assessment: pd.DataFrame,
    config: ReadinessConfig,
    *,
    answer: JointAnswer | None = None,
    include_fallback: bool = True,
    include_desirable: bool = False,
) -> pd.DataFrame:
    """What the bimtek must verify at each cooperative: one row per cooperative × item (column).

    Items are the criteria columns that decide a verdict but could not be assessed (``basis =
    "not_assessed"``), plus — with ``include_fallback`` — those assessed only from the registry
    fallback (``basis = "registry"``: confirm the SIMKOPDES count on site). Desirable criteria
    only with ``include_desirable``.

    Columns: ``coop_id, nama_koperasi, nama_desa, nama_kecamatan, nama_kabkota, item`` (the
    analysis-table column to check), ``criteria`` (ids, ``"; "``-joined), ``partners`` (whose
    verdict depends on it), ``n_partners``, ``kind`` (``required`` if required for any of them),
    ``basis``, ``p_joint_provisional_max`` (highest P over those partners, when ``answer`` is
    given, else NA). Sorted by kabupaten, kecamatan, village, coop_id, required first, item.
    """
    rows = []
    ids = table["coop_id"].astype(str).to_numpy()
    for k in config.partners:
        p = config.partner(k)
        for c in p.criteria:
            if not (c.required or include_desirable):
                continue
            d = CriterionData.build(table, c)
            basis = d.basis()
            need = np.isin(basis, ["none", "absent"])
            if include_fallback:
                need |= basis == "fallback"
            for i in np.flatnonzero(need):
                rows.append((ids[i], c.column, c.id, k, c.kind,
                             "registry" if basis[i] == "fallback" else "not_assessed"))
    cols = ["coop_id", *NAME_COLUMNS, "item", "criteria", "partners", "n_partners", "kind", "basis",
            "p_joint_provisional_max"]
    if not rows:
        return pd.DataFrame(columns=cols)
    long = pd.DataFrame(rows, columns=["coop_id", "item", "criterion", "partner", "kind", "basis"])
    # one row per (coop_id, item, basis): criteria in first-seen order, partners in PARTNERS order,
    # "required" if required for any of them (a plain loop: a pandas aggregation per group cost 2 s)
    groups: dict[tuple, tuple[dict, set, list]] = {}
    for cid, item, crit, partner, kind, basis in rows:
        crits, partners, req = groups.setdefault((cid, item, basis), ({}, set(), [False]))
        crits[crit] = None
        partners.add(partner)
        req[0] = req[0] or kind == "required"
    out = pd.DataFrame(
        [(cid, item, basis, "; ".join(crits), "; ".join(p for p in PARTNERS if p in partners), len(partners),
          "required" if req[0] else "desirable")
         for (cid, item, basis), (crits, partners, req) in sorted(groups.items())],
        columns=["coop_id", "item", "basis", "criteria", "partners", "n_partners", "kind"])
    if answer is not None:
        pr = answer.probabilities[["coop_id", "partner", "p_joint_provisional"]]
        lk = long[["coop_id", "item", "basis", "partner"]].merge(pr, on=["coop_id", "partner"], how="left")
        mx = lk.groupby(["coop_id", "item", "basis"]).p_joint_provisional.max().rename("p_joint_provisional_max")
        out = out.merge(mx.reset_index(), on=["coop_id", "item", "basis"], how="left")
    else:
        out["p_joint_provisional_max"] = np.nan
    names = table[["coop_id", *[c for c in NAME_COLUMNS if c in table.columns]]].assign(
        coop_id=lambda d: d.coop_id.astype(str))
    out = out.merge(names, on="coop_id", how="left", validate="many_to_one")
    for c in NAME_COLUMNS:
        if c not in out.columns:
            out[c] = pd.NA
    out = out.assign(_k=(out.kind != "required").astype(int))
    out = out.sort_values(["nama_kabkota", "nama_kecamatan", "nama_desa", "coop_id", "_k", "item", "basis"],
                          kind="stable", na_position="last")
    return out[cols].reset_index(drop=True)


# ------------------------------------------------------------------------------ sensitivity
def _grid(lo: float, hi: float, central: float, n: int) -> list[float]:
    vals = set(np.round(np.linspace(lo, hi, n), 10).tolist()) | {round(float(central), 10)}
    return sorted(vals)


def sensitivity(
    table: pd.DataFrame,
    config: ReadinessConfig,
    *,
    n_grid: int = 5,
    partners: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The threshold-sensitivity appendix: point counts as each threshold moves over its range,
    with the study-assumption criteria desirable (as configured) and required (the variant).

    For each ``variant`` (``configured``, ``assumptions_required`` — see
    :meth:`ReadinessConfig.with_assumptions_required`), each ``parameter`` (``potential`` or
    ``<partner>.<criterion>`` for every criterion with a ``range``; plus ``none`` = everything at
    its configured value), each ``value`` on an ``n_grid``-point grid over the range (the configured
    value included, ``is_central`` marks it) and each partner: ``n_potential, n_ready,
    n_ready_or_provisional, n_joint, n_joint_provisional``. A criterion's threshold affects only its
    own partner (rows for that partner only); a desirable criterion's threshold changes no count in the configured variant (it
    is listed anyway, so the table shows that). Uses the table's point ``index``.
    """
    keys = list(partners) if partners is not None else list(config.partners)
    pot = config.potential
    idx = pd.to_numeric(table[pot.column], errors="coerce").to_numpy(dtype=float) if pot.column in table.columns \
        else np.full(len(table), np.nan)
    seg_ok = table["segment"].isin(list(pot.segments)).to_numpy() if pot.segments else None
    rows = []
    for variant, cfg in (("configured", config), ("assumptions_required", config.with_assumptions_required())):
        req = {k: tuple(CriterionData.build(table, c) for c in cfg.partner(k).required) for k in keys}
        base = {k: _state(req[k]) for k in keys}
        pot0 = _potential(idx, pot.threshold, seg_ok)

        def add(parameter, value, central, potv, states, only=None):
            for k in (keys if only is None else [only]):
                ms = _measures(potv, *states[k])
                rows.append({"variant": variant, "parameter": parameter, "value": value, "is_central": central,
                             "partner": k, **{f"n_{m}": int(ms[m].sum()) for m in MEASURES}})

        add("none", np.nan, True, pot0, base)
        if pot.range:
            for v in _grid(*pot.range, pot.threshold, n_grid):
                add("potential", v, bool(np.isclose(v, pot.threshold)), _potential(idx, v, seg_ok), base)
        for k in keys:
            for c in cfg.partner(k).criteria:
                if c.range is None:
                    continue
                for v in _grid(*c.range, c.value, n_grid):
                    states = dict(base)
                    if c.required:
                        states[k] = _state(req[k], {c.id: v})
                    add(f"{k}.{c.id}", v, bool(np.isclose(v, c.value)), pot0, states, only=k)
    return pd.DataFrame(rows)
