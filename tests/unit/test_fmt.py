"""Dutch number, money, percentage and date formats (present.fmt)."""

from __future__ import annotations

import math
from datetime import date, datetime

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ruwaard_analysis.present import fmt, labels


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: fmt.fmt_number(2.94), "2,9"),
        (lambda: fmt.fmt_number(7.6), "7,6"),
        (lambda: fmt.fmt_number(12345.67, 2), "12.345,67"),
        (lambda: fmt.fmt_number(2.25), "2,3"),  # half away from zero, not half-even
        (lambda: fmt.fmt_number(-2.25), "-2,3"),
        (lambda: fmt.fmt_number(-0.04), "0,0"),  # no "-0,0"
        (lambda: fmt.fmt_number(3, 0), "3"),
        (lambda: fmt.fmt_int(13000), "13.000"),
        (lambda: fmt.fmt_int(1234567), "1.234.567"),
        (lambda: fmt.fmt_eur(10000), "€\u00a010.000"),
        (lambda: fmt.fmt_eur(-1250), "€\u00a0-1.250"),
        (lambda: fmt.fmt_eur(1234.5, 2), "€\u00a01.234,50"),
        (lambda: fmt.fmt_eur_range(9000, 15000), "€\u00a09.000 tot €\u00a015.000"),
        (lambda: fmt.fmt_pct(0.3), "30%"),
        (lambda: fmt.fmt_pct(0.305, 1), "30,5%"),
        (lambda: fmt.fmt_pct_points(71.24, 1), "71,2%"),
        (lambda: fmt.fmt_ci(4.1, 5.8), "95%-BI 4,1 tot 5,8"),
        (lambda: fmt.fmt_ci(-1.26, 0.4, decimals=2), "95%-BI -1,26 tot 0,40"),
        (lambda: fmt.fmt_ci(4.1, 5.8, confidence=0.9), "90%-BI 4,1 tot 5,8"),
        (lambda: fmt.fmt_ci(4.1, 5.8, confidence=0.975), "97,5%-BI 4,1 tot 5,8"),
        (lambda: fmt.fmt_estimate_ci(4.66, 4.1, 5.8), "4,7 (4,1 tot 5,8)"),
        (lambda: fmt.fmt_p(0.003), "p = 0,003"),
        (lambda: fmt.fmt_p(0.0004), "p < 0,001"),
        (lambda: fmt.fmt_p(0.0004, symbol=False), "< 0,001"),
        (lambda: fmt.fmt_p(0.0456, symbol=False), "0,046"),
        (lambda: fmt.fmt_date(date(2017, 2, 28)), "28 februari 2017"),
        (lambda: fmt.fmt_date(datetime(2016, 5, 12, 19, 30)), "12 mei 2016"),
        (lambda: fmt.fmt_month(date(2017, 10, 1)), "oktober 2017"),
        (lambda: fmt.fmt_count(3, 5), "<5"),
        (lambda: fmt.fmt_count(None, 5), "<5"),
        (lambda: fmt.fmt_count(5, 5), "5"),
        (lambda: fmt.fmt_count(13000, 10), "13.000"),
        (lambda: fmt.fmt_value(10000.4, "EUR"), "€\u00a010.000"),
        (lambda: fmt.fmt_value(30.0, "%"), "30%"),
        (lambda: fmt.fmt_value(0.3, "fractie"), "30%"),
        (lambda: fmt.fmt_value(25, "aantal"), "25"),
        (lambda: fmt.fmt_value(2.94, "score"), "2,9"),
        (lambda: fmt.fmt_value(13, "count"), "13"),
        (lambda: fmt.fmt_value(1234.5, "eur_per_year"), "€\u00a01.235"),
        (lambda: fmt.fmt_value(1234.5, "eur", decimals=2), "€\u00a01.234,50"),
        (lambda: fmt.fmt_value(13, "count", decimals=1), "13"),
        (lambda: fmt.fmt_value(2.946, "score", decimals=2), "2,95"),
        (lambda: fmt.fmt_value(0.923, "share"), "92%"),
        (lambda: fmt.fmt_value(48.04, "pct"), "48%"),
        (lambda: fmt.fmt_value(0.0004, "p"), "p < 0,001"),
        (lambda: fmt.fmt_value(4.66, "points"), "+4,7"),
        (lambda: fmt.fmt_value(-0.31, "points"), "-0,3"),
        (lambda: fmt.fmt_value(0.04, "points"), "0,0"),
        (lambda: fmt.fmt_value(5.25, "months"), "5,3"),
        (lambda: fmt.fmt_value_ci(8000, 12000, "eur_per_year"),
         "95%-BI €\u00a08.000 tot €\u00a012.000"),
        (lambda: fmt.fmt_value_ci(4.1, 5.8, "points"), "95%-BI 4,1 tot 5,8"),
        (lambda: fmt.fmt_value_ci(0.81, 0.97, "share", confidence=None), "81% tot 97%"),
        (lambda: fmt.fmt_value_ci(None, 0.97, "share"), "–"),
    ],
)
def test_exact_dutch_strings(call, expected):
    assert call() == expected


@pytest.mark.parametrize("missing", [None, float("nan"), math.nan])
@pytest.mark.parametrize(
    "formatter",
    [fmt.fmt_number, fmt.fmt_int, fmt.fmt_eur, fmt.fmt_pct, fmt.fmt_pct_points, fmt.fmt_p,
     lambda x: fmt.fmt_ci(x, 1.0), lambda x: fmt.fmt_ci(1.0, x), lambda x: fmt.fmt_value(x, "EUR"),
     lambda x: fmt.fmt_estimate_ci(x, 1.0, 2.0)],
)
def test_missing_values_show_a_dash_never_nan(formatter, missing):
    assert formatter(missing) == labels.MISSING == "–"


def test_missing_dates_show_a_dash():
    assert fmt.fmt_date(None) == fmt.fmt_month(None) == labels.MISSING


def test_estimate_without_interval_shows_the_estimate_only():
    assert fmt.fmt_estimate_ci(4.66, None, 5.8) == "4,7"


def _parse_dutch(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


@given(
    x=st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False),
    decimals=st.integers(min_value=0, max_value=4),
)
def test_fmt_number_round_trips(x, decimals):
    text = fmt.fmt_number(x, decimals)
    assert "nan" not in text.lower()
    decimal_part = text.rpartition(",")[2] if "," in text else ""
    assert len(decimal_part) == decimals
    assert abs(_parse_dutch(text) - x) <= 0.5 * 10**-decimals * (1 + 1e-9) + abs(x) * 1e-15


@given(n=st.integers(min_value=0, max_value=10**12))
def test_fmt_int_groups_thousands_with_dots(n):
    text = fmt.fmt_int(n)
    assert int(text.replace(".", "")) == n
    assert all(len(group) == 3 for group in text.split(".")[1:])


@given(n=st.integers(min_value=0, max_value=1000), min_cell_size=st.integers(1, 20))
def test_fmt_count_never_shows_a_small_count(n, min_cell_size):
    text = fmt.fmt_count(n, min_cell_size)
    if n < min_cell_size:
        assert text == f"<{min_cell_size}"
    else:
        assert int(text.replace(".", "")) == n


@pytest.mark.parametrize("amount", [0, 4309.2, -1250, 1234567.891, 1e9])
def test_money_and_its_sign_never_break_apart(amount):
    for shown in (fmt.fmt_eur(amount), fmt.fmt_value(amount, "eur"),
                  fmt.fmt_change(amount, "eur"), fmt.fmt_eur_range(amount, amount + 1)):
        assert " " not in shown.replace(" tot ", "~"), shown  # no breaking space inside
        assert shown.startswith("€\u00a0"), shown


def test_negative_money_is_a_number_column():
    from ruwaard_analysis.present import tables

    frame = pl.DataFrame({"Bedrag": [fmt.fmt_eur(-1250), fmt.fmt_eur(300)]})
    assert tables.numeric_columns(frame) == ["Bedrag"]


def test_change_in_days_carries_the_unit_and_whole_days():
    assert fmt.fmt_change(-3, "days") == "-3 dagen"
    assert fmt.fmt_change(1.2, "days") == "+1 dag"
    assert fmt.fmt_change(0.2, "days") == "0 dagen"
    assert fmt.fmt_value(1, "days") == "1 dag"
    assert fmt.fmt_value(31, "days") == "31 dagen"


def test_as_shown_rounds_as_the_figure_is_written():
    # each value rounded as fmt_value writes it, on its own scale
    assert fmt.as_shown(2.94, "score") == 2.9
    assert fmt.as_shown(2.25, "score") == 2.3  # half away from zero, not half-even
    assert fmt.as_shown(4228.5, "eur_per_year") == 4229.0
    assert fmt.as_shown(0.305, "share") == 0.31  # shown as "31%"
    assert fmt.as_shown(12.6, "count") == 13.0
    for x, unit in ((2.94, "score"), (0.305, "share"), (4228.5, "eur")):
        shown = fmt.as_shown(x, unit)
        assert fmt.fmt_value(shown, unit) == fmt.fmt_value(x, unit)
