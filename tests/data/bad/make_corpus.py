"""Write the bad-input corpus (tests/data/bad/*) and its manifest EXPECTED.toml.

Run from anywhere: ``.venv/bin/python tests/data/bad/make_corpus.py``. Deterministic: every file
is byte-identical on every run (XLSX files get fixed document properties and zip timestamps).

Every file is small and made up (codes and names are invented or public region names; no rows of
``../shared/data/kaltara`` are copied). Each case lists how it must load:

- ``expect = "parses"`` with ``rows`` (kept), ``rejected``, optional ``values`` (column → list of
  expected values in row order; "<NA>" for missing, dates as "YYYY-MM-DD"), ``rules`` (rule names
  that must appear in the report), ``reason`` (words every rejected row's reason must contain),
  ``kab_codes`` (expected Kemendagri codes after name matching of ``nama_kabkota``),
  ``unknown_codes`` (how many village codes are not in ``KNOWN_CODES``), ``missing_villages`` (for a
  Kemendagri village list: the codes that ``referred`` — ``file`` and the ``codes`` it uses — needs
  and the list lacks, reported in one line naming both files and the fix);
- ``expect = "InputError"`` / ``"DataError"`` with ``message`` (words the message must contain).

Kinds: ``coop`` and ``simk`` are compact contracts built in the test from the columns of
``schema.RAW_SCHEMAS["survey"]`` / ``["simkopdes_village_stats"]``; the others are the real
``RAW_SCHEMAS`` kinds.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
KNOWN_CODES = ["65.01.01.2001", "65.01.01.2002", "65.03.13.2001", "65.71.01.1001"]

COOP_HEAD = ["ID Koperasi", "Kode Desa", "Kabupaten/Kota", "Jumlah Anggota", "Modal Sendiri (Rp)",
             "Total Aset (Rp)", "NPWP", "Unit Gerai Sembako", "Tanggal RAT Terakhir", "Status Tempat Usaha"]


def coop_rows(n: int = 3) -> list[list[str]]:
    base = [
        ["KOP-001", "65.01.01.2001", "Kabupaten Bulungan", "25", "Rp 1.250.000", "Rp 5.000.000", "Ya", "Ya",
         "12 Agustus 2025", "Milik Sendiri"],
        ["KOP-002", "6501012002", "KAB. BULUNGAN", "1.250", "Rp 1,2 juta", "3 M", "Tidak", "tidak ada",
         "12-08-2025", "Sewa"],
        ["KOP-003", "65.03.13.2001", "Nunukan", "40", "250 rb", "-", "ada", "1", "2025-08-12", "pinjam pakai"],
        ["KOP-004", "65.71.01.1001", "Kota Tarakan", "7", "Rp1.250.000,-", "1,5 jt", "0", "Y", "45881",
         "belum ada"],
    ]
    return [r[:] for r in base[:n]]


def csv_text(rows: list[list[str]], sep: str = ",", newline: str = "\n") -> str:
    def cell(c: str) -> str:
        if any(ch in c for ch in (sep, '"', "\n")):
            return '"' + c.replace('"', '""') + '"'
        return c
    return newline.join(sep.join(cell(c) for c in r) for r in rows) + newline


CASES: list[dict] = []


def case(file: str, kind: str, content, **expect) -> None:
    CASES.append({"file": file, "kind": kind, "content": content, **expect})


# ------------------------------------------------------------------ encodings and separators
case("ok_utf8_comma.csv", "coop", csv_text([COOP_HEAD, *coop_rows()]), expect="parses", rows=3, rejected=0,
     values={"coop_id": ["KOP-001", "KOP-002", "KOP-003"], "members": [25, 1250, 40],
             "own_capital_rp": [1250000.0, 1200000.0, 250000.0], "assets_rp": [5000000.0, 3e9, "<NA>"],
             "has_npwp": [True, False, True], "unit_sembako": [True, False, True],
             "last_rat_date": ["2025-08-12"] * 3, "premises": ["own", "rent", "borrowed"],
             "kode_desa": ["65.01.01.2001", "65.01.01.2002", "65.03.13.2001"], "_row": [2, 3, 4]})
case("bom_utf8.csv", "coop", codecs.BOM_UTF8 + csv_text([COOP_HEAD, *coop_rows(2)]).encode(), expect="parses",
     rows=2, rejected=0, values={"coop_id": ["KOP-001", "KOP-002"]})
rows = coop_rows(2)
rows[0][2] = "Kabupaten Bulungán"
case("cp1252_accents.csv", "coop", csv_text([COOP_HEAD, *rows]).encode("cp1252"), expect="parses", rows=2,
     rejected=0, values={"nama_kabkota": ["Kabupaten Bulungán", "KAB. BULUNGAN"]})
rows = coop_rows(2)
rows[0][4] = "1.250.000,50"
case("sep_semicolon.csv", "coop", csv_text([COOP_HEAD, *rows], sep=";"), expect="parses", rows=2, rejected=0,
     values={"own_capital_rp": [1250000.5, 1200000.0]})
case("sep_tab.tsv", "coop", csv_text([COOP_HEAD, *coop_rows()], sep="\t"), expect="parses", rows=3, rejected=0,
     values={"members": [25, 1250, 40]})
case("sep_pipe.csv", "coop", csv_text([COOP_HEAD, *coop_rows()], sep="|"), expect="parses", rows=3, rejected=0)
case("utf16_tab_excel_unicode_text.txt", "coop",
     codecs.BOM_UTF16_LE + csv_text([COOP_HEAD, *coop_rows()], sep="\t", newline="\r\n").encode("utf-16-le"),
     expect="parses", rows=3, rejected=0, values={"coop_id": ["KOP-001", "KOP-002", "KOP-003"]})
case("crlf_line_endings.csv", "coop", csv_text([COOP_HEAD, *coop_rows()], newline="\r\n"), expect="parses",
     rows=3, rejected=0, values={"_row": [2, 3, 4]})

# ------------------------------------------------------------------ layout
case("title_rows.csv", "coop", csv_text([["LAPORAN SURVEI KOPERASI DESA MERAH PUTIH"], ["Kabupaten Bulungan, 2025"],
                                         [""], COOP_HEAD, *coop_rows()], sep=";"),
     expect="parses", rows=3, rejected=0, values={"_row": [5, 6, 7], "members": [25, 1250, 40]})
group = ["Identitas", "", "", "Keuangan", "", "", "Legalitas", "Usaha", "RAT", ""]
sub = ["ID Koperasi", "Kode Desa", "Kabupaten/Kota", "Jumlah Anggota", "Modal Sendiri (Rp)", "Total Aset (Rp)",
       "NPWP", "Unit Gerai Sembako", "Tanggal RAT Terakhir", "Status Tempat Usaha"]
case("two_row_header.csv", "coop", csv_text([group, sub, *coop_rows()]), expect="parses", rows=3, rejected=0,
     values={"coop_id": ["KOP-001", "KOP-002", "KOP-003"], "own_capital_rp": [1250000.0, 1200000.0, 250000.0],
             "_row": [3, 4, 5]})
case("blank_rows_inside.csv", "coop", csv_text([COOP_HEAD, coop_rows()[0], [""] * 10, coop_rows()[1], [""] * 10]),
     expect="parses", rows=2, rejected=0, values={"_row": [2, 4]})
case("trailing_empty_columns.csv", "coop", csv_text([COOP_HEAD + ["", ""], *[r + ["", ""] for r in coop_rows()]]),
     expect="parses", rows=3, rejected=0)
rows = coop_rows(2)
rows[0][0] = 'KOP-001 "Maju, Jaya"'
rows[1][4] = "1,5 jt"
case("quoted_fields.csv", "coop", csv_text([COOP_HEAD, *rows]), expect="parses", rows=2, rejected=0,
     values={"coop_id": ['KOP-001 "Maju, Jaya"', "KOP-002"], "own_capital_rp": [1250000.0, 1500000.0]})
case("extra_columns_kept.csv", "coop", csv_text([COOP_HEAD + ["NPWP", "Catatan Surveyor"],
                                                 *[r + ["x", "catatan"] for r in coop_rows(2)]]),
     expect="parses", rows=2, rejected=0, values={"has_npwp": [True, False]}, rules=["several headers"])

# ------------------------------------------------------------------ values
num_rows = [["ID Koperasi", "Kode Desa", "Jumlah Anggota", "Modal Sendiri (Rp)", "Total Aset (Rp)"],
            ["A", "6501012001", "1.250", "Rp 1.250.000,-", "Rp 1.250.000,00"],
            ["B", "6501012001", "12", "Rp 1,2 juta", "3 M"],
            ["C", "6501012001", "-", "250 rb", "2,5 miliar"],
            ["D", "6501012001", "", "1,5 jt", "(5.000)"],
            ["E", "6501012001", "1\u00a0250", "IDR 2.500.000", "Rp. 10.000"]]
case("numbers_money_indonesian.csv", "coop", csv_text(num_rows), expect="parses", rows=5, rejected=0,
     values={"members": [1250, 12, "<NA>", "<NA>", 1250],
             "own_capital_rp": [1250000.0, 1200000.0, 250000.0, 1500000.0, 2500000.0],
             "assets_rp": [1250000.0, 3e9, 2.5e9, -5000.0, 10000.0]})
case("numbers_english_thousands.csv", "coop",
     csv_text([num_rows[0], ["A", "6501012001", "1,250", "1,250,000.50", "2,000,000"]], sep=";"),
     expect="parses", rows=1, rejected=0,
     values={"members": [1250], "own_capital_rp": [1250000.5], "assets_rp": [2000000.0]},
     rules=["number_convention"])  # a whole-number column cannot hold 1,25: "1,250" members are 1250
case("money_not_money.csv", "coop", csv_text([num_rows[0], ["A", "6501012001", "3", "sejuta", "Rp abc"]]),
     expect="parses", rows=1, rejected=0, values={"own_capital_rp": ["<NA>"], "assets_rp": ["<NA>"]},
     rules=["not_money"])
case("members_not_a_number.csv", "coop", csv_text([num_rows[0], ["A", "6501012001", "dua puluh", "1", "1"]]),
     expect="parses", rows=1, rejected=0, values={"members": ["<NA>"]}, rules=["not_a_number"])
case("excel_errors.csv", "coop",
     csv_text([num_rows[0], ["A", "6501012001", "#N/A", "#DIV/0!", "#VALUE!"], ["B", "6501012001", "3", "#REF!", "5"]]),
     expect="parses", rows=2, rejected=0, values={"members": ["<NA>", 3], "own_capital_rp": ["<NA>", "<NA>"]},
     rules=["excel_error"])
date_rows = [["ID Koperasi", "Kode Desa", "Jumlah Anggota", "Tanggal RAT Terakhir"],
             ["A", "6501012001", "1", "12 Agustus 2025"], ["B", "6501012001", "1", "Selasa, 12 Agt 2025"],
             ["C", "6501012001", "1", "12/08/2025"], ["D", "6501012001", "1", "45881"],
             ["E", "6501012001", "1", "1 Nopember 2024"], ["F", "6501012001", "1", "2024-11-01 00:00:00"]]
case("dates_indonesian.csv", "coop", csv_text(date_rows), expect="parses", rows=6, rejected=0,
     values={"last_rat_date": ["2025-08-12"] * 4 + ["2024-11-01"] * 2})
case("dates_invalid.csv", "coop", csv_text([date_rows[0], ["A", "6501012001", "1", "31-02-2025"],
                                            ["B", "6501012001", "1", "kemarin"]]),
     expect="parses", rows=2, rejected=0, values={"last_rat_date": ["<NA>", "<NA>"]},
     rules=["invalid_date", "not_a_date"])
case("future_date.csv", "coop", csv_text([date_rows[0], ["A", "6501012001", "1", "12 Agustus 2030"]]),
     expect="parses", rows=1, rejected=0, values={"last_rat_date": ["2030-08-12"]})  # clean.py blanks it
yn_head = ["ID Koperasi", "Kode Desa", "Jumlah Anggota", "NPWP", "Unit Gerai Sembako"]
yn = [("Ya", "Tidak"), ("YA", "TIDAK"), ("ada", "tidak ada"), ("1", "0"), ("Y", "T"), ("yes", "no"),
      ("Sudah", "Belum"), ("-", "")]
case("yes_no_variants.csv", "coop", csv_text([yn_head, *[[f"K{i}", "6501012001", "1", a, b] for i, (a, b) in enumerate(yn)]]),
     expect="parses", rows=8, rejected=0,
     values={"has_npwp": [True] * 7 + ["<NA>"], "unit_sembako": [False] * 7 + ["<NA>"]})
case("yes_no_unknown.csv", "coop", csv_text([yn_head, ["K1", "6501012001", "1", "mungkin", "Ya"]]),
     expect="parses", rows=1, rejected=0, values={"has_npwp": ["<NA>"]}, rules=["not_yes_no"])
case("category_unknown.csv", "coop",
     csv_text([["ID Koperasi", "Kode Desa", "Jumlah Anggota", "Status Tempat Usaha"], ["K1", "6501012001", "1", "gubuk"],
               ["K2", "6501012001", "1", "MILIK  SENDIRI"]]),
     expect="parses", rows=2, rejected=0, values={"premises": ["<NA>", "own"]}, rules=["unknown_category"])

# ------------------------------------------------------------------ codes and regions
case("undotted_codes.csv", "coop", csv_text([["ID Koperasi", "Kode Desa", "Jumlah Anggota"], ["K1", "6501012001", "1"],
                                             ["K2", "65 01 01 2002", "1"], ["K3", "6503132001.0", "1"]]),
     expect="parses", rows=3, rejected=0,
     values={"kode_desa": ["65.01.01.2001", "65.01.01.2002", "65.03.13.2001"]}, unknown_codes=0)
case("bad_village_codes.csv", "coop", csv_text([["ID Koperasi", "Kode Desa", "Jumlah Anggota"], ["K1", "6501", "1"],
                                                ["K2", "65.1.1.2001", "1"], ["K3", "65.01.01.2001", "1"]]),
     expect="parses", rows=3, rejected=0, values={"kode_desa": ["<NA>", "<NA>", "65.01.01.2001"]},
     rules=["bad_code"])  # the survey allows a blank code (matched by name later); the bad ones are reported
case("unknown_village_code.csv", "coop", csv_text([["ID Koperasi", "Kode Desa", "Jumlah Anggota"],
                                                   ["K1", "65.99.99.2999", "1"], ["K2", "65.01.01.2001", "1"]]),
     expect="parses", rows=2, rejected=0, unknown_codes=1)
case("misspelt_kabupaten.csv", "coop",
     csv_text([["ID Koperasi", "Kode Desa", "Jumlah Anggota", "Kabupaten/Kota"],
               ["K1", "65.01.01.2001", "1", "Kab. Bulungn"], ["K2", "65.01.01.2001", "1", "KOTA TARAKAN"],
               ["K3", "65.01.01.2001", "1", "Nunukann"], ["K4", "65.01.01.2001", "1", "Kabupaten  Malinau"],
               ["K5", "65.01.01.2001", "1", "Tana Tidong"], ["K6", "65.01.01.2001", "1", "TARAKAN"]]),
     expect="parses", rows=6, rejected=0, kab_codes=["65.01", "65.71", "65.03", "65.02", "65.04", "65.71"])
case("unknown_kabupaten.csv", "coop", csv_text([["ID Koperasi", "Kode Desa", "Jumlah Anggota", "Kabupaten/Kota"],
                                                ["K1", "65.01.01.2001", "1", "Kab. Berau"]]),
     expect="parses", rows=1, rejected=0, kab_codes=["<NA>"])

# ------------------------------------------------------------------ rows and rules
case("duplicate_rows.csv", "coop", csv_text([COOP_HEAD, *coop_rows(2), coop_rows(1)[0]]), expect="parses",
     rows=3, rejected=0, rules=["duplicate_key"])  # reported; clean.py resolves duplicates with an audit entry
rows = coop_rows(2)
rows[0][3] = "-5"
case("negative_members_survey.csv", "coop", csv_text([COOP_HEAD, *rows]), expect="parses", rows=2, rejected=0,
     values={"members": [-5, 1250]})  # survey ranges are enforced by clean.py (blanked, audited)
SIMK_HEAD = ["village_id", "district", "subdistrict", "village", "cooperatives", "npwp_count", "savings_total_amount"]
case("negative_counts_simkopdes.csv", "simk",
     csv_text([SIMK_HEAD, ["90001", "KAB. BULUNGAN", "Bunyu", "Desa Contoh Satu", "1", "-1", "0"],
               ["90002", "KAB. BULUNGAN", "Bunyu", "Desa Contoh Dua", "-2", "1", "-5"],
               ["90003", "KAB. BULUNGAN", "Bunyu", "Desa Contoh Tiga", "1", "1", "1.000.000"]]),
     expect="parses", rows=1, rejected=2, values={"village_id": [90003], "savings_total_amount": [1000000.0]},
     rules=["greater_than_or_equal_to"], reason=["greater_than_or_equal_to(0)"])
case("simkopdes_missing_key.csv", "simk",
     csv_text([SIMK_HEAD, ["", "KAB. BULUNGAN", "Bunyu", "Desa Contoh", "1", "1", "0"],
               ["90002", "KAB. BULUNGAN", "Bunyu", "Desa Contoh Dua", "1", "1", "0"]]),
     expect="parses", rows=1, rejected=1, rules=["not_nullable"], reason=["village_id"])
case("kemendagri_bad_jenis.csv", "kemendagri_kabkota",
     csv_text([["kode", "nama", "jenis"], ["65.01", "Kabupaten Bulungan", "kabupaten"], ["65.71", "Kota Tarakan", "provinsi"]]),
     expect="parses", rows=1, rejected=1, rules=["isin"], reason=["jenis=provinsi"])
case("bps_bridge_bad_code.csv", "bps_bridge_kabkota",
     csv_text([["kode_bps", "nama_bps", "kode_dagri", "nama_dagri"], ["6501", "MALINAU", "6502", "KAB. MALINAU"],
               ["65O2", "BULUNGAN", "6501", "KAB. BULUNGAN"]]),
     expect="parses", rows=1, rejected=1, values={"kode_dagri": ["65.02"]}, rules=["bad_code"], reason=["kode_bps"])

# ------------------------------------------------------------------ unusable input
case("empty.csv", "coop", b"", expect="InputError", message=["empty.csv", "empty"])
case("blank_lines_only.csv", "coop", "\n\n   \n", expect="InputError", message=["empty"])
case("header_only.csv", "coop", csv_text([COOP_HEAD]), expect="InputError", message=["header", "no data rows"])
case("missing_required_column.csv", "coop", csv_text([[h for h in COOP_HEAD if h != "Jumlah Anggota"],
                                                      *[r[:3] + r[4:] for r in coop_rows(2)]]),
     expect="InputError", message=["missing_required_column.csv", "required column", "members", "found",
                                   "ID Koperasi"])
case("undecodable_bytes.csv", "coop", b"ID Koperasi,Kode Desa,Jumlah Anggota\nK\x81\x8d,6501012001,1\n",
     expect="InputError", message=["cannot decode", "line 2", "0x81", "CSV UTF-8"])
case("bom_then_cp1252.csv", "coop", codecs.BOM_UTF8 + "ID Koperasi,Kode Desa,Jumlah Anggota\nKé,1,1\n".encode("cp1252"),
     expect="InputError", message=["byte-order mark", "line 2"])
case("utf16_without_bom.csv", "coop", csv_text([COOP_HEAD, *coop_rows(1)]).encode("utf-16-le"),
     expect="InputError", message=["NUL", "UTF-16"])
case("no_header_numbers_only.csv", "coop", "1,2,3\n4,5,6\n", expect="InputError", message=["no header row"])
case("not_really.xlsx", "coop", b"PK\x03\x04 this is not a workbook", expect="InputError",
     message=["not a readable XLSX", "save it again"])
case("old_format.xls", "coop", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", expect="InputError", message=[".xls", ".xlsx"])
case("unknown_kind.csv", "no_such_kind", csv_text([COOP_HEAD, *coop_rows(1)]), expect="InputError",
     message=["unknown source kind", "no_such_kind"])


# ------------------------------------------------------------------ issue 15: values
# (fields: ``via = "parse"`` parses the raw columns with the parser the source's wiring must call,
# ``parse.parser_options(source, kind)``; ``clean_kind`` runs ``clean.clean_source`` on the loaded
# rows and checks ``audit_rules`` / ``clean_values``; ``no_pii`` lists planted strings that must not
# appear in any report, rejected row, audit line, or error message; ``not_in_message`` words an
# error message must not contain; ``region_rows`` the rows ``validate.check_region_consistency`` flags)
NAME, NIK, PHONE, PHONE2, EMAIL = "Budi Santoso", "6501012345678901", "0812-3456-7890", "+62 813 5555 0101", \
    "budi.santoso@contoh.id"
money_head = ["ID Koperasi", "Kode Desa", "Jumlah Anggota", "Modal Sendiri (Rp)", "Total Aset (Rp)"]
case("numbers_english_money.csv", "coop",
     csv_text([money_head, ["A", "6501012001", "25", "850,000", "12,500"], ["B", "6501012001", "7", "1,250,000", "900"]]),
     expect="parses", rows=2, rejected=0,
     values={"own_capital_rp": [850000.0, 1250000.0], "assets_rp": [12500.0, 900.0]}, rules=["number_convention"])
case("numbers_english_decides.csv", "coop",
     csv_text([money_head, ["A", "6501012001", "25", "1,250,000.50", "2.500"], ["B", "6501012001", "7", "2,500", "12.5"]]),
     expect="parses", rows=2, rejected=0,
     values={"own_capital_rp": [1250000.5, 2500.0], "assets_rp": ["<NA>", 12.5]},
     rules=["number_convention", "ambiguous_number"])  # "12.5" makes "." the decimal mark: "2.500" is no whole rupiah
case("numbers_indonesian_decides.csv", "coop",
     csv_text([money_head, ["A", "6501012001", "1.250", "1.250.000,50", "2,500"], ["B", "6501012001", "7", "2.500", "1.000.000"]]),
     expect="parses", rows=2, rejected=0,
     values={"members": [1250, 7], "own_capital_rp": [1250000.5, 2500.0]}, rules=["number_convention"])
case("numbers_mixed_conventions.csv", "coop",
     csv_text([money_head, ["A", "6501012001", "3", "1.250.000", "1"], ["B", "6501012001", "4", "1,250,000", "1"],
               ["C", "6501012001", "5", "2.500", "1"], ["D", "6501012001", "6", "12,5", "1"]]),
     expect="parses", rows=4, rejected=0,
     values={"own_capital_rp": [1250000.0, 1250000.0, "<NA>", 12.5]}, rules=["ambiguous_number", "number_convention"])
case("phone_in_members.csv", "coop",
     csv_text([money_head, ["A", "6501012001", "081234567890", "Rp 1.000.000", "1"],
               ["B", "6501012001", PHONE2, "Rp 1.000.000", "1"], ["C", "6501012001", "85310542807", "1", "1"],
               ["D", "6501012001", "40", "1", "1"]]),
     expect="parses", rows=4, rejected=0, values={"members": ["<NA>", "<NA>", "<NA>", 40]},
     rules=["personal_number"], no_pii=["081234567890", "813 5555 0101", "85310542807"])
case("nik_in_members.csv", "coop", csv_text([money_head, ["A", "6501012001", NIK, "1", "1"],
                                             ["B", "6501012001", "6501 0123 4567 8901", "1", "1"]]),
     expect="parses", rows=2, rejected=0, values={"members": ["<NA>", "<NA>"]}, rules=["personal_number"],
     no_pii=[NIK, "6501 0123 4567 8901"])
case("phone_in_capital.csv", "coop", csv_text([money_head, ["A", "6501012001", "3", "6281234567890", "Rp 0812 3456 7890"],
                                               ["B", "6501012001", "3", "Rp 5.000.000", "Rp 7.000.000"]]),
     expect="parses", rows=2, rejected=0, values={"own_capital_rp": ["<NA>", 5e6], "assets_rp": ["<NA>", 7e6]},
     rules=["personal_number"], no_pii=["6281234567890", "0812 3456 7890"])
case("capital_implausible.csv", "coop", csv_text([money_head, ["A", "6501012001", "30", "Rp 6,3 T", "Rp 2 M"],
                                                  ["B", "6501012001", "70000", "Rp 5 jt", "Rp 9 jt"]]),
     expect="parses", rows=2, rejected=0, values={"own_capital_rp": [6.3e12, 5e6]},
     clean_kind="survey", audit_rules=["implausible_value"],
     clean_values={"own_capital_rp": ["<NA>", 5e6], "members": [30, "<NA>"]})
SIMK_FULL = ["village_id", "district", "subdistrict", "village", "cooperatives", "npwp_count", "nib_count", "rat_count",
             "savings_total_amount"]
case("simk_dash_zero.csv", "simk",
     csv_text([SIMK_FULL, ["90001", "KAB. BULUNGAN", "Bunyu", "Bunyu Barat", "1", "-", "1", "-", "-"],
               ["90002", "KAB. BULUNGAN", "Bunyu", "Bunyu Timur", "1", "1", "-", "-", "Rp -"],
               ["90003", "KAB. BULUNGAN", "Bunyu", "Bunyu Selatan", "1", "1", "1", "1", "1.500.000"]]),
     expect="parses", via="parse", source="simkopdes_village_stats", rows=3, rejected=0,
     values={"npwp_count": [0, 1, 1], "nib_count": [1, 0, 1], "rat_count": [0, 0, 1],
             "savings_total_amount": [0.0, 0.0, 1.5e6]}, rules=["dash_as_zero"])
case("simk_en_dash_zero.csv", "simk",
     csv_text([SIMK_FULL, ["90001", "KAB. MALINAU", "Mentarang", "Long Bisai", "1", "\u2013", "\u2014", "\u2013", "\u2013"]]),
     expect="parses", via="parse", source="simkopdes_village_stats", rows=1, rejected=0,
     values={"npwp_count": [0], "nib_count": [0], "rat_count": [0], "savings_total_amount": [0.0]},
     rules=["dash_as_zero"])
case("survey_dash_stays_missing.csv", "coop", csv_text([money_head, ["A", "6501012001", "-", "-", "\u2013"]]),
     expect="parses", via="parse", source="survey", rows=1, rejected=0,
     values={"members": ["<NA>"], "own_capital_rp": ["<NA>"], "assets_rp": ["<NA>"]})
case("simk_counts_above_cooperatives.csv", "simk",
     csv_text([SIMK_FULL, ["90001", "KAB. BULUNGAN", "Bunyu", "Bunyu Barat", "1", "3", "1", "0", "0"],
               ["90002", "KAB. BULUNGAN", "Bunyu", "Bunyu Timur", "2", "2", "2", "2", "0"]]),
     expect="parses", rows=2, rejected=0, clean_kind="simkopdes_village_stats", audit_rules=["implausible_value"],
     clean_values={"npwp_count": ["<NA>", 2]})

# ------------------------------------------------------------------ issue 15: consistency
case("total_row_coop.csv", "coop", csv_text([COOP_HEAD, *coop_rows(2), ["TOTAL", "", "", "1275", "Rp 2.450.000", "", "",
                                                                        "", "", ""]]),
     expect="parses", rows=2, rejected=1, rules=["total_row"], reason=["total_row"])
case("subtotal_rows_simk.csv", "simk",
     csv_text([SIMK_HEAD, ["90001", "KAB. BULUNGAN", "Bunyu", "Bunyu Barat", "1", "1", "0"],
               ["", "KAB. BULUNGAN", "Bunyu", "Jumlah Kec. Bunyu", "1", "1", "0"],
               ["90003", "KAB. NUNUKAN", "Sebatik", "Sungai Nyamuk", "1", "0", "0"],
               ["", "", "", "GRAND TOTAL", "2", "1", "0"]]),
     expect="parses", rows=2, rejected=2, rules=["total_row"], reason=["total_row"])
case("subtotal_in_kabupaten_column.csv", "coop",
     csv_text([["ID Koperasi", "Kode Desa", "Kabupaten/Kota", "Jumlah Anggota"], ["K1", "65.01.01.2001", "Bulungan", "10"],
               ["Sub", "", "Sub Total Bulungan", "10"], ["K2", "65.03.13.2001", "Nunukan", "5"]]),
     expect="parses", rows=2, rejected=1, reason=["total_row"])
case("kemendagri_code_hierarchy.csv", "kemendagri_desa",
     csv_text([["kode", "kode_kecamatan", "nama_kecamatan", "kode_kabkota", "nama_kabkota", "nama", "jenis"],
               ["65.01.01.2001", "65.01.01", "Tanjung Palas", "65.01", "Kabupaten Bulungan", "Desa Satu", "desa"],
               ["65.03.13.2001", "65.01.01", "Tanjung Palas", "65.01", "Kabupaten Bulungan", "Desa Dua", "desa"]]),
     expect="parses", rows=2, rejected=0, rules=["code_hierarchy"],
     values={"kode": ["65.01.01.2001", "65.03.13.2001"], "kode_kabkota": ["65.01", "65.01"]})
KEMENDAGRI_DESA_HEAD = ["kode", "kode_kecamatan", "nama_kecamatan", "kode_kabkota", "nama_kabkota", "nama", "jenis"]
OLDER_LIST_LACKS = ["65.01.01.2003", "65.01.01.2004", "65.01.01.2005", "65.03.13.2002", "65.03.13.2003"]
case("kemendagri_older_list.csv", "kemendagri_desa",  # an older list: five villages of the registry missing
     csv_text([KEMENDAGRI_DESA_HEAD,
               ["65.01.01.2001", "65.01.01", "Tanjung Palas", "65.01", "Kabupaten Bulungan", "Desa Satu", "desa"],
               ["65.03.13.2001", "65.03.13", "Sebatik", "65.03", "Kabupaten Nunukan", "Desa Dua", "desa"]]),
     expect="parses", rows=2, rejected=0,
     referred={"file": "simkopdes_to_kemendagri_match.csv", "codes": ["65.01.01.2001", "65.03.13.2001",
                                                                      *OLDER_LIST_LACKS]},
     missing_villages=OLDER_LIST_LACKS)
IDM_HEAD = ["kode_desa_kemendesa", "nama_desa", "tahun", "IKS", "IKE", "IKL", "IDM", "status"]
case("idm_not_mean.csv", "idm_summary",
     csv_text([IDM_HEAD, ["6504022001", "Desa Satu", "2024", "0.9", "0.6", "0.6", "0.7", "BERKEMBANG"],
               ["6504022002", "Desa Dua", "2024", "0.9", "0.6", "0.6", "0.75", "MAJU"]]),
     expect="parses", rows=2, rejected=0, rules=["idm_not_mean"], values={"IDM": [0.7, 0.75]})
case("idm_status_mismatch.csv", "idm_summary",
     csv_text([IDM_HEAD, ["6504022001", "Desa Satu", "2024", "0.9", "0.9", "0.9", "0.9", "MAJU"],
               ["6504022002", "Desa Dua", "2024", "0.5", "0.5", "0.5", "0.5", "TERTINGGAL"]]),
     expect="parses", rows=2, rejected=0, rules=["idm_status_mismatch"], values={"status": ["MAJU", "TERTINGGAL"]})
case("idm_boundaries_consistent.csv", "idm_summary",
     csv_text([IDM_HEAD, ["6504022001", "Desa Satu", "2024", "0.7072", "0.7072", "0.7072", "0.7072", "BERKEMBANG"],
               ["6504022002", "Desa Dua", "2024", "0.4907", "0.4907", "0.4907", "0.4907", "SANGAT TERTINGGAL"],
               ["6504022003", "Desa Tiga", "2024", "0.8156", "0.8156", "0.8156", "0.8156", "MANDIRI"]]),
     expect="parses", rows=3, rejected=0)  # no warning: both checks find nothing where nothing is wrong
case("region_mismatch.csv", "coop",
     csv_text([["ID Koperasi", "Kode Desa", "Kabupaten/Kota", "Jumlah Anggota"], ["K1", "65.01.01.2001", "KAB. BULUNGAN", "10"],
               ["K2", "65.01.01.2002", "Kabupaten Nunukan", "5"], ["K3", "65.03.13.2001", "Nunukan", "5"]]),
     expect="parses", rows=3, rejected=0, region_rows=[3],
     values={"kode_desa": ["65.01.01.2001", "65.01.01.2002", "65.03.13.2001"]})
case("multi_select_partners.csv", "coop",
     csv_text([["ID Koperasi", "Kode Desa", "Jumlah Anggota", "Mitra yang Sudah Ada"],
               ["K1", "6501012001", "10", "pertamina bulog bri"], ["K2", "6501012001", "10", "Kimia Farma, Telkomsel dan BNI"],
               ["K3", "6501012001", "10", "pangkalan_lpg kimia_farma"]]),
     expect="parses", rows=3, rejected=0, clean_kind="survey",
     clean_values={"partners_existing": ["pertamina;bulog;bank", "pharmacy;telkomsel;bank", "pertamina;pharmacy"]})

# ------------------------------------------------------------------ issue 15: personal data
case("contact_in_partners.csv", "coop",
     csv_text([["ID Koperasi", "Kode Desa", "Jumlah Anggota", "Mitra yang Sudah Ada"],
               ["K1", "6501012001", "10", f"Bulog; kontak Pak {NAME} {PHONE}"],
               ["K2", "6501012001", "10", f"email {EMAIL}"]]),
     expect="parses", rows=2, rejected=0, clean_kind="survey", audit_rules=["partner_unknown"],
     clean_values={"partners_existing": ["bulog", ""]}, no_pii=[NAME, PHONE, EMAIL, "3456-7890"])
case("nik_in_village_code.csv", "coop", csv_text([["ID Koperasi", "Kode Desa", "Jumlah Anggota"], ["K1", NIK, "10"],
                                                  ["K2", "6501012001", "10"]]),
     expect="parses", rows=2, rejected=0, values={"kode_desa": ["<NA>", "65.01.01.2001"]}, rules=["bad_code"],
     no_pii=[NIK])
case("pii_everywhere.csv", "coop",
     csv_text([["ID Koperasi", "Kode Desa", "Jumlah Anggota", "Nama Ketua", "NIK Ketua", "No HP Ketua", "Catatan"],
               ["K1", "6501012001", "10", NAME, NIK, PHONE, f"ketua Bu Siti Aminah, {EMAIL}"],
               ["K2", NIK, PHONE, "Sdr. Joko", "6501012345678902", PHONE2, "Pak Ahmad 081298765432"]]),
     expect="parses", rows=2, rejected=0, rules=["bad_code", "personal_number"], clean_kind="survey",
     no_pii=[NAME, NIK, PHONE, PHONE2, EMAIL, "Siti Aminah", "Joko", "Ahmad", "081298765432", "6501012345678902"])
case("total_row_with_contact.csv", "coop",
     csv_text([["ID Koperasi", "Kode Desa", "Jumlah Anggota"], ["K1", "6501012001", "10"],
               [f"TOTAL (dihitung oleh Pak {NAME} {PHONE})", "", "10"]]),
     expect="parses", rows=1, rejected=1, reason=["total_row"], no_pii=[NAME, PHONE])

# ------------------------------------------------------------------ issue 15: readers
case("unclosed_quote.csv", "coop",
     csv_text([["ID Koperasi", "Kode Desa", "Jumlah Anggota", "Catatan"], ["K1", "6501012001", "10", "ok"]])
     + f'K2,6501012001,"10,Pak {NAME} {NIK} {PHONE}\nK3,6501012001,4,x\n',
     expect="InputError", message=["line 3", "column 3", "Jumlah Anggota", "never closed"],
     not_in_message=["required column", NAME, NIK, PHONE, "3456"])
case("quote_swallows_rows.csv", "coop",
     'ID Koperasi,Kode Desa,Jumlah Anggota\nK1,6501012001,"10\nK2,6501012001,4\nK3,6501012001,5\nK4,6501012001,6"\n'
     'K5,6501012001,7\n',
     expect="InputError", message=["line 2", "swallowing", "remove the stray quote"], not_in_message=["required column"])
case("quote_in_header.csv", "coop", '"ID Koperasi,Kode Desa,Jumlah Anggota\nK1,6501012001,10\nK2,6501012001,4\n',
     expect="InputError", message=["line 1", "never closed"], not_in_message=["required column"])
case("pdf_named_csv.csv", "coop", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", expect="InputError",
     message=["PDF", "CSV UTF-8"])
case("html_saved_as.xls", "coop",
     "<html><body><table><tr><td>ID Koperasi</td><td>Kode Desa</td></tr></table></body></html>",
     expect="InputError", message=["web page", "HTML", ".xlsx"])
case("old_excel_97.xls", "coop", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, expect="InputError",
     message=["Excel 97-2003", ".xlsx", "CSV UTF-8"])
case("old_excel_renamed.csv", "coop", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, expect="InputError",
     message=["Excel 97-2003"])


# ------------------------------------------------------------------ XLSX cases (built with openpyxl)
def _wb():
    import openpyxl

    wb = openpyxl.Workbook()
    wb.properties.creator = "kaltara-study bad corpus"
    wb.properties.created = wb.properties.modified = dt.datetime(2025, 1, 1)
    return wb


def xlsx_ok(path: Path) -> None:
    wb = _wb()
    ws = wb.active
    ws.title = "Survei"
    ws.append(COOP_HEAD)
    ws.append(["KOP-001", 6501012001, "Kabupaten Bulungan", 25, 1250000, 5000000.5, "Ya", True,
               dt.datetime(2025, 8, 12), "Milik Sendiri"])
    ws.append(["KOP-002", "65.01.01.2002", "KAB. BULUNGAN", 1250.0, "Rp 1,2 juta", "3 M", "Tidak", False, 45881, "Sewa"])
    wb.save(path)


def xlsx_title_merged(path: Path) -> None:
    wb = _wb()
    ws = wb.active
    ws.title = "Rekap"
    ws.append(["REKAP SURVEI KOPERASI 2025"])
    ws.merge_cells("A1:J1")
    ws.append([])
    ws.append(group)
    ws.merge_cells("A3:C3")
    ws.merge_cells("D3:F3")
    ws.append(sub)
    for r in coop_rows(2):
        ws.append(r)
    wb.save(path)


def xlsx_errors(path: Path) -> None:
    wb = _wb()
    ws = wb.active
    ws.append(["ID Koperasi", "Kode Desa", "Jumlah Anggota", "Modal Sendiri (Rp)", "Total Aset (Rp)"])
    ws.append(["A", "6501012001", 3, "#DIV/0!", "#N/A"])
    ws.append(["B", "6501012001", "#VALUE!", 100.5, 1.125])
    wb.save(path)


def xlsx_serial_dates(path: Path) -> None:
    wb = _wb()
    ws = wb.active
    ws.append(["ID Koperasi", "Kode Desa", "Jumlah Anggota", "Tanggal RAT Terakhir"])
    ws.append(["A", "6501012001", 1, 45881])
    ws.append(["B", "6501012001", 1, 45597.0])
    ws.append(["C", "6501012001", 1, dt.date(2025, 8, 12)])
    wb.save(path)


def xlsx_two_sheets(path: Path) -> None:
    wb = _wb()
    ws = wb.active
    ws.title = "Petunjuk"
    ws.append(["Isi lembar 'Data'. Jangan ubah judul kolom."])
    ws2 = wb.create_sheet("Data")
    ws2.append(["ID Koperasi", "Kode Desa", "Jumlah Anggota"])
    ws2.append(["A", "6501012001", 10])
    wb.save(path)


def xlsx_empty(path: Path) -> None:
    wb = _wb()
    wb.save(path)


def xlsx_idm_wide(path: Path) -> None:
    wb = _wb()
    ws = wb.active
    ws.title = "IDM"
    ws.append(["STATUS IDM DESA — CONTOH SINTETIS"])
    ws.append(["KODE DESA", "NAMA DESA", "IKS 2023", "IKE 2023", "IKL 2023", "NILAI IDM 2023", "STATUS IDM 2023",
               "IKS 2024", "IKE 2024", "IKL 2024", "NILAI IDM 2024", "STATUS IDM 2024"])
    ws.append(["6599012001", "CONTOH SATU", "0,8000", "0,7000", "0,6000", "0,7000", "BERKEMBANG",
               0.9, 0.8, 0.7, 0.8, "MAJU"])
    ws.append(["6599012002", "CONTOH DUA", "0,5000", "0,5000", "0,5000", "0,5000", "TERTINGGAL",
               "0,5", "0,5", "0,5", "0,5", "SANGAT MAJU"])
    wb.save(path)


def xlsx_uncached_formulas(path: Path) -> None:
    wb = _wb()
    ws = wb.active
    ws.append(["ID Koperasi", "Kode Desa", "Jumlah Anggota", "Total Aset (Rp)"])
    ws.append(["A", "6501012001", 3, "=D3*2"])
    ws.append(["B", "6501012001", 4, 1000])
    wb.save(path)


case("xlsx_uncached_formulas.xlsx", "coop", xlsx_uncached_formulas, expect="InputError",
     message=["formula cells without a saved result", "D2", "open it in Excel"])
case("xlsx_ok.xlsx", "coop", xlsx_ok, expect="parses", rows=2, rejected=0,
     values={"kode_desa": ["65.01.01.2001", "65.01.01.2002"], "members": [25, 1250],
             "own_capital_rp": [1250000.0, 1200000.0], "assets_rp": [5000000.5, 3e9], "unit_sembako": [True, False],
             "last_rat_date": ["2025-08-12", "2025-08-12"], "_row": [2, 3]})
case("xlsx_title_merged_two_row_header.xlsx", "coop", xlsx_title_merged, expect="parses", rows=2, rejected=0,
     values={"coop_id": ["KOP-001", "KOP-002"], "members": [25, 1250], "_row": [5, 6]})
case("xlsx_excel_errors.xlsx", "coop", xlsx_errors, expect="parses", rows=2, rejected=0,
     values={"members": [3, "<NA>"], "own_capital_rp": ["<NA>", 100.5], "assets_rp": ["<NA>", 1.125]},
     rules=["excel_error"])
case("xlsx_serial_dates.xlsx", "coop", xlsx_serial_dates, expect="parses", rows=3, rejected=0,
     values={"last_rat_date": ["2025-08-12", "2024-11-01", "2025-08-12"]})
case("xlsx_two_sheets.xlsx", "coop", xlsx_two_sheets, sheet="Data", expect="parses", rows=1, rejected=0,
     values={"members": [10]})
case("xlsx_instructions_sheet_first.xlsx", "coop", xlsx_two_sheets, expect="parses", rows=1, rejected=0,
     values={"members": [10], "_row": [2]})  # no sheet given: the first sheet holding a table is read
case("xlsx_empty_sheet.xlsx", "coop", xlsx_empty, expect="InputError", message=["empty"])
case("idm_wide.xlsx", "idm_wide", xlsx_idm_wide, expect="parses", rows=3, rejected=1,
     values={"kode_desa_kemendesa": ["65.99.01.2001", "65.99.01.2001", "65.99.01.2002"], "tahun": [2023, 2024, 2023],
             "IKS": [0.8, 0.9, 0.5], "IDM": [0.7, 0.8, 0.5], "status": ["BERKEMBANG", "MAJU", "TERTINGGAL"]},
     rules=["isin"], reason=["status=SANGAT MAJU"])


def _zip(members: dict[str, bytes]):
    def write(path: Path) -> None:
        import zipfile

        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, data in members.items():
                zf.writestr(name, data)
    return write


_ODS = {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
        "content.xml": b"<?xml version='1.0'?><office:document-content/>", "META-INF/manifest.xml": b"<manifest/>"}
_NUMBERS = {"Index/Document.iwa": b"\x00\x01", "Metadata/Properties.plist": b"<plist/>"}


def xlsx_formula_empty_string(path: Path) -> None:
    """A workbook Excel calculated: a formula whose result is "" has an empty cached string (t="str")."""
    import zipfile

    wb = _wb()
    ws = wb.active
    ws.title = "Data"
    ws.append(["ID Koperasi", "Kode Desa", "Jumlah Anggota", "Total Aset (Rp)"])
    ws.append(["A", "6501012001", 3, '=IF(C2>5,C2*1000,"")'])
    ws.append(["B", "6501012001", 8, "=IF(C3>5,C3*1000,\"\")"])
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    sheet = re.sub(r'<c r="D2"><f>(.*?)</f><v\s*/></c>', r'<c r="D2" t="str"><f>\1</f><v></v></c>', sheet)
    sheet = re.sub(r'<c r="D3"><f>(.*?)</f><v\s*/></c>', r'<c r="D3"><f>\1</f><v>8000</v></c>', sheet)
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def xlsx_no_header_sheet(path: Path) -> None:
    wb = _wb()
    ws = wb.active
    ws.title = "Angka"
    ws.append([1, 2, 3])
    ws.append([4, 5, 6])
    wb.save(path)


case("ods_spreadsheet.ods", "coop", _zip(_ODS), expect="InputError", message=["OpenDocument", "LibreOffice", ".xlsx"])
case("ods_renamed.xlsx", "coop", _zip(_ODS), expect="InputError", message=["OpenDocument"])
case("apple_numbers.numbers", "coop", _zip(_NUMBERS), expect="InputError", message=["Apple Numbers", "Export To"])
case("archive_named.dat", "coop", _zip({"data/a.csv": b"x,y\n1,2\n"}), expect="InputError",
     message=["zip archive", "unzip"])
case("workbook_named.dat", "coop", xlsx_two_sheets, expect="parses", rows=1, rejected=0, values={"members": [10]})
case("xlsx_formula_empty_string.xlsx", "coop", xlsx_formula_empty_string, expect="parses", rows=2, rejected=0,
     values={"members": [3, 8], "assets_rp": ["<NA>", 8000.0]})
case("xlsx_no_header_names_sheet.xlsx", "coop", xlsx_no_header_sheet, expect="InputError",
     message=["xlsx_no_header_names_sheet.xlsx", "sheet 'Angka'", "no header row"])


# ------------------------------------------------------------------ writer
def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f'"{k}" = {_toml_value(x)}' for k, x in v.items()) + " }"
    raise TypeError(v)


def _fix_zip_times(path: Path) -> None:
    """Rewrite an XLSX (a zip) with fixed entry timestamps so regeneration is byte-identical."""
    import zipfile

    with zipfile.ZipFile(path) as zin:
        entries = [(i, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for info, data in entries:
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            zout.writestr(fixed, data)


def write_corpus(folder: Path = HERE) -> list[Path]:
    """Write every case file and EXPECTED.toml into ``folder``; return the written paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    lines = ["# Generated by make_corpus.py — expectations of the bad-input corpus (see its docstring).",
             f"known_codes = {_toml_value(KNOWN_CODES)}", ""]
    for c in CASES:
        path = folder / c["file"]
        content = c["content"]
        if callable(content):
            content(path)
            _fix_zip_times(path)
        else:
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        written.append(path)
        lines.append("[[case]]")
        for k, v in c.items():
            if k != "content":
                lines.append(f"{k} = {_toml_value(v)}")
        lines.append("")
    manifest = folder / "EXPECTED.toml"
    manifest.write_text("\n".join(lines), encoding="utf-8")
    return [*written, manifest]


if __name__ == "__main__":
    out = write_corpus()
    print(f"wrote {len(out) - 1} corpus files and EXPECTED.toml to {HERE}")
