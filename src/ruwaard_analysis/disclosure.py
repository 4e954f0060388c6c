"""Small-cell suppression of everything published: tables, key figures and chart data.

Rule: a result computed on fewer than ``min_cell_size`` people (default
``config.MIN_CELL_SIZE`` = 5) is not published. Its values become null and it is shown as
"<5" (``present.labels.suppressed``). A missing ``n`` counts as too small.

Only primary suppression is done. Secondary suppression (hiding a second cell so the first
cannot be recovered from a total minus the others) is not needed here: the report publishes
means, differences and intervals per group, not additive tables of counts with margins.
Whoever adds such a table (counts per category plus a total) must add it.

The count ``n`` itself stays in the frame / record so that downstream code knows why a value
is missing; ``present.fmt.fmt_count`` shows it as "<5", never as the number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from ruwaard_analysis import config
from ruwaard_analysis.errors import PrivacyError, Problem
from ruwaard_analysis.present import labels

SUPPRESSED_COL = "suppressed"
# Keys of a key-figure record that are kept when it is suppressed; every other key is nulled.
KEY_FIGURE_KEEP = frozenset({"n", "unit", "label", "name", SUPPRESSED_COL, "display"})


def _too_small(n_col: str, min_cell_size: int) -> pl.Expr:
    return pl.col(n_col).is_null() | (pl.col(n_col) < min_cell_size)


def suppress_frame(
    df: pl.DataFrame,
    *,
    n_col: str = "n",
    value_cols: Iterable[str],
    min_cell_size: int = config.MIN_CELL_SIZE,
) -> pl.DataFrame:
    """Null ``value_cols`` in rows with ``n_col`` < ``min_cell_size`` and flag them.

    Adds (or updates, keeping earlier flags) a boolean column ``suppressed``.
    """
    value_cols = list(value_cols)
    missing = [c for c in [n_col, *value_cols] if c not in df.columns]
    if missing:
        raise KeyError(f"Kolommen ontbreken voor onderdrukking: {missing}; aanwezig: {df.columns}")
    flag = _too_small(n_col, min_cell_size)
    if SUPPRESSED_COL in df.columns:
        flag = flag | pl.col(SUPPRESSED_COL).fill_null(True)
    return df.with_columns(flag.alias(SUPPRESSED_COL)).with_columns(
        pl.when(pl.col(SUPPRESSED_COL)).then(None).otherwise(pl.col(c)).alias(c)
        for c in value_cols
    )


def is_small(n: Any, min_cell_size: int = config.MIN_CELL_SIZE) -> bool:
    """True when a count is missing or below the minimum cell size."""
    return n is None or n != n or n < min_cell_size


def suppress_key_figure(
    record: Mapping[str, Any], min_cell_size: int = config.MIN_CELL_SIZE
) -> dict[str, Any]:
    """A copy of a key figure (``{"value", "n", "ci_low", "ci_high", ...}``) safe to publish.

    When ``n`` is too small every key except ``KEY_FIGURE_KEEP`` is nulled (value, interval,
    anything else computed on the group), ``"suppressed"`` is True and ``"display"`` is "<5".
    Otherwise the record is returned with ``"suppressed": False``.
    """
    out = dict(record)
    if not is_small(out.get("n"), min_cell_size) and not out.get(SUPPRESSED_COL, False):
        out[SUPPRESSED_COL] = False
        return out
    for key in out:
        if key not in KEY_FIGURE_KEEP:
            out[key] = None
    out[SUPPRESSED_COL] = True
    out["display"] = labels.suppressed(min_cell_size)
    return out


def assert_no_small_cells(
    df: pl.DataFrame,
    *,
    n_col: str = "n",
    value_cols: Iterable[str],
    min_cell_size: int = config.MIN_CELL_SIZE,
    name: str = "tabel",
) -> None:
    """Raise ``PrivacyError`` if any row with a too small ``n`` still carries a value.

    ``name`` says which table or figure is checked; it appears in the error message.
    """
    value_cols = list(value_cols)
    has_value = pl.any_horizontal(pl.col(c).is_not_null() for c in value_cols)
    leaks = (
        df.with_row_index("_row")
        .filter(_too_small(n_col, min_cell_size) & has_value)
        .select("_row", n_col)
    )
    if leaks.is_empty():
        return
    problems = [
        Problem(
            file=name,
            rule="minimale_celgrootte",
            column=n_col,
            message=(
                f"rij {row + 1} heeft n = {n} (< {min_cell_size}) maar toont nog waarden in "
                f"{value_cols}; gebruik disclosure.suppress_frame"
            ),
        )
        for row, n in leaks.iter_rows()
    ]
    raise PrivacyError(problems)


def assert_key_figures_safe(
    figures: Mapping[str, Mapping[str, Any]], min_cell_size: int = config.MIN_CELL_SIZE
) -> None:
    """Raise ``PrivacyError`` if a key figure with a too small ``n`` still has a value."""
    problems = [
        Problem(
            file="key_figures",
            rule="minimale_celgrootte",
            column=name,
            message=f"n = {rec.get('n')} (< {min_cell_size}) maar het kerncijfer heeft nog waarden",
        )
        for name, rec in sorted(figures.items())
        if is_small(rec.get("n"), min_cell_size)
        and any(rec.get(k) is not None for k in rec if k not in KEY_FIGURE_KEEP)
    ]
    if problems:
        raise PrivacyError(problems)
