"""pyproject.toml (pip, the test path) and environment.yml (conda users) must agree."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]

# conda-forge names that differ from the PyPI requirement they stand for
CONDA_TO_PYPI = {"pandera-polars": "pandera[polars]"}
CONDA_ONLY = {"python", "pip", "quarto"}  # quarto: the `quarto` extra on PyPI


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+(?:\[[a-z,]+\])?)\s*(.*)$", req)
    assert m, req
    return m.group(1).lower(), m.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    reqs = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["dev"]
    return dict(_split(r) for r in reqs)


def _conda() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    out = {}
    deps = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next((d["pip"] for d in env["dependencies"] if isinstance(d, dict)), [])
    deps += [line for line in pip if not line.startswith("-")]  # PyPI-only packages
    for dep in deps:
        name, spec = _split(dep)
        if name in CONDA_ONLY:
            continue
        out[CONDA_TO_PYPI.get(name, name)] = spec
    return out


def test_same_dependencies_and_bounds():
    assert _conda() == _pyproject()


def test_conda_env_installs_the_package_itself_and_quarto():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    names = [_split(d)[0] for d in env["dependencies"] if isinstance(d, str)]
    assert "quarto" in names
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert any(line.startswith("-e .") for line in pip_section)


def test_quarto_is_an_optional_extra_not_a_dependency():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert not any("quarto" in r for r in data["project"]["dependencies"])
    assert any("quarto-cli" in r for r in data["project"]["optional-dependencies"]["quarto"])
