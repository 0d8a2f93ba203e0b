"""Personal data never leaves data/raw: the scrubber, and every output of the data layer's writers,
parsers, validation and cleaning with personal data planted in random cells."""

from __future__ import annotations

import csv
import io
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaltara_study import pii
from kaltara_study.data.clean import clean_source
from kaltara_study.data.parse import parse_code_desa, parse_int, parse_number, parse_rupiah
from kaltara_study.data.processed import write_processed
from kaltara_study.data.read import read_table
from kaltara_study.data.sources import load_source
from kaltara_study.data.write import save_xlsx, write_table
from kaltara_study.errors import DataError, InputError
from tests.test_bad_corpus import ALIASES, KEYS_, SCHEMAS

import datetime as dt


# ------------------------------------------------------------------ what is masked
@pytest.mark.parametrize("text, masked", [
    ("NIK 6501012345678901", "NIK [NIK]"),
    ("nik:6501 0123 4567 8901.", "nik:[NIK]."),
    ("0812-3456-7890", "[TELEPON]"),
    ("0812 3456 789", "[TELEPON]"),
    ("+62 812 3456 7890", "[TELEPON]"),
    ("+62-812-3456-7890", "[TELEPON]"),
    ("6281234567890", "[TELEPON]"),
    ("(0552) 21234", "[TELEPON]"),
    ("WA 081234567890/081298765432", "WA [TELEPON]/[TELEPON]"),
    ("81234567890", "[TELEPON]"),                       # Excel dropped the leading 0
    ("budi.santoso@contoh.id", "[EMAIL]"),
    ("kontak Pak Budi Santoso", "kontak Pak [NAMA]"),
    ("Bu Ani dan Bapak H. Rahmat", "Bu [NAMA] dan Bapak H. [NAMA]"),  # the honorific H. (Haji) stays
    ("Sdr. Joko, Sdri. Rina", "Sdr. [NAMA], Sdri. [NAMA]"),
    ("Ibu Siti hp 0813 1111 2222", "Ibu [NAMA] hp [TELEPON]"),
])
def test_personal_data_is_masked(text, masked):
    assert pii.scrub_text(text) == masked
    assert pii.contains_pii(text)


@pytest.mark.parametrize("text", [
    "65.01.01.2001", "6501012001", "6504022001.0", "65.01.01", "65.01", "6501", "650101", "6501010",
    "8101012001",                                      # a 10-digit code of Maluku (81)
    "52976", "123456", "KDMP-6501012001-1", "KDMP-6501012001-12",
    "Rp 1.250.000", "Rp 81.250.000.000", "1.250.000,50", "1,250,000.50", "0.86857142857143", "0,8123456789",
    "12 Agustus 2025", "2025-08-12 10:30:00", "12-08-2025", "45881", "2024", "1.5E+06",
    "Bunyu Barat", "KAB. BULUNGAN", "Kopdes Merah Putih Sebatik", "Tanjung Palas Utara",
])
def test_codes_ids_amounts_and_dates_are_not_masked(text):
    assert pii.scrub_text(text) == text
    assert not pii.contains_pii(text)


def test_scrub_frame_masks_cells_names_and_keeps_clean_frames_untouched():
    clean = pd.DataFrame({"kode": ["6501012001"], "village_id": [52976], "modal": [1.25e6]})
    assert pii.scrub_frame(clean) is clean
    dirty = pd.DataFrame({"catatan": ["Pak Budi 081234567890"], "members": pd.array([81234567890], dtype="Int64"),
                          "nik": [6501012345678901], "kode": ["6501012001"]})
    out = pii.scrub_frame(dirty)
    assert out.iloc[0].tolist() == ["Pak [NAMA] [TELEPON]", "[TELEPON]", "[NIK]", "6501012001"]
    assert dirty.iloc[0, 0] == "Pak Budi 081234567890"  # input not mutated


# ------------------------------------------------------------------ planted personal data, every output
FIRST = ["Budi", "Siti", "Ahmad", "Rina", "Joko", "Yohanes", "Dewi", "Agus"]
LAST = ["Santoso", "Aminah", "Rahmat", "Wulandari", "Saputra", "Lenjau", "Ibrahim"]
TITLES = ["Pak", "Bu", "Bapak", "Ibu", "Sdr.", "Sdri."]


@st.composite
def nik(draw):
    return "65" + "".join(str(draw(st.integers(0, 9))) for _ in range(14))


@st.composite
def phone(draw):
    body = "8" + str(draw(st.integers(1, 9))) + "".join(str(draw(st.integers(0, 9)))
                                                        for _ in range(draw(st.integers(7, 9))))
    prefix = draw(st.sampled_from(["0", "62", "+62 ", "+62-", "0"]))
    sep = draw(st.sampled_from(["", "-", " ", "."]))
    groups = [body[:3], body[3:7], body[7:]] if sep else [body]
    return prefix + sep.join(groups)


@st.composite
def email(draw):
    user = draw(st.sampled_from(FIRST)).lower() + draw(st.sampled_from([".", "_", ""])) + \
        draw(st.sampled_from(LAST)).lower() + str(draw(st.integers(0, 99)))
    return f"{user}@{draw(st.sampled_from(['gmail.com', 'yahoo.co.id', 'contoh.id']))}"


@st.composite
def titled_name(draw):
    name = draw(st.sampled_from(FIRST)) + " " + draw(st.sampled_from(LAST))
    return draw(st.sampled_from(TITLES)) + " " + name, name


@st.composite
def planted(draw):
    """(cell text, the secret strings that must never be written)."""
    kind = draw(st.sampled_from(["nik", "phone", "email", "name", "mix"]))
    if kind == "nik":
        v = draw(nik())
        return v, [v]
    if kind == "phone":
        v = draw(phone())
        return v, [v, "".join(ch for ch in v if ch.isdigit())[-8:]]
    if kind == "email":
        v = draw(email())
        return v, [v]
    t, name = draw(titled_name())
    if kind == "name":
        return f"kontak {t}", [name]
    p = draw(phone())
    return f"{t} {p}", [name, p]


HEAD = ["ID Koperasi", "Kode Desa", "Kabupaten/Kota", "Jumlah Anggota", "Modal Sendiri (Rp)", "NPWP",
        "Mitra yang Sudah Ada", "Catatan"]
BASE = ["KOP-{i}", "6501012001", "Kabupaten Bulungan", "25", "Rp 1.250.000", "Ya", "Bulog; BRI", "baik"]


#: members of every saved workbook that hold no cell, sheet name or document property
XLSX_BOILERPLATE = {"xl/styles.xml", "xl/theme/theme1.xml"}


def _outputs_of_a_load(path, tmp_path) -> str:
    """Everything the data layer writes or says for one file: report, rejected rows, audit, cleaned
    table (CSV, parquet, XLSX via the processed writer and save_xlsx), or the error message."""
    try:
        res = load_source(path, "coop", schemas=SCHEMAS, aliases=ALIASES, keys=KEYS_)
    except (InputError, DataError) as exc:
        return str(exc) + "\n" + repr(getattr(exc, "problems", ""))
    cleaned = clean_source(res.frame, "survey", file=res.file, n_read=res.n_records, rejected_at_load=res.rejected)
    out = tmp_path / "processed"
    write_processed(out, table=cleaned.frame, villages=cleaned.frame.head(0), audit=cleaned.audit,
                    validation=res.report, load_summary=pd.DataFrame([cleaned.summary()]),
                    manifest={"files": [res.file]}, synthetic=False)
    wb = openpyxl.Workbook()
    ws = wb.active
    for df in (res.report, res.rejected, cleaned.audit, cleaned.frame):
        ws.append([str(c) for c in df.columns])
        for row in df.astype(object).itertuples(index=False):
            ws.append([None if (not isinstance(v, str) and pd.isna(v)) else (v if isinstance(v, (str, int, float))
                                                                           else str(v)) for v in row])
    save_xlsx(wb, tmp_path / "book.xlsx", fixed_time=dt.datetime(2025, 1, 1))
    texts = [p.read_bytes().decode("latin-1") for p in out.iterdir() if p.is_file()]
    with zipfile.ZipFile(tmp_path / "book.xlsx") as zf:  # not the style and theme boilerplate, whose
        # colour table (rgb="00000000") would match a planted phone's last eight digits
        texts += [zf.read(n).decode("utf-8") for n in zf.namelist() if n not in XLSX_BOILERPLATE]
    # parquet pages may be compressed: read them back too
    texts += [pd.read_parquet(out / "cooperatives.parquet").to_csv()]
    return "\n".join(texts)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, len(HEAD) - 1), planted()), min_size=1, max_size=6),
       st.sampled_from([",", ";"]), st.booleans())
def test_planted_personal_data_never_reaches_an_output(tmp_path_factory, plants, sep, break_quote):
    tmp_path = tmp_path_factory.mktemp("pii")
    rows = [[c.format(i=i) for c in BASE] for i in range(4)]
    secrets = []
    for r, c, (text, secret) in plants:
        rows[r][c] = text if c != 6 else f"Bulog; {text}"
        secrets += secret
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    w.writerow(HEAD)
    w.writerows(rows)
    content = buf.getvalue()
    if break_quote:  # a stray quote before the planted value: the error must not echo the line
        r, c, _ = plants[0]
        lines = content.split("\n")
        cells = next(csv.reader([lines[r + 1]], delimiter=sep))
        cells[c] = '"' + cells[c].replace('"', "")
        lines[r + 1] = sep.join(x.replace('"', "") if i != c else x for i, x in enumerate(cells))
        content = "\n".join(lines)
    path = tmp_path / "survei.csv"
    path.write_text(content, encoding="utf-8")
    written = _outputs_of_a_load(path, tmp_path)
    for s in secrets:
        assert s not in written, f"{s!r} reached an output"


@settings(max_examples=60, deadline=None)
@given(st.lists(planted(), min_size=1, max_size=5))
def test_parser_error_tables_never_hold_personal_data(plants):
    cells = pd.Series([t for t, _ in plants] + ["12", "x"], dtype=object)
    secrets = [s for _, ss in plants for s in ss]
    for parser in (parse_int, parse_number, parse_rupiah, parse_code_desa):
        res = parser(cells, column="c", file="f.csv")
        text = res.errors.to_csv()
        try:
            res.raise_if_errors()
        except DataError as exc:
            text += str(exc) + repr(exc.problems)
        for s in secrets:
            assert s not in text, (parser.__name__, s)
        # a phone or NIK is never read as a quantity
        if parser is not parse_code_desa:
            v = pd.to_numeric(res.values, errors="coerce")
            assert not ((v.abs() >= 1e9) & v.notna()).any(), res.values.tolist()


def test_write_table_and_xlsx_mask_every_planted_value(tmp_path):
    df = pd.DataFrame({"Kontak Pak Budi": ["Bu Ani 0813-1111-2222"], "n": [6501012345678901],
                       "kode": ["65.01.01.2001"]})
    text = write_table(df, tmp_path / "t.csv").read_text(encoding="utf-8")
    assert "Budi" not in text and "Ani" not in text and "1111" not in text and "6501012345678901" not in text
    assert "65.01.01.2001" in text
    wb = openpyxl.Workbook()
    wb.active.title = "Pak Budi"
    wb.active.append(["Bu Ani 0813-1111-2222", 6501012345678901, 52976])
    save_xlsx(wb, tmp_path / "b.xlsx", fixed_time=dt.datetime(2025, 1, 1))
    back = openpyxl.load_workbook(tmp_path / "b.xlsx")
    assert back.sheetnames == ["Pak (NAMA)"]
    assert [c.value for c in back.active[1]] == ["Bu [NAMA] [TELEPON]", "[NIK]", 52976]


def test_reader_errors_never_echo_personal_data(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text('ID Koperasi,Kode Desa,Jumlah Anggota\nK1,6501012001,"Pak Budi 081234567890\n', encoding="utf-8")
    with pytest.raises(InputError) as ei:
        read_table(p)
    assert "Budi" not in str(ei.value) and "081234567890" not in str(ei.value)
    assert "line 2" in str(ei.value) and "Jumlah Anggota" in str(ei.value)


def test_scrub_series_is_fast_on_a_large_clean_column():
    s = pd.Series(np.tile(np.array(["6501012001", "Rp 1.250.000", "Ya", "-"], dtype=object), 50_000))
    assert pii.scrub_series(s) is s


def test_phone_followed_by_a_comma_in_an_echoed_line_is_masked():
    """Found by the planted-data property test: an error echoing the CSV line '…,"0810000000,25,…'
    kept the phone because ',25' looked like the decimals of a number (no number starts with 0)."""
    from kaltara_study.pii import scrub_text

    assert scrub_text('65.01.01.2001,"0810000000,25,Rp 1.250.000') == '65.01.01.2001,"[TELEPON],25,Rp 1.250.000'
    assert scrub_text("1234567890,5") == "1234567890,5"  # the integer part of a decimal number stays


@pytest.mark.parametrize("text, masked", [
    # a CSV row a broken quote turned into one "header" that an error message listed
    ("6593750431230164,6501012001,Kabupaten Bulungan", "[NIK],6501012001,Kabupaten Bulungan"),
    ("KOP-3,6501012001,6560533115598122,Bulog", "KOP-3,6501012001,[NIK],Bulog"),
    ('KOP-0,6501012001,"62835.8664.5572,25,Rp 1.250.000', 'KOP-0,6501012001,"[TELEPON],25,Rp 1.250.000'),
    ("KOP-1,0812-3456-7890,Kab", "KOP-1,[TELEPON],Kab"),
])
def test_identifiers_glued_to_a_comma_are_masked(text, masked):
    """Found by a longer run of the planted-data property test (1,600 examples): a NIK or a mobile
    number right after or before a comma kept its digits, because a comma next to digits looked like
    the decimal mark of a quantity."""
    assert pii.scrub_text(text) == masked


@pytest.mark.parametrize("text", ["117.1234567890123456", "2.8471234567890123", "0,8123456789", "1234567890,5"])
def test_decimals_with_many_digits_are_not_identifiers(text):
    assert pii.scrub_text(text) == text
