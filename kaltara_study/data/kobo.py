"""Read KoboToolbox / ODK exports of the study's XLSForms back into the survey contract (issue 13).

:func:`read_kobo_export` takes an export (XLSX with one sheet per repeat group, or CSV; or frames)
and the XLSForm it was collected with (an :class:`~kaltara_study.instrument.forms.XLSForm`, its
sheets as a mapping, or the path of the written XLSForm) and returns a :class:`KoboResult` whose
``frame`` has the columns of ``schema.RAW_SCHEMAS["survey"]`` (typed like
:func:`kaltara_study.data.sources.load_source` returns them, with ``_row``), one row per cooperative.

Handled export variants
-----------------------
- group paths ``grp/q``, ``grp/sub/q`` (Kobo) and ``grp-q`` (ODK Central); headers without groups;
- ``select_multiple`` as space-separated codes, and as 0/1 columns ``grp/q/code`` (either or both);
- meta columns ``_id, _uuid, _submission_time, _validation_status, _index, __version__, _status,
  _tags, _notes, _geolocation, _attachments, start, end, today, meta/instanceID, formhub/uuid`` and
  the ODK Central ones (``SubmissionDate, KEY, ReviewState, FormVersion, …``); GPS sub-columns
  (``_gps_latitude`` …) and attachment URLs are recognised and not reported;
- repeat groups on their own sheet, joined to the submission by ``_parent_index`` (= its ``_index``,
  Kobo) or ``PARENT_KEY`` (= its ``KEY``, ODK Central);
- labels instead of XML values (Indonesian or English, any case) are mapped back through the form's
  choices; label headers are mapped back through the form's question labels;
- an older form version (:data:`FORM_HISTORY`): renamed questions and the old multi-select partner
  question are read; versions are reported per submission.

Values are checked against the form: choice codes, whole numbers, dates, the contract's ranges (out
of range → NA, reported as ``error``) and the AHU-number pattern. A submission is **complete** when
every required question that is relevant (given its own answers) has a valid value.

Reconciliation (one cooperative, several submissions) — explicit rule, every decision in ``audit``:

1. submissions a reviewer marked *not approved* in Kobo (``_validation_status``) or *rejected* in ODK
   Central (``ReviewState``) are not used (``rejected_by_reviewer``);
2. if some are *approved*, only those are considered (``approved``);
3. the **latest complete** submission (``_submission_time``, then ``end``, then ``_index``) is used
   (``latest_complete``); the others are ``superseded``;
4. no complete submission: a single one is used as it is (``only_incomplete``; its gaps are NA);
   several → none is used and all are flagged ``needs_review`` (the cooperative stays
   not-assessable until a reviewer approves one in Kobo — rule 2 then picks it).

For the assessment form the key is (cooperative, assessor code): the rule picks one submission per
supervisor; ``ratings`` holds one row per supervisor and cooperative (the input of
:func:`kaltara_study.instrument.agreement.item_agreement`) and ``frame`` the **mean** of the
supervisors' aspect scores per cooperative (``audit`` says ``mean_of_k_assessors``).

Personal data: the forms collect none; an export column that looks personal (``_submitted_by``,
``SubmitterName``, ``username``, ``deviceid``, ``phonenumber``, ``chair_*`` …) is dropped and reported
by its name only. Messages carry codes and numbers, never the text of a free-text cell.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kaltara_study.data.schema import PERSONAL_COLUMNS, RAW_SCHEMAS
from kaltara_study.errors import InputError

__all__ = ["FORM_HISTORY", "FORM_FILES", "KOBO_META", "KoboResult", "combine_forms", "export_frames", "find_exports",
           "read_kobo_export", "read_kobo_folder",
           "submissions_from_contract", "write_kobo_export"]

ROW = "_row"
REPORT_COLUMNS = ["file", "sheet", "row", "column", "value", "rule", "severity"]
AUDIT_COLUMNS = ["key", "assessor_code", "uuid", "row", "submitted", "version", "complete", "decision", "reason"]
KOBO_META = frozenset("""_id _uuid _submission_time _validation_status _index __version__ _status _tags _notes
    _geolocation _attachments _xform_id_string _bamboo_dataset_id _duration _submission__id start end today
    meta/instanceid meta/instanceid meta/rootuuid meta/deprecatedid formhub/uuid instanceid _parent_index
    _parent_table_name _submission__uuid _submission__submission_time _submission__validation_status
    _submission__notes _submission__status _submission__tags submissiondate key parent_key reviewstate formversion
    attachmentspresent attachmentsexpected status edits meta-instanceid""".split())
PERSONAL_META = frozenset("""_submitted_by submittedby submitterid submittername username deviceid phonenumber
    simserial subscriberid email audit""".split()) | frozenset(PERSONAL_COLUMNS)
_GPS_SUB = re.compile(r"^_?(.*?)[_-](latitude|longitude|altitude|precision)$", re.I)
_LABEL = ("label::Indonesian (id)", "label::English (en)")

#: Older versions of the study's forms the reader still understands: form_id → version → changes.
FORM_HISTORY: dict[str, dict[str, dict]] = {
    "kdmp_survey": {
        "2025090101": {
            "renames": {"jumlah_anggota": "members"},
            # the first pilot asked the partners as one multiple choice instead of a repeat
            "questions": {"partners": {"type": "select_multiple partners", "kaltara_column": "partners_existing",
                                       "kaltara_rule": "join_keys", "required": ""}},
            "absent": ("has_partners", "partner_key", "partner_since", "fin_available", "rat_ever"),
        },
    },
    "kdmp_assessment": {},
}
_REVIEW_BAD = {"validation_status_not_approved", "not approved", "rejected", "tidak disetujui"}
_REVIEW_OK = {"validation_status_approved", "approved", "disetujui"}
_TRUE01 = {"1", "1.0", "true", "yes", "ya", "x"}
_FALSE01 = {"0", "0.0", "false", "no", "tidak", ""}


# ------------------------------------------------------------------------------------ results
@dataclass(frozen=True)
class KoboResult:
    """An export read back.

    Attributes
    ----------
    frame : DataFrame
        One row per cooperative: the survey-contract columns the form fills (typed), ``_row`` (the
        export row used), ``simkopdes_id``, ``form_version``, ``submission_uuid`` and the evidence
        columns ``doc_*`` (survey form).
    rejected : DataFrame
        Submissions not used: ``_row, sheet, key, uuid, reason``.
    report : DataFrame
        ``file, sheet, row, column, value, rule, severity`` — every rejected value, unknown column,
        personal column dropped, unknown version, incomplete submission.
    audit : DataFrame
        The reconciliation decision for every submission (:data:`AUDIT_COLUMNS`).
    unknown_columns : list of str
        Export columns the form does not explain.
    ratings : DataFrame or None
        Assessment form: one row per (cooperative, assessor).
    n_read : int
        Submissions read (main-sheet rows).
    """

    frame: pd.DataFrame
    rejected: pd.DataFrame
    report: pd.DataFrame
    audit: pd.DataFrame
    unknown_columns: list[str]
    n_read: int
    file: str
    form: str
    ratings: pd.DataFrame | None = None
    versions: dict = field(default_factory=dict)
    kind: str = "survey"

    @property
    def n_records(self) -> int:
        return self.n_read

    def summary(self) -> dict:
        sev = self.report["severity"]
        return {"file": self.file, "kind": self.kind, "form": self.form, "read": self.n_read,
                "kept": len(self.frame), "rejected": len(self.rejected), "errors": int((sev == "error").sum()),
                "warnings": int((sev == "warning").sum()), "unknown_columns": len(self.unknown_columns)}


# ------------------------------------------------------------------------------------ form
@dataclass
class _Form:
    form_id: str
    version: str
    survey: pd.DataFrame                 # data questions, with group path and repeat name
    choices: dict[str, list[str]]        # list → codes in order
    labels: dict[str, dict[str, str]]    # list → normalised label → code
    groups: set[str]
    repeats: set[str]
    qlabels: dict[str, str]              # normalised question label → name


def _norm(text) -> str:
    return " ".join(str(text).strip().lower().split())


def _form_sheets(form) -> dict[str, pd.DataFrame]:
    if isinstance(form, (str, Path)):
        path = Path(form)
        if not path.is_file():
            raise InputError(f"XLSForm not found at {path.name}", file=path.name)
        try:
            sheets = pd.read_excel(path, sheet_name=None, dtype=str)
        except Exception as exc:  # openpyxl raises several types
            raise InputError(f"is not a readable XLSForm ({type(exc).__name__})", file=path.name) from None
        return {k: v.fillna("") for k, v in sheets.items()}
    if isinstance(form, Mapping):
        return {k: pd.DataFrame(v).fillna("").astype(str) for k, v in form.items()}
    return {"survey": form.survey, "choices": form.choices, "settings": form.settings}


def _parse_form(form) -> _Form:
    sh = _form_sheets(form)
    for s in ("survey", "choices", "settings"):
        if s not in sh:
            raise InputError(f"the XLSForm has no {s!r} sheet (found {sorted(sh)})")
    sv = sh["survey"].fillna("").astype(str)
    for c in ("type", "name", "required", "relevant", "constraint", "kaltara_column", "kaltara_rule",
              *_LABEL):
        if c not in sv.columns:
            sv[c] = ""
    path: list[str] = []
    repeat: list[str] = []
    rows, groups, repeats = [], set(), set()
    for r in sv.to_dict("records"):
        t = r["type"].strip()
        if t in ("begin_group", "begin group", "begin_repeat", "begin repeat"):
            path.append(r["name"])
            groups.add(r["name"])
            if "repeat" in t:
                repeat.append(r["name"])
                repeats.add(r["name"])
            continue
        if t in ("end_group", "end group", "end_repeat", "end repeat"):
            if path:
                ended = path.pop()
                if repeat and repeat[-1] == ended:
                    repeat.pop()
            continue
        if not t or not r["name"] or t in ("note",):
            continue
        rows.append({**r, "path": "/".join(path + [r["name"]]), "repeat": repeat[-1] if repeat else ""})
    survey = pd.DataFrame(rows)
    ch = sh["choices"].fillna("").astype(str)
    choices: dict[str, list[str]] = {}
    labels: dict[str, dict[str, str]] = {}
    for r in ch.to_dict("records"):
        ln, nm = r.get("list_name", ""), r.get("name", "")
        if not ln or not nm:
            continue
        choices.setdefault(ln, []).append(nm)
        for lab in _LABEL + ("label",):
            if r.get(lab):
                labels.setdefault(ln, {})[_norm(r[lab])] = nm
    st = sh["settings"].fillna("").astype(str)
    qlabels = {}
    for r in rows:
        for lab in _LABEL:
            if r.get(lab):
                qlabels.setdefault(_norm(r[lab]), r["name"])
    return _Form(form_id=st["form_id"].iat[0] if "form_id" in st else "", version=st["version"].iat[0]
                 if "version" in st else "", survey=survey, choices=choices, labels=labels, groups=groups,
                 repeats=repeats, qlabels=qlabels)


def _with_history(f: _Form) -> pd.DataFrame:
    """The form's questions plus the questions of its older versions (renamed ones point to the new)."""
    extra = []
    for ver, spec in FORM_HISTORY.get(f.form_id, {}).items():
        for old, new in spec.get("renames", {}).items():
            base = f.survey[f.survey["name"] == new]
            if len(base):
                extra.append({**base.iloc[0].to_dict(), "name": old, "path": old, "_alias_of": new, "_version": ver})
        for name, q in spec.get("questions", {}).items():
            extra.append({**dict.fromkeys(f.survey.columns, ""), **q, "name": name, "path": name, "repeat": "",
                          "_alias_of": "", "_version": ver})
    sv = f.survey.assign(_alias_of="", _version="")
    return pd.concat([sv, pd.DataFrame(extra)], ignore_index=True) if extra else sv


# ------------------------------------------------------------------------------------ reading
def _read_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig", errors="replace")
    first = text.splitlines()[0] if text else ""
    sep = ";" if first.count(";") > first.count(",") else ","
    return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, quoting=csv.QUOTE_MINIMAL)


def export_frames(path_or_frames) -> tuple[dict[str, pd.DataFrame], str]:
    """The export's sheets as text frames (main sheet first) and the file name for messages.

    Accepts an XLSX/CSV path, a DataFrame, or a mapping sheet name → DataFrame or path (for CSV
    exports with a separate CSV per repeat group: ``{"main": "x.csv", "mitra_rep": "x_mitra.csv"}``).
    """
    def _text(df: pd.DataFrame) -> pd.DataFrame:
        out = df.copy()
        out.columns = [str(c).strip() for c in out.columns]
        for j in range(out.shape[1]):
            out.isetitem(j, pd.Series([_cell(v) for v in out.iloc[:, j]], index=out.index, dtype=object))
        return out

    if isinstance(path_or_frames, pd.DataFrame):
        return {"main": _text(path_or_frames)}, "<frame>"
    if isinstance(path_or_frames, Mapping):
        out, name = {}, "<frames>"
        for k, v in path_or_frames.items():
            if isinstance(v, (str, Path)):
                sub, name0 = export_frames(v)
                out[k] = next(iter(sub.values()))
                name = name0 if name == "<frames>" else name
            else:
                out[k] = _text(pd.DataFrame(v))
        return out, name
    path = Path(path_or_frames)
    if not path.is_file():
        raise InputError(f"export not found at {path}", file=path.name)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            sheets = pd.read_excel(path, sheet_name=None, dtype=object)
        elif path.suffix.lower() in (".csv", ".txt"):
            sheets = {"main": _read_csv(path)}
        else:
            raise InputError(f"unsupported export type {path.suffix!r}; export XLSX or CSV from Kobo/ODK",
                             file=path.name)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"is not a readable export ({type(exc).__name__})", file=path.name) from None
    if not sheets:
        raise InputError("has no sheets", file=path.name)
    return {k: _text(v) for k, v in sheets.items()}, path.name


def _cell(v):
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, pd.Timestamp) or hasattr(v, "isoformat") and not isinstance(v, str):
        ts = pd.Timestamp(v)
        return ts.isoformat() if (ts.hour or ts.minute or ts.second) else ts.strftime("%Y-%m-%d")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    s = str(v).strip()
    return s if s != "" else None


def _resolve(header: str, qs: pd.DataFrame, f: _Form) -> tuple[str, str | None, str | None]:
    """(status, question name, choice code) of one export header.

    status: ``question``, ``multi_code`` (0/1 column), ``meta``, ``personal``, ``aux`` (GPS part,
    attachment URL), ``unknown``.
    """
    h = header.strip()
    low = h.lower()
    if low in KOBO_META:
        return "meta", None, None
    last = re.split(r"[/]", low)[-1]
    if low in PERSONAL_META or last in PERSONAL_META:
        return "personal", None, None
    names = set(qs["name"])
    parts = h.split("/")
    groups = f.groups | f.repeats

    def _strip_dash(p: str) -> str | None:
        if p in names:
            return p
        bits = p.split("-")
        for i in range(1, len(bits)):
            if all(b in groups for b in bits[:i]) and "-".join(bits[i:]) in names:
                return "-".join(bits[i:])
        return None

    # question path: the last segment names the question; earlier ones are groups
    q = _strip_dash(parts[-1]) if all(p in groups for p in parts[:-1]) else None
    if q is not None and (len(parts) == 1 or all(p in groups for p in parts[:-1])):
        return "question", q, None
    # select_multiple 0/1 column: .../q/code
    if len(parts) >= 2:
        q2 = _strip_dash(parts[-2])
        if q2 is not None:
            t = qs.loc[qs["name"] == q2, "type"].iat[0]
            if t.startswith("select_multiple"):
                ln = t.split()[1]
                code = parts[-1]
                if code in f.choices.get(ln, []):
                    return "multi_code", q2, code
                lab = f.labels.get(ln, {}).get(_norm(code))
                if lab:
                    return "multi_code", q2, lab
    m = _GPS_SUB.match(parts[-1])
    if m and _strip_dash(m.group(1).split("/")[-1]) is not None:
        return "aux", None, None
    if low.endswith("_url") and _strip_dash(parts[-1][:-4]) is not None:
        return "aux", None, None
    # label headers ("Identitas koperasi/Jumlah anggota")
    lab = f.qlabels.get(_norm(parts[-1]))
    if lab is not None:
        return "question", lab, None
    if len(parts) >= 2 and f.qlabels.get(_norm(parts[-2])) is not None:
        q2 = f.qlabels[_norm(parts[-2])]
        t = qs.loc[qs["name"] == q2, "type"].iat[0]
        if t.startswith("select_multiple"):
            ln = t.split()[1]
            code = f.labels.get(ln, {}).get(_norm(parts[-1])) or (parts[-1] if parts[-1] in f.choices.get(ln, []) else None)
            if code:
                return "multi_code", q2, code
    return "unknown", None, None


class _Reporter:
    def __init__(self, file: str):
        self.file = file
        self.rows: list[dict] = []

    def add(self, sheet, row, column, value, rule, severity="error"):
        self.rows.append({"file": self.file, "sheet": sheet, "row": row, "column": column, "value": value,
                          "rule": rule, "severity": severity})

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=REPORT_COLUMNS)


_SAFE = re.compile(r"[0-9.,:\-+eET ]{1,30}|[a-z0-9_]{1,30}")


def _safe(v) -> str:
    """A cell value fit for a message: numbers, dates and code-like tokens; other text is withheld
    (a select or number cell may hold free text typed by hand, e.g. a name)."""
    s = str(v)
    return s if _SAFE.fullmatch(s) else "<withheld: text>"


def _range_of(column: str):
    sch = RAW_SCHEMAS["survey"]
    if column in sch.columns:
        return (sch.columns[column].metadata or {}).get("range")
    return None


def _constraint_range(expr: str):
    lo = re.search(r"\.\s*>=\s*(-?[0-9.]+)", expr or "")
    hi = re.search(r"\.\s*<=\s*(-?[0-9.]+)", expr or "")
    return (float(lo.group(1)) if lo else None, float(hi.group(1)) if hi else None)


def _parse_values(values: pd.Series, q: dict, f: _Form, rep: _Reporter, sheet: str, rows: pd.Series,
                  header: str) -> pd.Series:
    """Parse one question's cells to codes / numbers / dates; bad cells → NA with a report row."""
    t = q["type"].strip()
    base = t.split()[0]
    out = pd.Series([None] * len(values), index=values.index, dtype=object)
    col = q.get("kaltara_column") or q["name"]
    for i, v in values.items():
        if v is None:
            continue
        r = rows[i]
        if base == "select_one":
            ln = t.split()[1]
            if v in f.choices.get(ln, []):
                out[i] = v
            elif _norm(v) in f.labels.get(ln, {}):
                out[i] = f.labels[ln][_norm(v)]
            else:
                rep.add(sheet, r, header, _safe(v), f"unknown_choice: expected a code of list {ln!r} "
                        f"({', '.join(f.choices.get(ln, [])[:8])}{', …' if len(f.choices.get(ln, [])) > 8 else ''}) "
                        "or its label")
        elif base == "select_multiple":
            ln = t.split()[1]
            codes, lab = f.choices.get(ln, []), f.labels.get(ln, {})
            toks = v.split()
            if all(x in codes for x in toks):
                got = toks
            else:
                pieces = [p for p in re.split(r"\s*[;,]\s*", v) if p]
                got = [lab.get(_norm(p)) or (p if p in codes else None) for p in pieces]
                if any(g is None for g in got):
                    # labels joined by spaces: match labels greedily
                    got, rest = [], _norm(v)
                    for lt, code in sorted(lab.items(), key=lambda kv: -len(kv[0])):
                        if re.search(rf"(^| ){re.escape(lt)}( |$)", rest):
                            got.append(code)
                            rest = re.sub(rf"(^| ){re.escape(lt)}( |$)", " ", rest).strip()
                    if rest:
                        rep.add(sheet, r, header, _safe(v), f"unknown_choice: expected codes of list {ln!r} separated by "
                                f"spaces ({', '.join(codes)})")
                        continue
            out[i] = " ".join(c for c in codes if c in set(got))
        elif base in ("integer", "decimal"):
            x = pd.to_numeric(pd.Series([str(v).replace(",", ".") if str(v).count(",") == 1 and "." not in str(v)
                                         else v]), errors="coerce").iat[0]
            if pd.isna(x):
                rep.add(sheet, r, header, _safe(v), f"not_a_number: expected a{' whole' if base == 'integer' else ''} number")
                continue
            if base == "integer" and not float(x).is_integer():
                rep.add(sheet, r, header, _safe(v), "not_an_integer: expected a whole number")
                continue
            rng = _range_of(col) if q.get("kaltara_rule") == "value" else None
            lo, hi = rng if rng else _constraint_range(q.get("constraint", ""))
            if (lo is not None and x < lo) or (hi is not None and x > hi):
                rep.add(sheet, r, header, _safe(v), f"out_of_range: expected {_fmt_range(lo, hi)}")
                continue
            out[i] = float(x)
        elif base == "date":
            d = pd.to_datetime(str(v)[:10], format="%Y-%m-%d", errors="coerce")
            if pd.isna(d):
                rep.add(sheet, r, header, _safe(v), "bad_date: expected a date YYYY-MM-DD")
                continue
            out[i] = d
        elif base == "text":
            if q["name"] == "legal_number" and not re.match(r"^AHU-[0-9A-Za-z.\- ]+$", v):
                rep.add(sheet, r, header, "<withheld: free text>", "bad_pattern: expected an AHU number 'AHU-…'")
                continue
            out[i] = v
        else:
            out[i] = v
    return out


def _fmt_range(lo, hi) -> str:
    return f"[{'' if lo is None else format(lo, 'g')}, {'' if hi is None else format(hi, 'g')}]"


def _relevant(expr: str, answers: dict) -> bool:
    """Evaluate the simple ``relevant`` expressions of the study's forms (``${x} = 'v'``, ``!=``,
    joined by ``and``/``or``); anything else counts as relevant."""
    if not expr:
        return True
    parts = re.split(r"\s+(and|or)\s+", expr.strip())
    vals, ops = [], []
    for p in parts:
        if p in ("and", "or"):
            ops.append(p)
            continue
        m = re.fullmatch(r"\$\{(\w+)\}\s*(!?=)\s*'([^']*)'", p.strip())
        if not m:
            return True
        v = answers.get(m.group(1))
        v = "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
        vals.append((v == m.group(3)) if m.group(2) == "=" else (v != m.group(3)))
    res = vals[0]
    for op, v in zip(ops, vals[1:]):
        res = (res and v) if op == "and" else (res or v)
    return res


# ------------------------------------------------------------------------------------ main
def _pick_main(sheets: dict[str, pd.DataFrame], f: _Form) -> str:
    for name, df in sheets.items():
        if name not in f.repeats and not {"_parent_index", "parent_key"} & {c.lower() for c in df.columns}:
            return name
    return next(iter(sheets))


def read_kobo_export(path_or_frames, *, form, cooperatives: pd.DataFrame | None = None,
                     today: pd.Timestamp | None = None) -> KoboResult:
    """Read a Kobo/ODK export of ``form`` into the survey contract (see the module docstring).

    Parameters
    ----------
    path_or_frames : path, DataFrame or mapping
        XLSX (main sheet + one sheet per repeat group) or CSV export, or frames.
    form : XLSForm, mapping of sheets, or path
        The XLSForm the data were collected with (its ``kaltara_column``/``kaltara_rule`` columns say
        how answers become contract columns).
    cooperatives : DataFrame, optional
        :func:`kaltara_study.instrument.forms.cooperative_list` frame: fills ``coop_id``/``kode_desa``/
        names from the SIMKOPDES id when the export lacks the looked-up values.

    Raises
    ------
    InputError
        Unreadable export or form; no column identifies the cooperative.
    """
    f = _parse_form(form)
    qs = _with_history(f)
    sheets, file = export_frames(path_or_frames)
    rep = _Reporter(file)
    main_name = _pick_main(sheets, f)
    main = sheets[main_name].reset_index(drop=True)
    n_read = len(main)
    rows = pd.Series(np.arange(n_read) + 2, index=main.index)  # header is row 1
    is_assessment = any(qs["name"] == "assessor_code")

    # ---- columns → questions
    qcols: dict[str, str] = {}       # question → header
    multi: dict[str, dict[str, str]] = {}
    unknown: list[str] = []
    meta_cols: dict[str, str] = {}
    for h in main.columns:
        status, q, code = _resolve(h, qs, f)
        if status == "question":
            if q in qcols:
                rep.add(main_name, 1, h, None, f"second column for question {q!r}: the first ({qcols[q]!r}) is used",
                        "warning")
            else:
                qcols[q] = h
        elif status == "multi_code":
            multi.setdefault(q, {})[code] = h
        elif status == "meta":
            meta_cols[h.lower().lstrip("_")] = h
        elif status == "personal":
            rep.add(main_name, 1, h, None, "personal column dropped: the study never reads it", "warning")
        elif status == "unknown":
            unknown.append(h)
            rep.add(main_name, 1, h, None, "unknown column: not a question of the form (ignored)", "info")
    if "coop" not in qcols:
        raise InputError(f"sheet {main_name!r}: no column for the cooperative question 'coop' (expected a header "
                         "like 'identitas/coop', 'identitas-coop' or 'coop'); found "
                         f"{len(main.columns)} columns", file=file)

    def meta(name):
        h = meta_cols.get(name)
        return main[h] if h else pd.Series([None] * n_read, index=main.index, dtype=object)

    # ---- versions
    ver = pd.Series([None] * n_read, index=main.index, dtype=object)
    if "form_version" in qcols:
        ver = main[qcols["form_version"]].copy()
    for alt in ("version__", "formversion"):  # '__version__' is 'version__' after lstrip
        if alt in meta_cols:
            ver = ver.where(ver.notna(), main[meta_cols[alt]])
    known_old = FORM_HISTORY.get(f.form_id, {})
    old_names = {o for spec in known_old.values() for o in list(spec.get("renames", {})) + list(spec.get("questions", {}))}
    for i in main.index:
        v = ver[i]
        if v is None and any(qcols.get(o) is not None and main.at[i, qcols[o]] is not None for o in old_names):
            ver[i] = next(iter(known_old))  # recognised by its questions
    versions = {str(k): int(n) for k, n in ver.fillna("<none>").value_counts().sort_index().items()}
    for v, n in versions.items():
        if v not in (f.version, "<none>") and v not in known_old:
            rep.add(main_name, None, "form_version", v, f"unknown form version ({n} submission(s)); read with the "
                    f"current form {f.version}", "warning")
        elif v in known_old:
            rep.add(main_name, None, "form_version", v, f"older form version recognised ({n} submission(s))", "info")

    # ---- parse questions (main sheet)
    qrec = {r["name"]: r for r in qs.to_dict("records")}
    parsed: dict[str, pd.Series] = {}
    for q, h in qcols.items():
        if qrec[q].get("repeat"):
            continue
        parsed[q] = _parse_values(main[h], qrec[q], f, rep, main_name, rows, h)
    for q, codes in multi.items():
        ln = qrec[q]["type"].split()[1]
        sel = pd.Series([None] * n_read, index=main.index, dtype=object)
        for i in main.index:
            picks, any_answer = [], False
            for code, h in codes.items():
                v = main.at[i, h]
                if v is None:
                    continue
                s = _norm(v)
                if s in _TRUE01:
                    picks.append(code)
                    any_answer = True
                elif s in _FALSE01:
                    any_answer = True
                else:
                    rep.add(main_name, rows[i], h, _safe(v), "bad_binary: expected 0 or 1")
            if any_answer:
                sel[i] = " ".join(c for c in f.choices.get(ln, []) if c in picks)
        if q in parsed:  # both layouts: the space-separated column wins, gaps filled from the 0/1 columns
            parsed[q] = parsed[q].where(parsed[q].notna(), sel)
        else:
            parsed[q] = sel
    for q, r in qrec.items():  # aliases of older versions fill the current question
        if r.get("_alias_of") and q in parsed:
            new = r["_alias_of"]
            parsed[new] = parsed[q] if new not in parsed else parsed[new].where(parsed[new].notna(), parsed[q])

    # ---- repeat sheets: Kobo joins by _parent_index (= the submission's _index), ODK Central by
    # PARENT_KEY (= the submission's KEY)
    rep_codes: dict[str, pd.Series] = {}
    idx = meta("index")
    by_index = pd.Series(idx.to_numpy(), index=main.index).astype(str) if idx.notna().any() else pd.Series(
        (main.index + 1).astype(str), index=main.index)
    for sname, df in sheets.items():
        if sname == main_name:
            continue
        pcol = next((c for c in df.columns if c.lower() in ("_parent_index", "parent_key")), None)
        if pcol is None or (pcol.lower() == "parent_key" and "key" not in meta_cols):
            rep.add(sname, 1, None, None, "extra sheet without '_parent_index' (or PARENT_KEY): not a repeat group "
                    "of this export; ignored", "warning")
            continue
        parent_of = by_index if pcol.lower() == "_parent_index" else meta("key").astype(str)
        rrows = pd.Series(np.arange(len(df)) + 2, index=df.index)
        for h in df.columns:
            status, q, _ = _resolve(h, qs, f)
            if status != "question" or not qrec[q].get("repeat"):
                if status == "unknown":
                    unknown.append(f"{sname}:{h}")
                    rep.add(sname, 1, h, None, "unknown column: not a question of the form (ignored)", "info")
                continue
            vals = _parse_values(df[h], qrec[q], f, rep, sname, rrows, h)
            by_parent = pd.DataFrame({"p": df[pcol].astype(str), "v": vals})
            ln = qrec[q]["type"].split()[1] if qrec[q]["type"].startswith("select") else None
            order = f.choices.get(ln, []) if ln else []
            agg = by_parent.dropna(subset=["v"]).groupby("p")["v"].agg(
                lambda s: " ".join(c for c in order if c in set(s)) if order else " ".join(map(str, s)))
            rep_codes[q] = parent_of.map(agg)
            orphans = set(by_parent["p"]) - set(parent_of)
            if orphans:
                rep.add(sname, None, pcol, None, f"{len(orphans)} parent(s) of repeat rows not in the main sheet: "
                        "their rows are ignored", "warning")

    # ---- contract columns per submission
    sub = pd.DataFrame(index=main.index)
    answers_df = pd.DataFrame({q: s for q, s in parsed.items()}, index=main.index)
    for q, s in rep_codes.items():
        answers_df[q] = s
    _map_to_contract(sub, answers_df, qrec, f, rep_codes)
    sub["simkopdes_id"] = answers_df.get("coop")
    sub["form_version"] = ver
    sub["submission_uuid"] = meta("uuid").where(meta("uuid").notna(), meta("meta/instanceid")
                                                if "meta/instanceid" in meta_cols else meta("key"))
    if is_assessment:
        for c in ("assessor_code", "assessment_date"):
            sub[c] = answers_df.get(c)
    for d in ("doc_ahu", "doc_nib", "doc_npwp", "doc_bank", "doc_rat"):  # evidence level / rating item
        if d in answers_df:
            sub[d] = answers_df[d]
    sub[ROW] = rows
    _lookup_coops(sub, cooperatives, rep, main_name)

    # ---- completeness
    required = [r for r in qrec.values() if str(r.get("required", "")).lower() in ("yes", "true", "1")
                and not r.get("_alias_of") and not r.get("_version")]
    complete = pd.Series(True, index=main.index)
    for i in main.index:
        v = ver[i]
        absent = set(known_old.get(v, {}).get("absent", ())) if v in known_old else set()
        answers = {k: answers_df.at[i, k] for k in answers_df.columns}
        missing = []
        for r in required:
            if r["name"] in absent or r.get("repeat"):
                continue
            rel = _relevant(r.get("relevant", ""), answers)
            v = answers.get(r["name"])
            if rel and (v is None or (not isinstance(v, str) and pd.isna(v))):
                missing.append(r["name"])
        if missing:
            complete[i] = False
            rep.add(main_name, rows[i], ", ".join(missing[:6]) + (" …" if len(missing) > 6 else ""), None,
                    f"incomplete submission: {len(missing)} required answer(s) missing or rejected", "warning")
    sub["_complete"] = complete
    sub["_submitted"] = pd.to_datetime(meta("submission_time").where(meta("submission_time").notna(),
                                                                     meta("submissiondate")), errors="coerce",
                                       utc=True, format="ISO8601").dt.tz_localize(None)
    sub["_end"] = pd.to_datetime(meta("end"), errors="coerce", utc=True, format="ISO8601").dt.tz_localize(None)
    sub["_order"] = pd.to_numeric(meta("index"), errors="coerce").fillna(pd.Series(np.arange(n_read), index=main.index))
    review = meta("validation_status").where(meta("validation_status").notna(), meta("reviewstate"))
    sub["_review"] = review.map(lambda v: None if v is None else _norm(v))

    frame, rejected, audit = _reconcile(sub, rep, main_name, is_assessment)
    ratings = None
    if is_assessment:
        ratings = frame
        frame, mean_audit = _mean_over_assessors(ratings)
        if len(mean_audit):
            audit = pd.concat([audit, mean_audit], ignore_index=True)
    frame = _typed(frame)
    if ratings is not None:
        ratings = _typed(ratings)
    report = rep.frame()
    return KoboResult(frame=frame, rejected=rejected, report=report, audit=audit, unknown_columns=unknown,
                      n_read=n_read, file=file, form=f.form_id, ratings=ratings, versions=versions)


def _map_to_contract(sub: pd.DataFrame, ans: pd.DataFrame, qrec: dict, f: _Form, rep_codes: dict) -> None:
    gates = []
    for q, r in qrec.items():
        rule, col = r.get("kaltara_rule", ""), r.get("kaltara_column", "")
        if not col or r.get("_alias_of") or rule in ("meta",) or col == "simkopdes_id":
            continue
        if q not in ans.columns:
            continue
        s = ans[q]
        if rule in ("value", "lookup"):
            sub[col] = s if col not in sub else sub[col].where(sub[col].notna(), s)
        elif rule == "yes_no":
            sub[col] = s.map({"yes": True, "no": False})
        elif rule == "doc_present":
            v = s.map({"seen": True, "stated": True, "absent": False})
            sub[col] = v if col not in sub else sub[col].where(sub[col].notna(), v)
        elif rule == "multi_bool":
            ln = r["type"].split()[1]
            for code in f.choices.get(ln, []):
                if code == "none":
                    continue
                sub[col + code] = s.map(lambda v, c=code: None if v is None or (not isinstance(v, str) and pd.isna(v))
                                        else c in v.split())
        elif rule == "join_keys":
            ln = r["type"].split()[1]
            order = f.choices.get(ln, [])
            v = s.map(lambda x: None if x is None or (not isinstance(x, str) and pd.isna(x))
                      else ";".join(c for c in order if c in x.split() and c != "none"))
            sub[col] = v if col not in sub else sub[col].where(sub[col].notna(), v)
        elif rule == "empty_if_no":
            gates.append((q, col))
    for q, col in gates:
        kind = (RAW_SCHEMAS["survey"].columns[col].metadata or {}).get("kind") if col in RAW_SCHEMAS["survey"].columns else "text"
        empty = False if kind == "bool" else ""
        no = ans[q] == "no"
        cur = sub[col] if col in sub else pd.Series([None] * len(sub), index=sub.index, dtype=object)
        sub[col] = cur.where(~(no & cur.isna()), empty)


def _lookup_coops(sub: pd.DataFrame, coops: pd.DataFrame | None, rep: _Reporter, sheet: str) -> None:
    for c in ("coop_id", "kode_desa", "nama_desa", "coop_name", "nama_kabkota"):
        if c not in sub:
            sub[c] = None
    if coops is not None and len(coops):
        lut = coops.assign(simkopdes_id=coops["simkopdes_id"].astype(str)).drop_duplicates("simkopdes_id") \
            .set_index("simkopdes_id")
        for c, src in (("coop_id", "coop_id"), ("kode_desa", "kode_desa"), ("nama_desa", "village"),
                       ("coop_name", "name"), ("nama_kabkota", "kabupaten")):
            if src in lut.columns:
                vals = sub["simkopdes_id"].map(lut[src]).replace("", None)
                sub[c] = sub[c].where(sub[c].notna() & (sub[c] != ""), vals)
        unknown = sub["simkopdes_id"].notna() & ~sub["simkopdes_id"].astype(str).isin(lut.index)
        for i in sub.index[unknown.to_numpy()]:
            rep.add(sheet, sub.at[i, ROW], "coop", sub.at[i, "simkopdes_id"], "cooperative not in the preloaded "
                    "SIMKOPDES list")
    none = sub["coop_id"].isna() | (sub["coop_id"] == "")
    sub.loc[none, "coop_id"] = sub.loc[none, "simkopdes_id"].map(lambda v: None if v is None else f"SIMKOPDES-{v}")
    if none.any():
        rep.add(sheet, None, "coop_id", None, f"{int(none.sum())} submission(s) have no study coop_id: written as "
                "'SIMKOPDES-<id>' (map them through the SIMKOPDES ↔ Kemendagri match)", "warning")


def _reconcile(sub: pd.DataFrame, rep: _Reporter, sheet: str, by_assessor: bool):
    keys = ["simkopdes_id", "assessor_code"] if by_assessor else ["simkopdes_id"]
    audit, keep, rejected = [], [], []
    no_key = sub["simkopdes_id"].isna() | (sub["assessor_code"].isna() if by_assessor else False)
    for i in sub.index[no_key.to_numpy()]:
        rejected.append({ROW: sub.at[i, ROW], "sheet": sheet, "key": None, "uuid": sub.at[i, "submission_uuid"],
                         "reason": "no cooperative" + (" or assessor code" if by_assessor else "")})
        audit.append(_arow(sub, i, None, "rejected_no_key", "the submission names no cooperative"))
    ok = sub[~no_key]
    ok = ok.sort_values(keys + ["_submitted", "_end", "_order"], kind="stable", na_position="first")
    for key, grp in ok.groupby(keys, sort=True):
        cand = grp
        bad = cand["_review"].isin(_REVIEW_BAD)
        for i in cand.index[bad.to_numpy()]:
            audit.append(_arow(sub, i, key, "rejected_by_reviewer", "marked not approved/rejected by a reviewer"))
            rejected.append({ROW: sub.at[i, ROW], "sheet": sheet, "key": str(key), "uuid": sub.at[i, "submission_uuid"],
                             "reason": "rejected_by_reviewer"})
        cand = cand[~bad]
        approved = cand["_review"].isin(_REVIEW_OK)
        basis = "approved " if approved.any() else ""
        if approved.any():
            for i in cand.index[~approved.to_numpy()]:
                audit.append(_arow(sub, i, key, "superseded", "another submission was approved by a reviewer"))
                rejected.append({ROW: sub.at[i, ROW], "sheet": sheet, "key": str(key),
                                 "uuid": sub.at[i, "submission_uuid"], "reason": "superseded_by_approved"})
            cand = cand[approved]
        if not len(cand):
            continue
        comp = cand[cand["_complete"]]
        if len(comp):
            chosen = comp.index[-1]
            audit.append(_arow(sub, chosen, key, "latest_complete", f"latest complete {basis}submission of "
                               f"{len(cand)}"))
        elif len(cand) == 1:
            chosen = cand.index[0]
            audit.append(_arow(sub, chosen, key, "only_incomplete", "the only submission; incomplete answers are NA"))
        else:
            chosen = None
            for i in cand.index:
                audit.append(_arow(sub, i, key, "needs_review", f"{len(cand)} submissions, none complete: approve one "
                                   "in Kobo (validation status) or delete the others"))
                rejected.append({ROW: sub.at[i, ROW], "sheet": sheet, "key": str(key),
                                 "uuid": sub.at[i, "submission_uuid"], "reason": "needs_review"})
            rep.add(sheet, ", ".join(str(sub.at[i, ROW]) for i in cand.index), "coop", str(key),
                    f"{len(cand)} submissions for one cooperative, none complete: flagged for review, none used")
        if chosen is not None:
            keep.append(chosen)
            for i in cand.index:
                if i != chosen:
                    audit.append(_arow(sub, i, key, "superseded", f"a later or complete submission (row "
                                       f"{sub.at[chosen, ROW]}) was used"))
                    rejected.append({ROW: sub.at[i, ROW], "sheet": sheet, "key": str(key),
                                     "uuid": sub.at[i, "submission_uuid"], "reason": "superseded"})
    frame = sub.loc[keep].drop(columns=["_complete", "_submitted", "_end", "_order", "_review"])
    frame = frame.sort_values(["coop_id"] + (["assessor_code"] if by_assessor else []), kind="stable")
    audit_df = pd.DataFrame(audit, columns=AUDIT_COLUMNS).sort_values(["row"], kind="stable").reset_index(drop=True)
    rej = pd.DataFrame(rejected, columns=[ROW, "sheet", "key", "uuid", "reason"]).sort_values(ROW, kind="stable")
    return frame.reset_index(drop=True), rej.reset_index(drop=True), audit_df


def _arow(sub, i, key, decision, reason) -> dict:
    return {"key": None if key is None else (key[0] if isinstance(key, tuple) else key),
            "assessor_code": (key[1] if isinstance(key, tuple) and len(key) > 1 else None),
            "uuid": sub.at[i, "submission_uuid"], "row": sub.at[i, ROW],
            "submitted": sub.at[i, "_submitted"], "version": sub.at[i, "form_version"],
            "complete": bool(sub.at[i, "_complete"]), "decision": decision, "reason": reason}


_HEALTH = ("health_governance", "health_risk", "health_financial", "health_capital")


def _mean_over_assessors(ratings: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per cooperative: the mean of its supervisors' aspect scores (+ the audit of each mean)."""
    if not len(ratings):
        return (ratings.drop(columns=[c for c in ("assessor_code",) if c in ratings.columns]),
                pd.DataFrame(columns=AUDIT_COLUMNS))
    cols = [c for c in _HEALTH if c in ratings.columns]
    num = ratings.assign(**{c: pd.to_numeric(ratings[c], errors="coerce") for c in cols})
    first = num.groupby("coop_id", sort=True).first()
    means = num.groupby("coop_id", sort=True)[cols].mean()
    k = num.groupby("coop_id", sort=True).size()
    out = first.drop(columns=[c for c in cols + ["assessor_code"] if c in first.columns]).join(means)
    out["n_assessors"] = k
    audit = pd.DataFrame([{"key": first.at[c, "simkopdes_id"], "assessor_code": None, "uuid": None,
                           "row": None, "submitted": None, "version": None, "complete": None,
                           "decision": f"mean_of_{int(n)}_assessors",
                           "reason": f"aspect scores averaged over {int(n)} supervisors"}
                          for c, n in k.items() if n > 1], columns=AUDIT_COLUMNS)
    return out.reset_index(), audit


_KIND_DTYPE = {"int": "Int64", "float": "float64", "money": "float64", "bool": "boolean", "date": "datetime64[ns]"}


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    sch = RAW_SCHEMAS["survey"].columns
    for c in out.columns:
        kind = (sch[c].metadata or {}).get("kind") if c in sch else None
        if c == ROW:
            out[c] = out[c].astype(int)
        elif kind in ("int",):
            out[c] = pd.array([pd.NA if v is None or pd.isna(v) else int(v) for v in out[c]], dtype="Int64")
        elif kind in ("float", "money"):
            out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
        elif kind == "bool":
            out[c] = pd.array([pd.NA if v is None or (not isinstance(v, bool) and pd.isna(v)) else bool(v)
                               for v in out[c]], dtype="boolean")
        elif kind == "date" or c == "assessment_date":
            out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
        elif c in ("assessor_code", "n_assessors"):
            out[c] = pd.array([pd.NA if v is None or pd.isna(v) else int(v) for v in out[c]], dtype="Int64")
        else:
            out[c] = pd.array([None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
                               for v in out[c]], dtype="string")
    return out


def combine_forms(survey: KoboResult, assessment: KoboResult | None) -> pd.DataFrame:
    """The survey frame with the assessment's (mean) health-aspect scores joined by ``coop_id``.

    Aspect scores already in the survey frame are kept where the assessment has none.
    """
    out = survey.frame.copy()
    if assessment is None or not len(assessment.frame):
        return out
    a = assessment.frame.set_index("coop_id")
    for c in _HEALTH:
        if c in a.columns:
            vals = out["coop_id"].map(a[c])
            out[c] = vals.where(vals.notna(), out[c]) if c in out.columns else vals
    return out


# ------------------------------------------------------------------------------------ folder
#: The XLSForm files ``kaltara-study instrument`` writes (same names as
#: ``kaltara_study.report.instrument.INSTRUMENT_FILES``).
FORM_FILES = {"survey": "kdmp_survey_xlsform.xlsx", "assessment": "kdmp_assessment_xlsform.xlsx"}
_FORM_OF_EXPORT = {"survey": "kdmp_survey", "assessment": "kdmp_assessment"}


def find_exports(folder: Path | str) -> dict[str, list[Path]]:
    """Kobo/ODK exports in ``folder`` per form, newest name last: files whose name contains the form id
    (``kdmp_survey…``, ``kdmp_assessment…``; Kobo names exports after the form title/id and the time)
    and that are not the XLSForms or the entry template themselves.

    >>> find_exports("/nonexistent")
    {'survey': [], 'assessment': []}
    """
    folder = Path(folder)
    out: dict[str, list[Path]] = {"survey": [], "assessment": []}
    if not folder.is_dir():
        return out
    skip = set(FORM_FILES.values()) | {"kdmp_entry_template.xlsx", "kdmp_cooperatives.csv"}
    for p in sorted(folder.iterdir()):
        if not p.is_file() or p.name in skip or p.name.startswith(("~$", ".")) or \
                p.suffix.lower() not in (".xlsx", ".csv"):
            continue
        low = p.name.lower()
        for key, fid in _FORM_OF_EXPORT.items():
            if fid in low or (key == "assessment" and ("penilaian" in low)) or (key == "survey" and "survei_kdmp" in low):
                out[key].append(p)
    return out


def read_kobo_folder(folder: Path | str, *, forms: Mapping | None = None,
                     cooperatives: pd.DataFrame | None = None) -> KoboResult | None:
    """Read the newest survey export and the newest assessment export in ``folder`` and combine them
    (:func:`combine_forms`) into one survey-contract result, or ``None`` when the folder has no export.

    Kobo exports hold every submission, so only the newest file per form is read (by name, which
    carries Kobo's export time); older ones are listed in the report (``info``). ``forms`` maps
    ``survey``/``assessment`` to an XLSForm (object, sheets or path); by default the XLSForm files
    written by ``kaltara-study instrument`` into the same folder (:data:`FORM_FILES`).

    The result behaves like a :class:`kaltara_study.data.sources.LoadResult` of kind ``survey``
    (``frame, rejected, report, n_read, file, kind``; ``n_read == len(frame) + len(rejected)``).
    """
    folder = Path(folder)
    found = find_exports(folder)
    if not found["survey"] and not found["assessment"]:
        return None
    forms = dict(forms or {})
    results = {}
    for key in ("survey", "assessment"):
        if not found[key]:
            continue
        form = forms.get(key) or folder / FORM_FILES[key]
        if isinstance(form, (str, Path)) and not Path(form).is_file():
            raise InputError(f"an export of the {key} form is here but not its XLSForm {FORM_FILES[key]}: run "
                             f"`kaltara-study instrument --output {folder.name}` or copy the form used in the field",
                             file=found[key][-1].name)
        results[key] = read_kobo_export(found[key][-1], form=form, cooperatives=cooperatives)
        for old in found[key][:-1]:
            results[key].report.loc[len(results[key].report)] = {
                "file": old.name, "sheet": None, "row": None, "column": None, "value": None,
                "rule": f"older {key} export ignored: {found[key][-1].name} is newer (Kobo exports hold every "
                        "submission)", "severity": "info"}
    survey, assess = results.get("survey"), results.get("assessment")
    if survey is None:  # assessment only: its per-cooperative means are the survey rows
        base = assess
        frame = assess.frame.copy()
        rejected = assess.rejected
        # records = cooperatives (the supervisors' ratings of one cooperative are averaged into one
        # row, audited as mean_of_k_assessors), so that kept + rejected = records like a LoadResult
        n_read = len(frame) + len(rejected)
    else:
        base = survey
        frame = combine_forms(survey, assess)
        rejected = survey.rejected
        n_read = survey.n_read
    parts = [r.report for r in results.values()]
    audits = [r.audit.assign(form=r.form) for r in results.values()]
    return KoboResult(frame=frame, rejected=rejected, report=pd.concat(parts, ignore_index=True),
                      audit=pd.concat(audits, ignore_index=True),
                      unknown_columns=[c for r in results.values() for c in r.unknown_columns], n_read=n_read,
                      file=" + ".join(r.file for r in results.values()), form=base.form,
                      ratings=assess.ratings if assess is not None else None,
                      versions={k: v for r in results.values() for k, v in r.versions.items()})


# ------------------------------------------------------------------------------------ simulation / writing
def submissions_from_contract(frame: pd.DataFrame, form, *, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Kobo-style submissions (XML values, group paths ``grp/q``) of contract rows, following the form's
    logic (gates, relevant skips, the document checklist). For the round-trip test and demos.

    ``frame`` needs ``simkopdes_id`` plus the contract columns the form fills (partners as ';'-joined
    keys); for the assessment form also ``assessor_code`` and ``assessment_date``. Returns
    ``{"main": …, <repeat>: …}`` with ``_index``/``_parent_index`` and Kobo meta columns.
    """
    f = _parse_form(form)
    rng = np.random.default_rng(seed)
    qs = f.survey.to_dict("records")
    main_rows, rep_rows = [], {r: [] for r in f.repeats}
    for n, (_, row) in enumerate(frame.iterrows(), start=1):
        rec = {}
        get = row.get

        def na(v):
            return v is None or (not isinstance(v, (list, str)) and pd.isna(v))

        for q in qs:
            name, t, col, rule = q["name"], q["type"], q.get("kaltara_column", ""), q.get("kaltara_rule", "")
            if q.get("repeat") or t == "calculate" and name != "form_version":
                continue
            val = None
            if name == "coop":
                val = str(get("simkopdes_id"))
            elif name == "form_version":
                val = f.version
            elif name in ("kabupaten", "kecamatan"):
                val = None  # filled below from the choice list
            elif rule == "value":
                v = get(col)
                if not na(v):
                    val = v.strftime("%Y-%m-%d") if isinstance(v, pd.Timestamp) else (
                        str(int(v)) if isinstance(v, (int, np.integer)) or (isinstance(v, float) and v.is_integer()
                                                                           and t == "integer") else str(v))
            elif rule == "yes_no":
                v = get(col)
                val = None if na(v) else ("yes" if bool(v) else "no")
            elif rule == "doc_present":
                v = get(col)
                val = None if na(v) else (("seen" if rng.random() < 0.7 else "stated") if bool(v) else "absent")
            elif rule == "multi_bool":
                ln = t.split()[1]
                vals = [get(col + c) for c in f.choices[ln] if c != "none"]
                if not any(na(v) for v in vals):
                    picks = [c for c in f.choices[ln] if c != "none" and bool(get(col + c))]
                    val = " ".join(picks) if picks else "none"
            elif name == "fin_available":
                val = "yes" if any(not na(get(c)) for c in ("own_capital_rp", "assets_rp", "liabilities_rp",
                                                             "turnover_rp", "shu_rp")) else "no"
            elif name == "rat_ever":
                val = "yes" if (not na(get("last_rat_date")) or get("rat_held_12m") is True) else (
                    None if na(get("rat_held_12m")) else "no")
            elif name == "has_partners":
                v = get("partners_existing")
                val = None if na(v) else ("yes" if v else "no")
            elif name == "assessable":
                val = "yes" if any(not na(get(c)) for c in _HEALTH) else "no"
            elif rule == "meta" and (t in ("integer", "date", "decimal") or t.startswith("select_one doc_status")):
                # assessor code, assessment date, the supervisor's document ratings: columns of the same name
                v = get(name)
                if not na(v):
                    val = v.strftime("%Y-%m-%d") if isinstance(v, pd.Timestamp) else (
                        str(int(v)) if t == "integer" else str(v))
            if val is not None and not _relevant(q.get("relevant", ""), rec):
                val = None
            rec[name] = val
        # place of the cooperative
        rec["kabupaten"], rec["kecamatan"] = _place_of(f, form, rec.get("coop"))
        out = {"/".join(q["path"].split("/")): rec.get(q["name"]) for q in qs
               if not q.get("repeat") and (q["type"] != "calculate" or q["name"] == "form_version")}
        for q in qs:  # looked-up calculates as Kobo exports them
            if q["type"] == "calculate" and q["name"] != "form_version":
                out[q["path"]] = None if na(get(q.get("kaltara_column") or q["name"])) else str(
                    get(q.get("kaltara_column") or q["name"]))
        uuid = f"uuid-{seed:04d}-{n:05d}"
        out.update({"_id": str(1000 + n), "_uuid": uuid, "_submission_time": str(get("_submission_time") or
                    f"2025-10-{1 + n % 28:02d}T08:00:00"), "_validation_status": get("_validation_status"),
                    "_index": str(n), "__version__": "vK" + f.version})
        main_rows.append(out)
        for rp in f.repeats:
            if rec.get("has_partners") == "yes" and not na(get("partners_existing")):
                for j, key in enumerate(str(get("partners_existing")).split(";")):
                    if key:
                        rep_rows[rp].append({f"{_group_path(f, rp)}/partner_key": key,
                                             f"{_group_path(f, rp)}/partner_since": str(2020 + (n + j) % 5),
                                             "_index": str(len(rep_rows[rp]) + 1), "_parent_index": str(n),
                                             "_parent_table_name": f.form_id, "_submission__uuid": uuid})
    res = {"main": pd.DataFrame(main_rows)}
    for rp, rr in rep_rows.items():
        res[rp] = pd.DataFrame(rr, columns=[f"{_group_path(f, rp)}/partner_key", f"{_group_path(f, rp)}/partner_since",
                                            "_index", "_parent_index", "_parent_table_name", "_submission__uuid"])
    return res


def _group_path(f: _Form, repeat: str) -> str:
    p = f.survey.loc[f.survey["repeat"] == repeat, "path"]
    return p.iat[0].rsplit("/", 1)[0] if len(p) else repeat


def _place_of(f: _Form, form, coop) -> tuple[str | None, str | None]:
    ch = _form_sheets(form)["choices"]
    hit = ch[(ch["list_name"] == "coop") & (ch["name"] == str(coop))]
    if not len(hit):
        return None, None
    return hit["kab"].iat[0] or None, hit["kec"].iat[0] or None


def write_kobo_export(frames: Mapping[str, pd.DataFrame], path: Path | str, *, form_title: str = "kdmp") -> Path:
    """Write submission frames like a Kobo XLSX export (main sheet first, one sheet per repeat) or,
    for a ``.csv`` path, the main sheet as Kobo's ';'-separated CSV."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        next(iter(frames.values())).to_csv(path, sep=";", index=False, lineterminator="\n")
        return path
    with pd.ExcelWriter(path, engine="openpyxl") as w:
        for i, (name, df) in enumerate(frames.items()):
            df.to_excel(w, sheet_name=(form_title[:31] if i == 0 else name[:31]), index=False)
    return path
