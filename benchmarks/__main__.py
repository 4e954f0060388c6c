"""Run every benchmark module (`bench_*.py`), or the ones named: `python -m benchmarks costs`.

Each module has a `main() -> dict` that measures our way and the straightforward way in the
same run and prints both with their ratio. Figures are written down in benchmarks/README.md.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    print(f"machine: {platform.machine()}, {platform.python_version()}, cores: "
          f"{__import__('os').cpu_count()}")
    results = {}
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        module = importlib.import_module(f"benchmarks.bench_{name}")
        results[name] = module.main()
    out = HERE / ".results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    print(f"\nfigures also in {out / 'latest.json'}")
    if not argv:  # a full run: its figures go into the README
        write_readme(results)
        print(f"summary written into {HERE / 'README.md'}")
    return 0


START, END = "<!-- figures:start -->", "<!-- figures:end -->"


def _n(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


def _rows(results: dict) -> list[str]:
    rows = []
    yes = lambda ok: "yes" if ok else "NO"  # noqa: E731
    s = results.get("stats")
    if s:
        rows.append(f"| `stats` | all statistics of one year | {_n(s['year_ours_s'], 3)} s | "
                    f"{_n(s['year_straightforward_s'], 3)} s (pandas + scipy loop) | "
                    f"{_n(s['year_ratio'], 1)}x | < 1 s | {yes(s['year_target_met'])} |")
        rows.append(f"| `stats` | BCa bootstrap, 10.000 resamples of 200 pairs | "
                    f"{_n(s['bootstrap200_ours_s'], 3)} s | "
                    f"{_n(s['bootstrap200_straightforward_s'], 3)} s (Python loop) | "
                    f"{_n(s['bootstrap200_ratio'], 1)}x | < 0,2 s | "
                    f"{yes(s['bootstrap200_target_met'])} |")
    c = results.get("costs")
    if c:
        lines = f"{c['n_lines']:_}".replace("_", ".")
        rows.append(f"| `costs` | pricing + per case + per payer, {lines} cost lines | "
                    f"{_n(c['polars_best_s'])} s, {c['polars_peak_rss_mb']:.0f} MB | "
                    f"{_n(c['straightforward_best_s'])} s, "
                    f"{c['straightforward_peak_rss_mb']:.0f} MB (pandas) | "
                    f"{_n(c['speedup'], 1)}x | < 5 s, < 2 GB | {yes(c['meets_5s_2gb'])} |")
    sc = results.get("scale")
    if sc:
        lines = f"{sc['n_lines']:_}".replace("_", ".")
        rows.append(f"| `scale` | validate (privacy scan, contracts, rules between files) + "
                    f"pricing + per case + per payer, {lines} cost lines | "
                    f"{_n(sc['ours_wall_s'])} s ({_n(sc['ours_cpu_s'], 1)} s CPU), "
                    f"{sc['ours_peak_rss_mb']:.0f} MB | {_n(sc['pandas_wall_s'])} s "
                    f"({_n(sc['pandas_cpu_s'], 1)} s CPU), {sc['pandas_peak_rss_mb']:.0f} MB "
                    f"(pandas) | {_n(sc['ratio'], 1)}x | <= 10 s, <= 4 GB | "
                    f"{yes(sc['meets_10s_4gb'])} |")
    p = results.get("pipeline")
    if p:
        rows.append(f"| `pipeline` | cold `ruwaard run --year {p['year']}` | "
                    f"{_n(p['cold_run_s'])} s | {_n(p['papermill_one_by_one_s'])} s (`papermill` "
                    f"one by one) | {_n(p['cold_speedup_vs_papermill'], 1)}x | <= 8 s, >= 4x | "
                    f"{yes(p['met']['cold <= 8 s'] and p['met']['cold >= 4x papermill'])} |")
        rows.append(f"| `pipeline` | the same cold run, kernels started from scratch | "
                    f"{_n(p['cold_run_fresh_kernels_s'])} s | | | | |")
        rows.append(f"| `pipeline` | warm `ruwaard run --year {p['year']}` | "
                    f"{_n(p['warm_run_s'], 3)} s | {_n(p['cold_run_s'])} s (cold) | "
                    f"{_n(p['cold_run_s'] / p['warm_run_s'], 0)}x | <= 0,5 s | "
                    f"{yes(p['met']['warm <= 0,5 s'])} |")
    r = results.get("report")
    if r and "skipped" not in r:
        plain = r["plain_quarto_all_s"]
        rows.append(f"| `report` | cold `ruwaard report --year {r['year']}` (pipeline, HTML, "
                    f"PDF, deck) | {_n(r['cold_report_s'])} s | | | <= 20 s | "
                    f"{yes(r['met']['cold <= 20 s'])} |")
        rows.append(f"| `report` | unchanged `ruwaard report --year {r['year']}` | "
                    f"{_n(r['unchanged_report_s'], 3)} s | {_n(plain)} s (plain `quarto render`: "
                    f"HTML, Typst, deck) | {_n(plain / r['unchanged_report_s'], 0)}x | <= 1 s | "
                    f"{yes(r['met']['unchanged <= 1 s'])} |")
        rows.append(f"| `report` | render only (pipeline cached; HTML, PDF, deck) | "
                    f"{_n(r['render_only_s'])} s | {_n(plain)} s (plain `quarto render`: html "
                    f"{_n(r['plain_quarto_html_s'])} + typst {_n(r['plain_quarto_typst_s'])} + "
                    f"deck {_n(r['plain_quarto_deck_s'])}) | {_n(plain / r['render_only_s'], 1)}x "
                    f"| | |")
        rows.append(f"| `report` | `ruwaard report --force` (pipeline too) | "
                    f"{_n(r['forced_report_s'])} s | | | | |")
    elif r:
        rows.append(f"| `report` | skipped: {r['skipped']} | | | | | |")
    return rows


def write_readme(results: dict) -> None:
    """Put the figures of this run, with machine, date and load, between the README markers."""
    loads = [v.get(k) for v in results.values() if isinstance(v, dict)
             for k in ("load_average_before", "load_average_after") if v.get(k) is not None]
    load = f"{min(loads):.1f} to {max(loads):.1f}".replace(".", ",") if loads else "unknown"
    machine = (f"{os.cpu_count()} cores, {platform.machine()}, Python "
               f"{platform.python_version()}")
    block = "\n".join([
        START,
        f"Figures of one `make bench` run on {datetime.now():%d-%m-%Y %H:%M} ({machine}; load "
        f"average {load} during the run: with other jobs on the machine absolute times are "
        "longer than on a quiet one, the ratios less affected).",
        "",
        "| benchmark | work | ours | straightforward | ratio | target | met |",
        "|---|---|---:|---:|---:|---|---|",
        *_rows(results),
        END,
    ])
    readme = HERE / "README.md"
    text = readme.read_text(encoding="utf-8")
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
