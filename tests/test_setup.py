"""The setup file: one JSON with mappings, value classes, aliases, contract and filters; the
app restores from it and `report --mapping FILE` reads it."""

from __future__ import annotations

import base64
import json
import re
import zlib
from datetime import date
from pathlib import Path

import pytest

from tests.test_real_shapes import LOST, OPEN, WON, path, report
from truce.cli import main
from truce.mapping import Mapping, auto_map, mapping_json, read_mapping_file
from truce.setup import (
    Setup,
    header_fingerprint,
    read_setup,
    setup_from_token,
    setup_json,
    setup_token,
)

CHANGED = (Path(__file__).resolve().parents[1] / "data_checks" / "contract.yaml").read_text()
CHANGED = CHANGED.replace("follow_up_sla_hours: 24", "follow_up_sla_hours: 2")


def deals_setup(contract, contract_text: str | None = None, filtered: bool = True) -> str:
    columns = auto_map(["ID", "Stage", "Source", "Amount"], "opportunities", contract).columns
    values = {"stage": {WON: "won", LOST: "lost", OPEN: "open"}, "lead_source": {"Events": "Web"}}
    mapping = json.loads(mapping_json(Mapping("opportunities", columns, values=values), "d.csv"))
    setup = Setup(
        table_choice={"deals_ru.csv": "opportunities"},
        contract_text=contract_text,
        filters={"sources": ["Web", "Trade Show"]} if filtered else {},
        created=(date(2025, 1, 1), date(2025, 1, 31)) if filtered else None,
        sla_hours=0.5 if filtered else None,
        files={"deals_ru.csv": header_fingerprint(["ID", "Deal Name", "Stage"])},
    )
    return setup_json(setup, [mapping])


def test_the_setup_round_trips(contract) -> None:
    back = read_setup(deals_setup(contract, CHANGED), contract)
    assert back.contract_text == CHANGED
    assert back.filters == {"sources": ["Web", "Trade Show"]}
    assert back.created == (date(2025, 1, 1), date(2025, 1, 31))
    assert back.sla_hours == 0.5
    assert back.table_choice == {"deals_ru.csv": "opportunities"}
    [(table, columns, values)] = back.mappings
    assert table == "opportunities" and columns["stage"] == "Stage"
    assert values["lead_source"] == {"Events": "Web"} and values["stage"][WON] == "won"
    assert back.files == {"deals_ru.csv": header_fingerprint(["ID", "Deal Name", "Stage"])}


def test_report_reads_the_setup_file_as_a_mapping(capsys, tmp_path, contract) -> None:
    saved = tmp_path / "truce-setup.json"
    saved.write_text(deals_setup(contract, filtered=False), "utf-8")
    code, numbers = report(capsys, "--opportunities", path("deals_ru.csv"), "--mapping", str(saved))
    assert code == 0
    # deals_ru.csv: D1, D3, D5, D8 won; D2, D6 lost; open ones left out: 4 of 6 closed.
    assert numbers["overall"]["opportunity_win_rate"] == pytest.approx(4 / 6)
    assert "Events" not in {r["lead_source"] for r in numbers["by_source"]}


def test_header_fingerprint_tells_files_apart() -> None:
    assert header_fingerprint(["a", "b"]) == header_fingerprint(["a", "b"])
    assert header_fingerprint(["a", "b"]) != header_fingerprint(["b", "a"])
    assert header_fingerprint(["a\x1fb"]) != header_fingerprint(["a", "b"])


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda s: s.update(filters={"sources": "Web"}), "filters.sources"),
        (lambda s: s.update(filters={"created": ["2025-01-01"]}), "filters.created"),
        (lambda s: s.update(filters={"sla_hours": "24h"}), "filters.sla_hours"),
        (lambda s: s.update(contract="version: [1"), "setup's contract"),
        (lambda s: s.update(mappings={"table": "leads"}), "'mappings'"),
        (lambda s: s.update(table_choice=["leads"]), "'table_choice'"),
        (lambda s: s.update(files=[{"name": 1}]), "'files'"),
        (lambda s: s.update(truce_setup=99), "not a setup"),
    ],
)
def test_a_bad_setup_is_refused_in_one_sentence(contract, change, words) -> None:
    saved = json.loads(deals_setup(contract))
    change(saved)
    with pytest.raises(ValueError, match=words.replace("(", r"\(")) as refused:
        read_setup(json.dumps(saved), contract)
    assert "\n" not in str(refused.value)


def test_mapping_file_reader_refuses_a_setup_without_a_list(contract) -> None:
    with pytest.raises(ValueError, match="'mappings' must be a list"):
        read_mapping_file(json.dumps({"truce_setup": 1, "mappings": {}}), contract)


LEADS = (
    "lead_id,lead_source,created_at,won_at\n"
    "L1,Email,2025-01-05 09:00,2025-02-01 10:00\n"
    "L2,Email,2025-01-20 09:00,\n"
    "L3,Email,2025-02-10 09:00,2025-03-01 10:00\n"
    "L4,Events,2025-01-10 09:00,2025-02-01 10:00\n"
    "L5,Podcast,2025-01-12 09:00,\n"
)


def leads_setup(tmp_path: Path, contract) -> Path:
    """A setup made in the app: Podcast counted as Email, the changed contract (2 h SLA), and
    the filters Email, January 2025."""
    header = LEADS.split("\n")[0].split(",")
    columns = auto_map(header, "leads", contract).columns
    aliases = {"lead_source": {"Podcast": "Email"}}
    mapping = json.loads(mapping_json(Mapping("leads", columns, values=aliases), "leads.csv"))
    setup = Setup(
        contract_text=CHANGED,
        filters={"sources": ["Email"]},
        created=(date(2025, 1, 1), date(2025, 1, 31)),
        files={"leads.csv": header_fingerprint(header)},
    )
    saved = tmp_path / "truce-setup.json"
    saved.write_text(setup_json(setup, [mapping]), "utf-8")
    (tmp_path / "leads.csv").write_text(LEADS, "utf-8")
    return saved


def test_report_applies_the_setups_contract_and_filters(capsys, tmp_path, contract) -> None:
    saved = leads_setup(tmp_path, contract)
    argv = ["--leads", str(tmp_path / "leads.csv"), "--mapping", str(saved), "--no-audit"]
    code = main(["report", "--format", "json", *argv])
    out, err = capsys.readouterr()
    numbers = json.loads(out)
    assert code == 0
    # Email in January: L1 (won), L2, and L5 (Podcast, counted as Email): 1 won of 3.
    assert numbers["overall"]["leads"] == 3 and numbers["overall"]["won"] == 1
    assert {r["lead_source"] for r in numbers["by_source"]} == {"Email"}
    assert numbers["verdict"]["sla_hours"] == 2  # the setup's contract, not the bundled 24 h
    taken = "its contract; sources Email; leads created 2025-01-01 to 2025-01-31"
    assert f"setup truce-setup.json: {taken}" in err  # the decision, in one line


def test_the_command_line_wins_over_the_setup(capsys, tmp_path, contract) -> None:
    saved = leads_setup(tmp_path, contract)
    argv = ["--leads", str(tmp_path / "leads.csv"), "--mapping", str(saved), "--no-audit"]
    code, numbers = report(capsys, *argv, "--source", "Events", "--sla-hours", "5")
    assert code == 0
    assert numbers["overall"]["leads"] == 1  # L4: Events, in January (the setup's dates)
    assert numbers["verdict"]["sla_hours"] == 5


def test_a_setup_travels_in_a_link(contract) -> None:
    text = deals_setup(contract, CHANGED)
    token = setup_token(text)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)  # safe in a URL as it is
    assert len(token) < len(json.dumps(json.loads(text), separators=(",", ":")))
    assert read_setup(setup_from_token(token), contract) == read_setup(text, contract)


@pytest.mark.parametrize(
    "token",
    [
        "not base64 at all!",
        base64.urlsafe_b64encode(b"plain bytes, not deflated").decode(),
        setup_token('{"truce_setup": 1}')[:-6],  # cut short
        # 10 MB of spaces deflated to ~10 KB: refused before it is expanded
        base64.urlsafe_b64encode(zlib.compress(b" " * 10_000_000, 9)).decode(),
    ],
)
def test_a_damaged_or_swollen_link_setup_is_refused(token) -> None:
    with pytest.raises(ValueError, match="The link's setup is damaged") as refused:
        setup_from_token(token)
    assert "\n" not in str(refused.value)
