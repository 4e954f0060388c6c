"""A file's headers to the canonical names of its contract (Dutch aliases); unknown,
doubled and missing columns are problems.
"""

from __future__ import annotations

import polars as pl

from ..contracts import (
    LINE,
    Col,
    Contract,
    normalize_name,
)
from ..errors import Problem


def map_headers(raw: pl.DataFrame, contract: Contract, file: str
                 ) -> tuple[pl.DataFrame, list[Problem]]:
    """Rename aliases to canonical names; report unknown, doubled and missing columns."""
    lookup = contract.header_map()
    rename: dict[str, str] = {}
    problems = []
    for col in raw.columns:
        if col == LINE:
            continue
        canonical = lookup.get(normalize_name(col))
        if canonical is None:
            problems.append(Problem(
                file, "onbekende_kolom",
                f"kolom hoort niet bij '{contract.key}'; verwacht: {', '.join(contract.names)}",
                1, col))
        elif canonical in rename.values():
            other = next(k for k, v in rename.items() if v == canonical)
            problems.append(Problem(
                file, "dubbele_kolom", f"kolom '{other}' en '{col}' zijn allebei {canonical}",
                1, col))
        else:
            rename[col] = canonical
    present = set(rename.values())
    for c in contract.columns:
        if c.name not in present and c.required and not _fillable(contract, c):
            aliases = ", ".join(c.aliases)
            problems.append(Problem(
                file, "ontbrekende_kolom",
                f"verplichte kolom ontbreekt (ook goed als kop: {aliases})", 1, c.name))
    df = raw.select(LINE, *[pl.col(k).alias(v) for k, v in rename.items()])
    df = df.with_columns(pl.lit(None, pl.String).alias(c.name)
                         for c in contract.columns if c.name not in present)
    return df.select(LINE, *contract.names), problems


def _fillable(contract: Contract, c: Col) -> bool:
    return contract.key == "ggd_indicators" and c.name == "indicator_label"
