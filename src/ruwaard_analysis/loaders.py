"""Readers and validated loaders for every source of a data folder.

One path for every file: read the raw text (CSV, XLSX or Parquet; every column a
string, with the line number of each row), refuse direct identifiers
(:mod:`privacy`), map Dutch headers to canonical names, type the values (decimal
comma, Dutch dates, ja/nee) and check the contract with pandera
(:mod:`contracts`). Bad input gives a :class:`DataValidationError` listing every
:class:`Problem` with file, line, column and rule. Nothing here writes a file.
"""

from __future__ import annotations

import csv
import functools
import io as _io
import json
import os
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import polars as pl

from . import config, vocabulary
from .contracts import (
    AREA_CODE_PATTERN,
    CONTRACTS,
    GGD_INDICATOR_LABELS,
    LINE,
    PH_DOMAINS,
    SOURCE_KEYS,
    Col,
    Contract,
    cross_table_problems,
    normalize_name,
    validate_frame,
)
from .errors import DataValidationError, PrivacyError, Problem
from .privacy import scan_identifiers
from .sheets import (
    INFO_SHEETS,
    SHEET_NAMES,
    is_info_sheet,
    sheet_names,
    sheet_source,
    workbook_sheets,
)

DATA_SUFFIXES = (".csv", ".xlsx", ".parquet")
REFERENCE_KEYS = ("price_list", "cpi")  # packaged in reference_data/, used when a folder has none

_TRUE = ("ja", "j", "true", "waar", "1", "1.0", "yes", "y", "x")
_FALSE = ("nee", "n", "false", "onwaar", "0", "0.0", "no")

# --------------------------------------------------------------------------- raw readers


def _fail(file: str, rule: str, message: str, column: str | None = None) -> DataValidationError:
    return DataValidationError([Problem(file, rule, message, None, column)])


def _split_preamble(text: str) -> tuple[str, int]:
    """Drop blank lines and an Excel ``sep=;`` line before the header; return lines skipped."""
    skipped = 0
    while True:
        first, newline, rest = text.partition("\n")
        if first.strip() == "" and newline or first.strip().lower().startswith("sep="):
            text, skipped = rest, skipped + 1
        else:
            return text, skipped


_HEAD_BYTES = 64 * 1024  # enough to hold any preamble and the header line


def _read_csv(path: Path) -> pl.DataFrame | pl.LazyFrame:
    """A CSV file as text columns with the line column.

    The common file (UTF-8, no blank or ``sep=`` lines before the header) is scanned by
    polars straight from disk, lazily, so that :func:`read_raw` strips and checks it in
    the same pass without a copy of the file in memory; anything else, or a file polars
    cannot read (not UTF-8, ragged lines), takes :func:`_read_csv_text`, which names the
    line and column of the problem.
    """
    with path.open("rb") as f:
        head = f.read(_HEAD_BYTES)
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not a character cut off at the end of the head
            return _read_csv_text(path)
        text = head[: exc.start].decode("utf-8-sig")
    body, skipped = _split_preamble(text)
    header = body.partition("\n")[0]
    if skipped or not header.strip() or "\n" not in body:
        return _read_csv_text(path)
    separator = max((";", ",", "\t"), key=header.count)
    return pl.scan_csv(path, separator=separator, infer_schema=False).with_row_index(
        LINE, offset=2)


def _read_csv_text(path: Path) -> pl.DataFrame:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataValidationError([_encoding_problem(path.name, data, exc.start)]) from None
    text, skipped = _split_preamble(text)
    header = text.partition("\n")[0]
    if not header.strip():
        raise _fail(path.name, "leeg_bestand", "het bestand heeft geen kopregel")
    separator = max((";", ",", "\t"), key=header.count)
    try:
        df = pl.read_csv(_io.StringIO(text), separator=separator, infer_schema=False)
    except pl.exceptions.PolarsError as exc:
        problem = _csv_problem(path.name, text, separator, skipped, exc)
        raise DataValidationError([problem]) from None
    return df.with_row_index(LINE, offset=2 + skipped)


def _encoding_problem(file: str, data: bytes, start: int) -> Problem:
    """The line, character and column of the first byte that is not UTF-8."""
    line = data.count(b"\n", 0, start) + 1
    line_start = data.rfind(b"\n", 0, start) + 1
    before = data[line_start:start].decode("utf-8", errors="replace")
    header = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").strip()
    separator = max((";", ",", "\t"), key=header.count)
    fields = header.split(separator)
    index = before.count(separator)
    column = fields[index].strip() if line > 1 and index < len(fields) else None
    return Problem(file, "codering",
                   f"teken {len(before) + 1} van de regel is geen UTF-8 (byte 0x{data[start]:02x}; "
                   "waarschijnlijk Windows-1252/ANSI); sla het in Excel op als 'CSV UTF-8 (door "
                   "komma's gescheiden)'", line, column)


def _csv_problem(file: str, text: str, separator: str, skipped: int, exc: Exception) -> Problem:
    """Name the first line whose number of fields differs from the header (error path only)."""
    reader = csv.reader(_io.StringIO(text), delimiter=separator)
    width = len(next(reader, []))
    for fields in reader:
        if fields and len(fields) != width:
            return Problem(file, "bestand_onleesbaar",
                           f"regel heeft {len(fields)} velden, de kopregel {width} "
                           f"(scheidingsteken '{separator}')", reader.line_num + skipped)
    return Problem(file, "bestand_onleesbaar",
                   f"CSV kan niet gelezen worden: {str(exc).splitlines()[0]}")


def _read_xlsx(path: Path, sheet: str | None = None) -> pl.DataFrame:
    """One worksheet (the first when ``sheet`` is None) as text with its spreadsheet rows."""
    where = {"sheet_id": 1} if sheet is None else {"sheet_name": sheet}
    try:
        df = pl.read_excel(path, **where, infer_schema_length=0, drop_empty_rows=False,
                           drop_empty_cols=False, raise_if_empty=False)
    except Exception as exc:  # calamine raises its own types for broken files
        raise _fail(path.name, "bestand_onleesbaar",
                    f"Excel-bestand kan niet gelezen worden: {str(exc).splitlines()[0]}") from None
    return df.with_row_index(LINE, offset=1 + xlsx_header(path, sheet)[0])


def xlsx_header(path: Path, sheet: str | None = None) -> tuple[int, dict[str, str]]:
    """(spreadsheet row of the header, header text -> column letter) of one worksheet.

    The header is the first non-empty row (where calamine starts too); its texts are
    stripped, so they match the column names :func:`read_raw` returns.
    """
    import openpyxl
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = workbook.worksheets[0] if sheet is None else workbook[sheet]
        for number, row in enumerate(ws.iter_rows(max_row=1000, values_only=True), start=1):
            if any(v is not None and str(v).strip() != "" for v in row):
                letters: dict[str, str] = {}
                for index, v in enumerate(row, start=1):
                    if v is not None and str(v).strip():
                        letters.setdefault(str(v).strip(), get_column_letter(index))
                return number, letters
        return 1, {}
    finally:
        workbook.close()


def xlsx_text_cells(path: Path, sheet: str | None, headers: set[str]) -> dict[str, list[int]]:
    """Per header in ``headers``: the spreadsheet rows whose cell holds text, not a number.

    Excel keeps the type of each cell: ``510.000`` typed as text is not the number 510000
    nor 510 (calamine hands both to us as the same string), so a text cell in a numeric
    column is read with the rules of a text file (:func:`number_modes`).
    """
    import openpyxl

    if not headers:
        return {}
    header_row, letters = xlsx_header(path, sheet)
    from openpyxl.utils import column_index_from_string

    index = {h: column_index_from_string(letters[h]) - 1 for h in headers if h in letters}
    found: dict[str, list[int]] = {h: [] for h in index}
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = workbook.worksheets[0] if sheet is None else workbook[sheet]
        for number, row in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True),
                                     start=header_row + 1):
            for h, i in index.items():
                if i < len(row) and isinstance(row[i], str) and row[i].strip():
                    found[h].append(number)
    finally:
        workbook.close()
    return {h: rows for h, rows in found.items() if rows}


def _as_text(s: pl.Series) -> pl.Series:
    """A typed Parquet column as the text a CSV export of it would hold."""
    if s.dtype == pl.Date:
        return s.dt.to_string("%Y-%m-%d")
    if isinstance(s.dtype, pl.Datetime):
        return s.dt.to_string("%Y-%m-%d %H:%M:%S")
    if s.dtype == pl.Boolean:
        return s.replace_strict({True: "true", False: "false"}, return_dtype=pl.String)
    return s.cast(pl.String)


def _read_parquet(path: Path) -> pl.DataFrame:
    try:
        df = pl.read_parquet(path)
    except Exception as exc:
        raise _fail(path.name, "bestand_onleesbaar",
                    f"Parquet kan niet gelezen worden: {str(exc).splitlines()[0]}") from None
    return pl.DataFrame([_as_text(s) for s in df.get_columns()]).with_row_index(LINE, offset=2)


def read_raw(path: Path, sheet: str | None = None) -> pl.DataFrame:
    """A file as text: every column a stripped string (empty = null), plus the line column.

    The line column holds the line a researcher sees in an editor or Excel (header =
    line 1; a BOM, blank lines or a ``sep=`` line before the header are counted). For
    Parquet the row is numbered as if the file were a CSV export. Rows whose every cell
    is empty (Excel writes them as ``;;;``) are left out; nothing else is dropped.
    ``sheet`` names the worksheet of an XLSX file (default: the first).
    """
    path = Path(path)
    readers = {".csv": _read_csv, ".xlsx": _read_xlsx, ".parquet": _read_parquet}
    suffix = path.suffix.lower()
    if suffix not in readers:
        raise _fail(path.name, "bestandsformaat",
                    f"onbekend bestandsformaat '{suffix}'; gebruik .csv, .xlsx of .parquet")
    if path.is_symlink() and not path.exists():
        raise _fail(path.name, "koppeling_kapot",
                    f"snelkoppeling wijst naar een bestand dat niet bestaat ({os.readlink(path)})")
    if not path.is_file():
        raise _fail(str(path), "bestand_ontbreekt", "bestand bestaat niet")
    if sheet is not None and suffix != ".xlsx":
        raise _fail(path.name, "bestandsformaat", "alleen een Excel-bestand heeft werkbladen")
    try:
        df = _cleaned(_read_xlsx(path, sheet) if sheet is not None else readers[suffix](path))
    except pl.exceptions.PolarsError:  # a scanned CSV that polars cannot read after all
        df = _cleaned(_read_csv_text(path))
    except PermissionError:
        raise _fail(path.name, "bestand_onleesbaar",
                    "geen leesrechten voor dit bestand; vraag de beheerder van de map om "
                    "leesrechten of kopieer het bestand") from None
    except OSError as exc:
        raise _fail(path.name, "bestand_onleesbaar",
                    f"bestand kan niet gelezen worden: {exc.strerror or exc}") from None
    data_cols = [c for c in df.columns if c != LINE]
    # Excel leaves unnamed, empty columns after the data; they carry nothing.
    empty_unnamed = [c for c in data_cols
                     if (c == "" or c.startswith("__UNNAMED__") or c.startswith("_duplicated_"))
                     and df.get_column(c).null_count() == df.height]
    return df.drop(empty_unnamed)


def _cleaned(frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Headers and values stripped, empty values null, rows of only empty cells left out:
    one lazy pass (a scanned CSV is read, cleaned and filtered without a second copy)."""
    lf = frame.lazy()
    data_cols = [c for c in lf.collect_schema().names() if c != LINE]
    stripped = [c.strip() for c in data_cols]
    lf = lf.select(
        pl.col(LINE).cast(pl.Int64),
        *[pl.col(c).cast(pl.String).str.strip_chars().replace("", None).alias(new)
          for c, new in zip(data_cols, stripped, strict=True)])
    if data_cols:
        lf = lf.filter(~pl.all_horizontal(pl.col(stripped).is_null()))
    return lf.collect()


# --------------------------------------------------------------------------- headers


def _map_headers(raw: pl.DataFrame, contract: Contract, file: str
                 ) -> tuple[pl.DataFrame, list[Problem]]:
    """Rename aliases to canonical names; report unknown, doubled and missing columns."""
    lookup = contract.header_map()
    rename: dict[str, str] = {}
    problems = []
    for col in raw.columns:
        if col == LINE:
            continue
        canonical = lookup.get(normalize_name(col))
        if canonical is None:
            problems.append(Problem(
                file, "onbekende_kolom",
                f"kolom hoort niet bij '{contract.key}'; verwacht: {', '.join(contract.names)}",
                1, col))
        elif canonical in rename.values():
            other = next(k for k, v in rename.items() if v == canonical)
            problems.append(Problem(
                file, "dubbele_kolom", f"kolom '{other}' en '{col}' zijn allebei {canonical}",
                1, col))
        else:
            rename[col] = canonical
    present = set(rename.values())
    for c in contract.columns:
        if c.name not in present and c.required and not _fillable(contract, c):
            aliases = ", ".join(c.aliases)
            problems.append(Problem(
                file, "ontbrekende_kolom",
                f"verplichte kolom ontbreekt (ook goed als kop: {aliases})", 1, c.name))
    df = raw.select(LINE, *[pl.col(k).alias(v) for k, v in rename.items()])
    df = df.with_columns(pl.lit(None, pl.String).alias(c.name)
                         for c in contract.columns if c.name not in present)
    return df.select(LINE, *contract.names), problems


def _fillable(contract: Contract, c: Col) -> bool:
    return contract.key == "ggd_indicators" and c.name == "indicator_label"


# --------------------------------------------------------------------------- typing


# Dutch thousands grouping or decimals? ``510.000`` alone could be either; ``1.600.000`` can
# only group thousands; ``7.5``, ``0.125`` or ``12.3456`` can only be decimals.
_AMBIGUOUS = r"^[-+]?[1-9]\d{0,2}\.\d{3}$"
_GROUPED = r"^[-+]?[1-9]\d{0,2}(\.\d{3}){2,}(,\d+)?$"
_POINT_DECIMAL = r"^[-+]?(\d*\.(\d{1,2}|\d{4,})|0\.\d+)([eE][-+]?\d+)?$"
_AMBIGUOUS_INT = r"^[-+]?[1-9]\d{0,2}(,\d{3})+$"  # 13,100: English thousands or decimals?


def _clean_number(col: str) -> pl.Expr:
    return pl.col(col).str.replace_all(r"[€\s\u00a0]", "")


def number_modes(df: pl.DataFrame, contract: Contract, textual: bool = True) -> dict[str, str]:
    """How each number column of a text file is read: ``dutch`` (decimal comma, points group
    thousands), ``point`` (decimal point) or ``refuse`` (values like ``510.000`` are refused
    as ambiguous, the rest read with a decimal point).

    A column decides by itself when it can (a comma or ``1.600.000``: dutch; ``7.5``:
    point); a column whose only points are ambiguous follows the other number columns of
    the file, and is refused when they do not tell either. Typed sources (``textual=False``:
    Excel cells and Parquet, which hold numbers, not text) are never ambiguous.
    """
    floats = [c.name for c in contract.columns if c.dtype == pl.Float64 and c.allowed is None]
    if not floats or df.height == 0:
        return dict.fromkeys(floats, "point")
    tests = {"comma": lambda v: v.str.contains(",", literal=True),
             "grouped": lambda v: v.str.contains(_GROUPED),
             "ambiguous": lambda v: v.str.contains(_AMBIGUOUS),
             "decimal": lambda v: v.str.contains(_POINT_DECIMAL)}
    seen = {}
    for c in floats:
        row = _distinct(df, c).select(test(_clean_number(c)).any().alias(t)
                                      for t, test in tests.items()).row(0, named=True)
        seen[c] = {t: bool(row[t]) for t in tests}
    modes = {}
    for c, has in seen.items():
        if has["comma"] or (has["grouped"] and not has["decimal"]):
            modes[c] = "dutch"
        elif has["decimal"] or not has["ambiguous"] or not textual:
            modes[c] = "point"
        else:
            modes[c] = "unsure"
    dutch = any(m == "dutch" for m in modes.values())
    point = any(seen[c]["decimal"] for c in floats)
    for c, m in modes.items():
        if m == "unsure":
            modes[c] = "dutch" if dutch and not point else "point" if point and not dutch \
                else "refuse"
    return modes


def _number(col: str, mode: str) -> pl.Expr:
    v = _clean_number(col)
    if mode == "dutch":  # decimal comma; a point may only group thousands (1.234,5)
        ok = v.str.contains(r"^[-+]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
        v = v.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    else:
        ok = v.str.contains(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
        if mode == "refuse":
            ok = ok & ~v.str.contains(_AMBIGUOUS)
    x = pl.when(ok).then(v).cast(pl.Float64, strict=False)
    return pl.when(x.is_finite()).then(x)  # 1e309 is not a number anyone measured


def _integer(col: str) -> pl.Expr:
    """Whole numbers: ``13100``, ``13.100`` (Dutch thousands), ``12,0`` / ``12.00`` (a number
    program's decimals); never ``12.000`` as 12, and ``13,100`` is refused as ambiguous."""
    v = pl.col(col).str.replace_all(r"[\s\u00a0]", "")
    grouped = v.str.contains(r"^[-+]?[1-9]\d{0,2}(\.\d{3})+$")
    zero_decimals = v.str.contains(r"^[-+]?\d+[.,]0{1,2}$")
    plain = v.str.contains(r"^[-+]?\d+$")
    return (pl.when(grouped).then(v.str.replace_all(".", "", literal=True))
            .when(zero_decimals).then(v.str.replace(r"[.,]0{1,2}$", ""))
            .when(plain).then(v)).cast(pl.Int64, strict=False)


def _date(col: str) -> pl.Expr:
    v = pl.col(col).str.replace(r"[ T]00:00(:00(\.0+)?)?$", "")
    iso = v.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    dutch = v.str.replace_all("/", "-", literal=True).str.strptime(pl.Date, "%d-%m-%Y",
                                                                      strict=False)
    iso_shape = v.str.contains(r"^\d{4}-\d{1,2}-\d{1,2}$")
    nl_shape = v.str.contains(r"^\d{1,2}[-/]\d{1,2}[-/]\d{4}$")
    return pl.when(iso_shape).then(iso).when(nl_shape).then(dutch)


def _boolean(col: str) -> pl.Expr:
    mapping = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}
    return pl.col(col).str.to_lowercase().replace_strict(mapping, default=None,
                                                         return_dtype=pl.Boolean)


def _category(col: str, c: Col) -> pl.Expr:
    mapping = {normalize_name(v): v for v in c.allowed or ()}
    mapping |= {normalize_name(k): v for k, v in c.value_aliases.items()}
    norm = (pl.col(col).str.normalize("NFKD").str.replace_all(r"\p{M}", "")
            .str.to_lowercase().str.replace_all(r"[^a-z0-9+]+", "_").str.strip_chars("_"))
    return norm.replace_strict(mapping, default=None, return_dtype=pl.String)


_EXPECT = {
    pl.Float64: "geen getal (bijv. 7,5 of 7.5)",
    pl.Int64: "geen geheel getal",
    pl.Date: "geen geldige datum (verwacht 2017-02-28 of 28-02-2017)",
    pl.Boolean: "geen ja/nee-waarde (ja/nee, true/false, 1/0, waar/onwaar)",
}


def _typed_expr(c: Col, modes: dict[str, str]) -> pl.Expr:
    if c.allowed is not None:
        return _category(c.name, c)
    if c.dtype == pl.Float64:
        return _number(c.name, modes[c.name])
    if c.dtype == pl.Int64:
        return _integer(c.name)
    if c.dtype == pl.Date:
        return _date(c.name)
    if c.dtype == pl.Boolean:
        return _boolean(c.name)
    return pl.col(c.name)


_AMBIGUOUS_WHY = ("dubbelzinnig: duizendtallen of decimalen? Schrijf het getal zonder "
                  "scheidingstekens voor duizendtallen (510000) of met een decimale komma "
                  "(510,000 of 510,5)")


def _why(c: Col, mode: str | None) -> pl.Expr:
    """(rule, message) of a value of column ``c`` that did not parse, as an expression."""
    v = _clean_number(c.name)
    if c.allowed is not None:
        return pl.format("{}|'{}': onbekende waarde; toegestaan: " + ", ".join(c.allowed),
                         pl.lit("toegestane_waarden"), pl.col(c.name))
    default = pl.format("type|'{}' is " + _EXPECT[c.dtype], pl.col(c.name))
    if c.dtype == pl.Float64:
        infinite = v.cast(pl.Float64, strict=False).is_infinite() | v.str.contains(
            r"(?i)^[-+]?(nan|inf|infinity)$")
        ambiguous = v.str.contains(_AMBIGUOUS) if mode == "refuse" else pl.lit(False)
        return (pl.when(ambiguous).then(pl.format("dubbelzinnig_getal|'{}' is " + _AMBIGUOUS_WHY,
                                                  pl.col(c.name)))
                .when(infinite).then(pl.format("type|'{}' is geen eindig getal", pl.col(c.name)))
                .otherwise(default))
    if c.dtype == pl.Int64:
        return (pl.when(v.str.contains(_AMBIGUOUS_INT))
                .then(pl.format("dubbelzinnig_getal|'{}' is " + _AMBIGUOUS_WHY, pl.col(c.name)))
                .otherwise(default))
    return default


# A column that repeats its values (a scenario, a date, an amount in whole euros) is typed on
# its distinct values and mapped back: the parsing (regular expressions, Unicode
# normalisation) then runs a few thousand times instead of ten million.
_DISTINCT_FROM_ROWS = 10_000
_DISTINCT_SHARE = 4  # at most one distinct value per this many rows


def _distinct(df: pl.DataFrame, col: str) -> pl.DataFrame:
    """The column's distinct values (for tests whose answer is ``any``), or the column."""
    if df.height < _DISTINCT_FROM_ROWS:
        return df.select(col)
    return df.select(pl.col(col).unique())


def _typed_column(df: pl.DataFrame, c: Col, modes: dict[str, str]) -> pl.Series:
    """Column ``c`` of the text frame typed by :func:`_typed_expr` (a value-by-value parse)."""
    expr = _typed_expr(c, modes).cast(c.dtype).alias(c.name)
    if c.dtype == pl.String and c.allowed is None:
        return df.get_column(c.name)
    values = df.get_column(c.name)
    if values.len() >= _DISTINCT_FROM_ROWS:
        distinct = values.unique()
        if distinct.len() * _DISTINCT_SHARE <= values.len():
            typed = distinct.to_frame().select(expr).to_series()
            return values.replace_strict(distinct, typed, return_dtype=c.dtype)
    return df.select(expr).to_series()


def type_columns(df: pl.DataFrame, contract: Contract, file: str, *, textual: bool = True,
                 keep_bad_rows: bool = False, text_cells: dict[str, list[int]] | None = None
                 ) -> tuple[pl.DataFrame, list[Problem]]:
    """Text columns to the contract's dtypes; every value that does not parse is a problem.

    Rows with such a value are left out of the returned frame (the problems say why),
    so the contract checks that follow do not report them a second time; with
    ``keep_bad_rows`` they stay, the value that did not parse empty (for the rules
    between files, which must see every case). ``textual``: the file is text (CSV), where
    ``510.000`` may be ambiguous (:func:`number_modes`). ``text_cells``: in a typed file
    (Excel), the lines per number column whose cell is text; those cells are read with the
    rules of a text file, decided on the text cells alone (``1.234,5`` is 1234,5; a lone
    ``510.000`` is refused as ambiguous), never as the number another reading would give.
    """
    numbers = {c.name for c in contract.columns if c.dtype == pl.Float64 and c.allowed is None}
    masks = {c: pl.col(LINE).is_in(lines) for c, lines in (text_cells or {}).items()
             if c in numbers}
    # number cells and text cells each decide their own reading
    modes = number_modes(df.with_columns(
        pl.when(~mask).then(pl.col(c)).alias(c) for c, mask in masks.items()), contract, textual)
    text_modes = number_modes(df.select(LINE, *[
        pl.when(masks[c.name]).then(pl.col(c.name)).alias(c.name) if c.name in masks
        else pl.lit(None, pl.String).alias(c.name) for c in contract.columns]),
        contract, textual=True) if masks else {}
    typed = df.with_columns(
        (pl.when(masks[c.name]).then(_number(c.name, text_modes[c.name]))
         .otherwise(_number(c.name, modes[c.name])).alias(c.name)) if c.name in masks
        else _typed_column(df, c, modes) for c in contract.columns)
    bad = pl.DataFrame({c.name: df.get_column(c.name).is_not_null()
                        & typed.get_column(c.name).is_null() for c in contract.columns})
    problems = []
    for c in contract.columns:
        mask = bad.get_column(c.name)
        if not mask.any():
            continue
        why = _why(c, modes.get(c.name))
        if c.name in masks:
            why = pl.when(masks[c.name]).then(_why(c, text_modes[c.name])).otherwise(why)
        rows = df.filter(mask).select(LINE, why.alias("why"))
        for line, why in rows.iter_rows():
            rule, message = why.split("|", 1)
            problems.append(Problem(file, rule, message, line, c.name))
    if keep_bad_rows or not problems:
        return typed, problems
    any_bad = bad.select(pl.any_horizontal(pl.all())).to_series()
    return typed.filter(~any_bad), problems


# --------------------------------------------------------------------------- StatLine 50120NED

_MARGES = {"mw00000": "estimate_pct", "waarde": "estimate_pct",
           "mog0095": "ci_lower", "ondergrens_95": "ci_lower",
           "ondergrens_95_interval": "ci_lower",
           "mbg0095": "ci_upper", "bovengrens_95": "ci_upper",
           "bovengrens_95_interval": "ci_upper"}
_STATLINE_META = {"id", "wijkenenbuurten", "perioden", "leeftijd", "marges", "gemeentenaam_1",
                  "soortregio_2", "codering_3", "indelingswijziging_4"}
_LEVEL_BY_PREFIX = vocabulary.AREA_LEVEL_BY_PREFIX


def is_statline_export(raw: pl.DataFrame) -> bool:
    """True for a CBS StatLine table (``WijkenEnBuurten`` and ``Marges`` dimensions)."""
    names = {normalize_name(c) for c in raw.columns}
    return {"wijkenenbuurten", "marges", "perioden"} <= names


def statline_to_long(raw: pl.DataFrame, file: str) -> tuple[pl.DataFrame, list[Problem]]:
    """A StatLine 50120NED export (one column per indicator, a row per margin) in canonical columns.

    Region codes are stripped of their padding, ``2016JJ00`` becomes 2016, age codes
    (20300 / 53115 / 80200) become ``18+`` / ``18-64`` / ``65+`` later by the contract's
    aliases, and the three ``Marges`` rows become estimate_pct, ci_lower and ci_upper.
    Indicator cells that are empty (or ``.``) in all three margin rows are suppressed
    figures and are not turned into rows. The line of each result is the value row's line.
    """
    by_norm = {normalize_name(c): c for c in raw.columns if c != LINE}
    indicators = [c for n, c in by_norm.items() if n not in _STATLINE_META]
    problems = [Problem(file, "onbekende_indicator",
                        "kolom is geen indicator van tabel 50120NED", 1, c)
                for c in indicators if c not in GGD_INDICATOR_LABELS]
    indicators = [c for c in indicators if c in GGD_INDICATOR_LABELS]
    marge = (pl.col(by_norm["marges"]).str.to_lowercase()
             .str.replace_all(r"[^a-z0-9+]+", "_").str.strip_chars("_"))
    df = raw.select(
        pl.col(LINE),
        pl.col(by_norm["wijkenenbuurten"]).str.strip_chars().alias("area_code"),
        pl.col(by_norm["perioden"]).alias("period"),
        (pl.col(by_norm["leeftijd"]) if "leeftijd" in by_norm else pl.lit("18+"))
        .alias("age_group"),
        marge.replace_strict(_MARGES, default=None).alias("marge"),
        pl.col(by_norm["marges"]).alias("marge_raw"),
        *[pl.col(c).replace(".", None) for c in indicators],
    )
    for line, value in df.filter(pl.col("marge").is_null()).select(LINE, "marge_raw").iter_rows():
        problems.append(Problem(file, "toegestane_waarden",
                                f"'{value}': onbekende waarde; toegestaan: MW00000, MOG0095, "
                                "MBG0095", line, by_norm["marges"]))
    bad_period = df.filter(~pl.col("period").str.contains(r"^\d{4}JJ00$"))
    for line, value in bad_period.select(LINE, "period").iter_rows():
        problems.append(Problem(file, "type", f"'{value}' is geen periode zoals 2016JJ00", line,
                                by_norm["perioden"]))
    df = df.filter(pl.col("marge").is_not_null() & pl.col("period").str.contains(r"^\d{4}JJ00$"))
    keys = ["area_code", "period", "age_group"]
    dup = df.filter(pl.struct(*keys, "marge").is_duplicated())
    for line, code in dup.select(LINE, "area_code").iter_rows():
        problems.append(Problem(file, "uniek", f"dubbele rij voor gebied {code}, periode en marge",
                                line, by_norm["marges"]))
    if problems or not indicators:
        return pl.DataFrame(), problems
    long = df.unpivot(on=indicators, index=[LINE, *keys, "marge"],
                      variable_name="indicator_code", value_name="value")
    wide = long.pivot(on="marge", index=[*keys, "indicator_code"], values=["value", LINE],
                      aggregate_function="first")
    for m in ("estimate_pct", "ci_lower", "ci_upper"):
        if f"value_{m}" not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.String).alias(f"value_{m}"),
                                     pl.lit(None, pl.Int64).alias(f"{LINE}_{m}"))
    values = ["value_estimate_pct", "value_ci_lower", "value_ci_upper"]
    out = wide.filter(~pl.all_horizontal(pl.col(values).is_null())).select(
        pl.coalesce(f"{LINE}_estimate_pct", f"{LINE}_ci_lower", f"{LINE}_ci_upper").alias(LINE),
        "area_code",
        pl.col("area_code").str.slice(0, 2).replace_strict(_LEVEL_BY_PREFIX, default=None)
        .alias("area_level"),
        pl.col("period").str.slice(0, 4).alias("year"),
        "age_group",
        "indicator_code",
        pl.col("indicator_code").replace_strict(GGD_INDICATOR_LABELS, default=None)
        .alias("indicator_label"),
        pl.col("value_estimate_pct").alias("estimate_pct"),
        pl.col("value_ci_lower").alias("ci_lower"),
        pl.col("value_ci_upper").alias("ci_upper"),
    ).sort(LINE, "indicator_code")
    return out, []


def _fill_indicator_labels(df: pl.DataFrame, file: str) -> tuple[pl.DataFrame, list[Problem]]:
    """Labels from the 50120NED field list where the file has none."""
    known = pl.col("indicator_code").replace_strict(GGD_INDICATOR_LABELS, default=None)
    df = df.with_columns(pl.coalesce("indicator_label", known).alias("indicator_label"))
    missing = df.filter(pl.col("indicator_label").is_null(),
                        pl.col("indicator_code").is_not_null())
    problems = [Problem(file, "onbekende_indicator",
                        f"indicator '{code}' heeft geen omschrijving en staat niet in de "
                        "veldenlijst van 50120NED; vul kolom indicator_label", line,
                        "indicator_label")
                for line, code in missing.select(LINE, "indicator_code").iter_rows()]
    return df, problems


# --------------------------------------------------------------------------- Positive Health


def positive_health_long(raw: pl.DataFrame) -> pl.DataFrame:
    """A domain-level spinnenweb file with one column per domain, as long rows.

    ``respondent; datum; Lichaamsfuncties; Mentaal welbevinden; ...`` becomes one row per
    respondent, date and domain with ``score`` (``item`` empty). Files that already have a
    domain column are returned unchanged.
    """
    by_norm = {normalize_name(c): c for c in raw.columns if c != LINE}
    domains = [c for n, c in by_norm.items() if n in PH_DOMAINS]
    if not domains or {"domain", "domein", "dimensie"} & set(by_norm):
        return raw
    index = [c for c in raw.columns if c not in domains]
    return (raw.unpivot(on=domains, index=index, variable_name="domain", value_name="score")
            .sort(LINE, "domain", maintain_order=True))


# --------------------------------------------------------------------------- loading one file


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


def _check(key: str, path: Path, sheet: str | None, export: ExportDate | None = None
           ) -> tuple[pl.DataFrame | None, pl.DataFrame | None, list[Problem]]:
    """(typed frame, frame for the rules between files, problems) of one file or sheet.

    The second frame keeps every row of a table whose header is right, also rows with a
    value that did not parse (that value empty), so that a type error in ``cases`` does
    not hide an unknown case in ``wellbeing``. Tables with identifiers give no frame at all.
    """
    file = path.name
    if key not in CONTRACTS:
        return None, None, [Problem(file, "onbekende_bron",
                                    f"onbekende bron '{key}'; bekend: {', '.join(SOURCE_KEYS)}")]
    contract = CONTRACTS[key]
    try:
        raw = read_raw(path, sheet)
    except DataValidationError as exc:
        return None, None, exc.problems
    privacy = scan_identifiers(raw, file, numeric_columns=_numeric_headers(raw, contract))
    if sheet is None and path.suffix.lower() == ".xlsx":
        privacy += scan_other_sheets(path, used=sheet_names(path)[:1])
    if not privacy:
        return _check_table(key, path, sheet, export, raw)
    # Refused, and the researcher still hears of every other problem in this run; the
    # columns that identify people are replaced by a stand-in that keeps equal values equal
    # (for the uniqueness rules) and nothing of them is shown: no problem names them twice.
    flagged = {p.column for p in privacy if p.sheet is None and p.column in raw.columns}
    lookup = contract.header_map()
    hidden = flagged | {lookup.get(normalize_name(c)) for c in flagged}
    stand_in = raw.with_columns(
        (pl.lit("privacy-") + pl.col(c).hash().cast(pl.String)).alias(c) for c in flagged)
    _, _, others = _check_table(key, path, sheet, export, stand_in)
    return None, None, privacy + [p for p in others if p.column not in hidden]


def _check_table(key: str, path: Path, sheet: str | None, export: ExportDate | None,
                 raw: pl.DataFrame
                 ) -> tuple[pl.DataFrame | None, pl.DataFrame | None, list[Problem]]:
    """:func:`_check` after the privacy gate: headers, types, contract, areas, export date."""
    file = path.name
    contract = CONTRACTS[key]
    if raw.height == 0:
        if sheet is not None:  # an empty worksheet of a workbook adds nothing
            return _empty_frame(contract), _empty_frame(contract), []
        return None, None, [Problem(file, "leeg_bestand", "het bestand bevat geen gegevensrijen")]
    problems: list[Problem] = []
    if key == "ggd_indicators" and is_statline_export(raw):
        raw, problems = statline_to_long(raw, file)
        if problems:
            return None, None, _sorted(problems)
    if key == "positive_health":
        raw = positive_health_long(raw)
    df, problems = _map_headers(raw, contract, file)
    if problems:
        return None, None, _sorted(problems)
    df, problems = _drop_example_rows(df, key, file)
    if df.height == 0 and not problems:
        if sheet is not None:
            return _empty_frame(contract), _empty_frame(contract), []
        return None, None, [Problem(file, "leeg_bestand",
                                    "het bestand bevat geen gegevensrijen (alleen de "
                                    "voorbeeldrij)")]
    if key == "ggd_indicators":
        df, label_problems = _fill_indicator_labels(df, file)
        problems += label_problems
    textual = path.suffix.lower() == ".csv"
    text_cells = _xlsx_text_cells(path, sheet, raw, contract) \
        if path.suffix.lower() == ".xlsx" else None
    every_row, type_problems = type_columns(df, contract, file, textual=textual,
                                            keep_bad_rows=True, text_cells=text_cells)
    typed, _ = type_columns(df, contract, file, textual=textual, text_cells=text_cells) \
        if type_problems else (every_row, [])
    problems += type_problems + validate_frame(typed, contract, file)
    problems += _area_problems(typed, contract, file)
    problems += _export_problems(typed, contract, file, export or export_date(path))
    if problems:
        return None, every_row, _sorted(problems)
    return typed, every_row, []


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


def _cell_letters(path: Path, sheet: str | None, contract: Contract | None
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


def _locate(problems: list[Problem], sheet: str | None, header_row: int,
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
    df, _, problems = _check_located(key, Path(path), sheet)
    return df, problems


def _check_located(key: str, path: Path, sheet: str | None, export: ExportDate | None = None
                   ) -> tuple[pl.DataFrame | None, pl.DataFrame | None, list[Problem]]:
    df, every_row, problems = _check(key, path, sheet, export)
    if problems:
        name, header_row, letters = _cell_letters(path, sheet, CONTRACTS.get(key))
        own = [p for p in problems if p.sheet is None]  # other sheets' problems are located
        problems = _locate(own, name, header_row, letters) + [p for p in problems
                                                               if p.sheet is not None]
    return df, every_row, problems


def _load_checked(key: str, path: Path) -> pl.DataFrame:
    df, problems = check_file(key, path)
    if problems:
        privacy = any(p.rule.startswith("privacy_") for p in problems)  # refused, whatever else
        raise (PrivacyError if privacy else DataValidationError)(problems)
    assert df is not None
    return df.drop(LINE)


def load_source(key: str, path: Path) -> pl.DataFrame:
    """Load and validate one source file into its canonical frame.

    Raises :class:`PrivacyError` for direct identifiers and :class:`DataValidationError`
    (with every problem) for anything else that breaks the contract.
    """
    return _load_checked(key, Path(path))


def load_cases(path: Path) -> pl.DataFrame:
    """Cases (micro-analyses); see ``docs/data.md``."""
    return load_source("cases", path)


def load_wellbeing(path: Path) -> pl.DataFrame:
    """Wellbeing measurements (voormeting / nameting / herhaalmeting, score 1-10)."""
    return load_source("wellbeing", path)


def load_cost_lines(path: Path) -> pl.DataFrame:
    """Cost lines per case, scenario and price-list item."""
    return load_source("cost_lines", path)


def load_price_list(path: Path) -> pl.DataFrame:
    """Maatschappelijke prijslijst."""
    return load_source("price_list", path)


def load_cpi(path: Path) -> pl.DataFrame:
    """CBS consumer price index per year (2015 = 100)."""
    return load_source("cpi", path)


def load_positive_health(path: Path) -> pl.DataFrame:
    """Positive Health (spinnenweb), item- or domain-level."""
    return load_source("positive_health", path)


def load_ggd_indicators(path: Path) -> pl.DataFrame:
    """GGD indicators: the canonical long file or a StatLine 50120NED export (detected)."""
    return load_source("ggd_indicators", path)


def load_wijkbudget(path: Path) -> pl.DataFrame:
    """Wijkbudget per year and budget line."""
    return load_source("wijkbudget", path)


def load_inhabitants(path: Path) -> pl.DataFrame:
    """Inhabitants per area and year."""
    return load_source("inhabitants", path)


def load_visitors(path: Path) -> pl.DataFrame:
    """Ons Huis van de Wijk: unique visitors per week."""
    return load_source("visitors", path)


def reference_path(key: str) -> Path:
    """The packaged reference file of ``price_list`` or ``cpi``."""
    return config.REFERENCE_DIR / f"{key}.csv"


def load_reference(key: str) -> pl.DataFrame:
    """The project's packaged reference table (``price_list`` or ``cpi``), validated."""
    if key not in REFERENCE_KEYS:
        raise DataValidationError([Problem(
            key, "onbekende_bron", f"geen referentiebestand voor '{key}'; wel voor "
            f"{', '.join(REFERENCE_KEYS)}")])
    return load_source(key, reference_path(key))


CBS_AREAS_FILE = "areas_cbs_2024.csv"
_CBS_AREAS_SCHEMA = {
    "area_code": pl.String, "area_level": pl.String, "year": pl.Int64, "inhabitants": pl.Int64,
    "men": pl.Int64, "women": pl.Int64, "population_density_km2": pl.Int64, "dwellings": pl.Int64,
    "area_total_ha": pl.Int64, "area_land_ha": pl.Int64, "area_water_ha": pl.Int64,
}


def load_cbs_areas() -> pl.DataFrame:
    """CBS Kerncijfers wijken en buurten 2024 for Oss, its wijken and Nederland (packaged).

    Source and derivation: ``reference_data/SOURCES.md``. The file is the project's own, so a
    schema mismatch is a packaging error, reported as a ``DataValidationError``.
    """
    path = config.REFERENCE_DIR / CBS_AREAS_FILE
    try:
        return pl.read_csv(path, schema=_CBS_AREAS_SCHEMA)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise DataValidationError([Problem(str(path), "referentiebestand", str(exc))]) from exc


# --------------------------------------------------------------------------- areas, export date

_AREA_KEYS = ("ggd_indicators", "inhabitants")


@functools.lru_cache(maxsize=1)
def _known_areas() -> pl.Series:
    return load_cbs_areas().get_column("area_code")


def _area_problems(df: pl.DataFrame, contract: Contract, file: str) -> list[Problem]:
    """Area codes that are not in the project's CBS list (Nederland, Oss, its wijken); a
    buurt code must lie in one of those wijken (BU08280601 lies in WK082806)."""
    if contract.key not in _AREA_KEYS or df.height == 0:
        return []
    known = _known_areas()
    code = pl.col("area_code")
    wijk_of_buurt = pl.lit("WK") + code.str.slice(2, 6)
    ok = code.is_in(known.implode()) | (code.str.starts_with("BU")
                                        & wijk_of_buurt.is_in(known.implode()))
    shaped = code.str.contains(AREA_CODE_PATTERN)
    bad = df.filter(shaped & ~ok).select(LINE, "area_code")
    return [Problem(file, "onbekend_gebied",
                    f"gebiedscode '{value}' staat niet in de CBS-gebiedenlijst van het project "
                    f"({CBS_AREAS_FILE}: Nederland, Oss en de wijken van Oss; een buurtcode "
                    "hoort bij een van die wijken)", line, "area_code")
            for line, value in bad.iter_rows()]


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
    given, _ = _metadata_export_date(Path(path).parent)
    if given is not None:
        return given
    day = date.fromtimestamp(Path(path).stat().st_mtime)
    return ExportDate(day, f"de wijzigingsdatum van {Path(path).name}")


def _metadata_export_date(folder: Path) -> tuple[ExportDate | None, Problem | None]:
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


def _export_problems(df: pl.DataFrame, contract: Contract, file: str, export: ExportDate
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


# --------------------------------------------------------------------------- folders


@dataclass(frozen=True)
class Part:
    """Where rows of one source are: a whole file, or one worksheet of a workbook."""

    key: str
    path: Path
    sheet: str | None = None  # None: a file of one source (an XLSX: its first sheet)

    @property
    def file(self) -> str:
        return self.path.name


def _sheet_is_empty(path: Path, sheet: str) -> bool:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = workbook[sheet].iter_rows(values_only=True)
        return not any(v is not None and str(v).strip() for row in rows for v in row)
    finally:
        workbook.close()


def _workbook_parts(path: Path, sheets: list[str]) -> tuple[list[Part], list[Problem]]:
    """The source sheets of a workbook; an unknown sheet with content is a problem."""
    parts: dict[str, Part] = {}
    problems = []
    for sheet in sheets:
        key = sheet_source(sheet)
        if key is None:
            if not is_info_sheet(sheet) and not _sheet_is_empty(path, sheet):
                known = ", ".join(dict.fromkeys([*SHEET_NAMES.values(), *INFO_SHEETS]))
                problems.append(Problem(
                    path.name, "onbekend_werkblad",
                    f"werkblad hoort bij geen bron; bekend: {known} (verwijder het of geef "
                    "het de naam van een bron)", sheet=sheet))
        elif key in parts:
            problems.append(Problem(
                path.name, "dubbel_werkblad",
                f"twee werkbladen voor bron '{key}': {parts[key].sheet} en {sheet}", sheet=sheet))
        else:
            parts[key] = Part(key, path, sheet)
    return list(parts.values()), problems


def file_parts(path: Path) -> tuple[list[Part], list[Problem]]:
    """What one data file holds: a workbook's source sheets, or the source its name says.

    An XLSX file with a worksheet named after a source (``casussen``, ``welbevinden``,
    ``kostenregels``, ``positieve_gezondheid``, ... or the source key) is a workbook:
    each such sheet is that source, whatever the file is called; ``toelichting`` and
    ``prijslijst`` are skipped (:mod:`sheets`). Any other file is the source before the
    first ``.`` of its name (``cases.synthetic.csv`` -> ``cases``).
    """
    path = Path(path)
    sheets = workbook_sheets(path)
    if sheets is not None:
        return _workbook_parts(path, sheets)
    key = path.name.split(".", 1)[0]
    if key not in CONTRACTS:
        return [], [Problem(path.name, "onbekende_bron",
                            f"bestandsnaam hoort bij geen bron en het bestand is geen werkboek "
                            f"met werkbladen per bron; bekend: {', '.join(SOURCE_KEYS)}")]
    return [Part(key, path)], []


def _scan_folder(folder: Path) -> tuple[dict[str, list[Part]], list[Problem]]:
    folder = Path(folder)
    if not folder.is_dir():
        return {}, [Problem(str(folder), "map_ontbreekt", "map bestaat niet")]
    found: dict[str, list[Part]] = {}
    single: dict[str, Part] = {}
    problems = []
    for path in sorted(folder.iterdir()):
        name = path.name
        if name.startswith((".", "~$")) or path.suffix.lower() not in DATA_SUFFIXES:
            continue  # README.md, metadata.json, Excel lock files ...
        if path.is_symlink() and not path.exists():
            problems.append(Problem(name, "koppeling_kapot",
                                    "snelkoppeling wijst naar een bestand dat niet bestaat "
                                    f"({os.readlink(path)})"))
            continue
        if not path.is_file():
            continue
        try:
            parts, file_problems = file_parts(path)
        except PermissionError:
            problems.append(Problem(name, "bestand_onleesbaar",
                                    "geen leesrechten voor dit bestand; vraag de beheerder van "
                                    "de map om leesrechten of kopieer het bestand"))
            continue
        problems += file_problems
        for part in parts:
            if part.sheet is None:
                if part.key in single:
                    problems.append(Problem(
                        name, "dubbel_bronbestand",
                        f"twee bestanden voor bron '{part.key}': {single[part.key].file} en "
                        f"{name}"))
                    continue
                single[part.key] = part
            found.setdefault(part.key, []).append(part)
    return found, problems


def find_source_files(folder: Path) -> dict[str, list[Part]]:
    """Source key -> where its rows are in ``folder``: files and workbook sheets, in name order.

    ``cases.synthetic.csv`` is ``cases``; a workbook adds each of its source sheets. Raises
    :class:`DataValidationError` for an unknown file, two files named after one source, or
    a workbook sheet of no source.
    """
    found, problems = _scan_folder(Path(folder))
    if problems:
        raise DataValidationError(problems)
    return found


# A part's rows are numbered part * _PART_STRIDE + line while the parts of a folder are
# checked together, so that a problem found in the combined frame points back at its part.
_PART_STRIDE = 1 << 40  # more lines than any file can hold
CASE_SOURCES = ("cases", "wellbeing", "cost_lines")  # a case belongs to one file


def _files_text(parts: list[Part]) -> str:
    names = list(dict.fromkeys(part.file for part in parts))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def _case_conflicts(frames: dict[str, pl.DataFrame], index: list[Part]) -> list[Problem]:
    """A case in two files: in one source, or in two workbooks (one problem per case and file).

    A case belongs to one workbook; files of one source each (``cases.csv``,
    ``wellbeing.csv``) naturally share their cases. Rows are taken in the order of
    :data:`CASE_SOURCES`, then of their parts and lines: a case's first file in a source
    (or, for a workbook sheet, its first workbook) is where it belongs, and every other
    file it appears in is reported once, at its first row there.
    """
    keys = [k for k in CASE_SOURCES if k in frames]
    parts = {line // _PART_STRIDE for k in keys for line in
             frames[k].select((pl.col(LINE) // _PART_STRIDE).unique()).to_series()}
    per_key = [sum(index[p].key == k for p in parts) for k in keys]
    if all(n <= 1 for n in per_key) and not any(index[p].sheet for p in parts):
        return []  # one plain file per source: nothing can conflict
    files = list(dict.fromkeys(part.file for part in index))
    file_of = [files.index(part.file) for part in index]
    rows = pl.concat([
        frames[k].lazy().select(
            "case_id", pl.lit(order, pl.Int32).alias("_key"), pl.col(LINE),
            (pl.col(LINE) // _PART_STRIDE).alias("_part"))
        .group_by("case_id", "_key", "_part").agg(pl.col(LINE).min())
        for order, k in enumerate(keys)])
    part = pl.col("_part")
    file = part.replace_strict(list(range(len(index))), file_of, return_dtype=pl.Int64)
    sheet = part.replace_strict(list(range(len(index))),
                                [p.sheet is not None for p in index], return_dtype=pl.Boolean)
    ranked = rows.with_columns(file.alias("_file"), sheet.alias("_sheet")).sort(
        "_key", LINE)
    first_in_source = pl.col("_file").first().over("case_id", "_key")
    first_workbook = pl.col("_file").filter(pl.col("_sheet")).first().over("case_id")
    earlier = (pl.when(pl.col("_sheet") & (first_in_source == pl.col("_file")))
               .then(first_workbook).otherwise(first_in_source))
    hits = (ranked.with_columns(earlier.alias("_earlier"))
            .filter(pl.col("_earlier") != pl.col("_file"))
            .unique(["case_id", "_file"], keep="first", maintain_order=True)
            .select("case_id", LINE, "_part", "_earlier").collect())
    return [Problem(
        index[part_number].file, "casusconflict",
        f"casus '{case}' staat in twee bestanden: {files[earlier_file]} en "
        f"{index[part_number].file}; een casus hoort in één werkboek (zijn het twee casussen, "
        "geef er dan één een ander pseudoniem)", line, "case_id")
        for case, line, part_number, earlier_file in hits.iter_rows()]


def _unique_across_parts(key: str, df: pl.DataFrame, index: list[Part]) -> list[Problem]:
    """Rows that repeat a unique key of a row in another file (within a file: the contract)."""
    problems = []
    part = pl.col(LINE) // _PART_STRIDE
    for columns in CONTRACTS[key].unique:
        later = df.with_columns(part.alias("_part"), part.first().over(columns).alias("_first")
                                ).filter(pl.col("_part") != pl.col("_first"))
        for line, first in later.select(LINE, "_first").iter_rows():
            problems.append(Problem(
                index[line // _PART_STRIDE].file, "uniek",
                f"dubbele rij: de combinatie ({', '.join(columns)}) staat ook in "
                f"{index[first].file}", line, columns[0]))
    return problems


def _back_to_parts(problems: list[Problem], index: list[Part]) -> list[Problem]:
    """Problems found in the combined frames, each in its own file, sheet and cell."""
    located: dict[int, tuple[str | None, int, dict[str, str]]] = {}
    out = []
    for p in problems:
        if p.row is None:
            out.append(p)
            continue
        number, line = divmod(p.row, _PART_STRIDE)
        part = index[number]
        if number not in located:
            located[number] = _cell_letters(part.path, part.sheet, CONTRACTS.get(part.key))
        sheet, header_row, letters = located[number]
        out += _locate([replace(p, file=part.file, row=line)], sheet, header_row, letters)
    return list(dict.fromkeys(out))


def _collect(folder: Path, sources: list[str] | None
             ) -> tuple[dict[str, pl.DataFrame], list[Problem]]:
    found, problems = _scan_folder(Path(folder))
    if not found and not problems and sources is None:
        problems.append(Problem(str(folder), "geen_bestanden",
                                "de map bevat geen gegevensbestanden (.csv, .xlsx, .parquet)"))
    for key in REFERENCE_KEYS:
        if key not in found and reference_path(key).is_file():
            found[key] = [Part(key, reference_path(key))]
    if sources is None:  # the whole folder: every source the yearly analysis reads
        complete = Path(folder).is_dir() and not any(p.rule == "geen_bestanden"
                                                     for p in problems)
        wanted = list(found) + [k for k in SOURCE_KEYS if complete and k not in found]
    else:
        wanted = list(sources)
    for key in wanted:
        if key not in CONTRACTS:
            problems.append(Problem(str(folder), "onbekende_bron",
                                    f"onbekende bron '{key}'; bekend: {', '.join(SOURCE_KEYS)}"))
        elif key not in found:
            problems.append(Problem(str(folder), "bron_ontbreekt",
                                    f"geen bestand voor bron '{key}' in deze map (nodig voor de "
                                    "jaarlijkse analyse)"))
    given, meta_problem = _metadata_export_date(Path(folder))
    if meta_problem is not None:
        problems.append(meta_problem)
    frames: dict[str, pl.DataFrame] = {}
    every_row: dict[str, pl.DataFrame] = {}
    index: list[Part] = []
    for key in (k for k in wanted if k in found):
        checked, rows = [], []
        for part in found[key]:
            export = given if given is not None and part.path.parent == Path(folder) else None
            df, part_rows, part_problems = _check_located(key, part.path, part.sheet, export)
            problems += part_problems
            offset = pl.col(LINE) + len(index) * _PART_STRIDE
            if df is not None:
                checked.append(df.with_columns(offset))
            if part_rows is not None:
                rows.append(part_rows.with_columns(offset))
            index.append(part)
        if len(checked) == len(found[key]):  # only sources without problems are combined
            frames[key] = pl.concat(checked)
        if rows:  # the rules between files see every row of every readable table
            every_row[key] = pl.concat(rows)
    problems += _workbook_privacy(found)
    cross = _case_conflicts(frames, index)
    for key, df in frames.items():
        if key not in CASE_SOURCES and len(found[key]) > 1:
            cross += _unique_across_parts(key, df, index)
    names = {key: _files_text(parts) for key, parts in found.items()}
    cross += cross_table_problems(every_row, names)
    return frames, problems + _back_to_parts(cross, index)


def _workbook_privacy(found: dict[str, list[Part]]) -> list[Problem]:
    """The privacy gate on the sheets of each workbook that hold no source (toelichting, ...)."""
    used: dict[Path, list[str]] = {}
    for parts in found.values():
        for part in parts:
            if part.sheet is not None:
                used.setdefault(part.path, []).append(part.sheet)
    return [p for path, sheets in used.items() for p in scan_other_sheets(path, sheets)]


def load_folder(folder: Path, *, sources: list[str] | None = None) -> dict[str, pl.DataFrame]:
    """Load and validate every source in ``folder`` (or only ``sources``), then cross-table rules.

    ``price_list`` and ``cpi`` come from the packaged reference files when the folder has
    none. Raises :class:`DataValidationError` listing every problem of every file.
    """
    frames, problems = _collect(Path(folder), sources)
    if problems:
        privacy = any(p.rule.startswith("privacy_") for p in problems)  # refused, whatever else
        raise (PrivacyError if privacy else DataValidationError)(problems)
    return {key: df.drop(LINE) for key, df in frames.items()}


def report_year_problems(folder: Path, year: int) -> list[Problem]:
    """The problem of a report year outside the years the folder's cases cover (or none)."""
    from .report_year import report_year_problem

    found, _ = _scan_folder(Path(folder))
    frames = [check_file("cases", part.path, part.sheet)[0] for part in found.get("cases", [])]
    if not frames or any(f is None for f in frames):
        return []
    problem = report_year_problem(year, pl.concat(frames), _files_text(found["cases"]))
    return [] if problem is None else [problem]


def validate_folder(folder: Path) -> list[Problem]:
    """Every problem of every data file in ``folder`` and between them; never raises on bad data."""
    return _collect(Path(folder), None)[1]
