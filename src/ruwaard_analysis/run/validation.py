"""The input check of a run: before any notebook, or beside them in a fork of the kernel template.

Checking the inputs with the data contracts needs polars, pandas and pandera, which the
kernel template imports anyway. With a template (``fork_kernels``) the check therefore runs in a
child forked from it (:mod:`.kernel_template`) while the notebooks already execute: the run
process never imports those libraries, and the check is no longer a wait before the first
notebook. Nothing is published before it passed: the results only move into place after
:meth:`InputCheck.check`, which raises the ``DataValidationError`` of the problems found (and a
run stops starting notebooks as soon as it knows). Without a template, or with a ``validate``
function of the caller, the check runs here before any notebook, as it always did.
"""

from __future__ import annotations

import json
import threading
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
        self._thread: threading.Thread | None = None
        self._seconds: float | None = None
        self.where = "none" if validate is False else "run process, before the notebooks"
        start = time.perf_counter()
        if validate is True and template is not None and template.socket_path:
            self.where = "fork of the kernel template, beside the notebooks"
            self._thread = threading.Thread(target=self._ask, args=(template.socket_path,),
                                            daemon=True)  # fmt: skip
            self._thread.start()
        else:
            validate_inputs(self.data_dir, validate, year)
            self._seconds = time.perf_counter() - start

    def _ask(self, socket_path: str) -> None:
        from .kernels import ask_template

        request = {"validate": {"data_dir": str(self.data_dir), "year": self.year}}
        try:
            answer = ask_template(socket_path, request, on_ready=time.perf_counter)
            self._seconds = time.perf_counter() - answer[1]  # from the template being ready
            self._answer = json.loads(answer[0])
        except (OSError, ValueError) as exc:
            self._answer = {"error": str(exc)}

    def seconds(self) -> dict[str, float]:
        """``{"seconds": ...}`` once it finished (beside the notebooks: from the template
        being ready until the answer)."""
        return {} if self._seconds is None else {"seconds": round(self._seconds, 3)}

    def failed(self) -> bool:
        """True once the check found problems (does not wait)."""
        answer = self._answer if self._thread is not None and not self._thread.is_alive() else None
        return bool(answer and answer.get("problems"))

    def check(self) -> None:
        """Wait for the check; raise ``DataValidationError`` with its problems, if any."""
        if self._thread is None:
            return  # checked before the notebooks
        self._thread.join()
        answer = self._answer or {"error": "no answer"}
        if "problems" not in answer:  # the template could not check: check here
            self.where = "run process, after the notebooks (the template could not check)"
            validate_inputs(self.data_dir, True, self.year)
            return
        if answer["problems"]:
            raise DataValidationError([Problem(**p) for p in answer["problems"]])
