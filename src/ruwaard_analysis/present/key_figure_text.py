"""One key figure as Dutch text: the one formatter of the report's tables, the researchers'
placeholders and ``ruwaard numbers``, with the one suppression rule.

Rule: a key figure is hidden when it is flagged ``suppressed`` or when its ``n`` counts people
(no ``n_unit``) and is below the minimum cell size. A hidden figure shows neither its value nor
its interval; its n shows as "<5". An n that counts something else (``n_unit``, e.g. weeks) is
shown as it is, with its unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import config
from ..disclosure import is_small
from . import fmt, labels


@dataclass(frozen=True)
class KeyFigureText:
    """The parts of one key figure in Dutch; ``value`` and ``ci`` are "" when ``hidden``."""

    label: str
    value: str
    n: str
    ci: str
    hidden: bool


def is_hidden(record: Mapping[str, Any], min_cell_size: int = config.MIN_CELL_SIZE) -> bool:
    """The suppression rule of published key figures (see the module docstring)."""
    people = record.get("n_unit") is None
    return bool(record.get("suppressed")) or (people and is_small(record.get("n"), min_cell_size))


def label_text(value: Any) -> str:
    """Dutch text as given, or the label of a ``"group.value"`` key of ``present.labels``."""
    if not value:
        return labels.MISSING
    group, sep, key = str(value).partition(".")
    if sep and group in labels.GROUPS and key in labels.GROUPS[group]:
        return labels.GROUPS[group][key]
    return str(value)


def key_figure_text(
    record: Mapping[str, Any], min_cell_size: int = config.MIN_CELL_SIZE, *,
    n_with_unit: bool = False,
) -> KeyFigureText:
    """One ``key_figures.json`` record as Dutch text (formats of ``present.fmt`` per unit).

    ``n_with_unit``: an n that is not a count of people carries its unit ("53 weken").
    """
    hidden = is_hidden(record, min_cell_size)
    unit, decimals = record.get("unit"), record.get("decimals")
    value = record.get("value")
    if hidden:
        value_text = ""
    elif isinstance(value, bool) or not (value is None or isinstance(value, int | float)):
        value_text = str(value)
    else:
        value_text = fmt.fmt_value(value, unit, decimals)
    n, n_unit = record.get("n"), record.get("n_unit")
    if n is None:
        n_text = ""
    elif n_unit is None:
        n_text = fmt.fmt_count(n, min_cell_size)
    else:
        n_text = f"{fmt.fmt_int(n)} {n_unit}" if n_with_unit else fmt.fmt_int(n)
    low, high = record.get("ci_low"), record.get("ci_high")
    ci_text = ("" if hidden or low is None or high is None
               else fmt.fmt_value_ci(low, high, unit, decimals, confidence=None))
    return KeyFigureText(label_text(record.get("label") or record.get("name")),
                         value_text, n_text, ci_text, hidden)
