"""Descriptive summaries with a t-based confidence interval of the mean, per group."""

from __future__ import annotations

import math
from collections.abc import Sequence

import polars as pl
from scipy import stats as sps


def t_quantile(n: int, confidence: float = 0.95) -> float:
    """The two-sided t quantile for a mean of ``n`` values (``n - 1`` degrees of freedom)."""
    return float(sps.t.ppf(0.5 + confidence / 2, n - 1))


def t_interval(mean: float, sd: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The t-based ``confidence`` interval of a mean of ``n`` values with standard deviation
    ``sd``: mean -/+ t(n-1) * sd / sqrt(n)."""
    if n < 2:
        raise ValueError("a t-interval needs at least two values")
    half = t_quantile(n, confidence) * sd / math.sqrt(n)
    return mean - half, mean + half


def mean_ci_by(
    df: pl.DataFrame,
    *,
    by: str | Sequence[str],
    value: str,
    confidence: float = 0.95,
) -> pl.DataFrame:
    """Per group: n, mean, sd and the t-based ``confidence`` interval of the mean.

    Nulls in ``value`` are left out of n; NaN is refused. Groups with n < 2 keep their n and
    mean but get null sd and interval (no spread to base it on). Sorted by the group keys.
    """
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie strictly between 0 and 1")
    by = [by] if isinstance(by, str) else list(by)
    if df[value].dtype.is_float() and df[value].is_nan().any():
        raise ValueError(f"column {value!r} holds NaN; remove or fix those rows first")
    out = (
        df.filter(pl.col(value).is_not_null())
        .group_by(by)
        .agg(
            pl.len().cast(pl.Int64).alias("n"),
            pl.col(value).cast(pl.Float64).mean().alias("mean"),
            pl.col(value).cast(pl.Float64).std(ddof=1).alias("sd"),
        )
        .sort(by)
    )
    q = [t_quantile(n, confidence) if n >= 2 else None for n in out["n"].to_list()]
    half = pl.Series("q", q, dtype=pl.Float64) * out["sd"] / out["n"].cast(pl.Float64).sqrt()
    return out.with_columns(
        (pl.col("mean") - half).alias("ci_low"), (pl.col("mean") + half).alias("ci_high")
    )


def distribution_by(
    df: pl.DataFrame,
    *,
    by: str | Sequence[str],
    value: str,
    confidence: float = 0.95,
) -> pl.DataFrame:
    """Per group: n, mean with its t-interval (as :func:`mean_ci_by`), and the quartiles
    ``p25``, ``median``, ``p75`` (linear interpolation between order statistics: numpy's
    default and R's ``quantile(type = 7)``).

    The spread of a group without any single value in it: no minimum or maximum (those are one
    person's score). Sorted by the group keys.
    """
    by_cols = [by] if isinstance(by, str) else list(by)
    df = df.sort([*by_cols, value], nulls_last=True)  # same rows in any order: same bytes
    means = mean_ci_by(df, by=by_cols, value=value, confidence=confidence)
    quartiles = (
        df.filter(pl.col(value).is_not_null())
        .group_by(by_cols)
        .agg(
            pl.col(value).cast(pl.Float64).quantile(q, interpolation="linear").alias(name)
            for q, name in ((0.25, "p25"), (0.5, "median"), (0.75, "p75"))
        )
    )
    return means.join(quartiles, on=by_cols, how="left").select(
        *by_cols, "n", "mean", "ci_low", "ci_high", "p25", "median", "p75"
    ).sort(by_cols)
