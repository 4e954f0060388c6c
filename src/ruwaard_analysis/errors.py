"""The project's exceptions. Each carries enough context to act on without a traceback."""

from __future__ import annotations

import re
from dataclasses import dataclass


class RuwaardError(Exception):
    """Base class: the CLI prints these as a one-line message, not a traceback."""


@dataclass(frozen=True)
class Problem:
    """One broken rule in one place of one input file.

    ``row`` is the 1-based line number in the file as a researcher sees it in an
    editor or Excel (the header is line 1), or None for whole-file problems. In a
    workbook, ``sheet`` names the worksheet and ``cell`` the cell as Excel shows it
    (``C14``), so the problem reads ``welbevinden!C14``.
    """

    file: str
    rule: str
    message: str
    row: int | None = None
    column: str | None = None
    sheet: str | None = None
    cell: str | None = None

    @property
    def where(self) -> str:
        """The place as the researcher finds it: ``file, sheet!C14, kolom 'score'``."""
        where = self.file
        if self.sheet is not None:
            ref = sheet_reference(self.sheet)
            if self.cell is not None:
                where += f", {ref}!{self.cell}"
            else:
                where += f", werkblad {ref}"
        if self.row is not None and self.cell is None:
            where += f", regel {self.row}"
        if self.column is not None:
            where += f", kolom '{self.column}'"
        return where

    def __str__(self) -> str:
        return f"{self.where}: [{self.rule}] {self.message}"


def sheet_reference(sheet: str) -> str:
    """A sheet name as Excel writes it in a reference: quoted when it needs to be."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet) and not re.fullmatch(
            r"[A-Za-z]{1,3}\d+", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


class DataValidationError(RuwaardError):
    """Input data broke one or more contract rules; ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        head = "\n".join(str(p) for p in self.problems[:20])
        more = f"\n... en nog {len(self.problems) - 20}" if len(self.problems) > 20 else ""
        super().__init__(f"{len(self.problems)} probleem/problemen in de invoer:\n{head}{more}")


class PrivacyError(DataValidationError):
    """A file holds direct identifiers; it is refused before any analysis."""


class InsufficientDataError(RuwaardError, ValueError):
    """Too few observations (or no variance) for a statistic to mean something."""


class PipelineError(RuwaardError):
    """A notebook failed or the run could not be prepared; previous results are untouched."""

    def __init__(
        self,
        message: str,
        *,
        notebook: str | None = None,
        cell: int | None = None,
        ename: str | None = None,
        evalue: str | None = None,
    ):
        super().__init__(message)
        self.notebook = notebook
        self.cell = cell
        self.ename = ename
        self.evalue = evalue


class ReportError(RuwaardError):
    """The report could not be rendered (Quarto failed, a source is missing, or executed
    notebooks are not fit to be shared as HTML)."""
