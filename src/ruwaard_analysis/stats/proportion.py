"""A share with its confidence interval (statsmodels ``proportion_confint``).

Small samples and shares near 0 or 1 make the Wald interval useless, so the default is the
exact Clopper-Pearson interval (statsmodels ``method="beta"``); ``method="wilson"`` gives the
Wilson score interval. statsmodels is imported when a share is computed, not at import time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

METHODS = ("beta", "wilson")  # Clopper-Pearson (exact), Wilson score


@dataclass(frozen=True)
class Share:
    """``k`` of ``n`` with its interval; ``share`` is None (and the interval too) when n = 0."""

    k: int
    n: int
    share: float | None
    ci_low: float | None
    ci_high: float | None
    confidence: float
    method: str

    def to_dict(self) -> dict:
        return asdict(self)


def share_ci(k: int, n: int, *, confidence: float = 0.95, method: str = "beta") -> Share:
    """The share ``k / n`` with its two-sided ``confidence`` interval.

    ``method``: ``"beta"`` (Clopper-Pearson, exact) or ``"wilson"``. Refuses counts that are
    not whole, negative or with ``k > n``.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {METHODS}")
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie strictly between 0 and 1")
    if int(k) != k or int(n) != n or k < 0 or n < 0 or k > n:
        raise ValueError(f"need whole counts 0 <= k <= n, got k={k!r}, n={n!r}")
    k, n = int(k), int(n)
    if n == 0:
        return Share(k, n, None, None, None, confidence, method)
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(k, n, alpha=1 - confidence, method=method)
    return Share(k, n, k / n, float(low), float(high), confidence, method)
