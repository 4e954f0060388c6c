"""``run_year``: plan, execute what changed, collect, write the manifest, swap into place."""

from __future__ import annotations

import time

from ..checksums import sha256_file
from .chart_renderer import ChartRenderer
from .execute import execute_notebooks
from .fingerprint import git_commit
from .kernels import KernelTemplate, kernel_interpreter
from .manifest import build_manifest, merge_key_figures, same_except_commit
from .options import RunOptions
from .plan import YearPlan, cache_hit, plan_year, read_old_manifest
from .result import RunResult, write_run_log
from .staging import Staging, files_under
from .validation import InputCheck, validate_inputs  # noqa: F401 - importable from here too


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
    results_dir, executed_dir = opts.results_dir(year), opts.executed_dir(year)
    helpers = _Helpers(opts, started, year)
    if opts.force or not (results_dir / "manifest.json").is_file():
        helpers.start()  # everything runs: the template imports while the inputs are hashed
    try:
        plan = plan_for(year, opts)
        old = read_old_manifest(results_dir)
        hits = set() if opts.force else {
            nb.name for nb in plan.notebooks if cache_hit(nb, old, results_dir, executed_dir)
        }
        to_run = [nb for nb in plan.notebooks if nb.name not in hits]
        cached = [nb.name for nb in plan.notebooks if nb.name in hits]

        if not to_run and _unchanged(plan, old):
            helpers.stop()
            result = RunResult(plan.year, [], cached, results_dir, executed_dir,
                               results_dir / "manifest.json", time.perf_counter() - started,
                               changed=False)  # fmt: skip
            write_run_log(opts.year_report_dir(year), result)
            return result

        if to_run:
            helpers.start()
        else:
            helpers.stop()
        phases = {"planned": time.perf_counter() - started}
        # with the template the inputs are checked in a fork of it, beside the notebooks
        check = InputCheck(opts.data_dir, opts.validate if to_run else False, year,
                           helpers.template)  # fmt: skip
        with Staging(year, results_dir, executed_dir) as stage:
            timings = execute_notebooks(plan, to_run, opts, stage, helpers.template,
                                        helpers.renderer, check)  # fmt: skip
            phases["notebooks_done"] = time.perf_counter() - started
            owner, notebook_outputs = stage.collect(plan, hits, old)
            merge_key_figures(stage.result, owner)
            outputs = {rel: sha256_file(p) for rel, p in files_under(stage.result).items()}
            manifest = build_manifest(plan, notebook_outputs, outputs, git_commit(opts.git_root))
            from ..results import write_json

            write_json(stage.result / "manifest.json", manifest)
            stage.commit()
            phases["results_in_place"] = time.perf_counter() - started
    finally:
        template_imports = helpers.stop()

    if helpers.started_after is not None:
        phases["template_and_renderer_started"] = helpers.started_after
    if helpers.template_ready is not None:
        phases["kernel_template_ready"] = helpers.started_after + helpers.template_ready
    result = RunResult(plan.year, [nb.name for nb in to_run], cached, results_dir, executed_dir,
                       results_dir / "manifest.json", time.perf_counter() - started,
                       changed=True, timings=timings, kernel_template_imports=template_imports,
                       phases={k: round(v, 3) for k, v in phases.items()},
                       input_check={"where": check.where, **check.seconds()})  # fmt: skip
    write_run_log(opts.year_report_dir(year), result)
    return result


class _Helpers:
    """The run's kernel template and chart renderer (``fork_kernels``), started at most once."""

    def __init__(self, opts: RunOptions, run_started: float, year: int):
        self.opts, self.run_started, self.year = opts, run_started, year
        self.template: KernelTemplate | None = None
        self.renderer: ChartRenderer | None = None
        self.started_after: float | None = None  # seconds from the run's start
        self.template_ready: float | None = None  # seconds from the template's start

    def start(self) -> None:
        if self.opts.fork_kernels and self.template is None and self.started_after is None:
            self.started_after = time.perf_counter() - self.run_started
            # the input check is forked from the template as soon as it can (run.validation)
            check = ({"data_dir": str(self.opts.data_dir), "year": self.year}
                     if self.opts.validate is True else None)  # fmt: skip
            self.template = KernelTemplate(self.opts.kernel_name, check=check)
            self.renderer = ChartRenderer(kernel_interpreter(self.opts.kernel_name))

    def stop(self) -> dict[str, float]:
        """Stop both; the template's import seconds per module ({} without one)."""
        imports = self.template.import_seconds() if self.template is not None else {}
        if self.template is not None and self.template.ready_after() is not None:
            self.template_ready = self.template.ready_after()
        for helper in (self.template, self.renderer):
            if helper is not None:
                helper.stop()
        self.template = self.renderer = None
        return imports


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


