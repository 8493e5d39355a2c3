"""`python -m truce check|report`: exit codes, the report's text, and the JSON numbers."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from tests.fixtures import ACTIVITIES, LEADS, OPPORTUNITIES
from truce.cli import main

ROOT = Path(__file__).resolve().parents[1]
XEDUCATION = ROOT.parent / "shared" / "data" / "xeducation_leads.csv"
DEMO = ROOT / "sample_data" / "demo"


@pytest.fixture
def files(tmp_path):
    paths = {}
    for name, data in (
        ("leads", LEADS),
        ("opportunities", OPPORTUNITIES),
        ("activities", ACTIVITIES),
    ):
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_bytes(data)
    return paths


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_with_warnings_only_exits_0(capsys, files):
    code, out, _ = run(
        capsys,
        "check",
        "--leads",
        str(files["leads"]),
        "--opportunities",
        str(files["opportunities"]),
    )
    assert code == 0
    assert "leads: 9 rows read, 7 kept, 2 excluded" in out
    assert "opportunities: 5 rows read, 3 kept, 2 excluded" in out
    assert "WARNING [leads] 1 row with the same ID as an earlier row (lead_id)." in out
    assert "WARNING [opportunities] 1 row with a lead_id that matches no lead" in out
    assert "row 3: lead_id=L2" in out
    totals, verdict = out.rstrip().splitlines()[-2:]
    assert totals.endswith("0 error(s), 9 warning(s)")
    # check always runs the Great Expectations audit, after the report
    assert verdict.startswith("Audit (Great Expectations):")
    assert verdict.endswith("every count agrees with the checks above.")


def test_check_with_a_missing_required_column_exits_1(capsys, tmp_path):
    path = tmp_path / "leads.csv"
    path.write_bytes(b"lead_id,created_at\nL1,2026-01-01\nL1,2026-01-02\n")
    code, out, _ = run(capsys, "check", "--leads", str(path))
    assert code == 1
    assert "ERROR [leads] No column is mapped to the required field(s) lead_source" in out


def test_map_option_fixes_the_mapping(capsys, tmp_path):
    path = tmp_path / "leads.csv"
    path.write_bytes(b"lead_id,Where From\nL1,Email\nL2,Events\n")
    code, out, _ = run(
        capsys, "check", "--leads", str(path), "--map", "leads.lead_source=Where From"
    )
    assert code == 0
    assert "lead_source <- 'Where From'" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["check"],
        ["check", "--leads", "/no/such/file.csv"],
        ["check", "--leads", str(XEDUCATION), "--map", "lead_source=x"],
        ["check", "--leads", str(XEDUCATION), "--map", "leads.lead_source=No Such Column"],
        ["report", "--leads", str(XEDUCATION), "--format", "yaml"],
        ["frobnicate"],
    ],
    ids=["no-files", "missing-file", "bad-map", "unknown-column", "bad-format", "bad-command"],
)
def test_bad_usage_exits_2(capsys, argv):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert err.strip()


def test_unreadable_file_is_an_error_not_a_traceback(capsys, tmp_path):
    path = tmp_path / "leads.csv"
    path.write_bytes(b"")
    code, out, _ = run(capsys, "check", "--leads", str(path))
    assert code == 1
    assert "ERROR [leads] leads.csv is empty." in out


def test_report_json_on_xeducation_matches_the_known_figures(capsys):
    code, out, _ = run(capsys, "report", "--leads", str(XEDUCATION), "--format", "json")
    assert code == 0
    report = json.loads(out)
    raw = pl.read_csv(XEDUCATION, infer_schema=False)
    assert report["rows"] == {"leads": 9240}
    assert report["excluded"] == {"leads": 0}
    overall = report["overall"]
    assert (overall["leads"], overall["won"]) == (9240, 3561)
    assert round(overall["lead_to_win_rate"], 4) == 0.3854
    assert overall["followed_up_rate"] is None and overall["opportunity_win_rate"] is None
    sources = {row["lead_source"]: row for row in report["by_source"]}
    assert sources["Reference"]["leads"] == 534
    assert round(sources["Reference"]["lead_to_win_rate"], 4) == 0.9176
    # `Google` and `google` are one source; the counts come straight from the raw file.
    google = raw.filter(pl.col("LeadSource").str.to_lowercase() == "google")
    assert sources["Google"]["leads"] == google.height == 2874
    assert sources["Google"]["won"] == (google["Converted"] == "1").sum()
    assert "google" not in sources
    low, high = sources["Reference"]["win_rate_ci_low"], sources["Reference"]["win_rate_ci_high"]
    assert low < 0.9176 < high


def test_report_json_on_the_sample_matches_the_generators_truth(capsys):
    args = ["report", "--format", "json", "--sla-hours", "24"]
    for table in ("leads", "opportunities", "activities", "spend"):
        args += [f"--{table}", str(DEMO / f"{table}.csv")]
    code, out, _ = run(capsys, *args)
    assert code == 0
    report = json.loads(out)
    truth = json.loads((DEMO / "ground_truth.json").read_text())["realised"]
    overall = report["overall"]
    assert overall["leads"] == truth["overall"]["leads"]
    assert overall["won"] == truth["overall"]["won"]
    for key in ("lead_to_win_rate", "followed_up_rate", "sla_met_rate", "opportunity_win_rate"):
        assert overall[key] == pytest.approx(truth["overall"][key], abs=0.01), key
    assert overall["revenue"] == pytest.approx(truth["overall"]["revenue"], rel=0.01)
    sources = {row["lead_source"]: row for row in report["by_source"]}
    for source, expected in truth["by_source"].items():
        # A few leads per source lost their source in the export (planted): they are Unknown.
        assert sources[source]["leads"] == pytest.approx(expected["leads"], abs=10), source
        for key in ("lead_to_win_rate", "followed_up_rate", "sla_met_rate"):
            assert sources[source][key] == pytest.approx(expected[key], abs=0.02), (source, key)


def test_report_text_format(capsys):
    code, out, _ = run(capsys, "report", "--leads", str(XEDUCATION))
    assert code == 0
    assert "lead_to_win_rate: 0.3854" in out
    assert "Reference: leads=534" in out


# Text from the files is data, not terminal commands: escaped wherever the CLI prints it.
HOSTILE_LEADS = (
    "lead_id,lead_source,created_at\n"
    'E1,"\x1b]0;pwned\x07Evil\x1b[2J",2026-01-05\n'
    'E2,"Spoof\r\nERROR [leads] forged line",2026-01-06\n'
    "E3,Email\x9b31m,2026-01-07\n" + "".join(f"N{i},Email,2026-01-08\n" for i in range(50))
    # Enough ordinary rows that the few control characters read as data, not as a binary file.
).encode()


def assert_escaped(text: str) -> None:
    assert not any(c in text for c in "\x1b\x07\x9b\r"), repr(text)
    assert not any(line.startswith("ERROR [leads] forged") for line in text.split("\n"))


def test_check_and_report_escape_control_characters_in_data(capsys, tmp_path):
    path = tmp_path / "leads\x1b[31m.csv"
    path.write_bytes(HOSTILE_LEADS)
    for argv in (("check",), ("report", "--format", "text")):
        code, out, err = run(capsys, *argv, "--leads", str(path))
        assert code == 0, err
        assert_escaped(out + err)
        # The values are still there, written so a person can see what the file holds.
        assert "\\x1b]0;pwned\\x07Evil\\x1b[2J" in out
        assert "Spoof\\r\\nERROR [leads] forged line" in out
    assert "Email\\x9b31m: leads=1" in out  # a C1 control (CSI) as well as ESC


def test_report_json_on_an_unreadable_file_says_why_on_stderr(capsys, tmp_path):
    path = tmp_path / "leads.csv"
    path.write_bytes(b"")
    code, out, err = run(capsys, "report", "--leads", str(path), "--format", "json")
    assert code == 1
    assert "ERROR [leads] leads.csv is empty." in err
    json.loads(out)  # stdout stays one JSON document


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"lead_id,lead_source\nL1,Email\nL2,Events\n", 0),
        (b"lead_id,created_at\nL1,2026-01-01\n", 1),  # no lead_source column: an error
        (None, 2),  # no such file
    ],
)
def test_the_command_exits_with_its_code_and_all_its_output(tmp_path, content, code):
    """`python -m truce` as a user runs it: it leaves without tearing down its frames, so
    its exit code and its whole output must still come through."""
    import subprocess
    import sys

    path = tmp_path / "leads.csv"
    if content is not None:
        path.write_bytes(content)
    argv = ["report", "--leads", str(path), "--format", "json", "--no-audit"]
    done = subprocess.run(
        [sys.executable, "-m", "truce", *argv], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == code
    if code == 2:
        assert done.stderr.startswith("truce: cannot read")
        return
    numbers = json.loads(done.stdout)  # the JSON is whole
    assert numbers["rows"]["leads"] == (2 if code == 0 else 1)
    if code == 1:
        assert "lead_source" in done.stderr
