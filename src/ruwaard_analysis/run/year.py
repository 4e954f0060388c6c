"""``run_year``: plan, execute what changed, collect, write the manifest, swap into place."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from ..errors import DataValidationError
from .chart_renderer import ChartRenderer
from .execute import execute_notebooks
from .fingerprint import git_commit, sha256_file
from .kernels import KernelTemplate, kernel_interpreter
from .manifest import build_manifest, merge_key_figures, same_except_commit
from .options import RunOptions
from .plan import YearPlan, cache_hit, plan_year, read_old_manifest
from .result import RunResult, write_run_log
from .staging import Staging, files_under


def run_year(year: int, options: RunOptions | None = None, **changes) -> RunResult:
    """Run the year's notebooks (cached, in parallel) and move the results into place.

    ``options`` holds every choice of the run (:class:`RunOptions`); keyword ``changes``
    override single fields (``run_year(2017, data_dir=folder, force=True)``).

    Raises :class:`PipelineError` when a notebook fails and ``DataValidationError`` when the
    input data break the contracts; in both cases nothing of the year's previous results
    (``processed_dir/YEAR``, ``reports_dir/YEAR/notebooks``) changes.
    """
    started = time.perf_counter()
    opts = RunOptions.of(options, **changes)
    plan = plan_for(year, opts)
    results_dir, executed_dir = opts.results_dir(year), opts.executed_dir(year)
    old = read_old_manifest(results_dir)
    hits = set() if opts.force else {
        nb.name for nb in plan.notebooks if cache_hit(nb, old, results_dir, executed_dir)
    }
    to_run = [nb for nb in plan.notebooks if nb.name not in hits]
    cached = [nb.name for nb in plan.notebooks if nb.name in hits]

    if not to_run and _unchanged(plan, old):
        result = RunResult(plan.year, [], cached, results_dir, executed_dir,
                           results_dir / "manifest.json", time.perf_counter() - started,
                           changed=False)  # fmt: skip
        write_run_log(opts.year_report_dir(year), result)
        return result

    # The template imports the notebooks' libraries and the chart renderer starts vl-convert
    # while the inputs are validated.
    template = renderer = None
    if to_run and opts.fork_kernels:
        template = KernelTemplate(opts.kernel_name)
        renderer = ChartRenderer(kernel_interpreter(opts.kernel_name))
    try:
        if to_run:
            validate_inputs(opts.data_dir, opts.validate, year)
        with Staging(year, results_dir, executed_dir) as stage:
            timings = execute_notebooks(plan, to_run, opts, stage, template, renderer)
            owner, notebook_outputs = stage.collect(plan, hits, old)
            merge_key_figures(stage.result, owner)
            outputs = {rel: sha256_file(p) for rel, p in files_under(stage.result).items()}
            manifest = build_manifest(plan, notebook_outputs, outputs, git_commit(opts.git_root))
            from ..results import write_json

            write_json(stage.result / "manifest.json", manifest)
            stage.commit()
    finally:
        template_imports = template.import_seconds() if template is not None else {}
        if template is not None:
            template.stop()
        if renderer is not None:
            renderer.stop()

    result = RunResult(plan.year, [nb.name for nb in to_run], cached, results_dir, executed_dir,
                       results_dir / "manifest.json", time.perf_counter() - started,
                       changed=True, timings=timings,
                       kernel_template_imports=template_imports)  # fmt: skip
    write_run_log(opts.year_report_dir(year), result)
    return result


def plan_for(year: int, opts: RunOptions) -> YearPlan:
    """The plan of ``year`` under ``opts`` (hashes only, nothing runs)."""
    return plan_year(year, data_dir=opts.data_dir, seed=opts.seed,
                     min_cell_size=opts.min_cell_size, notebooks_dir=opts.notebooks_dir,
                     library_dir=opts.library_dir, kernel_name=opts.kernel_name)  # fmt: skip


def _unchanged(plan: YearPlan, old: dict | None) -> bool:
    """Every notebook cached and the manifest would come out the same (but for the commit)."""
    outputs_per_nb = {nb.name: old["notebooks"][nb.name]["outputs"] for nb in plan.notebooks}
    candidate = build_manifest(plan, outputs_per_nb, old.get("outputs", {}), old.get("git_commit"))
    return same_except_commit(old, candidate)


def validate_inputs(data_dir: Path, validate: bool | Callable[[Path], list],
                    year: int | None = None) -> None:
    """Fail fast with the data problems before any notebook runs; with the data contracts
    (``validate=True``) also a report ``year`` outside the years the cases cover."""
    if validate is False:
        return
    if validate is True:
        from ..loaders import report_year_problems, validate_folder

        problems = validate_folder(Path(data_dir))
        if not problems and year is not None:
            problems = report_year_problems(Path(data_dir), year)
        if problems:
            raise DataValidationError(list(problems))
        return
    problems = validate(Path(data_dir))
    if problems:
        raise DataValidationError(list(problems))

