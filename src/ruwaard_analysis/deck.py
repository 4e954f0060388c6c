"""The stuurgroep deck: ``reports/stuurgroep.qmd`` rendered by Quarto to one revealjs file.

``ruwaard report --year YEAR`` renders it beside the report, to
``reports/YEAR/stuurgroep-YEAR.html``: one self-contained file (``embed-resources``: reveal.js,
its plugins, styles and every chart inside; no MathJax, system fonts) that opens offline. The
deck reads the same results through the same :class:`~ruwaard_analysis.report_content.Report`
as the leergeschiedenis: same numbers, labels and disclosure control.

The render is the report's own (:func:`ruwaard_analysis.report.render_executed`, at the same
time as the report's two formats): its cells run in a kernel forked from the report's template,
then Quarto renders the executed notebook in a throw-away project; the file moves whole into
``reports/YEAR/``, nothing is written beside the sources. By hand, from the project root:
``quarto render reports/stuurgroep.qmd --to revealjs -P year:YEAR`` gives the same deck (the
deck is in the project's render list, ``_quarto.yml``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import config

QMD = "reports/stuurgroep.qmd"


def output_name(year: int) -> str:
    """File name of the rendered deck, e.g. ``stuurgroep-2017.html``."""
    return f"stuurgroep-{int(year)}.html"


def render_deck(
    year: int,
    quarto_bin: str,
    *,
    project_dir: Path = config.PROJ_ROOT,
    reports_dir: Path = config.REPORTS_DIR,
    qmd: str = QMD,
) -> Path:
    """Render the deck of ``year``; returns ``reports_dir/YEAR/stuurgroep-YEAR.html``.

    The deck's cells read the results of the project in ``project_dir`` (``RUWAARD_ROOT``).
    Raises :class:`~ruwaard_analysis.report.ReportError` when Quarto fails.
    """
    from .report import ReportError, render_executed

    if not (Path(project_dir) / qmd).is_file():
        raise ReportError(f"de bron van de presentatie, {Path(project_dir) / qmd}, ontbreekt")
    target = Path(reports_dir) / str(year) / output_name(year)
    print(f"quarto render: {target.name}", file=sys.stderr)
    [written] = render_executed([(qmd, "revealjs", target)], quarto_bin=quarto_bin,
                                project_dir=project_dir, params={"year": int(year)},
                                env={config.ROOT_ENV: str(Path(project_dir).resolve())})
    return written
