"""The stuurgroep deck: ``reports/stuurgroep.qmd`` rendered by Quarto to one revealjs file.

``ruwaard report --year YEAR`` renders it beside the report, to
``reports/YEAR/stuurgroep-YEAR.html``: one self-contained file (``embed-resources``: reveal.js,
its plugins, styles and every chart inside; system fonts only) that opens offline. The deck
reads the same results through the same :class:`~ruwaard_analysis.report_content.Report` as the
leergeschiedenis: same numbers, labels and disclosure control.

Quarto renders from the project root, ``quarto render reports/stuurgroep.qmd --to revealjs
-P year:YEAR``, and writes ``reports/stuurgroep.html`` beside the source (the deck is not in the
project's render list, so ``--output-dir`` is refused); the file is then moved into
``reports/YEAR/`` and what Quarto left beside the source is removed, also on failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from . import config
from .errors import RuwaardError

QMD = "reports/stuurgroep.qmd"


class DeckError(RuwaardError):
    """The deck could not be rendered."""


def output_name(year: int) -> str:
    """File name of the rendered deck, e.g. ``stuurgroep-2017.html``."""
    return f"stuurgroep-{int(year)}.html"


def deck_command(quarto_bin: str, year: int, params: Mapping[str, object] | None = None,
                 qmd: str = QMD) -> list[str]:
    """``quarto render reports/stuurgroep.qmd --to revealjs -P year:YEAR [-P key:value]``."""
    command = [str(quarto_bin), "render", qmd, "--to", "revealjs", "-P", f"year:{int(year)}"]
    for key, value in (params or {}).items():
        command += ["-P", f"{key}:{value}"]
    return command


def _byproducts(source: Path, project_dir: Path) -> list[Path]:
    stem = source.stem
    return [source.parent / f"{stem}.html", source.parent / f"{stem}_files",
            *source.parent.glob(f"{stem}.quarto_ipynb*"), project_dir / ".quarto"]


def render_deck(
    year: int,
    quarto_bin: str,
    *,
    project_dir: Path = config.PROJ_ROOT,
    reports_dir: Path = config.REPORTS_DIR,
    params: Mapping[str, object] | None = None,
    qmd: str = QMD,
) -> Path:
    """Render the deck of ``year`` and return ``reports_dir/YEAR/stuurgroep-YEAR.html``.

    Raises :class:`DeckError` when Quarto fails (its own messages are shown as they are).
    """
    project_dir = Path(project_dir)
    source = project_dir / qmd
    if not source.is_file():
        raise DeckError(f"de bron van de presentatie, {source}, ontbreekt")
    before = {p for p in _byproducts(source, project_dir) if p.exists()}
    command = deck_command(quarto_bin, year, params, qmd)
    env = {**os.environ}
    env.setdefault("QUARTO_PYTHON", sys.executable)  # the venv with the ruwaard kernel
    target = Path(reports_dir) / str(year) / output_name(year)
    print(f"quarto render: {output_name(year)}", file=sys.stderr)
    try:
        try:
            done = subprocess.run(command, cwd=project_dir, env=env, check=False)
        except OSError as exc:
            raise DeckError(f"Quarto kon niet starten ({quarto_bin}): {exc}") from exc
        produced = source.with_suffix(".html")
        if done.returncode != 0 or not produced.is_file():
            raise DeckError(
                f"quarto render --to revealjs mislukte (exitcode {done.returncode}); zie de "
                f"meldingen van Quarto hierboven. Commando: {' '.join(command)}"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(produced, target)
    finally:
        for path in _byproducts(source, project_dir):
            if path in before or not path.exists():
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
    return target
