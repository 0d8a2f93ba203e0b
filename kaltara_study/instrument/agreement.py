"""Inter-rater agreement of the supervisor assessment: is the instrument reliable before its verdicts are used?

Two supervisors assess the same cooperatives. Per item:

- nominal items: **Cohen's kappa** (Cohen 1960), κ = (p_o − p_e)/(1 − p_e), with the chance agreement
  p_e from the two raters' marginals; the same definition as ``sklearn.metrics.cohen_kappa_score``;
- ordinal items (the document checklist absent < stated < seen): **weighted kappa** (Cohen 1968),
  κ_w = 1 − Σ w·O / Σ w·E with linear (|i−j|) or quadratic ((i−j)²) disagreement weights;
- scores (the four health aspects, 0–100): **intraclass correlation** after Shrout & Fleiss (1979):
  ICC(2,1) two-way random effects, absolute agreement, single rater — when the *same* two supervisors
  rated every cooperative (the score itself feeds the verdict, so a rater who scores 10 points
  higher is disagreement, not noise); ICC(3,1) two-way mixed, consistency, single rater, is reported
  beside it; when the pair of supervisors differs between cooperatives only the one-way ICC(1,1)
  is valid (Shrout & Fleiss case 1) and is reported instead.

Uncertainty: 95 % confidence intervals — for ICCs the F-distribution intervals of Shrout & Fleiss
(1979) / McGraw & Wong (1996) (ICC(2,1) with Satterthwaite's degrees of freedom, as in R
``irr::icc`` and ``pingouin.intraclass_corr``); for kappas a percentile bootstrap over cooperatives
(seeded, so deterministic).

Pure functions: frames and arrays in, frames out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from kaltara_study.errors import InputError

__all__ = ["AGREEMENT_COLUMNS", "cohen_kappa", "icc", "item_agreement", "paired_ratings"]

AGREEMENT_COLUMNS = ["item", "scale", "statistic", "value", "ci_low", "ci_high", "n_subjects", "percent_agreement",
                     "raters"]
DEFAULT_SEED = 20251
#: Two scores "agree" for ``percent_agreement`` when they differ by at most this many points (0–100 scale).
SCORE_TOLERANCE = 5.0


def cohen_kappa(a: Sequence, b: Sequence, *, labels: Sequence | None = None, weights: str | None = None) -> float:
    """Cohen's kappa of two raters' codes; ``weights`` = ``None`` / ``"linear"`` / ``"quadratic"``.

    ``labels`` gives the category order (needed for weighted kappa; default: sorted codes seen).
    Pairs where either code is missing are dropped. NaN when undefined (one category only).

    >>> cohen_kappa(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    0.5
    """
    x = pd.Series(list(a), dtype=object)
    y = pd.Series(list(b), dtype=object)
    if len(x) != len(y):
        raise InputError(f"the two raters have {len(x)} and {len(y)} ratings; pair them per subject first")
    keep = x.notna() & y.notna()
    x, y = x[keep], y[keep]
    if labels is None:
        labels = sorted(set(x) | set(y), key=str)
    labels = list(labels)
    pos = {v: i for i, v in enumerate(labels)}
    unknown = (set(x) | set(y)) - set(pos)
    if unknown:
        raise InputError(f"codes {sorted(map(str, unknown))} are not in the labels {labels}")
    m = len(labels)
    if len(x) == 0 or m < 2:
        return float("nan")
    obs = np.zeros((m, m))
    np.add.at(obs, (x.map(pos).to_numpy(int), y.map(pos).to_numpy(int)), 1)
    exp = np.outer(obs.sum(1), obs.sum(0)) / obs.sum()
    i, j = np.indices((m, m))
    if weights is None:
        w = (i != j).astype(float)
    elif weights == "linear":
        w = np.abs(i - j).astype(float)
    elif weights == "quadratic":
        w = ((i - j) ** 2).astype(float)
    else:
        raise InputError(f"weights must be None, 'linear' or 'quadratic', not {weights!r}")
    den = (w * exp).sum()
    if den == 0:
        return float("nan")
    return float(1 - (w * obs).sum() / den)


def icc(ratings, *, model: str = "ICC(2,1)", alpha: float = 0.05) -> tuple[float, float, float]:
    """Intraclass correlation of an n-subjects × k-raters matrix (complete rows only) with its CI.

    ``model``: ``"ICC(1,1)"`` (one-way random), ``"ICC(2,1)"`` (two-way random, absolute agreement),
    ``"ICC(3,1)"`` (two-way mixed, consistency) — Shrout & Fleiss (1979). Returns
    ``(icc, ci_low, ci_high)`` at level 1 − ``alpha``.

    >>> sf = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    >>> round(icc(sf, model="ICC(2,1)")[0], 2), round(icc(sf, model="ICC(3,1)")[0], 2)
    (0.29, 0.71)
    """
    x = np.asarray(ratings, dtype=float)
    if x.ndim != 2:
        raise InputError("ratings must be a subjects × raters matrix")
    x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape
    if n < 2 or k < 2:
        return float("nan"), float("nan"), float("nan")
    grand = x.mean()
    ss_rows = k * ((x.mean(1) - grand) ** 2).sum()
    ss_cols = n * ((x.mean(0) - grand) ** 2).sum()
    ss_tot = ((x - grand) ** 2).sum()
    ss_err = ss_tot - ss_rows - ss_cols
    msr = ss_rows / (n - 1)
    msw = (ss_tot - ss_rows) / (n * (k - 1))
    msc = ss_cols / (k - 1)
    mse = ss_err / ((n - 1) * (k - 1))
    q = 1 - alpha / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        if model == "ICC(1,1)":
            val = (msr - msw) / (msr + (k - 1) * msw)
            f = msr / msw
            fl = f / stats.f.ppf(q, n - 1, n * (k - 1))
            fu = f * stats.f.ppf(q, n * (k - 1), n - 1)
            lo, hi = (fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1)
        elif model == "ICC(3,1)":
            val = (msr - mse) / (msr + (k - 1) * mse)
            f = msr / mse
            fl = f / stats.f.ppf(q, n - 1, (n - 1) * (k - 1))
            fu = f * stats.f.ppf(q, (n - 1) * (k - 1), n - 1)
            lo, hi = (fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1)
        elif model == "ICC(2,1)":
            val = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
            a = k * val / (n * (1 - val))
            b = 1 + k * val * (n - 1) / (n * (1 - val))
            v = (a * msc + b * mse) ** 2 / ((a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1)))
            f2u = stats.f.ppf(q, n - 1, v)
            f2l = stats.f.ppf(q, v, n - 1)
            lo = n * (msr - f2u * mse) / (f2u * (k * msc + (k * n - k - n) * mse) + n * msr)
            hi = n * (f2l * msr - mse) / (k * msc + (k * n - k - n) * mse + n * f2l * msr)
        else:
            raise InputError(f"model must be 'ICC(1,1)', 'ICC(2,1)' or 'ICC(3,1)', not {model!r}")
    return float(val), float(lo), float(hi)


def paired_ratings(ratings: pd.DataFrame, item: str, *, subject: str = "coop_id", rater: str = "assessor_code"
                   ) -> tuple[pd.DataFrame, bool]:
    """The two ratings of ``item`` per subject: columns ``subject, rater_a, rater_b, a, b``.

    Rater *a* is the lower rater code. Subjects with fewer than two ratings are left out; with more
    than two, the two lowest codes are used (documented rule). Also returns whether the same pair of
    raters rated every subject (then the two-way ICC models apply).
    """
    for c in (subject, rater, item):
        if c not in ratings.columns:
            raise InputError(f"the ratings frame has no column {c!r}")
    df = ratings[[subject, rater, item]].dropna(subset=[item]).sort_values([subject, rater], kind="stable")
    df = df.drop_duplicates([subject, rater], keep="last")
    df["_n"] = df.groupby(subject).cumcount()
    df = df[df["_n"] < 2]
    a = df[df["_n"] == 0].set_index(subject)
    b = df[df["_n"] == 1].set_index(subject)
    both = a.index.intersection(b.index)
    out = pd.DataFrame({subject: both, "rater_a": a.loc[both, rater].to_numpy(), "rater_b": b.loc[both, rater].to_numpy(),
                        "a": a.loc[both, item].to_numpy(), "b": b.loc[both, item].to_numpy()})
    same_pair = len(out) > 0 and out[["rater_a", "rater_b"]].drop_duplicates().shape[0] == 1
    return out.reset_index(drop=True), bool(same_pair)


def _boot_kappa(a: np.ndarray, b: np.ndarray, labels, weights, n_boot: int, seed: int) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    n = len(a)
    vals = []
    for _ in range(n_boot):
        idx = rng.integers(0, n, n)
        v = cohen_kappa(a[idx], b[idx], labels=labels, weights=weights)
        if not np.isnan(v):
            vals.append(v)
    if len(vals) < n_boot / 2:
        return float("nan"), float("nan")
    return float(np.quantile(vals, 0.025)), float(np.quantile(vals, 0.975))


def item_agreement(ratings: pd.DataFrame, *, items: Mapping[str, tuple[str, Sequence]], subject: str = "coop_id",
                   rater: str = "assessor_code", n_boot: int = 500, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Agreement per item between two supervisors on the same cooperatives.

    Parameters
    ----------
    ratings : DataFrame
        One row per (subject, rater): e.g. ``KoboResult.ratings`` of the assessment form.
    items : mapping
        item → ``(scale, order)`` with scale ``nominal`` / ``ordinal`` / ``interval`` and, for
        ordinal items, the codes from low to high (``forms.ASSESSMENT_ITEMS``).
    n_boot, seed : int
        Bootstrap replicates and seed of the kappa intervals.

    Returns
    -------
    DataFrame
        :data:`AGREEMENT_COLUMNS`; one row per item and statistic: ``kappa`` (nominal, ordinal),
        ``kappa_linear`` and ``kappa_quadratic`` (ordinal), ``ICC(2,1)`` and ``ICC(3,1)`` (interval,
        same rater pair) or ``ICC(1,1)`` (interval, varying pairs). ``value`` NaN when undefined.
        ``percent_agreement``: share of cooperatives with identical codes, or for scores with a
        difference of at most :data:`SCORE_TOLERANCE` points.
    """
    rows = []
    for k, (item, (scale, order)) in enumerate(items.items()):
        pairs, same = paired_ratings(ratings, item, subject=subject, rater=rater)
        n = len(pairs)
        raters = "same pair" if same else ("varying pairs" if n else "")
        base = {"item": item, "scale": scale, "n_subjects": n, "raters": raters}
        if scale == "interval":
            a = pd.to_numeric(pairs["a"], errors="coerce").to_numpy(float)
            b = pd.to_numeric(pairs["b"], errors="coerce").to_numpy(float)
            pa = float(np.mean(np.abs(a - b) <= SCORE_TOLERANCE)) if n else float("nan")
            models = ("ICC(2,1)", "ICC(3,1)") if same else ("ICC(1,1)",)
            for m in models:
                v, lo, hi = icc(np.column_stack([a, b]), model=m) if n else (np.nan,) * 3
                rows.append({**base, "statistic": m, "value": v, "ci_low": lo, "ci_high": hi, "percent_agreement": pa})
        elif scale in ("nominal", "ordinal"):
            a = pairs["a"].astype(object).to_numpy()
            b = pairs["b"].astype(object).to_numpy()
            labels = list(order) if order else sorted(set(a) | set(b), key=str)
            pa = float(np.mean(a == b)) if n else float("nan")
            stats_ = [("kappa", None)] + ([("kappa_linear", "linear"), ("kappa_quadratic", "quadratic")]
                                          if scale == "ordinal" else [])
            for name, w in stats_:
                v = cohen_kappa(a, b, labels=labels, weights=w) if n else float("nan")
                lo, hi = _boot_kappa(a, b, labels, w, n_boot, seed + k) if n >= 5 else (np.nan, np.nan)
                rows.append({**base, "statistic": name, "value": v, "ci_low": lo, "ci_high": hi, "percent_agreement": pa})
        else:
            raise InputError(f"item {item!r}: scale must be nominal, ordinal or interval, not {scale!r}")
    return pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
