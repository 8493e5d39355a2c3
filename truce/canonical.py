"""A mapped file -> a canonical table: contract field names, contract types.

Every value that cannot be read is counted and reported (it becomes empty, the
row stays), so the row accounting downstream stays exact.
"""

from __future__ import annotations

import polars as pl

from truce.contract import Contract
from truce.findings import EXAMPLES_SHOWN, Finding, rows_with
from truce.mapping import Mapping
from truce.parsing import null_placeholders, to_amount, to_boolean, to_datetime
from truce.sources import normalise_sources

ROW = "_row"  # the row's number among the file's data rows, shown in examples


def to_canonical(
    frame: pl.DataFrame, mapping: Mapping, contract: Contract
) -> tuple[pl.DataFrame, list[Finding]]:
    """Rename, type and tidy the mapped columns; report what could not be read.

    Raises nothing for bad values; a missing required field is an error finding
    and the table comes back empty.
    """
    table = contract.tables[mapping.table]
    missing = [f for f in table.required if f not in mapping.columns]
    if missing:
        names = ", ".join(missing)
        return pl.DataFrame(), [
            Finding(
                table=table.name,
                check="error",
                level="error",
                field=missing[0],
                rows=frame.height,
                excluded=frame.height,
                message=f"No column is mapped to the required field(s) {names}, "
                f"so the {table.name} table cannot be used ({frame.height:,} rows left out). "
                "Map a column to it.",
            )
        ]

    raw = null_placeholders(
        frame.select([pl.col(c).alias(f) for f, c in mapping.columns.items()]),
        contract.placeholders,
    ).with_row_index(ROW, offset=1)

    findings: list[Finding] = []
    columns = [raw[ROW]]
    check = contract.checks["unparseable_value"]
    # Rows left out when the contract says so; a row unreadable twice counts once, first.
    excluded = pl.repeat(False, raw.height, dtype=pl.Boolean, eager=True).alias("excluded")
    for name in mapping.columns:
        spec = table.fields[name]
        parsed = _parse(raw[name], spec.type, contract)
        if parsed is None:
            columns.append(raw[name])
            continue
        columns.append(parsed.values)
        bad = int(parsed.unreadable.sum())
        if bad:
            newly = int((parsed.unreadable & ~excluded).sum()) if check.exclude else 0
            if check.exclude:
                excluded |= parsed.unreadable
            examples = raw.filter(parsed.unreadable).select(ROW, name).head(EXAMPLES_SHOWN)
            findings.append(
                Finding(
                    table=table.name,
                    check=check.name,
                    level=check.level,
                    field=name,
                    rows=bad,
                    excluded=newly,
                    message=f"{rows_with(bad, check.says)}: {name} (column "
                    f"'{mapping.columns[name]}').{_outcome(check.exclude, bad, newly)} "
                    f"{parsed.detail}".strip(),
                    examples=examples.to_dicts(),
                )
            )
    typed = pl.DataFrame(columns).filter(~excluded)
    if "lead_source" in typed.columns:
        typed = typed.with_columns(normalise_sources(typed["lead_source"], contract))
    return typed, findings


def _outcome(exclude: bool, rows: int, newly: int) -> str:
    """What became of the rows, said the way validation says it; nothing when kept."""
    if not exclude:
        return ""
    if newly == rows:
        return f" {newly:,} left out of the analysis."
    return (
        f" {newly:,} left out of the analysis; {rows - newly:,} already were, for a reason above."
    )


def _parse(values: pl.Series, kind: str, contract: Contract):
    """The typed column for a contract type; None for text that stays text."""
    if kind == "datetime":
        return to_datetime(values)
    if kind == "amount":
        return to_amount(values)
    if kind == "boolean":
        return to_boolean(
            values,
            true_words=contract.words("won_stages"),
            false_words=contract.words("lost_stages"),
        )
    return None
