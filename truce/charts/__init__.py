"""Small aggregate frames -> Altair charts, one module per page; `base` holds what they share.

Every chart gets a title that asks the question it answers, axis titles with units, tooltips
with the exact numbers, and the same colour for a source on every page.
"""

from truce.charts import (
    base,
    feedback,
    follow_up,
    funnel,
    icp,
    matured,
    scorecard,
    speed,
    spend,
    verdict,
    win_rate,
)
from truce.charts.base import source_scale

__all__ = [
    "base",
    "feedback",
    "follow_up",
    "funnel",
    "icp",
    "matured",
    "scorecard",
    "source_scale",
    "speed",
    "spend",
    "verdict",
    "win_rate",
]
