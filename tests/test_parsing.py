"""Typed conversion with per-column format detection."""

import datetime as dt
import math

import polars as pl
import pytest

from truce.parsing import detect_date_format, null_placeholders, to_amount, to_boolean, to_datetime

D = dt.datetime


@pytest.mark.parametrize(
    ("values", "expected", "fmt"),
    [
        pytest.param(
            ["20-10-16", "05-11-16"], [D(2016, 10, 20), D(2016, 11, 5)], "%d-%m-%y", id="d-m-y2"
        ),
        pytest.param(
            ["2/26/2018 19:58", "3/1/2018 7:05"],
            [D(2018, 2, 26, 19, 58), D(2018, 3, 1, 7, 5)],
            "%m/%d/%Y %H:%M",
            id="m/d/Y H:M",
        ),
        pytest.param(
            ["2/26/2018 7:58 PM"],
            [D(2018, 2, 26, 19, 58)],
            "%m/%d/%Y %I:%M %p",
            id="salesforce-am-pm",
        ),
        pytest.param(
            ["20/10/2016", "01/02/2016"], [D(2016, 10, 20), D(2016, 2, 1)], "%d/%m/%Y", id="d/m/Y"
        ),
        pytest.param(
            ["20/10/2016 13:45:10"],
            [D(2016, 10, 20, 13, 45, 10)],
            "%d/%m/%Y %H:%M:%S",
            id="d/m/Y seconds",
        ),
        pytest.param(
            ["20-10-2016 13:45"], [D(2016, 10, 20, 13, 45)], "%d-%m-%Y %H:%M", id="d-m-Y H:M"
        ),
        pytest.param(["12/31/16"], [D(2016, 12, 31)], "%m/%d/%y", id="m/d/y2"),
        pytest.param(["31.12.2016"], [D(2016, 12, 31)], "%d.%m.%Y", id="d.m.Y"),
        pytest.param(["2016/12/31"], [D(2016, 12, 31)], "%Y/%m/%d", id="Y/m/d"),
        pytest.param(
            ["43831", "43831.5"],
            [D(2020, 1, 1), D(2020, 1, 1, 12)],
            "excel_serial",
            id="excel-serial",
        ),
        pytest.param(
            [
                "2020-01-01",
                "2020-01-01 10:30",
                "2020-01-01T10:00:00.5Z",
                "2020-01-01T10:00:00+02:00",
            ],
            [
                D(2020, 1, 1),
                D(2020, 1, 1, 10, 30),
                D(2020, 1, 1, 10, 0, 0, 500000),
                D(2020, 1, 1, 8),
            ],
            "%Y-%m-%d %H:%M:%S",
            id="iso-variants",
        ),
    ],
)
def test_dates(values: list[str], expected: list[D], fmt: str) -> None:
    parsed = to_datetime(pl.Series("d", values))
    assert parsed.values.dtype == pl.Datetime("us")
    assert parsed.values.to_list() == expected
    assert not parsed.unreadable.any()
    assert detect_date_format(pl.Series(values)) == fmt


def test_ambiguous_dates_read_day_first_and_say_so() -> None:
    parsed = to_datetime(pl.Series("d", ["05/06/2020", "01/02/2020"]))
    assert parsed.values.to_list() == [D(2020, 6, 5), D(2020, 2, 1)]
    assert "day/month/year" in parsed.detail
    assert "month/day/year would also fit" in parsed.detail


def test_month_first_when_a_value_proves_it() -> None:
    parsed = to_datetime(pl.Series("d", ["05/06/2020", "01/25/2020"]))
    assert parsed.values.to_list() == [D(2020, 5, 6), D(2020, 1, 25)]


def test_unreadable_and_mixed_dates() -> None:
    parsed = to_datetime(pl.Series("d", ["2020-01-01", "20/10/2016", "soon", None]))
    assert parsed.values.to_list() == [D(2020, 1, 1), D(2016, 10, 20), None, None]
    assert parsed.unreadable.to_list() == [False, False, True, False]
    assert "some as day/month/year" in parsed.detail


@pytest.mark.parametrize(
    "values",
    [
        ["2026-01", "2026-12"],
        ["2026/01", "2026/12"],
        ["01/2026", "12/2026"],
        ["Jan 2026", "Dec 2026"],
    ],
)
def test_a_month_without_a_day_is_its_first_day_and_said_so(values: list[str]) -> None:
    """Spend is booked per month: '2026-01' is January 2026, not an unreadable date."""
    parsed = to_datetime(pl.Series("month", values))
    assert parsed.values.to_list() == [D(2026, 1, 1), D(2026, 12, 1)]
    assert not parsed.unreadable.any()
    assert "months, each read as its first day" in parsed.detail


def test_no_dates_at_all() -> None:
    parsed = to_datetime(pl.Series("d", ["soon", "later"]))
    assert parsed.values.null_count() == 2
    assert parsed.unreadable.all()
    assert detect_date_format(pl.Series(["soon"])) is None


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param(
            ["$1,234.50", "(500)", "-500", "1234", "USD 1,200", "12k"],
            [1234.5, -500.0, -500.0, 1234.0, 1200.0, 12000.0],
            id="decimal-point",
        ),
        pytest.param(
            ["1.234,50 €", "€1 234,50", "1,5", "-2"],
            [1234.5, 1234.5, 1.5, -2.0],
            id="decimal-comma",
        ),
    ],
)
def test_amounts(values: list[str], expected: list[float]) -> None:
    parsed = to_amount(pl.Series("a", values))
    assert parsed.values.to_list() == expected
    assert not parsed.unreadable.any()


def test_amount_text_is_unreadable() -> None:
    parsed = to_amount(pl.Series("a", ["about 5", None, "7"]))
    assert parsed.values.to_list() == [None, None, 7.0]
    assert parsed.unreadable.to_list() == [True, False, False]


def test_booleans() -> None:
    words = ["true", "No", "y", "N", "1", "0", "T", "f", "1.0", "0.0", "Won", "lost"]
    words += ["Closed Won", "Closed Lost", "Si", "nah", "maybe", None]
    parsed = to_boolean(pl.Series("b", words), true_words=["si"], false_words=["NAH"])
    assert parsed.values.to_list() == [True, False] * 8 + [None, None]
    assert parsed.unreadable.to_list() == [False] * 16 + [True, False]


def test_x_marks_yes_blank_no() -> None:
    parsed = to_boolean(pl.Series("b", ["x", None, "X"]))
    assert parsed.values.to_list() == [True, False, True]


def test_null_placeholders() -> None:
    frame = pl.DataFrame({"a": [" N/A", "x", "-", None], "n": [1, 2, 3, 4]})
    cleaned = null_placeholders(frame, ["n/a", "-"])
    assert cleaned["a"].to_list() == [None, "x", None, None]
    assert cleaned["n"].to_list() == [1, 2, 3, 4]


def test_sign_after_the_currency_is_negative() -> None:
    parsed = to_amount(pl.Series("a", ["$-1234.00", "USD -5", "$ -1,234.00", "€5-", "+7"]))
    assert parsed.values.to_list() == [-1234.0, -5.0, -1234.0, -5.0, 7.0]
    assert not parsed.unreadable.any()


def test_two_signs_are_unreadable() -> None:
    parsed = to_amount(pl.Series("a", ["+-5", "--5", "-5-", "5"]))
    assert parsed.values.to_list() == [None, None, None, 5.0]
    assert parsed.unreadable.to_list() == [True, True, True, False]


def test_a_400_digit_amount_is_unreadable_not_infinite() -> None:
    parsed = to_amount(pl.Series("a", ["9" * 400, "1" + "0" * 15, "999999999999999", "12"]))
    # 10**15 and more is refused; 999,999,999,999,999 (15 nines) is still an amount.
    assert parsed.values.to_list() == [None, None, 999_999_999_999_999.0, 12.0]
    assert parsed.unreadable.to_list() == [True, True, False, False]
    assert "1,000,000,000,000,000 or more is not a plausible amount" in parsed.detail


def test_an_impossible_utc_offset_is_unreadable() -> None:
    parsed = to_datetime(pl.Series("d", ["2020-01-01T10:00:00+99:99", "2020-01-01T10:00:00+14:00"]))
    assert parsed.values.to_list() == [None, D(2019, 12, 31, 20)]
    assert parsed.unreadable.to_list() == [True, False]


def test_iso_dates_with_a_one_digit_hour_are_read():
    """Spreadsheets write 8:00 for 08:00: every value is read, none left empty."""
    values = pl.Series("created_at", ["2027-02-12 8:00", "2027-02-12 10:15", "2027-02-13 9:05:30"])
    parsed = to_datetime(values)
    assert parsed.values.to_list() == [
        dt.datetime(2027, 2, 12, 8, 0),
        dt.datetime(2027, 2, 12, 10, 15),
        dt.datetime(2027, 2, 13, 9, 5, 30),
    ]
    assert not parsed.unreadable.any()


def test_plain_numbers_read_alike_with_or_without_other_forms_in_the_column() -> None:
    # A column of plain numbers is read by a cast; one '$1' sends it through the clean-up.
    plain = ["-1234.50", "0.10", "-0", "007", "12"]
    expected = [-1234.5, 0.1, 0.0, 7.0, 12.0]
    alone = to_amount(pl.Series("a", plain))
    mixed = to_amount(pl.Series("a", [*plain, "$1"]))
    assert alone.values.to_list() == expected
    assert mixed.values.to_list() == [*expected, 1.0]
    assert math.copysign(1, alone.values[2]) == math.copysign(1, mixed.values[2]) == -1
    assert not alone.unreadable.any() and not mixed.unreadable.any()


def test_dates_from_1900_to_2200_are_plausible_and_no_others() -> None:
    values = ["1899-12-31 23:59:59", "1900-01-01 00:00:00", "2200-12-31 23:59:59", "2201-01-01"]
    parsed = to_datetime(pl.Series("d", values))
    assert parsed.values.to_list() == [None, D(1900, 1, 1), D(2200, 12, 31, 23, 59, 59), None]
    assert parsed.unreadable.to_list() == [True, False, False, True]
