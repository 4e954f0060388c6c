"""Checking one file or worksheet: privacy gate, headers, example rows, types, the
contract, area codes and the export date; problems located in the sheet and cell as Excel
shows them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

import polars as pl

from ..contracts import (
    CONTRACTS,
    LINE,
    SOURCE_KEYS,
    Contract,
    normalize_name,
    validate_frame,
)
from ..errors import DataValidationError, PrivacyError, Problem
from ..privacy import scan_identifiers
from ..sheets import (
    sheet_names,
)
from .column_types import type_columns
from .export_dates import ExportDate, export_date, export_problems
from .headers import map_headers
from .raw_files import read_raw, read_table, xlsx_header, xlsx_text_cells
from .reference import area_problems
from .source_shapes import (
    fill_indicator_labels,
    is_statline_export,
    positive_health_long,
    statline_to_long,
)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.row or 0, p.column or "", p.rule))


EXAMPLE_ID = "VOORBEELD"  # the pseudonym of the intake workbook's example rows
EXAMPLE_ID_COLUMNS = {"cases": "case_id", "wellbeing": "case_id", "cost_lines": "case_id",
                      "positive_health": "respondent_id"}


def _drop_example_rows(df: pl.DataFrame, key: str, file: str
                       ) -> tuple[pl.DataFrame, list[Problem]]:
    """Leave out the example rows: the rows directly under the header whose id is VOORBEELD.

    The id is reserved: further down it is a problem, never data (a copied example row must
    get an id of its own).
    """
    column = EXAMPLE_ID_COLUMNS.get(key)
    if column is None or df.height == 0:
        return df, []
    is_example = df.get_column(column).str.contains(f"(?i)^{EXAMPLE_ID}$").fill_null(False)
    if not is_example.any():
        return df, []
    leading = (~is_example).cum_sum() == 0
    stray = df.filter(is_example & ~leading)
    problems = [Problem(file, "voorbeeldrij",
                        f"'{EXAMPLE_ID}' is gereserveerd voor de voorbeeldrij direct onder de "
                        f"kop; geef deze rij een eigen pseudoniem of verwijder hem", line, column)
                for line in stray.get_column(LINE)]
    return df.filter(~is_example), problems


def _empty_frame(contract: Contract) -> pl.DataFrame:
    return pl.DataFrame(schema={LINE: pl.Int64, **{c.name: c.dtype for c in contract.columns}})


class Checked(NamedTuple):
    """What checking one file or sheet gives."""

    typed: pl.DataFrame | None  # the typed frame with the line column; None on problems
    every_row: pl.DataFrame | None  # every row of a readable table, for the rules between files
    problems: list[Problem]
    # per text column of every_row (ids, codes: left as read), its distinct values or more
    distinct: Mapping[str, pl.Series] | None = None


def _check(key: str, path: Path, sheet: str | None, export: ExportDate | None = None
           ) -> Checked:
    """The typed frame, the frame for the rules between files and the problems of one file
    or sheet (:class:`Checked`).

    The second frame keeps every row of a table whose header is right, also rows with a
    value that did not parse (that value empty), so that a type error in ``cases`` does
    not hide an unknown case in ``wellbeing``. Tables with identifiers give no frame at all.
    """
    file = path.name
    if key not in CONTRACTS:
        return Checked(None, None, [Problem(
            file, "onbekende_bron", f"onbekende bron '{key}'; bekend: {', '.join(SOURCE_KEYS)}")])
    contract = CONTRACTS[key]
    try:
        table = read_table(path, sheet)
    except DataValidationError as exc:
        return Checked(None, None, exc.problems)
    raw = table.frame
    privacy = scan_identifiers(raw, file, numeric_columns=_numeric_headers(raw, contract),
                               distinct=table.distinct)
    if sheet is None and path.suffix.lower() == ".xlsx":
        privacy += scan_other_sheets(path, used=sheet_names(path)[:1])
    if not privacy:
        return _check_table(key, path, sheet, export, raw, table.distinct)
    # Refused, and the researcher still hears of every other problem in this run; the
    # columns that identify people are replaced by a stand-in that keeps equal values equal
    # (for the uniqueness rules) and nothing of them is shown: no problem names them twice.
    flagged = {p.column for p in privacy if p.sheet is None and p.column in raw.columns}
    lookup = contract.header_map()
    hidden = flagged | {lookup.get(normalize_name(c)) for c in flagged}
    stand_in = raw.with_columns(
        (pl.lit("privacy-") + pl.col(c).hash().cast(pl.String)).alias(c) for c in flagged)
    kept = {c: v for c, v in table.distinct.items() if c not in flagged}
    others = _check_table(key, path, sheet, export, stand_in, kept).problems
    return Checked(None, None, privacy + [p for p in others if p.column not in hidden])


def _check_table(key: str, path: Path, sheet: str | None, export: ExportDate | None,
                 raw: pl.DataFrame, distinct: dict[str, pl.Series]
                 ) -> Checked:
    """:func:`_check` after the privacy gate: headers, types, contract, areas, export date.

    ``distinct``: the distinct values of the columns of ``raw`` (:class:`RawTable`), for
    the typing; a table that is reshaped first (StatLine, domain-level Positive Health)
    has new columns and types without them.
    """
    file = path.name
    contract = CONTRACTS[key]
    table_frame = raw
    if raw.height == 0:
        if sheet is not None:  # an empty worksheet of a workbook adds nothing
            return Checked(_empty_frame(contract), _empty_frame(contract), [])
        return Checked(None, None, [Problem(file, "leeg_bestand",
                                            "het bestand bevat geen gegevensrijen")])
    problems: list[Problem] = []
    if key == "ggd_indicators" and is_statline_export(raw):
        raw, problems = statline_to_long(raw, file)
        if problems:
            return Checked(None, None, _sorted(problems))
    if key == "positive_health":
        raw = positive_health_long(raw)
    df, problems = map_headers(raw, contract, file)
    if problems:
        return Checked(None, None, _sorted(problems))
    reshaped = raw is not table_frame
    distinct = {} if reshaped else _canonical_distinct(distinct, contract)
    df, problems = _drop_example_rows(df, key, file)
    if df.height == 0 and not problems:
        if sheet is not None:
            return Checked(_empty_frame(contract), _empty_frame(contract), [])
        return Checked(None, None, [Problem(file, "leeg_bestand",
                                            "het bestand bevat geen gegevensrijen (alleen de "
                                            "voorbeeldrij)")])
    if key == "ggd_indicators":
        df, label_problems = fill_indicator_labels(df, file)
        problems += label_problems
        distinct.pop("indicator_label", None)
    textual = path.suffix.lower() == ".csv"
    text_cells = _xlsx_text_cells(path, sheet, raw, contract) \
        if path.suffix.lower() == ".xlsx" else None
    every_row, type_problems = type_columns(df, contract, file, textual=textual,
                                            keep_bad_rows=True, text_cells=text_cells,
                                            distinct=distinct)
    typed, _ = type_columns(df, contract, file, textual=textual, text_cells=text_cells,
                            distinct=distinct) if type_problems else (every_row, [])
    problems += type_problems + validate_frame(typed, contract, file)
    problems += area_problems(typed, contract, file)
    problems += export_problems(typed, contract, file, export or export_date(path))
    text = {c.name: distinct[c.name] for c in contract.columns
            if c.dtype == pl.String and c.allowed is None and c.name in distinct}
    if problems:
        return Checked(None, every_row, _sorted(problems), text)
    return Checked(typed, every_row, [], text)


def _canonical_distinct(distinct: dict[str, pl.Series], contract: Contract
                        ) -> dict[str, pl.Series]:
    """The distinct values by canonical column name (as :func:`map_headers` renames them)."""
    lookup = contract.header_map()
    return {lookup[normalize_name(header)]: values for header, values in distinct.items()
            if normalize_name(header) in lookup}


def _xlsx_text_cells(path: Path, sheet: str | None, raw: pl.DataFrame, contract: Contract
                     ) -> dict[str, list[int]]:
    """The text cells of the worksheet's number columns, by canonical column name."""
    lookup = contract.header_map()
    headers = _numeric_headers(raw, contract)
    return {lookup[normalize_name(h)]: rows
            for h, rows in xlsx_text_cells(path, sheet, set(headers)).items()}


def _numeric_headers(raw: pl.DataFrame, contract: Contract) -> frozenset[str]:
    """The table's headers that the contract reads as numbers (amounts are not BSNs)."""
    lookup = contract.header_map()
    numeric = {c.name for c in contract.columns if c.dtype in (pl.Float64, pl.Int64)}
    return frozenset(h for h in raw.columns if lookup.get(normalize_name(h)) in numeric)


def scan_other_sheets(path: Path, used: list[str] | tuple[str, ...]) -> list[Problem]:
    """The privacy gate on every worksheet of a workbook that is not read as data (``used``):
    a toelichting, notes, a forgotten copy. Identifiers anywhere in the file refuse it."""
    problems = []
    for name in sheet_names(path):
        if name in used:
            continue
        try:
            raw = read_raw(path, name)
            header_row = xlsx_header(path, name)[0]
        except DataValidationError as exc:
            problems += [replace(p, sheet=name) for p in exc.problems]
            continue
        problems += scan_identifiers(raw, path.name, sheet=name, header_row=header_row)
    return problems


def cell_letters(path: Path, sheet: str | None, contract: Contract | None
                  ) -> tuple[str | None, int, dict[str, str]]:
    """(sheet name, header row, column -> letter) of an XLSX source; (None, 1, {}) otherwise.

    Columns are known by their header text and, where the header is an alias, by the
    canonical name the problems use.
    """
    if path.suffix.lower() != ".xlsx" or not path.is_file():
        return None, 1, {}
    names = sheet_names(path)
    if not names:
        return None, 1, {}
    name = names[0] if sheet is None else sheet
    try:
        header_row, by_header = xlsx_header(path, sheet)
    except Exception:  # unreadable: the problems already say so; name the sheet only
        return name, 1, {}
    letters = dict(by_header)
    if contract is not None:
        lookup = contract.header_map()
        for header, letter in by_header.items():
            canonical = lookup.get(normalize_name(header))
            if canonical is not None:
                letters.setdefault(canonical, letter)
    return name, header_row, letters


def locate(problems: list[Problem], sheet: str | None, header_row: int,
            letters: dict[str, str]) -> list[Problem]:
    """Problems of one worksheet with the sheet and the cell as Excel shows them."""
    if sheet is None:
        return problems
    out = []
    for p in problems:
        row = header_row if p.row == 1 else p.row  # header problems are reported on line 1
        cell = f"{letters[p.column]}{row}" if row is not None and p.column in letters else None
        out.append(replace(p, row=row, sheet=sheet, cell=cell))
    return out


def check_file(key: str, path: Path, sheet: str | None = None
               ) -> tuple[pl.DataFrame | None, list[Problem]]:
    """Read and check one file; (typed frame with the line column, problems). Never raises
    on bad data: unreadable files, privacy refusals and contract breaks all become problems.
    The frame is None when the file has problems.

    ``sheet`` reads one worksheet of a workbook (:func:`find_source_files`); an empty one
    gives an empty frame, not a problem. Problems in an XLSX file name the sheet and the
    cell (``welbevinden!C14``). Example rows (id ``VOORBEELD`` directly under the header)
    are left out.
    """
    checked = check_located(key, Path(path), sheet)
    return checked.typed, checked.problems


def check_located(key: str, path: Path, sheet: str | None, export: ExportDate | None = None
                   ) -> Checked:
    """:func:`_check` with its problems in the sheet and cell as Excel shows them."""
    checked = _check(key, path, sheet, export)
    problems = checked.problems
    if problems:
        name, header_row, letters = cell_letters(path, sheet, CONTRACTS.get(key))
        own = [p for p in problems if p.sheet is None]  # other sheets' problems are located
        problems = locate(own, name, header_row, letters) + [p for p in problems
                                                               if p.sheet is not None]
    return checked._replace(problems=problems)


def load_checked(key: str, path: Path) -> pl.DataFrame:
    df, problems = check_file(key, path)
    if problems:
        privacy = any(p.rule.startswith("privacy_") for p in problems)  # refused, whatever else
        raise (PrivacyError if privacy else DataValidationError)(problems)
    assert df is not None
    return df.drop(LINE)
