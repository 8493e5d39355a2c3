"""The setup file: everything a user decided about their files, in one JSON, never the data.

Column mappings with value classes and source aliases (each in the Data page's mapping
format, so `--mapping FILE` reads the setup too), which file feeds which table, lookup
pairs, the contract if the user changed it, the filters, and each file's name with a
fingerprint of its header row (to recognise the same files when they come back).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zlib
from dataclasses import dataclass, field
from datetime import date

from truce.contract import Contract, ContractError, load_contract
from truce.mapping import SETUP_KEY, read_mapping_file

VERSION = 1
TOKEN_TEXT_LIMIT = 256 * 1024  # a link's setup never expands past this (a deflate bomb)
LISTS = ("sources", "owners", "segments")  # the sidebar's multiselects, as in the URL


@dataclass(frozen=True)
class Setup:
    mappings: list = field(default_factory=list)  # read_mapping_file's (table, columns, values)
    table_choice: dict = field(default_factory=dict)  # file name -> table (None: left out)
    lookup_on: dict = field(default_factory=dict)  # lookup file name -> [its column, other]
    contract_text: str | None = None  # None: the bundled contract
    filters: dict = field(default_factory=dict)  # sources/owners/segments -> values
    created: tuple[date, date] | None = None
    sla_hours: float | None = None
    files: dict = field(default_factory=dict)  # file name -> header fingerprint


def header_fingerprint(columns: list[str]) -> str:
    """A short hash of a header row: the same export comes back with the same one."""
    return hashlib.sha256(json.dumps(columns).encode()).hexdigest()[:16]


def setup_json(setup: Setup, mapping_files: list[dict]) -> str:
    """The file "Download my setup" gives; `mapping_files` are the Data page's mapping dicts."""
    saved = {
        SETUP_KEY: VERSION,
        "mappings": mapping_files,
        "table_choice": setup.table_choice,
        "lookup_on": setup.lookup_on,
        "contract": setup.contract_text,
        "filters": {
            **{k: list(v) for k, v in setup.filters.items() if k in LISTS},
            "created": [d.isoformat() for d in setup.created] if setup.created else None,
            "sla_hours": setup.sla_hours,
        },
        "files": [{"name": n, "header": h} for n, h in setup.files.items()],
    }
    return json.dumps(saved, indent=2, ensure_ascii=False)


def is_setup(text: str) -> bool:
    """A whole setup rather than one table's mapping: what `--mapping FILE` tells apart."""
    try:
        saved = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return False
    return isinstance(saved, dict) and SETUP_KEY in saved


def setup_token(text: str) -> str:
    """A setup as a link's `setup` parameter: compact JSON, deflated, base64url."""
    compact = json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)
    packed = zlib.compress(compact.encode(), 9)
    return base64.urlsafe_b64encode(packed).decode().rstrip("=")


def setup_from_token(token: str) -> str:
    """A link's `setup` parameter back to the setup's text; ValueError in one sentence when
    it is damaged or expands past TOKEN_TEXT_LIMIT."""
    unpacker = zlib.decompressobj()
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        text = unpacker.decompress(packed, TOKEN_TEXT_LIMIT)
    except (binascii.Error, ValueError, zlib.error):
        raise ValueError("The link's setup is damaged (copied only in part?).") from None
    if unpacker.unconsumed_tail or not unpacker.eof:
        raise ValueError("The link's setup is damaged or too big to be a setup.")
    return text.decode("utf-8", "replace")


def _text_map(value: object, key: str, allow_none: bool = False) -> dict:
    ok = isinstance(value, dict) and all(
        isinstance(k, str) and (isinstance(v, str) or (allow_none and v is None))
        for k, v in value.items()
    )
    if not ok:
        raise ValueError(f"The setup's '{key}' must pair file names with table names.")
    return dict(value)


def _filters(raw: object) -> tuple[dict, tuple[date, date] | None, float | None]:
    if not isinstance(raw, dict):
        raise ValueError("The setup's 'filters' must be an object of filter names.")
    lists = {}
    for key in LISTS:
        values = raw.get(key) or []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ValueError(f"The setup's filters.{key} must be a list of names.")
        if values:
            lists[key] = values
    created = raw.get("created")
    if created is not None:
        try:
            start, end = (date.fromisoformat(d) for d in created)
        except (TypeError, ValueError):
            raise ValueError(
                "The setup's filters.created must be two dates, like ['2026-01-01', '2026-03-31']."
            ) from None
        created = (start, end)
    sla = raw.get("sla_hours")
    if sla is not None and (
        isinstance(sla, bool) or not isinstance(sla, int | float) or not 0 <= sla <= 720
    ):
        raise ValueError("The setup's filters.sla_hours must be a number of hours from 0 to 720.")
    return lists, created, sla


def read_setup(text: str, contract: Contract) -> Setup:
    """A setup file -> Setup, every part checked; ValueError with one sentence otherwise.
    Its mappings are checked against its own contract when it carries one."""
    try:
        saved = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        saved = None
    if not isinstance(saved, dict) or saved.get(SETUP_KEY) != VERSION:
        raise ValueError("This is not a setup saved by Truce (expected 'Download my setup').")
    contract_text = saved.get("contract")
    if contract_text is not None:
        if not isinstance(contract_text, str):
            raise ValueError("The setup's 'contract' must be the contract's text.")
        try:
            contract = load_contract(contract_text)
        except ContractError as exc:
            raise ValueError(f"The setup's contract cannot be used: {exc}") from None
    mappings = read_mapping_file(text, contract)
    files = saved.get("files") or []
    if not isinstance(files, list) or not all(
        isinstance(f, dict) and isinstance(f.get("name"), str) and isinstance(f.get("header"), str)
        for f in files
    ):
        raise ValueError("The setup's 'files' must list each file's name and header.")
    lookup_on = saved.get("lookup_on") or {}
    if not isinstance(lookup_on, dict) or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(c, str) for c in p)
        for p in lookup_on.values()
    ):
        raise ValueError("The setup's 'lookup_on' must give each lookup file two column names.")
    lists, created, sla = _filters(saved.get("filters") or {})
    return Setup(
        mappings=mappings,
        table_choice=_text_map(saved.get("table_choice") or {}, "table_choice", allow_none=True),
        lookup_on=dict(lookup_on),
        contract_text=contract_text,
        filters=lists,
        created=created,
        sla_hours=sla,
        files={f["name"]: f["header"] for f in files},
    )
