"""report.py: Quarto commands, a fake `quarto` on PATH, the nbconvert fallback without Quarto."""

from __future__ import annotations

import os
import shutil
import stat
import sys
from pathlib import Path

import pytest

from ruwaard_analysis import quarto_execute, report
from ruwaard_analysis.quarto_execute import Job
from ruwaard_analysis.report import build_report, find_quarto, quarto_commands

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"

FAKE_QUARTO = """#!/bin/sh
# says its version; records its arguments and working folder; like Quarto, leaves work files
# where it renders. `render FILE.qmd --to TO --output-dir DIR` writes DIR/reports/FILE.EXT;
# `render` alone renders the project in the working folder: every notebook of its render
# list (reports/NAME-TO.ipynb, as `ruwaard report` names them) to reports/NAME-TO.EXT
if [ "$1" = "--version" ]; then echo "{version}"; exit 0; fi
printf '%s\\n' "$*" >> "{log}"
printf 'QUARTO_PYTHON=%s\\n' "$QUARTO_PYTHON" >> "{log}"
printf 'cwd=%s\\n' "$(pwd)" >> "{log}"
ext_of() {{ case "$1" in typst) echo pdf;; revealjs) echo html;; *) echo "$1";; esac; }}
mkdir -p .quarto/xref
if [ $# -eq 1 ]; then
  for nb in reports/*.ipynb; do
    stem="${{nb%.ipynb}}"
    echo "gerenderd" > "$stem.$(ext_of "${{stem##*-}}")"
  done
  exit 0
fi
name=$(basename "$2" .qmd)
mkdir -p "reports/${{name}}_files/libs"
echo "{{}}" > "reports/$name.quarto_ipynb"
out=""; ext=""
while [ $# -gt 0 ]; do
  if [ "$1" = "--output-dir" ]; then out="$2"; fi
  if [ "$1" = "--to" ]; then ext=$(ext_of "$2"); fi
  shift
done
mkdir -p "$out/reports"
echo "gerenderd" > "$out/reports/$name.$ext"
"""

FAILING_QUARTO = """#!/bin/sh
if [ "$1" = "--version" ]; then echo "1.10.18"; exit 0; fi
mkdir -p .quarto reports/leergeschiedenis_files
echo "{}" > reports/leergeschiedenis.quarto_ipynb
echo "ERROR: kapotte render" >&2
exit 1
"""


def _tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def _script(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "quarto"
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def _fake_quarto_on_path(tmp_path: Path, monkeypatch) -> Path:
    """The fake Quarto 1.8.27 as ``$QUARTO_PATH``; returns the log of its arguments."""
    log = tmp_path / "quarto-args.log"
    monkeypatch.setenv("QUARTO_PATH", str(_script(tmp_path / "bin",
                                                  FAKE_QUARTO.format(log=log, version="1.8.27"))))
    return log


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A tiny project whose pipeline has run once (later runs come from the cache)."""
    root = tmp_path_factory.mktemp("project")
    (root / "data").mkdir()
    (root / "data" / "alpha.csv").write_text("value\n1\n2\n4.5\n")
    (root / "data" / "beta.csv").write_text("group,count\nb,7\na,5\n")
    (root / "lib").mkdir()
    (root / "lib" / "module.py").write_text("X = 1\n")
    shutil.copytree(FIXTURES / "ok", root / "notebooks")
    (root / "reports").mkdir()
    (root / "reports" / "leergeschiedenis.qmd").write_text("---\ntitle: test\n---\n")
    (root / "reports" / "stuurgroep.qmd").write_text("---\ntitle: deck\n---\n")
    kwargs = dict(
        data_dir=root / "data",
        min_cell_size=5,
        notebooks_dir=root / "notebooks",
        processed_dir=root / "processed",
        reports_dir=root / "reports",
        project_dir=root,
        progress=False,
        library_dir=root / "lib",
        validate=False,
        git_root=root,
        jobs=2,
    )
    from ruwaard_analysis.run import run_year

    run_year(2016, **{k: v for k, v in kwargs.items() if k != "project_dir"})
    return root, kwargs


def test_quarto_commands_are_the_documented_ones():
    assert quarto_commands(2016, "/opt/quarto/bin/quarto", output_dir=Path("/tmp/x")) == [
        ["/opt/quarto/bin/quarto", "render", "reports/leergeschiedenis.qmd", "--to", "html",
         "-P", "year:2016", "--output-dir", "/tmp/x"],
        ["/opt/quarto/bin/quarto", "render", "reports/leergeschiedenis.qmd", "--to", "typst",
         "-P", "year:2016", "--output-dir", "/tmp/x"],
    ]


def test_find_quarto_prefers_quarto_path_then_path(tmp_path):
    configured = _script(tmp_path / "conda" / "bin", FAILING_QUARTO)
    on_path = _script(tmp_path / "usr" / "bin", FAILING_QUARTO)
    env = {"QUARTO_PATH": str(configured), "PATH": str(on_path.parent)}
    assert find_quarto(env) == str(configured)
    assert find_quarto({"QUARTO_PATH": str(tmp_path / "conda"), "PATH": ""}) == str(configured)
    assert find_quarto({"PATH": str(on_path.parent)}) == str(on_path)
    assert find_quarto({"PATH": str(tmp_path / "empty")}) is None


def test_report_with_fake_quarto_renders_html_and_pdf_into_the_year_folder(
    project, tmp_path, monkeypatch, capsys
):
    root, kwargs = project
    log = tmp_path / "quarto-args.log"
    bindir = tmp_path / "bin"
    _script(bindir, FAKE_QUARTO.format(log=log, version="1.8.27"))
    monkeypatch.delenv("QUARTO_PATH", raising=False)
    monkeypatch.delenv("QUARTO_PYTHON", raising=False)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")

    before = _tree(root)
    assert build_report(2016, **kwargs) == 0
    calls = log.read_text().splitlines()
    # one `quarto render` per core (two here: the report's HTML; its PDF and the deck), each
    # in a throw-away project outside the project, with this venv's Python for Quarto
    processes = len(report._groups([Job("r.qmd", "html"), Job("r.qmd", "typst"),
                                    Job("d.qmd", "revealjs")]))
    assert [c for c in calls if not c.startswith(("QUARTO_PYTHON=", "cwd="))] == (
        ["render"] * processes)
    assert calls.count(f"QUARTO_PYTHON={sys.executable}") == processes  # the venv's kernel
    folders = [Path(c[len("cwd="):]) for c in calls if c.startswith("cwd=")]
    assert all(root not in f.parents and f != root for f in folders)
    assert not any(f.exists() for f in folders)  # removed afterwards
    year_dir = root / "reports" / "2016"
    assert (year_dir / "leergeschiedenis-2016.html").read_text() == "gerenderd\n"
    assert (year_dir / "leergeschiedenis-2016.pdf").read_text() == "gerenderd\n"
    # the stuurgroep deck beside the report (revealjs, one HTML file)
    assert (year_dir / "stuurgroep-2016.html").read_text() == "gerenderd\n"
    # nothing else in the tree: no work files of Quarto beside the sources
    assert _tree(root) - before == {"reports/2016/leergeschiedenis-2016.html",
                                    "reports/2016/leergeschiedenis-2016.pdf",
                                    "reports/2016/stuurgroep-2016.html",
                                    "reports/2016/render.json"}  # what was rendered from what
    captured = capsys.readouterr()
    assert "uit de cache" in captured.out and "Rapport geschreven" in captured.out
    assert "ouder dan" not in captured.err and "onbekend" not in captured.err


def test_an_old_quarto_renders_with_a_warning(project, tmp_path, monkeypatch, capsys):
    _, kwargs = project
    bindir = tmp_path / "bin"
    quarto = _script(bindir, FAKE_QUARTO.format(log=tmp_path / "log", version="1.6.40"))
    assert report.quarto_version(str(quarto)) == (1, 6, 40)
    monkeypatch.setenv("QUARTO_PATH", str(quarto))
    assert build_report(2016, **kwargs) == 0
    assert "Quarto 1.6.40 is ouder dan 1.8" in capsys.readouterr().err


def test_quarto_version_warnings():
    assert report.version_warning((1, 8, 0)) is None
    assert report.version_warning((2, 0)) is None
    assert "ouder dan 1.8" in report.version_warning((1, 7, 33))
    assert "onbekend" in report.version_warning(None)
    assert report.quarto_version("/does/not/exist/quarto") is None


def test_report_fails_when_quarto_fails(project, tmp_path, monkeypatch, capsys):
    _, kwargs = project
    bindir = tmp_path / "bin"
    _script(bindir, FAILING_QUARTO)
    monkeypatch.setenv("QUARTO_PATH", str(bindir / "quarto"))
    before = _tree(project[0])
    assert build_report(2016, **kwargs) == 1
    assert "quarto render mislukte (exitcode 1)" in capsys.readouterr().err
    assert _tree(project[0]) == before  # its work files are removed, nothing half-written


def test_work_files_that_were_there_before_stay(tmp_path):
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "x.qmd").write_text("---\ntitle: x\n---\n")
    (tmp_path / ".quarto").mkdir()  # someone's own Quarto run
    quarto = _script(tmp_path / "bin", FAILING_QUARTO)
    with pytest.raises(report.ReportError, match="mislukte"):
        report.render_document("reports/x.qmd", "html", tmp_path / "out" / "x.html",
                               quarto_bin=str(quarto), project_dir=tmp_path)
    assert (tmp_path / ".quarto").is_dir()
    assert not (tmp_path / "out").exists()


def test_report_without_quarto_writes_html_notebooks_and_says_how_to_install(
    project, tmp_path, monkeypatch, capsys
):
    root, kwargs = project
    monkeypatch.delenv("QUARTO_PATH", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    assert build_report(2016, **kwargs) == 0
    captured = capsys.readouterr()
    assert "conda install -c conda-forge quarto" in captured.err
    assert "https://quarto.org/docs/get-started/" in captured.err
    assert "1.8 of nieuwer" in captured.err
    html_dir = root / "reports" / "2016" / "html"
    assert sorted(p.name for p in html_dir.iterdir()) == [
        "01_alpha.html",
        "02_beta.html",
        "03_all.html",
        "index.html",
    ]
    assert "Gemiddelde alpha" in (html_dir / "01_alpha.html").read_text(encoding="utf-8")
    assert "01_alpha.html" in (html_dir / "index.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- through the CLI


def _cli(root: Path, *args: str):
    import subprocess
    import sys

    env = {**os.environ, "RUWAARD_ROOT": str(root)}
    return subprocess.run([sys.executable, "-m", "ruwaard_analysis.cli", *args], env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_cli_numbers_without_results_says_what_to_run(tmp_path):
    done = _cli(tmp_path, "numbers", "--year", "2016")
    assert done.returncode == 1
    assert "voer eerst `ruwaard run --year 2016` uit" in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_run_refuses_invalid_data_and_publishes_nothing(tmp_path):
    # The input check runs beside the notebooks (run/validation.py): notebooks may start,
    # but nothing reaches data/processed or reports/, and the error names the file.
    shutil.copytree(FIXTURES / "ok", tmp_path / "notebooks")
    data = tmp_path / "data" / "raw" / "mine"
    data.mkdir(parents=True)
    (data / "alpha.csv").write_text("value\n1\n")  # no source of the data contracts
    done = _cli(tmp_path, "run", "--year", "2016", "--data", str(data))
    assert done.returncode == 2, done.stderr
    errors = [line for line in done.stderr.splitlines() if not line.startswith("[")]
    assert errors[0].startswith("fout: ") and "alpha.csv" in done.stderr, done.stderr
    assert "[onbekende_bron]" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "data" / "processed" / "2016").exists()
    assert not (tmp_path / "reports" / "2016" / "notebooks").exists()


def test_an_unchanged_report_is_not_rendered_again_and_force_renders(
    project, tmp_path, monkeypatch, capsys
):
    root, kwargs = project
    log = _fake_quarto_on_path(tmp_path, monkeypatch)
    renders = lambda: sum(line.split()[:1] == ["render"] for line in log.read_text().splitlines())  # noqa: E731

    assert build_report(2016, **kwargs) == 0
    per = renders()  # the report's formats (and the deck, when the project has one)
    assert per >= 1
    capsys.readouterr()
    assert build_report(2016, **kwargs) == 0  # nothing changed: Quarto is not called
    assert renders() == per
    assert "Rapport ongewijzigd" in capsys.readouterr().out

    text = root / "reports" / "2016" / "tekst" / "inleiding.md"  # a researcher's text changed
    text.parent.mkdir(parents=True, exist_ok=True)
    text.write_text("Nieuwe inleiding.\n")
    assert build_report(2016, **kwargs) == 0
    assert renders() == 2 * per
    assert build_report(2016, **kwargs) == 0
    assert renders() == 2 * per

    html = root / "reports" / "2016" / "leergeschiedenis-2016.html"
    html.write_text("met de hand veranderd\n")  # an output changed by hand: rendered again
    assert build_report(2016, **kwargs) == 0
    assert renders() == 3 * per and html.read_text() == "gerenderd\n"

    assert build_report(2016, **{**kwargs, "force": True}) == 0
    assert renders() == 4 * per


def test_a_kernel_template_imports_only_the_modules_it_is_given():
    """The report's template imports what the report's cells use, not the notebooks' scipy."""
    import time

    from ruwaard_analysis.run.kernels import KernelTemplate

    with KernelTemplate("ruwaard-analysis", preload=("json", "no_such_module_here")) as t:
        if t.process is None:
            pytest.skip("no forking kernel template on this platform")
        deadline = time.monotonic() + 60
        while not os.path.exists(t.socket_path) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert set(t.import_seconds()) == {"json"}  # a missing module is skipped


@pytest.fixture
def templates(monkeypatch):
    """Every kernel template ``build_report`` starts early (the real ones)."""
    started = []

    def start_template(*args, **kwargs):
        started.append(real(*args, **kwargs))
        return started[-1]

    real = quarto_execute.start_template
    monkeypatch.setattr(quarto_execute, "start_template", start_template)
    return started


def _stopped(template) -> bool:
    return (template.process is None or template.process.poll() is not None) and (
        template.socket_path is None or not os.path.exists(os.path.dirname(template.socket_path)))


def test_the_reports_kernel_template_starts_before_the_pipeline_and_is_always_stopped(
    project, tmp_path, monkeypatch, templates
):
    root, kwargs = project
    _fake_quarto_on_path(tmp_path, monkeypatch)
    assert build_report(2016, **{**kwargs, "force": True}) == 0  # a render: started early
    assert len(templates) == 1 and _stopped(templates[0])
    assert build_report(2016, **kwargs) == 0  # current before the run: no template at all
    assert len(templates) == 1

    def failing_run(*args, **kwargs):
        raise RuntimeError("de pijplijn faalde")

    import ruwaard_analysis.run

    monkeypatch.setattr(ruwaard_analysis.run, "run_year", failing_run)
    with pytest.raises(RuntimeError, match="pijplijn"):
        build_report(2016, **{**kwargs, "force": True})
    assert len(templates) == 2 and _stopped(templates[1])  # stopped after a failure too


def test_no_kernel_template_without_quarto(project, tmp_path, monkeypatch, templates):
    root, kwargs = project
    monkeypatch.delenv("QUARTO_PATH", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    assert build_report(2016, **{**kwargs, "force": True}) == 0
    assert templates == []
