"""Group comparisons that fit the design: multiplicity control and unequal variances.

- :func:`adjust_pvalues` / :func:`holm` — Holm step-down (family-wise error) or Benjamini–Hochberg
  (false discovery rate) across one table's tests (``statsmodels.stats.multitest.multipletests``,
  which equals R's ``p.adjust``); NA p-values stay NA and are not counted in the family;
- :func:`games_howell` — Games & Howell (1976) pairwise comparisons for unequal variances and
  group sizes: Welch's t and Welch–Satterthwaite df per pair, p-values and simultaneous intervals
  from the studentized range distribution (as R ``rstatix::games_howell_test`` and
  ``PMCMRplus::gamesHowellTest``). Use it instead of Tukey HSD when Levene's test rejects equal
  variances (:func:`levene`);
- :func:`welch_anova` — Welch's one-way ANOVA (R ``oneway.test(var.equal = FALSE)``).

Census reading (:data:`CENSUS_NOTE`): the 411 cooperatives are all the cooperatives of the province,
not a sample. Differences between kabupaten are then facts about these cooperatives; a p-value
only has a reading for a superpopulation (the process that generates cooperatives like these) and
is reported as a descriptive measure of how surprising a difference is under that model.
"""

from __future__ import annotations

import contextlib
import gc
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import optimize, stats
from statsmodels.stats.libqsturng import qsturng

from kaltara_study.errors import InputError

__all__ = ["CENSUS_NOTE", "adjust_pvalues", "games_howell", "holm", "levene", "welch_anova"]

#: The reading of p-values the report states (codes: the report layer may translate it).
CENSUS_NOTE = {
    "en": ("The 411 cooperatives are a census, not a sample: counts, shares and differences describe them "
           "exactly. p-values and confidence intervals read the data as one realisation of a "
           "superpopulation process (cooperatives like these, in villages like these) and are shown as a "
           "measure of how surprising a difference would be under that model, not as sampling error."),
    "id": ("411 koperasi adalah sensus, bukan sampel: jumlah, porsi dan perbedaan menggambarkan koperasi itu "
           "apa adanya. Nilai p dan selang kepercayaan membaca data sebagai satu realisasi dari proses "
           "superpopulasi (koperasi serupa di desa serupa) dan ditampilkan sebagai ukuran seberapa mengejutkan "
           "suatu perbedaan di bawah model itu, bukan sebagai galat sampling."),
}


def adjust_pvalues(p, *, method: str = "holm", alpha: float = 0.05) -> np.ndarray:
    """Adjusted p-values across one family of tests; NA stays NA and is not in the family.

    ``method``: ``"holm"`` (Holm 1979, family-wise error) or ``"fdr_bh"`` (Benjamini–Hochberg).

    >>> adjust_pvalues([0.01, 0.02, 0.03, 0.04, 0.05]).round(3).tolist()   # R: p.adjust(.., "holm")
    [0.05, 0.08, 0.09, 0.09, 0.09]
    >>> adjust_pvalues([0.01, 0.02, 0.03, 0.04, 0.05], method="fdr_bh").round(3).tolist()
    [0.05, 0.05, 0.05, 0.05, 0.05]
    """
    from statsmodels.stats.multitest import multipletests

    if method not in ("holm", "fdr_bh"):
        raise InputError(f"method must be 'holm' or 'fdr_bh', got {method!r}")
    arr = np.asarray(p, dtype=float)
    out = np.full(arr.shape, np.nan)
    ok = np.isfinite(arr)
    if ok.any():
        with _collect_only_new_objects():
            out[ok] = multipletests(arr[ok], alpha=alpha, method=method)[1]
    return out


@contextlib.contextmanager
def _collect_only_new_objects():
    """Objects that exist on entry are kept out of garbage collections inside the block
    (:func:`gc.freeze`; undone on exit, unless the caller had frozen objects already).

    statsmodels' Holm branch of ``multipletests`` (0.15) ends with ``gc.collect()``, added there to
    bound memory on huge arrays: in a notebook kernel holding about 400,000 objects (pandas, geopandas,
    matplotlib) that full collection took 0.2–0.3 s per call, against microseconds for the adjustment
    itself (statsmodels PR #8671 proposed removing it). Frozen, the collection visits only what the
    call created; garbage older than the block is collected later, as usual.
    """
    if gc.get_freeze_count():            # someone else froze objects: leave their state alone
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def holm(p, *, alpha: float = 0.05) -> np.ndarray:
    """Holm-adjusted p-values (see :func:`adjust_pvalues`)."""
    return adjust_pvalues(p, method="holm", alpha=alpha)


def _groups(values, groups, min_n: int) -> list[tuple[str, np.ndarray]]:
    d = pd.DataFrame({"g": pd.Series(groups).astype("string").to_numpy(),
                      "v": pd.to_numeric(pd.Series(values), errors="coerce").astype(float).to_numpy()}).dropna()
    return [(str(k), g.v.to_numpy()) for k, g in d.groupby("g", sort=True) if len(g) >= min_n]


def studentized_range_ppf(prob: float, k: int, df: float) -> float:
    """The ``prob`` quantile of the studentized range with ``k`` groups and ``df`` degrees of freedom:
    scipy's ``studentized_range.ppf``, found faster. scipy solves ``cdf(q) = prob`` by bracketing
    (about 15 evaluations of a numerical double integral); here the secant method starts at
    statsmodels' ``qsturng`` approximation (Gleason 1999, 3–4 correct digits) and needs 3–5 of them.
    Equal to scipy's quantile within 1e-11 (tested); falls back to it outside qsturng's range or if
    the secant does not converge.

    >>> round(studentized_range_ppf(0.95, 3, 10.0), 6)
    3.876777
    """
    try:
        guess = float(qsturng(prob, k, df))
    except Exception:  # outside the tables qsturng interpolates (k > 100, prob < 0.1 or > 0.999)
        guess = np.nan
    if np.isfinite(guess) and guess > 0:
        q, res = optimize.newton(lambda x: stats.studentized_range.sf(x, k, df) - (1 - prob), guess,
                                 x1=guess * 1.0005, tol=1e-12, maxiter=20, full_output=True, disp=False)
        if res.converged and np.isfinite(q) and q > 0:
            return float(q)
    return float(stats.studentized_range.ppf(prob, k, df))


def games_howell(values, groups, *, alpha: float = 0.05, conf_int: bool = True) -> pd.DataFrame:
    """Games–Howell pairwise comparisons of ``values`` between ``groups`` (sorted group order).

    Per pair (group1 < group2 in sort order): ``n1, n2, estimate`` = mean2 − mean1 (rstatix's
    sign), ``se`` = sqrt(s1²/n1 + s2²/n2), ``statistic`` t = estimate/se, ``df`` (Welch–
    Satterthwaite), ``p_adj`` = P(Q_{k,df} ≥ |t|·√2) from the studentized range with *k* groups,
    ``ci_low, ci_high`` = estimate ∓ q_{1−α,k,df}/√2 · se (simultaneous), ``reject`` (p_adj < α).
    Groups with fewer than 2 values are left out; a pair whose variances are both 0 gets NA.
    ``conf_int=False`` skips the intervals (the studentized-range quantile takes ~0.03 s a pair,
    :func:`studentized_range_ppf`).

    With two groups the p-value equals Welch's two-sided t-test p (the studentized range with
    k = 2 is |T|·√2); tests check that and a hand computation on R's ToothGrowth data.
    """
    cols = ["group1", "group2", "n1", "n2", "estimate", "se", "statistic", "df", "p_adj", "ci_low", "ci_high",
            "reject"]
    gs = _groups(values, groups, 2)
    k = len(gs)
    if k < 2:
        return pd.DataFrame(columns=cols)
    rows = []
    for (g1, x1), (g2, x2) in combinations(gs, 2):
        n1, n2 = len(x1), len(x2)
        v1, v2 = x1.var(ddof=1) / n1, x2.var(ddof=1) / n2
        est = x2.mean() - x1.mean()
        se = np.sqrt(v1 + v2)
        if se == 0:
            rows.append((g1, g2, n1, n2, est, se, np.nan, np.nan, np.nan, np.nan, np.nan, False))
            continue
        df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
        t = est / se
        p = float(stats.studentized_range.sf(abs(t) * np.sqrt(2), k, df))
        q = studentized_range_ppf(1 - alpha, k, df) if conf_int else np.nan
        half = q / np.sqrt(2) * se
        rows.append((g1, g2, n1, n2, est, se, t, df, min(p, 1.0), est - half, est + half, p < alpha))
    out = pd.DataFrame(rows, columns=cols)
    out["reject"] = out.reject.astype(bool)
    return out


def levene(values, groups, *, center: str = "median") -> tuple[float, float]:
    """Levene's test of equal variances (Brown–Forsythe with ``center="median"``, R ``car::leveneTest``
    default): ``(statistic, p_value)``; NaNs when fewer than two groups have 2+ values."""
    gs = [x for _, x in _groups(values, groups, 2)]
    if len(gs) < 2:
        return np.nan, np.nan
    w, p = stats.levene(*gs, center=center)
    return float(w), float(p)


def welch_anova(values, groups) -> tuple[float, float, float, float]:
    """Welch's heteroscedastic one-way ANOVA: ``(F, df1, df2, p)`` (R ``oneway.test``)."""
    gs = [x for _, x in _groups(values, groups, 2)]
    k = len(gs)
    if k < 2:
        return np.nan, np.nan, np.nan, np.nan
    n = np.array([len(x) for x in gs], float)
    m = np.array([x.mean() for x in gs])
    v = np.array([x.var(ddof=1) for x in gs])
    if (v == 0).any():
        return np.nan, np.nan, np.nan, np.nan
    w = n / v
    mw = (w * m).sum() / w.sum()
    a = (w * (m - mw) ** 2).sum() / (k - 1)
    lam = ((1 - w / w.sum()) ** 2 / (n - 1)).sum()
    b = 1 + 2 * (k - 2) / (k**2 - 1) * lam
    f = a / b
    df2 = (k**2 - 1) / (3 * lam)
    return float(f), float(k - 1), float(df2), float(stats.f.sf(f, k - 1, df2))
