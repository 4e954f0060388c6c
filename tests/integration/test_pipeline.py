"""The run package: cache keys, manifest, determinism, failure handling, `ruwaard numbers`.

The end-to-end tests run the tiny notebooks in tests/fixtures/notebooks/ (a few seconds per
run); every folder is under tmp_path and the library fingerprint comes from a fake library
folder, so other edits to the package cannot make the cache tests flaky.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from importlib import metadata
from pathlib import Path

import pytest

from ruwaard_analysis import config, numbers, results
from ruwaard_analysis.checksums import sha256_file
from ruwaard_analysis.errors import DataValidationError, Problem
from ruwaard_analysis.run import PipelineError, RunOptions, plan_year, run_year
from ruwaard_analysis.run.fingerprint import git_commit
from ruwaard_analysis.run.progress import Progress

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"


class Workspace:
    def __init__(self, root: Path):
        self.root = root
        self.data = root / "data"
        self.notebooks = root / "notebooks"
        self.lib = root / "lib"
        self.processed = root / "processed"
        self.reports = root / "reports"
        self.data.mkdir()
        (self.data / "alpha.csv").write_text("value\n1\n2\n4.5\n")
        (self.data / "beta.csv").write_text("group,count\nb,7\na,5\n")
        (self.data / "README.md").write_text("not an input")
        self.lib.mkdir()
        (self.lib / "module.py").write_text("X = 1\n")
        (self.lib / "reference_data").mkdir()
        (self.lib / "reference_data" / "cpi.csv").write_text("year,cpi\n2016,100.0\n")
        shutil.copytree(FIXTURES / "ok", self.notebooks)

    def kwargs(self, **extra):
        base = dict(
            data_dir=self.data,
            seed=7,
            min_cell_size=5,
            notebooks_dir=self.notebooks,
            processed_dir=self.processed,
            reports_dir=self.reports,
            library_dir=self.lib,
            progress=False,
            validate=False,
            git_root=self.root,
            jobs=2,
        )
        base.update(extra)
        return base

    def options(self, **extra) -> RunOptions:
        return RunOptions(**self.kwargs(**extra))

    def run(self, **extra):
        return run_year(2016, self.options(**extra))

    def snapshot(self) -> dict[str, bytes]:
        out = {}
        for folder in (self.processed, self.reports / "2016" / "notebooks"):
            for p in sorted(folder.rglob("*")):
                if p.is_file():
                    out[p.relative_to(self.root).as_posix()] = p.read_bytes()
        return out

    def results_bytes(self) -> dict[str, bytes]:
        folder = self.processed / "2016"
        return {
            p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }


@pytest.fixture
def ws(tmp_path):
    return Workspace(tmp_path)


# --------------------------------------------------------------------------- planning (fast)


def _keys(ws, **extra):
    kw = {
        k: v
        for k, v in ws.kwargs(**extra).items()
        if k in ("data_dir", "seed", "min_cell_size", "notebooks_dir", "library_dir")
    }
    return {nb.name: nb.cache_key for nb in plan_year(2016, **kw).notebooks}


def test_plan_reads_declared_sources_and_inputs(ws):
    plan = plan_year(
        2016,
        data_dir=ws.data,
        seed=7,
        min_cell_size=5,
        notebooks_dir=ws.notebooks,
        library_dir=ws.lib,
    )
    by_name = {nb.name: nb for nb in plan.notebooks}
    assert list(by_name) == ["01_alpha", "02_beta", "03_all"]
    assert by_name["01_alpha"].sources == ("alpha",) and by_name["01_alpha"].inputs == (
        "alpha.csv",
    )
    assert by_name["03_all"].sources is None
    assert by_name["03_all"].inputs == ("alpha.csv", "beta.csv")  # README.md is no input
    assert (
        plan.inputs["beta.csv"] == hashlib.sha256((ws.data / "beta.csv").read_bytes()).hexdigest()
    )
    assert plan.reference_data == {
        "cpi.csv": sha256_file(ws.lib / "reference_data" / "cpi.csv")
    }


def test_cache_keys_change_only_for_what_depends_on_the_change(ws):
    before = _keys(ws)
    (ws.data / "beta.csv").write_text("group,count\nb,8\na,5\n")
    after_input = _keys(ws)
    assert [n for n in before if before[n] != after_input[n]] == ["02_beta", "03_all"]

    (ws.lib / "module.py").write_text("X = 2\n")  # any library change re-runs everything
    after_lib = _keys(ws)
    assert all(after_lib[n] != after_input[n] for n in before)

    assert all(_keys(ws, seed=8)[n] != after_lib[n] for n in before)
    assert all(_keys(ws, min_cell_size=10)[n] != after_lib[n] for n in before)
    assert _keys(ws) == after_lib  # deterministic


def test_plan_errors_are_clear(ws, tmp_path):
    with pytest.raises(PipelineError, match="datamap .* bestaat niet"):
        plan_year(
            2016,
            data_dir=tmp_path / "nope",
            seed=1,
            min_cell_size=5,
            notebooks_dir=ws.notebooks,
            library_dir=ws.lib,
        )
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(PipelineError, match="geen notebooks"):
        plan_year(
            2016, data_dir=ws.data, seed=1, min_cell_size=5, notebooks_dir=empty, library_dir=ws.lib
        )
    nb = json.loads((ws.notebooks / "01_alpha.ipynb").read_text())
    nb["metadata"]["ruwaard"]["sources"] = "alpha"
    (ws.notebooks / "01_alpha.ipynb").write_text(json.dumps(nb))
    with pytest.raises(PipelineError, match="sources moet een lijst"):
        plan_year(
            2016,
            data_dir=ws.data,
            seed=1,
            min_cell_size=5,
            notebooks_dir=ws.notebooks,
            library_dir=ws.lib,
        )


def test_validation_fails_fast_and_writes_nothing(ws):
    seen = []

    def validator(folder):
        seen.append(folder)
        return [
            Problem(file="alpha.csv", rule="numeriek", message="geen getal", row=3, column="value")
        ]

    with pytest.raises(DataValidationError, match=r"alpha.csv, regel 3, kolom 'value'"):
        ws.run(validate=validator)
    assert seen == [ws.data.resolve()]
    assert not ws.processed.exists() or not any(ws.processed.iterdir())
    assert not (ws.reports / "2016" / "notebooks").exists()


def test_git_commit_outside_and_inside_git(tmp_path):
    assert git_commit(tmp_path) is None
    commit = git_commit(config.PROJ_ROOT)
    assert commit is None or re.fullmatch(r"[0-9a-f]{40}", commit)


# --------------------------------------------------------------------------- end to end (slow)


@pytest.mark.slow
def test_cache_partial_rerun_force_and_determinism(ws):
    stale = ws.processed / ".2016.staging-999999999-abc"  # left by a killed run (no such pid)
    (stale / "work").mkdir(parents=True)
    cold = ws.run()
    assert not stale.exists()
    assert cold.changed and cold.executed == ["01_alpha", "02_beta", "03_all"] and cold.cached == []
    assert "3 notebook(s) uitgevoerd" in cold.summary()
    res = ws.processed / "2016"
    assert sorted(p.relative_to(res).as_posix() for p in res.rglob("*") if p.is_file()) == [
        "key_figures.json",
        "key_figures/01_alpha.json",
        "key_figures/02_beta.json",
        "key_figures/03_all.json",
        "manifest.json",
        "tables/alpha.parquet",
        "tables/beta.parquet",
        "tables/files.parquet",
    ]
    assert sorted(p.name for p in (ws.reports / "2016" / "notebooks").iterdir()) == [
        "01_alpha.ipynb",
        "02_beta.ipynb",
        "03_all.ipynb",
    ]
    figures = results.read_key_figures(2016, processed_dir=ws.processed)
    assert figures["alpha_mean"]["value"] == 2.5 and figures["alpha_mean"]["n"] == 3
    assert figures["alpha_year"]["value"] == 2016  # parameters reached the notebook
    assert figures["beta_total"]["value"] == 12
    assert results.read_table(2016, "beta", processed_dir=ws.processed)["group"].to_list() == [
        "a",
        "b",
    ]
    assert not [p for p in ws.processed.iterdir() if p.name.startswith(".")]  # no staging left

    # manifest: checksums, parameters, versions, commit (null outside git)
    manifest = results.read_manifest(2016, processed_dir=ws.processed)
    for name in ("alpha.csv", "beta.csv"):
        assert (
            manifest["inputs"][name]["sha256"]
            == hashlib.sha256((ws.data / name).read_bytes()).hexdigest()
        )
    assert "README.md" not in manifest["inputs"]
    assert manifest["parameters"]["seed"] == 7 and manifest["parameters"]["min_cell_size"] == 5
    assert manifest["parameters"]["year"] == 2016
    assert manifest["packages"]["polars"] == metadata.version("polars")
    assert manifest["packages"]["papermill"] == metadata.version("papermill")
    assert manifest["git_commit"] is None
    for rel, digest in manifest["outputs"].items():
        assert hashlib.sha256((res / rel).read_bytes()).hexdigest() == digest
    assert manifest["notebooks"]["02_beta"]["outputs"].keys() == {
        "key_figures/02_beta.json",
        "tables/beta.parquet",
    }
    first = ws.snapshot()

    # warm: nothing executes, nothing changes
    warm = ws.run()
    assert warm.executed == [] and warm.cached == ["01_alpha", "02_beta", "03_all"]
    assert not warm.changed and "niets veranderd" in warm.summary()
    assert ws.snapshot() == first

    # one input changed: only the notebooks that read it
    original_beta = (ws.data / "beta.csv").read_bytes()
    (ws.data / "beta.csv").write_text("group,count\nb,8\na,5\n")
    partial = ws.run()
    assert partial.executed == ["02_beta", "03_all"] and partial.cached == ["01_alpha"]
    assert results.read_key_figures(2016, processed_dir=ws.processed)["beta_total"]["value"] == 13
    after = ws.snapshot()
    alpha_files = [k for k in first if "alpha" in k]
    assert alpha_files and all(after[k] == first[k] for k in alpha_files)

    # back to the original input, forced: everything runs, results byte-identical to the first run
    (ws.data / "beta.csv").write_bytes(original_beta)
    forced = ws.run(force=True)
    assert forced.executed == ["01_alpha", "02_beta", "03_all"] and forced.cached == []
    now = ws.results_bytes()
    assert now == {
        k.removeprefix("processed/2016/"): v for k, v in first.items() if k.startswith("processed/")
    }


@pytest.mark.slow
def test_failing_notebook_names_notebook_cell_and_error_and_keeps_results(ws):
    ws.run(jobs=1)
    before = ws.snapshot()

    # a broken input: the loader-style DataValidationError raised inside the notebook
    (ws.data / "alpha.csv").write_text("value\n1\nzeven\n")
    with pytest.raises(PipelineError) as info:
        ws.run()
    text = str(info.value)
    assert "notebook 01_alpha, cel 4 (frame = pl.read_csv" in text
    assert "DataValidationError" in text
    assert "alpha.csv, regel 3, kolom 'value': [numeriek] waarde is geen getal" in text
    assert info.value.notebook == "01_alpha" and info.value.cell == 4
    assert ws.snapshot() == before
    assert not [p for p in ws.processed.iterdir() if p.name.startswith(".")]
    assert (ws.reports / "2016" / "failed" / "01_alpha.ipynb").is_file()

    # a notebook with a plain bug; the good input is back
    (ws.data / "alpha.csv").write_text("value\n1\n2\n4.5\n")
    shutil.copy(FIXTURES / "broken" / "04_broken.ipynb", ws.notebooks)
    with pytest.raises(
        PipelineError,
        match=r"04_broken, cel 5 \(raise ZeroDivisionError.*"
        r"ZeroDivisionError: kapot met opzet",
    ):
        ws.run()
    assert ws.snapshot() == before


# --------------------------------------------------------------------------- ruwaard numbers


def _write_results(processed: Path) -> None:
    year = processed / "2016"
    results.write_json(
        year / "key_figures.json",
        {
            "wellbeing_before": {
                "value": 2.93,
                "n": 13,
                "unit": "score",
                "label": "Welbevinden voor",
                "ci_low": 2.5,
                "ci_high": 3.41,
                "suppressed": False,
            },
            "cost_total": {
                "value": 125000.4,
                "n": 9,
                "unit": "EUR",
                "label": "Kosten",
                "ci_low": None,
                "ci_high": None,
                "suppressed": False,
            },
            "tiny_group": {
                "value": None,
                "n": 3,
                "unit": "aantal",
                "label": "Kleine groep",
                "ci_low": None,
                "ci_high": None,
                "suppressed": True,
            },
        },
    )
    results.write_json(year / "manifest.json", {"parameters": {"min_cell_size": 5}})


def test_print_key_figures_table(tmp_path, capsys):
    _write_results(tmp_path)
    assert numbers.print_key_figures(2016, processed_dir=tmp_path) == 0
    out = capsys.readouterr().out
    assert "Kengetallen 2016" in out
    line = next(ln for ln in out.splitlines() if ln.startswith("Welbevinden voor"))
    assert "2,9" in line and "13" in line and "2,5 tot 3,4" in line
    kosten = next(ln for ln in out.splitlines() if ln.startswith("Kosten"))
    assert "125.000" in kosten
    small = next(ln for ln in out.splitlines() if ln.startswith("Kleine groep"))
    assert "onderdrukt" in small and "<5" in small.replace(" ", "")


def test_print_key_figures_json_and_missing_year(tmp_path, capsys):
    _write_results(tmp_path)
    assert numbers.print_key_figures(2016, as_json=True, processed_dir=tmp_path) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["wellbeing_before"]["n"] == 13
    assert numbers.print_key_figures(2018, processed_dir=tmp_path) == 1
    err = capsys.readouterr().err
    assert "voer eerst `ruwaard run --year 2018` uit" in err


# --------------------------------------------------------------------------- progress


class _Tty:
    def __init__(self):
        self.text = ""

    def write(self, s):
        self.text += s

    def flush(self):
        pass

    def isatty(self):
        return True


def test_progress_shows_notebook_and_cell_on_a_terminal_and_plain_lines_elsewhere():
    import io

    tty = _Tty()
    bar = Progress(2, True, stream=tty)
    bar.handle(("start", "01_alpha"))
    bar.handle(("cell", "01_alpha", 2, 5))
    assert "01_alpha: cel 3/5" in tty.text.replace("\r", "")
    bar.handle(("done", "01_alpha"))
    bar.close()
    assert "1/2" in tty.text

    log = io.StringIO()
    lines = Progress(2, True, stream=log)
    for message in [("start", "01_alpha"), ("cell", "01_alpha", 0, 5), ("done", "01_alpha")]:
        lines.handle(message)
    lines.close()
    assert log.getvalue().splitlines() == ["[0/2] start: 01_alpha", "[1/2] klaar: 01_alpha"]

    quiet = io.StringIO()
    off = Progress(2, False, stream=quiet)
    off.handle(("start", "01_alpha"))
    assert quiet.getvalue() == ""


@pytest.mark.slow
def test_progress_line_says_mislukt_for_a_failed_notebook(ws, capsys):
    shutil.copy(FIXTURES / "broken" / "04_broken.ipynb", ws.notebooks)
    with pytest.raises(PipelineError):
        ws.run(progress=True, jobs=1)
    lines = capsys.readouterr().err.splitlines()
    assert any(line.endswith("mislukt: 04_broken") for line in lines), lines
    assert not any(line.endswith("klaar: 04_broken") for line in lines), lines


@pytest.mark.parametrize("size", [0, -3, 1, 2])
def test_min_cell_size_below_the_floor_is_refused_before_anything_runs(ws, size):
    with pytest.raises(PipelineError, match=rf"--min-cell-size {size} .*minstens "
                       rf"{config.MIN_CELL_SIZE_FLOOR}"):
        ws.run(min_cell_size=size)
    assert not ws.processed.exists() and not ws.reports.exists()


@pytest.mark.parametrize("size", ["0", "-3", "2"])
def test_cli_refuses_a_min_cell_size_below_the_floor(size, capsys):
    from ruwaard_analysis import cli

    for command in ("run", "report"):
        with pytest.raises(SystemExit) as info:
            cli.main([command, "--year", "2017", "--min-cell-size", size])
        assert info.value.code == 2
        err = capsys.readouterr().err
        assert f"--min-cell-size: {size} is te klein" in err
        assert f"minstens {config.MIN_CELL_SIZE_FLOOR}" in err


def test_a_workbook_is_an_input_of_each_notebook_that_reads_one_of_its_sheets(ws):
    import openpyxl

    from ruwaard_analysis.run.manifest import build_manifest

    wb = openpyxl.Workbook()
    wb.active.title = "toelichting"
    wb.create_sheet("welbevinden").append(["Casusnummer", "Meetmoment", "Meetdatum", "Cijfer"])
    wb.save(ws.data / "intake jansen.xlsx")
    beta = ws.notebooks / "02_beta.ipynb"
    nb = json.loads(beta.read_text())
    nb["metadata"]["ruwaard"]["sources"] = ["beta", "wellbeing"]
    beta.write_text(json.dumps(nb))
    plan = plan_year(2016, data_dir=ws.data, seed=7, min_cell_size=5,
                     notebooks_dir=ws.notebooks, library_dir=ws.lib)
    inputs = {nb.name: nb.inputs for nb in plan.notebooks}
    assert inputs["01_alpha"] == ("alpha.csv",)
    assert inputs["02_beta"] == ("beta.csv", "intake jansen.xlsx")
    manifest = build_manifest(plan, {nb.name: {} for nb in plan.notebooks}, {}, None)
    assert manifest["inputs"]["intake jansen.xlsx"] == {
        "sha256": sha256_file(ws.data / "intake jansen.xlsx"), "sources": ["wellbeing"]}
    assert manifest["inputs"]["alpha.csv"]["sources"] == ["alpha"]


@pytest.mark.slow
def test_forked_kernels_are_fresh_and_give_the_same_bytes_as_fresh_kernels(ws):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    def notebook(name: str, *cells: str) -> None:
        nb = new_notebook(cells=[new_code_cell(PARAMS, metadata={"tags": ["parameters"]}),
                                 *(new_code_cell(c) for c in cells)])  # fmt: skip
        nb.metadata["kernelspec"] = {"name": config.KERNEL_NAME, "language": "python",
                                     "display_name": config.KERNEL_NAME}  # fmt: skip
        nb.metadata["ruwaard"] = {"sources": []}
        nbformat.write(nb, ws.notebooks / f"{name}.ipynb")

    PARAMS = 'year = 2016  # y\ndata_dir = "."  # d\noutput_dir = "out"  # o\nseed = 1  # s\n' \
             "min_cell_size = 5  # m"  # fmt: skip
    notebook("04_leaves_state", "import builtins\nimport polars as pl\n"
             "builtins.LEFT_BEHIND = 1\npl.Config.set_tbl_rows(3)")  # fmt: skip
    notebook("05_sees_none", "import builtins\nimport polars as pl\n"
             "assert not hasattr(builtins, 'LEFT_BEHIND')\n"
             "assert pl.Config.state(if_set=True).get('POLARS_FMT_MAX_ROWS') is None")  # fmt: skip

    forked = ws.run(jobs=1)
    assert forked.executed[-2:] == ["04_leaves_state", "05_sees_none"]
    log = json.loads((ws.reports / "2016" / "run_log.json").read_text())
    assert log["kernel_template_import_seconds"] > 0
    assert set(log["kernel_start_seconds"]) == set(forked.executed)
    first = ws.results_bytes()
    fresh = ws.run(jobs=1, force=True, fork_kernels=False)
    assert fresh.executed == forked.executed
    assert ws.results_bytes() == first
    log = json.loads((ws.reports / "2016" / "run_log.json").read_text())
    assert log["kernel_template_import_seconds"] == 0


def test_notebooks_start_longest_first_by_the_last_run_log(tmp_path):
    from ruwaard_analysis.run.execute import longest_first

    tasks = [{"name": n} for n in ("01_a", "02_b", "03_c", "04_new")]
    log = tmp_path / "run_log.json"
    assert longest_first(tasks, log) == tasks  # no log: name order
    log.write_text(json.dumps({
        "seconds_per_notebook": {"01_a": 4.0, "02_b": 2.5, "03_c": 3.0, "gone": 9.0},
        "kernel_start_seconds": {"01_a": 2.0, "02_b": 0.3, "03_c": None},  # 01_a waited 2 s
    }))
    assert [t["name"] for t in longest_first(tasks, log)] == ["04_new", "03_c", "02_b", "01_a"]
    log.write_text("{not json")
    assert longest_first(tasks, log) == tasks
    for name, charts in (("01_a", 1), ("02_b", 0), ("03_c", 3), ("04_new", 1)):
        (tmp_path / f"{name}.ipynb").write_text("write_figure(o, c)\n" * charts)
    with_source = [{"name": t["name"], "input": str(tmp_path / f"{t['name']}.ipynb")}
                   for t in tasks]  # fmt: skip
    # no timings: the notebooks that write the most charts first (ties in name order)
    assert [t["name"] for t in longest_first(with_source, log)] == [
        "03_c", "01_a", "04_new", "02_b"]


@pytest.mark.slow
def test_inputs_checked_beside_the_notebooks_in_a_fork_of_the_template(tmp_path):
    """With the kernel template the data contracts run in a fork of it (during its imports,
    then beside the notebooks); its problems still stop the run with a DataValidationError
    and publish nothing, and it saves no frames for the notebooks."""
    from ruwaard_analysis.errors import DataValidationError
    from ruwaard_analysis.run.kernels import KernelTemplate
    from ruwaard_analysis.run.validation import InputCheck

    data = tmp_path / "data"
    data.mkdir()
    (data / "cases.csv").write_text("not,a,cases,file\n1,2,3,4\n")
    template = KernelTemplate(config.KERNEL_NAME, check={"data_dir": data, "year": 2017})
    try:
        check = InputCheck(data, True, 2017, template)
        assert check.where.startswith("fork of the kernel template")
        with pytest.raises(DataValidationError) as info:
            check.check()
        from ruwaard_analysis.loaders import validate_folder

        assert info.value.problems == validate_folder(data)  # the same problems as here
        assert check.failed()
        frames = Path(template.frames_dir)
        assert (frames / "none").exists() and not (frames / "index.json").exists()
    finally:
        template.stop()
    assert not Path(template.check_answer).parent.exists()  # the run's files are removed


@pytest.mark.slow
def test_the_template_forks_no_kernel_of_another_interpreter():
    """A kernelspec whose interpreter is not the template's gets no fork (it starts the usual
    way): the template's interpreter comes from a light kernel.json lookup."""
    from ruwaard_analysis.run.kernels import KernelTemplate, fork_kernel, kernel_interpreter

    template = KernelTemplate(config.KERNEL_NAME)
    try:
        assert template.process is not None
        with pytest.raises(OSError, match="kernelspec"):
            fork_kernel(template.socket_path, ["-f", "/nonexistent.json"], "/", {},
                        interpreter=["/other/python"])  # fmt: skip
        assert kernel_interpreter(config.KERNEL_NAME)[0].endswith("python")
    finally:
        template.stop()


@pytest.mark.slow
def test_the_notebooks_of_a_run_load_the_frames_its_input_check_validated(ws, tmp_path):
    """The run's input check validates the folder once; its kernels get the same frames
    from it (loaders.validated), and a notebook by hand (no variable) validates itself."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    data = tmp_path / "valid"
    shutil.copytree(Path(__file__).resolve().parents[1] / "fixtures" / "io" / "valid", data)
    for old in ws.notebooks.glob("*.ipynb"):
        old.unlink()
    params = ('year = 2016  # y\ndata_dir = "."  # d\noutput_dir = "out"  # o\n'
              'seed = 1  # s\nmin_cell_size = 5  # m')  # fmt: skip
    check = ("import os\nfrom polars.testing import assert_frame_equal\n"
             "from ruwaard_analysis import config, loaders\n"
             "from ruwaard_analysis.loaders import validated\n"
             "saved = validated.lookup(data_dir, ['wellbeing', 'cases'])\n"
             "assert os.environ[config.VALIDATED_FRAMES_ENV] and saved is not None\n"
             "frames = loaders.load_folder(data_dir, sources=['wellbeing', 'cases'])\n"
             "assert list(frames) == ['wellbeing', 'cases']\n"
             "os.environ.pop(config.VALIDATED_FRAMES_ENV)\n"
             "fresh = loaders.load_folder(data_dir, sources=['wellbeing', 'cases'])\n"
             "for name in fresh:\n"
             "    assert_frame_equal(frames[name], fresh[name])\n")  # fmt: skip
    nb = new_notebook(cells=[new_code_cell(params, metadata={"tags": ["parameters"]}),
                             new_code_cell(check)])  # fmt: skip
    nb.metadata["kernelspec"] = {"name": config.KERNEL_NAME, "language": "python",
                                 "display_name": config.KERNEL_NAME}  # fmt: skip
    nb.metadata["ruwaard"] = {"sources": ["cases", "wellbeing"]}
    nbformat.write(nb, ws.notebooks / "01_frames.ipynb")
    result = ws.run(data_dir=data, validate=True, jobs=1)
    assert result.executed == ["01_frames"]
    log = json.loads((ws.reports / "2016" / "run_log.json").read_text())
    assert log["input_check"]["where"].startswith("fork of the kernel template")
    assert log["input_check"]["seconds"] > 0
