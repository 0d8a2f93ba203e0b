"""The bad-input corpus: every file parses as documented in EXPECTED.toml or raises the documented
error (InputError/DataError, never a bare traceback), and no row is lost."""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaltara_study.errors import DataError, InputError
from kaltara_study.data.clean import clean_source
from kaltara_study.data.parse import parser_options
from kaltara_study.data.processed import _to_parquet
from kaltara_study.data.read import read_table
from kaltara_study.data.sources import KIND_PARSERS, _kind_of, load_source
from kaltara_study.data.regions import match_names, missing_from_list, unknown_codes
from kaltara_study.data.schema import COLUMN_ALIASES, KEYS, RAW_SCHEMAS
from kaltara_study.data.validate import check_region_consistency
from kaltara_study.data.write import write_table

BAD = Path(__file__).parent / "data" / "bad"
MANIFEST = tomllib.loads((BAD / "EXPECTED.toml").read_text(encoding="utf-8"))
CASES = MANIFEST["case"]
REGIONS = pd.DataFrame({"kode": ["65.01.01.2001", "65.01.01.2002", "65.03.13.2001", "65.71.01.1001"],
                        "nama_kecamatan": ["Tanjung Palas", "Tanjung Palas", "Sebatik", "Tarakan Barat"],
                        "nama_kabkota": ["Kabupaten Bulungan", "Kabupaten Bulungan", "Kabupaten Nunukan",
                                         "Kota Tarakan"]})
KAB_REF = pd.DataFrame({"kode": ["65.01", "65.02", "65.03", "65.04", "65.71"],
                        "nama": ["Kabupaten Bulungan", "Kabupaten Malinau", "Kabupaten Nunukan",
                                 "Kabupaten Tana Tidung", "Kota Tarakan"]})


def _subset(kind: str, required: list[str], optional: list[str]) -> pa.DataFrameSchema:
    """A compact contract from the real schema's column definitions (same kinds, checks, aliases)."""
    src = RAW_SCHEMAS[kind]
    cols = {c: src.columns[c].set_name(c) for c in required + optional}
    cols = {c: (col if c in required else _optional(col)) for c, col in cols.items()}
    return pa.DataFrameSchema(cols, name=f"corpus_{kind}", coerce=True, unique=src.unique)


def _optional(col: pa.Column) -> pa.Column:
    out = col.set_name(col.name)
    out.required = False
    return out


SCHEMAS = {
    **RAW_SCHEMAS,
    "coop": _subset("survey", ["coop_id", "kode_desa", "members"],
                    ["nama_kabkota", "own_capital_rp", "assets_rp", "has_npwp", "unit_sembako", "last_rat_date",
                     "premises", "partners_existing", "chair_name", "chair_nik", "chair_phone", "catatan"]),
    "simk": _subset("simkopdes_village_stats", ["village_id", "district", "subdistrict", "village", "cooperatives"],
                    ["npwp_count", "nib_count", "rat_count", "savings_total_amount"]),
}
ALIASES = {**COLUMN_ALIASES, "coop": COLUMN_ALIASES["survey"], "simk": COLUMN_ALIASES["simkopdes_village_stats"]}
KEYS_ = {**KEYS, "coop": ["coop_id"], "simk": ["village_id"]}


def load(c: dict):
    return load_source(BAD / c["file"], c["kind"], sheet=c.get("sheet"), schemas=SCHEMAS, aliases=ALIASES, keys=KEYS_)


def test_corpus_is_big_enough_and_complete():
    files = {p.name for p in BAD.iterdir() if p.is_file() and p.name not in {"EXPECTED.toml", "make_corpus.py"}}
    listed = {c["file"] for c in CASES}
    assert len(listed) >= 80
    assert files == listed, f"unlisted: {files - listed}; missing: {listed - files}"


def _same(got, want) -> bool:
    if want == "<NA>":
        return bool(pd.isna(got))
    if pd.isna(got):
        return False
    if isinstance(got, pd.Timestamp):
        return got.strftime("%Y-%m-%d") == want
    if isinstance(want, float):
        return abs(float(got) - want) <= 1e-9 * max(1.0, abs(want))
    if isinstance(want, bool):
        return bool(got) is want
    if isinstance(want, int):
        return int(got) == want
    return str(got) == want


def _written_text(tmp_path: Path, frames: dict[str, pd.DataFrame]) -> str:
    """What the writers put on disk for these tables (CSV and parquet bytes), as text."""
    out = []
    for name, df in frames.items():
        if df is None:
            continue
        csv = write_table(df, tmp_path / f"{name}.csv")
        out.append(csv.read_text(encoding="utf-8"))
        pq = tmp_path / f"{name}.parquet"
        _to_parquet(df.astype({c: str for c in df.columns if df[c].dtype == object}), pq)
        out.append(pq.read_bytes().decode("latin-1"))
    return "\n".join(out)


def _via_parse(c: dict) -> None:
    """Parse the raw columns with the parsers the source's wiring calls, with ``parser_options``."""
    raw = read_table(BAD / c["file"], sheet=c.get("sheet"))
    schema, aliases = SCHEMAS[c["kind"]], ALIASES.get(c["kind"], {})
    text = raw.frame.rename(columns={k: v for k, v in aliases.items() if k in raw.frame.columns})
    assert len(text) == c["rows"]
    rules = set()
    for col, want in c["values"].items():
        kind = _kind_of(schema.columns[col])
        res = KIND_PARSERS[kind](text[col], column=col, file=c["file"], **parser_options(c["source"], kind))
        got = res.values.tolist()
        assert all(_same(g, w) for g, w in zip(got, want)), (col, got, want)
        rules |= set(res.errors["rule"].str.split(":").str[0])
        assert res.ok
    for rule in c.get("rules", []):
        assert rule in rules, (rule, rules)


@pytest.mark.parametrize("c", CASES, ids=[c["file"] for c in CASES])
def test_corpus_case(c, tmp_path):
    if c["expect"] in ("InputError", "DataError"):
        err = {"InputError": InputError, "DataError": DataError}[c["expect"]]
        with pytest.raises(err) as ei:
            load(c)
        msg = str(ei.value)
        for word in c["message"]:
            assert word in msg, f"{word!r} not in {msg!r}"
        for word in c.get("not_in_message", []):
            assert word not in msg, f"{word!r} in {msg!r}"
        return
    if c.get("via") == "parse":
        _via_parse(c)
        return

    try:
        res = load(c)
    except (InputError, DataError) as exc:  # pragma: no cover - shown as a clear failure
        pytest.fail(f"{c['file']} was expected to parse but raised {type(exc).__name__}: {exc}")

    # no lost row: every record read is kept or rejected, with a reason
    assert res.n_records == len(res.frame) + len(res.rejected)
    if c["kind"] != "idm_wide":
        assert res.n_read == res.n_records
    assert len(res.frame) == c["rows"], res.report.to_string()
    assert len(res.rejected) == c["rejected"], res.rejected.to_string()
    assert res.rejected["reason"].str.len().gt(0).all()
    for word in c.get("reason", []):
        assert res.rejected["reason"].str.contains(word, regex=False).all(), res.rejected["reason"].tolist()

    # every report line names file, column and rule; rows named unless the problem is a whole column
    rep = res.report
    assert (rep["file"] == c["file"]).all()
    assert rep["column"].notna().all() and rep["rule"].str.len().gt(0).all()
    assert rep.loc[rep["severity"] != "info", "row"].notna().all()
    rule_names = set(rep["rule"].str.split(":").str[0])
    for rule in c.get("rules", []):
        assert any(rule in r for r in rule_names), f"{rule!r} not in {rule_names}"
    if not c.get("rules") and not c.get("rejected"):
        assert (rep["severity"] != "error").all(), rep.to_string()

    frame = res.frame.sort_values("_row", kind="stable").reset_index(drop=True)
    for col, want in c.get("values", {}).items():
        got = frame[col].tolist()
        assert len(got) == len(want), (col, got, want)
        assert all(_same(g, w) for g, w in zip(got, want)), (col, got, want)

    if "kab_codes" in c:
        m = match_names(frame["nama_kabkota"], KAB_REF, level="kabkota")
        assert all(_same(g, w) for g, w in zip(m["code"].tolist(), c["kab_codes"])), m.to_string()
    if "region_rows" in c:
        rep = check_region_consistency(frame, REGIONS, file=c["file"], kec_name=None)
        assert rep["row"].tolist() == c["region_rows"], rep.to_string()
        assert rep["rule"].str.contains("not moved").all()
    cleaned = None
    if "clean_kind" in c:
        cleaned = clean_source(res.frame, c["clean_kind"], file=res.file, n_read=res.n_records,
                               rejected_at_load=res.rejected)
        audit_rules = set(cleaned.audit["rule"])
        for rule in c.get("audit_rules", []):
            assert rule in audit_rules, cleaned.audit.to_string()
        cf = cleaned.frame.sort_values("_row", kind="stable").reset_index(drop=True)
        for col, want in c.get("clean_values", {}).items():
            got = cf[col].tolist()
            assert len(got) == len(want) and all(_same(g, w) for g, w in zip(got, want)), (col, got, want)
    if "no_pii" in c:
        written = _written_text(tmp_path, {
            "report": res.report, "rejected": res.rejected,
            "audit": None if cleaned is None else cleaned.audit,
            "clean_rejected": None if cleaned is None else cleaned.rejected,
            "table": None if cleaned is None else cleaned.frame})
        for planted in c["no_pii"]:
            assert planted not in written, f"{planted!r} written"
    if "unknown_codes" in c:
        unknown = unknown_codes(frame, column="kode_desa", reference=pd.Series(MANIFEST["known_codes"]),
                                file=c["file"])
        assert len(unknown) == c["unknown_codes"]
        assert unknown["row"].isin(frame["_row"]).all() and unknown["rule"].str.contains("Kemendagri").all()
    if "missing_villages" in c:
        ref = c["referred"]
        gaps = missing_from_list(frame, {ref["file"]: pd.Series(ref["codes"])}, list_file=c["file"],
                                 current="data/raw/kaltara/current.csv")
        assert len(gaps) == 1 and gaps.at[0, "file"] == c["file"] and gaps.at[0, "severity"] == "error"
        assert gaps.at[0, "value"].split("; ") == c["missing_villages"]
        rule = gaps.at[0, "rule"]
        for word in [c["file"], ref["file"], f"{len(c['missing_villages'])} village code", "data/raw/kaltara/current.csv",
                     *c["missing_villages"]]:
            assert word in rule, (word, rule)


@pytest.mark.parametrize("c", [c for c in CASES if c["expect"] == "parses"], ids=lambda c: c["file"])
def test_corpus_raw_files_unchanged_and_inputs_not_mutated(c):
    path = BAD / c["file"]
    before = path.read_bytes()
    raw = read_table(path, sheet=c.get("sheet"))
    copy = raw.frame.copy()
    load(c)
    assert path.read_bytes() == before
    pd.testing.assert_frame_equal(raw.frame, copy)


def test_corpus_regenerates_identically(tmp_path):
    spec = importlib.util.spec_from_file_location("make_corpus", BAD / "make_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    written = mod.write_corpus(tmp_path)
    assert {p.name for p in written} == {c["file"] for c in CASES} | {"EXPECTED.toml"}
    for p in written:
        assert p.read_bytes() == (BAD / p.name).read_bytes(), p.name


CELLS = ["KOP-1", "6501012001", "65.01.01.2001", "6501", "1.250", "-5", "Rp 1,2 juta", "3 M", "#DIV/0!", "#N/A", "",
         "-", "Ya", "tidak ada", "mungkin", "12 Agustus 2025", "31-02-2025", "45881", "Milik Sendiri", "gubuk", '"',
         "a;b", "x,y", "Désa", "\t", "NIK 6501xxxx", "0.564", "1,250,000.50"]
HEADS = ["ID Koperasi", "Kode Desa", "Jumlah Anggota", "Modal Sendiri (Rp)", "NPWP", "Tanggal RAT Terakhir",
         "Status Tempat Usaha", "Lain-lain", ""]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(HEADS), min_size=1, max_size=7),
       st.lists(st.lists(st.sampled_from(CELLS), min_size=0, max_size=8), min_size=0, max_size=8),
       st.sampled_from([",", ";", "\t"]), st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
       st.integers(0, 2))
def test_any_messy_table_loads_or_fails_cleanly(tmp_path, head, body, sep, encoding, titles):
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    for _ in range(titles):
        w.writerow(["LAPORAN"])
    w.writerow(head)
    w.writerows(body)
    path = tmp_path / "messy.csv"
    path.write_bytes(buf.getvalue().encode(encoding))
    try:
        res = load_source(path, "coop", schemas=SCHEMAS, aliases=ALIASES, keys=KEYS_)
    except (InputError, DataError) as exc:
        assert str(exc).startswith("messy.csv") or "messy.csv" in str(exc)
        return
    assert res.n_records == len(res.frame) + len(res.rejected)
    assert res.report["file"].eq("messy.csv").all()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300), st.sampled_from([".csv", ".xlsx", ".txt"]))
def test_random_bytes_never_give_a_bare_traceback(tmp_path, data, suffix):
    path = tmp_path / f"junk{suffix}"
    path.write_bytes(data)
    try:
        res = load_source(path, "coop", schemas=SCHEMAS, aliases=ALIASES, keys=KEYS_)
    except (InputError, DataError):
        return
    assert res.n_records == len(res.frame) + len(res.rejected)
