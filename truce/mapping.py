"""Raw export columns -> canonical fields.

Order of trust: the user's own override, then a known vendor preset, then the
contract's synonyms. Each field takes at most one column. A guess never gives one
column to two fields; the user may (a deal ID that is also the lead's ID).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from truce.contract import TABLE_NAMES, Contract

PRESETS_PATH = Path(__file__).resolve().parent.parent / "data_checks" / "presets.yaml"

# Words in a file name that say which table it holds ("hubspot-deals.csv").
FILENAME_HINTS = {
    "leads": ("lead", "contact", "person", "prospect"),
    "opportunities": ("opportunit", "deal", "pipeline"),
    "activities": ("activit", "task", "call", "engagement", "touch"),
    "spend": ("spend", "cost", "budget", "ads"),
}


@dataclass(frozen=True)
class Mapping:
    """Which column of the file feeds which canonical field of `table`."""

    table: str
    columns: dict[str, str]  # canonical field -> column in the file
    preset: str | None = None  # vendor shape recognised, in words ("HubSpot leads")
    # What raw values mean, per field: stage/status value -> class (truce.outcomes),
    # lead_source value -> canonical source (an alias). Saved with the mapping.
    values: dict[str, dict[str, str]] = field(default_factory=dict)


def normalise_name(name: str) -> str:
    """`LeadSource`, `lead_source` and `Lead Source ` are the same header."""
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name.strip())
    return re.sub(r"[\s_\-/.:?#()]+", " ", name.lower()).strip()


@cache
def load_presets() -> dict[str, dict]:
    return yaml.safe_load(PRESETS_PATH.read_text(encoding="utf-8"))


def detect_preset(columns: list[str]) -> tuple[str, dict] | None:
    """The vendor preset whose tell-tale columns are all present, if any."""
    present = {normalise_name(c) for c in columns}
    for name, preset in load_presets().items():
        if all(normalise_name(c) in present for c in preset["detect"]):
            return name, preset
    return None


def guess_table(columns: list[str], contract: Contract, filename: str = "") -> str | None:
    """The canonical table this file most likely holds, or None when nothing fits.

    A table qualifies when all its required fields are found; failing that, when its
    first required field (its ID) is, so the user is told which field is missing
    rather than that the file is a mystery. Most fields matched wins; the file name
    breaks ties.
    """
    found = detect_preset(columns)
    if found:
        return found[1]["table"]
    lowered = filename.lower()
    complete: list[tuple[float, str]] = []
    partial: list[tuple[float, str]] = []
    for order, table in enumerate(TABLE_NAMES):
        mapped = auto_map(columns, table, contract).columns
        required = contract.tables[table].required
        hint = 2.5 if any(h in lowered for h in FILENAME_HINTS[table]) else 0
        score = (len(mapped) + hint, -order)
        if all(f in mapped for f in required):
            complete.append((score, table))
        elif required[0] in mapped:
            partial.append((score, table))
    for candidates in (complete, partial):
        if candidates:
            return max(candidates)[1]
    return None


def auto_map(
    columns: list[str],
    table: str,
    contract: Contract,
    overrides: dict[str, str | None] | None = None,
) -> Mapping:
    """Map the file's columns to `table`'s fields; `overrides` wins (None unmaps a field)."""
    fields = contract.tables[table].fields
    by_norm: dict[str, str] = {}
    for column in columns:
        by_norm.setdefault(normalise_name(column), column)

    overrides = overrides or {}
    unmapped = {f for f, column in overrides.items() if column is None}
    chosen: dict[str, str] = {}
    used: set[str] = set()

    def take(field_name: str, column: str, shared: bool = False) -> None:
        free = field_name not in chosen and field_name not in unmapped
        if field_name in fields and free and (shared or column not in used):
            chosen[field_name] = column
            used.add(column)

    # The user's choices may share a column between fields; guesses never take a used one.
    for field_name, column in overrides.items():
        if column in columns:
            take(field_name, column, shared=True)

    preset_label = None
    found = detect_preset(columns)
    if found and found[1]["table"] == table:
        preset_label = f"{found[1]['vendor']} {table}"
        for field_name, header in found[1]["columns"].items():
            if normalise_name(header) in by_norm:
                take(field_name, by_norm[normalise_name(header)])

    # Exact canonical names first, then synonyms in the contract's order of fields.
    for field_name in fields:
        if normalise_name(field_name) in by_norm:
            take(field_name, by_norm[normalise_name(field_name)])
    for field_name, spec in fields.items():
        for synonym in spec.synonyms:
            column = by_norm.get(normalise_name(synonym))
            if column is not None and column not in used:
                take(field_name, column)
                break

    return Mapping(table=table, columns=chosen, preset=preset_label)


def parse_map_option(text: str) -> tuple[str, str, str]:
    """`leads.lead_source=Original Source` -> ('leads', 'lead_source', 'Original Source')."""
    target, sep, column = text.partition("=")
    table, dot, field_name = target.strip().partition(".")
    if not sep or not dot or not column.strip() or table not in TABLE_NAMES:
        raise ValueError(
            f"--map '{text}' should look like table.field=column, e.g. leads.lead_source=Source"
        )
    return table, field_name.strip(), column.strip()


def read_saved_mapping(text: str, contract: Contract) -> tuple[str, dict[str, str]]:
    """A mapping downloaded from the Data page -> (table, {field: column}), checked.

    Anything else raises ValueError with one sentence naming the key that is wrong.
    """
    try:
        saved = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        saved = None  # refused just below, in the same words as any other non-mapping
    if not isinstance(saved, dict) or not {"table", "columns"} <= saved.keys():
        raise ValueError(
            "This is not a mapping saved by Truce (expected JSON with 'table' and 'columns')."
        )
    table, columns = saved["table"], saved["columns"]
    if not isinstance(table, str) or table not in contract.tables:
        raise ValueError(
            f"The saved mapping is for an unknown table {_shown(table)}; "
            f"its 'table' must be one of {', '.join(contract.tables)}."
        )
    if not isinstance(columns, dict):
        raise ValueError(
            "The saved mapping's 'columns' must pair fields with column names, like "
            f'{{"owner": "Sales Person"}}; got {_shown(columns)}.'
        )
    unknown = sorted(set(columns) - set(contract.tables[table].fields))
    if unknown:
        raise ValueError(
            f"The saved mapping names fields {table} does not have: "
            f"{', '.join(map(_shown, unknown[:5]))}{' and more' if len(unknown) > 5 else ''}."
        )
    for field_name, column in columns.items():
        if not isinstance(column, str) or not column.strip():
            raise ValueError(
                f"The saved mapping's columns.{field_name} must be a column name; "
                f"got {_shown(column)}."
            )
    return table, dict(columns)


def _shown(value: object) -> str:
    """A value from an untrusted file, quoted and cut short for a one-line message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# The key that marks a setup file (truce/setup.py): its "mappings" are read like a list.
SETUP_KEY = "truce_setup"


def read_mapping_file(
    text: str, contract: Contract
) -> list[tuple[str, dict[str, str], dict[str, dict[str, str]]]]:
    """A saved mapping file (one table's mapping, or a list of them) -> per table its
    columns and its `values` (value classes and source aliases; absent in older files).
    A setup file ("Download my setup") is read too: its mappings."""
    try:
        saved = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ValueError("This is not a mapping saved by Truce (not JSON).") from exc
    if isinstance(saved, dict) and SETUP_KEY in saved:
        saved = saved.get("mappings")
        if not isinstance(saved, list):
            raise ValueError("The setup's 'mappings' must be a list of saved mappings.")
    out = []
    for item in saved if isinstance(saved, list) else [saved]:
        table, columns = read_saved_mapping(json.dumps(item), contract)
        values = item.get("values") or {}
        if not isinstance(values, dict) or not all(
            isinstance(v, dict) and all(isinstance(x, str) for x in (*v, *v.values()))
            for v in values.values()
        ):
            raise ValueError("The saved mapping's 'values' must map a field to {value: meaning}.")
        out.append((table, columns, {str(f): dict(v) for f, v in values.items()}))
    return out


def mapping_json(mapping: Mapping, file_name: str) -> str:
    """The mapping as the Data page downloads it and `--mapping FILE` reads it back."""
    saved = {"table": mapping.table, "file": file_name, "columns": mapping.columns}
    if mapping.values:
        saved["values"] = mapping.values
    return json.dumps(saved, indent=2, ensure_ascii=False)
