"""Paired change between two measurement moments of the same cases.

One :class:`PairedChange` record per comparison (e.g. voormeting -> nameting) holds:

* n, means and SDs of both moments, their correlation;
* the mean difference ``after - before`` with its t-based CI and the paired t-test;
* the Wilcoxon signed-rank test in the variant of R's ``wilcox.test(paired = TRUE)``
  (see :func:`wilcoxon_signed_rank` and :data:`WILCOXON_VARIANTS`);
* two *different* standardised effect sizes, each with a CI:

  - Cohen's **d_z** = mean(diff) / sd(diff): the change relative to how much the change
    varies between cases. CI: exact, by inverting the noncentral t distribution of
    ``t = d_z * sqrt(n)`` with ``n - 1`` df (Cumming & Finch 2001).
  - Hedges' **g_av** = mean(diff) / ((sd_before + sd_after) / 2) * J: the change relative
    to how much the scores vary between people (comparable with between-group studies),
    Lakens (2013) eq. 10 with the small-sample correction J of Hedges (1981) at
    ``df = 2 (n - 1)`` (exact gamma-function form), as in Lakens' (2013) worked example.
    CI: the approximation of Algina & Keselman (2003): the noncentral-t limits of the
    paired t statistic, rescaled by ``sd_diff / (sqrt(n) * sd_av)`` and multiplied by J.

  Libraries that call both "paired d" give numbers that differ by a factor
  ``sd_av / sd_diff``; the two are never interchangeable.
* a seeded BCa bootstrap CI of the mean difference;
* counts and shares of cases improved / unchanged / worse.

Differences are always ``after - before``; with ``higher_is_better=True`` (wellbeing) a
positive difference is an improvement.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np
import polars as pl
from scipy import optimize as _opt
from scipy import special as _sp
from scipy import stats as _st

from ruwaard_analysis.errors import InsufficientDataError
from ruwaard_analysis.stats.bootstrap import _check_confidence, as_finite_1d, bootstrap_ci

__all__ = [
    "PairedChange",
    "WilcoxonResult",
    "EffectSize",
    "WILCOXON_VARIANTS",
    "paired_change",
    "paired_change_long",
    "wilcoxon_signed_rank",
    "cohens_dz",
    "hedges_g_av",
    "hedges_j",
    "noncentral_t_ci",
]

WILCOXON_VARIANTS = {
    "exact": (
        "Wilcoxon signed-rank test, exact null distribution (fewer than 50 non-zero "
        "differences, no ties, no zero differences); equals R wilcox.test(paired = TRUE, "
        "digits.rank = 7)"
    ),
    "normal_cc": (
        "Wilcoxon signed-rank test, normal approximation with continuity correction and "
        "tie-corrected variance, zero differences dropped (Wilcoxon's method); equals R "
        "wilcox.test(paired = TRUE, correct = TRUE, digits.rank = 7) when R cannot use the exact "
        "test"
    ),
}

# Differences are rounded to this many decimals before ranking, so that floating-point noise
# (7.6 - 2.9 vs 5.7 - 1.0) neither breaks ties nor turns zero differences into tiny ones.
_DIFF_DECIMALS = 9


@dataclass(frozen=True)
class WilcoxonResult:
    """Wilcoxon signed-rank test of ``after - before``.

    ``statistic_v`` is R's V: the sum of the ranks of the positive differences.
    """

    statistic_v: float
    p_value: float
    variant: str
    alternative: str
    n_nonzero: int
    n_zero: int
    has_ties: bool


@dataclass(frozen=True)
class EffectSize:
    """A standardised effect size with its confidence interval."""

    name: str
    estimate: float
    ci_low: float
    ci_high: float
    confidence: float
    ci_method: str


@dataclass(frozen=True)
class PairedChange:
    """All change statistics of one comparison between two moments (plain Python numbers)."""

    label_before: str
    label_after: str
    n: int
    n_excluded: int
    mean_before: float
    sd_before: float
    mean_after: float
    sd_after: float
    correlation: float | None
    mean_diff: float
    sd_diff: float
    confidence: float
    ci_low: float
    ci_high: float
    t: float
    df: int
    p_t: float
    wilcoxon_v: float
    wilcoxon_p: float
    wilcoxon_variant: str
    wilcoxon_n_nonzero: int
    d_z: float
    d_z_ci_low: float
    d_z_ci_high: float
    g_av: float
    g_av_ci_low: float
    g_av_ci_high: float
    boot_ci_low: float
    boot_ci_high: float
    boot_method: str
    n_resamples: int
    seed: int
    n_improved: int
    n_unchanged: int
    n_worse: int
    share_improved: float
    share_unchanged: float
    share_worse: float
    higher_is_better: bool
    min_change: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_frame(self) -> pl.DataFrame:
        """One-row table with every field as a column (English identifiers).

        The column types are fixed by the field types (a ``None`` correlation stays a
        Float64 null), so frames of several records concatenate and store identically.
        """
        return pl.DataFrame([self.to_dict()], schema=record_schema(type(self)))


_POLARS_TYPES = {
    "int": pl.Int64,
    "float": pl.Float64,
    "float | None": pl.Float64,
    "str": pl.String,
    "str | None": pl.String,
    "bool": pl.Boolean,
}


def record_schema(cls: type) -> dict[str, Any]:
    """Polars schema of a flat result dataclass, from its field annotations."""
    return {
        f.name: _POLARS_TYPES[str(f.type)]
        for f in fields(cls)
        if str(f.type) in _POLARS_TYPES
    }


# ---------------------------------------------------------------------------------------------
# building blocks


def noncentral_t_ci(t_obs: float, df: float, confidence: float = 0.95) -> tuple[float, float]:
    """Confidence limits of the noncentrality parameter given an observed t.

    Finds ``ncp_low`` with ``P(T <= t_obs | ncp_low) = 1 - alpha/2`` and ``ncp_high`` with
    ``P(T <= t_obs | ncp_high) = alpha/2`` (T noncentral t with ``df``) by root finding
    (Steiger & Fouladi 1997).
    """
    confidence = _check_confidence(confidence)
    if not (math.isfinite(t_obs) and df > 0):
        raise ValueError(f"need a finite t and df > 0, got t={t_obs}, df={df}")
    alpha = 1.0 - confidence

    def limit(target: float) -> float:
        def f(ncp: float) -> float:
            p = float(_st.nct.cdf(t_obs, df, ncp))
            if math.isnan(p):  # scipy's nct.cdf can fail where it saturates at 1 or 0
                p = 1.0 if ncp < t_obs else 0.0
            return p - target

        # cdf is decreasing in ncp: widen a bracket around t_obs until the sign changes.
        step = max(1.0, abs(t_obs))
        lo, hi = t_obs - step, t_obs + step
        for _ in range(60):
            if f(lo) > 0 > f(hi):
                break
            lo -= step
            hi += step
            step *= 1.6
        return float(_opt.brentq(f, lo, hi, xtol=1e-12, rtol=1e-12, maxiter=200))

    return limit(1.0 - alpha / 2.0), limit(alpha / 2.0)


def hedges_j(df: float) -> float:
    """Hedges' (1981) exact small-sample correction ``Γ(df/2) / (sqrt(df/2) Γ((df-1)/2))``."""
    if df <= 1:
        raise InsufficientDataError(f"Hedges' correction needs df > 1, got {df}")
    return float(math.exp(_sp.gammaln(df / 2) - _sp.gammaln((df - 1) / 2)) / math.sqrt(df / 2))


def _pair(before: Any, after: Any, valid_range: tuple[float, float] | None):
    b = as_finite_1d(before, name="before", valid_range=valid_range)
    a = as_finite_1d(after, name="after", valid_range=valid_range)
    if b.size != a.size:
        raise ValueError(
            f"before and after must have the same length (paired cases), got {b.size} and {a.size}"
        )
    if b.size < 2:
        raise InsufficientDataError(f"a paired comparison needs at least 2 cases, got {b.size}")
    diff = a - b
    if np.ptp(diff) == 0:
        raise InsufficientDataError(
            f"all {diff.size} differences are equal ({diff[0]:g}); without variance in the "
            "change the t-test, d_z and the bootstrap are undefined"
        )
    return b, a, diff


def cohens_dz(before: Any, after: Any, *, confidence: float = 0.95) -> EffectSize:
    """Cohen's d_z = mean(after - before) / sd(after - before), exact noncentral-t CI."""
    _, _, diff = _pair(before, after, None)
    n = diff.size
    d = float(diff.mean() / diff.std(ddof=1))
    lo, hi = noncentral_t_ci(d * math.sqrt(n), n - 1, confidence)
    return EffectSize("d_z", d, lo / math.sqrt(n), hi / math.sqrt(n), confidence,
                      "noncentral t (exact)")


def hedges_g_av(before: Any, after: Any, *, confidence: float = 0.95) -> EffectSize:
    """Hedges' g_av: mean difference over the average SD of both moments, times J(2(n-1)).

    CI after Algina & Keselman (2003): noncentral-t limits of the paired t statistic
    times ``sd_diff / (sqrt(n) * sd_av)``, times J.
    """
    b, a, diff = _pair(before, after, None)
    n = diff.size
    sd_av = (b.std(ddof=1) + a.std(ddof=1)) / 2.0
    sd_diff = diff.std(ddof=1)
    j = hedges_j(2.0 * (n - 1))
    g = float(diff.mean() / sd_av * j)
    t_obs = float(diff.mean() / (sd_diff / math.sqrt(n)))
    lo, hi = noncentral_t_ci(t_obs, n - 1, confidence)
    scale = float(sd_diff / (math.sqrt(n) * sd_av) * j)
    return EffectSize("g_av", g, lo * scale, hi * scale, confidence,
                      "Algina & Keselman (2003) noncentral t, Hedges J at df = 2(n-1)")


def wilcoxon_signed_rank(
    before: Any, after: Any, *, alternative: str = "two-sided"
) -> WilcoxonResult:
    """Wilcoxon signed-rank test of ``after - before``, as R's ``wilcox.test(paired = TRUE,
    digits.rank = 7)``.

    Equality with R holds with ``digits.rank = 7``: the differences are rounded
    (``_DIFF_DECIMALS``) before ranking, so floating-point noise (``7.6 - 2.9`` against
    ``5.7 - 1.0``) gives a tie, as rounding to 7 significant digits does in R. R's default
    ``digits.rank = Inf`` ranks the raw doubles, sees no tie there, and may then use the exact
    test where this uses the normal approximation (or give slightly different ranks), so
    its p-value can differ.

    Variant (see :data:`WILCOXON_VARIANTS`): the exact null distribution when there are
    fewer than 50 non-zero differences and no ties and no zeros; otherwise the normal
    approximation with continuity correction and tie-corrected variance, zero differences
    dropped (scipy ``zero_method="wilcox", correction=True, method="asymptotic"``). Unlike
    scipy's ``method="auto"`` this never switches to a permutation test, so p equals R's.
    ``alternative="greater"`` tests whether ``after`` tends to exceed ``before``.
    """
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError(f"alternative must be two-sided, greater or less, got {alternative!r}")
    _, _, diff = _pair(before, after, None)
    d = np.round(diff, _DIFF_DECIMALS)
    n_zero = int((d == 0).sum())
    nz = d[d != 0]
    ranks = _st.rankdata(np.abs(nz))
    v = float(ranks[nz > 0].sum())
    has_ties = bool(np.unique(np.abs(nz)).size < nz.size)
    exact = nz.size < 50 and not has_ties and n_zero == 0
    res = _st.wilcoxon(
        nz if exact else d,
        zero_method="wilcox",
        correction=True,
        alternative=alternative,
        method="exact" if exact else "asymptotic",
    )
    return WilcoxonResult(
        statistic_v=v,
        p_value=float(res.pvalue),
        variant="exact" if exact else "normal_cc",
        alternative=alternative,
        n_nonzero=int(nz.size),
        n_zero=n_zero,
        has_ties=has_ties,
    )


# ---------------------------------------------------------------------------------------------
# the record


def paired_change(
    before: Any,
    after: Any,
    *,
    label_before: str = "voormeting",
    label_after: str = "nameting",
    confidence: float = 0.95,
    n_resamples: int = 10_000,
    seed: int,
    ids: Any = None,
    valid_range: tuple[float, float] | None = None,
    higher_is_better: bool = True,
    min_change: float = 0.0,
    n_excluded: int = 0,
) -> PairedChange:
    """Every change statistic of one paired comparison, as one :class:`PairedChange`.

    ``before[i]`` and ``after[i]`` belong to the same case. ``ids`` (optional) are the case
    identifiers, only checked for being unique and as long as the scores. A case counts as
    unchanged when ``|after - before| <= min_change``. ``n_excluded`` is carried into the
    record (set by :func:`paired_change_long`).

    Raises ``ValueError`` for NaN / inf / out-of-range / mismatched input and
    ``InsufficientDataError`` for fewer than 2 cases or no variance in the differences.
    """
    confidence = _check_confidence(confidence)
    if not (math.isfinite(min_change) and min_change >= 0):
        raise ValueError(f"min_change must be a finite number >= 0, got {min_change}")
    b, a, diff = _pair(before, after, valid_range)
    n = int(diff.size)
    if ids is not None:
        ids_list = list(ids)
        if len(ids_list) != n:
            raise ValueError(f"ids has {len(ids_list)} entries for {n} pairs")
        if len(set(ids_list)) != n:
            raise ValueError("ids are not unique: each case may appear once per comparison")

    sd_b, sd_a = float(b.std(ddof=1)), float(a.std(ddof=1))
    # None (not NaN) when one moment has no variance: the correlation is undefined then.
    corr = float(np.corrcoef(b, a)[0, 1]) if sd_b > 0 and sd_a > 0 else None
    mean_diff = float(diff.mean())
    sd_diff = float(diff.std(ddof=1))
    df = n - 1
    se = sd_diff / math.sqrt(n)
    t_stat = mean_diff / se
    p_t = float(2.0 * _st.t.sf(abs(t_stat), df))
    half = float(_st.t.ppf(0.5 + confidence / 2.0, df)) * se

    wil = wilcoxon_signed_rank(b, a)
    dz = cohens_dz(b, a, confidence=confidence)
    gav = hedges_g_av(b, a, confidence=confidence)
    boot = bootstrap_ci(diff, "mean", n_resamples=n_resamples, confidence=confidence,
                        method="BCa", seed=seed)

    signed = np.round(diff if higher_is_better else -diff, _DIFF_DECIMALS)
    n_unchanged = int((np.abs(signed) <= min_change).sum())
    n_improved = int((signed > min_change).sum())
    n_worse = n - n_improved - n_unchanged

    return PairedChange(
        label_before=str(label_before),
        label_after=str(label_after),
        n=n,
        n_excluded=int(n_excluded),
        mean_before=float(b.mean()),
        sd_before=sd_b,
        mean_after=float(a.mean()),
        sd_after=sd_a,
        correlation=corr,
        mean_diff=mean_diff,
        sd_diff=sd_diff,
        confidence=confidence,
        ci_low=mean_diff - half,
        ci_high=mean_diff + half,
        t=float(t_stat),
        df=df,
        p_t=p_t,
        wilcoxon_v=wil.statistic_v,
        wilcoxon_p=wil.p_value,
        wilcoxon_variant=wil.variant,
        wilcoxon_n_nonzero=wil.n_nonzero,
        d_z=dz.estimate,
        d_z_ci_low=dz.ci_low,
        d_z_ci_high=dz.ci_high,
        g_av=gav.estimate,
        g_av_ci_low=gav.ci_low,
        g_av_ci_high=gav.ci_high,
        boot_ci_low=boot.low,
        boot_ci_high=boot.high,
        boot_method=boot.method,
        n_resamples=boot.n_resamples,
        seed=int(seed),
        n_improved=n_improved,
        n_unchanged=n_unchanged,
        n_worse=n_worse,
        share_improved=n_improved / n,
        share_unchanged=n_unchanged / n,
        share_worse=n_worse / n,
        higher_is_better=bool(higher_is_better),
        min_change=float(min_change),
    )


def paired_change_long(
    df: pl.DataFrame,
    *,
    id_col: str = "case_id",
    moment_col: str = "moment",
    score_col: str = "score",
    moment_before: str = "voormeting",
    moment_after: str = "nameting",
    seed: int,
    confidence: float = 0.95,
    n_resamples: int = 10_000,
    valid_range: tuple[float, float] | None = None,
    higher_is_better: bool = True,
    min_change: float = 0.0,
) -> PairedChange:
    """:func:`paired_change` on a long table (one row per case and moment), paired by id.

    Cases that lack one of the two moments (or whose score there is null) are dropped; their
    number is ``n_excluded`` in the record. NaN scores and duplicate (id, moment) rows raise
    ``ValueError``. The moment labels become ``label_before`` / ``label_after``.
    """
    missing = [c for c in (id_col, moment_col, score_col) if c not in df.columns]
    if missing:
        raise ValueError(f"column(s) {missing} not in the table (has {df.columns})")
    if moment_before == moment_after:
        raise ValueError(f"moment_before and moment_after are both {moment_before!r}")
    sub = df.select(
        pl.col(id_col).alias("_id"),
        pl.col(moment_col).cast(pl.String).alias("_moment"),
        pl.col(score_col).cast(pl.Float64).alias("_score"),
    ).filter(pl.col("_moment").is_in([moment_before, moment_after]))
    if sub["_id"].null_count():
        raise ValueError(f"column {id_col!r} has missing ids")
    dup = sub.filter(pl.struct("_id", "_moment").is_duplicated())
    if dup.height:
        first = dup.row(0)
        raise ValueError(
            f"{dup.height} rows share an ({id_col}, {moment_col}) pair, e.g. {first[:2]}; "
            "each case may have one score per moment"
        )
    # NaN / inf / range are refused by as_finite_1d below; nulls mean "not measured".
    as_finite_1d(sub["_score"].drop_nulls().to_numpy(), name=score_col, valid_range=valid_range)
    sub = sub.drop_nulls("_score")
    all_ids = sub["_id"].unique()
    wide = (
        sub.filter(pl.col("_moment") == moment_before)
        .select("_id", pl.col("_score").alias("_before"))
        .join(
            sub.filter(pl.col("_moment") == moment_after).select(
                "_id", pl.col("_score").alias("_after")
            ),
            on="_id",
            how="inner",
        )
        .sort("_id")
    )
    if wide.height < 2:
        raise InsufficientDataError(
            f"{moment_before} -> {moment_after}: {wide.height} case(s) have both scores; a "
            "paired comparison needs at least 2"
        )
    return paired_change(
        wide["_before"].to_numpy(),
        wide["_after"].to_numpy(),
        label_before=moment_before,
        label_after=moment_after,
        confidence=confidence,
        n_resamples=n_resamples,
        seed=seed,
        ids=wide["_id"].to_list(),
        valid_range=valid_range,
        higher_is_better=higher_is_better,
        min_change=min_change,
        n_excluded=int(all_ids.len() - wide.height),
    )
