"""The input check of a run: before any notebook, or in a fork of the kernel template.

Checking the inputs with the data contracts needs polars, pandas and pandera, which the
kernel template imports anyway. With a template (``fork_kernels``) the check therefore runs in a
child forked from it (:mod:`.kernel_template`) as soon as the template has imported the
loaders, on the other core while the template imports the rest and then beside the notebooks:
the run process never imports those libraries, and the check is no wait before the first
notebook. It saves the frames it validated, which the run's notebooks load instead of
validating the same bytes again (``loaders.validated``). Nothing is published before it passed:
the results only move into place after :meth:`InputCheck.check`, which raises the
``DataValidationError`` of the problems found (and a run stops starting notebooks as soon as it
knows). Without a template, or with a ``validate`` function of the caller, the check runs here
before any notebook, as it always did.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DataValidationError, Problem

if TYPE_CHECKING:
    from .kernels import KernelTemplate


def validate_inputs(data_dir: Path, validate: bool | Callable[[Path], list],
                    year: int | None = None) -> None:
    """Fail fast with the data problems before any notebook runs; with the data contracts
    (``validate=True``) also a report ``year`` outside the years the cases cover."""
    if validate is False:
        return
    if validate is True:
        from ..loaders import report_year_problems, validate_folder

        problems = validate_folder(Path(data_dir))
        if not problems and year is not None:
            problems = report_year_problems(Path(data_dir), year)
        if problems:
            raise DataValidationError(list(problems))
        return
    problems = validate(Path(data_dir))
    if problems:
        raise DataValidationError(list(problems))


class InputCheck:
    """The check of one run's inputs; raises at once when it runs here (no template)."""

    def __init__(self, data_dir: Path, validate: bool | Callable[[Path], list], year: int,
                 template: KernelTemplate | None = None):  # fmt: skip
        self.data_dir, self.validate, self.year = Path(data_dir), validate, year
        self._answer: dict[str, Any] | None = None
        self._answer_file: str | None = None
        self._template = template
        self._seconds: float | None = None
        self._started_after: float | None = None
        self.where = "none" if validate is False else "run process, before the notebooks"
        self.frames_dir: str | None = None  # the frames it validated, for the notebooks
        # at most this long for the early check's answer (as long as a notebook waits for its
        # frames, loaders.validated); then the run checks the inputs itself
        self.wait_seconds = 300.0
        start = time.perf_counter()
        if validate is True and template is not None and template.check_answer:
            self.where = ("fork of the kernel template, during its imports and beside the "
                          "notebooks")  # fmt: skip
            self._answer_file = template.check_answer
            self.frames_dir = template.frames_dir
        else:
            validate_inputs(self.data_dir, validate, year)
            self._seconds = time.perf_counter() - start

    def _read(self) -> dict[str, Any] | None:
        """The early check's answer once it is written (does not wait)."""
        if self._answer is None and self._answer_file and os.path.exists(self._answer_file):
            try:
                with open(self._answer_file, encoding="utf-8") as fh:
                    self._answer = json.load(fh)
            except (OSError, ValueError) as exc:
                self._answer = {"error": str(exc)}
            self._seconds = self._answer.get("seconds")
            self._started_after = self._answer.get("started_after")
        return self._answer

    def seconds(self) -> dict[str, float]:
        """``{"seconds": ...}`` once it finished; in the template's fork also
        ``started_after`` (seconds from the template's start until the check began)."""
        out = {} if self._seconds is None else {"seconds": round(self._seconds, 3)}
        if self._started_after is not None:
            out["started_after_template_start"] = self._started_after
        return out

    def failed(self) -> bool:
        """True once the check found problems (does not wait)."""
        answer = self._read()
        return bool(answer and answer.get("problems"))

    def check(self) -> None:
        """Wait for the check; raise ``DataValidationError`` with its problems, if any."""
        if self._answer_file is None:
            return  # checked before the notebooks
        process = self._template.process if self._template is not None else None
        deadline = time.monotonic() + self.wait_seconds
        while self._read() is None:
            if process is None or process.poll() is not None:  # the template is gone
                time.sleep(0.05)
                if self._read() is None:
                    self._answer = {"error": "no answer"}
                break
            if time.monotonic() > deadline:  # a check that hangs: never wait for ever
                self._answer = {"error": f"no answer after {self.wait_seconds:.0f} s"}
                break
            time.sleep(0.01)
        answer = self._answer or {"error": "no answer"}
        if "problems" not in answer:  # the template could not check: check here
            self.where = ("run process, after the notebooks (the template could not check: "
                          f"{str(answer.get('error'))[:200]})")  # fmt: skip
            validate_inputs(self.data_dir, True, self.year)
            return
        if answer["problems"]:
            raise DataValidationError([Problem(**p) for p in answer["problems"]])
