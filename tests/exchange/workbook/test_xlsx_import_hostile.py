"""Strangers' workbooks: whatever arrives, the Excel import answers with a message, never a crash.

Not a zip, a damaged zip, a zip bomb, a lying zip directory, entity expansion and
external entities, an old .xls, a password-protected workbook, an OpenDocument
file with the wrong name, macros, cells beyond Excel's limits, over-long text and
numbers Python will not read: each is refused (or read safely) with a
PmdeskError that says what is wrong, before any row is imported.
"""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.exchange.workbook.xlsx_crafting import (
    SHEET,
    add_part,
    declare_size,
    replace_text,
    replace_xml,
    rewrite,
    save,
    with_prolog,
    workbook_bytes,
)
from tests.office import convert, needs_office

import pmdesk.exchange.workbook_import as workbook_import
from pmdesk.core.errors import PmdeskError
from pmdesk.exchange.importing import ImportFileError
from pmdesk.exchange.safexml import UnsafeXmlError
from pmdesk.exchange.workbook_import import read_xlsx, sheet_names

ROWS = [["Title", "Reach"], ["First", 1], ["Second", 2]]


@pytest.fixture(scope="module")
def valid() -> bytes:
    return workbook_bytes(ROWS)


def _never_parsed(monkeypatch) -> None:
    """openpyxl must not be reached: the refusal comes from the checks before it."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("openpyxl was asked to parse a refused file")

    monkeypatch.setattr("openpyxl.load_workbook", refuse)


def test_the_valid_workbook_reads(valid):
    assert read_xlsx(valid).rows == [["First", "1"], ["Second", "2"]]
    assert sheet_names(valid) == ["Sheet"]


# -- not a workbook ----------------------------------------------------------------------


def test_a_csv_named_xlsx_says_how_to_import_a_csv(tmp_path):
    path = save(tmp_path / "rows.xlsx", b"Title,Reach\nFirst,1\n")
    with pytest.raises(ImportFileError, match=r"rows.xlsx: this is not an Excel workbook.*CSV"):
        read_xlsx(path)


def test_an_old_xls_and_a_password_protected_workbook_are_named(tmp_path, monkeypatch):
    _never_parsed(monkeypatch)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    with pytest.raises(ImportFileError, match=r"old Excel 97–2003 workbook \(\.xls\).*\.xlsx"):
        read_xlsx(ole + "Workbook".encode("utf-16-le"))
    # Excel keeps a password-protected .xlsx encrypted inside a compound file like an .xls.
    locked = ole + "EncryptionInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le")
    with pytest.raises(ImportFileError, match="protected with a password.*remove the password"):
        read_xlsx(locked)


@needs_office
def test_real_xls_and_ods_files_from_libreoffice_are_named(tmp_path):
    source = tmp_path / "rows.csv"
    source.write_text("Title,Reach\nFirst,1\n", encoding="ascii")
    with pytest.raises(ImportFileError, match=r"old Excel 97–2003 workbook \(\.xls\)"):
        read_xlsx(convert(source, "xls"))
    renamed = tmp_path / "renamed.xlsx"
    renamed.write_bytes(convert(source, "ods").read_bytes())
    with pytest.raises(ImportFileError, match=r"renamed.xlsx: this is an OpenDocument spreadsheet"):
        read_xlsx(renamed)


def test_a_zip_that_is_no_workbook(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ImportFileError, match="a zip file, not an Excel workbook"):
        read_xlsx(out.getvalue())
    # A workbook's package with its workbook part missing.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(ImportFileError, match="the workbook cannot be read"):
        read_xlsx(out.getvalue())


def test_a_binary_workbook_is_named(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
    with pytest.raises(ImportFileError, match=r"Excel binary workbook \(\.xlsb\).*\.xlsx"):
        read_xlsx(out.getvalue())


@pytest.mark.parametrize("cut", [30, 200, 0.5, 0.9, -1])
def test_a_damaged_zip(valid, cut):
    at = cut if isinstance(cut, int) else int(len(valid) * cut)
    with pytest.raises(ImportFileError, match="damaged|cannot be read|not an Excel workbook"):
        read_xlsx(valid[:at])


def test_a_workbook_with_only_empty_sheets(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.create_sheet("Second")
    wb.active["C3"].number_format = "0%"  # formatted, but empty
    path = tmp_path / "empty.xlsx"
    wb.save(path)
    with pytest.raises(ImportFileError, match="empty.xlsx: every sheet of the workbook is empty"):
        read_xlsx(path)


# -- zip bombs ---------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_from_the_zip_directory_before_unpacking(valid, monkeypatch):
    _never_parsed(monkeypatch)
    bomb = declare_size(valid, SHEET, 3_000_000_000)
    started = time.perf_counter()
    with pytest.raises(ImportFileError, match="unpacks to more than pmdesk reads"):
        read_xlsx(bomb)
    assert time.perf_counter() - started < 1


def test_a_real_bomb_of_spaces_is_refused_unread(monkeypatch):
    """A sheet that packs to little and unpacks past the cap (the cap lowered to keep it quick)."""
    monkeypatch.setattr(workbook_import, "MAX_PART_BYTES", 8 * 1024 * 1024)
    padding = " " * (9 * 1024 * 1024)
    data = rewrite(
        workbook_bytes(ROWS),
        SHEET,
        lambda xml: xml.replace(b"<sheetData>", padding.encode() + b"<sheetData>"),
    )
    assert len(data) < 100_000
    _never_parsed(monkeypatch)
    with pytest.raises(ImportFileError, match="at most 8 MB unpacked"):
        read_xlsx(data)


def test_a_zip_directory_that_understates_a_part_cannot_unpack_more(valid):
    """zipfile stops at the declared size, so the part reads short and is refused as damaged."""
    liar = declare_size(valid, SHEET, 100)
    with pytest.raises(ImportFileError, match="damaged|cannot be read"):
        read_xlsx(liar)


def test_too_many_parts(valid, monkeypatch):
    monkeypatch.setattr(workbook_import, "MAX_PARTS", 5)
    with pytest.raises(ImportFileError, match="too many parts"):
        read_xlsx(valid)


# -- XML that declares things ------------------------------------------------------------

LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(9))
    + "]>"
)


@pytest.mark.parametrize(
    "member", [SHEET, "[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml"]
)
def test_entity_expansion_is_refused_in_any_part(valid, member, monkeypatch):
    _never_parsed(monkeypatch)
    bomb = rewrite(valid, member, with_prolog(LAUGHS))
    started = time.perf_counter()
    with pytest.raises(UnsafeXmlError, match=f"{re.escape(member)}.*declares a document type"):
        read_xlsx(bomb)
    assert time.perf_counter() - started < 1


def test_an_external_entity_never_reads_a_local_file(valid, tmp_path, monkeypatch):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    xxe = f'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
    crafted = rewrite(valid, SHEET, with_prolog(xxe))
    crafted = rewrite(crafted, SHEET, replace_xml("First", "&x;"))
    _never_parsed(monkeypatch)
    with pytest.raises(UnsafeXmlError) as refused:
        read_xlsx(crafted)
    assert "TOP-SECRET" not in str(refused.value)


def test_a_declaration_hidden_behind_a_long_comment_is_still_found(valid, monkeypatch):
    _never_parsed(monkeypatch)
    hidden = "<!--" + "x" * 300_000 + "-->" + LAUGHS
    with pytest.raises(UnsafeXmlError):
        read_xlsx(rewrite(valid, SHEET, with_prolog(hidden)))


def test_a_declaration_in_a_part_with_another_name_is_found(valid, monkeypatch):
    _never_parsed(monkeypatch)
    crafted = add_part(valid, "xl/extra.bin", b'<?xml version="1.0"?>' + LAUGHS.encode() + b"<x/>")
    with pytest.raises(UnsafeXmlError, match="xl/extra.bin"):
        read_xlsx(crafted)


def test_a_picture_drawn_with_a_doctype_does_not_refuse_the_workbook(valid):
    svg = (
        '<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg/>'
    )
    crafted = add_part(valid, "xl/media/image1.svg", svg.encode())
    assert read_xlsx(crafted).rows == [["First", "1"], ["Second", "2"]]


def test_binary_parts_are_not_mistaken_for_xml(valid):
    crafted = add_part(valid, "xl/media/image1.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    assert read_xlsx(crafted).rows == [["First", "1"], ["Second", "2"]]


# -- macros ------------------------------------------------------------------------------


def test_a_macro_workbook_is_read_and_its_macros_ignored(valid):
    macro_type = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    plain_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    xlsm = rewrite(
        valid,
        "[Content_Types].xml",
        lambda xml: xml.replace(plain_type.encode(), macro_type.encode()),
    )
    xlsm = add_part(
        xlsm, "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Sub Auto_Open()" * 50
    )
    assert read_xlsx(xlsm).rows == [["First", "1"], ["Second", "2"]]


# -- cells beyond the limits -------------------------------------------------------------


def test_a_row_beyond_excels_last_row_is_refused(valid):
    crafted = rewrite(valid, SHEET, replace_xml('<row r="3">', '<row r="1048577">'))
    with pytest.raises(ImportFileError, match="beyond Excel's last row"):
        read_xlsx(crafted)


@pytest.mark.parametrize("reference", ["XFE2", "ZZZZZZZZ2"])
def test_a_cell_beyond_excels_last_column_is_refused_at_once(valid, reference):
    crafted = rewrite(valid, SHEET, replace_xml('r="B2"', f'r="{reference}"'))
    started = time.perf_counter()
    with pytest.raises(ImportFileError, match="beyond Excel.s last column|not one Excel writes"):
        read_xlsx(crafted)
    assert time.perf_counter() - started < 1


def test_the_last_cell_excel_allows_reads_without_filling_the_gap(valid):
    crafted = rewrite(valid, SHEET, replace_xml('<row r="3">', '<row r="1048576">'))
    crafted = rewrite(crafted, SHEET, replace_xml('r="A3"', 'r="A1048576"'))
    crafted = rewrite(crafted, SHEET, replace_xml('r="B3"', 'r="XFD1048576"'))
    started = time.perf_counter()
    table = read_xlsx(crafted)
    assert time.perf_counter() - started < 1
    assert table.numbers == [2, 1_048_576]
    assert len(table.rows[1]) == 16_384 and table.rows[1][-1] == "2"


def test_too_many_cells_are_refused(monkeypatch):
    monkeypatch.setattr(workbook_import, "MAX_CELLS", 50)
    data = workbook_bytes([["Title", "Reach"]] + [[f"Row {n}", n] for n in range(40)])
    with pytest.raises(ImportFileError, match="more than 50 filled cells"):
        read_xlsx(data)


def test_merges_repeated_over_and_over_are_refused(valid, monkeypatch):
    monkeypatch.setattr(workbook_import, "MAX_CELLS", 1000)
    merges = "".join('<mergeCell ref="A2:A1048576"/>' for _ in range(2000))
    crafted = rewrite(
        valid,
        SHEET,
        replace_xml("</sheetData>", f'</sheetData><mergeCells count="2000">{merges}</mergeCells>'),
    )
    started = time.perf_counter()
    with pytest.raises(ImportFileError, match="more merged cells than pmdesk reads"):
        read_xlsx(crafted)
    assert time.perf_counter() - started < 2


def test_a_cell_longer_than_the_csv_import_reads_is_refused(valid):
    crafted = rewrite(valid, SHEET, replace_text("Second", "x" * 1_000_001))
    with pytest.raises(ImportFileError, match=r"row 3, column A holds 1,000,001 characters"):
        read_xlsx(crafted)


def test_numbers_python_will_not_read_are_a_message(valid):
    crafted = rewrite(valid, SHEET, replace_xml("<v>2</v>", "<v>" + "9" * 5000 + "</v>"))
    with pytest.raises(ImportFileError, match="the sheet cannot be read"):
        read_xlsx(crafted)
    crafted = rewrite(valid, SHEET, replace_xml("<v>2</v>", "<v>1E999</v>"))
    assert read_xlsx(crafted).rows[1] == ["Second", "inf"]  # the import says it is no number


def test_control_characters_excel_escapes_come_back(valid):
    crafted = rewrite(valid, SHEET, replace_text("Second", "Two_x000D_ lines _x0041_ kept"))
    assert read_xlsx(crafted).rows[1][0] == "Two\r lines _x0041_ kept"


def test_a_date_serial_beyond_the_calendar_is_an_error_value(valid):
    """A cell styled as a date whose number is no date reads as Excel's #VALUE!."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(valid))
    wb.active["B3"] = 10**9
    wb.active["B3"].number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    wb.save(buffer)
    assert read_xlsx(buffer.getvalue()).rows[1] == ["Second", "#VALUE!"]


# -- anything at all ---------------------------------------------------------------------

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(data=st.data())
def test_changed_bytes_in_the_sheet_xml_only_ever_give_a_message(valid, data):
    with zipfile.ZipFile(io.BytesIO(valid)) as archive:
        xml = bytearray(archive.read(SHEET))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(xml) - 1))
        xml[at] = data.draw(st.sampled_from(b"<>&;\"'=/ 0129AZrcvt\x00\xff"))
    crafted = rewrite(valid, SHEET, lambda _old: bytes(xml))
    try:
        read_xlsx(crafted)
    except PmdeskError as exc:
        assert str(exc)


@FUZZ
@given(data=st.data())
def test_changed_bytes_anywhere_only_ever_give_a_message(valid, data):
    broken = bytearray(valid)
    for _ in range(data.draw(st.integers(1, 6))):
        broken[data.draw(st.integers(0, len(broken) - 1))] = data.draw(st.integers(0, 255))
    try:
        read_xlsx(bytes(broken))
        sheet_names(bytes(broken))
    except PmdeskError as exc:
        assert str(exc)
