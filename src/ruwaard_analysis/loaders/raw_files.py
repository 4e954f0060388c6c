"""Reading files as text: CSV (``,`` / ``;`` / tab, BOM, a ``sep=`` line), XLSX (one
worksheet; which of its cells hold text) and Parquet, every column a stripped string with the
line a researcher sees in an editor or Excel. Unreadable files become problems.
"""

from __future__ import annotations

import csv
import io as _io
import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ..contracts import (
    LINE,
)
from ..errors import DataValidationError, Problem

DATA_SUFFIXES = (".csv", ".xlsx", ".parquet")



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


@dataclass(frozen=True)
class RawTable:
    """A file as text (:func:`read_raw`) with each column's distinct values.

    ``distinct`` holds, per column, every value the column holds (stripped; null included
    when a cell is empty), possibly more (rows left out later, such as example rows, keep
    their values here). A column of ten million rows has few distinct values (a million
    case ids, four scenarios, a few hundred items), and the privacy gate, the typing and
    the rules between files look at those instead of every row: one hash of each column
    for all of them.
    """

    frame: pl.DataFrame
    distinct: dict[str, pl.Series]


def read_raw(path: Path, sheet: str | None = None) -> pl.DataFrame:
    """A file as text: every column a stripped string (empty = null), plus the line column.

    The line column holds the line a researcher sees in an editor or Excel (header =
    line 1; a BOM, blank lines or a ``sep=`` line before the header are counted). For
    Parquet the row is numbered as if the file were a CSV export. Rows whose every cell
    is empty (Excel writes them as ``;;;``) are left out; nothing else is dropped.
    ``sheet`` names the worksheet of an XLSX file (default: the first).
    """
    return read_table(path, sheet).frame


def read_table(path: Path, sheet: str | None = None) -> RawTable:
    """:func:`read_raw` with the distinct values of every column (:class:`RawTable`)."""
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
        table = _cleaned(_read_xlsx(path, sheet) if sheet is not None else readers[suffix](path))
    except pl.exceptions.PolarsError:  # a scanned CSV that polars cannot read after all
        table = _cleaned(_read_csv_text(path))
    except PermissionError:
        raise _fail(path.name, "bestand_onleesbaar",
                    "geen leesrechten voor dit bestand; vraag de beheerder van de map om "
                    "leesrechten of kopieer het bestand") from None
    except OSError as exc:
        raise _fail(path.name, "bestand_onleesbaar",
                    f"bestand kan niet gelezen worden: {exc.strerror or exc}") from None
    df = table.frame
    data_cols = [c for c in df.columns if c != LINE]
    # Excel leaves unnamed, empty columns after the data; they carry nothing.
    empty_unnamed = [c for c in data_cols
                     if (c == "" or c.startswith("__UNNAMED__") or c.startswith("_duplicated_"))
                     and df.get_column(c).null_count() == df.height]
    return RawTable(df.drop(empty_unnamed),
                    {c: v for c, v in table.distinct.items() if c not in empty_unnamed})


def _cleaned(frame: pl.DataFrame | pl.LazyFrame) -> RawTable:
    """Headers and values stripped, empty values null, rows of only empty cells left out.

    A value needs stripping (or emptying) only if one of the column's distinct values does:
    those are computed once per column (all columns at once, in parallel), tested, and a
    column is rewritten row by row only when the test says so; most columns of a large file
    are already clean and are not copied.
    """
    df = frame.lazy().collect() if isinstance(frame, pl.LazyFrame) else frame
    data_cols = [c for c in df.columns if c != LINE]
    stripped = [c.strip() for c in data_cols]
    df = df.select(pl.col(LINE).cast(pl.Int64),
                   *[pl.col(c).cast(pl.String).alias(new)
                     for c, new in zip(data_cols, stripped, strict=True)])
    distinct = dict(zip(stripped, _distinct_values(df, stripped), strict=True))
    dirty = []
    for c, values in distinct.items():
        clean = values.str.strip_chars().replace("", None)
        if not clean.equals(values, null_equal=True):
            dirty.append(c)
            distinct[c] = clean.unique()
    if dirty:
        df = df.with_columns(pl.col(c).str.strip_chars().replace("", None) for c in dirty)
    if data_cols and all(df.get_column(c).null_count() for c in stripped):
        df = df.filter(~pl.all_horizontal(pl.col(stripped).is_null()))
    return RawTable(df, distinct)


def _distinct_values(df: pl.DataFrame, columns: list[str]) -> list[pl.Series]:
    """The distinct values of each column, the columns computed in parallel."""
    queries = [df.lazy().select(pl.col(c).unique()) for c in columns]
    return [frame.get_column(c) for c, frame in zip(columns, pl.collect_all(queries),
                                                     strict=True)]
