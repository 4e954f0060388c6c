"""docs/architecture.md shows the layer contract that import-linter enforces (pyproject.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _contracts() -> list[dict]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["tool"]["importlinter"]["contracts"]


def test_docs_show_the_layers_of_the_contract():
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    block = "\n".join(line.replace("ruwaard_analysis.", "") for line in layers)
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert f"```\n{block}\n```" in doc, "docs/architecture.md: the layer list differs"


def test_docs_name_every_forbidden_import():
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for contract in _contracts():
        if contract["type"] == "forbidden":
            assert f"- {contract['name']}" in doc, contract["name"]


def test_every_module_of_the_package_is_in_a_layer():
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    named = {m.strip().removeprefix("ruwaard_analysis.") for line in layers
             for m in line.replace(":", "|").split("|")}
    package = ROOT / "src" / "ruwaard_analysis"
    modules = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    modules |= {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
    assert modules <= named, f"modules in no layer of pyproject.toml: {sorted(modules - named)}"


# What reads a file: open(), Path.read_text/read_bytes, json.load, and the readers of polars,
# pandas and pyarrow. (The import contract keeps present away from results and loaders; this
# keeps it from reading a file by itself.)
_READERS = {"open", "read_text", "read_bytes", "load", "read_parquet", "read_csv",
            "read_excel", "read_json", "read_ipc", "scan_parquet", "scan_csv", "read_table"}


def test_present_reads_no_files():
    import ast

    found = []
    for path in sorted((ROOT / "src" / "ruwaard_analysis" / "present").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = (node.func.attr if isinstance(node.func, ast.Attribute)
                        else getattr(node.func, "id", None))
                if name in _READERS:
                    found.append(f"{path.name}:{node.lineno} {name}()")
    assert not found, f"present/ reads files (give it data instead): {found}"
