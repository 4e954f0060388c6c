"""Run the yearly analysis notebooks with papermill: cache, manifest, parallelism, progress.

The notebook contract
=====================

Which notebooks
    Every ``notebooks/*.ipynb``, in name order (``01_wellbeing.ipynb``, ``02_costs.ipynb``,
    ...). Names starting with ``_`` or ``.`` are skipped (drafts, checkpoints). Notebooks are
    independent of each other: they may run in parallel, in any order, and never read each
    other's results.

Parameters
    One code cell tagged ``parameters`` with literal assignments, one per line, each with a
    trailing comment (papermill injects the real values in a cell right after it)::

        year = 2016  # report year
        data_dir = "../data/raw/demo"  # folder with the input files
        output_dir = "../data/processed/2016"  # where results go (a staging folder in a run)
        seed = 20160512  # random seed for bootstraps and simulations
        min_cell_size = 5  # no group smaller than this is published

    ``data_dir`` and ``output_dir`` arrive as absolute path strings. The working directory
    is the notebook's own folder. The kernel is ``ruwaard-analysis`` (``make install``).

Which inputs (optional, for the cache)
    A notebook may list the source keys it reads in its notebook metadata::

        "metadata": {"ruwaard": {"sources": ["cases", "wellbeing"]}, ...}

    Then only a change to those input files re-runs it. Without the list it depends on every
    input file. The source key of a file is the part of its name before the first ``.``
    (``cases.csv``, ``cases.synthetic.csv`` -> ``cases``); inputs are the ``*.csv``,
    ``*.xlsx`` and ``*.parquet`` files directly in ``data_dir`` (the rule of
    ``io.find_source_files``; the pipeline applies it itself so that a warm run need not
    import the data contracts). ``"sources": []`` means the notebook reads no input file at
    all: a notebook that checks every file must leave the key out.

How a notebook writes results
    Only through :mod:`ruwaard_analysis.results`, always into ``output_dir``::

        from ruwaard_analysis import results
        results.write_table(output_dir, "wellbeing_paired", frame)
        results.write_key_figures(output_dir, "01_wellbeing", {"wellbeing_before_mean":
            {"value": 2.93, "n": 13, "unit": "score", "label": "Welbevinden voor",
             "ci_low": 2.5, "ci_high": 3.4, "suppressed": False}})
        results.write_figure(output_dir, "wellbeing_before_after", chart)

    Use the notebook's own name for ``write_key_figures``. Table, figure and key-figure names
    must be unique over all notebooks of a year (the pipeline refuses duplicates). Do not
    write ``manifest.json`` or ``key_figures.json``: the pipeline writes them.

Errors
    Let errors propagate (a ``DataValidationError`` from the loaders, an
    ``InsufficientDataError``, ...): the run stops, names notebook, cell and error, and the
    previous results of the year stay as they were.

What a run produces
===================

``data/processed/YEAR/`` with ``tables/``, ``key_figures/``, ``figures/``, the merged
``key_figures.json`` and ``manifest.json`` (sha256 of every input file, parameters, package
versions, git commit, library fingerprint, per notebook its cache key and output checksums);
``reports/YEAR/notebooks/NAME.ipynb`` (executed notebooks) and ``reports/YEAR/run_log.json``
(timings; not part of the determinism promise). Results are byte-identical across runs on the
same inputs. Everything is written aside and moved into place only when every notebook
succeeded. A notebook is re-executed only when its cache key changed: sha256 over the
notebook file, its input files, the library source and reference data
(``src/ruwaard_analysis/**``), package versions and the parameters.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

from . import config
from .errors import DataValidationError, RuwaardError

PARAMETER_NAMES = ("year", "data_dir", "output_dir", "seed", "min_cell_size")
INPUT_SUFFIXES = (".csv", ".xlsx", ".parquet")
LIBRARY_SUFFIXES = (".py", ".csv", ".json", ".md", ".yml", ".yaml", ".toml")
MANIFEST_SCHEMA = 1
RESERVED_OUTPUTS = ("manifest.json", "key_figures.json")
PACKAGES = (
    "ruwaard-analysis",
    "polars",
    "pandas",
    "pyarrow",
    "numpy",
    "scipy",
    "statsmodels",
    "pandera",
    "altair",
    "vl-convert-python",
    "great-tables",
    "papermill",
    "nbformat",
    "nbclient",
    "ipykernel",
)


class PipelineError(RuwaardError):
    """A notebook failed or the run could not be prepared; previous results are untouched."""

    def __init__(
        self,
        message: str,
        *,
        notebook: str | None = None,
        cell: int | None = None,
        ename: str | None = None,
        evalue: str | None = None,
    ):
        super().__init__(message)
        self.notebook = notebook
        self.cell = cell
        self.ename = ename
        self.evalue = evalue


# --------------------------------------------------------------------------- hashing


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _sha256_json(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def source_key(path: Path) -> str:
    """Source key of an input file: its name up to the first ``.``."""
    return path.name.split(".", 1)[0]


def find_inputs(data_dir: Path) -> dict[str, Path]:
    """Input files directly in ``data_dir``, ``{file name: path}`` sorted by name."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise PipelineError(
            f"datamap {data_dir} bestaat niet. Maak de demodata met `ruwaard demo-data` "
            "of geef een map met --data"
        )
    found = {}
    for path in sorted(data_dir.iterdir()):
        if (
            path.is_file()
            and path.suffix.lower() in INPUT_SUFFIXES
            and not path.name.startswith((".", "~$"))
        ):
            found[path.name] = path
    return found


def library_files(library_dir: Path = config.PACKAGE_DIR) -> dict[str, Path]:
    """Library source and packaged data that results depend on, ``{relative path: path}``."""
    library_dir = Path(library_dir)
    files = {}
    for path in sorted(library_dir.rglob("*")):
        if (
            path.is_file()
            and path.suffix in LIBRARY_SUFFIXES
            and "__pycache__" not in path.parts
            and not path.name.startswith(".")
        ):
            files[path.relative_to(library_dir).as_posix()] = path
    return files


def package_versions(names: Iterable[str] = PACKAGES) -> dict[str, str | None]:
    """Installed versions of the packages results depend on (None when not installed)."""
    from importlib import metadata

    versions: dict[str, str | None] = {"python": sys.version.split()[0]}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_commit(root: Path = config.PROJ_ROOT) -> str | None:
    """The commit checked out in ``root`` (read-only ``git rev-parse``), or None outside git."""
    import subprocess

    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    if out.returncode != 0 or len(commit) != 40:
        return None
    # The commit only counts when root itself is inside that work tree (not a parent repo's).
    top = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--show-toplevel"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    ).stdout.strip()
    if not top or not Path(root).resolve().is_relative_to(Path(top).resolve()):
        return None
    return commit


# --------------------------------------------------------------------------- planning


def find_notebooks(notebooks_dir: Path = config.NOTEBOOKS_DIR) -> list[Path]:
    """The analysis notebooks, sorted by name (drafts ``_*`` and hidden files skipped)."""
    notebooks_dir = Path(notebooks_dir)
    if not notebooks_dir.is_dir():
        raise PipelineError(f"notebookmap {notebooks_dir} bestaat niet")
    return [p for p in sorted(notebooks_dir.glob("*.ipynb")) if not p.name.startswith(("_", "."))]


def notebook_sources(path: Path) -> list[str] | None:
    """Source keys declared in ``metadata.ruwaard.sources`` (None = depends on all inputs)."""
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PipelineError(
            f"notebook {Path(path).name} is geen leesbaar .ipynb-bestand: {exc}"
        ) from exc
    sources = (nb.get("metadata") or {}).get("ruwaard", {}).get("sources")
    if sources is None:
        return None
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise PipelineError(
            f"notebook {Path(path).name}: metadata.ruwaard.sources moet een lijst met "
            f"bronnamen zijn, niet {sources!r}"
        )
    return sorted(set(sources))


@dataclass(frozen=True)
class NotebookPlan:
    """One notebook of a run: what it depends on and its cache key."""

    name: str
    path: Path
    sha256: str
    sources: tuple[str, ...] | None
    inputs: tuple[str, ...]
    cache_key: str


@dataclass(frozen=True)
class YearPlan:
    """Everything known about a run before anything executes."""

    year: int
    parameters: dict[str, Any]
    inputs: dict[str, str]  # file name -> sha256
    library_sha256: str
    reference_data: dict[str, str]
    packages: dict[str, str | None]
    notebooks: tuple[NotebookPlan, ...]


def _display_path(path: Path) -> str:
    path = Path(path).resolve()
    try:
        return path.relative_to(config.PROJ_ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def plan_year(
    year: int,
    *,
    data_dir: Path,
    seed: int,
    min_cell_size: int,
    notebooks_dir: Path = config.NOTEBOOKS_DIR,
    library_dir: Path = config.PACKAGE_DIR,
    kernel_name: str = config.KERNEL_NAME,
) -> YearPlan:
    """Hash inputs, library and notebooks and compute each notebook's cache key (no execution)."""
    notebooks = find_notebooks(notebooks_dir)
    if not notebooks:
        raise PipelineError(f"geen notebooks (*.ipynb) gevonden in {notebooks_dir}")
    input_paths = find_inputs(data_dir)
    inputs = {name: sha256_file(p) for name, p in input_paths.items()}
    lib = {rel: sha256_file(p) for rel, p in library_files(library_dir).items()}
    library_sha = _sha256_json(lib)
    reference = {
        rel.split("/", 1)[1]: h for rel, h in lib.items() if rel.startswith("reference_data/")
    }
    packages = package_versions()
    parameters = {
        "year": int(year),
        "data_dir": _display_path(data_dir),
        "seed": int(seed),
        "min_cell_size": int(min_cell_size),
        "kernel_name": kernel_name,
    }
    plans = []
    for path in notebooks:
        sources = notebook_sources(path)
        if sources is None:
            deps = tuple(inputs)
        else:
            deps = tuple(n for n in inputs if source_key(Path(n)) in sources)
        nb_sha = sha256_file(path)
        key = _sha256_json(
            {
                "notebook": nb_sha,
                "sources": sources,
                "inputs": {n: inputs[n] for n in deps},
                "library": library_sha,
                "packages": packages,
                "parameters": parameters,
            }
        )
        plans.append(
            NotebookPlan(
                path.stem, path, nb_sha, None if sources is None else tuple(sources), deps, key
            )
        )
    return YearPlan(int(year), parameters, inputs, library_sha, reference, packages, tuple(plans))


# --------------------------------------------------------------------------- result


@dataclass
class RunResult:
    """What a run did. ``executed`` and ``cached`` list notebook names."""

    year: int
    executed: list[str]
    cached: list[str]
    results_dir: Path
    notebooks_dir: Path
    manifest_path: Path
    seconds: float
    changed: bool
    ok: bool = True
    timings: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        """A short Dutch account of the run for the terminal."""
        secs = f"{self.seconds:.1f}".replace(".", ",")
        total = len(self.executed) + len(self.cached)
        if not self.executed:
            head = (
                f"Jaar {self.year}: niets veranderd, alle {total} notebook(s) uit de cache "
                f"({secs} s)."
            )
            if self.changed:
                head = (
                    f"Jaar {self.year}: geen notebook opnieuw uitgevoerd, resultaten "
                    f"bijgewerkt ({secs} s)."
                )
        else:
            head = (
                f"Jaar {self.year}: {len(self.executed)} notebook(s) uitgevoerd "
                f"({', '.join(self.executed)}), {len(self.cached)} uit de cache, in {secs} s."
            )
        return (
            f"{head}\nResultaten: {self.results_dir}\nUitgevoerde notebooks: {self.notebooks_dir}"
        )


# --------------------------------------------------------------------------- worker side

_PROGRESS_QUEUE = None


def _init_worker(queue, log_path: str | None) -> None:  # pragma: no cover - worker process
    global _PROGRESS_QUEUE
    _PROGRESS_QUEUE = queue
    os.environ["PYTHONHASHSEED"] = "0"  # kernels inherit it: deterministic set/dict order
    if log_path:
        # Kernel and papermill chatter (e.g. ipykernel's TCP warning) goes to a log file,
        # not through the progress bar; errors reach the user through the result dicts.
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 2)
        os.close(fd)


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
        def __init__(self, *args, on_cell=None, **kwargs):
            super().__init__(*args, **kwargs)
            self._on_cell = on_cell

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
    _report("start", name)
    try:
        import papermill as pm

        _register_engine()
        Path(task["output_dir"]).mkdir(parents=True, exist_ok=True)
        pm.execute_notebook(
            task["input"],
            task["output"],
            parameters=task["parameters"],
            kernel_name=task["kernel_name"],
            engine_name=_ENGINE,
            progress_bar=False,
            cwd=task["cwd"],
            on_cell=lambda i, n: _report("cell", name, i, n),
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
        result["seconds"] = time.perf_counter() - start
        _report("done", name, False)
        return result
    _report("done", name, True)
    return {"name": name, "ok": True, "seconds": time.perf_counter() - start}


# --------------------------------------------------------------------------- parent side


def _failure_message(res: dict[str, Any], failed_copy: Path | None) -> str:
    where = f"notebook {res['name']}"
    if res.get("cell") is not None:
        where += f", cel {res['cell']}"
        if res.get("first_line"):
            first = res["first_line"]
            where += f" ({first[:77] + '...' if len(first) > 80 else first})"
    text = f"{where} mislukt: {res['ename']}: {res['evalue']}"
    if res.get("traceback"):
        text += f"\n{res['traceback'].rstrip()}"
    if failed_copy is not None:
        text += f"\nHet uitgevoerde notebook met de fout staat in {failed_copy}"
    return text + "\nDe vorige resultaten van dit jaar zijn niet veranderd."


class _Progress:
    """Progress of a run on stderr.

    On a terminal: one tqdm bar over the notebooks whose text shows each running notebook
    and its cell (``01_welbevinden: cel 7/23``). Elsewhere (CI logs, pipes): one plain line
    when a notebook starts and when it ends, no carriage-return noise.
    """

    def __init__(self, total: int, enabled: bool, stream=None):
        self.bar = None
        self.lines = False
        self.stream = stream if stream is not None else sys.stderr
        self.running: dict[str, str] = {}
        self.done = 0
        self.total = total
        if not (enabled and total):
            return
        if getattr(self.stream, "isatty", lambda: False)():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="notebook", desc="notebooks", file=self.stream,
                            dynamic_ncols=True, leave=True)  # fmt: skip
        else:
            self.lines = True

    def handle(self, message: tuple) -> None:
        kind, name = message[0], message[1]
        if kind == "start":
            self.running[name] = "start kernel"
        elif kind == "cell":
            self.running[name] = f"cel {message[2] + 1}/{message[3]}"
        elif kind == "done":
            self.running.pop(name, None)
            self.done += 1
        if self.bar is not None:
            if kind == "done":
                self.bar.update(1)
            postfix = " · ".join(f"{n}: {c}" for n, c in sorted(self.running.items()))
            self.bar.set_postfix_str(postfix)
        elif self.lines and kind in ("start", "done"):
            ok = len(message) < 3 or message[2]
            verb = "start" if kind == "start" else ("klaar" if ok else "mislukt")
            print(f"[{self.done}/{self.total}] {verb}: {name}", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str("")
            self.bar.close()


def _execute_all(
    tasks: list[dict[str, Any]], jobs: int, progress: bool, log_path: Path | None = None
) -> list[dict[str, Any]]:
    """Run tasks in a process pool; stops submitting new work after the first failure."""
    import multiprocessing
    import queue as queue_mod
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    ctx = multiprocessing.get_context("spawn")  # papermill/zmq are not fork-safe
    q = ctx.Queue()
    bar = _Progress(len(tasks), progress)
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
            initargs=(q, str(log_path) if log_path else None),
        ) as pool:
            pending = {pool.submit(_execute_notebook, t) for t in tasks}
            failed = False
            while pending:
                done, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
                drain()
                for fut in done:
                    try:
                        res = fut.result()
                    except BrokenProcessPool as exc:
                        raise PipelineError(
                            f"een werkproces van de pipeline stopte onverwacht ({exc}). Roept u "
                            "run_year aan vanuit een eigen script, zet die aanroep dan onder "
                            '`if __name__ == "__main__":`'
                        ) from exc
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


def _read_old_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _cache_hit(
    plan: NotebookPlan, old: dict[str, Any] | None, old_results: Path, old_notebooks: Path
) -> bool:
    if old is None:
        return False
    entry = old.get("notebooks", {}).get(plan.name)
    if not entry or entry.get("cache_key") != plan.cache_key:
        return False
    if not (old_notebooks / plan.path.name).is_file():
        return False
    for rel, digest in entry.get("outputs", {}).items():
        path = old_results / rel
        if not path.is_file() or sha256_file(path) != digest:
            return False
    return True


def _files_under(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _remove_stale_staging(folder: Path, prefix: str) -> None:
    """Remove staging / old folders left by a run that was killed (its process is gone)."""
    for path in folder.glob(f"{prefix}*"):
        parts = path.name[len(prefix) :].split("-")
        if len(parts) >= 2 and parts[0] in ("staging", "old") and parts[1].isdigit():
            if int(parts[1]) != os.getpid() and not _pid_alive(int(parts[1])):
                shutil.rmtree(path, ignore_errors=True)


def _swap_into_place(new: Path, target: Path) -> None:
    """Replace folder ``target`` by ``new``: rename old aside, rename new in, delete old."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        os.replace(target, old)
    try:
        os.replace(new, target)
    except OSError:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _build_manifest(
    plan: YearPlan,
    notebook_outputs: dict[str, dict[str, str]],
    outputs: dict[str, str],
    commit: str | None,
) -> dict[str, Any]:
    return {
        "schema": MANIFEST_SCHEMA,
        "year": plan.year,
        "parameters": plan.parameters,
        "inputs": {
            name: {"sha256": digest, "source": source_key(Path(name))}
            for name, digest in plan.inputs.items()
        },
        "reference_data": plan.reference_data,
        "library_sha256": plan.library_sha256,
        "packages": plan.packages,
        "git_commit": commit,
        "notebooks": {
            nb.name: {
                "file": nb.path.name,
                "sha256": nb.sha256,
                "sources": None if nb.sources is None else list(nb.sources),
                "inputs": list(nb.inputs),
                "cache_key": nb.cache_key,
                "outputs": notebook_outputs[nb.name],
            }
            for nb in plan.notebooks
        },
        "outputs": outputs,
    }


def _same_except_commit(a: dict[str, Any] | None, b: dict[str, Any]) -> bool:
    if a is None:
        return False
    strip = lambda m: {k: v for k, v in m.items() if k != "git_commit"}  # noqa: E731
    return strip(a) == strip(b)


def _validate_inputs(data_dir: Path, validate: bool | Callable[[Path], list]) -> None:
    """Fail fast with the data problems before any notebook runs."""
    if validate is False:
        return
    if validate is True:
        try:
            from .io import validate_folder
        except ImportError as exc:
            missing_io = exc.name == "ruwaard_analysis.io" or "validate_folder" in str(exc)
            if missing_io:
                return  # io not there (yet): the loaders inside the notebooks still check
            raise
        validate = validate_folder
    problems = validate(Path(data_dir))
    if problems:
        raise DataValidationError(list(problems))


def run_year(
    year: int,
    *,
    data_dir: Path,
    force: bool = False,
    jobs: int | None = None,
    seed: int = config.DEFAULT_SEED,
    min_cell_size: int = config.MIN_CELL_SIZE,
    notebooks_dir: Path = config.NOTEBOOKS_DIR,
    processed_dir: Path = config.PROCESSED_DIR,
    reports_dir: Path = config.REPORTS_DIR,
    progress: bool = True,
    library_dir: Path = config.PACKAGE_DIR,
    kernel_name: str = config.KERNEL_NAME,
    validate: bool | Callable[[Path], list] = True,
    git_root: Path = config.PROJ_ROOT,
) -> RunResult:
    """Run the year's notebooks (cached, in parallel) and move the results into place.

    Raises :class:`PipelineError` when a notebook fails and ``DataValidationError`` when the
    input data break the contracts; in both cases nothing of the year's previous results
    (``processed_dir/YEAR``, ``reports_dir/YEAR/notebooks``) changes.
    """
    started = time.perf_counter()
    data_dir = Path(data_dir).resolve()
    notebooks_dir = Path(notebooks_dir)
    processed_dir = Path(processed_dir)
    reports_dir = Path(reports_dir)
    if jobs is not None and jobs < 1:
        raise PipelineError(f"--jobs moet minstens 1 zijn, niet {jobs}")
    if min_cell_size < config.MIN_CELL_SIZE_FLOOR:
        raise PipelineError(
            f"--min-cell-size {min_cell_size} is te klein: de minimale celgrootte moet minstens "
            f"{config.MIN_CELL_SIZE_FLOOR} zijn (zie docs/data.md, 'Kleine groepen')"
        )

    plan = plan_year(
        year,
        data_dir=data_dir,
        seed=seed,
        min_cell_size=min_cell_size,
        notebooks_dir=notebooks_dir,
        library_dir=library_dir,
        kernel_name=kernel_name,
    )
    results_dir = processed_dir / str(year)
    executed_dir = reports_dir / str(year) / "notebooks"
    old = _read_old_manifest(results_dir)

    hits = {
        nb.name
        for nb in plan.notebooks
        if not force and _cache_hit(nb, old, results_dir, executed_dir)
    }
    to_run = [nb for nb in plan.notebooks if nb.name not in hits]
    cached = [nb.name for nb in plan.notebooks if nb.name in hits]

    if not to_run:
        outputs_per_nb = {nb.name: old["notebooks"][nb.name]["outputs"] for nb in plan.notebooks}
        candidate = _build_manifest(
            plan, outputs_per_nb, old.get("outputs", {}), old.get("git_commit")
        )
        if _same_except_commit(old, candidate):
            result = RunResult(
                plan.year,
                [],
                cached,
                results_dir,
                executed_dir,
                results_dir / "manifest.json",
                time.perf_counter() - started,
                changed=False,
            )
            _write_run_log(reports_dir / str(year), result)
            return result

    if to_run:
        _validate_inputs(data_dir, validate)

    processed_dir.mkdir(parents=True, exist_ok=True)
    executed_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(processed_dir, f".{year}.")
    _remove_stale_staging(executed_dir.parent, ".notebooks.")
    pid = os.getpid()
    stage = Path(tempfile.mkdtemp(prefix=f".{year}.staging-{pid}-", dir=processed_dir))
    nb_stage = Path(tempfile.mkdtemp(prefix=f".notebooks.staging-{pid}-", dir=executed_dir.parent))
    timings: dict[str, float] = {}
    try:
        work = stage / "work"
        tasks = []
        for nb in to_run:
            out = work / nb.name
            out.mkdir(parents=True)
            tasks.append(
                {
                    "name": nb.name,
                    "input": str(nb.path.resolve()),
                    "output": str(nb_stage / nb.path.name),
                    "output_dir": str(out.resolve()),
                    "cwd": str(nb.path.resolve().parent),
                    "kernel_name": kernel_name,
                    "parameters": {
                        "year": plan.year,
                        "data_dir": str(data_dir),
                        "output_dir": str(out.resolve()),
                        "seed": int(seed),
                        "min_cell_size": int(min_cell_size),
                    },
                }
            )
        if tasks:
            n_jobs = jobs or min(len(tasks), os.cpu_count() or 1)
            outcomes = _execute_all(
                tasks, min(n_jobs, len(tasks)), progress, log_path=stage / "workers.log"
            )
            timings = {r["name"]: round(r.get("seconds", 0.0), 3) for r in outcomes}
            failures = [r for r in outcomes if not r["ok"]]
            if failures:
                first = min(failures, key=lambda r: [t["name"] for t in tasks].index(r["name"]))
                failed_copy = _keep_failed_notebook(
                    nb_stage, reports_dir / str(year), first["name"], plan, stage / "workers.log"
                )
                raise PipelineError(
                    _failure_message(first, failed_copy),
                    notebook=first["name"],
                    cell=first.get("cell"),
                    ename=first.get("ename"),
                    evalue=first.get("evalue"),
                )
            missing = [t["name"] for t in tasks if not Path(t["output"]).is_file()]
            if missing:
                raise PipelineError(f"papermill schreef geen uitgevoerd notebook voor {missing}")

        final = stage / "result"
        final.mkdir()
        owner: dict[str, str] = {}
        notebook_outputs: dict[str, dict[str, str]] = {}
        for nb in plan.notebooks:
            if nb.name in hits:
                rels = sorted(old["notebooks"][nb.name]["outputs"])
                sources = {rel: results_dir / rel for rel in rels}
                shutil.copyfile(executed_dir / nb.path.name, nb_stage / nb.path.name)
            else:
                sources = _files_under(work / nb.name)
            notebook_outputs[nb.name] = {}
            for rel, src in sources.items():
                if rel in RESERVED_OUTPUTS:
                    raise PipelineError(
                        f"notebook {nb.name} schreef {rel}; dat bestand schrijft de pipeline zelf"
                    )
                if rel in owner:
                    raise PipelineError(
                        f"notebooks {owner[rel]} en {nb.name} schrijven allebei {rel}: "
                        "namen van tabellen, figuren en kengetallen moeten uniek zijn"
                    )
                owner[rel] = nb.name
                dest = final / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)
                notebook_outputs[nb.name][rel] = sha256_file(dest)
        shutil.rmtree(work)

        _merge_key_figures(final, owner)
        outputs = {rel: sha256_file(p) for rel, p in _files_under(final).items()}
        manifest = _build_manifest(plan, notebook_outputs, outputs, git_commit(git_root))
        from .results import write_json

        write_json(final / "manifest.json", manifest)

        _swap_into_place(final, results_dir)
        _swap_into_place(nb_stage, executed_dir)
        shutil.rmtree(reports_dir / str(year) / "failed", ignore_errors=True)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        shutil.rmtree(nb_stage, ignore_errors=True)

    result = RunResult(
        plan.year,
        [nb.name for nb in to_run],
        cached,
        results_dir,
        executed_dir,
        results_dir / "manifest.json",
        time.perf_counter() - started,
        changed=True,
        timings=timings,
    )
    _write_run_log(reports_dir / str(year), result)
    return result


def _keep_failed_notebook(
    nb_stage: Path, year_report_dir: Path, name: str, plan: YearPlan, log: Path
) -> Path | None:
    """Copy the failed executed notebook (and the workers' log) to ``reports/YEAR/failed/``."""
    failed = year_report_dir / "failed"
    failed.mkdir(parents=True, exist_ok=True)
    if log.is_file():
        shutil.copyfile(log, failed / "workers.log")
    nb = next(n for n in plan.notebooks if n.name == name)
    src = nb_stage / nb.path.name
    if not src.is_file():
        return None
    dest = failed / nb.path.name
    shutil.copyfile(src, dest)
    return dest


def _merge_key_figures(final: Path, owner: dict[str, str]) -> None:
    """Merge ``key_figures/*.json`` into ``key_figures.json`` (names must be unique)."""
    from .results import write_json

    merged: dict[str, Any] = {}
    seen: dict[str, str] = {}
    folder = final / "key_figures"
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            figures = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise PipelineError(
                f"{path.name} van notebook {owner.get('key_figures/' + path.name)} "
                f"is geen geldige JSON: {exc}"
            ) from exc
        for name, figure in figures.items():
            if name in seen:
                raise PipelineError(
                    f"kengetal {name!r} komt voor in {seen[name]} en in {path.name}"
                )
            seen[name] = path.name
            merged[name] = figure
    write_json(final / "key_figures.json", merged)


def _write_run_log(year_report_dir: Path, result: RunResult) -> None:
    """Timings of the last run (not part of the determinism promise)."""
    from datetime import datetime

    year_report_dir.mkdir(parents=True, exist_ok=True)
    log = {
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "executed": result.executed,
        "cached": result.cached,
        "seconds_total": round(result.seconds, 3),
        "seconds_per_notebook": result.timings,
        "results_changed": result.changed,
    }
    (year_report_dir / "run_log.json").write_text(
        json.dumps(log, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )


# --------------------------------------------------------------------------- ruwaard numbers


def format_key_figure(
    figure: dict[str, Any], min_cell_size: int = config.MIN_CELL_SIZE
) -> tuple[str, str, str]:
    """(value, n, 95% interval) of a key figure as Dutch text, formatted by ``present.fmt``.

    The unit chooses the format (``fmt_value``); ``decimals`` in the figure, if any, applies
    to plain numbers. A suppressed figure shows ``onderdrukt`` and no interval.
    """
    from .present import fmt

    value, unit, decimals = figure.get("value"), figure.get("unit"), figure.get("decimals")
    if figure.get("suppressed"):
        value_text = "onderdrukt"
    elif isinstance(value, bool) or not (value is None or isinstance(value, int | float)):
        value_text = str(value)
    else:
        value_text = fmt.fmt_value(value, unit, decimals)
    n = figure.get("n")
    if n is None:
        n_text = ""
    elif figure.get("n_unit"):  # not a count of people (e.g. weeks): no cell-size rule
        n_text = f"{fmt.fmt_int(n)} {figure['n_unit']}"
    else:
        n_text = fmt.fmt_count(n, min_cell_size)
    low, high = figure.get("ci_low"), figure.get("ci_high")
    if low is None or high is None or figure.get("suppressed"):
        ci_text = ""
    else:
        ci_text = fmt.fmt_value_ci(low, high, unit, decimals, confidence=None)
    return value_text, n_text, ci_text


def print_key_figures(
    year: int, *, as_json: bool = False, processed_dir: Path = config.PROCESSED_DIR, file=None
) -> int:
    """Print the key figures of ``year`` as a Dutch table (or JSON); 1 when there are none."""
    from .results import ResultsNotFoundError, read_key_figures, read_manifest

    out = file if file is not None else sys.stdout
    try:
        figures = read_key_figures(year, processed_dir=processed_dir)
    except ResultsNotFoundError:
        print(
            f"Er zijn nog geen resultaten voor {year}: voer eerst `ruwaard run --year {year}` uit.",
            file=sys.stderr,
        )
        return 1
    if as_json:
        print(json.dumps(figures, ensure_ascii=False, indent=2, sort_keys=True), file=out)
        return 0
    try:
        min_cell = int(
            read_manifest(year, processed_dir=processed_dir)["parameters"]["min_cell_size"]
        )
    except (RuwaardError, KeyError, TypeError, ValueError):
        min_cell = config.MIN_CELL_SIZE
    if not figures:
        print(f"De resultaten van {year} bevatten geen kengetallen.", file=out)
        return 0
    from .key_figures import in_display_order

    rows = [("Kengetal", "Waarde", "n", "95%-BI")]
    for name in in_display_order(figures):
        fig = figures[name]
        rows.append((fig.get("label") or name, *format_key_figure(fig, min_cell)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    print(f"Kengetallen {year}", file=out)
    for i, row in enumerate(rows):
        line = "  ".join(
            [
                row[0].ljust(widths[0]),
                row[1].rjust(widths[1]),
                row[2].rjust(widths[2]),
                row[3].ljust(widths[3]),
            ]
        ).rstrip()
        print(line, file=out)
        if i == 0:
            print("  ".join("-" * w for w in widths), file=out)
    return 0
