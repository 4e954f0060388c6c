"""Paired change: oracles are R's documented examples, Lakens (2013), scipy and formulas
computed here independently (exact enumeration, normal approximation by hand)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from ruwaard_analysis.errors import InsufficientDataError
from ruwaard_analysis.stats.paired import (
    WILCOXON_VARIANTS,
    PairedChange,
    cohens_dz,
    hedges_g_av,
    paired_change,
    paired_change_long,
    wilcoxon_signed_rank,
)

# R ?wilcox.test: Hollander & Wolfe (1973) p. 29f, Hamilton depression scale.
HW_X = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]  # first visit
HW_Y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]  # second visit
# R datasets::sleep (Cushny & Peebles), extra sleep under drug 1 and drug 2, same 10 patients.
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
# Lakens (2013), Frontiers in Psychology 4:863, table 1: movie ratings of 10 people.
MOVIE_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
MOVIE_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]


# ------------------------------------------------------------------ Wilcoxon, R's variant


def test_wilcoxon_exact_matches_r_documented_example():
    # wilcox.test(x, y, paired = TRUE, alternative = "greater"): V = 40, p-value = 0.01953
    res = wilcoxon_signed_rank(HW_Y, HW_X, alternative="greater")  # after - before = x - y
    assert res.statistic_v == 40
    assert res.p_value == pytest.approx(0.01953, abs=5e-6)
    assert res.variant == "exact" and res.n_nonzero == 9 and not res.has_ties


def test_wilcoxon_exact_p_equals_full_enumeration_of_signs():
    diff = np.array(HW_X) - np.array(HW_Y)
    ranks = stats.rankdata(np.abs(diff))
    v_obs = ranks[diff > 0].sum()
    vs = np.array([sum(r for r, s in zip(ranks, signs, strict=True) if s)
                   for signs in itertools.product([0, 1], repeat=len(ranks))])
    mean = len(ranks) * (len(ranks) + 1) / 4
    p_two = min(1.0, 2 * min((vs >= v_obs).mean(), (vs <= v_obs).mean()))
    res = wilcoxon_signed_rank(HW_Y, HW_X)
    assert res.p_value == pytest.approx(p_two, rel=1e-12)
    assert v_obs > mean


def test_wilcoxon_ties_and_zero_match_r_normal_approximation():
    # wilcox.test(extra ~ group, data = sleep, paired = TRUE) in R: V = 0, p-value = 0.009091
    # (with "cannot compute exact p-value with ties / zeroes"). Formula of R's code, by hand:
    d = np.round(np.array(SLEEP_1) - np.array(SLEEP_2), 9)
    d = d[d != 0]
    n = d.size
    r = stats.rankdata(np.abs(d))
    v = r[d > 0].sum()
    _, t = np.unique(r, return_counts=True)
    sigma = math.sqrt(n * (n + 1) * (2 * n + 1) / 24 - (t**3 - t).sum() / 48)
    z = v - n * (n + 1) / 4
    z = (z - math.copysign(0.5, z)) / sigma
    p = 2 * min(stats.norm.cdf(z), stats.norm.sf(z))

    res = wilcoxon_signed_rank(SLEEP_2, SLEEP_1)
    assert res.statistic_v == v == 0
    assert res.p_value == pytest.approx(p, rel=1e-12)
    assert res.p_value == pytest.approx(0.009091, abs=5e-7)
    assert res.variant == "normal_cc" and res.n_zero == 1 and res.has_ties
    assert "continuity" in WILCOXON_VARIANTS[res.variant]


def test_wilcoxon_uses_normal_approximation_from_50_nonzero_differences():
    rng = np.random.default_rng(1)
    before = rng.normal(5, 1, 50)
    after = before + rng.normal(0.3, 1, 50)
    res = wilcoxon_signed_rank(before, after)
    assert res.variant == "normal_cc"
    ref = stats.wilcoxon(after - before, correction=True, method="asymptotic")
    assert res.p_value == pytest.approx(ref.pvalue, rel=1e-12)
    assert wilcoxon_signed_rank(before[:49], after[:49]).variant == "exact"


# ------------------------------------------------------------------ t-test and the record


def test_t_test_matches_r_sleep_example():
    # t.test(extra ~ group, data = sleep, paired = TRUE) (R documentation output):
    # t = -4.0621, df = 9, p-value = 0.002833, 95 % CI -2.4598858 -0.7001142, mean diff -1.58
    r = paired_change(SLEEP_2, SLEEP_1, seed=1, n_resamples=2000)
    assert r.t == pytest.approx(-4.0621, abs=5e-5)
    assert r.df == 9
    assert r.p_t == pytest.approx(0.002833, abs=5e-7)
    assert (r.ci_low, r.ci_high) == pytest.approx((-2.4598858, -0.7001142), abs=5e-8)
    assert r.mean_diff == pytest.approx(-1.58)


def test_t_test_matches_scipy_ttest_rel():
    rng = np.random.default_rng(4)
    b = rng.uniform(1, 5, 17)
    a = np.clip(b + rng.normal(2, 1.5, 17), 1, 10)
    r = paired_change(b, a, seed=3, n_resamples=1000)
    ref = stats.ttest_rel(a, b)
    ci = ref.confidence_interval(0.95)
    assert r.t == pytest.approx(ref.statistic, rel=1e-12)
    assert r.p_t == pytest.approx(ref.pvalue, rel=1e-10)
    assert (r.ci_low, r.ci_high) == pytest.approx((ci.low, ci.high), rel=1e-12)


def test_effect_sizes_match_lakens_2013_worked_example():
    # Lakens (2013): t(9) = 4.74, Cohen's d_z = 1.50, d_av = 1.13, Hedges' g_av = 1.08
    r = paired_change(MOVIE_2, MOVIE_1, seed=1, n_resamples=2000)
    assert round(r.t, 2) == 4.74
    assert round(r.d_z, 2) == 1.50
    assert round(r.mean_diff / ((r.sd_before + r.sd_after) / 2), 2) == 1.13
    assert round(r.g_av, 2) == 1.08
    assert r.d_z != pytest.approx(r.g_av, abs=0.1)  # two different statistics


def test_dz_ci_matches_published_effectsize_output():
    # effectsize::cohens_d(extra ~ group, data = sleep, paired = TRUE): -1.28 [-2.12, -0.41]
    es = cohens_dz(SLEEP_2, SLEEP_1)
    got = (round(es.estimate, 2), round(es.ci_low, 2), round(es.ci_high, 2))
    assert got == (-1.28, -2.12, -0.41)


def test_dz_ci_inverts_the_noncentral_t_and_approaches_normal_approximation():
    rng = np.random.default_rng(8)
    b = rng.normal(4, 1.5, 300)
    a = b + rng.normal(0.5, 1.2, 300)
    es = cohens_dz(b, a)
    n, d = 300, es.estimate
    t = d * math.sqrt(n)
    assert stats.nct.cdf(t, n - 1, es.ci_low * math.sqrt(n)) == pytest.approx(0.975, abs=1e-8)
    assert stats.nct.cdf(t, n - 1, es.ci_high * math.sqrt(n)) == pytest.approx(0.025, abs=1e-8)
    se = math.sqrt(1 / n + d**2 / (2 * n))  # large-sample SE of a standardised mean
    assert es.ci_low == pytest.approx(d - 1.96 * se, abs=0.01)
    assert es.ci_high == pytest.approx(d + 1.96 * se, abs=0.01)


def test_g_av_ci_follows_algina_keselman_from_summary_statistics():
    # Route from summary statistics (means, SDs, r), as in Algina & Keselman (2003):
    # t = (m2 - m1) / sqrt((s1^2 + s2^2 - 2 r s1 s2) / n); limits of the noncentrality
    # parameter; CI = limits * sqrt(s1^2 + s2^2 - 2 r s1 s2) / (sqrt(n) * s_av) * J.
    b, a = np.array(MOVIE_2, float), np.array(MOVIE_1, float)
    n = b.size
    s1, s2, r = b.std(ddof=1), a.std(ddof=1), np.corrcoef(b, a)[0, 1]
    s_d = math.sqrt(s1**2 + s2**2 - 2 * r * s1 * s2)
    t = (a.mean() - b.mean()) / (s_d / math.sqrt(n))
    from scipy.optimize import brentq

    lam_l = brentq(lambda x: stats.nct.cdf(t, n - 1, x) - 0.975, -20, 20)
    lam_u = brentq(lambda x: stats.nct.cdf(t, n - 1, x) - 0.025, -20, 20)
    df = 2 * (n - 1)
    j = 1 - 3 / (4 * df - 1)  # Hedges' approximation of J
    s_av = (s1 + s2) / 2
    es = hedges_g_av(b, a)
    assert es.estimate == pytest.approx((a.mean() - b.mean()) / s_av * j, rel=2e-3)
    assert es.ci_low == pytest.approx(lam_l * s_d / (math.sqrt(n) * s_av) * j, rel=2e-3)
    assert es.ci_high == pytest.approx(lam_u * s_d / (math.sqrt(n) * s_av) * j, rel=2e-3)


def test_record_fields_shares_and_frame():
    before = [3, 2, 4, 5, 3, 2, 6, 4]
    after = [7, 2, 8, 4, 6, 5, 6, 9]
    r = paired_change(before, after, seed=5, n_resamples=2000, valid_range=(1, 10),
                      label_before="nameting", label_after="herhaalmeting")
    assert (r.n_improved, r.n_unchanged, r.n_worse) == (5, 2, 1)
    assert r.share_improved + r.share_unchanged + r.share_worse == pytest.approx(1.0)
    d = r.to_dict()
    assert all(type(v) in (int, float, str, bool) for v in d.values())
    frame = r.to_frame()
    assert frame.shape == (1, len(d)) and frame["label_after"][0] == "herhaalmeting"
    assert r.boot_ci_low < r.mean_diff < r.boot_ci_high
    assert r.wilcoxon_variant in WILCOXON_VARIANTS
    loose = paired_change(before, after, seed=5, n_resamples=2000, min_change=1.0)
    assert loose.n_unchanged == 3  # |change| <= 1 counts as unchanged
    lower_better = paired_change(before, after, seed=5, n_resamples=2000, higher_is_better=False)
    assert (lower_better.n_improved, lower_better.n_worse) == (1, 5)


# ------------------------------------------------------------------ invariants (hypothesis)

scores = st.integers(2, 18).map(lambda k: k / 2)  # 1.0 .. 9.0 in half points
pairs = st.integers(3, 20).flatmap(
    lambda n: st.tuples(st.lists(scores, min_size=n, max_size=n),
                        st.lists(scores, min_size=n, max_size=n))
)


@settings(max_examples=12, deadline=None)
@given(pairs)
def test_swapping_moments_flips_the_sign(data):
    b, a = data
    assume(np.ptp(np.subtract(a, b)) > 0)
    r = paired_change(b, a, seed=1, n_resamples=300)
    s = paired_change(a, b, seed=1, n_resamples=300)
    assert s.mean_diff == pytest.approx(-r.mean_diff)
    assert s.t == pytest.approx(-r.t)
    assert s.p_t == pytest.approx(r.p_t)
    assert (s.ci_low, s.ci_high) == pytest.approx((-r.ci_high, -r.ci_low))
    assert (s.d_z, s.d_z_ci_low, s.d_z_ci_high) == pytest.approx(
        (-r.d_z, -r.d_z_ci_high, -r.d_z_ci_low), abs=1e-7)
    assert (s.g_av, s.g_av_ci_low, s.g_av_ci_high) == pytest.approx(
        (-r.g_av, -r.g_av_ci_high, -r.g_av_ci_low), abs=1e-7)
    assert s.wilcoxon_p == pytest.approx(r.wilcoxon_p)
    assert (s.n_improved, s.n_worse) == (r.n_worse, r.n_improved)


@settings(max_examples=12, deadline=None)
@given(pairs, st.integers(-4, 4).map(lambda k: k / 2))
def test_adding_a_constant_to_both_moments_changes_no_change_statistic(data, c):
    b, a = data
    assume(np.ptp(np.subtract(a, b)) > 0)
    r = paired_change(b, a, seed=2, n_resamples=300)
    s = paired_change(np.add(b, c), np.add(a, c), seed=2, n_resamples=300)
    for f in ("mean_diff", "sd_diff", "t", "p_t", "ci_low", "ci_high", "wilcoxon_v",
              "wilcoxon_p", "d_z", "d_z_ci_low", "d_z_ci_high", "g_av", "g_av_ci_low",
              "g_av_ci_high", "boot_ci_low", "boot_ci_high", "n_improved", "n_worse"):
        assert getattr(s, f) == pytest.approx(getattr(r, f), abs=1e-9), f
    assert s.mean_before == pytest.approx(r.mean_before + c)


@settings(max_examples=8, deadline=None)
@given(pairs, st.integers(0, 10_000))
def test_record_is_reproducible_for_a_seed(data, seed):
    b, a = data
    assume(np.ptp(np.subtract(a, b)) > 0)
    assert paired_change(b, a, seed=seed, n_resamples=300) == paired_change(
        b, a, seed=seed, n_resamples=300)


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "before, after, kwargs, exc, match",
    [
        ([1, 2, float("nan")], [2, 3, 4], {}, ValueError, "NaN"),
        ([1, 2, 3], [2, float("inf"), 4], {}, ValueError, "infinite"),
        ([1, 2, 3], [2, 3], {}, ValueError, "same length"),
        ([1, 2, 3], [2, 3, 11], {"valid_range": (1, 10)}, ValueError, "valid range"),
        ([0, 2, 3], [2, 3, 4], {"valid_range": (1, 10)}, ValueError, "valid range"),
        ([1], [2], {}, InsufficientDataError, "at least 2"),
        ([1, 2, 3], [3, 4, 5], {}, InsufficientDataError, "variance"),
        ([1, 2, 3], [3, 4, 6], {"min_change": -1}, ValueError, "min_change"),
        ([1, 2, 3], [3, 4, 6], {"ids": ["a", "a", "b"]}, ValueError, "unique"),
        ([1, 2, 3], [3, 4, 6], {"ids": ["a", "b"]}, ValueError, "ids"),
    ],
)
def test_bad_input_is_refused(before, after, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        paired_change(before, after, seed=1, n_resamples=200, **kwargs)


# ------------------------------------------------------------------ long format


def _long(rows):
    return pl.DataFrame(rows, schema=["case_id", "moment", "score"], orient="row")


def test_long_pairs_by_id_and_counts_excluded_cases():
    rows = [
        ("c3", "nameting", 8.0), ("c1", "voormeting", 3.0), ("c2", "nameting", 7.0),
        ("c1", "nameting", 7.5), ("c2", "voormeting", 2.0), ("c3", "voormeting", 4.0),
        ("c4", "voormeting", 3.0),  # no nameting
        ("c5", "nameting", 6.0),  # no voormeting
        ("c6", "voormeting", 5.0), ("c6", "nameting", None),  # not measured
        ("c1", "herhaalmeting", 9.0),
    ]
    r = paired_change_long(_long(rows), seed=3, n_resamples=500, valid_range=(1, 10))
    ref = paired_change([3.0, 2.0, 4.0], [7.5, 7.0, 8.0], seed=3, n_resamples=500)
    assert r.n == 3 and r.n_excluded == 3
    assert r.mean_diff == ref.mean_diff and r.boot_ci_low == ref.boot_ci_low
    assert r.label_before == "voormeting" and r.label_after == "nameting"


def test_long_refuses_duplicates_nan_and_too_few_pairs():
    base = [("a", "voormeting", 3.0), ("a", "nameting", 7.0),
            ("b", "voormeting", 2.0), ("b", "nameting", 8.0), ("b", "herhaalmeting", 8.0)]
    with pytest.raises(ValueError, match="one score per moment"):
        paired_change_long(_long(base + [("a", "nameting", 6.0)]), seed=1, n_resamples=200)
    with pytest.raises(ValueError, match="NaN"):
        paired_change_long(_long(base + [("c", "voormeting", float("nan"))]), seed=1,
                           n_resamples=200)
    with pytest.raises(InsufficientDataError):
        paired_change_long(_long(base), moment_before="nameting",
                           moment_after="herhaalmeting", seed=1, n_resamples=200)
    with pytest.raises(ValueError, match="column"):
        paired_change_long(_long(base), score_col="wellbeing", seed=1)


def test_record_type():
    assert isinstance(paired_change([1, 2, 4], [3, 5, 6], seed=1, n_resamples=200), PairedChange)


@pytest.mark.parametrize("t, df", [(25.0, 24), (14.5, 12), (-14.5, 12), (30.0, 9), (0.0, 5)])
def test_noncentral_t_limits_are_found_for_large_t(t, df):
    # scipy's nct.cdf returns NaN in parts of its saturated tails; the root finding must not.
    from ruwaard_analysis.stats.paired import noncentral_t_ci

    lo, hi = noncentral_t_ci(t, df)
    assert lo < t < hi or t == 0
    assert stats.nct.cdf(t, df, lo) == pytest.approx(0.975, abs=1e-7)
    assert stats.nct.cdf(t, df, hi) == pytest.approx(0.025, abs=1e-7)


def test_floor_at_baseline_gives_no_correlation_but_all_change_statistics():
    r = paired_change([1, 1, 1, 1, 1], [6, 7, 5, 8, 7], seed=1, n_resamples=500,
                      valid_range=(1, 10))
    assert r.correlation is None
    assert r.to_frame().schema["correlation"] == pl.Float64  # a typed null, not a Null column
    assert pl.Null not in r.to_frame().schema.dtypes()
    assert r.g_av > r.d_z > 0 and r.n_improved == 5


@pytest.mark.parametrize("rho", [0.3, 0.8])
def test_effect_size_intervals_cover_the_true_value(rho):
    # Seeded simulation from a bivariate normal: d_z's CI is exact, g_av's an approximation
    # (Algina & Keselman 2003); both should cover the population value about 95 % of the time.
    rng = np.random.default_rng(20160512)
    n, reps, sd, shift = 15, 150, 1.5, 0.6
    cov = sd**2 * np.array([[1, rho], [rho, 1]])
    dz_true = shift / (sd * math.sqrt(2 * (1 - rho)))
    dav_true = shift / sd
    hits_z = hits_g = 0
    for _ in range(reps):
        x = rng.multivariate_normal([5.0, 5.0 + shift], cov, size=n)
        dz, gav = cohens_dz(x[:, 0], x[:, 1]), hedges_g_av(x[:, 0], x[:, 1])
        hits_z += dz.ci_low <= dz_true <= dz.ci_high
        hits_g += gav.ci_low <= dav_true <= gav.ci_high
    assert 0.90 <= hits_z / reps <= 0.99
    assert 0.90 <= hits_g / reps <= 0.99
