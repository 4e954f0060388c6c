"""Which worksheet of a workbook holds which source, read cheaply (standard library only).

A worksheet named after a source, by its Dutch sheet name or its source key, holds that
source (``Welbevinden`` and ``wellbeing`` are both ``wellbeing``); ``toelichting`` and
``prijslijst`` hold no data. An XLSX file with at least one such sheet is a *workbook*
whatever the file is called; any other file holds the source its name starts with. The
planner of a run fingerprints inputs with this module without loading the contracts.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path
from xml.etree import ElementTree

# The Dutch sheet name of each source (the intake workbook uses them). ``prijslijst`` is the
# workbook's information sheet, so a price list in a workbook is a sheet ``price_list``.
SHEET_NAMES: dict[str, str] = {
    "cases": "casussen", "wellbeing": "welbevinden", "cost_lines": "kostenregels",
    "price_list": "price_list", "cpi": "cpi", "positive_health": "positieve_gezondheid",
    "ggd_indicators": "ggd_indicatoren", "wijkbudget": "wijkbudget", "inhabitants": "inwoners",
    "visitors": "bezoekers",
}
INFO_SHEETS: tuple[str, ...] = ("toelichting", "prijslijst")  # what the sheets are for; prices


def normalize_name(text: str) -> str:
    """Lower case, accents removed, every run of other characters one ``_``.

    ``"Datum MDO"`` -> ``"datum_mdo"``, ``"Financiën"`` -> ``"financien"``.
    Used for header aliases, category values and sheet names alike.
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9+]+", "_", plain.lower()).strip("_")


def sheet_source(sheet: str) -> str | None:
    """The source key a worksheet name stands for (``Welbevinden`` -> ``wellbeing``), or None."""
    name = normalize_name(sheet)
    for key, dutch in SHEET_NAMES.items():
        if name in (key, normalize_name(dutch)):
            return key
    return None


def is_info_sheet(sheet: str) -> bool:
    return normalize_name(sheet) in INFO_SHEETS


def sheet_names(path: Path) -> list[str] | None:
    """The worksheet names of an XLSX file in workbook order; None when it is no workbook."""
    try:
        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return None
    return [el.get("name", "") for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "sheet"]


def workbook_sheets(path: Path) -> list[str] | None:
    """The sheet names of ``path`` when it is a workbook (a sheet named after a source)."""
    if Path(path).suffix.lower() != ".xlsx":
        return None
    names = sheet_names(path) or []
    return names if any(sheet_source(name) for name in names) else None


def file_sources(path: Path) -> tuple[str, ...]:
    """The source keys one data file provides, sorted: a workbook's source sheets, otherwise
    the part of the file name before the first ``.`` (``cases.synthetic.csv`` -> cases)."""
    names = workbook_sheets(path)
    if names is None:
        return (Path(path).name.split(".", 1)[0],)
    return tuple(sorted({key for name in names if (key := sheet_source(name))}))
