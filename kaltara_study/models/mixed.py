"""Mixed models that fit the design: cooperatives nested in kecamatan nested in kabupaten.

:func:`fit_mixed` fits, for an outcome of the study table (potential: the index; readiness: a 0/1
verdict), fixed effects for the covariates and the kabupaten (5 levels: too few to estimate a
variance, so fixed) and a random intercept per kecamatan (55 levels):

- ``family="gaussian"``: ``statsmodels`` ``MixedLM`` (REML), Wald CIs from the fit;
- ``family="binomial"``: ``BinomialBayesMixedGLM`` (variational Bayes, ``fit_vb``), intervals are
  posterior mean ± z · posterior SD; odds ratios exp(·).

Covariates are standardised (ddof = 1, like R's ``scale()``) so an effect is per one SD; for the
gaussian family ``std_effect`` = estimate / SD(outcome) is a standardised effect size (Cohen's-d
like). The segment is never an outcome of its own features (the circular multinomial logit of the
earlier version is gone); if a segment model is wanted, use external covariates only.

Nothing here reads files; results are codes and numbers (``MixedFit.effects``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from kaltara_study.errors import InputError

__all__ = ["MixedFit", "fit_mixed", "readiness_binary"]


@dataclass
class MixedFit:
    """A fitted (or skipped) mixed model.

    ``effects``: ``term, kind`` (``covariate``/``kabupaten``/``intercept``), ``estimate,
    std_err, ci_low, ci_high, p_value`` (NA for the Bayesian fit), ``std_effect`` (gaussian:
    estimate / SD(y)), ``odds_ratio, or_low, or_high`` (binomial). ``variance``: ``component,
    variance`` (kecamatan, residual) and the ICC = kecamatan / (kecamatan + residual; π²/3 for
    the logit).
    """

    family: str
    outcome: str
    status: str = "fitted"
    reason: str = ""
    n: int = 0
    n_groups: int = 0
    covariates: list[str] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)
    effects: pd.DataFrame = field(default_factory=pd.DataFrame)
    variance: pd.DataFrame = field(default_factory=pd.DataFrame)
    icc: float = np.nan
    result: Any = None
    warnings: list[str] = field(default_factory=list)

    @property
    def fitted(self) -> bool:
        return self.status == "fitted"


def readiness_binary(assessment: pd.DataFrame, *, partner: str) -> pd.DataFrame:
    """``coop_id`` and ``ready_<partner>`` = 1 (ready), 0 (nearly ready / not ready), NA otherwise
    (provisional and not-assessable verdicts carry no 0/1 information)."""
    a = assessment[assessment.partner == partner]
    y = a.verdict.map({"ready": 1.0, "nearly_ready": 0.0, "not_ready": 0.0})
    return pd.DataFrame({"coop_id": a.coop_id.to_numpy(), f"ready_{partner}": y.to_numpy(dtype=float)})


def _design(table, outcome, covariates, fixed, group, min_coverage):
    dropped = []
    cols = {}
    for c in covariates:
        if c not in table.columns:
            dropped.append((c, "absent"))
            continue
        s = table[c]
        s = s.astype("Float64") if (pd.api.types.is_bool_dtype(s) or isinstance(s.dtype, pd.BooleanDtype)) else s
        s = pd.to_numeric(s, errors="coerce").astype(float)
        if s.notna().mean() < min_coverage:
            dropped.append((c, f"observed for {100 * s.notna().mean():.0f}% < {100 * min_coverage:.0f}% of rows"))
            continue
        cols[c] = s
    for need in (outcome, group, *( [fixed] if fixed else [])):
        if need not in table.columns:
            raise InputError(f"column {need!r} is not in the table; the mixed model needs it")
    X = pd.DataFrame(cols, index=table.index)
    y = pd.to_numeric(table[outcome], errors="coerce").astype(float)
    g = table[group].astype("string")
    f = table[fixed].astype("string") if fixed else None
    ok = y.notna() & X.notna().all(axis=1) & g.notna() & (f.notna() if f is not None else True)
    X, y, g = X[ok], y[ok], g[ok]
    for c in list(X.columns):
        if X[c].nunique() <= 1:
            dropped.append((c, "constant"))
            X = X.drop(columns=c)
    X = (X - X.mean()) / X.std(ddof=1)
    parts = [pd.DataFrame({"const": 1.0}, index=X.index), X]
    if f is not None:
        d = pd.get_dummies(f[ok], prefix=fixed, dtype=float)
        d = d[sorted(d.columns)].iloc[:, 1:]
        parts.append(d)
    return y, pd.concat(parts, axis=1), g, dropped, int((~ok).sum())


def fit_mixed(
    table: pd.DataFrame,
    *,
    outcome: str,
    covariates: Sequence[str],
    fixed: str | None = "kode_kabkota",
    group: str = "kode_kecamatan",
    family: str = "gaussian",
    alpha: float = 0.05,
    min_coverage: float = 0.5,
    min_rows: int = 30,
) -> MixedFit:
    """Mixed model of ``outcome`` on standardised ``covariates`` + ``fixed`` (kabupaten) fixed
    effects + a random intercept per ``group`` (kecamatan). See the module docstring.

    Covariates absent, observed for fewer than ``min_coverage`` of the rows or constant are dropped
    (``fit.dropped``); rows with NA are left out. Returns ``status="skipped"`` with a reason when
    fewer than ``min_rows`` complete rows or fewer than 2 groups remain, or (binomial) the outcome
    has one value only.
    """
    if family not in ("gaussian", "binomial"):
        raise InputError(f"family must be 'gaussian' or 'binomial', got {family!r}")
    y, X, g, dropped, _ = _design(table, outcome, covariates, fixed, group, min_coverage)
    fit = MixedFit(family=family, outcome=outcome, n=len(y), n_groups=int(g.nunique()),
                   covariates=[c for c in X.columns if c in covariates], dropped=dropped)
    if len(y) < min_rows or fit.n_groups < 2:
        fit.status, fit.reason = "skipped", f"too few complete rows or groups (n = {len(y)}, groups = {fit.n_groups})"
        return fit
    if family == "binomial" and y.nunique() < 2:
        fit.status, fit.reason = "skipped", f"outcome {outcome!r} takes one value only"
        return fit
    z = stats.norm.ppf(1 - alpha / 2)
    kind = ["intercept" if c == "const" else ("covariate" if c in covariates else "kabupaten") for c in X.columns]
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter("always")
        if family == "gaussian":
            from statsmodels.regression.mixed_linear_model import MixedLM

            res = MixedLM(y.to_numpy(), X, groups=g.to_numpy()).fit(reml=True)
            est, se = res.fe_params.to_numpy(), res.bse_fe.to_numpy()
            p = res.pvalues.reindex(X.columns).to_numpy()
            v_group, v_res = float(res.cov_re.iloc[0, 0]), float(res.scale)
            eff = pd.DataFrame({"term": X.columns, "kind": kind, "estimate": est, "std_err": se,
                                "ci_low": est - z * se, "ci_high": est + z * se, "p_value": p})
            sd_y = float(y.std(ddof=1))
            eff["std_effect"] = eff.estimate / sd_y if sd_y > 0 else np.nan
        else:
            from statsmodels.genmod.bayes_mixed_glm import BinomialBayesMixedGLM

            vc = pd.get_dummies(g, dtype=float)
            model = BinomialBayesMixedGLM(y.to_numpy(), X.to_numpy(), vc.to_numpy(), np.zeros(vc.shape[1], int),
                                          fe_p=2.0, vcp_p=1.0)
            res = model.fit_vb()
            est, se = np.asarray(res.fe_mean), np.asarray(res.fe_sd)
            eff = pd.DataFrame({"term": X.columns, "kind": kind, "estimate": est, "std_err": se,
                                "ci_low": est - z * se, "ci_high": est + z * se, "p_value": np.nan})
            eff["odds_ratio"] = np.exp(eff.estimate)
            eff["or_low"], eff["or_high"] = np.exp(eff.ci_low), np.exp(eff.ci_high)
            # vcp_mean is the posterior mean of log(SD) of the kecamatan effects
            v_group, v_res = float(np.exp(2 * np.asarray(res.vcp_mean)[0])), float(np.pi**2 / 3)
    fit.warnings = sorted({f"{w.category.__name__}: {w.message}" for w in ws})
    fit.result = res
    fit.effects = eff
    fit.variance = pd.DataFrame({"component": ["kecamatan", "residual"], "variance": [v_group, v_res]})
    fit.icc = v_group / (v_group + v_res) if (v_group + v_res) > 0 else np.nan
    return fit
