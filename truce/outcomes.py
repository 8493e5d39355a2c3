"""What each stage and status value means: won, lost, open; MQL, SQL, disqualified.

The contract's word lists give the first guess; the user's own choices (saved in
the mapping's `values`, or `--won/--lost/--open` on the command line) win. A
value neither knows is *unclassified*: when no stage value at all says won or
lost, the outcome is unknown, and win rates are n/a rather than 0%.
"""

from __future__ import annotations

import polars as pl

from truce.contract import Contract
from truce.findings import Finding

# The canonical field each classification reads, the column the class lands in, and the classes.
CLASSES = {
    "stage": ("stage_class", ("won", "lost", "open")),
    "status": ("status_class", ("mql", "sql", "disqualified", "won", "lost", "open")),
}
STAGE_CLASSES = CLASSES["stage"][1]
VALUES_NAMED = 8  # unclassified values named in a finding


def value_key(value: str) -> str:
    """`Closed Won ` and `closed won` are one value."""
    return value.strip().lower()


def contract_classes(field: str, contract: Contract) -> dict[str, str]:
    """The contract's prefill: value key -> class. Later lists do not overwrite earlier ones."""
    if field == "stage":
        lists = (("won_stages", "won"), ("lost_stages", "lost"))
    else:
        lists = (
            ("disqualified_statuses", "disqualified"),
            ("sql_statuses", "sql"),
            ("mql_statuses", "mql"),
        )
    classes: dict[str, str] = {}
    for key, cls in lists:
        for word in contract.words(key):
            classes.setdefault(word, cls)
    return classes


def classes_for(field: str, contract: Contract, chosen: dict[str, str] | None) -> dict[str, str]:
    """The contract's classes with the user's choices on top, keyed by `value_key`."""
    allowed = CLASSES[field][1]
    merged = contract_classes(field, contract)
    for value, cls in (chosen or {}).items():
        if cls not in allowed:
            raise ValueError(f"'{value}' cannot be marked {cls}: a {field} is one of {allowed}.")
        merged[value_key(value)] = cls
    return merged


def classify(values: pl.Series, field: str, classes: dict[str, str]) -> pl.Series:
    """Per row: the value's class, or null when nobody has classified it (or it is empty).

    Each distinct value is cleaned and looked up once (a million statuses are a handful of
    values): half the time of cleaning every row."""
    distinct = values.unique()
    keys = distinct.str.strip_chars().str.to_lowercase()
    found = keys.replace_strict(classes, default=None, return_dtype=pl.String)
    return values.replace_strict(distinct, found, default=None, return_dtype=pl.String).alias(
        CLASSES[field][0]
    )


def value_counts(frame: pl.DataFrame, field: str, classes: dict[str, str]) -> pl.DataFrame:
    """Every distinct value of `field` with its row count and current class (null: unclassified),
    most common first: what the Data page lists for the user to mark."""
    if field not in frame.columns:
        return pl.DataFrame(schema={"value": pl.String, "count": pl.UInt32, "class": pl.String})
    counts = frame[field].drop_nulls().value_counts(sort=True, name="count")
    counts = counts.rename({field: "value"}).cast({"value": pl.String})
    return counts.with_columns(classify(counts["value"], field, classes).alias("class")).sort(
        "count", "value", descending=[True, False]
    )


def unknown_outcome(table: str, field: str, counts: pl.DataFrame, level: str) -> Finding:
    """No value says won or lost: name the values, with counts, that need a class."""
    unclassified = counts.filter(pl.col("class").is_null())
    named = ", ".join(
        f"'{v}' ({n:,})" for v, n in unclassified.head(VALUES_NAMED).select("value", "count").rows()
    )
    more = unclassified.height - VALUES_NAMED
    if more > 0:
        named += f" and {more:,} more"
    what = "opportunity win rate" if field == "stage" else "lead-to-win rate"
    return Finding(
        table=table,
        check="unknown_outcome",
        level=level,
        field=field,
        message=f"No {field} value says won or lost, so the {what} is unknown (n/a, not 0%). "
        f"Unclassified values: {named}. Mark them won, lost or open on the Data page or with "
        "--won/--lost/--open.",
    )


def outcome_told(frame: pl.DataFrame, field: str) -> bool:
    """Whether a canonical table says who won: a won flag or date, or a value classed won/lost."""
    if "is_won" in frame.columns or "won_at" in frame.columns:
        return True
    column = CLASSES[field][0]
    return column in frame.columns and bool(frame[column].is_in(["won", "lost"]).any())


def values_to_classify(
    tables: dict[str, pl.DataFrame],
    values: dict[str, dict[str, dict[str, str]]],
    contract: Contract,
) -> dict[tuple[str, str], pl.DataFrame]:
    """For the Data page: (table, field) -> every distinct value with its count and class, for
    the stage and status, and for the won / closed flags (as read: true / false / empty,
    whose meaning is fixed, so their class is the flag itself)."""
    out = {}
    for field, table in (("stage", "opportunities"), ("status", "leads")):
        frame = tables.get(table)
        if frame is not None and field in frame.columns:
            chosen = values.get(table, {}).get(field)
            out[(table, field)] = value_counts(frame, field, classes_for(field, contract, chosen))
    for table, frame in tables.items():
        for flag in ("is_won", "is_closed"):
            if flag in frame.columns:
                counts = frame[flag].value_counts(sort=True, name="count")
                out[(table, flag)] = counts.select(
                    pl.col(flag).cast(pl.String).alias("value"),
                    "count",
                    pl.col(flag).cast(pl.String).alias("class"),
                )
    return out
