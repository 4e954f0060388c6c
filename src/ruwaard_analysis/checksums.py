"""sha256 of files and of the library's own code: what caches and manifests are keyed by.

At the bottom of the layers, so that the loaders (the validated frames of a run) and the run
(its fingerprints, manifests and cache keys) hash files and the library the same way.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

LIBRARY_SUFFIXES = (".py", ".csv", ".json", ".md", ".yml", ".yaml", ".toml")


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def library_files(library_dir: Path) -> dict[str, Path]:
    """Library source and packaged data that results depend on, ``{relative path: path}``
    (``library_dir``: the package folder, ``config.PACKAGE_DIR``)."""
    library_dir = Path(library_dir)
    files = {}
    for path in sorted(library_dir.rglob("*")):
        if (
            path.is_file()
            and path.suffix in LIBRARY_SUFFIXES
            and "__pycache__" not in path.parts
            and not path.name.startswith(".")
        ):
            files[path.relative_to(library_dir).as_posix()] = path
    return files
