"""Staging folders of a run: collecting, cleaning up leftovers, keeping a failed notebook.

The atomic swap itself is :func:`ruwaard_analysis.folders.replace_folder` (shared with the
demo data writer).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ..checksums import sha256_file
from ..errors import PipelineError
from ..folders import replace_folder
from .manifest import RESERVED_OUTPUTS
from .plan import YearPlan


def files_under(folder: Path) -> dict[str, Path]:
    """Every file below ``folder``, ``{relative posix path: path}`` sorted."""
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def remove_stale_staging(folder: Path, prefix: str) -> None:
    """Remove staging / old folders left by a run that was killed (its process is gone)."""
    for path in folder.glob(f"{prefix}*"):
        parts = path.name[len(prefix) :].split("-")
        if len(parts) >= 2 and parts[0] in ("staging", "old") and parts[1].isdigit():
            if int(parts[1]) != os.getpid() and not _pid_alive(int(parts[1])):
                shutil.rmtree(path, ignore_errors=True)


def keep_failed_notebook(
    nb_stage: Path, year_report_dir: Path, name: str, plan: YearPlan, log: Path,
    template_log: Path | None = None,
) -> Path | None:
    """Copy the failed executed notebook, the workers' log and the kernel template's (what its
    kernels printed: a kernel that died while starting) to ``reports/YEAR/failed/``."""
    failed = year_report_dir / "failed"
    failed.mkdir(parents=True, exist_ok=True)
    for source, copy in ((log, "workers.log"), (template_log, "kernels.log")):
        if source is not None and source.is_file():
            shutil.copyfile(source, failed / copy)
    nb = next(n for n in plan.notebooks if n.name == name)
    src = nb_stage / nb.path.name
    if not src.is_file():
        return None
    dest = failed / nb.path.name
    shutil.copyfile(src, dest)
    return dest




class Staging:
    """The two staging folders of a run, beside the folders they will replace.

    ``work/NAME`` is each executed notebook's ``output_dir``; ``result`` collects the year's
    outputs; ``notebooks`` the executed notebooks. :meth:`commit` swaps ``result`` and
    ``notebooks`` into place; leaving the ``with`` block removes whatever is left.
    """

    def __init__(self, year: int, results_dir: Path, executed_dir: Path):
        self.year = year
        self.results_dir = results_dir
        self.executed_dir = executed_dir
        results_dir.parent.mkdir(parents=True, exist_ok=True)
        executed_dir.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(results_dir.parent, f".{year}.")
        remove_stale_staging(executed_dir.parent, ".notebooks.")
        pid = os.getpid()
        self.root = Path(
            tempfile.mkdtemp(prefix=f".{year}.staging-{pid}-", dir=results_dir.parent)
        )
        self.notebooks = Path(
            tempfile.mkdtemp(prefix=f".notebooks.staging-{pid}-", dir=executed_dir.parent)
        )
        self.work = self.root / "work"
        self.result = self.root / "result"
        self.log = self.root / "workers.log"

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self.notebooks, ignore_errors=True)

    def output_dir(self, name: str) -> Path:
        """The (new, empty) ``output_dir`` of notebook ``name``."""
        out = self.work / name
        out.mkdir(parents=True)
        return out.resolve()

    def collect(
        self, plan: YearPlan, hits: set[str], old: dict[str, Any] | None
    ) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
        """Copy every notebook's outputs (new, or the cached ones) into ``result``.

        Returns ``(owner, notebook_outputs)``: which notebook wrote each file, and per notebook
        ``{relative path: sha256}``. Refuses reserved names and files written twice.
        """
        self.result.mkdir()
        owner: dict[str, str] = {}
        notebook_outputs: dict[str, dict[str, str]] = {}
        for nb in plan.notebooks:
            if nb.name in hits:
                rels = sorted(old["notebooks"][nb.name]["outputs"])
                sources = {rel: self.results_dir / rel for rel in rels}
                shutil.copyfile(self.executed_dir / nb.path.name, self.notebooks / nb.path.name)
            else:
                sources = files_under(self.work / nb.name)
            notebook_outputs[nb.name] = {}
            for rel, src in sources.items():
                if rel in RESERVED_OUTPUTS:
                    raise PipelineError(
                        f"notebook {nb.name} schreef {rel}; dat bestand schrijft de pipeline zelf"
                    )
                if rel in owner:
                    raise PipelineError(
                        f"notebooks {owner[rel]} en {nb.name} schrijven allebei {rel}: "
                        "namen van tabellen, figuren en kengetallen moeten uniek zijn"
                    )
                owner[rel] = nb.name
                dest = self.result / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)
                notebook_outputs[nb.name][rel] = sha256_file(dest)
        shutil.rmtree(self.work, ignore_errors=True)
        return owner, notebook_outputs

    def commit(self) -> None:
        """Swap the results and the executed notebooks into place."""
        replace_folder(self.result, self.results_dir)
        replace_folder(self.notebooks, self.executed_dir)
        shutil.rmtree(self.executed_dir.parent / "failed", ignore_errors=True)
