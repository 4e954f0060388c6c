"""A run's folder validated once: the frames its input check produced, reused by its kernels.

``ruwaard run`` checks the data folder against the contracts before anything is published
(``run.validation``), and then every notebook loads its sources with :func:`load_folder`, which
validates the same bytes again (0,1 to 0,3 s of CPU per notebook on the demo data, 13 s on a
folder with 10 million cost lines). The run's check therefore saves the validated frames of a
folder without problems (:func:`save`: one Arrow IPC file per source and an index), and
:func:`load_folder` returns them (:func:`lookup`) instead of checking again, only when all of
this holds:

- ``$RUWAARD_VALIDATED_FRAMES`` names the folder of saved frames. Only a run sets it, for the
  kernels of its own notebooks, and the folder is a temporary one of that run, removed when the
  run ends. A notebook run by hand (JupyterLab, papermill) has no such variable and validates
  itself, as before.
- the index was written by a check that found no problem in the folder (a check that found
  problems saves nothing: each notebook validates itself and fails with its own error, and the
  run reports the check's ``DataValidationError``),
- the key matches: the same folder (resolved path), the sha256 of every file in it now equal to
  the bytes that were checked, and the same library code (sha256 of the package's sources and
  reference data),
- every source asked for was checked (``load_folder(folder)`` with all sources is what the
  check ran; a subset of sources is the same frames of those sources: each source is checked
  on its own files, and the rules between files passed for the whole folder).

Nothing is kept in memory between calls: every call reads fresh frames (or validates).
While the check still runs, :func:`lookup` waits for its index (or for its verdict that there
is none).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import polars as pl

from .. import config
from ..checksums import library_files, sha256_file

ENV = config.VALIDATED_FRAMES_ENV  # "RUWAARD_VALIDATED_FRAMES"
INDEX = "index.json"
NONE = "none"  # written instead of the index when the check saved no frames
WAIT_SECONDS = 300.0  # at most this long for a check that is still running


def library_fingerprint(package_dir: Path = config.PACKAGE_DIR) -> str:
    """sha256 over the package's sources and packaged data (names and bytes)."""
    h = hashlib.sha256()
    for rel, path in library_files(package_dir).items():
        h.update(rel.encode() + b"\0" + sha256_file(path).encode() + b"\n")
    return h.hexdigest()


def folder_key(folder: Path) -> dict:
    """What the frames of ``folder`` depend on: its path, the sha256 of every file directly in
    it (data, ``metadata.json``, anything else) and the library code."""
    folder = Path(folder).resolve()
    files = {path.name: sha256_file(path) for path in sorted(folder.iterdir()) if path.is_file()}
    return {"folder": str(folder), "files": files, "library": library_fingerprint()}


def save(saved_dir: Path, key: dict, frames: dict[str, pl.DataFrame] | None) -> None:
    """Save the validated ``frames`` of the folder of ``key`` (None: none, the check found
    problems); the index (or the marker that there is none) is written last, atomically.
    ``key`` is :func:`folder_key` taken before the check read the files; the sources keep
    their order (that of :func:`load_folder`)."""
    saved_dir = Path(saved_dir)
    saved_dir.mkdir(parents=True, exist_ok=True)
    if frames is None:
        (saved_dir / NONE).touch()
        return
    for source, df in frames.items():
        df.write_ipc(saved_dir / f"{source}.arrow")
    tmp = saved_dir / (INDEX + ".tmp")
    tmp.write_text(json.dumps({"key": key, "sources": list(frames)}), encoding="utf-8")
    os.replace(tmp, saved_dir / INDEX)


def lookup(folder: Path, sources: list[str] | None) -> dict[str, pl.DataFrame] | None:
    """The saved frames of ``folder`` (only ``sources``), or None: validate (module doc)."""
    saved = os.environ.get(ENV)
    if not saved:
        return None
    saved_dir = Path(saved)
    deadline = time.monotonic() + WAIT_SECONDS
    while not (saved_dir / INDEX).is_file():
        if (saved_dir / NONE).exists() or not saved_dir.is_dir() \
                or time.monotonic() > deadline:  # fmt: skip
            return None
        time.sleep(0.005)
    try:
        index = json.loads((saved_dir / INDEX).read_text(encoding="utf-8"))
        wanted = index["sources"] if sources is None else list(sources)
        if not set(wanted) <= set(index["sources"]) or index["key"] != folder_key(folder):
            return None
        # read into memory (not mapped): the run removes its files when it ends
        return {source: pl.read_ipc((saved_dir / f"{source}.arrow").read_bytes())
                for source in wanted}  # fmt: skip
    except (OSError, ValueError, KeyError):
        return None
