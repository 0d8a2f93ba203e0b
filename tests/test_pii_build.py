"""A build on a researcher's survey full of personal data: the notebooks executed, rendered and
indexed, with the manifest complete and the raw data untouched — and no planted identifier in any
output (processed tables, audit, validation, caches, executed notebooks, HTML pages, the report, the
workbook, tables, figures' PDF text, manifest).

One build serves all these checks because a build is the expensive part. By default it runs the
notebooks that show rows or raw values — 00 (files and coverage), 01 (validation), 02 (cleaning and
audit), 06 (readiness per cooperative, verification list) and 08 (report, named lists, workbook) —
which keeps ``make test`` within its time; the notebooks left out (03, 04, 05, 07) show aggregates,
models and maps. ``KALTARA_TEST_FULL_BUILD=1`` runs all nine (about two minutes on two cores)."""

from __future__ import annotations

import json
import os
import re
import zipfile
import zlib
from pathlib import Path

import pytest

from kaltara_study import stages
from kaltara_study.data import synth
from kaltara_study.data.synth_write import write_csv
from kaltara_study.data.write import sha256_file
from kaltara_study.report import build
from kaltara_study.study import load_study

from conftest import analysis, make_tiny_root

NIK = "6501234567890123"
PHONE = "0812-3456-7890"
PHONE_INTL = "+62 813 9876 5432"
EMAIL = "siti.aminah@contoh.co.id"
NAME = "Sutrisno Wibowo"
#: the notebooks that show rows or raw values (all of them with KALTARA_TEST_FULL_BUILD=1)
ONLY = None if os.environ.get("KALTARA_TEST_FULL_BUILD") == "1" else ["00", "01", "02", "06", "08"]
SECRETS = (NIK, PHONE, "081234567890", PHONE_INTL, "6281398765432", EMAIL, NAME, "Sutrisno")


def _plant_survey(tiny: Path) -> None:
    """Six survey rows for real villages, with identifiers typed where they do not belong."""
    table = analysis("kaltara").table  # the tiny root's raw data are the session copy's
    single = table.groupby("kode_desa").filter(lambda g: len(g) == 1)["kode_desa"].iloc[:6].tolist()
    rows = synth.generate(synth.DEFAULT_SEED)["survey"].drop_duplicates("ID Koperasi").head(6).copy()
    rows["ID Koperasi"] = [f"SURVEI-{i}" for i in range(6)]
    rows["Kode Desa"] = single
    cols = list(rows.columns)
    partners = next(c for c in cols if c.startswith("Mitra"))
    members = next(c for c in cols if c.startswith("Jumlah Anggota"))
    rows.loc[rows.index[0], partners] = f"Pertamina; kontak Pak {NAME} {PHONE}"
    rows.loc[rows.index[1], partners] = f"Bulog, email {EMAIL}, NIK {NIK}"
    rows.loc[rows.index[2], members] = PHONE_INTL
    rows.loc[rows.index[3], partners] = f"BRI; NIK ketua {NIK}"
    rows.loc[rows.index[5], "Kode Desa"] = NIK  # a NIK typed into the village-code column
    rows.loc[rows.index[4], members] = "081234567890"
    write_csv(rows, tiny / "data" / "raw" / "kaltara" / "survey" / "hasil survei tahap 1.csv")


def _texts(path: Path) -> list[bytes]:
    """The bytes a reader (or a program) can get out of one output file."""
    data = path.read_bytes()
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return [z.read(n) for n in z.namelist()]
    if path.suffix == ".pdf":
        out = [data]
        for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
            try:
                out.append(zlib.decompress(m.group(1)))
            except zlib.error:
                out.append(m.group(1))
        return out
    return [data]


@pytest.fixture(scope="module")
def planted_build(tmp_path_factory, root):
    tmp = tmp_path_factory.mktemp("pii_build")
    tiny = make_tiny_root(root, tmp / "tiny")
    _plant_survey(tiny)
    raw_before = {p: sha256_file(p) for p in sorted((tiny / "data" / "raw").rglob("*")) if p.is_file()}
    study = load_study("kaltara", root=tiny, output_dir=str(tmp / "rep"))
    res = build.build(study, only=ONLY, log=lambda *a, **k: None, jobs=2)
    raw_after = {p: sha256_file(p) for p in sorted((tiny / "data" / "raw").rglob("*")) if p.is_file()}
    return study, res, raw_before, raw_after


def test_planted_identifiers_reach_no_output_of_a_full_build(planted_build):
    study, res, _, _ = planted_build
    written = [p for folder in (study.processed_dir, study.cache_dir, study.out)
               for p in sorted(folder.rglob("*")) if p.is_file()]
    kinds = {p.suffix for p in written}
    assert {".parquet", ".joblib", ".ipynb", ".html", ".xlsx", ".csv", ".pdf", ".png", ".json"} <= kinds, kinds
    assert len(res.notebooks) == len(build.discover_notebooks(study.paths.notebooks, ONLY)) >= 5
    hits = sorted({(p.relative_to(study.root.parent).as_posix(), s) for p in written for blob in _texts(p)
                   for s in SECRETS if s.encode() in blob})
    assert not hits, f"personal data in outputs: {hits}"
    # the planted rows were read (so the scan is not vacuous): the survey joined where it could
    data = stages.analysis_data(study)
    used = data.discovery[data.discovery["file"].astype(str).str.contains("hasil survei")]
    assert used["used"].all() and (used["kind"] == "survey").all(), used.to_dict("records")
    assert data.table["members"].notna().sum() >= 2, "the survey rows without planted numbers joined"
    # the row with a NIK for a village code is rejected with a reason that does not echo it
    bad = data.validation[(data.validation["kind"] == "survey") & (data.validation["column"] == "kode_desa")]
    assert len(bad) and not bad.astype(str).apply(lambda c: c.str.contains(NIK)).any().any()


def test_full_build_leaves_raw_untouched_and_writes_manifest_and_index(planted_build):
    study, res, raw_before, raw_after = planted_build
    assert raw_before == raw_after, "the build wrote to data/raw"
    root = study.root
    manifest = json.loads(res.manifest.read_text())
    assert manifest["parameters"]["source"] == "kaltara" and manifest["data_status"] == "REAL"
    assert manifest["versions"]["pandas"] and manifest["versions"]["python"]
    assert re.fullmatch(r"[0-9a-f]{40}", manifest["code_commit"] or "0" * 40)
    assert len(manifest["code_tree_sha256"]) == 64
    for rel, digest in {**manifest["inputs"], **manifest["outputs"]}.items():
        path = Path(rel) if Path(rel).is_absolute() else (root / rel)
        assert sha256_file(path) == digest, rel
    assert any(k.endswith("survey/hasil survei tahap 1.csv") for k in manifest["inputs"])
    assert any(k.endswith("08_report.html") for k in manifest["outputs"])
    index = (study.out / "index.html").read_text()
    hrefs = re.findall(r'href="([^"]+)"', index)
    assert "laporan.html" in hrefs and "notebooks/00_overview.html" in hrefs
    for h in hrefs:
        assert (study.out / h).exists(), f"index.html links a missing file: {h}"
