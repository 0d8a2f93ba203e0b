"""Readiness and model tables for readers: labels, reasons in words, workbook sheets (report layer).

The methods (:mod:`kaltara_study.readiness`, :mod:`kaltara_study.models`) return codes; this module
turns them into Indonesian (default) or English text when a table is shown or written. It computes
no study result beyond counting and joining what it is given.

Labels come from :mod:`kaltara_study.report.labels`; keys introduced by issue 12 that are not yet in
``resources/labels/readiness.toml``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from kaltara_study.readiness.criteria import PARTNERS, VERDICTS, ReadinessConfig, readiness_wide
from kaltara_study.readiness.joint import JointAnswer
from kaltara_study.report.labels import label, labels

__all__ = [
    "answer_table",
    "blocking_gaps_table",
    "criteria_table",
    "format_table",
    "outcome_label",
    "partner_label",
    "readiness_wide_table",
    "report_sheets",
    "summarise_log",
    "translate_columns",
    "verdict_counts",
    "verdict_label",
    "verification_table",
    "with_reasons",
    "workbook_readme",
]

#: Labels added by issue 12 (to be moved into resources/labels/readiness.toml by the lead).


def _label(key: str, lang: str) -> str:
    return label(key, lang=lang) if key in labels() else key


def _has(key: str) -> bool:
    return key in labels()


def verdict_label(verdict: str, *, lang: str = "id") -> str:
    """Readable verdict, e.g. ``verdict_label("nearly_ready")`` → ``'Hampir siap'``."""
    return _label(f"verdict_{verdict}", lang)


def partner_label(key: str, *, lang: str = "id") -> str:
    """Short readable partner name, e.g. ``partner_label("bank")`` → ``'Bank (PMK 49/2025)'``."""
    return _label(f"partner_{key}", lang)


def translate_columns(df: pd.DataFrame, *, lang: str = "id") -> pd.DataFrame:
    """Column headers in ``lang`` (``rd_<col>`` labels first, then ``<col>``); others kept; input unchanged."""
    ren = {}
    for c in df.columns:
        for key in (f"rd_{c}", str(c)):
            if _has(key):
                ren[c] = _label(key, lang)
                break
    return df.rename(columns=ren)


def _reason_map(config: ReadinessConfig, lang: str) -> dict:
    out: dict = {}
    for p in config.partners.values():
        for c in p.criteria:
            out[(p.key, c.id)] = c.reason(lang)
            if c.id not in out or len(c.reason(lang)) < len(out[c.id]):
                out[c.id] = c.reason(lang)
    return out


def _ids_to_words(ids: pd.Series, partners: pd.Series, reasons: dict) -> list[str]:
    return ["; ".join(reasons.get((p, i), reasons.get(i, i)) for i in s.split("; ") if i) if isinstance(s, str) else ""
            for s, p in zip(ids, partners, strict=True)]


def with_reasons(assessment: pd.DataFrame, config: ReadinessConfig, *, lang: str = "id") -> pd.DataFrame:
    """The assessment with words: ``reasons`` (unmet required), ``gaps_desirable_text``,
    ``to_verify_text`` and ``verdict_text``, in ``lang`` (the config's own reason texts)."""
    r = _reason_map(config, lang)
    out = assessment.copy()
    out["reasons"] = _ids_to_words(out.missing_required, out.partner, r)
    out["gaps_desirable_text"] = _ids_to_words(out.gaps_desirable, out.partner, r)
    if "to_verify" in out.columns:
        out["to_verify_text"] = _ids_to_words(out.to_verify, out.partner, r)
    out["verdict_text"] = out.verdict.map(lambda v: verdict_label(v, lang=lang))
    return out


def readiness_wide_table(assessment: pd.DataFrame, config: ReadinessConfig, *, lang: str = "id",
                         partner_order: Sequence[str] = PARTNERS) -> pd.DataFrame:
    """One row per cooperative: ``<partner>_verdict`` (readable), ``<partner>_score``,
    ``<partner>_reasons`` (words) and ``<partner>_to_verify`` (words)."""
    wide = readiness_wide(assessment, partner_order=partner_order)
    r = _reason_map(config, lang)
    for col in list(wide.columns):
        if col.endswith("_verdict"):
            wide[col] = wide[col].map(lambda v: verdict_label(v, lang=lang))
        elif col.endswith("_missing") or col.endswith("_to_verify"):
            p = col.rsplit("_missing", 1)[0] if col.endswith("_missing") else col.rsplit("_to_verify", 1)[0]
            wide[col] = _ids_to_words(wide[col].fillna(""), pd.Series([p] * len(wide)), r)
    return wide.rename(columns={c: c.replace("_missing", "_reasons") for c in wide.columns})


def verdict_counts(assessment: pd.DataFrame, *, lang: str = "id") -> pd.DataFrame:
    """Cooperatives per partner (rows, readable) and verdict (columns, readable), with a total;
    every verdict appears even when its count is 0."""
    present = set(assessment.partner)
    keys = [p for p in PARTNERS if p in present] + sorted(present - set(PARTNERS))
    tab = pd.crosstab(assessment.partner, assessment.verdict).reindex(index=keys, columns=list(VERDICTS), fill_value=0)
    tab["total"] = tab.sum(axis=1)
    tab.index = [partner_label(p, lang=lang) for p in tab.index]
    tab.index.name = _label("rd_partner", lang)
    tab.columns = [verdict_label(v, lang=lang) for v in VERDICTS] + ["Total" if lang == "en" else "Jumlah"]
    return tab


def blocking_gaps_table(gaps: pd.DataFrame, config: ReadinessConfig, *, lang: str = "id") -> pd.DataFrame:
    """:func:`~kaltara_study.readiness.criteria.blocking_gaps` with a ``reason`` column in words."""
    r = _reason_map(config, lang)
    out = gaps.copy()
    keys = (list(zip(out.partner, out.criterion, strict=True)) if "partner" in out.columns else list(out.criterion))
    pos = 2 if "partner" in out.columns else 1
    out.insert(pos, "reason", [r.get(k, r.get(k[1] if isinstance(k, tuple) else k, "")) for k in keys])
    return out


def criteria_table(config: ReadinessConfig, *, lang: str = "id") -> pd.DataFrame:
    """The config's criteria for readers: one ``reason`` column in ``lang`` instead of both."""
    t = config.criteria_table()
    t["reason"] = t.reason_en if lang == "en" else t.reason_id
    return t.drop(columns=["reason_id", "reason_en"])


def _fmt_count(n: float, lo: float, hi: float) -> str:
    return f"{int(round(n))} ({int(round(lo))}–{int(round(hi))})"


def answer_table(answer: JointAnswer, *, lang: str = "id", measures: Sequence[str] = ("joint", "joint_provisional",
                                                                                       "potential", "ready")) -> pd.DataFrame:
    """The office's answer: rows partners, columns measures, cells ``"point (low–high)"``."""
    c = answer.counts[answer.counts.measure.isin(list(measures))]
    rows = {}
    for k, g in c.groupby("partner", sort=False):
        g = g.set_index("measure")
        rows[partner_label(k, lang=lang)] = {_label(f"measure_{m}", lang): _fmt_count(g.at[m, "n_point"], g.at[m, "low"],
                                                                                     g.at[m, "high"]) for m in measures}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = _label("rd_partner", lang)
    return out


def verification_table(vlist: pd.DataFrame, *, lang: str = "id") -> pd.DataFrame:
    """:func:`~kaltara_study.readiness.joint.verification_list` with readable basis and headers."""
    out = vlist.copy()
    out["basis"] = out.basis.map(lambda b: _label(f"basis_{b}", lang))
    out["partners"] = out.partners.map(lambda s: "; ".join(partner_label(p, lang=lang) for p in s.split("; ") if p))
    return translate_columns(out, lang=lang)


def summarise_log(log: pd.DataFrame | None) -> pd.DataFrame:
    """A short summary of an audit or validation log: counts per rule (and column) when it has a
    ``rule``/``step``/``check`` column, else the log itself (first 5,000 rows)."""
    if log is None or len(log) == 0:
        return pd.DataFrame({"rule": [], "n": []})
    key = next((c for c in ("rule", "step", "check") if c in log.columns), None)
    if key is None:
        return log.head(5000).reset_index(drop=True)
    keys = [k for k in ("file", key, "column") if k in log.columns]
    return (log.groupby(keys, dropna=False, sort=True).size().rename("n").reset_index()
            .sort_values(["n", *keys], ascending=[False] + [True] * len(keys), kind="stable")
            .reset_index(drop=True))


RESULT_COLUMNS = ("coop_id", "nama_koperasi", "kode_kabkota", "nama_kabkota", "nama_kecamatan", "kode_desa",
                  "nama_desa", "segment", "segment_name", "confidence", "index", "rank", "rank_p05", "rank_p95")


def report_sheets(
    table: pd.DataFrame,
    assessment: pd.DataFrame,
    config: ReadinessConfig,
    *,
    answer: JointAnswer | None = None,
    named: pd.DataFrame | None = None,
    verification: pd.DataFrame | None = None,
    sensitivity: pd.DataFrame | None = None,
    gaps: pd.DataFrame | None = None,
    assessability: pd.DataFrame | None = None,
    unsourced: pd.DataFrame | None = None,
    profiles: pd.DataFrame | None = None,
    audit: pd.DataFrame | None = None,
    validation: pd.DataFrame | None = None,
    lang: str = "id",
) -> dict[str, pd.DataFrame]:
    """The workbook's sheets, in order, with translated headers (Indonesian by default).

    Everything computed is passed in (this function only joins and labels): per-cooperative
    results with, per partner, verdict, score, reasons and — when ``answer`` is given — P(potential
    and ready); the answer table; the named list; the verification list; the sensitivity appendix;
    blocking gaps; criteria (with sources) and the unsourced ones; assessability; segment profiles;
    audit and validation summaries. Write them with ``report.workbook.write_workbook``.
    """
    en = lang == "en"
    base = table[[c for c in RESULT_COLUMNS if c in table.columns]].assign(coop_id=lambda d: d.coop_id.astype(str))
    wide = readiness_wide_table(assessment, config, lang=lang)
    if answer is not None:
        pj = answer.probabilities.pivot(index="coop_id", columns="partner", values="p_joint")
        pp = answer.probabilities.pivot(index="coop_id", columns="partner", values="p_joint_provisional")
        extra = pd.concat([pj.add_suffix("_p_joint"), pp.add_suffix("_p_joint_provisional")], axis=1).reset_index()
        wide = wide.merge(extra, on="coop_id", how="left")
    ren = {}
    for p in config.partners:
        name = partner_label(p, lang=lang)
        for suffix, key in (("verdict", "rd_verdict"), ("score", "rd_score"), ("reasons", "rd_reasons"),
                            ("to_verify", "rd_to_verify"), ("p_joint", "rd_p_joint"),
                            ("p_joint_provisional", "rd_p_joint_provisional")):
            ren[f"{p}_{suffix}"] = f"{name}: {_label(key, lang)}"
    results = base.merge(wide.rename(columns=ren), on="coop_id", how="left")
    sheets: dict[str, pd.DataFrame] = {("Results per cooperative" if en else "Hasil per koperasi"):
                                       translate_columns(results, lang=lang)}
    if answer is not None:
        sheets["Answer" if en else "Jawaban"] = answer_table(answer, lang=lang).reset_index()
    if named is not None:
        n = named.assign(partner=named.partner.map(lambda k: partner_label(k, lang=lang)),
                         verdict=named.verdict.map(lambda v: verdict_label(v, lang=lang)))
        sheets["Named list" if en else "Daftar nama"] = translate_columns(n, lang=lang)
    if verification is not None:
        sheets["Verification list" if en else "Daftar verifikasi"] = verification_table(verification, lang=lang)
    if sensitivity is not None:
        sheets["Sensitivity" if en else "Sensitivitas"] = translate_columns(sensitivity, lang=lang)
    if gaps is not None:
        sheets["Blocking gaps" if en else "Penghambat"] = translate_columns(
            blocking_gaps_table(gaps, config, lang=lang), lang=lang)
    sheets["Criteria" if en else "Kriteria"] = translate_columns(criteria_table(config, lang=lang), lang=lang)
    if unsourced is not None:
        sheets["Unsourced criteria" if en else "Kriteria tanpa sumber"] = translate_columns(unsourced, lang=lang)
    if assessability is not None:
        sheets["Assessability" if en else "Ketersediaan data"] = translate_columns(assessability, lang=lang)
    if profiles is not None:
        sheets["Segment profiles" if en else "Profil segmen"] = translate_columns(profiles, lang=lang)
    sheets["Audit"] = summarise_log(audit)
    sheets["Validation" if en else "Validasi"] = summarise_log(validation)
    return sheets


def workbook_readme(*, source: str, synthetic: bool, config: ReadinessConfig, lang: str = "id",
                    answer: JointAnswer | None = None) -> list[str]:
    """The text of the workbook's first sheet ("Catatan"/"README"): what it is and how to read it."""
    m = config.nearly_max_unmet
    pot = config.potential.describe()
    mc = (f" Monte-Carlo: {answer.n_rep} replications, seed {answer.seed}, {int(100 * answer.level)} % intervals."
          if answer is not None else "")
    if lang == "en":
        return [
            "Kaltara Kopdes Merah Putih study — potential and partner readiness (kaltara-study).",
            f"Data source: {source}." + (" SYNTHETIC data: these numbers are NOT findings." if synthetic else ""),
            f"Potential and ready = {pot} AND every required criterion of the partner met.{mc}",
            "Verdicts: Ready = every required criterion met; Nearly ready = all assessed and at most "
            f"{m} unmet; Provisionally ready = none known unmet but some without data (verify in the field: "
            f"sheet 'Verification list'); Not ready = more than {m} unmet; Not assessable = some unmet and some "
            "without data. Nothing is imputed.",
            "Only criteria with a written source (regulation, partner document, programme) are required; "
            "study assumptions are desirable (sheet 'Unsourced criteria'; sheet 'Sensitivity' shows them as required).",
            "The 411 cooperatives are a census: counts and probabilities describe them, not a sample.",
        ]
    return [
        "Kajian Kopdes Merah Putih Kaltara — potensi dan kesiapan mitra (kaltara-study).",
        f"Sumber data: {source}." + (" Data SINTETIS: angka-angka ini BUKAN temuan." if synthetic else ""),
        f"Berpotensi dan siap = {pot} DAN semua kriteria wajib mitra terpenuhi.{mc}",
        "Status: Siap = semua kriteria wajib terpenuhi; Hampir siap = semua dapat dinilai dan paling banyak "
        f"{m} tidak terpenuhi; Sementara siap = tidak ada yang diketahui tidak terpenuhi tetapi ada yang tanpa data "
        f"(verifikasi di lapangan: lembar 'Daftar verifikasi'); Belum siap = lebih dari {m} tidak terpenuhi; "
        "Tidak dapat dinilai = ada yang tidak terpenuhi dan ada yang tanpa data. Tidak ada imputasi.",
        "Hanya kriteria dengan sumber tertulis (peraturan, dokumen mitra, program) yang wajib; asumsi kajian "
        "bersifat dianjurkan (lembar 'Kriteria tanpa sumber'; lembar 'Sensitivitas' menampilkannya sebagai wajib).",
        "411 koperasi adalah sensus: jumlah dan peluang menggambarkan koperasi itu sendiri, bukan sampel.",
    ]


# ------------------------------------------------------------------------------------- models
def _fmt_p(p: float) -> str:
    if pd.isna(p):
        return ""
    return "<0,001" if p < 0.001 else f"{p:.3f}"


P_COLUMNS = ("p_value", "anova_p", "kruskal_p", "p_adj", "p_holm", "p_bh", "p_sim", "p_norm", "p_used", "welch_p",
             "levene_p", "anova_p_holm", "welch_p_holm", "kruskal_p_holm")


def format_table(df: pd.DataFrame, *, lang: str = "id", digits: int = 3) -> pd.DataFrame:
    """A copy ready for the report: floats rounded, p-values as text (``<0.001``), headers translated."""
    out = df.copy()
    for c in out.columns:
        if c in P_COLUMNS:
            out[c] = [(_fmt_p(p) if lang == "id" else _fmt_p(p).replace(",", ".")) for p in out[c]]
        elif pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(digits)
    return translate_columns(out, lang=lang)


def outcome_label(fit, *, lang: str = "id") -> str:
    """Readable title for a model's outcome (``fit.outcome``)."""
    return _label("rd_" + fit.outcome, lang) if getattr(fit, "outcome", "") else ""

