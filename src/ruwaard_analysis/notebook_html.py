"""The executed notebooks as HTML: what ``ruwaard report`` writes when Quarto is missing.

Each executed notebook of ``reports/YEAR/notebooks`` becomes ``reports/YEAR/html/NAME.html``
(nbconvert's lab template, without prompts) beside an ``index.html``. Only notebooks the
pipeline scrubbed are exported (``disclosure.scrub_notebook``: only output that went through
the publication gate), the same rule as the report's.
"""

from __future__ import annotations

import html
from pathlib import Path

from .errors import ReportError


def export_notebooks_html(notebooks_dir: Path, out_dir: Path, *, title: str = "") -> list[Path]:
    """Write every executed notebook in ``notebooks_dir`` as HTML to ``out_dir`` (+ index).

    Only notebooks the pipeline scrubbed (``disclosure.scrub_notebook``: only gated output)
    are exported; any other notebook is refused with a ``ReportError``.
    """
    import nbformat
    from nbconvert import HTMLExporter  # lazy: slow import

    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    from .disclosure import is_scrubbed

    notebooks = []
    for path in sorted(Path(notebooks_dir).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if not is_scrubbed(nb):  # the same rule as the report: only gated output
            raise ReportError(
                f"{path} is geen uitgevoerd notebook van `ruwaard run` met alleen uitvoer die "
                "door de publicatiepoort ging; het wordt niet als HTML gedeeld "
                "(zie docs/disclosure.md)")
        notebooks.append((path, nb))
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path, nb in notebooks:
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
