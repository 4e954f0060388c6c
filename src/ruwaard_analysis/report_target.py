"""Quarto target handling of the report: which format Quarto renders to, and how a table,
a figure or a chart reaches it (pipe table or raw HTML block, SVG or PNG, image paths,
offline).

Targets: ``html`` (the report), ``typst`` (its PDF), ``revealjs`` (the stuurgroep deck);
``None`` outside a render (a notebook or a test: great-tables and PNG).
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from . import config
from .present import labels, tables


def target_format() -> str | None:
    """The format Quarto renders to ('html', 'typst', ...), or None outside a render.

    Read from the JSON file named by ``QUARTO_EXECUTE_INFO`` (Quarto >= 1.8; see
    https://quarto.org/docs/advanced/quarto-execute-info.html).
    """
    path = os.environ.get("QUARTO_EXECUTE_INFO")
    if not path:
        return None
    try:
        identifier = json.loads(Path(path).read_text(encoding="utf-8"))["format"]["identifier"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    found = identifier.get("base-format") or identifier.get("target-format")
    return str(found) if found else None


def is_html(target: str | None) -> bool:
    """The HTML report."""
    return (target or "").startswith("html")


def is_typst(target: str | None) -> bool:
    """The PDF report (Typst)."""
    return (target or "").startswith("typst")


def is_slides(target: str | None) -> bool:
    """The stuurgroep deck (revealjs)."""
    return (target or "").startswith("revealjs")


def relative_to_reports(path: Path) -> str:
    """Image path as Quarto resolves it: relative to the .qmd in reports/, forward slashes.

    (An absolute path starting with '/' would be read by Quarto as project-relative.)
    """
    return Path(os.path.relpath(Path(path).resolve(), config.REPORTS_DIR.resolve())).as_posix()


def markdown(text: str):
    """An IPython Markdown object (rendered as Markdown by Quarto's Jupyter engine)."""
    from IPython.display import Markdown

    return Markdown(text)


def note(text: str) -> str:
    """A visible note in italics: ``*Niet beschikbaar voor dit jaar: ...*``."""
    return f"*{text}.*"


def absent(what: str):
    """The note a cell shows for an optional result that is not there this year."""
    return markdown(note(f"{labels.word('niet_beschikbaar')}: {what}"))


# Quarto's per-block opt-out of its HTML table processing (quarto.org/docs/authoring/tables.html,
# "Library authors"), and the classes that processing gives a table in a cell's output
QUARTO_KEEP_TABLE = "<!--| quarto-html-table-processing: none -->"
QUARTO_CELL_TABLE_CLASSES = "table table-sm table-striped small"
_GT_TABLE_TAG = '<table class="gt_table" data-quarto-disable-processing="false"'
_KEPT_TABLE_TAG = (f'<table class="gt_table {QUARTO_CELL_TABLE_CLASSES}" '
                   'data-quarto-disable-processing="true"')


class HtmlTable:
    """A great-tables table that reaches Quarto as a raw HTML block inside Markdown.

    A cell output of type ``text/html`` (what a GT object displays as) makes Quarto's Jupyter
    engine put require.js and jQuery from cdn.jsdelivr.net into the page, for "JavaScript
    widgets" it guesses might need them; offline, embed-resources cannot inline them and the
    page loads them from the internet. As ``text/markdown`` holding a ``{=html}`` block the
    table is the same HTML, and no script is added.

    Quarto leaves the table as it is (:data:`QUARTO_KEEP_TABLE`): otherwise it parses every
    raw HTML table into a Pandoc table and writes it out again, which for the report's 20
    tables cost about 1,3 of the HTML render's 6,8 CPU seconds (every later filter walks the
    tables' cells). The one visible thing that processing did is put Bootstrap's classes for
    a cell's table on it (striped rows, :data:`QUARTO_CELL_TABLE_CLASSES`); the table carries
    them itself, so the page is pixel for pixel what it was (checked in Chromium at 1280 and
    420 pixels wide).
    """

    def __init__(self, table: Any) -> None:
        self.table = table

    def as_raw_html(self) -> str:
        """The table in a scroll region that a keyboard can reach (WCAG 2.1.1: a wide table on
        a narrow screen scrolls; great-tables' own scrolling container is not focusable)."""
        inner = self.table.tab_options(container_overflow_x="visible",
                                       container_overflow_y="visible")
        gt_html = inner.as_raw_html(make_page=False, all_important=False)
        keep = ""
        if _GT_TABLE_TAG in gt_html:  # else Quarto processes it: the same page, slower
            keep = QUARTO_KEEP_TABLE
            gt_html = gt_html.replace(_GT_TABLE_TAG, _KEPT_TABLE_TAG, 1)
        return (f'{keep}<div class="tabel-schuif" role="region" tabindex="0" '
                f'aria-label="{html.escape(labels.word("tabel_schuifbaar"))}">{gt_html}</div>')

    def _repr_markdown_(self) -> str:
        return f"```{{=html}}\n{self.as_raw_html()}\n```\n"

    def __repr__(self) -> str:  # text/plain: never shown (Markdown comes first)
        return "<tabel>"


def table(display: pl.DataFrame, notes: Sequence[str] = (), target: str | None = None):
    """A display frame (``present.tables``) for ``target``: a pipe table in Typst (a native
    table) and in the deck (plain, in the deck's own large type), a raw HTML block in the HTML
    report, a great-tables table elsewhere (notebooks, tests)."""
    notes = [n for n in notes if n]
    if is_typst(target) or is_slides(target):
        return markdown(tables.markdown_table(display, notes))
    gt = tables.gt_table(display, notes)
    return HtmlTable(gt) if is_html(target) else gt


def uses_svg(target: str | None) -> bool:
    """Charts as SVG in HTML and slides, PNG in Typst and elsewhere."""
    return is_html(target) or is_slides(target)


def image(name: str, caption: str, path: Path, alt: str | None, target: str | None) -> str:
    """Markdown for one static chart file with its caption, cross-reference label
    ``fig-NAME`` and alt text (the caption where there is none); full width in Typst."""
    alt = " ".join(str(alt or caption).split()).replace('"', "'")
    label = "fig-" + name.replace("_", "-")
    width = ' width="100%"' if is_typst(target) else ""
    return (f"\n![{caption}]({relative_to_reports(path)})"
            f'{{#{label} fig-alt="{alt}"{width}}}\n')


class StaticChart:
    """An altair chart shown as a static image by Jupyter/Quarto: SVG or PNG, never the
    Vega scripts (the report must work offline)."""

    def __init__(self, chart, *, svg: bool):
        self.chart, self.svg = chart, svg

    def _repr_mimebundle_(self, include=None, exclude=None):
        from .present import theme

        if self.svg:
            return {"image/svg+xml": theme.chart_svg(self.chart)}
        return {"image/png": theme.chart_png(self.chart)}
