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


def _our_imports(path: Path, package: Path) -> set[str]:
    """The modules (first level below ruwaard_analysis) that a file of ours imports."""
    import ast

    parts = path.relative_to(package).parts
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                names = (node.module or "").split(".")
                if names[0] != "ruwaard_analysis":
                    continue
                names = names[1:]
            else:
                names = [*parts[:-1][:len(parts) - node.level],
                         *(node.module.split(".") if node.module else [])]
            found |= {names[0]} if names else {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names
                      if a.name.startswith("ruwaard_analysis.")}
    return found


def test_the_module_table_names_what_each_module_imports():
    """docs/architecture.md, "Modules": the last column lists every module of ours that the
    module (or package) imports (the layer contract says what it may)."""
    import re

    package = ROOT / "src" / "ruwaard_analysis"
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = doc.split("## Modules", 1)[1].split("\n\n", 2)[1]
    problems = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`") or "everything" in cells[-1]:
            continue
        listed = {w.split(".")[0] for w in re.findall(r"[a-z_]+(?:\.[a-z_]+)?", cells[-1])}
        for name in re.findall(r"`([a-z_]+)(?:\.py|/)`", cells[0]):
            files = ([package / f"{name}.py"] if (package / f"{name}.py").is_file()
                     else sorted((package / name).glob("*.py")))
            inside = {p.stem for p in files}
            used = set().union(*(_our_imports(p, package) for p in files)) - inside - {name}
            if used - listed:
                problems.append(f"{name}: imports {sorted(used - listed)}, not in the table")
    assert not problems, problems
