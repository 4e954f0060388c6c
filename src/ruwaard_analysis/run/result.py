"""What a run did (:class:`RunResult`), its Dutch summary and ``run_log.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path


@dataclass
class RunResult:
    """What a run did. ``executed`` and ``cached`` list notebook names."""

    year: int
    executed: list[str]
    cached: list[str]
    results_dir: Path
    notebooks_dir: Path
    manifest_path: Path
    seconds: float
    changed: bool
    timings: dict[str, dict[str, float | None]] = field(default_factory=dict)
    kernel_template_imports: dict[str, float] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)
    input_check: dict = field(default_factory=dict)

    def summary(self) -> str:
        """A short Dutch account of the run for the terminal."""
        secs = f"{self.seconds:.1f}".replace(".", ",")
        total = len(self.executed) + len(self.cached)
        if not self.executed:
            head = (
                f"Jaar {self.year}: niets veranderd, alle {total} notebook(s) uit de cache "
                f"({secs} s)."
            )
            if self.changed:
                head = (
                    f"Jaar {self.year}: geen notebook opnieuw uitgevoerd, resultaten "
                    f"bijgewerkt ({secs} s)."
                )
        else:
            head = (
                f"Jaar {self.year}: {len(self.executed)} notebook(s) uitgevoerd "
                f"({', '.join(self.executed)}), {len(self.cached)} uit de cache, in {secs} s."
            )
        return (
            f"{head}\nResultaten: {self.results_dir}\nUitgevoerde notebooks: {self.notebooks_dir}"
        )


def write_run_log(year_report_dir: Path, result: RunResult) -> None:
    """Timings of the last run (not part of the determinism promise)."""
    from datetime import datetime

    year_report_dir.mkdir(parents=True, exist_ok=True)
    log = {
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "executed": result.executed,
        "cached": result.cached,
        "seconds_total": round(result.seconds, 3),
        "seconds_per_notebook": {n: t["seconds"] for n, t in result.timings.items()},
        # until the notebook's first cell ran: kernel start (forked or fresh) and papermill
        "kernel_start_seconds": {n: t["kernel_start"] for n, t in result.timings.items()},
        # the part of kernel_start spent waiting for the template's imports (the notebooks that
        # start first ask before it is ready; 0 without a template)
        "kernel_template_wait_seconds": {n: t.get("template_wait")
                                         for n, t in result.timings.items()},
        # the cells that import something (in a forked kernel most imports are done already)
        "import_cell_seconds": {n: t["import_cells"] for n, t in result.timings.items()},
        # imports the kernel template did once for all notebooks of the run ({}: no template)
        "kernel_template_import_seconds": round(sum(result.kernel_template_imports.values()), 3),
        "kernel_template_imports": result.kernel_template_imports,
        "results_changed": result.changed,
        # seconds from the start of the run until: template and chart renderer started; the
        # plan made (inputs hashed, cache looked up); the template ready (its imports done: no
        # kernel starts before); every notebook done; results collected, hashed, in place
        "phases_seconds": result.phases,
        # where the inputs were checked against the data contracts, and how long it took
        "input_check": result.input_check,
    }
    (year_report_dir / "run_log.json").write_text(
        json.dumps(log, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )


