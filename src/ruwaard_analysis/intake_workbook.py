"""The intake workbook: the XLSX file professionals fill in, generated, never kept by hand.

``ruwaard sjabloon`` writes it. Everything a filler sees comes from the contracts
(:mod:`contracts`: headers the loader accepts, allowed values, ranges, meanings) and the
packaged price list (items of one price year); the loader (:mod:`loaders`) reads a filled copy
back sheet by sheet (:mod:`sheets`):

- ``toelichting``: what each sheet is for, every column with what it may hold, the example
  rows, and what never to enter;
- a sheet per source that people fill: ``casussen``, ``welbevinden``, ``kostenregels`` and
  ``positieve_gezondheid`` (the Avans team). Row 1 holds the Dutch headers (frozen), row 2 an
  example row whose pseudonym is ``VOORBEELD`` (grey and italic; the loader skips it), and
  every column carries Excel data validation with a Dutch input and error message:
  drop-down lists for categories, ja/nee and price-list items, ranges for scores, dates and
  years, non-negative quantities;
- ``prijslijst``: the price list of the chosen price year, protected (read only, with a
  filter on domain and payer); the item drop-down of ``kostenregels`` refers to its first
  column, since Excel allows at most 255 characters in an inline list.

Same price list and price year, same bytes: the workbook's creation date is fixed.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from . import config
from .contracts import CONTRACTS, Col, Contract, bound_text, normalize_name
from .errors import RuwaardError
from .loaders import EXAMPLE_ID, EXAMPLE_ID_COLUMNS, load_reference
from .sheets import SHEET_NAMES

DEFAULT_NAME = "ruwaard-invulwerkboek.xlsx"
FILL_SOURCES = ("cases", "wellbeing", "cost_lines", "positive_health")
PRICE_SHEET = "prijslijst"
NOTES_SHEET = "toelichting"
DATA_ROWS = 2000  # rows below the header that carry the validation (the example row included)
CREATED = datetime(2016, 5, 12)  # the proeftuin's first wijkbijeenkomst: fixed, so bytes repeat

# The Dutch header of each column; each must be a header the loader accepts (checked).
HEADERS: dict[str, dict[str, str]] = {
    "cases": {
        "case_id": "Casusnummer", "mdo_date": "Datum MDO", "mdo_year": "Jaar MDO",
        "solution_start_date": "Startdatum oplossing",
        "precondition_wonen": "Randvoorwaarde wonen",
        "precondition_financien": "Randvoorwaarde financiën",
        "precondition_relaties": "Randvoorwaarde relaties",
        "precondition_dagbesteding": "Randvoorwaarde dagbesteding",
        "in_random_sample": "In steekproef", "cost_analysis_date": "Datum kostenanalyse",
    },
    "wellbeing": {"case_id": "Casusnummer", "moment": "Meetmoment", "measured_on": "Meetdatum",
                  "score": "Cijfer"},
    "cost_lines": {"case_id": "Casusnummer", "scenario": "Scenario", "item_code": "Itemcode",
                   "quantity": "Aantal"},
    "positive_health": {"respondent_id": "Respondent", "wave_date": "Afnamedatum",
                        "domain": "Domein", "item": "Vraag", "score": "Antwoord"},
    "price_list": {"item_code": "Itemcode", "description": "Omschrijving", "unit": "Eenheid",
                   "unit_price_eur": "Prijs per eenheid", "price_year": "Prijsjaar",
                   "domain": "Domein", "payer": "Betaler", "source": "Bron"},
}

# One example row per sheet (id VOORBEELD): valid data in every other respect (tested).
EXAMPLES: dict[str, dict[str, Any]] = {
    "cases": {"mdo_date": date(2017, 3, 2), "mdo_year": 2017,
              "solution_start_date": date(2017, 3, 20), "precondition_wonen": "ja",
              "precondition_financien": "ja", "precondition_relaties": "nee",
              "precondition_dagbesteding": "nee", "in_random_sample": "ja",
              "cost_analysis_date": date(2017, 9, 14)},
    "wellbeing": {"moment": "voormeting", "measured_on": date(2017, 2, 27), "score": 4.5},
    "cost_lines": {"scenario": "huidig", "item_code": "huisarts_consult", "quantity": 6},
    "positive_health": {"wave_date": date(2017, 10, 16), "domain": "meedoen",
                        "item": "contact_met_anderen", "score": 7},
}

# What each sheet is for and who fills it (Dutch, in the toelichting).
PURPOSE = {
    "cases": "Eén rij per casus die in het MDO is besproken. Vul in: professionals.",
    "wellbeing": "Het rapportcijfer welbevinden van de bewoner, één rij per casus en "
                 "meetmoment. Vul in: professionals.",
    "cost_lines": "De micro-analyse van de kosten: per casus en scenario één rij per item uit "
                  "de prijslijst, met het aantal per jaar. Vul in: professionals.",
    "positive_health": "Antwoorden op de vragenlijst Positieve Gezondheid (spinnenweb), één "
                       "rij per respondent, afnamedatum en vraag. Vul in: alleen het Avans-team.",
}

NEVER = (
    "namen (van de bewoner, familie of buren), ook niet in een pseudoniem",
    "BSN, cliënt- of dossiernummers van een organisatie",
    "adressen, postcode met huisnummer, telefoonnummers, e-mailadressen",
    "geboortedata",
    "vrije tekst over een persoon: gebruik alleen de kolommen van het werkboek",
)


class WorkbookError(RuwaardError):
    """The intake workbook cannot be written (no items for the price year, file exists)."""


# --------------------------------------------------------------------------- the price list


def price_items(price_year: int | None = None) -> tuple[pl.DataFrame, int]:
    """The packaged price list's items of ``price_year`` (default: its latest), by item code."""
    prices = load_reference("price_list")
    years = sorted(set(prices.get_column("price_year").to_list()))
    year = years[-1] if price_year is None else int(price_year)
    items = prices.filter(pl.col("price_year") == year).sort("item_code")
    if items.height == 0:
        raise WorkbookError(f"de prijslijst heeft geen items met prijsjaar {year}; wel met "
                            f"prijsjaar {', '.join(map(str, years))}")
    return items, year


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    """One column of a fill sheet as Excel shows it."""

    col: Col
    header: str
    kind: str  # text, date, number, choice
    may: str  # what may be entered (Dutch), also shown in the toelichting
    validation: dict[str, Any]
    width: float


def _limit(text: str, size: int) -> str:
    if len(text) > size:  # Excel refuses longer texts; the contracts' texts stay shorter
        raise WorkbookError(f"tekst langer dan {size} tekens voor Excel: {text!r}")
    return text


def _rule(contract: Contract, col: Col, items: pl.DataFrame, year: int
          ) -> tuple[str, dict[str, Any], str, str]:
    """(kind, xlsxwriter validation, what may be entered, why a value is refused)."""
    if col.name == "item_code" and contract.key == "cost_lines":
        ref = f"={PRICE_SHEET}!$A$2:$A${items.height + 1}"
        return ("choice", {"validate": "list", "source": ref},
                f"Kies een itemcode uit het werkblad {PRICE_SHEET} (prijsjaar {year}).",
                f"Alleen een itemcode uit het werkblad {PRICE_SHEET}.")
    if col.allowed is not None:
        values = ", ".join(col.allowed)
        return ("choice", {"validate": "list", "source": list(col.allowed)},
                f"Kies uit de lijst: {values}.", f"Alleen een waarde uit de lijst: {values}.")
    if col.dtype == pl.Boolean:
        return ("choice", {"validate": "list", "source": ["ja", "nee"]},
                "Kies ja of nee.", "Alleen ja of nee.")
    if col.dtype == pl.Date:
        span = f"{bound_text(col.min)} t/m {bound_text(col.max)}"
        return ("date", {"validate": "date", "criteria": "between", "minimum": col.min,
                         "maximum": col.max},
                f"Een datum van {span} (dd-mm-jjjj).", f"Alleen een datum van {span}.")
    if col.dtype in (pl.Int64, pl.Float64):
        whole = col.dtype == pl.Int64
        kind = "integer" if whole else "decimal"
        noun = "geheel getal" if whole else "getal"
        example = "" if whole else " (bijvoorbeeld 7,5)"
        if col.min is not None and col.max is not None:
            span = f"van {bound_text(col.min)} t/m {bound_text(col.max)}"
            check = {"criteria": "between", "minimum": col.min, "maximum": col.max}
        elif col.min is not None:
            span = f"van {bound_text(col.min)} of meer"
            check = {"criteria": ">=", "value": col.min}
        else:
            span, check = "", {"criteria": "between", "minimum": -1e300, "maximum": 1e300}
        return ("number", {"validate": kind, **check},
                f"Een {noun} {span}{example}.".replace("  ", " "),
                f"Alleen een {noun} {span}.".replace("  ", " "))
    if col.name in ("case_id", "respondent_id"):
        return ("text", {"validate": "any"},
                "Een pseudoniem zoals RW-0001: nooit een naam, BSN of dossiernummer.", "")
    return ("text", {"validate": "any"}, "Vrije code zonder namen of persoonsgegevens.", "")


def in_headers(text: str, key: str) -> str:
    """A contract text with its canonical column names replaced by the sheet's headers."""
    for name in sorted(HEADERS[key], key=len, reverse=True):
        text = re.sub(rf"\b{name}\b", HEADERS[key][name], text)
    return text


def columns(key: str, items: pl.DataFrame, year: int) -> list[Column]:
    """The columns of the fill sheet of source ``key``, in the contract's order."""
    contract = CONTRACTS[key]
    accepted = contract.header_map()
    out = []
    for col in contract.columns:
        header = HEADERS[key][col.name]
        if accepted.get(normalize_name(header)) != col.name:
            raise WorkbookError(f"kop '{header}' wordt door de lader niet als {col.name} gelezen")
        kind, validation, may, refused = _rule(contract, col, items, year)
        required = "Verplicht." if col.required else "Mag leeg blijven."
        meaning = in_headers(col.meaning, key)
        unit = f" ({col.unit})" if col.unit and col.unit not in ("ja/nee", "jaar") else ""
        validation |= {
            "ignore_blank": True,
            "input_title": _limit(header, 32),
            "input_message": _limit(f"{meaning}{unit}. {may} {required}", 255),
        }
        if refused:
            validation |= {"error_type": "stop", "error_title": _limit("Niet toegestaan", 32),
                           "error_message": _limit(f"{header}: {refused}", 255)}
        longest = max([len(header), *(len(v) for v in col.allowed or ())])
        if col.name == "item_code":
            longest = max(longest, int(items.get_column("item_code").str.len_chars().max()))
        width = {"date": 12, "number": 9, "text": 14}.get(kind, 6)
        out.append(Column(col, header, kind, may, validation, max(width, longest) + 3))
    return out


# --------------------------------------------------------------------------- writing


def _formats(wb) -> dict[str, Any]:
    example = {"italic": True, "font_color": "#6E6E6E", "bg_color": "#FFF2CC"}
    return {
        "header": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "bottom": 1,
                                 "text_wrap": True, "valign": "top"}),
        "text": wb.add_format({"num_format": "@"}),
        "date": wb.add_format({"num_format": "dd-mm-yyyy"}),
        "number": wb.add_format({}),
        "choice": wb.add_format({}),
        "example": wb.add_format(example),
        "example_date": wb.add_format({**example, "num_format": "dd-mm-yyyy"}),
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "bold": wb.add_format({"bold": True}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "money": wb.add_format({"num_format": "#,##0.00"}),
    }


def _print_setup(ws, header_row: bool = False) -> None:
    """A4 landscape, as wide as one page; the header on every printed page."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    if header_row:
        ws.repeat_rows(0)


def _fill_sheet(wb, fmt: dict[str, Any], key: str, items: pl.DataFrame, year: int) -> None:
    ws = wb.add_worksheet(SHEET_NAMES[key])
    cols = columns(key, items, year)
    example = {EXAMPLE_ID_COLUMNS[key]: EXAMPLE_ID, **EXAMPLES[key]}
    for i, c in enumerate(cols):
        ws.set_column(i, i, c.width, fmt[c.kind])
        ws.write_string(0, i, c.header, fmt["header"])
        value = example.get(c.col.name)
        if isinstance(value, date):
            ws.write_datetime(1, i, datetime(value.year, value.month, value.day),
                              fmt["example_date"])
        elif isinstance(value, int | float):
            ws.write_number(1, i, value, fmt["example"])
        elif value is not None:
            ws.write_string(1, i, value, fmt["example"])
        else:
            ws.write_blank(1, i, None, fmt["example"])
        ws.data_validation(1, i, DATA_ROWS, i, c.validation)
    ws.write_comment(1, 0, f"Voorbeeldrij ({EXAMPLE_ID}): wordt niet ingelezen. Laat hem staan "
                           "of verwijder hem; vul uw eigen rijen eronder in.",
                     {"x_scale": 1.6, "y_scale": 1.2})
    ws.freeze_panes(1, 1)
    ws.set_row(0, 30)
    _print_setup(ws, header_row=True)


def _price_sheet(wb, fmt: dict[str, Any], items: pl.DataFrame) -> None:
    ws = wb.add_worksheet(PRICE_SHEET)
    names = list(HEADERS["price_list"])
    for i, name in enumerate(names):
        ws.write_string(0, i, HEADERS["price_list"][name], fmt["header"])
        values = items.get_column(name).to_list()
        longest = max(len(HEADERS["price_list"][name]), *(len(str(v)) for v in values))
        ws.set_column(i, i, min(longest, 60) + 2, fmt["money"] if name == "unit_price_eur"
                      else None)
        for r, value in enumerate(values, start=1):
            if isinstance(value, int | float):
                ws.write_number(r, i, value)
            else:
                ws.write_string(r, i, str(value))
    ws.autofilter(0, 0, items.height, len(names) - 1)
    ws.freeze_panes(1, 1)
    ws.set_row(0, 30)
    _print_setup(ws, header_row=True)
    ws.protect("", {"autofilter": True, "select_locked_cells": True,
                    "select_unlocked_cells": True})


def _notes_sheet(wb, fmt: dict[str, Any], items: pl.DataFrame, year: int) -> None:
    ws = wb.add_worksheet(NOTES_SHEET)
    widths = (26, 62, 50, 10)
    for i, width in enumerate(widths):
        ws.set_column(i, i, width, fmt["wrap"])
    _print_setup(ws)
    row = 0

    def line(*cells: str, style: str | None = None) -> None:
        nonlocal row
        if len(cells) == 1:  # a paragraph: across the whole width
            ws.merge_range(row, 0, row, len(widths) - 1, cells[0], fmt[style or "wrap"])
            room = [sum(widths)]
        else:
            for i, text in enumerate(cells):
                ws.write_string(row, i, text, fmt[style] if style else None)
            room = list(widths)
        # Excel and LibreOffice do not grow a row for wrapped text they did not lay out
        # themselves: give each row the lines its longest cell needs.
        lines = max(math.ceil(len(text) / room[i]) for i, text in enumerate(cells))
        if lines > 1:
            ws.set_row(row, 15 * lines)
        row += 1

    ws.write_string(row, 0, "Invulwerkboek micro-analyses Proeftuin Ruwaard", fmt["title"])
    ws.set_row(row, 22)
    row += 1
    line(f"Gemaakt met `ruwaard sjabloon` uit de datacontracten van ruwaard-analysis, met de "
         f"prijslijst van prijsjaar {year} ({items.height} items). Niet met de hand wijzigen: "
         "maak zo nodig een nieuw werkboek.")
    row += 1
    line("Zo vult u het in", style="bold")
    steps = (
        "Elke professional vult een eigen werkboek in (of één per casus). Een casus hoort in "
        "één werkboek: hetzelfde casusnummer in twee werkboeken wordt geweigerd.",
        f"Rij 2 van elk werkblad is een voorbeeld: casusnummer {EXAMPLE_ID}, grijs en cursief. "
        "Die rij wordt niet ingelezen; laat hem staan of verwijder hem en begin op rij 3. "
        f"Gebruik {EXAMPLE_ID} verder nergens.",
        "Verander geen namen van werkbladen of kolommen en voeg geen werkbladen of kolommen "
        "toe. Laat een werkblad dat u niet nodig hebt leeg.",
        "Excel helpt bij het invullen: klik een cel aan voor uitleg, kies uit de keuzelijst "
        "waar die er is. Een waarde die niet mag, weigert Excel. Een geplakte waarde controleert "
        "Excel niet; de onderzoekers controleren alles bij ontvangst (ruwaard validate) en "
        "noemen dan het werkblad en de cel, zoals welbevinden!C14.",
        "Stuur het ingevulde werkboek via een beveiligde weg naar de onderzoekers van Avans.",
    )
    for i, text in enumerate(steps, start=1):
        line(f"{i}.", text)
    row += 1
    line("Vul nooit in", style="bold")
    for text in NEVER:
        line("•", text)
    line("", "Gebruik pseudoniemen (zoals RW-0001). De lijst die pseudoniemen aan personen "
             "koppelt, blijft bij uw organisatie en gaat nooit mee met dit werkboek.")
    row += 1
    for key in FILL_SOURCES:
        contract = CONTRACTS[key]
        line(f"Werkblad {SHEET_NAMES[key]}", contract.title, style="bold")
        line("", PURPOSE[key])
        line("kolom", "betekenis", "wat mag er in", "verplicht", style="bold")
        for c in columns(key, items, year):
            line(c.header, in_headers(c.col.meaning, key), c.may,
                 "ja" if c.col.required else "nee")
        for unique in contract.unique:
            names = ", ".join(HEADERS[key][name] for name in unique)
            what = names if len(unique) == 1 else f"De combinatie {names}"
            line("", f"{what} komt maar één keer voor (in alle werkboeken samen).")
        for rule in contract.row_rules:
            line("", f"Geweigerd als: {in_headers(rule.message, key)}.")
        row += 1
    line(f"Werkblad {PRICE_SHEET}", "Maatschappelijke prijslijst (alleen lezen)", style="bold")
    line("", f"De items van prijsjaar {year} met omschrijving, eenheid, prijs, domein, betaler "
             "en bron. De itemcodes zijn de keuzelijst van kostenregels; filter op domein of "
             "betaler om een item te vinden.")
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
    ws.activate()


def write_intake_workbook(path: Path | None = None, *, price_year: int | None = None,
                          overwrite: bool = False) -> Path:
    """Write the intake workbook to ``path`` (default: ``ruwaard-invulwerkboek.xlsx`` here).

    ``price_year`` chooses the items of the price list (default: its latest price year). An
    existing file is only replaced with ``overwrite``: it may be someone's filled workbook.
    The file is written next to ``path`` and moved into place when complete.
    """
    import xlsxwriter

    path = Path(path) if path is not None else Path.cwd() / DEFAULT_NAME
    if path.suffix.lower() != ".xlsx":
        raise WorkbookError(f"{path}: het werkboek moet op .xlsx eindigen")
    if path.exists() and not overwrite:
        raise WorkbookError(f"{path} bestaat al (misschien een ingevuld werkboek); kies een "
                            "andere naam of geef --overschrijven")
    if not path.parent.is_dir():
        raise WorkbookError(f"map {path.parent} bestaat niet")
    if config.RAW_DIR.resolve() in path.resolve().parents:
        raise WorkbookError(f"{path}: code schrijft nooit in {config.RAW_DIR}; zet het "
                            "lege werkboek ergens anders neer")
    items, year = price_items(price_year)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False,
                                            "strings_to_formulas": False})
        wb.set_properties({"title": "Invulwerkboek micro-analyses Proeftuin Ruwaard",
                           "subject": f"prijslijst prijsjaar {year}",
                           "author": "ruwaard-analysis", "created": CREATED})
        fmt = _formats(wb)
        _notes_sheet(wb, fmt, items, year)
        for key in FILL_SOURCES:
            _fill_sheet(wb, fmt, key, items, year)
        _price_sheet(wb, fmt, items)
        wb.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
