"""What the leergeschiedenis over one year may see (docs/architecture.md, "Report year").

The report over year Y is written early in Y+1, so it counts cases whose MDO took place up to
and including Y (cumulative since the start in 2016), wellbeing measurements up to the
measurement cut-off (28 February of Y+1 by default), solution starts known by that same cut-off
(``principles.time_to_solution`` censors a case not started by then at the cut-off), cost
analyses done in or before Y, and the
Positive Health waves, GGD survey waves, budget and visitor figures up to and including Y.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from . import config
from .errors import Problem


@dataclass(frozen=True)
class MicroSelection:
    """The micro-analysis data of one report year."""

    year: int
    cutoff: date
    cases: pl.DataFrame  # every case handled with the Samenwerkwijze up to Y
    sampled: pl.DataFrame  # the cases drawn at random for a micro-analysis
    wellbeing: pl.DataFrame  # measurements of sampled cases, dated up to the cut-off
    cost_cases: pl.DataFrame  # sampled cases whose cost analysis was done by 31 December Y
    cost_lines: pl.DataFrame  # the cost lines of those cases


def select_micro(
    cases: pl.DataFrame,
    wellbeing: pl.DataFrame | None = None,
    cost_lines: pl.DataFrame | None = None,
    *,
    year: int,
    cutoff: date | None = None,
) -> MicroSelection:
    """Select the cases, measurements and cost lines counted in report year ``year``.

    ``wellbeing`` or ``cost_lines`` may be None when an analysis needs only the other;
    the selection then holds an empty frame in its place.
    """
    cutoff = cutoff or config.measurement_cutoff(year)
    if wellbeing is None:
        wellbeing = pl.DataFrame(schema={"case_id": pl.String, "moment": pl.String,
                                         "measured_on": pl.Date, "score": pl.Float64})
    if cost_lines is None:
        cost_lines = pl.DataFrame(schema={"case_id": pl.String, "scenario": pl.String,
                                          "item_code": pl.String, "quantity": pl.Float64})
    year_end = date(year, 12, 31)
    handled = cases.filter(pl.col("mdo_year") <= year)
    sampled = handled.filter(pl.col("in_random_sample"))
    ids = sampled.select("case_id")
    measured = wellbeing.join(ids, on="case_id", how="semi").filter(
        pl.col("measured_on") <= cutoff
    )
    cost_cases = sampled.filter(
        pl.col("cost_analysis_date").is_not_null() & (pl.col("cost_analysis_date") <= year_end)
    )
    lines = cost_lines.join(cost_cases.select("case_id"), on="case_id", how="semi")
    return MicroSelection(year, cutoff, handled, sampled, measured, cost_cases, lines)


def up_to_year(frame: pl.DataFrame, *, year: int, column: str = "year") -> pl.DataFrame:
    """Rows whose year column (an int year or a date) lies in or before ``year``."""
    dtype = frame.schema[column]
    if dtype == pl.Date:
        return frame.filter(pl.col(column) <= date(year, 12, 31))
    return frame.filter(pl.col(column) <= year)


def cases_handled_by(cases: pl.DataFrame, moments: list[date]) -> pl.DataFrame:
    """Cumulative number of cases handled (MDO held) on each of the given dates."""
    return pl.DataFrame(
        {
            "date": moments,
            "cases_handled": [cases.filter(pl.col("mdo_date") <= d).height for d in moments],
        },
        schema={"date": pl.Date, "cases_handled": pl.Int64},
    )


def report_year_problem(year: int, cases: pl.DataFrame, file: str) -> Problem | None:
    """A problem when report year ``year`` lies outside the MDO years of ``cases``.

    The data cover the years from the first to the last MDO: a report over an earlier year
    would hold nothing, one over a later year would present old data as that year's.
    """
    years = cases.get_column("mdo_year").drop_nulls()
    if years.len() == 0:
        return None
    first, last = int(years.min()), int(years.max())
    if first <= year <= last:
        return None
    return Problem(file, "rapportjaar",
                   f"rapportjaar {year} ligt buiten de gegevens: de casussen beslaan de "
                   f"MDO-jaren {first} t/m {last}; kies met --year een jaar van {first} t/m "
                   f"{last}")
