"""The scorecard as a self-contained HTML page a VP can forward.

Every value that came from data is escaped: a source called `<script>` prints as text.
"""

from __future__ import annotations

from html import escape

from truce.metrics.verdict import Card
from truce.views.scorecard import ScorecardModel
from truce.views.verdict import VerdictModel

# Published research, shown under the Scorecard (Markdown: our own text, no data in it).
BENCHMARKS = (
    "**Aberdeen Group**: companies with strong sales–marketing alignment grew revenue 20% a "
    "year; poorly aligned ones saw a 4% decline.",
    "**IDC**: misalignment costs the typical $1B B2B company about $100M a year.",
    "**HBR, “The Short Life of Online Sales Leads” (2011)**: firms that tried to contact a lead "
    "within an hour were nearly 7× as likely to qualify it as those that waited an hour longer, "
    "and 60× as likely as those that waited 24 hours or more; 23% never responded at all.",
    "**MIT / InsideSales Lead Response Management study (2007)**: the odds of contacting a lead "
    "drop 100× when the first call comes at 30 minutes instead of 5.",
    "**Forrester** (66 leaders surveyed): only 8% reported “tight alignment”.",
)

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:760px;margin:2em auto;color:#222}"
    "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:6px;"
    "text-align:left}th{background:#f4f4f4}.n{text-align:right}small{color:#666}"
)


def _card_html(card: Card) -> str:
    """One claim's card: the answer, the numbers behind it, every measure, the rule."""
    rows = "".join(
        f"<tr><td>{escape(m.measure)}</td><td>{escape(str(m.group))}</td>"
        f"<td class=n>{m.count:,} of {m.of:,}</td><td class=n>{_pct(m.rate)}</td>"
        f"<td class=n>{_pct(m.ci_low)} – {_pct(m.ci_high)}</td></tr>"
        for m in card.measures
    )
    table = (
        "<table><tr><th>Measure</th><th>Leads</th><th class=n>Count</th><th class=n>Rate</th>"
        f"<th class=n>95% interval</th></tr>{rows}</table>"
        if rows
        else ""
    )
    return (
        f"<h3>“{escape(card.claim)}”</h3><p><b>Answer: {escape(card.answer)}.</b> "
        f"{escape(card.because)}</p>{table}<p><small>Rule: {escape(card.rule)}</small></p>"
    )


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _left_range(row: dict) -> str:
    """One source's range, or n/a and why the estimate cannot size it."""
    if row["mid"] is None:
        return f"n/a: {escape(row['reason'])}"
    return f"${row['low']:,.0f} – ${row['high']:,.0f}"


def verdict_html(claims: VerdictModel) -> str:
    """Both verdict cards, as the Verdict page shows them (all leads in the filters)."""
    sales = ", ".join(claims.sales_sources) or "none listed"
    return (
        "<h2>Is either claim true?</h2>"
        f"<p><small>All leads in the filters, not only the period. Sales-sourced: {escape(sales)}; "
        "every other source is marketing-sourced.</small></p>"
        + "".join(_card_html(card) for card in claims.cards)
    )


def scorecard_html(
    model: ScorecardModel, filters_caption: str, claims: VerdictModel | None = None
) -> str:
    """The Scorecard page's model as HTML: same period, same SLA, same revenue estimate; with
    `claims`, both verdict cards too."""
    start, end, before_start, before_end = model.period
    rows = "".join(
        f"<tr><td>{escape(t.label)}</td><td class=n>{escape(t.value)}</td>"
        f"<td class=n>{escape(t.previous)}</td>"
        f"<td>{escape(t.reading)}</td></tr>"
        for t in model.tiles
    )
    if model.left is None:
        left = f"<h2>Revenue left on the table: n/a</h2><p>{escape(model.left_reason)}</p>"
    else:
        sources = "".join(
            f"<tr><td>{escape(str(r['lead_source']))}</td><td class=n>{r['untouched']:,}</td>"
            f"<td class=n>{_left_range(r)}</td></tr>"
            for r in model.left_by_source.iter_rows(named=True)
            if r["untouched"]
        )
        left = f"""<h2>Revenue left on the table: ${model.left["low"]:,.0f} to \
${model.left["high"]:,.0f}</h2>
<p>Leads created {start} to {end}. For each source: leads never followed up × that source's
win rate among followed-up leads × its average won deal, summed. The range comes from the 95%
interval of each win rate. It assumes untouched leads would have converted like the
followed-up ones.</p>
<table><tr><th>Source</th><th class=n>Never followed up</th><th class=n>Revenue range</th></tr>
{sources}</table>"""
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Truce scorecard</title>
<style>{STYLE}</style></head><body>
<h1>Sales and marketing scorecard</h1>
<p><small>{escape(filters_caption)} Period {start} to {end}, compared with {before_start} to
{before_end}. Follow-up SLA: first sales touch within {model.sla_hours:g} h of creation.</small></p>
<table><tr><th>Measure</th><th class=n>This period</th><th class=n>Previous</th>
<th>Reading</th></tr>{rows}</table>
{left}
{verdict_html(claims) if claims is not None else ""}
<p><small>Made with Truce from the company's own CRM and marketing exports.</small></p>
</body></html>"""
