"""The audit's verdict, apart from the audit: GX's counts and where they disagree with the
Polars twins. Its own module, free of Great Expectations, because the app receives it from
the audit's process: unpickling it must not import GX (seconds of import holding the
server's interpreter lock while users click).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Disagreement:
    table: str
    check: str
    field: str
    gx: int  # failing rows as Great Expectations counts them
    twin: int  # failing rows as the Polars twin counted them

    def says(self) -> str:
        return (
            f"{self.table}.{self.field} {self.check}: Great Expectations counts {self.gx:,} "
            f"row(s), the check that decided the numbers counted {self.twin:,}"
        )


@dataclass(frozen=True)
class AuditResult:
    """GX's failing-row count per table and (check, field), and where it disagrees."""

    counts: dict[str, dict[tuple[str, str], int]] = field(default_factory=dict)
    disagreements: list[Disagreement] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        return not self.disagreements

    def says(self) -> list[str]:
        """The verdict in plain lines: one when all agree, one per disagreement otherwise."""
        expectations = sum(len(c) for c in self.counts.values())
        if not self.counts:
            return ["Audit (Great Expectations): no table to audit."]
        if self.agrees:
            return [
                f"Audit (Great Expectations): {expectations} expectation(s) on "
                f"{len(self.counts)} table(s); every count agrees with the checks above."
            ]
        return [
            f"AUDIT DISAGREES {d.says()}. Please report this: the numbers may be wrong."
            for d in self.disagreements
        ]
