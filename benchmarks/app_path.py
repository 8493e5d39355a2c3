"""The app path at scale, through a real browser: upload to first numbers, and a filter change.

    python -m benchmarks.app_path [--data DIR | --leads 1000000] [--rounds 3] [--out FILE]

1. The export: the four files in ``--data`` (e.g. made by ``python -m sample_data.generate
   --leads 1000000 --out /tmp/bench1m``), or generated into a temporary folder with
   ``--leads``. The lead count the Scorecard must show is computed here with Polars.
2. ``streamlit run app.py`` starts headless on 127.0.0.1; one Chromium (Debian's). A closed
   round's session is released after 2 s (not the default minute), so each round is one
   user alone on the server, not beside the last round's audit.
3. Each round is a new browser context, so a new session with nothing held: open the app
   (the Scorecard), choose "My files", then time
   - upload to first numbers: ``set_input_files`` of the four files until the Scorecard's
     run has finished with its metrics drawn (the upload itself, reading, checking, facts
     and the page: everything a user waits for);
   - filter change: choosing one lead source in the sidebar until that rerun has finished
     (right after the first numbers, so the Great Expectations audit runs beside it);
   - filter change after the audit: once the server logs the end of that upload's audit,
     choosing a second source the same way.
   The "What was read" line must name the expected number of leads, and the filtered
   lead-to-win rate must differ from the unfiltered one, or the round fails.
4. The server's own timing lines (``read …``, ``validated …``, ``audit …``) are collected
   from its log, so the report says where the wait went.

Prints min / median per measure and writes JSON (default benchmarks/app-path-latest.json).
Not a pytest test: timings belong to a quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polars as pl
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from benchmarks.sessions import VIEWPORT, metric, rerun, settle
from tests.browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    COUNT_RUNS,
    ROOT,
    free_port,
    start_streamlit,
    wait_healthy,
)
from tests.browser_support import stop as stop_server

FILES = ("leads.csv", "opportunities.csv", "activities.csv", "spend.csv")
SOURCE = "Events"
SECOND_SOURCE = "Email"
RATE = "Lead-to-win rate"
DEFAULT_OUT = ROOT / "benchmarks" / "app-path-latest.json"
TIMEOUT_MS = 300_000
# One user at a time: a closed round's session lets go of its data and audit quickly.
KEEP_CLOSED_SECONDS = 2
TARGETS = {"first_numbers_s": 3.0, "filter_s": 0.5, "filter_after_audit_s": 0.5}


@dataclass
class Round:
    first_numbers_s: float | None = None
    upload_s: float | None = None  # until the last upload request finished
    filter_s: float | None = None  # right after the first numbers: the audit runs beside it
    filter_after_audit_s: float | None = None  # another source, once the audit has finished
    sample_filter_s: float | None = None  # the same change on the 5,000-lead sample: the floor
    rate: str | None = None
    rate_filtered: str | None = None
    read_line: str | None = None
    errors: list[str] = field(default_factory=list)


def expected_leads(folder: Path) -> int:
    return pl.read_csv(folder / "leads.csv", infer_schema=False)["lead_id"].n_unique()


async def choose_source(page: Page, source: str = SOURCE) -> float:
    """Pick one lead source in the sidebar; seconds until that rerun has finished."""
    box = page.locator(".st-key-sources input")
    await box.click()
    await box.fill(source)
    option = page.get_by_role("option", name=source, exact=True)
    await option.wait_for()
    t0 = time.monotonic()
    await rerun(page, option.click, TIMEOUT_MS)
    seconds = time.monotonic() - t0
    await page.keyboard.press("Escape")
    return seconds


async def sample_filter(page: Page, url: str) -> float:
    """The same filter change on the bundled sample: what any rerun costs here (Streamlit,
    the browser, the machine), whatever the data."""
    await page.goto(url)
    await settle(page, TIMEOUT_MS)
    return await choose_source(page)


async def audit_finished(log: Path, before: int, rows: int, timeout: float = 300) -> None:
    """Until the server logs one more finished audit of at least `rows` rows than `before`
    (the sample's own audit, a few thousand rows, does not count)."""
    deadline = time.monotonic() + timeout
    while audits_logged(log, rows) <= before and time.monotonic() < deadline:
        await asyncio.sleep(0.5)


def audits_logged(log: Path, rows: int) -> int:
    audited = (re.search(r"audited (\d+) rows", line) for line in server_timings(log))
    return sum(int(found.group(1)) >= rows for found in audited if found)


async def one_round(page: Page, url: str, paths: list[str], leads: int, log: Path) -> Round:
    out = Round()
    uploaded = [0.0]

    def finished(request) -> None:
        if request.method == "PUT" and "/_stcore/upload_file/" in request.url:
            uploaded[0] = time.monotonic()

    page.on("requestfinished", finished)
    audits = audits_logged(log, leads)
    await page.goto(url)
    await settle(page, TIMEOUT_MS)
    radio = page.locator(".st-key-data_source")
    await rerun(page, radio.get_by_text("My files", exact=True).click, TIMEOUT_MS, quick=True)

    dropzone = page.locator(".st-key-uploader").get_by_test_id("stFileUploaderDropzoneInput")
    t0 = time.monotonic()
    await rerun(page, lambda: dropzone.set_input_files(paths), TIMEOUT_MS)
    await page.get_by_test_id("stMetric").first.wait_for(timeout=TIMEOUT_MS)
    out.first_numbers_s = time.monotonic() - t0
    out.upload_s = uploaded[0] - t0 if uploaded[0] else None
    out.rate = await metric(page, RATE)
    read = page.get_by_text(re.compile(r"^leads\.csv: leads, "))
    out.read_line = (await read.first.inner_text()).strip() if await read.count() else None
    if not out.read_line or f"{leads:,} of" not in out.read_line:
        out.errors.append(f"expected {leads:,} leads kept, the page says {out.read_line!r}")

    out.filter_s = await choose_source(page)
    out.rate_filtered = await metric(page, RATE)
    if out.rate is None or out.rate == out.rate_filtered:
        out.errors.append(f"{RATE} {out.rate!r} unfiltered, {out.rate_filtered!r} filtered")
    await audit_finished(log, audits, leads)
    out.filter_after_audit_s = await choose_source(page, SECOND_SOURCE)
    return out


async def new_session(browser: Browser) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    await context.add_init_script(COUNT_RUNS)
    return context, await context.new_page()


async def run_rounds(url: str, paths: list[str], leads: int, rounds: int, log: Path) -> list[Round]:
    results = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for number in range(rounds):
                context, page = await new_session(browser)
                try:
                    floor = await sample_filter(page, url)
                    await context.close()  # a new session for the upload: nothing held
                    context, page = await new_session(browser)
                    results.append(await one_round(page, url, paths, leads, log))
                    results[-1].sample_filter_s = floor
                except Exception as error:  # recorded; the next round goes on
                    failed = Round(errors=[f"{type(error).__name__}: {str(error)[:300]}"])
                    results.append(failed)
                finally:
                    await context.close()
                print(f"round {number + 1}: {asdict(results[-1])}", flush=True)
                # The closed tab's session is released (its audit ended) before the next.
                await asyncio.sleep(KEEP_CLOSED_SECONDS + 6)
        finally:
            await browser.close()
    return results


def summary(rounds: list[Round]) -> dict[str, dict[str, float]]:
    out = {}
    for measure in (
        "first_numbers_s",
        "upload_s",
        "filter_s",
        "filter_after_audit_s",
        "sample_filter_s",
    ):
        values = [getattr(r, measure) for r in rounds if getattr(r, measure) is not None]
        if values:
            out[measure] = {
                "min": round(min(values), 2),
                "median": round(statistics.median(values), 2),
            }
    return out


def server_timings(log: Path) -> list[str]:
    """The app's own timing lines (counts and seconds only: no names or contents)."""
    pattern = re.compile(r"\bin \d+\.\d+ s\b")
    return [line for line in log.read_text(errors="replace").splitlines() if pattern.search(line)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="a folder holding the four generated files")
    parser.add_argument("--leads", type=int, default=1_000_000, help="generate this many")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="truce-app-path-"))
    server = None
    try:
        folder = args.data
        if folder is None:
            folder = work / "data"
            generate = [sys.executable, "-m", "sample_data.generate", "--leads", str(args.leads)]
            subprocess.run(
                [*generate, "--out", str(folder)],
                cwd=ROOT,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        paths = [str(folder / name) for name in FILES]
        leads = expected_leads(folder)
        megabytes = sum(Path(p).stat().st_size for p in paths) / 1e6

        log = work / "streamlit.log"
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        os.environ["TRUCE_KEEP_CLOSED_SESSION_SECONDS"] = str(KEEP_CLOSED_SECONDS)
        server = start_streamlit(port, log)
        wait_healthy(url, server, log)
        rounds = asyncio.run(run_rounds(url, paths, leads, args.rounds, log))
        timings = server_timings(log)
        stop_server(server)
        server = None

        figures = summary(rounds)
        print(f"\n{leads:,} leads, {megabytes:.0f} MB in four files, {args.rounds} rounds")
        for measure, values in figures.items():
            target = TARGETS.get(measure)
            goal = f" (target ≤ {target:g} s)" if target else ""
            low, mid = values["min"], values["median"]
            print(f"{measure:>16}: min {low:.2f} s, median {mid:.2f} s{goal}")
        print("server log:")
        for line in timings:
            print(f"  {line}")
        correct = all(not r.errors for r in rounds) and len(rounds) == args.rounds
        result = {
            "command": "python -m benchmarks.app_path " + " ".join(argv or sys.argv[1:]),
            "leads": leads,
            "megabytes": round(megabytes, 1),
            "machine": {
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
                "python": platform.python_version(),
                "load_avg_end": os.getloadavg(),
            },
            "targets_s": TARGETS,
            "summary_s": figures,
            "rounds": [asdict(r) for r in rounds],
            "server_timings": timings,
            "all_correct": correct,
        }
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
        return 0 if correct else 1
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
