"""The shared data contract: one YAML file, read into plain typed objects.

Everything else in Truce (auto-mapping, the Great Expectations suites, the metric
definitions, the glossary) reads its terms from here, so both teams change a
definition in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DEFAULT_CONTRACT_PATH = Path(__file__).resolve().parent.parent / "data_checks" / "contract.yaml"
FIELD_TYPES = {"id", "string", "source", "datetime", "amount", "boolean"}
TABLE_NAMES = ("leads", "opportunities", "activities", "spend")


class ContractError(ValueError):
    """The contract file cannot be used; the message says which line of it is wrong."""


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
    definitions: dict[str, Any]
    terms: dict[str, str]
    sources: dict[str, tuple[str, ...]]
    tables: dict[str, Table]
    checks: dict[str, Check]
    text: str  # the YAML as written, so it can be downloaded unchanged

    @property
    def sla_hours(self) -> float:
        return float(self.definitions["follow_up_sla_hours"])

    def words(self, key: str) -> set[str]:
        """A definitions list (stage names, statuses) as lower-case words."""
        return {str(w).strip().lower() for w in self.definitions.get(key, [])}


def load_contract(text: str | None = None) -> Contract:
    """Read the contract from YAML text, or the bundled file when none is given."""
    if text is None:
        text = DEFAULT_CONTRACT_PATH.read_text(encoding="utf-8")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ContractError(f"The contract is not valid YAML: {exc}".splitlines()[0]) from exc
    if not isinstance(raw, dict):
        raise ContractError("The contract must be a YAML mapping with 'tables' and 'definitions'.")
    for section in ("definitions", "sources", "tables", "checks"):
        if not isinstance(raw.get(section), dict):
            raise ContractError(f"The contract has no '{section}' section.")
    if "follow_up_sla_hours" not in raw["definitions"]:
        raise ContractError("The contract's definitions must set follow_up_sla_hours.")
    return Contract(
        definitions=raw["definitions"],
        terms={str(k): str(v) for k, v in (raw.get("terms") or {}).items()},
        sources={str(k): tuple(str(a) for a in (v or [])) for k, v in raw["sources"].items()},
        tables={name: _table(name, raw["tables"].get(name)) for name in TABLE_NAMES},
        checks={name: _check(name, spec) for name, spec in raw["checks"].items()},
        text=text,
    )


def _table(name: str, spec: Any) -> Table:
    if not isinstance(spec, dict) or not isinstance(spec.get("fields"), dict):
        raise ContractError(f"The contract's table '{name}' has no fields.")
    fields = {}
    for field_name, field_spec in spec["fields"].items():
        field_spec = field_spec or {}
        kind = field_spec.get("type", "string")
        if kind not in FIELD_TYPES:
            raise ContractError(
                f"Field {name}.{field_name} has type '{kind}'; use one of {sorted(FIELD_TYPES)}."
            )
        fields[field_name] = Field(
            name=field_name,
            type=kind,
            required=bool(field_spec.get("required", False)),
            synonyms=tuple(str(s) for s in field_spec.get("synonyms", [])),
        )
    return Table(
        name=name, description=spec.get("description", ""), key=spec.get("key"), fields=fields
    )


def _check(name: str, spec: Any) -> Check:
    if not isinstance(spec, dict) or "says" not in spec:
        raise ContractError(f"The contract's check '{name}' needs a 'says' sentence.")
    return Check(
        name=name,
        level=spec.get("level", "warning"),
        exclude=bool(spec.get("exclude", False)),
        says=spec["says"],
    )
