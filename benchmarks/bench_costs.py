"""Benchmark of the cost computation at national scale: 200.000 cases, 1 million cost lines.

Times ``price_cost_lines`` + ``costs_per_case`` + ``costs_per_payer`` (polars) and the same
work done the straightforward way (pandas merge + groupby, then a Python loop over the cases
for savings and payback, as an analyst would write it), each in its own subprocess so that
the peak resident memory (``resource.getrusage``, which also sees polars' Rust allocations;
tracemalloc does not) belongs to one method. Data are synthetic, generated with a seed, with
the item codes of the project's price list when it is shipped.

Run: ``python -m benchmarks costs`` or ``python -m benchmarks.bench_costs``.
"""

from __future__ import annotations

import json
import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

N_CASES = 200_000
N_LINES = 1_000_000
SEED = 20160512
PRICE_YEAR = 2024
REPEATS = 3
ROOT = Path(__file__).resolve().parents[1]


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def make_data(n_cases: int = N_CASES, n_lines: int = N_LINES, seed: int = SEED):
    """Synthetic cost lines, price list and CPI (reference files when shipped)."""
    from ruwaard_analysis import config
    from ruwaard_analysis.costs import SCENARIOS

    rng = np.random.default_rng(seed)
    ref_prices = config.REFERENCE_DIR / "price_list.csv"
    ref_cpi = config.REFERENCE_DIR / "cpi.csv"
    if ref_prices.exists():
        price_list = pl.read_csv(ref_prices)
        price_source = "reference_data/price_list.csv"
    else:
        k = 160
        price_list = pl.DataFrame({
            "item_code": [f"item_{i:03d}" for i in range(k)],
            "description": ["synthetisch"] * k, "unit": ["eenheid"] * k,
            "unit_price_eur": rng.lognormal(4.5, 1.2, k).round(2),
            "price_year": rng.choice([2020, 2022, 2024], k),
            "domain": rng.choice(["zorg", "ggz", "welzijn", "wonen"], k),
            "payer": rng.choice(["gemeente", "zorgverzekeraar", "woningcorporatie", "rijk"], k),
            "source": ["schatting"] * k,
        })
        price_source = "synthetic"
    if ref_cpi.exists():
        cpi = pl.read_csv(ref_cpi)
    else:
        years = np.arange(2012, 2025)
        cpi = pl.DataFrame({"year": years, "cpi": 100 * 1.02 ** (years - 2015)})
    ids = np.array([f"C{i:06d}" for i in range(n_cases)])
    # every case has at least one line; the rest are spread at random
    case_idx = np.concatenate([np.arange(n_cases), rng.integers(0, n_cases, n_lines - n_cases)])
    cost_lines = pl.DataFrame({
        "case_id": ids[case_idx],
        "scenario": np.asarray(SCENARIOS)[rng.choice(4, n_lines, p=[0.3, 0.3, 0.1, 0.3])],
        "item_code": rng.choice(price_list["item_code"].to_numpy(), n_lines),
        "quantity": rng.lognormal(1.0, 1.0, n_lines).round(1),
    })
    return cost_lines, price_list, cpi, price_source


def run_polars(cost_lines: pl.DataFrame, price_list: pl.DataFrame, cpi: pl.DataFrame):
    from ruwaard_analysis import costs

    priced = costs.price_cost_lines(cost_lines, price_list, cpi, price_year=PRICE_YEAR)
    return costs.costs_per_case(priced), costs.costs_per_payer(priced)


def run_straightforward(lines_pd, prices_pd, cpi_pd):
    """The same work the way it is usually written: pandas merge/groupby and a row loop."""
    import pandas as pd

    cpi_map = dict(zip(cpi_pd["year"], cpi_pd["cpi"], strict=True))
    prices = prices_pd.copy()
    prices["factor"] = [cpi_map[PRICE_YEAR] / cpi_map[y] for y in prices["price_year"]]
    df = lines_pd.merge(prices[["item_code", "unit_price_eur", "factor", "payer"]],
                        on="item_code", how="left")
    if df["unit_price_eur"].isna().any():
        raise ValueError("unknown item code")
    df["amount_eur"] = df["quantity"] * df["unit_price_eur"] * df["factor"]
    wide = df.groupby(["case_id", "scenario"])["amount_eur"].sum().unstack(fill_value=0.0)
    records = []
    for case_id, row in zip(wide.index, wide.itertuples(index=False), strict=True):
        r = row._asdict()
        huidig = r.get("huidig", 0.0)
        na = r.get("na_oplossing", 0.0)
        saving = huidig - na
        payback = r.get("oplossing_eenmalig", 0.0) / (saving / 12) if saving > 0 else math.nan
        records.append((case_id, huidig, r.get("zonder_oplossing", 0.0) - na, saving, payback))
    per_case = pd.DataFrame(records, columns=["case_id", "huidig", "saving_vs_nothing",
                                              "saving_vs_current", "payback_months"])
    payer = df.groupby(["payer", "scenario"])["amount_eur"].sum().unstack(fill_value=0.0)
    payer["yearly_gain_vs_current"] = payer["huidig"] - payer["na_oplossing"]
    return per_case, payer


def _worker(method: str) -> dict:
    cost_lines, price_list, cpi, source = make_data()
    if method == "straightforward":
        args = (cost_lines.to_pandas(), price_list.to_pandas(), cpi.to_pandas())
        fn = run_straightforward
    else:
        args = (cost_lines, price_list, cpi)
        fn = run_polars
    rss_before = _peak_rss_mb()
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        per_case, _payer = fn(*args)
        times.append(time.perf_counter() - t0)
        check = float(per_case["saving_vs_current"].sum())
        del per_case, _payer
    return {"method": method, "seconds": times, "best_s": min(times),
            "peak_rss_mb": _peak_rss_mb(), "rss_after_data_mb": rss_before,
            "n_cases": N_CASES, "n_lines": N_LINES, "price_list": source,
            "check_total_saving": check}


def _spawn(method: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run([sys.executable, "-m", "benchmarks.bench_costs", "--worker", method],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> dict:
    ours = _spawn("polars")
    base = _spawn("straightforward")
    if not math.isclose(ours["check_total_saving"], base["check_total_saving"], rel_tol=1e-9):
        raise AssertionError("the two methods disagree on the total saving")
    result = {
        "n_cases": N_CASES, "n_lines": N_LINES, "price_list": ours["price_list"],
        "polars_best_s": ours["best_s"], "polars_peak_rss_mb": ours["peak_rss_mb"],
        "polars_rss_after_data_mb": ours["rss_after_data_mb"],
        "straightforward_best_s": base["best_s"],
        "straightforward_peak_rss_mb": base["peak_rss_mb"],
        "speedup": base["best_s"] / ours["best_s"],
        "meets_5s_2gb": ours["best_s"] < 5.0 and ours["peak_rss_mb"] < 2048,
        "cpu_count": os.cpu_count(),
    }
    print(f"cases {N_CASES:,}, lines {N_LINES:,}, price list: {result['price_list']}")
    print(f"polars (ours)    : {ours['best_s']:.2f} s best of {REPEATS}, "
          f"peak RSS {ours['peak_rss_mb']:.0f} MB")
    print(f"pandas + loop    : {base['best_s']:.2f} s best of {REPEATS}, "
          f"peak RSS {base['peak_rss_mb']:.0f} MB")
    print(f"ratio            : {result['speedup']:.1f}x faster; "
          f"target < 5 s and < 2 GB met: {result['meets_5s_2gb']}")
    return result


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        print(json.dumps(_worker(sys.argv[2])))
    else:
        print(json.dumps(main(), indent=2))
