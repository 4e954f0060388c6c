"""Key figures: the named numbers the report and `ruwaard numbers` show, each with its n.

A key figure is a plain dict so it can go to JSON as is:
``{"value", "n", "unit", "label", "ci_low", "ci_high", "suppressed"}``. ``label`` is a key
of ``present.labels`` (the Dutch text lives in the output catalogue, ``catalogue.py``),
``unit`` one of ``vocabulary.UNITS``.
Disclosure control is applied where figures are written (``disclosure.suppress_key_figure``).
"""

from __future__ import annotations

import math

from . import vocabulary

UNITS = vocabulary.UNITS


def key_figure(
    value: float | int | None,
    *,
    n: int,
    unit: str,
    label: str,
    ci_low: float | None = None,
    ci_high: float | None = None,
    n_unit: str | None = None,
) -> dict:
    """One key figure. Refuses NaN and unknown units, so nothing silently reaches the report.

    ``n`` counts people unless ``n_unit`` says otherwise (e.g. ``"weeks"``); only counts of
    people fall under the minimum cell size, so only they are shown as "<5".
    """
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {UNITS}")
    for name, x in (("value", value), ("ci_low", ci_low), ("ci_high", ci_high)):
        if isinstance(x, float) and not math.isfinite(x):
            raise ValueError(f"key figure {label!r}: {name} is {x}")
    if n is None or n < 0:
        raise ValueError(f"key figure {label!r}: n must be a count, got {n!r}")
    if (ci_low is None) != (ci_high is None):
        raise ValueError(f"key figure {label!r}: give both CI bounds or neither")

    def plain(x):
        if x is None:
            return None
        return int(x) if isinstance(x, bool | int) or unit == "count" else float(x)

    record = {
        "value": plain(value),
        "n": int(n),
        "unit": unit,
        "label": label,
        "ci_low": plain(ci_low),
        "ci_high": plain(ci_high),
        "suppressed": False,
    }
    if n_unit is not None:
        record["n_unit"] = n_unit
    return record
