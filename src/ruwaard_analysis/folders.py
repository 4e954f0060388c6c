"""Replace a whole folder at once, so a reader never sees it half-written.

Used by the run (results and executed notebooks of a year) and by the demo data writer.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def replace_folder(new: Path, target: Path) -> None:
    """Replace folder ``target`` by ``new``: rename old aside, rename new in, delete old.

    ``new`` must be on the same file system as ``target`` (a sibling folder). When the rename
    of ``new`` fails, the old ``target`` is put back. The old folder is renamed to
    ``.NAME.old-PID`` first, so a process killed half-way leaves a recognisable leftover.
    """
    new, target = Path(new), Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        os.replace(target, old)
    try:
        os.replace(new, target)
    except OSError:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
