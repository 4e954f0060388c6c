"""One value with every choice of a run, passed alike by the CLI, the report and the tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..errors import PipelineError


@dataclass(frozen=True)
class RunOptions:
    """How to run a year: the analysis parameters, where things are, and how to execute.

    ``data_dir``, ``seed`` and ``min_cell_size`` are analysis parameters (they enter the
    cache key and the manifest); the folders say where notebooks, results and reports live;
    ``force``, ``jobs``, ``progress``, ``validate`` and ``fork_kernels`` only change how the
    run goes. ``fork_kernels``: each notebook's fresh kernel is forked from a template process
    that imported the libraries once (:mod:`.kernels`); False starts every kernel from scratch.
    ``validate`` is True (the data contracts), False, or a function ``folder -> problems``.
    """

    data_dir: Path = config.DEMO_DIR
    seed: int = config.DEFAULT_SEED
    min_cell_size: int = config.MIN_CELL_SIZE
    force: bool = False
    jobs: int | None = None
    progress: bool = True
    validate: bool | Callable[[Path], list] = True
    fork_kernels: bool = True
    kernel_name: str = config.KERNEL_NAME
    notebooks_dir: Path = config.NOTEBOOKS_DIR
    processed_dir: Path = config.PROCESSED_DIR
    reports_dir: Path = config.REPORTS_DIR
    library_dir: Path = config.PACKAGE_DIR
    git_root: Path = config.PROJ_ROOT

    def __post_init__(self) -> None:
        if self.jobs is not None and self.jobs < 1:
            raise PipelineError(f"--jobs moet minstens 1 zijn, niet {self.jobs}")
        if self.min_cell_size < config.MIN_CELL_SIZE_FLOOR:
            raise PipelineError(
                f"--min-cell-size {self.min_cell_size} is te klein: de minimale celgrootte moet "
                f"minstens {config.MIN_CELL_SIZE_FLOOR} zijn (zie docs/data.md, 'Kleine groepen')"
            )
        for name in ("data_dir", "notebooks_dir", "processed_dir", "reports_dir",
                     "library_dir", "git_root"):  # fmt: skip
            object.__setattr__(self, name, Path(getattr(self, name)))
        object.__setattr__(self, "data_dir", self.data_dir.resolve())

    @classmethod
    def of(cls, options: RunOptions | None = None, **changes) -> RunOptions:
        """``options`` (or the defaults) with ``changes`` applied; unknown names are refused."""
        base = options if options is not None else cls()
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise TypeError(f"unknown run option(s): {', '.join(unknown)}")
        return dataclasses.replace(base, **changes) if changes else base

    def results_dir(self, year: int) -> Path:
        """``processed_dir/YEAR``: the published results of the year."""
        return self.processed_dir / str(year)

    def year_report_dir(self, year: int) -> Path:
        """``reports_dir/YEAR``: rendered report, executed notebooks, run log."""
        return self.reports_dir / str(year)

    def executed_dir(self, year: int) -> Path:
        """``reports_dir/YEAR/notebooks``: the executed notebooks of the year."""
        return self.year_report_dir(year) / "notebooks"
