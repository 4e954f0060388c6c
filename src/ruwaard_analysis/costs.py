"""Societal costs of the micro-analyses: pricing, savings, payback, payers, projection.

A micro-analysis lists, per case, what is used in four scenarios (``cost_lines``):

* ``huidig``: the current situation, per year;
* ``zonder_oplossing``: what it would cost if nothing were done, per year;
* ``oplossing_eenmalig``: the one-off cost of the proeftuin solution;
* ``na_oplossing``: the situation after the solution, per year.

Each line is priced with the price list, indexed from the item's own price year to one
report price year with the CBS consumer price index (CPI, 2015 = 100). Everything below is
a pure function of polars frames; records are frozen dataclasses; nothing here writes text
for readers (the present layer owns all Dutch words).

Conventions
-----------
* A scenario without lines for a case costs zero for that case (the micro-analysis lists
  what is used; nothing listed means nothing used).
* ``saving_vs_current = huidig - na_oplossing``; ``saving_vs_nothing = zonder_oplossing -
  na_oplossing`` (both per year; positive = cheaper after the solution).
* Payback time in months = one-off cost / (yearly saving / 12), only when the yearly saving
  is positive; otherwise null with a reason code.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from ruwaard_analysis import config
from ruwaard_analysis.errors import InsufficientDataError

SCENARIOS: tuple[str, ...] = ("huidig", "zonder_oplossing", "oplossing_eenmalig", "na_oplossing")
YEARLY_SCENARIOS: tuple[str, ...] = ("huidig", "zonder_oplossing", "na_oplossing")
ONE_OFF_SCENARIO = "oplossing_eenmalig"
SAVING_MEASURES: tuple[str, ...] = ("saving_vs_current", "saving_vs_nothing")

# Reason codes for a missing payback time (the present layer translates them).
PAYBACK_NO_SAVING = "saving_not_positive"
PAYBACK_TOO_SMALL_SAVING = "saving_too_small"  # payback overflows (saving ~ 0)

_SCENARIO_DTYPE = pl.Enum(list(SCENARIOS))


# ---------------------------------------------------------------------------------------
# checks
# ---------------------------------------------------------------------------------------


def _require_columns(df: pl.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s) {missing}; it has {df.columns}")


def _check_finite_nonnegative(df: pl.DataFrame, column: str, what: str) -> None:
    col = pl.col(column).cast(pl.Float64)
    bad = df.filter(col.is_null() | col.is_nan() | col.is_infinite() | (col < 0))
    if bad.height:
        raise ValueError(
            f"{what}: column '{column}' must be a finite number >= 0; "
            f"{bad.height} row(s) are not (first: {bad.row(0, named=True)})"
        )


def _as_float_array(values: Any, what: str) -> np.ndarray:
    if isinstance(values, pl.Series):
        if values.null_count():
            raise ValueError(f"{what}: {values.null_count()} null value(s)")
        arr = values.cast(pl.Float64).to_numpy()
    else:
        arr = np.asarray(values, dtype=float)
    arr = np.ravel(arr)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what}: NaN or infinite values are not allowed")
    return arr


def _check_fraction(name: str, value: float, *, low: float = 0.0, high: float = 1.0) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and low <= value <= high):
        raise ValueError(f"{name} must lie in [{low}, {high}], got {value!r}")


# ---------------------------------------------------------------------------------------
# pricing
# ---------------------------------------------------------------------------------------


def cpi_factor(cpi: pl.DataFrame, *, from_year: int, to_year: int) -> float:
    """Multiplier that brings euros of ``from_year`` to euros of ``to_year`` (CPI ratio)."""
    table = index_prices(
        pl.DataFrame({"item_code": ["_"], "unit_price_eur": [1.0], "price_year": [from_year]}),
        cpi,
        to_year=to_year,
    )
    return float(table["cpi_factor"][0])


def index_prices(price_list: pl.DataFrame, cpi: pl.DataFrame, *, to_year: int) -> pl.DataFrame:
    """Add ``cpi_factor`` and ``unit_price_indexed`` (euros of ``to_year``) to a price list.

    factor = CPI(to_year) / CPI(price_year). A price year or ``to_year`` missing from the CPI
    table raises ``ValueError`` naming the years.
    """
    _require_columns(price_list, ["item_code", "unit_price_eur", "price_year"], "price_list")
    _require_columns(cpi, ["year", "cpi"], "cpi")
    _check_finite_nonnegative(price_list, "unit_price_eur", "price_list")
    cpi = cpi.select(pl.col("year").cast(pl.Int64), pl.col("cpi").cast(pl.Float64))
    if cpi["year"].is_duplicated().any():
        dups = sorted(cpi.filter(pl.col("year").is_duplicated())["year"].unique().to_list())
        raise ValueError(f"cpi: year(s) {dups} appear more than once")
    bad = cpi.filter(pl.col("cpi").is_null() | ~pl.col("cpi").is_finite() | (pl.col("cpi") <= 0))
    if bad.height:
        raise ValueError(
            f"cpi: index must be a finite number > 0; bad year(s) {bad['year'].to_list()}"
        )
    if price_list["price_year"].null_count():
        raise ValueError("price_list: price_year is null for some items")
    known = set(cpi["year"].to_list())
    needed = set(price_list["price_year"].cast(pl.Int64).unique().to_list()) | {int(to_year)}
    missing = sorted(needed - known)
    if missing:
        raise ValueError(
            f"cpi: no index for year(s) {missing}; the CPI table covers "
            f"{min(known) if known else None}-{max(known) if known else None}"
        )
    target = float(cpi.filter(pl.col("year") == int(to_year))["cpi"][0])
    return (
        price_list.with_columns(pl.col("price_year").cast(pl.Int64))
        .join(cpi.rename({"year": "price_year", "cpi": "_cpi_from"}), on="price_year", how="left")
        .with_columns(cpi_factor=pl.lit(target) / pl.col("_cpi_from"))
        .with_columns(
            unit_price_indexed=pl.col("unit_price_eur").cast(pl.Float64) * pl.col("cpi_factor")
        )
        .drop("_cpi_from")
    )


def price_cost_lines(
    cost_lines: pl.DataFrame,
    price_list: pl.DataFrame,
    cpi: pl.DataFrame,
    *,
    price_year: int = config.PRICE_YEAR,
) -> pl.DataFrame:
    """Price every cost line in euros of ``price_year``.

    Returns the cost lines with ``unit_price_indexed``, ``amount_eur`` (= quantity x indexed
    unit price), ``payer`` and ``domain``. An item code not in the price list raises
    ``ValueError`` naming the codes; so do negative/NaN quantities and unknown scenarios.
    """
    _require_columns(cost_lines, ["case_id", "scenario", "item_code", "quantity"], "cost_lines")
    _require_columns(price_list, ["item_code", "unit_price_eur", "price_year", "payer", "domain"],
                     "price_list")
    if price_list["item_code"].is_duplicated().any():
        dups = sorted(price_list.filter(pl.col("item_code").is_duplicated())["item_code"]
                      .unique().to_list())
        raise ValueError(f"price_list: item_code(s) {dups[:20]} appear more than once")
    if cost_lines["case_id"].null_count() or cost_lines["item_code"].null_count():
        raise ValueError("cost_lines: case_id and item_code may not be null")
    _check_finite_nonnegative(cost_lines, "quantity", "cost_lines")
    scen = cost_lines["scenario"].cast(pl.String)
    unknown_scen = sorted(set(scen.unique().to_list()) - set(SCENARIOS), key=str)
    if unknown_scen:
        raise ValueError(
            f"cost_lines: unknown scenario(s) {unknown_scen}; allowed {list(SCENARIOS)}"
        )

    prices = index_prices(price_list, cpi, to_year=price_year).select(
        pl.col("item_code").cast(pl.String), "unit_price_indexed", "payer", "domain"
    )
    unknown = (
        cost_lines.select(pl.col("item_code").cast(pl.String).unique())
        .join(prices, on="item_code", how="anti")["item_code"]
        .sort()
        .to_list()
    )
    if unknown:
        more = f" and {len(unknown) - 20} more" if len(unknown) > 20 else ""
        raise ValueError(
            f"cost_lines: item code(s) not in the price list: {unknown[:20]}{more}"
        )
    lines = cost_lines.with_columns(
        pl.col("item_code").cast(pl.String),
        pl.col("scenario").cast(pl.String).cast(_SCENARIO_DTYPE),
        pl.col("quantity").cast(pl.Float64),
    )
    return _with_prices(lines, prices).with_columns(
        amount_eur=pl.col("quantity") * pl.col("unit_price_indexed"))


def _with_prices(lines: pl.DataFrame, prices: pl.DataFrame) -> pl.DataFrame:
    """The price list's columns beside each line (every item code is in the price list).

    The item code is cast to an Enum of the price list's codes (a lookup in a table of a few
    hundred), and each price-list column is gathered by that position: the left join's
    result, without its hash table of ten million probes. Lines that already carry a column
    of the price list's name get the join itself (which names the new one ``*_right``).
    """
    added = [c for c in prices.columns if c != "item_code"]
    if any(c in lines.columns for c in added):
        return lines.join(prices, on="item_code", how="left", validate="m:1",
                          maintain_order="left")
    codes = prices.get_column("item_code")
    position = lines.get_column("item_code").cast(pl.Enum(codes.to_list())).to_physical()
    return lines.with_columns(prices.get_column(c).gather(position) for c in added)


# ---------------------------------------------------------------------------------------
# per case / scenario / payer
# ---------------------------------------------------------------------------------------


def _scenario_sums() -> list[pl.Expr]:
    return [
        pl.col("amount_eur").filter(pl.col("scenario") == s).sum().alias(s) for s in SCENARIOS
    ]


def costs_per_case(priced: pl.DataFrame, *, payback_against: str = "current") -> pl.DataFrame:
    """One row per case: cost per scenario, yearly savings and payback time in months.

    Columns: case_id, n_lines, huidig, zonder_oplossing, oplossing_eenmalig, na_oplossing,
    saving_vs_current, saving_vs_nothing, payback_months, payback_reason. ``payback_against``
    chooses the saving the one-off cost is earned back from (``current`` or ``nothing``).
    Payback is null with reason ``saving_not_positive`` when that saving is <= 0 (and
    ``saving_too_small`` when the division overflows).
    """
    _require_columns(priced, ["case_id", "scenario", "amount_eur"], "priced cost lines")
    if payback_against not in ("current", "nothing"):
        raise ValueError("payback_against must be 'current' or 'nothing'")
    saving = "saving_vs_current" if payback_against == "current" else "saving_vs_nothing"
    # A plain sum per group (3x faster than a filter inside the aggregation); the other
    # scenarios' lines are null, not 0.0, and the frame is eager: so every sum adds the same
    # numbers in the same order as the filtered sum and gives the same bits (the lazy engine
    # or added zeros change the last bits, and the BCa intervals built on them; tested).
    # The groups in the order of their first line: half the CPU of the unordered group-by
    # at 10 M lines (the same sums, bit for bit), and cases listed in the order of their ids,
    # as files usually are, then need no real sort.
    amounts = [pl.when(pl.col("scenario") == s).then(pl.col("amount_eur")).alias(s)
               for s in SCENARIOS]
    return (
        priced.select("case_id", *amounts)
        .group_by("case_id", maintain_order=True)
        .agg(pl.len().cast(pl.Int64).alias("n_lines"), *[pl.col(s).sum() for s in SCENARIOS])
        .with_columns(
            saving_vs_current=pl.col("huidig") - pl.col("na_oplossing"),
            saving_vs_nothing=pl.col("zonder_oplossing") - pl.col("na_oplossing"),
        )
        .with_columns(
            _payback=pl.when(pl.col(saving) > 0)
            .then(pl.col(ONE_OFF_SCENARIO) / (pl.col(saving) / 12.0))
            .otherwise(None),
        )
        .with_columns(
            payback_months=pl.when(pl.col("_payback").is_finite()).then(pl.col("_payback")),
            payback_reason=pl.when(pl.col(saving) <= 0)
            .then(pl.lit(PAYBACK_NO_SAVING))
            .when(~pl.col("_payback").is_finite())
            .then(pl.lit(PAYBACK_TOO_SMALL_SAVING))
            .otherwise(pl.lit(None, dtype=pl.String)),
        )
        .drop("_payback")
        .sort("case_id")
    )


def costs_per_scenario(
    per_case: pl.DataFrame,
    *,
    seed: int | None = None,
    n_resamples: int = 10_000,
    confidence: float = 0.95,
) -> pl.DataFrame:
    """Summary per scenario and per saving over cases: n, mean, sd, median, min, max, total.

    Rows in the order of ``SCENARIOS`` then ``SAVING_MEASURES`` (column ``measure``). With a
    ``seed``, also ``ci_low, ci_high``: the BCa bootstrap interval of each mean (as
    :func:`mean_saving_ci`; costs are skewed), null where it is undefined (fewer than two
    cases, or all cases the same amount, e.g. a scenario that costs nothing).
    """
    from ruwaard_analysis.stats.bootstrap import bootstrap_ci

    measures = [*SCENARIOS, *SAVING_MEASURES]
    _require_columns(per_case, measures, "per-case costs")
    if per_case.height == 0:
        raise InsufficientDataError("no cases to summarise")
    rows = []
    for m in measures:
        s = per_case[m].cast(pl.Float64)
        row = {
            "measure": m,
            "n": s.len(),
            "mean": s.mean(),
            "sd": s.std(ddof=1) if s.len() > 1 else None,
            "median": s.median(),
            "min": s.min(),
            "max": s.max(),
            "total": s.sum(),
        }
        if seed is not None:
            try:
                ci = bootstrap_ci(_as_float_array(s, m), "mean", n_resamples=n_resamples,
                                  confidence=confidence, method="BCa", seed=seed)
                row |= {"ci_low": float(ci.low), "ci_high": float(ci.high)}
            except InsufficientDataError:
                row |= {"ci_low": None, "ci_high": None}
        rows.append(row)
    schema = {
        "measure": pl.String, "n": pl.Int64, "mean": pl.Float64, "sd": pl.Float64,
        "median": pl.Float64, "min": pl.Float64, "max": pl.Float64, "total": pl.Float64,
    }
    if seed is not None:
        schema |= {"ci_low": pl.Float64, "ci_high": pl.Float64}
    return pl.DataFrame(rows, schema=schema)


def _case_key(case_id: pl.Series) -> pl.Series:
    """A key that is equal for two lines exactly when their case ids are, cheap to count.

    A micro-analysis lists a case's lines together: then the number of the run of equal
    ids (``rle_id``) is such a key, and counting distinct integers is a third of the work of
    counting distinct strings over ten million lines. Whether every case is one run is
    checked on the first id of each run (a tenth of the lines); otherwise the id itself.
    """
    heads = case_id.filter(case_id.ne_missing(case_id.shift(1)))
    return case_id.rle_id() if heads.n_unique() == heads.len() else case_id


def _free_name(df: pl.DataFrame, name: str) -> str:
    """``name``, lengthened until no column of ``df`` has it (a helper column)."""
    while name in df.columns:
        name += "_"
    return name


def costs_per_payer(priced: pl.DataFrame) -> pl.DataFrame:
    """The Effectenarena view: per payer what it invests once and gains per year.

    Columns: payer, n_cases, huidig, zonder_oplossing, oplossing_eenmalig, na_oplossing,
    investment (= oplossing_eenmalig), yearly_gain_vs_current (= huidig - na_oplossing),
    yearly_gain_vs_nothing (= zonder_oplossing - na_oplossing), net_first_year
    (= yearly_gain_vs_current - investment). Totals over all cases; sorted by payer.
    """
    _require_columns(priced, ["case_id", "scenario", "amount_eur", "payer"], "priced cost lines")
    case = _free_name(priced, "_case")
    return (
        priced.with_columns(_case_key(priced.get_column("case_id")).alias(case))
        .group_by("payer")
        .agg(pl.col(case).n_unique().cast(pl.Int64).alias("n_cases"), *_scenario_sums())
        .with_columns(
            investment=pl.col(ONE_OFF_SCENARIO),
            yearly_gain_vs_current=pl.col("huidig") - pl.col("na_oplossing"),
            yearly_gain_vs_nothing=pl.col("zonder_oplossing") - pl.col("na_oplossing"),
        )
        .with_columns(net_first_year=pl.col("yearly_gain_vs_current") - pl.col("investment"))
        .sort("payer")
    )


# ---------------------------------------------------------------------------------------
# inference on savings
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SavingEstimate:
    """Mean yearly saving per case with a bootstrap confidence interval."""

    measure: str
    mean: float
    median: float
    ci_low: float
    ci_high: float
    confidence: float
    method: str
    n_resamples: int
    n: int


def mean_saving_ci(
    per_case: pl.DataFrame,
    *,
    seed: int,
    measure: str = "saving_vs_current",
    n_resamples: int = 10_000,
    confidence: float = 0.95,
) -> SavingEstimate:
    """Mean saving per case with a BCa bootstrap CI (costs are skewed: no normal CI)."""
    from ruwaard_analysis.stats.bootstrap import bootstrap_ci

    if measure not in per_case.columns:
        raise ValueError(f"per-case costs lack column '{measure}'")
    values = _as_float_array(per_case[measure], measure)
    if values.size < 2:
        raise InsufficientDataError(f"{measure}: n = {values.size}, need at least 2 cases")
    if np.ptp(values) == 0:
        raise InsufficientDataError(f"{measure}: all {values.size} savings are equal")
    ci = bootstrap_ci(values, "mean", n_resamples=n_resamples, confidence=confidence,
                      method="BCa", seed=seed)
    return SavingEstimate(
        measure=measure,
        mean=float(values.mean()),
        median=float(np.median(values)),
        ci_low=float(ci.low),
        ci_high=float(ci.high),
        confidence=float(ci.confidence),
        method=str(ci.method),
        n_resamples=int(ci.n_resamples),
        n=int(values.size),
    )


@dataclass(frozen=True)
class PopulationEstimate:
    """Total over a finite population of cases estimated from a simple random sample."""

    total: float
    ci_low: float
    ci_high: float
    mean: float
    mean_ci_low: float
    mean_ci_high: float
    se_mean: float
    se_total: float
    fpc: float  # multiplier of the standard error: sqrt(1 - n/N)
    confidence: float
    df: int
    n: int
    population_size: int


def extrapolate_to_population(
    savings: Any, *, population_size: int, confidence: float = 0.95
) -> PopulationEstimate:
    """Extrapolate a simple random sample without replacement to all ``population_size`` cases.

    Mean ``ybar``, sample variance ``s2`` (ddof 1). The unbiased variance estimator of the
    mean under simple random sampling without replacement is ``(1 - n/N) s2 / n`` (Cochran
    1977, thm 2.2 / Lohr 2022, eq. 2.12); the standard error is multiplied by
    ``fpc = sqrt(1 - n/N)``. (The often-quoted ``sqrt((N - n)/(N - 1))`` belongs with the
    population variance of divisor N; with ``s2`` it is ``1 - n/N``.) The interval is
    t-based with n - 1 degrees of freedom; the total is ``N * ybar`` with SE ``N * SE(ybar)``.
    """
    values = _as_float_array(savings, "savings")
    n = int(values.size)
    if isinstance(population_size, bool) or not isinstance(population_size, int | np.integer):
        raise ValueError(f"population_size must be an integer, got {population_size!r}")
    big_n = int(population_size)
    _check_fraction("confidence", confidence, low=0.0, high=1.0)
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie strictly between 0 and 1")
    if n < 2:
        raise InsufficientDataError(f"savings: n = {n}, need at least 2 sampled cases")
    if big_n < n:
        raise ValueError(f"population_size {big_n} is smaller than the sample size {n}")
    s = float(np.std(values, ddof=1))
    if s == 0:
        raise InsufficientDataError(f"savings: no variance among the {n} sampled cases")
    mean = float(values.mean())
    fpc = math.sqrt(1.0 - n / big_n)
    se_mean = s / math.sqrt(n) * fpc
    from scipy import stats as sps  # here only: 1-2 s of import the pricing does not need

    tq = float(sps.t.ppf(0.5 + confidence / 2, df=n - 1))
    half = tq * se_mean
    return PopulationEstimate(
        total=big_n * mean,
        ci_low=big_n * (mean - half),
        ci_high=big_n * (mean + half),
        mean=mean,
        mean_ci_low=mean - half,
        mean_ci_high=mean + half,
        se_mean=se_mean,
        se_total=big_n * se_mean,
        fpc=fpc,
        confidence=float(confidence),
        df=n - 1,
        n=n,
        population_size=big_n,
    )


# ---------------------------------------------------------------------------------------
# multi-year projection and sensitivity
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MultiYearProjection:
    """Cash flows per year (year 0 = the one-off investment) and their present value."""

    table: pl.DataFrame = field(compare=False)
    npv: float
    pv_savings: float
    one_off_cost: float
    benefit_cost_ratio: float | None  # pv_savings / one_off_cost; None when one_off is 0
    discounted_payback_year: int | None  # first year the cumulative discounted flow >= 0
    years: int
    deadweight: float
    attribution: float
    drop_off: float
    discount_rate: float


def project_multi_year(
    yearly_saving: float,
    one_off_cost: float,
    *,
    years: int = 5,
    deadweight: float = 0.0,
    attribution: float = 1.0,
    drop_off: float = 0.0,
    discount_rate: float = config.DISCOUNT_RATE,
) -> MultiYearProjection:
    """Project a yearly saving over ``years`` years with the usual SROI/MKBA adjustments.

    Year t = 1..years: gross = yearly_saving * (1 - drop_off)^(t-1);
    net = gross * (1 - deadweight) * attribution; discounted = net / (1 + r)^t.
    Year 0 carries the one-off cost, undiscounted. NPV = sum of discounted flows - one-off.
    Default r is the Dutch MKBA real discount rate (``config.DISCOUNT_RATE``).
    """
    for name, v in (("yearly_saving", yearly_saving), ("one_off_cost", one_off_cost)):
        if isinstance(v, bool) or not (isinstance(v, int | float | np.integer | np.floating)
                                       and math.isfinite(float(v))):
            raise ValueError(f"{name} must be a finite number, got {v!r}")
    if float(one_off_cost) < 0:
        raise ValueError("one_off_cost must be >= 0")
    if isinstance(years, bool) or not isinstance(years, int | np.integer) or years < 1:
        raise ValueError(f"years must be an integer >= 1, got {years!r}")
    _check_fraction("deadweight", deadweight)
    _check_fraction("attribution", attribution)
    _check_fraction("drop_off", drop_off)
    _check_fraction("discount_rate", discount_rate, low=0.0, high=1.0)

    t = np.arange(0, int(years) + 1)
    gross = np.where(t >= 1, float(yearly_saving) * (1.0 - drop_off) ** np.maximum(t - 1, 0), 0.0)
    net = gross * (1.0 - deadweight) * attribution
    cost = np.where(t == 0, float(one_off_cost), 0.0)
    flow = net - cost
    factor = (1.0 + discount_rate) ** (-t.astype(float))
    discounted = flow * factor
    cumulative = np.cumsum(discounted)
    table = pl.DataFrame({
        "year": t.astype(np.int64),
        "gross_saving": gross,
        "net_saving": net,
        "cost": cost,
        "cash_flow": flow,
        "discount_factor": factor,
        "discounted": discounted,
        "cumulative_discounted": cumulative,
    })
    pv_savings = float((net * factor).sum())
    npv = float(discounted.sum())
    reached = np.nonzero(cumulative >= 0)[0]
    payback = int(t[reached[0]]) if reached.size else None
    return MultiYearProjection(
        table=table,
        npv=npv,
        pv_savings=pv_savings,
        one_off_cost=float(one_off_cost),
        benefit_cost_ratio=pv_savings / float(one_off_cost) if one_off_cost > 0 else None,
        discounted_payback_year=payback,
        years=int(years),
        deadweight=float(deadweight),
        attribution=float(attribution),
        drop_off=float(drop_off),
        discount_rate=float(discount_rate),
    )


DEFAULT_SENSITIVITY_RANGES: dict[str, tuple[float, float]] = {
    # Plausible one-way ranges (low, high) for each assumption; override per analysis.
    "deadweight": (0.0, 0.5),
    "attribution": (0.5, 1.0),
    "drop_off": (0.0, 0.33),
    "discount_rate": (0.0, 0.04),
    "years": (3, 10),
}


def sensitivity(
    yearly_saving: float,
    one_off_cost: float,
    *,
    base: Mapping[str, float] | None = None,
    ranges: Mapping[str, tuple[float, float]] | None = None,
) -> pl.DataFrame:
    """One-way sensitivity of the NPV (a tornado table), ordered by swing, largest first.

    ``base`` holds the base-case assumptions (keys of ``project_multi_year``: years,
    deadweight, attribution, drop_off, discount_rate; defaults as there). ``ranges`` maps
    each assumption to vary -- those keys plus ``yearly_saving`` and ``one_off_cost`` (e.g.
    the bootstrap CI of the mean saving) -- to (low, high); default
    ``DEFAULT_SENSITIVITY_RANGES`` plus +/-25% on the saving and the one-off cost.
    Columns: parameter, base_value, low_value, high_value, npv_base, npv_low, npv_high, swing.
    """
    allowed = {"years", "deadweight", "attribution", "drop_off", "discount_rate"}
    base_params: dict[str, Any] = {"years": 5, "deadweight": 0.0, "attribution": 1.0,
                                   "drop_off": 0.0, "discount_rate": config.DISCOUNT_RATE}
    for k, v in (base or {}).items():
        if k not in allowed:
            raise ValueError(f"unknown base assumption '{k}'; allowed {sorted(allowed)}")
        base_params[k] = v
    if ranges is None:
        ranges = dict(DEFAULT_SENSITIVITY_RANGES)
        ranges["yearly_saving"] = (0.75 * yearly_saving, 1.25 * yearly_saving)
        ranges["one_off_cost"] = (0.75 * one_off_cost, 1.25 * one_off_cost)
    base_inputs = {"yearly_saving": float(yearly_saving), "one_off_cost": float(one_off_cost)}

    def npv(**over: Any) -> float:
        inputs = {**base_inputs, **{k: v for k, v in over.items() if k in base_inputs}}
        params = {**base_params, **{k: v for k, v in over.items() if k in allowed}}
        if "years" in over:
            params["years"] = int(round(over["years"]))
        return project_multi_year(inputs["yearly_saving"], inputs["one_off_cost"], **params).npv

    npv_base = npv()
    rows = []
    for name, (low, high) in ranges.items():
        if name not in allowed and name not in base_inputs:
            raise ValueError(f"unknown assumption '{name}' in ranges")
        base_value = base_inputs.get(name, base_params.get(name))
        lo, hi = npv(**{name: low}), npv(**{name: high})
        rows.append({
            "parameter": name,
            "base_value": float(base_value),
            "low_value": float(low),
            "high_value": float(high),
            "npv_base": npv_base,
            "npv_low": lo,
            "npv_high": hi,
            "swing": abs(hi - lo),
        })
    schema = {"parameter": pl.String, "base_value": pl.Float64, "low_value": pl.Float64,
              "high_value": pl.Float64, "npv_base": pl.Float64, "npv_low": pl.Float64,
              "npv_high": pl.Float64, "swing": pl.Float64}
    return pl.DataFrame(rows, schema=schema).sort(["swing", "parameter"],
                                                  descending=[True, False])
