"""The display helper for notebook tables (issue 14)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from kaltara_study.report.display import column_kind, show
from kaltara_study.report.format import html_to_text, scan_for_untranslated


@pytest.fixture
def frame():
    return pd.DataFrame({
        "nama_kabkota": ["Kabupaten Nunukan", "Kota Tarakan"] * 30,
        "members": [1234, 56] * 30,
        "own_capital_rp": [1.2e9, 8.5e8] * 30,
        "share_ready": [0.234, 0.5] * 30,
        "p_value": [0.0004, 0.041] * 30,
        "verdict": ["ready", "not_assessable"] * 30,
        "has_nib": [True, False] * 30,
        "index": [75.93848201302745, 41.0] * 30,
    })


def test_indonesian_headers_values_and_numbers(frame):
    t = show(frame, lang="id", caption="Contoh tabel")
    out = t.to_frame()
    assert list(out.columns)[:3] == ["Nama kabupaten/kota", "Jumlah anggota", "Modal sendiri (Rp)"]
    r0 = out.iloc[0].tolist()
    assert r0 == ["Kabupaten Nunukan", "1.234", "Rp 1,2 miliar", "23 %", "<0,001", "Siap", "Ya", "75,9"]
    assert out.iloc[1]["Status kesiapan"] == "Tidak dapat dinilai"
    assert t.shape == (60, 8)                                       # no truncation by default
    page = t._repr_html_()
    assert page.count("<tr>") == 61 and "Contoh tabel" in page and "…" not in page
    assert scan_for_untranslated(html_to_text(page), lang="id") == []


def test_english_uses_english_formats(frame):
    out = show(frame, lang="en", caption="Example").to_frame()
    assert out.iloc[0].tolist() == ["Kabupaten Nunukan", "1,234", "IDR 1.2 bn", "23%", "<0.001", "Ready", "Yes", "75.9"]
    assert "Regency/city name" in out.columns


def test_html_is_deterministic_and_has_no_ids(frame):
    a = show(frame, lang="id", caption="X")._repr_html_()
    b = show(frame.copy(), lang="id", caption="X")._repr_html_()
    assert a == b
    assert not re.search(r"\bid=|uuid|T_[0-9a-f]{5}", a)


def test_max_rows_says_how_many_are_shown_and_formats_override(frame):
    t = show(frame, lang="id", caption="X", max_rows=5, formats={"members": "rupiah_full"})
    assert t.shape[0] == 5 and "5 dari 60 baris ditampilkan" in str(t)
    assert t.to_frame().iloc[0]["Jumlah anggota"] == "Rp 1.234"
    with pytest.raises(ValueError, match="unknown format kinds"):
        show(frame, lang="id", caption="X", formats={"members": "money"})


def test_index_is_shown_when_meaningful_and_empty_table_says_so():
    df = pd.DataFrame({"n": [3, 4]}, index=pd.Index(["A", "B"], name="nama_kabkota"))
    t = show(df, lang="id", caption="X")
    assert t.header[0] == "Nama kabupaten/kota" and t.rows[0] == ["A", "3"]
    e = show(df.iloc[:0], lang="id", caption="Kosong")
    assert "(tabel kosong)" in str(e)


def test_column_kind_guesses():
    assert column_kind("turnover_rp", pd.Series([1.0])) == "rupiah"
    assert column_kind("p_adj", pd.Series([0.1])) == "pvalue"
    assert column_kind("n", pd.Series([1, 2])) == "integer"
    assert column_kind("debt_ratio", pd.Series([0.123])) == "number2"
    assert column_kind("nama_desa", pd.Series(["a"])) == "text"
