"""The results contract of the report: what it reads from ``data/processed/YEAR/`` (derived
from the output catalogue, ``catalogue.py``) and :class:`ResultsFolder`, which reads one year's
results once and refuses them, naming every missing required result.

This is the report's only reader of results (``data/processed/YEAR/``, and the earlier years'
key figures for "Door de jaren"): the rest of the report layer gets frames, records and paths
from here. A missing *required* result raises
:class:`ReportContentError` naming every missing one; a missing *optional* result is ``None``
(the report shows a visible Dutch note instead).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from . import catalogue, config, results
from .errors import RuwaardError


@dataclass(frozen=True)
class TableSpec:
    """One result table ``tables/NAME.parquet``: its columns (name -> polars type class)."""

    columns: dict[str, Any]
    required: bool = True


@dataclass(frozen=True)
class KeyFigureSpec:
    """One key figure in ``key_figures.json``; ``unit`` picks the Dutch number format."""

    unit: str
    required: bool = True


@dataclass(frozen=True)
class FigureSpec:
    """One chart ``figures/NAME.png`` (and ``.svg``, ``.vl.json``)."""

    required: bool = True


# The contract is the output catalogue (``catalogue.py``): one record per output.
REQUIRED_TABLES: dict[str, TableSpec] = {
    o.id: TableSpec(o.columns, o.required) for o in catalogue.TABLES if o.in_report}

REQUIRED_KEY_FIGURES: dict[str, KeyFigureSpec] = {
    o.id: KeyFigureSpec(o.unit, o.required) for o in catalogue.KEY_FIGURES}

REQUIRED_FIGURES: dict[str, FigureSpec] = {
    o.id: FigureSpec(o.required) for o in catalogue.FIGURES}

# Key figures in the summary table, in this order (those present for the year).
SUMMARY_KEY_FIGURES: tuple[str, ...] = catalogue.SUMMARY_KEY_FIGURES

MANIFEST_FILE = results.MANIFEST_FILE
KEY_FIGURES_FILE = results.KEY_FIGURES_FILE


class ReportContentError(RuwaardError):
    """Results the report needs are missing or malformed; the message names each one."""


class ResultsFolder:
    """The results of one year, read once: key figures, manifest, tables (cached), figures.

    ``results_dir`` defaults to ``config.results_dir(year)``. Construction checks every
    required result and raises :class:`ReportContentError` naming all that are missing.
    """

    def __init__(self, year: int, results_dir: str | Path | None = None):
        self.year = int(year)
        self.results_dir = Path(results_dir) if results_dir else config.results_dir(self.year)
        if not self.results_dir.is_dir():
            raise ReportContentError(
                f"geen resultaten voor {self.year}: map {self.results_dir} bestaat niet "
                f"(draai eerst `ruwaard run --year {self.year}`)"
            )
        try:
            self.key_figures: dict[str, dict] = results.read_key_figures(self.results_dir)
            self.manifest: dict[str, Any] = results.read_manifest(self.results_dir)
        except RuwaardError as exc:
            raise ReportContentError(f"resultaten van {self.year} onvolledig: {exc}") from exc
        bad = [k for k, v in self.key_figures.items()
               if not isinstance(v, dict) or "value" not in v]
        if bad:
            raise ReportContentError(f"kerncijfers zonder 'value': {', '.join(sorted(bad))}")
        params = self.manifest.get("parameters") or {}
        self.min_cell_size = int(params.get("min_cell_size") or config.MIN_CELL_SIZE)
        self._tables: dict[str, pl.DataFrame | None] = {}
        self._check_required()

    def _check_required(self) -> None:
        problems: list[str] = []
        for name, spec in REQUIRED_KEY_FIGURES.items():
            if spec.required and name not in self.key_figures:
                problems.append(f"kerncijfer '{name}' ({KEY_FIGURES_FILE})")
        for name, spec in REQUIRED_TABLES.items():
            path = self._table_path(name)
            if spec.required and not path.is_file():
                problems.append(f"tabel '{name}' ({path})")
            elif path.is_file():
                problems.extend(self._check_columns(name))
        for name, spec in REQUIRED_FIGURES.items():
            if spec.required and not self._figure_path(name).is_file():
                problems.append(f"figuur '{name}' ({self._figure_path(name)})")
        if problems:
            raise ReportContentError(
                f"resultaten van {self.year} in {self.results_dir} onvolledig voor het rapport:\n  "
                + "\n  ".join(problems)
            )

    def _check_columns(self, name: str) -> list[str]:
        frame = self.table(name)
        if frame is None:
            return []
        missing = [c for c in REQUIRED_TABLES[name].columns if c not in frame.columns]
        return [f"tabel '{name}' mist kolom(men): {', '.join(missing)}"] if missing else []

    def _table_path(self, name: str) -> Path:
        return self.results_dir / results.TABLES / f"{name}.parquet"

    def _figure_path(self, name: str, ext: str = "png") -> Path:
        return self.results_dir / results.FIGURES / f"{name}.{ext}"

    def table(self, name: str) -> pl.DataFrame | None:
        """A result table, or None when an optional table is absent (or empty) this year."""
        if name not in self._tables:
            frame = (results.read_table(self.results_dir, name)
                     if self._table_path(name).is_file() else None)
            self._tables[name] = frame if frame is not None and frame.height > 0 else None
        return self._tables[name]

    def key_figure(self, name: str) -> dict | None:
        """Key figure ``name`` with its unit (from the catalogue where the record has none),
        or None when it is not there this year."""
        record = self.key_figures.get(name)
        if record is None:
            return None
        if not record.get("unit") and name in REQUIRED_KEY_FIGURES:
            record = {**record, "unit": REQUIRED_KEY_FIGURES[name].unit}
        return record

    def figure_file(self, name: str, ext: str = "png") -> Path | None:
        """The file ``figures/NAME.EXT`` (``png``, ``svg``), or None when it is not there."""
        path = self._figure_path(name, ext)
        return path if path.is_file() else None

    def figure_description(self, name: str) -> str | None:
        """The chart's alt text: the ``description`` of its Vega-Lite spec, if any."""
        path = self._figure_path(name, "vl.json")
        if not path.is_file():
            return None
        try:
            found = json.loads(path.read_text(encoding="utf-8")).get("description")
        except (json.JSONDecodeError, AttributeError):
            return None
        return str(found) if found else None

    def over_years(self):
        """This year's key figures and those of every earlier year whose results exist
        (beside this year's results folder), ``{year: results.YearFigures}`` in year order."""
        from .years import earlier_years

        found = results.read_years(earlier_years(self.year), processed_dir=self.results_dir.parent)
        found[self.year] = results.YearFigures(self.year, self.key_figures, self.min_cell_size)
        return dict(sorted(found.items()))

    def has(self, name: str) -> bool:
        """True when table, key figure or figure ``name`` is there for this year."""
        if name in REQUIRED_TABLES:
            return self.table(name) is not None
        if name in REQUIRED_KEY_FIGURES:
            return name in self.key_figures
        return self._figure_path(name).is_file()
