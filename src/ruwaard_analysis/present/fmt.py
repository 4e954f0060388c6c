"""Dutch number, money, percentage and date formats (babel, locale ``nl_NL``).

Decisions, so the report reads the same everywhere:

* Missing values (``None``, NaN) come out as ``labels.MISSING`` ("–"), never "nan" or "None";
  the functions do not raise on them, because a table with one unknown cell must still render.
* Rounding is half away from zero on the decimal value as written ("2,25" -> "2,3"), as readers
  and SPSS expect, not babel's default half-even; a result that rounds to zero never shows
  a minus sign ("-0,0").
* Money is ``€ 4.309``, the form Dutch government publications use: the euro sign, a
  non-breaking space (``NBSP``, U+00A0) so amount and sign never end up on two lines (HTML,
  PDF, terminal), then the amount. Negative money follows the Dutch CLDR pattern (symbol
  first): ``fmt_eur(-1250)`` gives "€ -1.250".
* Percentages have no space before "%" ("30%"), as in the Dutch CLDR pattern.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

from ruwaard_analysis.present import labels

LOCALE = "nl_NL"
CURRENCY = "€"
NBSP = "\u00a0"  # between the euro sign and its amount: they never break apart


def is_missing(x: object) -> bool:
    """True for None and NaN (floats, including numpy floats)."""
    if x is None:
        return True
    try:
        return math.isnan(x)  # type: ignore[arg-type]
    except TypeError:
        return False


def _rounded(x: float, decimals: int) -> Decimal:
    """``x`` rounded half away from zero, as written in decimal; never negative zero."""
    value = Decimal(repr(float(x))) if not isinstance(x, Decimal) else x
    if not value.is_finite():
        return value
    quantum = Decimal(1).scaleb(-decimals)
    result = value.quantize(quantum, rounding=ROUND_HALF_UP)
    return result.copy_abs() if result.is_zero() else result


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def fmt_number(x: float | None, decimals: int = 1) -> str:
    """A number with Dutch separators: ``fmt_number(2.94) == "2,9"``, ``12345.6 -> "12.345,6"``."""
    if is_missing(x):
        return labels.MISSING
    return format_decimal(_rounded(x, decimals), format=_pattern(decimals), locale=LOCALE)


def fmt_int(n: float | None) -> str:
    """A whole number with a thousands dot: ``fmt_int(13000) == "13.000"``."""
    return fmt_number(n, decimals=0)


def fmt_eur(x: float | None, decimals: int = 0) -> str:
    """Euros: ``fmt_eur(10000) == "€\u00a010.000"``, ``fmt_eur(-1250) == "€\u00a0-1.250"``
    (shown as "€ 10.000", with a non-breaking space)."""
    if is_missing(x):
        return labels.MISSING
    return _money(fmt_number(x, decimals))


def _money(amount: str) -> str:
    return f"{CURRENCY}{NBSP}{amount}"


def fmt_pct(x: float | None, decimals: int = 0) -> str:
    """A fraction as a percentage: ``fmt_pct(0.3) == "30%"``, ``fmt_pct(0.305, 1) == "30,5%"``."""
    if is_missing(x):
        return labels.MISSING
    return fmt_pct_points(float(x) * 100, decimals)


def fmt_pct_points(x: float | None, decimals: int = 0) -> str:
    """A value already in percent: ``fmt_pct_points(30.5, 1) == "30,5%"`` (GGD estimates)."""
    if is_missing(x):
        return labels.MISSING
    return f"{fmt_number(x, decimals)}%"


def _range(low: float, high: float, decimals: int) -> str:
    return labels.RANGE.format(low=fmt_number(low, decimals), high=fmt_number(high, decimals))


def _level(confidence: float) -> str:
    """The confidence level without needless decimals: "95%", "97,5%"."""
    whole = abs(confidence * 100 - round(confidence * 100)) < 1e-9
    return fmt_pct(confidence, decimals=0 if whole else 1)


def fmt_ci(
    low: float | None, high: float | None, decimals: int = 1, confidence: float = 0.95
) -> str:
    """A confidence interval: ``fmt_ci(4.1, 5.8) == "95%-BI 4,1 tot 5,8"``.

    With either bound missing the whole interval is ``labels.MISSING``.
    """
    if is_missing(low) or is_missing(high):
        return labels.MISSING
    return labels.CI.format(level=_level(confidence), range=_range(low, high, decimals))


def fmt_p(p: float | None, *, symbol: bool = True) -> str:
    """A p-value: ``"p = 0,003"``, below 0,001 ``"p < 0,001"`` (three decimals, APA style).

    ``symbol=False`` gives the table-cell form: ``"0,003"``, ``"< 0,001"``.
    """
    if is_missing(p):
        return labels.MISSING
    if p < 0.001:
        text = f"< {fmt_number(0.001, 3)}"
    else:
        text = f"= {fmt_number(p, 3)}"
    if symbol:
        return f"p {text}"
    return text.removeprefix("= ")


def fmt_eur_range(low: float | None, high: float | None, decimals: int = 0) -> str:
    """An interval in euros: ``"€ 9.000 tot € 15.000"``; missing bound -> ``MISSING``."""
    if is_missing(low) or is_missing(high):
        return labels.MISSING
    return labels.RANGE.format(low=fmt_eur(low, decimals), high=fmt_eur(high, decimals))


def fmt_estimate_ci(
    value: float | None,
    low: float | None,
    high: float | None,
    decimals: int | None = None,
    *,
    unit: str | None = None,
) -> str:
    """A value with its interval in brackets: ``"4,7 (4,1 tot 5,8)"`` (header or a note names
    the level); one decimal by default. With a ``unit``, its format and decimals
    (``fmt_value``): ``"49% (43% tot 55%)"``."""
    if is_missing(value):
        return labels.MISSING
    if unit is not None:
        shown = fmt_value(value, unit, decimals)
        if is_missing(low) or is_missing(high):
            return shown
        return f"{shown} ({fmt_value_ci(low, high, unit, decimals, confidence=None)})"
    decimals = 1 if decimals is None else decimals
    if is_missing(low) or is_missing(high):
        return fmt_number(value, decimals)
    return f"{fmt_number(value, decimals)} ({_range(low, high, decimals)})"


def fmt_date(d: date | datetime | None) -> str:
    """A date in words: ``fmt_date(date(2017, 2, 28)) == "28 februari 2017"``."""
    if d is None:
        return labels.MISSING
    return format_date(d, format="d MMMM y", locale=LOCALE)


def fmt_month(d: date | datetime | None) -> str:
    """A month: ``fmt_month(date(2017, 10, 1)) == "oktober 2017"``."""
    if d is None:
        return labels.MISSING
    return format_date(d, format="MMMM y", locale=LOCALE)


def fmt_count(n: int | None, min_cell_size: int) -> str:
    """A count, or ``"<5"`` (``labels.suppressed``) when it is below ``min_cell_size``.

    A missing count is treated as suppressed: an unknown group size must not be published
    as if it were safe.
    """
    if is_missing(n) or n < min_cell_size:
        return labels.suppressed(min_cell_size)
    return fmt_int(n)


# Units of ``vocabulary.UNITS`` (and the older aliases) -> how their values are shown.
COUNT_UNITS = frozenset({"count", "aantal"})
EUR_UNITS = frozenset({"eur", "eur_per_year", "EUR"})
PCT_UNITS = frozenset({"pct", "%"})  # value already in percent (GGD estimates)
SHARE_UNITS = frozenset({"share", "fractie"})  # fraction 0-1 shown as percent
SIGNED_UNITS = frozenset({"points"})  # a difference: "+4,7" / "-0,3"
DAY_UNITS = frozenset({"days"})  # whole days: "31 dagen"


def fmt_value(x: float | None, unit: str | None = None, decimals: int | None = None) -> str:
    """A key figure's value in the format its ``unit`` (``vocabulary.UNITS``) asks for.

    Formats: count -> ``fmt_int``; eur, eur_per_year -> ``fmt_eur``; pct ->
    ``fmt_pct_points`` and share -> ``fmt_pct``; p -> ``fmt_p``; points -> signed ("+4,7");
    days -> "31 dagen";
    score, months and anything else -> ``fmt_number``. ``decimals`` defaults to 0 for euros
    and percents and to 1 for numbers. The aliases "aantal", "EUR", "%", "fractie" are
    understood too.
    """
    if is_missing(x):
        return labels.MISSING
    if unit in COUNT_UNITS:
        return fmt_int(x)
    if unit in EUR_UNITS:
        return fmt_eur(x, decimals or 0)
    if unit in PCT_UNITS:
        return fmt_pct_points(x, decimals or 0)
    if unit in SHARE_UNITS:
        return fmt_pct(x, decimals or 0)
    if unit == "p":
        return fmt_p(x)
    if unit in DAY_UNITS:
        return _days(fmt_number(x, decimals or 0), x, decimals or 0)
    text = fmt_number(x, 1 if decimals is None else decimals)
    if unit in SIGNED_UNITS and _rounded(x, 1 if decimals is None else decimals) > 0:
        return f"+{text}"
    return text


def fmt_change(x: float | None, unit: str | None = None, decimals: int | None = None) -> str:
    """A change between two values of a key figure, signed, in the format of ``unit``.

    ``fmt_change(12, "count") == "+12"``, ``fmt_change(-0.25, "score") == "-0,3"``,
    ``fmt_change(1200, "eur") == "€ +1.200"``; shares and percentages change in
    percentage points: ``fmt_change(0.05, "share") == "+5 procentpunt"``; days in whole
    days: ``fmt_change(-3, "days") == "-3 dagen"``. A change that rounds to zero has no sign
    ("0", "0,0").
    """
    if is_missing(x):
        return labels.MISSING
    if unit in SHARE_UNITS:
        x, unit = float(x) * 100, "pct"
    if unit in PCT_UNITS:
        places = decimals or 0
        text = fmt_number(x, places)
        suffix = f" {labels.PERCENTAGE_POINT}"
    elif unit in EUR_UNITS:
        places = decimals or 0
        text, suffix = fmt_number(x, places), ""
    elif unit in COUNT_UNITS:
        places = 0
        text, suffix = fmt_int(x), ""
    elif unit in DAY_UNITS:
        places = decimals or 0
        text, suffix = fmt_number(x, places), ""
    else:
        places = 1 if decimals is None else decimals
        text, suffix = fmt_number(x, places), ""
    if _rounded(x, places) > 0:
        text = f"+{text}"
    text += suffix
    if unit in DAY_UNITS:
        return _days(text, x, places)
    return _money(text) if unit in EUR_UNITS else text


def _days(text: str, x: float, places: int) -> str:
    """``text`` (a number of days as written) with "dag" or "dagen": "1 dag", "31 dagen"."""
    one = abs(_rounded(x, places)) == 1
    return (labels.DAY if one else labels.DAYS).format(n=text)


def shown_places(unit: str | None = None, decimals: int | None = None) -> int:
    """The decimals ``fmt_value`` shows for ``unit``, on the value's own scale (a share
    shown as "30%" has 2 decimals as a fraction)."""
    if unit in COUNT_UNITS:
        return 0
    if unit in SHARE_UNITS:
        return (decimals or 0) + 2
    if unit in EUR_UNITS | PCT_UNITS | DAY_UNITS:
        return decimals or 0
    if unit == "p":
        return 3
    return 1 if decimals is None else decimals


def as_shown(x: float, unit: str | None = None, decimals: int | None = None) -> float:
    """``x`` rounded as ``fmt_value`` shows it (half away from zero), same scale:
    ``as_shown(2.94, "score") == 2.9``. A change between two shown figures is computed from
    these, so it agrees with the figures a reader sees side by side."""
    return float(_rounded(x, shown_places(unit, decimals)))


def fmt_value_ci(
    low: float | None,
    high: float | None,
    unit: str | None = None,
    decimals: int | None = None,
    *,
    confidence: float | None = 0.95,
) -> str:
    """An interval in the format of ``unit`` (see ``fmt_value``), e.g. for a key figure.

    ``fmt_value_ci(8000, 12000, "eur_per_year") == "95%-BI € 8.000 tot € 12.000"``;
    ``confidence=None`` leaves out the level (a table whose header says "95%-BI"):
    ``"€ 8.000 tot € 12.000"``. Bounds of a difference (points) carry no "+" sign.
    """
    if is_missing(low) or is_missing(high):
        return labels.MISSING
    unit = None if unit in SIGNED_UNITS else unit
    span = labels.RANGE.format(
        low=fmt_value(low, unit, decimals), high=fmt_value(high, unit, decimals)
    )
    if confidence is None:
        return span
    return labels.CI.format(level=_level(confidence), range=span)
