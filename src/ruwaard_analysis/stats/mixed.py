"""Three (or more) moments: a linear mixed model with a random intercept per case.

Model: ``score_ij = mu_moment(j) + u_i + e_ij`` with ``u_i ~ N(0, var_intercept)`` and
``e_ij ~ N(0, var_residual)``, fitted by REML with statsmodels ``MixedLM`` (cell-means coding:
one fixed effect per moment, so the fixed effects *are* the estimated moment means).
Cases with a missing follow-up stay in the model and contribute what they
have (valid under missing-at-random), unlike a complete-case repeated-measures ANOVA. For
balanced, complete data the fit equals the repeated-measures ANOVA (the tests check this).

Standard errors: ``(X'V^-1 X)^-1`` at the REML variance components (:func:`gls_covariance`),
as lme4, nlme and SAS report them, not statsmodels' inverse Hessian (slightly larger on
unbalanced data); for balanced data the two are equal.

Inference: statsmodels gives Wald z statistics; with 13-25 cases that is too optimistic, so
the contrasts use a t distribution with the *between-within* degrees of freedom
``n_obs - n_cases - (n_moments - 1)`` (SAS ``ddfm=bw``; equals the ANOVA error df
``(n - 1)(k - 1)`` for complete data), and the moment means (which mix between- and
within-case variance) use the conservative ``n_cases - 1`` df.

Failure policy (documented choice): a fit that did not converge, or whose random-intercept
variance lies on the boundary (REML estimate 0: cases differ no more than the residual noise
predicts), raises :class:`ModelFitError` with the reason. It is never returned as a result;
the caller can fall back to the paired comparisons of :mod:`ruwaard_analysis.stats.paired`.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import polars as pl
from scipy import stats as _st

from ruwaard_analysis.errors import InsufficientDataError, RuwaardError
from ruwaard_analysis.stats.bootstrap import _check_confidence, as_finite_1d
from ruwaard_analysis.vocabulary import MOMENTS

__all__ = [
    "ModelFitError",
    "MomentMean",
    "Contrast",
    "MixedModelResult",
    "moment_means_model",
    "gls_covariance",
    "DEFAULT_MOMENTS",
]

DEFAULT_MOMENTS = MOMENTS

# The random-intercept variance counts as "on the boundary" when the REML profile
# log-likelihood at (practically) zero variance is at least as high as at the estimate, or
# the estimate is below this fraction of the residual variance.
_BOUNDARY_RATIO = 1e-4


class ModelFitError(RuwaardError):
    """The mixed model could not be fitted to a result worth reporting.

    ``reason`` is ``"not_converged"`` or ``"boundary"``; ``detail`` says more.
    """

    def __init__(self, reason: str, detail: str):
        self.reason = reason
        self.detail = detail
        super().__init__(f"mixed model not reported ({reason}): {detail}")


@dataclass(frozen=True)
class MomentMean:
    moment: str
    n: int
    estimate: float
    se: float
    df: int
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class Contrast:
    """``estimate = mean(moment_to) - mean(moment_from)``."""

    moment_from: str
    moment_to: str
    estimate: float
    se: float
    df: int
    t: float
    p_value: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class MixedModelResult:
    moments: tuple[str, ...]
    n_cases: int
    n_observations: int
    n_complete_cases: int
    n_per_moment: dict[str, int]
    means: tuple[MomentMean, ...]
    contrasts: tuple[Contrast, ...]
    var_intercept: float
    var_residual: float
    icc: float
    converged: bool
    confidence: float
    method: str = "REML"
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def contrast(self, moment_from: str, moment_to: str) -> Contrast:
        for c in self.contrasts:
            if (c.moment_from, c.moment_to) == (moment_from, moment_to):
                return c
        raise KeyError(f"no contrast {moment_from} -> {moment_to}; moments are {self.moments}")

    def means_frame(self) -> pl.DataFrame:
        return pl.DataFrame([asdict(m) for m in self.means])

    def contrasts_frame(self) -> pl.DataFrame:
        return pl.DataFrame([asdict(c) for c in self.contrasts])

    def to_frame(self) -> pl.DataFrame:
        """One row per contrast, with the model's n and variance components repeated."""
        return self.contrasts_frame().with_columns(
            pl.lit(self.n_cases, dtype=pl.Int64).alias("n_cases"),
            pl.lit(self.n_observations, dtype=pl.Int64).alias("n_observations"),
            pl.lit(self.var_intercept).alias("var_intercept"),
            pl.lit(self.var_residual).alias("var_residual"),
            pl.lit(self.confidence).alias("confidence"),
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _prepare(
    df: pl.DataFrame,
    id_col: str,
    moment_col: str,
    score_col: str,
    moments: tuple[str, ...],
    valid_range: tuple[float, float] | None,
) -> pl.DataFrame:
    missing = [c for c in (id_col, moment_col, score_col) if c not in df.columns]
    if missing:
        raise ValueError(f"column(s) {missing} not in the table (has {df.columns})")
    if len(moments) < 2 or len(set(moments)) != len(moments):
        raise ValueError(f"moments must be at least 2 distinct labels, got {moments}")
    sub = df.select(
        pl.col(id_col).cast(pl.String).alias("_id"),
        pl.col(moment_col).cast(pl.String).alias("_moment"),
        pl.col(score_col).cast(pl.Float64).alias("_score"),
    ).filter(pl.col("_moment").is_in(list(moments)))
    if sub["_id"].null_count():
        raise ValueError(f"column {id_col!r} has missing ids")
    dup = sub.filter(pl.struct("_id", "_moment").is_duplicated())
    if dup.height:
        raise ValueError(
            f"{dup.height} rows share an ({id_col}, {moment_col}) pair, e.g. {dup.row(0)[:2]}; "
            "each case may have one score per moment"
        )
    # Nulls are measurements not taken (dropped); NaN / inf / out of range are refused.
    sub = sub.drop_nulls("_score")
    as_finite_1d(sub["_score"].to_numpy(), name=score_col, valid_range=valid_range)
    return sub


def gls_covariance(x: np.ndarray, groups: np.ndarray, var_intercept: float,
                   var_residual: float) -> np.ndarray:
    """Covariance of the fixed effects, ``(X' V^-1 X)^-1`` at the given variance components.

    ``V`` is block-diagonal: per case ``var_residual * I + var_intercept * J``, whose inverse
    is ``(I - w J) / var_residual`` with ``w = var_intercept / (var_residual + m *
    var_intercept)`` for a case with ``m`` scores. This is what lme4 (``vcov``), nlme and
    SAS PROC MIXED report; statsmodels' ``cov_params()`` inverts the numerical Hessian of
    all parameters instead, which on unbalanced data comes out slightly larger (about 0,1%
    for a moment with missing cases). ``groups`` are case numbers ``0..n_cases-1``.
    """
    sums = np.zeros((int(groups.max()) + 1, x.shape[1]))
    np.add.at(sums, groups, x)  # per case: X_i' 1
    m = np.bincount(groups).astype(float)
    w = var_intercept / (var_residual + m * var_intercept)
    xtvx = (x.T @ x - sums.T @ (w[:, None] * sums)) / var_residual
    return np.linalg.inv(xtvx)


def moment_means_model(
    df: pl.DataFrame,
    *,
    id_col: str = "case_id",
    moment_col: str = "moment",
    score_col: str = "score",
    moments: tuple[str, ...] = DEFAULT_MOMENTS,
    confidence: float = 0.95,
    valid_range: tuple[float, float] | None = None,
    maxiter: int | None = None,
) -> MixedModelResult:
    """Estimated mean per moment and all contrasts between moments, from a random-intercept model.

    ``df`` is long: one row per case and moment. Rows of other moments are ignored; rows
    with a null score count as not measured. Contrasts are every later moment minus every
    earlier one in the order of ``moments`` (``nameting - voormeting``,
    ``herhaalmeting - voormeting``, ``herhaalmeting - nameting``: the last answers "is the
    effect lasting"). ``maxiter`` caps the optimiser's iterations (testing / diagnostics).

    Raises ``ValueError`` for bad input, :class:`InsufficientDataError` when a moment has
    fewer than 2 scores, there are fewer than 2 cases or no within-case degrees of freedom,
    and :class:`ModelFitError` for non-convergence or a boundary random-intercept variance.
    """
    from statsmodels.regression.mixed_linear_model import MixedLM, MixedLMParams

    confidence = _check_confidence(confidence)
    moments = tuple(str(m) for m in moments)
    sub = _prepare(df, id_col, moment_col, score_col, moments, valid_range)

    counts = dict(sub.group_by("_moment").len().iter_rows())
    n_per_moment = {m: int(counts.get(m, 0)) for m in moments}
    thin = {m: c for m, c in n_per_moment.items() if c < 2}
    if thin:
        raise InsufficientDataError(
            f"every moment needs at least 2 scores for the mixed model; too few at {thin}"
        )
    sub = sub.sort("_id", "_moment")
    ids = sub["_id"].to_numpy()
    _, groups = np.unique(ids, return_inverse=True)
    n_cases = int(groups.max()) + 1
    n_obs = sub.height
    k = len(moments)
    per_case = np.bincount(groups)
    n_complete = int((per_case == k).sum())
    df_contrast = n_obs - n_cases - (k - 1)
    if n_cases < 2 or df_contrast < 1:
        raise InsufficientDataError(
            f"the mixed model needs repeated measurements: {n_cases} case(s), {n_obs} "
            f"observation(s) leave {df_contrast} within-case degrees of freedom"
        )
    y = sub["_score"].to_numpy()
    if np.ptp(y) == 0:
        raise InsufficientDataError(f"all {n_obs} scores are equal; no variance to model")
    code = {m: i for i, m in enumerate(moments)}
    x = np.eye(k)[[code[m] for m in sub["_moment"].to_list()]]

    model = MixedLM(y, x, groups=groups)
    fit_kw: dict[str, Any] = {"reml": True}
    if maxiter is not None:
        fit_kw["maxiter"] = int(maxiter)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = model.fit(**fit_kw)
    messages = tuple(dict.fromkeys(str(w.message) for w in caught))

    var_re = float(np.asarray(res.cov_re)[0, 0])
    var_e = float(res.scale)
    # Boundary: the profile REML likelihood is highest at (practically) zero variance.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ll_zero = float(
            model.loglike(MixedLMParams.from_components(cov_re=np.array([[1e-8]])),
                          profile_fe=True)
        )
    if var_re < _BOUNDARY_RATIO * var_e or (np.isfinite(ll_zero) and ll_zero >= res.llf - 1e-9):
        raise ModelFitError(
            "boundary",
            f"the random-intercept variance is estimated at (or pulled towards) 0 "
            f"({var_re:.3g} vs residual {var_e:.3g}); the cases differ no more than the "
            "measurement noise predicts, so the model's standard errors are not trustworthy. "
            "Report the paired comparisons instead.",
        )
    if not res.converged:
        raise ModelFitError(
            "not_converged",
            "the REML optimiser did not converge"
            + (f" (statsmodels: {'; '.join(messages)})" if messages else ""),
        )
    if any("not positive definite" in m for m in messages):
        raise ModelFitError("not_converged", "; ".join(messages))

    fe = np.asarray(res.fe_params, dtype=float)
    cov = gls_covariance(x, groups, var_re, var_e)
    def tq(dof: int) -> float:
        return float(_st.t.ppf(0.5 + confidence / 2.0, dof))

    df_mean = n_cases - 1
    means = []
    for m, i in code.items():
        se = math.sqrt(cov[i, i])
        q = tq(df_mean)
        means.append(
            MomentMean(m, n_per_moment[m], float(fe[i]), se, df_mean,
                       float(fe[i] - q * se), float(fe[i] + q * se))
        )
    contrasts = []
    q = tq(df_contrast)
    for a, b in itertools.combinations(range(k), 2):
        c = np.zeros(k)
        c[a], c[b] = -1.0, 1.0
        est = float(c @ fe)
        se = float(math.sqrt(c @ cov @ c))
        t = est / se
        contrasts.append(
            Contrast(moments[a], moments[b], est, se, df_contrast, t,
                     float(2.0 * _st.t.sf(abs(t), df_contrast)), est - q * se, est + q * se)
        )
    return MixedModelResult(
        moments=moments,
        n_cases=n_cases,
        n_observations=n_obs,
        n_complete_cases=n_complete,
        n_per_moment=n_per_moment,
        means=tuple(means),
        contrasts=tuple(contrasts),
        var_intercept=var_re,
        var_residual=var_e,
        icc=var_re / (var_re + var_e),
        converged=bool(res.converged),
        confidence=confidence,
        warnings=messages,
    )
