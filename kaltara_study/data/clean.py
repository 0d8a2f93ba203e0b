"""Pure cleaning steps with an explicit audit log; nothing is lost silently.

Every step takes a typed frame (as returned by :func:`kaltara_study.data.sources.load_source`, with
its ``_row`` column = the spreadsheet row) and returns a :class:`Step` with the cleaned frame, the
rows it rejected (with a ``reason``) and its audit entries (``rule, file, row_key, row, column,
old, new, reason``). :func:`clean_source` chains the steps for one raw source and checks **row
conservation**: rows read = rows kept + rows rejected at load + rows rejected while cleaning
(:class:`~kaltara_study.errors.DataError` otherwise).

Rules (documented decisions)
----------------------------
``duplicate_exact``     identical rows (all columns but ``_row``): the first is kept, the others rejected.
``duplicate_key``       same key, different values: the row with the latest ``survey_date`` (then the
                        most filled cells, then the first) is kept; the others are rejected.
``unit_fix_juta``       a money amount with 0 < |x| < 10 000 in a column whose typical values are in
                        the millions was given in *juta* (millions): multiplied by 1 000 000.
``implausible_value``  a value above its plausible bound (``PLAUSIBLE_MAX``: a phone number or NIK typed
                        into a number cell), NPWP/NIB/RAT counts above the village's cooperatives, or
                        members above the village population (:func:`check_members_population`) is set
                        to NA — never capped or guessed.
``impossible_value``    a value outside the column's ``range`` metadata (negative members, capital,
                        counts; a score above 100) is set to NA — never guessed.
``future_date``         a date after the row's survey date (or after ``today``) is set to NA.
``outlier_flag``        values with |robust z| > 3.5 on log(1+x) (median/MAD) are *flagged* in an
                        ``outlier_flags`` column; the value is kept.
``impute_documented``   only two imputations: ``has_legal_entity`` = True where the legal-entity number
                        is given; ``rat_held_12m`` = True/False where it is missing but the last RAT
                        date is known (within 365 days before the survey date or not).
``partner_unknown``     partner names that map to none of the partner keys are dropped from the list.
``personal_removed``    personal columns (chair name, NIK, phone) are dropped (or replaced by a salted
                        hash when ``salt`` is given) before anything leaves ``data/raw``.

>>> import pandas as pd
>>> f = pd.DataFrame({"coop_id": ["a", "a", "b"], "members": [3, 3, -2], "_row": [2, 3, 4]})
>>> out = clean_source(f, "survey", file="s.xlsx", n_read=3)
>>> len(out.frame), len(out.rejected), out.audit["rule"].tolist()
(2, 1, ['duplicate_exact', 'impossible_value'])
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kaltara_study import pii
from kaltara_study.errors import DataError
from kaltara_study.data.schema import KEYS, PARTNER_KEYS, PARTNER_RAW, PERSONAL_COLUMNS, RAW_SCHEMAS

__all__ = ["AUDIT_COLUMNS", "PLAUSIBLE_MAX", "Audit", "CleanResult", "Step", "blank_future_dates",
           "blank_implausible", "blank_impossible", "check_members_population",
           "clean_source", "drop_duplicates", "fix_money_units", "flag_outliers", "impute_documented",
           "normalise_partners", "remove_personal"]

ROW = "_row"
AUDIT_COLUMNS = ["rule", "file", "row_key", "row", "column", "old", "new", "reason"]
MONEY_JUTA_COLUMNS = ("own_capital_rp", "assets_rp", "liabilities_rp", "turnover_rp")


def _txt(v) -> str:
    if v is None or (not isinstance(v, (list, tuple, dict)) and pd.isna(v)):
        return "<NA>"
    if isinstance(v, (pd.Timestamp, np.datetime64)):
        return str(pd.Timestamp(v).date())
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


@dataclass
class Audit:
    """An explicit, append-only audit log of cleaning changes.

    >>> a = Audit(); a.add("impossible_value", file="s.xlsx", row_key="K1", row=5, column="members",
    ...                    old=-3, new=None, reason="members must be >= 0")
    >>> a.frame()[["rule", "old", "new"]].values.tolist()
    [['impossible_value', '-3', '<NA>']]
    """

    entries: list[dict] = field(default_factory=list)

    def add(self, rule: str, *, file: str | None, row_key: object, row: object, column: str | None,
            old: object, new: object, reason: str) -> None:
        self.entries.append({"rule": rule, "file": file, "row_key": _txt(row_key), "row": row,
                             "column": column, "old": _txt(old), "new": _txt(new), "reason": reason})

    def extend(self, frame: pd.DataFrame) -> None:
        self.entries.extend(frame[AUDIT_COLUMNS].to_dict("records"))

    def frame(self) -> pd.DataFrame:
        """The entries as a table, personal data masked (:func:`kaltara_study.pii.scrub_frame`)."""
        df = pd.DataFrame(self.entries, columns=AUDIT_COLUMNS)
        return pii.scrub_frame(df.astype({c: object for c in AUDIT_COLUMNS}))

    def __len__(self) -> int:
        return len(self.entries)


@dataclass(frozen=True)
class Step:
    """Result of one cleaning step: ``frame`` (kept rows), ``rejected`` (with ``reason``), ``audit``."""

    frame: pd.DataFrame
    rejected: pd.DataFrame
    audit: pd.DataFrame


@dataclass(frozen=True)
class CleanResult:
    """Result of :func:`clean_source`: kept rows, all rejected rows, the audit log and the counts."""

    frame: pd.DataFrame
    rejected: pd.DataFrame
    audit: pd.DataFrame
    n_read: int
    file: str

    def summary(self) -> dict:
        return {"file": self.file, "read": self.n_read, "kept": len(self.frame), "rejected": len(self.rejected),
                "audit_entries": len(self.audit)}


def _txt_codes(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, texts): the column's cells as :func:`_txt` text, computed once per distinct value."""
    codes, uniq = pd.factorize(col, use_na_sentinel=True)
    texts = np.array([_txt(u) for u in uniq] + ["<NA>"], dtype=object)
    return codes, texts


def _key_values(frame: pd.DataFrame, key: list[str]) -> pd.Series:
    """The row key as text ("KOP-1", "52976/2025"), vectorised (one :func:`_txt` per distinct value)."""
    cols = [k for k in key if k in frame.columns]
    if not cols:
        return pd.Series(frame.get(ROW, pd.Series(range(1, len(frame) + 1), index=frame.index)).astype(str)
                         .to_numpy(dtype=object), index=frame.index, dtype=object)
    out = None
    for c in cols:
        codes, texts = _txt_codes(frame[c])
        part = texts[codes]  # code -1 (NA) takes the last entry, "<NA>"
        out = part if out is None else out + "/" + part
    return pd.Series(out, index=frame.index, dtype=object)


def _rows(frame: pd.DataFrame) -> pd.Series:
    return frame[ROW] if ROW in frame.columns else pd.Series(np.arange(1, len(frame) + 1), index=frame.index)


def _empty_rejected(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.iloc[0:0].assign(reason=pd.Series(dtype=object))


def drop_duplicates(frame: pd.DataFrame, *, key: list[str], file: str | None = None,
                    prefer: str | None = "survey_date") -> Step:
    """Reject exact duplicate rows and resolve rows sharing a key (see module rules).

    >>> f = pd.DataFrame({"k": ["a", "a"], "x": [1, None], "_row": [2, 3]})
    >>> s = drop_duplicates(f, key=["k"])
    >>> s.frame["_row"].tolist(), s.rejected["reason"].str[:13].tolist()
    ([2], ['duplicate_key'])
    """
    audit = Audit()
    data_cols = [c for c in frame.columns if c != ROW]
    rows = _rows(frame)
    keys = _key_values(frame, key)
    # exact copies: equal cell texts in every column (1.0 == "1", as in the file), one code per cell
    if data_cols and len(frame):
        def text_codes(col):
            codes, texts = _txt_codes(col)
            same = pd.factorize(texts)[0]  # two raw values with one text (1.0, "1") are one value
            return same[codes]
        codes = np.column_stack([text_codes(frame[c]) for c in data_cols])
        groups = pd.DataFrame(codes).groupby(list(range(codes.shape[1])), sort=False, dropna=False).ngroup().to_numpy()
    else:
        groups = np.arange(len(frame))
    exact = pd.Series(pd.Series(groups).duplicated(keep="first").to_numpy(), index=frame.index)
    reasons = pd.Series("", index=frame.index, dtype=object)
    if exact.any():
        first_row = pd.Series(rows.to_numpy()).groupby(groups).transform("first").to_numpy()
        first_row = pd.Series(first_row, index=frame.index)
        for i in frame.index[exact.to_numpy()]:
            reasons[i] = f"duplicate_exact: identical to row {first_row[i]}"
            audit.add("duplicate_exact", file=file, row_key=keys[i], row=rows[i], column=None, old="row",
                      new="rejected", reason=reasons[i])
    rest = frame[~exact.to_numpy()]
    kcols = [k for k in key if k in frame.columns]
    if kcols:
        dupk = keys[rest.index].duplicated(keep=False)
        for k_val, grp in rest[dupk.to_numpy()].groupby(keys[rest.index][dupk.to_numpy()], sort=True):
            filled = grp.drop(columns=[ROW], errors="ignore").notna().sum(axis=1)
            order = pd.DataFrame({"filled": filled, "row": _rows(grp)}, index=grp.index)
            if prefer and prefer in grp.columns:
                order["pref"] = pd.to_datetime(grp[prefer], errors="coerce")
                order = order.sort_values(["pref", "filled", "row"], ascending=[False, False, True],
                                          na_position="last", kind="stable")
            else:
                order = order.sort_values(["filled", "row"], ascending=[False, True], kind="stable")
            keep_i = order.index[0]
            for i in order.index[1:]:
                why = (f"duplicate_key: {'/'.join(kcols)}={k_val} also in row {rows[keep_i]}, which is kept "
                       f"({'later ' + prefer + ', ' if prefer and prefer in grp.columns else ''}more complete)")
                reasons[i] = why
                audit.add("duplicate_key", file=file, row_key=k_val, row=rows[i], column=None, old="row",
                          new="rejected", reason=why)
    bad = reasons != ""
    rejected = frame[bad.to_numpy()].assign(reason=reasons[bad].to_numpy())
    return Step(frame[~bad.to_numpy()].copy(), rejected, audit.frame())


def fix_money_units(frame: pd.DataFrame, *, columns=MONEY_JUTA_COLUMNS, key: list[str] | None = None,
                    file: str | None = None, threshold: float = 10_000.0, factor: float = 1e6) -> Step:
    """Rescale money amounts given in *juta* (0 < |x| < ``threshold``) to rupiah (× ``factor``).

    Applied only to columns whose median is at least 100 × ``threshold`` (amounts in the millions),
    so a column legitimately in small units is never rescaled.

    >>> f = pd.DataFrame({"own_capital_rp": [150.0, 2e7, 3e7, 4e7], "_row": [2, 3, 4, 5]})
    >>> fix_money_units(f).frame["own_capital_rp"].tolist()[0]
    150000000.0
    """
    audit = Audit()
    out = frame.copy()
    keys = _key_values(frame, key or [])
    rows = _rows(frame)
    for col in columns:
        if col not in out.columns:
            continue
        x = pd.to_numeric(out[col], errors="coerce")
        if not (x.abs().median() >= 100 * threshold):
            continue
        m = (x.abs() > 0) & (x.abs() < threshold)
        for i in out.index[m.fillna(False).to_numpy()]:
            new = float(x[i]) * factor
            audit.add("unit_fix_juta", file=file, row_key=keys[i], row=rows[i], column=col, old=x[i], new=new,
                      reason=f"amount below Rp {threshold:,.0f} in a column of millions: read as juta (× {factor:,.0f})")
            out.at[i, col] = new
    return Step(out, _empty_rejected(frame), audit.frame())


def _ranges(kind: str) -> dict[str, tuple]:
    schema = RAW_SCHEMAS.get(kind)
    if schema is None:
        return {}
    return {n: c.metadata["range"] for n, c in schema.columns.items() if c.metadata and c.metadata.get("range")}


def blank_impossible(frame: pd.DataFrame, *, ranges: dict[str, tuple], key: list[str] | None = None,
                     file: str | None = None) -> Step:
    """Set values outside their ``(min, max)`` range to NA, with an audit entry each.

    >>> f = pd.DataFrame({"members": pd.array([-3, 10], dtype="Int64"), "_row": [2, 3]})
    >>> blank_impossible(f, ranges={"members": (0, None)}).frame["members"].tolist()
    [<NA>, 10]
    """
    audit = Audit()
    out = frame.copy()
    keys = _key_values(frame, key or [])
    rows = _rows(frame)
    for col, (lo, hi) in ranges.items():
        if col not in out.columns or not pd.api.types.is_numeric_dtype(out[col]):
            continue
        x = out[col].astype("Float64")
        bad = pd.Series(False, index=out.index)
        if lo is not None:
            bad |= (x < lo).fillna(False)
        if hi is not None:
            bad |= (x > hi).fillna(False)
        for i in out.index[bad.to_numpy()]:
            audit.add("impossible_value", file=file, row_key=keys[i], row=rows[i], column=col, old=out.at[i, col],
                      new=None, reason=f"{col} must lie in [{'' if lo is None else lo}, {'' if hi is None else hi}]")
        if bad.any():
            out.loc[bad.to_numpy(), col] = pd.NA if not pd.api.types.is_float_dtype(out[col]) else np.nan
    return Step(out, _empty_rejected(frame), audit.frame())


# Upper bounds no real value reaches (documented decisions; a value above is a typing error — most often a
# phone number or a NIK typed into a number cell, or a misplaced unit — and is set to missing, never capped):
# - a village cooperative's members: 50 000 (the most populous Kaltara kelurahan has about 30 000 people);
# - own capital, assets, liabilities: Rp 100 bn (33 × the PMK 49/2025 loan ceiling of Rp 3 bn); turnover
#   Rp 500 bn; SHU Rp 50 bn;
# - SIMKOPDES per village: cooperatives 20; NPWP/NIB/RAT counts 20 (and never more than the cooperatives,
#   see :func:`blank_implausible`); accounts, members, transactions 1 000 000; amounts Rp 1 000 bn;
# - Podes: population 1 000 000, households 500 000, facilities 100 000.
PLAUSIBLE_MAX: dict[str, float] = {
    "members": 50_000, "own_capital_rp": 1e11, "assets_rp": 1e11, "liabilities_rp": 1e11, "turnover_rp": 5e11,
    "shu_rp": 5e10,
    "cooperatives": 20, "npwp_count": 20, "nib_count": 20, "rat_count": 20, "accounts_count": 1e6,
    "transaction_volume": 1e6, "simpanan_pokok_members": 1e6, "simpanan_pokok_tx": 1e6,
    "simpanan_wajib_members": 1e6, "simpanan_wajib_tx": 1e6,
    "transaction_value": 1e12, "simpanan_pokok_amount": 1e12, "simpanan_wajib_amount": 1e12,
    "savings_total_amount": 1e12,
    "population": 1e6, "households": 5e5, "n_markets": 1e5, "n_shops": 1e5, "n_banks": 1e5,
    "n_micro_industries": 1e5, "n_bumdes_units": 1e5,
}
AT_MOST_COOPERATIVES = ("npwp_count", "nib_count", "rat_count")


def blank_implausible(frame: pd.DataFrame, *, bounds: dict[str, float] | None = None, key: list[str] | None = None,
                      file: str | None = None) -> Step:
    """Set values above their plausible bound (:data:`PLAUSIBLE_MAX`) to missing, with an audit line
    each (rule ``implausible_value``); in SIMKOPDES rows, NPWP/NIB/RAT counts above the row's number
    of cooperatives too. The value in the audit is masked when it is a phone number or NIK.

    >>> f = pd.DataFrame({"members": pd.array([85310542807, 120], dtype="Int64"), "_row": [2, 3]})
    >>> s = blank_implausible(f)
    >>> s.frame["members"].tolist(), s.audit["old"].tolist()
    ([<NA>, 120], ['[TELEPON]'])
    """
    bounds = PLAUSIBLE_MAX if bounds is None else bounds
    audit = Audit()
    out = frame.copy()
    rules: list[tuple[str, pd.Series, str]] = []
    for col, hi in bounds.items():
        if col not in out.columns or not pd.api.types.is_numeric_dtype(out[col]) \
                or pd.api.types.is_bool_dtype(out[col]):
            continue
        x = out[col].astype("Float64")
        rules.append((col, (x.abs() > hi).fillna(False).to_numpy(dtype=bool),
                      f"{col} above the plausible bound {hi:,.0f} (a phone number, NIK or unit slip?): set to missing"))
    if "cooperatives" in out.columns and pd.api.types.is_numeric_dtype(out["cooperatives"]):
        n = out["cooperatives"].astype("Float64")
        for col in AT_MOST_COOPERATIVES:
            if col in out.columns and pd.api.types.is_numeric_dtype(out[col]):
                rules.append((col, (out[col].astype("Float64") > n).fillna(False).to_numpy(dtype=bool),
                              f"{col} above the number of cooperatives of the village: set to missing"))
    if any(m.any() for _, m, _ in rules):
        keys = _key_values(frame, key or [])
        rows = _rows(frame)
        for col, m, why in rules:
            for i in out.index[m]:
                audit.add("implausible_value", file=file, row_key=keys[i], row=rows[i], column=col,
                          old=out.at[i, col], new=None, reason=why)
            if m.any():
                out.loc[m, col] = np.nan if pd.api.types.is_float_dtype(out[col]) else pd.NA
    return Step(out, _empty_rejected(frame), audit.frame())


def check_members_population(frame: pd.DataFrame, population: pd.Series, *, members: str = "members",
                             code: str = "kode_desa", key: list[str] | None = None,
                             file: str | None = None, source: str | None = None) -> Step:
    """Set ``members`` above the village's population to missing (rule ``implausible_value``).

    ``population`` is indexed by the village code (as in ``frame[code]``), e.g. the Podes population
    after the BPS → Kemendagri bridge. Villages without a population are left alone. ``source`` (the
    file the population comes from) is named in the audit reason with the village code.

    >>> f = pd.DataFrame({"kode_desa": ["65.01.01.2001", "65.01.01.2002"], "members": pd.array([900, 40], dtype="Int64"),
    ...                   "_row": [2, 3]})
    >>> pop = pd.Series([600, 800], index=["65.01.01.2001", "65.01.01.2002"])
    >>> check_members_population(f, pop).frame["members"].tolist()
    [<NA>, 40]
    """
    audit = Audit()
    out = frame.copy()
    if members not in out.columns or code not in out.columns:
        return Step(out, _empty_rejected(frame), audit.frame())
    pop = out[code].map(pd.to_numeric(population, errors="coerce"))
    m = (out[members].astype("Float64") > pop.astype("Float64")).fillna(False).to_numpy(dtype=bool)
    if m.any():
        keys = _key_values(frame, key or [])
        rows = _rows(frame)
        for i in out.index[m]:
            audit.add("implausible_value", file=file, row_key=keys[i], row=rows[i], column=members, old=out.at[i, members],
                      new=None, reason=f"{members} above the village population {_txt(pop[i])}"
                      + (f" ({source}, village {out.at[i, code]})" if source else "") + ": set to missing")
        out.loc[m, members] = pd.NA if not pd.api.types.is_float_dtype(out[members]) else np.nan
    return Step(out, _empty_rejected(frame), audit.frame())


def blank_future_dates(frame: pd.DataFrame, *, columns=("last_rat_date",), reference: str | None = "survey_date",
                       today: pd.Timestamp | None = None, key: list[str] | None = None,
                       file: str | None = None) -> Step:
    """Set dates after the row's ``reference`` date (or after ``today``) to NA.

    >>> f = pd.DataFrame({"last_rat_date": pd.to_datetime(["2027-01-01", "2025-01-01"]),
    ...                   "survey_date": pd.to_datetime(["2025-10-01"] * 2), "_row": [2, 3]})
    >>> blank_future_dates(f).frame["last_rat_date"].isna().tolist()
    [True, False]
    """
    audit = Audit()
    out = frame.copy()
    keys = _key_values(frame, key or [])
    rows = _rows(frame)
    ref = pd.to_datetime(out[reference]) if reference and reference in out.columns else \
        pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
    if today is not None:
        ref = ref.fillna(pd.Timestamp(today))
    for col in columns:
        if col not in out.columns:
            continue
        d = pd.to_datetime(out[col])
        bad = (d > ref).fillna(False)
        for i in out.index[bad.to_numpy()]:
            audit.add("future_date", file=file, row_key=keys[i], row=rows[i], column=col, old=d[i], new=None,
                      reason=f"{col} after the {'survey date' if reference in out.columns else 'reference date'} "
                             f"{_txt(ref[i])}")
        out.loc[bad.to_numpy(), col] = pd.NaT
    return Step(out, _empty_rejected(frame), audit.frame())


def flag_outliers(frame: pd.DataFrame, *, columns, key: list[str] | None = None, file: str | None = None,
                  z: float = 3.5) -> Step:
    """Flag (never change) values with |robust z| > ``z`` on a log scale; adds ``outlier_flags``.

    ``columns`` holds column names (v = log x over x > 0; zeros are legitimate and not scored) or
    ``(numerator, denominator)`` pairs (v = log of the ratio, e.g. turnover/assets, where an extra
    zero typed in one amount stands out). The robust z is 0.6745 (v − median) / MAD (Iglewicz &
    Hoaglin 1993).

    >>> f = pd.DataFrame({"turnover_rp": [1e6, 1.1e6, 0.9e6, 1.2e6, 1e9], "_row": range(2, 7)})
    >>> flag_outliers(f, columns=["turnover_rp"]).frame["outlier_flags"].tolist()[-1]
    'turnover_rp'
    """
    audit = Audit()
    out = frame.copy()
    keys = _key_values(frame, key or [])
    rows = _rows(frame)
    flags = pd.Series("", index=out.index, dtype=object)
    for spec in columns:
        if isinstance(spec, tuple):
            num, den = spec
            if num not in out.columns or den not in out.columns:
                continue
            a = pd.to_numeric(out[num], errors="coerce").astype(float)
            b = pd.to_numeric(out[den], errors="coerce").astype(float)
            v = np.log((a / b).where((a > 0) & (b > 0)))
            col, name = num, f"{num}/{den}"
        else:
            if spec not in out.columns:
                continue
            a = pd.to_numeric(out[spec], errors="coerce").astype(float)
            v = np.log(a.where(a > 0))
            col = name = spec
        med = v.median()
        mad = (v - med).abs().median()
        if not np.isfinite(mad) or mad == 0:
            continue
        rz = 0.6745 * (v - med) / mad
        hit = (rz.abs() > z).fillna(False)
        for i in out.index[hit.to_numpy()]:
            flags[i] = f"{flags[i]};{name}" if flags[i] else name
            audit.add("outlier_flag", file=file, row_key=keys[i], row=rows[i], column=col, old=out.at[i, col],
                      new=out.at[i, col], reason=f"robust z of log {name} = {rz[i]:.1f} (flagged, value kept)")
    out["outlier_flags"] = pd.array(flags.where(flags != "", None).to_numpy(), dtype="string")
    return Step(out, _empty_rejected(frame), audit.frame())


def impute_documented(frame: pd.DataFrame, *, key: list[str] | None = None, file: str | None = None) -> Step:
    """The only imputations (see module rules): legal entity from its number, RAT-in-12-months from its date.

    >>> f = pd.DataFrame({"has_legal_entity": pd.array([None], dtype="boolean"), "legal_number": ["AHU-1"],
    ...                   "_row": [2]})
    >>> impute_documented(f).frame["has_legal_entity"].tolist()
    [True]
    """
    audit = Audit()
    out = frame.copy()
    keys = _key_values(frame, key or [])
    rows = _rows(frame)
    if {"has_legal_entity", "legal_number"} <= set(out.columns):
        m = out["has_legal_entity"].isna() & out["legal_number"].notna()
        for i in out.index[m.to_numpy()]:
            audit.add("impute_documented", file=file, row_key=keys[i], row=rows[i], column="has_legal_entity",
                      old=None, new=True, reason="legal-entity number given")
        out.loc[m.to_numpy(), "has_legal_entity"] = True
    if {"rat_held_12m", "last_rat_date", "survey_date"} <= set(out.columns):
        d = pd.to_datetime(out["last_rat_date"])
        s = pd.to_datetime(out["survey_date"])
        m = out["rat_held_12m"].isna() & d.notna() & s.notna()
        within = ((s - d).dt.days <= 365)
        for i in out.index[m.to_numpy()]:
            audit.add("impute_documented", file=file, row_key=keys[i], row=rows[i], column="rat_held_12m",
                      old=None, new=bool(within[i]), reason="from the last RAT date and the survey date")
            out.at[i, "rat_held_12m"] = bool(within[i])
    return Step(out, _empty_rejected(frame), audit.frame())


_PARTNER_SPLIT = re.compile(r"\s*(?:[;,/|+&\n]|\bdan\b)\s*", re.IGNORECASE)
_PARTNER_NONE = {"-", "tidak ada", "belum ada", "tidak", "belum", "none", "n/a"}


def _partner_keys(raw: str, lookup: dict[str, str]) -> tuple[set[str], list[str]]:
    """All partner keys named in one answer, and the parts naming none.

    A multi-select answer is kept whole: every listed choice counts, whether the parts are
    separated by ";", ",", "/", "dan", or by spaces as Kobo writes select_multiple answers
    ("pertamina bulog bri"); multi-word names ("kimia farma", "bank mandiri") are matched as phrases.
    """
    got: set[str] = set()
    unknown = []
    for part in _PARTNER_SPLIT.split(str(raw)):
        p = " ".join(part.replace("_", " ").strip().lower().split())
        if not p or p in _PARTNER_NONE:
            continue
        if p in lookup:
            got.add(lookup[p])
            continue
        padded = f" {p} "
        hits = {v for k, v in lookup.items() if f" {k} " in padded}
        if not hits:
            hits = {v for k, v in lookup.items() if p.startswith(k)}
        if hits:
            got |= hits
        else:
            unknown.append(part.strip())
    return got, unknown


def normalise_partners(frame: pd.DataFrame, *, column: str = "partners_existing", key: list[str] | None = None,
                       file: str | None = None) -> Step:
    """Map free-text partner lists ("Pertamina; BULOG; BRI") to ';'-joined keys in ``PARTNER_KEYS`` order.

    Multi-select answers are kept whole (every choice, see :func:`_partner_keys`); parts naming no
    partner get a ``partner_unknown`` audit line (its text with personal data masked).

    >>> f = pd.DataFrame({"partners_existing": ["BRI; Pertamina", None, "pertamina bulog kimia_farma"],
    ...                   "_row": [2, 3, 4]})
    >>> normalise_partners(f).frame["partners_existing"].tolist()
    ['pertamina;bank', '', 'pertamina;bulog;pharmacy']
    """
    audit = Audit()
    out = frame.copy()
    if column not in out.columns:
        return Step(out, _empty_rejected(frame), audit.frame())
    lookup = {" ".join(k.lower().split()): v for k, v in PARTNER_RAW.items()}
    codes, uniq = pd.factorize(out[column].astype(object), use_na_sentinel=True)
    mapped, unknown = [], []
    for raw in uniq:
        got, unk = _partner_keys(raw, lookup)
        mapped.append(";".join(k for k in PARTNER_KEYS if k in got))
        unknown.append(unk)
    vals = np.array(mapped + [""], dtype=object)[codes]
    has_unknown = np.array([bool(u) for u in unknown] + [False])[codes]
    if has_unknown.any():
        keys = _key_values(frame, key or [])
        rows = _rows(frame)
        for pos in np.flatnonzero(has_unknown):
            i = out.index[pos]
            for part in unknown[codes[pos]]:
                audit.add("partner_unknown", file=file, row_key=keys[i], row=rows[i], column=column, old=part,
                          new=None, reason=f"not one of the partner keys {PARTNER_KEYS}")
    out[column] = pd.array(vals, dtype="string")
    return Step(out, _empty_rejected(frame), audit.frame())


def remove_personal(frame: pd.DataFrame, *, salt: str | None = None, file: str | None = None,
                    columns=PERSONAL_COLUMNS) -> Step:
    """Drop personal columns, or replace them by ``<col>_hash`` (sha256 of salt + value, 16 hex) with a salt.

    >>> f = pd.DataFrame({"chair_nik": ["SYN1"], "x": [1]})
    >>> list(remove_personal(f).frame.columns), list(remove_personal(f, salt="s").frame.columns)
    (['x'], ['x', 'chair_nik_hash'])
    """
    audit = Audit()
    out = frame.copy()
    for col in columns:
        if col not in out.columns:
            continue
        if salt:
            out[f"{col}_hash"] = out[col].map(
                lambda v: None if pd.isna(v) else hashlib.sha256((salt + str(v)).encode()).hexdigest()[:16])
        out = out.drop(columns=[col])
        audit.add("personal_removed", file=file, row_key="*", row=None, column=col, old="<personal data>",
                  new="salted hash" if salt else "column dropped", reason="personal data never leaves data/raw")
    return Step(out, _empty_rejected(frame), audit.frame())


def _strip_personal_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Rejected rows keep their raw text for the report, but never the personal columns."""
    return frame.drop(columns=[c for c in PERSONAL_COLUMNS if c in frame.columns])


_OUTLIER_COLUMNS = {
    "survey": ("members", ("turnover_rp", "assets_rp"), ("own_capital_rp", "members"),
               ("assets_rp", "members")),
    "podes": (("population", "households"), ("n_shops", "population")),
}


def clean_source(frame: pd.DataFrame, kind: str, *, file: str, n_read: int,
                 rejected_at_load: pd.DataFrame | None = None, salt: str | None = None,
                 today: pd.Timestamp | None = None) -> CleanResult:
    """Run every cleaning step that applies to source ``kind`` and check row conservation.

    Parameters
    ----------
    frame : DataFrame
        Typed rows kept by the loader (``LoadResult.frame``).
    kind : str
        Key of ``schema.RAW_SCHEMAS``.
    file : str
        File name (for the audit and the rejected rows).
    n_read : int
        Rows read from the file (``LoadResult.n_read``, or ``n_records`` for reshaped layouts).
    rejected_at_load : DataFrame, optional
        ``LoadResult.rejected``; included in the returned ``rejected``.
    salt : str, optional
        Keep salted hashes of personal columns instead of dropping them.
    today : Timestamp, optional
        Reference date for future dates when a row has no survey date.

    Raises
    ------
    DataError
        When kept + rejected ≠ read (a bug: nothing may be lost).
    """
    key = KEYS.get(kind, [])
    audit = Audit()
    rejected_parts = []
    if rejected_at_load is not None and len(rejected_at_load):
        rejected_parts.append(_strip_personal_text(rejected_at_load).assign(stage="load"))
    steps = [lambda f: drop_duplicates(f, key=key, file=file)]
    if kind == "survey":
        steps += [lambda f: fix_money_units(f, key=key, file=file),
                  lambda f: blank_impossible(f, ranges=_ranges(kind), key=key, file=file),
                  lambda f: blank_implausible(f, key=key, file=file),
                  lambda f: blank_future_dates(f, key=key, file=file, today=today),
                  lambda f: impute_documented(f, key=key, file=file),
                  lambda f: normalise_partners(f, key=key, file=file),
                  lambda f: flag_outliers(f, columns=_OUTLIER_COLUMNS["survey"], key=key, file=file),
                  lambda f: remove_personal(f, salt=salt, file=file)]
    elif kind in _OUTLIER_COLUMNS or _ranges(kind):
        steps += [lambda f: blank_impossible(f, ranges=_ranges(kind), key=key, file=file),
                  lambda f: blank_implausible(f, key=key, file=file)]
        if kind in _OUTLIER_COLUMNS:
            steps += [lambda f: flag_outliers(f, columns=_OUTLIER_COLUMNS[kind], key=key, file=file)]
    cur = frame
    for step in steps:
        res = step(cur)
        if len(res.audit):
            audit.extend(res.audit)
        if len(res.rejected):
            rejected_parts.append(_strip_personal_text(res.rejected).assign(stage="clean"))
        cur = res.frame
    if kind != "survey":  # personal columns may appear in any drop-in file
        res = remove_personal(cur, salt=salt, file=file)
        audit.extend(res.audit) if len(res.audit) else None
        cur = res.frame
    rejected = (pd.concat(rejected_parts, ignore_index=True) if rejected_parts
                else frame.iloc[0:0].assign(reason=pd.Series(dtype=object), stage=pd.Series(dtype=object)))
    rejected = _strip_personal_text(rejected)
    if n_read != len(cur) + len(rejected):
        raise DataError(f"{file}: row conservation broken while cleaning: read {n_read}, kept {len(cur)}, "
                        f"rejected {len(rejected)}", problems=[])
    return CleanResult(cur.reset_index(drop=True), rejected.reset_index(drop=True), audit.frame(), n_read, file)
