"""Seeded synthetic B2B lead data for Truce, with a recorded ground truth.

This module is the public API and the command line; the package around it holds the
parameters (``parameters.py``), the simulation (``simulation.py``), the planted data-quality
problems (``problems.py``) and the ground truth (``truth.py``).

Command line::

    python -m sample_data.generate --leads 5000 --out sample_data/demo [--seed 7]

writes ``leads.csv``, ``opportunities.csv``, ``activities.csv``, ``spend.csv`` and
``ground_truth.json`` into the output folder and prints a one-line summary (row counts,
seconds).

Python API:

- ``generate_with_truth(n_leads, seed=7) -> (frames, truth)``: one run, both results.
- ``generate(n_leads, seed=7) -> dict[str, pl.DataFrame]`` with keys ``leads``,
  ``opportunities``, ``activities``, ``spend`` (the frames exactly as written to CSV,
  planted data-quality problems included).
- ``ground_truth(n_leads, seed=7) -> dict``: the content of ``ground_truth.json``
  (re-runs the generator; use ``generate_with_truth`` to get both at once).
- ``write(frames, truth, out_dir) -> dict[str, Path]``: writes the five files.
- ``to_csv_bytes(frame) -> bytes``: the exact CSV encoding used by ``write``.

Everything is drawn from one ``numpy.random.Generator(PCG64(seed))`` in a fixed order
and assembled with Polars, with no per-lead Python loop, so the same ``(n_leads, seed)``
gives byte-identical files. Leads are created over the fixed window 2025-01-01 ..
2026-09-30 (not relative to today) with seasonality (December dip, September peak,
summer lull, weekend dip, +20 %/year growth; Events leads cluster in event months).

The files behave like a real CRM export taken on the fixed ``EXPORT_DATE`` 2026-10-31
(end of that day; not today): nothing in them happens after it. A lead whose MQL or SQL
would come later has not reached that stage yet; a deal that would be created later does
not exist (the lead stops at SQL, and is not disqualified); a deal that would close later
is still open (an open stage, empty ``close_date``); touches due later do not exist. So
the youngest cohorts look less mature, exactly as in a real export.

What is planted (every parameter is recorded under ``parameters`` in the ground truth):

- seven canonical sources with their own volume share, P(MQL), P(SQL | MQL),
  P(SQL without MQL) (Outbound skips MQL entirely), P(opportunity | SQL),
  P(won | opportunity closed), share of opportunities still open, lognormal deal size
  (given by its mean), share of leads followed up at all, follow-up speed factor,
  P(disqualified | no opportunity) and disqualification reasons;
- nine sales owners whose median hours to first touch run from 1 h to 60 h (lognormal
  delay, multiplied by the source's speed factor); whether and when a lead is touched is
  drawn first, independent of the lead (the source's followed-up share); only a touched
  lead can become SQL, not before its first touch; 1..8 touches per touched lead (before
  the export date);
- the ICP effect: segment and company-size factors multiply the win probability (divided
  by the lead mix's mean factor); company size also scales deal size;
- the effects the analyses must find (``parameters.planted_effects``): a speed-to-lead win
  factor by first-touch band, the same for every source; Events, good leads followed up
  late; Email, leads followed up fast that rarely close; and a youngest cohort that is
  not worse, only younger;
- spend per month, source and campaign = leads x cost per lead x lognormal noise.

Realised figures in the ground truth (``realised``) are computed on the CLEAN data: before
any planted problem, with each lead under its true canonical source. ``planted_problems``
lists every problem row exactly (counts and IDs), so the clean data can be rebuilt from
the written files: drop repeated lead rows (keep the first), drop the listed orphan
opportunities and before-creation activities, take ``abs()`` of the negated amounts,
map the source aliases and restore the missing sources from ``true_source``.

Conventions: datetimes are written 'YYYY-MM-DD HH:MM:SS' (naive); open opportunities
have an empty ``close_date``; an opportunity's ``lead_source`` and ``owner`` are its
lead's canonical source and owner.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import polars as pl

from sample_data.parameters import DATETIME_FORMAT, DEFAULT_SEED, EXPORT_DATE, TABLES
from sample_data.problems import plant
from sample_data.simulation import simulate, spend_table, to_frames
from sample_data.truth import DEFINITIONS, lead_facts, metrics, recorded_parameters

__all__ = [
    "DEFAULT_SEED",
    "EXPORT_DATE",
    "TABLES",
    "generate",
    "generate_with_truth",
    "ground_truth",
    "main",
    "to_csv_bytes",
    "truth_json",
    "write",
]


# --- public API -----------------------------------------------------------------------------
def generate_with_truth(
    n_leads: int, seed: int = DEFAULT_SEED
) -> tuple[dict[str, pl.DataFrame], dict]:
    """Generate the four tables (with planted problems) and the ground truth."""
    if n_leads < 100:
        raise ValueError("n_leads must be at least 100")
    rng = np.random.default_rng(seed)
    sim = simulate(n_leads, rng)
    clean = to_frames(sim)
    spend = spend_table(clean["leads"], rng)
    facts = lead_facts(clean)
    realised = {
        "overall": metrics(facts, spend, None),
        "by_source": metrics(facts, spend, "lead_source"),
        "by_owner": metrics(facts, None, "owner"),
        "by_segment": metrics(facts, None, "segment"),
        "by_company_size": metrics(facts, None, "company_size"),
    }
    frames, problems = plant(clean, rng, n_leads)
    frames["spend"] = spend
    truth = {
        "generator": "sample_data.generate",
        "seed": seed,
        "n_leads": n_leads,
        "row_counts": {name: frames[name].height for name in TABLES},
        "parameters": recorded_parameters(),
        "win_probability_capped_opportunities": sim["p_win_capped"],
        "definitions": DEFINITIONS,
        "realised": realised,
        "planted_problems": problems,
    }
    return {name: frames[name] for name in TABLES}, truth


def generate(n_leads: int, seed: int = DEFAULT_SEED) -> dict[str, pl.DataFrame]:
    """The four tables (leads, opportunities, activities, spend) as written to CSV."""
    return generate_with_truth(n_leads, seed)[0]


def ground_truth(n_leads: int, seed: int = DEFAULT_SEED) -> dict:
    """The ground truth (content of ground_truth.json) for these arguments."""
    return generate_with_truth(n_leads, seed)[1]


def to_csv_bytes(frame: pl.DataFrame) -> bytes:
    return frame.write_csv(datetime_format=DATETIME_FORMAT).encode()


def truth_json(truth: dict) -> str:
    return json.dumps(truth, indent=1, ensure_ascii=False) + "\n"


def write(frames: dict[str, pl.DataFrame], truth: dict, out_dir: str | Path) -> dict[str, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in TABLES:
        paths[name] = out / f"{name}.csv"
        frames[name].write_csv(paths[name], datetime_format=DATETIME_FORMAT)
    paths["ground_truth"] = out / "ground_truth.json"
    paths["ground_truth"].write_text(truth_json(truth), encoding="utf-8")
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, required=True, help="number of leads")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    frames, truth = generate_with_truth(args.leads, args.seed)
    t1 = time.perf_counter()
    write(frames, truth, args.out)
    t2 = time.perf_counter()
    counts = ", ".join(f"{name} {frames[name].height:,}" for name in TABLES)
    print(
        f"wrote {counts} rows to {args.out} (seed {args.seed}) in {t2 - t0:.1f} s "
        f"(generate {t1 - t0:.1f} s, write {t2 - t1:.1f} s)"
    )


if __name__ == "__main__":
    main()
