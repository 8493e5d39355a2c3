"""The shared data contract: one YAML file, read into plain typed objects, checked on load.

Everything else in Truce (auto-mapping, the Great Expectations suites, the metric
definitions, the glossary) reads its terms from here, so both teams change a
definition in one place. A contract that cannot be used is refused whole, with one
sentence naming the key (`ContractError`); a setting or check it leaves out takes the
bundled contract's value, shown as the default by `Contract.settings()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from truce.contract_schema import CHECK_NAMES, SETTINGS, ContractError, read_check, words

__all__ = ["ContractError", "load_contract"]

DEFAULT_CONTRACT_PATH = Path(__file__).resolve().parent.parent / "data_checks" / "contract.yaml"
FIELD_TYPES = {"id", "string", "source", "datetime", "amount", "boolean"}
TABLE_NAMES = ("leads", "opportunities", "activities", "spend")
SECTIONS = ("version", "definitions", "terms", "sources", "tables", "checks")
# The bundled contract is 12 KB; a quarter of a megabyte is room for any real taxonomy.
MAX_CONTRACT_BYTES = 256 * 1024


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    key: str | None
    fields: dict[str, Field]

    @property
    def required(self) -> list[str]:
        return [f.name for f in self.fields.values() if f.required]


@dataclass(frozen=True)
class Check:
    name: str
    level: str
    exclude: bool
    says: str


@dataclass(frozen=True)
class Contract:
    # Every setting of contract_schema.SETTINGS, checked: word lists as lists of str,
    # response bands as a tuple of hours.
    definitions: dict[str, Any]
    terms: dict[str, str]
    sources: dict[str, tuple[str, ...]]
    tables: dict[str, Table]
    checks: dict[str, Check]  # every check the code runs (contract_schema.CHECK_NAMES)
    text: str  # the YAML as written, so it can be downloaded unchanged

    @property
    def sla_hours(self) -> float:
        return self.definitions["follow_up_sla_hours"]

    @property
    def duplicate_window_days(self) -> int:
        return self.definitions["duplicate_company_window_days"]

    @property
    def earliest_year(self) -> int:
        return self.definitions["earliest_year"]

    @property
    def placeholders(self) -> tuple[str, ...]:
        return tuple(self.definitions["placeholders"])

    @property
    def scorecard_period_days(self) -> int:
        return self.definitions["scorecard_period_days"]

    @property
    def response_bands_hours(self) -> tuple[float, ...]:
        return self.definitions["response_bands_hours"]

    def words(self, key: str) -> set[str]:
        """A definitions list (stage names, statuses) as lower-case words."""
        return {w.strip().lower() for w in self.definitions[key]}

    def settings(self) -> list[dict[str, str]]:
        """Every setting and check Truce reads: its value here, its default (the bundled
        contract's) and what it means, one row each, for the Definitions page."""
        default = bundled_contract()
        rows = [
            {
                "setting": f"definitions.{key}",
                "value": _shown(self.definitions[key]),
                "default": _shown(default.definitions[key]),
                "means": setting.means,
            }
            for key, setting in SETTINGS.items()
        ]
        rows += [
            {
                "setting": f"checks.{name}",
                "value": _check_shown(check),
                "default": _check_shown(default.checks[name]),
                "means": f"Rows with {check.says}.",
            }
            for name, check in self.checks.items()
        ]
        return rows


def load_contract(text: str | None = None) -> Contract:
    """Read the contract from YAML text, or the bundled file when none is given.

    Raises ContractError (one sentence naming the key) for a contract that cannot be used.
    """
    if text is None:
        return bundled_contract()
    return _parse(text, bundled_contract())


@lru_cache(maxsize=1)
def bundled_contract() -> Contract:
    """The contract shipped with Truce: it must set everything, and is every default."""
    return _parse(DEFAULT_CONTRACT_PATH.read_text(encoding="utf-8"), None)


class _PlainLoader(yaml.SafeLoader):
    """Safe YAML without anchors and aliases: nested aliases ("billion laughs") expand a
    few KB into gigabytes, and a contract never needs them."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise ContractError(
                f"The contract uses a YAML anchor or alias (&name or *name) on line "
                f"{event.start_mark.line + 1}; write each value out in full."
            )
        return super().compose_node(parent, index)


def _read_yaml(text: str) -> Any:
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_CONTRACT_BYTES:
        raise ContractError(
            f"The contract is {size / 1024:,.0f} KB; a contract may be at most "
            f"{MAX_CONTRACT_BYTES // 1024} KB."
        )
    try:
        return yaml.load(text, Loader=_PlainLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ContractError(f"The contract is not valid YAML: {exc}".splitlines()[0]) from exc
    except RecursionError as exc:
        raise ContractError("The contract is nested too deeply to be a contract.") from exc


def _parse(text: str, base: Contract | None) -> Contract:
    """Check every part of the contract; what it leaves out comes from `base`, when given."""
    raw = _read_yaml(text)
    if not isinstance(raw, dict):
        raise ContractError("The contract must be a YAML mapping with 'tables' and 'definitions'.")
    unknown = [str(k) for k in raw if k not in SECTIONS]
    if unknown:
        raise ContractError(
            f"'{unknown[0]}' is not a contract section; the sections are {', '.join(SECTIONS)}."
        )
    if raw.get("version", 1) != 1:
        raise ContractError(f"version must be 1; got {raw['version']!r}.")
    return Contract(
        definitions=_definitions(_section(raw, "definitions", base is not None), base),
        terms=_terms(_section(raw, "terms", True)),
        sources=_sources(_section(raw, "sources", False)),
        tables=_tables(_section(raw, "tables", False), base),
        checks=_checks(_section(raw, "checks", base is not None), base),
        text=text,
    )


def _section(raw: dict, name: str, optional: bool) -> dict:
    value = raw.get(name, {} if optional else None)
    if value is None and optional:
        return {}
    if not isinstance(value, dict):
        if name not in raw:
            raise ContractError(f"The contract has no '{name}' section.")
        raise ContractError(f"The contract's '{name}' section must be a mapping; got {value!r}.")
    return value


def _definitions(given: dict, base: Contract | None) -> dict[str, Any]:
    unknown = [str(k) for k in given if k not in SETTINGS]
    if unknown:
        raise ContractError(
            f"definitions.{unknown[0]} is not a setting Truce reads; the settings are "
            f"{', '.join(SETTINGS)}."
        )
    values = {}
    for key, setting in SETTINGS.items():
        if key in given:
            values[key] = setting.read(key, given[key])
        elif base is not None:
            values[key] = base.definitions[key]
        else:
            raise ContractError(f"definitions.{key} is missing.")
    return values


def _terms(given: dict) -> dict[str, str]:
    for key, value in given.items():
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ContractError(f"terms.{key} must be a sentence; got {value!r}.")
    return {str(k): str(v) for k, v in given.items()}


def _sources(given: dict) -> dict[str, tuple[str, ...]]:
    return {
        str(name): words(f"sources.{name}", [] if aliases is None else aliases)
        for name, aliases in given.items()
    }


def _tables(given: dict, base: Contract | None) -> dict[str, Table]:
    unknown = [str(k) for k in given if k not in TABLE_NAMES]
    if unknown:
        raise ContractError(
            f"tables.{unknown[0]} is not a Truce table; the tables are {', '.join(TABLE_NAMES)}."
        )
    return {
        name: _table(name, given.get(name), base.tables[name] if base else None)
        for name in TABLE_NAMES
    }


def _table(name: str, spec: Any, base: Table | None) -> Table:
    if not isinstance(spec, dict) or not isinstance(spec.get("fields"), dict):
        raise ContractError(f"tables.{name} must list its fields under tables.{name}.fields.")
    description, key = spec.get("description") or "", spec.get("key")
    if not isinstance(description, str):
        raise ContractError(f"tables.{name}.description must be a sentence; got {description!r}.")
    if key is not None and key not in spec["fields"]:
        raise ContractError(f"tables.{name}.key must be one of its fields; got {key!r}.")
    fields = {}
    for field_name, field_spec in spec["fields"].items():
        where = f"tables.{name}.fields.{field_name}"
        if base is not None and field_name not in base.fields:
            raise ContractError(
                f"{where} is not a {name} field; field names are fixed: {', '.join(base.fields)}."
            )
        fields[field_name] = _field(where, str(field_name), field_spec or {})
    return Table(name=name, description=description, key=key, fields=fields)


def _field(where: str, name: str, spec: Any) -> Field:
    if not isinstance(spec, dict):
        raise ContractError(f"{where} must be a mapping with type, required and synonyms.")
    kind, required = spec.get("type", "string"), spec.get("required", False)
    if kind not in FIELD_TYPES:
        raise ContractError(
            f"{where}.type must be one of {', '.join(sorted(FIELD_TYPES))}; got {kind!r}."
        )
    if not isinstance(required, bool):
        raise ContractError(f"{where}.required must be true or false; got {required!r}.")
    synonyms = words(f"{where}.synonyms", spec.get("synonyms") or [])
    return Field(name=name, type=kind, required=required, synonyms=synonyms)


def _checks(given: dict, base: Contract | None) -> dict[str, Check]:
    written = {}
    for name, spec in given.items():
        default = base.checks.get(name) if base else None
        fields = read_check(str(name), spec, _check_fields(default) if default else None)
        written[name] = Check(name=name, **fields)
    for name in CHECK_NAMES:
        if name not in written and base is None:
            raise ContractError(f"checks.{name} is missing; every check Truce runs is declared.")
    return {name: written.get(name) or base.checks[name] for name in CHECK_NAMES}


def _check_fields(check: Check) -> dict[str, Any]:
    return {"level": check.level, "exclude": check.exclude, "says": check.says}


def _shown(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_shown(v) for v in value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def _check_shown(check: Check) -> str:
    return f"{check.level}, {'left out' if check.exclude else 'kept'}"
