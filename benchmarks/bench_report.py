# ruff: noqa: E501  (Markdown table rows in the report template)
"""Benchmark of ``ruwaard report --year 2017``: cold, unchanged and forced, beside plain Quarto.

In a throw-away copy of the project (:mod:`benchmarks.workspace`), every command in a new
process:

1. cold ``ruwaard report --year 2017``: demo data only, no results: the pipeline and both
   formats (HTML and PDF via Typst);
2. unchanged ``ruwaard report --year 2017`` (median of 3): nothing changed, so nothing is
   rendered again;
3. ``ruwaard report --year 2017 --force`` (pipeline and render forced);
4. the straightforward way to render: the plain ``quarto render`` command once per format
   (``quarto render reports/leergeschiedenis.qmd --to html -P year:2017``, then ``--to typst``).

Targets (#15): cold <= 20 s; unchanged <= 1 s. Needs Quarto (``QUARTO_PATH`` or ``PATH``);
without it the benchmark says so and measures nothing.

Run: ``python -m benchmarks report``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.workspace import YEAR, load_average, make_project, median_of, nl, run, timed

RESULTS_MD = Path(__file__).resolve().parent / "results_report.md"
REPEATS = 3


def main() -> dict:
    from ruwaard_analysis.report import find_quarto

    quarto = find_quarto()
    if quarto is None:
        print("Quarto not found (set QUARTO_PATH): report benchmark skipped")
        return {"skipped": "Quarto not found"}
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        warmup = make_project(Path(tmp) / "warmup")  # Quarto's and Python's first-start caches
        run(["report", "--year", str(YEAR)], warmup)
        project = make_project(Path(tmp) / "project")
        cold = run(["report", "--year", str(YEAR)], project)
        unchanged = median_of(REPEATS, lambda: run(["report", "--year", str(YEAR)], project))
        forced = run(["report", "--year", str(YEAR), "--force"], project)
        plain = {
            to: timed([quarto, "render", "reports/leergeschiedenis.qmd", "--to", to,
                       "-P", f"year:{YEAR}"], project)  # fmt: skip
            for to in ("html", "typst")
        }
    figures = {
        "year": YEAR,
        "quarto": quarto,
        "cold_report_s": round(cold, 2),
        "unchanged_report_s": round(unchanged, 3),
        "forced_report_s": round(forced, 2),
        "plain_quarto_html_s": round(plain["html"], 2),
        "plain_quarto_typst_s": round(plain["typst"], 2),
        "load_average_before": load_before,
        "load_average_after": load_average(),
    }
    figures["met"] = {"cold <= 20 s": cold <= 20, "unchanged <= 1 s": unchanged <= 1}
    for key, value in figures.items():
        print(f"{key}: {value}")
    _write_markdown(figures)
    return figures


def _write_markdown(f: dict) -> None:
    yes = lambda ok: "yes" if ok else "NO"  # noqa: E731
    plain = f["plain_quarto_html_s"] + f["plain_quarto_typst_s"]
    text = f"""# Report: `ruwaard report --year {f["year"]}` (`benchmarks/bench_report.py`)

Every command in a new process in a throw-away copy of the project with the demo data, load
average {nl(f["load_average_before"])} before and {nl(f["load_average_after"])} after.

| measurement | seconds |
|---|---:|
| cold `ruwaard report` (no results yet: pipeline, HTML and PDF) | {nl(f["cold_report_s"])} |
| unchanged `ruwaard report` (nothing rendered again; median of {REPEATS}) | {nl(f["unchanged_report_s"])} |
| `ruwaard report --force` (pipeline and render forced) | {nl(f["forced_report_s"])} |
| plain `quarto render --to html` (results present) | {nl(f["plain_quarto_html_s"])} |
| plain `quarto render --to typst` (results present) | {nl(f["plain_quarto_typst_s"])} |
| plain `quarto render`, both formats | {nl(round(plain, 2))} |

| target | value | met |
|---|---:|---|
| cold <= 20 s | {nl(f["cold_report_s"])} s | {yes(f["met"]["cold <= 20 s"])} |
| unchanged <= 1 s | {nl(f["unchanged_report_s"])} s | {yes(f["met"]["unchanged <= 1 s"])} |
"""
    RESULTS_MD.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
