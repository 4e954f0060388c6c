"""The manifest of a year and the merged ``key_figures.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import PipelineError
from .fingerprint import source_key
from .plan import YearPlan, declared_parameters

MANIFEST_SCHEMA = 1
RESERVED_OUTPUTS = ("manifest.json", "key_figures.json")


def build_manifest(
    plan: YearPlan,
    notebook_outputs: dict[str, dict[str, str]],
    outputs: dict[str, str],
    commit: str | None,
) -> dict[str, Any]:
    return {
        "schema": MANIFEST_SCHEMA,
        "year": plan.year,
        "parameters": plan.parameters,
        "inputs": {
            name: {"sha256": digest,
                   "sources": list(plan.input_sources.get(name) or (source_key(Path(name)),))}
            for name, digest in plan.inputs.items()
        },
        "reference_data": plan.reference_data,
        "library_sha256": plan.library_sha256,
        "packages": plan.packages,
        "git_commit": commit,
        "notebooks": {
            nb.name: {
                "file": nb.path.name,
                "sha256": nb.sha256,
                "sources": None if nb.sources is None else list(nb.sources),
                "inputs": list(nb.inputs),
                "cache_key": nb.cache_key,
                "outputs": notebook_outputs[nb.name],
            }
            for nb in plan.notebooks
        },
        "outputs": outputs,
        # the parameters a notebook declares beyond those the run sets (e.g. the cost
        # assumptions of 02), with the values it ran with: printed in the Verantwoording
        "notebook_parameters": {
            nb.name: {k: v for k, v in sorted(declared_parameters(nb.path).items())
                      if k not in plan.parameters and k != "output_dir"}
            for nb in plan.notebooks
        },
    }


def same_except_commit(a: dict[str, Any] | None, b: dict[str, Any]) -> bool:
    if a is None:
        return False
    strip = lambda m: {k: v for k, v in m.items() if k != "git_commit"}  # noqa: E731
    return strip(a) == strip(b)


def merge_key_figures(final: Path, owner: dict[str, str]) -> None:
    """Merge ``key_figures/*.json`` into ``key_figures.json`` (names must be unique)."""
    from ..results import write_json

    merged: dict[str, Any] = {}
    seen: dict[str, str] = {}
    folder = final / "key_figures"
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            figures = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise PipelineError(
                f"{path.name} van notebook {owner.get('key_figures/' + path.name)} "
                f"is geen geldige JSON: {exc}"
            ) from exc
        for name, figure in figures.items():
            if name in seen:
                raise PipelineError(
                    f"kengetal {name!r} komt voor in {seen[name]} en in {path.name}"
                )
            seen[name] = path.name
            merged[name] = figure
    write_json(final / "key_figures.json", merged)


