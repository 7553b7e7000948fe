"""Reading CSV files as other programs write them: encodings, delimiters and date formats."""

from __future__ import annotations

import datetime as dt

import pytest

from pmdesk.exchange.importing import ImportFileError
from pmdesk.exchange.tabular import read_csv, sniff_delimiter
from pmdesk.exchange.tabular_dates import DAY_FIRST, MONTH_FIRST, guess_dates, parse_date

ACCENTED = "Café Zoë, Ærøskøbing — “quoted”"


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (
            b"\xef\xbb\xbf" + f"Title\n{ACCENTED}\n".replace(",", "").encode("utf-8"),
            "UTF-8 with BOM",
        ),
        (f"Title\n{ACCENTED}\n".replace(",", "").encode("utf-8"), "UTF-8"),
        (f"Title\n{ACCENTED}\n".replace(",", "").encode("cp1252"), "Windows-1252"),
    ],
)
def test_the_encoding_is_detected_and_the_text_survives(encoded: bytes, encoding: str):
    table = read_csv(encoded)
    assert table.encoding == encoding
    assert table.headers == ["Title"]
    assert table.rows == [[ACCENTED.replace(",", "")]]


def test_bytes_that_are_not_utf8_fall_back_to_windows_1252():
    # 0x93/0x94 are curly quotes in Windows-1252 and invalid on their own in UTF-8.
    table = read_csv(b"Name\n\x93Hi\x94 \x80\n")
    assert table.encoding == "Windows-1252"
    assert table.rows == [["“Hi” €"]]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_sniffed(delimiter: str):
    lines = [["Title", "Effort", "Notes"], ["A", "1,5", "x"], ["B", "2", "y z"]]
    quoted = [
        [f'"{cell}"' if delimiter == "," and "," in cell else cell for cell in line]
        for line in lines
    ]
    text = "\n".join(delimiter.join(line) for line in quoted) + "\n"
    table = read_csv(text.encode())
    assert table.delimiter == delimiter
    assert table.headers == lines[0]
    assert table.rows == lines[1:]


def test_a_single_column_file_still_reads():
    table = read_csv(b"Title\nOne\nTwo\n")
    assert table.headers == ["Title"]
    assert [row[0] for row in table.rows] == ["One", "Two"]


def test_sniffing_falls_back_to_the_most_consistent_delimiter():
    # A header of one word and ragged rows defeat csv.Sniffer; semicolons split evenly.
    text = "a;b;c\n1;2;3\n4;5;6\n"
    assert sniff_delimiter(text) == ";"


def test_quoted_cells_keep_delimiters_line_breaks_and_markup():
    text = 'Title,Notes\n"R&D <b>, ""x""","line 1\nline 2 🚀"\n'
    table = read_csv(text.encode())
    assert table.rows == [['R&D <b>, "x"', "line 1\nline 2 🚀"]]


def test_row_numbers_are_what_a_spreadsheet_shows():
    table = read_csv(b"Title\nfirst\n\nthird\n")
    assert table.numbers == [2, 4]


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b"  \n \n", "empty"), (b"Title\x00\nx", "NUL"), (b",,,\n,,\n", "header")],
)
def test_files_that_are_not_csv_are_refused_with_a_reason(data: bytes, message: str):
    with pytest.raises(ImportFileError, match=message):
        read_csv(data)


def test_a_path_that_cannot_be_read_is_refused(tmp_path):
    with pytest.raises(ImportFileError, match="cannot read"):
        read_csv(tmp_path / "missing.csv")


# -- dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2024-03-12", None, dt.datetime(2024, 3, 12)),
        ("2024-03-12T15:15:00Z", None, dt.datetime(2024, 3, 12, 15, 15)),
        ("2024/03/12 07:05", None, dt.datetime(2024, 3, 12, 7, 5)),
        ("12/Mar/24 3:15 PM", None, dt.datetime(2024, 3, 12, 15, 15)),
        ("01/Dec/99 12:00 AM", None, dt.datetime(1999, 12, 1, 0, 0)),
        ("30/Apr/24 12:30 PM", None, dt.datetime(2024, 4, 30, 12, 30)),
        ("7 September 2025", None, dt.datetime(2025, 9, 7)),
        ("31/12/2024", None, dt.datetime(2024, 12, 31)),
        ("12/31/2024", None, dt.datetime(2024, 12, 31)),
        ("03.04.24", DAY_FIRST, dt.datetime(2024, 4, 3)),
        ("03-04-2024 17:45", MONTH_FIRST, dt.datetime(2024, 3, 4, 17, 45)),
        ("05/05/2024", None, dt.datetime(2024, 5, 5)),
    ],
)
def test_dates_are_read_in_every_supported_format(text, order, expected):
    assert parse_date(text, order) == expected


@pytest.mark.parametrize(
    "text",
    ["03/04/2024", "31/02/2024", "2024-13-01", "Mar 12", "12/Foo/24", "13/Mar/24 13:00 PM", "soon"],
)
def test_what_is_not_a_certain_date_is_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_a_day_above_twelve_makes_a_column_day_first():
    guess = guess_dates(["03/04/2024", "", "25/12/2024"])
    assert (guess.order, guess.ambiguous, guess.bad) == (DAY_FIRST, False, [])
    assert "day first" in guess.describe()


def test_a_month_position_above_twelve_makes_a_column_month_first():
    guess = guess_dates(["03/04/2024", "12/25/2024"])
    assert (guess.order, guess.ambiguous) == (MONTH_FIRST, False)


def test_a_column_that_fits_both_orders_is_reported_ambiguous():
    guess = guess_dates(["03/04/2024", "01/02/2024"])
    assert guess.ambiguous and guess.order is None
    assert "ambiguous" in guess.describe()
    assert "your choice" in guess.describe(DAY_FIRST)


def test_dates_that_read_the_same_either_way_are_not_ambiguous():
    guess = guess_dates(["05/05/2024", "01/01/2025"])
    assert not guess.ambiguous and guess.order is not None


def test_a_column_mixing_both_orders_is_flagged():
    guess = guess_dates(["25/12/2024", "12/25/2024"])
    assert guess.mixed


def test_jira_and_iso_columns_need_no_order_and_bad_values_are_listed():
    guess = guess_dates(["12/Mar/24 3:15 PM", "2024-03-01", "tomorrow"])
    assert guess.kinds == {"worded", "iso"}
    assert not guess.ambiguous
    assert guess.bad == [2]
