"""Readers and validated loaders for every source of a data folder.

One path for every file: read the raw text (CSV, XLSX or Parquet; every column a
string, with the line number of each row), refuse direct identifiers
(:mod:`privacy`), map Dutch headers to canonical names, type the values (decimal
comma, Dutch dates, ja/nee) and check the contract with pandera
(:mod:`contracts`). Bad input gives a :class:`DataValidationError` listing every
:class:`Problem` with file, line, column and rule. Nothing here writes a file.

One module per job: :mod:`.raw_files` (reading files as text), :mod:`.headers` (headers to
canonical names), :mod:`.column_types` (typing text columns), :mod:`.source_shapes`
(StatLine and domain-level Positive Health files to long rows), :mod:`.one_file` (checking
one file or worksheet), :mod:`.export_dates`, :mod:`.reference` (packaged price list, CPI,
CBS areas), :mod:`.folder` (a folder combined per source and the rules between files).
This package holds the public API: ``load_<source>()``, ``load_folder()``,
``validate_folder()``, ``check_file()``, ``read_raw()``, ...
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

from ..errors import DataValidationError, Problem
from .column_types import number_modes, type_columns
from .export_dates import EXPORT_METADATA, ExportDate, export_date
from .folder import (
    CASE_SOURCES,
    Part,
    file_parts,
    find_source_files,
    load_folder,
    report_year_problems,
    validate_folder,
)
from .one_file import (
    EXAMPLE_ID,
    EXAMPLE_ID_COLUMNS,
    check_file,
    load_checked,
    scan_other_sheets,
)
from .raw_files import DATA_SUFFIXES, read_raw, xlsx_header, xlsx_text_cells
from .reference import CBS_AREAS_FILE, REFERENCE_KEYS, load_cbs_areas, reference_path
from .source_shapes import is_statline_export, positive_health_long, statline_to_long

__all__ = [
    "CASE_SOURCES", "CBS_AREAS_FILE", "DATA_SUFFIXES", "EXAMPLE_ID", "EXAMPLE_ID_COLUMNS",
    "EXPORT_METADATA", "REFERENCE_KEYS", "ExportDate", "Part", "check_file", "export_date",
    "file_parts", "find_source_files", "is_statline_export", "load_cases", "load_cbs_areas",
    "load_cost_lines", "load_cpi", "load_folder", "load_ggd_indicators", "load_inhabitants",
    "load_positive_health", "load_price_list", "load_reference", "load_source",
    "load_visitors", "load_wellbeing", "load_wijkbudget", "number_modes",
    "positive_health_long", "read_raw", "reference_path", "report_year_problems",
    "scan_other_sheets", "statline_to_long", "type_columns", "validate_folder",
    "xlsx_header", "xlsx_text_cells",
]


def load_source(key: str, path: Path) -> pl.DataFrame:
    """Load and validate one source file into its canonical frame.

    Raises :class:`PrivacyError` for direct identifiers and :class:`DataValidationError`
    (with every problem) for anything else that breaks the contract.
    """
    return load_checked(key, Path(path))


def _source_loader(key: str, doc: str) -> Callable[[Path], pl.DataFrame]:
    """``load_<key>(path)``: :func:`load_source` of one source, with its own docstring."""

    def load(path: Path) -> pl.DataFrame:
        return load_source(key, path)

    load.__name__ = load.__qualname__ = f"load_{key}"
    load.__doc__ = doc
    return load


load_cases = _source_loader("cases", "Cases (micro-analyses); see ``docs/data.md``.")
load_wellbeing = _source_loader(
    "wellbeing", "Wellbeing measurements (voormeting / nameting / herhaalmeting, score 1-10).")
load_cost_lines = _source_loader("cost_lines", "Cost lines per case, scenario and price-list item.")
load_price_list = _source_loader("price_list", "Maatschappelijke prijslijst.")
load_cpi = _source_loader("cpi", "CBS consumer price index per year (2015 = 100).")
load_positive_health = _source_loader(
    "positive_health", "Positive Health (spinnenweb), item- or domain-level.")
load_ggd_indicators = _source_loader(
    "ggd_indicators",
    "GGD indicators: the canonical long file or a StatLine 50120NED export (detected).")
load_wijkbudget = _source_loader("wijkbudget", "Wijkbudget per year and budget line.")
load_inhabitants = _source_loader("inhabitants", "Inhabitants per area and year.")
load_visitors = _source_loader("visitors", "Ons Huis van de Wijk: unique visitors per week.")


def load_reference(key: str) -> pl.DataFrame:
    """The project's packaged reference table (``price_list`` or ``cpi``), validated."""
    if key not in REFERENCE_KEYS:
        raise DataValidationError([Problem(
            key, "onbekende_bron", f"geen referentiebestand voor '{key}'; wel voor "
            f"{', '.join(REFERENCE_KEYS)}")])
    return load_source(key, reference_path(key))


