"""The deterministic SYNTHETIC default dataset: raw exports that look like the real ones.

**Everything produced here is SYNTHETIC.** Village, kecamatan and cooperative names, codes below
kabupaten level, chair names/NIK/phones and every measured value are invented. Only public
*aggregates* are real (hard-coded below, never read from a file): the 5 kabupaten/kota of Kalimantan
Utara with their Kemendagri and BPS codes, their numbers of kecamatan, desa and kelurahan
(Kepmendagri 300.2.2-2430/2025), their population (Dukcapil, December 2024), their number of
SIMKOPDES cooperatives (snapshot 2026-08-05: 81, 108, 171, 31, 20 = 411 in 410 villages, one village
with 2) and of villages without their own cooperative (1 in Malinau, 70 in Nunukan, 1 in Tana
Tidung) — all from ``../shared/data/kaltara/`` (``kaltara_wilayah_2025_summary.csv``,
``simkopdes_kaltara_province_district_summary.csv``, ``kemendagri_kaltara_without_own_kopdes_row.csv``).

Latent structure (the "answer" that segmentation should recover)
---------------------------------------------------------------
Each village has one of four archetypes, plus a continuous development score ``u ~ N(0, 1)``:

``urban``       urban kelurahan (every kelurahan; Tarakan, Tanjung Selor, Nunukan towns): dense,
                many shops/banks/markets, 4G, all-weather roads, large well-capitalised cooperatives
                running many units, more bank debt, higher health scores.
``coastal``     coastal/trade desa: fishing and trade — many markets, shops and micro industries
                (fish processing), access often by river/sea, mid-size cooperatives with high asset
                turnover and little debt, warehouse/cold-storage and logistics units.
``plantation``  plantation desa (oil palm, rubber): plantation roads (mostly all-weather), few
                shops and markets, more BUMDes units, larger cooperatives (smallholder members) with
                plantation credit (high debt ratio, low turnover), savings-and-loan units.

Coastal and plantation villages sit at a similar development level; they differ in kind (trade vs
plantation credit), which is what a segmentation should pick up beyond the level ``u``.
``remote``      remote interior/border desa (Malinau and Nunukan interior): small, river-only or
                seasonal access, rarely 4G, few facilities, small young cooperatives with few units,
                few legal documents and low health scores.

The archetype of a kecamatan is drawn from kabupaten-specific probabilities and its villages follow
it with probability 0.75, so the structure is spatially clustered. Every variable — Podes facilities,
IDM indicator scores, registry counts, survey finances, units, legal documents, partners, health
aspect scores — is drawn from archetype-specific distributions shifted by ``u`` (village) and a
cooperative-level capacity ``c = 0.7 u + 0.7 e``. The true archetype of every cooperative is written
to ``ANSWERS_archetypes_SYNTHETIC.csv``, separately from the raw exports.

Realistic mess written on purpose (and handled by :mod:`kaltara_study.data.clean`): Indonesian money
strings ("Rp 12.500.000", "12,5 juta", amounts given in juta without unit), Ya/Tidak/ada/-/1/0,
Indonesian dates, Excel serials and datetime cells, title rows in the XLSX, ';'-separated CSV with
thousand dots, duplicated rows, negative member counts and capital, RAT dates after the survey date,
extra zeros in turnover (outliers), misspelt kabupaten names, "Sei" for "Sungai", undotted codes, BPS
codes in Podes.

>>> data = generate(seed=20251)
>>> len(data["kemendagri_desa"]), int(data["simkopdes_village_stats"]["cooperatives"].sum())
(482, 412)
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

from kaltara_study.data.schema import FORM_HEADERS

__all__ = ["ARCHETYPES", "FILES", "KABKOTA", "generate", "write_synthetic"]

DEFAULT_SEED = 20251
ARCHETYPES = ("urban", "coastal", "plantation", "remote")
NOTE = "SYNTHETIC"

# --------------------------------------------------------------------------- public aggregates
# Source: ../shared/data/kaltara/kaltara_wilayah_2025_summary.csv (Kepmendagri 300.2.2-2430/2025,
# BIG 2024 area, Dukcapil Dec 2024 population), kaltara_bridging_bps_kemendagri_kabkota.csv (BPS
# codes), simkopdes_kaltara_province_district_summary.csv (cooperatives per kabupaten) and
# kemendagri_kaltara_without_own_kopdes_row.csv (villages without their own cooperative, counted).
# code, name, jenis, BPS code, n_kec, n_desa, n_kel, pop male, pop female, area km2, n_coops, no-coop villages
KABKOTA = (
    ("65.01", "Kabupaten Bulungan", "kabupaten", "6502", 10, 74, 7, 89856, 80383, 13719.983, 81, 0),
    ("65.02", "Kabupaten Malinau", "kabupaten", "6501", 15, 109, 0, 46163, 41419, 38901.819, 108, 1),
    ("65.03", "Kabupaten Nunukan", "kabupaten", "6504", 21, 232, 8, 119672, 107788, 13549.868, 171, 70),
    ("65.04", "Kabupaten Tana Tidung", "kabupaten", "6503", 5, 32, 0, 15762, 14274, 3481.039, 31, 1),
    ("65.71", "Kota Tarakan", "kota", "6571", 4, 0, 20, 132175, 123135, 248.177, 20, 0),
)
_KAB_COLS = ["kode", "nama", "jenis", "bps", "n_kec", "n_desa", "n_kel", "pop_l", "pop_p", "luas", "n_coops",
             "no_coop"]
# archetype probabilities of desa (coastal, plantation, remote) per kabupaten — a modelling choice
_DESA_MIX = {"65.01": (0.35, 0.45, 0.20), "65.02": (0.02, 0.33, 0.65), "65.03": (0.30, 0.25, 0.45),
             "65.04": (0.30, 0.50, 0.20), "65.71": (0.5, 0.5, 0.0)}
# kecamatan (index within kabupaten) that hold the kelurahan, with how many
_KEL_IN_KEC = {"65.01": {0: 4, 1: 3}, "65.03": {0: 4, 1: 4}, "65.71": {0: 5, 1: 5, 2: 5, 3: 5}}

FILES = {
    "kemendagri_kabkota": "SYNTHETIC_kaltara_wilayah_2025_kabkota.csv",
    "kemendagri_kecamatan": "SYNTHETIC_kaltara_wilayah_2025_kecamatan.csv",
    "kemendagri_desa": "SYNTHETIC_kaltara_wilayah_2025_desa_kelurahan.csv",
    "kemendagri_summary": "SYNTHETIC_kaltara_wilayah_2025_summary.csv",
    "simkopdes_village_stats": "simkopdes_SYNTHETIC_kaltara_village_stats.csv",
    "idm_summary": "idm_SYNTHETIC_kaltara_summary.csv",
    "idm_long": "idm_SYNTHETIC_kaltara_tanatidung_indicators_long.csv",
    "idm_wide": "idm_SYNTHETIC_status_idm_wide_2023_2024.xlsx",
    "bps_bridge_kabkota": "SYNTHETIC_kaltara_bridging_bps_kemendagri_kabkota.csv",
    "bps_bridge_kecamatan": "SYNTHETIC_kaltara_bridging_bps_kemendagri_kecamatan.csv",
    "podes": "SYNTHETIC_podes_kaltara_2024.csv",
    "survey": "SYNTHETIC_survey_koperasi_kaltara_2025.xlsx",
    "answers": "ANSWERS_archetypes_SYNTHETIC.csv",
}

_BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")

# village parameters per archetype
_VP = {
    #            log-weight mu, sd, hh size, markets, shops/1000, banks, micro/100hh, bumdes, lpg, health, pharm, 4g, road(all, seas, river)
    "urban":      (8.7, 0.40, 3.7, 2.0, 22.0, 2.5, 3.0, 0.0, 0.95, 0.97, 0.85, 0.99, (0.97, 0.03, 0.00)),
    "coastal":    (7.3, 0.55, 3.9, 1.3, 19.0, 0.35, 3.2, 0.9, 0.70, 0.85, 0.35, 0.85, (0.30, 0.25, 0.45)),
    "plantation": (7.1, 0.50, 4.0, 0.3, 7.0, 0.25, 0.7, 2.4, 0.55, 0.75, 0.20, 0.50, (0.80, 0.20, 0.00)),
    "remote":     (6.2, 0.55, 4.2, 0.12, 5.0, 0.02, 0.7, 0.9, 0.15, 0.50, 0.04, 0.12, (0.08, 0.42, 0.50)),
}
# IDM dimension means of indicator scores (IKS, IKE, IKL) per archetype (desa only)
_IDM_MEAN = {"urban": (4.2, 3.8, 3.4), "coastal": (3.9, 3.3, 3.2), "plantation": (3.75, 3.05, 3.5),
             "remote": (3.15, 2.2, 3.3)}
# cooperative parameters per archetype
_CP = {
    #            log members, capital/member (Rp), debt ratio, asset turnover, margin, health mean
    "urban":      (5.6, 380_000, 0.35, 2.0, 0.045, 62.0),
    "coastal":    (4.8, 260_000, 0.10, 2.2, 0.020, 54.0),
    "plantation": (5.3, 230_000, 0.40, 0.8, 0.045, 52.0),
    "remote":     (4.1, 150_000, 0.07, 0.6, 0.000, 41.0),
}
#               office sembako s&l  clinic pharm wareh logist
_UNIT_P = {
    "urban":      (0.97, 0.92, 0.72, 0.30, 0.35, 0.30, 0.38),
    "coastal":    (0.92, 0.80, 0.35, 0.14, 0.14, 0.70, 0.60),
    "plantation": (0.88, 0.66, 0.60, 0.10, 0.08, 0.20, 0.18),
    "remote":     (0.72, 0.42, 0.14, 0.03, 0.02, 0.05, 0.05),
}
#               nib, npwp, bank account, rat 12m, board trained
_DOC_P = {"urban": (0.92, 0.99, 0.92, 0.62, 0.72), "coastal": (0.80, 0.97, 0.75, 0.45, 0.52),
          "plantation": (0.76, 0.96, 0.70, 0.40, 0.47), "remote": (0.55, 0.90, 0.35, 0.18, 0.22)}
_PREMISES_P = {"urban": (0.45, 0.35, 0.15, 0.05), "coastal": (0.35, 0.20, 0.35, 0.10),
               "plantation": (0.30, 0.15, 0.40, 0.15), "remote": (0.15, 0.05, 0.45, 0.35)}
_PREMISES_RAW = ("Milik sendiri", "Sewa", "Pinjam pakai", "Belum ada")
_ROAD_RAW = ("Sepanjang tahun", "Musiman", "Hanya lewat sungai")
_DIST = {"urban": (1.6, 0.5), "coastal": (3.6, 0.5), "plantation": (3.9, 0.5), "remote": (4.8, 0.55)}

_SYL = ("ba", "be", "bu", "da", "di", "ka", "ki", "ku", "la", "li", "lu", "ma", "me", "mu", "na", "ni", "pa",
        "pi", "ra", "ri", "ru", "sa", "se", "si", "ta", "ti", "tu", "ya", "wa", "ng", "an", "ar", "em", "ir",
        "on", "ut")
_PREFIX = ("Long", "Sungai", "Tanjung", "Muara", "Pulau", "Bukit", "Batu", "Lubuk", "Tanah", "Binta")


# ============================================================================ helpers
def _logit(p):
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _sig(x):
    return 1 / (1 + np.exp(-x))


def _bern(rng, p, shift=0.0):
    return rng.random(np.shape(shift) if np.ndim(shift) else np.shape(p)) < _sig(_logit(np.asarray(p)) + shift)


def _names(rng: np.random.Generator, n: int, taken: set[str], *, prefix_p: float = 0.5) -> list[str]:
    out = []
    while len(out) < n:
        k = int(rng.integers(2, 4))
        root = "".join(_SYL[int(i)] for i in rng.integers(0, len(_SYL), size=k)).capitalize()
        if root[0] in "N" and root[1:2] == "g":
            continue
        name = f"{_PREFIX[int(rng.integers(0, len(_PREFIX)))]} {root}" if rng.random() < prefix_p else root
        if name.lower() in taken or len(root) < 4:
            continue
        taken.add(name.lower())
        out.append(name)
    return out


def _alloc(total: int, weights: np.ndarray) -> np.ndarray:
    """Largest-remainder rounding of ``total * weights / sum(weights)`` (sums exactly to total)."""
    if total == 0:
        return np.zeros(len(weights), dtype=int)
    share = total * weights / weights.sum()
    base = np.floor(share).astype(int)
    rest = total - base.sum()
    order = np.argsort(-(share - base), kind="stable")
    base[order[:rest]] += 1
    return base


def _fmt_int_id(x: int) -> str:
    return f"{int(x):,}".replace(",", ".")


def _fmt_dec(x: float) -> str:
    """A float as CSV text with up to 14 decimals, never exactly 3 decimals ("0.599" would read as
    Indonesian thousands), e.g. 0.599 → "0.5990"."""
    if pd.isna(x):
        return ""
    s = f"{float(x):.14f}".rstrip("0")
    s = s + "0" if s.endswith(".") else s
    if re.fullmatch(r"-?\d+\.\d{3}", s):
        s += "0"
    return s


def _fmt_money(x: float, style: str) -> object:
    if pd.isna(x):
        return "-"
    neg = x < 0
    a = abs(float(x))
    if style == "rp":
        s = "Rp " + _fmt_int_id(round(a))
    elif style == "dots":
        s = _fmt_int_id(round(a))
    elif style == "juta":
        s = f"{a / 1e6:.1f}".replace(".", ",") + " juta"
    elif style == "juta_nounit":
        s = f"{a / 1e6:.1f}".replace(".", ",")
    else:  # plain number cell
        return -round(a) if neg else round(a)
    return "-" + s if neg else s


def _fmt_date(d: pd.Timestamp, style: str) -> object:
    if pd.isna(d):
        return "-"
    if style == "id":
        return f"{d.day} {_BULAN[d.month - 1]} {d.year}"
    if style == "serial":
        return int((d - pd.Timestamp("1899-12-30")).days)
    if style == "dmy":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == "cell":
        return dt.datetime(d.year, d.month, d.day)
    return d.strftime("%Y-%m-%d")


def _yes(b, rng, *, variants: float = 0.08) -> object:
    if b is None or (not isinstance(b, (bool, np.bool_)) and pd.isna(b)):
        return "-"
    if rng.random() < variants:
        return ("ada" if b else "tidak ada") if rng.random() < 0.5 else ("1" if b else "0")
    return "Ya" if b else "Tidak"


def _kab_variant(name: str, rng) -> str:
    short = name.replace("Kabupaten ", "").replace("Kota ", "")
    r = rng.random()
    if r < 0.35:
        return name
    if r < 0.55:
        return ("KAB. " if name.startswith("Kab") else "KOTA ") + short.upper()
    if r < 0.75:
        return short
    if r < 0.88:
        return "Kab. " + short if name.startswith("Kab") else short.upper()
    # a typo: double a consonant or swap a vowel
    i = int(rng.integers(1, len(short) - 1))
    return short[:i] + short[i] + short[i:] if short[i].isalpha() else short


def _spell_variant(name: str, rng, p: float) -> str:
    if rng.random() >= p:
        return name
    if name.startswith("Sungai "):
        return "Sei " + name[7:]
    if name.startswith("Tanjung "):
        return "Tj. " + name[8:]
    return name.upper()


# ============================================================================ generation
def _regions(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    kab = pd.DataFrame(KABKOTA, columns=_KAB_COLS)
    taken: set[str] = set()
    kec_rows, des_rows = [], []
    for k in kab.itertuples():
        kec_names = _names(rng, k.n_kec, taken, prefix_p=0.35)
        kel_in = _KEL_IN_KEC.get(k.kode, {})
        # desa per kecamatan: at least 2 each (when the kabupaten has desa), Dirichlet shares
        if k.n_desa:
            w = rng.dirichlet(np.full(k.n_kec, 4.0))
            n_desa = 2 + _alloc(k.n_desa - 2 * k.n_kec, w)
        else:
            n_desa = np.zeros(k.n_kec, dtype=int)
        mix = np.asarray(_DESA_MIX[k.kode])
        kec_arch = rng.choice(["coastal", "plantation", "remote"], size=k.n_kec, p=mix / mix.sum())
        bps_order = rng.permutation(k.n_kec)
        for j in range(k.n_kec):
            kkode = f"{k.kode}.{j + 1:02d}"
            kec_rows.append({"kode": kkode, "kode_kabkota": k.kode, "nama_kabkota": k.nama, "nama": kec_names[j],
                             "kode_bps": f"{k.bps}{10 * (bps_order[j] + 1):03d}", "archetype": kec_arch[j]})
            n_kel = kel_in.get(j, 0)
            names = _names(rng, n_kel + int(n_desa[j]), taken)
            for i in range(n_kel):
                des_rows.append({"kode": f"{kkode}.1{i + 1:03d}", "kode_kecamatan": kkode, "nama": names[i],
                                 "jenis": "kelurahan", "archetype": "urban"})
            for i in range(int(n_desa[j])):
                arch = kec_arch[j] if rng.random() < 0.75 else rng.choice(
                    ["coastal", "plantation", "remote"], p=mix / mix.sum())
                des_rows.append({"kode": f"{kkode}.2{i + 1:03d}", "kode_kecamatan": kkode, "nama": names[n_kel + i],
                                 "jenis": "desa", "archetype": str(arch)})
    kec = pd.DataFrame(kec_rows)
    des = pd.DataFrame(des_rows)
    des = des.merge(kec[["kode", "nama", "kode_kabkota", "nama_kabkota", "kode_bps"]].rename(
        columns={"kode": "kode_kecamatan", "nama": "nama_kecamatan", "kode_bps": "kode_bps_kec"}),
        on="kode_kecamatan", how="left")
    # BPS village codes: kecamatan BPS code + 3 digits in a BPS order of its own
    des["kode_bps"] = ""
    for kk, idx in des.groupby("kode_kecamatan", sort=True).groups.items():
        order = rng.permutation(len(idx))
        des.loc[idx, "kode_bps"] = [f"{des.at[i, 'kode_bps_kec']}{o + 1:03d}" for i, o in zip(idx, order)]
    des["u"] = rng.normal(size=len(des))
    return kab, kec, des


def _village_context(rng, kab: pd.DataFrame, des: pd.DataFrame) -> pd.DataFrame:
    v = des.copy()
    arch = v["archetype"].to_numpy()
    u = v["u"].to_numpy()
    par = {c: np.array([_VP[a][i] for a in arch]) for i, c in enumerate(
        ["mu", "sd", "hh", "markets", "shops", "banks", "micro", "bumdes", "lpg", "health", "pharm", "g4"])}
    w = np.exp(par["mu"] + 0.25 * u + par["sd"] * rng.normal(size=len(v)))
    pop = np.zeros(len(v), dtype=int)
    for k in kab.itertuples():
        m = (v["kode_kabkota"] == k.kode).to_numpy()
        pop[m] = _alloc(int(k.pop_l + k.pop_p), w[m])
    v["population"] = pop
    v["households"] = np.maximum(1, np.round(pop / (par["hh"] * np.exp(0.06 * rng.normal(size=len(v)))))).astype(int)
    v["n_markets"] = rng.poisson(par["markets"] * np.exp(0.3 * u))
    v["n_shops"] = rng.poisson(par["shops"] * pop / 1000 * np.exp(0.25 * u))
    v["n_banks"] = rng.poisson(par["banks"] * np.exp(0.4 * u))
    v["n_micro_industries"] = rng.poisson(par["micro"] * v["households"].to_numpy() / 100 * np.exp(0.3 * u))
    v["n_bumdes_units"] = np.where(v["jenis"] == "kelurahan", 0, rng.poisson(par["bumdes"] * np.exp(0.3 * u)))
    v["has_lpg_base"] = _bern(rng, par["lpg"], 0.6 * u)
    v["has_health_facility"] = _bern(rng, par["health"], 0.6 * u)
    v["has_pharmacy_village"] = _bern(rng, par["pharm"], 0.6 * u)
    v["signal_4g"] = _bern(rng, par["g4"], 0.7 * u)
    road = []
    for a, uu in zip(arch, u):
        p = np.asarray(_VP[a][12], dtype=float)
        p = p * np.exp(np.array([0.5, 0.0, -0.5]) * uu)
        road.append(("all_weather", "seasonal", "river_only")[int(rng.choice(3, p=p / p.sum()))])
    v["road_access_village"] = road
    return v


def _idm(rng, v: pd.DataFrame, years=(2021, 2022, 2023, 2024)) -> tuple[pd.DataFrame, pd.DataFrame]:
    from kaltara_study.data.idm import idm_status

    desa = v[v["jenis"] == "desa"].reset_index(drop=True)
    n = len(desa)
    dims = (("IKS", 35), ("IKE", 12), ("IKL", 3))
    means = np.array([_IDM_MEAN[a] for a in desa["archetype"]])
    u = desa["u"].to_numpy()
    long_parts, summ = [], []
    base = {}
    for d, (dim, k) in enumerate(dims):
        base[dim] = means[:, d][:, None] + 0.45 * u[:, None] + rng.normal(0, 0.9, size=(n, k))
    for y in years:
        sums = {}
        for dim, k in dims:
            s = np.clip(np.rint(base[dim] + 0.12 * (y - years[0]) + rng.normal(0, 0.45, size=(n, k))), 0, 5)
            s = s.astype(int)
            sums[dim] = s.sum(axis=1)
            long_parts.append(pd.DataFrame({
                "kode": np.repeat(desa["kode"].to_numpy(), k), "tahun": y, "dimensi": dim,
                "no": np.tile(np.arange(1, k + 1), n),  # numbered within the dimension, as Kemendesa does
                "skor_0_5": s.ravel()}))
        iks, ike, ikl = sums["IKS"] / 175, sums["IKE"] / 60, sums["IKL"] / 15
        idm = (iks + ike + ikl) / 3
        summ.append(pd.DataFrame({"kode": desa["kode"].to_numpy(), "tahun": y, "IKS": iks, "IKE": ike, "IKL": ikl,
                                  "IDM": idm, "status": idm_status(pd.Series(idm)).astype(str).to_numpy()}))
    return pd.concat(summ, ignore_index=True), pd.concat(long_parts, ignore_index=True)


def _coops(rng, kab: pd.DataFrame, v: pd.DataFrame) -> pd.DataFrame:
    """Which villages have a cooperative (and the one with two)."""
    has = np.ones(len(v), dtype=bool)
    two = np.zeros(len(v), dtype=bool)
    weight = {"urban": 0.0, "coastal": 1.0, "plantation": 2.0, "remote": 6.0}
    for k in kab.itertuples():
        idx = np.flatnonzero((v["kode_kabkota"] == k.kode).to_numpy() & (v["jenis"] == "desa").to_numpy())
        if k.no_coop:
            w = np.array([weight[a] for a in v["archetype"].to_numpy()[idx]]) + 0.05
            pick = rng.choice(idx, size=k.no_coop, replace=False, p=w / w.sum())
            has[pick] = False
        n_villages = int(((v["kode_kabkota"] == k.kode).to_numpy() & has).sum())
        if k.n_coops == n_villages + 1:  # the one village with two cooperatives (Nunukan)
            cand = np.flatnonzero((v["kode_kabkota"] == k.kode).to_numpy() & has &
                                  v["archetype"].isin(["coastal", "plantation"]).to_numpy())
            two[int(rng.choice(cand))] = True
        elif k.n_coops != n_villages:
            raise AssertionError(f"{k.nama}: {k.n_coops} cooperatives vs {n_villages} villages")
    rows = []
    for i in np.flatnonzero(has):
        for j in range(2 if two[i] else 1):
            digits = v.at[i, "kode"].replace(".", "")
            rows.append({"coop_id": f"KDMP-{digits}-{j + 1}", "village_index": i, "kode": v.at[i, "kode"],
                         "n_in_village": 2 if two[i] else 1})
    c = pd.DataFrame(rows)
    return c.merge(v[["kode", "archetype", "u", "jenis", "kode_kabkota", "nama_kabkota", "nama", "signal_4g",
                      "road_access_village", "has_lpg_base", "households"]], on="kode", how="left")


def _registry(rng, c: pd.DataFrame) -> pd.DataFrame:
    """True per-cooperative registry flags (aggregated to villages for the SIMKOPDES export)."""
    arch = c["archetype"].to_numpy()
    cap = 0.7 * c["u"].to_numpy() + 0.7 * rng.normal(size=len(c))
    out = c.assign(capacity=cap)
    out["reg_nib"] = _bern(rng, np.array([_DOC_P[a][0] for a in arch]), 0.8 * cap).astype(int)
    out["reg_rat"] = _bern(rng, np.array([{"urban": .55, "coastal": .45, "plantation": .45, "remote": .35}[a]
                                          for a in arch]), 0.5 * cap).astype(int)
    p_tx = np.array([{"urban": .25, "coastal": .02, "plantation": .012, "remote": .0}[a] for a in arch])
    tx = rng.random(len(c)) < p_tx
    vol = np.where(tx, np.round(np.exp(rng.normal(6.0, 1.5, len(c)))), 0).astype(int)
    out["reg_tx_volume"] = vol
    out["reg_tx_value_rp"] = np.round(vol * np.exp(rng.normal(np.log(45_000), 0.5, len(c))), -3)
    p_sav = np.array([{"urban": .3, "coastal": .05, "plantation": .04, "remote": .02}[a] for a in arch])
    sav = rng.random(len(c)) < p_sav
    pokok_m = np.where(sav, rng.integers(3, 60, len(c)), 0)
    wajib_m = np.where(sav, np.floor(pokok_m * rng.uniform(0.3, 1.0, len(c))), 0).astype(int)
    out["simpanan_pokok_members"] = pokok_m
    out["simpanan_pokok_tx"] = pokok_m
    out["simpanan_pokok_amount"] = pokok_m * 100_000.0
    out["simpanan_wajib_members"] = wajib_m
    out["simpanan_wajib_tx"] = wajib_m * rng.integers(1, 6, len(c)) * (wajib_m > 0)
    out["simpanan_wajib_amount"] = out["simpanan_wajib_tx"] * 10_000.0
    out["reg_savings_rp"] = out["simpanan_pokok_amount"] + out["simpanan_wajib_amount"]
    return out


def _survey_truth(rng, c: pd.DataFrame) -> pd.DataFrame:
    arch = c["archetype"].to_numpy()
    cap = c["capacity"].to_numpy()
    n = len(c)
    P = {k: np.array([_CP[a][i] for a in arch]) for i, k in enumerate(
        ["lmem", "cpm", "debt", "turn", "margin", "health"])}
    t = pd.DataFrame({"coop_id": c["coop_id"].to_numpy()})
    t["members"] = np.maximum(9, np.round(np.exp(P["lmem"] + 0.35 * cap + 0.3 * rng.normal(size=n)))).astype(int)
    t["own_capital_rp"] = np.round(t["members"] * P["cpm"] * np.exp(0.25 * cap + 0.3 * rng.normal(size=n)), -4)
    debt = np.clip(P["debt"] + 0.05 * cap + 0.06 * rng.normal(size=n), 0.0, 0.85)
    t["assets_rp"] = np.round(t["own_capital_rp"] / (1 - debt), -4)
    t["liabilities_rp"] = t["assets_rp"] - t["own_capital_rp"]
    units = np.column_stack([_bern(rng, np.array([_UNIT_P[a][j] for a in arch]), 0.8 * cap) for j in range(7)])
    units[:, 0] |= units[:, 1:].sum(axis=1) >= 3
    for j, name in enumerate(("unit_office", "unit_sembako", "unit_savings_loan", "unit_clinic", "unit_pharmacy",
                              "unit_warehouse", "unit_logistics")):
        t[name] = units[:, j]
    active = 0.8 + 0.5 * units[:, 1] + 0.3 * units[:, 2] + 0.2 * units[:, 5:].sum(axis=1)
    t["turnover_rp"] = np.round(t["assets_rp"] * P["turn"] * active * np.exp(0.2 * cap + 0.35 * rng.normal(size=n)), -4)
    t["shu_rp"] = np.round(t["turnover_rp"] * (P["margin"] + 0.01 * cap + 0.025 * rng.normal(size=n)), -3)
    docs = {k: _bern(rng, np.array([_DOC_P[a][i] for a in arch]), 0.8 * cap)
            for i, k in enumerate(("has_nib", "has_npwp", "has_bank_account", "rat_held_12m", "board_trained"))}
    flip = rng.random(n) < 0.03
    docs["has_nib"] = np.where(flip, ~(c["reg_nib"].to_numpy() > 0), c["reg_nib"].to_numpy() > 0)
    t["has_legal_entity"] = rng.random(n) < 0.985
    for k, val in docs.items():
        t[k] = val
    day0 = pd.Timestamp("2025-09-01")
    t["survey_date"] = [day0 + pd.Timedelta(days=int(d)) for d in rng.integers(0, 60, n)]
    last = []
    for held, sd in zip(t["rat_held_12m"], t["survey_date"]):
        if held:
            last.append(sd - pd.Timedelta(days=int(rng.integers(15, 330))))
        elif rng.random() < 0.45:
            last.append(pd.NaT)
        else:
            last.append(sd - pd.Timedelta(days=int(rng.integers(400, 720))))
    t["last_rat_date"] = last
    t["premises"] = [("own", "rent", "borrowed", "none")[int(rng.choice(4, p=np.asarray(_PREMISES_P[a])))]
                     for a in arch]
    # partners
    partners = []
    for i in range(n):
        a = arch[i]
        ps = []
        if c["has_lpg_base"].iat[i] and rng.random() < _sig(_logit(0.45) + 0.6 * cap[i]):
            ps.append("pertamina")
        if rng.random() < _sig(_logit({"urban": .4, "coastal": .35, "plantation": .3, "remote": .08}[a]) + 0.6 * cap[i]):
            ps.append("bulog")
        if units[i, 4] and rng.random() < 0.6:
            ps.append("pharmacy")
        if c["signal_4g"].iat[i] and rng.random() < 0.2:
            ps.append("telkomsel")
        if t["has_bank_account"].iat[i] and rng.random() < 0.5:
            ps.append("bank")
        partners.append(";".join(ps))
    t["partners_existing"] = partners
    mu, sd = zip(*[_DIST[a] for a in arch])
    t["distance_kab_km"] = np.round(np.clip(np.exp(np.asarray(mu) - 0.15 * c["u"].to_numpy()
                                                   + np.asarray(sd) * rng.normal(size=n)), 0.5, 600), 1)
    levels = ("all_weather", "seasonal", "river_only")
    road = []
    for r in c["road_access_village"]:
        j = levels.index(r)
        if rng.random() < 0.1:
            j = int(np.clip(j + rng.choice([-1, 1]), 0, 2))
        road.append(levels[j])
    t["road_access"] = road
    sig = []
    for g4, a in zip(c["signal_4g"], arch):
        if g4:
            sig.append("4g" if rng.random() < 0.88 else "3g")
        else:
            p = {"urban": (0, .1, .9), "coastal": (.2, .4, .4), "plantation": (.3, .4, .3),
                 "remote": (.55, .3, .15)}[a]
            sig.append(("none", "2g", "3g")[int(rng.choice(3, p=np.asarray(p)))])
    t["signal"] = sig
    h = P["health"] + 6 * cap + 5 * rng.normal(size=n)
    for name, shift in (("health_governance", 3), ("health_risk", -2), ("health_financial", -4),
                        ("health_capital", 3)):
        t[name] = np.round(np.clip(h + shift + 6 * rng.normal(size=n), 0, 100), 1)
    not_assessed = rng.random(n) < 0.08
    for name in ("health_governance", "health_risk", "health_financial", "health_capital"):
        t.loc[not_assessed, name] = np.nan
    t["archetype"] = arch
    return t


# ============================================================================ raw exports
def _export_regions(kab, kec, des) -> dict[str, pd.DataFrame]:
    out = {}
    out["kemendagri_kabkota"] = pd.DataFrame({"kode": kab["kode"], "kode_bps_style": kab["kode"].str.replace(".", ""),
                                              "nama": kab["nama"], "jenis": kab["jenis"], "catatan": NOTE})
    out["kemendagri_kecamatan"] = pd.DataFrame({"kode": kec["kode"], "kode_kabkota": kec["kode_kabkota"],
                                                "nama_kabkota": kec["nama_kabkota"], "nama": kec["nama"],
                                                "catatan": NOTE})
    out["kemendagri_desa"] = pd.DataFrame({
        "kode": des["kode"], "kode_kecamatan": des["kode_kecamatan"], "nama_kecamatan": des["nama_kecamatan"],
        "kode_kabkota": des["kode_kabkota"], "nama_kabkota": des["nama_kabkota"], "nama": des["nama"],
        "jenis": des["jenis"], "catatan": NOTE})
    rows = []
    for k in kab.itertuples():
        pop = int(k.pop_l + k.pop_p)
        rows.append({"kode": k.kode, "nama": k.nama, "n_kecamatan": k.n_kec, "n_desa": k.n_desa,
                     "n_kelurahan": k.n_kel, "n_desa_kel": k.n_desa + k.n_kel, "luas_km2_BIG2024": k.luas,
                     "penduduk_laki": k.pop_l, "penduduk_perempuan": k.pop_p,
                     "penduduk_total_dukcapil_des2024": pop, "kepadatan_per_km2": round(pop / k.luas, 2),
                     "catatan": NOTE})
    tot = pd.DataFrame(rows)
    total = {"kode": "65", "nama": "TOTAL Kalimantan Utara"}
    for c in ("n_kecamatan", "n_desa", "n_kelurahan", "n_desa_kel", "penduduk_laki", "penduduk_perempuan",
              "penduduk_total_dukcapil_des2024"):
        total[c] = int(tot[c].sum())
    total["luas_km2_BIG2024"] = round(float(tot["luas_km2_BIG2024"].sum()), 3)
    total["kepadatan_per_km2"] = round(total["penduduk_total_dukcapil_des2024"] / total["luas_km2_BIG2024"], 2)
    total["catatan"] = NOTE
    out["kemendagri_summary"] = pd.concat([tot, pd.DataFrame([total])], ignore_index=True)
    out["bps_bridge_kabkota"] = pd.DataFrame({
        "kode_bps": kab["bps"], "nama_bps": kab["nama"].str.replace("Kabupaten ", "").str.replace("Kota ", "").str.upper(),
        "kode_dagri": kab["kode"].str.replace(".", ""),
        "nama_dagri": [("KAB. " if j == "kabupaten" else "KOTA ") + n.split(" ", 1)[1].upper()
                       for n, j in zip(kab["nama"], kab["jenis"])], "catatan": NOTE}
    ).sort_values("kode_bps", kind="stable").reset_index(drop=True)
    out["bps_bridge_kecamatan"] = pd.DataFrame({
        "kode_bps": kec["kode_bps"], "nama_bps": kec["nama"].str.upper(),
        "kode_dagri": kec["kode"].str.replace(".", ""), "nama_dagri": kec["nama"].str.upper(), "catatan": NOTE}
    ).sort_values("kode_bps", kind="stable").reset_index(drop=True)
    return out


def _export_simkopdes(rng, kab, kec, des, reg) -> pd.DataFrame:
    kab_ids = {k: 901 + i for i, k in enumerate(kab["kode"])}
    kec_ids = {k: 9001 + i for i, k in enumerate(kec["kode"])}
    g = reg.groupby("kode", sort=True)
    agg = g.agg(cooperatives=("coop_id", "size"), reg_nib=("reg_nib", "sum"), reg_rat=("reg_rat", "sum"),
                reg_tx_volume=("reg_tx_volume", "sum"), reg_tx_value_rp=("reg_tx_value_rp", "sum"),
                sp_amount=("simpanan_pokok_amount", "sum"), sp_members=("simpanan_pokok_members", "sum"),
                sp_tx=("simpanan_pokok_tx", "sum"), sw_amount=("simpanan_wajib_amount", "sum"),
                sw_members=("simpanan_wajib_members", "sum"), sw_tx=("simpanan_wajib_tx", "sum"),
                savings=("reg_savings_rp", "sum")).reset_index()
    d = des.set_index("kode")
    agg = agg.assign(kode_kecamatan=d.loc[agg["kode"], "kode_kecamatan"].to_numpy(),
                     kode_kabkota=d.loc[agg["kode"], "kode_kabkota"].to_numpy()).sort_values(
        ["kode_kabkota", "kode_kecamatan", "kode"], kind="stable").reset_index(drop=True)
    kabname = kab.set_index("kode")
    out = pd.DataFrame({
        "province_id": 99, "province": "KALIMANTAN UTARA",
        "district_id": agg["kode_kabkota"].map(kab_ids),
        "district": [("KAB. " if kabname.at[k, "jenis"] == "kabupaten" else "KOTA ")
                     + kabname.at[k, "nama"].split(" ", 1)[1].upper() for k in agg["kode_kabkota"]],
        "subdistrict_id": agg["kode_kecamatan"].map(kec_ids),
        "subdistrict": kec.set_index("kode").loc[agg["kode_kecamatan"], "nama"].to_numpy(),
        "village_id": 90001 + np.arange(len(agg)),
        "village": [_spell_variant(n, rng, 0.08) for n in d.loc[agg["kode"], "nama"]],
        "cooperatives": agg["cooperatives"], "accounts_count": agg["cooperatives"],
        "npwp_count": agg["cooperatives"], "nib_count": agg["reg_nib"], "rat_count": agg["reg_rat"],
        "transaction_volume": agg["reg_tx_volume"], "transaction_value": agg["reg_tx_value_rp"].astype("int64"),
        "simpanan_pokok_amount": agg["sp_amount"].astype("int64"), "simpanan_pokok_members": agg["sp_members"],
        "simpanan_pokok_tx": agg["sp_tx"], "simpanan_wajib_amount": agg["sw_amount"].astype("int64"),
        "simpanan_wajib_members": agg["sw_members"], "simpanan_wajib_tx": agg["sw_tx"],
        "savings_total_amount": agg["savings"].astype("int64"), "catatan": NOTE,
    })
    dup = int(rng.integers(0, len(out)))  # one exact duplicate row (export glitch)
    out = pd.concat([out.iloc[: dup + 1], out.iloc[[dup]], out.iloc[dup + 1:]], ignore_index=True)
    return out


def _export_idm(summ, long, des) -> dict[str, pd.DataFrame]:
    d = des.set_index("kode")
    status = np.array(["SANGAT TERTINGGAL", "TERTINGGAL", "BERKEMBANG", "MAJU", "MANDIRI"])
    lower = {"TERTINGGAL": 0.4908, "BERKEMBANG": 0.599, "MAJU": 0.7073, "MANDIRI": 0.8156}
    nxt = {s: status[min(i + 1, 4)] for i, s in enumerate(status)}
    names = lambda col, k: d.loc[k, col].str.upper().to_numpy()  # noqa: E731
    kabs = [n.split(" ", 1)[1].upper() for n in d.loc[summ["kode"], "nama_kabkota"]]
    s = pd.DataFrame({
        "kode_desa_kemendesa": summ["kode"].str.replace(".", "").to_numpy(),
        "nama_desa": names("nama", summ["kode"]), "kecamatan": names("nama_kecamatan", summ["kode"]),
        "kabkota": kabs, "tahun": summ["tahun"].to_numpy(),
        "IKS": summ["IKS"].map(_fmt_dec).to_numpy(), "IKE": summ["IKE"].map(_fmt_dec).to_numpy(),
        "IKL": summ["IKL"].map(_fmt_dec).to_numpy(), "IDM": summ["IDM"].map(_fmt_dec).to_numpy(),
        "status": summ["status"].to_numpy(),
        "target_status": summ["status"].map(nxt).to_numpy(),
        "skor_minimal_target": summ["status"].map(nxt).map(lower).map(_fmt_dec).to_numpy(), "catatan": NOTE,
    }).sort_values(["kode_desa_kemendesa", "tahun"], kind="stable").reset_index(drop=True)
    tt = long[long["kode"].str.startswith("65.04.")]
    lg = pd.DataFrame({
        "kode_desa_kemendesa": tt["kode"].str.replace(".", "").to_numpy(),
        "nama_desa": names("nama", tt["kode"]), "kecamatan": names("nama_kecamatan", tt["kode"]),
        "kabkota": "TANA TIDUNG", "tahun": tt["tahun"].to_numpy(), "dimensi": tt["dimensi"].to_numpy(),
        "no": tt["no"].to_numpy(),
        "indikator": [f"Indikator sintetis {dm} {n:02d}" for dm, n in zip(tt["dimensi"], tt["no"])],
        "skor_0_5": tt["skor_0_5"].to_numpy(), "keterangan": "SYNTHETIC rule text", "catatan": NOTE,
    "_d": tt["dimensi"].map({"IKS": 0, "IKE": 1, "IKL": 2}).to_numpy(),
    }).sort_values(["kode_desa_kemendesa", "tahun", "_d", "no"], kind="stable").drop(columns="_d").reset_index(drop=True)
    # Kemendesa wide layout (2023 and 2024), one row per desa
    wide = pd.DataFrame({"NO": np.arange(1, (des["jenis"] == "desa").sum() + 1)})
    dd = des[des["jenis"] == "desa"].reset_index(drop=True)
    wide["PROVINSI"] = "KALIMANTAN UTARA"
    wide["KABUPATEN/KOTA"] = [n.upper() for n in dd["nama_kabkota"]]
    wide["KECAMATAN"] = dd["nama_kecamatan"].str.upper().to_numpy()
    wide["KODE DESA"] = dd["kode"].str.replace(".", "").to_numpy()
    wide["NAMA DESA"] = dd["nama"].str.upper().to_numpy()
    for y in (2023, 2024):
        sy = summ[summ["tahun"] == y].set_index("kode").loc[dd["kode"]]
        wide[f"IKS {y}"] = sy["IKS"].round(4).to_numpy()
        wide[f"IKE {y}"] = sy["IKE"].round(4).to_numpy()
        wide[f"IKL {y}"] = sy["IKL"].round(4).to_numpy()
        wide[f"NILAI IDM {y}"] = sy["IDM"].round(4).to_numpy()
        wide[f"STATUS IDM {y}"] = sy["status"].to_numpy()
    return {"idm_summary": s, "idm_long": lg, "idm_wide": wide}


def _export_podes(rng, v: pd.DataFrame) -> pd.DataFrame:
    H = FORM_HEADERS["podes"]
    road_raw = {"all_weather": "Sepanjang tahun", "seasonal": "Musiman", "river_only": "Hanya lewat sungai"}
    order = np.argsort(v["kode_bps"].to_numpy(), kind="stable")
    v = v.iloc[order].reset_index(drop=True)
    yn = lambda col: [_yes(bool(b), rng, variants=0.05) for b in v[col]]  # noqa: E731
    out = pd.DataFrame({
        H["kode_desa_bps"]: v["kode_bps"].to_numpy(),
        H["nama_desa"]: [_spell_variant(n, rng, 0.06) for n in v["nama"]],
        H["nama_kecamatan"]: v["nama_kecamatan"].str.upper().to_numpy(),
        H["nama_kabkota"]: [_kab_variant(n, rng) for n in v["nama_kabkota"]],
        H["population"]: [_fmt_int_id(x) for x in v["population"]],
        H["households"]: [_fmt_int_id(x) for x in v["households"]],
        H["n_markets"]: v["n_markets"].astype(str).to_numpy(),
        H["n_shops"]: v["n_shops"].astype(str).to_numpy(),
        H["n_banks"]: v["n_banks"].astype(str).to_numpy(),
        H["n_micro_industries"]: v["n_micro_industries"].astype(str).to_numpy(),
        H["n_bumdes_units"]: v["n_bumdes_units"].astype(str).to_numpy(),
        H["has_lpg_base"]: yn("has_lpg_base"), H["has_health_facility"]: yn("has_health_facility"),
        H["has_pharmacy_village"]: yn("has_pharmacy_village"), H["signal_4g"]: yn("signal_4g"),
        H["road_access_village"]: v["road_access_village"].map(road_raw).to_numpy(),
        H["catatan"]: NOTE,
    })
    # mess: a few missing cells, one impossible negative count, two duplicated rows
    for col in (H["n_banks"], H["has_pharmacy_village"], H["n_micro_industries"]):
        idx = rng.choice(len(out), size=3, replace=False)
        out.loc[idx, col] = "-"
    bad = int(rng.integers(0, len(out)))
    out.loc[bad, H["n_shops"]] = "-" + str(out.at[bad, H["n_shops"]]).lstrip("-") if out.at[bad, H["n_shops"]] != "0" else "-4"
    dups = sorted(rng.choice(len(out), size=2, replace=False).tolist())
    parts, last = [], 0
    for dpos in dups:
        parts += [out.iloc[last: dpos + 1], out.iloc[[dpos]]]
        last = dpos + 1
    parts.append(out.iloc[last:])
    return pd.concat(parts, ignore_index=True)


def _export_survey(rng, c: pd.DataFrame, t: pd.DataFrame, des: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    H = FORM_HEADERS["survey"]
    n = len(t)
    money_styles = np.array(["rp", "plain", "juta", "dots"])
    rows = []
    road_raw = {"all_weather": "Sepanjang tahun", "seasonal": "Musiman", "river_only": "Hanya lewat sungai"}
    sig_raw = {"none": "Tidak ada", "2g": "2G", "3g": "3G", "4g": "4G"}
    prem_raw = dict(zip(("own", "rent", "borrowed", "none"), _PREMISES_RAW))
    partner_raw = {"pertamina": ("Pertamina", "Pangkalan LPG"), "bulog": ("Bulog", "BULOG"),
                   "pharmacy": ("Apotek", "PBF"), "telkomsel": ("Telkomsel",), "bank": ("BRI", "Bank Mandiri", "BNI")}
    date_styles = np.array(["id", "serial", "dmy", "cell", "iso"])
    # injected problems (positions in the clean order)
    pos = rng.permutation(n)
    neg_members, neg_capital = pos[:2], pos[2:3]
    juta_rows, future_rat, outliers = pos[3:6], pos[6:8], pos[8:10]
    mess = {"negative_members": t["coop_id"].iloc[neg_members].tolist(),
            "negative_capital": t["coop_id"].iloc[neg_capital].tolist(),
            "capital_in_juta": t["coop_id"].iloc[juta_rows].tolist(),
            "future_rat": t["coop_id"].iloc[future_rat].tolist(),
            "turnover_outlier": t["coop_id"].iloc[outliers].tolist()}
    dn = des.set_index("kode")
    for i in range(n):
        r = t.iloc[i]
        kode = c["kode"].iat[i]
        style = str(rng.choice(money_styles))
        members = int(r["members"])
        if i in neg_members:
            members = -members
        capital = float(r["own_capital_rp"])
        cap_style = style
        if i in neg_capital:
            capital, cap_style = -capital, "dots"
        if i in juta_rows:
            cap_style = "juta_nounit"
        turnover = float(r["turnover_rp"]) * (1000 if i in outliers else 1)  # three extra zeros typed
        rat = r["last_rat_date"]
        if i in future_rat:
            rat = pd.Timestamp("2026-03-14") + pd.Timedelta(days=int(rng.integers(0, 400)))
        kode_cell = kode if rng.random() < 0.7 else (kode.replace(".", "") if rng.random() < 0.85
                                                       else "'" + kode.replace(".", ""))
        parts = [partner_raw[p][int(rng.integers(0, len(partner_raw[p])))] for p in r["partners_existing"].split(";") if p]
        health = ["-" if pd.isna(r[h]) else (f"{r[h]:.1f}".replace(".", ",") if rng.random() < 0.5 else float(r[h]))
                  for h in ("health_governance", "health_risk", "health_financial", "health_capital")]
        row = {
            H["coop_id"]: r["coop_id"],
            H["coop_name"]: f"Koperasi Desa Merah Putih {dn.at[kode, 'nama']}"
                            + (f" {c['coop_id'].iat[i][-1]}" if c["n_in_village"].iat[i] > 1 else ""),
            H["legal_number"]: f"AHU-SYN-{i + 1:07d}.AH.01.29.TAHUN 2025" if r["has_legal_entity"] else "-",
            H["kode_desa"]: kode_cell,
            H["nama_desa"]: dn.at[kode, "nama"],
            H["nama_kabkota"]: _kab_variant(dn.at[kode, "nama_kabkota"], rng),
            H["survey_date"]: _fmt_date(r["survey_date"], str(rng.choice(["id", "cell", "iso"]))),
            H["members"]: members if rng.random() < 0.7 else str(members),
            H["own_capital_rp"]: _fmt_money(capital, cap_style),
            H["assets_rp"]: _fmt_money(float(r["assets_rp"]), style),
            H["liabilities_rp"]: _fmt_money(float(r["liabilities_rp"]), style),
            H["turnover_rp"]: _fmt_money(turnover, style),
            H["shu_rp"]: _fmt_money(float(r["shu_rp"]), "rp" if style == "juta" else style),
        }
        for u in ("unit_office", "unit_sembako", "unit_savings_loan", "unit_clinic", "unit_pharmacy",
                  "unit_warehouse", "unit_logistics", "has_legal_entity", "has_nib", "has_npwp",
                  "has_bank_account", "rat_held_12m"):
            row[H[u]] = _yes(bool(r[u]), rng)
        row[H["last_rat_date"]] = _fmt_date(rat, str(rng.choice(date_styles)))
        row[H["board_trained"]] = _yes(bool(r["board_trained"]), rng)
        row[H["premises"]] = prem_raw[r["premises"]]
        row[H["partners_existing"]] = "; ".join(parts) if parts else "-"
        row[H["distance_kab_km"]] = (f"{r['distance_kab_km']:.1f}".replace(".", ",") if rng.random() < 0.5
                                     else float(r["distance_kab_km"]))
        row[H["road_access"]] = road_raw[r["road_access"]]
        row[H["signal"]] = sig_raw[r["signal"]]
        for h, val in zip(("health_governance", "health_risk", "health_financial", "health_capital"), health):
            row[H[h]] = val
        row[H["chair_name"]] = f"Ketua Sintetis {i + 1:03d}"
        row[H["chair_nik"]] = f"SYN{i + 1:013d}"
        row[H["chair_phone"]] = f"SYN-0800-0000-{i + 1:04d}"
        row[H["catatan"]] = NOTE
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(H.values()))
    # duplicates: two exact copies, and one earlier, less complete survey of the same cooperative
    d1, d2, d3 = (int(x) for x in rng.choice(n, size=3, replace=False))
    early = out.iloc[[d3]].copy()
    early[H["survey_date"]] = "1 Agustus 2025"
    early[H["turnover_rp"]] = "-"
    early[H["shu_rp"]] = "-"
    mess["duplicate_exact"] = [out.at[d1, H["coop_id"]], out.at[d2, H["coop_id"]]]
    mess["duplicate_earlier_survey"] = [out.at[d3, H["coop_id"]]]
    parts, last = [], 0
    for p in sorted([d1, d2, d3]):
        extra = early if p == d3 else out.iloc[[p]]
        parts += [out.iloc[last: p + 1], extra]
        last = p + 1
    parts.append(out.iloc[last:])
    out = pd.concat(parts, ignore_index=True)
    return out, mess


def generate(seed: int = DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """Generate every SYNTHETIC raw export as a DataFrame (pure, deterministic in ``seed``).

    Returns
    -------
    dict
        Raw exports keyed like ``FILES`` (cells as they will be written, i.e. strings with the
        realistic mess), plus ``"answers"`` (coop → archetype), ``"truth_villages"`` and
        ``"truth_cooperatives"`` (the clean latent values, never written to disk) and ``"mess"``
        (a one-column frame listing the injected problems per rule).

    Examples
    --------
    >>> d = generate(20251)
    >>> bool(d["answers"]["archetype"].isin(ARCHETYPES).all())
    True
    """
    rng = np.random.default_rng(seed)
    kab, kec, des = _regions(rng)
    v = _village_context(rng, kab, des)
    summ, long = _idm(rng, v)
    c = _coops(rng, kab, v)
    reg = _registry(rng, c)
    truth = _survey_truth(rng, reg)
    out: dict[str, pd.DataFrame] = {}
    out.update(_export_regions(kab, kec, des))
    out["simkopdes_village_stats"] = _export_simkopdes(rng, kab, kec, v, reg)
    out.update(_export_idm(summ, long, v))
    out["podes"] = _export_podes(rng, v)
    survey, mess = _export_survey(rng, reg, truth, v)
    out["survey"] = survey
    out["answers"] = pd.DataFrame({"coop_id": reg["coop_id"], "kode_desa": reg["kode"],
                                   "archetype": reg["archetype"], "catatan": NOTE})
    keep = ["kode", "nama", "jenis", "kode_kecamatan", "kode_kabkota", "archetype", "u", "kode_bps", "population",
            "households", "n_markets", "n_shops", "n_banks", "n_micro_industries", "n_bumdes_units", "has_lpg_base",
            "has_health_facility", "has_pharmacy_village", "signal_4g", "road_access_village"]
    out["truth_villages"] = v[keep].copy()
    out["truth_cooperatives"] = truth.merge(reg[["coop_id", "kode", "reg_nib", "reg_rat", "reg_tx_volume",
                                                 "reg_tx_value_rp", "reg_savings_rp"]], on="coop_id")
    out["mess"] = pd.DataFrame([{"rule": k, "coop_ids": ";".join(map(str, vals))} for k, vals in mess.items()])
    return out


_TITLES = {
    "survey": ["SURVEI DAN PENILAIAN KESEHATAN KOPERASI DESA/KELURAHAN MERAH PUTIH — PROVINSI KALIMANTAN UTARA 2025",
               "DATA SINTETIS / SYNTHETIC DATA — dibuat oleh kaltara_study.synth (seed={seed}); bukan data "
               "sebenarnya. Nama, NIK dan No. HP ketua adalah SINTETIS."],
    "idm_wide": ["STATUS INDEKS DESA MEMBANGUN (IDM) TAHUN 2023-2024 — PROVINSI KALIMANTAN UTARA",
                 "DATA SINTETIS / SYNTHETIC DATA — kaltara_study.synth (seed={seed}); bukan data Kemendesa"],
}


def write_synthetic(folder: str | Path | None = None, seed: int = DEFAULT_SEED) -> dict[str, Path]:
    """Generate and write the SYNTHETIC raw exports (byte-identical for the same seed).

    Parameters
    ----------
    folder : path, optional
        Target folder (default ``data/raw/synthetic`` of the project).
    seed : int

    Returns
    -------
    dict
        kind → written path.

    Examples
    --------
    >>> paths = write_synthetic(tmp_path)  # doctest: +SKIP
    >>> sorted(p.name for p in paths.values())[0]  # doctest: +SKIP
    'ANSWERS_archetypes_SYNTHETIC.csv'
    """
    from kaltara_study.study import paths as _paths
    from kaltara_study.data.synth_write import write_csv, write_xlsx

    folder = Path(folder) if folder is not None else _paths().synthetic_raw
    data = generate(seed)
    written: dict[str, Path] = {}
    for kind, name in FILES.items():
        df = data[kind]
        path = folder / name
        if name.endswith(".xlsx"):
            titles = [[t.format(seed=seed)] for t in _TITLES[kind]]
            body = [list(df.columns)] + [[None if (not isinstance(x, str) and pd.isna(x)) else
                                          (x.item() if isinstance(x, np.generic) else x) for x in row]
                                         for row in df.itertuples(index=False, name=None)]
            written[kind] = write_xlsx(titles + [[]] + body, path, sheet="Data")
        elif kind == "podes":
            written[kind] = write_csv(df, path, sep=";", encoding="utf-8-sig")
        else:
            written[kind] = write_csv(df, path)
    return written
