"""Excel workbooks in: one sheet's rows as the same table the CSV reader makes.

:func:`read_xlsx` turns one worksheet into a :class:`~.tabular.CsvTable` (every
cell as text, each row numbered as Excel numbers it), so the CSV import's
mapping, detection, preview, date checks and all-or-nothing rule apply
unchanged. Typed cells become the text the CSV import reads: dates ISO
(``2027-03-04``, never day/month ambiguous), numbers as Excel keeps them
(15 significant digits: ``3``, ``0.1``), percentages as a person reads them
(``25%``, which the CSV import reads as 25), booleans ``TRUE``/``FALSE``.

A workbook is data, never code. Formulas are not evaluated: the value the
spreadsheet calculated and saved with the file is read (a formula saved without
one reads as empty, and the table's ``warnings`` say so); macros are ignored.
A stranger's file is checked before openpyxl parses it: it must be a zip (an
old .xls, a password-protected workbook or an OpenDocument file is named as
such), every part's unpacked size is capped from the zip's directory (a zip
bomb is refused before anything is unpacked), and no XML part but a picture may
declare a document type or entities (as :mod:`.safexml` refuses them for MS Project).
Rows and columns beyond Excel's own limits are refused while reading.
"""

from __future__ import annotations

import bisect
import datetime as dt
import io
import math
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET
from xml.parsers import expat

from .importing import ImportFileError, read_source
from .safexml import UnsafeXmlError, _guard, _RootReached, _stop_at_root
from .tabular import MAX_FIELD_CHARS, CsvTable

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

ENCODING = "Excel workbook"
# Excel's own limits: no sheet Excel saves goes beyond them.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
# What a workbook may unpack to, read from the zip's directory before anything is unpacked.
MAX_PART_BYTES = 256 * 1024 * 1024
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_PARTS = 10_000
# Non-empty cells kept from one sheet (a 64 MB CSV holds about as many).
MAX_CELLS = 5_000_000

# What a damaged zip raises while its directory or a part is read.
_DAMAGED = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    RuntimeError,
    NotImplementedError,
)
# Pictures are shown, never parsed (an SVG saved by a drawing program may well carry a
# DOCTYPE); openpyxl's own parser limits entity expansion besides.
_PICTURES = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_REFERENCE = re.compile(r"^\$?([A-Za-z]{1,3})\$?\d+$")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _VALUE, _FORMULA = f"{_MAIN}row", f"{_MAIN}c", f"{_MAIN}v", f"{_MAIN}f"
_INLINE, _MERGE = f"{_MAIN}is", f"{_MAIN}mergeCell"
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


@dataclass(frozen=True)
class SheetTable(CsvTable):
    """A worksheet read as a CSV table, with remarks on what could not be read as it shows."""

    sheet: str = ""
    # Formula cells saved without a calculated value, read as empty: (row, column), 1-based.
    uncalculated: tuple[tuple[int, int], ...] = ()

    @property
    def what(self) -> str:
        """How the import's refusal names it ("Nothing was imported: the sheet has …")."""
        return f"sheet “{self.sheet}”" if self.sheet else "sheet"

    @property
    def warnings(self) -> list[str]:
        """What a person should know about the sheet as read (every column)."""
        return self.remarks()

    def remarks(self, mapping: list[str | None] | None = None) -> list[str]:
        """The warnings about the columns ``mapping`` imports (every column when None)."""
        cells = [
            (row, column)
            for row, column in self.uncalculated
            if mapping is None or column <= len(mapping) and mapping[column - 1] is not None
        ]
        if not cells:
            return []
        row, column = cells[0]
        header = self.headers[column - 1] if column <= len(self.headers) else ""
        first = f"row {row}, column {_letter(column)}" + (f" ({header})" if header else "")
        count = len(cells)
        were = "a formula cell has" if count == 1 else f"{count} formula cells have"
        return [
            f"{were} no calculated value saved in the file (first: {first}) and "
            f"{'was' if count == 1 else 'were'} read as empty; open the workbook in Excel "
            "or LibreOffice and save it to import the values"
        ]


def sheet_names(source: bytes | str | Path) -> list[str]:
    """The names of the workbook's worksheets, in the order Excel shows their tabs."""
    data, shown = read_source(source, "Excel workbook")
    with _opened(data, shown) as wb:
        return [ws.title for ws in wb.worksheets]


def read_xlsx(source: bytes | str | Path, sheet: str | None = None) -> SheetTable:
    """One sheet of an .xlsx (the first non-empty one unless ``sheet`` names one) as text rows.

    The header is the sheet's first non-empty row, after any title lines (a row with one
    filled cell above a row with more); fully empty rows are skipped and empty columns
    at the right are left off. ``numbers`` are the rows as Excel numbers
    them, so the import's messages say "Row 14" where Excel shows row 14.
    """
    data, shown = read_source(source, "Excel workbook")
    with _opened(data, shown) as wb:
        sheets = wb.worksheets
        if sheet is not None:
            chosen = _named(sheets, sheet, shown)
            table = _read_sheet(wb, chosen, shown)
            if table is None:
                raise ImportFileError(f"{shown}: the sheet “{chosen.title}” is empty")
            return table
        # The first sheet with something in it; hidden sheets only when no visible one has.
        ordered = sorted(sheets, key=lambda ws: ws.sheet_state != "visible")
        for candidate in ordered:
            table = _read_sheet(wb, candidate, shown)
            if table is not None:
                return table
    raise ImportFileError(f"{shown}: every sheet of the workbook is empty")


def read_sheets(
    source: bytes | str | Path, progress: Callable[[int, int], None] | None = None
) -> dict[str, SheetTable]:
    """Every sheet with rows, in the order of the tabs, from one reading of the file.

    For a dialog that offers a choice of sheet: the workbook is opened and checked
    once, not once per sheet. ``progress(sheets read, sheets)`` after each sheet; it
    may raise to stop. Empty sheets are left out; none with rows is an ImportFileError.
    """
    data, shown = read_source(source, "Excel workbook")
    tables: dict[str, SheetTable] = {}
    with _opened(data, shown) as wb:
        sheets = wb.worksheets
        for count, ws in enumerate(sheets, 1):
            table = _read_sheet(wb, ws, shown)
            if table is not None:
                tables[ws.title] = table
            if progress is not None:
                progress(count, len(sheets))
    if not tables:
        raise ImportFileError(f"{shown}: every sheet of the workbook is empty")
    return tables


def _named(sheets: list[Any], name: str, shown: str) -> Any:
    for wanted in (name, name.strip().casefold()):
        for ws in sheets:
            if ws.title == wanted or ws.title.strip().casefold() == wanted:
                return ws
    listed = ", ".join(f"“{ws.title}”" for ws in sheets)
    raise ImportFileError(f"{shown}: the workbook has no sheet named “{name}” (it has {listed})")


# -- the container -----------------------------------------------------------------------


class _Opened:
    """The workbook, read only, closed (with its zip) when the block ends."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb

    def __enter__(self) -> Workbook:
        return self.wb

    def __exit__(self, *_exc: object) -> None:
        self.wb.close()


def _opened(data: bytes, shown: str) -> _Opened:
    _check_container(data, shown)
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's remarks on parts it drops
            wb = load_workbook(
                io.BytesIO(data), read_only=True, data_only=True, keep_vba=False, keep_links=False
            )
    except ImportFileError:
        raise
    except Exception as exc:  # a stranger's file: whatever breaks the reader is a message
        raise ImportFileError(f"{shown}: the workbook cannot be read ({_reason(exc)})") from None
    if not wb.worksheets:
        wb.close()
        raise ImportFileError(f"{shown}: the workbook has no worksheets")
    return _Opened(wb)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return text or type(exc).__name__


def _check_container(data: bytes, shown: str) -> None:
    """Refuse what is not an .xlsx, and any zip that unpacks to too much, before parsing."""
    if data.startswith(_OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise ImportFileError(
                f"{shown}: the workbook is protected with a password; open it in Excel, "
                "remove the password (File ▸ Info ▸ Protect Workbook) and save it again"
            )
        raise ImportFileError(
            f"{shown}: this is an old Excel 97–2003 workbook (.xls); open it in Excel or "
            "LibreOffice and save it as an Excel workbook (.xlsx)"
        )
    if not data.startswith(_ZIP_MAGIC):
        raise ImportFileError(
            f"{shown}: this is not an Excel workbook (.xlsx); a CSV file is imported with "
            "Import ▸ CSV"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_parts(archive, shown)
    except ImportFileError:
        raise
    except _DAMAGED as exc:
        raise ImportFileError(f"{shown}: the workbook is damaged ({_reason(exc)})") from None


def _check_parts(archive: zipfile.ZipFile, shown: str) -> None:
    parts = archive.infolist()
    names = {part.filename for part in parts}
    if len(parts) > MAX_PARTS:
        raise ImportFileError(f"{shown}: the workbook has too many parts to be read")
    too_big = next((p for p in parts if p.file_size > MAX_PART_BYTES), None)
    if too_big is not None or sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
        limit = MAX_PART_BYTES // (1024 * 1024)
        raise ImportFileError(
            f"{shown}: the workbook unpacks to more than pmdesk reads (a sheet is at "
            f"most {limit} MB unpacked); split it into smaller workbooks"
        )
    for part in parts:
        if part.flag_bits & 0x1:
            raise ImportFileError(f"{shown}: the workbook's parts are encrypted")
        if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ImportFileError(f"{shown}: the workbook is packed in a way Excel does not write")
    if "mimetype" in names:
        with archive.open("mimetype") as stream:
            if b"opendocument" in stream.read(200):
                raise ImportFileError(
                    f"{shown}: this is an OpenDocument spreadsheet (.ods); open it in "
                    "LibreOffice or Excel and save it as an Excel workbook (.xlsx)"
                )
    if "[Content_Types].xml" not in names:
        raise ImportFileError(f"{shown}: this is a zip file, not an Excel workbook (.xlsx)")
    if "xl/workbook.bin" in names:
        raise ImportFileError(
            f"{shown}: this is an Excel binary workbook (.xlsb); open it in Excel and save it "
            "as an Excel workbook (.xlsx)"
        )
    for part in parts:
        _refuse_declarations(archive, part, shown)


def _refuse_declarations(archive: zipfile.ZipFile, part: zipfile.ZipInfo, shown: str) -> None:
    """An XML part may not declare a document type or entities (read up to its root only)."""
    if part.is_dir() or part.file_size == 0 or part.filename.lower().endswith(_PICTURES):
        return
    guard = _guard(expat.ParserCreate())
    guard.StartElementHandler = _stop_at_root
    try:
        with archive.open(part) as stream:
            first = stream.read(64 * 1024)
            if not _looks_like_xml(first):
                return
            chunk = first
            while chunk:
                guard.Parse(chunk, False)
                chunk = stream.read(64 * 1024)
            guard.Parse(b"", True)
    except _RootReached:
        return
    except UnsafeXmlError as exc:
        raise UnsafeXmlError(f"{shown}: {part.filename}: {exc}") from None
    except expat.ExpatError as exc:
        raise ImportFileError(
            f"{shown}: the workbook is damaged ({part.filename} is not well-formed XML: "
            f"{expat.ErrorString(exc.code)})"
        ) from None


def _looks_like_xml(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        return True
    return head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"<")


# -- one sheet ---------------------------------------------------------------------------


def _read_sheet(wb: Workbook, ws: ReadOnlyWorksheet, shown: str) -> SheetTable | None:
    """The sheet as a table, or None when it has no non-empty cell."""
    name = f"{shown} ▸ {ws.title}" if len(wb.worksheets) > 1 else shown
    try:
        rows, merges, uncalculated = _cells(wb, ws, name)
    except ImportFileError:
        raise
    except Exception as exc:  # a stranger's file: whatever breaks the reader is a message
        raise ImportFileError(f"{name}: the sheet cannot be read ({_reason(exc)})") from None
    if not rows:
        return None
    numbers = sorted(rows)
    # Title lines above the table ("Backlog", "Exported 4 March") are not its header: up
    # to three rows of one filled cell each, directly above a row with more.
    lead = next((n for n, row in enumerate(numbers[:4]) if _filled(rows[row]) != 1), 0)
    if lead and _filled(rows[numbers[lead]]) > 1:
        for row in numbers[:lead]:
            del rows[row]
        del numbers[:lead]
    header_number = numbers[0]
    _fill_merged_down(rows, numbers, merges)
    headers = [h.strip() for h in rows[header_number]]
    body = [rows[n] for n in numbers[1:]]
    # Only the table's own cells matter: not a note above the header or a sum at the side.
    uncalculated = [
        (row, column)
        for row, column in uncalculated
        if row > header_number and column <= len(headers) or row == header_number
    ]
    return SheetTable(
        name,
        headers,
        body,
        ENCODING,
        "",
        numbers[1:],
        sheet=ws.title,
        uncalculated=tuple(uncalculated),
    )


def _filled(row: list[str]) -> int:
    return sum(1 for text in row if text.strip())


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(column))


def _cells(
    wb: Workbook, ws: ReadOnlyWorksheet, name: str
) -> tuple[dict[int, list[str]], list[str], list[tuple[int, int]]]:
    """{row number: texts up to the last non-empty cell}, merged ranges, uncalculated cells.

    The sheet's XML is streamed here rather than through openpyxl's iter_rows, which
    pads each row out to its last cell's column and each gap between rows (a crafted
    "XFD1048576" would cost billions of cells before it could be refused) and builds
    an object per cell (reading takes twice as long).
    """
    rows: dict[int, list[str]] = {}
    uncalculated: list[tuple[int, int]] = []
    merges: list[str] = []
    cell_value = _CellValue(wb, ws)
    kept = row_number = 0
    source = ws._get_source()
    try:
        for _event, element in ET.iterparse(source):
            tag = element.tag
            if tag == _MERGE:
                merges.append(element.get("ref", ""))
                continue
            if tag != _ROW:
                continue
            row_number = _row_number(element.get("r"), row_number, name)
            texts: dict[int, str] = {}
            column = 0
            for cell in element:
                if cell.tag != _CELL:
                    continue
                column = _column(cell.get("r"), column, name)
                text = cell_value(cell)
                if text is None:
                    uncalculated.append((row_number, column))
                elif text:
                    if len(text) > MAX_FIELD_CHARS:
                        raise ImportFileError(
                            f"{name}: row {row_number}, column {_letter(column)} holds "
                            f"{len(text):,} characters; pmdesk imports at most "
                            f"{MAX_FIELD_CHARS:,} in a cell"
                        )
                    texts[column] = text
            element.clear()
            if any(t.strip() for t in texts.values()):
                kept += len(texts)
                if kept > MAX_CELLS:
                    raise ImportFileError(
                        f"{name}: the sheet has more than {MAX_CELLS:,} filled cells; split it"
                    )
                line = [""] * max(texts)
                for index, text in texts.items():
                    line[index - 1] = text
                rows[row_number] = line
    finally:
        source.close()
    return rows, merges, uncalculated


def _row_number(ref: str | None, previous: int, name: str) -> int:
    number = previous + 1 if ref is None else int(ref)
    if not 1 <= number <= MAX_ROWS:
        raise ImportFileError(f"{name}: a row lies beyond Excel's last row")
    return number


def _column(ref: str | None, previous: int, name: str) -> int:
    """The column of a cell reference ("AB12" is 28); a cell without one follows the last."""
    if ref is None:
        number = previous + 1
    else:
        match = _REFERENCE.match(ref)
        if match is None:
            raise ImportFileError(
                f"{name}: a cell's reference “{ref[:20]}” is not one Excel writes"
            )
        number = 0
        for letter in match.group(1).upper():
            number = number * 26 + ord(letter) - 64
    if number > MAX_COLUMNS:
        raise ImportFileError(f"{name}: a cell lies beyond Excel's last column")
    return number


class _CellValue:
    """A cell element's value as text (None: a formula saved without its value).

    As openpyxl reads a cell (shared and inline strings, numbers, dates by their
    style, ISO dates, booleans, error values), without building its cell objects.
    """

    def __init__(self, wb: Workbook, ws: ReadOnlyWorksheet) -> None:
        self.shared = ws._shared_strings
        self.epoch = wb.epoch
        self.dates = wb._date_formats
        self.durations = wb._timedelta_formats
        self.formats = _Formats(ws)

    def __call__(self, cell: Any) -> str | None:
        from openpyxl.cell.text import Text
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        kind = cell.get("t", "n")
        style = int(cell.get("s") or 0)
        if kind == "inlineStr":
            inline = cell.find(_INLINE)
            return _text(Text.from_tree(inline).content) if inline is not None else ""
        saved = cell.findtext(_VALUE)
        if not saved:
            formula = cell.find(_FORMULA) is not None
            # A formula with no value, or an empty one where only text can be empty ("").
            if formula and (saved is None or kind not in ("str", "s")):
                return None
            return ""
        if kind == "n":
            number = float(saved) if "." in saved or "E" in saved or "e" in saved else int(saved)
            if style in self.dates:
                try:
                    return _text(from_excel(number, self.epoch, style in self.durations))
                except (OverflowError, ValueError):
                    return "#VALUE!"  # as Excel shows a date it cannot show
            return _text(number, self.formats.percent(style))
        if kind == "s":
            return _text(self.shared[int(saved)])
        if kind == "b":
            return _text(bool(int(saved)))
        if kind == "d":
            return _text(from_ISO8601(saved))
        return _text(saved)  # "str" (a formula's text), "e" (an error such as #N/A)


class _Formats:
    """Whether a cell's style shows its number as a percentage (looked up once per style)."""

    def __init__(self, ws: ReadOnlyWorksheet) -> None:
        self.ws = ws
        self.known: dict[int, bool] = {}

    def percent(self, style_id: int) -> bool:
        if not style_id:
            return False
        if style_id not in self.known:
            from openpyxl.cell.read_only import ReadOnlyCell

            shown = ReadOnlyCell(self.ws, 1, 1, None, "n", style_id).number_format
            self.known[style_id] = "%" in _FORMAT_LITERALS.sub("", str(shown))
        return self.known[style_id]


def _fill_merged_down(rows: dict[int, list[str]], numbers: list[int], refs: list[str]) -> None:
    """A value merged down over several data rows belongs to each of them (its first column).

    ``numbers`` are the table's rows in order, the header first. Merges across columns
    stay in their first cell: the next columns are other fields. Rows that are
    otherwise empty stay skipped; merges that start in the header or above are left.
    """
    from openpyxl.utils import range_boundaries

    work = 0
    for ref in refs:
        first_column, first_row, _, last_row = range_boundaries(ref)
        if first_column is None or first_row is None or last_row is None:
            continue
        top = rows.get(first_row)
        if first_row <= numbers[0] or top is None or len(top) < first_column:
            continue
        value = top[first_column - 1]
        covered = numbers[
            bisect.bisect_right(numbers, first_row) : bisect.bisect_right(numbers, last_row)
        ]
        work += len(covered)
        if work > MAX_CELLS:  # only a crafted file merges so much, over and over
            raise ImportFileError("the sheet has more merged cells than pmdesk reads")
        for number in covered:
            line = rows[number]
            if len(line) < first_column:
                line.extend([""] * (first_column - len(line)))
            if not line[first_column - 1]:
                line[first_column - 1] = value


# -- cell values as text -----------------------------------------------------------------


def _text(value: Any, percent: bool = False) -> str:
    """A cell's value as the text the CSV import reads, as Excel shows it."""
    if type(value) is str:  # most cells: first
        return _ESCAPE.sub(_unescape, value) if "_x" in value else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return _datetime_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, dt.timedelta):
        seconds = round(value.total_seconds())
        sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
        return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if isinstance(value, int):
        return f"{value * 100}%" if percent else str(value)
    if isinstance(value, float):
        return number_text(value * 100 if percent else value) + ("%" if percent else "")
    return _ESCAPE.sub(_unescape, str(value))


def number_text(value: float) -> str:
    """The shortest text for a number as Excel keeps it (15 significant digits): 3, 0.1, 1e+308."""
    if not math.isfinite(value):
        return "-inf" if value < 0 else ("inf" if value > 0 else "nan")
    rounded = float(f"{value:.15g}")
    if rounded.is_integer() and abs(rounded) < 1e16:
        return str(int(rounded))
    return repr(rounded)


def _datetime_text(value: dt.datetime) -> str:
    if value.microsecond:  # Excel's day fractions land a hair off the second
        try:
            value = (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        except OverflowError:
            value = value.replace(microsecond=0)
    if value.time() == dt.time():
        return value.date().isoformat()
    clock = f"{value:%H:%M:%S}" if value.second else f"{value:%H:%M}"
    return f"{value.date().isoformat()} {clock}"


def _unescape(match: re.Match[str]) -> str:
    """Excel writes control characters (a carriage return) as _x000D_; others stay as typed."""
    code = int(match.group(1), 16)
    return chr(code) if code < 0x20 else match.group(0)
