"""Execute notebooks with papermill in a pool of worker processes, with progress."""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import PipelineError
from .options import RunOptions
from .plan import NotebookPlan, YearPlan
from .progress import Progress
from .staging import Staging, keep_failed_notebook

if TYPE_CHECKING:
    from collections.abc import Callable

    from .chart_renderer import ChartRenderer
    from .kernels import KernelTemplate
    from .validation import InputCheck

_PROGRESS_QUEUE = None


def _init_worker(
    queue, log_path: str | None, template: str | None, renderer: str | None = None,
    frames: str | None = None,
) -> None:  # pragma: no cover - worker process
    global _PROGRESS_QUEUE
    _PROGRESS_QUEUE = queue
    from multiprocessing import util

    # the last thing the worker does once the pool ends it (after the progress queue is flushed)
    util.Finalize(None, _exit_at_once, exitpriority=-100)
    os.environ["PYTHONHASHSEED"] = "0"  # kernels inherit it: deterministic set/dict order
    from ..import_speed import skip_papermill_hdfs, skip_slow_iri_checker

    skip_slow_iri_checker()  # papermill -> nbformat -> jsonschema
    skip_papermill_hdfs()  # papermill.iorw -> pyarrow (hdfs:// only)
    if template:
        from .kernels import TEMPLATE_ENV

        os.environ[TEMPLATE_ENV] = template
    if renderer:  # the kernels inherit it (present.vega_export)
        from ..present.vega_export import RENDERER_ENV

        os.environ[RENDERER_ENV] = renderer
    if frames:  # the kernels inherit it: the frames the run's input check validated
        from ..config import VALIDATED_FRAMES_ENV

        os.environ[VALIDATED_FRAMES_ENV] = frames
    if log_path:
        # Kernel and papermill chatter (e.g. ipykernel's TCP warning) goes to a log file,
        # not through the progress bar; errors reach the user through the result dicts.
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 2)
        os.close(fd)


def _exit_at_once() -> None:  # pragma: no cover - worker process
    """End the worker as a forked process ends: ``os._exit``, no interpreter teardown.

    A spawned worker otherwise leaves through ``sys.exit`` and finalises every module and
    object of papermill, nbclient, zmq and tornado: 0,15 to 0,2 s of CPU after its last
    notebook, while the run waits for the pool to shut down (0,37 s measured). Its work is
    written by then (the executed notebook, the results), its progress messages flushed (the
    queue's own finalizers run first).

    A worker that ends because of an exception (this runs in the ``finally`` of its
    ``run()``, the exception still in flight) prints it to its log and exits with code 1, as
    the interpreter would have: never 0 after an error.
    """
    failed = sys.exc_info()[0] is not None
    if failed:
        try:
            traceback.print_exc()
        except (OSError, ValueError, AttributeError):
            pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(1 if failed else 0)


def _report(*message: Any) -> None:
    if _PROGRESS_QUEUE is not None:
        try:
            _PROGRESS_QUEUE.put_nowait(message)
        except Exception:  # noqa: BLE001 - progress is never worth a failure
            pass


_ENGINE = "ruwaard"


def _register_engine() -> None:
    """A papermill engine that reports each cell start (for the progress bar)."""
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
    from papermill.exceptions import PapermillException

    try:
        papermill_engines.get_engine(_ENGINE)
        return  # already registered in this worker
    except PapermillException:
        pass

    class _Manager(NotebookExecutionManager):
        """Reports each cell start; writes the executed notebook once, when it is complete.

        papermill writes (validates and serialises) the whole notebook at its start and at the
        start and end of every cell: about 0,4 s of CPU per notebook in this worker. Only the
        last write is read (also after a failure: papermill completes the notebook first).
        """

        def __init__(self, *args, on_cell=None, **kwargs):
            self._complete = False
            super().__init__(*args, **kwargs)
            self._on_cell = on_cell

        def save(self, **kwargs):
            if self._complete:
                super().save(**kwargs)

        def notebook_complete(self, **kwargs):
            self._complete = True
            super().notebook_complete(**kwargs)

        def cell_start(self, cell, cell_index=None, **kwargs):
            super().cell_start(cell, cell_index, **kwargs)
            if self._on_cell is not None:
                self._on_cell(cell_index, len(self.nb.cells))

    class _Engine(NBClientEngine):
        @classmethod
        def execute_notebook(
            cls,
            nb,
            kernel_name,
            output_path=None,
            progress_bar=False,
            log_output=False,
            autosave_cell_every=30,
            on_cell=None,
            **kwargs,
        ):
            nb_man = _Manager(
                nb,
                output_path=output_path,
                progress_bar=False,
                log_output=log_output,
                autosave_cell_every=autosave_cell_every,
                on_cell=on_cell,
            )
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

    papermill_engines.register(_ENGINE, _Engine)


def _original_cell(path: Path, executed_index: int) -> tuple[int | None, str]:
    """Map a cell index of the executed notebook (with the injected cell) to the original."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = nb.get("cells", [])
    param = next(
        (i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])),
        None,
    )
    injected = param + 1 if param is not None else 0
    if executed_index == injected:
        return None, "(door papermill ingevoegde parameters)"
    index = executed_index - 1 if executed_index > injected else executed_index
    source = cells[index].get("source", "") if 0 <= index < len(cells) else ""
    if isinstance(source, list):
        source = "".join(source)
    first = next((ln.strip() for ln in source.splitlines() if ln.strip()), "")
    return index + 1, first


def _execute_notebook(task: dict[str, Any]) -> dict[str, Any]:
    """Execute one notebook (in a worker process); never raises, returns a status dict."""
    name = task["name"]
    start = time.perf_counter()
    first_cell: list[float] = []

    running: list[int] = []  # the index of the cell that runs (executed notebook)

    def on_cell(index: int, total: int) -> None:
        if not first_cell:
            first_cell.append(time.perf_counter())
        running[:] = [index]
        _report("cell", name, index, total)

    _report("start", name)
    from .kernels import IOPUB_TIMEOUT, WAITED

    WAITED["seconds"] = 0.0
    try:
        import papermill as pm

        from .kernel_manager import ForkingKernelManager

        _register_engine()
        Path(task["output_dir"]).mkdir(parents=True, exist_ok=True)
        executed = pm.execute_notebook(
            task["input"],
            task["output"],
            parameters=task["parameters"],
            kernel_name=task["kernel_name"],
            engine_name=_ENGINE,
            progress_bar=False,
            cwd=task["cwd"],
            on_cell=on_cell,
            kernel_manager_class=ForkingKernelManager,
            # every cell has finished and its output arrived: no graceful exit to wait for
            shutdown_kernel="immediate",
            # no IPython history: no writes to the shared ~/.ipython history database (a
            # pipeline run is no session a researcher wants back), none cut off by the kill
            extra_arguments=["--HistoryManager.enabled=False"],
            # outputs that arrive late fail the notebook instead of going missing
            iopub_timeout=IOPUB_TIMEOUT, raise_on_iopub_timeout=True,
        )
    except Exception as exc:  # noqa: BLE001 - turned into a PipelineError by the parent
        result: dict[str, Any] = {
            "name": name,
            "ok": False,
            "ename": type(exc).__name__,
            "evalue": str(exc),
            "cell": None,
            "first_line": "",
        }
        if type(exc).__name__ == "PapermillExecutionError":
            cell, first = _original_cell(Path(task["input"]), exc.cell_index)
            result.update(ename=exc.ename, evalue=exc.evalue, cell=cell, first_line=first)
        elif type(exc).__name__ == "NoSuchKernel":
            result["evalue"] = (
                f"Jupyter-kernel {task['kernel_name']!r} niet gevonden. Registreer hem met "
                f"`make install` of `{sys.executable} -m ipykernel install --sys-prefix "
                f"--name {task['kernel_name']}`"
            )
        elif result["cell"] is None and type(exc).__name__ != "PapermillExecutionError":
            result["traceback"] = "".join(traceback.format_exception(exc)[-3:])
        if type(exc).__name__ != "PapermillExecutionError":
            if not first_cell:
                result["stage"] = "bij het starten van de kernel"  # no cell ever started
            elif running:  # the kernel died, an output timed out, ...: in this cell
                try:
                    result["cell"], result["first_line"] = _original_cell(
                        Path(task["input"]), running[0])
                except (OSError, ValueError, IndexError):
                    pass
        result["seconds"] = time.perf_counter() - start
        _report("done", name, False)
        return result
    _report("done", name, True)
    return {
        "name": name,
        "ok": True,
        "seconds": time.perf_counter() - start,
        "kernel_start": (first_cell[0] - start) if first_cell else None,
        "template_wait": WAITED["seconds"],
        "import_cells": _import_cell_seconds(executed),
    }


def _import_cell_seconds(nb) -> float:
    """Seconds the notebook's cells that import something took (papermill's cell timings)."""
    total = 0.0
    for cell in nb.get("cells", []):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        lines = [ln.lstrip() for ln in source.splitlines()]
        if cell.get("cell_type") == "code" and any(
            ln.startswith(("import ", "from ")) for ln in lines
        ):
            total += float((cell.get("metadata", {}).get("papermill") or {}).get("duration") or 0)
    return round(total, 3)


# --------------------------------------------------------------------------- parent side


def failure_message(res: dict[str, Any], failed_copy: Path | None) -> str:
    where = f"notebook {res['name']}"
    if res.get("stage"):
        where += f" ({res['stage']})"
    if res.get("cell") is not None:
        where += f", cel {res['cell']}"
        if res.get("first_line"):
            first = res["first_line"]
            where += f" ({first[:77] + '...' if len(first) > 80 else first})"
    text = f"{where} mislukt: {res['ename']}: {res['evalue']}"
    if res.get("traceback"):
        text += f"\n{res['traceback'].rstrip()}"
    if failed_copy is not None and failed_copy.suffix == ".ipynb":
        text += f"\nHet uitgevoerde notebook met de fout staat in {failed_copy}"
    elif failed_copy is not None:
        text += f"\nDe logboeken van de werkprocessen en kernels staan in {failed_copy}"
    return text + "\nDe vorige resultaten van dit jaar zijn niet veranderd."


def execute_all(
    tasks: list[dict[str, Any]],
    jobs: int,
    progress: bool,
    log_path: Path | None = None,
    template: str | None = None,
    renderer: str | None = None,
    abort: Callable[[], bool] | None = None,
    frames: str | None = None,
) -> list[dict[str, Any]]:
    """Run tasks in a process pool; stops starting new work after the first failure (or once
    ``abort()`` says so: the input check found problems)."""
    import multiprocessing
    import queue as queue_mod
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    ctx = multiprocessing.get_context("spawn")  # papermill/zmq are not fork-safe
    q = ctx.Queue()
    bar = Progress(len(tasks), progress)
    results: list[dict[str, Any]] = []

    def drain() -> None:
        while True:
            try:
                bar.handle(q.get_nowait())
            except queue_mod.Empty:
                return
            except (EOFError, OSError):
                return

    try:
        with ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(q, str(log_path) if log_path else None, template, renderer, frames),
        ) as pool:
            names = {pool.submit(_execute_notebook, t): t["name"] for t in tasks}
            pending = set(names)
            # the worker processes (to name the exit code of one that dies); private, so
            # only where the executor has it
            workers = dict(getattr(pool, "_processes", None) or {})
            failed = False
            while pending:
                done, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
                drain()
                if not failed and abort is not None and abort():
                    failed = True
                    for other in pending:
                        other.cancel()
                for fut in done:
                    try:
                        res = fut.result()
                    except BrokenProcessPool as exc:
                        res = _worker_died(names[fut], bar.running, workers, exc)
                        if res is None:
                            continue  # not started: the notebook that was running is named
                    results.append(res)
                    if not res["ok"] and not failed:
                        failed = True
                        for other in pending:
                            other.cancel()
                pending = {f for f in pending if not f.cancelled()}
            drain()
    finally:
        bar.close()
        q.close()
        q.join_thread()
    return results

def _worker_died(name: str, running: dict[str, str], workers: dict, exc: BaseException,
                 ) -> dict[str, Any] | None:  # fmt: skip
    """The failure of notebook ``name`` whose worker process died (killed, crashed) or that
    could not run because another worker died: a result like a failed notebook's, so the run
    names it and keeps its log. None for a notebook that never started while another one
    was running when its worker died (that one is named)."""
    if name not in running and running:
        return None
    # the pool ends the other workers too (SIGTERM) and reaps them in its own thread: their
    # exit codes may take a moment (this is the failure path only)
    deadline = time.monotonic() + 2.0
    while any(getattr(p, "exitcode", 0) is None for p in workers.values()) \
            and time.monotonic() < deadline:  # fmt: skip
        time.sleep(0.01)
    codes = {p.exitcode for p in workers.values()
             if getattr(p, "exitcode", None) not in (None, 0)}  # fmt: skip
    if len(codes) > 1:
        codes.discard(-15)  # the pool's own SIGTERM to the workers that were still alive
    codes = sorted(codes)
    how = ", ".join(_exit_description(code) for code in codes) or "zonder exitcode"
    if name in running:
        evalue = (f"het werkproces dat dit notebook uitvoerde stopte onverwacht ({how}; "
                  f"stand: {running[name]})")  # fmt: skip
    else:
        evalue = (f"een werkproces van de pipeline stopte onverwacht ({how}) voordat dit "
                  "notebook startte. Roept u run_year aan vanuit een eigen script, zet die "
                  'aanroep dan onder `if __name__ == "__main__":`')  # fmt: skip
    return {"name": name, "ok": False, "ename": type(exc).__name__, "evalue": evalue,
            "cell": None, "first_line": ""}  # fmt: skip


def _exit_description(code: int) -> str:
    if code < 0:
        import signal

        try:
            return f"signaal {signal.Signals(-code).name}"
        except ValueError:
            return f"signaal {-code}"
    return f"exitcode {code}"


def longest_first(tasks: list[dict[str, Any]], run_log: Path) -> list[dict[str, Any]]:
    """``tasks`` with the notebooks that took longest in the last run first (those it does not
    know first of all, those that write the most charts first: :func:`_charts`): the last one
    to start is then a short one, and the workers finish close together."""
    try:
        log = json.loads(run_log.read_text(encoding="utf-8"))
        seconds = log.get("seconds_per_notebook") or {}
        waits = log.get("kernel_start_seconds") or {}
        known = {k: float(v) - float(waits.get(k) or 0) for k, v in seconds.items()
                 if isinstance(v, int | float)}  # fmt: skip
    except (OSError, ValueError, TypeError, AttributeError):
        known = {}
    unknown = [t for t in tasks if t["name"] not in known]
    charts = {t["name"]: _charts(t.get("input")) for t in unknown}
    return sorted(unknown, key=lambda t: -charts[t["name"]]) + sorted(
        (t for t in tasks if t["name"] in known), key=lambda t: -known[t["name"]])


def _charts(notebook: str | None) -> int:
    """How many charts a notebook writes (``write_figure(`` in its source): with no timings
    of an earlier run, the best guess of its length (a chart costs about 0,2 s: its SVG and
    PNG, the rest of a notebook well under 0,3 s on the demo data)."""
    try:
        return Path(notebook).read_text(encoding="utf-8").count("write_figure(") if notebook else 0
    except (OSError, UnicodeDecodeError):
        return 0


def execute_notebooks(
    plan: YearPlan,
    to_run: list[NotebookPlan],
    opts: RunOptions,
    stage: Staging,
    template: KernelTemplate | None = None,
    renderer: ChartRenderer | None = None,
    check: InputCheck | None = None,
) -> dict[str, dict[str, float | None]]:
    """Execute ``to_run`` into ``stage``; returns per notebook its timings (seconds).

    Timings: ``seconds`` (the whole notebook), ``kernel_start`` (until the first cell
    started), ``template_wait`` (the part of it spent waiting for the template's imports:
    the first notebook of each worker asks for its kernel before the template is ready) and
    ``import_cells`` (the cells that import something). With a ``template``
    each kernel is forked from it (:mod:`.kernels`).

    Raises :class:`PipelineError` naming notebook, cell and error for the first notebook (in
    name order) that failed; its executed copy goes to ``reports/YEAR/failed/``. With a
    ``check`` of the inputs that runs beside the notebooks, its ``DataValidationError`` comes
    first.
    """
    if not to_run:
        if check is not None:
            check.check()
        return {}
    tasks = []
    for nb in to_run:
        out = str(stage.output_dir(nb.name))
        tasks.append({
            "name": nb.name,
            "input": str(nb.path.resolve()),
            "output": str(stage.notebooks / nb.path.name),
            "output_dir": out,
            "cwd": str(nb.path.resolve().parent),
            "kernel_name": opts.kernel_name,
            "parameters": {"year": plan.year, "data_dir": str(opts.data_dir), "output_dir": out,
                           "seed": int(opts.seed), "min_cell_size": int(opts.min_cell_size)},
        })  # fmt: skip
    n_jobs = min(opts.jobs or min(len(tasks), os.cpu_count() or 1), len(tasks))
    tasks_by_length = longest_first(tasks, opts.year_report_dir(plan.year) / "run_log.json")
    socket_path = template.socket_path if template is not None else None
    outcomes = execute_all(tasks_by_length, n_jobs, opts.progress, log_path=stage.log,
                           template=socket_path,
                           renderer=renderer.listening() if renderer is not None else None,
                           abort=check.failed if check is not None else None,
                           frames=check.frames_dir if check is not None else None)  # fmt: skip
    if check is not None:
        check.check()  # bad inputs: their DataValidationError, not the notebooks' failures
    timings = {
        r["name"]: {
            key: (None if r.get(key) is None else round(r[key], 3))
            for key in ("seconds", "kernel_start", "template_wait", "import_cells")
        }
        for r in outcomes
    }
    failures = [r for r in outcomes if not r["ok"]]
    if failures:
        order = [t["name"] for t in tasks]
        first = min(failures, key=lambda r: order.index(r["name"]))
        failed_copy = keep_failed_notebook(
            stage.notebooks, opts.year_report_dir(plan.year), first["name"], plan, stage.log,
            template.log_path if template is not None else None,
        )
        if failed_copy is None:  # no executed notebook (its kernel or worker died): the logs
            failed_copy = opts.year_report_dir(plan.year) / "failed"
        raise PipelineError(
            failure_message(first, failed_copy),
            notebook=first["name"],
            cell=first.get("cell"),
            ename=first.get("ename"),
            evalue=first.get("evalue"),
        )
    missing = [t["name"] for t in tasks if not Path(t["output"]).is_file()]
    if missing:
        raise PipelineError(f"papermill schreef geen uitgevoerd notebook voor {missing}")
    from ..disclosure import scrub_notebook_file

    for task in tasks:  # the record of the run keeps only gated output (docs/disclosure.md)
        scrub_notebook_file(task["output"])
    return timings
