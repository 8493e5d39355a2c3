"""Truce's `report --format json` against what a user would build instead, as whole processes.

    python -m benchmarks.peers [--sizes 100000 1000000 3000000] [--rounds 3]
                               [--peers ../shared/peers] [--before DIR] [--out FILE]

For each size a fresh subprocess generates the sample CSVs (``sample_data.generate``, about
0.3 opportunities and 3 activities per lead) into a temporary folder. Then, in each round,
every contender runs once on those files, each as its own process, in an order that
rotates from round to round (the machine is shared: a contender must not always run
after the same neighbour):

- ``truce``: ``python -m truce report --format json`` (the Great Expectations audit runs);
- ``truce --no-audit``: the same report, the audit skipped (the numbers do not change);
- ``pandas``, ``duckdb``: the peer scripts in ``--peers`` (see their README);
- with ``--before DIR`` also ``before``: ``python -m truce report`` run from another
  checkout (e.g. ``git archive <commit> | tar -x -C DIR``), to compare before and after
  in one run.

Per contender it prints min and median wall seconds and peak RSS (``ru_maxrss`` of the
child, from ``os.wait4``), and the ratios peer / Truce of the medians (above 1: Truce is
faster). The first round also checks that the contenders agree on ``overall`` (to float
rounding): a fast wrong answer is not a result.

Needs ``duckdb`` for the DuckDB peer (``pip install duckdb``; a benchmark-only dependency,
not in requirements.txt). Not a pytest test: at 3M leads it takes minutes.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PEERS = ROOT.parent / "shared" / "peers"
DEFAULT_SIZES = (100_000, 1_000_000, 3_000_000)
TABLES = ("leads", "opportunities", "activities", "spend")
# `overall` keys every contender prints, compared between them in the first round.
COMPARED = (
    "leads",
    "won",
    "opportunities",
    "lead_to_win_rate",
    "opportunity_win_rate",
    "followed_up_rate",
    "sla_met_rate",
    "median_hours_to_first_touch",
    "revenue",
)


def contenders(folder: Path, peers: Path, before: Path | None) -> dict[str, tuple[list, Path]]:
    """name -> (command, working directory)."""
    files = [arg for t in TABLES for arg in (f"--{t}", str(folder / f"{t}.csv"))]
    truce = [sys.executable, "-m", "truce", "report", "--format", "json", *files]
    out = {
        "truce": (truce, ROOT),
        "truce --no-audit": ([*truce, "--no-audit"], ROOT),
        "pandas": ([sys.executable, str(peers / "peer_pandas.py"), *files], ROOT),
        "duckdb": ([sys.executable, str(peers / "peer_duckdb.py"), *files], ROOT),
    }
    if before is not None:
        out["before"] = (truce, before)
    return out


def run_once(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB, stdout of one whole process."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8")
    if process.returncode not in (0, 1):  # 1: the data has errors, the report still prints
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}")
    return seconds, usage.ru_maxrss / 1024, text


def disagreements(outputs: dict[str, str]) -> list[str]:
    """Keys of `overall` on which a contender differs from the first one."""
    overall = {name: json.loads(text)["overall"] for name, text in outputs.items()}
    first, *others = overall
    problems = []
    for name in others:
        for key in COMPARED:
            a, b = overall[first].get(key), overall[name].get(key)
            if a is None or b is None:
                if a is not b:
                    problems.append(f"{name}.{key}: {b} vs {first} {a}")
            elif not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
                problems.append(f"{name}.{key}: {b} vs {first} {a}")
    return problems


def bench_size(leads: int, rounds: int, peers: Path, before: Path | None) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"truce-peers-{leads}-"))
    try:
        subprocess.run(
            [sys.executable, "-m", "sample_data.generate", "--leads", str(leads), "--out", folder],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        commands = contenders(folder, peers, before)
        names = list(commands)
        seconds = {n: [] for n in names}
        peak = {n: [] for n in names}
        for number in range(rounds):
            order = names[number % len(names) :] + names[: number % len(names)]
            outputs = {}
            for name in order:
                wall, rss, text = run_once(*commands[name])
                seconds[name].append(wall)
                peak[name].append(rss)
                outputs[name] = text
                print(f"  {leads:>9,} round {number + 1}: {name:<16} {wall:7.2f} s {rss:7.0f} MiB")
            if number == 0:
                for problem in disagreements({n: outputs[n] for n in names}):
                    print(f"  DISAGREE {problem}")
        return {
            n: {
                "seconds": [round(s, 3) for s in seconds[n]],
                "min_s": round(min(seconds[n]), 3),
                "median_s": round(statistics.median(seconds[n]), 3),
                "peak_mib": round(max(peak[n]), 1),
            }
            for n in names
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def table(results: dict[int, dict]) -> str:
    lines = []
    for leads, row in results.items():
        lines.append(f"{leads:,} leads")
        lines.append(
            f"  {'contender':<16} {'min s':>7} {'median s':>9} {'peak MiB':>9} {'MiB/1M':>7}"
        )
        for name, r in row.items():
            per_million = r["peak_mib"] / (leads / 1_000_000)
            lines.append(
                f"  {name:<16} {r['min_s']:7.2f} {r['median_s']:9.2f} "
                f"{r['peak_mib']:9.0f} {per_million:7.0f}"
            )
        for truce in ("truce", "truce --no-audit"):
            ratios = ", ".join(
                f"{peer} {row[peer]['median_s'] / row[truce]['median_s']:.2f}x"
                for peer in ("pandas", "duckdb", "before")
                if peer in row
            )
            lines.append(f"  peer median / {truce} median: {ratios}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--peers", type=Path, default=DEFAULT_PEERS)
    parser.add_argument("--before", type=Path, help="a checkout of Truce to compare against")
    parser.add_argument("--out", type=Path, help="also write the results as JSON")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    results = {n: bench_size(n, args.rounds, args.peers, args.before) for n in args.sizes}
    print(f"\n1-minute load average at start: {load:.2f} ({os.cpu_count()} cores)")
    print(table(results))
    if args.out:
        args.out.write_text(json.dumps({str(k): v for k, v in results.items()}, indent=2) + "\n")


if __name__ == "__main__":
    main()
