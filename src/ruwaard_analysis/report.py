"""``ruwaard report``: run the pipeline (cached), then render the leergeschiedenis with Quarto.

Writes ``reports/YEAR/leergeschiedenis-YEAR.html`` and ``.pdf`` (Typst). Quarto is found
through ``QUARTO_PATH`` (the program, or a folder holding ``quarto`` or ``bin/quarto``) or on
``PATH``. Without Quarto the executed notebooks are written as HTML
(``reports/YEAR/html/``, nbconvert) with a warning that says how to install Quarto, and the
command still succeeds; a Quarto that fails makes the command fail.

The render commands are built by :func:`quarto_commands` and run from the project root:
``quarto render reports/leergeschiedenis.qmd --to html -P year:YEAR --output
leergeschiedenis-YEAR.html`` (and the same with ``typst`` -> ``.pdf``). Quarto writes the
output beside the source (``_quarto.yml`` sets no output-dir); it is then moved to
``reports/YEAR/``.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import config
from .errors import RuwaardError

if TYPE_CHECKING:
    from .run import RunOptions

QMD = "reports/leergeschiedenis.qmd"
FORMATS = (("html", "html"), ("typst", "pdf"))

INSTALL_HINT = """\
Quarto is niet gevonden, dus er is geen HTML- en PDF-rapport gemaakt.
Installeer Quarto (1.8 of nieuwer) op een van deze manieren en voer het commando opnieuw uit:
  - met conda:  conda install -c conda-forge quarto   (of: conda env update -f environment.yml)
  - met pip:    pip install -e ".[quarto]"   (quarto-cli; downloadt Quarto, internet nodig)
  - handmatig:  download het installatiepakket van https://quarto.org/docs/get-started/
Zet `quarto` daarna op het PATH, of wijs de omgevingsvariabele QUARTO_PATH naar het programma.
De PDF maakt Quarto met Typst; dat zit in Quarto zelf, LaTeX is niet nodig.
Alleen om te controleren (niet om te versturen): `make preview` zet het rapport zonder Quarto
als HTML en PDF in reports/JAAR/voorproef/ (met Pandoc en Typst)."""


# Quarto 1.8 tells the report's cells what they render to (QUARTO_EXECUTE_INFO): tables
# become native Typst tables and figures SVG in HTML. Older versions still render (tables as
# HTML, turned into plain Typst tables by Quarto; figures PNG), with a warning.
MIN_QUARTO = (1, 8)


class ReportError(RuwaardError):
    """The report could not be rendered."""


def find_quarto(env: dict[str, str] | None = None) -> str | None:
    """Path of the ``quarto`` program from ``QUARTO_PATH`` or ``PATH``, or None."""
    env = os.environ if env is None else env
    configured = env.get("QUARTO_PATH")
    if configured:
        path = Path(configured).expanduser()
        candidates = (
            [path]
            if not path.is_dir()
            else [
                path / "quarto",
                path / "bin" / "quarto",
                path / "quarto.exe",
                path / "bin" / "quarto.exe",
            ]
        )
        for candidate in candidates:
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate.resolve())
        print(
            f"waarschuwing: QUARTO_PATH={configured} wijst niet naar een uitvoerbaar "
            "quarto-programma; ik zoek verder op het PATH",
            file=sys.stderr,
        )
    return shutil.which("quarto", path=env.get("PATH"))


def quarto_version(quarto_bin: str) -> tuple[int, ...] | None:
    """The version ``quarto --version`` prints, e.g. (1, 8, 27); None if it says none."""
    try:
        done = subprocess.run([str(quarto_bin), "--version"], capture_output=True, text=True,
                              timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", done.stdout or "")
    return tuple(int(g) for g in found.groups() if g is not None) if found else None


def version_warning(version: tuple[int, ...] | None) -> str | None:
    """A Dutch warning when Quarto is older than MIN_QUARTO (or its version is unknown)."""
    wanted = ".".join(map(str, MIN_QUARTO))
    if version is None:
        return (f"waarschuwing: de versie van Quarto is onbekend; het rapport is getest voor "
                f"Quarto {wanted} of nieuwer")
    if version[:2] < MIN_QUARTO:
        return (f"waarschuwing: Quarto {'.'.join(map(str, version))} is ouder dan {wanted}. "
                "Het rapport wordt gemaakt, maar tabellen in de PDF zijn omgezette HTML-tabellen "
                f"en figuren PNG. Werk Quarto bij naar {wanted} of nieuwer (zie README).")
    return None


def output_name(year: int, ext: str) -> str:
    """File name of the rendered report, e.g. ``leergeschiedenis-2016.html``."""
    return f"leergeschiedenis-{year}.{ext}"


def quarto_commands(year: int, quarto_bin: str, qmd: str = QMD) -> list[list[str]]:
    """The ``quarto render`` commands (HTML, then PDF via Typst), to run from the project root."""
    return [
        [
            str(quarto_bin),
            "render",
            qmd,
            "--to",
            to,
            "-P",
            f"year:{int(year)}",
            "--output",
            output_name(year, ext),
        ]
        for to, ext in FORMATS
    ]


def _quarto_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QUARTO_PYTHON", sys.executable)  # the venv's Python and its kernel
    return env


def _move_output(name: str, project_dir: Path, qmd: str, target_dir: Path) -> Path:
    """Move Quarto's output (beside the source or at the project root) into ``target_dir``."""
    target = target_dir / name
    for folder in ((project_dir / qmd).parent, project_dir):
        produced = folder / name
        if produced.is_file() and produced.resolve() != target.resolve():
            target_dir.mkdir(parents=True, exist_ok=True)
            os.replace(produced, target)
            companion = folder / f"{Path(name).stem}_files"  # only without embed-resources
            if companion.is_dir():
                dest = target_dir / companion.name
                shutil.rmtree(dest, ignore_errors=True)
                shutil.move(str(companion), str(dest))
            return target
    if target.is_file():
        return target
    raise ReportError(
        f"Quarto meldde geen fout, maar {name} is niet gevonden in "
        f"{(project_dir / qmd).parent} of {project_dir}"
    )


def render_with_quarto(
    year: int,
    quarto_bin: str,
    *,
    project_dir: Path = config.PROJ_ROOT,
    reports_dir: Path = config.REPORTS_DIR,
    qmd: str = QMD,
) -> list[Path]:
    """Run the Quarto commands; returns the rendered files in ``reports_dir/YEAR``.

    Raises :class:`ReportError` when Quarto exits non-zero (its own output is shown as is).
    """
    if not (project_dir / qmd).is_file():
        raise ReportError(f"de rapportbron {project_dir / qmd} ontbreekt")
    warning = version_warning(quarto_version(quarto_bin))
    if warning:
        print(warning, file=sys.stderr)
    written = []
    for (to, ext), command in zip(FORMATS, quarto_commands(year, quarto_bin, qmd), strict=True):
        print(f"quarto render: {output_name(year, ext)}", file=sys.stderr)
        try:
            done = subprocess.run(command, cwd=project_dir, env=_quarto_env(), check=False)
        except OSError as exc:
            raise ReportError(f"Quarto kon niet starten ({quarto_bin}): {exc}") from exc
        if done.returncode != 0:
            raise ReportError(
                f"quarto render --to {to} mislukte (exitcode {done.returncode}); zie de meldingen "
                f"van Quarto hierboven. Commando: {' '.join(command)}"
            )
        written.append(
            _move_output(output_name(year, ext), project_dir, qmd, Path(reports_dir) / str(year))
        )
    return written


def export_notebooks_html(notebooks_dir: Path, out_dir: Path, *, title: str = "") -> list[Path]:
    """Write every executed notebook in ``notebooks_dir`` as HTML to ``out_dir`` (+ index)."""
    import nbformat
    from nbconvert import HTMLExporter  # lazy: slow import

    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(Path(notebooks_dir).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
        target = out_dir / f"{path.stem}.html"
        target.write_text(body, encoding="utf-8")
        written.append(target)
    items = "\n".join(
        f'<li><a href="{html.escape(p.name)}">{html.escape(p.stem)}</a></li>' for p in written
    )
    index = out_dir / "index.html"
    index.write_text(
        '<!doctype html>\n<html lang="nl"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body>\n<h1>{html.escape(title)}</h1>\n"
        "<p>Uitgevoerde analysenotebooks (zonder Quarto gemaakt; het opgemaakte rapport "
        "ontbreekt).</p>\n"
        f"<ul>\n{items}\n</ul>\n</body></html>\n",
        encoding="utf-8",
    )
    return [index, *written]


def build_report(
    year: int,
    options: RunOptions | None = None,
    *,
    project_dir: Path = config.PROJ_ROOT,
    **changes: Any,
) -> int:
    """Run the pipeline for ``year`` (cached) and render the report; returns the exit code.

    ``options`` and ``changes`` are those of :func:`ruwaard_analysis.run.run_year`.
    0: report rendered, or Quarto missing (notebooks written as HTML, warning printed);
    1: Quarto failed. Pipeline and data errors propagate as ``RuwaardError`` (the CLI
    prints them).
    """
    from .run import RunOptions, run_year

    opts = RunOptions.of(options, **changes)
    reports_dir = opts.reports_dir
    result = run_year(year, opts)
    print(result.summary())
    year_dir = Path(reports_dir) / str(year)
    quarto = find_quarto()
    if quarto is None:
        written = export_notebooks_html(
            result.notebooks_dir,
            year_dir / "html",
            title=f"Leergeschiedenis Proeftuin Ruwaard {year}",
        )
        print(
            f"De uitgevoerde notebooks staan als HTML in {year_dir / 'html'} "
            f"({len(written) - 1} notebooks, begin bij index.html)."
        )
        print(f"waarschuwing: {INSTALL_HINT}", file=sys.stderr)
        return 0
    try:
        written = render_with_quarto(
            year, quarto, project_dir=Path(project_dir), reports_dir=Path(reports_dir)
        )
    except ReportError as exc:
        print(f"fout: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"Rapport geschreven: {path}")
    return 0
