"""CSV downloads: no text cell can run as a formula, whichever delimiter the spreadsheet uses."""

from __future__ import annotations

import csv
import io

import polars as pl

from truce.export import safe_csv

FORMULA_CHARACTERS = tuple("=+-@\t\r")

# cell -> what the spreadsheet must show (an apostrophe before every would-be formula).
CELLS = {
    "Acme;=cmd|' /C calc'!A0": "Acme;'=cmd|' /C calc'!A0",
    "=1+1": "'=1+1",
    "@SUM(1)": "'@SUM(1)",
    "\t=1": "'\t=1",
    "x\n=1": "x\n'=1",
    'x;"=1': "x;'\"=1",
    "x; -1": "x;' -1",
    "x;\r\r=1": "x;'\r'\r'=1",
    "plain; text": "plain; text",
    "a-b": "a-b",
}


def exported() -> str:
    frame = pl.DataFrame(
        {
            "lead_source": [*CELLS, None],
            "amount": [-5.5] * len(CELLS) + [None],
            "note;=HYPERLINK(1)": ["ok"] * (len(CELLS) + 1),
        }
    )
    return safe_csv(frame).decode("utf-8-sig")


def test_read_with_commas_every_cell_shows_as_text():
    rows = list(csv.reader(io.StringIO(exported(), newline="")))
    assert rows[0] == ["lead_source", "amount", "note;'=HYPERLINK(1)"]
    assert [r[0] for r in rows[1:]] == [*CELLS.values(), ""]
    assert {r[1] for r in rows[1:]} == {"-5.5", ""}  # numbers stay numbers


def test_read_with_semicolons_no_field_starts_a_formula():
    # Where the decimal mark is a comma, spreadsheets split a .csv on semicolons.
    rows = list(csv.reader(io.StringIO(exported(), newline=""), delimiter=";"))
    fields = [field for row in rows for field in row]
    assert len(fields) > len(CELLS)  # the semicolons inside cells did split them
    assert [f for f in fields if f.startswith(FORMULA_CHARACTERS)] == []


def test_every_text_field_is_quoted():
    text = exported()
    assert text.splitlines()[0] == '"lead_source","amount","note;\'=HYPERLINK(1)"'
    assert '\n"a-b",-5.5,"ok"\n' in text
    assert text.endswith('\n,,"ok"\n')  # an empty cell stays empty
