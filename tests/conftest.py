"""Shared fixtures: one run of the real pipeline on the demo data, for every test that needs
real results (end to end, the report's cells, the render rehearsal)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

YEARS = (2016, 2017)


@dataclass(frozen=True)
class PipelineRun:
    root: Path
    dirs: dict  # data_dir, processed_dir, reports_dir
    runs: dict  # year -> run.RunResult

    def results(self, year: int) -> Path:
        return self.dirs["processed_dir"] / str(year)


@pytest.fixture(scope="session")
def pipeline_run(tmp_path_factory) -> PipelineRun:
    """Demo data -> `ruwaard run` for 2016 and 2017, in temporary folders (about 20 s a year)."""
    from ruwaard_analysis.demo import write_demo_dataset
    from ruwaard_analysis.run import run_year

    root = tmp_path_factory.mktemp("e2e")
    data = root / "raw" / "demo"
    write_demo_dataset(data)
    dirs = {"data_dir": data, "processed_dir": root / "processed", "reports_dir": root / "reports"}
    runs = {year: run_year(year, progress=False, **dirs) for year in YEARS}
    return PipelineRun(root, dirs, runs)
