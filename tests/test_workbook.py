"""The study workbook (issue 14): sheets in Indonesian, frozen identity columns, AutoFilter, bold
headers, number formats, verdict colours, summary with intervals, byte-identical on rebuild."""

from __future__ import annotations

import time
import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from kaltara_study.report.format import scan_for_untranslated
from kaltara_study.report.workbook import FIXED_TIME, build_workbook, excel_format, write_workbook

PARTNERS = ["bank", "pertamina", "bulog", "pharmacy", "telkomsel"]      # deliberately not in display order
VERDICTS = ["ready", "provisional", "nearly_ready", "not_ready", "not_assessable"]
KABS = ["Kabupaten Bulungan", "Kabupaten Nunukan", "Kota Tarakan"]


@pytest.fixture(scope="module")
def inputs():
    rng = np.random.default_rng(7)
    n = 30
    coops = pd.DataFrame({
        "coop_id": [f"K{i:03d}" for i in range(n)],
        "coop_name": [f"KOPERASI DESA MERAH PUTIH DESA {i}" for i in range(n)],
        "nama_desa": [f"Desa {i}" for i in range(n)],
        "nama_kecamatan": [f"Kec {i % 4}" for i in range(n)],
        "nama_kabkota": [KABS[i % 3] for i in range(n)],
        "kode_desa": [f"65.01.01.2{i:03d}" for i in range(n)],
        "segment_name": rng.choice(["Potensi tinggi", "Potensi rendah"], n),
        "index": rng.uniform(0, 100, n),
        "own_capital_rp": rng.uniform(1e7, 2e9, n),
        "members": rng.integers(10, 500, n),
        "has_nib": rng.random(n) > 0.5,
    })
    long = pd.DataFrame([(c, p) for c in coops.coop_id for p in PARTNERS], columns=["coop_id", "partner"])
    long["verdict"] = rng.choice(VERDICTS, len(long))
    long["p_ready"] = rng.uniform(0, 1, len(long))
    summ = pd.DataFrame([(k, p, 8.4, 7, 10, 10) for k in KABS + ["Total"] for p in PARTNERS],
                        columns=["nama_kabkota", "partner", "expected", "low", "high", "n"])
    ver = pd.DataFrame({"coop_id": ["K001", "K002"], "criterion": ["legal_entity", "nib"],
                        "verdict": ["provisional", "not_assessable"]})
    sens = pd.DataFrame({"partner": ["bulog"], "share_ready": [0.12]})
    sources = pd.DataFrame({"source": ["SIMKOPDES"], "date": ["2026-08-05"], "note": ["registri"]})
    return dict(cooperatives=coops, readiness=long, summary=summ, verification=ver, sensitivity=sens,
                sources=sources)


@pytest.fixture(scope="module")
def saved(inputs, tmp_path_factory):
    p = tmp_path_factory.mktemp("wb") / "w.xlsx"
    write_workbook(p, synthetic=True, **inputs)
    return load_workbook(p)


def test_sheet_names_are_indonesian_and_in_order(saved):
    assert saved.sheetnames == ["Keterangan", "Ringkasan", "Hasil per koperasi", "Daftar pendek Pertamina",
                                "Daftar pendek Bulog", "Daftar pendek Kimia Farma", "Daftar pendek Telkomsel",
                                "Daftar pendek Bank Himbara", "Daftar verifikasi bimtek", "Kepekaan"]


def test_results_sheet_freeze_filter_bold_formats(saved, inputs):
    ws = saved["Hasil per koperasi"]
    head = [c.value for c in ws[1]]
    assert head[:4] == ["Nama resmi koperasi", "Nama desa/kelurahan", "Nama kecamatan", "Nama kabupaten/kota"]
    assert ws.freeze_panes == "E2"                                   # after the 4 identity columns and the header
    assert ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=len(head)).column_letter}{1 + 30}"
    assert all(c.font.bold for c in ws[1])
    col = {h: i + 1 for i, h in enumerate(head)}
    assert ws.cell(row=2, column=col["Indeks potensi ekonomi"]).number_format == "0.0"
    assert ws.cell(row=2, column=col["Modal sendiri (Rp)"]).number_format == '"Rp" #,##0'
    assert ws.cell(row=2, column=col["Jumlah anggota"]).number_format == "#,##0"
    p = col["Bulog: peluang berpotensi dan siap/sementara siap"]
    assert ws.cell(row=2, column=p).number_format == "0%"
    assert 0 <= ws.cell(row=2, column=p).value <= 1
    v = col["Bulog: status kesiapan"]
    assert {ws.cell(row=r, column=v).value for r in range(2, 32)} <= {"Siap", "Sementara siap — verifikasi di lapangan", "Hampir siap",
                                                                     "Belum siap", "Tidak dapat dinilai"}
    assert {ws.cell(row=r, column=col["Memiliki NIB"]).value for r in range(2, 32)} <= {"Ya", "Tidak"}
    assert head[-1] == "Status data" and ws.cell(row=2, column=len(head)).value == "DATA SINTETIS"
    assert ws.column_dimensions["A"].width >= len("KOPERASI DESA MERAH PUTIH DESA 10")
    # partners in the display order, whatever the input order
    order = [h.split(":")[0] for h in head if h.endswith("status kesiapan")]
    assert order == ["Pertamina", "Bulog", "Kimia Farma", "Telkomsel", "Bank Himbara"]


def test_verdict_cells_have_conditional_colours(saved):
    ws = saved["Hasil per koperasi"]
    rules = [(str(rng.sqref), r.formula[0], r.dxf.fill.fgColor.rgb) for rng in ws.conditional_formatting for r in rng.rules]
    formulas = {f for _, f, _ in rules}
    assert {'"Siap"', '"Hampir siap"', '"Belum siap"', '"Tidak dapat dinilai"', '"Sementara siap — verifikasi di lapangan"'} <= formulas
    assert len({c for _, _, c in rules}) == 5
    assert len({s for s, _, _ in rules}) == 5                        # one range per partner verdict column


def test_no_english_or_code_names_in_headers_and_values(saved):
    for ws in saved.worksheets:
        if ws.title == "Keterangan":
            text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
        else:
            start = 4 if ws.title == "Ringkasan" else 1
            text = " ".join(str(c.value) for c in ws[start] if c.value is not None)
            text += " " + " ".join(str(c.value) for row in ws.iter_rows(min_row=start + 1) for c in row
                                   if isinstance(c.value, str) and not c.value.startswith(("KOPERASI", "K0", "65.")))
        assert scan_for_untranslated(text, lang="id", allow={"Bank"}) == [], ws.title


def test_summary_counts_with_intervals(saved):
    ws = saved["Ringkasan"]
    head = [c.value for c in ws[4]]
    assert head[:2] == ["Kabupaten/Kota", "Jumlah koperasi"] and head[2] == "Pertamina"
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=5)]
    assert [r[0] for r in rows] == KABS + ["Provinsi Kalimantan Utara"]
    assert rows[0][2] == "8 (7–10)" and ws.cell(row=5 + len(KABS), column=1).font.bold
    assert ws.freeze_panes == "B5"
    assert "DATA SINTETIS" in str(ws["A3"].value)


def test_shortlists_hold_ready_and_provisional_most_probable_first(saved, inputs):
    ws = saved["Daftar pendek Kimia Farma"]
    head = [c.value for c in ws[1]]
    assert ws.freeze_panes == "E2" and ws.auto_filter.ref
    v = head.index("Kimia Farma: status kesiapan") + 1
    p = head.index("Kimia Farma: peluang berpotensi dan siap/sementara siap") + 1
    vals = [ws.cell(row=r, column=v).value for r in range(2, ws.max_row + 1)]
    probs = [ws.cell(row=r, column=p).value for r in range(2, ws.max_row + 1)]
    exp = inputs["readiness"].query("partner == 'pharmacy' and verdict in ['ready', 'provisional']")
    assert len(vals) == len(exp) and set(vals) <= {"Siap", "Sementara siap — verifikasi di lapangan"}
    assert probs == sorted(probs, reverse=True)


def test_verification_list_gets_identity_and_translated_codes(saved):
    ws = saved["Daftar verifikasi bimtek"]
    head = [c.value for c in ws[1]]
    assert head[:4] == ["Nama resmi koperasi", "Nama desa/kelurahan", "Nama kecamatan", "Nama kabupaten/kota"]
    assert ws.freeze_panes == "E2"
    row = [c.value for c in ws[2]]
    assert "Berbadan hukum" in row and "Sementara siap — verifikasi di lapangan" in row and "Desa 1" in row


def test_cover_says_synthetic_sources_columns_and_caveats(saved):
    ws = saved["Keterangan"]
    col_a = [str(c.value) for c in ws["A"] if c.value is not None]
    col_b = [str(c.value) for c in ws["B"] if c.value is not None]
    assert any(x.startswith("DATA SINTETIS") for x in col_a)
    assert "SIMKOPDES" in col_a and any("2026-08-05" in x for x in col_b)
    res_head = [c.value for c in saved["Hasil per koperasi"][1]]
    for h in res_head:                                              # every column explained
        assert h in col_a, h
    assert "Catatan penting" in col_a and "Daftar pendek Kimia Farma" in col_a


def test_english_build_and_not_synthetic(inputs, tmp_path):
    p = tmp_path / "en.xlsx"
    write_workbook(p, synthetic=False, lang="en", **inputs)
    wb = load_workbook(p)
    assert wb.sheetnames[:3] == ["About", "Summary", "Results per cooperative"]
    assert "Shortlist Kimia Farma" in wb.sheetnames
    head = [c.value for c in wb["Results per cooperative"][1]]
    assert "Data status" not in head and "Official cooperative name" in head
    assert not any("SYNTHETIC" in str(c.value) for c in wb["About"]["A"])


def test_byte_identical_on_rebuild_and_changes_with_content(inputs, tmp_path):
    a = write_workbook(tmp_path / "a.xlsx", synthetic=True, **inputs)[0]
    time.sleep(1.1)
    b = write_workbook(tmp_path / "b.xlsx", synthetic=True, **inputs)[0]
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        assert FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ") in z.read("docProps/core.xml").decode()
    changed = dict(inputs, cooperatives=inputs["cooperatives"].iloc[1:])
    c = write_workbook(tmp_path / "c.xlsx", synthetic=True, **changed)[0]
    assert c.read_bytes() != a.read_bytes()


def test_csv_copies_and_input_checks(inputs, tmp_path):
    paths = write_workbook(tmp_path / "w.xlsx", synthetic=False, csv_folder=tmp_path / "csv", csv_prefix="k_", **inputs)
    assert len(paths) == 1 + 9 and all(p.name.startswith("k_") for p in paths[1:])
    res = pd.read_csv(next(p for p in paths if "Hasil" in p.name))
    assert len(res) == 30 and res.columns[0] == "Nama resmi koperasi"
    summ = pd.read_csv(next(p for p in paths if "Ringkasan" in p.name))
    assert list(summ.columns)[0] == "Kabupaten/Kota" and len(summ) == 4
    with pytest.raises(ValueError, match="coop_name"):
        build_workbook(cooperatives=inputs["cooperatives"].drop(columns="coop_name"), readiness=inputs["readiness"],
                       synthetic=False)
    with pytest.raises(ValueError, match="unknown verdict"):
        build_workbook(cooperatives=inputs["cooperatives"], synthetic=False,
                       readiness=inputs["readiness"].assign(verdict="siap"))


def test_excel_format_kinds():
    assert excel_format("p_ready_bulog", pd.Series([0.2])) == "percent"
    assert excel_format("turnover_rp", pd.Series([1.5e6])) == "rupiah"
    assert excel_format("debt_ratio", pd.Series([0.25])) == "number2"
    assert excel_format("health_score", pd.Series([55.5])) == "number1"
    assert excel_format("nama_desa", pd.Series(["x"])) == "text"
