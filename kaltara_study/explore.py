"""Exploration tables (notebook 03) and the values maps draw — computed here, drawn by
:mod:`kaltara_study.report.figures.explore` and :mod:`kaltara_study.report.figures.maps`.

Methods level: frames in, frames out, codes not labels, nothing read or written. Columns that are
entirely missing (e.g. survey columns on the real data) are kept as NA rows, so a figure can name
them instead of drawing zeros.

>>> t = pd.DataFrame({"nama_kabkota": ["A", "A", "B"], "reg_nib": [1, 0, 2]})
>>> registry_readiness_table(t)[["nama_kabkota", "n", "reg_nib"]].to_dict("list")
{'nama_kabkota': ['A', 'B', 'Total'], 'n': [2, 1, 3], 'reg_nib': [0.5, 1.0, 0.6667]}
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["DEFAULT_NUMERIC", "LOG_COLUMNS", "REGISTRY_FIELDS", "TOTAL", "correlation_table", "counts_by_kabupaten",
           "distribution_table", "map_values", "missingness_table", "present_columns", "registry_readiness_table",
           "share_map_values"]

DEFAULT_NUMERIC = ("members", "own_capital_rp", "turnover_rp", "debt_ratio", "units_operating", "distance_kab_km",
                   "population", "shops_per_1000", "idm", "health_score")
REGISTRY_FIELDS = ("reg_npwp", "reg_nib", "reg_rat", "reg_tx_volume", "reg_savings_rp")
#: Money, counts and distances: shown on a log10 axis.
LOG_COLUMNS = frozenset({"members", "own_capital_rp", "assets_rp", "liabilities_rp", "turnover_rp", "population",
                         "households", "distance_kab_km", "reg_tx_value_rp", "reg_savings_rp"})
#: The row key of province totals.
TOTAL = "Total"
_LEVEL_KEY = {"desa": "kode_desa", "kabkota": "kode_kabkota"}


def counts_by_kabupaten(table: pd.DataFrame, *, villages: pd.DataFrame | None = None) -> pd.DataFrame:
    """Cooperatives per kabupaten/kota, and villages with / without their own cooperative.

    Columns ``nama_kabkota, n_coops`` (+ ``n_villages_with, n_villages_without`` with ``villages``,
    which needs ``nama_kabkota`` and ``has_own_coop``), sorted by name.
    """
    out = table.groupby("nama_kabkota", sort=True).size().rename("n_coops").to_frame()
    if villages is not None:
        v = villages.groupby("nama_kabkota", sort=True)["has_own_coop"]
        out["n_villages_with"] = v.sum().astype(int)
        out["n_villages_without"] = (v.size() - v.sum()).astype(int)
        out = out.fillna(0).astype(int)
    return out.reset_index()


def missingness_table(table: pd.DataFrame, *, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Share of missing values per column (0–1), sorted descending; ``column, missing_share, n_missing, n``.

    >>> missingness_table(pd.DataFrame({"a": [1, None], "b": [1, 2]}))["missing_share"].tolist()
    [0.5, 0.0]
    """
    cols = list(columns) if columns is not None else list(table.columns)
    miss = table[cols].isna()
    out = pd.DataFrame({"column": cols, "missing_share": miss.mean().to_numpy().round(4),
                        "n_missing": miss.sum().to_numpy().astype(int), "n": len(table)})
    return out.sort_values(["missing_share", "column"], ascending=[False, True], kind="stable").reset_index(drop=True)


def present_columns(table: pd.DataFrame, columns: Sequence[str]) -> tuple[list[str], list[str]]:
    """``(have, skipped)``: the columns with at least one value, and the absent or all-missing ones."""
    have = [c for c in columns if c in table.columns and table[c].notna().any()]
    return have, [c for c in columns if c not in have]


def registry_readiness_table(table: pd.DataFrame) -> pd.DataFrame:
    """Share of cooperatives (per kabupaten/kota and overall) with each registry field > 0.

    NA registry values (a village with several cooperatives whose totals cannot be split) are left
    out of the share's denominator. Columns: ``nama_kabkota, n, <field>...`` and ``n_<field>`` (the
    denominator of each share); the last row is ``Total``.
    """
    fields = [f for f in REGISTRY_FIELDS if f in table.columns]
    pos = table[fields].apply(lambda s: (pd.to_numeric(s, errors="coerce") > 0).where(s.notna())).astype("Float64")
    g = pos.groupby(table["nama_kabkota"], sort=True).mean()
    g.insert(0, "n", table.groupby("nama_kabkota", sort=True).size())
    total = pos.mean().to_frame().T
    total.insert(0, "n", len(table))
    total.index = [TOTAL]
    out = pd.concat([g, total]).rename_axis("nama_kabkota").reset_index()
    out = out.astype({f: float for f in fields}).round(4)
    base = pos.notna().groupby(table["nama_kabkota"], sort=True).sum()
    base.loc[TOTAL] = pos.notna().sum()
    for f in fields:
        out[f"n_{f}"] = base[f].reindex(out["nama_kabkota"]).to_numpy().astype(int)
    return out


def distribution_table(table: pd.DataFrame, *, columns: Sequence[str] = DEFAULT_NUMERIC,
                       by: str | None = None) -> pd.DataFrame:
    """Long values for histograms: ``variable, group, value, log10``.

    Money, counts and distances (:data:`LOG_COLUMNS`) are log10-transformed (non-positive values
    dropped) and flagged ``log10=True``. A variable without any value keeps one row with NA value,
    so the figure can name it. ``group`` is the ``by`` column (or NA).
    """
    parts = []
    for col in columns:
        if col not in table.columns or not table[col].notna().any():
            parts.append(pd.DataFrame({"variable": [col], "group": [pd.NA], "value": [np.nan], "log10": [False]}))
            continue
        x = pd.to_numeric(table[col], errors="coerce").astype(float)
        logx = col in LOG_COLUMNS and bool((x > 0).any())
        vals = np.log10(x.where(x > 0)) if logx else x
        grp = table[by].astype(object) if by else pd.Series(pd.NA, index=table.index, dtype=object)
        d = pd.DataFrame({"variable": col, "group": grp, "value": vals, "log10": logx}).dropna(subset=["value"])
        parts.append(d)
    return pd.concat(parts, ignore_index=True)


def correlation_table(table: pd.DataFrame, *, columns: Sequence[str] = DEFAULT_NUMERIC,
                      method: str = "spearman") -> pd.DataFrame:
    """Correlation matrix (pairwise complete) over ``columns``; absent, all-missing or constant
    columns are all-NA rows/columns (named, not dropped)."""
    have, _ = present_columns(table, columns)
    have = [c for c in have if pd.to_numeric(table[c], errors="coerce").nunique() > 1]
    num = table[have].apply(lambda s: pd.to_numeric(s, errors="coerce").astype(float))
    corr = num.corr(method=method) if have else pd.DataFrame(dtype=float)
    return corr.reindex(index=list(columns), columns=list(columns))


def map_values(table: pd.DataFrame, column: str, *, level: str = "desa", how: str = "auto") -> pd.DataFrame:
    """Values to map, keyed by region code: ``kode, value, name, kode_kabkota, nama_kabkota, n``.

    ``level="desa"``: one value per village (a village with two cooperatives takes the first by
    ``coop_id``; a choropleth cannot show both). ``level="kabkota"``: aggregated with ``how``:
    ``"mean"`` (numbers) or ``"mode"`` (most frequent category, ties by sort order); ``"auto"`` =
    mean for numbers, mode otherwise. ``n`` = cooperatives behind each value. Shares of a verdict
    per kabupaten come from the readiness stage (:func:`share_map_values`), not from here.
    """
    if level not in _LEVEL_KEY:
        raise ValueError(f"level must be 'desa' or 'kabkota', got {level!r}")
    key = _LEVEL_KEY[level]
    name = "nama_desa" if level == "desa" else "nama_kabkota"
    extra = [c for c in (name, "kode_kabkota", "nama_kabkota") if c in table.columns and c not in (column, key)]
    d = table[["coop_id", key, column, *dict.fromkeys(extra)]].sort_values("coop_id", kind="stable")
    if level == "desa":
        n = d.groupby(key).size()
        out = d.drop_duplicates(key).rename(columns={key: "kode", column: "value", name: "name"})
        out["n"] = out["kode"].map(n).to_numpy()
        return out.drop(columns="coop_id").sort_values("kode").reset_index(drop=True)
    numeric = pd.api.types.is_numeric_dtype(d[column]) and not pd.api.types.is_bool_dtype(d[column])
    if how == "auto":
        how = "mean" if numeric else "mode"
    g = d.groupby(key, sort=True)
    if how == "mean":
        val = g[column].mean()
    elif how == "mode":
        val = g[column].agg(lambda s: sorted(s.dropna().astype(str).value_counts().pipe(
            lambda vc: vc[vc == vc.max()]).index)[0] if s.notna().any() else pd.NA)
    else:
        raise ValueError(f"how must be 'auto', 'mean' or 'mode', got {how!r}")
    out = val.rename("value").reset_index().rename(columns={key: "kode"})
    out["kode_kabkota"] = out["kode"]
    if "nama_kabkota" in d.columns:
        out["name"] = g["nama_kabkota"].first().to_numpy()
        out["nama_kabkota"] = out["name"]
    out["n"] = g.size().to_numpy()
    return out


def share_map_values(by_group: pd.DataFrame, *, partner: str, verdicts: Sequence[str] = ("ready",),
                     by: str = "kode_kabkota", names: pd.DataFrame | None = None) -> pd.DataFrame:
    """Map values (``kode, value, n``) from the readiness stage's own table of verdict shares per
    group (``readiness_by_group(..., by="kode_kabkota")``: ``<by>, partner, verdict, n, share``):
    the share of ``partner``'s cooperatives whose verdict is in ``verdicts``. No recomputation from
    the cooperatives — one share, computed once. ``names`` (``kode_kabkota, nama_kabkota``) adds
    the names.
    """
    sub = by_group[by_group["partner"] == partner]
    if sub.empty:
        raise ValueError(f"no rows for partner {partner!r} in the readiness table")
    g = sub.groupby(by, sort=True)
    out = pd.DataFrame({"value": g.apply(lambda t: float(t.loc[t["verdict"].isin(list(verdicts)), "share"].sum()),
                                         include_groups=False),
                        "n": g["n"].sum()}).reset_index().rename(columns={by: "kode"})
    out["kode_kabkota"] = out["kode"]
    if names is not None:
        nm = names.drop_duplicates("kode_kabkota").set_index("kode_kabkota")["nama_kabkota"]
        out["name"] = out["kode"].map(nm)
        out["nama_kabkota"] = out["name"]
    return out
