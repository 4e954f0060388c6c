"""A data folder combined per source: its files and the source sheets of its workbooks,
each checked, then the rules between files (cases in two files, rows repeated across files,
the cross-table rules of the contracts), every problem back in its own file and cell.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from ..contracts import (
    CONTRACTS,
    LINE,
    SOURCE_KEYS,
    cross_table_problems,
    import_pandera,
)
from ..errors import DataValidationError, PrivacyError, Problem
from ..sheets import (
    INFO_SHEETS,
    SHEET_NAMES,
    is_info_sheet,
    sheet_source,
    workbook_sheets,
)
from .export_dates import ExportDate, metadata_export_date
from .one_file import (
    Checked,
    cell_letters,
    check_file,
    check_located,
    locate,
    scan_other_sheets,
)
from .raw_files import DATA_SUFFIXES
from .reference import REFERENCE_KEYS, reference_path
from .validated import lookup


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
            located[number] = cell_letters(part.path, part.sheet, CONTRACTS.get(part.key))
        sheet, header_row, letters = located[number]
        out += locate([replace(p, file=part.file, row=line)], sheet, header_row, letters)
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
    given, meta_problem = metadata_export_date(Path(folder))
    if meta_problem is not None:
        problems.append(meta_problem)
    frames: dict[str, pl.DataFrame] = {}
    every_row: dict[str, pl.DataFrame] = {}
    index: list[Part] = []
    jobs = [(key, part, given if given is not None and part.path.parent == Path(folder)
             else None) for key in wanted if key in found for part in found[key]]
    results = iter(_check_parts(jobs))
    known: dict[str, dict[str, pl.Series]] = {}
    for key in (k for k in wanted if k in found):
        checked, rows, distinct = [], [], []
        for part in found[key]:
            df, part_rows, part_problems, part_distinct = next(results)
            problems += part_problems
            if part_rows is not None and part_rows.height:
                distinct.append(part_distinct or {})
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
            known[key] = _known_values(distinct)
    problems += _workbook_privacy(found)
    cross = _case_conflicts(frames, index)
    for key, df in frames.items():
        if key not in CASE_SOURCES and len(found[key]) > 1:
            cross += _unique_across_parts(key, df, index)
    names = {key: _files_text(parts) for key, parts in found.items()}
    cross += cross_table_problems(every_row, names, known=known)
    return frames, problems + _back_to_parts(cross, index)


def _known_values(parts: list[Mapping[str, pl.Series]]) -> dict[str, pl.Series]:
    """The distinct values of a source's columns over its parts, where every part has them."""
    columns = set.intersection(*(set(p) for p in parts)) if parts else set()
    return {c: pl.concat([p[c] for p in parts]) for c in sorted(columns)}


_CHECK_THREADS = 4


def _check_parts(jobs: list[tuple[str, Part, ExportDate | None]]) -> list[Checked]:
    """:func:`check_located` of every part, several at a time, results in the order given.

    Most of a check is polars work, which releases the GIL: a folder's files are checked in
    threads, so that the small files and the case file are done while the cost lines are
    still being read. pandera (and pandas) is imported in a thread of its own meanwhile
    (:func:`contracts.import_pandera`); the first contract check needs it, after its file
    is read.
    """
    if not jobs:
        return []
    pandera = threading.Thread(target=import_pandera)
    pandera.start()
    try:
        with ThreadPoolExecutor(max_workers=min(_CHECK_THREADS, len(jobs))) as pool:
            futures = [pool.submit(check_located, key, part.path, part.sheet, export)
                       for key, part, export in jobs]
            return [future.result() for future in futures]
    finally:
        pandera.join()


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

    In a notebook of ``ruwaard run`` the frames come from the run's own check of the same
    bytes when it found no problem (:mod:`.validated`); by hand it always validates.
    """
    saved = lookup(Path(folder), sources)
    if saved is not None:
        return saved
    return checked_frames(*_collect(Path(folder), sources))


def checked_frames(frames: dict[str, pl.DataFrame], problems: list[Problem]
                   ) -> dict[str, pl.DataFrame]:
    """The frames of a folder's check (:func:`check_folder`), or its error."""
    if problems:
        privacy = any(p.rule.startswith("privacy_") for p in problems)  # refused, whatever else
        raise (PrivacyError if privacy else DataValidationError)(problems)
    return {key: df.drop(LINE) for key, df in frames.items()}


def check_folder(folder: Path) -> tuple[dict[str, pl.DataFrame], list[Problem]]:
    """:func:`validate_folder` with the frames it checked: ``(frames, problems)``, where
    :func:`checked_frames` gives what :func:`load_folder` would return."""
    return _collect(Path(folder), None)


def report_year_problems(folder: Path, year: int) -> list[Problem]:
    """The problem of a report year outside the years the folder's cases cover (or none)."""
    from ..report_year import report_year_problem

    found, _ = _scan_folder(Path(folder))
    frames = [check_file("cases", part.path, part.sheet)[0] for part in found.get("cases", [])]
    if not frames or any(f is None for f in frames):
        return []
    problem = report_year_problem(year, pl.concat(frames), _files_text(found["cases"]))
    return [] if problem is None else [problem]


def validate_folder(folder: Path) -> list[Problem]:
    """Every problem of every data file in ``folder`` and between them; never raises on bad data."""
    return _collect(Path(folder), None)[1]
