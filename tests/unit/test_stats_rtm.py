"""Regression to the mean: the Barnett et al. (2005) formula against a seeded Monte-Carlo
simulation of a bivariate normal test-retest population."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ruwaard_analysis.stats.paired import paired_change
from ruwaard_analysis.stats.rtm import (
    DEFAULT_RTM_PARAMETERS,
    RtmParameters,
    effect_beyond_rtm,
    regression_to_mean,
    regression_to_mean_from_baseline,
)


def _simulate(mu, sd, rho, n=400_000, seed=20160512):
    rng = np.random.default_rng(seed)
    cov = sd**2 * np.array([[1.0, rho], [rho, 1.0]])
    return rng.multivariate_normal([mu, mu], cov, size=n).T


@pytest.mark.parametrize("direction", ["below", "above"])
@pytest.mark.parametrize("mu, sd, cutoff, rho", [(7.7, 1.4, 5.5, 0.6), (50, 10, 45, 0.3)])
def test_formula_agrees_with_monte_carlo(direction, mu, sd, cutoff, rho):
    x1, x2 = _simulate(mu, sd, rho)
    sel = x1 < cutoff if direction == "below" else x1 > cutoff
    change = x2[sel] - x1[sel]
    se = change.std(ddof=1) / np.sqrt(sel.sum())
    expected = regression_to_mean(population_mean=mu, population_sd=sd, cutoff=cutoff,
                                  test_retest_r=rho, direction=direction)
    assert abs(change.mean() - expected) < 4 * se
    assert (expected > 0) == (direction == "below")
    # the baseline-mean form holds for the same selected group
    from_baseline = regression_to_mean_from_baseline(
        population_mean=mu, baseline_mean=x1[sel].mean(), test_retest_r=rho)
    assert abs(change.mean() - from_baseline) < 4 * se


@settings(max_examples=25, deadline=None)
@given(
    st.floats(-5, 5), st.floats(0.1, 5), st.floats(-3, 3), st.floats(-0.99, 1.0),
)
def test_above_is_the_mirror_of_below(mu, sd, dz, rho):
    c = mu + dz * sd
    below = regression_to_mean(population_mean=mu, population_sd=sd, cutoff=c,
                               test_retest_r=rho, direction="below")
    above = regression_to_mean(population_mean=mu, population_sd=sd, cutoff=2 * mu - c,
                               test_retest_r=rho, direction="above")
    assert above == pytest.approx(-below, rel=1e-9, abs=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.floats(-3, 3), st.floats(0.0, 0.95), st.floats(0.01, 0.04))
def test_rtm_shrinks_as_reliability_grows_and_vanishes_at_one(z, rho, step):
    def f(r):
        return regression_to_mean(population_mean=0, population_sd=1, cutoff=z,
                                  test_retest_r=r)
    assert f(rho) > f(rho + step) > 0
    assert f(1.0) == 0


def test_extreme_cutoffs_stay_finite():
    far = regression_to_mean(population_mean=7.7, population_sd=1.4, cutoff=-40,
                             test_retest_r=0.5)
    # for z -> -inf, phi(z)/Phi(z) ~ -z, so RTM ~ sd (1 - rho) |z|
    z = (-40 - 7.7) / 1.4
    assert far == pytest.approx(1.4 * 0.5 * -z, rel=1e-2)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"population_sd": 0},
        {"population_sd": -1},
        {"test_retest_r": 1.2},
        {"population_mean": float("nan")},
        {"cutoff": float("inf")},
        {"direction": "sideways"},
    ],
)
def test_bad_parameters_are_refused(kwargs):
    base = DEFAULT_RTM_PARAMETERS.as_kwargs()
    with pytest.raises(ValueError):
        regression_to_mean(**{**base, **kwargs})


def _paired():
    before = [2, 3, 4, 2.5, 3, 1.5, 4, 3.5, 2, 3, 2.5, 4, 3]
    after = [7, 8, 7.5, 6, 8, 7, 9, 7, 6.5, 8, 7.5, 8.5, 8]
    return paired_change(before, after, seed=1, n_resamples=2000, valid_range=(1, 10))


def test_effect_beyond_rtm_splits_the_observed_rise():
    p = _paired()
    params = RtmParameters(population_mean=7.7, population_sd=1.4, cutoff=5.5,
                           test_retest_r=0.6)
    adj = effect_beyond_rtm(p, params=params)
    rtm = regression_to_mean(**params.as_kwargs())
    assert adj.rtm == pytest.approx(rtm)
    assert adj.observed == p.mean_diff
    assert adj.beyond == pytest.approx(p.mean_diff - rtm)
    assert (adj.beyond_ci_low, adj.beyond_ci_high) == pytest.approx(
        (p.ci_low - rtm, p.ci_high - rtm))
    assert (adj.beyond_boot_ci_low, adj.beyond_boot_ci_high) == pytest.approx(
        (p.boot_ci_low - rtm, p.boot_ci_high - rtm))
    assert adj.share_explained == pytest.approx(rtm / p.mean_diff)
    assert adj.n == p.n
    grid = adj.sensitivity
    assert isinstance(grid, pl.DataFrame) and grid.height == 7
    assert grid["rtm"].is_sorted(descending=True)  # more reliable score, less RTM
    row = grid.filter(pl.col("test_retest_r") == 0.6)
    assert row["beyond"][0] == pytest.approx(adj.beyond)
    assert adj.to_frame().height == 1 and "sensitivity" not in adj.to_frame().columns


def test_baseline_method_uses_the_observed_baseline_mean():
    p = _paired()
    adj = effect_beyond_rtm(p, method="baseline")
    assert adj.rtm == pytest.approx(0.4 * (7.7 - p.mean_before))
    assert adj.cutoff is None


def test_share_is_none_when_the_change_goes_against_rtm():
    p = paired_change([7, 8, 6, 7], [6, 6, 5, 7], seed=1, n_resamples=500)
    adj = effect_beyond_rtm(p)
    assert p.mean_diff < 0 and adj.share_explained is None
    assert adj.beyond < p.mean_diff


def test_default_parameters_are_documented():
    doc = RtmParameters.__doc__
    assert "assumption" in doc and "CBS" in doc
    assert DEFAULT_RTM_PARAMETERS.direction == "below"
    with pytest.raises(ValueError):
        effect_beyond_rtm(_paired(), method="magic")
