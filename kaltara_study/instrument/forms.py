"""XLSForms for the cooperative survey and the supervisor assessment, built from the data contract.

Pure functions: frames in, frames out (no file is read or written here;
:mod:`kaltara_study.report.instrument` writes them).

Two forms (``FORM_IDS``):

``survey`` (``kdmp_survey``)
    An enumerator visits the cooperative with its board. The cooperative is picked from the preloaded
    SIMKOPDES list (kabupaten → kecamatan → cooperative, by ``choice_filter``); its study id, village
    code and names are looked up from the choice list (``calculate``). Then: premises (with a photo
    unless there are none) and GPS point, road access, signal, distance; members, board training;
    finances (skipped when the cooperative has no financial report); the business units operating
    (``select_multiple``); the document checklist — AHU decree, NIB, NPWP, bank letter, RAT minutes —
    each *dilihat / dinyatakan / tidak ada* (seen / stated / absent); the partners (a repeat group, one
    row per partner).
``assessment`` (``kdmp_assessment``)
    A supervisor (identified by a numeric code from the bimtek list, never by name) scores the four
    aspects of cooperative health of Permenkop UKM 9/2020 (0–100) and verifies the same document
    checklist. Two supervisors assessing the same cooperative give the agreement data of
    :mod:`kaltara_study.instrument.agreement`.

No free-text field can hold a personal identifier: the chair's name, NIK and phone
(``schema.PERSONAL_COLUMNS``) are not asked; the only text field is the AHU number, constrained to the
``AHU-…`` pattern.

Every data question carries two extra columns that ODK/Kobo ignore and the export reader
(:func:`kaltara_study.data.kobo.read_kobo_export`) uses, so the form itself says how an answer becomes
a contract column:

``kaltara_column``  the contract column (or, for ``multi_bool``, the column prefix);
``kaltara_rule``    ``value`` (parse by the contract's kind), ``yes_no`` (yes → True), ``doc_present``
                    (seen/stated → True, absent → False), ``multi_bool`` (each choice code c →
                    boolean ``<prefix><c>``; ``none`` → all False), ``join_keys`` (codes of a
                    select_multiple or of a repeat's rows → ';'-joined in choice order; ``none`` →
                    ""), ``empty_if_no`` (a gate answered *no* sets the column to False / "" where no
                    other question filled it), ``lookup`` (a value looked up from the cooperative
                    list), ``meta`` (kept, not a contract column).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from kaltara_study.data.schema import PARTNER_KEYS, PERSONAL_COLUMNS, UNIT_COLUMNS
from kaltara_study.errors import InputError

__all__ = [
    "ASSESSMENT_ITEMS",
    "DOC_ITEMS",
    "FORM_IDS",
    "FORM_VERSIONS",
    "LANG_EN",
    "LANG_ID",
    "XLSForm",
    "build_assessment_form",
    "build_forms",
    "build_survey_form",
    "cooperative_list",
    "criteria_coverage",
    "entry_template_layout",
    "range_constraint",
]

LANG_ID = "Indonesian (id)"
LANG_EN = "English (en)"
FORM_IDS = {"survey": "kdmp_survey", "assessment": "kdmp_assessment"}
#: Current form versions (ODK convention yyyymmddnn). Older versions the export reader still
#: understands are listed in :data:`kaltara_study.data.kobo.FORM_HISTORY`.
FORM_VERSIONS = {"survey": "2025110102", "assessment": "2025110101"}
SURVEY_COLUMNS = ["type", "name", f"label::{LANG_ID}", f"label::{LANG_EN}", f"hint::{LANG_ID}", f"hint::{LANG_EN}",
                  "required", "relevant", "constraint", f"constraint_message::{LANG_ID}",
                  f"constraint_message::{LANG_EN}", "choice_filter", "calculation", "appearance",
                  "parameters", "kaltara_column", "kaltara_rule"]
#: The document checklist: question → (contract column, Indonesian label, English label).
DOC_ITEMS = {
    "doc_ahu": ("has_legal_entity", "SK badan hukum (AHU)", "Legal-entity decree (AHU)"),
    "doc_nib": ("has_nib", "NIB (Nomor Induk Berusaha)", "Business id (NIB)"),
    "doc_npwp": ("has_npwp", "NPWP koperasi", "Cooperative tax number (NPWP)"),
    "doc_bank": ("has_bank_account", "Surat/buku rekening bank atas nama koperasi",
                 "Bank letter/passbook in the cooperative's name"),
    "doc_rat": ("rat_held_12m", "Berita acara RAT dalam 12 bulan terakhir",
                "Minutes of a RAT (annual meeting) in the last 12 months"),
}
DOC_LEVELS = (("seen", "Dilihat", "Seen"), ("stated", "Dinyatakan (tidak ditunjukkan)", "Stated (not shown)"),
              ("absent", "Tidak ada", "Absent"))
HEALTH_ASPECTS = ("health_governance", "health_risk", "health_financial", "health_capital")
#: Items of the assessment form rated by each supervisor: item → scale (``interval`` scores for the
#: ICC, ``ordinal`` codes in order for weighted kappa).
ASSESSMENT_ITEMS: dict[str, tuple[str, tuple[str, ...]]] = {
    **{a: ("interval", ()) for a in HEALTH_ASPECTS},
    **{d: ("ordinal", ("absent", "stated", "seen")) for d in DOC_ITEMS},
}
_UNIT_ID = {"persons": "orang", "score 0-100": "skor 0-100", "households": "keluarga"}
_UNIT_EN = {"office": "Cooperative office", "sembako": "Grocery (sembako) outlet", "savings_loan": "Savings and loan",
            "clinic": "Village clinic", "pharmacy": "Village pharmacy", "warehouse": "Warehouse/cold storage",
            "logistics": "Logistics"}
_LEVEL_EN = {"own": "Own", "rent": "Rented", "borrowed": "Borrowed (pinjam pakai)", "none": "None yet",
             "all_weather": "All-weather road", "seasonal": "Seasonal road", "river_only": "River only",
             "2g": "2G", "3g": "3G", "4g": "4G"}


@dataclass(frozen=True)
class XLSForm:
    """One XLSForm as frames: ``survey``, ``choices``, ``settings`` (sheet name → frame via :meth:`sheets`)."""

    key: str
    survey: pd.DataFrame
    choices: pd.DataFrame
    settings: pd.DataFrame

    @property
    def form_id(self) -> str:
        return str(self.settings["form_id"].iat[0])

    @property
    def version(self) -> str:
        return str(self.settings["version"].iat[0])

    def sheets(self) -> dict[str, pd.DataFrame]:
        return {"survey": self.survey, "choices": self.choices, "settings": self.settings}


# ------------------------------------------------------------------------------------ helpers
def _num(x) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def range_constraint(rng: tuple | None) -> tuple[str, str, str]:
    """XLSForm ``constraint`` and its Indonesian/English messages for a contract range ``(lo, hi)``.

    >>> range_constraint((0, 100))[0]
    '. >= 0 and . <= 100'
    >>> range_constraint((0, None))[1]
    'Tidak boleh kurang dari 0'
    """
    if not rng:
        return "", "", ""
    lo, hi = rng
    if lo is not None and hi is not None:
        return (f". >= {_num(lo)} and . <= {_num(hi)}", f"Harus antara {_num(lo)} dan {_num(hi)}",
                f"Must be between {_num(lo)} and {_num(hi)}")
    if lo is not None:
        return f". >= {_num(lo)}", f"Tidak boleh kurang dari {_num(lo)}", f"Must be at least {_num(lo)}"
    return f". <= {_num(hi)}", f"Tidak boleh lebih dari {_num(hi)}", f"Must be at most {_num(hi)}"


def _meta(contract, column: str) -> dict:
    try:
        return dict(contract.columns[column].metadata or {})
    except KeyError:
        raise InputError(f"the form asks for contract column {column!r}, which the survey contract does not "
                         "define; update kaltara_study.instrument.forms or schema.RAW_SCHEMAS['survey']") from None


def _row(type_: str, name: str, label_id: str = "", label_en: str = "", **kw) -> dict:
    row = dict.fromkeys(SURVEY_COLUMNS, "")
    row.update({"type": type_, "name": name, f"label::{LANG_ID}": label_id, f"label::{LANG_EN}": label_en})
    for k, v in kw.items():
        key = {"hint_id": f"hint::{LANG_ID}", "hint_en": f"hint::{LANG_EN}", "cmsg_id": f"constraint_message::{LANG_ID}",
               "cmsg_en": f"constraint_message::{LANG_EN}", "column": "kaltara_column", "rule": "kaltara_rule",
               "filter": "choice_filter"}.get(k, k)
        if key not in row:
            raise ValueError(f"unknown XLSForm column {k!r}")
        row[key] = "yes" if v is True else ("" if v is False or v is None else str(v))
    return row


def _data_q(contract, type_: str, column: str, *, name: str | None = None, label_id: str | None = None,
            label_en: str | None = None, unit: bool = True, **kw) -> dict:
    """A question on a contract column: labels, unit hint and range constraint from the contract."""
    meta = _meta(contract, column)
    lid = label_id or meta.get("desc_id", column)
    len_ = label_en or meta.get("desc_en", column)
    u = meta.get("unit", "")
    if unit and u and u not in ("count", "date") and "(" not in lid:
        lid, len_ = f"{lid} ({_UNIT_ID.get(u, u)})", f"{len_} ({u})"
    con, mid, men = range_constraint(meta.get("range")) if type_ in ("integer", "decimal") else ("", "", "")
    kw.setdefault("constraint", con)
    kw.setdefault("cmsg_id", mid)
    kw.setdefault("cmsg_en", men)
    kw.setdefault("column", column)
    kw.setdefault("rule", "value")
    return _row(type_, name or column, lid, len_, **kw)


def _choice(list_name: str, name: str, label_id: str, label_en: str, **extra) -> dict:
    return {"list_name": list_name, "name": name, f"label::{LANG_ID}": label_id, f"label::{LANG_EN}": label_en,
            **extra}


def _levels(contract, column: str) -> list[tuple[str, str]]:
    """(code, Indonesian label) of a category column: codes in first-seen order of its ``levels``,
    the label the first raw label mapping to it."""
    levels = _meta(contract, column).get("levels") or {}
    out: dict[str, str] = {}
    for raw, code in levels.items():
        out.setdefault(code, raw)
    return [(code, lab[:1].upper() + lab[1:]) for code, lab in out.items()]


def _slug(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(text).lower()).strip("_")


# ------------------------------------------------------------------------------ cooperatives
_COOP_REQUIRED = ("simkopdes_id", "name", "kabupaten", "kecamatan")
_NAME_PREFIX = re.compile(r"^\s*koperasi\s+(desa|kelurahan)\s+merah\s+putih\s+", re.I)
_NAME_SUFFIX = re.compile(r"\s+(kecamatan|kec\.|kabupaten|kab\.)\s+.*$", re.I)


def _key(kec, village) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(kec).lower()).strip() + "|" + re.sub(r"[^a-z0-9]+", " ",
                                                                               str(village).lower()).strip()


def cooperative_list(locations: pd.DataFrame, *, match: pd.DataFrame | None = None) -> pd.DataFrame:
    """The cooperatives to preload, from the SIMKOPDES locations file (``cooperative_id, name, district,
    subdistrict``) or a frame already in this layout.

    Returns ``simkopdes_id, name, village, kecamatan, kabupaten, coop_id, kode_desa`` sorted by
    kabupaten, kecamatan, name. ``village`` is taken from the official name (``KOPERASI DESA MERAH PUTIH
    <VILLAGE>``) unless given; ``coop_id``/``kode_desa`` stay empty unless given (the export reader then
    reports the SIMKOPDES id, and the lead's join maps it).

    >>> loc = pd.DataFrame({"cooperative_id": [7], "name": ["KOPERASI DESA MERAH PUTIH PEJALIN"],
    ...                     "district": ["KAB. BULUNGAN"], "subdistrict": ["Tanjung Palas"]})
    >>> cooperative_list(loc)[["simkopdes_id", "village"]].values.tolist()
    [['7', 'PEJALIN']]
    """
    df = locations.rename(columns={"cooperative_id": "simkopdes_id", "district": "kabupaten",
                                   "subdistrict": "kecamatan", "official_name": "name"})
    missing = [c for c in _COOP_REQUIRED if c not in df.columns]
    if missing:
        raise InputError(f"the cooperative list needs columns {list(_COOP_REQUIRED)} (or the SIMKOPDES locations "
                         f"columns cooperative_id, name, district, subdistrict); missing {missing}")
    out = pd.DataFrame({
        "simkopdes_id": df["simkopdes_id"].map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer()
                                                  else str(v).strip()),
        "name": df["name"].astype(str).str.strip(),
        "kabupaten": df["kabupaten"].astype(str).str.strip(),
        "kecamatan": df["kecamatan"].astype(str).str.strip(),
    })
    out["village"] = (df["village"].astype(str).str.strip() if "village" in df.columns
                      else out["name"].str.replace(_NAME_PREFIX, "", regex=True).str.replace(_NAME_SUFFIX, "", regex=True)
                      .str.strip())
    for c in ("coop_id", "kode_desa"):
        out[c] = df[c].fillna("").astype(str).str.strip() if c in df.columns else ""
    if match is not None and len(match):
        need = {"simkopdes_subdistrict", "simkopdes_village", "kode_kemendagri"}
        if not need <= set(match.columns):
            raise InputError(f"the match table needs columns {sorted(need)}")
        m = match.dropna(subset=["kode_kemendagri"])
        keys = [_key(k, v) for k, v in zip(m["simkopdes_subdistrict"], m["simkopdes_village"])]
        lut = pd.Series(m["kode_kemendagri"].astype(str).to_numpy(), index=keys)
        lut = lut[~lut.index.duplicated(keep=False)]
        found = pd.Series([_key(k, v) for k, v in zip(out["kecamatan"], out["village"])], index=out.index).map(lut)
        out["kode_desa"] = out["kode_desa"].where(out["kode_desa"] != "", found.fillna(""))
    dup = out["simkopdes_id"].duplicated(keep=False)
    if dup.any():
        raise InputError(f"the cooperative list has duplicate SIMKOPDES ids: {sorted(set(out.loc[dup, 'simkopdes_id']))[:5]}")
    return out.sort_values(["kabupaten", "kecamatan", "name", "simkopdes_id"], kind="stable").reset_index(drop=True)


def _place_choices(coops: pd.DataFrame) -> list[dict]:
    rows = []
    kab = coops.drop_duplicates("kabupaten")["kabupaten"]
    for k in sorted(kab):
        rows.append(_choice("kab", _slug(k), k, k))
    kec = coops.drop_duplicates(["kabupaten", "kecamatan"])
    for k, c in sorted(zip(kec["kabupaten"], kec["kecamatan"])):
        rows.append(_choice("kec", f"{_slug(k)}__{_slug(c)}", c, c, kab=_slug(k)))
    for r in coops.itertuples():
        label = f"{r.name} — {r.village} ({r.simkopdes_id})"
        rows.append(_choice("coop", r.simkopdes_id, label, label, kab=_slug(r.kabupaten),
                            kec=f"{_slug(r.kabupaten)}__{_slug(r.kecamatan)}", coop_id=r.coop_id,
                            kode_desa=r.kode_desa, village=r.village, official_name=r.name,
                            kabupaten=r.kabupaten))
    return rows


def _identity_block(contract, key: str) -> list[dict]:
    look = "instance('coop')/root/item[name=${coop}]/"
    return [
        _row("begin_group", "identitas", "Identitas koperasi", "Cooperative identity"),
        _row("select_one kab", "kabupaten", "Kabupaten/kota", "Regency/city", required=True, rule="meta"),
        _row("select_one kec", "kecamatan", "Kecamatan", "District", required=True, filter="kab=${kabupaten}",
             rule="meta"),
        _row("select_one coop", "coop", "Koperasi (daftar SIMKOPDES)", "Cooperative (SIMKOPDES list)", required=True,
             filter="kec=${kecamatan}", appearance="minimal", column="simkopdes_id", rule="value",
             hint_id="Pilih dari daftar; nama ketua dan data pribadi tidak dicatat",
             hint_en="Pick from the list; the chair's name and other personal data are not recorded"),
        _row("calculate", "coop_id", calculation=look + "coop_id", column="coop_id", rule="lookup"),
        _row("calculate", "kode_desa", calculation=look + "kode_desa", column="kode_desa", rule="lookup"),
        _row("calculate", "nama_desa", calculation=look + "village", column="nama_desa", rule="lookup"),
        _row("calculate", "coop_name", calculation=look + "official_name", column="coop_name", rule="lookup"),
        _row("calculate", "nama_kabkota", calculation=look + "kabupaten", column="nama_kabkota", rule="lookup"),
        *([_data_q(contract, "date", "survey_date", required=True, constraint=". <= today()",
                   cmsg_id="Tanggal tidak boleh di masa depan", cmsg_en="The date cannot be in the future")]
          if key == "survey" else
          [_row("integer", "assessor_code", "Kode penilai (dari daftar bimtek, bukan nama)",
                "Assessor code (from the bimtek list, not a name)", required=True, constraint=". >= 1 and . <= 999",
                cmsg_id="Harus antara 1 dan 999", cmsg_en="Must be between 1 and 999", column="assessor_code",
                rule="meta"),
           _row("date", "assessment_date", "Tanggal penilaian", "Assessment date", required=True,
                constraint=". <= today()", cmsg_id="Tanggal tidak boleh di masa depan",
                cmsg_en="The date cannot be in the future", column="assessment_date", rule="meta")]),
        _row("end_group", ""),
    ]


def _doc_questions(*, survey: bool) -> list[dict]:
    rows = []
    for q, (col, lid, len_) in DOC_ITEMS.items():
        kw = dict(required=True, column=col if survey else q, rule="doc_present" if survey else "meta",
                  hint_id="Dilihat = dokumen ditunjukkan; dinyatakan = hanya disebut",
                  hint_en="Seen = the document was shown; stated = only said")
        if q == "doc_rat" and survey:
            kw["relevant"] = "${rat_ever} = 'yes'"
        rows.append(_row("select_one doc_status", q, lid, len_, **kw))
        if q == "doc_ahu" and survey:
            rows.append(_row("text", "legal_number", "Nomor SK badan hukum (AHU-…)", "Legal-entity decree number (AHU-…)",
                             relevant="${doc_ahu} != 'absent'", constraint="regex(., '^AHU-[0-9A-Za-z.\\- ]+$')",
                             cmsg_id="Tulis nomor AHU, mis. AHU-0001234.AH.01.29.TAHUN 2025",
                             cmsg_en="Write the AHU number, e.g. AHU-0001234.AH.01.29.TAHUN 2025",
                             column="legal_number", rule="value"))
    return rows


def _version_row(key: str) -> dict:
    return _row("calculate", "form_version", calculation=f"'{FORM_VERSIONS[key]}'", column="form_version", rule="meta")


def _settings(key: str, title: str) -> pd.DataFrame:
    return pd.DataFrame([{"form_title": title, "form_id": FORM_IDS[key], "version": FORM_VERSIONS[key],
                          "default_language": LANG_ID, "instance_name": "concat(${coop}, '-', ${form_version})",
                          "style": "pages"}])


def _common_choices(contract, criteria=None) -> list[dict]:
    rows = [_choice("yes_no", "yes", "Ya", "Yes"), _choice("yes_no", "no", "Tidak", "No")]
    rows += [_choice("doc_status", c, i, e) for c, i, e in DOC_LEVELS]
    return rows


def _partner_names(criteria) -> dict[str, tuple[str, str]]:
    names = {p: (p.capitalize(), p.capitalize()) for p in PARTNER_KEYS}
    partners = getattr(criteria, "partners", None) or {}
    for k, p in partners.items():
        if k in names:
            names[k] = (p.name_id, p.name_en)
    return names


def _frame(rows: list[dict], columns: Sequence[str] | None = None) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    if columns is not None:
        df = df.reindex(columns=list(columns))
    return df.fillna("").astype(str)


def _choices_frame(rows: list[dict]) -> pd.DataFrame:
    base = ["list_name", "name", f"label::{LANG_ID}", f"label::{LANG_EN}"]
    extra = []
    for r in rows:
        extra += [k for k in r if k not in base and k not in extra]
    return _frame(rows, base + extra)


def _check_no_personal(survey: pd.DataFrame) -> None:
    bad = survey["name"].isin(PERSONAL_COLUMNS) | survey["kaltara_column"].isin(PERSONAL_COLUMNS)
    if bad.any():  # pragma: no cover - guarded by the builders themselves
        raise InputError(f"the form would collect personal data: {survey.loc[bad, 'name'].tolist()}")


# ------------------------------------------------------------------------------------ forms
def build_survey_form(contract, *, cooperatives: pd.DataFrame, criteria=None) -> XLSForm:
    """The cooperative survey XLSForm (see the module docstring).

    Parameters
    ----------
    contract : pandera.DataFrameSchema
        ``schema.RAW_SCHEMAS["survey"]``: labels, units, ranges and category levels come from its
        column metadata.
    cooperatives : DataFrame
        :func:`cooperative_list` output (or the SIMKOPDES locations frame).
    criteria : ReadinessConfig, optional
        Supplies the partner names of the partner list.
    """
    coops = cooperative_list(cooperatives)
    units = [u.removeprefix("unit_") for u in UNIT_COLUMNS]
    q = _identity_block(contract, "survey")
    q += [
        _row("begin_group", "lokasi", "Tempat usaha dan akses", "Premises and access"),
        _data_q(contract, "select_one premises", "premises", required=True),
        _row("image", "foto_tempat", "Foto tempat usaha (tanpa orang)", "Photo of the premises (no people)",
             relevant="${premises} != 'none'", rule="meta", column="photo_premises", parameters="max-pixels=1024"),
        _row("geopoint", "gps", "Titik GPS tempat usaha", "GPS point of the premises", rule="meta", column="gps",
             hint_id="Ambil di depan tempat usaha", hint_en="Take it in front of the premises"),
        _data_q(contract, "select_one road", "road_access", required=True),
        _data_q(contract, "select_one signal", "signal", required=True),
        _data_q(contract, "decimal", "distance_kab_km", required=True),
        _row("end_group", ""),
        _row("begin_group", "anggota", "Anggota dan pengurus", "Members and board"),
        _data_q(contract, "integer", "members", required=True),
        _data_q(contract, "select_one yes_no", "board_trained", required=True, rule="yes_no"),
        _row("end_group", ""),
        _row("begin_group", "keuangan", "Keuangan (tahun buku terakhir)", "Finances (last financial year)"),
        _row("select_one yes_no", "fin_available", "Ada laporan keuangan tahun terakhir?",
             "Is there a financial report of the last year?", required=True, rule="meta", column="fin_available"),
    ]
    for c in ("own_capital_rp", "assets_rp", "liabilities_rp", "turnover_rp", "shu_rp"):
        q.append(_data_q(contract, "decimal", c, required=c != "shu_rp", relevant="${fin_available} = 'yes'",
                         hint_id="Dalam rupiah penuh (bukan juta)", hint_en="In full rupiah (not millions)"))
    q += [
        _row("end_group", ""),
        _row("begin_group", "unit", "Unit usaha", "Business units"),
        _row("select_multiple units", "units_operating", "Unit usaha yang sudah beroperasi",
             "Business units already operating", required=True, column="unit_", rule="multi_bool",
             constraint="not(selected(., 'none') and count-selected(.) > 1)",
             cmsg_id="'Tidak ada' tidak boleh dipilih bersama unit lain",
             cmsg_en="'None' cannot be chosen together with a unit"),
        _row("end_group", ""),
        _row("begin_group", "dokumen", "Daftar periksa dokumen", "Document checklist"),
    ]
    docs = _doc_questions(survey=True)
    rat_gate = _row("select_one yes_no", "rat_ever", "Koperasi pernah menyelenggarakan RAT?",
                    "Has the cooperative ever held a RAT?", required=True, column="rat_held_12m", rule="empty_if_no")
    rat_date = _data_q(contract, "date", "last_rat_date", relevant="${rat_ever} = 'yes'", constraint=". <= today()",
                       cmsg_id="Tanggal tidak boleh di masa depan", cmsg_en="The date cannot be in the future")
    i_rat = next(i for i, r in enumerate(docs) if r["name"] == "doc_rat")
    q += docs[:i_rat] + [rat_gate, docs[i_rat], rat_date] + docs[i_rat + 1:]
    q += [
        _row("end_group", ""),
        _row("begin_group", "mitra", "Mitra usaha", "Business partners"),
        _row("select_one yes_no", "has_partners", "Sudah bermitra dengan BUMN/bank?",
             "Already partnering with a state firm or bank?", required=True, column="partners_existing",
             rule="empty_if_no"),
        _row("begin_repeat", "mitra_rep", "Mitra", "Partner", relevant="${has_partners} = 'yes'"),
        _row("select_one partners", "partner_key", "Mitra", "Partner", required=True, column="partners_existing",
             rule="join_keys"),
        _row("integer", "partner_since", "Sejak tahun", "Since (year)", constraint=". >= 2000 and . <= 2030",
             cmsg_id="Harus antara 2000 dan 2030", cmsg_en="Must be between 2000 and 2030", rule="meta",
             column="partner_since"),
        _row("end_repeat", ""),
        _row("end_group", ""),
        _version_row("survey"),
    ]
    choices = _common_choices(contract, criteria)
    choices += [_choice("premises", c, lab, _LEVEL_EN.get(c, c)) for c, lab in _levels(contract, "premises")]
    choices += [_choice("road", c, lab, _LEVEL_EN.get(c, c)) for c, lab in _levels(contract, "road_access")]
    choices += [_choice("signal", c, lab, "No signal" if c == "none" else _LEVEL_EN.get(c, c))
                for c, lab in _levels(contract, "signal")]
    for u in units:
        desc = _meta(contract, f"unit_{u}").get("desc_id", u).removeprefix("Unit ").removesuffix(" beroperasi")
        choices.append(_choice("units", u, desc[:1].upper() + desc[1:], _UNIT_EN.get(u, u)))
    choices.append(_choice("units", "none", "Belum ada yang beroperasi", "None operating yet"))
    choices += [_choice("partners", k, i, e) for k, (i, e) in _partner_names(criteria).items()]
    choices += _place_choices(coops)
    survey = _frame(q, SURVEY_COLUMNS)
    _check_no_personal(survey)
    return XLSForm("survey", survey, _choices_frame(choices),
                   _settings("survey", "Survei Koperasi Desa/Kelurahan Merah Putih — Kalimantan Utara"))


def build_assessment_form(contract, *, cooperatives: pd.DataFrame, criteria=None) -> XLSForm:
    """The supervisor-assessment XLSForm: health aspects (0–100) and the verified document checklist."""
    coops = cooperative_list(cooperatives)
    q = _identity_block(contract, "assessment")
    q += [
        _row("begin_group", "kesehatan", "Penilaian kesehatan (Permenkop UKM 9/2020)",
             "Health assessment (Permenkop UKM 9/2020)"),
        _row("select_one yes_no", "assessable", "Dokumen cukup untuk menilai kesehatan koperasi?",
             "Enough documents to assess the cooperative's health?", required=True, rule="meta", column="assessable"),
    ]
    for a in HEALTH_ASPECTS:
        q.append(_data_q(contract, "decimal", a, required=True, relevant="${assessable} = 'yes'"))
    q += [_row("end_group", ""), _row("begin_group", "verifikasi", "Verifikasi dokumen", "Document verification")]
    q += _doc_questions(survey=False)
    q += [_row("end_group", ""), _version_row("assessment")]
    choices = _common_choices(contract, criteria) + _place_choices(coops)
    survey = _frame(q, SURVEY_COLUMNS)
    _check_no_personal(survey)
    return XLSForm("assessment", survey, _choices_frame(choices),
                   _settings("assessment", "Penilaian Koperasi oleh Pendamping — Kalimantan Utara"))


def build_forms(contract, *, cooperatives: pd.DataFrame, criteria=None) -> dict[str, XLSForm]:
    """Both forms: ``{"survey": XLSForm, "assessment": XLSForm}``."""
    return {"survey": build_survey_form(contract, cooperatives=cooperatives, criteria=criteria),
            "assessment": build_assessment_form(contract, cooperatives=cooperatives, criteria=criteria)}


# ------------------------------------------------------------------------------ entry template
def entry_template_layout(contract, *, form_headers: Mapping[str, str], personal: Sequence[str] = PERSONAL_COLUMNS
                          ) -> pd.DataFrame:
    """The columns of the offline XLSX entry template's ``survei`` sheet, one row per column.

    Headers are the survey's own Indonesian headers (``schema.FORM_HEADERS["survey"]``), so a filled
    template is read by the existing survey loader unchanged. Columns: ``column, header, kind,
    validation`` (``list`` / ``whole`` / ``decimal`` / ``date`` / ``text``), ``choices`` (';'-joined
    allowed cell values for lists), ``lo``, ``hi``, ``prompt_id`` (input message). Personal columns
    and ``catatan`` are left out.
    """
    rows = []
    for col, head in form_headers.items():
        if col in personal or col == "catatan" or col not in contract.columns:
            continue
        meta = _meta(contract, col)
        kind = meta.get("kind", "text")
        lo, hi = (meta.get("range") or (None, None))
        validation, choices, prompt = "text", "", meta.get("desc_id", col)
        if kind == "bool":
            validation, choices = "list", "Ya;Tidak"
        elif kind == "category" and meta.get("levels"):
            validation, choices = "list", ";".join(lab for _, lab in _levels(contract, col))
        elif kind == "int":
            validation = "whole"
        elif kind in ("float", "money"):
            validation = "decimal"
        elif kind == "date":
            validation = "date"
        if col == "partners_existing":
            prompt += " — pisahkan dengan ';': " + "; ".join(PARTNER_KEYS)
        if kind == "money":
            prompt += " — rupiah penuh"
        rows.append({"column": col, "header": head, "kind": kind, "validation": validation, "choices": choices,
                     "lo": lo, "hi": hi, "prompt_id": prompt})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------ coverage
def criteria_coverage(forms: Mapping[str, XLSForm], criteria, *, derived: Mapping[str, Sequence[str]] | None = None,
                      lang: str = "id") -> pd.DataFrame:
    """Which question serves which readiness criterion (for notebook 01).

    One row per (partner, criterion): ``partner, criterion, kind, column, form, question, via,
    fallback_column``. ``via`` = ``direct`` (the question fills the column), ``derived`` (the column is
    computed from instrument columns, e.g. ``health_score`` from the four aspects, ``debt_ratio``
    from liabilities/assets), ``other_source`` (registry, Podes, IDM, the index: not asked by the
    instrument). ``question`` lists ``form:question`` names, ';'-joined.

    Parameters
    ----------
    forms : mapping
        :func:`build_forms` output.
    criteria : ReadinessConfig
    derived : mapping, optional
        Derived column → the contract columns it is computed from (default: the pipeline's
        derivations of ``health_score``, ``health_rating``, ``debt_ratio``, ``units_operating``).
    """
    derived = dict(derived if derived is not None else {
        "health_score": HEALTH_ASPECTS, "health_rating": HEALTH_ASPECTS,
        "debt_ratio": ("liabilities_rp", "assets_rp"), "units_operating": UNIT_COLUMNS})
    served: dict[str, list[str]] = {}
    for key, form in forms.items():
        for r in form.survey.itertuples(index=False):
            col, rule = getattr(r, "kaltara_column"), getattr(r, "kaltara_rule")
            if not col or rule == "meta":
                continue
            cols = [u for u in UNIT_COLUMNS] if rule == "multi_bool" else [col]
            for c in cols:
                served.setdefault(c, [])
                tag = f"{key}:{r.name}"
                if tag not in served[c]:
                    served[c].append(tag)
    rows = []
    for p in criteria.partners.values():
        for c in p.criteria:
            if c.column in served:
                via, qs = "direct", served[c.column]
            elif c.column in derived and any(s in served for s in derived[c.column]):
                via = "derived"
                qs = [t for s in derived[c.column] for t in served.get(s, [])]
            else:
                via, qs = "other_source", []
            rows.append({"partner": p.key, "criterion": c.id, "kind": c.kind, "column": c.column,
                         "via": via, "question": ";".join(dict.fromkeys(qs)),
                         "form": ";".join(dict.fromkeys(t.split(":")[0] for t in qs)),
                         "fallback_column": c.fallback[0] if c.fallback else "",
                         "reason": c.reason(lang)})
    return pd.DataFrame(rows, columns=["partner", "criterion", "kind", "column", "via", "form", "question",
                                       "fallback_column", "reason"])
