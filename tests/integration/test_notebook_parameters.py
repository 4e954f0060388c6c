"""Notebook parameters in papermill's typed form: `papermill --help-notebook` lists each with its
type; the cost assumptions of notebook 02 are parameters; the run records them in the manifest."""

from __future__ import annotations

import ast
from pathlib import Path

import papermill as pm
import pytest

from ruwaard_analysis import config
from ruwaard_analysis.run.plan import declared_parameters

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
RUN_SETS = {"year": "int", "data_dir": "str", "output_dir": "str", "seed": "int",
            "min_cell_size": "int"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_parameter_has_a_type_and_a_help_text(path):
    params = pm.inspect_notebook(str(path))
    assert params, f"{path.name}: papermill finds no parameters"
    for name, p in params.items():
        assert p["inferred_type_name"] not in ("None", "", None), f"{path.name}: {name} untyped"
        assert p["help"], f"{path.name}: {name} has no help text"
    for name, type_name in RUN_SETS.items():
        assert params[name]["inferred_type_name"] == type_name, (path.name, name)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_papermill_reads_every_line_of_the_parameters_cell(path):
    """A help text with '=' makes papermill skip the line: each assignment must be listed."""
    import json

    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    tree = ast.parse("".join(cell["source"]))
    assigned = {node.target.id for node in tree.body if isinstance(node, ast.AnnAssign)}
    assert assigned == set(pm.inspect_notebook(str(path)))
    assert not [n for n in tree.body if isinstance(n, ast.Assign)], "use name: type = value"


def test_cost_assumptions_are_parameters_of_notebook_02():
    path = ROOT / "notebooks" / "02_maatschappelijke_kosten.ipynb"
    params = pm.inspect_notebook(str(path))
    expected = {"years": "int", "deadweight": "float", "attribution": "float",
                "drop_off": "float", "discount_rate": "float"}
    assert {k: params[k]["inferred_type_name"] for k in expected} == expected
    declared = declared_parameters(path)
    assert declared["discount_rate"] == config.DISCOUNT_RATE
    assert declared["years"] == 5 and declared["attribution"] == 1.0
    assert {k: float(params[k]["default"]) for k in expected} == {
        k: float(declared[k]) for k in expected}
