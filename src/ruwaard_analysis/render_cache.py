"""Whether a year's rendered report is still current, so ``ruwaard report`` can skip Quarto.

A render depends on: the published results (``data/processed/*/manifest.json``: every output's
sha256, the parameters, the packages), the report sources (``_quarto.yml``, everything under
``reports/`` that is not generated: the ``.qmd``, ``assets/``, the researchers' texts in
``reports/*/tekst/``), the library source, which Quarto renders (its path, size and mtime; no
``quarto --version`` call, which costs a second), ``QUARTO_PYTHON`` and the Python whose kernel
runs the report's cells (``ruwaard report`` runs them itself, :mod:`.quarto_execute`). Their
sha256 is the render key. After a render, ``reports/YEAR/render.json`` records the key and the
sha256 of each rendered file; the next ``ruwaard report`` renders again only when the key
changed or a rendered file is missing or was changed (``--force`` always renders). A failed
render needs no clean-up here: the record keeps the old key, which no longer matches.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from . import config
from .checksums import library_files, sha256_file
from .run.fingerprint import sha256_json

RECORD = "render.json"
# generated below reports/: never an input of the render
GENERATED_DIRS = ("notebooks", "html", "failed", "voorproef", ".quarto")
GENERATED_SUFFIXES = (".html", ".pdf", ".quarto_ipynb")


def report_sources(project_dir: Path) -> dict[str, Path]:
    """The files a render reads besides the results, ``{relative path: path}``."""
    project_dir = Path(project_dir)
    found = {}
    quarto_yml = project_dir / "_quarto.yml"
    if quarto_yml.is_file():
        found["_quarto.yml"] = quarto_yml
    reports = project_dir / "reports"
    for path in sorted(reports.rglob("*")) if reports.is_dir() else []:
        rel = path.relative_to(project_dir)
        parts = rel.parts[1:]
        if (
            not path.is_file()
            or any(p in GENERATED_DIRS or p.endswith("_files") for p in parts[:-1])
            or path.name in (RECORD, "run_log.json")
            or path.suffix in GENERATED_SUFFIXES
            or path.name.startswith(".")
        ):
            continue
        found[rel.as_posix()] = path
    return found


def render_key(quarto_bin: str, *, project_dir: Path, processed_dir: Path,
               library_dir: Path = config.PACKAGE_DIR, formats=()) -> str:  # fmt: skip
    """sha256 over everything a render of the report depends on (see the module docstring)."""
    quarto = Path(quarto_bin)
    try:
        stat = quarto.resolve().stat()
        quarto_id = [str(quarto.resolve()), stat.st_size, stat.st_mtime_ns]
    except OSError:
        quarto_id = [str(quarto)]
    manifests = {
        p.parent.name: sha256_file(p) for p in sorted(Path(processed_dir).glob("*/manifest.json"))
    }
    return sha256_json({
        "results": manifests,
        "sources": {rel: sha256_file(p) for rel, p in report_sources(project_dir).items()},
        "library": {rel: sha256_file(p) for rel, p in library_files(library_dir).items()},
        "quarto": quarto_id,
        "quarto_python": os.environ.get("QUARTO_PYTHON"),
        "cells_python": sys.executable,
        "formats": [list(f) for f in formats],
    })  # fmt: skip


def is_current(year_dir: Path, key: str, required: list[Path]) -> bool:
    """The recorded render has this key, names every ``required`` output, and every output it
    names (the report's formats, the deck) is there, unchanged."""
    try:
        record = json.loads((Path(year_dir) / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if record.get("key") != key:
        return False
    files = record.get("outputs") or {}
    if not {p.name for p in required} <= set(files):
        return False
    return all((Path(year_dir) / name).is_file()
               and sha256_file(Path(year_dir) / name) == digest
               for name, digest in files.items())  # fmt: skip


def remember(year_dir: Path, key: str, outputs: list[Path]) -> None:
    """Record a finished render (after every output was written)."""
    record = {"key": key, "outputs": {p.name: sha256_file(p) for p in outputs}}
    path = Path(year_dir) / RECORD
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{RECORD}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)

