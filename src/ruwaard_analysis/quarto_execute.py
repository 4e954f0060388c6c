"""Run the Python cells of a Quarto document ourselves, so Quarto only has to render.

``quarto render reports/leergeschiedenis.qmd --to html`` starts a Jupyter kernel, imports the
libraries and runs every cell; ``--to typst`` and the deck do it all again (three kernels,
each paying several seconds of imports). :func:`execute_documents` instead:

1. reads each ``.qmd`` as Quarto does into a notebook (:func:`qmd_notebook`): the front matter
   as the first raw cell, the prose as Markdown cells, each ```` ```{python} ```` chunk as a
   code cell with its ``#|`` options kept in its source (Quarto reads them from there when it
   renders a notebook);
2. injects the parameters after the cell tagged ``parameters`` (as ``quarto render -P
   year:2017`` does, through papermill's rules);
3. runs every notebook once per format it is rendered to, all at the same time, each in a
   fresh kernel forked from one template process that imported the libraries once
   (:mod:`ruwaard_analysis.run.kernels`, the pipeline's). Each kernel gets
   ``QUARTO_EXECUTE_INFO`` for its format, exactly as Quarto's own execution would, so the
   cells choose their output per format as they always did (Typst tables and PNG for the PDF,
   HTML tables and SVG for the HTML); inline ```{python} expr``` code is evaluated where it
   stands.

Why once per format and not once for all: Quarto picks one output per cell by MIME type, and
for Typst it prefers SVG to PNG (``core/jupyter/display-data.ts``), so one MIME bundle cannot
give the PDF its PNG; and a table's HTML and its Typst form are different Markdown. A run of
the report's cells costs well under a second once the imports are done; what the formats
shared and paid three times was the kernel start and the imports, and those are now paid once.

Quarto then renders the executed notebooks; it never executes a ``.ipynb`` unless told to
(``--execute``), see :mod:`ruwaard_analysis.report`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import config
from .errors import RuwaardError

if TYPE_CHECKING:
    from .run.kernels import KernelTemplate

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*\n", flags=re.S)
_CHUNK = re.compile(r"^```\{python\}[^\n]*\n(.*?)^```[ \t]*(?:\n|\Z)", flags=re.S | re.M)
_INLINE = re.compile(r"`\{python\}\s+([^`]+?)`")
_OPTION = re.compile(r"^#\|\s?(.*)$")


# What the report's and the deck's cells import (the pipeline's template also imports scipy,
# pandas and pandera for the notebooks: seconds the report's kernels would not use)
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "IPython.core.interactiveshell",
    "ruwaard_analysis.report_content",
    "ruwaard_analysis.present.charts",
)


class ExecutionError(RuwaardError):
    """A cell of the report (or deck) failed; the message names the document and the cell."""


@dataclass(frozen=True)
class Job:
    """One execution: the document ``qmd`` (relative to the project) for Quarto format ``to``."""

    qmd: str
    to: str


def _options(source: str) -> dict:
    import yaml

    lines = []
    for line in source.splitlines():
        match = _OPTION.match(line)
        if not match:
            break
        lines.append(match.group(1))
    try:
        found = yaml.safe_load("\n".join(lines)) if lines else {}
    except yaml.YAMLError:
        return {}
    return found if isinstance(found, dict) else {}


def qmd_notebook(text: str, kernel_name: str = config.KERNEL_NAME):
    """The notebook Quarto makes of a ``.qmd`` (before it executes it)."""
    import nbformat

    v4 = nbformat.v4
    cells = []
    position = 0
    front = _FRONT_MATTER.match(text)
    if front:
        cells.append(v4.new_raw_cell(front.group(0).rstrip("\n")))
        position = front.end()

    def prose(part: str) -> None:
        part = part.strip("\n")
        if part.strip():
            cells.append(v4.new_markdown_cell(part))

    for chunk in _CHUNK.finditer(text, position):
        prose(text[position:chunk.start()])
        source = chunk.group(1).rstrip("\n")
        cell = v4.new_code_cell(source)
        options = _options(source)
        tags = [str(t) for t in options.get("tags") or []]
        if options.get("eval") is False:
            tags.append("skip-execution")  # nbclient's tag: not run, as Quarto's eval: false
        if tags:
            cell.metadata["tags"] = tags
        cells.append(cell)
        position = chunk.end()
    prose(text[position:])
    return v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": kernel_name, "display_name": kernel_name, "language": "python"},
        "language_info": {"name": "python"},
    })  # fmt: skip


def inject_parameters(nb, params: Mapping[str, Any]) -> None:
    """Put ``params`` in a cell after the one tagged ``parameters``, as Quarto does (papermill's
    rules: the new cell is tagged ``injected-parameters`` and has the parameter cell's options)."""
    import nbformat

    if not params:
        return
    index = next((i for i, c in enumerate(nb.cells)
                  if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])),
                 None)  # fmt: skip
    if index is None:
        return
    options = [ln for ln in nb.cells[index].source.splitlines() if _OPTION.match(ln)]
    options = [ln for ln in options if not re.match(r"#\|\s*(label|tags)\s*:", ln)]
    body = "\n".join(f"{key} = {value!r}" for key, value in params.items())
    cell = nbformat.v4.new_code_cell("\n".join([*options, "# Injected Parameters", body]))
    cell.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(index + 1, cell)


def _with_inline_probes(nb) -> list[tuple[int, list[str]]]:
    """Insert after every Markdown cell with inline code a cell that prints its values;
    returns ``(index of the probe cell, expressions)``."""
    import nbformat

    probes = []
    index = 0
    while index < len(nb.cells):
        cell = nb.cells[index]
        expressions = _INLINE.findall(cell.source) if cell.cell_type == "markdown" else []
        if expressions:
            listed = ", ".join(f"repr(({e}))" for e in expressions)
            probe = nbformat.v4.new_code_cell(f"print(__import__('json').dumps([{listed}]))")
            nb.cells.insert(index + 1, probe)
            probes.append((index + 1, expressions))
            index += 1
        index += 1
    return probes


def _markdown_of(value: str) -> str:
    """An inline value as Quarto writes a ``text/plain`` result (quotes of a string dropped,
    Markdown characters escaped)."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1].replace("\\", "\\\\")
        return re.sub(r"([\\`*_{}\[\]()>#+\-.!])", r"\\\1", value)
    return value


def _resolve_inline(nb, probes: list[tuple[int, list[str]]]) -> None:
    """Put the probes' values into their Markdown, remove the probes, and number the cells'
    executions as if the probes had never run (as in Quarto's own notebook)."""
    shift, probe_indices = 0, {index for index, _ in probes}
    for index, cell in enumerate(nb.cells):
        if index in probe_indices:
            shift += 1
        elif cell.cell_type == "code" and cell.get("execution_count") and shift:
            cell.execution_count -= shift
            for output in cell.outputs:
                if output.get("execution_count"):
                    output["execution_count"] -= shift
    for index, expressions in reversed(probes):
        probe = nb.cells.pop(index)
        text = "".join(o.get("text", "") for o in probe.outputs if o.get("name") == "stdout")
        values = json.loads(text.strip().splitlines()[-1])
        markdown = nb.cells[index - 1]
        for expression, value in zip(expressions, values, strict=True):
            markdown.source = markdown.source.replace(f"`{{python}} {expression}`",
                                                      _markdown_of(value), 1)


def execute_info(document: Path, to: str, folder: Path) -> Path:
    """The file ``QUARTO_EXECUTE_INFO`` names: what the cells read to choose their output
    (https://quarto.org/docs/advanced/quarto-execute-info.html; the fields our cells use)."""
    path = folder / f"execute-info-{document.stem}-{to}.json"
    path.write_text(json.dumps({
        "document-path": str(document),
        "format": {"identifier": {"base-format": to, "target-format": to,
                                  "display-name": to}},
    }), encoding="utf-8")  # fmt: skip
    return path


@contextlib.contextmanager
def _environ(values: Mapping[str, str]) -> Iterator[None]:
    """``os.environ`` with ``values`` while the template starts (it inherits them)."""
    old = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _failure(job: Job, nb, exc: Exception) -> ExecutionError:
    """A Dutch message naming the document, the cell's first line and the error."""
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    failed = next((c for c in nb.cells if c.cell_type == "code" and any(
        o.get("output_type") == "error" for o in c.get("outputs", []))), None)
    where = ""
    if failed is not None:
        first = next((ln for ln in failed.source.splitlines()
                      if ln.strip() and not ln.startswith("#|")), "")
        where = f" in de cel `{first.strip()}`"
    return ExecutionError(f"{job.qmd} (voor {job.to}): {ename}{where}: {evalue}")


def _kernel_env(project_dir: Path, env: Mapping[str, str] | None) -> dict[str, str]:
    """What the template and the kernels get on top of this process's environment."""
    return {config.ROOT_ENV: str(Path(project_dir).resolve()), **(env or {}),
            "PYTHONHASHSEED": "0"}  # fmt: skip


def start_template(project_dir: Path, *, env: Mapping[str, str] | None = None,
                   kernel_name: str = config.KERNEL_NAME) -> KernelTemplate:  # fmt: skip
    """Start the kernel template of :func:`execute_documents` now, to pass to it later.

    Its imports (:data:`PRELOAD`, 1,3-1,6 s on one core) can then overlap other work, such as
    the pipeline run of ``ruwaard report`` (whose own template keeps only one core busy while
    it imports). It inherits the environment the kernels get (``env``, ``RUWAARD_ROOT``:
    ``ruwaard_analysis.config`` reads its paths on import), so it must be started with the
    ``project_dir`` and ``env`` later given to :func:`execute_documents`. The caller stops it
    (``template.stop()``, also when nothing is executed after all).
    """
    from .run.kernels import KernelTemplate

    with _environ(_kernel_env(project_dir, env)):
        return KernelTemplate(kernel_name, preload=PRELOAD)


def execute_documents(
    jobs: list[Job],
    *,
    project_dir: Path,
    params: Mapping[str, Any],
    kernel_name: str = config.KERNEL_NAME,
    env: Mapping[str, str] | None = None,
    timeout: int = 600,
    template: KernelTemplate | None = None,
) -> dict[Job, Any]:
    """Execute every job's document for its format, all at once; ``{job: executed notebook}``.

    The kernels run in the document's folder with ``env`` added to this process's environment
    (``RUWAARD_ROOT`` names the project whose results the cells read). ``template``: a
    template from :func:`start_template` (same ``project_dir`` and ``env``; the caller stops
    it), else one is started here and stopped after. Raises :class:`ExecutionError` naming the
    document and cell when a cell fails.
    """
    from .import_speed import skip_slow_iri_checker

    skip_slow_iri_checker()  # nbformat -> jsonschema: not its slow IRI checker
    from nbclient import NotebookClient

    from .run.kernel_manager import ForkingKernelManager
    from .run.kernels import IOPUB_TIMEOUT, TEMPLATE_ENV

    project_dir = Path(project_dir).resolve()
    base = _kernel_env(project_dir, env)
    notebooks, probes = {}, {}
    for job in jobs:
        nb = qmd_notebook((project_dir / job.qmd).read_text(encoding="utf-8"), kernel_name)
        inject_parameters(nb, params)
        probes[job] = _with_inline_probes(nb)
        notebooks[job] = nb
    to_run = [job for job in jobs if any(c.cell_type == "code" for c in notebooks[job].cells)]
    if not to_run:  # nothing to execute: no kernel
        return notebooks
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="ruwaard-execute-"))
        stack.enter_context(_environ(base))
        if template is None:  # started here, stopped here
            template = stack.enter_context(start_template(project_dir, env=env,
                                                          kernel_name=kernel_name))
        template_env = {TEMPLATE_ENV: template.socket_path} if template.process else {}

        async def one(job: Job) -> Exception | None:
            client = NotebookClient(
                notebooks[job], kernel_name=kernel_name, timeout=timeout, allow_errors=False,
                record_timing=False, iopub_timeout=IOPUB_TIMEOUT, raise_on_iopub_timeout=True,
                resources={"metadata": {"path": str((project_dir / job.qmd).parent)}},
                kernel_manager_class=ForkingKernelManager,
            )  # fmt: skip
            kernel_env = {**os.environ, **template_env, "QUARTO_EXECUTE_INFO": str(
                execute_info(project_dir / job.qmd, job.to, Path(tmp)))}
            try:
                await client.async_execute(env=kernel_env)
            except Exception as exc:  # noqa: BLE001 - named and re-raised below
                return exc
            return None

        async def run_all() -> list[Exception | None]:
            return await asyncio.gather(*(one(job) for job in to_run))

        with _environ(template_env):  # the provisioner finds the template here
            failures = asyncio.run(run_all())
    for job, exc in zip(to_run, failures, strict=True):
        if exc is not None:
            raise _failure(job, notebooks[job], exc) from exc
        _resolve_inline(notebooks[job], probes[job])
    return notebooks
