"""The report's .qmd read and run without Quarto, and a rehearsal of ``quarto render``.

Quarto cannot be installed on the build machines, but the engines it renders with can: Pandoc
(``pypandoc-binary``) and Typst (``typst``), both from PyPI with their binaries inside. The
rehearsal does what Quarto does, in the same order, on the report's own cells:

1. run every Python cell of ``reports/leergeschiedenis.qmd`` with the year injected after the
   ``parameters`` cell, the target format announced in ``QUARTO_EXECUTE_INFO``;
2. put each cell's output where the cell stood (``output: asis`` as Markdown, a table as HTML
   for HTML and as Markdown for Typst), with the table captions of ``tbl-cap``;
3. hand that Markdown, with the options of ``_quarto.yml``, to Pandoc: a self-contained HTML
   file (``--embed-resources``) and a Typst file with ``reports/assets/ruwaard.typ`` in its
   header, which Typst compiles to PDF.

It is **not** Quarto: Pandoc's default templates instead of Quarto's, no cross-references and
no Quarto filters. What it does show is that the Markdown the report writes is what we mean
(tables are tables, images resolve and are embedded), that the Typst header compiles, and what
a reader would find in the text of the HTML and the PDF. The real render is
``test_quarto_renders_the_report`` in ``test_quarto_project.py``, where Quarto is on PATH.

Run by hand to look at the result (after ``ruwaard run --year 2017``)::

    .venv/bin/python tests/render_rehearsal.py 2017 /tmp/rehearsal
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
QMD = ROOT / "reports" / "leergeschiedenis.qmd"
QUARTO_YML = ROOT / "_quarto.yml"

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


# -- the rehearsal -------------------------------------------------------------------------------

_IMAGE = re.compile(r"(!\[[^\]]*\]\()([^)\s]+)(\))")


def _absolute_images(markdown: str) -> str:
    """Image paths as Quarto resolves them (relative to the .qmd), made absolute."""
    return _IMAGE.sub(lambda m: m.group(1) + (QMD.parent / m.group(2)).resolve().as_posix()
                      + m.group(3), markdown)


def _table(output: Output, target: str) -> str:
    """A table cell's output as Quarto places it, its ``tbl-cap`` as the caption."""
    caption = output.cell.options.get("tbl-cap")
    value = output.value
    if target == "html" and hasattr(value, "as_raw_html"):
        head = f'<p class="table-caption"><b>Tabel:</b> {caption}</p>\n' if caption else ""
        return f"\n```{{=html}}\n{head}{value.as_raw_html()}\n```\n"
    if hasattr(value, "_repr_markdown_"):
        markdown = value._repr_markdown_()
        if caption and markdown.lstrip().startswith("|"):
            return f"\n: {caption}\n\n{markdown}\n"  # Pandoc: a caption line before the table
        return f"\n{markdown}\n"
    raise AssertionError(f"cell at line {output.cell.line}: no table for {target}: {value!r}")


def document_markdown(year: int, results_dir: Path | None, target: str, work: Path) -> str:
    """The Markdown Quarto hands to Pandoc for ``target`` (html, typst): cells run, outputs in."""
    text = QMD.read_text(encoding="utf-8")
    meta = front_matter(text)
    meta.pop("jupyter", None)
    if meta.get("date") == "today":
        from ruwaard_analysis.present import fmt

        meta["date"] = fmt.fmt_date(date.today())
    meta.pop("date-format", None)
    with quarto_target(work, target):
        namespace: dict = {"__name__": "__main__"}
        parts: list[str] = []
        first_cell = True
        for segment in segments(text):
            if isinstance(segment, str):
                parts.append(segment)
                continue
            out = _run(segment, namespace)
            if first_cell:  # the parameters cell: Quarto runs the injected one right after it
                _run(_injected(year, results_dir), namespace)
                first_cell = False
            if segment.options.get("include") is False:
                continue
            if segment.options.get("output") == "asis":
                parts.append(out.stdout)
            elif out.value is not None:
                parts.append(_table(out, target))
            elif out.stdout:
                parts.append(f"\n```\n{out.stdout}\n```\n")
    header = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    return f"---\n{header}---\n" + _absolute_images("".join(parts))


def _pandoc_options(target: str) -> tuple[dict, list[str]]:
    """Metadata and Pandoc arguments from ``_quarto.yml`` (project-wide, then the format)."""
    project = yaml.safe_load(QUARTO_YML.read_text(encoding="utf-8"))
    fmt_options = dict(project["format"][target])
    args = []
    if project.get("toc"):
        args += ["--toc", f"--toc-depth={project.get('toc-depth', 3)}"]
    if project.get("number-sections"):
        args.append("--number-sections")
    meta = {"lang": project.get("lang", "nl")}
    for option in ("include-in-header", "include-before-body", "include-after-body", "css"):
        path = fmt_options.pop(option, None)
        if path:
            args += [f"--{option}", str(ROOT / path)]
    if fmt_options.pop("embed-resources", False):
        args.append("--embed-resources")
    fmt_options.pop("fig-responsive", None)
    meta.update(fmt_options)  # papersize, margin, fontsize, section-numbering: template variables
    return meta, args


@dataclass
class Rehearsal:
    html: Path
    typst: Path
    pdf: Path
    markdown: dict[str, str]


def rehearse(year: int, results_dir: Path | None, out_dir: Path) -> Rehearsal:
    """Render the report for ``year`` to ``out_dir`` with Pandoc and Typst, as Quarto would."""
    import pypandoc
    import typst

    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    pandoc = pypandoc.get_pandoc_path()
    files: dict[str, Path] = {}
    markdown: dict[str, str] = {}
    for target, ext in (("html", "html"), ("typst", "typ")):
        markdown[target] = document_markdown(year, results_dir, target, out_dir)
        source = out_dir / f"leergeschiedenis-{year}.{target}.md"
        source.write_text(markdown[target], encoding="utf-8")
        meta, args = _pandoc_options(target)
        meta_file = out_dir / f"metadata-{target}.yml"
        meta_file.write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
        files[target] = out_dir / f"leergeschiedenis-{year}.{ext}"
        done = subprocess.run([pandoc, str(source), "--from", "markdown", "--to", target,
                               "--standalone", "--metadata-file", str(meta_file), *args,
                               "--output", str(files[target])],
                              capture_output=True, text=True, cwd=out_dir, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"pandoc --to {target} failed ({done.returncode}): {done.stderr}")
    pdf = out_dir / f"leergeschiedenis-{year}.pdf"
    typst.compile(str(files["typst"]), output=str(pdf), root="/")
    return Rehearsal(files["html"], files["typst"], pdf, markdown)


def pdf_text(pdf: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(pdf)).pages)


def pdf_image_count(pdf: Path) -> int:
    from pypdf import PdfReader

    return sum(len(page.images) for page in PdfReader(str(pdf)).pages)


if __name__ == "__main__":  # python tests/render_rehearsal.py YEAR OUT_DIR [RESULTS_DIR]
    year_arg, out_arg = int(sys.argv[1]), Path(sys.argv[2])
    results_arg = Path(sys.argv[3]) if len(sys.argv) > 3 else None
    done = rehearse(year_arg, results_arg, out_arg)
    print(done.html, done.pdf, sep="\n")
