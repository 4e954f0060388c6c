"""The plan of a run: which notebooks, what each depends on, its cache key, cache hits."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import config
from ..checksums import library_files, sha256_file
from ..errors import DataValidationError, PipelineError, Problem
from ..sheets import file_sources
from .fingerprint import find_inputs, package_versions, sha256_json


def find_notebooks(notebooks_dir: Path = config.NOTEBOOKS_DIR) -> list[Path]:
    """The analysis notebooks, sorted by name (drafts ``_*`` and hidden files skipped)."""
    notebooks_dir = Path(notebooks_dir)
    if not notebooks_dir.is_dir():
        raise PipelineError(f"notebookmap {notebooks_dir} bestaat niet")
    return [p for p in sorted(notebooks_dir.glob("*.ipynb")) if not p.name.startswith(("_", "."))]


def notebook_sources(path: Path) -> list[str] | None:
    """Source keys declared in ``metadata.ruwaard.sources`` (None = depends on all inputs)."""
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PipelineError(
            f"notebook {Path(path).name} is geen leesbaar .ipynb-bestand: {exc}"
        ) from exc
    sources = (nb.get("metadata") or {}).get("ruwaard", {}).get("sources")
    if sources is None:
        return None
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise PipelineError(
            f"notebook {Path(path).name}: metadata.ruwaard.sources moet een lijst met "
            f"bronnamen zijn, niet {sources!r}"
        )
    return sorted(set(sources))


def declared_parameters(path: Path) -> dict[str, Any]:
    """The parameters of a notebook's ``parameters`` cell with their default values (literals
    only, in papermill's typed form ``name: type = value  # help``)."""
    import ast

    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if "parameters" in (cell.get("metadata") or {}).get("tags", []):
            source = cell.get("source", "")
            tree = ast.parse("".join(source) if isinstance(source, list) else source)
            found: dict[str, Any] = {}
            for node in tree.body:
                target = (node.target if isinstance(node, ast.AnnAssign)
                          else node.targets[0] if isinstance(node, ast.Assign) else None)
                if isinstance(target, ast.Name) and node.value is not None:
                    try:
                        found[target.id] = ast.literal_eval(node.value)
                    except ValueError:
                        continue
            return found
    return {}


@dataclass(frozen=True)
class NotebookPlan:
    """One notebook of a run: what it depends on and its cache key."""

    name: str
    path: Path
    sha256: str
    sources: tuple[str, ...] | None
    inputs: tuple[str, ...]
    cache_key: str


@dataclass(frozen=True)
class YearPlan:
    """Everything known about a run before anything executes."""

    year: int
    parameters: dict[str, Any]
    inputs: dict[str, str]  # file name -> sha256
    library_sha256: str
    reference_data: dict[str, str]
    packages: dict[str, str | None]
    notebooks: tuple[NotebookPlan, ...]
    input_sources: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name -> sources


def _display_path(path: Path) -> str:
    path = Path(path).resolve()
    try:
        return path.relative_to(config.PROJ_ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def _input_hashes(paths: dict[str, Path]) -> dict[str, str]:
    """sha256 of every input; an unreadable one is a data problem, named, not a traceback."""
    hashes, problems = {}, []
    for name, path in paths.items():
        try:
            hashes[name] = sha256_file(path)
        except PermissionError:
            problems.append(Problem(name, "bestand_onleesbaar",
                                    "geen leesrechten voor dit bestand; vraag de beheerder van "
                                    "de map om leesrechten of kopieer het bestand"))
        except OSError as exc:
            problems.append(Problem(name, "bestand_onleesbaar",
                                    f"bestand kan niet gelezen worden: {exc.strerror or exc}"))
    if problems:
        raise DataValidationError(problems)
    return hashes


def plan_year(
    year: int,
    *,
    data_dir: Path,
    seed: int,
    min_cell_size: int,
    notebooks_dir: Path = config.NOTEBOOKS_DIR,
    library_dir: Path = config.PACKAGE_DIR,
    kernel_name: str = config.KERNEL_NAME,
) -> YearPlan:
    """Hash inputs, library and notebooks and compute each notebook's cache key (no execution)."""
    notebooks = find_notebooks(notebooks_dir)
    if not notebooks:
        raise PipelineError(f"geen notebooks (*.ipynb) gevonden in {notebooks_dir}")
    input_paths = find_inputs(data_dir)
    inputs = _input_hashes(input_paths)
    provides = {name: file_sources(p) for name, p in input_paths.items()}  # workbooks: many
    lib = {rel: sha256_file(p) for rel, p in library_files(library_dir).items()}
    library_sha = sha256_json(lib)
    reference = {
        rel.split("/", 1)[1]: h for rel, h in lib.items() if rel.startswith("reference_data/")
    }
    packages = package_versions()
    parameters = {
        "year": int(year),
        "data_dir": _display_path(data_dir),
        "seed": int(seed),
        "min_cell_size": int(min_cell_size),
        "kernel_name": kernel_name,
    }
    plans = []
    for path in notebooks:
        sources = notebook_sources(path)
        if sources is None:
            deps = tuple(inputs)
        else:
            deps = tuple(n for n in inputs if set(provides[n]) & set(sources))
        nb_sha = sha256_file(path)
        key = sha256_json(
            {
                "notebook": nb_sha,
                "sources": sources,
                "inputs": {n: inputs[n] for n in deps},
                "library": library_sha,
                "packages": packages,
                "parameters": parameters,
            }
        )
        plans.append(
            NotebookPlan(
                path.stem, path, nb_sha, None if sources is None else tuple(sources), deps, key
            )
        )
    return YearPlan(int(year), parameters, inputs, library_sha, reference, packages, tuple(plans),
                    provides)


def read_old_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def cache_hit(
    plan: NotebookPlan, old: dict[str, Any] | None, old_results: Path, old_notebooks: Path
) -> bool:
    if old is None:
        return False
    entry = old.get("notebooks", {}).get(plan.name)
    if not entry or entry.get("cache_key") != plan.cache_key:
        return False
    if not (old_notebooks / plan.path.name).is_file():
        return False
    for rel, digest in entry.get("outputs", {}).items():
        path = old_results / rel
        if not path.is_file() or sha256_file(path) != digest:
            return False
    return True


