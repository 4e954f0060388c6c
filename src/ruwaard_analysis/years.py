"""Year over year: the key figures of several report years side by side, with the change.

Read from the published results of each year (``data/processed/YEAR/key_figures.json`` and
the year's minimum cell size from its manifest), never typed. A year without results is
simply absent. Disclosure is respected per year: a figure suppressed in one year (or on fewer
people than that year's minimum cell size) shows "–" in that year, and no change is computed
from it.

Used by ``ruwaard numbers --year Y --compare X``, the report's section "Door de jaren" and the
stuurgroep deck. ``results.read_years`` reads the years (``YearFigures``); every function here
takes data and returns data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import polars as pl

from . import config
from .catalogue import in_display_order
from .results import YearFigures

# The key figures that tell the story over the years (the "Door de jaren" chart): cases and
# analyses growing, wellbeing before and after, the mean saving.
TREND_FIGURES: tuple[str, ...] = (
    "casussen_totaal",
    "casussen_steekproef",
    "kostenanalyses_aantal",
    "welbevinden_voormeting_gemiddeld",
    "welbevinden_nameting_gemiddeld",
    "welbevinden_verschil_gemiddeld",
    "kosten_besparing_per_jaar_gemiddeld",
    "bezoekers_per_week_gemiddeld",
)


# --------------------------------------------------------------------------- which years


def earlier_years(year: int) -> range:
    """Every report year of the proeftuin before ``year`` (from the programme's start)."""
    return range(config.PROGRAMME_YEARS[0], int(year))


# --------------------------------------------------------------------------- comparing


def is_hidden(record: Mapping[str, Any] | None, min_cell_size: int) -> bool:
    """True when a figure may not be shown: suppressed, or on too few people."""
    from .disclosure import is_small

    if record is None:
        return False
    people = record.get("n_unit") is None
    return bool(record.get("suppressed")) or (people and is_small(record.get("n"), min_cell_size))


def shown_value(record: Mapping[str, Any] | None, min_cell_size: int) -> float | None:
    """The value a reader may see, or None (absent or hidden)."""
    if record is None or is_hidden(record, min_cell_size):
        return None
    value = record.get("value")
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def value_text(record: Mapping[str, Any] | None, min_cell_size: int) -> str:
    """A figure's value in Dutch: "–" when absent this year, "<5" when suppressed."""
    from .present import fmt, labels

    if record is None:
        return labels.MISSING
    if is_hidden(record, min_cell_size):
        return labels.suppressed(min_cell_size)
    return fmt.fmt_value(record.get("value"), record.get("unit"), record.get("decimals"))


def figure_label(name: str, records: Iterable[Mapping[str, Any] | None]) -> str:
    """The Dutch label of a figure (the newest year that has one), else its name."""
    from .present.tables import _text

    for record in reversed(list(records)):
        if record and record.get("label"):
            return _text(record["label"])
    return name


def figure_unit(records: Iterable[Mapping[str, Any] | None]) -> str | None:
    for record in reversed(list(records)):
        if record and record.get("unit"):
            return record["unit"]
    return None


def change(
    old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, old_min: int, new_min: int
) -> float | None:
    """``new - old`` of a figure's values as they are shown (rounded as the year columns
    show them, so 2,9 -> 3,1 reads +0,2 and never +0,3), or None when either is absent or
    hidden."""
    from .present import fmt

    a, b = shown_value(old, old_min), shown_value(new, new_min)
    if a is None or b is None:
        return None
    unit = new.get("unit") or old.get("unit")
    decimals = new.get("decimals") if new.get("decimals") is not None else old.get("decimals")
    return fmt.as_shown(b, unit, decimals) - fmt.as_shown(a, unit, decimals)


def names_over(by_year: Mapping[int, YearFigures], names: Sequence[str] | None = None) -> list:
    """The figure names to show: ``names`` (those present in some year) or every figure of
    any year, in the steering group's order."""
    present = {name for yf in by_year.values() for name in yf.figures}
    if names is not None:
        return [n for n in names if n in present]
    return in_display_order(present)


def comparison_display(
    by_year: Mapping[int, YearFigures], names: Sequence[str] | None = None
) -> tuple[pl.DataFrame, bool]:
    """Key figures side by side: Kerncijfer | YEAR ... | Verschil LAST − PREVIOUS.

    Years in order; the change is between the two most recent years shown (absent when only
    one year has results). Returns the display frame (all strings) and whether any cell was
    suppressed (the caller adds the note that explains "<5").
    """
    from .present import fmt, labels

    years = sorted(by_year)
    rows: dict[str, list[str]] = {labels.HEADERS["key_figure"]: []}
    for year in years:
        rows[str(year)] = []
    change_col = (labels.HEADERS["change"].format(new=years[-1], old=years[-2])
                  if len(years) >= 2 else None)
    if change_col:
        rows[change_col] = []
    hidden_any = False
    for name in names_over(by_year, names):
        records = [by_year[y].figures.get(name) for y in years]
        rows[labels.HEADERS["key_figure"]].append(figure_label(name, records))
        for year, record in zip(years, records, strict=True):
            hidden = is_hidden(record, by_year[year].min_cell_size)
            hidden_any |= hidden
            rows[str(year)].append(value_text(record, by_year[year].min_cell_size))
        if change_col:
            old, new = by_year[years[-2]], by_year[years[-1]]
            diff = change(old.figures.get(name), new.figures.get(name),
                          old.min_cell_size, new.min_cell_size)
            rows[change_col].append(fmt.fmt_change(diff, figure_unit(records),
                                                   _decimals(records)))
    return pl.DataFrame(rows, schema={c: pl.String for c in rows}), hidden_any


def _decimals(records) -> int | None:
    for record in reversed(list(records)):
        if record and record.get("decimals") is not None:
            return int(record["decimals"])
    return None


def trend_frame(
    by_year: Mapping[int, YearFigures], names: Sequence[str] = TREND_FIGURES
) -> pl.DataFrame:
    """Long frame for the chart: ``name, label, unit, year, value`` of every figure of
    ``names`` in every year where it may be shown (hidden values are left out)."""
    rows = []
    for name in names_over(by_year, names):
        records = [by_year[y].figures.get(name) for y in sorted(by_year)]
        label, unit = figure_label(name, records), figure_unit(records)
        for year in sorted(by_year):
            value = shown_value(by_year[year].figures.get(name), by_year[year].min_cell_size)
            if value is not None:
                rows.append({"name": name, "label": label, "unit": unit or "",
                             "year": year, "value": value})
    schema = {"name": pl.String, "label": pl.String, "unit": pl.String, "year": pl.Int64,
              "value": pl.Float64}
    return pl.DataFrame(rows, schema=schema)


def comparison_lines(display: pl.DataFrame, title: str) -> list[str]:
    """A display frame as aligned text for the terminal (numbers right-aligned)."""
    from .present.tables import numeric_columns

    numeric = set(numeric_columns(display))
    header = list(display.columns)
    body = [[str(v) for v in row] for row in display.rows()]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if header[i] in numeric and i else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [title, line(header), "  ".join("-" * w for w in widths), *map(line, body)]
