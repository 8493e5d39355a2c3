"""Benchmark Truce from uploaded bytes to each page's numbers, at several sizes.

    python -m benchmarks.run [--sizes 10000 100000 1000000] [--out benchmarks/latest.json]
                             [--repeat 3] [--profile]

For each size:

1. a fresh subprocess runs the seeded sample generator (``sample_data.generate``, about
   0.3 opportunities and 3 activities per lead, planted problems included) into a
   temporary folder;
2. a second fresh subprocess (so memory peaks of different sizes never mix, and the
   generator's own memory is not counted) reads the four files' bytes and times, on
   those bytes, each phase the app runs:

   - floor: ``polars.read_csv(bytes, infer_schema=False)`` of the same four files, the
     least any loader must do;
   - read: ``truce.pipeline.read_upload`` per file; map: ``plan_tables``; validate:
     ``build_dataset`` (typing + linking + the contract's rules in Polars), with its parts
     timed by thin wrappers (typing, linking, rules, ``to_pandas``); audit: the Great
     Expectations audit (``truce.audit.audit``), run after the first numbers; facts:
     ``truce.facts.build_facts``;
     full load = read + map + validate + facts, and its ratio to the floor;
   - each page's numbers: the same ``truce.views`` ``build()`` that pages/funnel.py,
     pages/follow_up.py and pages/win_rate.py call (charts excluded, timed apart), median
     of ``--repeat`` runs;
   - the follow-up page's download (``safe_csv`` of every untouched lead, built on every
     rerun of that page) and app.py's per-rerun sidebar work, timed apart;
   - a filter change: ``Filters.apply`` with one source and a date range, then the funnel
     page's model again;
   - charts: every ``truce.charts`` call the pages make, with ``to_dict()`` and the
     ``safe_csv`` of its table as ``show_chart`` does; the rows of each chart's frame are
     recorded (the target is under 5,000 rows at 1M leads);
3. the folder is deleted.

Memory: peak resident set size (RSS) of the measuring process, the whole process (Python
objects, Polars' Rust buffers, the pandas/Arrow copies GX validates), read from VmHWM in
/proc/self/status. The high-water mark is reset before each phase (writing 5 to
/proc/self/clear_refs), so each phase gets its own peak and the size's peak is the
largest; without that file, ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` (cumulative)
is used. tracemalloc is not used: it would miss the Rust and Arrow allocations that
dominate here.

``--profile`` adds, per size, a third subprocess that runs the load phases and the pages
under cProfile and stores the top functions of each phase (by own time and cumulative
time) in the JSON. It is slower; its timings are not the benchmark's.

Not a pytest test: it takes minutes at 1M leads.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import platform
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = ("leads.csv", "opportunities.csv", "activities.csv", "spend.csv")
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
DEFAULT_OUT = ROOT / "benchmarks" / "latest.json"
TARGET_SIZE = 1_000_000
TARGETS = {
    "full_load_to_floor_ratio": 3.0,
    "page_seconds": 0.25,
    "peak_rss_gib": 4.0,
    "chart_rows": 5_000,
}
LOAD_PHASES = ("read", "map", "validate", "facts")
PAGE_PHASES = ("funnel_page", "follow_up_page", "win_rate_page", "filter_change")
# A filter change as a user makes it: one source and a twelve-month window.
FILTER_SOURCE = "Paid Social"
FILTER_START, FILTER_END = date(2025, 4, 1), date(2026, 3, 31)


# --- memory ---------------------------------------------------------------------------------
class Memory:
    """Peak RSS per phase (VmHWM, reset before each phase where the kernel allows it)."""

    def __init__(self) -> None:
        self.resettable = self._reset()

    @staticmethod
    def _reset() -> bool:
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            return True
        except OSError:
            return False

    @staticmethod
    def _status(key: str) -> float | None:
        with contextlib.suppress(OSError), open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024  # kB -> MiB
        return None

    def reset(self) -> None:
        if self.resettable:
            self._reset()

    def peak_mib(self) -> float:
        hwm = self._status("VmHWM")
        if hwm is None:
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return hwm

    def rss_mib(self) -> float:
        return self._status("VmRSS") or 0.0


# --- the measuring subprocess ---------------------------------------------------------------
class Recorder:
    """Times phases; keeps each phase's peak RSS and (optionally) a cProfile of it."""

    def __init__(self, profile: bool) -> None:
        self.memory = Memory()
        self.seconds: dict[str, float] = {}
        self.runs: dict[str, list[float]] = {}
        self.peak_mib: dict[str, float] = {}
        self.rss_after_mib: dict[str, float] = {}
        self.profiles: dict[str, dict] = {}
        self.profile = profile

    def phase(self, name: str, fn: Callable, repeat: int = 1):
        times = []
        result = None
        self.memory.reset()
        profiler = cProfile.Profile() if self.profile else None
        for _ in range(repeat):
            if profiler:
                profiler.enable()
            start = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - start)
            if profiler:
                profiler.disable()
        self.runs[name] = [round(t, 6) for t in times]
        self.seconds[name] = statistics.median(times)
        self.peak_mib[name] = round(self.memory.peak_mib(), 1)
        self.rss_after_mib[name] = round(self.memory.rss_mib(), 1)
        if profiler:
            self.profiles[name] = _top_functions(profiler)
        return result


def _top_functions(profiler: cProfile.Profile, limit: int = 25) -> dict:
    stats = pstats.Stats(profiler, stream=io.StringIO())
    rows = []
    for (path, line, func), (_, ncalls, tottime, cumtime, _) in stats.stats.items():
        short = path.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
        rows.append((f"{short}:{line}({func})", ncalls, tottime, cumtime))
    by_own = sorted(rows, key=lambda r: r[2], reverse=True)[:limit]
    by_cum = sorted(rows, key=lambda r: r[3], reverse=True)[:limit]

    def fmt(r):
        return {"function": r[0], "calls": r[1], "own_s": round(r[2], 4), "cum_s": round(r[3], 4)}

    return {"by_own_time": [fmt(r) for r in by_own], "by_cumulative": [fmt(r) for r in by_cum]}


class Parts:
    """Thin timing wrappers around the functions build_dataset calls (no change to truce)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def wrap(self, module, attr: str, label: Callable[..., str]) -> None:
        """Time calls of module.attr; a function that no longer exists is skipped (truce/ is
        edited while this benchmark lives, so the breakdown must never break the run)."""
        original = getattr(module, attr, None)
        if original is None:
            return

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label(*args, **kwargs)] += time.perf_counter() - start

        setattr(module, attr, timed)


def _install_parts() -> Parts:
    import polars as pl

    import truce.pipeline
    import truce.validation

    parts = Parts()
    parts.wrap(truce.pipeline, "to_canonical", lambda f, m, *a, **k: f"typing {m.table}")
    parts.wrap(truce.pipeline, "link_to_leads", lambda *a, **k: "linking")
    parts.wrap(
        truce.pipeline,
        "validate_table",
        lambda table, *a, **k: f"checks {table} (Polars)",
    )
    parts.wrap(truce.validation, "build_rules", lambda table, *a, **k: f"rules {table}")
    parts.wrap(pl.DataFrame, "to_pandas", lambda *a, **k: "to_pandas (charts)")
    return parts


def _funnel_calls(funnel, scale) -> list[tuple]:
    """The charts pages/funnel.py draws from its model."""
    from truce import charts

    calls = [("funnel_chart", charts.funnel.funnel_chart, funnel.by_source, (scale,))]
    if funnel.cohort_stage:
        calls.append(
            ("cohort_chart", charts.funnel.cohort_chart, funnel.cohorts, (funnel.cohort_stage,))
        )
        if funnel.velocity.height:
            calls.append(
                ("velocity_chart", charts.funnel.velocity_chart, funnel.velocity, (scale,))
            )
    return calls


def _chart_calls(models: dict, scale) -> list[tuple]:
    """The charts the funnel, follow-up and win-rate pages draw from their models."""
    from truce import charts

    follow_up, wins = models["follow_up"], models["win_rate"]
    calls = _funnel_calls(models["funnel"], scale)
    sla = follow_up.sla_hours
    calls.append(("follow_up_source", charts.follow_up.sla_bars, follow_up.by_source, (scale, sla)))
    if follow_up.timed:
        calls.append(
            (
                "bands_chart",
                charts.follow_up.response_band_chart,
                follow_up.bands,
                (follow_up.band_labels,),
            )
        )
        calls.append(("trend_chart", charts.follow_up.trend_chart, follow_up.trend, (sla,)))
    if follow_up.by_owner is not None:
        calls.append(
            (
                "follow_up_owner",
                charts.follow_up.sla_bars,
                follow_up.by_owner,
                (scale, sla, "owner"),
            )
        )
    if wins.leads is not None:
        calls.append(("win_rate_chart", charts.win_rate.interval_chart, wins.by_source, (scale,)))
        if wins.priced:
            calls.append(
                ("quality_chart", charts.win_rate.quantity_quality_chart, wins.by_source, (scale,))
            )
            calls.append(("revenue_chart", charts.win_rate.revenue_chart, wins.by_source, (scale,)))
    for group, deals in wins.deals_by.items():
        calls.append((f"opp_{group}", charts.win_rate.deal_bars, deals, (scale, group, group)))
    return calls


def _sidebar(facts, contract):
    """app.py's work on every rerun before the page: filter options, the SLA, the selection."""
    from truce.filters import Filters
    from truce.views.options import Options

    frame = facts.leads

    def options(column):
        return sorted(frame[column].drop_nulls().unique().to_list())

    frame["created_at"].min(), frame["created_at"].max()
    for column in ("lead_source", "owner", "segment", "segment", "lead_source"):
        options(column)
    return Filters().apply(facts), Options(sla_hours=contract.sla_hours)


def _draw(calls) -> dict[str, int]:
    """Build every chart as show_chart does; return each chart's data rows."""
    from truce.export import safe_csv

    rows = {}
    for key, fn, frame, args in calls:
        chart = fn(frame, *args)
        chart.to_dict()
        safe_csv(frame)
        rows[key] = frame.height
    return rows


def measure(data_dir: Path, repeat: int, profile: bool) -> dict:
    """Everything timed for one size, in this (fresh) process."""
    import polars as pl

    from truce import views
    from truce.charts import source_scale
    from truce.contract import load_contract
    from truce.export import safe_csv
    from truce.facts import build_facts
    from truce.filters import Filters
    from truce.pipeline import build_dataset, plan_tables, read_upload

    rec = Recorder(profile)
    baseline_mib = round(rec.memory.rss_mib(), 1)
    contract = load_contract()
    blobs = {name: (data_dir / name).read_bytes() for name in FILES}

    floor = rec.phase(  # median of 3: the first Polars call of a process pays its warm-up
        "floor", lambda: {n: pl.read_csv(b, infer_schema=False) for n, b in blobs.items()}, 3
    )
    rows = {n.removesuffix(".csv"): f.height for n, f in floor.items()}
    del floor

    uploaded = rec.phase("read", lambda: [read_upload(n, b) for n, b in blobs.items()])
    errors = {u.name: u.error for u in uploaded if u.loaded is None}
    if errors:
        raise SystemExit(f"could not read: {errors}")
    files = [u.loaded for u in uploaded]
    plan, _ = rec.phase("map", lambda: plan_tables(files, contract))
    parts = None if profile else _install_parts()
    dataset = rec.phase("validate", lambda: build_dataset(plan, contract))
    facts = rec.phase("facts", lambda: build_facts(dataset.tables, contract))
    # Great Expectations, the contract's engine of record, audits after the first numbers
    # (off the critical path since issue 11): timed apart, not part of the full load.
    from truce.audit import audit

    rec.phase("audit", lambda: audit(dataset.checked))

    sources = sorted(facts.leads["lead_source"].drop_nulls().unique().to_list())
    scale = source_scale(sources)
    selection, options = rec.phase("app_rerun", lambda: _sidebar(facts, contract), repeat)
    models = {}
    for page in ("funnel", "follow_up", "win_rate"):
        build = views.PAGES[page].build
        models[page] = rec.phase(
            f"{page}_page", lambda build=build: build(selection, contract, options), repeat
        )
    untouched = models["follow_up"].untouched
    rec.phase("follow_up_download", lambda: (untouched.head(1000), safe_csv(untouched)), repeat)
    chosen = Filters(FILTER_START, FILTER_END, (FILTER_SOURCE,))

    def filter_change():
        kept = chosen.apply(facts)
        return views.funnel.build(kept, contract, options), kept.leads.height

    filtered_funnel, filtered_leads = rec.phase("filter_change", filter_change, repeat)
    all_calls = _chart_calls(models, scale)
    chart_rows = rec.phase("charts", lambda: _draw(all_calls), repeat)
    filtered_chart_rows = _draw(_funnel_calls(filtered_funnel, scale))

    return {
        "rows": rows,
        "file_mib": {n.removesuffix(".csv"): round(len(b) / 2**20, 2) for n, b in blobs.items()},
        "rows_kept": dict(dataset.report.rows_kept),
        "findings": [
            f"{f.table}.{f.check}: {f.rows:,} row(s) ({f.level})" for f in dataset.report.findings
        ],
        "untouched_leads": untouched.height,
        "filter": {
            "source": FILTER_SOURCE,
            "start": FILTER_START.isoformat(),
            "end": FILTER_END.isoformat(),
            "leads_kept": filtered_leads,
        },
        "seconds": {k: round(v, 6) for k, v in rec.seconds.items()},
        "runs": rec.runs,
        "validate_parts_seconds": (
            {k: round(v, 4) for k, v in sorted(parts.seconds.items())} if parts else None
        ),
        "chart_rows": chart_rows,
        "filtered_chart_rows": filtered_chart_rows,
        "memory": {
            "method": "VmHWM (peak RSS of the whole process), reset before each phase"
            if rec.memory.resettable
            else "resource.getrusage ru_maxrss (cumulative peak RSS)",
            "baseline_after_imports_mib": baseline_mib,
            "peak_mib_by_phase": rec.peak_mib,
            "rss_after_mib_by_phase": rec.rss_after_mib,
            "peak_mib": max(rec.peak_mib.values()),
        },
        "profile": rec.profiles or None,
    }


# --- the driver -------------------------------------------------------------------------------
def _python(*args: str, timeout: float = 3600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_size(n: int, repeat: int, profile: bool) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"truce-bench-{n}-"))
    try:
        start = time.perf_counter()
        done = _python("-m", "sample_data.generate", "--leads", str(n), "--out", str(folder))
        if done.returncode:
            raise SystemExit(f"generator failed at {n}: {done.stderr[-2000:]}")
        generate_s = time.perf_counter() - start
        load_before = os.getloadavg()[0]
        result = _child(folder, n, repeat, profile=False)
        result["generate_seconds"] = round(generate_s, 2)
        # Other work on the machine inflates every timing: keep the 1-minute load with them.
        result["load_average"] = {"before": round(load_before, 2), "after": _load()}
        if profile:
            result["profile"] = _child(folder, n, 1, profile=True)["profile"]
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _child(folder: Path, n: int, repeat: int, profile: bool) -> dict:
    out = folder / "result.json"
    args = ["-m", "benchmarks.run", "--child", str(folder), "--result", str(out)]
    args += ["--repeat", str(repeat)] + (["--profile"] if profile else [])
    done = _python(*args)
    if done.returncode:
        raise SystemExit(f"benchmark subprocess failed at {n}: {done.stderr[-3000:]}")
    return json.loads(out.read_text())


def summarise(r: dict) -> dict:
    s = r["seconds"]
    full = sum(s[p] for p in LOAD_PHASES)
    return {
        "full_load_s": round(full, 3),
        "floor_s": round(s["floor"], 3),
        "ratio_to_floor": round(full / s["floor"], 1) if s["floor"] else None,
        "max_chart_rows": max(r["chart_rows"].values()),
        "max_chart": max(r["chart_rows"], key=r["chart_rows"].get),
        "peak_gib": round(r["memory"]["peak_mib"] / 1024, 2),
    }


def check_targets(n: int, r: dict) -> dict[str, dict]:
    summary = r["summary"]
    checks = {
        "full load within 3x the floor": (
            summary["ratio_to_floor"],
            summary["ratio_to_floor"] <= TARGETS["full_load_to_floor_ratio"],
        ),
        "peak memory under 4 GiB": (
            summary["peak_gib"],
            summary["peak_gib"] < TARGETS["peak_rss_gib"],
        ),
        "chart data under 5,000 rows": (
            summary["max_chart_rows"],
            summary["max_chart_rows"] < TARGETS["chart_rows"],
        ),
    }
    for phase in PAGE_PHASES:
        ms = r["seconds"][phase] * 1000
        checks[f"{phase} under 250 ms"] = (round(ms, 1), ms < TARGETS["page_seconds"] * 1000)
    return {k: {"value": v, "met": ok} for k, (v, ok) in checks.items()}


def table(results: dict[int, dict]) -> str:
    sizes = sorted(results)
    lines = []

    def row(label: str, values: list[str]) -> None:
        lines.append(f"{label:<44}" + "".join(f"{v:>18}" for v in values))

    row("leads", [f"{n:,}" for n in sizes])
    counts = [results[n]["rows"] for n in sizes]
    row(
        "rows: opportunities / activities",
        [f"{c['opportunities']:,}/{c['activities']:,}" for c in counts],
    )
    row("machine load (1-min avg, before/after)", [
        f"{results[n]['load_average']['before']}/{results[n]['load_average']['after']}"
        for n in sizes
    ])  # fmt: skip
    row("CSV MiB (all four files)", [f"{sum(results[n]['file_mib'].values()):.1f}" for n in sizes])
    lines.append("-" * (44 + 18 * len(sizes)))

    def secs(phase: str) -> list[str]:
        return [f"{results[n]['seconds'][phase]:.3f} s" for n in sizes]

    def ms(phase: str) -> list[str]:
        return [f"{results[n]['seconds'][phase] * 1000:.0f} ms" for n in sizes]

    row("floor: pl.read_csv(infer_schema=False)", secs("floor"))
    row("read (read_upload x4)", secs("read"))
    row("map (plan_tables)", secs("map"))
    row("validate (build_dataset)", secs("validate"))
    row("audit (Great Expectations, after)", secs("audit"))
    labels = sorted({k for n in sizes for k in (results[n]["validate_parts_seconds"] or {})})
    for label in labels:
        row(
            f"  {label}"[:44],
            [f"{(results[n]['validate_parts_seconds'] or {}).get(label, 0):.3f} s" for n in sizes],
        )
    row("facts (build_facts)", secs("facts"))
    row("full load (read+map+validate+facts)", [f"{results[n]['summary']['full_load_s']:.3f} s"
                                                 for n in sizes])  # fmt: skip
    row("ratio full load / floor", [f"{results[n]['summary']['ratio_to_floor']}x" for n in sizes])
    lines.append("-" * (44 + 18 * len(sizes)))
    row("funnel page metrics", ms("funnel_page"))
    row("follow-up page metrics", ms("follow_up_page"))
    row("win-rate page metrics", ms("win_rate_page"))
    row("filter change (filters + funnel)", ms("filter_change"))
    row("follow-up download CSV (every rerun)", ms("follow_up_download"))
    row("app.py sidebar + view (every rerun)", ms("app_rerun"))
    row("all charts: build + to_dict + CSV", ms("charts"))
    row("max chart rows", [str(results[n]["summary"]["max_chart_rows"]) for n in sizes])
    row("  in chart", [results[n]["summary"]["max_chart"] for n in sizes])
    lines.append("-" * (44 + 18 * len(sizes)))
    row("RSS after imports", [f"{results[n]['memory']['baseline_after_imports_mib']:.0f} MiB"
                              for n in sizes])  # fmt: skip
    row("peak RSS", [f"{results[n]['memory']['peak_mib']:.0f} MiB" for n in sizes])
    by_phase = [results[n]["memory"]["peak_mib_by_phase"] for n in sizes]
    peak_phase = [max(phases, key=phases.get) for phases in by_phase]
    row("  during phase", peak_phase)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--repeat", type=int, default=3, help="runs per page phase (median)")
    parser.add_argument("--profile", action="store_true", help="add a cProfile run per size")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:  # the measuring subprocess
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
        result = measure(args.child, args.repeat, args.profile)
        args.result.write_text(json.dumps(result))
        return

    results: dict[int, dict] = {}
    for n in args.sizes:
        print(f"{n:,} leads…", file=sys.stderr, flush=True)
        results[n] = run_size(n, args.repeat, args.profile)
        results[n]["summary"] = summarise(results[n])
        print(f"  done: full load {results[n]['summary']['full_load_s']} s", file=sys.stderr)
    largest = max(results)
    targets = check_targets(largest, results[largest])
    print(table(results))
    print(f"\ntargets at {largest:,} leads (set for {TARGET_SIZE:,}):")
    for name, check in targets.items():
        print(f"  {'met   ' if check['met'] else 'MISSED'} {name}: {check['value']}")
    payload = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "polars_threads": _polars_threads(),
        },
        "targets": TARGETS,
        "targets_at_largest_size": {"leads": largest, "checks": targets},
        "results": {str(n): r for n, r in results.items()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=1) + "\n")
    print(f"\nwrote {args.out}")


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _polars_threads() -> int | None:
    try:
        import polars as pl

        return pl.thread_pool_size()
    except Exception:  # pragma: no cover - informational only
        return None


if __name__ == "__main__":
    main()
