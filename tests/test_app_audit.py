"""The app path of the audit and of "do each thing once": GX runs after the first numbers, its
verdict reaches the Data page, and the heavy steps are not repeated.

Expected verdicts are built from the audit run here on the same files through the command
line's path (tests.conftest.run_pipeline), never copied from the page.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.conftest import run_pipeline
from tests.fixtures import FILES
from truce.audit import AuditResult, audit
from truce.pipeline import read_upload
from truce.views import data
from ui.session import _check, prepare

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "sample_data" / "demo"
NAMES = ("leads.csv", "opportunities.csv", "activities.csv", "spend.csv")


def test_the_app_imports_great_expectations_only_in_the_audit_job():
    code = (
        "import sys, ui.session, ui.view, ui.jobs, ui.lifetime, truce.views.data; "
        "print('great_expectations' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "False"


def test_verdict_when_every_count_agrees():
    # Two rules on leads, one on deals, counted by hand: 3 rules; rows as given.
    result = AuditResult(
        counts={
            "leads": {("missing_id", "lead_id"): 0, ("duplicate_id", "lead_id"): 2},
            "opportunities": {("missing_id", "opportunity_id"): 0},
        }
    )
    verdict = data.audit_verdict(result, 1_234)
    assert verdict.state == "agrees"
    assert verdict.lines == (
        "Great Expectations audit: every count agrees (3 rules on 1,234 rows).",
    )


def test_a_disagreement_is_flagged_with_the_rule_and_both_counts(contract):
    dataset, _ = run_pipeline(FILES, contract)
    leads = dataset.checked["leads"]
    wrong = {**leads.counts, ("duplicate_id", "lead_id"): 1}  # as if the twin had a bug
    result = audit({"leads": replace(leads, counts=wrong)})
    verdict = data.audit_verdict(result, leads.frame.height)
    assert verdict.state == "disagrees"
    assert verdict.lines[0].startswith(
        f"Great Expectations audit: 1 of {len(leads.counts)} rules disagree"
    )
    # The fixture's one duplicated lead ID: GX flags both copies, the faked twin one.
    assert verdict.lines[1:] == (
        "leads.lead_id duplicate_id: Great Expectations counts 2 row(s), the check that "
        "decided the numbers counted 1",
    )


def test_a_broken_audit_names_its_kind_not_its_message():
    verdict = data.audit_failed(ValueError("a cell's text"))
    assert verdict.state == "failed"
    assert "ValueError" in verdict.lines[0] and "a cell's text" not in verdict.lines[0]


def test_running_until_the_job_is_done():
    assert data.audit_running().lines == ("Great Expectations audit: running…",)


def test_data_page_shows_the_verdict_on_the_sample(contract):
    files = {name: (DEMO / name).read_bytes() for name in NAMES}
    dataset, _ = run_pipeline(files, contract)
    expected = data.audit_verdict(
        audit(dataset.checked), sum(c.frame.height for c in dataset.checked.values())
    ).lines[0]
    assert "every count agrees" in expected

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    shown: list[str] = []
    for _ in range(360):  # the audit runs in the background (at a low priority) after the page
        shown = [s.value.replace("\\", "") for s in at.success if "Great Expectations" in s.value]
        if shown:
            break
        assert any("Great Expectations audit" in i.value for i in at.info)  # still running
        time.sleep(0.5)
        at.run()
    assert shown == [expected]


class Unreadable:
    """An upload whose bytes must not be read again."""

    name = "leads.csv"

    def getvalue(self) -> bytes:
        raise AssertionError("read a second time")


def test_the_check_uses_the_rows_already_read_and_finds_duplicates_only_when_asked(contract):
    first = read_upload("leads.csv", FILES["leads.csv"]).loaded
    chosen = {"table_choice": {}, "overrides": {}, "values": {}, "lookup_on": {}}
    (prepared, _), _ = _check([Unreadable()], [first], contract, chosen)
    assert prepared.dataset.report.rows_in["leads"] == first.frame.height
    assert "duplicates" not in prepared.__dict__  # not computed for the first numbers
    assert "duplicates" not in prepare(prepared.dataset, contract).__dict__
