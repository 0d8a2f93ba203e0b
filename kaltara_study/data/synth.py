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

Twins of the real public files (issue 10)
-----------------------------------------
Five files have the columns, column order and value formats of the real files of
``../shared/data/kaltara/`` (plus the trailing ``catatan`` = SYNTHETIC every synthetic file carries),
so one loader reads both: ``idm_SYNTHETIC_kaltara_{2023,2024}_desa.csv`` (IDM per desa; the values of
the IDM summary rounded to 4 decimals, status by the Permendesa thresholds; kelurahan have no IDM),
``idm_SYNTHETIC_kaltara_2024_desa_indicators.csv`` (the 50 scores; each dimension sums to the summary's
IKS·175, IKE·60, IKL·15; one desa flagged ``matches_official_iks_ike_ikl = 0``, as in the real file),
``simkopdes_SYNTHETIC_kaltara_locations.csv`` (all 411 cooperatives by official name and point) and
``simkopdes_SYNTHETIC_kaltara_land_assets.csv`` (land verification for about 60 %). Their truth —
SIMKOPDES id ↔ ``coop_id`` ↔ village code, the village centre, the land asset id and the defects
written on purpose — is in ``ANSWERS_cooperative_identity_SYNTHETIC.csv``.

Indicator scores follow a latent propensity per desa and indicator: an archetype shift
(``_IND_SHIFT``: coastal/trade → markets, shops, inns, logistics posts, public transport, poorer roads;
plantation → credit, road quality, economic institutions; remote → no doctor, upper school, electricity,
signal, internet, low openness), a kecamatan effect and village noise, mapped through each indicator's
real marginal distribution (``IDM_INDICATOR_COUNTS``, so the real supports such as {0, 5} or {1, 3, 5}
hold) and shifted per desa until the dimension totals equal the IDM summary. Tana Tidung desa keep the
scores of the older ``indicators_long`` file, so the two files agree (their scores follow only the
dimension level). Defects in the locations: two cooperatives sharing a point, names joining two
villages ("A B", "DESA A DAN B"), names after a hamlet, "DESA " prefixes, "KECAMATAN …" suffixes, "Sei"
for "Sungai", a desa cooperative called KELURAHAN, up to five cooperatives of a remote kecamatan at its
seat 20–50 km away, one point in the neighbouring kabupaten; in the land file "Tidak Ada Lahan" rows
without coordinates and two plots with a wrong-sign latitude. There are no synthetic polygons: the
kabupaten are the disjoint boxes ``KAB_BOX``.

These values come from their own streams ``np.random.default_rng([seed, k])`` (``_STREAM``), after the
main stream is spent, so every older file stays byte-identical.

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

from kaltara_study.data.idm import idm_status
from kaltara_study.data.schema import FORM_HEADERS
from kaltara_study.data.synth_write import write_csv, write_xlsx
from kaltara_study.paths import paths as _paths

__all__ = ["ARCHETYPES", "FILES", "IDM_INDICATORS", "IDM_INDICATOR_COUNTS", "KABKOTA", "KAB_BOX", "generate",
           "write_synthetic"]

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
    # shaped like the real public files of ../shared/data/kaltara/ (issue 10)
    "idm_desa_2023": "idm_SYNTHETIC_kaltara_2023_desa.csv",
    "idm_desa_2024": "idm_SYNTHETIC_kaltara_2024_desa.csv",
    "idm_indicators_2024": "idm_SYNTHETIC_kaltara_2024_desa_indicators.csv",
    "simkopdes_locations": "simkopdes_SYNTHETIC_kaltara_locations.csv",
    "simkopdes_land_assets": "simkopdes_SYNTHETIC_kaltara_land_assets.csv",
    "answers_identity": "ANSWERS_cooperative_identity_SYNTHETIC.csv",
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



# ============================================================================ public-data shaped files (issue 10)
# The real public files of ../shared/data/kaltara/ (IDM per desa per year, the 50 IDM-2024 indicator
# scores, the SIMKOPDES cooperative locations and the land verification) have SYNTHETIC twins with the
# same columns, order and value formats (plus a trailing ``catatan`` = SYNTHETIC, as every synthetic
# file). Their values are drawn from separate, seeded streams ``np.random.default_rng([seed, k])`` so
# that the older synthetic files stay byte-identical.
#
# Real marginal counts of the 50 IDM-2024 indicator scores (score 0, 1, ..., 5) over the 447 Kaltara
# desa, from ../shared/data/kaltara/idm_kaltara_2024_desa_indicators.csv (a public aggregate, hard-coded
# like the other aggregates): each synthetic indicator gets the real support and shape.
IDM_INDICATOR_COUNTS = (
    ("IKS01_AKSES_SARKES", (0, 7, 3, 2, 10, 425)),
    ("IKS02_DOKTER", (316, 0, 0, 0, 0, 131)),
    ("IKS03_BIDAN", (0, 79, 0, 0, 0, 368)),
    ("IKS04_NAKES_LAIN", (159, 0, 131, 61, 33, 63)),
    ("IKS05_KEPESERTAAN_BPJS", (0, 5, 63, 105, 55, 219)),
    ("IKS06_AKSES_POSKESDES", (0, 188, 7, 14, 17, 221)),
    ("IKS07_AKTIVITAS_POSYANDU", (0, 11, 1, 7, 6, 422)),
    ("IKS08_AKSES_SD_MI", (0, 2, 0, 0, 3, 442)),
    ("IKS09_AKSES_SMP_MTS", (0, 53, 2, 7, 15, 370)),
    ("IKS10_AKSES_SMA_SMK", (0, 146, 10, 20, 32, 239)),
    ("IKS11_PAUD", (0, 85, 0, 0, 0, 362)),
    ("IKS12_PKBM_PAKET_ABC", (0, 311, 0, 0, 0, 136)),
    ("IKS13_KURSUS", (0, 369, 0, 0, 0, 78)),
    ("IKS14_TAMAN_BACA_PERPUS", (0, 295, 0, 0, 0, 152)),
    ("IKS15_KEBIASAAN_GOTONG_ROYONG", (0, 0, 0, 0, 0, 447)),
    ("IKS16_FREKUENSI_GOTONG_ROYONG", (0, 0, 0, 9, 0, 438)),
    ("IKS17_RUANG_PUBLIK", (0, 115, 0, 0, 0, 332)),
    ("IKS18_KELOMPOK_OLAHRAGA", (24, 52, 179, 105, 53, 34)),
    ("IKS19_KEGIATAN_OLAHRAGA", (19, 56, 194, 106, 43, 29)),
    ("IKS20_KERAGAMAN_AGAMA", (0, 69, 0, 0, 0, 378)),
    ("IKS21_KERAGAMAN_BAHASA", (0, 18, 0, 0, 0, 429)),
    ("IKS22_KERAGAMAN_KOMUNIKASI", (0, 68, 0, 0, 0, 379)),
    ("IKS23_POSKAMLING", (0, 58, 0, 0, 0, 389)),
    ("IKS24_SISKAMLING", (0, 48, 0, 0, 0, 399)),
    ("IKS25_KONFLIK", (0, 10, 0, 0, 0, 437)),
    ("IKS26_PMKS", (0, 0, 1, 2, 16, 428)),
    ("IKS27_SLB", (0, 0, 0, 433, 0, 14)),
    ("IKS28_AKSES_LISTRIK", (0, 38, 15, 58, 50, 286)),
    ("IKS29_SINYAL_TELEPON", (12, 0, 0, 180, 0, 255)),
    ("IKS30_INTERNET_KANTOR_DESA", (0, 102, 0, 0, 0, 345)),
    ("IKS31_INTERNET_WARGA", (0, 97, 0, 0, 0, 350)),
    ("IKS32_AKSES_JAMBAN", (3, 0, 0, 8, 3, 433)),
    ("IKS33_SAMPAH", (16, 40, 0, 0, 265, 126)),
    ("IKS34_AIR_MINUM", (0, 0, 9, 58, 40, 340)),
    ("IKS35_AIR_MANDI_CUCI", (0, 3, 16, 59, 41, 328)),
    ("IKE01_KERAGAMAN_PRODUKSI", (0, 169, 0, 7, 0, 271)),
    ("IKE02_PERTOKOAN", (0, 130, 4, 10, 15, 288)),
    ("IKE03_PASAR", (0, 277, 0, 106, 0, 64)),
    ("IKE04_TOKO_WARUNG_KELONTONG", (0, 48, 45, 62, 54, 238)),
    ("IKE05_KEDAI_PENGINAPAN", (180, 0, 0, 195, 0, 72)),
    ("IKE06_POS_LOGISTIK", (324, 0, 0, 75, 0, 48)),
    ("IKE07_BANK_BPR", (294, 0, 0, 124, 0, 29)),
    ("IKE08_KREDIT", (0, 197, 123, 75, 30, 22)),
    ("IKE09_LEMBAGA_EKONOMI", (0, 67, 0, 235, 0, 145)),
    ("IKE10_TRANSPORTASI_UMUM", (0, 169, 0, 170, 0, 108)),
    ("IKE11_KETERBUKAAN_WILAYAH", (0, 70, 0, 66, 0, 311)),
    ("IKE12_KUALITAS_JALAN", (0, 6, 0, 94, 121, 226)),
    ("IKL01_KUALITAS_LINGKUNGAN", (2, 0, 4, 9, 41, 391)),
    ("IKL02_RAWAN_BENCANA", (2, 0, 0, 23, 156, 266)),
    ("IKL03_TANGGAP_BENCANA", (265, 0, 0, 113, 51, 18)),
)
IDM_INDICATORS = tuple(name for name, _ in IDM_INDICATOR_COUNTS)
_IND_DIMS = (("IKS", 35, 175), ("IKE", 12, 60), ("IKL", 3, 15))

# Archetype shifts of the latent indicator propensity, in latent SD units (a modelling choice). The
# dimension totals are fixed by the IDM summary (already archetype- and u-driven), so these shifts
# decide *which* indicators of a dimension carry a village's score: trade/coastal villages score on
# markets, shops, inns, logistics posts and public (boat) transport but have poorer roads; plantation
# villages on road quality, credit, economic institutions (cooperatives/BUMDes) and openness; remote
# villages lack doctors, upper schools, electricity, signal and internet, and score low on openness.
_IND_SHIFT = {
    "coastal": {"IKE03_PASAR": 0.8, "IKE06_POS_LOGISTIK": 0.7, "IKE05_KEDAI_PENGINAPAN": 0.5,
                "IKE10_TRANSPORTASI_UMUM": 0.5, "IKE02_PERTOKOAN": 0.4, "IKE04_TOKO_WARUNG_KELONTONG": 0.4,
                "IKE01_KERAGAMAN_PRODUKSI": 0.3, "IKE12_KUALITAS_JALAN": -0.6, "IKE08_KREDIT": -0.3,
                "IKE09_LEMBAGA_EKONOMI": -0.2,
                "IKS20_KERAGAMAN_AGAMA": 0.3, "IKS21_KERAGAMAN_BAHASA": 0.2, "IKS22_KERAGAMAN_KOMUNIKASI": 0.3,
                "IKS29_SINYAL_TELEPON": 0.3, "IKS34_AIR_MINUM": -0.4, "IKS35_AIR_MANDI_CUCI": -0.3,
                "IKS33_SAMPAH": -0.3, "IKL02_RAWAN_BENCANA": -0.5, "IKL03_TANGGAP_BENCANA": 0.3},
    "plantation": {"IKE08_KREDIT": 0.8, "IKE12_KUALITAS_JALAN": 0.7, "IKE09_LEMBAGA_EKONOMI": 0.6,
                   "IKE11_KETERBUKAAN_WILAYAH": 0.3, "IKE07_BANK_BPR": 0.2, "IKE03_PASAR": -0.5,
                   "IKE05_KEDAI_PENGINAPAN": -0.3, "IKE06_POS_LOGISTIK": -0.3, "IKE10_TRANSPORTASI_UMUM": -0.2,
                   "IKE01_KERAGAMAN_PRODUKSI": -0.3,
                   "IKS05_KEPESERTAAN_BPJS": 0.4, "IKS28_AKSES_LISTRIK": 0.3, "IKS20_KERAGAMAN_AGAMA": 0.4,
                   "IKS21_KERAGAMAN_BAHASA": 0.3, "IKS22_KERAGAMAN_KOMUNIKASI": 0.4,
                   "IKS18_KELOMPOK_OLAHRAGA": 0.2, "IKL01_KUALITAS_LINGKUNGAN": -0.5, "IKL02_RAWAN_BENCANA": 0.2},
    "remote": {"IKE11_KETERBUKAAN_WILAYAH": -0.7, "IKE10_TRANSPORTASI_UMUM": -0.5, "IKE07_BANK_BPR": -0.5,
               "IKE06_POS_LOGISTIK": -0.4, "IKE12_KUALITAS_JALAN": -0.3, "IKE02_PERTOKOAN": -0.2,
               "IKE01_KERAGAMAN_PRODUKSI": 0.3, "IKE09_LEMBAGA_EKONOMI": 0.2,
               "IKS02_DOKTER": -0.6, "IKS04_NAKES_LAIN": -0.4, "IKS10_AKSES_SMA_SMK": -0.6,
               "IKS09_AKSES_SMP_MTS": -0.4, "IKS12_PKBM_PAKET_ABC": -0.3, "IKS13_KURSUS": -0.4,
               "IKS28_AKSES_LISTRIK": -0.8, "IKS29_SINYAL_TELEPON": -0.9, "IKS30_INTERNET_KANTOR_DESA": -0.7,
               "IKS31_INTERNET_WARGA": -0.8, "IKS20_KERAGAMAN_AGAMA": -0.5, "IKS21_KERAGAMAN_BAHASA": -0.4,
               "IKS22_KERAGAMAN_KOMUNIKASI": -0.5, "IKS15_KEBIASAAN_GOTONG_ROYONG": 0.3,
               "IKS16_FREKUENSI_GOTONG_ROYONG": 0.3, "IKS23_POSKAMLING": 0.2, "IKS24_SISKAMLING": 0.2,
               "IKL01_KUALITAS_LINGKUNGAN": 0.5, "IKL03_TANGGAP_BENCANA": -0.5},
}
# kecamatan effect per indicator, village noise (latent SD units) and a common scale of the shifts above
_IND_KEC_SD, _IND_NOISE_SD, _IND_SCALE = 0.6, 0.9, 0.8

# synthetic kabupaten boxes (lat_min, lat_max, lon_min, lon_max): disjoint, shaped and placed like the
# real kabupaten (Malinau interior west, Nunukan north along the border, Bulungan south-east, Tana Tidung
# between, Tarakan the island); there are no synthetic polygons, so "inside the kabupaten" means inside
# its box
KAB_BOX = {"65.01": (2.10, 3.30, 116.40, 117.45), "65.02": (1.15, 3.60, 114.60, 116.40),
           "65.03": (3.60, 4.40, 115.60, 117.90), "65.04": (3.30, 3.60, 116.40, 117.45),
           "65.71": (3.24, 3.44, 117.52, 117.67)}
_LAND_STATUS = ("Terverifikasi", "Sedang Diverifikasi", "Tidak Ada Lahan", "Dipertimbangkan")
# probability that a cooperative has a land row, and status shares (Terverifikasi, Sedang Diverifikasi,
# Tidak Ada Lahan) given a row — shaped on the real file (250 of 411 rows; Tarakan 20/20 with 12 "no land")
_LAND_P = {"urban": 0.95, "coastal": 0.62, "plantation": 0.60, "remote": 0.52}
_LAND_SHARES = {"urban": (0.35, 0.10, 0.55), "coastal": (0.50, 0.38, 0.12), "plantation": (0.55, 0.37, 0.08),
                "remote": (0.35, 0.55, 0.10)}
# surveyor shares per status (real counts of the land file)
_SURVEYORS = {
    "Terverifikasi": (("Agrinas", 63), ("KOPERASI", 27), ("BUSINESS ASSISTANCE", 12),
                      ("KEMENTERIAN KESEHATAN", 7), ("TNI", 3), ("PMO", 2)),
    "Sedang Diverifikasi": (("KOPERASI", 54), ("KEMENTERIAN KESEHATAN", 22), ("PMO", 14),
                            ("BUSINESS ASSISTANCE", 7), ("Agrinas", 1), ("TNI", 1), ("DINAS KABUPATEN/KOTA", 1)),
    "Dipertimbangkan": (("KOPERASI", 1),),
}
_PUBLIC_COLUMNS = {
    "idm_desa": ["kode", "kode_idm", "kode_kabkota", "nama_kabkota", "kode_kecamatan", "nama_kecamatan",
                 "nama_desa", "nama_desa_idm", "tahun", "iks", "ike", "ikl", "idm", "status_idm", "sumber_nilai"],
    "idm_indicators": ["kode", "kode_idm", "nama_kabkota", "nama_kecamatan", "nama_desa", "tahun",
                       *IDM_INDICATORS, "iks_from_indicators", "ike_from_indicators", "ikl_from_indicators",
                       "matches_official_iks_ike_ikl"],
    "simkopdes_locations": ["cooperative_id", "name", "province", "district", "subdistrict", "latitude",
                            "longitude"],
    "simkopdes_land_assets": ["asset_id", "cooperative", "province", "district", "subdistrict", "village",
                              "status", "surveyor", "latitude", "longitude"],
}
# the sub-streams of np.random.default_rng([seed, k])
_STREAM = {"geometry": 1, "indicators": 2, "locations": 3, "land": 4, "indicator_defect": 5}


def _fmt_round4(x: float) -> str:
    """IDM-file number format: rounded to 4 decimals, trailing zeros dropped ("0.9", "1", "0.669")."""
    s = f"{round(float(x), 4):.4f}".rstrip("0").rstrip(".")
    return s


def _fmt_coord(x: float, decimals: int) -> str:
    """A coordinate with ``decimals`` decimals, trailing zeros dropped (the land file's mixed precision)."""
    s = f"{float(x):.{decimals}f}".rstrip("0").rstrip(".")
    return s


def _geometry(rng, kab: pd.DataFrame, kec: pd.DataFrame, des: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic kecamatan seats and village centres inside the kabupaten boxes (coastal to the east,
    remote interior to the west, towns near the coast)."""
    kc = kec[["kode", "kode_kabkota", "archetype"]].copy()
    towns = set(des.loc[des["jenis"] == "kelurahan", "kode_kecamatan"])
    n_kec = kc["kode_kabkota"].value_counts()
    frac_a = {"coastal": (5, 2), "plantation": (3, 3), "remote": (2, 5)}
    lat, lon, rad = [], [], []
    for r in kc.itertuples():
        la0, la1, lo0, lo1 = KAB_BOX[r.kode_kabkota]
        a, b = (6, 2) if r.kode in towns else frac_a[r.archetype]
        fx, fy = rng.beta(a, b), rng.uniform(0.1, 0.9)
        lat.append(la0 + fy * (la1 - la0))
        lon.append(lo0 + fx * (lo1 - lo0))
        rad.append(0.5 * np.sqrt((la1 - la0) * (lo1 - lo0) / n_kec[r.kode_kabkota]))
    kc["lat"], kc["lon"], kc["radius"] = lat, lon, rad
    g = des[["kode", "kode_kecamatan", "kode_kabkota", "jenis"]].merge(
        kc[["kode", "lat", "lon", "radius"]].rename(columns={"kode": "kode_kecamatan"}), on="kode_kecamatan",
        how="left")
    sd = np.where(g["jenis"] == "kelurahan", 0.12, 0.35) * g["radius"].to_numpy()
    box = np.array([KAB_BOX[k] for k in g["kode_kabkota"]])
    g["lat"] = np.clip(g["lat"].to_numpy() + sd * rng.normal(size=len(g)), box[:, 0] + 0.005, box[:, 1] - 0.005)
    g["lon"] = np.clip(g["lon"].to_numpy() + sd * rng.normal(size=len(g)), box[:, 2] + 0.005, box[:, 3] - 0.005)
    return kc, g[["kode", "lat", "lon"]]


def _fit_scores(z: np.ndarray, totals: np.ndarray, supports: list[np.ndarray], cuts: list[np.ndarray]
                ) -> np.ndarray:
    """Integer scores (villages × indicators) that follow the latent propensities ``z`` through each
    indicator's real support and quantile cuts and sum exactly to ``totals`` per village.

    A common shift ``c`` per village (bisection) raises or lowers every propensity until the scores'
    sum is as close to the total as the step functions allow; the remainder is placed on the indicators
    nearest their next threshold, with steps on their support where possible (off-support steps of one
    only when nothing else fits, as the real data has a few off-support values).
    """
    n, k = z.shape

    def scores(x):
        return np.column_stack([supports[j][np.searchsorted(cuts[j], x[:, j], side="right")] for j in range(k)])

    lo, hi = np.full(n, -10.0), np.full(n, 10.0)
    for _ in range(60):
        mid = (lo + hi) / 2
        ok = scores(z + mid[:, None]).sum(axis=1) <= totals
        lo = np.where(ok, mid, lo)
        hi = np.where(ok, hi, mid)
    x = z + lo[:, None]
    s = scores(x)
    if k <= 3:  # few indicators (IKL): the best on-support combination with the exact total
        grid = np.array(np.meshgrid(*[np.arange(6)] * k, indexing="ij")).reshape(k, -1).T  # (6^k, k)
        pen = np.zeros((n, len(grid)))
        for j in range(k):
            lo_e = np.concatenate([[-np.inf], cuts[j]])
            hi_e = np.concatenate([cuts[j], [np.inf]])
            pos = np.searchsorted(supports[j], grid[:, j])
            on = (pos < len(supports[j])) & (supports[j][np.minimum(pos, len(supports[j]) - 1)] == grid[:, j])
            pj = np.minimum(pos, len(supports[j]) - 1)
            dist = np.maximum(lo_e[pj][None, :] - x[:, [j]], 0) + np.maximum(x[:, [j]] - hi_e[pj][None, :], 0)
            pen += dist + np.where(on, 0.0, 10.0)[None, :]
        pen += np.where(grid.sum(axis=1)[None, :] == totals[:, None], 0.0, np.inf)
        return grid[np.argmin(pen, axis=1)].copy()
    for i in range(n):
        r = int(totals[i] - s[i].sum())
        while r != 0:
            up = r > 0
            best, best_gap, best_step = None, np.inf, 0
            for j in range(k):
                sup, cut = supports[j], cuts[j]
                pos = int(np.searchsorted(sup, s[i, j]))
                on_support = pos < len(sup) and sup[pos] == s[i, j]
                if up:
                    if s[i, j] >= 5:
                        continue
                    nxt = sup[pos + 1] if on_support and pos + 1 < len(sup) else s[i, j] + 1
                    step = int(nxt - s[i, j]) if nxt - s[i, j] <= r else 1
                    gap = (cut[pos] - x[i, j]) if on_support and pos < len(cut) else 5.0
                    gap += 0.0 if nxt - s[i, j] <= r else 10.0  # off-support steps last
                else:
                    if s[i, j] <= 0:
                        continue
                    prv = sup[pos - 1] if on_support and pos >= 1 else s[i, j] - 1
                    step = -(int(s[i, j] - prv) if s[i, j] - prv <= -r else 1)
                    gap = (x[i, j] - cut[pos - 1]) if on_support and pos >= 1 else 5.0
                    gap += 0.0 if s[i, j] - prv <= -r else 10.0
                if gap < best_gap:
                    best, best_gap, best_step = j, gap, step
            if best is None:
                raise AssertionError(f"total {totals[i]} cannot be reached with {k} indicators")
            s[i, best] += best_step
            r -= best_step
    return s


def _indicators_2024(rng, v: pd.DataFrame, long: pd.DataFrame) -> pd.DataFrame:
    """The 50 IDM-2024 indicator scores per desa, consistent with the IDM summary's dimension totals.

    Tana Tidung desa keep the scores of the IDM indicators_long file (the two files agree there, as the
    real sample and the real province file do); every other desa gets archetype-driven scores.
    """
    desa = v[v["jenis"] == "desa"].reset_index(drop=True)
    n = len(desa)
    l24 = long[long["tahun"] == 2024]
    counts = dict(IDM_INDICATOR_COUNTS)
    kec_codes = desa["kode_kecamatan"].to_numpy()
    kec_uni, kec_idx = np.unique(kec_codes, return_inverse=True)
    out = pd.DataFrame({"kode": desa["kode"].to_numpy()})
    start = 0
    for dim, k, _den in _IND_DIMS:
        names = IDM_INDICATORS[start: start + k]
        start += k
        supports, cuts = [], []
        for name in names:
            cnt = np.asarray(counts[name], dtype=float)
            sup = np.flatnonzero(cnt > 0)
            cum = np.cumsum(cnt[sup])[:-1] / cnt.sum()
            supports.append(sup)
            cuts.append(_norm_ppf(cum))
        shift = _IND_SCALE * np.array([[_IND_SHIFT.get(a, {}).get(nm, 0.0) for nm in names]
                                       for a in desa["archetype"]])
        kec_eff = _IND_KEC_SD * rng.normal(size=(len(kec_uni), k))
        z = shift + kec_eff[kec_idx] + _IND_NOISE_SD * rng.normal(size=(n, k))
        pinned = (l24[l24["dimensi"] == dim].pivot(index="kode", columns="no", values="skor_0_5")
                  .loc[desa["kode"]].to_numpy())
        totals = pinned.sum(axis=1)
        s = _fit_scores(z, totals, supports, cuts)
        tt = desa["kode_kabkota"].eq("65.04").to_numpy()
        s[tt] = pinned[tt]
        for j, name in enumerate(names):
            out[name] = s[:, j].astype(int)
    return out


def _norm_ppf(p: np.ndarray) -> np.ndarray:
    """Standard normal quantiles (Acklam's rational approximation, |error| < 1.2e-9; no scipy needed)."""
    p = np.asarray(p, dtype=float)
    a = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
         -3.066479806614716e+01, 2.506628277459239e+00)
    b = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
         -1.328068155288572e+01)
    c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
         4.374664141464968e+00, 2.938163982698783e+00)
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00)
    out = np.empty_like(p)
    lo, hi = p < 0.02425, p > 1 - 0.02425
    mid = ~(lo | hi)
    q = p[mid] - 0.5
    r = q * q
    out[mid] = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
                (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1))
    for m, sign, pp in ((lo, 1.0, p[lo]), (hi, -1.0, 1 - p[hi])):
        q = np.sqrt(-2 * np.log(pp))
        out[m] = sign * ((((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
                         ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1))
    return out


def _export_idm_desa(summ: pd.DataFrame, v: pd.DataFrame, year: int) -> pd.DataFrame:
    """``idm_kaltara_<year>_desa.csv``-shaped: one row per desa (kelurahan have no IDM)."""
    s = summ[summ["tahun"] == year].sort_values("kode", kind="stable").reset_index(drop=True)
    d = v.set_index("kode").loc[s["kode"]]
    out = pd.DataFrame({
        "kode": s["kode"].to_numpy(), "kode_idm": s["kode"].str.replace(".", "").to_numpy(),
        "kode_kabkota": d["kode_kabkota"].to_numpy(), "nama_kabkota": d["nama_kabkota"].to_numpy(),
        "kode_kecamatan": d["kode_kecamatan"].to_numpy(), "nama_kecamatan": d["nama_kecamatan"].to_numpy(),
        "nama_desa": d["nama"].to_numpy(), "nama_desa_idm": d["nama"].str.upper().to_numpy(), "tahun": year,
        "iks": s["IKS"].map(_fmt_round4).to_numpy(), "ike": s["IKE"].map(_fmt_round4).to_numpy(),
        "ikl": s["IKL"].map(_fmt_round4).to_numpy(), "idm": s["IDM"].map(_fmt_round4).to_numpy(),
        "status_idm": s["status"].to_numpy(), "sumber_nilai": "Reguler", "catatan": NOTE})
    return out


def _export_indicators(rng, ind: pd.DataFrame, v: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """``idm_kaltara_2024_desa_indicators.csv``-shaped, with one desa whose indicator scores disagree
    with its official sub-indices (flagged 0, as the real file flags 6503172008)."""
    ind = ind.sort_values("kode", kind="stable").reset_index(drop=True)
    d = v.set_index("kode").loc[ind["kode"]]
    scores = ind[list(IDM_INDICATORS)].to_numpy().copy()
    cand = np.flatnonzero(~ind["kode"].str.startswith("65.04.").to_numpy())
    bad = int(rng.choice(cand))
    j = int(rng.integers(35, 47))  # an IKE indicator typed one off in the source
    scores[bad, j] += 1 if scores[bad, j] < 5 else -1
    out = pd.DataFrame({"kode": ind["kode"].to_numpy(), "kode_idm": ind["kode"].str.replace(".", "").to_numpy(),
                        "nama_kabkota": d["nama_kabkota"].to_numpy(), "nama_kecamatan": d["nama_kecamatan"].to_numpy(),
                        "nama_desa": d["nama"].to_numpy(), "tahun": 2024})
    out = pd.concat([out, pd.DataFrame(scores, columns=list(IDM_INDICATORS))], axis=1)
    sub = {}
    start = 0
    for dim, k, den in _IND_DIMS:
        sub[dim] = scores[:, start: start + k].sum(axis=1) / den
        start += k
        out[f"{dim.lower()}_from_indicators"] = [_fmt_round4(x) for x in sub[dim]]
    match = np.ones(len(out), dtype=int)
    match[bad] = 0
    out["matches_official_iks_ike_ikl"] = match
    out["catatan"] = NOTE
    return out, str(out.at[bad, "kode"])


def _coop_name(kind: str, village: str) -> str:
    return f"KOPERASI {kind} MERAH PUTIH {village}"


def _locations(rng, kec: pd.DataFrame, v: pd.DataFrame, reg: pd.DataFrame, kc: pd.DataFrame, geo: pd.DataFrame,
               taken: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``simkopdes_kaltara_locations.csv``-shaped rows (one per cooperative) and their truth."""
    n = len(reg)
    g = geo.set_index("kode")
    kecn = kec.set_index("kode")["nama"]
    vv = v.set_index("kode")
    kode = reg["kode"].to_numpy()
    kec_of = vv.loc[kode, "kode_kecamatan"].to_numpy()
    kab_of = reg["kode_kabkota"].to_numpy()
    vlat, vlon = g.loc[kode, "lat"].to_numpy(), g.loc[kode, "lon"].to_numpy()
    lat = vlat + 0.004 * rng.normal(size=n)
    lon = vlon + 0.004 * rng.normal(size=n)
    ids = rng.choice(np.arange(1000, 90000), size=n, replace=False)
    defects: list[list[str]] = [[] for _ in range(n)]
    other = [""] * n
    vname = [str(x).upper() for x in reg["nama"]]
    kind = np.where(reg["jenis"].to_numpy() == "kelurahan", "KELURAHAN", "DESA").astype(object)
    prefix = [""] * n
    suffix = [""] * n
    # the second cooperative of the two-cooperative village, and one more, are named after a hamlet
    # (no village name in the name: only the land file's village column or the point can place them)
    two = np.flatnonzero(reg["coop_id"].str.endswith("-2").to_numpy())
    desa_rows = np.flatnonzero((reg["jenis"] == "desa").to_numpy() & (reg["n_in_village"] == 1).to_numpy())
    perm = rng.permutation(desa_rows)
    hamlet_rows = list(two) + [int(perm[0])]
    hamlets = _names(rng, len(hamlet_rows), taken, prefix_p=0.6)
    for i, h in zip(hamlet_rows, hamlets):
        vname[i] = h.upper()
        defects[i].append("hamlet_name")
    # names joining two villages: the cooperative's village and a desa of its kecamatan without its own row
    with_coop = set(kode)
    no_coop = v[(v["jenis"] == "desa") & ~v["kode"].isin(with_coop)]
    joined = []
    for i in perm[1:]:
        if len(joined) == 2:
            break
        cand = no_coop[no_coop["kode_kecamatan"] == kec_of[i]]
        if len(cand):
            b = cand.iloc[int(rng.integers(0, len(cand)))]
            joined.append(i)
            vname[i] = (f"{vname[i]} {b['nama'].upper()}" if len(joined) == 1
                        else f"{vname[i]} DAN {b['nama'].upper()}")
            if len(joined) == 2:
                prefix[i] = "DESA "
            other[i] = b["kode"]
            defects[i].append("joined_name")
    special = set(hamlet_rows) | set(joined)
    rest = [int(i) for i in perm[1:] if int(i) not in special]
    wrong_kind = rest[0]
    kind[wrong_kind] = "KELURAHAN"
    defects[wrong_kind].append("kelurahan_in_name")
    for i in range(n):
        if i in special:
            continue
        if vname[i].startswith("SUNGAI ") and rng.random() < 0.15:
            vname[i] = "SEI " + vname[i][7:]
            defects[i].append("spelling")
        if kind[i] == "DESA" and rng.random() < 0.02:
            prefix[i] = "DESA "
            defects[i].append("desa_prefix")
        if rng.random() < 0.10:
            suffix[i] = " KECAMATAN " + kecn[kec_of[i]].upper()
            defects[i].append("kecamatan_suffix")
    names = [_coop_name(kind[i], prefix[i] + vname[i] + suffix[i]) for i in range(n)]
    # coordinates: one remote kecamatan's cooperatives at the kecamatan seat (up to 5), one shared point,
    # one point in the neighbouring kabupaten
    kca = kc.set_index("kode")
    is_desa = (reg["jenis"] == "desa").to_numpy()
    remote_kec = [k for k in kca.index[(kca["archetype"] == "remote") & (kca["kode_kabkota"] == "65.03")]
                  if ((kec_of == k) & is_desa).sum() >= 4]
    seat_kec = remote_kec[int(rng.integers(0, len(remote_kec)))] if remote_kec else kec_of[perm[0]]
    seat_rows = [i for i in np.flatnonzero((kec_of == seat_kec) & is_desa) if i not in special][:5]
    # the seat lies away from the villages' centre (as the real Lumbis seat, 24-89 km from its villages)
    la0, la1, lo0, lo1 = KAB_BOX[seat_kec[:5]]
    angle = rng.uniform(0, 2 * np.pi)
    seat_lat = float(np.clip(kca.at[seat_kec, "lat"] + 0.3 * np.sin(angle), la0 + 0.01, la1 - 0.01))
    seat_lon = float(np.clip(kca.at[seat_kec, "lon"] + 0.3 * np.cos(angle), lo0 + 0.01, lo1 - 0.01))
    for i in seat_rows:
        lat[i] = seat_lat + 0.0004 * rng.normal()
        lon[i] = seat_lon + 0.0004 * rng.normal()
        defects[i].append("at_kecamatan_seat")
    pool = [i for i in rest[1:] if i not in seat_rows and not defects[i]]
    pairs = [(a, b) for a in pool for b in pool if a < b and kec_of[a] == kec_of[b]]
    a, b = pairs[int(rng.integers(0, len(pairs)))]
    lat[b], lon[b] = lat[a], lon[a]
    defects[a].append("shared_point")
    defects[b].append("shared_point")
    out_kab = next(i for i in pool[2:] if kab_of[i] == "65.01" and i != b)
    la0, la1, lo0, lo1 = KAB_BOX["65.04"]
    lat[out_kab] = la0 + 0.02 + 0.05 * rng.random()
    lon[out_kab] = min(max(lon[out_kab], lo0 + 0.02), lo1 - 0.02)
    defects[out_kab].append("outside_kabupaten")
    district = [("KOTA " if k == "65.71" else "KAB. ") + n_.split(" ", 1)[1].upper()
                for k, n_ in zip(kab_of, reg["nama_kabkota"])]
    loc = pd.DataFrame({"cooperative_id": ids, "name": names, "province": "KALIMANTAN UTARA", "district": district,
                        "subdistrict": kecn.loc[kec_of].to_numpy(), "latitude": [f"{x:.8f}" for x in lat],
                        "longitude": [f"{x:.8f}" for x in lon], "catatan": NOTE})
    dist_km = 111.2 * np.hypot(lat - vlat, (lon - vlon) * np.cos(np.radians(vlat)))
    truth = pd.DataFrame({"cooperative_id": ids, "coop_id": reg["coop_id"].to_numpy(), "kode_desa": kode,
                          "other_kode_desa": other, "village_lat": np.round(vlat, 6), "village_lon": np.round(vlon, 6),
                          "distance_to_village_km": np.round(dist_km, 2), "defects": [";".join(d) for d in defects]})
    # row order: kabupaten, kecamatan in a registry order of its own, then cooperative id
    kec_rank = {k: r for r, k in enumerate(rng.permutation(kec["kode"].to_numpy()))}
    order = np.lexsort((ids, [kec_rank[k] for k in kec_of], kab_of))
    return loc.iloc[order].reset_index(drop=True), truth.iloc[order].reset_index(drop=True)


def _land_assets(rng, loc: pd.DataFrame, truth: pd.DataFrame, reg: pd.DataFrame, coops: pd.DataFrame,
                 v: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``simkopdes_kaltara_land_assets.csv``-shaped rows for about 60 % of the cooperatives."""
    r = reg.set_index("coop_id").loc[truth["coop_id"]]
    prem = coops.set_index("coop_id").loc[truth["coop_id"], "premises"].to_numpy()
    arch = r["archetype"].to_numpy()
    cap = r["capacity"].to_numpy()
    n = len(truth)
    p = _sig(_logit(np.array([_LAND_P[a] for a in arch])) + 0.3 * cap)
    has = rng.random(n) < p
    has |= truth["defects"].str.contains("hamlet_name").to_numpy()
    status = np.empty(n, dtype=object)
    for i in np.flatnonzero(has):
        w = np.array(_LAND_SHARES[arch[i]]) * np.array([np.exp(0.4 * cap[i]), 1.0, 2.0 if prem[i] == "none" else 1.0])
        status[i] = _LAND_STATUS[int(rng.choice(3, p=w / w.sum()))]
    cons = [i for i in np.flatnonzero(has) if arch[i] != "urban" and status[i] != "Tidak Ada Lahan"]
    status[int(rng.choice(cons))] = "Dipertimbangkan"
    surveyor = np.full(n, "", dtype=object)
    for i in np.flatnonzero(has):
        if status[i] in _SURVEYORS:
            names, w = zip(*_SURVEYORS[status[i]])
            w = np.asarray(w, dtype=float)
            surveyor[i] = names[int(rng.choice(len(names), p=w / w.sum()))]
    plat = truth["village_lat"].to_numpy() + 0.008 * rng.normal(size=n)
    plon = truth["village_lon"].to_numpy() + 0.008 * rng.normal(size=n)
    dec = rng.choice(np.array([6, 7, 8, 9, 10, 14]), size=n)
    with_xy = [i for i in np.flatnonzero(has) if status[i] != "Tidak Ada Lahan"]
    wrong_sign = rng.choice(with_xy, size=2, replace=False)
    plat[wrong_sign] = -plat[wrong_sign]
    # the village column carries the Kemendagri name (as in the real file, where it always matches)
    village = v.set_index("kode")["nama"].loc[truth["kode_desa"]].to_numpy()
    asset_ids = rng.choice(np.arange(800, 81000), size=n, replace=False)
    no_xy = status == "Tidak Ada Lahan"
    land = pd.DataFrame({
        "asset_id": asset_ids, "cooperative": loc["name"].to_numpy(), "province": "KALIMANTAN UTARA",
        "district": loc["district"].to_numpy(), "subdistrict": loc["subdistrict"].to_numpy(), "village": village,
        "status": status, "surveyor": surveyor,
        "latitude": ["" if no_xy[i] else _fmt_coord(plat[i], int(dec[i])) for i in range(n)],
        "longitude": ["" if no_xy[i] else _fmt_coord(plon[i], int(dec[i])) for i in range(n)],
        "catatan": NOTE})
    asset = pd.Series(np.where(has, asset_ids, -1), index=truth.index)
    flags = truth["defects"].copy()
    for i in wrong_sign:
        flags.iat[i] = ";".join([f for f in (flags.iat[i], "land_wrong_sign_latitude") if f])
    land = land[has]
    # row order: kabupaten in an order of their own (Nunukan first, as in the real file), kecamatan, id
    kab_rank = {"KAB. NUNUKAN": 0, "KAB. MALINAU": 1, "KAB. BULUNGAN": 2, "KAB. TANA TIDUNG": 3, "KOTA TARAKAN": 4}
    land = land.iloc[np.lexsort((land["asset_id"].to_numpy(), land["subdistrict"].to_numpy(),
                                 land["district"].map(kab_rank).to_numpy()))].reset_index(drop=True)
    return land, pd.DataFrame({"asset_id": asset.where(asset >= 0).astype("Int64"), "defects": flags})


def _public_shaped(seed: int, kab, kec, des, v, summ, long, reg, truth) -> dict[str, pd.DataFrame]:
    """The public-data shaped files, from their own streams ``default_rng([seed, k])``."""
    kc, geo = _geometry(np.random.default_rng([seed, _STREAM["geometry"]]), kab, kec, des)
    ind = _indicators_2024(np.random.default_rng([seed, _STREAM["indicators"]]), v, long)
    out: dict[str, pd.DataFrame] = {}
    out["idm_desa_2023"] = _export_idm_desa(summ, v, 2023)
    out["idm_desa_2024"] = _export_idm_desa(summ, v, 2024)
    rng_loc = np.random.default_rng([seed, _STREAM["locations"]])
    out["idm_indicators_2024"], _bad = _export_indicators(
        np.random.default_rng([seed, _STREAM["indicator_defect"]]), ind, v)
    taken = set(des["nama"].str.lower()) | set(kec["nama"].str.lower())
    loc, idt = _locations(rng_loc, kec, v, reg, kc, geo, taken)
    land, land_truth = _land_assets(np.random.default_rng([seed, _STREAM["land"]]), loc, idt, reg, truth, v)
    out["simkopdes_locations"] = loc
    out["simkopdes_land_assets"] = land
    idt = idt.assign(asset_id=land_truth["asset_id"].array, defects=land_truth["defects"].to_numpy())
    out["answers_identity"] = idt[["cooperative_id", "coop_id", "kode_desa", "other_kode_desa", "asset_id",
                                   "village_lat", "village_lon", "distance_to_village_km", "defects"]].assign(
        catatan=NOTE)
    out["truth_indicators"] = ind.merge(v[["kode", "archetype", "u"]], on="kode", how="left")
    out["truth_geometry"] = geo
    return out


def generate(seed: int = DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """Generate every SYNTHETIC raw export as a DataFrame (pure, deterministic in ``seed``).

    Returns
    -------
    dict
        Raw exports keyed like ``FILES`` (cells as they will be written, i.e. strings with the
        realistic mess), plus ``"answers"`` (coop → archetype), ``"truth_villages"``,
        ``"truth_cooperatives"``, ``"truth_indicators"`` (the 50 scores before the one typed defect,
        with archetype and ``u``) and ``"truth_geometry"`` (village centres) — the clean latent
        values, never written to disk — and ``"mess"`` (a one-column frame listing the injected
        problems per rule).

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
    out.update(_public_shaped(seed, kab, kec, des, v, summ, long, reg, truth))
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
