"""Benchmark at national scale: a folder with 10 million cost lines and 1 million cases read,
validated, priced and summarised per case and per payer.

Ours: ``loaders.load_folder`` (the path ``ruwaard validate`` takes: every file of the folder
read, the privacy gate on every value including identifiers inside text, the contracts,
uniqueness, the rules between files), then ``costs.price_cost_lines``, ``costs_per_case`` and
``costs_per_payer``. The straightforward way: the same work on the sources of the cost
computation (cases, cost lines, price list, CPI: all but 2.000 of the folder's 11 million
rows) as it is usually written with pandas: ``read_csv``, ``str.contains`` / ``str.findall``
per column for identifiers with the elfproef per candidate in Python, ``to_numeric`` /
``to_datetime``, ``isin`` and ``duplicated`` for the rules, then merge, groupby and a loop over
the cases (``bench_costs.run_straightforward``).

The folder is generated with a seed into a temporary folder (``scale_data``; nothing in the
repository, nothing downloaded) before either method runs; each method runs in a process of
its own, so the peak resident memory (``ru_maxrss``, which sees polars' Rust allocations) and
the CPU seconds (user + system, every thread) are that method's alone. The load average of
the machine is recorded before and after: on a shared machine wall seconds grow with it, CPU
seconds much less.

Run: ``python -m benchmarks scale``.
"""

from __future__ import annotations

import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 10.0
TARGET_MB = 4096


def _usage() -> dict:
    r = resource.getrusage(resource.RUSAGE_SELF)
    peak = r.ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else r.ru_maxrss / 1024
    return {"cpu_s": r.ru_utime + r.ru_stime, "peak_rss_mb": peak}


def run_ours(folder: Path) -> dict:
    from ruwaard_analysis import costs, loaders

    frames = loaders.load_folder(folder)
    priced = costs.price_cost_lines(frames["cost_lines"], frames["price_list"], frames["cpi"])
    per_case = costs.costs_per_case(priced)
    per_payer = costs.costs_per_payer(priced)
    return {"lines": frames["cost_lines"].height, "cases": per_case.height,
            "payers": per_payer.height,
            "total_saving": float(per_case["saving_vs_current"].sum())}


# --------------------------------------------------------------------------- pandas


def _pandas_identifiers(df, file: str, numeric: set[str]) -> list[str]:
    """The privacy scan as usually written: a regular expression per rule and column."""
    from ruwaard_analysis import privacy

    problems = []
    for col in df.columns:
        s = df[col].dropna()
        text = s if col not in numeric else s[~s.str.match(privacy._PLAIN_NUMBER)]
        if text.str.contains(privacy._EMAIL.replace("(", "(?:"), regex=True).any():
            problems.append(f"{file}: {col}: e-mail")
        phones = text.str.findall(r"(?:\+31|0031|\(0|0)[0-9 ()\-]{7,16}[0-9]")
        digits = phones.explode().dropna().str.replace(r"[^0-9+]", "", regex=True)
        if digits.str.fullmatch(privacy._PHONE_DIGITS.strip("^$")).any():
            problems.append(f"{file}: {col}: telefoon")
        words = text.str.findall(r"(?<![A-Za-z_\d])(?:\d{4}[ .\-]\d{2}[ .\-]\d{3}|"
                                 r"\d{3}[ \-]\d{3}[ \-]\d{3}|\d{8,9})(?![A-Za-z_\d])")
        numbers = words.explode().dropna().str.replace(r"[ .\-]", "", regex=True)
        if any(privacy.elfproef_ok(n.zfill(9)) for n in numbers):
            problems.append(f"{file}: {col}: bsn")
        if text.str.contains(privacy._POSTCODE_HOUSE.replace("(", "(?:"), regex=True).any():
            problems.append(f"{file}: {col}: adres")
        years = s.str.extract(r"^(\d{4})-\d{1,2}-\d{1,2}$")[0].dropna().astype(int)
        if len(years) and (years < privacy.BIRTH_DATE_BEFORE.year).mean() >= 0.5:
            problems.append(f"{file}: {col}: geboortedatum")
    return problems


def _pandas_typed(df, contract, file: str, problems: list[str]):
    import pandas as pd
    import polars as pl

    out = pd.DataFrame(index=df.index)
    for c in contract.columns:
        s = df[c.name] if c.name in df else pd.Series(pd.NA, index=df.index, dtype="str")
        if c.dtype in (pl.Float64, pl.Int64):
            v = pd.to_numeric(s.str.replace(",", ".", regex=False), errors="coerce")
        elif c.dtype == pl.Date:
            v = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
        elif c.dtype == pl.Boolean:
            v = s.str.lower().map({"true": True, "ja": True, "1": True, "false": False,
                                   "nee": False, "0": False})
        else:
            v = s
        bad = s.notna() & v.isna()
        problems += [f"{file}:{i + 2}: {c.name}: type" for i in bad[bad].index]
        if c.required:
            problems += [f"{file}:{i + 2}: {c.name}: verplicht" for i in s[s.isna()].index]
        if c.allowed is not None:
            wrong = v.notna() & ~v.isin(c.allowed)
            problems += [f"{file}:{i + 2}: {c.name}: toegestaan" for i in wrong[wrong].index]
        if c.min is not None and c.dtype in (pl.Float64, pl.Int64):
            low = v < c.min
            problems += [f"{file}:{i + 2}: {c.name}: bereik" for i in low[low].index]
        out[c.name] = v
    for columns in contract.unique:
        dup = out.duplicated(list(columns), keep=False)
        problems += [f"{file}:{i + 2}: uniek" for i in dup[dup].index]
    return out


def run_pandas(folder: Path) -> dict:
    import pandas as pd
    import polars as pl

    from benchmarks.bench_costs import run_straightforward
    from ruwaard_analysis import config
    from ruwaard_analysis.contracts import CONTRACTS

    problems: list[str] = []
    files = {"cases": folder / "cases.synthetic.csv",
             "cost_lines": folder / "cost_lines.synthetic.csv",
             "price_list": config.REFERENCE_DIR / "price_list.csv",
             "cpi": config.REFERENCE_DIR / "cpi.csv"}
    typed = {}
    for key, path in files.items():
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        raw = raw.apply(lambda s: s.str.strip()).replace("", pd.NA)
        contract = CONTRACTS[key]
        numeric = {c.name for c in contract.columns if c.dtype in (pl.Float64, pl.Int64)}
        problems += _pandas_identifiers(raw, path.name, numeric)
        typed[key] = _pandas_typed(raw, contract, path.name, problems)
    lines, cases, prices = typed["cost_lines"], typed["cases"], typed["price_list"]
    unknown = ~lines["case_id"].isin(cases["case_id"])
    problems += [f"cost_lines:{i + 2}: onbekende_casus" for i in unknown[unknown].index]
    unknown = ~lines["item_code"].isin(prices["item_code"])
    problems += [f"cost_lines:{i + 2}: onbekend_prijsitem" for i in unknown[unknown].index]
    if problems:
        raise AssertionError(f"the pandas way found problems: {problems[:5]}")
    prices["price_year"] = prices["price_year"].astype(int)
    cpi = typed["cpi"].astype({"year": int})
    per_case, payer = run_straightforward(lines, prices, cpi)
    return {"lines": len(lines), "cases": len(per_case), "payers": len(payer),
            "total_saving": float(per_case["saving_vs_current"].sum())}


def _worker(method: str, folder: str) -> dict:
    fn = run_ours if method == "ours" else run_pandas
    start = _usage()
    t0 = time.perf_counter()
    out = fn(Path(folder))
    wall = time.perf_counter() - t0
    end = _usage()
    return {"method": method, "wall_s": wall, "cpu_s": end["cpu_s"] - start["cpu_s"],
            "peak_rss_mb": end["peak_rss_mb"], **out}


def _spawn(method: str, folder: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    load_before = os.getloadavg()[0]
    out = subprocess.run([sys.executable, "-m", "benchmarks.bench_scale", "--worker", method,
                          str(folder)], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{method} failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return {**result, "load_before": load_before, "load_after": os.getloadavg()[0]}


def main() -> dict:
    from benchmarks import scale_data

    tmp = Path(tempfile.mkdtemp(prefix="ruwaard-scale-"))
    try:
        folder = tmp / "nl"
        t0 = time.perf_counter()
        rows = scale_data.make_folder(folder)
        generated_s = time.perf_counter() - t0
        ours = _spawn("ours", folder)
        base = _spawn("pandas", folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if not math.isclose(ours["total_saving"], base["total_saving"], rel_tol=1e-9):
        raise AssertionError("the two methods disagree on the total saving")
    loads = [ours["load_before"], ours["load_after"], base["load_before"], base["load_after"]]
    result = {
        "n_lines": rows["cost_lines"], "n_cases": rows["cases"], "generated_s": generated_s,
        "ours_wall_s": ours["wall_s"], "ours_cpu_s": ours["cpu_s"],
        "ours_peak_rss_mb": ours["peak_rss_mb"],
        "pandas_wall_s": base["wall_s"], "pandas_cpu_s": base["cpu_s"],
        "pandas_peak_rss_mb": base["peak_rss_mb"],
        "ratio": base["wall_s"] / ours["wall_s"], "cpu_ratio": base["cpu_s"] / ours["cpu_s"],
        "meets_10s_4gb": ours["wall_s"] <= TARGET_S and ours["peak_rss_mb"] <= TARGET_MB,
        "load_average_before": min(loads), "load_average_after": max(loads),
        "cpu_count": os.cpu_count(),
    }
    print(f"{rows['cost_lines']:,} cost lines, {rows['cases']:,} cases (generated in "
          f"{generated_s:.1f} s); load average {min(loads):.1f} to {max(loads):.1f}")
    for name, r in (("ours (polars)", ours), ("pandas", base)):
        print(f"{name:14s}: {r['wall_s']:.2f} s wall, {r['cpu_s']:.2f} s CPU, "
              f"peak RSS {r['peak_rss_mb']:.0f} MB")
    print(f"ratio         : {result['ratio']:.1f}x wall, {result['cpu_ratio']:.1f}x CPU; "
          f"target <= {TARGET_S:.0f} s and <= 4 GB met: {result['meets_10s_4gb']}")
    return result


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        print(json.dumps(_worker(sys.argv[2], sys.argv[3])))
    else:
        print(json.dumps(main(), indent=2))
