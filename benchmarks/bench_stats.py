"""Speed of the statistics (issue #3, speed section).

1. All statistics of one year's demo-sized data (25 cases, 3 moments, 3 follow-ups missing):
   two paired comparisons with a 10.000-resample BCa bootstrap each, the mixed model and the
   regression-to-the-mean split. Target: < 1 s.
2. A 10.000-resample BCa bootstrap of the mean of 200 paired differences. Target: < 0.2 s.

Each is measured against the same work done the straightforward way (pandas pivot, scipy
tests, a Python loop over resamples, the statsmodels formula interface) in the same run;
the figures are medians of a few repeats after one warm-up (imports excluded).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np
import polars as pl
from scipy import stats

from ruwaard_analysis.stats import (
    bootstrap_ci,
    effect_beyond_rtm,
    moment_means_model,
    paired_change_long,
)
from ruwaard_analysis.stats.paired import noncentral_t_ci

SEED = 20160512
MOMENTS = ("voormeting", "nameting", "herhaalmeting")
REPEATS = 5


def _demo_year(n: int = 25, seed: int = SEED) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    mu = np.array([3.0, 7.5, 7.0])
    y = np.clip(np.round(mu + rng.normal(0, 1, (n, 1)) + rng.normal(0, 0.9, (n, 3)), 1), 1, 10)
    rows = [(f"c{i:03d}", MOMENTS[j], float(y[i, j]))
            for i in range(n) for j in range(3) if not (j == 2 and i < 3)]
    return pl.DataFrame(rows, schema=["case_id", "moment", "score"], orient="row")


def _time(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    fn()  # warm-up (imports, caches)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


# ----------------------------------------------------------------------------- our way


def ours_year(df: pl.DataFrame) -> None:
    first = paired_change_long(df, moment_before="voormeting", moment_after="nameting",
                               seed=SEED, valid_range=(1, 10))
    paired_change_long(df, moment_before="nameting", moment_after="herhaalmeting",
                       seed=SEED, valid_range=(1, 10))
    moment_means_model(df, valid_range=(1, 10))
    effect_beyond_rtm(first)


def ours_bootstrap(diff: np.ndarray) -> None:
    bootstrap_ci(diff, "mean", n_resamples=10_000, seed=SEED)


# ----------------------------------------------------------------------------- straightforward


def _loop_bca(x: np.ndarray, n_resamples: int, seed: int) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    theta = float(np.mean(x))
    boot = []
    for _ in range(n_resamples):
        boot.append(float(np.mean(rng.choice(x, size=len(x), replace=True))))
    boot_arr = np.array(boot)
    z0 = stats.norm.ppf((boot_arr < theta).mean())
    jack = np.array([np.mean(np.delete(x, i)) for i in range(len(x))])
    dev = jack.mean() - jack
    a = (dev**3).sum() / (6 * (dev**2).sum() ** 1.5)
    out = []
    for q in (0.025, 0.975):
        zq = stats.norm.ppf(q)
        level = stats.norm.cdf(z0 + (z0 + zq) / (1 - a * (z0 + zq)))
        out.append(float(np.quantile(boot_arr, level)))
    return out[0], out[1]


def _loop_paired(wide, before: str, after: str) -> None:
    pair = wide[[before, after]].dropna()
    b, a = pair[before].to_numpy(), pair[after].to_numpy()
    d = a - b
    stats.ttest_rel(a, b).confidence_interval(0.95)
    stats.wilcoxon(a, b, correction=True)
    n = len(d)
    noncentral_t_ci(d.mean() / d.std(ddof=1) * np.sqrt(n), n - 1)  # same root finding
    _loop_bca(d, 10_000, SEED)
    [(d > 0).mean(), (d == 0).mean(), (d < 0).mean()]


def straightforward_year(df: pl.DataFrame) -> None:
    import statsmodels.formula.api as smf

    pdf = df.to_pandas()
    wide = pdf.pivot(index="case_id", columns="moment", values="score")
    _loop_paired(wide, "voormeting", "nameting")
    _loop_paired(wide, "nameting", "herhaalmeting")
    smf.mixedlm("score ~ 0 + C(moment)", pdf, groups=pdf["case_id"]).fit(reml=True)


def straightforward_bootstrap(diff: np.ndarray) -> None:
    _loop_bca(diff, 10_000, SEED)


def main() -> dict:
    df = _demo_year()
    rng = np.random.default_rng(SEED)
    diff = rng.normal(1.5, 2.0, 200)

    t0 = time.perf_counter()
    ours_year(df)
    first_call = time.perf_counter() - t0
    figures = {
        "year_ours_s": _time(lambda: ours_year(df)),
        "year_first_call_incl_imports_s": first_call,
        "year_straightforward_s": _time(lambda: straightforward_year(df), repeats=3),
        "bootstrap200_ours_s": _time(lambda: ours_bootstrap(diff)),
        "bootstrap200_straightforward_s": _time(lambda: straightforward_bootstrap(diff),
                                                repeats=3),
    }
    figures["year_ratio"] = figures["year_straightforward_s"] / figures["year_ours_s"]
    figures["bootstrap200_ratio"] = (figures["bootstrap200_straightforward_s"]
                                     / figures["bootstrap200_ours_s"])
    figures["year_target_met"] = figures["year_ours_s"] < 1.0
    figures["bootstrap200_target_met"] = figures["bootstrap200_ours_s"] < 0.2
    print(f"one year (25 cases x 3 moments), all statistics: ours "
          f"{figures['year_ours_s']:.3f} s (target < 1 s; first call incl. imports "
          f"{first_call:.2f} s), straightforward {figures['year_straightforward_s']:.3f} s, "
          f"ratio {figures['year_ratio']:.1f}x")
    print(f"BCa bootstrap, 10.000 resamples of 200 pairs: ours "
          f"{figures['bootstrap200_ours_s']:.3f} s (target < 0.2 s), straightforward "
          f"{figures['bootstrap200_straightforward_s']:.3f} s, ratio "
          f"{figures['bootstrap200_ratio']:.1f}x")
    return figures


if __name__ == "__main__":
    main()
