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
