"""config: the project root is found from the working directory, as any installation sees it.

A non-editable install is simulated by copying the package into a fake site-packages folder
(``<venv>/lib/python3.11/site-packages``), where the old rule (the package's grandparent)
pointed at ``<venv>/lib/python3.11``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ruwaard_analysis import config


def make_project(folder: Path) -> Path:
    (folder / "notebooks").mkdir(parents=True)
    (folder / "_quarto.yml").write_text("project:\n  type: default\n")
    return folder


@pytest.fixture
def installed(tmp_path) -> Path:
    """The package as `pip install .` puts it: a copy in site-packages, no project around it."""
    site = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    shutil.copytree(config.PACKAGE_DIR, site / "ruwaard_analysis",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return site


def run_installed(site: Path, cwd: Path, *args: str, env: dict | None = None):
    environ = {k: v for k, v in os.environ.items() if k != config.ROOT_ENV}
    environ |= {"PYTHONPATH": str(site)} | (env or {})
    return subprocess.run([sys.executable, "-m", "ruwaard_analysis.cli", *args], cwd=cwd,
                          env=environ, capture_output=True, text=True, timeout=120)


def test_installed_package_writes_demo_data_into_the_project_of_the_working_directory(
        tmp_path, installed):
    project = make_project(tmp_path / "mijn-project")
    work = project / "notebooks"  # a subfolder: the nearest project upward counts
    done = run_installed(installed, work, "demo-data")
    assert done.returncode == 0, done.stderr
    assert (project / "data" / "raw" / "demo" / "cases.synthetic.csv").is_file()
    assert not (installed.parent / "data").exists()
    assert not (installed.parents[1] / "data").exists()


def test_ruwaard_root_overrides_the_working_directory(tmp_path, installed):
    here = make_project(tmp_path / "hier")
    there = make_project(tmp_path / "daar")
    done = run_installed(installed, here, "demo-data", env={config.ROOT_ENV: str(there)})
    assert done.returncode == 0, done.stderr
    assert (there / "data" / "raw" / "demo").is_dir()
    assert not (here / "data").exists()


def test_no_project_is_a_clear_error_not_a_folder_somewhere(tmp_path, installed):
    nowhere = tmp_path / "ergens"
    nowhere.mkdir()
    for args in (["demo-data"], ["run", "--year", "2017"], ["numbers", "--year", "2017"]):
        done = run_installed(installed, nowhere, *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "geen projectmap gevonden" in done.stderr
        assert "_quarto.yml" in done.stderr and config.ROOT_ENV in done.stderr
        assert "Traceback" not in done.stderr
    assert list(nowhere.iterdir()) == []
    assert not (installed.parents[1] / "data").exists()
    # commands that need no project still work
    out = tmp_path / "demo"
    done = run_installed(installed, nowhere, "demo-data", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert (out / "cases.synthetic.csv").is_file()


def test_find_project_root_walks_up_from_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv(config.ROOT_ENV, raising=False)
    project = make_project(tmp_path / "p")
    deep = project / "reports" / "2017"
    deep.mkdir(parents=True)
    assert config.find_project_root(deep, fallback=None) == project.resolve()
    half = tmp_path / "half"
    (half / "notebooks").mkdir(parents=True)  # notebooks/ without _quarto.yml is no project
    assert config.find_project_root(half, fallback=None) is None
    monkeypatch.setenv(config.ROOT_ENV, str(half))
    assert config.find_project_root(deep, fallback=None) == half.resolve()
