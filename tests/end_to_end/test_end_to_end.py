"""End to end on the real notebooks: demo data -> `ruwaard run` -> results -> report cells.

One pipeline run per year (``conftest.pipeline_run``) is shared by the tests of this module
and the render rehearsal (about 20 s each, cold).
Everything goes to temporary folders; the project's own data/ is never touched.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
from pathlib import Path

import polars as pl
import pytest

from ruwaard_analysis import config
from ruwaard_analysis.errors import DataValidationError
from ruwaard_analysis.numbers import print_key_figures
from ruwaard_analysis.run import run_year

pytestmark = pytest.mark.slow

YEARS = (2016, 2017)


@pytest.fixture(scope="module")
def project(pipeline_run):
    return pipeline_run.root, pipeline_run.dirs, pipeline_run.runs


def _figures(dirs, year) -> dict:
    return json.loads((dirs["processed_dir"] / str(year) / "key_figures.json").read_text())


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_notebook_ran_for_both_years(project):
    _, dirs, runs = project
    notebooks = sorted(p.stem for p in config.NOTEBOOKS_DIR.glob("*.ipynb"))
    for year in YEARS:
        assert runs[year].changed
        assert sorted(runs[year].executed) == notebooks
        executed = dirs["reports_dir"] / str(year) / "notebooks"
        assert sorted(p.stem for p in executed.glob("*.ipynb")) == notebooks


def test_executed_notebooks_show_charts_without_internet(project):
    """Executed notebooks are shared as HTML without Quarto: no chart may need a CDN script."""
    _, dirs, _ = project
    for notebook in (dirs["reports_dir"] / "2017" / "notebooks").glob("*.ipynb"):
        text = notebook.read_text(encoding="utf-8")
        assert "cdn.jsdelivr" not in text and "vega-embed" not in text, notebook.name
    welzijn = (dirs["reports_dir"] / "2017" / "notebooks" / "01_welbevinden.ipynb").read_text()
    assert "image/svg+xml" in welzijn


def test_2016_shows_the_published_figures_computed(project):
    _, dirs, _ = project
    kf = _figures(dirs, 2016)
    assert kf["casussen_steekproef"]["value"] == 13
    assert kf["kostenanalyses_aantal"]["value"] == 9
    assert kf["welbevinden_aandeel_verbeterd"]["value"] == 1.0
    out = io.StringIO()
    assert print_key_figures(2016, processed_dir=dirs["processed_dir"], file=out) == 0
    text = out.getvalue()
    from ruwaard_analysis.present.labels import label

    def row(name):
        return next(line for line in text.splitlines()
                    if line.startswith(label(f"key_figure.{name}")))

    assert row("welbevinden_voormeting_gemiddeld").split()[-5:][0] == "2,9", text
    assert row("welbevinden_nameting_gemiddeld").split()[-5:][0] == "7,6", text
    # read in the steering group's order, not alphabetically
    first_rows = text.splitlines()[3:5]
    assert first_rows[0].startswith(label("key_figure.casussen_totaal")), text
    assert first_rows[1].startswith(label("key_figure.casussen_steekproef")), text
    # visitor weeks are not people: shown as a count of weeks, not as "<5"
    assert row("bezoekers_per_week_gemiddeld").rstrip().endswith("4 weken"), text


def test_2017_shows_25_micro_analyses_rising_and_costs_falling(project):
    _, dirs, _ = project
    kf = _figures(dirs, 2017)
    assert kf["casussen_steekproef"]["value"] == 25
    assert kf["welbevinden_verschil_gemiddeld"]["value"] > 5
    assert kf["welbevinden_aandeel_verbeterd"]["value"] == 1.0
    assert 150 <= kf["casussen_totaal"]["value"] <= 250
    tables = dirs["processed_dir"] / "2017" / "tables"
    savings = pl.read_parquet(tables / "kosten_besparing.parquet")
    current = savings.filter(pl.col("measure") == "saving_vs_current").row(0, named=True)
    assert current["n"] == 25 and current["min"] > 0  # every case's yearly costs fell


def test_manifest_traces_inputs_and_parameters(project):
    _, dirs, _ = project
    manifest = json.loads((dirs["processed_dir"] / "2017" / "manifest.json").read_text())
    inputs = json.dumps(manifest["inputs"])
    data = dirs["data_dir"] / "wellbeing.synthetic.csv"
    assert "wellbeing.synthetic.csv" in inputs
    assert hashlib.sha256(data.read_bytes()).hexdigest() in inputs
    assert manifest["parameters"]["year"] == 2017
    assert manifest["parameters"]["min_cell_size"] == config.MIN_CELL_SIZE
    assert "polars" in json.dumps(manifest)
    # the cost assumptions of notebook 02 are recorded with the values it ran with
    assert manifest["notebook_parameters"]["02_maatschappelijke_kosten"] == {
        "attribution": 1.0, "deadweight": 0.0, "discount_rate": config.DISCOUNT_RATE,
        "drop_off": 0.0, "years": 5}


@pytest.mark.parametrize("year", YEARS)
def test_every_report_cell_runs_on_the_pipeline_results(project, year):
    from qmd_cells import execute_report, shown

    _, dirs, _ = project
    outputs = execute_report(year, dirs["processed_dir"] / str(year))
    document = "\n".join(shown(o) for o in outputs)
    for bad in (r"kerncijfer ontbreekt", r"Traceback", r"\bnan\b", r"\bNone\b"):
        assert not re.search(bad, document), bad
    if year == 2016:
        assert "2,9" in document and "7,6" in document


def test_rerun_is_cached_and_controleer_finds_every_output_byte_identical(project, capsys):
    """`ruwaard controleer` re-runs the year aside (every notebook, figures included) and
    compares each published file byte for byte; it writes nothing into results or data."""
    from ruwaard_analysis.cli import main

    root, dirs, _ = project
    warm = run_year(2017, progress=False, **dirs)
    assert list(warm.executed) == []
    before = {name: _digest(dirs[name]) for name in ("processed_dir", "data_dir")}
    capsys.readouterr()
    code = main(["controleer", "--year", "2017", "--processed", str(dirs["processed_dir"])])
    out = capsys.readouterr().out
    published = json.loads((dirs["processed_dir"] / "2017" / "manifest.json").read_text())
    assert f"Uitkomst: alle {len(published['outputs'])} bestanden identiek." in out, out
    assert "Invoer: alle bestanden ongewijzigd sinds de run." in out
    assert code == 0
    assert {name: _digest(dirs[name]) for name in ("processed_dir", "data_dir")} == before



def test_werkende_principes_computed_for_both_years(project):
    """2016: about 30% housing starts with the exact interval; 2017: the share within six
    weeks (Kaplan-Meier, censored cases kept), its curve and the monthly growth."""
    from scipy import stats as sps

    from ruwaard_analysis.present.labels import label

    _, dirs, _ = project
    wonen = _figures(dirs, 2016)["randvoorwaarde_wonen_aandeel"]
    assert wonen["value"] == pytest.approx(0.30) and wonen["n"] == 30
    exact = sps.binomtest(9, 30).proportion_ci(method="exact")
    assert (wonen["ci_low"], wonen["ci_high"]) == pytest.approx((exact.low, exact.high))
    kf = _figures(dirs, 2017)
    assert 0.6 < kf["binnen_zes_weken_aandeel"]["value"] < 0.9
    assert kf["binnen_zes_weken_aandeel"]["ci_low"] is not None
    folder = dirs["processed_dir"] / "2017"
    summary = pl.read_parquet(folder / "tables" / "zes_weken.parquet").row(0, named=True)
    assert summary["n"] == 200 and summary["n_censored"] > 0
    growth = pl.read_parquet(folder / "tables" / "casussen_per_maand.parquet")
    assert growth["period_start"].min().year == 2016 and growth["cumulative"].max() == 200
    for name in ("zes_weken", "casussen_per_maand", "randvoorwaarden"):
        spec = json.loads((folder / "figures" / f"{name}.vl.json").read_text())
        assert spec["description"], name
    out = io.StringIO()
    assert print_key_figures(2017, processed_dir=dirs["processed_dir"], file=out) == 0
    assert label("key_figure.binnen_zes_weken_aandeel") in out.getvalue()


def test_small_groups_never_reach_results_or_report(project, tmp_path):
    """min_cell_size above the 13 cases of 2016: nothing about them may be published."""
    root, dirs, _ = project
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(config.NOTEBOOKS_DIR / "01_welbevinden.ipynb", notebooks)
    out = {"processed_dir": tmp_path / "processed", "reports_dir": tmp_path / "reports"}
    run_year(2016, data_dir=dirs["data_dir"], min_cell_size=14, notebooks_dir=notebooks,
             progress=False, **out)
    folder = out["processed_dir"] / "2016"
    kf = json.loads((folder / "key_figures.json").read_text())
    assert kf["welbevinden_voormeting_gemiddeld"]["suppressed"]
    assert kf["welbevinden_voormeting_gemiddeld"]["value"] is None
    published = "".join(p.read_text(encoding="utf-8", errors="ignore")
                        for p in folder.rglob("*") if p.suffix in (".json", ".svg"))
    assert "2.923" not in published and "7.615" not in published
    # the slope chart of single cases is left out entirely, not drawn with a caveat only
    spec = json.loads((folder / "figures" / "welbevinden_voor_na.vl.json").read_text())
    scores = [v for d in spec.get("datasets", {}).values() for row in d for k, v in row.items()
              if k == "score"]
    assert scores == []


def test_broken_input_fails_with_the_named_error_and_keeps_results(project, tmp_path):
    root, dirs, _ = project
    broken = tmp_path / "broken"
    shutil.copytree(dirs["data_dir"], broken)
    path = broken / "wellbeing.synthetic.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[3].split(",")
    cells[header.index("score")] = "11"
    lines[3] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = _digest(dirs["processed_dir"] / "2016")
    with pytest.raises(DataValidationError) as err:
        run_year(2016, data_dir=broken, progress=False, processed_dir=dirs["processed_dir"],
                 reports_dir=dirs["reports_dir"])
    problem = err.value.problems[0]
    assert problem.file.endswith("wellbeing.synthetic.csv")
    assert problem.row == 4 and problem.column == "score"
    assert _digest(dirs["processed_dir"] / "2016") == before
