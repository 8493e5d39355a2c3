"""The Great Expectations audit's own process: it imports GX, never Streamlit.

Started by ui.session for each audit (spawned, so it shares nothing with the server but the
checked tables it is sent) at a low priority: on a small machine the server's reruns
come first, and the verdict can wait.
"""

from __future__ import annotations

import os


def run(checked: dict):
    """truce.audit.audit on the tables as checked; GX is imported here, in this process."""
    os.nice(10)
    from truce.audit import audit

    return audit(checked)
