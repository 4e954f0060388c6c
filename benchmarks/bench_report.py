# ruff: noqa: E501  (Markdown table rows in the report template)
"""Benchmark of ``ruwaard report --year 2017``: cold, unchanged, render only and forced, beside
plain Quarto.

In a throw-away copy of the project (:mod:`benchmarks.workspace`), every command in a new
process:

1. cold ``ruwaard report --year 2017``: demo data only, no results: the pipeline, the report's
   two formats (HTML and PDF via Typst) and the stuurgroep deck;
2. unchanged ``ruwaard report --year 2017`` (median of 3): nothing changed, so nothing is
   rendered again;
3. render only: ``reports/2017/render.json`` removed, so the pipeline comes from its cache and
   the report, PDF and deck are rendered;
4. ``ruwaard report --year 2017 --force`` (pipeline and render forced);
5. the straightforward way to render: the plain ``quarto render`` command once per format and
   for the deck (``quarto render reports/leergeschiedenis.qmd --to html -P year:2017``, then
   ``--to typst``, then ``quarto render reports/stuurgroep.qmd --to revealjs -P year:2017``);
   Quarto executes the cells each time.

Beside wall seconds: CPU seconds of the command's process tree (every process it waited for,
and theirs: the kernels forked from a template count, the template waits for them), CPU seconds of the whole machine during the command (everything, also other users' work: on a
quiet machine close to the command's own) and the load average. Targets (#15): cold <= 20 s;
unchanged <= 1 s. Needs Quarto (``QUARTO_PATH`` or ``PATH``); without it the benchmark says so
and measures nothing.

Run: ``python -m benchmarks report``.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from pathlib import Path

from benchmarks.workspace import YEAR, load_average, make_project, median_of, nl, run, timed

RESULTS_MD = Path(__file__).resolve().parent / "results_report.md"
REPEATS = 3


def _machine_cpu() -> float:
    """Busy CPU seconds of the whole machine so far (/proc/stat), NaN where there is none."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return float("nan")
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _tree_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured(action) -> dict:
    """Wall, CPU (tree and machine) and load of one call of ``action``."""
    load, tree, machine = load_average(), _tree_cpu(), _machine_cpu()
    start = time.perf_counter()
    action()
    wall = time.perf_counter() - start
    return {"wall_s": round(wall, 2), "cpu_tree_s": round(_tree_cpu() - tree, 1),
            "cpu_machine_s": round(_machine_cpu() - machine, 1), "load_before": load,
            "load_after": load_average()}  # fmt: skip


def main() -> dict:
    from ruwaard_analysis.report import find_quarto

    quarto = find_quarto()
    if quarto is None:
        print("Quarto not found (set QUARTO_PATH): report benchmark skipped")
        return {"skipped": "Quarto not found"}
    load_before = load_average()
    report = ["report", "--year", str(YEAR)]
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        warmup = make_project(Path(tmp) / "warmup")  # Quarto's and Python's first-start caches
        run(report, warmup)
        project = make_project(Path(tmp) / "project")
        cold = measured(lambda: run(report, project))
        unchanged = median_of(REPEATS, lambda: run(report, project))
        record = project / "reports" / str(YEAR) / "render.json"
        render_only = measured(lambda: (record.unlink(), run(report, project)))
        forced = measured(lambda: run([*report, "--force"], project))
        plain = {
            name: measured(lambda qmd=qmd, to=to: timed(
                [quarto, "render", qmd, "--to", to, "-P", f"year:{YEAR}"], project))
            for name, qmd, to in (("html", "reports/leergeschiedenis.qmd", "html"),
                                  ("typst", "reports/leergeschiedenis.qmd", "typst"),
                                  ("deck", "reports/stuurgroep.qmd", "revealjs"))
        }  # fmt: skip
    plain_all = {k: round(sum(m[k] for m in plain.values()), 2)
                 for k in ("wall_s", "cpu_tree_s", "cpu_machine_s")}
    figures = {
        "year": YEAR,
        "quarto": quarto,
        "cold_report_s": cold["wall_s"],
        "unchanged_report_s": round(unchanged, 3),
        "render_only_s": render_only["wall_s"],
        "forced_report_s": forced["wall_s"],
        "plain_quarto_html_s": plain["html"]["wall_s"],
        "plain_quarto_typst_s": plain["typst"]["wall_s"],
        "plain_quarto_deck_s": plain["deck"]["wall_s"],
        "plain_quarto_all_s": plain_all["wall_s"],
        "measured": {"cold": cold, "render only": render_only, "forced": forced,
                     **{f"plain {k}": v for k, v in plain.items()}, "plain, all three": plain_all},
        "load_average_before": load_before,
        "load_average_after": load_average(),
    }  # fmt: skip
    figures["met"] = {"cold <= 20 s": cold["wall_s"] <= 20, "unchanged <= 1 s": unchanged <= 1}
    for key, value in figures.items():
        print(f"{key}: {value}")
    _write_markdown(figures)
    return figures


def _write_markdown(f: dict) -> None:
    yes = lambda ok: "yes" if ok else "NO"  # noqa: E731
    rows = "\n".join(
        f"| {name} | {nl(m['wall_s'])} | {nl(m['cpu_tree_s'])} | {nl(m['cpu_machine_s'])} | "
        f"{nl(m.get('load_before', ''))} / {nl(m.get('load_after', ''))} |"
        for name, m in f["measured"].items())
    text = f"""# Report: `ruwaard report --year {f["year"]}` (`benchmarks/bench_report.py`)

Every command in a new process in a throw-away copy of the project with the demo data, load
average {nl(f["load_average_before"])} before and {nl(f["load_average_after"])} after. CPU
(tree): the command and every process it waited for (kernels forked from a template
included); CPU (machine): the whole machine during the command, other users' work included.

| measurement | seconds |
|---|---:|
| cold `ruwaard report` (no results yet: pipeline, HTML, PDF and the deck) | {nl(f["cold_report_s"])} |
| unchanged `ruwaard report` (nothing rendered again; median of {REPEATS}) | {nl(f["unchanged_report_s"])} |
| render only (`render.json` removed: pipeline from its cache; HTML, PDF, deck) | {nl(f["render_only_s"])} |
| `ruwaard report --force` (pipeline and render forced) | {nl(f["forced_report_s"])} |
| plain `quarto render --to html` (results present) | {nl(f["plain_quarto_html_s"])} |
| plain `quarto render --to typst` (results present) | {nl(f["plain_quarto_typst_s"])} |
| plain `quarto render reports/stuurgroep.qmd --to revealjs` | {nl(f["plain_quarto_deck_s"])} |
| plain `quarto render`, all three | {nl(f["plain_quarto_all_s"])} |

| measurement | wall s | CPU s (tree) | CPU s (machine) | load before / after |
|---|---:|---:|---:|---|
{rows}

| target | value | met |
|---|---:|---|
| cold <= 20 s | {nl(f["cold_report_s"])} s | {yes(f["met"]["cold <= 20 s"])} |
| unchanged <= 1 s | {nl(f["unchanged_report_s"])} s | {yes(f["met"]["unchanged <= 1 s"])} |
"""
    RESULTS_MD.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
