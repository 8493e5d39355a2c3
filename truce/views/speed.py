"""Does speed matter? Lead-to-win rate (and MQL -> SQL) by response band, overall
standardised to the source mix and per source, beside the HBR figure the scorecard cites."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from truce.contract import Contract
from truce.filters import Selection
from truce.metrics import speed_to_lead
from truce.metrics.follow_up import band_labels
from truce.views.needs import UNLOCKS, lacking
from truce.views.options import Options

# HBR (2011) compared contact within an hour with contact after 24 hours or more.
HBR_BOUNDS = (1.0, 24.0)
HBR = (
    "HBR, “The Short Life of Online Sales Leads” (2011): firms that tried to contact a lead "
    "within an hour were 60× as likely to qualify it as those that waited 24 hours or more."
)


@dataclass(frozen=True)
class SpeedModel:
    missing: str | None = None
    band_labels: tuple[str, ...] = ()  # the contract's bands, fastest first, never touched last
    by_band: pl.DataFrame = field(default_factory=pl.DataFrame)  # per source (and All) x band
    standardised: pl.DataFrame = field(default_factory=pl.DataFrame)  # per band, overall
    mql_to_sql: bool = False  # MQL and SQL known: by_band holds MQL -> SQL too
    # Leads touched within 1 h against after 24 h or more, each standardised to the source mix.
    hbr: dict | None = None  # within_1h, after_24h (rates), ratio, leads_within_1h, leads_after_24h
    hbr_reason: str | None = None  # why `hbr` (or its ratio) is missing

    def curve(self) -> pl.DataFrame:
        """The overall chart's data: raw and standardised rate per touched band, long."""
        touched = self.standardised.filter(pl.col("band") != self.band_labels[-1])
        return touched.unpivot(
            index=["band", "band_order", "leads", "won"],
            on=["raw_rate", "standardised_rate"],
            variable_name="curve",
            value_name="rate",
        ).with_columns(
            pl.col("curve").replace_strict(
                {"raw_rate": "As it is", "standardised_rate": "Standardised to the source mix"}
            )
        )

    def sources(self) -> tuple[str, ...]:
        """ "All sources" first, then each source: the choices of the per-source chart."""
        return tuple(self.by_band["lead_source"].unique(maintain_order=True))

    def source_rates(self, source: str) -> pl.DataFrame:
        """One source's chart data: per band, lead-to-win (and MQL -> SQL) with intervals."""
        rows = self.by_band.filter(pl.col("lead_source") == source)
        measures = [("Lead to win", "won", "leads", "lead_to_win_rate", "win_rate")]
        if self.mql_to_sql:
            measures.append(
                ("MQL to SQL", "mqls_to_sql", "mqls", "mql_to_sql_rate", "mql_to_sql_rate")
            )
        return pl.concat(
            rows.select(
                "band",
                "band_order",
                pl.lit(name).alias("measure"),
                pl.col(count).cast(pl.Int64).alias("count"),
                pl.col(of).cast(pl.Int64).alias("of"),
                pl.col(value).alias("rate"),
                pl.col(f"{prefix}_ci_low").alias("ci_low"),
                pl.col(f"{prefix}_ci_high").alias("ci_high"),
            )
            for name, count, of, value, prefix in measures
        ).sort("band_order", "measure")

    def hbr_sentence(self) -> str:
        if self.hbr is None or self.hbr["ratio"] is None:
            return f"Your data: n/a — {self.hbr_reason}"
        h = self.hbr
        return (
            f"Your data: leads first touched within 1 h were won {h['ratio']:.1f}× as often as "
            f"leads first touched after 24 h or more ({h['within_1h']:.1%} of "
            f"{h['leads_within_1h']:,} against {h['after_24h']:.1%} of {h['leads_after_24h']:,}, "
            "both standardised to the source mix). HBR measured qualifying; this is winning."
        )


def _hbr(cells: pl.DataFrame) -> tuple[dict | None, str | None]:
    """`cells`: counted per source and HBR band."""
    fast, _, slow, _ = band_labels(HBR_BOUNDS)
    rows = {
        r["band"]: r for r in speed_to_lead.standardised(cells, HBR_BOUNDS).iter_rows(named=True)
    }
    if fast not in rows or slow not in rows:
        return None, "no lead was first touched within 1 h, or none after 24 h."
    within, after = rows[fast]["standardised_rate"], rows[slow]["standardised_rate"]
    ratio = within / after if after else None
    values = {
        "within_1h": within,
        "after_24h": after,
        "ratio": ratio,
        "leads_within_1h": rows[fast]["leads"],
        "leads_after_24h": rows[slow]["leads"],
    }
    return values, None if ratio is not None else "no lead first touched after 24 h was won."


def build(selection: Selection, contract: Contract, options: Options) -> SpeedModel:
    missing = lacking(selection, "The speed-to-lead curve", *UNLOCKS)
    if missing:
        return SpeedModel(missing)
    leads = selection.leads
    if not leads.height:
        return SpeedModel("No leads in the current filters.")
    bounds = contract.response_bands_hours
    mql_to_sql = selection.can("mql", "sql")
    # The leads counted once, on the contract's bands and HBR's together, then added up.
    fine = sorted({*bounds, *HBR_BOUNDS})
    counted = speed_to_lead.cells(leads, fine, mql_to_sql=mql_to_sql)
    cells = speed_to_lead.regroup(counted, fine, bounds)
    hbr, reason = _hbr(speed_to_lead.regroup(counted, fine, HBR_BOUNDS))
    return SpeedModel(
        band_labels=tuple(band_labels(bounds)),
        by_band=speed_to_lead.by_band(cells, bounds),
        standardised=speed_to_lead.standardised(cells, bounds),
        mql_to_sql=mql_to_sql,
        hbr=hbr,
        hbr_reason=reason,
    )
