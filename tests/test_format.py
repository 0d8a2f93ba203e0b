"""One number formatter by language, the label helpers and the scan for untranslated text (issue 14)."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from kaltara_study.report.format import ENGLISH_WORDS, NA_TEXT, format_value, formatter, html_to_text, scan_for_untranslated
from kaltara_study.report.labels import (
    idm_status_label,
    labels,
    partner_label,
    translate_values,
    value_label,
    verdict_label,
)

ID, EN = formatter("id"), formatter("en")


@pytest.mark.parametrize("x, id_, en", [
    (1234.5, "1.234,5", "1,234.5"), (1234567.891, "1.234.567,9", "1,234,567.9"), (0.05, "0,1", "0.1"),
    (-2.25, "−2,2", "−2.2"), (-0.01, "0,0", "0.0"),
])
def test_numbers_use_the_language_separators(x, id_, en):
    assert ID.number(x) == id_ and EN.number(x) == en


def test_integers_percent_money_pvalues_intervals():
    assert (ID.integer(411), ID.integer(12500), EN.integer(12500)) == ("411", "12.500", "12,500")
    assert (ID.percent(0.23), EN.percent(0.23), ID.percent(0.2345, 1)) == ("23 %", "23%", "23,4 %")
    assert ID.rupiah(1.2e9) == "Rp 1,2 miliar" and ID.rupiah(8.5e8) == "Rp 850 juta"
    assert ID.rupiah(3e9) == "Rp 3 miliar" and ID.rupiah(2.5e12) == "Rp 2,5 triliun"
    assert ID.rupiah(12500) == "Rp 12.500" and ID.rupiah(-4e6) == "−Rp 4 juta"
    assert EN.rupiah(1.2e9) == "IDR 1.2 bn" and EN.rupiah(8.5e8) == "IDR 850 m"
    assert ID.rupiah_full(1250000) == "Rp 1.250.000"
    assert (ID.pvalue(0.0004), EN.pvalue(0.0004)) == ("<0,001", "<0.001")
    assert (ID.pvalue(0.041), EN.pvalue(0.041)) == ("0,041", "0.041")
    assert ID.count_interval(84, 70, 95) == "84 (70–95)" and EN.count_interval(1234, 1000, 1500) == "1,234 (1,000–1,500)"
    assert ID.count_interval(84, None, 95) == "84"
    assert ID.share_n(0.23, 411) == "23 % (n = 411)"


def test_missing_values_print_as_a_dash_everywhere():
    for na in (None, float("nan"), pd.NA, pd.NaT):
        for kind in ("number", "percent", "rupiah", "pvalue", "integer", "auto", "text", "bool"):
            assert format_value(na, kind, lang="id") == NA_TEXT


def test_auto_and_bool():
    assert (ID.auto(True), EN.auto(False)) == ("Ya", "No")
    assert ID.auto(3.14159) == "3,14" and ID.auto(1234.56) == "1.234,6" and ID.auto(7.0) == "7"
    assert ID.auto("Nunukan") == "Nunukan"
    assert EN.number(math.inf) == "∞"
    with pytest.raises(ValueError, match="unknown format kind"):
        format_value(1, "percentage")
    with pytest.raises(ValueError, match="lang"):
        formatter("fr")


def test_every_label_has_both_languages_and_codes_translate():
    for key, entry in labels().items():
        assert entry["id"].strip() and entry["en"].strip(), key
    assert verdict_label("provisional") == "Sementara siap — verifikasi di lapangan"
    for v in ("ready", "provisional", "nearly_ready", "not_ready", "not_assessable"):
        assert verdict_label(v) != v and verdict_label(v, lang="en") != v
    assert partner_label("pharmacy", short=True) == "Kimia Farma"
    assert [idm_status_label(s) for s in ("SANGAT TERTINGGAL", "MANDIRI")] == ["Sangat Tertinggal", "Mandiri"]
    assert value_label("premises", "own") == "Milik sendiri" and value_label("has_nib", True) == "Ya"
    assert value_label("reading", "highly stable") == "Sangat stabil"
    assert value_label("kind", "required") == "Wajib" and value_label("kind", "desirable", lang="en") == "Desirable"
    assert value_label("nama_desa", "Binanun") == "Binanun"                   # names pass through
    df = pd.DataFrame({"verdict": ["ready", "not_ready"], "has_nib": [True, False]})
    out = translate_values(df)
    assert out.verdict.tolist() == ["Siap", "Belum siap"] and out.has_nib.tolist() == ["Ya", "Tidak"]
    assert df.verdict.tolist() == ["ready", "not_ready"]                       # input unchanged


def test_indonesian_labels_hold_no_english_word():
    """The Indonesian side of the label table passes its own scan (proper names allowed)."""
    allow = {"Bank", "Kimia Farma", "Telkomsel", "Pertamina", "Bulog"}
    bad = {k: scan_for_untranslated(re.sub(r"\{\w+\}", "", e["id"]), lang="id", allow=allow)
           for k, e in labels().items()}
    bad = {k: v for k, v in bad.items() if v}
    assert bad == {}


def test_scan_finds_the_words_seen_in_the_old_outputs():
    text = ("kind | rule | ready | higher | highly stable | required | desirable | True | False | "
            "segment_profiles | 03_missingness | debt_rati o")
    found = scan_for_untranslated(text, lang="id")
    for w in ("kind", "rule", "ready", "higher", "highly stable", "required", "desirable", "True", "False",
              "segment_profiles"):
        assert w in found, w
    assert scan_for_untranslated("Koperasi siap bermitra: 84 (70–95) di Kabupaten Nunukan.", lang="id") == []
    assert scan_for_untranslated("see kaltara_kopdes_study.xlsx and laporan.html", lang="id") == []
    # label keys without an underscore that are English code words
    assert "members" in scan_for_untranslated("kolom members kosong", lang="id")
    # English outputs: only code names and Python literals
    assert scan_for_untranslated("Ready for Bulog, higher is better", lang="en") == []
    assert scan_for_untranslated("Ready: True; p_ready_bulog", lang="en") == ["True", "p_ready_bulog"]
    # 'truefalse' or 'ready-made' are not the words
    assert scan_for_untranslated("alreadyness", lang="id") == []
    assert "ready" in ENGLISH_WORDS


def test_html_to_text_drops_markup_scripts_and_styles():
    page = ('<html><style>.segment_name{color:red}</style><script>var x_y = true;</script>'
            '<p class="synthetic_box">Siap &amp; <b>hampir</b> siap</p><!-- kind --></html>')
    text = html_to_text(page)
    assert "Siap & " in text and "hampir" in text
    assert scan_for_untranslated(text, lang="id") == []


def test_every_configured_criterion_and_partner_has_labels(root):
    import tomllib

    cfg = tomllib.loads((root / "config" / "readiness.toml").read_text(encoding="utf-8"))
    table = labels()
    for p, spec in cfg["partners"].items():
        assert f"partner_{p}" in table and f"partner_short_{p}" in table, p
        for c in spec["criteria"]:
            assert f"crit_{c['id']}" in table, c["id"]
