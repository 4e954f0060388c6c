"""A throw-away copy of the project (notebooks, report sources, demo data) for the benchmarks.

Nothing under the real ``data/`` or ``reports/`` is touched: the commands run with
``RUWAARD_ROOT`` pointing at the copy, exactly as a researcher runs them in a fresh clone.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
YEAR = 2017


def make_project(folder: Path) -> Path:
    """Copy ``_quarto.yml``, ``notebooks/`` and the report sources; write the demo data."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "_quarto.yml", folder / "_quarto.yml")
    shutil.copytree(ROOT / "notebooks", folder / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))  # fmt: skip
    shutil.copytree(
        ROOT / "reports", folder / "reports",
        ignore=shutil.ignore_patterns("notebooks", "html", "failed", "voorproef", "*.html",
                                      "*.pdf", "run_log.json", "render.json", ".quarto"),
    )  # fmt: skip
    (folder / "data" / "raw").mkdir(parents=True)
    run(["demo-data"], folder)
    return folder


def env_for(project: Path) -> dict[str, str]:
    env = {**os.environ, "RUWAARD_ROOT": str(project)}
    env.setdefault("QUARTO_PYTHON", sys.executable)
    return env


def run(args: list[str], project: Path, *, check: bool = True) -> float:
    """``ruwaard ARGS`` in a new process inside ``project``; wall seconds."""
    start = time.perf_counter()
    done = subprocess.run([str(BIN / "ruwaard"), *args], cwd=project, env=env_for(project),
                          capture_output=True, text=True)  # fmt: skip
    seconds = time.perf_counter() - start
    if check and done.returncode != 0:
        raise RuntimeError(f"ruwaard {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds


def timed(command: list[str], project: Path) -> float:
    """Any command in ``project`` (checked); wall seconds."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=project, env=env_for(project), capture_output=True,
                          text=True)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n"
                           f"{done.stderr[-4000:]}")  # fmt: skip
    return time.perf_counter() - start


def children_cpu() -> float:
    """CPU seconds (user + sys) of every finished, waited-for child process tree so far: the
    difference around a command is its CPU, which a loaded machine inflates far less than its
    wall time."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def median_of(n: int, measure) -> float:
    return statistics.median(measure() for _ in range(n))


def load_average() -> float:
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else float("nan")


def nl(x) -> str:
    """Dutch decimal comma for the tables."""
    return f"{x}".replace(".", ",")
