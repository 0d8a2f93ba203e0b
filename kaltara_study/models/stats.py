"""Statistical analysis: what distinguishes segments and readiness (statsmodels).

- (removed, issue 12) the multinomial logit of the segment on the very features that made the
  segments was circular; segment membership is not modelled on its own features;
- :func:`fit_ordered_logit` — ordered logit (``statsmodels.miscmodels.ordinal_model.OrderedModel``,
  ``distr="logit"``) of a readiness level (``not_ready < nearly_ready < ready``);
- :func:`odds_ratio_table` — tidy odds ratios with Wald 95 % confidence intervals
  (exp(β ± 1.96·SE), as statsmodels' ``conf_int``);
- :func:`kabupaten_differences` — one-way ANOVA (η² = SS_between / SS_total), Welch's ANOVA,
  Levene's test and Kruskal–Wallis (ε² = H / ((n² − 1)/(n + 1)) = H/(n − 1), Tomczak & Tomczak
  2014) per variable, with Holm-adjusted p-values across the table's variables;
- :func:`tukey_hsd` — Tukey HSD pairwise comparisons (``statsmodels.stats.multicomp``); only under
  equal variances — otherwise :func:`kaltara_study.models.compare.games_howell`;
- formatting for readers moved to :func:`kaltara_study.report.readiness_tables.format_table`.

These are fixed-effect descriptions that ignore the nesting in kecamatan and spatial dependence;
for inference use :mod:`kaltara_study.models.mixed` and :mod:`kaltara_study.models.spatial`, and read
p-values as :data:`kaltara_study.models.compare.CENSUS_NOTE` says.

Covariates are standardised by default (mean 0, SD 1 with ddof = 1, like R's ``scale()``), so an
odds ratio is per one standard deviation. Covariates that are absent, all-NA or constant are dropped
with the reason recorded in ``fit.dropped``; rows with any NA are dropped (complete cases, count in
``fit.n_dropped_rows``). When too little remains to fit — the real registry lacks most covariates —
the functions return a fit with ``status == "skipped"`` and a ``reason`` instead of raising, so the
notebooks can say so. Warnings from the optimiser are captured in ``fit.warnings``.

>>> fit = fit_ordered_logit(table, outcome="readiness_bank")     # doctest: +SKIP
>>> odds_ratio_table(fit).head()                                # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from kaltara_study.models.compare import holm, levene, welch_anova

__all__ = [
    "DEFAULT_COVARIATES",
    "READINESS_LEVELS",
    "ModelFit",
    "fit_ordered_logit",
    "kabupaten_differences",
    "odds_ratio_table",
    "prepare_design",
    "readiness_level",
    "tukey_hsd",
]

#: Village and cooperative covariates used when none are given (analysis-table columns).
DEFAULT_COVARIATES = (
    "population", "idm", "distance_kab_km", "road_score", "signal_score", "is_kelurahan",
    "units_operating", "members_per_100_hh", "health_score", "debt_ratio",
)
READINESS_LEVELS = ("not_ready", "nearly_ready", "ready")
Z95 = stats.norm.ppf(0.975)


#: Indonesian wording of the recorded reasons (kept in English in ``fit.dropped``/``fit.reason``).
_ID_WORDS = (
    ("(all NA)", "(semua NA)"), ("(absent)", "(kolom tidak ada)"), ("(constant)", "(konstan)"),
    ("observed for ", "teramati pada "), (" of rows", " baris"),
    ("levels with fewer than ", "kategori dengan kurang dari "), (" rows left out", " baris dikeluarkan"),
    ("has fewer than two observed levels", "punya kurang dari dua kategori teramati"),
    ("has fewer than two levels among complete rows", "punya kurang dari dua kategori pada baris lengkap"),
    ("no usable covariate (all absent, all NA or constant)",
     "tidak ada kovariat yang dapat dipakai (tidak ada, semua NA atau konstan)"),
    ("too few complete rows", "terlalu sedikit baris lengkap"), ("parameters", "parameter"),
    ("outcome ", "variabel respons "),
)


@dataclass
class ModelFit:
    """A fitted (or skipped) model with what was used and what was dropped."""

    kind: str
    outcome: str
    status: str = "fitted"
    reason: str = ""
    result: Any = None
    levels: list = field(default_factory=list)
    covariates: list[str] = field(default_factory=list)
    dropped: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["covariate", "reason"]))
    n: int = 0
    n_dropped_rows: int = 0
    scale: pd.DataFrame | None = None
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def fitted(self) -> bool:
        return self.status == "fitted"

    def summary_text(self, *, lang: str = "id") -> str:
        """One line for the notebooks: n, covariates used/dropped, or why it was skipped."""
        text = self._summary(lang)
        if lang == "id":
            for en, id_ in _ID_WORDS:
                text = text.replace(en, id_)
        return text

    def _summary(self, lang: str) -> str:
        if not self.fitted:
            return (f"{self.kind} ({self.outcome}): tidak diestimasi — {self.reason}" if lang == "id"
                    else f"{self.kind} ({self.outcome}): not estimated — {self.reason}")
        used = ", ".join(self.covariates)
        dropped = "; ".join(f"{r.covariate} ({r.reason})" for r in self.dropped.itertuples()) or "-"
        notes = "".join(f"; {n}" for n in self.notes)
        if lang == "en":
            return f"{self.kind} ({self.outcome}): n = {self.n}; covariates: {used}; dropped: {dropped}{notes}"
        return f"{self.kind} ({self.outcome}): n = {self.n}; kovariat: {used}; dibuang: {dropped}{notes}"


# -------------------------------------------------------------------------------------- design
def prepare_design(
    table: pd.DataFrame,
    *,
    outcome: str,
    covariates: Sequence[str] = DEFAULT_COVARIATES,
    categorical: Sequence[str] = (),
    standardize: bool = True,
    min_coverage: float = 0.5,
) -> tuple[pd.Series, pd.DataFrame, pd.DataFrame, int, pd.DataFrame]:
    """Complete-case outcome ``y`` and design ``X`` (no constant) from ``table``.

    Returns ``(y, X, dropped, n_dropped_rows, scale)``; ``dropped`` lists covariates left out and
    why (absent, all NA, observed for fewer than ``min_coverage`` of the rows — so that a sparse
    covariate such as the 7-village real IDM sample does not shrink the complete cases to nothing —
    or constant among the complete cases); ``scale`` holds the mean and SD used for standardising. Booleans become 0/1; each
    ``categorical`` column becomes dummies (first level, in sorted order, is the reference).
    """
    if outcome not in table.columns:
        raise KeyError(f"outcome column {outcome!r} not in the table; compute it first (e.g. segment)")
    dropped = []
    cols: dict[str, pd.Series] = {}
    for c in covariates:
        if c not in table.columns:
            dropped.append((c, "absent"))
            continue
        s = table[c]
        if s.isna().all():
            dropped.append((c, "all NA"))
            continue
        cov = float(s.notna().mean())
        if cov < min_coverage:
            dropped.append((c, f"observed for {100 * cov:.0f}% < {100 * min_coverage:.0f}% of rows"))
            continue
        if pd.api.types.is_bool_dtype(s) or isinstance(s.dtype, pd.BooleanDtype):
            s = s.astype("Float64")
        s = pd.to_numeric(s, errors="coerce").astype(float)
        cols[c] = s
    X = pd.DataFrame(cols, index=table.index)
    for c in categorical:
        if c not in table.columns or table[c].isna().all():
            dropped.append((c, "absent" if c not in table.columns else "all NA"))
            continue
        d = pd.get_dummies(table[c].astype("string"), prefix=c, dtype=float)
        d = d[sorted(d.columns)].iloc[:, 1:]
        d[table[c].isna().to_numpy()] = np.nan
        X = pd.concat([X, d], axis=1)
    y = table[outcome]
    ok = y.notna().to_numpy() & X.notna().all(axis=1).to_numpy()
    X, y = X[ok], y[ok]
    n_dropped = int((~ok).sum())
    for c in list(X.columns):
        if X[c].nunique() <= 1:
            dropped.append((c, "constant"))
            X = X.drop(columns=c)
    scale = pd.DataFrame({"mean": X.mean(), "sd": X.std(ddof=1)})
    if standardize and len(X):
        X = (X - scale["mean"]) / scale["sd"]
    return y, X, pd.DataFrame(dropped, columns=["covariate", "reason"]), n_dropped, scale


def _run(fn):
    caught: list[str] = []
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter("always")
        res = fn()
    caught = sorted({f"{w.category.__name__}: {w.message}" for w in ws})
    return res, caught


def _too_small(n: int, n_params: int, min_per_param: int, n_cov: int) -> str | None:
    if n_cov == 0:
        return "no usable covariate (all absent, all NA or constant)"
    if n < min_per_param * n_params:
        return f"too few complete rows: n = {n} < {min_per_param} × {n_params} parameters"
    return None


def fit_ordered_logit(
    table: pd.DataFrame,
    *,
    outcome: str,
    levels: Sequence[Any] = READINESS_LEVELS,
    covariates: Sequence[str] = DEFAULT_COVARIATES,
    categorical: Sequence[str] = (),
    standardize: bool = True,
    min_per_param: int = 5,
    maxiter: int = 2000,
) -> ModelFit:
    """Ordered (proportional-odds) logit of ``outcome`` with ordered ``levels`` on ``covariates``.

    statsmodels' ``OrderedModel`` has no constant (the thresholds play its role); values of
    ``outcome`` outside ``levels`` (e.g. ``not_assessable``) are treated as NA and dropped.
    """
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    t = table.copy()
    t[outcome] = t[outcome].where(t[outcome].isin(list(levels)))
    y, X, dropped, nd, scale = prepare_design(
        t, outcome=outcome, covariates=covariates, categorical=categorical, standardize=standardize)
    present = [lv for lv in levels if (y == lv).any()]
    fit = ModelFit(kind="OrderedModel", outcome=outcome, dropped=dropped, n=len(y), n_dropped_rows=nd,
                   covariates=list(X.columns), scale=scale, levels=present)
    if len(present) < 2:
        fit.status, fit.reason = "skipped", f"outcome {outcome!r} has fewer than two observed levels"
        return fit
    why = _too_small(len(y), X.shape[1] + len(present) - 1, min_per_param, X.shape[1])
    if why:
        fit.status, fit.reason = "skipped", why
        return fit
    endog = pd.Series(pd.Categorical(y, categories=present, ordered=True), index=y.index)
    model = OrderedModel(endog, X, distr="logit")
    res, fit.warnings = _run(lambda: model.fit(method="bfgs", maxiter=maxiter, disp=False))
    fit.result = res
    return fit


def odds_ratio_table(fit: ModelFit, *, alpha: float = 0.05) -> pd.DataFrame:
    """Tidy coefficients and odds ratios with Wald CIs; empty for a skipped fit.

    Columns: ``model, outcome_level`` (``"higher"``), ``term, coef, std_err, z, p_value, odds_ratio, or_low, or_high``. Constants and
    ordered-model thresholds are left out.
    """
    cols = ["model", "outcome_level", "term", "coef", "std_err", "z", "p_value", "odds_ratio", "or_low", "or_high"]
    if not fit.fitted:
        return pd.DataFrame(columns=cols)
    res = fit.result
    z = stats.norm.ppf(1 - alpha / 2)
    rows = []
    for term in fit.covariates:
        b, se, p = res.params[term], res.bse[term], res.pvalues[term]
        rows.append((fit.kind, "higher", term, b, se, b / se, p))
    out = pd.DataFrame(rows, columns=cols[:7])
    out["odds_ratio"] = np.exp(out.coef)
    out["or_low"] = np.exp(out.coef - z * out.std_err)
    out["or_high"] = np.exp(out.coef + z * out.std_err)
    return out


def readiness_level(assessment: pd.DataFrame, *, partner: str) -> pd.DataFrame:
    """``coop_id`` and the ordered readiness level for one partner (NA when not assessable)."""
    a = assessment[assessment.partner == partner]
    lvl = a.verdict.where(a.verdict.isin(READINESS_LEVELS))
    return pd.DataFrame({
        "coop_id": a.coop_id.to_numpy(),
        f"readiness_{partner}": pd.Categorical(lvl, categories=list(READINESS_LEVELS), ordered=True),
    })


# ------------------------------------------------------------------------ differences by group
def _eta2(groups: list[np.ndarray]) -> float:
    allv = np.concatenate(groups)
    grand = allv.mean()
    ss_total = ((allv - grand) ** 2).sum()
    ss_between = sum(len(g) * (g.mean() - grand) ** 2 for g in groups)
    return float(ss_between / ss_total) if ss_total > 0 else np.nan


def kabupaten_differences(
    table: pd.DataFrame, *, columns: Sequence[str], group: str = "nama_kabkota", min_group: int = 2
) -> pd.DataFrame:
    """One-way ANOVA and Kruskal–Wallis of each column across ``group`` (kabupaten), with effect sizes.

    Per column: ``n, n_groups, anova_f, anova_p, eta2, welch_f, welch_p`` (Welch's ANOVA),
    ``levene_p`` (Brown–Forsythe), ``kruskal_h, kruskal_p, epsilon2``, Holm-adjusted
    ``anova_p_holm, welch_p_holm, kruskal_p_holm`` (family: this table's variables) and a ``note`` when not estimable (all NA, fewer than two groups with ``min_group`` values, or no
    variation). Groups with fewer than ``min_group`` non-NA values are left out.

    >>> kabupaten_differences(table, columns=["index", "idm"])   # doctest: +SKIP
    """
    rows = []
    for c in columns:
        row = {"variable": c, "n": 0, "n_groups": 0, "anova_f": np.nan, "anova_p": np.nan, "eta2": np.nan,
               "welch_f": np.nan, "welch_p": np.nan, "levene_p": np.nan,
               "kruskal_h": np.nan, "kruskal_p": np.nan, "epsilon2": np.nan, "note": ""}
        if c not in table.columns:
            row["note"] = "absent"
            rows.append(row)
            continue
        v = pd.to_numeric(table[c].astype("Float64") if pd.api.types.is_bool_dtype(table[c]) else table[c],
                          errors="coerce").astype(float)
        d = pd.DataFrame({"g": table[group], "v": v}).dropna()
        groups = [g.v.to_numpy() for _, g in d.groupby("g", sort=True) if len(g) >= min_group]
        n = int(sum(len(g) for g in groups))
        row.update(n=n, n_groups=len(groups))
        if len(groups) < 2:
            row["note"] = "all NA" if d.empty else "fewer than two groups"
        elif np.ptp(np.concatenate(groups)) == 0:
            row["note"] = "no variation"
        else:
            f, p = stats.f_oneway(*groups)
            h, kp = stats.kruskal(*groups)
            gl = np.concatenate([np.full(len(x), i) for i, x in enumerate(groups)])
            wf, _, _, wp = welch_anova(np.concatenate(groups), gl)
            _, lp = levene(np.concatenate(groups), gl)
            row.update(anova_f=float(f), anova_p=float(p), eta2=_eta2(groups), welch_f=wf, welch_p=wp,
                       levene_p=lp, kruskal_h=float(h), kruskal_p=float(kp),
                       epsilon2=float(h * (n + 1) / (n**2 - 1)))
        rows.append(row)
    out = pd.DataFrame(rows)
    for c in ("anova_p", "welch_p", "kruskal_p"):  # Holm across the table's variables, per test
        out[c.replace("_p", "_p_holm")] = holm(out[c].to_numpy())
    return out


def tukey_hsd(table: pd.DataFrame, *, column: str, group: str = "nama_kabkota", alpha: float = 0.05) -> pd.DataFrame:
    """Tukey HSD pairwise comparisons of ``column`` between ``group`` levels (statsmodels).

    Columns: ``group1, group2, meandiff, p_adj, ci_low, ci_high, reject``; empty when fewer than
    two groups have data.
    """
    from statsmodels.stats.multicomp import pairwise_tukeyhsd

    cols = ["group1", "group2", "meandiff", "p_adj", "ci_low", "ci_high", "reject"]
    d = pd.DataFrame({"g": table[group].astype("string"),
                      "v": pd.to_numeric(table[column], errors="coerce").astype(float)}).dropna()
    sizes = d.g.value_counts()
    d = d[d.g.isin(sizes[sizes >= 2].index)]
    if d.g.nunique() < 2:
        return pd.DataFrame(columns=cols)
    res = pairwise_tukeyhsd(d.v.to_numpy(), d.g.astype(str).to_numpy(), alpha=alpha)
    tab = pd.DataFrame(res.summary().data[1:], columns=res.summary().data[0])
    tab = tab.rename(columns={"p-adj": "p_adj", "lower": "ci_low", "upper": "ci_high"})
    tab["meandiff"] = res.meandiffs
    tab["p_adj"] = res.pvalues
    tab["ci_low"], tab["ci_high"] = res.confint[:, 0], res.confint[:, 1]
    tab["reject"] = res.reject.astype(bool)
    return tab[cols].reset_index(drop=True)
