"""Round trip of the intake workbook: generate it, fill it with the demo data through openpyxl
(split over three workbooks, as three professionals would), validate, run the pipeline: the
same results, byte for byte, as from the demo CSV files. A value Excel's validation would stop,
written straight into a cell, gives the loader's error with its sheet and cell."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from ruwaard_analysis import loaders, sheets
from ruwaard_analysis.checksums import sha256_file
from ruwaard_analysis.demo import write_demo_dataset
from ruwaard_analysis.intake_workbook import FILL_SOURCES, write_intake_workbook
from ruwaard_analysis.run import run_year

pytestmark = pytest.mark.slow  # fills three workbooks and runs the pipeline

WORKBOOKS = ("werkboek-1-wijkteam.xlsx", "werkboek-2-wijkteam.xlsx", "werkboek-3-avans.xlsx")


def cell_value(value: object) -> object:
    """A canonical value as a filler enters it: ja/nee for booleans, dates as dates."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return value


def fill(template: Path, path: Path, frames: dict[str, pl.DataFrame]) -> Path:
    """A copy of the template with ``frames`` written below the example rows (row 3 on)."""
    wb = openpyxl.load_workbook(template)
    for key, frame in frames.items():
        ws = wb[sheets.SHEET_NAMES[key]]
        for r, row in enumerate(frame.iter_rows(), start=3):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(r, c, cell_value(value))
    wb.save(path)
    return path


def split_into_workbooks(demo: Path, template: Path, folder: Path) -> Path:
    """The demo's cases in three consecutive blocks, one workbook each, with their
    measurements and cost lines; Positive Health's first wave in workbook 2, the rest in 3.
    The other sources stay CSV files, as exports do."""
    folder.mkdir(parents=True)
    frames = loaders.load_folder(demo)
    cases = frames["cases"]["case_id"].to_list()
    third = len(cases) // 3
    blocks = [cases[:third], cases[third:2 * third], cases[2 * third:]]
    waves = frames["positive_health"]["wave_date"].unique().sort().to_list()
    health = [pl.lit(False), pl.col("wave_date") == waves[0], pl.col("wave_date") > waves[0]]
    for name, block, in_health in zip(WORKBOOKS, blocks, health, strict=True):
        part = {key: frames[key].filter(pl.col("case_id").is_in(block))
                for key in ("cases", "wellbeing", "cost_lines")}
        part["positive_health"] = frames["positive_health"].filter(in_health)
        fill(template, folder / name, part)
    for path in demo.glob("*.csv"):
        if sheets.file_sources(path)[0] not in FILL_SOURCES:
            shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> tuple[Path, Path, Path]:
    """(demo CSV folder, folder of three filled workbooks and the other CSVs, template)."""
    root = tmp_path_factory.mktemp("intake")
    demo = root / "demo"
    write_demo_dataset(demo)
    template = write_intake_workbook(root / "leeg.xlsx")
    return demo, split_into_workbooks(demo, template, root / "werkboeken"), template


def test_three_filled_workbooks_load_as_the_demo_csv_files(filled):
    demo, folder, _ = filled
    assert loaders.validate_folder(folder) == []
    expected, got = loaders.load_folder(demo), loaders.load_folder(folder)
    assert sorted(got) == sorted(expected)
    for key in expected:
        assert_frame_equal(got[key], expected[key])
    parts = loaders.find_source_files(folder)
    assert [p.file for p in parts["cases"]] == list(WORKBOOKS)
    assert [p.file for p in parts["positive_health"]] == list(WORKBOOKS)  # 1st sheet empty


def test_the_pipeline_gives_the_same_bytes_from_the_workbooks(filled, pipeline_run, tmp_path):
    _, folder, _ = filled
    year = 2017
    run = run_year(year, data_dir=folder, processed_dir=tmp_path / "processed",
                   reports_dir=tmp_path / "reports", progress=False)
    got_dir, expected_dir = run.results_dir, pipeline_run.results(year)

    def files(d: Path) -> dict[str, bytes]:
        return {p.relative_to(d).as_posix(): p.read_bytes()
                for p in sorted(d.rglob("*")) if p.is_file() and p.name != "manifest.json"}

    got, expected = files(got_dir), files(expected_dir)
    assert len(expected) > 20 and sorted(got) == sorted(expected)
    assert [name for name in expected if got[name] != expected[name]] == []
    manifest = json.loads((got_dir / "manifest.json").read_text())
    for name in WORKBOOKS:  # every sheet counts, an empty one too
        assert manifest["inputs"][name] == {"sha256": sha256_file(folder / name),
                                            "sources": sorted(FILL_SOURCES)}


def test_values_excel_would_stop_are_the_loaders_errors_with_their_cell(filled, tmp_path):
    _, folder, _ = filled
    broken = shutil.copytree(folder, tmp_path / "werkboeken")
    path = broken / WORKBOOKS[1]
    wb = openpyxl.load_workbook(path)
    wb["welbevinden"]["D5"] = 11
    wb["casussen"]["B7"] = date(2031, 3, 1)
    wb["kostenregels"]["C4"] = "niet_in_de_lijst"
    wb.save(path)
    problems = loaders.validate_folder(broken)
    found = {(p.file, p.sheet, p.cell, p.rule) for p in problems}
    assert (WORKBOOKS[1], "welbevinden", "D5", "bereik") in found
    assert (WORKBOOKS[1], "casussen", "B7", "bereik") in found
    assert (WORKBOOKS[1], "kostenregels", "C4", "onbekend_prijsitem") in found
    text = "\n".join(map(str, problems))
    assert f"{WORKBOOKS[1]}, welbevinden!D5, kolom 'score': [bereik] waarde 11" in text
    assert f"{WORKBOOKS[1]}, casussen!B7, kolom 'mdo_date': [bereik] waarde 1-3-2031" in text
    assert f"{WORKBOOKS[1]}, kostenregels!C4, kolom 'item_code': [onbekend_prijsitem]" in text
