"""The Great Expectations audit's own process: it imports GX, never Streamlit.

Started by ui.session for each audit (spawned, so it shares nothing with the server but the
checked tables it is sent) at a low priority: on a small machine the server's reruns come
first, and the verdict can wait. Ended early when its session is released.
"""

from __future__ import annotations

import os
from multiprocessing.connection import Connection


def main(send: Connection, checked: dict) -> None:
    """truce.audit.audit on the tables as checked, its result (or error) sent back."""
    os.nice(10)
    try:
        from truce.audit import audit

        send.send((True, audit(checked)))
    except Exception as error:  # handed to the server's job, which shows the kind
        send.send((False, error))
