"""The Great Expectations audit: off the critical path, and loud when it disagrees."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

from tests.conftest import run_pipeline
from tests.fixtures import FILES
from truce.audit import audit


def test_loading_and_reporting_never_import_great_expectations():
    code = (
        "import sys, truce.cli, truce.pipeline, truce.facts, truce.headline, truce.views; "
        "print('great_expectations' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_audit_agrees_with_the_checks_that_kept_the_rows(contract):
    dataset, _ = run_pipeline(FILES, contract)
    result = audit(dataset.checked)
    assert result.agrees
    assert set(result.counts) == {"leads", "opportunities", "activities"}
    # The fixture's one duplicated lead ID: GX flags both copies.
    assert result.counts["leads"][("duplicate_id", "lead_id")] == 2


def test_the_verdict_reaches_the_app_without_importing_great_expectations(contract):
    """The app's server gets the verdict from the audit's process, pickled: reading it must
    not import GX there (seconds holding the interpreter lock while users click)."""
    import pickle

    dataset, _ = run_pipeline(FILES, contract)
    leads = dataset.checked["leads"]
    wrong = {**leads.counts, ("duplicate_id", "lead_id"): 1}
    sent = pickle.dumps(audit({"leads": replace(leads, counts=wrong)}))
    code = (
        "import pickle, sys; verdict = pickle.loads(sys.stdin.buffer.read()); "
        "print(verdict.agrees, len(verdict.disagreements), 'great_expectations' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], input=sent, capture_output=True, check=True)
    assert out.stdout.decode().split() == ["False", "1", "False"]


def test_the_tables_as_checked_reach_the_audits_process_whole(contract):
    """The server pickles them to the audit's process through Polars' IPC writer: every
    table arrives with its rows, types, rules and counts, and GX judges it the same."""
    import pickle

    dataset, _ = run_pipeline(FILES, contract)
    sent = pickle.loads(pickle.dumps(dataset.checked))
    assert sent.keys() == dataset.checked.keys()
    for table, checked in dataset.checked.items():
        assert sent[table].frame.equals(checked.frame), table
        assert sent[table].frame.schema == checked.frame.schema, table
        assert sent[table].counts == checked.counts, table
        assert [r.check for r in sent[table].rules] == [r.check for r in checked.rules], table
    assert audit(sent).counts == audit(dataset.checked).counts


def test_audit_flags_a_count_on_which_gx_and_a_check_disagree(contract):
    dataset, _ = run_pipeline(FILES, contract)
    leads = dataset.checked["leads"]
    wrong = {**leads.counts, ("duplicate_id", "lead_id"): 1}  # as if the twin had a bug
    result = audit({"leads": replace(leads, counts=wrong)})
    assert not result.agrees
    [disagreement] = result.disagreements
    assert (disagreement.check, disagreement.gx, disagreement.twin) == ("duplicate_id", 2, 1)
    assert result.says()[0].startswith("AUDIT DISAGREES leads.lead_id duplicate_id")


def test_no_audit_keeps_nothing_for_it(contract):
    dataset, _ = run_pipeline(FILES, contract, keep_for_audit=False)
    assert dataset.checked == {}
