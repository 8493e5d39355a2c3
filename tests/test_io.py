"""read_table on small files built in the test: encodings, delimiters, layouts, garbage."""

import datetime as dt
import io
import zipfile
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from truce.io import LoadError, read_table

# The shared folder sits next to the checkout (../shared), wherever the checkout is.
SHARED = Path(__file__).resolve().parents[2] / "shared"
ROWS = [["name", "amount"], ["Société", "1,5"], ["Müller", "€3"]]


def _text(delimiter: str, rows: list[list[str]] = ROWS, newline: str = "\n") -> str:
    return (
        newline.join(delimiter.join(f'"{c}"' if "," in c else c for c in r) for r in rows) + newline
    )


EXPECTED = {"name": ["Société", "Müller"], "amount": ["1,5", "€3"]}


@pytest.mark.parametrize(
    ("data", "note"),
    [
        pytest.param(_text(",").encode(), "UTF-8 text, separated by ','", id="utf8-comma"),
        pytest.param(_text(";").encode(), "UTF-8 text, separated by ';'", id="utf8-semicolon"),
        pytest.param(_text("\t").encode(), "UTF-8 text, separated by tabs", id="utf8-tab"),
        pytest.param(_text("|").encode(), "UTF-8 text, separated by '|'", id="utf8-pipe"),
        pytest.param(b"\xef\xbb\xbf" + _text(",").encode(), "UTF-8 text (with BOM)", id="utf8-bom"),
        pytest.param(_text(";").encode("cp1252"), "Windows-1252 text", id="windows-1252"),
        pytest.param(_text("\t", newline="\r\n").encode("utf-16"), "UTF-16 text", id="utf16-bom"),
        pytest.param(_text("\t").encode("utf-16-le"), "UTF-16 text (no BOM)", id="utf16-le-no-bom"),
        pytest.param(_text("\t").encode("utf-16-be"), "UTF-16 text (no BOM)", id="utf16-be-no-bom"),
    ],
)
def test_encodings_and_delimiters(data: bytes, note: str) -> None:
    loaded = read_table(data, "deals.csv")
    assert loaded.frame.to_dict(as_series=False) == EXPECTED
    assert note in loaded.notes[0]
    assert loaded.skipped_rows == 0


def test_header_on_line_3_with_title_lines() -> None:
    data = b"Leads report\nExported 2024-01-02\nid;name;amount\nL1;Ann;1,5\nL2;Bob;2\n"
    loaded = read_table(data, "leads.csv")
    assert loaded.frame.columns == ["id", "name", "amount"]
    assert loaded.frame["id"].to_list() == ["L1", "L2"]
    assert "header on line 3" in loaded.notes[0]


def test_names_values_ragged_and_footer() -> None:
    data = b"a, ,a,a\n 1 ,  ,3,4,5\n6\n7,8,9,10\nGrand Total,30,,\n"
    loaded = read_table(data, "x.csv")
    assert loaded.frame.columns == ["a", "column_2", "a_2", "a_3"]
    assert loaded.frame.rows() == [
        ("1", None, "3", "4"),
        ("6", None, None, None),
        ("7", "8", "9", "10"),
    ]
    assert loaded.skipped_rows == 1
    assert any("1 row(s) had more values" in n for n in loaded.notes)
    assert any("footer" in n for n in loaded.notes)


def test_truncated_last_row_is_skipped() -> None:
    loaded = read_table(b"a,b,c\n1,2,3\n4,5", "x.csv")
    assert loaded.frame.rows() == [("1", "2", "3")]
    assert loaded.skipped_rows == 1


def test_utf8_sample_then_windows_1252_later() -> None:
    data = b"id,name\n" + b"1,a\n" * 20_000 + b"2,Soci\xe9t\xe9\n"
    loaded = read_table(data, "x.csv")
    assert loaded.frame["name"][-1] == "Société"
    assert "Windows-1252" in loaded.notes[0]


def _workbook() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    book.add_worksheet("Empty")
    sheet = book.add_worksheet("Leads")
    sheet.write_row(0, 0, ["Leads report"])
    sheet.write_row(2, 0, ["id", "created", "amount"])
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(3, 0, ["L1", None, 5.5])
    sheet.write_datetime(3, 1, dt.datetime(2020, 1, 2), date)
    sheet.write_row(4, 0, ["L2", None, 7])
    sheet.write_datetime(4, 1, dt.datetime(2020, 1, 3), date)
    book.close()
    return buffer.getvalue()


@pytest.mark.parametrize("filename", ["leads.xlsx", "leads.csv"], ids=["xlsx", "xlsx-misnamed"])
def test_xlsx(filename: str) -> None:
    loaded = read_table(_workbook(), filename)
    assert loaded.frame.to_dict(as_series=False) == {
        "id": ["L1", "L2"],
        "created": ["2020-01-02", "2020-01-03"],
        "amount": ["5.5", "7"],
    }
    assert loaded.notes[0] == "Sheet 'Leads' of 2 sheets read."


def test_parquet_cast_to_strings() -> None:
    buffer = io.BytesIO()
    pl.DataFrame(
        {
            "n": [1, None],
            "d": [dt.date(2020, 1, 1), None],
            "t": [dt.datetime(2020, 1, 1, 5, 6, 7)] * 2,
        }
    ).write_parquet(buffer)
    loaded = read_table(buffer.getvalue(), "x.parquet")
    assert loaded.frame.rows() == [
        ("1", "2020-01-01", "2020-01-01 05:06:07"),
        (None, None, "2020-01-01 05:06:07"),
    ]


def test_zip_bomb_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"0" * 20_000_000)
    with pytest.raises(LoadError, match="unsafe size"):
        read_table(buffer.getvalue(), "bomb.xlsx")


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        pytest.param(b"", "sales.csv", "sales.csv is empty.", id="empty"),
        pytest.param(b" \n\t\r\n ", "sales.csv", "sales.csv is empty.", id="whitespace-only"),
        pytest.param(b"a,b\n", "x.csv", "x.csv has column names but no rows.", id="header-only"),
        pytest.param(
            bytes(range(256)) * 4,
            "deals.csv",
            "deals.csv does not look like a table: it contains binary data.",
            id="binary-renamed-csv",
        ),
        pytest.param(
            bytes(range(7, 256)) * 4,
            "deals.xlsx",
            "deals.xlsx is named like an Excel file but is not a readable workbook.",
            id="random-bytes-xlsx",
        ),
        pytest.param(
            b"PK\x03\x04garbage",
            "deals.xlsx",
            "deals.xlsx is a damaged zip or Excel file.",
            id="broken-zip",
        ),
    ],
)
def test_garbage(data: bytes, filename: str, message: str) -> None:
    with pytest.raises(LoadError) as error:
        read_table(data, filename)
    assert str(error.value) == message


def test_real_export() -> None:
    data = (SHARED / "data" / "xeducation_leads.csv").read_bytes()
    loaded = read_table(data, "xeducation_leads.csv")
    assert loaded.frame.height == 9240
    assert loaded.frame.columns[0] == "ProspectID"
    assert "Converted" in loaded.frame.columns
    assert loaded.frame.schema["Converted"] == pl.String


def test_lone_cr_in_title_line_keeps_the_first_row() -> None:
    # Polars ends lines at LF only: the title 'Leads\rQ1' is one line, the header line 2.
    rows = "".join(f"L{i},Email,{i}\n" for i in range(1, 11))
    data = f"Leads report\rQ1 2025\nlead_id,lead_source,amount\n{rows}".encode()
    loaded = read_table(data, "leads.csv")
    assert loaded.frame.height == 10
    assert loaded.frame["lead_id"].to_list() == [f"L{i}" for i in range(1, 11)]
    assert "header on line 2" in loaded.notes[0]


FIVE_LEADS = (
    "lead_id,lead_source,created_at,amount,is_won\n"
    "L1,Email,2025-01-02,100,1\nL2,Email,2025-01-03,200,0\nL3,Referral,2025-01-04,300,1\n"
    "L4,Events,2025-01-05,400,0\nL5,Email,2025-01-06,500,0\n"
)
FOOTER_NOTE = "{} footer row(s) at the end (like totals) were skipped."


@pytest.mark.parametrize(
    ("footer", "skipped"),
    [
        # per-column totals with an empty ID: 100+200+300+400+500 = 1500, 2 won
        pytest.param(",,,,\n,,,1500,2\n", 1, id="blank-then-totals"),
        # a totals row and a fractions row (2 won of 5 = 0.4), labelled in the ID column
        pytest.param(
            ",,,,\nTotal,,,1500,2\nConversion rate,,,,0.4\n", 2, id="totals-and-fractions"
        ),
        pytest.param("Grand Total,,,1500,2\n", 1, id="no-blank-line"),
        pytest.param(
            '\n"Grand Totals (5 records)",,,1500,\n\n"Confidential Information - Do Not '
            'Distribute",,,,\n"Copyright (c) 2000-2025 salesforce.com, inc.",,,,\n',
            3,
            id="salesforce-disclaimers",
        ),
    ],
)
def test_trailing_summary_rows_are_left_out_with_a_count(footer: str, skipped: int) -> None:
    loaded = read_table((FIVE_LEADS + footer).encode(), "report.csv")
    assert loaded.frame["lead_id"].to_list() == ["L1", "L2", "L3", "L4", "L5"]
    assert loaded.skipped_rows == skipped
    assert FOOTER_NOTE.format(skipped) in loaded.notes


def test_leads_named_like_totals_are_data() -> None:
    data = (
        b"company,lead_id,lead_source,amount\nAcme,L1,Email,10\nSum Holdings,L2,Referral,20\n"
        b"Total Wine & More,L3,Email,30\n"
    )
    loaded = read_table(data, "leads.csv")
    assert loaded.frame["lead_id"].to_list() == ["L1", "L2", "L3"]
    assert loaded.skipped_rows == 0
    assert not any("footer" in note for note in loaded.notes)


def test_a_last_lead_without_an_id_is_not_a_footer() -> None:
    # Its source is words, not a number: a row with a missing ID, left to validation.
    loaded = read_table(FIVE_LEADS.encode() + b",Email,2025-01-07,600,1\n", "leads.csv")
    assert loaded.frame.height == 6 and loaded.skipped_rows == 0


DUMP = (
    b"17,ann@acme.com,Acme,2021-03-04 10:00:00,150.00\n"
    b"18,bob@beta.io,Beta,2021-03-05 11:30:00,\\N\n"
    b'19,cy@gamma.org,"Gamma \\"The Best\\" Ltd",2021-03-06 09:15:00,80.50\n'
)


def test_dump_without_header_keeps_its_first_row_and_names_columns() -> None:
    loaded = read_table(DUMP, "crm_dump.csv")
    assert loaded.frame.columns == [f"column_{i}" for i in range(1, 6)]
    assert loaded.frame.rows() == [
        ("17", "ann@acme.com", "Acme", "2021-03-04 10:00:00", "150.00"),
        ("18", "bob@beta.io", "Beta", "2021-03-05 11:30:00", None),
        ("19", "cy@gamma.org", 'Gamma "The Best" Ltd', "2021-03-06 09:15:00", "80.50"),
    ]
    assert loaded.notes[:2] == (
        "Read as UTF-8 text, separated by ','.",
        "The first row looks like data, not column names: columns are named column_1 to column_5.",
    )
    assert 'Quotes written \\" inside values were read as quotes.' in loaded.notes
    assert "Cells written \\N (how databases write an empty value) were read as empty." in (
        loaded.notes
    )


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("id,email,company,created,amount", id="names"),
        pytest.param("17,email,Acme,2021-03-04 10:00:00,date", id="names-over-emails-and-dates"),
        pytest.param("source,2023,2024", id="years-over-numbers"),
    ],
)
def test_a_header_row_is_still_a_header(header: str) -> None:
    rows = DUMP if header.count(",") == 4 else b"Email,10,12\nEvents,3,4\n"
    loaded = read_table(header.encode() + b"\n" + rows, "x.csv")
    assert loaded.frame.columns == header.split(",")
    assert loaded.frame.height == rows.count(b"\n")


def test_a_backslash_before_a_closing_quote_is_not_an_escape() -> None:
    loaded = read_table(b'path,n\n"C:\\temp\\",1\n"D:\\",2\n', "paths.csv")
    assert loaded.frame["path"].to_list() == ["C:\\temp\\", "D:\\"]
    assert not any("Quotes written" in note for note in loaded.notes)


def test_only_columns_with_a_value_starting_or_ending_in_a_space_are_stripped() -> None:
    # A tab (just below a space) or a '!' (just above) at a value's edge is not padding: those
    # columns keep their values as written, tabs included.
    data = b"lead,start,end,blank,tab,bang\nL1, a,b , ,\tc,!d\nL2,e\t,f,x,g,\th\n"
    frame = read_table(data, "x.csv").frame
    assert frame.rows() == [("L1", "a", "b", None, "\tc", "!d"), ("L2", "e", "f", "x", "g", "\th")]
