"""Region codes and names: Kemendagri codes, BPS↔Kemendagri bridge, name harmonisation.

The study's join key is the Kemendagri village code ``65.KK.CC.TNNN`` (T = 1 kelurahan, 2 desa).
Exports spell regions every way ("KAB. BULUNGAN", "Kabupaten Bulungan", "Bulungan", "Kota
Tarakan", "TARAKAN", "Sei Menggaris" vs "Sungai Menggaris", typos); :func:`match_names` maps them
to codes with :mod:`rapidfuzz` and says how sure it is. Nothing is joined silently: every input
gets a row in the match table with a ``status``:

- ``exact``: equal after normalisation (case, accents, punctuation, prefixes such as "Kab.",
  "Kabupaten", "Kota", "Kecamatan", "Desa", "Kelurahan", and the abbreviations Sei/Sg → Sungai,
  Tj → Tanjung, Kp → Kampung);
- ``fuzzy``: one best candidate with score ≥ ``threshold`` (a typo);
- ``low_confidence``: best score in [``low``, ``threshold``) or several candidates tie — the
  candidate is shown in ``candidate`` but ``code`` stays NA;
- ``unmatched``: nothing close enough.

BPS codes differ from Kemendagri codes at kabupaten level in Kaltara (BPS 6501 = Malinau = 65.02;
6502 = Bulungan = 65.01; 6503 = Tana Tidung = 65.04; 6504 = Nunukan = 65.03; 6571 = Tarakan =
65.71): :func:`bps_to_kemendagri` and :func:`kemendagri_to_bps` use a bridge table and report
codes the bridge lacks (:func:`bridge_gaps`).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from kaltara_study.data.parse import parse_code

__all__ = [
    "LEVELS",
    "MATCH_COLUMNS",
    "bps_to_kemendagri",
    "bps_villages_to_kemendagri",
    "bridge_gaps",
    "unknown_codes",
    "missing_from_list",
    "kemendagri_to_bps",
    "match_names",
    "match_report",
    "match_villages",
    "normalise_kabupaten_name",
    "normalise_region_name",
]

LEVELS = ("kabkota", "kecamatan", "desa")
MATCH_COLUMNS = ["input", "within", "code", "matched_name", "score", "status", "candidate", "note"]
STATUSES = ("exact", "fuzzy", "low_confidence", "unmatched", "missing")

_PREFIXES = {
    "kabkota": r"(?:pemerintah\s+)?(?:kabupaten|kab|kotamadya|kodya|kota|pemkab|pemkot)",
    "kecamatan": r"(?:kecamatan|kec|distrik)",
    "desa": r"(?:desa|kelurahan|kel|ds|kampung\s+desa)",
}
_ABBREV = [(r"\b(?:sei|sg|sng)\b", "sungai"), (r"\btj\b", "tanjung"), (r"\bkp\b", "kampung"),
           (r"\bsp\b", "simpang")]
_LEVEL_CODE = {"kabkota": "kab", "kecamatan": "kec", "desa": "desa"}


def _to_series(values) -> pd.Series:
    return values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)


def normalise_region_name(names: pd.Series | list[str], *, level: str = "desa") -> pd.Series:
    """Normalise region names for matching (lower case ASCII, prefixes and punctuation removed).

    Parameters
    ----------
    names : Series or list of str
    level : {"kabkota", "kecamatan", "desa"}
        Which administrative prefixes to strip.

    Examples
    --------
    >>> normalise_region_name(["KAB. BULUNGAN", "Kota Tarakan", "Kabupaten  Tana-Tidung"],
    ...                       level="kabkota").tolist()
    ['bulungan', 'tarakan', 'tana tidung']
    >>> normalise_region_name(["Kec. Sei Menggaris"], level="kecamatan").tolist()
    ['sungai menggaris']
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    s = _to_series(names)
    na = s.isna()
    txt = s.astype(object).where(na, s.astype(object).map(
        lambda v: unicodedata.normalize("NFKD", str(v)).encode("ascii", "ignore").decode("ascii")))
    t = pd.Series(txt, index=s.index, dtype=object).where(~na)
    t = t.str.lower().str.replace(r"[^0-9a-z]+", " ", regex=True).str.strip()
    t = t.str.replace(rf"^{_PREFIXES[level]}\s+", "", regex=True)
    for rx, rep in _ABBREV:
        t = t.str.replace(rx, rep, regex=True)
    t = t.str.replace(r"\s+", " ", regex=True).str.strip()
    return t.where(~na & (t != ""))


def normalise_kabupaten_name(names: pd.Series | list[str]) -> pd.Series:
    """Kabupaten/kota names without "Kab."/"Kabupaten"/"Kota" prefixes, lower case.

    >>> normalise_kabupaten_name(["KAB. BULUNGAN", "Kabupaten Bulungan", "Bulungan", "TARAKAN"]).tolist()
    ['bulungan', 'bulungan', 'bulungan', 'tarakan']
    """
    return normalise_region_name(names, level="kabkota")


def _reference(reference: pd.DataFrame, level: str, within_col: str | None) -> pd.DataFrame:
    code_col = "kode" if "kode" in reference.columns else f"kode_{level}"
    name_col = "nama" if "nama" in reference.columns else f"nama_{level}"
    for c in (code_col, name_col):
        if c not in reference.columns:
            raise KeyError(f"reference table needs columns 'kode' and 'nama' (found {list(reference.columns)})")
    ref = pd.DataFrame({
        "code": reference[code_col].astype(str).to_numpy(),
        "name": reference[name_col].astype(str).to_numpy(),
        "key": normalise_region_name(reference[name_col], level=level).to_numpy(),
    })
    if within_col is not None:
        if within_col not in reference.columns:
            raise KeyError(f"within= needs the parent code column {within_col!r} in the reference table")
        ref["parent"] = reference[within_col].astype(str).to_numpy()
    return ref


def match_names(names: pd.Series | list[str], reference: pd.DataFrame, *, level: str,
                within: pd.Series | list[str] | None = None, within_col: str | None = None,
                threshold: float = 90.0, low: float = 70.0) -> pd.DataFrame:
    """Match region names to Kemendagri codes; one output row per input, in input order.

    Parameters
    ----------
    names : Series or list of str
        Names as spelt in the export.
    reference : DataFrame
        Kemendagri list with ``kode`` and ``nama`` (as in ``kaltara_wilayah_2025_*.csv``).
    level : {"kabkota", "kecamatan", "desa"}
    within : Series or list, optional
        Parent code per input (e.g. the kecamatan code of each village) restricting candidates;
        needs ``within_col``, the parent code column of ``reference`` (default ``kode_kabkota``
        for kecamatan, ``kode_kecamatan`` for desa). An NA parent means no candidate.
    threshold, low : float
        Score (0–100, rapidfuzz ``token_sort_ratio`` on normalised names) for a fuzzy match and the
        floor below which a name is unmatched.

    Returns
    -------
    DataFrame
        ``input, within, code, matched_name, score, status, candidate, note``; ``code`` is set only
        for ``exact``/``fuzzy``.

    Examples
    --------
    >>> ref = pd.DataFrame({"kode": ["65.01", "65.71"], "nama": ["Kabupaten Bulungan", "Kota Tarakan"]})
    >>> m = match_names(["KAB. BULUNGAN", "Bulungn", "TARAKAN", "Jakarta"], ref, level="kabkota")
    >>> m[["code", "status"]].values.tolist()
    [['65.01', 'exact'], ['65.01', 'fuzzy'], ['65.71', 'exact'], [<NA>, 'unmatched']]
    """
    s = _to_series(names)
    if within is not None and within_col is None:
        within_col = {"kecamatan": "kode_kabkota", "desa": "kode_kecamatan"}.get(level)
    ref = _reference(reference, level, within_col if within is not None else None)
    keys = normalise_region_name(s, level=level)
    n = len(s)
    out = pd.DataFrame({
        "input": s.astype(object).to_numpy(),
        "within": (_to_series(within).astype(object).to_numpy() if within is not None else [None] * n),
        "code": pd.array([pd.NA] * n, dtype="string"),
        "matched_name": pd.array([pd.NA] * n, dtype="string"),
        "score": np.zeros(n),
        "status": "unmatched",
        "candidate": pd.array([pd.NA] * n, dtype="string"),
        "note": "",
    }, index=s.index)
    if n == 0:
        return out.reset_index(drop=True)
    missing = keys.isna().to_numpy()
    if within is not None:
        par_s = _to_series(within).astype(object)
        parents = par_s.where(par_s.notna(), None).map(lambda v: None if v is None or pd.isna(v) else str(v))
        parents = parents.to_numpy(dtype=object)
    else:
        parents = np.full(n, "", dtype=object)
    best_score, n_best, n_exact, best_pos, no_candidate = _best_matches(
        keys.fillna("").to_numpy(dtype=object), parents, ref, use_parent=within is not None)
    best_score = np.where(missing, -1.0, best_score)

    status = np.full(n, "unmatched", dtype=object)
    status[(best_score >= low)] = "low_confidence"
    status[(best_score >= threshold) & (n_best == 1)] = "fuzzy"
    status[(n_exact == 1)] = "exact"
    status[(n_exact > 1)] = "low_confidence"
    status[missing] = "missing"
    note = np.full(n, "", dtype=object)
    note[(n_best > 1) & (best_score >= low) & ~missing] = "several reference names score equally; give the parent region"
    note[missing] = "no name given"
    if within is not None:
        note[no_candidate & ~missing] = "no reference unit inside the given parent code"

    cand = ref["code"].to_numpy()[best_pos]
    cand_name = ref["name"].to_numpy()[best_pos]
    has_cand = (best_score >= low) & ~missing
    accepted = np.isin(status, ["exact", "fuzzy"])
    out["score"] = np.where(missing, np.nan, np.clip(best_score, 0, 100)).round(1)
    out["status"] = status
    out["note"] = note
    out["candidate"] = pd.array(np.where(has_cand, cand, None), dtype="string")
    out["matched_name"] = pd.array(np.where(has_cand, cand_name, None), dtype="string")
    out["code"] = pd.array(np.where(accepted, cand, None), dtype="string")
    return out.reset_index(drop=True)


def _best_matches(queries: np.ndarray, parents: np.ndarray, ref: pd.DataFrame, *, use_parent: bool):
    """Best reference row per query, scoring each distinct (name, parent) pair once against the
    reference units of that parent only (so national-scale inputs stay small)."""
    n = len(queries)
    best_score = np.full(n, -1.0)
    n_best = np.zeros(n, dtype=int)
    n_exact = np.zeros(n, dtype=int)
    best_pos = np.zeros(n, dtype=int)
    no_candidate = np.zeros(n, dtype=bool)
    pairs = pd.DataFrame({"q": queries, "p": parents})
    ref_keys = ref["key"].to_numpy(dtype=object)
    ref_ok = ref["key"].notna().to_numpy()
    ref_parent = ref["parent"].astype(str).to_numpy() if use_parent else np.full(len(ref), "", dtype=object)
    # fast path: a name equal to exactly one reference name inside its parent needs no fuzzy scoring
    refs = pd.DataFrame({"q": ref_keys, "p": ref_parent, "pos": np.arange(len(ref))})[ref_ok]
    hits = pairs.reset_index().merge(refs, on=["q", "p"], how="inner")
    n_hit = hits.groupby("index")["pos"].agg(["size", "first"])
    single = n_hit[n_hit["size"] == 1]
    rows1 = single.index.to_numpy()
    best_score[rows1], n_best[rows1], n_exact[rows1] = 100.0, 1, 1
    best_pos[rows1] = single["first"].to_numpy()
    pairs = pairs.drop(index=rows1)
    for parent, grp in pairs.groupby("p", sort=True, dropna=False):
        rows = grp.index.to_numpy()
        if parent is None or (isinstance(parent, float) and np.isnan(parent)):
            no_candidate[rows] = True
            continue
        cand = np.flatnonzero(ref_ok & (ref_parent == parent))
        if cand.size == 0:
            no_candidate[rows] = True
            continue
        uq, inv = np.unique(grp["q"].to_numpy(dtype=str), return_inverse=True)
        scores = np.asarray(process.cdist(list(uq), list(ref_keys[cand]), scorer=fuzz.token_sort_ratio,
                                          dtype=np.float32, workers=1), dtype=float)
        exact = uq[:, None] == ref_keys[cand].astype(str)[None, :]
        scores = np.where(exact, 100.0, scores)
        b = scores.argmax(axis=1)
        bs = scores[np.arange(len(uq)), b]
        best_score[rows] = bs[inv]
        n_best[rows] = (scores >= bs[:, None] - 1e-9).sum(axis=1)[inv]
        n_exact[rows] = exact.sum(axis=1)[inv]
        best_pos[rows] = cand[b][inv]
    return best_score, n_best, n_exact, best_pos, no_candidate


def match_report(matches: pd.DataFrame, *, by: str = "status") -> pd.DataFrame:
    """Count matches by status (all statuses listed, zeros included) and list the problems.

    >>> m = pd.DataFrame({"status": ["exact", "exact", "fuzzy"]})
    >>> match_report(m).set_index("status")["n"].to_dict()["exact"]
    2
    """
    counts = matches[by].value_counts().reindex(list(STATUSES), fill_value=0)
    return counts.rename_axis(by).reset_index(name="n")


def match_villages(frame: pd.DataFrame, *, desa: pd.DataFrame, kecamatan: pd.DataFrame,
                   kabkota: pd.DataFrame, kab_col: str, kec_col: str, desa_col: str,
                   threshold: float = 90.0, low: float = 70.0) -> pd.DataFrame:
    """Match each row's kabupaten → kecamatan (within its kabupaten) → village (within its kecamatan).

    Parameters
    ----------
    frame : DataFrame
        Rows with the three name columns (unchanged).
    desa, kecamatan, kabkota : DataFrame
        Kemendagri lists (``kaltara_wilayah_2025_{desa_kelurahan,kecamatan,kabkota}.csv`` layout).
    kab_col, kec_col, desa_col : str
        Name columns in ``frame``.

    Returns
    -------
    DataFrame
        One row per input row (same order, a copy): ``kode_kabkota, kode_kecamatan, kode_desa``
        (NA unless accepted), each level's ``status_*`` and ``score_*``, and ``match_status``: the
        worst of the three levels (``exact`` only when all three are exact).

    Examples
    --------
    >>> kab = pd.DataFrame({"kode": ["65.01"], "nama": ["Kabupaten Bulungan"]})
    >>> kec = pd.DataFrame({"kode": ["65.01.10"], "kode_kabkota": ["65.01"], "nama": ["Bunyu"]})
    >>> des = pd.DataFrame({"kode": ["65.01.10.2001"], "kode_kecamatan": ["65.01.10"], "nama": ["Bunyu Barat"]})
    >>> f = pd.DataFrame({"kab": ["KAB. BULUNGAN"], "kec": ["BUNYU"], "desa": ["Bunyu Barat"]})
    >>> match_villages(f, desa=des, kecamatan=kec, kabkota=kab, kab_col="kab", kec_col="kec",
    ...                desa_col="desa")[["kode_desa", "match_status"]].values.tolist()
    [['65.01.10.2001', 'exact']]
    """
    kab = match_names(frame[kab_col], kabkota, level="kabkota", threshold=threshold, low=low)
    kec = match_names(frame[kec_col], kecamatan, level="kecamatan", within=kab["code"],
                      within_col="kode_kabkota", threshold=threshold, low=low)
    des = match_names(frame[desa_col], desa, level="desa", within=kec["code"],
                      within_col="kode_kecamatan", threshold=threshold, low=low)
    rank = {s: i for i, s in enumerate(STATUSES)}
    worst = np.maximum.reduce([kab["status"].map(rank).to_numpy(), kec["status"].map(rank).to_numpy(),
                               des["status"].map(rank).to_numpy()])
    out = pd.DataFrame({
        "kode_kabkota": kab["code"].to_numpy(), "kode_kecamatan": kec["code"].to_numpy(),
        "kode_desa": des["code"].to_numpy(),
        "status_kabkota": kab["status"].to_numpy(), "status_kecamatan": kec["status"].to_numpy(),
        "status_desa": des["status"].to_numpy(),
        "score_kabkota": kab["score"].to_numpy(), "score_kecamatan": kec["score"].to_numpy(),
        "score_desa": des["score"].to_numpy(),
        "candidate_desa": des["candidate"].to_numpy(), "matched_name_desa": des["matched_name"].to_numpy(),
        "match_status": np.asarray(STATUSES, dtype=object)[worst],
    }, index=frame.index)
    for c in ("kode_kabkota", "kode_kecamatan", "kode_desa", "candidate_desa", "matched_name_desa"):
        out[c] = out[c].astype("string")
    return out


# ----------------------------------------------------------------------------- BPS bridge
def _bridge(bridge: pd.DataFrame) -> pd.DataFrame:
    for c in ("kode_bps", "kode_dagri"):
        if c not in bridge.columns:
            raise KeyError(f"bridge table needs columns 'kode_bps' and 'kode_dagri' (found {list(bridge.columns)})")
    bps = bridge["kode_bps"].astype(str).str.replace(r"\D", "", regex=True)
    dagri = bridge["kode_dagri"].astype(str).str.replace(r"\D", "", regex=True)
    return pd.DataFrame({"bps": bps.to_numpy(), "dagri": dagri.to_numpy()})


def _dot(digits: pd.Series) -> pd.Series:
    level = digits.str.len().map({2: "prov", 4: "kab", 6: "kec", 10: "desa"})
    out = pd.Series(pd.NA, index=digits.index, dtype="string")
    for lv in ("prov", "kab", "kec", "desa"):
        m = (level == lv).fillna(False).astype(bool)
        if m.any():
            out[m] = parse_code(digits[m], column="kode", level=lv).values
    return out


def bps_to_kemendagri(codes: pd.Series | list, bridge: pd.DataFrame) -> pd.DataFrame:
    """Translate BPS kabupaten (4-digit) or kecamatan (7-digit) codes to dotted Kemendagri codes.

    Returns one row per input: ``bps, kemendagri, status`` with status ``"mapped"`` or
    ``"not_in_bridge"`` (the Kemendagri code is then NA — never guessed from the digits, because
    the kabupaten digits differ between BPS and Kemendagri in Kaltara).

    >>> br = pd.DataFrame({"kode_bps": [6501, 6502], "kode_dagri": [6502, 6501]})
    >>> bps_to_kemendagri(["6501", "6502", "6599"], br)[["kemendagri", "status"]].values.tolist()
    [['65.02', 'mapped'], ['65.01', 'mapped'], [<NA>, 'not_in_bridge']]
    """
    s = _to_series(codes)
    br = _bridge(bridge).drop_duplicates("bps").set_index("bps")["dagri"]
    digits = s.astype(object).map(lambda v: None if pd.isna(v) else re.sub(r"\.0$", "", str(v).strip()))
    digits = digits.str.replace(r"\D", "", regex=True)
    dagri = digits.map(br)
    out = pd.DataFrame({"bps": s.astype(object).to_numpy(),
                        "kemendagri": _dot(dagri.astype(object).where(dagri.notna())).to_numpy(),
                        "status": np.where(dagri.notna(), "mapped", "not_in_bridge")})
    out["kemendagri"] = out["kemendagri"].astype("string")
    return out


def kemendagri_to_bps(codes: pd.Series | list, bridge: pd.DataFrame) -> pd.DataFrame:
    """Translate Kemendagri codes (dotted or not) to BPS codes; unknown ones get ``not_in_bridge``.

    >>> br = pd.DataFrame({"kode_bps": [6501], "kode_dagri": [6502]})
    >>> kemendagri_to_bps(["65.02"], br)[["bps", "status"]].values.tolist()
    [['6501', 'mapped']]
    """
    s = _to_series(codes)
    br = _bridge(bridge).drop_duplicates("dagri").set_index("dagri")["bps"]
    digits = s.astype(object).map(lambda v: None if pd.isna(v) else str(v)).str.replace(r"\D", "", regex=True)
    bps = digits.map(br)
    out = pd.DataFrame({"kemendagri": s.astype(object).to_numpy(),
                        "bps": pd.array(bps.astype(object).where(bps.notna()).to_numpy(), dtype="string"),
                        "status": np.where(bps.notna(), "mapped", "not_in_bridge")})
    return out


def bridge_gaps(bridge: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Kemendagri units of ``reference`` (``kode``, ``nama``) that the bridge does not cover.

    >>> br = pd.DataFrame({"kode_bps": ["6504040"], "kode_dagri": ["650304"]})
    >>> ref = pd.DataFrame({"kode": ["65.03.04", "65.03.20"], "nama": ["Lumbis", "Lumbis Pansiangan"]})
    >>> bridge_gaps(br, ref)["nama"].tolist()
    ['Lumbis Pansiangan']
    """
    have = set(_bridge(bridge)["dagri"])
    digits = reference["kode"].astype(str).str.replace(r"\D", "", regex=True)
    return reference.loc[~digits.isin(have).to_numpy(), ["kode", "nama"]].reset_index(drop=True)


def bps_villages_to_kemendagri(codes: pd.Series | list, names: pd.Series | list, *, bridge_kecamatan: pd.DataFrame,
                               bridge_kabkota: pd.DataFrame, desa: pd.DataFrame, threshold: float = 90.0,
                               low: float = 70.0) -> pd.DataFrame:
    """Bridge BPS village codes (Podes, 10 digits) to Kemendagri village codes.

    BPS and Kemendagri number villages differently inside a kecamatan, so the last digits cannot be
    translated: the BPS kecamatan (first 7 digits) is bridged with ``bridge_kecamatan`` and the
    village is then matched by ``names`` inside that Kemendagri kecamatan. When the kecamatan is
    not in the bridge (the public bridge lacks Lumbis Pansiangan and Lumbis Hulu), the kabupaten
    (first 4 digits, ``bridge_kabkota``) is bridged instead and the name is matched inside the
    whole kabupaten; the ``note`` says so.

    Parameters
    ----------
    codes, names : Series or list
        BPS village codes and village names, row-aligned.
    bridge_kecamatan, bridge_kabkota : DataFrame
        ``kode_bps, kode_dagri`` tables (dotted or undotted Kemendagri codes).
    desa : DataFrame
        Kemendagri village list with ``kode, nama, kode_kecamatan, kode_kabkota``.

    Returns
    -------
    DataFrame
        One row per input: ``bps, name, kode_kecamatan, kode_desa, score, status, candidate, note``;
        ``kode_desa`` only for ``exact``/``fuzzy`` matches.

    Examples
    --------
    >>> bk = pd.DataFrame({"kode_bps": ["6501010"], "kode_dagri": ["650209"]})
    >>> bb = pd.DataFrame({"kode_bps": ["6501"], "kode_dagri": ["6502"]})
    >>> ds = pd.DataFrame({"kode": ["65.02.09.2001"], "nama": ["Long Contoh"], "kode_kecamatan": ["65.02.09"],
    ...                    "kode_kabkota": ["65.02"]})
    >>> bps_villages_to_kemendagri(["6501010001"], ["LONG CONTOH"], bridge_kecamatan=bk, bridge_kabkota=bb,
    ...                            desa=ds)[["kode_desa", "status"]].values.tolist()
    [['65.02.09.2001', 'exact']]
    """
    c = _to_series(codes).astype(object).map(lambda v: None if pd.isna(v) else re.sub(r"\D", "", str(v)))
    nm = _to_series(names).reset_index(drop=True)
    c = c.reset_index(drop=True)
    kec = bps_to_kemendagri(c.str.slice(0, 7), bridge_kecamatan)["kemendagri"]
    kab = bps_to_kemendagri(c.str.slice(0, 4), bridge_kabkota)["kemendagri"]
    by_kec = match_names(nm, desa, level="desa", within=kec, within_col="kode_kecamatan", threshold=threshold,
                         low=low)
    by_kab = match_names(nm, desa, level="desa", within=kab, within_col="kode_kabkota", threshold=threshold,
                         low=low)
    use_kab = kec.isna().to_numpy() & kab.notna().to_numpy()
    m = by_kec.copy()
    m.loc[use_kab] = by_kab.loc[use_kab].to_numpy()
    note = m["note"].astype(object).to_numpy().copy()
    note[use_kab] = "BPS kecamatan not in the bridge: matched by name within the kabupaten" + \
        np.where(m.loc[use_kab, "note"].astype(str) != "", "; " + m.loc[use_kab, "note"].astype(str), "")
    no_code = kec.isna().to_numpy() & kab.isna().to_numpy()
    note[no_code] = "BPS code not in the bridge (kabupaten unknown)"
    status = m["status"].to_numpy().copy()
    status[no_code & (status != "missing")] = "unmatched"
    code = m["code"].astype(object).to_numpy().copy()
    code[no_code] = None
    accepted_kec = pd.Series(code, dtype=object).astype("string").str.slice(0, 8)
    return pd.DataFrame({
        "bps": _to_series(codes).astype(object).to_numpy(),
        "name": nm.astype(object).to_numpy(),
        "kode_kecamatan": kec.where(kec.notna(), accepted_kec).astype("string").to_numpy(),
        "kode_desa": pd.array(code, dtype="string"),
        "score": m["score"].to_numpy(),
        "status": status,
        "candidate": m["candidate"].to_numpy(),
        "note": note,
    })


def unknown_codes(frame: pd.DataFrame, *, column: str, reference: pd.DataFrame | pd.Series, file: str,
                  level: str = "desa") -> pd.DataFrame:
    """Report rows whose (well-formed) code is not in the Kemendagri list; nothing is dropped.

    Parameters
    ----------
    frame : DataFrame
        Rows with the code column and, ideally, ``_row`` (spreadsheet row numbers).
    column : str
        Code column (dotted codes, as the parsers return them).
    reference : DataFrame or Series
        The Kemendagri list (its ``kode`` column) or the codes themselves.
    file, level : str
        For the report.

    Returns
    -------
    DataFrame
        ``file, row, column, value, rule, severity`` (severity ``"error"``: the row cannot be joined).

    Examples
    --------
    >>> f = pd.DataFrame({"kode_desa": ["65.01.01.2001", "65.99.99.2999", None], "_row": [2, 3, 4]})
    >>> unknown_codes(f, column="kode_desa", reference=pd.Series(["65.01.01.2001"]), file="s.xlsx")[
    ...     ["row", "value"]].values.tolist()
    [[3, '65.99.99.2999']]
    """
    ref = reference["kode"] if isinstance(reference, pd.DataFrame) else reference
    codes = frame[column]
    bad = codes.notna() & ~codes.isin(set(ref.dropna().astype(str)))
    rows = frame["_row"] if "_row" in frame.columns else pd.Series(frame.index + 1, index=frame.index)
    return pd.DataFrame({
        "file": file, "row": rows[bad].to_numpy(), "column": column,
        "value": codes[bad].astype(object).to_numpy(),
        "rule": f"unknown_code: not a {level} code of the Kemendagri 2025 list; check the code or the list",
        "severity": "error",
    }, columns=["file", "row", "column", "value", "rule", "severity"])


def missing_from_list(regions: pd.DataFrame | pd.Series, references: dict[str, pd.Series], *, list_file: str,
                      current: str | None = None, show: int = 20) -> pd.DataFrame:
    """One report line when village codes that other files use are absent from the Kemendagri village list.

    An older list (villages created or renumbered since) lacks codes the registry, the match file or
    the survey use; each such code is named, with the files that use it and the fix. Codes are public
    region codes, not personal data.

    Parameters
    ----------
    regions : DataFrame or Series
        The Kemendagri village list (its ``kode`` column) or the codes themselves.
    references : dict
        File name → the village codes it uses (dotted, as the parsers return them; NA ignored).
    list_file : str
        The village list's file name (named in the line).
    current : str, optional
        Where the current list is (e.g. the vendored ``data/raw/kaltara/…`` file), for the fix.
    show : int
        At most this many codes are listed in the rule text (all of them are in ``value``).

    Returns
    -------
    DataFrame
        ``file, row, column, value, rule, severity``: empty when every code is in the list; otherwise
        one ``error`` line on ``list_file`` (``value`` = the missing codes, ``;``-joined).

    Examples
    --------
    >>> rep = missing_from_list(pd.Series(["65.01.01.2001"]), {"registry.csv": pd.Series(["65.01.01.2001",
    ...                         "65.01.01.2002"])}, list_file="desa_2022.csv")
    >>> rep["value"].tolist(), "registry.csv" in rep["rule"].iat[0]
    (['65.01.01.2002'], True)
    """
    cols = ["file", "row", "column", "value", "rule", "severity"]
    ref = regions["kode"] if isinstance(regions, pd.DataFrame) else regions
    known = set(ref.dropna().astype(str))
    by_file = {f: sorted(set(v.dropna().astype(str)) - known) for f, v in references.items()}
    by_file = {f: c for f, c in by_file.items() if c}
    if not by_file:
        return pd.DataFrame(columns=cols)
    codes = sorted(set().union(*by_file.values()))
    listed = ", ".join(codes[:show]) + (f", … ({len(codes) - show} more)" if len(codes) > show else "")
    used = "; ".join(f"{f} ({len(c)})" for f, c in sorted(by_file.items()))
    fix = f"use the current Kemendagri village list{f', e.g. {current}' if current else ''}"
    rule = (f"missing_villages: {len(codes)} village code(s) used by {used} are not in the Kemendagri village "
            f"list {list_file} (is it older than those files?): {listed}; {fix}")
    return pd.DataFrame([{"file": list_file, "row": None, "column": "kode", "value": "; ".join(codes),
                          "rule": rule, "severity": "error"}], columns=cols)
