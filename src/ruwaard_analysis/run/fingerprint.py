"""Fingerprints of what results depend on: input files, library, packages, git commit."""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .. import config
from ..errors import PipelineError

INPUT_SUFFIXES = (".csv", ".xlsx", ".parquet")
PACKAGES = (
    "ruwaard-analysis",
    "polars",
    "pandas",
    "pyarrow",
    "numpy",
    "scipy",
    "statsmodels",
    "pandera",
    "altair",
    "vl-convert-python",
    "great-tables",
    "papermill",
    "nbformat",
    "nbclient",
    "ipykernel",
)


def sha256_json(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def source_key(path: Path) -> str:
    """Source key of an input file: its name up to the first ``.``."""
    return path.name.split(".", 1)[0]


def find_inputs(data_dir: Path) -> dict[str, Path]:
    """Input files directly in ``data_dir``, ``{file name: path}`` sorted by name."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise PipelineError(
            f"datamap {data_dir} bestaat niet. Maak de demodata met `ruwaard demo-data` "
            "of geef een map met --data"
        )
    found = {}
    for path in sorted(data_dir.iterdir()):
        if (
            path.is_file()
            and path.suffix.lower() in INPUT_SUFFIXES
            and not path.name.startswith((".", "~$"))
        ):
            found[path.name] = path
    return found


def package_versions(names: Iterable[str] = PACKAGES) -> dict[str, str | None]:
    """Installed versions of the packages results depend on (None when not installed)."""
    from importlib import metadata

    versions: dict[str, str | None] = {"python": sys.version.split()[0]}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_commit(root: Path = config.PROJ_ROOT) -> str | None:
    """The commit checked out in ``root`` (read-only ``git rev-parse``), or None outside git."""
    import subprocess

    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    if out.returncode != 0 or len(commit) != 40:
        return None
    # The commit only counts when root itself is inside that work tree (not a parent repo's).
    top = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--show-toplevel"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    ).stdout.strip()
    if not top or not Path(root).resolve().is_relative_to(Path(top).resolve()):
        return None
    return commit


