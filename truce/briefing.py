"""The scorecard as a self-contained HTML page a VP can forward.

Every value that came from data is escaped: a source called `<script>` prints as text.
"""

from __future__ import annotations

from datetime import date
from html import escape

import polars as pl

from truce.metrics.scorecard import MEASURES, formatted, reading

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:760px;margin:2em auto;color:#222}"
    "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:6px;"
    "text-align:left}th{background:#f4f4f4}.n{text-align:right}small{color:#666}"
)


def scorecard_html(
    card: pl.DataFrame,
    bounds: tuple[date, date, date, date],
    left: dict[str, float],
    left_by_source: pl.DataFrame,
    filters_caption: str,
) -> str:
    start, end, before_start, before_end = bounds
    rows = "".join(
        f"<tr><td>{escape(MEASURES[r['measure']][0])}</td>"
        f"<td class=n>{formatted(r['measure'], r['value'])}</td>"
        f"<td class=n>{formatted(r['measure'], r['previous'])}</td>"
        f"<td>{escape(reading(r['measure'], r['value'], r['previous']))}</td></tr>"
        for r in card.iter_rows(named=True)
    )
    sources = "".join(
        f"<tr><td>{escape(str(r['lead_source']))}</td><td class=n>{r['untouched']:,}</td>"
        f"<td class=n>${r['low']:,.0f} – ${r['high']:,.0f}</td></tr>"
        for r in left_by_source.iter_rows(named=True)
        if r["untouched"]
    )
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Truce scorecard</title>
<style>{STYLE}</style></head><body>
<h1>Sales and marketing scorecard</h1>
<p><small>{escape(filters_caption)} Period {start} to {end}, compared with {before_start} to
{before_end}.</small></p>
<table><tr><th>Measure</th><th class=n>This period</th><th class=n>Previous</th>
<th>Reading</th></tr>{rows}</table>
<h2>Revenue left on the table: ${left["low"]:,.0f} to ${left["high"]:,.0f}</h2>
<p>For each source: leads never followed up × that source's win rate among followed-up
leads × its average won deal, summed. The range comes from the 95% interval of each win
rate. It assumes untouched leads would have converted like the followed-up ones.</p>
<table><tr><th>Source</th><th class=n>Never followed up</th><th class=n>Revenue range</th></tr>
{sources}</table>
<p><small>Made with Truce from the company's own CRM and marketing exports.</small></p>
</body></html>"""
