"""mean_ci_by against statsmodels' DescrStatsW (an independent implementation)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from statsmodels.stats.weightstats import DescrStatsW

from ruwaard_analysis.stats.summary import mean_ci_by


def test_matches_statsmodels_per_group():
    rng = np.random.default_rng(1)
    a, b = rng.normal(3, 1, 13), rng.normal(7, 2, 9)
    df = pl.DataFrame({"g": ["a"] * 13 + ["b"] * 9, "x": np.concatenate([a, b])})
    out = mean_ci_by(df, by="g", value="x", confidence=0.9)
    for g, data in (("a", a), ("b", b)):
        row = out.filter(pl.col("g") == g).row(0, named=True)
        low, high = DescrStatsW(data).tconfint_mean(alpha=0.1)
        assert row["n"] == len(data)
        assert row["mean"] == pytest.approx(data.mean())
        assert row["ci_low"] == pytest.approx(low) and row["ci_high"] == pytest.approx(high)


def test_single_observation_has_no_interval_and_nulls_are_not_counted():
    df = pl.DataFrame({"g": ["a", "a", "b"], "x": [5.0, None, 4.0]})
    out = mean_ci_by(df, by="g", value="x")
    assert out["n"].to_list() == [1, 1]
    assert out["ci_low"].to_list() == [None, None]


def test_nan_is_refused():
    with pytest.raises(ValueError, match="NaN"):
        mean_ci_by(pl.DataFrame({"g": ["a", "a"], "x": [1.0, float("nan")]}), by="g", value="x")


def test_distribution_by_gives_numpy_quartiles_and_the_mean_interval():
    import numpy as np
    from scipy import stats as sps

    from ruwaard_analysis.stats.summary import distribution_by

    rng = np.random.default_rng(7)
    a, b = rng.normal(3, 1, 11), rng.normal(7, 1.5, 8)
    frame = pl.DataFrame({"g": ["a"] * 11 + ["b"] * 8, "x": np.concatenate([a, b])})
    out = distribution_by(frame, by="g", value="x")
    assert out.columns == ["g", "n", "mean", "ci_low", "ci_high", "p25", "median", "p75"]
    for row, values in zip(out.iter_rows(named=True), (a, b), strict=True):
        assert row["n"] == len(values)
        assert (row["p25"], row["median"], row["p75"]) == pytest.approx(
            tuple(np.percentile(values, [25, 50, 75])))  # numpy default = R type 7
        low, high = sps.t.interval(0.95, len(values) - 1, values.mean(), sps.sem(values))
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
