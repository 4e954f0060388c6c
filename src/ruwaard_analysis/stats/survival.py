"""Time to an event with right-censoring: Kaplan-Meier (statsmodels ``SurvfuncRight``).

A case whose event has not happened yet by the end of follow-up is *censored*: it counts as
"at risk" up to that day and is not dropped (dropping it would make the wait look shorter).
statsmodels gives the product-limit estimate, its Greenwood standard error and the median
with the Brookmeyer-Crowley interval (complementary log-log). The pointwise interval of
S(t) used here is the log(-log) transform of the Greenwood standard error (Kalbfleisch and
Prentice; lifelines' default), which stays inside [0, 1]. statsmodels is imported lazily.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats as sps


@dataclass(frozen=True)
class KaplanMeier:
    """A Kaplan-Meier estimate and the numbers the report shows of it.

    ``share_by_horizon``: 1 - S(horizon), the estimated share with the event within
    ``horizon`` (inclusive), with its interval. ``median``: the first time S(t) <= 0.5, None
    when the curve never gets there; a bound None means "not reached" (infinite).
    ``curve``: one row per distinct event time (``time, n_risk, n_events, surv, se,
    ci_low, ci_high``), S(t) just after ``time``.
    """

    n: int
    n_events: int
    n_censored: int
    horizon: float
    events_by_horizon: int
    share_by_horizon: float
    share_ci_low: float | None
    share_ci_high: float | None
    median: float | None
    median_ci_low: float | None
    median_ci_high: float | None
    confidence: float
    curve: pl.DataFrame

    def survival_at(self, t: float) -> tuple[float, float | None, float | None, int]:
        """(S(t), lower, upper, number at risk just before t) from the step function."""
        return _step(self.curve, t, self.n)


def _loglog_ci(surv: float, se: float, z: float) -> tuple[float | None, float | None]:
    """Pointwise interval of S from its Greenwood SE on the log(-log S) scale."""
    if surv >= 1.0:
        return 1.0, 1.0
    if surv <= 0.0 or not math.isfinite(se):
        return None, None
    half = z * se / (surv * abs(math.log(surv)))
    # S**exp(+half) is the lower bound, S**exp(-half) the upper
    return surv ** math.exp(half), surv ** math.exp(-half)


def _step(curve: pl.DataFrame, t: float, n: int) -> tuple[float, float | None, float | None, int]:
    before = curve.filter(pl.col("time") <= t)
    after = curve.filter(pl.col("time") > t)
    at_risk = int(after["n_risk"][0]) if after.height else None
    if before.height == 0:
        return 1.0, 1.0, 1.0, n if at_risk is None else at_risk
    last = before.row(-1, named=True)
    if at_risk is None:
        at_risk = int(last["n_risk"] - last["n_events"])
    return float(last["surv"]), last["ci_low"], last["ci_high"], at_risk


def _finite(x: float) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def kaplan_meier(
    durations,
    events,
    *,
    horizon: float,
    confidence: float = 0.95,
) -> KaplanMeier:
    """Kaplan-Meier of ``durations`` (time to event or to censoring) and ``events`` (True =
    event seen, False = censored), with the share with the event by ``horizon``.

    Refuses empty input, negative or missing durations, and lengths that differ.
    """
    from statsmodels.duration.survfunc import SurvfuncRight

    time = np.asarray(durations, dtype=float)
    status = np.asarray(events, dtype=bool)
    if time.shape != status.shape or time.ndim != 1:
        raise ValueError("durations and events must be one-dimensional and of equal length")
    if time.size == 0:
        raise ValueError("no durations to estimate from")
    if not np.isfinite(time).all() or (time < 0).any():
        raise ValueError("durations must be finite and >= 0")
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie strictly between 0 and 1")
    z = float(sps.norm.ppf(0.5 + confidence / 2))
    n_events = int(status.sum())
    if n_events:
        sf = SurvfuncRight(time, status.astype(float))
        surv, se = sf.surv_prob, sf.surv_prob_se
        bounds = [_loglog_ci(float(s), float(e), z) for s, e in zip(surv, se, strict=True)]
        curve = pl.DataFrame({
            "time": sf.surv_times.astype(float),
            "n_risk": sf.n_risk.astype(np.int64),
            "n_events": sf.n_events.astype(np.int64),
            "surv": surv.astype(float),
            "se": se.astype(float),
            "ci_low": [b[0] for b in bounds],
            "ci_high": [b[1] for b in bounds],
        }, schema={"time": pl.Float64, "n_risk": pl.Int64, "n_events": pl.Int64,
                   "surv": pl.Float64, "se": pl.Float64, "ci_low": pl.Float64,
                   "ci_high": pl.Float64})
        median = _finite(sf.quantile(0.5)) if float(surv.min()) <= 0.5 else None
        with np.errstate(divide="ignore", invalid="ignore"):  # log(0) at S = 0 or 1
            low, high = sf.quantile_ci(0.5, alpha=1 - confidence)
        median_low, median_high = _finite(low), _finite(high)
    else:
        curve = pl.DataFrame(schema={"time": pl.Float64, "n_risk": pl.Int64,
                                     "n_events": pl.Int64, "surv": pl.Float64,
                                     "se": pl.Float64, "ci_low": pl.Float64,
                                     "ci_high": pl.Float64})
        median = median_low = median_high = None
    s_h, low_h, high_h, _ = _step(curve, horizon, int(time.size))
    return KaplanMeier(
        n=int(time.size),
        n_events=n_events,
        n_censored=int(time.size - n_events),
        horizon=float(horizon),
        events_by_horizon=int((status & (time <= horizon)).sum()),
        share_by_horizon=1.0 - s_h,
        share_ci_low=None if high_h is None else 1.0 - high_h,
        share_ci_high=None if low_h is None else 1.0 - low_h,
        median=median,
        median_ci_low=median_low,
        median_ci_high=median_high,
        confidence=confidence,
        curve=curve,
    )
