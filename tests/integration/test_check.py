"""check.py / `ruwaard controleer`: changed inputs named, a re-run aside, every output compared.

The pure comparisons are tested on small hand-made data; the whole check runs the tiny fixture
notebooks of tests/fixtures/notebooks (a few seconds), with every folder under tmp_path. The
real notebooks are checked in test_end_to_end.py (`ruwaard controleer` on a demo year).
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from ruwaard_analysis import check
from ruwaard_analysis.run import RunOptions, run_year

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"


def _parquet(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# --------------------------------------------------------------------------- pure parts


def test_compare_inputs_names_changed_added_and_removed_files():
    recorded = {"a.csv": {"sha256": "1"}, "b.csv": {"sha256": "2"}, "c.csv": {"sha256": "3"}}
    current = {"a.csv": "1", "b.csv": "9", "d.csv": "4"}
    changes = check.compare_inputs(recorded, current)
    assert [(c.name, c.status) for c in changes] == [
        ("b.csv", check.CHANGED), ("c.csv", check.REMOVED), ("d.csv", check.ADDED)]
    assert changes[0].old_sha256 == "2" and changes[0].new_sha256 == "9"
    assert check.compare_inputs(recorded, {"a.csv": "1", "b.csv": "2", "c.csv": "3"}) == []


def _figure(value, n=25, **extra):
    return {"value": value, "n": n, "unit": "score", "label": "Welbevinden voor",
            "ci_low": None, "ci_high": None, "suppressed": False, **extra}


def test_key_figure_changes_show_old_and_new_value_in_dutch_format():
    old = {"a": _figure(2.93), "b": _figure(7.0)}
    new = {"a": _figure(3.41), "b": _figure(7.0)}
    [change] = check.key_figure_changes(old, new)
    assert (change.name, change.label, change.old, change.new) == (
        "a", "Welbevinden voor", "2,9", "3,4")


def test_key_figure_changes_beyond_shown_precision_are_still_named():
    [change] = check.key_figure_changes({"a": _figure(2.931)}, {"a": _figure(2.934)})
    assert change.old != change.new
    assert "2,931" in change.old and "2,934" in change.new


def test_a_suppressed_key_figure_never_shows_a_value():
    hidden = {**_figure(None, n=3), "suppressed": True}
    # a tampered file that carries the value of a group of 3 must not print it either
    leaked = {**_figure(6.75, n=3)}
    [change] = check.key_figure_changes({"a": leaked}, {"a": hidden}, min_cell_size=5)
    assert "6,8" not in change.old and "6,75" not in change.old
    assert change.old.startswith("<5") and change.new.startswith("<5")
    assert "3" not in change.old + change.new


def test_table_difference_names_rows_and_columns_not_values():
    a = pl.DataFrame({"moment": ["voor", "na"], "n": [25, 3], "mean": [2.9, 7.6]})
    b = a.with_columns(pl.Series("mean", [2.9, 7.7]))
    lines = check.table_difference(_parquet(a), _parquet(b))
    assert lines == ["kolom mean: 1 van 2 rijen verschillen"]
    longer = pl.concat([a, a.head(1)])
    assert "aantal rijen: 2 gepubliceerd, 3 nu" in check.table_difference(
        _parquet(a), _parquet(longer))
    assert check.table_difference(_parquet(a), _parquet(a.drop("n"))) == [
        "aantal rijen: 2 gepubliceerd, 2 nu"[:0] or "kolommen verdwenen: n"]


def test_compare_folders_byte_for_byte(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    for folder in (old, new):
        (folder / "figures").mkdir(parents=True)
        (folder / "figures" / "x.svg").write_text("<svg/>")
        (folder / "manifest.json").write_text(json.dumps({"git_commit": str(folder)}))
    (old / "key_figures.json").write_text(json.dumps({"a": _figure(2.9)}))
    (new / "key_figures.json").write_text(json.dumps({"a": _figure(2.9)}, indent=1))
    (old / "figures" / "gone.png").write_bytes(b"png")
    compared, diffs = check.compare_folders(old, new)
    assert compared == 3  # manifest.json is not a published output
    assert [(d.path, d.status) for d in diffs] == [
        ("key_figures.json", check.CHANGED), ("figures/gone.png", check.REMOVED)]
    assert diffs[0].values == () and "andere bytes" in diffs[0].details[0]


# --------------------------------------------------------------------------- the whole check


class Year:
    """A year run by the pipeline on the fixture notebooks, all under one root folder."""

    def __init__(self, root: Path, run: bool = True):
        self.root = root
        self.data = root / "raw"
        self.notebooks = root / "notebooks"
        self.processed = root / "processed"
        self.reports = root / "reports"
        self.published = self.processed / "2016"
        self.options = RunOptions(notebooks_dir=self.notebooks, validate=False, git_root=root,
                                  jobs=2, progress=False)
        if not run:
            return
        self.data.mkdir()
        (self.data / "alpha.csv").write_text("value\n1\n2\n4.5\n3\n5\n6\n")
        (self.data / "beta.csv").write_text("group,count\nb,7\na,5\n")
        shutil.copytree(FIXTURES / "ok", self.notebooks)
        run_year(2016, self.options, data_dir=self.data, seed=7, min_cell_size=5,
                 processed_dir=self.processed, reports_dir=self.reports)

    def copy(self, root: Path) -> Year:
        """The same project (data, notebooks, results) in another folder: one run, many
        checks."""
        shutil.copytree(self.root, root, dirs_exist_ok=True)
        return Year(root, run=False)

    def rerun(self, year, data_dir, processed_dir, reports_dir, parameters):
        return check.rerun_pipeline(year, data_dir, processed_dir, reports_dir, parameters,
                                    options=self.options)

    def check(self):
        return check.check_year(2016, rerun=self.rerun, processed_dir=self.processed,
                                data_dir=self.data, root=self.root, workdir=self.root)


@pytest.fixture(scope="module")
def published_year(tmp_path_factory) -> Year:
    return Year(tmp_path_factory.mktemp("published"))


@pytest.fixture
def year(published_year, tmp_path) -> Year:
    return published_year.copy(tmp_path / "project")


def test_an_unchanged_year_is_identical_and_nothing_is_written(year):
    before = {"processed": _tree_digest(year.processed), "raw": _tree_digest(year.data)}
    result = year.check()
    assert result.ok and result.inputs == () and result.not_as_recorded == ()
    assert result.compared == len(json.loads((year.published / "manifest.json").read_text())
                                  ["outputs"])
    assert result.parameters["seed"] == 7
    assert {"processed": _tree_digest(year.processed), "raw": _tree_digest(year.data)} == before
    assert sorted(p.name for p in year.root.iterdir()) == [  # the scratch folder is gone
        "notebooks", "processed", "raw", "reports"]
    lines = check.report_lines(result)
    assert lines[-1] == f"Uitkomst: alle {result.compared} bestanden identiek."


def test_a_changed_input_is_named_and_its_effect_shown(year):
    (year.data / "alpha.csv").write_text("value\n1\n2\n10\n3\n5\n6\n")
    (year.data / "gamma.csv").write_text("x\n1\n")
    result = year.check()
    assert [(c.name, c.status) for c in result.inputs] == [
        ("alpha.csv", check.CHANGED), ("gamma.csv", check.ADDED)]
    assert not result.ok
    kf = next(d for d in result.differences if d.path == "key_figures.json")
    mean = next(v for v in kf.values if v.name == "alpha_mean")
    assert (mean.old, mean.new) == ("3,6 (95%-BI 1,0 tot 6,0)", "4,5 (95%-BI 1,0 tot 10,0)")
    text = "\n".join(check.report_lines(result))
    assert "alpha.csv: gewijzigd" in text and "gamma.csv: nieuw" in text
    assert "Gemiddelde alpha: 3,6 (95%-BI 1,0 tot 6,0) gepubliceerd, nu 4,5" in text


def test_a_tampered_output_is_named_with_old_and_new_value(published_year, year):
    # The fresh run is the untouched published folder of the same project (identical to a
    # re-run: test_an_unchanged_year_is_identical...), which spares a minute of kernels.
    def rerun(year_, data_dir, processed_dir, reports_dir, parameters):
        shutil.copytree(published_year.published, processed_dir / "2016")
        return processed_dir / "2016"

    year.rerun = rerun
    path = year.published / "key_figures.json"
    figures = json.loads(path.read_text())
    figures["alpha_mean"]["value"] = 2.9
    path.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    table = year.published / "tables" / "alpha.parquet"
    table.write_bytes(_parquet(pl.read_parquet(table).with_columns(pl.col("doubled") + 1)))
    before = _tree_digest(year.processed)
    result = year.check()
    assert result.inputs == () and not result.ok
    assert [d.path for d in result.differences] == ["key_figures.json", "tables/alpha.parquet"]
    [mean] = result.differences[0].values
    assert (mean.label, mean.old, mean.new) == ("Gemiddelde alpha", "2,9", "3,6")
    assert result.differences[1].details == ("kolom doubled: 6 van 6 rijen verschillen",)
    assert any(line.startswith("key_figures.json: veranderd na de run")
               for line in result.not_as_recorded)
    assert _tree_digest(year.processed) == before  # the tampered file is left as it is
    text = "\n".join(check.report_lines(result))
    assert "Gemiddelde alpha: 2,9 gepubliceerd, nu 3,6" in text
    assert "2 van de" in text


def test_check_without_results_or_data_says_so(published_year, tmp_path):
    year = published_year
    with pytest.raises(check.CheckError, match="geen resultaten"):
        check.check_year(2030, rerun=year.rerun, processed_dir=year.processed)
    with pytest.raises(check.CheckError, match="bestaat niet"):
        check.check_year(2016, rerun=year.rerun, processed_dir=year.processed,
                         data_dir=tmp_path / "nowhere")


def test_changed_keys_names_removed_added_and_changed_in_order():
    from ruwaard_analysis.check import ADDED, CHANGED, REMOVED, changed_keys

    old, new = {"b": 1, "a": 2, "c": 3}, {"a": 2, "c": 4, "d": 5}
    assert changed_keys(old, new) == [("b", REMOVED), ("c", CHANGED), ("d", ADDED)]
    assert changed_keys(old, new, order=lambda k: (k != "d", k)) == [
        ("d", ADDED), ("b", REMOVED), ("c", CHANGED)]
    assert changed_keys({"a": "1"}, {"a": 1}, same=lambda x, y: int(x) == y) == []
