"""The report's .qmd read and its Python cells run as Quarto runs them, without Quarto.

For the tests that check the report's content on every machine (``test_quarto_project.py``,
``test_end_to_end.py``): the cells run in order, the year injected after the ``parameters``
cell as ``quarto render -P year:YEAR`` does, the target format announced in
``QUARTO_EXECUTE_INFO``. The render by real Quarto is tested in ``test_rendered_report.py``.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
QMD = ROOT / "reports" / "leergeschiedenis.qmd"

# -- reading the .qmd ----------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", flags=re.S)
_CHUNK = re.compile(r"^```\{python\}[^\n]*\n(.*?)^```[ \t]*$", flags=re.S | re.M)


@dataclass
class Cell:
    code: str
    options: dict = field(default_factory=dict)
    line: int = 0


def front_matter(text: str) -> dict:
    match = _FRONT_MATTER.match(text)
    assert match, "the .qmd starts with a YAML front matter"
    return yaml.safe_load(match.group(1))


def _cell(match: re.Match, text: str) -> Cell:
    lines = match.group(1).splitlines()
    option_lines = [ln[3:] for ln in lines if ln.startswith("#| ")]
    code = "\n".join(ln for ln in lines if not ln.startswith("#|"))
    options = yaml.safe_load("\n".join(option_lines)) or {}
    return Cell(code, options, text[: match.start()].count("\n") + 1)


def segments(text: str) -> list[str | Cell]:
    """The .qmd body after its front matter: Markdown (str) and Python cells, in order."""
    body_start = _FRONT_MATTER.match(text).end()
    out: list[str | Cell] = []
    position = body_start
    for match in _CHUNK.finditer(text, body_start):
        out.append(text[position:match.start()])
        out.append(_cell(match, text))
        position = match.end()
    out.append(text[position:])
    return out


def python_cells(text: str) -> list[Cell]:
    """The ```{python} chunks of a .qmd, with their `#|` options parsed as YAML."""
    return [_cell(match, text) for match in _CHUNK.finditer(text)]


def prose(text: str) -> str:
    """The .qmd without front matter and code chunks: what a reader reads as typed."""
    return _CHUNK.sub("", _FRONT_MATTER.sub("", text))


# -- running its cells ---------------------------------------------------------------------------


@dataclass
class Output:
    cell: Cell
    stdout: str
    value: object


def _run(cell: Cell, namespace: dict) -> Output:
    tree = ast.parse(cell.code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    buffer = io.StringIO()
    value = None
    with contextlib.redirect_stdout(buffer):
        exec(compile(tree, f"{QMD.name}:{cell.line}", "exec"), namespace)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), f"{QMD.name}:{cell.line}", "eval"),
                         namespace)
    return Output(cell, buffer.getvalue(), value)


def _injected(year: int, results_dir: Path | None) -> Cell:
    """The cell Quarto (like papermill) puts after the parameters cell for ``-P year:YEAR``."""
    return Cell(f"year = {year}\nresults_dir = {str(results_dir) if results_dir else None!r}",
                {"tags": ["injected-parameters"]})


def execute_report(year: int, results_dir: Path | None) -> list[Output]:
    """Run every Python cell as Quarto does: parameters cell, injected parameters, the rest."""
    cells = python_cells(QMD.read_text(encoding="utf-8"))
    namespace: dict = {"__name__": "__main__"}
    return [_run(cell, namespace) for cell in [cells[0], _injected(year, results_dir), *cells[1:]]]


def shown(output: Output) -> str:
    """What the cell puts in the document: printed Markdown, table HTML or Markdown."""
    value = output.value
    if value is None:
        return output.stdout
    if hasattr(value, "as_raw_html"):
        return output.stdout + value.as_raw_html()
    if hasattr(value, "_repr_markdown_"):
        return output.stdout + value._repr_markdown_()
    return output.stdout + repr(value)


@contextlib.contextmanager
def quarto_target(folder: Path, target: str | None):
    """Set QUARTO_EXECUTE_INFO as Quarto (1.8+) does for ``target`` (None: outside a render)."""
    old = os.environ.pop("QUARTO_EXECUTE_INFO", None)
    if target:
        info = Path(folder) / f"execute-info-{target}.json"
        info.write_text(json.dumps({"document-path": str(QMD), "format": {
            "identifier": {"base-format": target, "target-format": target}}}))
        os.environ["QUARTO_EXECUTE_INFO"] = str(info)
    try:
        yield
    finally:
        os.environ.pop("QUARTO_EXECUTE_INFO", None)
        if old is not None:
            os.environ["QUARTO_EXECUTE_INFO"] = old
