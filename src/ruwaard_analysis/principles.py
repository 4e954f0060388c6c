"""Werkende principes: the Samenwerkwijze measured by its own working principles.

Three principles of the leergeschiedenis can be measured in the ``cases`` table:

* "Begin bij het creëren van randvoorwaarden": in how many cases the solution started from
  a precondition (wonen, financiën, relaties, dagbesteding), alone or combined
  (:func:`precondition_shares`, :func:`precondition_combinations`), and whether wellbeing
  change and yearly saving differ with and without a housing start
  (:func:`difference_by_housing`, descriptive only: no random assignment, small groups);
* "We realiseren wat we afspreken binnen zes weken": days from the MDO to the start of the
  solution, with cases not started by the cut-off censored (:func:`time_to_solution`,
  :func:`six_week_promise`, Kaplan-Meier);
* the growth of the Samenwerkwijze: cases discussed per month and cumulative
  (:func:`cases_per_month`).

Pure functions: frames in, frames / records out; no I/O, no drawing, no disclosure control
(that is ``publish.principles``). Which cases and which cut-off a report year sees comes from
``report_year`` (cases with ``mdo_year <= Y``; follow-up until ``config.measurement_cutoff(Y)``,
28 February of Y+1, the same cut-off as the wellbeing measurements).
"""

from __future__ import annotations

from datetime import date

import polars as pl
from scipy import stats as sps

from .errors import InsufficientDataError
from .stats.proportion import share_ci
from .stats.survival import KaplanMeier, kaplan_meier

PRECONDITIONS = ("wonen", "financien", "relaties", "dagbesteding")
SIX_WEEKS_DAYS = 42  # "binnen zes weken"
GROWTH_START = date(2016, 5, 1)  # the Samenwerkwijze started in May 2016
CUMULATIVE = "cumulatief"  # period key of the shares over all years up to the report year
SCOPES = ("alle", "steekproef")  # all cases handled / the random sample of micro-analyses


def _column(name: str) -> str:
    return f"precondition_{name}"


def _require(df: pl.DataFrame, columns, what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(f"{what}: kolommen ontbreken: {missing}; aanwezig: {df.columns}")


# --------------------------------------------------------------------------- randvoorwaarden


def precondition_shares(
    cases: pl.DataFrame,
    *,
    year: int,
    confidence: float = 0.95,
    method: str = "beta",
) -> pl.DataFrame:
    """Per period (each MDO year up to ``year``, and ``"cumulatief"``), scope (``alle``,
    ``steekproef``) and precondition: ``n`` cases, ``n_yes`` with that precondition at the
    start of the solution, ``share`` and its interval (Clopper-Pearson by default).

    ``cases``: the canonical cases table (only rows with ``mdo_year <= year`` are used).
    """
    _require(cases, ["mdo_year", "in_random_sample", *map(_column, PRECONDITIONS)], "cases")
    handled = cases.filter(pl.col("mdo_year") <= year)
    years = sorted(handled["mdo_year"].unique().to_list())
    periods = [(str(y), handled.filter(pl.col("mdo_year") == y)) for y in years]
    periods.append((CUMULATIVE, handled))
    rows = []
    for period, frame in periods:
        for scope in SCOPES:
            part = frame if scope == "alle" else frame.filter(pl.col("in_random_sample"))
            for name in PRECONDITIONS:
                k = int(part[_column(name)].fill_null(False).sum())
                s = share_ci(k, part.height, confidence=confidence, method=method)
                rows.append({"period": period, "scope": scope, "precondition": name,
                             "n": s.n, "n_yes": s.k, "share": s.share, "ci_low": s.ci_low,
                             "ci_high": s.ci_high})
    return pl.DataFrame(rows, schema={
        "period": pl.String, "scope": pl.String, "precondition": pl.String, "n": pl.Int64,
        "n_yes": pl.Int64, "share": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64})


def combination_key(flags: dict[str, bool]) -> str:
    """``"financien+wonen"`` style key of the preconditions that are true, in the order of
    ``PRECONDITIONS`` (``"wonen+financien"``)."""
    return "+".join(name for name in PRECONDITIONS if flags.get(name))


def precondition_combinations(cases: pl.DataFrame) -> pl.DataFrame:
    """How often each combination of preconditions occurs: ``combination`` (e.g.
    ``"wonen+financien"``), ``n_preconditions``, ``n`` cases and ``share`` of all cases.

    Sorted by ``n`` (largest first), then by key. No suppression here.
    """
    _require(cases, list(map(_column, PRECONDITIONS)), "cases")
    keys = [
        combination_key({name: bool(row[_column(name)]) for name in PRECONDITIONS})
        for row in cases.select(map(_column, PRECONDITIONS)).iter_rows(named=True)
    ]
    total = len(keys)
    counts = pl.DataFrame({"combination": keys}, schema={"combination": pl.String}).group_by(
        "combination").agg(pl.len().cast(pl.Int64).alias("n"))
    return counts.with_columns(
        n_preconditions=pl.col("combination").str.count_matches(r"\+").cast(pl.Int64) + 1,
        share=pl.col("n") / total if total else pl.lit(None, pl.Float64),
    ).select("combination", "n_preconditions", "n", "share").sort(
        ["n", "combination"], descending=[True, False])


def wellbeing_change_per_case(
    wellbeing: pl.DataFrame, *, before: str = "voormeting", after: str = "nameting"
) -> pl.DataFrame:
    """``case_id, change`` (``after`` minus ``before``) for cases measured on both moments."""
    _require(wellbeing, ["case_id", "moment", "score"], "wellbeing")
    pairs = wellbeing.filter(pl.col("moment").is_in([before, after])).pivot(
        "moment", index="case_id", values="score", aggregate_function="first")
    if before not in pairs.columns or after not in pairs.columns:
        return pl.DataFrame(schema={"case_id": pl.String, "change": pl.Float64})
    return pairs.filter(pl.col(before).is_not_null() & pl.col(after).is_not_null()).select(
        "case_id", (pl.col(after) - pl.col(before)).cast(pl.Float64).alias("change")
    ).sort("case_id")


def difference_by_housing(
    values: pl.DataFrame,
    cases: pl.DataFrame,
    *,
    value: str,
    measure: str,
    confidence: float = 0.95,
) -> dict:
    """Mean of ``value`` in cases with a housing start minus the mean without, with the
    Welch (unequal variances) t interval of the difference (scipy ``ttest_ind``).

    ``values``: ``case_id`` and ``value`` per case (e.g. :func:`wellbeing_change_per_case`,
    or ``costs.costs_per_case`` with ``saving_vs_current``). Returns one record with
    ``n_with, n_without, mean_with, mean_without, difference, ci_low, ci_high`` (the
    statistics None when a group has fewer than two cases) and ``n = min(n_with,
    n_without)``: the group size that decides publication. Descriptive, not causal.
    """
    _require(values, ["case_id", value], "values")
    _require(cases, ["case_id", "precondition_wonen"], "cases")
    joined = values.join(cases.select("case_id", "precondition_wonen"), on="case_id",
                         how="inner").filter(pl.col(value).is_not_null())
    with_h = joined.filter(pl.col("precondition_wonen"))[value].cast(pl.Float64).to_numpy()
    without = joined.filter(~pl.col("precondition_wonen"))[value].cast(pl.Float64).to_numpy()
    record = {"measure": measure, "n": int(min(len(with_h), len(without))),
              "n_with": len(with_h), "n_without": len(without),
              "mean_with": None, "mean_without": None, "difference": None,
              "ci_low": None, "ci_high": None, "confidence": confidence}
    if len(with_h) < 2 or len(without) < 2:
        return record
    test = sps.ttest_ind(with_h, without, equal_var=False)
    ci = test.confidence_interval(confidence_level=confidence)
    record.update(mean_with=float(with_h.mean()), mean_without=float(without.mean()),
                  difference=float(with_h.mean() - without.mean()),
                  ci_low=float(ci.low), ci_high=float(ci.high))
    return record


DIFFERENCE_SCHEMA = {
    "measure": pl.String, "n": pl.Int64, "n_with": pl.Int64, "n_without": pl.Int64,
    "mean_with": pl.Float64, "mean_without": pl.Float64, "difference": pl.Float64,
    "ci_low": pl.Float64, "ci_high": pl.Float64, "confidence": pl.Float64,
}


# --------------------------------------------------------------------------- six weeks


def time_to_solution(cases: pl.DataFrame, *, cutoff: date) -> pl.DataFrame:
    """Per case: ``days`` from the MDO to the start of the solution, or to ``cutoff`` when
    it had not started by then (``started`` False: censored, not dropped).

    A start date after ``cutoff`` was not known at the cut-off and counts as not started.
    Refuses cases whose MDO lies after ``cutoff``.
    """
    _require(cases, ["case_id", "mdo_date", "solution_start_date"], "cases")
    late = cases.filter(pl.col("mdo_date") > cutoff)
    if late.height:
        raise ValueError(f"{late.height} casus(sen) met een MDO na de peildatum {cutoff}")
    started = pl.col("solution_start_date").is_not_null() & (
        pl.col("solution_start_date") <= cutoff)
    end = pl.when(started).then(pl.col("solution_start_date")).otherwise(pl.lit(cutoff))
    return cases.select(
        "case_id", "mdo_date",
        (end - pl.col("mdo_date")).dt.total_days().cast(pl.Int64).alias("days"),
        started.alias("started"),
    ).sort("mdo_date", "case_id")


def six_week_promise(
    durations: pl.DataFrame, *, horizon: int = SIX_WEEKS_DAYS, confidence: float = 0.95
) -> KaplanMeier:
    """Kaplan-Meier of :func:`time_to_solution`: the share started within ``horizon`` days
    (1 - S(42)) and the median number of days, each with its interval."""
    _require(durations, ["days", "started"], "durations")
    if durations.height == 0:
        raise InsufficientDataError("geen casussen om de tijd tot de oplossing te schatten")
    return kaplan_meier(durations["days"].to_numpy(), durations["started"].to_numpy(),
                        horizon=horizon, confidence=confidence)


def curve_on_grid(km: KaplanMeier, *, step: int = 7, until: int | None = None) -> pl.DataFrame:
    """The Kaplan-Meier curve at days 0, step, 2*step, ... (and the horizon), as the share
    started: ``days, n`` (at risk just before that day), ``started_share, ci_low,
    ci_high``. A grid, not every event time, so no single case's day is visible."""
    last = int(km.curve["time"].max()) if km.curve.height else 0
    until = last if until is None else until
    grid = sorted(set(range(0, until + 1, step)) | {int(km.horizon)})
    rows = []
    for day in grid:
        surv, low, high, at_risk = km.survival_at(day)
        rows.append({"days": day, "n": at_risk, "started_share": 1.0 - surv,
                     "ci_low": None if high is None else 1.0 - high,
                     "ci_high": None if low is None else 1.0 - low})
    return pl.DataFrame(rows, schema={"days": pl.Int64, "n": pl.Int64,
                                      "started_share": pl.Float64, "ci_low": pl.Float64,
                                      "ci_high": pl.Float64})


def six_week_summary(km: KaplanMeier) -> pl.DataFrame:
    """One row: n, started, censored, the share within the horizon and the median, each
    with its interval (a None bound: not reached)."""
    return pl.DataFrame([{
        "n": km.n, "n_started": km.n_events, "n_censored": km.n_censored,
        "horizon_days": int(km.horizon), "n_started_by_horizon": km.events_by_horizon,
        "share_by_horizon": km.share_by_horizon, "share_ci_low": km.share_ci_low,
        "share_ci_high": km.share_ci_high, "median_days": km.median,
        "median_ci_low": km.median_ci_low, "median_ci_high": km.median_ci_high,
        "confidence": km.confidence,
    }], schema={"n": pl.Int64, "n_started": pl.Int64, "n_censored": pl.Int64,
                "horizon_days": pl.Int64, "n_started_by_horizon": pl.Int64,
                "share_by_horizon": pl.Float64, "share_ci_low": pl.Float64,
                "share_ci_high": pl.Float64, "median_days": pl.Float64,
                "median_ci_low": pl.Float64, "median_ci_high": pl.Float64,
                "confidence": pl.Float64})


# --------------------------------------------------------------------------- growth


def cases_per_month(
    cases: pl.DataFrame, *, end: date, start: date = GROWTH_START
) -> pl.DataFrame:
    """Cases discussed in the MDO per calendar month from ``start`` to ``end`` (months
    without a case included, as 0) and the cumulative number: ``month`` (first day),
    ``n``, ``cumulative``. Cases before ``start`` count in the first month's cumulative."""
    _require(cases, ["mdo_date"], "cases")
    first = date(start.year, start.month, 1)
    months = pl.date_range(first, date(end.year, end.month, 1), "1mo", eager=True)
    counted = cases.filter(pl.col("mdo_date") <= end).select(
        pl.col("mdo_date").dt.truncate("1mo").clip(lower_bound=first).alias("month")
    ).group_by("month").agg(pl.len().cast(pl.Int64).alias("n"))
    return pl.DataFrame({"month": months}).join(counted, on="month", how="left").with_columns(
        pl.col("n").fill_null(0)).with_columns(cumulative=pl.col("n").cum_sum()).sort("month")
