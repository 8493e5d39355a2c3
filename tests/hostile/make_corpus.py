"""Write the small hostile files in this folder: `python tests/hostile/make_corpus.py`.

The files are committed; this script only documents how the binary ones were made. Big inputs
(50 MB line, zip bomb, 5,000 columns, 1,000,000 rows) are built inside tests/test_hostile.py.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent

CREATED = dt.datetime(2025, 1, 1)  # fixed, so rebuilding gives the same bytes
LEADS = "lead_id,lead_source,created_at,amount\n"


def text_files() -> dict[str, bytes]:
    rng = random.Random(7)
    return {
        "empty.csv": b"",
        "blank_lines.csv": b"\n \r\n\t\n   \n",
        "header_only.csv": LEADS.encode(),
        "binary.csv": b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(2000)),
        "text_named.xlsx": (LEADS + "T1,Email,2025-01-02,10\nT2,Referral,2025-01-03,20\n").encode(),
        "truncated_mid_row.csv": (LEADS + "T1,Email,2025-01-02,10\nT2,Refer").encode(),
        "truncated_in_quote.csv": (LEADS + 'T1,Email,2025-01-02,10\nT2,"Referral, par').encode(),
        "ragged_rows.csv": (
            LEADS + "T1,Email,2025-01-02,10,extra,more\nT2,Referral\nT3,Events,2025-01-04,30\n"
        ).encode(),
        "duplicate_blank_headers.csv": (
            b"lead_id,,lead_source,lead_source, \nT1,a,Email,Events,x\nT2,b,Referral,Email,y\n"
        ),
        "mixed_dates.csv": (
            b"lead_id,lead_source,created_at\n"
            b"T1,Email,2025-01-02\nT2,Email,03/01/2025\nT3,Email,2025-01-04T10:00:00Z\n"
            b"T4,Email,yesterday\nT5,Email,45665\n"
        ),
        "extreme_years.csv": (
            b"lead_id,lead_source,created_at\n"
            b"T1,Email,0016-01-01\nT2,Email,9999-12-31\nT3,Email,2025-01-04\n"
        ),
        "amounts_text.csv": (
            b"lead_id,lead_source,amount\n"
            b'T1,Email,about 5k\nT2,Email,5k\nT3,Email,"$1,200.50"\nT4,Email,TBD\n'
        ),
        "utf16_no_bom.csv": (
            "lead_id\tlead_source\tcompany\r\nT1\tEmail\tSociété\r\nT2\tReferral\tMüller\r\n"
        ).encode("utf-16-le"),
        "formula_injection.csv": (
            b"lead_id,lead_source,company,campaign\n"
            b'T1,Email,"=HYPERLINK(""http://evil.example"",""click"")",@SUM(1+1)\n'
            b"T2,Email,+cmd|' /C calc'!A0,-2+3\n"
        ),
        "html_script.csv": (
            b"lead_id,lead_source,company\n"
            b'T1,Email,<script>alert("x")</script>\nT2,Email,<b>Bold</b> &amp; Co\n'
        ),
        "trim_collision.csv": (
            b'lead_id,lead_source\n L1,Email\nL1 ,Email\n" L1 ",Email\nL2,Email\n'
        ),
        "leads_missing_source.csv": b"lead_id,created_at\nT1,2025-01-02\nT2,2025-01-03\n",
        "only_lead_source.csv": b"lead_source\nEmail\nReferral\n",
        "semicolon_decimal_comma.csv": (
            b"lead_id;lead_source;created_at;amount\n"
            b"T1;Email;02.01.2025;1.234,50\nT2;Referral;03.01.2025;99,95\n"
        ),
        "windows_1252.csv": (
            "lead_id;lead_source;company;amount\nT1;Email;Société Générale;€1.200,50\n"
            "T2;Referral;Müller & Söhne;€3\n"
        ).encode("cp1252"),
        "orphan_opportunities.csv": (
            b"opportunity_id,lead_id,stage,amount\n"
            b"O1,NOPE1,Closed Won,100\nO2,NOPE2,Closed Lost,50\nO3,G1,Closed Won,70\n"
        ),
        "activities_before_creation.csv": (
            b"activity_id,lead_id,occurred_at\n"
            b"A1,G1,2024-12-01 10:00\nA2,G1,2025-01-02 12:00\nA3,G2,2020-01-01 00:00\n"
        ),
        "negative_amounts.csv": (
            b"opportunity_id,lead_id,stage,amount\n"
            b"O1,G1,Closed Won,-100\nO2,G2,Closed Won,(250)\nO3,G3,Closed Won,70\n"
        ),
        "excluded_twice.csv": (
            b"opportunity_id,lead_id,stage,amount\n"
            b"O1,G1,Closed Won,100\nO1,G2,Closed Won,-5\nO2,G3,Closed Lost,10\n"
        ),
        "future_dates.csv": (
            b"lead_id,lead_source,created_at\nT1,Email,2031-01-01\nT2,Email,2025-01-02\n"
        ),
        "nul_bytes.csv": b"lead_id,lead_source\nT1,Em\x00ail\nT2,Email\n",
        "fake_xls.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
        "damaged_zip.xlsx": b"PK\x03\x04" + b"\x14\x00" * 40,
        "fake_parquet.parquet": b"lead_id,lead_source\nT1,Email\n",
        "title_and_footer.csv": (
            "Leads report\nExported 2025-02-01 by admin\n\n" + LEADS + "T1,Email,2025-01-02,10\n"
            "T2,Referral,2025-01-03,20\nGrand Total,,,30\n"
        ).encode(),
        "cr_only.csv": (LEADS + "T1,Email,2025-01-02,10\rT2,Referral,2025-01-03,20\r")
        .replace("\n", "\r")
        .encode(),
        "unbalanced_quote.csv": (
            LEADS + 'T1,"Email,2025-01-02,10\nT2,Referral,2025-01-03,20\nT3,Events,2025-01-04,5\n'
        ).encode(),
        "json_named.csv": b'[{"lead_id": "T1", "lead_source": "Email"}]\n',
    }


def workbook(sheets: bool = True) -> bytes:
    """A cover sheet, a leads sheet with merged cells and formulas, and a notes sheet."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    book.set_properties({"created": CREATED})
    cover = book.add_worksheet("Cover")
    cover.write(0, 0, "Quarterly leads export")
    leads = book.add_worksheet("Leads")
    merged = book.add_format({"bold": True})
    leads.merge_range(0, 0, 0, 3, "Leads by source (merged title)", merged)
    leads.write_row(1, 0, ["lead_id", "lead_source", "created_at", "amount"])
    leads.write_row(2, 0, ["W1", "Email", "2025-01-02", 10])
    leads.write_row(3, 0, ["W2", "Referral", "2025-01-03", 20])
    leads.write_formula(4, 0, '="W"&3', None, "W3")
    leads.write(4, 1, "Events")
    leads.write(4, 2, "2025-01-04")
    leads.write_formula(4, 3, "=D3+D4", None, 30)
    leads.merge_range(5, 0, 6, 0, "W4", None)
    leads.write_row(5, 1, ["Email", "2025-01-05", 5])
    notes = book.add_worksheet("Notes")
    notes.write(0, 0, "Ignore me")
    book.close()
    return buffer.getvalue()


def binary_files() -> dict[str, bytes]:
    single = io.BytesIO()
    book = xlsxwriter.Workbook(single)
    book.set_properties({"created": CREATED})
    sheet = book.add_worksheet("Leads")
    sheet.write_row(0, 0, ["lead_id", "lead_source", "created_at"])
    sheet.write_row(1, 0, ["X1", "Email", "2025-01-02"])
    sheet.write_row(2, 0, ["X2", "Events", "2025-01-03"])
    book.close()
    return {"workbook_named.csv": single.getvalue(), "sheets_formulas_merged.xlsx": workbook()}


def main() -> None:
    for name, data in {**text_files(), **binary_files()}.items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
