"""What was loaded and what is missing: the data-quality overview of a data folder."""

from __future__ import annotations

import polars as pl

from .report_year import select_micro, up_to_year
from .vocabulary import MOMENTS  # noqa: E402

# the column that places a row of each source in time
TIME_COLUMN = {
    "cases": "mdo_date",
    "wellbeing": "measured_on",
    "positive_health": "wave_date",
    "ggd_indicators": "year",
    "wijkbudget": "year",
    "inhabitants": "year",
    "visitors": "week_start",
}


def source_overview(frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """One row per loaded source: rows, columns, first and last year, missing cells."""
    rows = []
    for key in sorted(frames):
        frame = frames[key]
        col = TIME_COLUMN.get(key)
        first = last = None
        if col is not None and frame.height:
            years = frame[col].dt.year() if frame.schema[col] == pl.Date else frame[col]
            first, last = int(years.min()), int(years.max())
        missing = int(sum(frame[c].null_count() for c in frame.columns))
        rows.append(
            {
                "source": key,
                "rows": frame.height,
                "columns": frame.width,
                "first_year": first,
                "last_year": last,
                "missing_cells": missing,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "source": pl.String,
            "rows": pl.Int64,
            "columns": pl.Int64,
            "first_year": pl.Int64,
            "last_year": pl.Int64,
            "missing_cells": pl.Int64,
        },
    )


def measurement_completeness(cases: pl.DataFrame, wellbeing: pl.DataFrame) -> pl.DataFrame:
    """Per MDO year: cases handled, sampled, and sampled cases with each measurement moment."""
    sampled = cases.filter(pl.col("in_random_sample"))
    have = (
        wellbeing.select("case_id", "moment")
        .unique()
        .with_columns(pl.lit(1).alias("has"))
        .pivot(on="moment", index="case_id", values="has")
    )
    for moment in MOMENTS:
        if moment not in have.columns:
            have = have.with_columns(pl.lit(None, dtype=pl.Int32).alias(moment))
    per_case = sampled.select("case_id", "mdo_year", "cost_analysis_date").join(
        have, on="case_id", how="left"
    )
    handled = cases.group_by("mdo_year").agg(pl.len().alias("cases_handled"))
    counted = per_case.group_by("mdo_year").agg(
        pl.len().alias("sampled"),
        *[pl.col(m).is_not_null().sum().alias(f"with_{m}") for m in MOMENTS],
        pl.col("cost_analysis_date").is_not_null().sum().alias("with_cost_analysis"),
    )
    return (
        handled.join(counted, on="mdo_year", how="left")
        .with_columns(pl.exclude("mdo_year", "cases_handled").fill_null(0).cast(pl.Int64))
        .with_columns(pl.col("cases_handled").cast(pl.Int64), pl.col("mdo_year").cast(pl.Int64))
        .sort("mdo_year")
    )


def n_per_analysis(frames: dict[str, pl.DataFrame], *, year: int) -> dict[str, int]:
    """The number of cases or respondents behind each analysis of report year ``year``.

    Keys are those of the ``analysis`` label group; an analysis without data is left out.
    """
    out: dict[str, int] = {}
    if "cases" in frames:
        sel = select_micro(frames["cases"], frames.get("wellbeing"), frames.get("cost_lines"),
                           year=year)
        out["casussen_totaal"] = sel.cases.height
        out["casussen_steekproef"] = sel.sampled.height
        have = sel.wellbeing.group_by("case_id").agg(pl.col("moment"))
        for before, after in (("voormeting", "nameting"), ("nameting", "herhaalmeting")):
            out[f"welbevinden_{before}_{after}"] = have.filter(
                pl.col("moment").list.contains(before) & pl.col("moment").list.contains(after)
            ).height
        out["kostenanalyses"] = sel.cost_cases.height
    if "positive_health" in frames:
        ph = up_to_year(frames["positive_health"], year=year, column="wave_date")
        if ph.height:
            out["positieve_gezondheid_respondenten"] = ph["respondent_id"].n_unique()
            first = ph["wave_date"].min()
            out["positieve_gezondheid_nulmeting"] = ph.filter(
                pl.col("wave_date") == first)["respondent_id"].n_unique()
    if "visitors" in frames:
        weeks = frames["visitors"].filter(pl.col("week_start").dt.year() == year).height
        if weeks:
            out["bezoekers_weken"] = weeks
    return out
