"""What validation found, in words a revenue-ops analyst can act on."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from truce.terminal import printable

EXAMPLES_SHOWN = 5


def rows_with(count: int, says: str) -> str:
    """'1 row with no ID' / '12 rows with no ID': how every finding starts."""
    return f"{count:,} {'row' if count == 1 else 'rows'} with {says}"


@dataclass(frozen=True)
class Finding:
    """One problem with one table: an error (table unusable) or a warning (some rows)."""

    table: str
    check: str  # the contract's check name, or "error"
    level: str  # "error" or "warning"
    message: str  # a full sentence with the count in it
    field: str | None = None
    rows: int = 0  # rows affected
    excluded: int = 0  # of those, rows left out of the analysis
    examples: list[dict] = dataclasses.field(
        default_factory=list
    )  # a few affected rows, with `_row`


@dataclass
class Report:
    """Every finding for every table, plus the row accounting that proves nothing vanished."""

    findings: list[Finding] = dataclasses.field(default_factory=list)
    rows_in: dict[str, int] = dataclasses.field(default_factory=dict)
    rows_kept: dict[str, int] = dataclasses.field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    def excluded(self, table: str) -> int:
        return self.rows_in.get(table, 0) - self.rows_kept.get(table, 0)

    def unaccounted(self) -> dict[str, tuple[int, int, int]]:
        """Tables where rows in != rows kept + rows the findings say were left out.

        Empty when every row is accounted for, which the tests hold the pipeline to.
        """
        gaps = {}
        for table, rows_in in self.rows_in.items():
            kept = self.rows_kept.get(table, 0)
            explained = sum(f.excluded for f in self.findings if f.table == table)
            if rows_in != kept + explained:
                gaps[table] = (rows_in, kept, explained)
        return gaps

    def as_text(self) -> str:
        """The report as plain lines, for the command line and for logs."""
        lines = []
        for table, rows in self.rows_in.items():
            kept = self.rows_kept.get(table, 0)
            lines.append(f"{table}: {rows:,} rows read, {kept:,} kept, {rows - kept:,} excluded")
        for finding in self.findings:
            # Messages and examples carry data: escaped, so no value can start a line.
            lines.append(f"{finding.level.upper()} [{finding.table}] {printable(finding.message)}")
            for example in finding.examples:
                shown = printable(", ".join(f"{k}={v}" for k, v in example.items() if k != "_row"))
                lines.append(f"    row {example.get('_row', '?')}: {shown}")
        lines.append(f"{len(self.errors)} error(s), {len(self.warnings)} warning(s)")
        return "\n".join(lines)
