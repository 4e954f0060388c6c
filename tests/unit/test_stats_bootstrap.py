"""Bootstrap CIs: an independent hand-written BCa (Efron & Tibshirani 1993, ch. 14) as oracle."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from ruwaard_analysis.errors import InsufficientDataError
from ruwaard_analysis.stats.bootstrap import ConfidenceInterval, bootstrap_ci


def _reference_bca(x: np.ndarray, confidence: float, n_resamples: int, seed: int):
    """Textbook BCa of the mean: bias correction z0 from the bootstrap distribution,
    acceleration a from the jackknife (Efron & Tibshirani 1993, eq. 14.14-14.15)."""
    rng = np.random.default_rng(seed)
    n = x.size
    theta = x.mean()
    boot = x[rng.integers(0, n, size=(n_resamples, n))].mean(axis=1)
    z0 = norm.ppf((boot < theta).mean())
    jack = (x.sum() - x) / (n - 1)
    dev = jack.mean() - jack
    a = (dev**3).sum() / (6.0 * (dev**2).sum() ** 1.5)
    alpha = (1 - confidence) / 2
    out = []
    for q in (alpha, 1 - alpha):
        zq = norm.ppf(q)
        out.append(np.quantile(boot, norm.cdf(z0 + (z0 + zq) / (1 - a * (z0 + zq)))))
    return out


@pytest.mark.parametrize("dist", ["lognormal", "normal"])
def test_bca_matches_textbook_implementation(dist):
    rng = np.random.default_rng(7)
    x = rng.lognormal(0, 1, 40) if dist == "lognormal" else rng.normal(5, 2, 40)
    ci = bootstrap_ci(x, "mean", n_resamples=20_000, seed=11)
    lo, hi = _reference_bca(x, 0.95, 40_000, seed=99)  # other seed: Monte-Carlo tolerance
    se = x.std(ddof=1) / math.sqrt(x.size)
    assert ci.low == pytest.approx(lo, abs=0.25 * se)
    assert ci.high == pytest.approx(hi, abs=0.25 * se)
    assert ci.method == "BCa" and ci.n_resamples == 20_000 and ci.confidence == 0.95


def test_skewed_costs_interval_is_asymmetric_like_the_data():
    x = np.random.default_rng(3).lognormal(8, 1.2, 30)  # skewed savings per case
    ci = bootstrap_ci(x, seed=1)
    m = x.mean()
    assert ci.low < m < ci.high
    assert (ci.high - m) > (m - ci.low)  # right-skewed data, longer upper arm


def test_large_normal_sample_agrees_with_t_interval():
    from scipy import stats

    x = np.random.default_rng(5).normal(10, 3, 400)
    ci = bootstrap_ci(x, seed=2)
    t = stats.t.interval(0.95, x.size - 1, loc=x.mean(), scale=stats.sem(x))
    assert ci.low == pytest.approx(t[0], abs=0.05)
    assert ci.high == pytest.approx(t[1], abs=0.05)


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.integers(1, 10), min_size=3, max_size=30).filter(lambda v: len(set(v)) > 1),
    st.integers(0, 2**32 - 1),
)
def test_reproducible_for_a_seed(values, seed):
    a = bootstrap_ci(values, n_resamples=500, seed=seed)
    b = bootstrap_ci(values, n_resamples=500, seed=seed)
    assert a == b
    # bootstrap means of resamples never leave the range of the data
    assert min(values) <= a.low <= a.high <= max(values)


def test_different_seeds_differ_slightly():
    x = np.random.default_rng(1).normal(size=50)
    a, b = bootstrap_ci(x, seed=1), bootstrap_ci(x, seed=2)
    assert a != b
    assert a.low == pytest.approx(b.low, abs=0.05)


def test_median_callable_and_other_methods():
    x = np.arange(1.0, 22.0)
    med = bootstrap_ci(x, "median", seed=3, method="percentile", n_resamples=2000)
    assert med.low <= 11 <= med.high
    f = bootstrap_ci(x, lambda v, axis=-1: np.mean(v, axis=axis), seed=3, n_resamples=2000)
    m = bootstrap_ci(x, "mean", seed=3, n_resamples=2000)
    assert (f.low, f.high) == (m.low, m.high)
    assert bootstrap_ci(x, seed=3, method="basic", n_resamples=2000).method == "basic"
    assert isinstance(m, ConfidenceInterval) and m.contains(11.0)


@pytest.mark.parametrize(
    "values, exc",
    [
        ([1.0], InsufficientDataError),
        ([], InsufficientDataError),
        ([4.0, 4.0, 4.0], InsufficientDataError),
        ([1.0, float("nan"), 3.0], ValueError),
        ([1.0, float("inf"), 3.0], ValueError),
        ([[1.0, 2.0]], ValueError),
        (["a", "b"], ValueError),
    ],
)
def test_bad_input_is_refused(values, exc):
    with pytest.raises(exc):
        bootstrap_ci(values, seed=1)


def test_bad_options_and_range():
    with pytest.raises(ValueError, match="valid range"):
        bootstrap_ci([1, 2, 11], seed=1, valid_range=(1, 10))
    with pytest.raises(ValueError, match="method"):
        bootstrap_ci([1, 2, 3], seed=1, method="studentized")
    with pytest.raises(ValueError, match="statistic"):
        bootstrap_ci([1, 2, 3], "mode", seed=1)
    with pytest.raises(ValueError, match="confidence"):
        bootstrap_ci([1, 2, 3], seed=1, confidence=95)
    with pytest.raises(TypeError):
        bootstrap_ci([1, 2, 3])  # the seed is required


def test_insufficient_data_error_is_also_a_value_error():
    with pytest.raises(ValueError):
        bootstrap_ci([2.0, 2.0], seed=1)
