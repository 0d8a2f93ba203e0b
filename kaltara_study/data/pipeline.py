"""Build the processed analysis table (one row per cooperative) from the raw files.

``load_analysis_table(source)`` is the single entry point for notebooks and downstream stages:

1. find the raw files of ``source`` (:func:`kaltara_study.paths.source_dirs` +
   :func:`kaltara_study.data.sources.real_source_files`);
2. if ``data/processed/<source>/inputs.json`` records the same input hash (file bytes + the code of
   the data layer), read the processed tables back; otherwise
3. load every source through :func:`kaltara_study.data.sources.load_source` (typed, validated; files are
   found by their headers, :func:`kaltara_study.data.sources.discover_files`), clean it
   (:func:`kaltara_study.data.clean.clean_source`, audit + row conservation), match the registry villages
   to Kemendagri codes (SIMKOPDES→Kemendagri match file when present, else names through
   :func:`kaltara_study.data.regions.match_villages`), bridge Podes BPS codes to Kemendagri, take the
   latest IDM year, join the survey, derive the indicators and validate the result against
   ``schema.PROCESSED_SCHEMAS``; write everything through :mod:`kaltara_study.data.processed`.

Public Kaltara data (issue 10): when the SIMKOPDES locations file is present, each cooperative is matched to
its village (:mod:`kaltara_study.data.identity`) and the table gains ``schema.REALDATA_COLUMNS``: official
name, SIMKOPDES id, coordinates, match method, land status, IDM 2023/2024 and the 50 IDM-2024 indicators by
dimension (:mod:`kaltara_study.data.context`), distances. Kelurahan have no IDM by design: ``stratum`` says
so and nothing is imputed. ``AnalysisData.identity`` (per location row), ``.discovery`` (files used and
ignored, and why) and ``.coverage`` (which source each column group rests on) go with the table.

Registry counts of a village with several cooperatives are split only where unambiguous (0, or
equal to the number of cooperatives → 0/1 each); otherwise the per-cooperative value is NA (audit
rule ``registry_split``). A registry row without a village of the Kemendagri list is left out, with
an audit entry (``village_unmatched``; ``village_not_in_list`` when it was matched to a code the list
lacks, i.e. the list is older than the registry) and a report line; codes the official sources use but
the list lacks are named in one ``missing_villages`` line on the list file, with the fix (build on as
for any other unknown code: report and leave out, never a traceback). Survey members above the
population of the cooperative's village (Podes; the public data has no village population) are set to
missing (audit rule ``implausible_value``). Survey rows join on ``coop_id`` (``KDMP-<village code without dots>-<n>``);
a row with another id is joined through its village code when that village has exactly one
cooperative (audit rule ``coop_id_from_village``), else reported and left out. Nothing is invented:
missing information stays NA.

>>> data = load_analysis_table("synthetic")  # doctest: +SKIP
>>> len(data.table), data.table["coop_id"].is_unique  # doctest: +SKIP
(411, True)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kaltara_study.data import schema as S
from kaltara_study.data.clean import AUDIT_COLUMNS, Audit, CleanResult, check_members_population, clean_source
from kaltara_study.data.kobo import read_kobo_folder
from kaltara_study.data import context as C
from kaltara_study.data import identity as I  # noqa: E741 - the module's short name, as R, S and V
from kaltara_study.data import regions as R
from kaltara_study.data.processed import read_answers, write_processed
from kaltara_study.data.sources import (describe_kind, discover_files, kind_title, load_source, missing_for,
                                        read_boundaries, real_source_files)
from kaltara_study.data.synth import FILES
from kaltara_study.data.write import sha256_file, write_table
from kaltara_study.paths import paths, source_dirs
from kaltara_study.errors import DataError, InputError
from kaltara_study.data import validate as V
from kaltara_study.data.validate import REPORT_COLUMNS

__all__ = ["AnalysisData", "build_analysis_table", "count_by", "find_sources", "health_rating", "input_hash",
           "discovery_report", "join_coverage", "load_analysis_table", "load_boundaries", "load_raw", "load_report", "source_table",
           "validation_report"]

#: code files whose change invalidates the cache
_CODE_FILES = ("schema.py", "clean.py", "pipeline.py", "parse.py", "validate.py", "regions.py",
               "sources.py", "read.py", "processed.py", "identity.py", "context.py")
_SIGNAL_SCORE = {"none": 0, "2g": 1, "3g": 2, "4g": 3}
_ROAD_SCORE = {"all_weather": 2, "seasonal": 1, "river_only": 0}
_HEALTH_ASPECTS = ("health_governance", "health_risk", "health_financial", "health_capital")
# Permenkop UKM 9/2020 rating bands on the 0-100 score
_HEALTH_BANDS = ((80.0, "Sehat"), (66.0, "Cukup Sehat"), (51.0, "Dalam Pengawasan"), (-np.inf, "Dalam Pengawasan Khusus"))


@dataclass
class AnalysisData:
    """The processed analysis data of one source.

    Attributes
    ----------
    table : DataFrame
        One row per cooperative, sorted by ``coop_id`` (``schema.PROCESSED_SCHEMAS["cooperatives"]``).
    audit : DataFrame
        ``rule, file, row_key, row, column, old, new, reason`` (+ ``kind``).
    validation : DataFrame
        ``kind, file, row, column, value, rule, severity``: every load, parse, match and contract problem.
    answers : DataFrame or None
        SYNTHETIC only: ``coop_id, kode_desa, archetype`` (the latent truth); None for real data.
    source : str
    villages : DataFrame
        One row per Kemendagri village with its context and number of cooperatives.
    load_summary : DataFrame
        Per source file: read / kept / rejected rows and audit counts.
    """

    table: pd.DataFrame
    audit: pd.DataFrame
    validation: pd.DataFrame
    answers: pd.DataFrame | None
    source: str
    villages: pd.DataFrame = field(default_factory=pd.DataFrame)
    load_summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: issue 10: one row per SIMKOPDES location row (identity.IDENTITY_COLUMNS); empty without locations
    identity: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: ``file, origin, kind, used, reason`` for every raw file looked at (sources.discover_files)
    discovery: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: ``block, columns, source, n_cooperatives, n_with_value, note``: which source each column group rests on
    coverage: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def is_synthetic(self) -> bool:
        return self.source == "synthetic"


# ============================================================================ discovery + hashing
def find_sources(source: str = "synthetic", *, root: Path | str | None = None) -> dict[str, Path]:
    """Raw file per source kind: the first folder of ``source_dirs(source)`` that has it wins.

    >>> sorted(find_sources("synthetic"))[:2]  # doctest: +SKIP
    ['bps_bridge_kabkota', 'bps_bridge_kecamatan']
    """
    files = _discover(source, root)
    missing = [k for k in NEEDED_KINDS if k not in files]
    if missing:
        raise InputError(_missing_message(source, root, missing))
    return dict(sorted(files.items()))


#: the kinds a build cannot do without
NEEDED_KINDS = ("kemendagri_desa", "kemendagri_kecamatan", "kemendagri_kabkota", "simkopdes_village_stats")
_LIST_FILES = 30


def _missing_message(source: str, root, missing: list[str]) -> str:
    """What the build needs and did not find, in plain words: each missing file by its content (the
    columns :func:`kaltara_study.data.sources.detect_kind` looks for), then every file looked at and why
    it was not used (:func:`discovery_report`), and how to fix it."""
    folders = source_dirs(source, root=Path(root) if root else None)
    where = ", ".join(str(d) for d in folders)
    lines = [f"source {source!r}: the build needs {len(missing)} file(s) it did not find in {where}. Files are "
             "recognised by their columns, whatever their names; missing:"]
    lines += [f"  - {describe_kind(k)}" for k in missing]
    rep = discovery_report(source, root=root)
    lines.append(f"Files looked at ({len(rep)}):" if len(rep) else "Files looked at: none (the folder is empty).")
    for r in rep.head(_LIST_FILES).itertuples():
        if isinstance(r.kind, str):
            why = f"recognised as {kind_title(_kind(r.kind))}" + ("" if r.used else f"; {r.reason}")
            why += ", used" if r.used else ""
        else:
            why = str(r.reason)
            near = missing_for(next(d / r.file for d in folders if (d / r.file).is_file()), missing) \
                if r.origin != "-" and why.startswith("headers match no known") else None
            if near and near[1]:
                why += f"; closest to {kind_title(near[0])}, which also needs: " + " / ".join(near[1])
            elif near:
                why += (f"; it has the columns of {kind_title(near[0])}, but its code columns do not hold the "
                        "codes they should (see the columns below)")
        lines.append(f"  - {r.file}: {why}")
    if len(rep) > _LIST_FILES:
        lines.append(f"  - … and {len(rep) - _LIST_FILES} more")
    lines.append("To fix: for the synthetic data run `python -c 'import kaltara_study.data.synth as s; "
                 "s.write_synthetic()'`; for real data put the Kemendagri lists and the SIMKOPDES registry there "
                 "(the public ones are vendored in data/raw/kaltara/), or use --source kaltara")
    return "\n".join(lines)


def _discover(source: str, root) -> dict[str, Path]:
    """kind → file (kinds with several files: ``kind``, ``kind#1``, ``kind#2`` … in precedence order)."""
    d = discover_files(source_dirs(source, root=Path(root) if root else None))
    out: dict[str, Path] = {}
    for kind, paths_ in d.files.items():
        for i, p in enumerate(paths_):
            out[kind if i == 0 else f"{kind}#{i}"] = p
    return out


def discovery_report(source: str = "synthetic", *, root: Path | str | None = None) -> pd.DataFrame:
    """Which raw files of ``source`` were used and which ignored, and why (found by content)."""
    return discover_files(source_dirs(source, root=Path(root) if root else None)).report


def _kind(key: str) -> str:
    return key.split("#")[0]


def _frames(cleaned: dict, kind: str) -> list[pd.DataFrame]:
    return [cleaned[k].frame for k in cleaned if _kind(k) == kind]


def input_hash(files: dict[str, Path]) -> dict:
    """Manifest of the inputs: sha256 of each file and of the data-layer code, and their combined hash."""
    pkg = Path(__file__).resolve().parent
    code = hashlib.sha256()
    for rel in _CODE_FILES:
        p = pkg / rel
        if p.is_file():
            code.update(rel.encode() + b"\0" + p.read_bytes())
    entries = {k: {"file": p.name, "sha256": sha256_file(p)} for k, p in files.items()}
    total = hashlib.sha256(code.hexdigest().encode())
    for k in sorted(entries):
        total.update(f"{k}:{entries[k]['file']}:{entries[k]['sha256']}".encode())
    return {"inputs": entries, "code_sha256": code.hexdigest(), "hash": total.hexdigest()}


# ============================================================================ loading
def _load_one(path: Path, kind: str):
    """Load one raw file through the data layer's loader (:func:`kaltara_study.data.sources.load_source`)."""
    return load_source(path, kind)


def load_raw(source: str = "synthetic", *, root: Path | str | None = None,
             files: dict[str, Path] | None = None) -> dict[str, object]:
    """Load (read, parse, validate) every raw file of ``source``; kind → ``LoadResult``.

    The wide Kemendesa IDM workbook is reshaped to one row per village and year by the loader.
    """
    files = files or find_sources(source, root=root)
    out = {}
    for key, path in files.items():
        if _kind(key).startswith("boundaries"):
            continue  # polygons: read by load_boundaries / the identity step
        out[key] = _load_one(path, _kind(key))
    exports = field_exports(source, root=root)
    if exports is not None:
        if "survey" in out:  # a Kobo/ODK export is the newer collection: it is used, and the report says so
            exports.report.loc[len(exports.report)] = {
                "file": exports.file, "sheet": None, "row": None, "column": None, "value": None,
                "rule": f"field export used as the survey; the survey file {out['survey'].file} is not used",
                "severity": "warning"}
        out["survey"] = exports
    return out


def field_exports(source: str = "synthetic", *, root: Path | str | None = None):
    """The Kobo/ODK exports of the field forms in the source's ``survey/`` folder (the forms written
    by ``kaltara-study instrument`` next to them), read into the survey contract; None when there
    are none. See :func:`kaltara_study.data.kobo.read_kobo_folder`."""
    for folder in source_dirs(source, root=Path(root) if root else None):
        result = read_kobo_folder(folder / "survey")
        if result is not None:
            return result
    return None


def clean_all(loaded: dict[str, object]) -> dict[str, CleanResult]:
    """Clean every loaded source (audit + row conservation)."""
    out = {}
    for kind, res in loaded.items():
        # the wide IDM layout has several records (village-years) per spreadsheet row
        n_read = getattr(res, "n_records", None) if _kind(kind) == "idm_wide" else res.n_read
        if n_read is None or n_read != len(res.frame) + len(res.rejected):
            raise DataError(f"{res.file}: loader kept {len(res.frame)} + rejected {len(res.rejected)} "
                            f"≠ read {res.n_read}", problems=[])
        out[kind] = clean_source(res.frame, _kind(kind), file=res.file, n_read=n_read, rejected_at_load=res.rejected)
    return out


# ============================================================================ joins
def _report(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["kind"] + REPORT_COLUMNS)


def _match_registry(reg: pd.DataFrame, cleaned: dict[str, CleanResult], audit: Audit,
                    problems: list[dict]) -> pd.Series:
    """Kemendagri village code of each registry row (NA when not matched; reported)."""
    file = cleaned["simkopdes_village_stats"].file
    codes = pd.Series(pd.NA, index=reg.index, dtype="string")
    if "simkopdes_match" in cleaned:
        m = cleaned["simkopdes_match"].frame.drop_duplicates("simkopdes_village_id")
        lut = m.set_index("simkopdes_village_id")["kode_kemendagri"]
        codes = reg["village_id"].map(lut).astype("string")
    todo = codes.isna()
    if todo.any():
        mv = R.match_villages(reg[todo], desa=cleaned["kemendagri_desa"].frame,
                              kecamatan=cleaned["kemendagri_kecamatan"].frame,
                              kabkota=cleaned["kemendagri_kabkota"].frame, kab_col="district",
                              kec_col="subdistrict", desa_col="village")
        codes[todo] = mv["kode_desa"].to_numpy()
        for i, r in mv.iterrows():
            row = reg.at[i, "_row"] if "_row" in reg.columns else None
            if pd.isna(r["kode_desa"]):
                problems.append({"kind": "simkopdes_village_stats", "file": file, "row": row, "column": "village",
                                 "value": reg.at[i, "village"], "rule": f"village not matched to Kemendagri "
                                 f"({r['match_status']}; candidate {r['candidate_desa']})", "severity": "error"})
            elif r["match_status"] != "exact":
                audit.add("name_match", file=file, row_key=reg.at[i, "village_id"], row=row, column="village",
                          old=reg.at[i, "village"], new=f"{r['matched_name_desa']} ({r['kode_desa']})",
                          reason=f"matched by name: {r['match_status']} (score {r['score_desa']})")
    return codes


def _split_registry(reg: pd.DataFrame, audit: Audit, file: str) -> pd.DataFrame:
    """One row per cooperative from the per-village registry rows."""
    k = pd.to_numeric(reg["cooperatives"], errors="coerce").fillna(1).clip(lower=1).astype(int)
    rep = reg.loc[reg.index.repeat(k.to_numpy())].copy()
    rep["_seq"] = rep.groupby(level=0).cumcount() + 1
    rep["_k"] = k.loc[rep.index].to_numpy()
    counts = {"accounts_count": "reg_accounts", "npwp_count": "reg_npwp", "nib_count": "reg_nib",
              "rat_count": "reg_rat", "transaction_volume": "reg_tx_volume"}
    money = {"transaction_value": "reg_tx_value_rp", "savings_total_amount": "reg_savings_rp"}
    out = pd.DataFrame(index=rep.index)
    multi = rep["_k"] > 1
    for src, dst in {**counts, **money}.items():
        v = pd.to_numeric(rep[src], errors="coerce").astype(float)
        per = pd.Series(np.where(multi, np.nan, v), index=rep.index)
        if src in counts:
            ok = multi & ((v == 0) | (v == rep["_k"]))
            per[ok] = (v[ok] / rep["_k"][ok])
        else:
            ok = multi & (v == 0)
            per[ok] = 0.0
        amb = multi & ~ok & v.notna()
        for i in np.flatnonzero(amb.to_numpy()):
            r = rep.iloc[i]
            if r["_seq"] == 1:
                audit.add("registry_split", file=file, row_key=r["village_id"], row=r.get("_row"), column=src,
                          old=v.iloc[i], new=None, reason=f"village total of {r['_k']} cooperatives cannot be "
                          "split per cooperative: NA")
        out[dst] = per.to_numpy()
    for dst in counts.values():
        out[dst] = pd.array([pd.NA if pd.isna(x) else int(round(x)) for x in out[dst]], dtype="Int64")
    out["kode_desa"] = rep["kode_desa"].to_numpy()
    out["_seq"] = rep["_seq"].to_numpy()
    out["coop_id"] = ["KDMP-" + str(c).replace(".", "") + f"-{s}" for c, s in zip(out["kode_desa"], out["_seq"])]
    return out.drop(columns=["_seq"]).reset_index(drop=True)


def _list_gaps(cleaned: dict[str, CleanResult], files: dict[str, Path], root) -> list[dict]:
    """The village codes that the official sources use (SIMKOPDES→Kemendagri match, IDM, …: every
    column the raw contract declares a village code, survey excepted: its codes are typed in the field
    and reported row by row) but the Kemendagri village list lacks, as one report line on the list
    (:func:`kaltara_study.data.regions.missing_from_list`); ``[]`` when the list has them all."""
    refs: dict[str, pd.Series] = {}
    for key, res in cleaned.items():
        kind = _kind(key)
        if kind.startswith("kemendagri") or kind == "survey" or kind not in S.RAW_SCHEMAS:
            continue
        cols = [n for n, c in S.RAW_SCHEMAS[kind].columns.items()
                if (c.metadata or {}).get("kind") == "code_desa" and n in res.frame.columns]
        if cols:
            refs[res.file] = pd.concat([refs.get(res.file, pd.Series(dtype="string"))]
                                       + [res.frame[c].astype("string") for c in cols], ignore_index=True)
    des = cleaned["kemendagri_desa"]
    if R.missing_from_list(des.frame, refs, list_file=des.file).empty:
        return []
    rep = R.missing_from_list(des.frame, refs, list_file=des.file, current=_current_list(files, root))
    return [{"kind": "kemendagri_desa", **r} for r in rep.to_dict("records")]


def _current_list(files: dict[str, Path], root) -> str:
    """Where the current Kemendagri village list is: the vendored file of ``data/raw/kaltara`` (found by
    content), unless that is the list in use."""
    p = paths(root)
    d = discover_files(p.kaltara_raw) if p.kaltara_raw.is_dir() else None
    rep = d.report if d is not None else pd.DataFrame(columns=["file", "origin", "kind"])
    vendored = rep[(rep["origin"] == "vendored") & (rep["kind"] == "kemendagri_desa")]["file"].tolist()
    if not vendored:
        return "the Kepmendagri 2025 list (as vendored in data/raw/kaltara/)"
    current = p.kaltara_raw / vendored[0]
    rel = f"data/raw/kaltara/{vendored[0]}"
    in_use = Path(files["kemendagri_desa"])
    if current.resolve() == in_use.resolve():
        return f"the Kepmendagri 2025 list vendored as {rel} (restore it from git if it was replaced)"
    return f"the vendored {rel} (remove or replace {in_use.name}, which is used instead of it)"


def _drop_unjoinable(reg: pd.DataFrame, villages: pd.DataFrame, cleaned: dict[str, CleanResult], audit: Audit,
                     problems: list[dict]) -> tuple[pd.DataFrame, int]:
    """Leave out the registry rows without a village of the Kemendagri list: not matched (reported by
    :func:`_match_registry`) or matched to a code the list lacks (an older list); each left-out row
    gets an audit entry (rules ``village_unmatched``, ``village_not_in_list``) and the latter a report
    line naming the code, the file it came from and the list. Returns the kept rows and how many
    were left out for a code the list lacks."""
    file = cleaned["simkopdes_village_stats"].file
    des = cleaned["kemendagri_desa"].file
    via = cleaned["simkopdes_match"].file if "simkopdes_match" in cleaned else "the name match"
    unmatched = reg["kode_desa"].isna()
    not_listed = ~unmatched & ~reg["kode_desa"].isin(set(villages["kode_desa"]))
    for i in reg.index[(unmatched | not_listed).to_numpy()]:
        row = reg.at[i, "_row"] if "_row" in reg.columns else None
        k = reg.at[i, "cooperatives"]
        n = f"{_txt_count(k)} cooperative(s)"
        if not_listed[i]:
            code = reg.at[i, "kode_desa"]
            problems.append({"kind": "simkopdes_village_stats", "file": file, "row": row, "column": "village",
                             "value": reg.at[i, "village"], "rule": f"matched by {via} to {code}, which is not in "
                             f"the Kemendagri village list {des}: its {n} left out (see the missing_villages line)",
                             "severity": "error"})
            audit.add("village_not_in_list", file=file, row_key=reg.at[i, "village_id"], row=row, column="kode_desa",
                      old=code, new=None, reason=f"village code not in the Kemendagri village list {des}: row "
                      f"({n}) left out")
        else:
            audit.add("village_unmatched", file=file, row_key=reg.at[i, "village_id"], row=row, column="village",
                      old=reg.at[i, "village"], new=None, reason=f"village not matched to the Kemendagri village "
                      f"list {des}: row ({n}) left out")
    return reg[~(unmatched | not_listed)], int(not_listed.sum())


def _txt_count(v) -> str:
    return "?" if v is None or pd.isna(v) else str(int(v))


def _check_contract(frame: pd.DataFrame, name: str, files: dict[str, Path], *, key: str) -> pd.DataFrame:
    """Validate a processed table against ``schema.PROCESSED_SCHEMAS[name]``; a failure (a join the
    checks above did not catch) becomes a :class:`DataError` naming the columns, checks and rows, never a
    pandera traceback."""
    from pandera.errors import SchemaErrors

    try:
        return S.PROCESSED_SCHEMAS[name].validate(frame, lazy=True)
    except SchemaErrors as exc:
        fc = exc.failure_cases
        problems, lines = [], []
        for (col, check), g in fc.groupby([fc["column"].astype(str), fc["check"].astype(str)], sort=True):
            pos = pd.to_numeric(g["index"], errors="coerce").dropna().astype(int)
            keys = [str(frame[key].iat[p]) for p in pos if p < len(frame)] if key in frame.columns else []
            lines.append(f"{col}: {check} fails for {len(g)} row(s)" + (f" ({', '.join(keys[:5])}"
                                                                         f"{', …' if len(keys) > 5 else ''})" if keys else ""))
            problems += [{"file": None, "row": None, "column": col, "value": k, "rule": check} for k in keys[:50]]
        inputs = ", ".join(sorted({p.name for p in files.values()}))
        raise DataError(f"the {name} table built from {inputs} breaks its contract: " + "; ".join(lines)
                        + ". The inputs disagree in a way the build does not catch yet: check that every file is of "
                        "the same vintage (e.g. the Kemendagri list and the SIMKOPDES registry)",
                        problems=problems) from None


def _members_within_population(sv: pd.DataFrame, table: pd.DataFrame, villages: pd.DataFrame,
                               cleaned: dict[str, CleanResult], file: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Survey ``members`` above the population of the cooperative's (registry) village are set to missing
    (:func:`kaltara_study.data.clean.check_members_population`, rule ``implausible_value``, audited).

    Only a Podes file carries a village population (the synthetic source has one; the public Kaltara
    data has none: Dukcapil gives the population per kabupaten/kota only), so without it nothing is done.
    ``sv`` is indexed by ``coop_id``; returns it (members checked) and the audit entries."""
    empty = pd.DataFrame(columns=AUDIT_COLUMNS)
    if "podes" not in cleaned or "members" not in sv.columns or not villages["population"].notna().any():
        return sv, empty
    village_of = table.set_index("coop_id")["kode_desa"]
    frame = sv.reset_index().assign(_village=lambda f: f["coop_id"].map(village_of))
    step = check_members_population(frame, villages.set_index("kode_desa")["population"], code="_village",
                                    key=["coop_id"], file=file, source=cleaned["podes"].file)
    out = sv.copy()
    out["members"] = step.frame["members"].to_numpy()
    return out, step.audit


def _podes_to_kemendagri(podes: pd.DataFrame, cleaned: dict[str, CleanResult], audit: Audit,
                         problems: list[dict], file: str) -> pd.Series:
    """Kemendagri village code of each Podes row via the BPS bridge (kecamatan) and names within it."""
    codes = pd.Series(pd.NA, index=podes.index, dtype="string")
    bps = podes["kode_desa_bps"].astype(str)
    kec = pd.Series(pd.NA, index=podes.index, dtype="string")
    if "bps_bridge_kecamatan" in cleaned:
        kec = pd.Series(R.bps_to_kemendagri(bps.str[:7], cleaned["bps_bridge_kecamatan"].frame)["kemendagri"]
                        .to_numpy(), index=podes.index, dtype="string")
    if kec.isna().any() and "bps_bridge_kabkota" in cleaned and "nama_kecamatan" in podes.columns:
        kab = pd.Series(R.bps_to_kemendagri(bps.str[:4], cleaned["bps_bridge_kabkota"].frame)["kemendagri"]
                        .to_numpy(), index=podes.index, dtype="string")
        miss = kec.isna()
        m = R.match_names(podes.loc[miss, "nama_kecamatan"], cleaned["kemendagri_kecamatan"].frame,
                          level="kecamatan", within=kab[miss])
        kec[miss] = m["code"].to_numpy()
    m = R.match_names(podes["nama_desa"], cleaned["kemendagri_desa"].frame, level="desa", within=kec)
    codes[:] = m["code"].to_numpy()
    for j, i in enumerate(podes.index):
        row = podes.at[i, "_row"] if "_row" in podes.columns else None
        st = m["status"].iat[j]
        if pd.isna(m["code"].iat[j]):
            problems.append({"kind": "podes", "file": file, "row": row, "column": "nama_desa",
                             "value": podes.at[i, "nama_desa"], "rule": f"Podes village not matched to Kemendagri "
                             f"({st}; BPS {bps[i]}; kecamatan {kec[i]})", "severity": "error"})
        elif st != "exact":
            audit.add("name_match", file=file, row_key=bps[i], row=row, column="nama_desa",
                      old=podes.at[i, "nama_desa"], new=f"{m['matched_name'].iat[j]} ({m['code'].iat[j]})",
                      reason=f"matched by name within kecamatan: {st} (score {m['score'].iat[j]})")
    return codes


def _latest_idm(cleaned: dict[str, CleanResult]) -> pd.DataFrame:
    parts = _frames(cleaned, "idm_summary") + _frames(cleaned, "idm_wide")
    # the official per-desa files (idm_desa: kode, tahun, iks, …) after the full-precision summary
    parts += [f.rename(columns={"kode": "kode_desa_kemendesa", "iks": "IKS", "ike": "IKE", "ikl": "IKL",
                                "idm": "IDM", "status_idm": "status"}) for f in _frames(cleaned, "idm_desa")]
    cols = ["kode_desa", "idm_year", "iks", "ike", "ikl", "idm", "idm_status"]
    if not parts:
        return pd.DataFrame(columns=cols)
    # the summary (full precision) wins over the wide workbook (rounded) for the same village-year
    idm = pd.concat(parts, ignore_index=True).dropna(subset=["IDM"])
    idm = idm.drop_duplicates(["kode_desa_kemendesa", "tahun"], keep="first")
    idm = idm.sort_values(["kode_desa_kemendesa", "tahun"], kind="stable")
    latest = idm.drop_duplicates("kode_desa_kemendesa", keep="last")
    return pd.DataFrame({"kode_desa": latest["kode_desa_kemendesa"].astype("string").to_numpy(),
                         "idm_year": pd.array(latest["tahun"].to_numpy(), dtype="Int64"),
                         "iks": latest["IKS"].astype(float).to_numpy(), "ike": latest["IKE"].astype(float).to_numpy(),
                         "ikl": latest["IKL"].astype(float).to_numpy(), "idm": latest["IDM"].astype(float).to_numpy(),
                         "idm_status": latest["status"].astype("string").to_numpy()})


def _region_consistency(loaded: dict, cleaned: dict) -> list[pd.DataFrame]:
    """Rows whose village code lies in another kabupaten/kecamatan than their names say (reported,
    never moved: the code decides)."""
    if "kemendagri_desa" not in cleaned:
        return []
    regions = cleaned["kemendagri_desa"].frame
    parts = []
    for kind, res in cleaned.items():
        f = res.frame
        if kind.startswith("kemendagri") or "kode_desa" not in f.columns:
            continue
        if not ({"nama_kabkota", "nama_kecamatan"} & set(f.columns)):
            continue
        rep = V.check_region_consistency(
            f, regions, file=getattr(loaded.get(kind), "file", kind), code="kode_desa",
            kab_name="nama_kabkota" if "nama_kabkota" in f.columns else None,
            kec_name="nama_kecamatan" if "nama_kecamatan" in f.columns else None)
        if len(rep):
            parts.append(rep.assign(kind=kind))
    return parts


def health_rating(score: pd.Series) -> pd.Series:
    """Permenkop UKM 9/2020 rating of a 0–100 health score (≥80 Sehat, ≥66 Cukup Sehat, ≥51 Dalam
    Pengawasan, else Dalam Pengawasan Khusus); NA stays NA.

    >>> health_rating(pd.Series([85.0, 70.0, 51.0, 20.0, None])).tolist()
    ['Sehat', 'Cukup Sehat', 'Dalam Pengawasan', 'Dalam Pengawasan Khusus', <NA>]
    """
    s = pd.to_numeric(score, errors="coerce")
    out = pd.Series(pd.NA, index=s.index, dtype="string")
    for lo, name in reversed(_HEALTH_BANDS):
        out[(s >= lo).fillna(False).to_numpy()] = name
    return out


def _derive(t: pd.DataFrame) -> pd.DataFrame:
    t = t.copy()
    units = t[list(S.UNIT_COLUMNS)].astype("boolean")
    n_known = units.notna().sum(axis=1)
    t["units_operating"] = pd.array(np.where(n_known > 0, units.fillna(False).sum(axis=1), pd.NA), dtype="Int64")
    a = t["assets_rp"].astype(float)
    t["debt_ratio"] = (t["liabilities_rp"].astype(float) / a).where(a > 0)
    hh = t["households"].astype("Float64").astype(float)
    pop = t["population"].astype("Float64").astype(float)
    t["members_per_100_hh"] = (t["members"].astype("Float64").astype(float) / hh * 100).where(hh > 0)
    t["shops_per_1000"] = (t["n_shops"].astype("Float64").astype(float) / pop * 1000).where(pop > 0)
    t["markets_per_1000"] = (t["n_markets"].astype("Float64").astype(float) / pop * 1000).where(pop > 0)
    t["signal_score"] = pd.array(t["signal"].map(_SIGNAL_SCORE).astype("Float64").round(), dtype="Int64")
    t["road_score"] = pd.array(t["road_access"].map(_ROAD_SCORE).astype("Float64").round(), dtype="Int64")
    aspects = t[list(_HEALTH_ASPECTS)].astype(float)
    t["health_score"] = aspects.mean(axis=1).where(aspects.notna().all(axis=1)).round(2)
    t["health_rating"] = health_rating(t["health_score"])
    t["is_kelurahan"] = (t["jenis"] == "kelurahan").fillna(False).astype(bool)
    return t


def _empty_like(schema_cols: list[str], index) -> pd.DataFrame:
    proc = S.PROCESSED_SCHEMAS["cooperatives"].columns
    out = {}
    for c in schema_cols:
        dt = str(proc[c].dtype)
        if dt == "boolean":
            out[c] = pd.array([pd.NA] * len(index), dtype="boolean")
        elif dt == "Int64":
            out[c] = pd.array([pd.NA] * len(index), dtype="Int64")
        elif dt.startswith("datetime"):
            out[c] = pd.Series(pd.NaT, index=range(len(index)), dtype="datetime64[ns]").to_numpy()
        elif dt == "float64":
            out[c] = np.full(len(index), np.nan)
        else:
            out[c] = pd.array([pd.NA] * len(index), dtype="string")
    return pd.DataFrame(out, index=index)


_PODES_COLS = ["population", "households", "n_markets", "n_shops", "n_banks", "n_micro_industries", "n_bumdes_units",
               "has_lpg_base", "has_health_facility", "has_pharmacy_village", "signal_4g", "road_access_village"]
_SURVEY_COLS = [c for c in S.PROCESSED_SCHEMAS["cooperatives"].columns
                if c in S.RAW_SCHEMAS["survey"].columns and c not in ("coop_id", "kode_desa", "nama_desa", "nama_kabkota")]


def build_analysis_table(source: str = "synthetic", *, root: Path | str | None = None,
                         files: dict[str, Path] | None = None) -> AnalysisData:
    """Build the analysis data from the raw files (no cache; see :func:`load_analysis_table`)."""
    files = files or find_sources(source, root=root)
    loaded = load_raw(source, root=root, files=files)
    cleaned = clean_all(loaded)
    audit = Audit()
    problems: list[dict] = []

    # regions ------------------------------------------------------------------------------
    des = cleaned["kemendagri_desa"].frame
    villages = pd.DataFrame({
        "kode_desa": des["kode"].astype("string"), "nama_desa": des["nama"].astype("string"),
        "jenis": des["jenis"].astype("string"), "kode_kecamatan": des["kode_kecamatan"].astype("string"),
        "nama_kecamatan": des["nama_kecamatan"].astype("string"), "kode_kabkota": des["kode_kabkota"].astype("string"),
        "nama_kabkota": des["nama_kabkota"].astype("string")}).sort_values("kode_desa", kind="stable")
    villages = villages.drop_duplicates("kode_desa").reset_index(drop=True)

    # registry -----------------------------------------------------------------------------
    reg_res = cleaned["simkopdes_village_stats"]
    reg = reg_res.frame.copy()
    reg["kode_desa"] = _match_registry(reg, cleaned, audit, problems)
    gaps = _list_gaps(cleaned, files, root)
    reg, n_left_out = _drop_unjoinable(reg, villages, cleaned, audit, problems)
    for g in gaps:  # an error when cooperatives are left out; else only village context is lost
        problems.append({**g, "severity": "error" if n_left_out else "warning"})
    coops = _split_registry(reg, audit, reg_res.file)

    # village context ----------------------------------------------------------------------
    if "kemendagri_summary" in cleaned:
        sm = cleaned["kemendagri_summary"].frame
        popk = sm[sm["kode"].str.fullmatch(r"65\.\d{2}")].set_index("kode")["penduduk_total_dukcapil_des2024"]
        villages["population_kabkota"] = pd.array(villages["kode_kabkota"].map(popk), dtype="Int64")
    else:
        villages["population_kabkota"] = pd.array([pd.NA] * len(villages), dtype="Int64")
    ctx = _empty_like(_PODES_COLS, villages.index)
    if "podes" in cleaned:
        pres = cleaned["podes"]
        pod = pres.frame.copy()
        pod["kode_desa"] = _podes_to_kemendagri(pod, cleaned, audit, problems, pres.file)
        dup = pod["kode_desa"].notna() & pod["kode_desa"].duplicated(keep="first")
        for i in pod.index[dup.to_numpy()]:
            problems.append({"kind": "podes", "file": pres.file, "row": pod.at[i, "_row"], "column": "kode_desa",
                             "value": pod.at[i, "kode_desa"], "rule": "two Podes rows match the same village: "
                             "first kept", "severity": "warning"})
        pod = pod[pod["kode_desa"].notna() & ~dup].set_index("kode_desa")
        pos = villages["kode_desa"]
        for c in _PODES_COLS:
            if c in pod.columns:
                vals = pos.map(pod[c])
                ctx[c] = vals.astype(ctx[c].dtype).to_numpy() if len(vals) else ctx[c]
    villages = pd.concat([villages, ctx], axis=1)
    idm = _latest_idm(cleaned)
    villages = villages.merge(idm, on="kode_desa", how="left")
    if len(idm):
        extra = set(idm["kode_desa"]) - set(villages["kode_desa"])
        for k in sorted(extra):
            problems.append({"kind": "idm", "file": None, "row": None, "column": "kode_desa_kemendesa", "value": k,
                             "rule": "IDM village code not in the Kemendagri list", "severity": "warning"})
    n_coop = coops.groupby("kode_desa").size()
    villages["n_cooperatives"] = pd.array(villages["kode_desa"].map(n_coop).fillna(0).astype(int), dtype="Int64")
    villages["has_own_coop"] = pd.array(villages["n_cooperatives"] > 0, dtype="boolean")

    # survey -------------------------------------------------------------------------------
    table = coops.merge(villages.drop(columns=["n_cooperatives", "has_own_coop"]), on="kode_desa", how="left")
    surv = _empty_like(_SURVEY_COLS, table.index)
    survey_audit: list[pd.DataFrame] = []  # cross-source checks of survey cells (kind "survey" in the audit)
    if "survey" in cleaned:
        sres = cleaned["survey"]
        sv = sres.frame.copy()
        known = set(table["coop_id"])
        # a survey row with an unknown id but the village code of a village with exactly one
        # cooperative is that cooperative (documented fallback, audited)
        single = table.groupby("kode_desa")["coop_id"].agg(lambda s: s.iloc[0] if len(s) == 1 else None).dropna()
        by_village = ~sv["coop_id"].isin(known) & sv["kode_desa"].isin(single.index)
        taken = set(sv.loc[~by_village, "coop_id"])
        for i in sv.index[by_village.to_numpy()]:
            new = single[sv.at[i, "kode_desa"]]
            if new in taken:
                continue
            audit.add("coop_id_from_village", file=sres.file, row_key=sv.at[i, "coop_id"], row=sv.at[i, "_row"],
                      column="coop_id", old=sv.at[i, "coop_id"], new=new,
                      reason="id not in the registry; the village code has exactly one cooperative")
            sv.at[i, "coop_id"] = new
            taken.add(new)
        not_found = ~sv["coop_id"].isin(known) | sv["coop_id"].duplicated(keep="first")
        not_listed = set(gaps[0]["value"].split("; ")) if gaps else set()
        for i in sv.index[not_found.to_numpy()]:
            why = "survey cooperative not in the registry (or a second survey row for it): not joined"
            if sv.at[i, "kode_desa"] in not_listed:
                why = (f"survey cooperative of village {sv.at[i, 'kode_desa']}, which is not in the Kemendagri village "
                       f"list {gaps[0]['file']} (its cooperatives are left out): not joined")
            problems.append({"kind": "survey", "file": sres.file, "row": sv.at[i, "_row"], "column": "coop_id",
                             "value": sv.at[i, "coop_id"], "rule": why, "severity": "error"})
        sv = sv[~not_found].set_index("coop_id")
        wrong_village = sv["kode_desa"].notna() & (sv["kode_desa"] != table.set_index("coop_id")["kode_desa"]
                                                   .reindex(sv.index))
        for cid in sv.index[wrong_village.to_numpy()]:
            problems.append({"kind": "survey", "file": sres.file, "row": sv.at[cid, "_row"], "column": "kode_desa",
                             "value": sv.at[cid, "kode_desa"], "rule": "survey village code differs from the "
                             "registry's; registry kept", "severity": "warning"})
        sv, pop_audit = _members_within_population(sv, table, villages, cleaned, sres.file)
        if len(pop_audit):
            survey_audit.append(pop_audit)
        for c in _SURVEY_COLS:
            if c in sv.columns:
                surv[c] = table["coop_id"].map(sv[c]).astype(surv[c].dtype).to_numpy()
        if "outlier_flags" in sv.columns:
            surv["outlier_flags"] = table["coop_id"].map(sv["outlier_flags"]).astype("string").to_numpy()
    if "outlier_flags" not in surv.columns:
        surv["outlier_flags"] = pd.array([pd.NA] * len(table), dtype="string")
    table = pd.concat([table, surv], axis=1)
    table["data_source"] = "synthetic" if source == "synthetic" else ("kaltara" if source == "kaltara" else source)
    villages["data_source"] = table["data_source"].iat[0] if len(table) else source
    table = _derive(table)
    table, identity, vctx = _attach_realdata(table, reg, cleaned, files, problems)
    coverage = _coverage(table, files)
    cols = list(S.COOPERATIVE_COLUMNS) + ["population_kabkota", "outlier_flags"] + list(S.REALDATA_COLUMNS)
    table = table[cols].sort_values("coop_id", kind="stable").reset_index(drop=True)
    table = _check_contract(table, "cooperatives", files, key="coop_id")
    vcols = list(S.PROCESSED_SCHEMAS["villages"].columns)
    villages = _check_contract(villages[vcols], "villages", files, key="kode_desa")
    if vctx is not None:
        villages = villages.merge(vctx, on="kode_desa", how="left")

    # logs -------------------------------------------------------------------------------
    audit_parts = [res.audit.assign(kind=kind) for kind, res in cleaned.items() if len(res.audit)]
    audit_parts += [a.assign(kind="survey") for a in survey_audit]
    if len(audit):
        audit_parts.append(audit.frame().assign(kind="join"))
    audit_df = (pd.concat(audit_parts, ignore_index=True) if audit_parts
                else pd.DataFrame(columns=AUDIT_COLUMNS + ["kind"]))
    audit_df = audit_df[["kind"] + AUDIT_COLUMNS]
    audit_df["row"] = pd.to_numeric(audit_df["row"]).astype("Int64")  # spreadsheet row numbers
    val_parts = [res.report.assign(kind=kind) for kind, res in loaded.items() if len(res.report)]
    if problems:
        val_parts.append(_report(problems))
    val_parts += _region_consistency(loaded, cleaned)
    validation = (pd.concat(val_parts, ignore_index=True) if val_parts else _report([]))
    validation = validation[["kind"] + REPORT_COLUMNS].astype({"row": "Int64"})
    summary = pd.DataFrame([{**{"kind": kind}, **res.summary(),
                             "rejected_at_load": len(loaded[kind].rejected)} for kind, res in cleaned.items()])
    answers = None
    if source == "synthetic":
        folder = source_dirs(source, root=Path(root) if root else None)[0]
        ans_path = folder / FILES["answers"]
        if ans_path.is_file():
            answers = read_answers(ans_path)
    discovery = discovery_report(source, root=root)
    return AnalysisData(table=table, audit=audit_df, validation=validation, answers=answers, source=source,
                        villages=villages, load_summary=summary, identity=identity, discovery=discovery,
                        coverage=coverage)


def _attach_realdata(table: pd.DataFrame, reg: pd.DataFrame, cleaned: dict, files: dict[str, Path],
                     problems: list[dict]):
    """Add the identity and public-context columns (``schema.REALDATA_COLUMNS``) where their sources exist.

    Location rows are matched to villages (:func:`kaltara_study.data.identity.match_cooperatives`) and
    assigned to the registry's cooperatives of that village in ``cooperative_id`` order; a registry
    cooperative without a matched location row keeps NA name/id/coordinates, and every unmatched or
    surplus location row is reported (kind ``identity``). Returns ``(table, identity, village_context)``.
    """
    t = table.copy()
    n = len(t)
    empty = _empty_realdata(n, t.index)
    for c in empty.columns:
        t[c] = empty[c]
    des = cleaned["kemendagri_desa"].frame
    idm = _frames(cleaned, "idm_desa")
    ind = _frames(cleaned, "idm_indicators")
    vctx = None
    if idm or ind:
        vctx = C.village_context(des, idm=pd.concat(idm, ignore_index=True) if idm else None,
                                 indicators=pd.concat(ind, ignore_index=True) if ind else None)
        v = vctx.set_index("kode_desa")
        for c in vctx.columns:
            if c != "kode_desa" and c in t.columns:
                t[c] = t["kode_desa"].map(v[c]).astype(empty[c].dtype).to_numpy()
    else:
        t["stratum"] = t["jenis"].astype("string")
    identity = pd.DataFrame(columns=I.IDENTITY_COLUMNS + ["coop_id"])
    if "simkopdes_locations" not in cleaned:
        return t, identity, vctx
    res = cleaned["simkopdes_locations"]
    loc = res.frame
    land = cleaned["simkopdes_land"].frame if "simkopdes_land" in cleaned else None
    bd = read_boundaries(files["boundaries_desa"], "desa") if "boundaries_desa" in files else None
    bk = read_boundaries(files["boundaries_kabkota"], "kabkota") if "boundaries_kabkota" in files else None
    m = I.match_cooperatives(loc, desa=des, kecamatan=cleaned["kemendagri_kecamatan"].frame,
                             kabkota=cleaned["kemendagri_kabkota"].frame, land=land,
                             registry=reg[["kode_desa", "cooperatives"]], boundaries_desa=bd, boundaries_kabkota=bk)
    ident = m.matches.copy()
    ok = ident[ident["kode_desa"].notna()].sort_values(["kode_desa", "cooperative_id"], kind="stable")
    seq = ok.groupby("kode_desa").cumcount() + 1
    ident["coop_id"] = pd.Series("KDMP-" + ok["kode_desa"].str.replace(".", "", regex=False) + "-"
                                 + seq.astype(str), index=ok.index).reindex(ident.index).astype("string")
    known = set(t["coop_id"])
    surplus = ident["coop_id"].notna() & ~ident["coop_id"].isin(known)
    for r in ident[surplus].itertuples():
        problems.append({"kind": "identity", "file": res.file, "row": None, "column": "name",
                         "value": r.nama_koperasi, "rule": f"matched to {r.kode_desa} ({r.match_method}), but the "
                         "registry has fewer cooperatives there: not in the table", "severity": "warning"})
    ident.loc[surplus, "coop_id"] = pd.NA
    for r in ident[ident["kode_desa"].isna()].itertuples():
        problems.append({"kind": "identity", "file": res.file, "row": None, "column": "name",
                         "value": r.nama_koperasi, "rule": f"cooperative not matched to a village ({r.match_method}); "
                         f"candidates: {r.candidates if isinstance(r.candidates, str) else 'none'}",
                         "severity": "warning"})
    for r in m.problems[m.problems["issue"].isin(["coordinates", "land_coordinates", "registry_count", "jenis",
                                                  "joins_villages"])].itertuples():
        problems.append({"kind": "identity", "file": res.file, "row": None, "column": r.issue,
                         "value": None if pd.isna(r.cooperative_id) else str(int(r.cooperative_id)),
                         "rule": r.detail, "severity": "warning"})
    # land status per location row (join by name + kabupaten + kecamatan; no row = not surveyed)
    status = pd.Series("not_surveyed", index=ident.index, dtype="string")
    if land is not None and len(land):
        lk = I.land_key(land["cooperative"], land["district"], land["subdistrict"])
        lut = pd.Series(land["status"].astype("string").to_numpy(), index=lk.to_numpy())
        lut = lut[~lut.index.duplicated(keep=False)]
        got = I.land_key(loc["name"], loc["district"], loc["subdistrict"]).map(lut).reset_index(drop=True)
        status = got.astype("string").where(got.notna(), "not_surveyed")
    seats = [f for f in _frames(cleaned, "boundary_centroids")]
    seats = pd.concat(seats, ignore_index=True) if seats else None
    cc = C.cooperative_context(ident.assign(kode_kabkota=ident["kode_kabkota"]), seats=seats)
    same = cc["dist_nearest_coop_km"].to_numpy() == 0
    for i in np.flatnonzero(same):
        problems.append({"kind": "identity", "file": res.file, "row": None, "column": "coordinates",
                         "value": str(ident["cooperative_id"].iat[i]), "rule": "same point as cooperative "
                         f"{cc['nearest_coop_id'].iat[i]}: at least one of them is not at its own place",
                         "severity": "warning"})
    per = pd.DataFrame({"coop_id": ident["coop_id"], "nama_koperasi": ident["nama_koperasi"],
                        "simkopdes_id": pd.array(ident["cooperative_id"], dtype="Int64"),
                        "latitude": ident["latitude"], "longitude": ident["longitude"],
                        "match_method": ident["match_method"], "match_score": ident["match_score"],
                        "coord_flag": ident["coord_flag"], "dist_village_km": ident["dist_village_km"],
                        "land_status": status.to_numpy(), "capital": cc["capital"],
                        "dist_capital_km": cc["dist_capital_km"],
                        "dist_nearest_coop_km": cc["dist_nearest_coop_km"]}).dropna(subset=["coop_id"])
    per = per.set_index("coop_id")
    for c in per.columns:
        t[c] = t["coop_id"].map(per[c]).astype(empty[c].dtype).to_numpy()
    ident["land_status"] = status.to_numpy()
    ident["dist_capital_km"] = cc["dist_capital_km"].to_numpy()
    ident["dist_nearest_coop_km"] = cc["dist_nearest_coop_km"].to_numpy()
    return t, ident, vctx


def _empty_realdata(n: int, index) -> pd.DataFrame:
    cols = S.PROCESSED_SCHEMAS["cooperatives"].columns
    out = {}
    for c in S.REALDATA_COLUMNS:
        dt = str(cols[c].dtype)
        if dt == "Int64":
            out[c] = pd.array([pd.NA] * n, dtype="Int64")
        elif dt == "float64":
            out[c] = np.full(n, np.nan)
        else:
            out[c] = pd.array([pd.NA] * n, dtype="string")
    return pd.DataFrame(out, index=index)


def _coverage(table: pd.DataFrame, files: dict[str, Path]) -> pd.DataFrame:
    """Which source each column group of the table rests on, and how many cooperatives have it."""
    def src(*kinds):
        names = [p.name for k, p in sorted(files.items()) if _kind(k) in kinds]
        return ", ".join(names) if names else "none"

    n_kel = int((table["jenis"] == "kelurahan").sum())
    blocks = [
        ("region", "kode_desa", ("kemendagri_desa",), "Kemendagri 2025 codes"),
        ("registry_formalisation", "reg_accounts", ("simkopdes_village_stats", "simkopdes_match"),
         "SIMKOPDES registry: accounts, NPWP, NIB, RAT (formal status, not activity)"),
        ("identity", "nama_koperasi", ("simkopdes_locations",), "name, SIMKOPDES id, coordinates, matched village"),
        ("village_idm", "idm_2024", ("idm_desa",), f"IDM 2023/2024 for desa; the {n_kel} cooperatives in kelurahan "
         "have none by design (stratum 'kelurahan', not imputed)"),
        ("village_dimensions", "dim_market_access", ("idm_indicators",), "50 IDM-2024 indicators (0-5) by dimension"),
        ("land", "land_status", ("simkopdes_land",), "building-land verification; 'not_surveyed' = no row"),
        ("distances", "dist_capital_km", ("simkopdes_locations", "boundary_centroids"),
         "straight-line km from the coordinates"),
        ("podes", "population", ("podes",), "village facilities (Podes-style)"),
        ("survey", "members", ("survey",), "cooperative survey and assessment: without it nothing is known of "
         "members, capital, turnover, business units in operation or health"),
    ]
    rows = []
    for block, col, kinds, note in blocks:
        have = table[col].notna() if col != "land_status" else table[col].notna() & (table[col] != "not_surveyed")
        rows.append({"block": block, "column": col, "source": src(*kinds), "n_cooperatives": len(table),
                     "n_with_value": int(have.sum()), "note": note})
    return pd.DataFrame(rows)


_EXTRA_FRAMES = ("identity", "discovery", "coverage")


def _out_dir(source: str, root: Path | str | None) -> Path:
    name = source if source in ("synthetic", "kaltara") else "custom_" + hashlib.sha256(
        str(Path(source).resolve()).encode()).hexdigest()[:10]
    return paths(root).processed / name


def load_analysis_table(source: str = "synthetic", *, root: Path | str | None = None) -> AnalysisData:
    """Build the analysis table of ``source`` from its raw files and write the processed tables.

    The one cache of the study is :mod:`kaltara_study.stages` (``data/interim``): call
    ``stages.analysis_data(study)`` to get this result without rebuilding it. This function always
    builds, and writes ``data/processed/<source>/`` (the analysis table, villages, audit, validation,
    load summary, identity, discovery and coverage reports, and ``inputs.json`` with the sha256 of
    every input), every text cell masked for personal data.

    Parameters
    ----------
    source : {"synthetic", "kaltara"} or folder
        ``"synthetic"`` = ``data/raw/synthetic``; ``"kaltara"`` = ``data/raw/kaltara`` (the vendored public
        data) with the researcher's drop-ins in ``data/raw/kaltara/survey/``; otherwise a folder with raw
        exports. Files are found by their headers (``AnalysisData.discovery`` says which were used).
    root : path, optional
        Project root (default: found from the marker file).

    Examples
    --------
    >>> data = load_analysis_table("synthetic")  # doctest: +SKIP
    >>> data.table.shape[0]  # doctest: +SKIP
    411
    """
    files = find_sources(source, root=root)
    manifest = input_hash(files)
    manifest["source"] = source
    out = _out_dir(source, root)
    data = build_analysis_table(source, root=root, files=files)
    write_processed(out, table=data.table, villages=data.villages, audit=data.audit, validation=data.validation,
                    load_summary=data.load_summary, manifest=manifest, synthetic=source == "synthetic")
    for name in _EXTRA_FRAMES:
        write_table(getattr(data, name), out / f"{name}.csv", index=False)
    return data


# ============================================================================ notebook helpers
def source_table(files: dict[str, Path]) -> pd.DataFrame:
    """Kind, file name and short sha256 of each raw input (no absolute paths).

    >>> source_table({"survey": Path("data/raw/synthetic/SYNTHETIC_survey.xlsx")})  # doctest: +SKIP
    """
    return pd.DataFrame([{"kind": k, "file": p.name, "sha256": sha256_file(p)[:12]} for k, p in sorted(files.items())])


def load_report(loaded: dict[str, object]) -> pd.DataFrame:
    """One row per loaded source: rows read, records (village-years for the wide IDM workbook, else the
    rows), kept, rejected, errors, warnings (from ``LoadResult.summary``). ``records = kept + rejected``."""
    rows = []
    for kind, res in loaded.items():
        s = res.summary()
        rows.append({"kind": kind, "file": s["file"], "read": s["read"], "records": s.get("records", s["read"]),
                     "kept": s["kept"], "rejected": s["rejected"], "errors": s["errors"], "warnings": s["warnings"]})
    return pd.DataFrame(rows)


def validation_report(loaded: dict[str, object]) -> pd.DataFrame:
    """Every problem found while loading, with the source kind: ``kind, file, row, column, value, rule, severity``."""
    parts = [res.report.assign(kind=kind) for kind, res in loaded.items() if len(res.report)]
    if not parts:
        return _report([])
    out = pd.concat(parts, ignore_index=True)
    return out[["kind"] + REPORT_COLUMNS].astype({"row": "Int64"})


def count_by(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Counts of rows per combination of ``by`` (zero-row frames give an empty table with ``n``).

    >>> count_by(pd.DataFrame({"rule": ["a", "a", "b"]}), ["rule"])["n"].tolist()
    [2, 1]
    """
    if frame.empty:
        return pd.DataFrame(columns=by + ["n"])
    return frame.groupby(by, sort=True, dropna=False).size().rename("n").reset_index()


def join_coverage(data: AnalysisData) -> pd.DataFrame:
    """How many cooperatives got each block of columns (registry, Podes, IDM, survey) after the joins."""
    t = data.table
    blocks = {"registry": "reg_accounts", "kemendagri": "kode_desa", "podes": "population", "idm": "idm",
              "survey": "members", "health_assessment": "health_score"}
    rows = [{"block": b, "column": c, "n_cooperatives": len(t), "n_with_value": int(t[c].notna().sum()),
             "share": round(float(t[c].notna().mean()), 4)} for b, c in blocks.items()]
    return pd.DataFrame(rows)


def load_boundaries(source: str = "synthetic", *, level: str = "desa", root: Path | str | None = None):
    """Village/kabupaten boundaries of ``source`` when its folder has them (real data), else None."""
    key = {"desa": "boundaries_desa", "kabkota": "boundaries_kabkota", "kecamatan": "boundaries_kecamatan"}[level]
    for folder in source_dirs(source, root=Path(root) if root else None):
        f = real_source_files(folder).get(key)
        if f is not None:
            return read_boundaries(f, level)
    return None
