"""What each part of the contract must be: its settings, their types and ranges, the checks.

The values live in the bundled `data_checks/contract.yaml` (so every default is written
where people can read it); this module only knows the shape, and turns a wrong value into
one sentence that names its key.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any


class ContractError(ValueError):
    """The contract cannot be used; the message is one sentence naming the key that is wrong."""


# The row checks the code runs (validation.py, canonical.py); each has a level, an
# exclude flag and a sentence in the contract.
CHECK_NAMES = (
    "duplicate_id",
    "missing_id",
    "unparseable_value",
    "negative_amount",
    "future_date",
    "ancient_date",
    "unknown_source",
    "missing_source",
    "orphan_lead_id",
    "touch_before_creation",
    "won_before_creation",
)
LEVELS = ("error", "warning")
MAX_SLA_HOURS = 24 * 30


@dataclass(frozen=True)
class Setting:
    """One entry under `definitions`: how to read it and what it means."""

    key: str
    read: Callable[[str, Any], Any]
    means: str


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _hours(key: str, value: Any) -> float:
    if not _is_number(value) or not 0 < value <= MAX_SLA_HOURS:
        raise ContractError(
            f"definitions.{key} must be a number of hours above 0 and at most "
            f"{MAX_SLA_HOURS}, like 24 or 0.5; got {value!r}."
        )
    return float(value)


def _whole(low: int, high: int, unit: str, example: int) -> Callable[[str, Any], int]:
    def read(key: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ContractError(
                f"definitions.{key} must be a whole number of {unit} from {low} to {high}, "
                f"like {example}; got {value!r}."
            )
        return value

    return read


def words(key: str, value: Any) -> tuple[str, ...]:
    """A list of names. A plain string is refused: read as a list it would be its letters."""
    if not isinstance(value, list):
        raise ContractError(
            f"{key} must be a list of names, like [closed won, won]; got {value!r}."
        )
    for position, item in enumerate(value, start=1):
        if not isinstance(item, str):
            raise ContractError(
                f"{key} has {item!r} as item {position}; write every name as text "
                "(in quotes if it looks like a number, a date, yes/no or null)."
            )
    return tuple(value)


def _definition_words(key: str, value: Any) -> list[str]:
    return list(words(f"definitions.{key}", value))


def _placeholders(key: str, value: Any) -> list[str]:
    """Placeholder words; a bare YAML `null` in the list can only mean the word "null"."""
    if isinstance(value, list):
        value = ["null" if item is None else item for item in value]
    return _definition_words(key, value)


def _bands(key: str, value: Any) -> tuple[float, ...]:
    if (
        not isinstance(value, list)
        or not 1 <= len(value) <= 10
        or not all(_is_number(v) and v > 0 for v in value)
        or any(a >= b for a, b in pairwise(value))
    ):
        raise ContractError(
            f"definitions.{key} must be a list of 1 to 10 increasing numbers of hours above 0, "
            f"like [1, 4, 24, 72, 168]; got {value!r}."
        )
    return tuple(float(v) for v in value)


SETTINGS = {
    s.key: s
    for s in (
        Setting("follow_up_sla_hours", _hours, "A lead should be touched within this many hours."),
        Setting("mql_statuses", _definition_words, "Lead statuses that count as MQL."),
        Setting("sql_statuses", _definition_words, "Lead statuses that count as SQL."),
        Setting("won_stages", _definition_words, "Stage names that mean closed-won."),
        Setting("lost_stages", _definition_words, "Stage names that mean closed-lost."),
        Setting(
            "disqualified_statuses", _definition_words, "Lead statuses meaning sales rejected it."
        ),
        Setting(
            "sales_sourced_sources",
            _definition_words,
            "Sources sales generates itself; the others are marketing-sourced.",
        ),
        Setting(
            "duplicate_company_window_days",
            _whole(0, 3650, "days", 30),
            "Leads of one company created within this many days are duplicates.",
        ),
        Setting("placeholders", _placeholders, "Cell values that mean 'not given'."),
        Setting(
            "earliest_year",
            _whole(1900, 2100, "years", 1990),
            "Dates before this year are implausible and left empty.",
        ),
        Setting(
            "scorecard_period_days",
            _whole(1, 3660, "days", 90),
            "The scorecard's period when no dates are chosen: the last this many days.",
        ),
        Setting(
            "response_bands_hours",
            _bands,
            "Upper bounds, in hours, of the follow-up response-time bands.",
        ),
    )
}


def read_check(name: str, spec: Any, default: dict[str, Any] | None) -> dict[str, Any]:
    """A check's level, exclude flag and sentence; what it leaves out comes from `default`."""
    if name not in CHECK_NAMES:
        raise ContractError(
            f"checks.{name} is not a check Truce runs; the checks are {', '.join(CHECK_NAMES)}."
        )
    if not isinstance(spec, dict):
        raise ContractError(
            f"checks.{name} must be a mapping like {{level: warning, exclude: false, says: ...}}; "
            f"got {spec!r}."
        )
    unknown = sorted(map(str, set(spec) - {"level", "exclude", "says"}))
    if unknown:
        raise ContractError(
            f"checks.{name}.{unknown[0]} is not a check setting; use level, exclude and says."
        )
    merged = {**(default or {}), **spec}
    missing = [k for k in ("level", "exclude", "says") if k not in merged]
    if missing:
        raise ContractError(f"checks.{name} must set {missing[0]}.")
    if merged["level"] not in LEVELS:
        raise ContractError(
            f"checks.{name}.level must be error or warning; got {merged['level']!r}."
        )
    if not isinstance(merged["exclude"], bool):
        raise ContractError(
            f"checks.{name}.exclude must be true or false; got {merged['exclude']!r}."
        )
    if not isinstance(merged["says"], str) or not merged["says"].strip():
        raise ContractError(
            f'checks.{name}.says must be a sentence, like "a negative amount"; '
            f"got {merged['says']!r}."
        )
    return merged
