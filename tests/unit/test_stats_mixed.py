"""Mixed model: for balanced complete data it must equal the repeated-measures ANOVA,
computed here independently with numpy (sums of squares)."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from ruwaard_analysis.errors import InsufficientDataError, RuwaardError
from ruwaard_analysis.stats.mixed import (
    DEFAULT_MOMENTS,
    MixedModelResult,
    ModelFitError,
    moment_means_model,
)

MOMENTS = DEFAULT_MOMENTS


def _scores(n: int = 15, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    mu = np.array([3.0, 7.5, 7.0])
    y = mu[None, :] + rng.normal(0, 1.0, n)[:, None] + rng.normal(0, 0.8, (n, 3))
    return np.clip(y, 1, 10)


def _long(y: np.ndarray) -> pl.DataFrame:
    n, k = y.shape
    return pl.DataFrame({
        "case_id": [f"c{i:03d}" for i in range(n) for _ in range(k)],
        "moment": [MOMENTS[j] for _ in range(n) for j in range(k)],
        "score": y.ravel(),
    })


def _rm_anova(y: np.ndarray) -> dict[str, float]:
    n, k = y.shape
    gm = y.mean()
    ss_subj = k * ((y.mean(axis=1) - gm) ** 2).sum()
    ss_mom = n * ((y.mean(axis=0) - gm) ** 2).sum()
    ss_err = ((y - gm) ** 2).sum() - ss_subj - ss_mom
    df_err = (n - 1) * (k - 1)
    ms_err, ms_subj = ss_err / df_err, ss_subj / (n - 1)
    return {"ms_err": ms_err, "ms_subj": ms_subj, "df_err": df_err,
            "var_u": (ms_subj - ms_err) / k}


def test_balanced_complete_data_equals_repeated_measures_anova():
    y = _scores()
    n, k = y.shape
    res = moment_means_model(_long(y), valid_range=(1, 10))
    a = _rm_anova(y)
    # fixed effects = the moment means
    assert [m.estimate for m in res.means] == pytest.approx(list(y.mean(axis=0)), abs=1e-6)
    # variance components = ANOVA (method-of-moments) estimators, which REML equals here
    assert res.var_residual == pytest.approx(a["ms_err"], rel=1e-3)
    assert res.var_intercept == pytest.approx(a["var_u"], rel=1e-3)
    # every contrast: SE = sqrt(2 MS_error / n), df = (n - 1)(k - 1), t-based CI and p
    se = math.sqrt(2 * a["ms_err"] / n)
    q = stats.t.ppf(0.975, a["df_err"])
    for c in res.contrasts:
        i, j = MOMENTS.index(c.moment_from), MOMENTS.index(c.moment_to)
        diff = y[:, j].mean() - y[:, i].mean()
        assert c.estimate == pytest.approx(diff, abs=1e-6)
        assert c.se == pytest.approx(se, rel=1e-3)
        assert c.df == a["df_err"]
        assert (c.ci_low, c.ci_high) == pytest.approx((diff - q * se, diff + q * se), abs=2e-3)
        p = 2 * stats.t.sf(abs(diff / se), a["df_err"])
        assert c.p_value == pytest.approx(p, rel=1e-2, abs=1e-12)
    # SE of a moment mean = sqrt((MS_subj + (k - 1) MS_err) / (k n))
    se_mean = math.sqrt((a["ms_subj"] + (k - 1) * a["ms_err"]) / (k * n))
    assert [m.se for m in res.means] == pytest.approx([se_mean] * k, rel=1e-3)
    assert res.n_cases == n and res.n_observations == n * k and res.n_complete_cases == n
    assert res.converged


def test_cases_with_missing_follow_up_stay_in_the_model():
    y = _scores(n=20, seed=5)
    df = _long(y).filter(~((pl.col("moment") == "herhaalmeting")
                           & pl.col("case_id").is_in(["c000", "c001", "c002", "c003", "c004"])))
    res = moment_means_model(df)
    assert res.n_cases == 20
    assert res.n_complete_cases == 15
    assert res.n_per_moment == {"voormeting": 20, "nameting": 20, "herhaalmeting": 15}
    assert res.n_observations == 55
    assert res.contrasts[0].df == 55 - 20 - 2  # between-within df
    # the incomplete cases inform the first two moments: those means are the plain means
    assert res.means[0].estimate == pytest.approx(y[:, 0].mean(), abs=1e-5)
    lasting = res.contrast("nameting", "herhaalmeting")
    assert lasting.ci_low < lasting.estimate < lasting.ci_high


def test_null_scores_count_as_not_measured():
    y = _scores(n=12)
    df = _long(y).with_columns(
        pl.when((pl.col("case_id") == "c000") & (pl.col("moment") == "herhaalmeting"))
        .then(None).otherwise(pl.col("score")).alias("score"))
    res = moment_means_model(df)
    assert res.n_observations == 35 and res.n_cases == 12


def test_boundary_random_intercept_variance_is_detected():
    # Every case has the same mean over the moments: no between-case variance, so the
    # REML estimate of the random-intercept variance is 0 (MS_subj < MS_error).
    mu = np.array([3.0, 7.5, 7.0])
    pattern = np.array([[1, -1, 0], [0, 1, -1], [-1, 0, 1]], float)
    y = mu[None, :] + np.vstack([pattern] * 5) * 0.8
    assert _rm_anova(y)["ms_subj"] < _rm_anova(y)["ms_err"]
    with pytest.raises(ModelFitError) as info:
        moment_means_model(_long(y))
    assert info.value.reason == "boundary"
    assert isinstance(info.value, RuwaardError)


def test_non_convergence_is_reported_not_returned():
    with pytest.raises(ModelFitError) as info:
        moment_means_model(_long(_scores()), maxiter=1)
    assert info.value.reason == "not_converged"


@settings(max_examples=6, deadline=None)
@given(st.integers(-3, 3).map(float))
def test_shifting_all_scores_shifts_means_and_keeps_contrasts(c):
    y = _scores(n=12, seed=9) + 3  # stay positive
    r0, r1 = moment_means_model(_long(y)), moment_means_model(_long(y + c))
    for a, b in zip(r0.means, r1.means, strict=True):
        assert b.estimate == pytest.approx(a.estimate + c, abs=1e-5)
    for a, b in zip(r0.contrasts, r1.contrasts, strict=True):
        assert (b.estimate, b.se) == pytest.approx((a.estimate, a.se), abs=1e-5)


def test_frames_and_lookup():
    res = moment_means_model(_long(_scores()))
    assert isinstance(res, MixedModelResult)
    assert res.means_frame().columns[:3] == ["moment", "n", "estimate"]
    f = res.to_frame()
    assert f.height == 3 and f["n_cases"].to_list() == [15] * 3
    assert res.contrasts_frame()["moment_to"].to_list() == ["nameting", "herhaalmeting",
                                                             "herhaalmeting"]
    with pytest.raises(KeyError):
        res.contrast("herhaalmeting", "voormeting")
    two = moment_means_model(_long(_scores()), moments=("voormeting", "nameting"))
    assert len(two.contrasts) == 1 and two.n_observations == 30


def test_bad_input_is_refused():
    df = _long(_scores(n=6))
    with pytest.raises(ValueError, match="NaN"):
        moment_means_model(df.with_columns(
            pl.when(pl.col("case_id") == "c001").then(float("nan"))
            .otherwise(pl.col("score")).alias("score")))
    with pytest.raises(ValueError, match="valid range"):
        moment_means_model(df.with_columns(pl.col("score") + 20), valid_range=(1, 10))
    with pytest.raises(ValueError, match="one score per moment"):
        moment_means_model(pl.concat([df, df.head(1)]))
    with pytest.raises(ValueError, match="column"):
        moment_means_model(df, score_col="wellbeing")
    with pytest.raises(InsufficientDataError, match="at least 2"):
        moment_means_model(df.filter((pl.col("moment") != "herhaalmeting")
                                     | (pl.col("case_id") == "c000")))
    with pytest.raises(InsufficientDataError):
        moment_means_model(df.with_columns(pl.lit(5.0).alias("score")))


def _reml_loglik(y, x, groups, var_u, var_e):
    """Restricted log-likelihood of the random-intercept model, by hand (Harville 1977)."""
    n_obs, p = x.shape
    v_inv_blocks, logdet = [], 0.0
    xtvx = np.zeros((p, p))
    xtvy = np.zeros(p)
    for g in np.unique(groups):
        idx = groups == g
        m = idx.sum()
        v = var_e * np.eye(m) + var_u * np.ones((m, m))
        vi = np.linalg.inv(v)
        logdet += np.linalg.slogdet(v)[1]
        xtvx += x[idx].T @ vi @ x[idx]
        xtvy += x[idx].T @ vi @ y[idx]
        v_inv_blocks.append((idx, vi))
    beta = np.linalg.solve(xtvx, xtvy)
    quad = sum((y[idx] - x[idx] @ beta) @ vi @ (y[idx] - x[idx] @ beta)
               for idx, vi in v_inv_blocks)
    ll = -0.5 * (logdet + np.linalg.slogdet(xtvx)[1] + quad + (n_obs - p) * np.log(2 * np.pi))
    return ll, beta, np.linalg.inv(xtvx)


def test_unbalanced_fit_is_the_reml_optimum_and_its_gls_solution():
    # Independent of statsmodels: the REML likelihood written out by hand must be maximal at
    # the reported variance components, and the GLS solution there gives the reported
    # moment means and standard errors.
    y = _scores(n=18, seed=11)
    df = _long(y).filter(~((pl.col("moment") == "herhaalmeting")
                           & pl.col("case_id").is_in(["c000", "c003", "c007", "c010"])))
    df = df.filter(~((pl.col("moment") == "nameting") & (pl.col("case_id") == "c005")))
    res = moment_means_model(df)
    yy = df["score"].to_numpy()
    groups = df["case_id"].to_numpy()
    x = np.eye(3)[[MOMENTS.index(m) for m in df["moment"].to_list()]]
    ll, beta, cov = _reml_loglik(yy, x, groups, res.var_intercept, res.var_residual)
    for du, de in [(0.02, 0), (-0.02, 0), (0, 0.02), (0, -0.02)]:
        other, _, _ = _reml_loglik(yy, x, groups, res.var_intercept + du,
                                   res.var_residual + de)
        assert other < ll
    assert [m.estimate for m in res.means] == pytest.approx(list(beta), abs=1e-6)
    # statsmodels takes SEs from the numerical Hessian: agree with (X'V^-1 X)^-1 to ~1e-4
    assert [m.se for m in res.means] == pytest.approx(list(np.sqrt(np.diag(cov))), rel=1e-3)
    c = np.array([0, -1.0, 1.0])
    lasting = res.contrast("nameting", "herhaalmeting")
    assert lasting.se == pytest.approx(float(np.sqrt(c @ cov @ c)), rel=1e-3)
    assert res.n_observations == 49 and res.n_complete_cases == 13


def _gls_cov_dense(x, groups, var_u, var_e):
    """(X' V^-1 X)^-1 with V written out in full (n_obs x n_obs): var_e on the diagonal,
    var_u between two scores of one case, 0 elsewhere; inverted as one dense matrix."""
    same_case = groups[:, None] == groups[None, :]
    v = var_u * same_case + var_e * np.eye(len(groups))
    return np.linalg.inv(x.T @ np.linalg.inv(v) @ x)


def _unbalanced():
    y = _scores(n=18, seed=11)
    df = _long(y).filter(~((pl.col("moment") == "herhaalmeting")
                           & pl.col("case_id").is_in(["c000", "c003", "c007", "c010"])))
    return df.filter(~((pl.col("moment") == "nameting") & (pl.col("case_id") == "c005")))


def test_standard_errors_are_gls_at_the_fitted_variances_as_lme4_nlme_and_sas():
    # #12: lme4 (vcov), nlme and SAS PROC MIXED report (X'V^-1 X)^-1 at the REML variance
    # components; statsmodels' cov_params() inverts the numerical Hessian of all parameters,
    # slightly larger on unbalanced data. The oracle is the dense GLS algebra above.
    from statsmodels.regression.mixed_linear_model import MixedLM

    df = _unbalanced()
    res = moment_means_model(df)
    groups = df["case_id"].to_numpy()
    x = np.eye(3)[[MOMENTS.index(m) for m in df["moment"].to_list()]]
    cov = _gls_cov_dense(x, groups, res.var_intercept, res.var_residual)
    assert [m.se for m in res.means] == pytest.approx(list(np.sqrt(np.diag(cov))), rel=1e-9)
    for c in res.contrasts:
        w = np.zeros(3)
        w[MOMENTS.index(c.moment_from)], w[MOMENTS.index(c.moment_to)] = -1.0, 1.0
        assert c.se == pytest.approx(float(np.sqrt(w @ cov @ w)), rel=1e-9)
        assert c.t == pytest.approx(c.estimate / c.se, rel=1e-12)
    # the Hessian route statsmodels takes differs measurably on these data
    sm = MixedLM(df["score"].to_numpy(), x, groups=np.unique(groups, return_inverse=True)[1])
    sm_cov = np.asarray(sm.fit(reml=True).cov_params())[:3, :3]
    assert abs(math.sqrt(sm_cov[2, 2]) / math.sqrt(cov[2, 2]) - 1) > 1e-5


def test_on_balanced_data_the_gls_standard_errors_equal_statsmodels():
    from statsmodels.regression.mixed_linear_model import MixedLM

    y = _scores()
    df = _long(y)
    res = moment_means_model(df)
    groups = np.unique(df["case_id"].to_numpy(), return_inverse=True)[1]
    x = np.eye(3)[[MOMENTS.index(m) for m in df["moment"].to_list()]]
    sm_cov = np.asarray(MixedLM(df["score"].to_numpy(), x, groups=groups).fit(reml=True)
                        .cov_params())[:3, :3]
    assert [m.se for m in res.means] == pytest.approx(list(np.sqrt(np.diag(sm_cov))), rel=1e-5)
