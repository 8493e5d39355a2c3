"""Page models: one module per page, `build(selection, contract, options) -> <Page>Model`.

A model is a frozen dataclass holding every number, table, sentence and chart frame its
page shows. Pages, `python -m truce report` and the benchmark call the same `build()`, so
each number has one definition. Nothing here imports Streamlit.
"""

from __future__ import annotations

from truce.contract import Contract
from truce.filters import Selection
from truce.views import (
    feedback,
    follow_up,
    funnel,
    gap,
    icp,
    matured,
    scorecard,
    speed,
    spend,
    verdict,
    win_rate,
)
from truce.views.options import Options

PAGES = {
    "scorecard": scorecard,
    "verdict": verdict,
    "gap": gap,
    "funnel": funnel,
    "follow_up": follow_up,
    "speed": speed,
    "win_rate": win_rate,
    "matured": matured,
    "icp": icp,
    "spend": spend,
    "feedback": feedback,
}


def build_all(selection: Selection, contract: Contract, options: Options) -> dict[str, object]:
    """Every page's model, as the app would build them one page at a time."""
    return {name: page.build(selection, contract, options) for name, page in PAGES.items()}
