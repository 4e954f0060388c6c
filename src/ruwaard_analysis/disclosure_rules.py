"""The kinds of disclosure rule of a published output (docs/disclosure.md): how the
publication gate (``disclosure.py``) checks a table, a key figure or a chart.

Each output's rule is part of its record in the output catalogue (``catalogue.py``): one
description per output. An output outside the catalogue gets the strict default of its kind
(about people, every numeric column a statistic, an ``n`` per row or data row required).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TableRule:
    """How a published table is checked.

    ``n_cols``: the counts of the people behind each row's statistics (per cell: per payer, per
    wave and domain, per moment; for a contrast or difference the smallest group in it); a row
    is suppressed when any of them is below the minimum cell size or missing.
    ``keys``: numeric columns that name the cell or the method (wave number, year, seed,
    confidence), not statistics about people; every other numeric column is a statistic and
    loses its value in a suppressed row. Text, dates and booleans are never statistics.
    ``cells``: statistics of a row that are about a smaller group than the row's ``n_cols``
    (``((columns, count_column), ...)``): those columns alone lose their value when the count
    of their group is below the minimum cell size, the rest of the row stays. The count
    columns are checked and not published.
    ``additive``: the rows are parts of a published total (per payer within a scenario): when a
    row is suppressed, also the smallest row of at least the minimum cell size in the same
    group is (complementary suppression: the total minus the shown parts would otherwise give
    the hidden part back; two hidden parts together cover at least the minimum of people).
    ``about_people=False`` (with ``reason``): area estimates, budgets, counts of weeks: no cell
    rule applies, but identifiers are still refused.
    """

    n_cols: tuple[str, ...] = ("n",)
    keys: tuple[str, ...] = ()
    cells: tuple[tuple[tuple[str, ...], str], ...] = ()
    additive: tuple[str, ...] | None = None
    about_people: bool = True
    reason: str = ""

    @property
    def cell_counts(self) -> tuple[str, ...]:
        """The count columns of ``cells`` (checked by the gate, never published)."""
        return tuple(dict.fromkeys(count for _, count in self.cells))


@dataclass(frozen=True)
class KeyFigureRule:
    """A key figure is about its ``n`` people unless ``about_people`` is False (``reason``)."""

    about_people: bool = True
    reason: str = ""


@dataclass(frozen=True)
class FigureRule:
    """How a published chart is checked: every data row of its Vega-Lite spec that carries a
    statistic (a number outside ``fixed_fields``: geometry such as angles or a zero line) must
    carry ``n_field``, the people behind it, at or above the minimum cell size; a row without it
    is a person or an unknown group and is refused (a chart of paired data shows the
    distribution, not each person)."""

    n_field: str = "n"
    fixed_fields: frozenset[str] = frozenset()
    about_people: bool = True
    reason: str = ""


RULE_KINDS: dict[str, type] = {"table": TableRule, "key_figure": KeyFigureRule,
                               "figure": FigureRule}
"""The rule class of each kind of output."""

# Why an output is not about people (shown with the rule in the executed notebooks).
NOT_PEOPLE_AREA = ("GGD-cijfers per gebied zijn modelschattingen (kleine-gebiedsschattingen), "
                   "geen tellingen van personen; CBS-gebiedscijfers zijn openbaar")
NOT_PEOPLE_BUDGET = "budgetten en inwonertallen van de wijk zeggen niets over een persoon"
NOT_PEOPLE_WEEKS = "bezoekers per week tellen weken, geen kenmerken van personen"
NOT_PEOPLE_INPUT = ("aantallen rijen en casussen per bron: tellingen (die het rapport onder de "
                    "minimale celgrootte als '<5' toont), geen statistiek over een persoon")
