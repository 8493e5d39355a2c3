"""Validated canonical tables -> fact tables the metrics read.

`lead_facts`: one row per lead, with the stage it reached, its first sales touch
and its outcome, wherever in the exports that information lives.
`opportunity_facts`: one row per opportunity, with its outcome and its source
(its own, else its lead's), so a pipeline export works without any leads file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import polars as pl

from truce.canonical import ROW
from truce.contract import Contract
from truce.outcomes import CLASSES, classes_for, classify, outcome_told
from truce.sources import UNKNOWN
from truce.validation import LEAD_ROW, lead_lookup, linked_leads

DATETIME = pl.Datetime("us")
LEAD_ATTRIBUTES = ("owner", "segment", "company_size", "country", "campaign", "company", "email")
HOURS = 3_600_000_000  # microseconds in an hour
# All the facts read of an activity: its time, and its lead (by ID, when the pipeline kept no
# lead row). Each lead's first touch and touch count come from them; no page reads more.
TOUCH_COLUMNS = ("lead_id", "occurred_at")
# The deal columns the per-lead facts read, for when no deal links to a lead.
NO_DEALS = pl.DataFrame(
    schema={
        LEAD_ROW: pl.UInt32,
        "created_at": DATETIME,
        "is_won": pl.Boolean,
        "closed_at": DATETIME,
        "amount": pl.Float64,
    }
)
# Columns the facts compute: a dimension (a raw column as read) of the same name is renamed.
FACT_COLUMNS = {
    "won",
    "revenue",
    "touches",
    "opportunities",
    "opportunity_at",
    "mql_reached",
    "sql_reached",
    "opportunity_reached",
    "first_touch_at",
    "hours_to_first_touch",
    "disqualified",
    "is_won",
    "is_closed",
    "closed_at",
    "won_at",
    "stage_class",
    "status_class",
    *LEAD_ATTRIBUTES,
    "lead_id",
    "lead_source",
    "created_at",
    "amount",
    "owner",
    "status",
}


@dataclass(frozen=True)
class Facts:
    leads: pl.DataFrame  # empty (no columns) when no leads file was given
    opportunities: pl.DataFrame  # empty when no opportunities file was given
    spend: pl.DataFrame
    available: frozenset[str] = field(default_factory=frozenset)  # what the data can tell
    # Extra columns (unmapped columns, lookup columns) on the leads / opportunities facts.
    dimensions: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def can(self, *what: str) -> bool:
        return all(w in self.available for w in what)

    @cached_property
    def opportunities_without_lead(self) -> pl.DataFrame:
        """Opportunities whose lead ID names none of these leads (or is empty): the filters
        judge them on their own fields. Found once per facts, not on every filter change
        (joining every lead's ID costs 50 ms at a million leads)."""
        if not self.leads.width:
            return self.opportunities
        ids = self.leads.select("lead_id")
        return self.opportunities.join(ids, on="lead_id", how="anti", nulls_equal=False)


def _column(frame: pl.DataFrame, name: str, dtype: pl.DataType) -> pl.Expr:
    """The column when the export has it, else a typed empty one (so joins stay simple)."""
    return pl.col(name) if name in frame.columns else pl.lit(None, dtype).alias(name)


def opportunity_outcomes(opps: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    """Won / closed per opportunity from whatever the export carries.

    An explicit won flag wins; else the stage's class; else a won date alone means
    won (a "won deals" export). Closed: explicit flag, else a won or lost stage.
    When nothing says who won (no flag, no won date, no stage classed won or lost),
    won is null, not false: the win rate is unknown, not 0%.
    """
    opps = _with_classes(opps, contract)
    told = outcome_told(opps, "stage")
    stage_class = _column(opps, "stage_class", pl.String)
    by_stage = pl.when(stage_class.is_not_null() | _column(opps, "stage", pl.String).is_not_null())
    won_at = _column(opps, "won_at", DATETIME)
    won_ways = [_column(opps, "is_won", pl.Boolean)]
    closed_ways = [_column(opps, "is_closed", pl.Boolean)]
    if told:  # an unclassified stage is an open deal once some stage says won or lost
        won_ways.append(by_stage.then(stage_class.fill_null("open") == "won"))
        closed_ways.append(by_stage.then(stage_class.is_in(["won", "lost"]).fill_null(False)))
    if "won_at" in opps.columns:
        won_ways.append(won_at.is_not_null())
    if told:
        won_ways.append(pl.lit(False))
    is_won = pl.coalesce(won_ways)
    is_closed = pl.coalesce([*closed_ways, is_won])
    return opps.with_columns(
        is_won.alias("is_won"),
        (is_closed | is_won).alias("is_closed"),
        pl.coalesce(won_at, _column(opps, "close_date", DATETIME)).alias("closed_at"),
        _column(opps, "amount", pl.Float64),
        _column(opps, "created_at", DATETIME),
        _column(opps, "owner", pl.String),
        _column(opps, "lead_id", pl.String),
        _column(opps, "lead_source", pl.String),
    )


def _with_classes(frame: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    """Stage / status classes from the contract, when the pipeline has not added them (with the
    user's choices) already."""
    for field_name, (column, _) in CLASSES.items():
        if field_name in frame.columns and column not in frame.columns:
            classes = classes_for(field_name, contract, None)
            frame = frame.with_columns(classify(frame[field_name], field_name, classes))
    return frame


def build_facts(
    tables: dict[str, pl.DataFrame],
    contract: Contract,
    dimensions: dict[str, pl.DataFrame] | None = None,
) -> Facts:
    """`dimensions` (Dataset.dimensions): extra columns per table, joined on the row number."""
    dimensions = dimensions or {}
    renamed = {
        t: _dimension_columns(tables.get(t), dimensions.get(t)) for t in ("leads", "opportunities")
    }
    leads = _with_dimensions(tables.get("leads"), dimensions.get("leads"), renamed["leads"])
    opps = _with_dimensions(
        tables.get("opportunities"), dimensions.get("opportunities"), renamed["opportunities"]
    )
    extra = {t: tuple(names.values()) for t, names in renamed.items() if names}
    acts = tables.get("activities")
    spend = tables.get("spend", pl.DataFrame())
    available: set[str] = set()
    if spend.height:
        available.add("spend")

    opp_facts = pl.DataFrame()
    if opps is not None and opps.height:
        opp_facts = opportunity_outcomes(opps, contract).drop(LEAD_ROW, strict=False)
        available.add("opportunities")
        if opp_facts["is_won"].is_not_null().any():
            available.add("opportunity_outcome")
        if opp_facts["amount"].is_not_null().any():
            available.add("amount")
        if (opp_facts["closed_at"] - opp_facts["created_at"]).is_not_null().any():
            available.add("days_to_close")

    touched = acts is not None and acts.height > 0
    occurred_at = pl.Series(dtype=DATETIME)
    if touched:  # an activity without a date still counts as a touch, not as a first touch
        occurred_at = acts.select(_column(acts, "occurred_at", DATETIME)).to_series()

    if leads is None or not leads.height:
        if opp_facts.height:
            opp_facts = opp_facts.with_columns(pl.col("lead_source").fill_null(UNKNOWN))
        return Facts(pl.DataFrame(), opp_facts, spend, frozenset(available), extra)

    leads = _with_classes(leads, contract)
    rows, first = _lead_rows(leads, {"opportunities": opps, "activities": acts})
    opp_rows = rows.get(
        "opportunities", pl.repeat(None, opp_facts.height, dtype=pl.UInt32, eager=True)
    )
    linked = bool(opp_facts.height) and bool(opp_rows.is_not_null().any())
    # The leads' outcome is known when they say it, or when deals with a known outcome link.
    outcome = outcome_told(leads, "status") or (linked and "opportunity_outcome" in available)
    # Only deals that link to a lead; the rest are counted on their own.
    deals = opp_facts if linked else NO_DEALS
    per_lead = [
        _deal_facts(deals, opp_rows if linked else NO_DEALS[LEAD_ROW], leads.height),
        _touch_facts(occurred_at, rows.get("activities"), leads.height),
    ]
    if first is not None:  # leads sharing an ID: each takes the facts of the first of them
        per_lead = [frame.select(pl.all().gather(first)) for frame in per_lead]
    lead_facts = _lead_facts(leads, per_lead, outcome, extra.get("leads", ()))
    available.add("leads")
    if lead_facts["created_at"].is_not_null().any():
        available.add("created_at")
    available.update(stage for stage in ("mql", "sql") if _told(leads, stage))
    if outcome:
        available.add("outcome")
    if lead_facts["revenue"].is_not_null().any():
        available.add("amount")
    if "first_touch_at" in leads.columns or touched:
        available.add("follow_up")
    if opp_facts.height:
        # An opportunity's source is its own, else the source of the lead it came from.
        # In one chunk, as the join this replaced left them: a float sum adds chunk by chunk,
        # so the chunks decide a total's last digit.
        lead_source = lead_facts["lead_source"].gather(opp_rows)
        opp_facts = opp_facts.with_columns(
            pl.coalesce(pl.col("lead_source"), lead_source).fill_null(UNKNOWN).alias("lead_source")
        ).rechunk()
    return Facts(lead_facts, opp_facts, spend, frozenset(available), extra)


def _dimension_columns(table: pl.DataFrame | None, dims: pl.DataFrame | None) -> dict[str, str]:
    """Dimension column -> its name in the facts: a name the facts already use gets a suffix."""
    if table is None or dims is None or ROW not in table.columns:
        return {}
    taken = set(table.columns) | FACT_COLUMNS
    return {c: f"{c} (as read)" if c in taken else c for c in dims.columns if c != ROW}


def _with_dimensions(
    table: pl.DataFrame | None, dims: pl.DataFrame | None, columns: dict[str, str]
) -> pl.DataFrame | None:
    if table is None or dims is None or not columns:
        return table
    picked = dims.select(ROW, *(pl.col(c).alias(name) for c, name in columns.items()))
    return table.join(picked, on=ROW, how="left", maintain_order="left")


def _told(leads: pl.DataFrame, stage: str) -> bool:
    """Whether the leads file says anything at all about reaching a stage."""
    columns = {
        "mql": ("mql_at", "status"),
        "sql": ("sql_at", "status"),
    }
    return any(c in leads.columns for c in columns[stage])


def _lead_rows(
    leads: pl.DataFrame, tables: dict[str, pl.DataFrame | None]
) -> tuple[dict[str, pl.Series], pl.Series | None]:
    """Per table linked by lead_id, each row's lead as a row number of `leads` (null: none), so
    the per-lead facts are grouped and placed by integers, not by hashing the ID strings again.

    Also, when two leads share an ID, each lead's row of the first lead of its ID (which every
    row naming the ID links to); None when each lead is its own. The pipeline's link rows are
    used when it kept them (it keeps them only when no two kept leads share an ID); else the
    same lookup is joined here."""
    linked = {t: f for t, f in tables.items() if f is not None and "lead_id" in f.columns}
    if all(LEAD_ROW in f.columns for f in linked.values()):
        return {t: f[LEAD_ROW] for t, f in linked.items()}, None
    lookup = lead_lookup(leads)
    rows = {t: linked_leads(f, lookup)[LEAD_ROW] for t, f in linked.items()}
    first = None if lookup.height == leads.height else linked_leads(leads, lookup)[LEAD_ROW]
    return rows, first


def _touch_facts(occurred_at: pl.Series, rows: pl.Series | None, leads: int) -> pl.DataFrame:
    """In the leads' order: each lead's earliest activity and its number of activities.

    Counted by lead row with numpy (exact: integers and the times' microseconds), a fraction
    of the cost of a group-by of millions of activities and a join back."""
    # Imported here, not at the top: the command line imports this module before it reads
    # the files, numpy would add 0.07 s there; by now the report's metrics have imported it.
    import numpy as np

    if rows is None:
        rows = pl.Series(dtype=pl.UInt32)
    linked = rows.is_not_null()
    touches = np.bincount(rows.filter(linked).to_numpy(), minlength=leads)
    dated = linked & occurred_at.is_not_null()
    at = rows.filter(dated).to_numpy()
    earliest = np.full(leads, np.iinfo(np.int64).max)
    np.minimum.at(earliest, at, occurred_at.filter(dated).to_physical().to_numpy())
    return pl.DataFrame(
        {
            "_first_activity": pl.Series(earliest).cast(DATETIME),
            "_dated": np.bincount(at, minlength=leads) > 0,
            "touches": pl.Series(touches).cast(pl.UInt32),
        }
    ).select(pl.when("_dated").then("_first_activity").alias("_first_activity"), "touches")


def _deal_facts(opps: pl.DataFrame, rows: pl.Series, leads: int) -> pl.DataFrame:
    """In the leads' order: the count of the deals that link to each lead, their first and
    won dates and won amount (nulls for a lead without any)."""
    per_lead = (
        opps.with_columns(rows.alias(LEAD_ROW))
        .filter(pl.col(LEAD_ROW).is_not_null())
        .group_by(LEAD_ROW)
        .agg(
            pl.len().alias("opportunities"),
            pl.col("created_at").min().alias("opportunity_at"),
            pl.col("is_won").any().alias("_won_opp"),
            pl.col("closed_at").filter(pl.col("is_won")).min().alias("_won_at_opp"),
            pl.col("amount").filter(pl.col("is_won")).sum().alias("_amount_opp"),
            pl.col("amount").filter(pl.col("is_won")).count().alias("_won_amounts"),
        )
    )
    # Lead row -> its row in per_lead, null where no deal links.
    slot = pl.repeat(None, leads, dtype=pl.UInt32, eager=True).scatter(
        per_lead[LEAD_ROW], pl.int_range(per_lead.height, dtype=pl.UInt32, eager=True)
    )
    return per_lead.drop(LEAD_ROW).select(pl.all().gather(slot))


def _lead_facts(
    leads: pl.DataFrame,
    per_lead: list[pl.DataFrame],
    outcome: bool,
    dimensions: tuple[str, ...],
) -> pl.DataFrame:
    """`per_lead`: facts in the leads' order, from the deals and the activities.

    `outcome`: whether anything tells who won; when nothing does, `won` is null, not false."""
    status = _column(leads, "status_class", pl.String)
    base = leads.select(
        "lead_id",
        "lead_source",
        *dimensions,
        _column(leads, "created_at", DATETIME),
        *(_column(leads, a, pl.String) for a in LEAD_ATTRIBUTES),
        _column(leads, "disqualified_reason", pl.String),
        _column(leads, "status", pl.String),
        _column(leads, "mql_at", DATETIME),
        _column(leads, "sql_at", DATETIME),
        _column(leads, "first_touch_at", DATETIME).alias("_first_touch_given"),
        (
            _column(leads, "is_won", pl.Boolean).fill_null(False)
            | _column(leads, "won_at", DATETIME).is_not_null()
            | (status == "won").fill_null(False)
        ).alias("_won_self"),
        _column(leads, "won_at", DATETIME).alias("_won_at_self"),
        _column(leads, "amount", pl.Float64).alias("_amount_self"),
        status.is_in(["mql", "sql", "won"]).alias("_mql_status"),
        status.is_in(["sql", "won"]).alias("_sql_status"),
        (
            (status == "disqualified").fill_null(False)
            | _column(leads, "disqualified_reason", pl.String).is_not_null()
        ).alias("disqualified"),
    )
    facts = base.hstack([c for frame in per_lead for c in frame.get_columns()]).with_columns(
        pl.col("opportunities").fill_null(0),
        pl.col("touches").fill_null(0),
        pl.when(outcome)
        .then(pl.col("_won_self") | pl.col("_won_opp").fill_null(False))
        .alias("won"),
    )
    facts = facts.with_columns(
        (pl.col("mql_at").is_not_null() | pl.col("_mql_status")).alias("mql_reached"),
        (pl.col("sql_at").is_not_null() | pl.col("_sql_status")).alias("sql_reached"),
        (pl.col("opportunities") > 0).alias("opportunity_reached"),
        pl.coalesce("_won_at_opp", "_won_at_self").alias("won_at"),
        pl.when(pl.col("won"))
        .then(
            pl.when(pl.col("_won_amounts") > 0)
            .then(pl.col("_amount_opp"))
            .otherwise(pl.col("_amount_self"))
        )
        .alias("revenue"),
        # A given first touch before the lead existed is not a follow-up of that lead.
        pl.min_horizontal(
            pl.when(
                pl.col("_first_touch_given") >= pl.col("created_at").fill_null(pl.datetime(1, 1, 1))
            ).then(pl.col("_first_touch_given")),
            "_first_activity",
        ).alias("first_touch_at"),
    )
    return facts.with_columns(
        ((pl.col("first_touch_at") - pl.col("created_at")).dt.total_microseconds() / HOURS).alias(
            "hours_to_first_touch"
        ),
    ).drop(pl.selectors.starts_with("_"))
