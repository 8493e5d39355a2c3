"""`python -m truce check|report`: the contract and the numbers, without a browser.

Exit codes: 0 no errors (warnings allowed), 1 errors in the data, 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from truce.contract import TABLE_NAMES, ContractError, load_contract
from truce.facts import build_facts
from truce.filters import Filters
from truce.findings import Report
from truce.headline import headline
from truce.mapping import parse_map_option
from truce.pipeline import Dataset, build_dataset, plan_tables, read_upload
from truce.views.options import Options


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
        if name == "report":
            command.add_argument("--sla-hours", type=float, metavar="H")
            _filter_options(command)
            command.add_argument("--format", choices=("json", "text"), default="text")
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


def load(args: argparse.Namespace) -> tuple[Dataset, object, list[str]]:
    """Read, map and validate the files named on the command line."""
    try:
        contract = load_contract(args.contract.read_text("utf-8") if args.contract else None)
    except (OSError, ContractError) as exc:
        raise UsageError(f"cannot use contract {args.contract}: {exc}") from exc
    overrides: dict[str, dict[str, str | None]] = {}
    for option in args.map:
        try:
            table, field, column = parse_map_option(option)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
        if field not in contract.tables[table].fields:
            raise UsageError(f"--map {option}: {table} has no field '{field}'")
        overrides.setdefault(table, {})[field] = column

    files, pinned, problems = [], {}, []
    for table in TABLE_NAMES:
        path = getattr(args, table)
        if path is None:
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from exc
        upload = read_upload(path.name, data)
        if upload.error:
            problems.append(f"ERROR [{table}] {upload.error}")
            continue
        files.append(upload.loaded)
        pinned[path.name] = table
    if not files and not problems:
        raise UsageError(
            "give at least one file: --leads, --opportunities, --activities or --spend"
        )
    plan, notes = plan_tables(files, contract, pinned, overrides)
    for table, columns in overrides.items():
        for field, column in columns.items():
            if table in plan and column not in plan[table].file.frame.columns:
                raise UsageError(
                    f"--map {table}.{field}: {plan[table].file.name} has no column '{column}'"
                )
    return build_dataset(plan, contract), contract, problems + notes


def describe_mapping(dataset: Dataset) -> list[str]:
    lines = []
    for table, mapping in dataset.mappings.items():
        preset = f" ({mapping.preset} export recognised)" if mapping.preset else ""
        pairs = ", ".join(f"{field} <- '{column}'" for field, column in mapping.columns.items())
        lines.append(f"{table}{preset}: {pairs}")
    return lines


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage message
        return 0 if exc.code == 0 else 2
    try:
        dataset, contract, problems = load(args)
    except UsageError as exc:
        print(f"truce: {exc}", file=sys.stderr)
        return 2
    report: Report = dataset.report
    failed = bool(report.errors or problems)
    if args.command == "check":
        print("\n".join([*describe_mapping(dataset), *problems, report.as_text()]))
        return 1 if failed else 0

    selection = filters_from(args).apply(build_facts(dataset.tables, contract))
    numbers = headline(selection, contract, report, Options(sla_hours=args.sla_hours))
    if args.format == "json":
        print(json.dumps(numbers, indent=2, default=str))
    else:
        print("\n".join([*problems, report.as_text(), "", _as_text(numbers)]))
    return 1 if failed else 0


def _as_text(numbers: dict) -> str:
    lines = ["Overall:"]
    lines += [f"  {key}: {_fmt(value)}" for key, value in numbers["overall"].items()]
    lines.append("By lead source:")
    for row in numbers["by_source"]:
        values = ", ".join(f"{k}={_fmt(v)}" for k, v in row.items() if k != "lead_source")
        lines.append(f"  {row['lead_source']}: {values}")
    return "\n".join(lines)


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.4f}" if abs(value) < 1 else f"{value:,.2f}"
    return "n/a" if value is None else str(value)
