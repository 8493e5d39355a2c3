"""Downloads that are safe to open in a spreadsheet."""

from __future__ import annotations

import polars as pl

FORMULA = r"[=+\-@\t\r]"
# A cell starting with = + - @ (or a tab / carriage return before one) is run as a formula by
# Excel, Sheets and LibreOffice.
CELL_START = f"^{FORMULA}"
# So is the text after a semicolon or a line break inside a cell, when a spreadsheet splits the
# comma-separated file on semicolons (the default where the decimal mark is a comma) or a
# quoted line break lands outside the quotes: `Acme;=cmd|...` becomes a cell `=cmd|...`.
INNER_START = f'([;\\r\\n])([ "]*{FORMULA})'


def safe_csv(frame: pl.DataFrame) -> bytes:
    """CSV bytes (UTF-8 with BOM, so Excel reads accents) where no text cell can run as a formula.

    A would-be formula gets an apostrophe in front, so the spreadsheet shows it as text, and
    every text field (the header too) is quoted.
    """
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    safe = frame.with_columns(neutralised(frame[c]) for c in text_columns)
    safe.columns = neutralised(pl.Series(frame.columns)).to_list()
    return "\ufeff".encode() + safe.write_csv(quote_style="non_numeric").encode()


def neutralised(values: pl.Series) -> pl.Series:
    """`values` with an apostrophe before every would-be formula: at the start of a cell, and
    after each semicolon or line break inside it."""
    cell = pl.first()
    values = (
        values.to_frame()
        .select(pl.when(cell.str.contains(CELL_START)).then("'" + cell).otherwise(cell))
        .to_series()
        .alias(values.name)
    )
    # One pass misses a boundary inside the previous match (`;\r=`); each pass fixes at least
    # one per cell and the apostrophe never starts a new match, so this ends.
    while values.str.contains(INNER_START).any():
        values = values.str.replace_all(INNER_START, "${1}'${2}")
    return values
