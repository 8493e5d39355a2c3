"""Typed conversion of String columns, with each column's format detected from its values.

Exports mix conventions (US vs European dates, decimal commas, 'Closed Won'), so nothing here
guesses per value: a format is chosen per column from a sample, then applied vectorised with an
explicit format. Values that do not fit become null and are flagged `unreadable`, never dropped
silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import polars as pl

SAMPLE_SIZE = 5000
# Every str.to_datetime here passes cache=False: Polars' cache hashes every value to parse each
# distinct one once, which doubles the time on timestamps (nearly all distinct) and saves
# next to nothing on dates (cheap to parse).
MIN_YEAR, MAX_YEAR = 1900, 2200  # parses outside these years are wrong guesses (e.g. year 0016)
# The same years as instants: comparing timestamps is 30 times cheaper than taking their years.
EARLIEST, AFTER_LATEST = datetime(MIN_YEAR, 1, 1), datetime(MAX_YEAR + 1, 1, 1)
EXCEL_SERIAL_RANGE = (20000, 80000)  # 1954..2119 as Excel day numbers
EXCEL_ORIGIN = pl.datetime(1899, 12, 30)
MAX_AMOUNT = 1e15  # no deal is worth a quadrillion: bigger numbers are typos or garbage

# Date-only bases in tie-break order: day-first before month-first, because ambiguous
# columns are read day-first unless some value proves month-first (which then parses more).
DATE_BASES = {
    "%d/%m/%Y": "day/month/year",
    "%m/%d/%Y": "month/day/year",
    "%d-%m-%Y": "day-month-year",
    "%m-%d-%Y": "month-day-year",
    "%d.%m.%Y": "day.month.year",
    "%Y/%m/%d": "year/month/day",
    "%d/%m/%y": "day/month/2-digit year",
    "%m/%d/%y": "month/day/2-digit year",
    "%d-%m-%y": "day-month-2-digit year",
    "%d.%m.%y": "day.month.2-digit year",
}
TIME_SUFFIXES = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p")
# A year and a month, no day (spend files are booked per month): read as the month's first day.
MONTHS = "year_month"
MONTH_FORMATS = ["%Y-%m", "%Y/%m", "%m/%Y", "%m-%Y", "%b %Y", "%B %Y"]
ISO = "%Y-%m-%d %H:%M:%S"  # the name detect_date_format gives ISO 8601 columns
EXCEL = "excel_serial"

# UTC offsets run from -12:00 to +14:00: '+99:99' is no offset, and the value is unreadable.
_ISO_RE = (
    r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
    r"(?:Z|[+-](?:0\d|1[0-4]):?[0-5]\d)?$"
)

TRUE_WORDS = ("true", "yes", "y", "1", "t", "1.0", "x", "won", "closed won")
FALSE_WORDS = ("false", "no", "n", "0", "f", "0.0", "lost", "closed lost")


@dataclass(frozen=True)
class Parsed:
    values: pl.Series  # typed result, same length and name as input
    unreadable: pl.Series  # True where the input was non-null but could not be read
    detail: str  # plain words about what was detected; "" if nothing to say


def null_placeholders(frame: pl.DataFrame, placeholders: Iterable[str]) -> pl.DataFrame:
    """String cells equal (case-insensitive, after strip) to a placeholder like 'N/A' -> null."""
    words = sorted({p.strip().lower() for p in placeholders})
    if not words:
        return frame
    # One anchored regex per column: a third of the time of strip + lower + set lookup.
    pattern = r"(?i)^\s*(?:" + "|".join(re.escape(w) for w in words) + r")\s*$"
    text = [c for c, dtype in frame.schema.items() if dtype == pl.String]
    if not text:
        return frame
    # The regex runs once per cell: its masks take a bit per cell. Only the columns that hold
    # a placeholder are rewritten: the others stay the very same column (no copy of millions
    # of strings).
    masks = frame.select(pl.col(c).str.contains(pattern) for c in text)
    return frame.with_columns(
        pl.when(masks[c]).then(None).otherwise(pl.col(c)).alias(c) for c in text if masks[c].any()
    )


# ---------------------------------------------------------------------------- dates


def _sample(s: pl.Series) -> pl.Series:
    """Up to SAMPLE_SIZE non-null values spread over the column (exports are often sorted)."""
    values = s.drop_nulls()
    if values.len() > SAMPLE_SIZE:
        values = values.gather_every(values.len() // SAMPLE_SIZE).head(SAMPLE_SIZE)
    return values


def _parse_iso(s: pl.Series) -> pl.Series:
    """ISO 8601 with optional time, seconds, fraction and 'Z'/offset; offsets -> UTC naive.

    Most exports write one plain form: read that directly, and only the rest the long way.
    """
    fast = s.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False, time_unit="us", cache=False)
    missed = fast.is_null() & s.is_not_null()
    if not missed.any():
        return fast
    return fast.scatter(missed.arg_true(), _parse_iso_variants(s.filter(missed)))


def _parse_iso_variants(s: pl.Series) -> pl.Series:
    # Spreadsheets drop the hour's leading zero ("2027-02-12 8:00"): put it back first.
    s = s.str.strip_chars().str.replace(r"^(\d{4}-\d{2}-\d{2})[ T](\d):", "${1} 0${2}:")
    ok = s.str.contains(_ISO_RE)
    local = s.str.extract(r"^(\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?)")
    local = local.str.replace("T", " ", literal=True)
    # Pad to full seconds so one explicit format covers every variant.
    local = (
        pl.select(
            pl.when(local.str.len_bytes() == 10)
            .then(local + " 00:00:00")
            .when(local.str.len_bytes() == 16)
            .then(local + ":00")
            .otherwise(local)
        )
        .to_series()
        .str.to_datetime("%Y-%m-%d %H:%M:%S%.f", strict=False, time_unit="us", cache=False)
    )
    offset = s.str.extract(r"([+-]\d{2}):?(\d{2})$", 1).cast(pl.Int64, strict=False)
    minutes = s.str.extract(r"([+-]\d{2}):?(\d{2})$", 2).cast(pl.Int64, strict=False)
    total = (offset.abs() * 60 + minutes) * offset.sign().replace(0, 1)
    shift = pl.select(pl.duration(minutes=total.fill_null(0))).to_series()
    return pl.select(pl.when(ok).then(local - shift)).to_series()


def _parse_excel(s: pl.Series) -> pl.Series:
    """Excel day numbers (days since 1899-12-30, fraction = time of day)."""
    days = s.str.strip_chars().cast(pl.Float64, strict=False)
    low, high = EXCEL_SERIAL_RANGE
    days = pl.select(pl.when(days.is_between(low, high)).then(days)).to_series()
    micros = (days * 86_400_000_000).round().cast(pl.Int64)
    return pl.select(EXCEL_ORIGIN + pl.duration(microseconds=micros)).to_series()


def _parser(fmt: str) -> Callable[[pl.Series], pl.Series]:
    if fmt == ISO:
        return _parse_iso
    if fmt == EXCEL:
        return _parse_excel
    return lambda s: s.str.strip_chars().str.to_datetime(
        fmt, strict=False, time_unit="us", cache=False
    )


def _plausible(parsed: pl.Series) -> pl.Series:
    """Null out wrong guesses: a 4-digit-year format on '20-10-16' gives year 16."""
    inside = parsed.is_between(EARLIEST, AFTER_LATEST, closed="left")
    if inside.all():  # nulls aside: the common case, with nothing to null out
        return parsed
    return pl.select(pl.when(inside).then(parsed)).to_series()


def _families() -> dict[str, list[str]]:
    """Each family is one way of writing the date; its members add the time variants."""
    families = {ISO: [ISO], EXCEL: [EXCEL], MONTHS: MONTH_FORMATS}
    for base in DATE_BASES:
        families[base] = [base + suffix for suffix in TIME_SUFFIXES]
    return families


def _rank(sample: pl.Series) -> list[tuple[str, list[str], pl.Series]]:
    """Families that read some sample values: (family, formats used, parsed mask), best first."""
    ranked = []
    for family, formats in _families().items():
        used, mask = [], pl.Series([False] * sample.len())
        for fmt in formats:
            hit = _plausible(_parser(fmt)(sample)).is_not_null()
            if hit.any():
                used.append(fmt)
                mask = mask | hit
        if used:
            ranked.append((family, used, mask))
    # Stable sort keeps the tie-break order of DATE_BASES (day-first first).
    ranked.sort(key=lambda item: -item[2].sum())
    return ranked


def _iso_only(sample: pl.Series) -> tuple[str, list[str], pl.Series] | None:
    """ISO when it reads every sampled value (most exports): no other family can then read
    more, or read what ISO cannot, so the other 60 formats need not be tried."""
    hit = _plausible(_parse_iso(sample)).is_not_null()
    return (ISO, [ISO], hit) if sample.len() and hit.all() else None


def detect_date_format(values: pl.Series) -> str | None:
    """The format that reads most values: a strftime format or 'excel_serial'; None if none."""
    sample = _sample(values)
    if _iso_only(sample):
        return ISO
    ranked = _rank(sample)
    if not ranked:
        return None
    family, used, _ = ranked[0]
    counts = [(_plausible(_parser(f)(sample)).is_not_null().sum(), f) for f in used]
    return max(counts, key=lambda c: c[0])[1] if family not in (ISO, EXCEL) else family


def to_datetime(s: pl.Series) -> Parsed:
    """Parse a String column to pl.Datetime('us'), format detected from its values."""
    sample = _sample(s)
    iso = _iso_only(sample)
    ranked = [iso] if iso else _rank(sample)
    if not ranked:
        values = pl.Series(s.name, [None] * s.len(), pl.Datetime("us"))
        return Parsed(values, s.is_not_null(), "no value looks like a date" if sample.len() else "")
    family, formats, mask = ranked[0]
    details = [_describe(family, sample.filter(mask)[0])]
    # More families for the values the first cannot read (e.g. ISO, d/m/Y and Excel numbers
    # in one column), never both readings of day and month: that would mix conventions.
    read, chosen = mask, [family]
    for other, other_formats, other_mask in ranked[1:]:
        extra = other_mask & ~read
        if extra.any() and not any(_swap(c) == other for c in chosen if c in DATE_BASES):
            formats = formats + other_formats
            details.append("some as " + _describe(other, sample.filter(extra)[0]))
            read, chosen = read | other_mask, [*chosen, other]
    if family in DATE_BASES and ranked[1:] and _ambiguous(family, ranked[1], mask):
        details.append(f"{DATE_BASES[_swap(family)]} would also fit every value")

    parsed = pl.select(pl.coalesce([_plausible(_parser(f)(s)) for f in formats])).to_series()
    values = parsed.cast(pl.Datetime("us")).alias(s.name)
    return Parsed(values, s.is_not_null() & values.is_null(), "dates read as " + "; ".join(details))


def _describe(family: str, example: str) -> str:
    if family == ISO:
        return f"ISO dates (e.g. {example})"
    if family == EXCEL:
        return f"Excel day numbers (e.g. {example})"
    if family == MONTHS:
        return f"months, each read as its first day (e.g. {example})"
    return f"{DATE_BASES[family]} (e.g. {example})"


def _swap(base: str) -> str:
    return base.replace("%d", "%D").replace("%m", "%d").replace("%D", "%m")


def _ambiguous(family: str, runner_up: tuple[str, list[str], pl.Series], mask: pl.Series) -> bool:
    """The day/month swap of the chosen format read exactly the same values."""
    other, _, other_mask = runner_up
    return other == _swap(family) and bool((other_mask == mask).all())


# ---------------------------------------------------------------------------- amounts

_CURRENCY = r"(?i)^[A-Z]{3}\s*|\s*[A-Z]{3}$|[$€£¥₹]"
_SPACES = r"[\s\u00a0\u202f']"  # thousands groupings: space, no-break spaces, apostrophe (CH)
# Digits with an optional sign and decimal point: a plain cast reads them, sign included,
# exactly as the clean-up below would (a float's parse is symmetric in its sign).
_PLAIN_NUMBER = r"^-?\d+(?:\.\d+)?$"


def to_amount(s: pl.Series) -> Parsed:
    """Parse money-like text to Float64, detecting the column's decimal separator.

    The sign is read after the currency and spaces are gone ('$-1,234.00', 'USD -5' and
    '$ -5' are negative); one sign only ('+-5' is unreadable); a number of MAX_AMOUNT or more
    is no amount (400 digits would read as infinity and spoil every sum).
    """
    if s.str.contains(_PLAIN_NUMBER).all():  # what most systems export: no clean-up to do
        number, comma = s.cast(pl.Float64), False
    else:
        number, comma = _money(s)
    huge = number.abs() >= MAX_AMOUNT
    values = pl.select(pl.when(~huge).then(number)).to_series().alias(s.name)
    details = ["amounts read with ',' as the decimal separator"] if comma else []
    if huge.any():
        details.append(f"an amount of {MAX_AMOUNT:,.0f} or more is not a plausible amount")
    return Parsed(values, s.is_not_null() & values.is_null(), "; ".join(details))


def _money(s: pl.Series) -> tuple[pl.Series, bool]:
    """Money written any way: its number (signed, null when unreadable) and whether its
    decimal separator is a comma."""
    text = s.str.strip_chars()
    parens = text.str.contains(r"^\(.*\)$")
    body = text.str.replace(r"^\((.*)\)$", "$1").str.replace_all(_CURRENCY, "")
    body = body.str.replace_all(_SPACES, "")
    negative = parens | body.str.starts_with("-") | body.str.ends_with("-")
    body = pl.select(
        pl.when(body.str.contains(r"^[-+]?[^-+]*$|^[^-+]*-$")).then(body.str.strip_chars("-+"))
    ).to_series()
    scale = pl.select(
        pl.when(body.str.contains(r"(?i)\dk$"))
        .then(1_000.0)
        .when(body.str.contains(r"(?i)\dm$"))
        .then(1_000_000.0)
        .otherwise(1.0)
    ).to_series()
    body = body.str.replace(r"(?i)(\d)[km]$", "$1")
    comma = _decimal_comma(body)
    if comma:
        body = body.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    else:
        body = body.str.replace_all(",", "", literal=True)
    body = pl.select(pl.when(body.str.contains(r"^\d*\.?\d+$")).then(body)).to_series()
    number = body.cast(pl.Float64, strict=False) * scale
    return pl.select(pl.when(negative).then(-number).otherwise(number)).to_series(), comma


def _decimal_comma(body: pl.Series) -> bool:
    """Does this column write decimals with a comma? Decide from values that prove it:
    '1,5' or '1.234,50' prove a comma; '1.5' or '1,234.50' prove a point. '1,234' alone
    proves nothing (read as thousands)."""
    sample = _sample(body)
    last_comma = sample.str.contains(r",\d{1,2}$") | sample.str.contains(r"\.\d{3},\d+$")
    last_comma = last_comma | sample.str.contains(r",\d{4,}$")
    last_point = sample.str.contains(r"\.\d{1,2}$") | sample.str.contains(r",\d{3}\.\d+$")
    last_point = last_point | sample.str.contains(r"\.\d{4,}$")
    return bool(last_comma.sum() > last_point.sum())


# ---------------------------------------------------------------------------- booleans


def to_boolean(
    s: pl.Series, true_words: Iterable[str] = (), false_words: Iterable[str] = ()
) -> Parsed:
    """Yes/no-like text to Boolean; the caller's words are added to the usual ones."""
    mapping = {w: True for w in TRUE_WORDS} | {w: False for w in FALSE_WORDS}
    mapping |= {w.strip().lower(): True for w in true_words}
    mapping |= {w.strip().lower(): False for w in false_words}
    key = s.str.strip_chars().str.to_lowercase()
    values = key.replace_strict(mapping, default=None, return_dtype=pl.Boolean).alias(s.name)
    unreadable = s.is_not_null() & values.is_null()
    detail = ""
    # A column that only ever says 'x' marks the yes rows; blank then means no.
    if key.drop_nulls().len() and (key.drop_nulls() == "x").all():
        values = values.fill_null(False)
        detail = "an 'x' read as yes and a blank as no"
    return Parsed(values, unreadable, detail)
