"""What an analysis needs, named by the file or field that would unlock it."""

from __future__ import annotations

from truce.filters import Selection

UNLOCKS = {
    "leads": "a leads file",
    "created_at": "the leads' creation date (created_at)",
    "follow_up": "sales touches (activities, or first_touch_at on the leads)",
    "outcome": "an outcome (opportunities, a won flag or a won date)",
}


def lacking(selection: Selection, analysis: str, *needs: str) -> str | None:
    """'The <analysis> needs X and Y.' for what the data lacks, or None when it has it all."""
    missing = [UNLOCKS[need] for need in needs if not selection.can(need)]
    return f"{analysis} needs {' and '.join(missing)}." if missing else None
