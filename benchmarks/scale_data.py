"""A data folder at national scale for ``bench_scale``: the demo folder with 1 million extra
cases and 10 million extra cost lines, generated with a seed (same seed, same bytes).

Every row is valid (so the whole validate path runs to its end, not to its first problem):
unique (case, scenario, item) per cost line, item codes of the packaged price list, dates
inside the programme years, a precondition per case. Nothing is downloaded; the folder goes
where the caller says (a temporary folder, never the repository).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

SEED = 20160512
N_CASES = 1_000_000
LINES_PER_CASE = 10
N_LINES = N_CASES * LINES_PER_CASE
FIRST_MDO, LAST_MDO = date(2016, 1, 4), date(2025, 12, 19)  # a decade of MDO's
_STEP = 61  # coprime with 4 scenarios x items: ten slots of a case are ten distinct pairs


def _demo_folder(folder: Path) -> dict[str, Path]:
    from ruwaard_analysis.demo import write_demo_dataset

    paths = write_demo_dataset(folder)
    return {p.name.split(".", 1)[0]: p for p in paths if p.suffix == ".csv"}


def _cases(rng: np.random.Generator, n: int) -> pl.DataFrame:
    span = (LAST_MDO - FIRST_MDO).days
    first = pl.lit(FIRST_MDO)
    pre = rng.random((n, 4)) < 0.35
    pre[~pre.any(axis=1), 0] = True  # at least one precondition
    analysed = rng.random(n) < 0.6
    return pl.DataFrame({
        "case_id": [f"NL-{i:07d}" for i in range(n)],
        "mdo_offset": rng.integers(0, span, n),
        "start_offset": rng.integers(0, 10, n),
        "analysis_offset": np.where(analysed, rng.integers(0, 10, n), -1),
        "precondition_wonen": pre[:, 0], "precondition_financien": pre[:, 1],
        "precondition_relaties": pre[:, 2], "precondition_dagbesteding": pre[:, 3],
        "in_random_sample": rng.random(n) < 0.1,
    }).select(
        "case_id",
        (first + pl.duration(days=pl.col("mdo_offset"))).alias("mdo_date"),
        "start_offset", "analysis_offset",
        pl.exclude("case_id", "mdo_offset", "start_offset", "analysis_offset"),
    ).select(
        "case_id", "mdo_date", pl.col("mdo_date").dt.year().alias("mdo_year"),
        (pl.col("mdo_date") + pl.duration(days=pl.col("start_offset"))
         ).alias("solution_start_date"),
        "precondition_wonen", "precondition_financien", "precondition_relaties",
        "precondition_dagbesteding", "in_random_sample",
        pl.when(pl.col("analysis_offset") >= 0)
        .then(pl.col("mdo_date") + pl.duration(days=pl.col("analysis_offset")))
        .alias("cost_analysis_date"),
    )


def _cost_lines(rng: np.random.Generator, case_ids: pl.Series, items: np.ndarray,
                scenarios: tuple[str, ...]) -> pl.DataFrame:
    n_cases = case_ids.len()
    pairs = len(scenarios) * len(items)
    offset = np.repeat(rng.integers(0, pairs, n_cases), LINES_PER_CASE)
    slot = np.tile(np.arange(LINES_PER_CASE), n_cases)
    pair = (offset + slot * _STEP) % pairs
    quantity = np.round(rng.lognormal(1.0, 1.0, n_cases * LINES_PER_CASE), 1)
    return pl.DataFrame({
        "case_id": case_ids.gather(np.repeat(np.arange(n_cases), LINES_PER_CASE)),
        "scenario": np.asarray(scenarios)[pair % len(scenarios)],
        "item_code": items[pair // len(scenarios)],
        "quantity": quantity,
    })


def make_folder(folder: Path, n_cases: int = N_CASES, seed: int = SEED) -> dict[str, int]:
    """Write the scale folder into ``folder`` (created); returns the row counts written."""
    from ruwaard_analysis import config
    from ruwaard_analysis.vocabulary import SCENARIOS

    folder = Path(folder)
    paths = _demo_folder(folder)
    rng = np.random.default_rng(seed)
    items = pl.read_csv(config.REFERENCE_DIR / "price_list.csv").get_column("item_code")
    demo_cases = pl.read_csv(paths["cases"], infer_schema=False)
    demo_lines = pl.read_csv(paths["cost_lines"], infer_schema=False)
    cases = _cases(rng, n_cases)
    lines = _cost_lines(rng, cases.get_column("case_id"), items.to_numpy(), SCENARIOS)
    with paths["cases"].open("wb") as out:
        demo_cases.write_csv(out)
        cases.write_csv(out, include_header=False, date_format="%Y-%m-%d")
    with paths["cost_lines"].open("wb") as out:
        demo_lines.write_csv(out)
        lines.write_csv(out, include_header=False)
    return {"cases": demo_cases.height + cases.height,
            "cost_lines": demo_lines.height + lines.height}
