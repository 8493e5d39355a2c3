"""The audit: the contract's Great Expectations suites, run on the tables as checked.

GX is the contract's engine of record; the Polars twins in truce.validation decide which
rows are kept, so the first numbers never wait for GX. The audit runs later (the command
line's `check` always, `report` unless --no-audit; the app in the background), judges
every table with the same rules, and flags any count on which GX and a twin disagree.
Importing this module imports GX (seconds): import it only where the audit runs.
"""

from __future__ import annotations

import logging
import os

import polars as pl

from truce.audit_result import AuditResult, Disagreement
from truce.canonical import ROW
from truce.validation import Checked, Rule

# GX phones home and draws progress bars unless told not to; neither belongs in an app.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
)

logging.getLogger("great_expectations").setLevel(logging.ERROR)


def audit(checked: dict[str, Checked]) -> AuditResult:
    """Run each table's suite (Dataset.checked) and compare GX's counts with the twins'."""
    counts: dict[str, dict[tuple[str, str], int]] = {}
    disagreements = []
    for table, item in checked.items():
        counts[table] = run_suite(table, item.frame, item.rules)
        for key, twin in item.counts.items():
            if counts[table][key] != twin:
                disagreements.append(Disagreement(table, *key, counts[table][key], twin))
    return AuditResult(counts, disagreements)


def run_suite(table: str, frame: pl.DataFrame, rules: list[Rule]) -> dict[tuple[str, str], int]:
    """Run the table's suite in a throw-away, in-memory context; failing count per rule."""
    if not rules:
        return {}
    config = DataContextConfig(  # no docs site on disk, no progress bars, no analytics
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars={"globally": False},
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    asset = context.data_sources.add_pandas(f"truce_{table}").add_dataframe_asset(table)
    batch = asset.add_batch_definition_whole_dataframe("upload").get_batch(
        batch_parameters={"dataframe": _compact(frame, rules).to_pandas()}
    )
    suite = gx.ExpectationSuite(
        name=f"truce_{table}", expectations=[_expectation(r) for r in rules]
    )
    result = batch.validate(suite, result_format="BASIC")
    return {
        (o.expectation_config.meta["check"], o.expectation_config.meta["field"]): (
            0 if o.success else int(o.result.get("unexpected_count") or 0)
        )
        for o in result.results
    }


def _expectation(rule: Rule) -> gxe.Expectation:
    """The rule's GX expectation; its `meta` names the contract check it enforces."""
    kind = getattr(gxe, rule.expectation)
    return kind(**rule.kwargs, meta={"check": rule.check, "field": rule.field})


def _compact(frame: pl.DataFrame, rules: list[Rule]) -> pl.DataFrame:
    """The frame as GX gets it: only the columns the rules read, in encodings that keep every
    rule's answer but spare pandas the slow paths (1M leads with their activities: 50 s -> ~5 s).

    Datetimes become epoch microseconds (GX compares pandas datetimes one Python call per
    value); IDs become integer codes, same nulls and same repeats (GX fingerprints each
    batch, and hashing millions of strings costs seconds).
    """
    used = {ROW} | {c for r in rules for c in r.columns}
    ids = {r.field for r in rules if r.check in ("missing_id", "duplicate_id")}
    return frame.select(c for c in frame.columns if c in used).with_columns(
        pl.selectors.datetime().dt.epoch("us"),
        *(pl.col(c).rank("dense") for c in ids),
    )
