"""Hostile uploads: every one gives one plain line, never a traceback, and spoils nothing else.

Each case is a file from tests/hostile/ (small, committed; see make_corpus.py there) or one built
here (the big ones). For each: the exact message the user sees; no exception from any step;
a good file uploaded with it still gives its numbers; every row read is kept or explained.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

import polars as pl
import pytest

from truce.contract import load_contract
from truce.export import safe_csv
from truce.facts import Facts, build_facts
from truce.filters import Filters
from truce.headline import headline
from truce.pipeline import Dataset, UploadedFile, build_dataset, plan_tables, read_upload
from truce.views import build_all
from truce.views.options import Options

CONTRACT = load_contract()
NOW = datetime(2025, 6, 1)
HOSTILE = Path(__file__).resolve().parent / "hostile"

GOOD_LEADS = (
    "good_leads.csv",
    b"lead_id,lead_source,created_at,amount,is_won\n"
    b"G1,Paid Search,2025-01-02 09:00,100,yes\nG2,Email,2025-01-03,200,no\n"
    b"G3,Referral,2025-01-04 10:00,,no\nG4,Email,2025-01-05,50,yes\n",
)
GOOD_OPPORTUNITIES = (
    "good_opportunities.csv",
    b"opportunity_id,lead_id,stage,amount\nGO1,G1,Closed Won,100\nGO2,G2,Closed Lost,80\n"
    b"GO3,G3,Negotiation,10\n",
)
# What the user must never read.
INTERNALS = ("Traceback", "polars", "Polars", "Error:", "Exception", 'File "', "pyarrow", "\\n")


# ---------------------------------------------------------------------------- running a case


@dataclass
class Run:
    uploads: list[UploadedFile]
    notes: list[str]  # plan notes (files left out)
    dataset: Dataset
    facts: Facts
    headline: dict
    messages: list[str] = field(default_factory=list)  # everything shown, in one list


def run(files: list[tuple[str, bytes]], tables: dict[str, str | None] | None = None) -> Run:
    """The app's path, every step: read, plan, validate, facts, every metric."""
    uploads = [read_upload(name, data) for name, data in files]
    loaded = [u.loaded for u in uploads if u.loaded is not None]
    plan, notes = plan_tables(loaded, CONTRACT, tables)
    dataset = build_dataset(plan, CONTRACT, now=NOW)
    facts = build_facts(dataset.tables, CONTRACT)
    selection = Filters().apply(facts)
    head = headline(selection, CONTRACT, dataset.report, Options())
    build_all(selection, CONTRACT, Options())  # every page model
    messages = [u.error for u in uploads if u.error]
    messages += [n for u in uploads if u.loaded for n in u.loaded.notes]
    messages += notes + [f.message for f in dataset.report.findings]
    return Run(uploads, notes, dataset, facts, head, messages)


# ---------------------------------------------------------------------------- generated inputs


def five_thousand_columns() -> tuple[str, bytes]:
    names = ["lead_id", "lead_source"] + [f"extra_{i}" for i in range(4998)]
    rows = [",".join(names)] + [",".join([f"W{n}", "Email", *["v"] * 4998]) for n in (1, 2)]
    return "wide_leads.csv", ("\n".join(rows) + "\n").encode()


def fifty_mb_line() -> tuple[str, bytes]:
    return "one_line.csv", b"x" * (50 * 1024**2)


def fifty_mb_line_after_header() -> tuple[str, bytes]:
    return "long_row.csv", b"lead_id,lead_source\n" + b"a," * (25 * 1024**2)


@cache
def _bomb() -> bytes:
    """A zip whose one member inflates to 1 GiB + 1 MiB of zeros; about 1 MB compressed."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member,
    ):
        zeros = bytes(1024**2)
        for _ in range(1025):
            member.write(zeros)
    return buffer.getvalue()


def zip_bomb() -> tuple[str, bytes]:
    return "bomb.xlsx", _bomb()


def million_identical_rows() -> tuple[str, bytes]:
    return "million.csv", b"lead_id,lead_source,created_at\n" + b"L1,Email,2025-01-02\n" * 10**6


# ---------------------------------------------------------------------------- extra checks


def _leads(r: Run) -> pl.DataFrame:
    return r.dataset.tables["leads"]


def check_formulas(r: Run) -> None:
    leads = _leads(r)
    assert leads["company"].to_list() == [
        '=HYPERLINK("http://evil.example","click")',
        "+cmd|' /C calc'!A0",
    ]
    assert leads["campaign"].to_list() == ["@SUM(1+1)", "-2+3"]
    exported = safe_csv(leads.select("lead_id", "company", "campaign")).decode("utf-8-sig")
    assert exported.splitlines()[1:] == [
        '"T1","\'=HYPERLINK(""http://evil.example"",""click"")","\'@SUM(1+1)"',
        '"T2","\'+cmd|\' /C calc\'!A0","\'-2+3"',
    ]


def check_html(r: Run) -> None:
    assert _leads(r)["company"].to_list() == ['<script>alert("x")</script>', "<b>Bold</b> &amp; Co"]


def check_trimmed_ids(r: Run) -> None:
    assert _leads(r)["lead_id"].to_list() == ["L1", "L2"]


def check_decimal_comma(r: Run) -> None:
    leads = _leads(r)
    assert leads["amount"].to_list() == [1234.5, 99.95]
    assert leads["created_at"].to_list() == [datetime(2025, 1, 2), datetime(2025, 1, 3)]


def check_windows_1252(r: Run) -> None:
    leads = _leads(r)
    assert leads["company"].to_list() == ["Société Générale", "Müller & Söhne"]
    assert leads["amount"].to_list() == [1200.5, 3.0]


def check_utf16(r: Run) -> None:
    assert _leads(r)["company"].to_list() == ["Société", "Müller"]


def check_workbook(r: Run) -> None:
    leads = _leads(r)
    assert leads["lead_id"].to_list() == ["W1", "W2", "W3", "W4"]  # W3 from a formula, W4 merged
    assert leads["amount"].to_list() == [10.0, 20.0, 30.0, 5.0]


def check_mixed_dates(r: Run) -> None:
    assert _leads(r)["created_at"].to_list() == [
        datetime(2025, 1, 2),
        datetime(2025, 1, 3),
        datetime(2025, 1, 4, 10),
        None,
        datetime(2025, 1, 8),
    ]


def check_amount_text(r: Run) -> None:
    assert _leads(r)["amount"].to_list() == [None, 5000.0, 1200.5, None]


def check_wide(r: Run) -> None:
    assert r.uploads[0].loaded is not None and r.uploads[0].loaded.frame.width == 5000
    assert _leads(r).height == 2


def check_two_rows(r: Run) -> None:
    assert _leads(r)["lead_id"].to_list() == ["T1", "T2"]


# ---------------------------------------------------------------------------- the corpus


@dataclass(frozen=True)
class Case:
    file: str | Callable[[], tuple[str, bytes]]  # a corpus file name, or a builder
    says: str  # the exact line the user must see (error, note or finding)
    tables: dict[str, str | None] | None = None  # the user's own choice of table
    check: Callable[[Run], None] | None = None

    def load(self) -> tuple[str, bytes]:
        if callable(self.file):
            return self.file()
        return self.file, (HOSTILE / self.file).read_bytes()


READ = "Read as UTF-8 text, separated by ',', header on line 1."
CUT = (
    "1 row(s) of {} could not be read as data and were left out. " + READ + " The last row was "
    "cut short (the file may be incomplete) and was skipped."
)
NO_TABLE = "{}: could not tell which table this is (no lead or opportunity ID column found). "
NO_TABLE += "Choose its table by hand."
UNREADABLE = "rows with a value that could not be read (left empty)"
MISSING = "No column is mapped to the required field(s) {}, so the leads table cannot be used "
MISSING += "(2 rows left out). Map a column to it."

CASES = {
    "empty": Case("empty.csv", "empty.csv is empty."),
    "blank-lines-only": Case("blank_lines.csv", "blank_lines.csv is empty."),
    "header-only": Case("header_only.csv", "header_only.csv has column names but no rows."),
    "binary-named-csv": Case(
        "binary.csv", "binary.csv does not look like a table: it contains binary data."
    ),
    "csv-named-xlsx": Case(
        "text_named.xlsx",
        "The file is named like an Excel workbook (.xlsx) but holds text; read as text.",
        check=check_two_rows,
    ),
    "xlsx-named-csv": Case(
        "workbook_named.csv", "The file is named .csv but is an Excel workbook."
    ),
    "truncated-mid-row": Case("truncated_mid_row.csv", CUT.format("truncated_mid_row.csv")),
    "truncated-inside-quote": Case("truncated_in_quote.csv", CUT.format("truncated_in_quote.csv")),
    "ragged-rows": Case(
        "ragged_rows.csv",
        "1 row(s) had more values than there are column names; only their first 4 values "
        "were kept.",
    ),
    "duplicate-and-blank-headers": Case(
        "duplicate_blank_headers.csv",
        "Blank or repeated column names were renamed: 'column_2', 'lead_source_2', 'column_5'.",
    ),
    "5000-columns": Case(five_thousand_columns, READ, check=check_wide),
    "50MB-single-line": Case(
        fifty_mb_line, "one_line.csv does not look like a table: line 1 is 50 MB long."
    ),
    "50MB-row-after-header": Case(
        fifty_mb_line_after_header,
        "long_row.csv does not look like a table: line 2 is 50 MB long.",
    ),
    "mixed-date-formats": Case(
        "mixed_dates.csv",
        "1 row with a value that could not be read (left empty): created_at (column "
        "'created_at'). dates read as ISO dates (e.g. 2025-01-02); some as Excel day numbers "
        "(e.g. 45665); some as day/month/year (e.g. 03/01/2025)",
        check=check_mixed_dates,
    ),
    "years-0016-and-9999": Case(
        "extreme_years.csv",
        f"2 {UNREADABLE}: created_at (column 'created_at'). dates read as ISO dates "
        "(e.g. 2025-01-04)",
    ),
    "amounts-with-text": Case(
        "amounts_text.csv",
        f"2 {UNREADABLE}: amount (column 'amount').",
        check=check_amount_text,
    ),
    "utf16-without-bom": Case(
        "utf16_no_bom.csv",
        "Read as UTF-16 text (no BOM), separated by tabs, header on line 1.",
        check=check_utf16,
    ),
    "zip-bomb-named-xlsx": Case(
        zip_bomb, "bomb.xlsx expands to an unsafe size when opened and was refused."
    ),
    "xlsx-sheets-formulas-merged": Case(
        "sheets_formulas_merged.xlsx", "Sheet 'Leads' of 3 sheets read.", check=check_workbook
    ),
    "formula-injection": Case("formula_injection.csv", READ, check=check_formulas),
    "html-and-script": Case("html_script.csv", READ, check=check_html),
    "million-identical-rows": Case(
        million_identical_rows,
        "999,999 rows with the same ID as an earlier row (lead_id). 999,999 left out of the "
        "analysis.",
    ),
    "ids-equal-after-trim": Case(
        "trim_collision.csv",
        "2 rows with the same ID as an earlier row (lead_id). 2 left out of the analysis.",
        check=check_trimmed_ids,
    ),
    "leads-missing-source-chosen-by-hand": Case(
        "leads_missing_source.csv",
        MISSING.format("lead_source"),
        tables={"leads_missing_source.csv": "leads"},
    ),
    "leads-missing-source": Case("leads_missing_source.csv", MISSING.format("lead_source")),
    "only-lead-source": Case("only_lead_source.csv", NO_TABLE.format("only_lead_source.csv")),
    "only-lead-source-chosen-by-hand": Case(
        "only_lead_source.csv",
        MISSING.format("lead_id"),
        tables={"only_lead_source.csv": "leads"},
    ),
    "semicolon-decimal-comma": Case(
        "semicolon_decimal_comma.csv",
        "Read as UTF-8 text, separated by ';', header on line 1.",
        check=check_decimal_comma,
    ),
    "windows-1252-euro-accents": Case(
        "windows_1252.csv",
        "Read as Windows-1252 text, separated by ';', header on line 1.",
        check=check_windows_1252,
    ),
    "opportunities-orphan-lead-ids": Case(
        "orphan_opportunities.csv",
        "2 rows with a lead_id that matches no lead in the leads file (lead_id). Kept in the "
        "analysis.",
    ),
    "activities-before-creation": Case(
        "activities_before_creation.csv",
        "2 rows with a touch dated before its lead was created (occurred_at). 2 left out of the "
        "analysis.",
    ),
    "negative-amounts": Case(
        "negative_amounts.csv",
        "2 rows with a negative amount (amount). 2 left out of the analysis.",
    ),
    "row-excluded-by-two-checks": Case(
        "excluded_twice.csv",
        "1 row with the same ID as an earlier row (opportunity_id). 1 left out of the analysis.",
    ),
    "future-dates": Case(
        "future_dates.csv", "1 row with a date in the future (created_at). Kept in the analysis."
    ),
    "stray-nul-bytes": Case(
        "nul_bytes.csv",
        "Read as UTF-8 text (stray NUL characters removed), separated by ',', header on line 1.",
        check=check_two_rows,
    ),
    "fake-xls": Case("fake_xls.xls", "fake_xls.xls could not be opened as an Excel workbook."),
    "damaged-zip-xlsx": Case(
        "damaged_zip.xlsx", "damaged_zip.xlsx is a damaged zip or Excel file."
    ),
    "text-named-parquet": Case(
        "fake_parquet.parquet",
        "fake_parquet.parquet is named like a Parquet file but is not one.",
    ),
    "title-lines-and-total-footer": Case(
        "title_and_footer.csv",
        "1 row(s) of title_and_footer.csv could not be read as data and were left out. Read as "
        "UTF-8 text, separated by ',', header on line 4. 1 footer row(s) at the end (like "
        "totals) were skipped.",
        check=check_two_rows,
    ),
    "cr-only-line-endings": Case("cr_only.csv", READ, check=check_two_rows),
    "quote-never-closed": Case(
        "unbalanced_quote.csv",
        'unbalanced_quote.csv could not be read: a quote mark (") opens a value that is never '
        "closed, so its rows cannot be told apart. Fix that quote or export it again.",
    ),
    "json-named-csv": Case("json_named.csv", "json_named.csv has column names but no rows."),
}

# Strict xfails for bugs found here, kept empty once fixed so a regression shows.
XFAIL_MESSAGE: dict[str, str] = {}
XFAIL_ACCOUNTING: dict[str, str] = {}


def params(xfails: dict[str, str]) -> list:
    return [
        pytest.param(name, id=name, marks=[pytest.mark.xfail(strict=True, reason=xfails[name])])
        if name in xfails
        else pytest.param(name, id=name)
        for name in CASES
    ]


@cache
def companion(name: str) -> tuple[str, bytes]:
    """A good file of another table than the hostile one (a second leads file is left out)."""
    case = CASES[name]
    uploads = [read_upload(*case.load())]
    plan, _ = plan_tables([u.loaded for u in uploads if u.loaded], CONTRACT, case.tables)
    return GOOD_OPPORTUNITIES if "leads" in plan else GOOD_LEADS


@cache
def together(name: str) -> Run:
    """The hostile file uploaded with a good one (run once per case: some take seconds)."""
    case = CASES[name]
    return run([case.load(), companion(name)], case.tables)


# ---------------------------------------------------------------------------- the tests


def test_corpus_files_are_small_and_all_used() -> None:
    files = {p.name for p in HOSTILE.iterdir() if p.suffix != ".py"}
    used = {c.file for c in CASES.values() if isinstance(c.file, str)}
    assert files == used
    assert all((HOSTILE / name).stat().st_size < 50_000 for name in files)
    assert len(CASES) >= 30


@pytest.mark.parametrize("name", params(XFAIL_MESSAGE))
def test_user_sees_the_exact_line(name: str) -> None:
    shown = together(name).messages
    assert CASES[name].says in shown, shown


@pytest.mark.parametrize("name", params({}))
def test_every_message_is_one_plain_line(name: str) -> None:
    r = together(name)
    for message in r.messages:
        assert message.strip() and "\n" not in message, message
        assert not any(word in message for word in INTERNALS), message
    for upload in r.uploads:  # a file either loads or says why, never both or neither
        assert (upload.loaded is None) != (upload.error is None)


@pytest.mark.parametrize("name", params({}))
def test_the_good_file_uploaded_with_it_still_counts(name: str) -> None:
    good = companion(name)
    baseline, mixed = run([good]), together(name)
    table = "leads" if good is GOOD_LEADS else "opportunities"
    assert [u.error for u in mixed.uploads if u.name == good[0]] == [None]
    assert mixed.dataset.report.rows_in[table] == baseline.dataset.report.rows_in[table]
    assert mixed.dataset.report.rows_kept[table] == baseline.dataset.report.rows_kept[table]
    assert mixed.headline["overall"][table] == baseline.headline["overall"][table]


@pytest.mark.parametrize("name", params(XFAIL_ACCOUNTING))
def test_every_row_is_kept_or_explained(name: str) -> None:
    assert together(name).dataset.report.unaccounted() == {}


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.check is not None])
def test_values_survive(name: str) -> None:
    check = CASES[name].check
    assert check is not None
    check(together(name))
