"""Personal data planted in a researcher's survey file never leaves data/raw/: after every stage of
the study ran on it (analysis table, index, segmentation, village types, readiness and the joint
answer), no processed table, audit, validation report or cache file holds any planted identifier."""

from __future__ import annotations

from kaltara_study import stages
from kaltara_study.data import synth
from kaltara_study.data.synth_write import write_csv
from kaltara_study.study import load_study

from conftest import make_tiny_root

NIK = "6501234567890123"
PHONE = "0812-3456-7890"
PHONE_INTL = "+62 813 9876 5432"
EMAIL = "siti.aminah@contoh.co.id"
NAME = "Sutrisno Wibowo"
SECRETS = (NIK, "6501234567890123", PHONE, "081234567890", PHONE_INTL, EMAIL, NAME, "Sutrisno")


def test_planted_identifiers_reach_no_processed_table_report_or_cache(tmp_path, root):
    tiny = make_tiny_root(root, tmp_path / "tiny")
    study = load_study("kaltara", root=tiny)
    table = stages.analysis_data(study).table
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

    study = load_study("kaltara", root=tiny)
    for _ in stages.precompute(study):
        pass
    written = [p for folder in (study.processed_dir, study.cache_dir) for p in folder.rglob("*") if p.is_file()]
    assert any(p.suffix == ".parquet" for p in written) and any(p.suffix == ".joblib" for p in written)
    hits = []
    for p in written:
        data = p.read_bytes()
        for s in SECRETS:
            if s.encode() in data:
                hits.append((p.name, s))
    assert not hits, f"personal data in outputs: {hits}"
    # the planted rows were read (so the scan is not vacuous): the survey joined where it could
    data = stages.analysis_data(study)
    used = data.discovery[data.discovery["file"].astype(str).str.contains("hasil survei")]
    assert used["used"].all() and (used["kind"] == "survey").all(), used.to_dict("records")
    # the row with a NIK for a village code is rejected with a reason that does not echo it
    bad = data.validation[(data.validation["kind"] == "survey") & (data.validation["column"] == "kode_desa")]
    assert len(bad) and not bad.astype(str).apply(lambda c: c.str.contains(NIK)).any().any()
