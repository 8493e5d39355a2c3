"""`python -m truce check|report`: the contract and the numbers, without a browser.

Exit codes: 0 no errors (warnings allowed), 1 errors in the data, 2 bad usage.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

from truce.contract import TABLE_NAMES, ContractError, load_contract
from truce.facts import build_facts
from truce.filters import Filters
from truce.findings import Report
from truce.lookups import Lookup
from truce.mapping import parse_map_option, read_mapping_file
from truce.metrics import dimensions
from truce.outcomes import STAGE_CLASSES
from truce.pipeline import Dataset, TableInput, build_dataset, plan_tables, read_upload
from truce.setup import LISTS, Setup, is_setup, read_setup
from truce.sources import parse_alias_option
from truce.terminal import printable


class UsageError(Exception):
    """Bad arguments: exit code 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m truce", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("check", "validate the files against the data contract"),
        ("report", "print the funnel, follow-up and win-rate numbers"),
    ):
        command = commands.add_parser(name, help=help_text)
        for table in TABLE_NAMES:
            command.add_argument(f"--{table}", metavar="FILE", type=Path)
        command.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="TABLE.FIELD=COLUMN",
            help="use COLUMN for a canonical field, e.g. leads.lead_source='Original Source'",
        )
        command.add_argument("--contract", metavar="FILE", type=Path)
        _add_value_options(command)
        if name == "report":
            command.add_argument("--sla-hours", type=float, metavar="H")
            _filter_options(command)
            command.add_argument("--format", choices=("json", "text"), default="text")
            command.add_argument(
                "--no-audit",
                action="store_true",
                help="skip the Great Expectations audit (the numbers do not change: the "
                "contract's checks that decide them always run)",
            )
            command.add_argument(
                "--by",
                action="append",
                default=[],
                metavar="COLUMN",
                help="add by_dimension: win rates per value of COLUMN (any column, mapped, "
                "unmapped or from a lookup)",
            )
    return parser


def _filter_options(command: argparse.ArgumentParser) -> None:
    """The sidebar's filters, so a filtered report and a filtered page show the same numbers."""
    command.add_argument("--from", dest="start", type=_day, metavar="YYYY-MM-DD")
    command.add_argument("--to", dest="end", type=_day, metavar="YYYY-MM-DD")
    for flag, dest in (("--source", "sources"), ("--owner", "owners"), ("--segment", "segments")):
        command.add_argument(flag, dest=dest, action="append", default=[], help="repeatable")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def filters_from(args: argparse.Namespace) -> Filters:
    return Filters(
        args.start, args.end, tuple(args.sources), tuple(args.owners), tuple(args.segments)
    )


# --- Options for what values mean, lookups and links (issue 8) ---


def _add_value_options(command: argparse.ArgumentParser) -> None:
    for cls in STAGE_CLASSES:
        command.add_argument(
            f"--{cls}",
            action="append",
            default=[],
            metavar="VALUE",
            help=f"a stage value that means {cls} (the lead status when no stage is mapped)",
        )
    command.add_argument(
        "--mapping",
        action="append",
        default=[],
        metavar="FILE",
        type=Path,
        help="apply a mapping saved from the Data page (columns, value classes, aliases), or "
        "the app's whole setup ('Download my setup'): its contract, filters, SLA and lookup "
        "columns then apply too, wherever the command line gives none",
    )
    command.add_argument(
        "--alias",
        action="append",
        default=[],
        metavar="RAW=Canonical",
        help="count the lead-source value RAW as the source Canonical",
    )
    command.add_argument(
        "--lookup",
        action="append",
        default=[],
        metavar="FILE",
        type=Path,
        help="a lookup table (accounts, users, teams) joined on a column name it shares",
    )
    command.add_argument(
        "--lookup-on",
        action="append",
        default=[],
        metavar="LOOKUP_COLUMN=COLUMN",
        help="join the lookup given at the same position on this pair of columns",
    )


def _saved_mappings(args, contract) -> tuple[dict, dict]:
    """--mapping files -> (overrides, values) per table."""
    overrides: dict[str, dict[str, str | None]] = {}
    values: dict[str, dict[str, dict[str, str]]] = {}
    for path in args.mapping:
        try:
            text = path.read_text("utf-8")
            for table, columns, classes in read_mapping_file(text, contract):
                overrides.setdefault(table, {}).update(columns)
                values.setdefault(table, {}).update(classes)
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from exc
        except ValueError as exc:
            raise UsageError(f"--mapping {path}: {exc}") from exc
    for option in args.alias:
        try:
            raw, canonical = parse_alias_option(option)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
        for table in TABLE_NAMES:
            values.setdefault(table, {}).setdefault("lead_source", {})[raw] = canonical
    return overrides, values


def _classify_options(args, plan: dict[str, TableInput]) -> dict[str, TableInput]:
    """--won/--lost/--open: for the deals' stage, else for the leads' status."""
    chosen = {value: cls for cls in STAGE_CLASSES for value in getattr(args, cls)}
    if not chosen:
        return plan
    opps = plan.get("opportunities")
    if opps is not None and "stage" in opps.mapping.columns:
        table, field = "opportunities", "stage"
    elif "leads" in plan and "status" in plan["leads"].mapping.columns:
        table, field = "leads", "status"
    else:
        raise UsageError("--won/--lost/--open need a stage (or a lead status) column mapped")
    mapping = plan[table].mapping
    values = {**mapping.values, field: {**mapping.values.get(field, {}), **chosen}}
    return {**plan, table: replace(plan[table], mapping=replace(mapping, values=values))}


def _read_setup(args, contract) -> tuple[Setup, str] | None:
    """The last --mapping file that is a whole setup ("Download my setup"), and its name."""
    found = None
    for path in args.mapping:
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from exc
        if is_setup(text):
            try:
                found = read_setup(text, contract), path.name
            except ValueError as exc:
                raise UsageError(f"--mapping {path}: {exc}") from exc
    return found


def _fill_from_setup(args, setup: Setup) -> list[str]:
    """The setup's filters and SLA, where the command line gives none (as the app's sidebar
    restores them from the same file). Returns what was taken."""
    if args.command != "report":
        return []
    taken = []
    for key in LISTS:
        if not getattr(args, key) and setup.filters.get(key):
            setattr(args, key, list(setup.filters[key]))
            taken.append(f"{key} {', '.join(setup.filters[key])}")
    if setup.created and args.start is None and args.end is None:
        args.start, args.end = setup.created
        taken.append(f"leads created {args.start} to {args.end}")
    if setup.sla_hours is not None and args.sla_hours is None:
        args.sla_hours = setup.sla_hours
        taken.append(f"SLA {setup.sla_hours:g} h")
    return taken


def _setup_contract(args, contract):
    """The contract in force, the setup it came with, and the line saying what the setup set."""
    found = _read_setup(args, contract)
    if found is None:
        return contract, None, []
    setup, name = found
    taken = _fill_from_setup(args, setup)
    if setup.contract_text is not None and args.contract is None:
        contract = load_contract(setup.contract_text)  # read_setup has checked it
        taken.insert(0, "its contract")
    said = f"setup {name}: {'; '.join(taken)}" if taken else f"setup {name}: its mappings only"
    return contract, setup, [said]


def _lookups(args, saved_pairs: dict) -> list[Lookup]:
    """--lookup files, joined on --lookup-on's pair, else the setup's pair for that file name,
    else on a column they share."""
    if len(args.lookup_on) > len(args.lookup):
        raise UsageError("--lookup-on needs a --lookup FILE at the same position")
    lookups = []
    for number, path in enumerate(args.lookup):
        on = tuple(saved_pairs[path.name]) if path.name in saved_pairs else None
        if number < len(args.lookup_on):
            left, sep, right = args.lookup_on[number].partition("=")
            if not sep or not left.strip() or not right.strip():
                raise UsageError("--lookup-on should look like LOOKUP_COLUMN=COLUMN")
            on = (left.strip(), right.strip())
        try:
            upload = read_upload(path.name, path.read_bytes())
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from exc
        if upload.error:
            raise UsageError(f"--lookup {path}: {upload.error}")
        lookups.append(Lookup(upload.loaded, on))
    return lookups


def _by_dimension(facts, columns: list[str]) -> dict:
    out = {}
    for column in columns:
        table = dimensions.by_dimension(facts, column)
        if table is None:
            raise UsageError(f"--by {column}: no loaded file or lookup has a column '{column}'")
        out[column] = table.to_dicts()
    return out


# --- end of issue 8 options ---


def load(args: argparse.Namespace) -> tuple[Dataset, object, list[str], list[str]]:
    """Read, map and validate the files named on the command line. Returns the dataset, the
    contract, the problems and what a setup file set."""
    try:
        contract = load_contract(args.contract.read_text("utf-8") if args.contract else None)
    except (OSError, ContractError) as exc:
        raise UsageError(f"cannot use contract {args.contract}: {exc}") from exc
    contract, setup, said = _setup_contract(args, contract)
    overrides, values = _saved_mappings(args, contract)
    for option in args.map:
        try:
            table, field, column = parse_map_option(option)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
        if field not in contract.tables[table].fields:
            raise UsageError(f"--map {option}: {table} has no field '{field}'")
        overrides.setdefault(table, {})[field] = column

    files, pinned, problems = _read_files(args)
    plan, notes = plan_tables(files, contract, pinned, overrides, values)
    del files  # the plan holds the rows now, and build_dataset drops them once typed
    plan = _classify_options(args, plan)
    for table, columns in overrides.items():
        for field, column in columns.items():
            if table in plan and column not in plan[table].file.frame.columns:
                raise UsageError(
                    f"--map {table}.{field}: {plan[table].file.name} has no column '{column}'"
                )
    lookups = _lookups(args, setup.lookup_on if setup else {})
    dataset = build_dataset(
        plan, contract, lookups=lookups, keep_for_audit=_audits(args), release=True
    )
    return dataset, contract, problems + notes, said


def _read_files(args: argparse.Namespace) -> tuple[list, dict, list[str]]:
    """The files named on the command line, read once each: (files, pinned tables, problems)."""
    files, pinned, problems = [], {}, []
    for table in TABLE_NAMES:
        path = getattr(args, table)
        if path is None:
            continue
        if path.name in pinned:  # one file for two tables: a deals export that is also the leads
            pinned[path.name] = (*pinned[path.name], table)
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from exc
        upload = read_upload(path.name, data)
        del data  # not held while the next file is read: a file's bytes are its size in memory
        if upload.error:
            problems.append(f"ERROR [{table}] {upload.error}")
            continue
        files.append(upload.loaded)
        pinned[path.name] = (table,)
    if not files and not problems:
        raise UsageError(
            "give at least one file: --leads, --opportunities, --activities or --spend"
        )
    return files, pinned, problems


def _audits(args: argparse.Namespace) -> bool:
    """`check` always runs the Great Expectations audit; `report` unless --no-audit."""
    return not getattr(args, "no_audit", False)


def run_audit(dataset: Dataset):
    """The audit's verdict (truce.audit.AuditResult); GX is imported here, only when it runs
    (seconds of import)."""
    from truce.audit import audit

    return audit(dataset.checked)


def describe_mapping(dataset: Dataset) -> list[str]:
    lines = []
    for table, mapping in dataset.mappings.items():
        preset = f" ({mapping.preset} export recognised)" if mapping.preset else ""
        pairs = ", ".join(f"{field} <- '{column}'" for field, column in mapping.columns.items())
        lines.append(f"{table}{preset}: {pairs}")
    return lines


# The report's metrics import scipy.optimize and scipy.special (0.4 s): imported by a thread
# while the files are read and typed, which Polars does with the GIL released.
REPORT_MODULES = ("truce.headline", "truce.views.options")


def _import_in_background(modules: tuple[str, ...]) -> threading.Thread:
    def run() -> None:
        for name in modules:
            importlib.import_module(name)

    thread = threading.Thread(target=run, name="truce-imports", daemon=True)
    thread.start()
    return thread


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage message
        return 0 if exc.code == 0 else 2
    imports = _import_in_background(REPORT_MODULES if args.command == "report" else ())
    try:
        dataset, contract, problems, said = load(args)
    except UsageError as exc:
        _say([f"truce: {exc}"], sys.stderr)
        return 2
    report: Report = dataset.report
    failed = bool(report.errors or problems)
    if args.command == "check":
        _say(
            [
                *said,
                *describe_mapping(dataset),
                *dataset.decisions,
                *problems,
                *report.as_text().split("\n"),
            ]
        )
        verdict = run_audit(dataset)
        _say(verdict.says())
        return 1 if failed or not verdict.agrees else 0

    # Joined, then imported here: a failure on the thread is raised again by this import.
    imports.join()
    from truce.headline import headline
    from truce.views.options import Options

    facts = build_facts(dataset.tables, contract, dataset.dimensions)
    # The facts hold every row and column the numbers read; the audit reads `checked`. The
    # typed tables' other columns (activity IDs, types, ...) are freed before the views run.
    dataset.tables, dataset.dimensions = {}, {}
    selection = filters_from(args).apply(facts)
    numbers = headline(selection, contract, report, Options(sla_hours=args.sla_hours))
    if args.by:
        chosen = replace(facts, leads=selection.leads, opportunities=selection.opportunities)
        try:
            numbers["by_dimension"] = _by_dimension(chosen, args.by)
        except UsageError as exc:
            _say([f"truce: {exc}"], sys.stderr)
            return 2
    if args.format == "json":
        print(json.dumps(numbers, indent=2, default=str))  # JSON escapes control characters
        if said:  # stdout stays pure JSON
            _say(said, sys.stderr)
        if failed:
            _say([*problems, *report.as_text().split("\n")], sys.stderr)
    else:
        _say([*said, *problems, *report.as_text().split("\n"), "", *_as_text(numbers)])
    if not _audits(args):
        return 1 if failed else 0
    # After the numbers, which never wait for GX; the facts go first, to make room for
    # GX's pandas copies. JSON stays one object on stdout, so the verdict goes to stderr.
    sys.stdout.flush()
    del facts, selection, numbers
    verdict = run_audit(dataset)
    _say(verdict.says(), sys.stderr if args.format == "json" else None)
    return 1 if failed or not verdict.agrees else 0


def _say(lines: list[str], stream=None) -> None:
    """Print lines, each with the control characters of its data escaped (truce.terminal):
    no cell, column or file name can send a terminal escape sequence or start a line."""
    print("\n".join(printable(line) for line in lines), file=stream or sys.stdout)


def _as_text(numbers: dict) -> list[str]:
    lines = ["Overall:"]
    lines += [f"  {key}: {_fmt(value)}" for key, value in numbers["overall"].items()]
    lines.append("By lead source:")
    for row in numbers["by_source"]:
        values = ", ".join(f"{k}={_fmt(v)}" for k, v in row.items() if k != "lead_source")
        lines.append(f"  {row['lead_source']}: {values}")
    for column, rows in numbers.get("by_dimension", {}).items():
        lines.append(f"By {column}:")
        for row in rows:
            values = ", ".join(f"{k}={_fmt(v)}" for k, v in row.items() if k != "value")
            lines.append(f"  {_fmt(row['value'])}: {values}")
    return lines


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.4f}" if abs(value) < 1 else f"{value:,.2f}"
    return "n/a" if value is None else str(value)
