"""What the real notebooks write is what the output catalogue says, for every demo year."""

from __future__ import annotations

import json

import pytest

from ruwaard_analysis import catalogue

YEARS = (2016, 2017, 2018)


@pytest.mark.parametrize("year", YEARS)
def test_every_output_is_catalogued_with_its_notebook_and_unit(pipeline_run, year):
    folder = pipeline_run.results(year)
    for path in sorted((folder / "key_figures").glob("*.json")):
        for name, record in json.loads(path.read_text()).items():
            entry = catalogue.key_figure(name)
            assert entry.notebook == path.stem, name
            assert entry.unit == record["unit"], name
            assert entry.label == record["label"], name
            assert (entry.disclosure == "not_people") == ("n_unit" in record), name
    for path in sorted((folder / "tables").glob("*.parquet")):
        catalogue.table(path.stem)
    for path in sorted((folder / "figures").glob("*.vl.json")):
        catalogue.figure(path.name.removesuffix(".vl.json"))


@pytest.mark.parametrize("year", YEARS)
def test_every_required_output_is_written(pipeline_run, year):
    folder = pipeline_run.results(year)
    figures = json.loads((folder / "key_figures.json").read_text())
    for o in catalogue.ALL:
        if not o.required:
            continue
        if o.kind == "key_figure":
            assert o.id in figures, o.id
        elif o.kind == "table":
            assert (folder / "tables" / f"{o.id}.parquet").is_file(), o.id
        else:
            assert (folder / "figures" / f"{o.id}.png").is_file(), o.id
