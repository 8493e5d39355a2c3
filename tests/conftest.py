"""Shared test helpers: run bytes through the same pipeline the app and the CLI use."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS
from truce.contract import load_contract
from truce.facts import build_facts
from truce.pipeline import build_dataset, plan_tables, read_upload

# A fixed "now" so future-date checks do not depend on the day the tests run.
NOW = datetime(2026, 11, 24, 12, 0)


@pytest.fixture(scope="session")
def contract():
    return load_contract()


def run_pipeline(
    files: dict[str, bytes],
    contract,
    tables: dict | None = None,
    overrides=None,
    keep_for_audit: bool = True,
):
    """Files (name -> bytes) -> (dataset, facts), exactly as an upload would go."""
    loaded = [read_upload(name, data) for name, data in files.items()]
    assert all(f.error is None for f in loaded), [f.error for f in loaded]
    plan, _ = plan_tables([f.loaded for f in loaded], contract, tables, overrides)
    dataset = build_dataset(plan, contract, now=NOW, keep_for_audit=keep_for_audit)
    return dataset, build_facts(dataset.tables, contract, dataset.dimensions)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, one per browser-test module."""
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
