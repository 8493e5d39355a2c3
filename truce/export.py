"""Downloads that are safe to open in a spreadsheet."""

from __future__ import annotations

import polars as pl

# A cell starting with = + - @ (or a tab / carriage return before one) is run as a
# formula by Excel, Sheets and LibreOffice.
FORMULA_START = r"^[=+\-@\t\r]"


def safe_csv(frame: pl.DataFrame) -> bytes:
    """CSV bytes (UTF-8 with BOM, so Excel reads accents) where no text cell can run as a formula.

    A would-be formula gets an apostrophe in front, so the spreadsheet shows it as text.
    """
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    safe = frame.with_columns(
        pl.when(pl.col(c).str.contains(FORMULA_START))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text_columns
    )
    return "\ufeff".encode() + safe.write_csv().encode()
