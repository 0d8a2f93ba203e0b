"""read_table: encodings, delimiters, title rows, two-row headers, XLSX cells, _row numbering."""

from __future__ import annotations

import codecs
import datetime as dt
import os

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaltara_study.errors import InputError
from kaltara_study.data.read import normalise_header, read_table
from kaltara_study.data.parse import parse_number

ROWS = [["Kode Desa", "Nama Desa", "Modal (Rp)"],
        ["6501012001", "Bunyu Barat", "1.250.000,50"],
        ["6501012002", "Sekatak Buji", "2.000"]]


def write_text(path, rows, *, sep=",", encoding="utf-8", bom=False, prefix=""):
    body = prefix + "\n".join(sep.join(f'"{c}"' if sep in c else c for c in r) for r in rows) + "\n"
    data = body.encode(encoding)
    if bom:
        data = codecs.BOM_UTF8 + data
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
@pytest.mark.parametrize("encoding, bom", [("utf-8", False), ("utf-8", True), ("cp1252", False)])
def test_separators_and_encodings(tmp_path, sep, encoding, bom):
    rows = [r[:] for r in ROWS]
    rows[2][1] = "Sekatak Bují"  # non-ASCII, encodes differently in cp1252 and UTF-8
    f = write_text(tmp_path / "t.csv", rows, sep=sep, encoding=encoding, bom=bom)
    t = read_table(f)
    assert t.sep == sep
    assert t.encoding == {("utf-8", True): "utf-8-sig", ("utf-8", False): "utf-8",
                          ("cp1252", False): "cp1252"}[(encoding, bom)]
    assert list(t.frame.columns) == ["kode_desa", "nama_desa", "modal_rp", "_row"]
    assert t.frame["nama_desa"].tolist() == ["Bunyu Barat", "Sekatak Bují"]
    assert t.frame["modal_rp"].tolist() == ["1.250.000,50", "2.000"]
    assert t.frame["_row"].tolist() == [2, 3]


def test_title_rows_blank_lines_and_row_numbers(tmp_path):
    f = write_text(tmp_path / "t.csv", [["LAPORAN KOPERASI DESA MERAH PUTIH"], ["Sumber: Dinas Koperasi"], [""],
                                        *ROWS[:2], ["", "", ""], ROWS[2], ["", "", ""]], sep=";")
    t = read_table(f)
    assert t.header_row == 4
    assert t.frame["_row"].tolist() == [5, 7]  # blank row 6 and trailing blanks dropped, numbering kept
    assert t.frame["kode_desa"].tolist() == ["6501012001", "6501012002"]


def test_two_row_header_joined(tmp_path):
    rows = [["", "Identitas", "", "Keuangan", ""],
            ["No", "Kode Desa", "Nama", "Modal", "Aset"],
            ["1", "6501012001", "Bunyu", "100", "200"]]
    t = read_table(write_text(tmp_path / "t.csv", rows))
    assert t.header_rows == 2 and t.header_row == 2
    assert list(t.frame.columns)[:-1] == ["no", "identitas_kode_desa", "identitas_nama", "keuangan_modal",
                                          "keuangan_aset"]
    assert t.frame["_row"].tolist() == [3]
    one = read_table(tmp_path / "t.csv", header_rows=1)  # the group row is then a title row
    assert one.header_rows == 1 and list(one.frame.columns)[:2] == ["no", "kode_desa"]


def test_vertically_merged_label_does_not_span(tmp_path):
    rows = [["No", "Nama", "Keuangan", ""], ["", "", "Modal", "Aset"], ["1", "A", "5", "6"]]
    t = read_table(write_text(tmp_path / "t.csv", rows))
    assert list(t.frame.columns)[:-1] == ["no", "nama", "keuangan_modal", "keuangan_aset"]


def test_single_header_with_text_rows_is_not_two_rows(tmp_path):
    rows = [["kode", "nama"], ["65.01", "Kabupaten Bulungan"], ["65.02", "Kabupaten Malinau"]]
    t = read_table(write_text(tmp_path / "t.csv", rows))
    assert t.header_rows == 1 and len(t.frame) == 2


def test_duplicate_and_empty_headers(tmp_path):
    rows = [["Nama", "nama", "", "x"], ["a", "b", "c", "12"]]
    t = read_table(write_text(tmp_path / "t.csv", rows))
    assert list(t.frame.columns) == ["nama", "nama_2", "unnamed_3", "x", "_row"]


def test_trailing_empty_columns_dropped(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("a,b,,\n1,2,,\n3,4,,\n", encoding="utf-8")
    assert list(read_table(f).frame.columns) == ["a", "b", "_row"]


@pytest.mark.parametrize("content, words", [
    (b"", ["empty"]),
    (b"\n\n  \n", ["empty"]),
    (codecs.BOM_UTF8, ["empty"]),
    (b"a,b\n\x81\x8d,2\n", ["cannot decode", "line 2", "0x81", "UTF-8"]),
    (codecs.BOM_UTF8 + b"a,b\n\xe9,2\n", ["byte-order mark", "0xe9", "line 2"]),
    (b"a\x00b\x00\n", ["NUL"]),
    (b"1,2,3\n4,5,6\n", ["no header row"]),
])
def test_unusable_text_files_raise_input_error(tmp_path, content, words):
    f = tmp_path / "bad.csv"
    f.write_bytes(content)
    with pytest.raises(InputError) as ei:
        read_table(f)
    msg = str(ei.value)
    assert msg.startswith("bad.csv:")
    for w in words:
        assert w in msg


def test_missing_file_and_xls(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_table(tmp_path / "nope.csv")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match="save it as .xlsx"):
        read_table(tmp_path / "old.xls")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(InputError, match="not a readable XLSX"):
        read_table(tmp_path / "broken.xlsx")


def make_xlsx(path, rows, *, title="Data", extra_sheet=False):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    if extra_sheet:
        wb.create_sheet("Kedua").append(["kode", "nilai"])
        wb["Kedua"].append(["x", 1])
    wb.save(path)
    return path


def test_xlsx_cells_become_text(tmp_path):
    f = make_xlsx(tmp_path / "s.xlsx", [
        ["REKAP SURVEI KOPERASI 2025"], [],
        ["KODE DESA", "IKS 2024", "Tgl RAT", "Aktif", "Modal", "Anggota"],
        [6501012001, 1.125, dt.datetime(2025, 8, 12), True, "Rp 1,2 juta", 1250],
        ["6501012002", "#DIV/0!", 45881, None, None, 12.0],
    ])
    t = read_table(f)
    assert t.sheet == "Data" and t.header_row == 3 and t.encoding is None
    fr = t.frame
    assert fr["kode_desa"].tolist() == ["6501012001", "6501012002"]
    assert fr["iks_2024"].tolist() == ["1.1250", "#DIV/0!"]  # made unambiguous: parses as 1.125
    assert parse_number(fr["iks_2024"], column="iks").values.iloc[0] == 1.125
    assert fr["tgl_rat"].tolist() == ["2025-08-12", "45881"]
    assert fr["aktif"].tolist() == ["TRUE", None]
    assert fr["anggota"].tolist() == ["1250", "12"]
    assert fr["_row"].tolist() == [4, 5]


def test_xlsx_sheet_choice(tmp_path):
    f = make_xlsx(tmp_path / "s.xlsx", [["a", "b"], [1, 2]], extra_sheet=True)
    assert read_table(f, sheet="Kedua").frame["kode"].tolist() == ["x"]
    assert read_table(f, sheet=1).sheet == "Kedua"
    with pytest.raises(InputError, match="no sheet 'Ketiga'.*Kedua"):
        read_table(f, sheet="Ketiga")


def test_xlsx_empty_sheet(tmp_path):
    f = make_xlsx(tmp_path / "e.xlsx", [])
    with pytest.raises(InputError, match="empty"):
        read_table(f)


def test_read_does_not_modify_the_file(tmp_path):
    f = write_text(tmp_path / "t.csv", ROWS, sep=";")
    before = f.read_bytes()
    read_table(f)
    assert f.read_bytes() == before


@pytest.mark.parametrize("raw, norm", [
    ("Kode Desa", "kode_desa"), ("  NILAI IDM 2024 ", "nilai_idm_2024"), ("Jumlah Anggota (orang)", "jumlah_anggota_orang"),
    ("Modal/Aset", "modal_aset"), ("Bumdes—Unit", "bumdes_unit"), ("Désa", "desa"), (None, ""), ("\ufeffkode", "kode"),
])
def test_normalise_header(raw, norm):
    assert normalise_header(raw) == norm


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30))
def test_normalise_header_is_idempotent_and_clean(text):
    n = normalise_header(text)
    assert normalise_header(n) == n
    assert all(c.isascii() and (c.isalnum() or c == "_") for c in n)
    assert not n.startswith("_") and not n.endswith("_") and "__" not in n


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["1.250", "Bunyu", "12,5", "Rp 3 M", "-", "Ya"]), min_size=3, max_size=3),
                min_size=1, max_size=15),
       st.sampled_from([",", ";", "\t"]))
def test_any_table_round_trips_through_text(tmp_path_factory, body, sep):
    rows = [["kode", "nama", "nilai"], *body]
    f = write_text(tmp_path_factory.mktemp("rt") / "t.csv", rows, sep=sep)
    t = read_table(f)
    expect = pd.DataFrame(body, columns=["kode", "nama", "nilai"], dtype=object)
    assert t.frame.drop(columns="_row").values.tolist() == expect.values.tolist()
    assert t.frame["_row"].tolist() == list(range(2, 2 + len(body)))


# ------------------------------------------------------------------ issue 15: formats, quotes, formulas
import zipfile as _zipfile  # noqa: E402

from kaltara_study.data.read import sniff_format  # noqa: E402


def _zip(path, members):
    with _zipfile.ZipFile(path, "w") as zf:
        for n, d in members.items():
            zf.writestr(n, d)
    return path


@pytest.mark.parametrize("name, members, words", [
    ("a.ods", {"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"},
     ["OpenDocument", "Save As"]),
    ("a.xlsx", {"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"},
     ["OpenDocument"]),
    ("a.numbers", {"Index/Document.iwa": "x"}, ["Apple Numbers"]),
    ("a.dat", {"x.csv": "a,b"}, ["zip archive"]),
    ("a.docx", {"word/document.xml": "<w/>"}, ["Word document"]),
])
def test_unsupported_zip_formats_are_named_with_what_to_do(tmp_path, name, members, words):
    p = _zip(tmp_path / name, members)
    with pytest.raises(InputError) as ei:
        read_table(p)
    for w in words:
        assert w in str(ei.value)
    assert str(ei.value).startswith(name)


def test_workbook_under_any_name_is_read(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["kode_desa", "nama"])
    wb.active.append(["6501012001", "Bunyu Barat"])
    wb.save(tmp_path / "w.xlsx")
    p = tmp_path / "export.dat"
    p.write_bytes((tmp_path / "w.xlsx").read_bytes())
    assert sniff_format(p) == "xlsx"
    assert read_table(p).frame["nama"].tolist() == ["Bunyu Barat"]


def test_folder_named_like_a_file_is_explained(tmp_path):
    d = tmp_path / "survei.numbers"
    d.mkdir()
    with pytest.raises(InputError, match="folder"):
        read_table(d)


def test_formula_with_empty_result_is_not_uncalculated(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["a", "b"])
    wb.active.append([1, '=IF(A2>5,"x","")'])
    src = tmp_path / "f.xlsx"
    wb.save(src)
    with _zipfile.ZipFile(src) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    members["xl/worksheets/sheet1.xml"] = sheet.replace('<c r="B2"><f>', '<c r="B2" t="str"><f>').encode()
    calc = _zip(tmp_path / "calc.xlsx", members)
    assert read_table(calc).frame["b"].isna().all()
    with pytest.raises(InputError, match="never calculated"):
        read_table(src)  # the same formula without a saved result


def test_unclosed_quote_names_line_and_column_and_hides_the_line(tmp_path):
    p = tmp_path / "q.csv"
    p.write_text('kode,nama,catatan\n6501012001,"Bunyu, Barat",ok\n6501012002,Bunyu,"Pak Budi 081234567890\n'
                 "6501012003,Bunyu,x\n", encoding="utf-8")
    with pytest.raises(InputError) as ei:
        read_table(p)
    msg = str(ei.value)
    assert "line 3" in msg and "column 3" in msg and "'catatan'" in msg and "never closed" in msg
    assert "Budi" not in msg and "0812" not in msg and "required" not in msg


def test_balanced_multiline_cells_still_read(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text('kode,alamat\n6501012001,"Jl. Satu\nRT 2"\n6501012002,"Jl. ""Dua"""\n', encoding="utf-8")
    t = read_table(p)
    assert t.frame["alamat"].tolist() == ["Jl. Satu\nRT 2", 'Jl. "Dua"']


def test_header_errors_name_the_sheet(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Angka"
    wb.active.append([1, 2, 3])
    wb.save(tmp_path / "n.xlsx")
    with pytest.raises(InputError, match="sheet 'Angka'"):
        read_table(tmp_path / "n.xlsx")
    t_ok = tmp_path / "ok.xlsx"
    wb2 = openpyxl.Workbook()
    wb2.active.title = "Data"
    wb2.active.append(["a", "b"])
    wb2.active.append([1, 2])
    wb2.save(t_ok)
    assert read_table(t_ok).where == "ok.xlsx, sheet 'Data'"


def test_a_file_read_twice_is_parsed_once_and_each_reader_gets_its_own_copy(tmp_path, monkeypatch):
    """Finding a file's kind and loading it read it twice: the second read comes from the memo,
    keyed by the file's content (a rewrite within the same clock tick is still seen)."""
    from kaltara_study.data import read as R

    path = write_text(tmp_path / "a.csv", ROWS)
    calls = []
    real = R._read_table
    monkeypatch.setattr(R, "_read_table", lambda p, **kw: calls.append(p.name) or real(p, **kw))
    first = read_table(path)
    first.frame.loc[0, "nama_desa"] = "changed by the caller"
    first.original_headers["nama_desa"] = "changed"
    second = read_table(path)
    assert calls == ["a.csv"]
    assert second.frame.loc[0, "nama_desa"] == "Bunyu Barat" and second.original_headers["nama_desa"] == "Nama Desa"
    stat = path.stat()
    write_text(path, [ROWS[0], ["6501012001", "Bunyu Timur", "1.250.000,50"], ROWS[2]])  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))                          # same time
    assert read_table(path).frame.loc[0, "nama_desa"] == "Bunyu Timur" and calls == ["a.csv", "a.csv"]
    assert read_table(path, header_rows=1).frame.shape == second.frame.shape and len(calls) == 3
