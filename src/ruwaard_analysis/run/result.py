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
    timings: dict[str, float] = field(default_factory=dict)

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
        "seconds_per_notebook": result.timings,
        "results_changed": result.changed,
    }
    (year_report_dir / "run_log.json").write_text(
        json.dumps(log, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )


