"""years.py and `ruwaard numbers --compare`: key figures of several years side by side.

Values are hand-made records; every expected text is written out here (the oracle), not
computed by the code under test.
"""

from __future__ import annotations

import json

import pytest

from ruwaard_analysis import numbers, results, years
from ruwaard_analysis.present import fmt


def _fig(value, n, unit="count", label="Casussen", **extra):
    return {"value": value, "n": n, "unit": unit, "label": label, "ci_low": None,
            "ci_high": None, "suppressed": False, **extra}


@pytest.mark.parametrize(("x", "unit", "expected"), [
    (12, "count", "+12"), (-3, "count", "-3"), (0, "count", "0"),
    (-0.25, "score", "-0,3"), (0.04, "points", "0,0"), (5.12, "points", "+5,1"),
    (1200, "eur", "€\u00a0+1.200"), (-300.4, "eur_per_year", "€\u00a0-300"),
    (0.05, "share", "+5 procentpunt"), (-2, "pct", "-2 procentpunt"), (None, "count", "–"),
])
def test_fmt_change(x, unit, expected):
    assert fmt.fmt_change(x, unit) == expected


def _by_year():
    return {
        2016: years.YearFigures(2016, {
            "casussen_steekproef": _fig(13, 13),
            "welbevinden_voormeting_gemiddeld": _fig(2.93, 13, "score", "Welbevinden voor"),
            "kosten_besparing_per_jaar_gemiddeld": {**_fig(None, 4, "eur_per_year",
                                                         "Besparing"), "suppressed": True},
        }, 5),
        2017: years.YearFigures(2017, {
            "casussen_steekproef": _fig(25, 25),
            "welbevinden_voormeting_gemiddeld": _fig(2.88, 25, "score", "Welbevinden voor"),
            "kosten_besparing_per_jaar_gemiddeld": _fig(4308.6, 25, "eur_per_year", "Besparing"),
            "bezoekers_per_week_gemiddeld": _fig(270, 52, label="Bezoekers", n_unit="weken"),
        }, 5),
    }


def test_comparison_side_by_side_with_change_and_suppression_per_year():
    display, hidden = years.comparison_display(_by_year())
    assert display.columns == ["Kerncijfer", "2016", "2017", "Verschil 2017 t.o.v. 2016"]
    rows = {r[0]: r[1:] for r in display.rows()}
    assert rows["Casussen"] == ("13", "25", "+12")
    # the change between the figures as shown: 2,9 - 2,9 = 0,0 (unrounded 2,88 - 2,93 = -0,05
    # would read "-0,1" beside two equal figures)
    assert rows["Welbevinden voor"] == ("2,9", "2,9", "0,0")
    # suppressed in 2016: "<5" there, no change computed from it
    assert rows["Besparing"] == ("<5", "€\u00a04.309", "–")
    # absent in 2016: simply absent, no change
    assert rows["Bezoekers"] == ("–", "270", "–")
    assert hidden
    assert list(rows) == ["Casussen", "Welbevinden voor", "Besparing", "Bezoekers"]


def test_a_figure_on_too_few_people_is_hidden_even_without_the_flag():
    by_year = {2016: years.YearFigures(2016, {"x": _fig(3.3, 3, "score", "X")}, 5),
               2017: years.YearFigures(2017, {"x": _fig(4.4, 8, "score", "X")}, 5)}
    display, hidden = years.comparison_display(by_year)
    assert display.row(0) == ("X", "<5", "4,4", "–") and hidden
    assert years.trend_frame(by_year, ["x"])["year"].to_list() == [2017]


def _write_year(root, year, figures, min_cell=5):
    folder = root / str(year)
    folder.mkdir(parents=True)
    (folder / "key_figures.json").write_text(json.dumps(figures))
    (folder / "manifest.json").write_text(json.dumps({"parameters": {"min_cell_size": min_cell}}))


def test_numbers_compare_prints_both_years_and_skips_absent_ones(tmp_path, capsys):
    for year, yf in _by_year().items():
        _write_year(tmp_path, year, dict(yf.figures))
    code = numbers.print_key_figures(2017, compare=[2016, 2015], processed_dir=tmp_path)
    captured = capsys.readouterr()
    assert code == 0
    lines = captured.out.splitlines()
    assert lines[0] == "Kengetallen 2016, 2017"
    assert lines[1].split() == ["Kerncijfer", "2016", "2017", "Verschil", "2017", "t.o.v.",
                                "2016"]
    casussen = next(line for line in lines if line.startswith("Casussen"))
    assert casussen.split() == ["Casussen", "13", "25", "+12"]
    assert "<5: minder dan 5 waarnemingen" in captured.out
    assert "Geen resultaten voor 2015" in captured.err


def test_numbers_compare_without_the_main_year_fails(tmp_path, capsys):
    _write_year(tmp_path, 2016, {"casussen_steekproef": _fig(13, 13)})
    assert numbers.print_key_figures(2018, compare=[2016], processed_dir=tmp_path) == 1
    assert "nog geen resultaten voor 2018" in capsys.readouterr().err


def test_read_years_reads_min_cell_size_per_year(tmp_path):
    _write_year(tmp_path, 2016, {"x": _fig(6, 6)}, min_cell=10)
    _write_year(tmp_path, 2017, {"x": _fig(12, 12)})
    found = results.read_years([2015, 2016, 2017], processed_dir=tmp_path)
    assert list(found) == [2016, 2017]
    assert found[2016].min_cell_size == 10
    display, _ = years.comparison_display(found)
    assert display.row(0)[1:] == ("<10", "12", "–")


def test_numbers_compare_as_json_gives_each_year(tmp_path, capsys):
    for year, yf in _by_year().items():
        _write_year(tmp_path, year, dict(yf.figures))
    assert numbers.print_key_figures(2017, as_json=True, compare=[2016, 2015],
                                     processed_dir=tmp_path) == 0
    data = json.loads(capsys.readouterr().out)
    assert sorted(data) == ["2016", "2017"]
    assert data["2016"]["casussen_steekproef"]["value"] == 13


def test_the_change_agrees_with_the_rounded_figures_beside_it():
    # unrounded 3,14 - 2,86 = 0,28 would read "+0,3" beside "2,9" and "3,1"
    by_year = {
        2016: years.YearFigures(2016, {"w": _fig(2.86, 13, "score", "W")}, 5),
        2017: years.YearFigures(2017, {"w": _fig(3.14, 25, "score", "W")}, 5),
    }
    display, _ = years.comparison_display(by_year)
    assert display.row(0) == ("W", "2,9", "3,1", "+0,2")
    money = {
        2016: years.YearFigures(2016, {"b": _fig(4308.4, 13, "eur_per_year", "B")}, 5),
        2017: years.YearFigures(2017, {"b": _fig(4309.6, 25, "eur_per_year", "B")}, 5),
    }
    display, _ = years.comparison_display(money)
    assert display.row(0) == ("B", "€\u00a04.308", "€\u00a04.310", "€\u00a0+2")
