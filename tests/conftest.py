"""Shared fixtures: one run of the real pipeline on the demo data, for every test that needs
real results (end to end, the report's cells, the published values), and the report
rendered by real Quarto where it is installed.

Tests live in layers: ``unit/`` (functions, no notebooks), ``integration/`` (several parts
together: pipeline on tiny notebooks, report command, project files), ``end_to_end/`` (the real
notebooks on the demo data). Every test that uses ``pipeline_run`` is marked ``slow``; the
everyday loop is ``pytest -m "not slow"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

YEARS = (2016, 2017, 2018)


def pytest_addoption(parser):
    parser.addoption(
        "--accept-baseline", action="store_true", default=False,
        help="write the published values of this run as the new regression baseline "
             "(tests/end_to_end/baseline/); use `make baseline`",
    )


def pytest_collection_modifyitems(config, items):
    slow = pytest.mark.slow
    for item in items:
        if "pipeline_run" in getattr(item, "fixturenames", ()):
            item.add_marker(slow)


@dataclass(frozen=True)
class PipelineRun:
    root: Path
    dirs: dict  # data_dir, processed_dir, reports_dir
    runs: dict  # year -> run.RunResult

    def results(self, year: int) -> Path:
        return self.dirs["processed_dir"] / str(year)


@pytest.fixture(scope="session")
def pipeline_run(tmp_path_factory) -> PipelineRun:
    """Demo data -> `ruwaard run` for 2016, 2017 and 2018 in temporary folders (20 s a year)."""
    from ruwaard_analysis.demo import write_demo_dataset
    from ruwaard_analysis.run import run_year

    root = tmp_path_factory.mktemp("e2e")
    data = root / "raw" / "demo"
    write_demo_dataset(data)
    dirs = {"data_dir": data, "processed_dir": root / "processed", "reports_dir": root / "reports"}
    runs = {year: run_year(year, progress=False, **dirs) for year in YEARS}
    return PipelineRun(root, dirs, runs)


# -- the report rendered by real Quarto (only where Quarto is installed) ------------------------

PROJECT_SOURCES = ("_quarto.yml", ".gitignore", "reports")  # the report, the deck, assets, texts
# what `ruwaard run` and `ruwaard report` write into reports/ (not sources)
GENERATED = ("notebooks", "html", "failed", "run_log.json", "voorproef", "*.html", "*.pdf",
             "*_files", "*.quarto_ipynb", ".quarto")
RENDER_YEARS = (2016, 2017)  # rendered once per session: the first year and one with a history
RENDER_TIMES: dict[str, float] = {}  # "2017" -> seconds (HTML + PDF), in the terminal summary


@dataclass(frozen=True)
class RenderedReports:
    project: Path  # a copy of the Quarto project with the pipeline's results
    before: frozenset  # its files before the renders
    after: frozenset  # and after
    files: dict  # year -> {"html": Path, "pdf": Path}

    def html(self, year: int) -> Path:
        return self.files[year]["html"]

    def pdf(self, year: int) -> Path:
        return self.files[year]["pdf"]


def _files(root: Path) -> frozenset:
    return frozenset(p.relative_to(root).as_posix() for p in root.rglob("*"))


def quarto_project(folder: Path, results: dict) -> Path:
    """A copy of the Quarto project in ``folder``: its sources (the report, its assets, the
    texts) and ``results`` (year -> folder) in data/processed/YEAR."""
    import shutil

    root = Path(__file__).resolve().parents[1]
    for name in PROJECT_SOURCES:
        source, target = root / name, folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns(*GENERATED))
        else:
            shutil.copy2(source, target)
    (folder / "notebooks").mkdir(exist_ok=True)
    for year, found in results.items():
        shutil.copytree(found, folder / "data" / "processed" / str(year))
    return folder


@pytest.fixture(scope="session")
def quarto_bin() -> str:
    """The Quarto program (QUARTO_PATH or PATH); skips the test where there is none."""
    from ruwaard_analysis import report

    quarto = report.find_quarto()
    if quarto is None:
        pytest.skip("Quarto is not installed (set QUARTO_PATH or put quarto on PATH)")
    return quarto


@pytest.fixture(scope="session")
def rendered_reports(quarto_bin, pipeline_run, tmp_path_factory) -> RenderedReports:
    """`ruwaard report`'s render for 2016 and 2017 with real Quarto, once per session, in a
    copy of the project (sources, texts, the pipeline's results; RUWAARD_ROOT points the
    cells at it). Skips where Quarto is not installed."""
    import time

    from ruwaard_analysis import report

    project = quarto_project(tmp_path_factory.mktemp("quarto-project"),
                             {year: pipeline_run.results(year) for year in RENDER_YEARS})
    before = _files(project)
    files = {}
    for year in RENDER_YEARS:  # what `ruwaard report` runs after the pipeline
        started = time.perf_counter()
        html, pdf = report.render_with_quarto(year, quarto_bin, project_dir=project,
                                              reports_dir=project / "reports")
        RENDER_TIMES[str(year)] = time.perf_counter() - started
        files[year] = {"html": html, "pdf": pdf}
    return RenderedReports(project, before, _files(project), files)


def pytest_terminal_summary(terminalreporter):
    if RENDER_TIMES:
        shown = ", ".join(f"{k}: {v:.0f} s" for k, v in RENDER_TIMES.items())
        terminalreporter.write_line(f"Quarto render (HTML + PDF) per year: {shown}")
