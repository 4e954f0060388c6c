"""The date the data were exported (``metadata.json`` or the file's date): no date in
the data may lie after it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from ..contracts import (
    LINE,
    Contract,
)
from ..errors import Problem


@dataclass(frozen=True)
class ExportDate:
    """The date the data were exported: no date in them can lie after it."""

    day: date
    source: str  # Dutch: where it comes from, for the message


EXPORT_METADATA = "metadata.json"
# Dates that may lie in the future of an export: a solution can be planned.
_FUTURE_ALLOWED = {"solution_start_date"}


def export_date(path: Path) -> ExportDate:
    """The export date of a data file: ``export_date`` in the folder's ``metadata.json``
    (``"2019-03-01"``) when given, else the day the file was last changed (a copy is
    changed later than the export, so this is never too early)."""
    given, _ = metadata_export_date(Path(path).parent)
    if given is not None:
        return given
    day = date.fromtimestamp(Path(path).stat().st_mtime)
    return ExportDate(day, f"de wijzigingsdatum van {Path(path).name}")


def metadata_export_date(folder: Path) -> tuple[ExportDate | None, Problem | None]:
    meta = folder / EXPORT_METADATA
    if not meta.is_file():
        return None, None
    try:
        value = json.loads(meta.read_text(encoding="utf-8")).get("export_date")
    except (OSError, ValueError, AttributeError) as exc:
        return None, Problem(EXPORT_METADATA, "exportdatum",
                             f"{EXPORT_METADATA} kan niet gelezen worden: {exc}")
    if value is None:
        return None, None
    try:
        return ExportDate(date.fromisoformat(str(value)), f"export_date in {EXPORT_METADATA}"), \
            None
    except ValueError:
        return None, Problem(EXPORT_METADATA, "exportdatum",
                             f"export_date '{value}' is geen datum zoals 2019-03-01", None,
                             "export_date")


def export_problems(df: pl.DataFrame, contract: Contract, file: str, export: ExportDate
                     ) -> list[Problem]:
    problems = []
    for c in contract.columns:
        if c.dtype != pl.Date or c.name in _FUTURE_ALLOWED:
            continue
        late = df.filter(pl.col(c.name) > export.day).select(LINE, c.name)
        problems += [Problem(file, "datum_na_export",
                             f"datum {value} ligt na de exportdatum van de gegevens "
                             f"({export.day}, {export.source})", line, c.name)
                     for line, value in late.iter_rows()]
    return problems
