"""The README's example works as written (with the demo folder redirected to a temp dir)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_has_one_python_example():
    assert len(_python_blocks()) == 1


def test_readme_example_runs(tmp_path, monkeypatch, capsys):
    from ruwaard_analysis import config

    monkeypatch.setattr(config, "DEMO_DIR", tmp_path / "demo")
    exec(compile(_python_blocks()[0], "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "cases" in out and "wellbeing" in out
    assert "mean_diff" in out or "n" in out


def test_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test" in readme
    assert re.search(r"^make test\s*$", ci, flags=re.M)
