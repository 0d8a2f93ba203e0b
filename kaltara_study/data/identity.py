"""Cooperative identity: each SIMKOPDES cooperative (location row) → its Kemendagri village.

The locations file names every cooperative "KOPERASI DESA/KELURAHAN MERAH PUTIH <village>
[KECAMATAN …]" with its kabupaten and kecamatan, but gives no village code. :func:`match_cooperatives`
finds the village inside the cooperative's kecamatan from several kinds of evidence, strongest first,
and never joins on weak evidence:

1. ``exact``: the village part of the name, normalised (case, punctuation, "DESA"/"LOKASI" prefixes,
   a trailing kecamatan or kabupaten name, number words → roman numerals, Sei → Sungai …), equals
   exactly one village name of the kecamatan;
2. ``fuzzy``: rapidfuzz ``token_sort_ratio`` ≥ :data:`FUZZY_CUT` (90) for one village and at least
   :data:`FUZZY_MARGIN` (5) points above the next (a spelling variant: "Long Paliran"/"Long Peliran");
3. ``land``: the land-verification file (joined by cooperative name + kabupaten + kecamatan) names
   the village, and that name is exact in the kecamatan;
4. ``registry``: the name joins several villages (a merged cooperative, "PA BUTAL PA URUD") or is not
   a village name at all, and exactly one of its candidate villages holds a SIMKOPDES registry row
   not yet taken by another cooperative (the registry records where the cooperative is registered);
5. ``polygon``: the cooperative's point lies inside the village polygon of its best name candidate
   (score ≥ :data:`POLYGON_CUT`, 70): two weak pieces of evidence that agree.

Anything else stays unmatched (``kode_desa`` NA) with its candidates listed: ``ambiguous`` when
several villages remain, ``unmatched`` otherwise. Coordinates are checked against the polygons:
outside the kabupaten, or farther than :data:`FAR_KM` (5 km) from the matched village, is flagged
with the distance (UTM 50N, EPSG:32650, which covers Kaltara).

>>> clean_village_part(pd.Series(["KOPERASI DESA MERAH PUTIH SALANG TULIN ONSOI"]),
...                    kecamatan=pd.Series(["Tulin Onsoi"]), kabupaten=pd.Series(["KAB. NUNUKAN"])).tolist()
['salang']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from kaltara_study.data.regions import match_names, normalise_region_name

__all__ = ["FAR_KM", "FUZZY_CUT", "FUZZY_MARGIN", "IDENTITY_COLUMNS", "IdentityResult", "POLYGON_CUT",
           "clean_village_part", "coordinate_checks", "haversine_km", "match_cooperatives", "land_key"]

FUZZY_CUT = 90.0
FUZZY_MARGIN = 5.0
POLYGON_CUT = 70.0
FAR_KM = 5.0
METRIC_CRS = 32650  # WGS 84 / UTM zone 50N (114°E–120°E): all of Kaltara
METHODS = ("exact", "fuzzy", "land", "registry", "polygon", "ambiguous", "unmatched")

_PREFIX = re.compile(r"^\s*koperasi\s+(?:desa\s*/\s*kelurahan|desa|kelurahan)\s+merah\s+putih\s+", re.I)
_NUMBER_WORDS = {"satu": "i", "dua": "ii", "tiga": "iii", "empat": "iv", "lima": "v", "enam": "vi",
                 "tujuh": "vii", "delapan": "viii", "sembilan": "ix", "sepuluh": "x"}

IDENTITY_COLUMNS = ["cooperative_id", "nama_koperasi", "village_part", "kode_kabkota", "kode_kecamatan",
                    "kode_desa", "nama_desa_match", "match_method", "match_score", "n_candidates", "candidates",
                    "joins_villages", "land_village", "land_agrees", "polygon_kode_desa", "polygon_agrees",
                    "latitude", "longitude",
                    "in_kabupaten", "dist_kabupaten_km", "dist_village_km", "coord_flag", "name_jenis"]


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km (mean Earth radius 6371.0088 km); NaN where a coordinate is missing.

    >>> round(float(haversine_km(0, 0, 0, 1)), 1)
    111.2
    """
    la1, lo1, la2, lo2 = (np.radians(np.asarray(x, dtype=float)) for x in (lat1, lon1, lat2, lon2))
    a = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _norm(values: pd.Series) -> pd.Series:
    t = normalise_region_name(values, level="desa")
    for w, r in _NUMBER_WORDS.items():
        t = t.str.replace(rf"\b{w}\b", r, regex=True)
    return t


def clean_village_part(names: pd.Series, *, kecamatan: pd.Series, kabupaten: pd.Series) -> pd.Series:
    """The normalised village part of "KOPERASI DESA/KELURAHAN MERAH PUTIH <village> [KECAMATAN …]".

    Drops the prefix, a "KECAMATAN …" tail, a trailing kecamatan name, "KOTA <kota>" or the kabupaten
    name (when something remains), leading "DESA"/"KELURAHAN"/"LOKASI", then normalises like
    :func:`kaltara_study.data.regions.normalise_region_name` with number words as roman numerals.
    """
    raw = names.astype("string").str.replace(_PREFIX, "", regex=True)
    raw = raw.str.replace(r"\s+kecamatan\s+.*$", "", regex=True, case=False)
    t = _norm(raw.astype(object))
    t = t.str.replace(r"^(?:desa|kelurahan|lokasi)\s+", "", regex=True)
    kec = _norm(kecamatan.astype(object)).to_numpy()
    kab = normalise_region_name(kabupaten.astype(object), level="kabkota").to_numpy()
    out = []
    for v, k, b in zip(t.to_numpy(dtype=object), kec, kab):
        out.append(_variants(v, k, b)[-1] if isinstance(v, str) else None)
    return pd.Series(out, index=names.index, dtype=object)


def _variants(v: str, kec: str | None, kab: str | None) -> list[str]:
    """The name as given, then with a trailing "kota <kab>", kecamatan or kabupaten name removed."""
    out = [v]
    for tail in (f"kota {kab}" if isinstance(kab, str) else None, kec, kab):
        if isinstance(tail, str) and v.endswith(" " + tail) and len(v) > len(tail) + 1:
            v = v[: -len(tail) - 1].strip()
            out.append(v)
    return out


def land_key(name: pd.Series, district: pd.Series, subdistrict: pd.Series) -> pd.Series:
    """Join key of a cooperative in the location and land files: normalised name | kabupaten | kecamatan."""
    n = name.astype("string").str.upper().str.replace(r"[^0-9A-Z]+", " ", regex=True).str.strip()
    d = normalise_region_name(district.astype(object), level="kabkota").astype("string")
    s = normalise_region_name(subdistrict.astype(object), level="kecamatan").astype("string")
    return (n + "|" + d + "|" + s).astype(object)


@dataclass(frozen=True)
class IdentityResult:
    """Result of :func:`match_cooperatives`.

    Attributes
    ----------
    matches : DataFrame
        One row per location row, in input order (:data:`IDENTITY_COLUMNS`).
    summary : DataFrame
        ``match_method, n`` for every method (zeros included), then ``matched`` and ``total``.
    problems : DataFrame
        The rows needing attention: unmatched/ambiguous rows with their candidates, names that join
        several villages, coordinate flags, registry count disagreements (``cooperative_id, issue,
        detail``).
    registry : DataFrame
        Per village code: cooperatives in the registry vs location rows matched to it.
    """

    matches: pd.DataFrame
    summary: pd.DataFrame
    problems: pd.DataFrame
    registry: pd.DataFrame

    @property
    def n_matched(self) -> int:
        return int(self.matches["kode_desa"].notna().sum())


def _candidates_text(cands: list[tuple[str, str, float]]) -> str:
    return "; ".join(f"{c} {n} ({s:.0f})" for c, n, s in cands)


def coordinate_checks(points: pd.DataFrame, *, kode_desa: pd.Series, kode_kabkota: pd.Series,
                      boundaries_desa=None, boundaries_kabkota=None) -> pd.DataFrame:
    """Point-in-polygon village, inside-kabupaten test and distances (km) for each point.

    Parameters
    ----------
    points : DataFrame
        ``latitude``, ``longitude`` (WGS84).
    kode_desa, kode_kabkota : Series
        The matched village and the stated kabupaten of each point (NA allowed).
    boundaries_desa, boundaries_kabkota : GeoDataFrame, optional
        Polygons with dotted ``kode`` (:func:`kaltara_study.data.sources.read_boundaries`).

    Returns
    -------
    DataFrame
        ``polygon_kode_desa, in_kabupaten, dist_kabupaten_km, dist_village_km, coord_flag`` aligned to
        ``points``; distances are 0 inside the polygon, NaN without a polygon or a point.
    """
    import geopandas as gpd

    n = len(points)
    out = pd.DataFrame({"polygon_kode_desa": pd.array([pd.NA] * n, dtype="string"),
                        "in_kabupaten": pd.array([pd.NA] * n, dtype="boolean"),
                        "dist_kabupaten_km": np.full(n, np.nan), "dist_village_km": np.full(n, np.nan),
                        "coord_flag": pd.array([pd.NA] * n, dtype="string")}, index=points.index)
    lat = pd.to_numeric(points["latitude"], errors="coerce")
    lon = pd.to_numeric(points["longitude"], errors="coerce")
    ok = (lat.notna() & lon.notna()).to_numpy()
    pts = gpd.GeoSeries(gpd.points_from_xy(lon.fillna(0), lat.fillna(0)), index=points.index, crs=4326)
    flags = [[] for _ in range(n)]
    if not ok.all():
        for i in np.flatnonzero(~ok):
            flags[i].append("no_coordinates")
    pm = pts.to_crs(METRIC_CRS)

    def dist_to(codes: pd.Series, gdf) -> np.ndarray:
        g = gdf.set_index("kode").geometry.to_crs(METRIC_CRS)
        d = np.full(n, np.nan)
        for i, (c, p) in enumerate(zip(codes.to_numpy(dtype=object), pm)):
            if ok[i] and isinstance(c, str) and c in g.index:
                d[i] = g.loc[c].distance(p) / 1000.0
        return d

    if boundaries_desa is not None:
        poly = boundaries_desa[["kode", "geometry"]]
        hit = gpd.sjoin(gpd.GeoDataFrame(geometry=pts[ok]), poly, how="left", predicate="within")
        hit = hit[~hit.index.duplicated(keep="first")]["kode"]
        out.loc[hit.index, "polygon_kode_desa"] = hit.astype("string")
        out["dist_village_km"] = dist_to(kode_desa, boundaries_desa)
        far = out["dist_village_km"].to_numpy() > FAR_KM
        for i in np.flatnonzero(far):
            flags[i].append(f"far_from_village ({out['dist_village_km'].iat[i]:.1f} km)")
    if boundaries_kabkota is not None:
        d = dist_to(kode_kabkota, boundaries_kabkota)
        out["dist_kabupaten_km"] = d
        has = ~np.isnan(d)
        out["in_kabupaten"] = pd.array(np.where(has, d == 0, None), dtype="boolean")
        for i in np.flatnonzero(has & (d > 0)):
            flags[i].append(f"outside_kabupaten ({d[i]:.1f} km)")
    out["coord_flag"] = pd.array(["; ".join(f) if f else None for f in flags], dtype="string")
    return out


def match_cooperatives(locations: pd.DataFrame, *, desa: pd.DataFrame, kecamatan: pd.DataFrame,
                       kabkota: pd.DataFrame, land: pd.DataFrame | None = None,
                       registry: pd.DataFrame | None = None, boundaries_desa=None,
                       boundaries_kabkota=None) -> IdentityResult:
    """Match every cooperative of the SIMKOPDES locations file to its Kemendagri village.

    Parameters
    ----------
    locations : DataFrame
        ``cooperative_id, name, district, subdistrict, latitude, longitude`` (the
        ``simkopdes_locations`` contract; typed by :func:`kaltara_study.data.sources.load_source`).
    desa, kecamatan, kabkota : DataFrame
        Kemendagri lists (``kode, nama, kode_kecamatan, kode_kabkota, jenis``).
    land : DataFrame, optional
        ``cooperative, district, subdistrict, village`` (the ``simkopdes_land`` contract).
    registry : DataFrame, optional
        Registry villages: ``kode_desa`` and ``cooperatives`` (village_stats with the code from the
        SIMKOPDES → Kemendagri match).
    boundaries_desa, boundaries_kabkota : GeoDataFrame, optional
        Village and kabupaten polygons (dotted ``kode``).

    Returns
    -------
    IdentityResult
    """
    loc = locations.reset_index(drop=True)
    n = len(loc)
    kab = match_names(loc["district"], kabkota, level="kabkota")
    kec = match_names(loc["subdistrict"], kecamatan, level="kecamatan", within=kab["code"],
                      within_col="kode_kabkota")
    part = clean_village_part(loc["name"], kecamatan=loc["subdistrict"], kabupaten=loc["district"])
    raw = loc["name"].astype("string").str.replace(_PREFIX, "", regex=True)
    raw = raw.str.replace(r"\s+kecamatan\s+.*$", "", regex=True, case=False)
    full_part = _norm(raw.astype(object)).str.replace(r"^(?:desa|kelurahan|lokasi)\s+", "", regex=True)
    kec_norm = _norm(loc["subdistrict"].astype(object)).to_numpy()
    kab_norm = normalise_region_name(loc["district"].astype(object), level="kabkota").to_numpy()
    ref = pd.DataFrame({"kode": desa["kode"].astype(str).to_numpy(), "nama": desa["nama"].astype(str).to_numpy(),
                        "kec": desa["kode_kecamatan"].astype(str).to_numpy(),
                        "key": _norm(desa["nama"].astype(object)).to_numpy()})
    by_kec = {k: g for k, g in ref.groupby("kec", sort=True)}

    code = np.full(n, None, dtype=object)
    method = np.full(n, "unmatched", dtype=object)
    score = np.full(n, np.nan)
    cand_lists: list[list[tuple[str, str, float]]] = [[] for _ in range(n)]
    joins = np.zeros(n, dtype=bool)
    best_cand = np.full(n, None, dtype=object)
    best_score = np.zeros(n)

    for i in range(n):
        k, v = kec["code"].iat[i], part.iat[i]
        g = by_kec.get(k) if isinstance(k, str) else None
        if g is None or not isinstance(v, str) or not v:
            continue
        keys = g["key"].astype(str).tolist()
        compact = [key.replace(" ", "") for key in keys]
        full = full_part.iat[i]
        exact = []
        # exact on the name as given first ("Long Peso" in kecamatan Peso), then without a trailing
        # kecamatan/kabupaten name; spaces ignored ("Tanjung Karang" = "Tanjungkarang", "Pa'lemumut")
        for cand in (_variants(full, kec_norm[i], kab_norm[i]) if isinstance(full, str) else [v]):
            exact = [j for j, key in enumerate(compact) if key == cand.replace(" ", "")]
            if exact:
                break
        if len(exact) == 1:
            j = exact[0]
            code[i], method[i], score[i] = g["kode"].iat[j], "exact", 100.0
            continue
        sc = np.asarray(process.cdist([v], keys, scorer=fuzz.token_sort_ratio, workers=1)[0], dtype=float)
        order = np.argsort(-sc, kind="stable")
        b = order[0]
        second = sc[order[1]] if len(order) > 1 else 0.0
        best_cand[i], best_score[i] = g["kode"].iat[b], sc[b]
        # villages whose whole name occurs inside the cooperative's name (merged cooperatives)
        inside = [j for j, key in enumerate(keys) if re.search(rf"(?:^|\s){re.escape(key)}(?:\s|$)", v)]
        if len(inside) >= 2:
            joins[i] = True
        listed = inside if inside else [j for j in order[:3] if sc[j] >= POLYGON_CUT - 10]
        cand_lists[i] = [(g["kode"].iat[j], g["nama"].iat[j], float(sc[j] if j not in inside else 100.0))
                         for j in listed]
        if not joins[i] and sc[b] >= FUZZY_CUT and sc[b] - second >= FUZZY_MARGIN:
            code[i], method[i], score[i] = g["kode"].iat[b], "fuzzy", round(float(sc[b]), 1)
        elif not joins[i] and len(inside) == 1 and len(exact) == 0:
            # one village name inside extra words ("BUDUK TUMU LONG BERAYANG"): a candidate, not a match
            best_cand[i], best_score[i] = g["kode"].iat[inside[0]], max(best_score[i], POLYGON_CUT)

    # land file: the cooperative's village as the land verification recorded it
    land_village = pd.Series([None] * n, dtype=object)
    land_flags = []
    if land is not None and len(land):
        llat = pd.to_numeric(land["latitude"], errors="coerce")
        wrong = (llat < 0) & (-llat).between(0.5, 5.5)  # Kaltara lies at 1–5° N
        for lr in land.loc[wrong.to_numpy()].itertuples():
            land_flags.append({"cooperative_id": None, "issue": "land_coordinates",
                               "detail": f"{lr.cooperative}: plot latitude {lr.latitude} has the wrong sign "
                                         "(Kaltara lies at 1–5° N); not corrected, not used"})
        lk = land_key(land["cooperative"], land["district"], land["subdistrict"])
        lut = pd.Series(land["village"].astype(object).to_numpy(), index=lk.to_numpy())
        lut = lut[~lut.index.duplicated(keep=False)]
        land_village = land_key(loc["name"], loc["district"], loc["subdistrict"]).map(lut)
        lv_norm = _norm(land_village.astype(object))
        for i in np.flatnonzero(method == "unmatched"):
            g = by_kec.get(kec["code"].iat[i]) if isinstance(kec["code"].iat[i], str) else None
            if g is None or not isinstance(lv_norm.iat[i], str):
                continue
            hit = g[g["key"] == lv_norm.iat[i]]
            if len(hit) == 1:
                code[i], method[i], score[i] = hit["kode"].iat[0], "land", 100.0

    # registry: one free registry village among the candidates
    reg_count = pd.Series(dtype=float)
    if registry is not None and len(registry):
        reg_count = registry.groupby(registry["kode_desa"].astype(str))["cooperatives"].sum().astype(float)
        for i in np.flatnonzero(method == "unmatched"):
            if not cand_lists[i]:
                continue
            taken = pd.Series([c for c in code if c is not None]).value_counts()
            free = [c for c, _, _ in cand_lists[i]
                    if reg_count.get(c, 0) - taken.get(c, 0) > 0]
            if len(set(free)) == 1 and (joins[i] or len(cand_lists[i]) >= 1):
                c = free[0]
                s = max(s for cc, _, s in cand_lists[i] if cc == c)
                if joins[i] or s >= POLYGON_CUT:
                    code[i], method[i], score[i] = c, "registry", round(s, 1)

    checks = coordinate_checks(loc, kode_desa=pd.Series(code, dtype=object), kode_kabkota=kab["code"],
                               boundaries_desa=boundaries_desa, boundaries_kabkota=boundaries_kabkota)
    # polygon: the point lies in the best name candidate's polygon
    if boundaries_desa is not None:
        for i in np.flatnonzero(method == "unmatched"):
            poly = checks["polygon_kode_desa"].iat[i]
            if isinstance(poly, str) and poly == best_cand[i] and best_score[i] >= POLYGON_CUT and not joins[i]:
                code[i], method[i], score[i] = poly, "polygon", round(float(best_score[i]), 1)
        redo = pd.Series(code, dtype=object)
        checks = coordinate_checks(loc, kode_desa=redo, kode_kabkota=kab["code"],
                                   boundaries_desa=boundaries_desa, boundaries_kabkota=boundaries_kabkota)
    for i in np.flatnonzero(method == "unmatched"):
        if len(cand_lists[i]) >= 2 or joins[i]:
            method[i] = "ambiguous"

    name_lut = ref.set_index("kode")["nama"]
    # for rows left open: registry villages of the kecamatan that no cooperative was matched to (listed
    # as candidates for the field check, never joined by elimination)
    if len(reg_count):
        taken = pd.Series([c for c in code if c is not None], dtype=object).value_counts()
        for i in np.flatnonzero(np.isin(method, ["unmatched", "ambiguous"])):
            k = kec["code"].iat[i]
            free = [c for c in reg_count.index if isinstance(k, str) and c.startswith(k + ".")
                    and reg_count[c] - taken.get(c, 0) > 0]
            have = {c for c, _, _ in cand_lists[i]}
            cand_lists[i] = cand_lists[i] + [(c, name_lut.get(c, "?") + " [registry, no cooperative matched]", 0.0)
                                             for c in sorted(free) if c not in have]
    jenis = loc["name"].astype("string").str.extract(r"(?i)^\s*koperasi\s+(desa|kelurahan)\b")[0].str.lower()
    matches = pd.DataFrame({
        "cooperative_id": loc["cooperative_id"].to_numpy(),
        "nama_koperasi": loc["name"].astype("string").str.strip().str.replace(r"\s+", " ", regex=True).to_numpy(),
        "village_part": pd.array(part.to_numpy(), dtype="string"),
        "kode_kabkota": kab["code"].astype("string").to_numpy(),
        "kode_kecamatan": kec["code"].astype("string").to_numpy(),
        "kode_desa": pd.array(code, dtype="string"),
        "nama_desa_match": pd.array([name_lut.get(c) if c is not None else None for c in code], dtype="string"),
        "match_method": method,
        "match_score": score,
        "n_candidates": np.array([len(c) for c in cand_lists]),
        "candidates": pd.array([_candidates_text(c) if c else None for c in cand_lists], dtype="string"),
        "joins_villages": joins,
        "land_village": pd.array(land_village.to_numpy(), dtype="string"),
        "land_agrees": pd.array([pd.NA] * n, dtype="boolean"), "polygon_agrees": pd.array([pd.NA] * n, dtype="boolean"),
        "latitude": pd.to_numeric(loc["latitude"], errors="coerce").to_numpy(),
        "longitude": pd.to_numeric(loc["longitude"], errors="coerce").to_numpy(),
        **{c: checks[c].to_numpy() for c in ("polygon_kode_desa", "in_kabupaten", "dist_kabupaten_km",
                                             "dist_village_km", "coord_flag")},
        "name_jenis": pd.array(jenis.to_numpy(), dtype="string"),
    })[IDENTITY_COLUMNS]
    for c in ("polygon_kode_desa", "coord_flag"):
        matches[c] = matches[c].astype("string")
    # further evidence for every matched row: does the land file's village / the polygon agree?
    lv = _norm(matches["land_village"].astype(object))
    mk = matches["nama_desa_match"].astype(object)
    mk = _norm(mk.where(mk.notna(), None))
    has = matches["kode_desa"].notna()
    matches["land_agrees"] = pd.array(np.where(has & lv.notna(), (lv.fillna("").str.replace(" ", "")
                                               == mk.fillna("").str.replace(" ", "")), None), dtype="boolean")
    pk = matches["polygon_kode_desa"]
    matches["polygon_agrees"] = pd.array(np.where(has & pk.notna(), (pk == matches["kode_desa"]).fillna(False), None),
                                         dtype="boolean")
    matches["in_kabupaten"] = matches["in_kabupaten"].astype("boolean")

    counts = matches["match_method"].value_counts().reindex(list(METHODS), fill_value=0)
    summary = counts.rename_axis("match_method").reset_index(name="n")
    summary = pd.concat([summary, pd.DataFrame({"match_method": ["matched", "total"],
                                                "n": [int(matches["kode_desa"].notna().sum()), n]})],
                        ignore_index=True)

    problems = []
    for r in matches.itertuples():
        if r.match_method in ("ambiguous", "unmatched"):
            problems.append({"cooperative_id": r.cooperative_id, "issue": r.match_method,
                             "detail": f"{r.nama_koperasi}: candidates {r.candidates if isinstance(r.candidates, str) else 'none'}"})
        elif r.joins_villages:
            problems.append({"cooperative_id": r.cooperative_id, "issue": "joins_villages",
                             "detail": f"{r.nama_koperasi}: name joins {r.candidates}; assigned by "
                                       f"{r.match_method} to {r.kode_desa}"})
        if isinstance(r.coord_flag, str):
            problems.append({"cooperative_id": r.cooperative_id, "issue": "coordinates", "detail": r.coord_flag})
    problems += land_flags
    jenis_ref = desa.set_index(desa["kode"].astype(str))["jenis"] if "jenis" in desa.columns else pd.Series(dtype=object)
    ref_j = matches["kode_desa"].map(jenis_ref)
    odd = matches["kode_desa"].notna() & matches["name_jenis"].notna() & ref_j.notna() & (ref_j != matches["name_jenis"])
    for r in matches[odd.fillna(False).to_numpy()].itertuples():
        problems.append({"cooperative_id": r.cooperative_id, "issue": "jenis",
                         "detail": f"{r.nama_koperasi}: the name says {r.name_jenis}, {r.kode_desa} is a "
                                   f"{ref_j[r.Index]} in the Kemendagri list (the list is used)"})
    got = matches["kode_desa"].dropna().astype(str).value_counts()
    reg = pd.DataFrame({"kode_desa": sorted(set(got.index) | set(reg_count.index))})
    reg["registry_cooperatives"] = reg["kode_desa"].map(reg_count).astype("Float64").astype("Int64")
    reg["location_rows"] = reg["kode_desa"].map(got).fillna(0).astype("Int64")
    if len(reg_count):
        for r in reg[reg["registry_cooperatives"].fillna(0) != reg["location_rows"]].itertuples():
            problems.append({"cooperative_id": None, "issue": "registry_count",
                             "detail": f"{r.kode_desa}: registry {r.registry_cooperatives} cooperative(s), "
                                       f"{r.location_rows} location row(s) matched"})
    prob = pd.DataFrame(problems, columns=["cooperative_id", "issue", "detail"])
    return IdentityResult(matches=matches, summary=summary, problems=prob, registry=reg)
