"""Regression to the mean (RTM): how much of a rise would have happened anyway.

Cases enter the proeftuin when their wellbeing is low. Because a single measurement holds
measurement error and day-to-day fluctuation, people selected for a low score score higher
the next time on average, even without any help. For a bivariate normal score with
population mean mu, SD sigma and test-retest correlation rho, a group selected *below* a
cut-off c rises on average by (Barnett, van der Pols & Dobson 2005, Int J Epidemiol
34:215-220, eq. 1)

    RTM = sigma * (1 - rho) * phi(z) / Phi(z),      z = (c - mu) / sigma

and a group selected *above* c falls by ``sigma (1 - rho) phi(z) / (1 - Phi(z))`` (returned
negative). When the group's own baseline mean is known, the same model gives the expected
change of any group selected on its baseline score as ``(1 - rho) (mu - baseline_mean)``
(:func:`regression_to_mean_from_baseline`).

:func:`effect_beyond_rtm` subtracts the expected RTM from an observed paired change. The RTM
part is treated as a known constant given the parameters (its uncertainty is shown by the
sensitivity grid over rho, not folded into the CI).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any, Literal

import numpy as np
import polars as pl
from scipy import stats as _st

from ruwaard_analysis.stats.paired import PairedChange, record_schema

__all__ = [
    "RtmParameters",
    "RtmAdjusted",
    "DEFAULT_RTM_PARAMETERS",
    "DEFAULT_RHO_GRID",
    "regression_to_mean",
    "regression_to_mean_from_baseline",
    "effect_beyond_rtm",
]

DEFAULT_RHO_GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass(frozen=True)
class RtmParameters:
    """Parameters of the regression-to-the-mean correction, with their status.

    * ``population_mean = 7.7``: *source*: CBS, average "rapportcijfer" Dutch adults (18+)
      give their life as a whole, stable at about 7.6-7.8 over 2013-2018 (CBS, Sociale
      samenhang en welzijn; Statistische Trends "Trends in geluk en tevredenheid", 2019).
    * ``population_sd = 1.4``: *assumption*, derived: CBS publishes no SD, but reports that
      about 1 in 16 adults rate their life 5 or lower; under a normal model with mean 7.7 that
      share (P(X < 5.5) = 1/16) gives SD ~ 1.4.
    * ``cutoff = 5.5``: *assumption*: cases enter with an insufficient grade ("onvoldoende",
      5 or lower). There is no formal cut-off in the proeftuin; vary it in sensitivity work.
    * ``test_retest_r = 0.6``: *assumption*: test-retest correlation of a single-item life
      satisfaction rating over weeks to months is typically 0.5-0.7 (e.g. Krueger & Schkade
      2008, J Public Econ 92:1833-1845; Lucas & Donnellan 2012). See the sensitivity grid.
    """

    population_mean: float = 7.7
    population_sd: float = 1.4
    cutoff: float = 5.5
    test_retest_r: float = 0.6
    direction: Literal["below", "above"] = "below"
    source: str = (
        "mean: CBS rapportcijfer leven 18+ (2013-2018); SD, cut-off and rho: assumptions "
        "(see RtmParameters docstring)"
    )

    def as_kwargs(self) -> dict[str, Any]:
        return {
            "population_mean": self.population_mean,
            "population_sd": self.population_sd,
            "cutoff": self.cutoff,
            "test_retest_r": self.test_retest_r,
            "direction": self.direction,
        }


DEFAULT_RTM_PARAMETERS = RtmParameters()


@dataclass(frozen=True)
class RtmAdjusted:
    """An observed paired change split into the part RTM predicts and the rest.

    ``beyond_*`` = observed - RTM, with the t-based and the bootstrap CI of the observed
    change shifted by the RTM part. ``share_explained`` = RTM / observed (None when the
    observed change is not in the direction RTM predicts, where a share is meaningless).
    """

    label_before: str
    label_after: str
    n: int
    method: str
    observed: float
    rtm: float
    beyond: float
    beyond_ci_low: float
    beyond_ci_high: float
    beyond_boot_ci_low: float
    beyond_boot_ci_high: float
    confidence: float
    share_explained: float | None
    population_mean: float
    population_sd: float
    cutoff: float | None
    test_retest_r: float
    direction: str
    sensitivity: pl.DataFrame

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "sensitivity"}

    def to_frame(self) -> pl.DataFrame:
        """One row with every field except the sensitivity grid (see ``sensitivity``)."""
        return pl.DataFrame([self.to_dict()], schema=record_schema(type(self)))


def _check_params(population_sd: float, test_retest_r: float, **finite: float) -> None:
    for name, value in {"population_sd": population_sd, "test_retest_r": test_retest_r,
                        **finite}.items():
        if value is None or not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
    if population_sd <= 0:
        raise ValueError(f"population_sd must be > 0, got {population_sd}")
    if not -1.0 <= test_retest_r <= 1.0:
        raise ValueError(f"test_retest_r must lie in [-1, 1], got {test_retest_r}")


def regression_to_mean(
    *,
    population_mean: float,
    population_sd: float,
    cutoff: float,
    test_retest_r: float,
    direction: str = "below",
) -> float:
    """Expected change (retest - baseline) of a group selected beyond ``cutoff`` at baseline.

    Barnett et al. (2005): ``sigma (1 - rho) phi(z) / Phi(z)`` for ``direction="below"``
    (positive: a rise) and ``-sigma (1 - rho) phi(z) / (1 - Phi(z))`` for ``"above"``,
    ``z = (cutoff - mu) / sigma``. Computed on the log scale, so extreme cut-offs stay finite.
    """
    _check_params(population_sd, test_retest_r, population_mean=population_mean, cutoff=cutoff)
    z = (cutoff - population_mean) / population_sd
    if direction == "below":
        ratio = math.exp(_st.norm.logpdf(z) - _st.norm.logcdf(z))
        sign = 1.0
    elif direction == "above":
        ratio = math.exp(_st.norm.logpdf(z) - _st.norm.logsf(z))
        sign = -1.0
    else:
        raise ValueError(f"direction must be 'below' or 'above', got {direction!r}")
    return sign * population_sd * (1.0 - test_retest_r) * ratio


def regression_to_mean_from_baseline(
    *, population_mean: float, baseline_mean: float, test_retest_r: float
) -> float:
    """Expected change ``(1 - rho) (mu - baseline_mean)`` of a group selected on its baseline.

    Holds for any selection rule on the baseline score under the bivariate normal model
    with equal variances at both moments (Barnett et al. 2005).
    """
    _check_params(1.0, test_retest_r, population_mean=population_mean,
                  baseline_mean=baseline_mean)
    return (1.0 - test_retest_r) * (population_mean - baseline_mean)


def effect_beyond_rtm(
    paired: PairedChange,
    *,
    params: RtmParameters = DEFAULT_RTM_PARAMETERS,
    method: str = "cutoff",
    rho_grid: tuple[float, ...] = DEFAULT_RHO_GRID,
) -> RtmAdjusted:
    """Split ``paired.mean_diff`` into the rise RTM alone predicts and the rise beyond it.

    ``method="cutoff"`` uses :func:`regression_to_mean` with ``params`` (population mean,
    SD, cut-off, rho); ``method="baseline"`` uses the group's observed baseline mean
    (``paired.mean_before``) in :func:`regression_to_mean_from_baseline`. ``sensitivity``
    holds the same split for every rho in ``rho_grid``.
    """
    if method not in ("cutoff", "baseline"):
        raise ValueError(f"method must be 'cutoff' or 'baseline', got {method!r}")
    if not rho_grid:
        raise ValueError("rho_grid must hold at least one correlation")

    def rtm_for(rho: float) -> float:
        if method == "cutoff":
            return regression_to_mean(**{**params.as_kwargs(), "test_retest_r": rho})
        return regression_to_mean_from_baseline(
            population_mean=params.population_mean,
            baseline_mean=paired.mean_before,
            test_retest_r=rho,
        )

    observed = paired.mean_diff

    def split(rho: float) -> dict[str, Any]:
        rtm = rtm_for(rho)
        share = rtm / observed if observed != 0 and np.sign(observed) == np.sign(rtm) else None
        return {
            "test_retest_r": float(rho),
            "rtm": rtm,
            "beyond": observed - rtm,
            "beyond_ci_low": paired.ci_low - rtm,
            "beyond_ci_high": paired.ci_high - rtm,
            "beyond_boot_ci_low": paired.boot_ci_low - rtm,
            "beyond_boot_ci_high": paired.boot_ci_high - rtm,
            "share_explained": share,
        }

    main = split(params.test_retest_r)
    grid = pl.DataFrame(
        [split(r) for r in rho_grid],
        schema={
            "test_retest_r": pl.Float64, "rtm": pl.Float64, "beyond": pl.Float64,
            "beyond_ci_low": pl.Float64, "beyond_ci_high": pl.Float64,
            "beyond_boot_ci_low": pl.Float64, "beyond_boot_ci_high": pl.Float64,
            "share_explained": pl.Float64,
        },
    )
    return RtmAdjusted(
        label_before=paired.label_before,
        label_after=paired.label_after,
        n=paired.n,
        method=method,
        observed=observed,
        rtm=main["rtm"],
        beyond=main["beyond"],
        beyond_ci_low=main["beyond_ci_low"],
        beyond_ci_high=main["beyond_ci_high"],
        beyond_boot_ci_low=main["beyond_boot_ci_low"],
        beyond_boot_ci_high=main["beyond_boot_ci_high"],
        confidence=paired.confidence,
        share_explained=main["share_explained"],
        population_mean=params.population_mean,
        population_sd=params.population_sd,
        cutoff=params.cutoff if method == "cutoff" else None,
        test_retest_r=params.test_retest_r,
        direction=params.direction,
        sensitivity=grid,
    )
