# ruff: noqa: E501  (Markdown table rows in the report template)
"""Benchmark of ``ruwaard run --year 2017``: cold and warm, beside the plain ``papermill`` command.

All in one throw-away copy of the project (:mod:`benchmarks.workspace`), every command in a
new process as a researcher types it:

1. the straightforward way: every notebook one after the other with the ``papermill`` command
   (``python -m papermill NB OUT -k ruwaard-analysis -p year 2017 ...``);
2. cold ``ruwaard run --year 2017 --force`` (every notebook executes: in parallel, each in a
   fresh kernel forked from a template process that imported the libraries once);
3. the same cold run with every kernel started from scratch (``fork_kernels=False``), to show
   what the kernel template saves;
4. warm ``ruwaard run --year 2017`` (nothing changed: the cache; median of 3).

Targets (#15): cold <= 8 s and >= 4x faster than (1); warm <= 0,5 s.

Run: ``python -m benchmarks pipeline``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from benchmarks.workspace import (
    YEAR,
    children_cpu,
    load_average,
    make_project,
    median_of,
    nl,
    run,
    timed,
)

RESULTS_MD = Path(__file__).resolve().parent / "results_pipeline.md"
WARM_REPEATS = 3


def sequential_papermill(project: Path) -> float:
    """Every notebook with the papermill command, one after the other; seconds."""
    from ruwaard_analysis import config

    total = 0.0
    out = project / "papermill"
    for nb in sorted((project / "notebooks").glob("[!_.]*.ipynb")):
        out_dir = out / nb.stem
        out_dir.mkdir(parents=True)
        total += timed([
            sys.executable, "-m", "papermill", str(nb), str(out / nb.name),
            "-k", config.KERNEL_NAME, "--cwd", str(nb.parent), "--no-progress-bar",
            "-p", "year", str(YEAR), "-p", "data_dir", str(project / "data" / "raw" / "demo"),
            "-p", "output_dir", str(out_dir), "-p", "seed", str(config.DEFAULT_SEED),
            "-p", "min_cell_size", str(config.MIN_CELL_SIZE),
        ], project)  # fmt: skip
    return total


def fresh_kernels_run(project: Path) -> float:
    code = ("from ruwaard_analysis.run import run_year\n"
            f"run_year({YEAR}, force=True, progress=False, fork_kernels=False)\n")  # fmt: skip
    return timed([sys.executable, "-c", code], project)


def with_cpu(measure) -> tuple[float, float, float]:
    """``(wall seconds, CPU seconds of the process tree, load average at the start)``."""
    load, cpu = load_average(), children_cpu()
    wall = measure()
    return wall, children_cpu() - cpu, load


def main() -> dict:
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        project = make_project(Path(tmp) / "project")
        run(["run", "--year", str(YEAR)], project)  # bytecode caches, kernel specs: not timed
        cold, cold_cpu, cold_load = with_cpu(
            lambda: run(["run", "--year", str(YEAR), "--force"], project))
        log = json.loads((project / "reports" / str(YEAR) / "run_log.json").read_text())
        warm = median_of(WARM_REPEATS, lambda: run(["run", "--year", str(YEAR)], project))
        fresh, fresh_cpu, fresh_load = with_cpu(lambda: fresh_kernels_run(project))
        plain, plain_cpu, plain_load = with_cpu(lambda: sequential_papermill(project))
    figures = {
        "year": YEAR,
        "papermill_one_by_one_s": round(plain, 2),
        "papermill_one_by_one_cpu_s": round(plain_cpu, 2),
        "papermill_load_average": plain_load,
        "cold_run_s": round(cold, 2),
        "cold_run_cpu_s": round(cold_cpu, 2),
        "cold_run_load_average": cold_load,
        "cold_run_fresh_kernels_s": round(fresh, 2),
        "cold_run_fresh_kernels_cpu_s": round(fresh_cpu, 2),
        "cold_run_fresh_kernels_load_average": fresh_load,
        "warm_run_s": round(warm, 3),
        "cold_speedup_vs_papermill": round(plain / cold, 2),
        "kernel_template_import_s": log.get("kernel_template_import_seconds"),
        "kernel_start_s": log.get("kernel_start_seconds"),
        "seconds_per_notebook": log.get("seconds_per_notebook"),
        "phases_s": log.get("phases_seconds"),
        "input_check": log.get("input_check"),
        "load_average_before": load_before,
        "load_average_after": load_average(),
    }
    figures["met"] = {
        "cold <= 8 s": cold <= 8,
        "cold >= 4x papermill": plain / cold >= 4,
        "warm <= 0,5 s": warm <= 0.5,
    }
    for key, value in figures.items():
        print(f"{key}: {value}")
    _write_markdown(figures)
    return figures


def _write_markdown(f: dict) -> None:
    yes = lambda ok: "yes" if ok else "NO"  # noqa: E731
    per_nb = ", ".join(f"{n} {nl(s)}" for n, s in (f["seconds_per_notebook"] or {}).items())
    starts = ", ".join(f"{n} {nl(s)}" for n, s in (f["kernel_start_s"] or {}).items())
    phases = ", ".join(f"{n.replace('_', ' ')} {nl(s)}"
                       for n, s in sorted((f["phases_s"] or {}).items(), key=lambda kv: kv[1]))
    check = f["input_check"] or {}
    check = f"{check.get('where', '?')}, {nl(check.get('seconds', '?'))} s"
    text = f"""# Pipeline: `ruwaard run --year {f["year"]}`, cold and warm (`benchmarks/bench_pipeline.py`)

Every command in a new process in a throw-away copy of the project with the demo data, load
average {nl(f["load_average_before"])} before and {nl(f["load_average_after"])} after.

| measurement | seconds | CPU seconds (process tree) | load average at its start |
|---|---:|---:|---:|
| `papermill` command, the notebooks one after the other (the straightforward way) | {nl(f["papermill_one_by_one_s"])} | {nl(f["papermill_one_by_one_cpu_s"])} | {nl(f["papermill_load_average"])} |
| cold `ruwaard run --force` (parallel; fresh kernels forked from a template, one chart renderer) | {nl(f["cold_run_s"])} | {nl(f["cold_run_cpu_s"])} | {nl(f["cold_run_load_average"])} |
| the same cold run, every kernel started from scratch, charts converted in each (`fork_kernels=False`) | {nl(f["cold_run_fresh_kernels_s"])} | {nl(f["cold_run_fresh_kernels_cpu_s"])} | {nl(f["cold_run_fresh_kernels_load_average"])} |
| warm `ruwaard run` (nothing changed; median of {WARM_REPEATS}) | {nl(f["warm_run_s"])} | | |

| target | value | met |
|---|---:|---|
| cold <= 8 s | {nl(f["cold_run_s"])} s | {yes(f["met"]["cold <= 8 s"])} |
| cold >= 4x faster than papermill one by one | {nl(f["cold_speedup_vs_papermill"])}x | {yes(f["met"]["cold >= 4x papermill"])} |
| warm <= 0,5 s | {nl(f["warm_run_s"])} s | {yes(f["met"]["warm <= 0,5 s"])} |

From the cold run's `run_log.json`: the template imported the libraries once in
{nl(f["kernel_template_import_s"])} s; seconds per notebook: {per_nb}; of which until the first
cell ran (kernel start; the first notebooks wait for the template): {starts}. Seconds from the
start of the run until: {phases}. Input check: {check}.
"""
    RESULTS_MD.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
