"""The data contract: one pandera schema per raw source and per processed table.

Every column carries ``metadata`` with

- ``kind``: how :mod:`kaltara_study.data.sources` parses the raw text (``int``, ``float``, ``money``,
  ``bool``, ``date``, ``code_desa``, ``code_kec``, ``code_kab``, ``code_bps``, ``text``, ``category``);
- ``desc_id`` / ``desc_en``: Indonesian / English description (the data dictionary);
- ``unit``: unit of measurement ("" when none);
- optionally ``range``: ``(min, max)`` plausibility bounds (``None`` = open). In the RAW schemas of the
  study's own forms (Podes-style, survey) ranges are *not* enforced at load time: an impossible value
  (negative members, a RAT in the future) is blanked by :mod:`kaltara_study.data.clean` with an audit
  entry, so the cooperative row is kept. The PROCESSED schemas enforce them as pandera checks;
- optionally ``levels``: for categories, raw label → canonical value.

Official formats (Kemendagri, SIMKOPDES, IDM, BPS bridge) use exactly the column names of the
public files (see ``../shared/data/kaltara/README.md``); the study's Podes-style and survey forms are
designed here with Indonesian headers (``COLUMN_ALIASES`` maps the normalised headers to canonical
English names).

>>> sorted(RAW_SCHEMAS)[:3]
['boundary_centroids', 'bps_bridge_kabkota', 'bps_bridge_kecamatan']
>>> RAW_SCHEMAS["survey"].columns["members"].metadata["kind"]
'int'
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa

from kaltara_study.data.read import normalise_header

__all__ = [
    "COLUMN_ALIASES",
    "HEALTH_RATINGS",
    "IDM_STATUSES",
    "KEYS",
    "PARTNER_KEYS",
    "PERSONAL_COLUMNS",
    "PROCESSED_SCHEMAS",
    "RAW_SCHEMAS",
    "ROAD_LEVELS",
    "SIGNAL_LEVELS",
    "PREMISES_LEVELS",
    "UNIT_COLUMNS",
    "data_dictionary",
    "data_dictionary_markdown",
    "column_meta",
]

KINDS = ("int", "float", "money", "bool", "date", "code_desa", "code_kec", "code_kab", "code_bps", "text",
         "category")
_DTYPE = {"int": "Int64", "float": "float64", "money": "float64", "bool": "boolean", "date": "datetime64[ns]",
          "code_desa": "string", "code_kec": "string", "code_kab": "string", "code_bps": "string",
          "text": "string", "category": "string"}

PERSONAL_COLUMNS = ("chair_name", "chair_nik", "chair_phone")
PARTNER_KEYS = ("pertamina", "bulog", "pharmacy", "telkomsel", "bank")
UNIT_COLUMNS = ("unit_office", "unit_sembako", "unit_savings_loan", "unit_clinic", "unit_pharmacy",
                "unit_warehouse", "unit_logistics")
ROAD_LEVELS = ("all_weather", "seasonal", "river_only")
SIGNAL_LEVELS = ("none", "2g", "3g", "4g")
PREMISES_LEVELS = ("own", "rent", "borrowed", "none")
HEALTH_RATINGS = ("Sehat", "Cukup Sehat", "Dalam Pengawasan", "Dalam Pengawasan Khusus")
IDM_STATUSES = ("SANGAT TERTINGGAL", "TERTINGGAL", "BERKEMBANG", "MAJU", "MANDIRI")
JENIS = ("desa", "kelurahan")

# raw labels of the study's forms → canonical values (documented codebook)
ROAD_RAW = {"sepanjang tahun": "all_weather", "jalan darat sepanjang tahun": "all_weather",
            "aspal/beton": "all_weather", "musiman": "seasonal", "tidak bisa dilalui saat hujan": "seasonal",
            "hanya sungai": "river_only", "hanya lewat sungai": "river_only", "sungai": "river_only",
            "all_weather": "all_weather", "seasonal": "seasonal", "river_only": "river_only"}
SIGNAL_RAW = {"tidak ada": "none", "tidak ada sinyal": "none", "none": "none", "2g": "2g", "3g": "3g",
              "4g": "4g", "4g/lte": "4g", "lte": "4g"}
PREMISES_RAW = {"milik sendiri": "own", "sendiri": "own", "sewa": "rent", "menyewa": "rent",
                "pinjam pakai": "borrowed", "pinjam": "borrowed", "hibah pakai": "borrowed",
                "belum ada": "none", "tidak ada": "none", "own": "own", "rent": "rent",
                "borrowed": "borrowed", "none": "none"}
PARTNER_RAW = {"pertamina": "pertamina", "pangkalan lpg": "pertamina", "bulog": "bulog",
               "apotek": "pharmacy", "pbf": "pharmacy", "farmasi": "pharmacy", "kimia farma": "pharmacy",
               "pharmacy": "pharmacy", "telkomsel": "telkomsel", "bank": "bank", "bri": "bank",
               "bni": "bank", "mandiri": "bank", "bank mandiri": "bank", "bsi": "bank", "bankaltimtara": "bank"}


def _col(kind: str, desc_id: str, desc_en: str, unit: str = "", *, required: bool = True,
         nullable: bool = True, unique: bool = False, checks: list | None = None,
         range: tuple | None = None, enforce_range: bool = True, levels: dict | None = None,
         dtype: Any = None) -> pa.Column:
    """A pandera column with the contract metadata (and range checks when ``enforce_range``)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; use one of {KINDS}")
    meta: dict[str, Any] = {"kind": kind, "desc_id": desc_id, "desc_en": desc_en, "unit": unit}
    checks = list(checks or [])
    if range is not None:
        meta["range"] = range
        if enforce_range:
            lo, hi = range
            if lo is not None and hi is not None:
                checks.append(pa.Check.in_range(lo, hi))
            elif lo is not None:
                checks.append(pa.Check.ge(lo))
            elif hi is not None:
                checks.append(pa.Check.le(hi))
    if levels is not None:
        meta["levels"] = levels
    return pa.Column(dtype or _DTYPE[kind], checks=checks or None, nullable=nullable, required=required,
                     unique=unique, coerce=True, metadata=meta)


def _schema(columns: dict[str, pa.Column], *, name: str, strict: bool = False, unique=None) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(columns, name=name, strict=strict, coerce=True, unique=unique)


_KODE_DESA_RX = r"^65\.\d{2}\.\d{2}\.[12]\d{3}$"
_KODE_KEC_RX = r"^65\.\d{2}\.\d{2}$"
_KODE_KAB_RX = r"^65\.\d{2}$"


def _desa(required: bool = True, unique: bool = False, desc_id: str = "Kode desa/kelurahan Kemendagri "
          "(65.KK.CC.TNNN; T=1 kelurahan, 2 desa)", desc_en: str = "Kemendagri village code "
          "(65.KK.CC.TNNN; T=1 urban kelurahan, 2 rural desa)", nullable: bool = False) -> pa.Column:
    return _col("code_desa", desc_id, desc_en, required=required, unique=unique, nullable=nullable,
                checks=[pa.Check.str_matches(_KODE_DESA_RX)])


def _kec(desc_id="Kode kecamatan Kemendagri (65.KK.CC)", desc_en="Kemendagri district code (65.KK.CC)",
         required=True, nullable=False) -> pa.Column:
    return _col("code_kec", desc_id, desc_en, required=required, nullable=nullable,
                checks=[pa.Check.str_matches(_KODE_KEC_RX)])


def _kab(desc_id="Kode kabupaten/kota Kemendagri (65.KK)", desc_en="Kemendagri regency/city code (65.KK)",
         required=True, nullable=False) -> pa.Column:
    return _col("code_kab", desc_id, desc_en, required=required, nullable=nullable,
                checks=[pa.Check.str_matches(_KODE_KAB_RX)])


def _text(desc_id: str, desc_en: str, **kw) -> pa.Column:
    return _col("text", desc_id, desc_en, **kw)


def _count(desc_id: str, desc_en: str, unit: str = "count", *, enforce: bool = True, **kw) -> pa.Column:
    return _col("int", desc_id, desc_en, unit, range=(0, None), enforce_range=enforce, **kw)


def _money(desc_id: str, desc_en: str, *, lo=None, enforce: bool = True, **kw) -> pa.Column:
    return _col("money", desc_id, desc_en, "Rp", range=(lo, None) if lo is not None else None,
                enforce_range=enforce, **kw)


def _score01(desc_id, desc_en, **kw) -> pa.Column:
    return _col("float", desc_id, desc_en, "index 0-1", range=(0.0, 1.0), **kw)


_CATATAN = _text("Catatan (mis. tanda SYNTHETIC)", "Note (e.g. the SYNTHETIC mark)", required=False)

# ============================================================================== raw: Kemendagri
RAW_SCHEMAS: dict[str, pa.DataFrameSchema] = {}

RAW_SCHEMAS["kemendagri_kabkota"] = _schema({
    "kode": _kab(),
    "kode_bps_style": _col("code_bps", "Kode gaya BPS tanpa titik (bukan kode BPS!)",
                           "Kemendagri code without dots (not the BPS code!)", required=False),
    "nama": _text("Nama kabupaten/kota", "Regency/city name", nullable=False),
    "jenis": _col("category", "Jenis: kabupaten/kota", "Type: regency (kabupaten) or city (kota)",
                  checks=[pa.Check.isin(["kabupaten", "kota"])]),
    "catatan": _CATATAN,
}, name="kemendagri_kabkota", unique=["kode"])

RAW_SCHEMAS["kemendagri_kecamatan"] = _schema({
    "kode": _kec(),
    "kode_kabkota": _kab(),
    "nama_kabkota": _text("Nama kabupaten/kota", "Regency/city name"),
    "nama": _text("Nama kecamatan", "District (kecamatan) name", nullable=False),
    "catatan": _CATATAN,
}, name="kemendagri_kecamatan", unique=["kode"])

RAW_SCHEMAS["kemendagri_desa"] = _schema({
    "kode": _desa(),
    "kode_kecamatan": _kec(),
    "nama_kecamatan": _text("Nama kecamatan", "District name"),
    "kode_kabkota": _kab(),
    "nama_kabkota": _text("Nama kabupaten/kota", "Regency/city name"),
    "nama": _text("Nama desa/kelurahan", "Village name", nullable=False),
    "jenis": _col("category", "Jenis: desa/kelurahan", "Type: rural desa or urban kelurahan",
                  checks=[pa.Check.isin(list(JENIS))]),
    "catatan": _CATATAN,
}, name="kemendagri_desa", unique=["kode"])

RAW_SCHEMAS["kemendagri_summary"] = _schema({
    "kode": _text("Kode kabupaten/kota (65.KK) atau provinsi (65) untuk baris TOTAL",
                  "Regency/city code (65.KK) or province code (65) for the TOTAL row", nullable=False,
                  checks=[pa.Check.str_matches(r"^65(\.\d{2})?$")]),
    "nama": _text("Nama wilayah", "Area name"),
    "n_kecamatan": _count("Jumlah kecamatan", "Number of districts"),
    "n_desa": _count("Jumlah desa", "Number of rural villages (desa)"),
    "n_kelurahan": _count("Jumlah kelurahan", "Number of urban villages (kelurahan)"),
    "n_desa_kel": _count("Jumlah desa + kelurahan", "Number of villages (desa + kelurahan)"),
    "luas_km2_BIG2024": _col("float", "Luas wilayah (BIG 2024)", "Area (BIG 2024)", "km2", range=(0, None)),
    "penduduk_laki": _count("Penduduk laki-laki (Dukcapil Des 2024)", "Male population (Dukcapil Dec 2024)",
                            "persons"),
    "penduduk_perempuan": _count("Penduduk perempuan (Dukcapil Des 2024)",
                                 "Female population (Dukcapil Dec 2024)", "persons"),
    "penduduk_total_dukcapil_des2024": _count("Jumlah penduduk (Dukcapil Des 2024)",
                                              "Total population (Dukcapil Dec 2024)", "persons"),
    "kepadatan_per_km2": _col("float", "Kepadatan penduduk", "Population density", "persons/km2",
                              range=(0, None)),
    "catatan": _CATATAN,
}, name="kemendagri_summary")

# ============================================================================== raw: SIMKOPDES
_SIMK_COUNTS = {
    "cooperatives": ("Jumlah koperasi di desa", "Number of cooperatives in the village"),
    "accounts_count": ("Jumlah akun SIMKOPDES", "Number of SIMKOPDES accounts"),
    "npwp_count": ("Jumlah koperasi ber-NPWP", "Cooperatives with a tax number (NPWP)"),
    "nib_count": ("Jumlah koperasi ber-NIB", "Cooperatives with a business id (NIB)"),
    "rat_count": ("Jumlah koperasi yang sudah RAT", "Cooperatives that held an annual members' meeting (RAT)"),
    "transaction_volume": ("Jumlah transaksi", "Number of transactions"),
}
_SIMK_MONEY = {
    "transaction_value": ("Nilai transaksi", "Transaction value"),
    "simpanan_pokok_amount": ("Simpanan pokok", "Principal savings (simpanan pokok)"),
    "simpanan_wajib_amount": ("Simpanan wajib", "Mandatory savings (simpanan wajib)"),
    "savings_total_amount": ("Total simpanan", "Total savings"),
}
_simk: dict[str, pa.Column] = {
    "province_id": _col("int", "ID provinsi SIMKOPDES", "SIMKOPDES province id"),
    "province": _text("Nama provinsi", "Province name"),
    "district_id": _col("int", "ID kabupaten/kota SIMKOPDES", "SIMKOPDES regency id", nullable=False),
    "district": _text("Nama kabupaten/kota (ejaan SIMKOPDES, mis. 'KAB. BULUNGAN')",
                      "Regency/city name (SIMKOPDES spelling, e.g. 'KAB. BULUNGAN')", nullable=False),
    "subdistrict_id": _col("int", "ID kecamatan SIMKOPDES", "SIMKOPDES district id"),
    "subdistrict": _text("Nama kecamatan", "District name", nullable=False),
    "village_id": _col("int", "ID desa SIMKOPDES (kunci baris)", "SIMKOPDES village id (row key)",
                       nullable=False, unique=True),
    "village": _text("Nama desa/kelurahan", "Village name", nullable=False),
}
for _k, (_i, _e) in _SIMK_COUNTS.items():
    _simk[_k] = _count(_i, _e)
_simk["transaction_value"] = _money(*_SIMK_MONEY["transaction_value"], lo=0)
_simk["simpanan_pokok_amount"] = _money(*_SIMK_MONEY["simpanan_pokok_amount"], lo=0)
_simk["simpanan_pokok_members"] = _count("Anggota penyetor simpanan pokok", "Members paying principal savings",
                                         "persons")
_simk["simpanan_pokok_tx"] = _count("Transaksi simpanan pokok", "Principal-savings transactions")
_simk["simpanan_wajib_amount"] = _money(*_SIMK_MONEY["simpanan_wajib_amount"], lo=0)
_simk["simpanan_wajib_members"] = _count("Anggota penyetor simpanan wajib", "Members paying mandatory savings",
                                         "persons")
_simk["simpanan_wajib_tx"] = _count("Transaksi simpanan wajib", "Mandatory-savings transactions")
_simk["savings_total_amount"] = _money(*_SIMK_MONEY["savings_total_amount"], lo=0)
_simk["catatan"] = _CATATAN
RAW_SCHEMAS["simkopdes_village_stats"] = _schema(_simk, name="simkopdes_village_stats")

RAW_SCHEMAS["simkopdes_match"] = _schema({
    "simkopdes_village_id": _col("int", "ID desa SIMKOPDES", "SIMKOPDES village id", nullable=False, unique=True),
    "simkopdes_district": _text("Kabupaten/kota (SIMKOPDES)", "Regency/city (SIMKOPDES)"),
    "simkopdes_subdistrict": _text("Kecamatan (SIMKOPDES)", "District (SIMKOPDES)"),
    "simkopdes_village": _text("Desa (SIMKOPDES)", "Village (SIMKOPDES)"),
    "kode_kemendagri": _desa(nullable=True),
    "nama_kemendagri": _text("Nama desa Kemendagri", "Kemendagri village name"),
    "kecamatan_kemendagri": _text("Kecamatan Kemendagri", "Kemendagri district name"),
    "jenis": _col("category", "Jenis desa/kelurahan", "Village type", checks=[pa.Check.isin(list(JENIS))]),
    "match_score": _col("float", "Skor kecocokan nama (0-1)", "Name match score (0-1)", "0-1", range=(0, 1)),
    "catatan": _CATATAN,
}, name="simkopdes_match")

# ============================================================================== raw: IDM
_IDM_COMMON = {
    "kode_desa_kemendesa": _desa(desc_id="Kode desa (Kemendesa: kode Kemendagri tanpa titik)",
                                 desc_en="Village code (Kemendesa: Kemendagri code without dots)"),
    "nama_desa": _text("Nama desa", "Village name"),
    "kecamatan": _text("Nama kecamatan", "District name", required=False),
    "kabkota": _text("Nama kabupaten/kota", "Regency/city name", required=False),
    "tahun": _col("int", "Tahun IDM", "IDM year", "year", range=(2015, 2100), nullable=False),
}
RAW_SCHEMAS["idm_summary"] = _schema({
    **_IDM_COMMON,
    "IKS": _score01("Indeks Ketahanan Sosial (IKS)", "Social resilience index (IKS)"),
    "IKE": _score01("Indeks Ketahanan Ekonomi (IKE)", "Economic resilience index (IKE)"),
    "IKL": _score01("Indeks Ketahanan Lingkungan/Ekologi (IKL)", "Environmental resilience index (IKL)"),
    "IDM": _score01("Indeks Desa Membangun = (IKS+IKE+IKL)/3", "Village development index = (IKS+IKE+IKL)/3"),
    "status": _col("category", "Status IDM", "IDM status", checks=[pa.Check.isin(list(IDM_STATUSES))]),
    "target_status": _col("category", "Target status IDM", "Target IDM status", required=False,
                          checks=[pa.Check.isin(list(IDM_STATUSES))]),
    "skor_minimal_target": _score01("Skor minimal untuk status target", "Minimum score of the target status",
                                    required=False),
    "catatan": _CATATAN,
}, name="idm_summary", unique=["kode_desa_kemendesa", "tahun"])

RAW_SCHEMAS["idm_long"] = _schema({
    **_IDM_COMMON,
    "dimensi": _col("category", "Dimensi (IKS/IKE/IKL)", "Dimension (IKS/IKE/IKL)",
                    checks=[pa.Check.isin(["IKS", "IKE", "IKL"])]),
    "no": _col("int", "Nomor indikator dalam dimensinya", "Indicator number within its dimension", range=(1, 35)),
    "indikator": _text("Nama indikator", "Indicator name"),
    "skor_0_5": _col("int", "Skor indikator (0-5)", "Indicator score (0-5)", "score 0-5", range=(0, 5)),
    "keterangan": _text("Keterangan (teks aturan resmi)", "Official rule text", required=False),
    "catatan": _CATATAN,
}, name="idm_long")

RAW_SCHEMAS["idm_wide"] = _schema({
    "kode_desa_kemendesa": _desa(desc_id="KODE DESA (tanpa titik)", desc_en="KODE DESA (village code, no dots)"),
    "nama_desa": _text("NAMA DESA", "Village name", required=False),
    "kecamatan": _text("KECAMATAN", "District name", required=False),
    "kabkota": _text("KABUPATEN/KOTA", "Regency/city name", required=False),
    "provinsi": _text("PROVINSI", "Province", required=False),
    "tahun": _col("int", "Tahun (dari judul kolom, mis. 'IKS 2024')", "Year (from the header, e.g. 'IKS 2024')",
                  "year", range=(2015, 2100), nullable=False),
    "IKS": _score01("IKS <tahun>", "IKS <year>"),
    "IKE": _score01("IKE <tahun>", "IKE <year>"),
    "IKL": _score01("IKL <tahun>", "IKL <year>"),
    "IDM": _score01("NILAI IDM <tahun>", "IDM value <year>"),
    "status": _col("category", "STATUS IDM <tahun>", "IDM status <year>", checks=[pa.Check.isin(list(IDM_STATUSES))]),
    "catatan": _CATATAN,
}, name="idm_wide")

# ============================================================================== raw: BPS bridge
RAW_SCHEMAS["bps_bridge_kabkota"] = _schema({
    "kode_bps": _col("code_bps", "Kode kabupaten/kota BPS (4 digit)", "BPS regency code (4 digits)", nullable=False,
                     checks=[pa.Check.str_matches(r"^65\d{2}$")]),
    "nama_bps": _text("Nama BPS", "BPS name"),
    "kode_dagri": _kab(desc_id="Kode Kemendagri (65.KK)", desc_en="Kemendagri code (65.KK)"),
    "nama_dagri": _text("Nama Kemendagri", "Kemendagri name"),
    "catatan": _CATATAN,
}, name="bps_bridge_kabkota")

RAW_SCHEMAS["bps_bridge_kecamatan"] = _schema({
    "kode_bps": _col("code_bps", "Kode kecamatan BPS (7 digit)", "BPS district code (7 digits)", nullable=False,
                     checks=[pa.Check.str_matches(r"^65\d{5}$")]),
    "nama_bps": _text("Nama BPS", "BPS name"),
    "kode_dagri": _kec(desc_id="Kode Kemendagri (65.KK.CC)", desc_en="Kemendagri code (65.KK.CC)"),
    "nama_dagri": _text("Nama Kemendagri", "Kemendagri name"),
    "catatan": _CATATAN,
}, name="bps_bridge_kecamatan")

# ============================================================================== raw: Podes-style
_RANGE_ONLY = {"enforce": False}
RAW_SCHEMAS["podes"] = _schema({
    "kode_desa_bps": _col("code_bps", "Kode desa BPS (10 digit: prov 2, kab 2, kec 3, desa 3)",
                          "BPS village code (10 digits: prov 2, kab 2, kec 3, village 3)", nullable=False,
                          checks=[pa.Check.str_matches(r"^65\d{8}$")]),
    "nama_desa": _text("Nama desa/kelurahan", "Village name", nullable=False),
    "nama_kecamatan": _text("Nama kecamatan", "District name", required=False),
    "nama_kabkota": _text("Nama kabupaten/kota (ejaan bebas)", "Regency/city name (free spelling)", required=False),
    "population": _count("Jumlah penduduk", "Population", "persons", **_RANGE_ONLY),
    "households": _count("Jumlah keluarga (KK)", "Households (family cards)", "households", **_RANGE_ONLY),
    "n_markets": _count("Jumlah pasar", "Markets", **_RANGE_ONLY),
    "n_shops": _count("Jumlah toko/warung kelontong", "Shops and grocery stalls", **_RANGE_ONLY),
    "n_banks": _count("Jumlah kantor bank/agen", "Bank offices or agents", **_RANGE_ONLY),
    "n_micro_industries": _count("Jumlah industri mikro", "Micro industries", **_RANGE_ONLY),
    "n_bumdes_units": _count("Jumlah unit usaha BUMDes", "Village-owned enterprise (BUMDes) units", **_RANGE_ONLY),
    "has_lpg_base": _col("bool", "Ada pangkalan LPG", "Has an LPG base (pangkalan)"),
    "has_health_facility": _col("bool", "Ada fasilitas kesehatan (puskesmas/pustu/poskesdes)",
                                "Has a health facility (puskesmas/pustu/poskesdes)"),
    "has_pharmacy_village": _col("bool", "Ada apotek/toko obat", "Has a pharmacy or drugstore"),
    "signal_4g": _col("bool", "Ada sinyal 4G", "4G signal available"),
    "road_access_village": _col("category", "Akses jalan utama desa", "Main road access of the village",
                                levels=ROAD_RAW),
    "catatan": _CATATAN,
}, name="podes")

# ============================================================================== raw: survey + assessment
_SURVEY: dict[str, pa.Column] = {
    "coop_id": _text("ID koperasi (kode studi KDMP-<kode desa tanpa titik>-<urutan>; bila lain, dipadankan lewat "
                     "kode desa yang hanya punya satu koperasi)", "Cooperative id (study code KDMP-<village code "
                     "without dots>-<n>; otherwise matched through a village code with exactly one cooperative)",
                     nullable=False),
    "coop_name": _text("Nama koperasi", "Cooperative name"),
    "legal_number": _text("No. badan hukum (AHU)", "Legal-entity number (AHU)", required=False),
    "kode_desa": _desa(nullable=True, desc_id="Kode desa Kemendagri (bertitik atau tanpa titik)",
                       desc_en="Kemendagri village code (dotted or not)"),
    "nama_desa": _text("Nama desa", "Village name", required=False),
    "nama_kabkota": _text("Kabupaten/kota (ejaan bebas)", "Regency/city (free spelling)", required=False),
    "survey_date": _col("date", "Tanggal survei", "Survey date", "date", required=False),
    "members": _count("Jumlah anggota", "Members", "persons", **_RANGE_ONLY),
    "own_capital_rp": _money("Modal sendiri", "Own capital (equity)", lo=0, enforce=False),
    "assets_rp": _money("Total aset", "Total assets", lo=0, enforce=False),
    "liabilities_rp": _money("Total kewajiban", "Total liabilities", lo=0, enforce=False),
    "turnover_rp": _money("Omzet tahunan", "Annual turnover", lo=0, enforce=False),
    "shu_rp": _money("Sisa hasil usaha (SHU) tahun terakhir", "Surplus (SHU) of the last year"),
    "unit_office": _col("bool", "Unit kantor koperasi beroperasi", "Cooperative office operating"),
    "unit_sembako": _col("bool", "Unit gerai sembako beroperasi", "Grocery (sembako) outlet operating"),
    "unit_savings_loan": _col("bool", "Unit simpan pinjam beroperasi", "Savings and loan unit operating"),
    "unit_clinic": _col("bool", "Unit klinik desa beroperasi", "Village clinic operating"),
    "unit_pharmacy": _col("bool", "Unit apotek desa beroperasi", "Village pharmacy operating"),
    "unit_warehouse": _col("bool", "Unit gudang/cold storage beroperasi", "Warehouse/cold storage operating"),
    "unit_logistics": _col("bool", "Unit logistik beroperasi", "Logistics unit operating"),
    "has_legal_entity": _col("bool", "Berbadan hukum", "Has legal-entity status"),
    "has_nib": _col("bool", "Memiliki NIB", "Has a business id (NIB)"),
    "has_npwp": _col("bool", "Memiliki NPWP", "Has a tax number (NPWP)"),
    "has_bank_account": _col("bool", "Memiliki rekening bank atas nama koperasi", "Has a bank account"),
    "rat_held_12m": _col("bool", "RAT dalam 12 bulan terakhir", "Annual members' meeting (RAT) in the last 12 months"),
    "last_rat_date": _col("date", "Tanggal RAT terakhir", "Date of the last RAT", "date"),
    "board_trained": _col("bool", "Pengurus sudah pelatihan", "Board has been trained"),
    "premises": _col("category", "Status tempat usaha", "Premises status", levels=PREMISES_RAW),
    "partners_existing": _text("Mitra yang sudah ada (dipisah ';')", "Existing partners (';'-separated)"),
    "distance_kab_km": _col("float", "Jarak ke ibu kota kabupaten", "Distance to the regency capital", "km",
                            range=(0, 1000), enforce_range=False),
    "road_access": _col("category", "Akses jalan ke koperasi", "Road access to the cooperative", levels=ROAD_RAW),
    "signal": _col("category", "Sinyal internet", "Internet signal", levels=SIGNAL_RAW),
    "health_governance": _col("float", "Skor aspek tata kelola", "Governance aspect score", "score 0-100",
                              range=(0, 100), enforce_range=False),
    "health_risk": _col("float", "Skor aspek profil risiko", "Risk-profile aspect score", "score 0-100",
                        range=(0, 100), enforce_range=False),
    "health_financial": _col("float", "Skor aspek kinerja keuangan", "Financial-performance aspect score",
                             "score 0-100", range=(0, 100), enforce_range=False),
    "health_capital": _col("float", "Skor aspek permodalan", "Capital aspect score", "score 0-100",
                           range=(0, 100), enforce_range=False),
    "chair_name": _text("Nama ketua (DATA PRIBADI: tidak boleh keluar dari data/raw)",
                        "Chair's name (PERSONAL: never leaves data/raw)", required=False),
    "chair_nik": _text("NIK ketua (DATA PRIBADI)", "Chair's national id (PERSONAL)", required=False),
    "chair_phone": _text("No. HP ketua (DATA PRIBADI)", "Chair's phone (PERSONAL)", required=False),
    "catatan": _CATATAN,
}
RAW_SCHEMAS["survey"] = _schema(_SURVEY, name="survey")

# ============================================================================== raw: public Kaltara data (issue 10)
#: the 50 IDM-2024 indicators in official order (IKS01–IKS35, IKE01–IKE12, IKL01–IKL03), as the public
#: file ``idm_kaltara_2024_desa_indicators.csv`` names its columns; each is a 0–5 score
IDM_INDICATORS: tuple[str, ...] = (
    "IKS01_AKSES_SARKES", "IKS02_DOKTER", "IKS03_BIDAN", "IKS04_NAKES_LAIN", "IKS05_KEPESERTAAN_BPJS",
    "IKS06_AKSES_POSKESDES", "IKS07_AKTIVITAS_POSYANDU", "IKS08_AKSES_SD_MI", "IKS09_AKSES_SMP_MTS",
    "IKS10_AKSES_SMA_SMK", "IKS11_PAUD", "IKS12_PKBM_PAKET_ABC", "IKS13_KURSUS", "IKS14_TAMAN_BACA_PERPUS",
    "IKS15_KEBIASAAN_GOTONG_ROYONG", "IKS16_FREKUENSI_GOTONG_ROYONG", "IKS17_RUANG_PUBLIK",
    "IKS18_KELOMPOK_OLAHRAGA", "IKS19_KEGIATAN_OLAHRAGA", "IKS20_KERAGAMAN_AGAMA", "IKS21_KERAGAMAN_BAHASA",
    "IKS22_KERAGAMAN_KOMUNIKASI", "IKS23_POSKAMLING", "IKS24_SISKAMLING", "IKS25_KONFLIK", "IKS26_PMKS",
    "IKS27_SLB", "IKS28_AKSES_LISTRIK", "IKS29_SINYAL_TELEPON", "IKS30_INTERNET_KANTOR_DESA",
    "IKS31_INTERNET_WARGA", "IKS32_AKSES_JAMBAN", "IKS33_SAMPAH", "IKS34_AIR_MINUM", "IKS35_AIR_MANDI_CUCI",
    "IKE01_KERAGAMAN_PRODUKSI", "IKE02_PERTOKOAN", "IKE03_PASAR", "IKE04_TOKO_WARUNG_KELONTONG",
    "IKE05_KEDAI_PENGINAPAN", "IKE06_POS_LOGISTIK", "IKE07_BANK_BPR", "IKE08_KREDIT", "IKE09_LEMBAGA_EKONOMI",
    "IKE10_TRANSPORTASI_UMUM", "IKE11_KETERBUKAAN_WILAYAH", "IKE12_KUALITAS_JALAN", "IKL01_KUALITAS_LINGKUNGAN",
    "IKL02_RAWAN_BENCANA", "IKL03_TANGGAP_BENCANA",
)
#: land-verification labels of the Kopdes programme → canonical codes
LAND_STATUS_RAW = {"terverifikasi": "verified", "sedang diverifikasi": "in_verification",
                   "tidak ada lahan": "no_land", "dipertimbangkan": "under_consideration",
                   "verified": "verified", "in_verification": "in_verification", "no_land": "no_land",
                   "under_consideration": "under_consideration"}
LAND_STATUSES = ("verified", "in_verification", "under_consideration", "no_land")


def _lat(desc_id="Lintang (WGS84)", desc_en="Latitude (WGS84)", **kw) -> pa.Column:
    return _col("float", desc_id, desc_en, "degrees", range=(-90.0, 90.0), **kw)


def _lon(desc_id="Bujur (WGS84)", desc_en="Longitude (WGS84)", **kw) -> pa.Column:
    return _col("float", desc_id, desc_en, "degrees", range=(-180.0, 180.0), **kw)


_IDM_DESA_COMMON = {
    "kode": _desa(desc_id="Kode desa Kemendagri 2025 (bertitik)", desc_en="Kemendagri 2025 village code (dotted)"),
    "kode_idm": _text("Kode desa IDM (kode Kemendagri tanpa titik)", "IDM village code (Kemendagri code without dots)",
                      required=False),
    "kode_kabkota": _kab(required=False),
    "nama_kabkota": _text("Nama kabupaten/kota", "Regency/city name", required=False),
    "kode_kecamatan": _kec(required=False),
    "nama_kecamatan": _text("Nama kecamatan", "District name", required=False),
    "nama_desa": _text("Nama desa (Kemendagri)", "Village name (Kemendagri)", required=False),
    "tahun": _col("int", "Tahun IDM", "IDM year", "year", range=(2015, 2100), nullable=False),
}
RAW_SCHEMAS["idm_desa"] = _schema({
    **_IDM_DESA_COMMON,
    "nama_desa_idm": _text("Nama desa (ejaan IDM)", "Village name (IDM spelling)", required=False),
    "iks": _score01("Indeks Ketahanan Sosial (IKS)", "Social resilience index (IKS)"),
    "ike": _score01("Indeks Ketahanan Ekonomi (IKE)", "Economic resilience index (IKE)"),
    "ikl": _score01("Indeks Ketahanan Lingkungan (IKL)", "Environmental resilience index (IKL)"),
    "idm": _score01("Indeks Desa Membangun = (IKS+IKE+IKL)/3", "Village development index = (IKS+IKE+IKL)/3"),
    "status_idm": _col("category", "Status IDM", "IDM status", checks=[pa.Check.isin(list(IDM_STATUSES))]),
    "sumber_nilai": _text("Tanda asal nilai dari repositori sumber", "Provenance flag of the source repository",
                          required=False),
    "catatan": _CATATAN,
}, name="idm_desa", unique=["kode", "tahun"])

RAW_SCHEMAS["idm_indicators"] = _schema({
    **_IDM_DESA_COMMON,
    **{ind: _col("int", f"Skor indikator IDM {ind} (0-5)", f"IDM indicator score {ind} (0-5)", "score 0-5",
                 range=(0, 5)) for ind in IDM_INDICATORS},
    "iks_from_indicators": _score01("IKS dihitung ulang = jumlah/175", "IKS recomputed = sum/175", required=False),
    "ike_from_indicators": _score01("IKE dihitung ulang = jumlah/60", "IKE recomputed = sum/60", required=False),
    "ikl_from_indicators": _score01("IKL dihitung ulang = jumlah/15", "IKL recomputed = sum/15", required=False),
    "matches_official_iks_ike_ikl": _col("bool", "IKS/IKE/IKL hitung ulang = nilai resmi",
                                         "Recomputed IKS/IKE/IKL equal the official values", required=False),
    "catatan": _CATATAN,
}, name="idm_indicators", unique=["kode", "tahun"])

RAW_SCHEMAS["simkopdes_locations"] = _schema({
    "cooperative_id": _col("int", "ID koperasi SIMKOPDES", "SIMKOPDES cooperative id", nullable=False, unique=True),
    "name": _text("Nama resmi koperasi ('KOPERASI DESA/KELURAHAN MERAH PUTIH <desa> [KECAMATAN …]')",
                  "Official cooperative name ('KOPERASI DESA/KELURAHAN MERAH PUTIH <village> [KECAMATAN …]')",
                  nullable=False),
    "province": _text("Provinsi", "Province", required=False),
    "district": _text("Kabupaten/kota (ejaan SIMKOPDES)", "Regency/city (SIMKOPDES spelling)", nullable=False),
    "subdistrict": _text("Kecamatan (ejaan SIMKOPDES)", "District (SIMKOPDES spelling)", nullable=False),
    "latitude": _lat(),
    "longitude": _lon(),
    "catatan": _CATATAN,
}, name="simkopdes_locations")

RAW_SCHEMAS["simkopdes_land"] = _schema({
    "asset_id": _col("int", "ID aset lahan (BUKAN ID koperasi)", "Land asset id (NOT the cooperative id)",
                     required=False),
    "cooperative": _text("Nama koperasi", "Cooperative name", nullable=False),
    "province": _text("Provinsi", "Province", required=False),
    "district": _text("Kabupaten/kota (ejaan SIMKOPDES)", "Regency/city (SIMKOPDES spelling)", nullable=False),
    "subdistrict": _text("Kecamatan", "District", nullable=False),
    "village": _text("Nama desa/kelurahan", "Village name"),
    "status": _col("category", "Status verifikasi lahan gedung koperasi",
                   "Verification status of the cooperative's building land", levels=LAND_STATUS_RAW),
    "surveyor": _text("Lembaga surveyor", "Surveying body", required=False),
    "latitude": _lat("Lintang lahan (WGS84)", "Plot latitude (WGS84)"),
    "longitude": _lon("Bujur lahan (WGS84)", "Plot longitude (WGS84)"),
    "catatan": _CATATAN,
}, name="simkopdes_land")

RAW_SCHEMAS["boundary_centroids"] = _schema({
    "kode": _text("Kode wilayah Kemendagri (kab/kec/desa)", "Kemendagri area code (regency/district/village)",
                  nullable=False, checks=[pa.Check.str_matches(r"^65(\.\d{2}){1,2}(\.[12]\d{3})?$")]),
    "nama": _text("Nama wilayah", "Area name"),
    "lat_centroid": _lat("Lintang titik tengah poligon", "Latitude of the polygon centroid"),
    "lng_centroid": _lon("Bujur titik tengah poligon", "Longitude of the polygon centroid"),
    "catatan": _CATATAN,
}, name="boundary_centroids")

# ============================================================================== aliases
def _n(text: str) -> str:
    return normalise_header(text)


_RAW_HEADERS: dict[str, dict[str, list[str]]] = {
    "kemendagri_kabkota": {"kode": ["kode_kabkota", "kode_kab", "kode_wilayah"], "nama": ["nama_kabkota"]},
    "kemendagri_kecamatan": {"kode": ["kode_kecamatan", "kode_kec"], "nama": ["nama_kecamatan"],
                             "kode_kabkota": ["kode_kab"], "nama_kabkota": ["kabupaten", "kabupaten_kota"]},
    "kemendagri_desa": {"kode": ["kode_desa", "kode_desa_kelurahan", "kode_wilayah"],
                        "nama": ["nama_desa", "nama_desa_kelurahan", "desa_kelurahan"],
                        "kode_kecamatan": ["kode_kec"], "kode_kabkota": ["kode_kab"],
                        "nama_kabkota": ["kabupaten_kota", "kabupaten"], "nama_kecamatan": ["kecamatan"]},
    "kemendagri_summary": {"penduduk_total_dukcapil_des2024": ["penduduk_total", "jumlah_penduduk"]},
    "simkopdes_village_stats": {"transaction_value": ["transaction_value_idr"]},
    "simkopdes_match": {"kode_kemendagri": ["kode_desa"]},
    "idm_summary": {"kode_desa_kemendesa": ["kode_desa", "kode_desa_kemendagri"], "nama_desa": ["desa"],
                    "kabkota": ["kabupaten", "kabupaten_kota"], "IDM": ["nilai_idm", "skor_idm"],
                    "status": ["status_idm"]},
    "idm_long": {"kode_desa_kemendesa": ["kode_desa"], "nama_desa": ["desa"], "skor_0_5": ["skor"],
                 "kabkota": ["kabupaten", "kabupaten_kota"]},
    "idm_wide": {"kode_desa_kemendesa": ["KODE DESA", "kode_desa", "kode_wilayah"],
                 "nama_desa": ["NAMA DESA", "desa"], "kecamatan": ["KECAMATAN", "nama_kecamatan"],
                 "kabkota": ["KABUPATEN/KOTA", "KABUPATEN", "kab_kota", "nama_kabupaten"],
                 "provinsi": ["PROVINSI"], "IKS": ["iks"], "IKE": ["ike"], "IKL": ["ikl"], "IDM": ["idm"],
                 "status": ["status"], "catatan": ["CATATAN"]},
    "bps_bridge_kabkota": {},
    "bps_bridge_kecamatan": {},
    "podes": {
        "kode_desa_bps": ["Kode Desa BPS", "KODE_DESA_BPS", "idDesa", "kode_bps"],
        "nama_desa": ["Nama Desa", "NAMA_DESA", "Desa/Kelurahan"],
        "nama_kecamatan": ["Nama Kecamatan", "Kecamatan"],
        "nama_kabkota": ["Nama Kabupaten/Kota", "Kabupaten/Kota", "Kabupaten"],
        "population": ["Jumlah Penduduk", "Penduduk (jiwa)"],
        "households": ["Jumlah Keluarga", "Jumlah KK", "Jumlah Keluarga (KK)"],
        "n_markets": ["Jumlah Pasar"],
        "n_shops": ["Jumlah Toko/Warung Kelontong", "Jumlah Toko", "Jumlah Warung"],
        "n_banks": ["Jumlah Bank", "Jumlah Kantor Bank/Agen"],
        "n_micro_industries": ["Jumlah Industri Mikro", "Industri Mikro dan Kecil"],
        "n_bumdes_units": ["Jumlah Unit Usaha BUMDes", "Unit Usaha BUMDes"],
        "has_lpg_base": ["Pangkalan LPG", "Ada Pangkalan LPG"],
        "has_health_facility": ["Fasilitas Kesehatan", "Ada Faskes"],
        "has_pharmacy_village": ["Apotek/Toko Obat", "Apotek"],
        "signal_4g": ["Sinyal 4G", "Sinyal 4G/LTE"],
        "road_access_village": ["Akses Jalan", "Akses Jalan Utama"],
        "catatan": ["Catatan", "Keterangan"],
    },
    "survey": {
        "coop_id": ["ID Koperasi", "Kode Koperasi"],
        "coop_name": ["Nama Koperasi"],
        "legal_number": ["No. Badan Hukum", "Nomor Badan Hukum", "No BH"],
        "kode_desa": ["Kode Desa", "Kode Desa Kemendagri", "Kode Wilayah"],
        "nama_desa": ["Nama Desa", "Desa/Kelurahan"],
        "nama_kabkota": ["Kabupaten/Kota", "Kabupaten"],
        "survey_date": ["Tanggal Survei", "Tgl Survei"],
        "members": ["Jumlah Anggota", "Jumlah Anggota (orang)"],
        "own_capital_rp": ["Modal Sendiri (Rp)", "Modal Sendiri"],
        "assets_rp": ["Total Aset (Rp)", "Total Aset", "Aset (Rp)"],
        "liabilities_rp": ["Total Kewajiban (Rp)", "Kewajiban (Rp)", "Total Utang (Rp)"],
        "turnover_rp": ["Omzet Tahunan (Rp)", "Omzet Tahunan", "Omset Tahunan"],
        "shu_rp": ["SHU (Rp)", "SHU", "Sisa Hasil Usaha"],
        "unit_office": ["Unit Kantor Koperasi", "Unit Kantor"],
        "unit_sembako": ["Unit Gerai Sembako", "Gerai Sembako"],
        "unit_savings_loan": ["Unit Simpan Pinjam", "Simpan Pinjam"],
        "unit_clinic": ["Unit Klinik Desa", "Klinik Desa"],
        "unit_pharmacy": ["Unit Apotek Desa", "Apotek Desa"],
        "unit_warehouse": ["Unit Gudang/Cold Storage", "Gudang/Cold Storage"],
        "unit_logistics": ["Unit Logistik", "Logistik"],
        "has_legal_entity": ["Berbadan Hukum", "Status Badan Hukum"],
        "has_nib": ["NIB", "Punya NIB"],
        "has_npwp": ["NPWP", "Punya NPWP"],
        "has_bank_account": ["Rekening Bank", "Punya Rekening Bank"],
        "rat_held_12m": ["RAT 12 Bulan Terakhir", "RAT dalam 12 Bulan"],
        "last_rat_date": ["Tanggal RAT Terakhir", "Tgl RAT Terakhir"],
        "board_trained": ["Pengurus Sudah Pelatihan", "Pengurus Terlatih"],
        "premises": ["Status Tempat Usaha", "Status Gedung"],
        "partners_existing": ["Mitra yang Sudah Ada", "Mitra Eksisting", "Mitra"],
        "distance_kab_km": ["Jarak ke Ibu Kota Kabupaten (km)", "Jarak ke Ibu Kota Kab (km)"],
        "road_access": ["Akses Jalan", "Akses Jalan ke Koperasi"],
        "signal": ["Sinyal Internet", "Sinyal"],
        "health_governance": ["Skor Tata Kelola", "Aspek Tata Kelola"],
        "health_risk": ["Skor Profil Risiko", "Aspek Profil Risiko"],
        "health_financial": ["Skor Kinerja Keuangan", "Aspek Kinerja Keuangan"],
        "health_capital": ["Skor Permodalan", "Aspek Permodalan"],
        "chair_name": ["Nama Ketua", "Ketua"],
        "chair_nik": ["NIK Ketua", "NIK"],
        "chair_phone": ["No. HP Ketua", "No HP Ketua", "HP Ketua", "Telepon Ketua"],
        "catatan": ["Catatan", "Keterangan"],
    },
}

COLUMN_ALIASES: dict[str, dict[str, str]] = {
    kind: {_n(h): canon for canon, heads in spec.items() for h in heads}
    for kind, spec in _RAW_HEADERS.items()
}
# Headers of the study's own forms as written by the synthetic generator and the blank templates:
# canonical column → the (first) Indonesian header.
FORM_HEADERS: dict[str, dict[str, str]] = {
    kind: {canon: heads[0] for canon, heads in _RAW_HEADERS[kind].items()} for kind in ("podes", "survey")
}

KEYS: dict[str, list[str]] = {
    "kemendagri_kabkota": ["kode"],
    "kemendagri_kecamatan": ["kode"],
    "kemendagri_desa": ["kode"],
    "kemendagri_summary": ["kode"],
    "simkopdes_village_stats": ["village_id"],
    "simkopdes_match": ["simkopdes_village_id"],
    "idm_summary": ["kode_desa_kemendesa", "tahun"],
    "idm_long": ["kode_desa_kemendesa", "tahun", "dimensi", "no"],
    "idm_wide": ["kode_desa_kemendesa", "tahun"],
    "bps_bridge_kabkota": ["kode_bps"],
    "bps_bridge_kecamatan": ["kode_bps"],
    "podes": ["kode_desa_bps"],
    "survey": ["coop_id"],
    "idm_desa": ["kode", "tahun"],
    "idm_indicators": ["kode", "tahun"],
    "simkopdes_locations": ["cooperative_id"],
    "simkopdes_land": ["cooperative", "district", "subdistrict"],
    "boundary_centroids": ["kode"],
    "cooperatives": ["coop_id"],
    "villages": ["kode_desa"],
}

# ============================================================================== processed
_REGION = {
    "coop_id": _text("ID koperasi", "Cooperative id", nullable=False, unique=True),
    "kode_desa": _desa(),
    "nama_desa": _text("Nama desa/kelurahan", "Village name"),
    "jenis": _col("category", "Jenis: desa/kelurahan", "Type: desa/kelurahan", checks=[pa.Check.isin(list(JENIS))]),
    "kode_kecamatan": _kec(),
    "nama_kecamatan": _text("Nama kecamatan", "District name"),
    "kode_kabkota": _kab(),
    "nama_kabkota": _text("Nama kabupaten/kota", "Regency/city name"),
}
_REGISTRY = {
    "reg_accounts": _count("SIMKOPDES: jumlah akun", "SIMKOPDES: accounts"),
    "reg_npwp": _count("SIMKOPDES: ber-NPWP", "SIMKOPDES: with NPWP"),
    "reg_nib": _count("SIMKOPDES: ber-NIB", "SIMKOPDES: with NIB"),
    "reg_rat": _count("SIMKOPDES: sudah RAT", "SIMKOPDES: RAT held"),
    "reg_tx_volume": _count("SIMKOPDES: jumlah transaksi", "SIMKOPDES: transactions"),
    "reg_tx_value_rp": _money("SIMKOPDES: nilai transaksi", "SIMKOPDES: transaction value", lo=0),
    "reg_savings_rp": _money("SIMKOPDES: total simpanan", "SIMKOPDES: total savings", lo=0),
}
_VILLAGE_CONTEXT = {
    "population": _count("Jumlah penduduk desa (Podes)", "Village population (Podes)", "persons"),
    "households": _count("Jumlah keluarga (Podes)", "Households (Podes)", "households"),
    "n_markets": _count("Jumlah pasar", "Markets"),
    "n_shops": _count("Jumlah toko/warung", "Shops"),
    "n_banks": _count("Jumlah bank/agen", "Banks or agents"),
    "n_micro_industries": _count("Jumlah industri mikro", "Micro industries"),
    "n_bumdes_units": _count("Jumlah unit usaha BUMDes", "BUMDes units"),
    "has_lpg_base": _col("bool", "Ada pangkalan LPG", "Has an LPG base"),
    "has_health_facility": _col("bool", "Ada fasilitas kesehatan", "Has a health facility"),
    "has_pharmacy_village": _col("bool", "Ada apotek/toko obat", "Has a pharmacy"),
    "signal_4g": _col("bool", "Ada sinyal 4G", "4G signal"),
    "road_access_village": _col("category", "Akses jalan desa (all_weather < seasonal < river_only)",
                                "Village road access (all_weather < seasonal < river_only)",
                                checks=[pa.Check.isin(list(ROAD_LEVELS))]),
    "population_kabkota": _count("Jumlah penduduk kabupaten/kota (Dukcapil Des 2024)",
                                 "Regency/city population (Dukcapil Dec 2024)", "persons", required=False),
}
_IDM = {
    "idm_year": _col("int", "Tahun IDM terakhir", "Latest IDM year", "year", range=(2015, 2100)),
    "iks": _score01("IKS", "Social resilience index"),
    "ike": _score01("IKE", "Economic resilience index"),
    "ikl": _score01("IKL", "Environmental resilience index"),
    "idm": _score01("Nilai IDM", "IDM value"),
    "idm_status": _col("category", "Status IDM", "IDM status", checks=[pa.Check.isin(list(IDM_STATUSES))]),
}


def _bool(i, e):
    return _col("bool", i, e)


_SURVEY_OUT = {
    "members": _count("Jumlah anggota", "Members", "persons"),
    "own_capital_rp": _money("Modal sendiri", "Own capital", lo=0),
    "assets_rp": _money("Total aset", "Total assets", lo=0),
    "liabilities_rp": _money("Total kewajiban", "Total liabilities", lo=0),
    "turnover_rp": _money("Omzet tahunan", "Annual turnover", lo=0),
    "shu_rp": _money("SHU", "Surplus (SHU)"),
    **{u: _bool(RAW_SCHEMAS["survey"].columns[u].metadata["desc_id"],
                RAW_SCHEMAS["survey"].columns[u].metadata["desc_en"]) for u in UNIT_COLUMNS},
    "has_legal_entity": _bool("Berbadan hukum", "Legal entity"),
    "has_nib": _bool("Memiliki NIB", "Has NIB"),
    "has_npwp": _bool("Memiliki NPWP", "Has NPWP"),
    "has_bank_account": _bool("Memiliki rekening bank", "Has a bank account"),
    "rat_held_12m": _bool("RAT dalam 12 bulan terakhir", "RAT in the last 12 months"),
    "board_trained": _bool("Pengurus terlatih", "Board trained"),
    "last_rat_date": _col("date", "Tanggal RAT terakhir", "Date of the last RAT", "date"),
    "premises": _col("category", "Status tempat usaha (own/rent/borrowed/none)",
                     "Premises (own/rent/borrowed/none)", checks=[pa.Check.isin(list(PREMISES_LEVELS))]),
    "partners_existing": _text("Mitra yang sudah ada (kunci dipisah ';')",
                               "Existing partners (';'-joined keys: " + ", ".join(PARTNER_KEYS) + ")"),
    "distance_kab_km": _col("float", "Jarak ke ibu kota kabupaten", "Distance to the regency capital", "km",
                            range=(0, 1000)),
    "road_access": _col("category", "Akses jalan (all_weather/seasonal/river_only)",
                        "Road access (all_weather/seasonal/river_only)", checks=[pa.Check.isin(list(ROAD_LEVELS))]),
    "signal": _col("category", "Sinyal internet (none/2g/3g/4g)", "Internet signal (none/2g/3g/4g)",
                   checks=[pa.Check.isin(list(SIGNAL_LEVELS))]),
    "health_governance": _col("float", "Skor tata kelola", "Governance score", "score 0-100", range=(0, 100)),
    "health_risk": _col("float", "Skor profil risiko", "Risk-profile score", "score 0-100", range=(0, 100)),
    "health_financial": _col("float", "Skor kinerja keuangan", "Financial-performance score", "score 0-100",
                             range=(0, 100)),
    "health_capital": _col("float", "Skor permodalan", "Capital score", "score 0-100", range=(0, 100)),
    "health_score": _col("float", "Skor kesehatan koperasi (rata-rata 4 aspek)",
                         "Cooperative health score (mean of the 4 aspects)", "score 0-100", range=(0, 100)),
    "health_rating": _col("category", "Predikat kesehatan (Permenkop UKM 9/2020)",
                          "Health rating (Permenkop UKM 9/2020)", checks=[pa.Check.isin(list(HEALTH_RATINGS))]),
}
_DERIVED = {
    "units_operating": _col("int", "Jumlah unit usaha beroperasi (0-7)", "Business units operating (0-7)",
                            "count", range=(0, 7)),
    "debt_ratio": _col("float", "Rasio utang = kewajiban/aset", "Debt ratio = liabilities/assets", "ratio",
                       range=(0, None)),
    "members_per_100_hh": _col("float", "Anggota per 100 keluarga", "Members per 100 households", "per 100 hh",
                               range=(0, None)),
    "shops_per_1000": _col("float", "Toko per 1.000 penduduk", "Shops per 1,000 people", "per 1000",
                           range=(0, None)),
    "markets_per_1000": _col("float", "Pasar per 1.000 penduduk", "Markets per 1,000 people", "per 1000",
                             range=(0, None)),
    "signal_score": _col("int", "Skor sinyal (0=none … 3=4g)", "Signal score (0=none … 3=4g)", "score 0-3",
                         range=(0, 3)),
    "road_score": _col("int", "Skor akses jalan (2=all_weather, 1=seasonal, 0=river_only)",
                       "Road score (2=all_weather, 1=seasonal, 0=river_only)", "score 0-2", range=(0, 2)),
    "is_kelurahan": _col("bool", "Kelurahan (perkotaan)", "Urban kelurahan", dtype="bool", nullable=False),
    "data_source": _col("category", "Sumber data (synthetic/kaltara)", "Data source (synthetic/kaltara)",
                        nullable=False),
}

COOPERATIVE_COLUMNS: tuple[str, ...] = tuple(
    list(_REGION) + list(_REGISTRY) + [c for c in _VILLAGE_CONTEXT if c != "population_kabkota"]
    + list(_IDM) + list(_SURVEY_OUT) + list(_DERIVED))

#: issue 10: identity and public village context, after the contract columns (absent sources → NA)
_DIMS = ("market_access", "finance_access", "logistics_transport", "infrastructure", "digital", "health",
         "education", "social_capital", "environment_disaster")
_REALDATA: dict[str, pa.Column] = {
    "nama_koperasi": _text("Nama resmi koperasi (SIMKOPDES)", "Official cooperative name (SIMKOPDES)", required=False),
    "simkopdes_id": _col("int", "ID koperasi SIMKOPDES", "SIMKOPDES cooperative id", required=False),
    "latitude": _lat(required=False),
    "longitude": _lon(required=False),
    "match_method": _col("category", "Cara padanan desa (exact/fuzzy/land/registry/polygon; kosong = belum dipadankan)",
                         "How the village was matched (exact/fuzzy/land/registry/polygon; NA = no location row matched)",
                         required=False),
    "match_score": _col("float", "Skor padanan nama (0-100)", "Name match score (0-100)", "0-100", range=(0, 100),
                        required=False),
    "coord_flag": _text("Catatan koordinat (di luar kabupaten / jauh dari desa, km)",
                        "Coordinate flag (outside the regency / far from the village, km)", required=False),
    "dist_village_km": _col("float", "Jarak titik ke poligon desanya", "Distance of the point to its village polygon",
                            "km", range=(0, None), required=False),
    "land_status": _col("category", "Status lahan gedung (verified/in_verification/under_consideration/no_land/"
                        "not_surveyed)", "Building-land status (… / not_surveyed)", required=False,
                        checks=[pa.Check.isin(list(LAND_STATUSES) + ["not_surveyed"])]),
    "stratum": _col("category", "Strata: desa (ber-IDM) atau kelurahan (tanpa IDM menurut desain)",
                    "Stratum: desa (has IDM) or kelurahan (no IDM by design)", required=False,
                    checks=[pa.Check.isin(list(JENIS))]),
    "idm_2024": _score01("IDM 2024", "IDM 2024", required=False),
    "iks_2024": _score01("IKS 2024", "IKS 2024", required=False),
    "ike_2024": _score01("IKE 2024", "IKE 2024", required=False),
    "ikl_2024": _score01("IKL 2024", "IKL 2024", required=False),
    "idm_status_2024": _col("category", "Status IDM 2024", "IDM status 2024", required=False,
                            checks=[pa.Check.isin(list(IDM_STATUSES))]),
    "idm_2023": _score01("IDM 2023", "IDM 2023", required=False),
    "idm_status_2023": _col("category", "Status IDM 2023", "IDM status 2023", required=False,
                            checks=[pa.Check.isin(list(IDM_STATUSES))]),
    "idm_change": _col("float", "Perubahan IDM 2023→2024", "IDM change 2023→2024", "index points", required=False),
    **{f"dim_{d}": _col("float", f"Dimensi {d}: rata-rata skor indikator IDM 2024 (0-5)",
                        f"Dimension {d}: mean IDM-2024 indicator score (0-5)", "score 0-5", range=(0, 5),
                        required=False) for d in _DIMS},
    **{i.lower(): _col("int", f"Skor indikator IDM 2024 {i} (0-5)", f"IDM 2024 indicator score {i} (0-5)",
                       "score 0-5", range=(0, 5), required=False) for i in IDM_INDICATORS},
    "capital": _text("Ibu kota kabupaten/kota", "Regency/city capital", required=False),
    "dist_capital_km": _col("float", "Jarak garis lurus ke ibu kota kabupaten (pusat kecamatan ibu kota)",
                            "Straight-line distance to the regency capital (seat kecamatan centroid)", "km",
                            range=(0, None), required=False),
    "dist_nearest_coop_km": _col("float", "Jarak garis lurus ke koperasi terdekat lainnya",
                                 "Straight-line distance to the nearest other cooperative", "km", range=(0, None),
                                 required=False),
}
REALDATA_COLUMNS: tuple[str, ...] = tuple(_REALDATA)

PROCESSED_SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "cooperatives": _schema({**_REGION, **_REGISTRY, **_VILLAGE_CONTEXT, **_IDM, **_SURVEY_OUT, **_DERIVED,
                             **_REALDATA},
                            name="cooperatives"),
    "villages": _schema({
        "kode_desa": _desa(unique=True),
        **{k: v for k, v in _REGION.items() if k not in ("coop_id", "kode_desa")},
        "n_cooperatives": _count("Jumlah koperasi di desa", "Cooperatives in the village"),
        "has_own_coop": _col("bool", "Desa punya koperasi sendiri", "Village has its own cooperative"),
        **_VILLAGE_CONTEXT, **_IDM,
        "data_source": _DERIVED["data_source"],
    }, name="villages"),
}


# ============================================================================== dictionary
def column_meta(kind: str, column: str) -> dict:
    """The metadata dict of ``column`` in raw source ``kind`` (or a processed table name).

    >>> column_meta("survey", "members")["unit"]
    'persons'
    """
    schema = RAW_SCHEMAS.get(kind) or PROCESSED_SCHEMAS[kind]
    return dict(schema.columns[column].metadata or {})


def _range_text(meta: dict) -> str:
    rng = meta.get("range")
    if not rng:
        return ""
    lo, hi = rng
    return f"[{'' if lo is None else lo}, {'' if hi is None else hi}]"


def data_dictionary() -> pd.DataFrame:
    """Every column of every raw and processed schema as one table (the data dictionary).

    Columns: ``table, layer, column, raw_headers, kind, dtype, unit, range, required, key,
    personal, desc_id, desc_en``.

    >>> dd = data_dictionary()
    >>> dd.loc[(dd["table"] == "cooperatives") & (dd["column"] == "coop_id"), "key"].item()
    True
    """
    rows = []
    for layer, schemas in (("raw", RAW_SCHEMAS), ("processed", PROCESSED_SCHEMAS)):
        for table, schema in schemas.items():
            heads = _RAW_HEADERS.get(table, {})
            for name, col in schema.columns.items():
                meta = col.metadata or {}
                rows.append({
                    "table": table, "layer": layer, "column": name,
                    "raw_headers": "; ".join(heads.get(name, [])),
                    "kind": meta.get("kind", ""),
                    "dtype": "string" if str(col.dtype).startswith("string") else str(col.dtype), "unit": meta.get("unit", ""),
                    "range": _range_text(meta), "required": bool(col.required),
                    "key": name in KEYS.get(table, []), "personal": name in PERSONAL_COLUMNS,
                    "desc_id": meta.get("desc_id", ""), "desc_en": meta.get("desc_en", ""),
                })
    return pd.DataFrame(rows)


_TABLE_TITLES = {
    "kemendagri_kabkota": "Kemendagri: kabupaten/kota (`*wilayah*_kabkota.csv`)",
    "kemendagri_kecamatan": "Kemendagri: kecamatan (`*wilayah*_kecamatan.csv`)",
    "kemendagri_desa": "Kemendagri: desa/kelurahan (`*wilayah*_desa_kelurahan.csv`)",
    "kemendagri_summary": "Kemendagri/Dukcapil: ringkasan per kabupaten/kota (`*wilayah*_summary.csv`)",
    "simkopdes_village_stats": "SIMKOPDES: statistik per desa (`simkopdes*village_stats.csv`)",
    "simkopdes_match": "SIMKOPDES → Kemendagri: tabel padanan (`simkopdes*to_kemendagri_match.csv`)",
    "idm_summary": "IDM: ringkasan per desa dan tahun (`idm*_summary.csv`)",
    "idm_long": "IDM: skor 50 indikator (`idm*indicators_long.csv`)",
    "idm_wide": "IDM: format lebar Kemendesa (XLSX: `KODE DESA`, `IKS 2024`, …, `STATUS IDM 2024`)",
    "bps_bridge_kabkota": "Jembatan kode BPS ↔ Kemendagri: kabupaten/kota",
    "bps_bridge_kecamatan": "Jembatan kode BPS ↔ Kemendagri: kecamatan",
    "podes": "Fasilitas desa gaya Podes (CSV, kunci kode desa BPS)",
    "survey": "Survei dan penilaian koperasi (XLSX, satu baris per koperasi)",
    "idm_desa": "IDM per desa per tahun (`idm_kaltara_<tahun>_desa.csv`; dikenali dari judul kolom)",
    "idm_indicators": "IDM 2024: skor 50 indikator per desa (`idm_kaltara_2024_desa_indicators.csv`)",
    "simkopdes_locations": "SIMKOPDES: nama resmi dan koordinat tiap koperasi (`simkopdes_kaltara_locations.csv`)",
    "simkopdes_land": "SIMKOPDES: verifikasi lahan gedung koperasi (`simkopdes_kaltara_land_assets.csv`)",
    "boundary_centroids": "Titik tengah poligon batas wilayah (`kaltara_boundaries_*_centroid.csv`)",
    "cooperatives": "TABEL ANALISIS: satu baris per koperasi (`data/processed/<source>/cooperatives.parquet`)",
    "villages": "Tabel desa: satu baris per desa/kelurahan (`data/processed/<source>/villages.parquet`)",
}


def _md_cell(v: object) -> str:
    return str(v).replace("|", "\\|").replace("\n", " ")


def data_dictionary_markdown() -> str:
    """The data dictionary as Markdown (``docs/data_dictionary.md`` is exactly this text).

    >>> data_dictionary_markdown().startswith("# Kamus data")
    True
    """
    dd = data_dictionary()
    lines = [
        "# Kamus data / Data dictionary",
        "",
        "<!-- GENERATED by kaltara_study.data.schema.data_dictionary_markdown(); do not edit by hand. -->",
        "<!-- Regenerate: .venv/bin/python -c \"from kaltara_study.data.processed import write_data_dictionary; "
        "write_data_dictionary()\" -->",
        "",
        "Kunci penggabungan / join keys: kode desa Kemendagri `65.KK.CC.TNNN` (T = 1 kelurahan, 2 desa); IDM "
        "memakai kode yang sama tanpa titik; Podes memakai kode BPS (kabupaten berbeda: BPS 6501 = Malinau = "
        "65.02) dan dijembatani lewat tabel BPS ↔ Kemendagri; SIMKOPDES dipadankan lewat nama (atau tabel "
        "padanan). `kind` = cara kolom mentah di-parse; `range` = batas wajar (di tabel mentah survei/Podes "
        "nilai di luar batas dikosongkan oleh `clean` dengan catatan audit; di tabel olahan batas diperiksa). "
        "Kolom `personal` tidak pernah keluar dari `data/raw`.",
        "",
        "Join key: the Kemendagri village code; IDM uses it without dots; Podes uses BPS codes, bridged; "
        "SIMKOPDES is matched by names (or the match table). `kind` = how the raw text is parsed; `range` = "
        "plausible bounds (blanked with an audit entry in the raw survey/Podes, enforced in processed tables). "
        "`personal` columns never leave `data/raw`.",
        "",
    ]
    for (layer, table), grp in dd.groupby(["layer", "table"], sort=False):
        lines += [f"## {_TABLE_TITLES.get(table, table)}", "",
                  f"`{layer}` · `{table}` · key: `{', '.join(KEYS.get(table, [])) or '-'}`", "",
                  "| column | raw headers | kind | dtype | unit | range | req. | key | personal | Bahasa Indonesia | English |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in grp.itertuples():
            lines.append("| " + " | ".join(_md_cell(x) for x in (
                f"`{r.column}`", r.raw_headers, r.kind, r.dtype, r.unit, r.range, "yes" if r.required else "",
                "yes" if r.key else "", "**yes**" if r.personal else "", r.desc_id, r.desc_en)) + " |")
        lines.append("")
    return "\n".join(lines)
