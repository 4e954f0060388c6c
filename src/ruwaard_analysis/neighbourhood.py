"""Neighbourhood vitality: GGD health indicators of the wijk against gemeente, Nederland and
comparison wijken; trends over survey waves; wijkbudget per inhabitant.

Caveat carried by every result (``model_based=True``): the GGD/RIVM figures per wijk and
buurt (CBS table 50120NED, "Gezondheid per wijk en buurt") are model-based small-area
estimates from the Gezondheidsmonitor, not direct survey means. Their intervals come from
the model; neighbouring areas borrow strength from each other, so differences between a
wijk and its gemeente are shrunk towards zero and tests of them are approximate.

Standard errors are recovered from the published 95% interval as
``(ci_upper - ci_lower) / (2 * 1.959964)``; two estimates are compared with a two-sided z
test that treats them as independent. A wijk is part of its gemeente (and of Nederland), so
the true covariance is positive and the independence SE is too large: the test is
conservative. Waves of the monitor are separate samples, so successive waves are treated as
independent too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from scipy import stats as sps

from ruwaard_analysis import config
from ruwaard_analysis.errors import InsufficientDataError

Z95 = float(sps.norm.ppf(0.975))  # the published intervals are 95% intervals
SE_METHOD = "ci_half_width_over_z95"

_GGD_COLUMNS = ("area_code", "area_level", "year", "age_group", "indicator_code",
                "indicator_label", "estimate_pct", "ci_lower", "ci_upper")


def _require_columns(df: pl.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s) {missing}; it has {df.columns}")


def _check_ggd(ggd: pl.DataFrame) -> pl.DataFrame:
    _require_columns(ggd, _GGD_COLUMNS, "ggd_indicators")
    ggd = ggd.with_columns(
        pl.col("year").cast(pl.Int64),
        *(pl.col(c).cast(pl.Float64) for c in ("estimate_pct", "ci_lower", "ci_upper")),
    )
    est, lo, hi = pl.col("estimate_pct"), pl.col("ci_lower"), pl.col("ci_upper")
    finite = [c.is_not_null() & c.is_finite() for c in (est, lo, hi)]
    bad = ggd.filter(
        ~(finite[0] & finite[1] & finite[2])
        | (lo > est) | (est > hi) | (lo < 0) | (hi > 100)
    )
    if bad.height:
        raise ValueError(
            f"ggd_indicators: {bad.height} row(s) with a missing, NaN or out-of-range estimate "
            f"or interval (need 0 <= ci_lower <= estimate <= ci_upper <= 100); first: "
            f"{bad.row(0, named=True)}"
        )
    key = ["area_code", "year", "age_group", "indicator_code"]
    dup = ggd.filter(pl.struct(key).is_duplicated())
    if dup.height:
        raise ValueError(f"ggd_indicators: duplicate rows for {dup.select(key).row(0)}")
    return ggd


def _se(lo: pl.Expr, hi: pl.Expr) -> pl.Expr:
    return (hi - lo) / (2.0 * Z95)


def _z_test_columns(prefix: str, est_a: str, se_a: str, est_b: str, se_b: str,
                    confidence: float) -> list[pl.Expr]:
    """Difference a - b, its SE, CI, z and two-sided p; null when both SEs are zero."""
    zq = float(sps.norm.ppf(0.5 + confidence / 2))
    diff = pl.col(est_a) - pl.col(est_b)
    se = (pl.col(se_a) ** 2 + pl.col(se_b) ** 2).sqrt()
    se_ok = pl.when(se > 0).then(se).otherwise(None)
    return [
        diff.alias(f"diff_{prefix}"),
        se_ok.alias(f"se_diff_{prefix}"),
        (diff - zq * se_ok).alias(f"diff_{prefix}_ci_lower"),
        (diff + zq * se_ok).alias(f"diff_{prefix}_ci_upper"),
        (diff / se_ok).alias(f"z_{prefix}"),
    ]


def _p_from_z(z: pl.Series) -> pl.Series:
    arr = z.to_numpy().astype(float)
    p = 2.0 * sps.norm.sf(np.abs(arr))
    return pl.Series(p, dtype=pl.Float64).fill_nan(None)


def _holm(p: pl.Series) -> pl.Series:
    """Holm-adjusted p values (nulls stay null)."""
    from statsmodels.stats.multitest import multipletests

    arr = p.to_numpy().astype(float)
    ok = np.isfinite(arr)
    out = np.full(arr.shape, np.nan)
    if ok.any():
        out[ok] = multipletests(arr[ok], method="holm")[1]
    return pl.Series(out, dtype=pl.Float64).fill_nan(None)


def compare_areas(
    ggd: pl.DataFrame,
    *,
    year: int,
    wijk: str = config.WIJK_CODE,
    gemeente: str = config.GEMEENTE_CODE,
    nederland: str = config.NEDERLAND_CODE,
    age_group: str = "18+",
    confidence: float = 0.95,
) -> pl.DataFrame:
    """Per indicator the wijk beside gemeente and Nederland, with z tests of the differences.

    One row per indicator available for the wijk in ``year`` and ``age_group``. Columns per
    area ``{wijk,gemeente,nederland}_{estimate,ci_lower,ci_upper,se}``; per comparison
    (``vs_gemeente``, ``vs_nederland``) the difference in percentage points, its SE, CI at
    ``confidence``, z, two-sided p and Holm-adjusted p over the indicators; plus
    ``se_method`` and ``model_based`` (always True: see the module docstring). An area
    lacking an indicator gives nulls in its columns.
    """
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie strictly between 0 and 1")
    g = _check_ggd(ggd).filter((pl.col("year") == int(year)) & (pl.col("age_group") == age_group))
    base = g.filter(pl.col("area_code") == wijk)
    if base.height == 0:
        raise InsufficientDataError(
            f"no GGD indicators for wijk {wijk} in {year} (age group {age_group})"
        )
    out = base.select("indicator_code", "indicator_label", "year", "age_group")
    for role, code in (("wijk", wijk), ("gemeente", gemeente), ("nederland", nederland)):
        part = g.filter(pl.col("area_code") == code).select(
            "indicator_code",
            pl.col("estimate_pct").alias(f"{role}_estimate"),
            pl.col("ci_lower").alias(f"{role}_ci_lower"),
            pl.col("ci_upper").alias(f"{role}_ci_upper"),
            _se(pl.col("ci_lower"), pl.col("ci_upper")).alias(f"{role}_se"),
        )
        out = out.join(part, on="indicator_code", how="left", maintain_order="left")
    out = out.with_columns(
        *_z_test_columns("vs_gemeente", "wijk_estimate", "wijk_se", "gemeente_estimate",
                         "gemeente_se", confidence),
        *_z_test_columns("vs_nederland", "wijk_estimate", "wijk_se", "nederland_estimate",
                         "nederland_se", confidence),
    )
    for comp in ("vs_gemeente", "vs_nederland"):
        p = _p_from_z(out[f"z_{comp}"])
        out = out.with_columns(p.alias(f"p_{comp}"), _holm(p).alias(f"p_{comp}_holm"))
    return out.with_columns(
        pl.lit(SE_METHOD).alias("se_method"),
        pl.lit(True).alias("model_based"),
        pl.lit(float(confidence)).alias("confidence"),
    ).sort("indicator_code")


def indicator_trend(
    ggd: pl.DataFrame,
    *,
    area_code: str = config.WIJK_CODE,
    age_group: str = "18+",
    confidence: float = 0.95,
) -> pl.DataFrame:
    """Each indicator of one area per survey wave, with the change since the previous wave.

    Columns: indicator_code, indicator_label, year, estimate_pct, ci_lower, ci_upper, se,
    previous_year, change_pct_points, change_se, change_ci_lower, change_ci_upper, z_change,
    p_change (null for the first wave of an indicator), model_based.
    """
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie strictly between 0 and 1")
    g = _check_ggd(ggd).filter(
        (pl.col("area_code") == area_code) & (pl.col("age_group") == age_group)
    )
    if g.height == 0:
        raise InsufficientDataError(f"no GGD indicators for area {area_code} ({age_group})")
    g = g.sort(["indicator_code", "year"]).with_columns(
        se=_se(pl.col("ci_lower"), pl.col("ci_upper"))
    )
    prev = lambda c: pl.col(c).shift(1).over("indicator_code")  # noqa: E731
    zq = float(sps.norm.ppf(0.5 + confidence / 2))
    out = g.select(
        "indicator_code", "indicator_label", "year", "estimate_pct", "ci_lower", "ci_upper", "se",
        prev("year").alias("previous_year"),
        (pl.col("estimate_pct") - prev("estimate_pct")).alias("change_pct_points"),
        (pl.col("se") ** 2 + prev("se") ** 2).sqrt().alias("_se_change"),
    ).with_columns(
        change_se=pl.when(pl.col("_se_change") > 0).then(pl.col("_se_change")).otherwise(None)
    ).drop("_se_change").with_columns(
        change_ci_lower=pl.col("change_pct_points") - zq * pl.col("change_se"),
        change_ci_upper=pl.col("change_pct_points") + zq * pl.col("change_se"),
        z_change=pl.col("change_pct_points") / pl.col("change_se"),
    )
    return out.with_columns(
        _p_from_z(out["z_change"]).alias("p_change"),
        pl.lit(True).alias("model_based"),
    )


@dataclass(frozen=True)
class DiffInDiff:
    """Difference-in-differences of one treated wijk against comparison wijken.

    ``estimate`` = (post - pre of the treated wijk) - mean(post - pre of the controls), in
    percentage points. Inference is by in-space placebos: each control in turn plays the
    treated wijk against the remaining controls; ``p_value`` is the share of all effects
    (treated plus placebos) at least as large in absolute value as the treated effect, so its
    smallest possible value is ``1 / (n_controls + 1)``.
    """

    indicator_code: str
    treated: str
    pre_year: int
    post_year: int
    estimate: float
    treated_change: float
    control_mean_change: float
    placebo_areas: tuple[str, ...]
    placebo_effects: tuple[float, ...] = field(repr=False)
    p_value: float
    rank: int  # 1 = the treated effect is the largest in absolute value
    min_p_value: float
    n_controls: int
    model_based: bool = True

    def summary(self) -> dict:
        """One flat record (no placebo lists): a row of a results table."""
        return {
            "indicator_code": self.indicator_code, "treated": self.treated,
            "pre_year": self.pre_year, "post_year": self.post_year, "estimate": self.estimate,
            "treated_change": self.treated_change,
            "control_mean_change": self.control_mean_change, "p_value": self.p_value,
            "rank": self.rank, "min_p_value": self.min_p_value, "n_controls": self.n_controls,
            "model_based": self.model_based,
        }

    def placebo_frame(self) -> pl.DataFrame:
        """The treated effect and every placebo effect (for a placebo distribution chart)."""
        return pl.DataFrame({
            "area_code": [self.treated, *self.placebo_areas],
            "is_treated": [True] + [False] * len(self.placebo_areas),
            "effect": [self.estimate, *self.placebo_effects],
        })


def diff_in_diff(
    ggd: pl.DataFrame,
    *,
    treated: str,
    controls: Sequence[str],
    indicator_code: str,
    pre_year: int,
    post_year: int,
    age_group: str = "18+",
) -> DiffInDiff:
    """Difference-in-differences with placebo (permutation) inference over the controls.

    With a single treated wijk no standard error of the estimate is trustworthy, so none is
    given: the effect is ranked among the placebo effects instead (Abadie et al. 2010).
    Needs at least two controls; every area needs the indicator in both years.
    """
    controls = list(dict.fromkeys(controls))
    if treated in controls:
        raise ValueError(f"treated wijk {treated} is also among the controls")
    if len(controls) < 2:
        raise InsufficientDataError(
            f"placebo inference needs at least 2 comparison wijken, got {len(controls)}"
        )
    if int(pre_year) >= int(post_year):
        raise ValueError(f"pre_year {pre_year} must come before post_year {post_year}")
    areas = [treated, *controls]
    g = _check_ggd(ggd).filter(
        (pl.col("indicator_code") == indicator_code)
        & (pl.col("age_group") == age_group)
        & pl.col("year").is_in([int(pre_year), int(post_year)])
        & pl.col("area_code").is_in(areas)
    )
    change = {}
    missing = []
    for a in areas:
        rows = g.filter(pl.col("area_code") == a)
        pre = rows.filter(pl.col("year") == int(pre_year))["estimate_pct"]
        post = rows.filter(pl.col("year") == int(post_year))["estimate_pct"]
        if pre.len() != 1 or post.len() != 1:
            missing.append(a)
            continue
        change[a] = float(post[0]) - float(pre[0])
    if missing:
        raise ValueError(
            f"indicator {indicator_code} ({age_group}) lacks {pre_year} or {post_year} for "
            f"area(s) {missing}"
        )
    ctrl = np.array([change[c] for c in controls])
    effect = change[treated] - float(ctrl.mean())
    placebos = []
    for i, c in enumerate(controls):
        rest = np.delete(ctrl, i)
        placebos.append(change[c] - float(rest.mean()))
    all_abs = np.abs(np.array([effect, *placebos]))
    # tolerance so that ties computed with different rounding still count as ties
    tol = 1e-9 * max(1.0, float(all_abs.max()))
    at_least = int(np.sum(all_abs >= abs(effect) - tol))
    n_all = len(controls) + 1
    if not math.isfinite(effect):
        raise ValueError("difference-in-differences estimate is not finite")
    return DiffInDiff(
        indicator_code=indicator_code,
        treated=treated,
        pre_year=int(pre_year),
        post_year=int(post_year),
        estimate=effect,
        treated_change=change[treated],
        control_mean_change=float(ctrl.mean()),
        placebo_areas=tuple(controls),
        placebo_effects=tuple(placebos),
        p_value=at_least / n_all,
        rank=at_least,
        min_p_value=1.0 / n_all,
        n_controls=len(controls),
    )


def diff_in_diff_table(
    ggd: pl.DataFrame,
    *,
    treated: str,
    pre_year: int,
    post_year: int,
    controls: Sequence[str] | None = None,
    age_group: str = "18+",
) -> pl.DataFrame:
    """:func:`diff_in_diff` for every indicator the treated wijk has in both years.

    ``controls`` defaults to every other wijk in ``ggd``. Per indicator only the controls
    with both years take part (``n_controls`` says how many); an indicator with fewer than
    two such controls is left out. One row per indicator (``DiffInDiff.summary``), sorted
    by indicator code; an empty frame when no indicator qualifies.
    """
    g = _check_ggd(ggd).filter(
        (pl.col("age_group") == age_group) & pl.col("year").is_in([int(pre_year), int(post_year)])
    )
    both = (
        g.group_by("indicator_code", "area_code")
        .agg(pl.col("year").n_unique().alias("waves"))
        .filter(pl.col("waves") == 2)
    )
    if controls is None:
        controls = (g.filter((pl.col("area_level") == "wijk") & (pl.col("area_code") != treated))
                    ["area_code"].unique().sort().to_list())
    rows = []
    for code in sorted(both.filter(pl.col("area_code") == treated)["indicator_code"].to_list()):
        have = set(both.filter(pl.col("indicator_code") == code)["area_code"].to_list())
        usable = [c for c in controls if c in have and c != treated]
        if len(usable) < 2:
            continue
        rows.append(diff_in_diff(g, treated=treated, controls=usable, indicator_code=code,
                                 pre_year=pre_year, post_year=post_year,
                                 age_group=age_group).summary())
    schema = {"indicator_code": pl.String, "treated": pl.String, "pre_year": pl.Int64,
              "post_year": pl.Int64, "estimate": pl.Float64, "treated_change": pl.Float64,
              "control_mean_change": pl.Float64, "p_value": pl.Float64, "rank": pl.Int64,
              "min_p_value": pl.Float64, "n_controls": pl.Int64, "model_based": pl.Boolean}
    return pl.DataFrame(rows, schema=schema)


def budget_per_inhabitant(
    wijkbudget: pl.DataFrame,
    inhabitants: pl.DataFrame,
    *,
    area_code: str = config.WIJK_CODE,
    nearest_year: bool = True,
) -> pl.DataFrame:
    """Wijkbudget per inhabitant per year.

    Columns: year, n_budget_lines, allocated_eur, spent_eur (null when any line's spending is
    not yet known), inhabitants, inhabitants_year, allocated_per_inhabitant,
    spent_per_inhabitant. When the CBS count of a budget year is missing and ``nearest_year``
    is true the nearest year's count is used (``inhabitants_year`` says which); otherwise the
    per-inhabitant figures are null.
    """
    _require_columns(wijkbudget, ["year", "budget_line", "allocated_eur", "spent_eur"],
                     "wijkbudget")
    _require_columns(inhabitants, ["area_code", "year", "inhabitants"], "inhabitants")
    wb = wijkbudget.with_columns(
        pl.col("year").cast(pl.Int64),
        pl.col("allocated_eur").cast(pl.Float64),
        pl.col("spent_eur").cast(pl.Float64),
    )
    for c in ("allocated_eur", "spent_eur"):
        col = pl.col(c)
        bad = wb.filter(col.is_nan() | col.is_infinite() | (col < 0)
                        | (col.is_null() if c == "allocated_eur" else pl.lit(False)))
        if bad.height:
            raise ValueError(f"wijkbudget: '{c}' must be a finite number >= 0 "
                             f"(first bad row {bad.row(0, named=True)})")
    if wb.height == 0:
        raise InsufficientDataError("wijkbudget is empty")
    per_year = wb.group_by("year").agg(
        pl.len().cast(pl.Int64).alias("n_budget_lines"),
        pl.col("allocated_eur").sum(),
        pl.when(pl.col("spent_eur").null_count() == 0).then(pl.col("spent_eur").sum())
        .otherwise(None).alias("spent_eur"),
    ).sort("year")
    inh = inhabitants.filter(pl.col("area_code") == area_code).select(
        pl.col("year").cast(pl.Int64).alias("inhabitants_year"),
        pl.col("inhabitants").cast(pl.Int64),
    )
    if inh["inhabitants_year"].is_duplicated().any():
        raise ValueError(f"inhabitants: more than one count per year for {area_code}")
    if inh.filter(pl.col("inhabitants").is_null() | (pl.col("inhabitants") < 0)).height:
        raise ValueError("inhabitants: counts must be integers >= 0")
    inh = inh.filter(pl.col("inhabitants") > 0).sort("inhabitants_year")
    if nearest_year and inh.height:
        joined = per_year.join_asof(
            inh, left_on="year", right_on="inhabitants_year", strategy="nearest",
            coalesce=False,
        )
    else:
        joined = per_year.join(inh, left_on="year", right_on="inhabitants_year", how="left",
                               coalesce=False)
    return joined.select(
        "year", "n_budget_lines", "allocated_eur", "spent_eur", "inhabitants", "inhabitants_year",
        (pl.col("allocated_eur") / pl.col("inhabitants")).alias("allocated_per_inhabitant"),
        (pl.col("spent_eur") / pl.col("inhabitants")).alias("spent_per_inhabitant"),
    )


def vitality_overview(
    ggd: pl.DataFrame,
    wijkbudget: pl.DataFrame,
    inhabitants: pl.DataFrame,
    *,
    area_code: str = config.WIJK_CODE,
    age_group: str = "18+",
    indicator_codes: Sequence[str] | None = None,
    nearest_year: bool = True,
) -> pl.DataFrame:
    """The area's indicators per survey wave beside the wijkbudget per inhabitant per year.

    A full join on ``year`` of :func:`indicator_trend` (long: one row per indicator and
    wave) and :func:`budget_per_inhabitant`: survey years without budget figures and budget
    years without a survey wave both stay, with nulls on the other side. Columns: year,
    indicator_code, indicator_label, estimate_pct, ci_lower, ci_upper, change_pct_points,
    p_change, allocated_eur, spent_eur, inhabitants, allocated_per_inhabitant,
    spent_per_inhabitant, model_based.
    """
    trend = indicator_trend(ggd, area_code=area_code, age_group=age_group)
    if indicator_codes is not None:
        unknown = sorted(set(indicator_codes) - set(trend["indicator_code"].to_list()))
        if unknown:
            raise ValueError(f"indicator(s) {unknown} not available for {area_code}")
        trend = trend.filter(pl.col("indicator_code").is_in(list(indicator_codes)))
    budget = budget_per_inhabitant(wijkbudget, inhabitants, area_code=area_code,
                                   nearest_year=nearest_year)
    out = trend.select(
        "year", "indicator_code", "indicator_label", "estimate_pct", "ci_lower", "ci_upper",
        "change_pct_points", "p_change",
    ).join(
        budget.select("year", "allocated_eur", "spent_eur", "inhabitants",
                      "allocated_per_inhabitant", "spent_per_inhabitant"),
        on="year", how="full", coalesce=True,
    )
    return out.with_columns(pl.lit(True).alias("model_based")).sort(
        ["year", "indicator_code"], nulls_last=True
    )
