"""Tables: Dutch headers and numbers in the HTML, suppressed rows shown as "<5", no "nan"."""

from __future__ import annotations

import html
import re

import polars as pl
import pytest

from ruwaard_analysis.present import labels, tables

MIN = 5


def cells(gt) -> list[str]:
    raw = gt.as_raw_html()
    body = re.findall(r'<td[^>]*class="gt_row[^"]*"[^>]*>(.*?)</td>', raw, re.S)
    return [html.unescape(c).strip() for c in body]


def headers(gt) -> list[str]:
    raw = gt.as_raw_html()
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r'<th[^>]*class="gt_col_heading[^"]*"[^>]*>(.*?)</th>', raw, re.S)]


def no_raw_missing(gt) -> None:
    text = gt.as_raw_html()
    assert not re.search(r"\b(nan|NaN|None|null|inf)\b", text)


def key_figures() -> dict:
    return {
        "wellbeing_before": {"value": 2.94, "n": 13, "unit": "score",
                             "label": "Gemiddeld welzijn voormeting", "ci_low": 2.41,
                             "ci_high": 3.45, "suppressed": False},
        "costs_saving": {"value": 10000.4, "n": 9, "unit": "EUR", "label": "Besparing per jaar",
                         "ci_low": 8000.0, "ci_high": 12000.0, "suppressed": False},
        "small_group": {"value": 7.31415, "n": 3, "unit": "score", "label": "Kleine groep",
                        "ci_low": 6.5, "ci_high": 8.1, "suppressed": False},
        "no_interval": {"value": 25, "n": 25, "unit": "aantal", "label": "Casussen",
                        "ci_low": None, "ci_high": None, "suppressed": False},
    }


def test_key_figures_table_snapshot():
    gt = tables.key_figures_table(key_figures())
    # names outside the catalogue come in name order; the small group is hidden
    assert cells(gt) == [
        "Besparing per jaar", "€\u00a010.000", "9", "€\u00a08.000 tot €\u00a012.000",
        "Casussen", "25", "25", "–",
        "Kleine groep", "–", "<5", "–",
        "Gemiddeld welzijn voormeting", "2,9", "13", "2,4 tot 3,5",
    ]
    assert headers(gt) == ["Kerncijfer", "Waarde", "n", "95%-BI"]
    raw = html.unescape(gt.as_raw_html())
    assert labels.SOURCES["key_figures"] in raw
    assert labels.CAVEATS["suppression"].format(min_cell_size=MIN) in raw
    assert "7,3" not in raw and "7.31" not in raw
    no_raw_missing(gt)


def test_key_figures_in_the_steering_groups_order_and_weeks_are_not_people():
    figures = {
        "bezoekers_per_week_gemiddeld": {"value": 270.4, "n": 3, "n_unit": "weken",
                                         "unit": "count", "label": "Bezoekers per week"},
        "casussen_totaal": {"value": 200, "n": 200, "unit": "count", "label": "Casussen"},
        "kosten_besparing_per_jaar_gemiddeld": {"value": 4309.0, "n": 25, "unit": "eur_per_year",
                                                "label": "Besparing", "suppressed": True},
    }
    rows = cells(tables.key_figures_table(figures))
    assert rows[0] == "Casussen"  # catalogue order, not the alphabet
    assert rows[4:8] == ["Besparing", "–", "25", "–"]  # flagged upstream: hidden whatever n
    assert rows[8:10] == ["Bezoekers per week", "270"] and rows[10] == "3"  # 3 weeks, shown


def test_effects_table_snapshot():
    frame = pl.DataFrame({
        "outcome": ["Welzijn", "Welzijn"],
        "label_before": ["voormeting", "voormeting"], "label_after": ["nameting", "herhaalmeting"],
        "n": [13, 4], "mean_before": [2.94, 3.1], "mean_after": [7.6, 6.83],
        "mean_diff": [4.66, 3.73], "ci_low": [4.1, 2.2], "ci_high": [5.8, 5.26],
        "p_t": [0.00001, 0.0123], "d_z": [2.345, 1.234], "g_av": [2.1, 1.1],
    })
    gt = tables.effects_table(frame)
    # a row per statistic, a column per comparison; the suppressed comparison shows "<5" and "–"
    assert headers(gt) == [
        "Maat", "Welzijn: Voormeting → Nameting (±6 weken)",
        "Welzijn: Voormeting → Herhaalmeting (6-12 maanden)",
    ]
    assert cells(gt) == [
        "n (casussen met beide metingen)", "13", "<5",
        "Gemiddelde ervoor", "2,9", "–",
        "Gemiddelde erna", "7,6", "–",
        "Verschil (95%-BI)", "4,7 (4,1 tot 5,8)", "–",
        "p (gepaarde t-toets)", "< 0,001", "–",
        "Effectgrootte dz", "2,35", "–",
        "Effectgrootte gav", "2,10", "–",
    ]
    raw = gt.as_raw_html()
    for leaked in ("6,8", "3,7", "0,012", "1,23"):
        assert leaked not in raw
    assert labels.CAVEATS["suppression"].format(min_cell_size=MIN) in html.unescape(raw)
    no_raw_missing(gt)


def test_effects_display_shows_intervals_and_wilcoxon_when_present():
    frame = pl.DataFrame({
        "label_before": ["voormeting"], "label_after": ["nameting"], "n": [25],
        "mean_before": [2.9], "mean_after": [8.0], "mean_diff": [5.1], "ci_low": [4.8],
        "ci_high": [5.4], "p_t": [1e-9], "wilcoxon_p": [0.0000596], "d_z": [6.45],
        "d_z_ci_low": [4.59], "d_z_ci_high": [8.3], "g_av": [4.33], "g_av_ci_low": [3.08],
        "g_av_ci_high": [5.57], "share_improved": [1.0], "suppressed": [False],
    })
    display, hidden = tables.effects_display(frame)
    assert not hidden
    assert display.columns == ["Maat", "Voormeting → Nameting (±6 weken)"]
    shown = dict(display.rows())
    assert shown["Effectgrootte dz (95%-BI)"] == "6,45 (4,59 tot 8,30)"
    assert shown["Effectgrootte gav (95%-BI)"] == "4,33 (3,08 tot 5,57)"
    assert shown["p (Wilcoxon)"] == "< 0,001"
    assert shown["Aandeel verbeterd"] == "100%"
    # a comparison already suppressed upstream stays suppressed whatever its n
    display, hidden = tables.effects_display(frame.with_columns(pl.lit(True).alias("suppressed")))
    assert hidden and dict(display.rows())["Verschil (95%-BI)"] == "–"


def test_numbers_are_right_aligned_and_text_left():
    display = pl.DataFrame({"Kerncijfer": ["Casussen", "Gemiddelde"], "Waarde": ["200", "2,9"],
                            "95%-BI": ["–", "95%-BI 2,4 tot 3,3"], "Eenheid": ["casussen", "–"]})
    assert tables.numeric_columns(display) == ["Waarde", "95%-BI"]
    lines = tables.markdown_table(display, ["Noot."]).splitlines()
    rule = lines[1].strip("|").split("|")
    assert rule[0].startswith(":") and not rule[0].endswith(":")   # text: left
    assert rule[1].endswith(":") and not rule[1].startswith(":")   # numbers: right
    # widths after the longest cell: the interval column gets more room than the value column
    assert len(rule[2]) > len(rule[1])
    assert lines[-1] == "Noot."
    raw = tables.gt_table(display).as_raw_html()
    assert re.search(r'gt_right[^>]*>200<', raw) and re.search(r'gt_left[^>]*>Casussen<', raw)


def test_costs_table_snapshot_and_suppression():
    frame = pl.DataFrame({
        "measure": ["huidig", "na_oplossing", "saving_vs_current"], "n": [9, 3, 9],
        "mean": [10000.0, 4321.987, 5678.4], "total": [90000.0, 12965.96, 51105.6],
        "ci_low": [8000.0, 4000.0, None], "ci_high": [12000.0, 4600.0, None],
    })
    gt = tables.costs_table(frame)
    assert cells(gt) == [
        "Huidige situatie (per jaar)", "9", "€\u00a010.000", "€\u00a08.000 tot €\u00a012.000",
        "€\u00a090.000",
        "Na de oplossing (per jaar)", "<5", "–", "–", "–",
        "Besparing t.o.v. huidige situatie (per jaar)", "9", "€\u00a05.678", "–", "€\u00a051.106",
    ]
    raw = gt.as_raw_html()
    assert "4.322" not in raw and "12.966" not in raw
    no_raw_missing(gt)


def test_costs_table_accepts_brief_column_names():
    frame = pl.DataFrame({"scenario": ["huidig"], "n": [9], "mean_eur": [10000.0]})
    assert "€\u00a010.000" in cells(tables.costs_table(frame, title=None))


def test_unknown_scenario_raises():
    frame = pl.DataFrame({"measure": ["morgen"], "n": [9], "mean": [1.0]})
    with pytest.raises(KeyError, match="morgen"):
        tables.costs_table(frame)


def test_a_table_renders_to_the_same_html_every_time():
    # great-tables draws a random id per table; ours follows from the content
    display = pl.DataFrame({"Kerncijfer": ["Casussen"], "Waarde": ["25"]})
    first = tables.gt_table(display, ["Bron: demo"]).as_raw_html()
    assert first == tables.gt_table(display, ["Bron: demo"]).as_raw_html()
    other = tables.gt_table(display.with_columns(pl.lit("26").alias("Waarde"))).as_raw_html()
    assert tables.table_id(display, ["Bron: demo"]) in first
    assert tables.table_id(display, ["Bron: demo"]) not in other


def test_housing_difference_shows_each_group_with_an_unbreakable_n():
    table = pl.DataFrame({
        "measure": ["welbevinden_verandering", "besparing_per_jaar"],
        "n": [7, 3], "n_with": [7, 3], "n_without": [18, 22],  # n: the smaller group
        "mean_with": [5.2, 3300.0], "mean_without": [5.1, 4701.0],
        "difference": [0.1, -1401.0], "ci_low": [-0.7, -3221.0], "ci_high": [1.0, 420.0],
    })
    display, suppressed = tables.housing_difference_display(table, min_cell_size=5)
    rows = display.rows()
    assert rows[0][1] == "5,2 (n\u00a0=\u00a07)"
    assert rows[0][2] == "5,1 (n\u00a0=\u00a018)"
    assert rows[0][3] == "+0,1 (-0,7 tot 1,0)"
    # a group of 3 with housing: the whole comparison is hidden (complementary disclosure)
    assert rows[1][1] == "<5" and rows[1][3] == "–"
    assert suppressed


# -- the report's tables moved from report_content (display rules live here) -----------------


def test_health_domains_display_orders_domains_and_hides_small_cells():
    from datetime import date

    frame = pl.DataFrame({
        "wave": [1, 1, 2], "wave_date": [date(2017, 3, 1)] * 2 + [date(2018, 3, 1)],
        "domain": ["zingeving", "lichaamsfuncties", "zingeving"],
        "mean": [6.25, 7.0, None], "n": [12, 8, 3], "suppressed": [False, False, True]})
    display, hidden = tables.health_domains_display(frame, min_cell_size=5)
    assert hidden
    assert display.columns == ["Domein", "Meting maart 2017", "Meting maart 2018"]
    rows = display.rows()
    assert rows[0][0] == labels.HEALTH_DOMAINS["lichaamsfuncties"]  # questionnaire's order
    assert rows[0][1] == "7,0 (n\u00a0=\u00a08)" and rows[0][2] == labels.MISSING
    assert rows[1][1] == "6,3 (n\u00a0=\u00a012)" and rows[1][2] == "<5"


def test_payer_costs_display_hides_suppressed_parts():
    frame = pl.DataFrame({
        "scenario": ["zonder_oplossing", "huidig", "huidig"],
        "payer": ["gemeente", "zorgverzekeraar", "gemeente"],
        "total_eur": [1000.0, None, 250.0], "suppressed": [False, True, False]})
    display, hidden = tables.payer_costs_display(frame, min_cell_size=5)
    assert hidden
    first = list(labels.PAYERS).index("gemeente") < list(labels.PAYERS).index("zorgverzekeraar")
    payers = display[display.columns[0]].to_list()
    assert payers == ([labels.PAYERS["gemeente"], labels.PAYERS["zorgverzekeraar"]] if first
                      else [labels.PAYERS["zorgverzekeraar"], labels.PAYERS["gemeente"]])
    shown = dict(zip(payers, display.rows(), strict=True))
    assert "<5" in shown[labels.PAYERS["zorgverzekeraar"]]
    assert "€\u00a0250" in shown[labels.PAYERS["gemeente"]]
