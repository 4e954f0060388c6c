"""The publication gate (#12 item 1): results write only gated records, every rule per cell,
complementary suppression, no per-person values, executed notebooks keep only gated output."""

from __future__ import annotations

import json

import altair as alt
import polars as pl
import pytest

from ruwaard_analysis import disclosure, publish, results
from ruwaard_analysis.errors import PrivacyError
from ruwaard_analysis.present import charts

MIN = 5


# -- results refuse what did not pass the gate -------------------------------------------------


def test_results_refuse_an_ungated_table_key_figures_and_figure(tmp_path):
    frame = pl.DataFrame({"group": ["a"], "n": [12], "mean": [4.2]})
    with pytest.raises(PrivacyError, match="publicatiepoort"):
        results.write_table(tmp_path, "t", frame)
    with pytest.raises(PrivacyError, match="publicatiepoort"):
        results.write_key_figures(tmp_path, "01_x", {"k": {"value": 1.0, "n": 9}})
    chart = alt.Chart(frame).mark_point().encode(x="mean:Q")
    with pytest.raises(PrivacyError, match="publicatiepoort"):
        results.write_figure(tmp_path, "f", chart)
    assert not any(tmp_path.rglob("*.*"))


def test_a_gated_record_cannot_be_made_outside_the_gate():
    with pytest.raises(TypeError):
        disclosure.Gated("table", "t", pl.DataFrame(), None, MIN)


def test_gated_table_is_written(tmp_path):
    frame = pl.DataFrame({"group": ["a", "b"], "n": [12, 3], "mean": [4.2, 9.373]})
    gated = disclosure.gate_table("nieuwe_tabel", frame, MIN)
    path = results.write_table(tmp_path, gated)
    back = pl.read_parquet(path)
    assert back["mean"].to_list() == [4.2, None]
    assert back["suppressed"].to_list() == [False, True]


# -- tables: the strict default and the declared rules -----------------------------------------


def test_default_rule_treats_every_numeric_column_as_a_statistic():
    """A table added later, without a rule: every number in a small row goes, labels stay."""
    frame = pl.DataFrame({"label": ["x", "y"], "n": [3, 8], "base_value": [3924.74, 1.0],
                          "low": [1.0, 2.0]})
    out = disclosure.gate_table("tabel_van_later", frame, MIN).content
    assert out.row(0, named=True) == {"label": "x", "n": 3, "base_value": None, "low": None,
                                      "suppressed": True}
    assert out.row(1, named=True)["base_value"] == 1.0


def test_a_table_about_people_without_n_is_refused():
    per_person = pl.DataFrame({"moment": ["voormeting", "nameting"], "score": [2.0, 9.373]})
    with pytest.raises(PrivacyError, match="aantal personen"):
        disclosure.gate_table("scores", per_person, MIN)


def test_identifiers_are_refused_even_outside_people_rules():
    frame = pl.DataFrame({"case_id": ["RW-0001"], "n": [7], "score": [5.0]})
    with pytest.raises(PrivacyError, match="identificerende"):
        disclosure.gate_table("scores", frame, MIN)
    with pytest.raises(PrivacyError, match="identificerende"):
        disclosure.gate_table("wijkbudget", frame, MIN)


def test_not_about_people_tables_pass_unchanged_with_a_reason():
    frame = pl.DataFrame({"year": [2016], "allocated_eur": [1.0], "inhabitants": [3]})
    assert disclosure.gate_table("wijkbudget", frame, MIN).content.equals(frame)
    assert disclosure.table_rule("wijkbudget").reason


def test_payer_totals_are_suppressed_per_payer_and_complementarily():
    """Police costs of one case: hidden, and so is the next smallest payer (of at least the
    minimum), so that the scenario total minus the shown payers gives nothing back."""
    frame = pl.DataFrame({
        "payer": ["gemeente", "politie_justitie", "woningcorporatie", "zorgverzekeraar"] * 2,
        "scenario": ["huidig"] * 4 + ["na_oplossing"] * 4,
        "n": [20, 1, 6, 25] * 2,
        "total_eur": [100.0, 1565.49, 50.0, 300.0, 80.0, 0.0, 40.0, 250.0],
    })
    out = disclosure.gate_table("kosten_betaler", frame, MIN).content
    hidden = out.filter(pl.col("suppressed")).select("payer", "scenario").rows()
    assert sorted(hidden) == [("politie_justitie", "huidig"), ("politie_justitie", "na_oplossing"),
                              ("woningcorporatie", "huidig"), ("woningcorporatie", "na_oplossing")]
    assert out.filter(pl.col("suppressed"))["total_eur"].null_count() == 4


def test_no_secondary_suppression_when_a_hidden_part_is_large_enough():
    frame = pl.DataFrame({"payer": ["a", "b", "c"], "scenario": ["s"] * 3, "n": [2, 7, 9],
                          "total_eur": [1.0, 2.0, 3.0]})
    out = disclosure.gate_table("kosten_betaler", frame, MIN).content
    assert out["suppressed"].to_list() == [True, True, False]


# -- key figures ---------------------------------------------------------------------------------


def test_key_figures_are_suppressed_per_record_and_weeks_are_not_people():
    gated = disclosure.gate_key_figures("01_x", {
        "klein": {"value": 4.485, "n": 3, "ci_low": 4.0, "ci_high": 5.0, "unit": "score"},
        "groot": {"value": 7.1, "n": 30, "unit": "score"},
        "bezoekers_per_week_gemiddeld": {"value": 41.5, "n": 2, "unit": "count",
                                         "n_unit": "weken"},
    }, MIN)
    assert gated.content["klein"]["value"] is None and gated.content["klein"]["suppressed"]
    assert gated.content["groot"]["value"] == 7.1
    assert gated.content["bezoekers_per_week_gemiddeld"]["value"] == 41.5


# -- figures -------------------------------------------------------------------------------------


def test_a_chart_with_a_line_per_person_is_refused():
    per_case = pl.DataFrame({"case": [1, 1, 2, 2], "moment": ["v", "n", "v", "n"],
                             "score": [2.0, 9.373, 3.0, 6.0]})
    chart = alt.Chart(per_case).mark_line().encode(x="moment:N", y="score:Q", detail="case:N")
    with pytest.raises(PrivacyError):
        disclosure.gate_figure("nieuwe_figuur", chart, MIN)


def test_a_chart_row_below_the_minimum_is_refused_and_fixed_geometry_is_not_data():
    small = pl.DataFrame({"label": ["a", "b"], "n": [3, 9], "mean": [4.485, 6.0]})
    chart = alt.Chart(small).mark_bar().encode(x="mean:Q", y="label:N")
    with pytest.raises(PrivacyError, match="minimale_celgrootte|< 5"):
        disclosure.gate_figure("nieuwe_figuur", chart, MIN)
    ok = alt.Chart(small.filter(pl.col("n") >= MIN)).mark_bar().encode(x="mean:Q", y="label:N")
    zero = alt.Chart(pl.DataFrame({"zero": [0]})).mark_rule().encode(x="zero:Q")
    disclosure.gate_figure("kosten_betaler", alt.layer(ok, zero), MIN)
    with pytest.raises(PrivacyError):  # the zero line is geometry only where declared
        disclosure.gate_figure("nieuwe_figuur", alt.layer(ok, zero), MIN)


def test_every_people_chart_of_the_library_passes_the_gate():
    moments = pl.DataFrame({"moment": ["voormeting", "nameting", "herhaalmeting"],
                            "n": [13, 13, 3], "mean": [2.9, 7.6, 4.485],
                            "ci_low": [2.5, 7.1, 3.0], "ci_high": [3.3, 8.1, 6.0]})
    chart = charts.wellbeing_trajectory_chart(moments, min_cell_size=MIN)
    spec = disclosure.gate_figure("welbevinden_momenten", chart, MIN).spec
    assert "4.485" not in json.dumps(spec)


def test_wellbeing_distribution_chart_shows_no_person():
    from ruwaard_analysis.stats.summary import distribution_by

    scores = pl.DataFrame({
        "case_id": [f"RW-{i:04d}" for i in range(8)] * 2,
        "moment": ["voormeting"] * 8 + ["nameting"] * 8,
        "score": [1.237, 2, 3, 3, 4, 2, 3, 2.5, 9.373, 7, 8, 6, 7, 8, 7.5, 6.5],
    })
    table = distribution_by(scores, by="moment", value="score")
    gated = disclosure.gate_table("welbevinden_verdeling", table, MIN)
    chart = charts.wellbeing_distribution_chart(gated.content, min_cell_size=MIN)
    spec = json.dumps(disclosure.gate_figure("welbevinden_voor_na", chart, MIN).spec)
    for person in ("9.373", "1.237", "RW-0"):
        assert person not in spec


# -- executed notebooks ------------------------------------------------------------------------


def test_scrub_keeps_only_gated_outputs():
    gated = disclosure.gate_table("t", pl.DataFrame({"n": [7], "mean": [1.5]}), MIN)
    data, meta = gated._repr_mimebundle_()
    nb = {"cells": [{"cell_type": "code", "source": "moments", "outputs": [
        {"output_type": "execute_result", "data": {"text/plain": "herhaalmeting | 3 | 4.485"},
         "metadata": {}},
        {"output_type": "stream", "name": "stdout", "text": "mean 4.485\n"},
        {"output_type": "display_data", "data": data, "metadata": meta},
    ]}], "metadata": {}}
    out = disclosure.scrub_notebook(nb)
    text = json.dumps(out)
    assert "4.485" not in text and "1.5" in text
    assert disclosure.is_scrubbed(out)


def test_published_writes_through_the_gate(tmp_path):
    pub = publish.Published(MIN)
    pub.table("welbevinden_momenten", pl.DataFrame({"moment": ["herhaalmeting"], "n": [3],
                                                    "mean": [4.485]}))
    pub.figure("welbevinden_herhaalmeting_gemiddeld", 4.485, n=3)
    pub.write(tmp_path, "01_welbevinden")
    written = "".join(p.read_text(errors="ignore") for p in tmp_path.rglob("*.json"))
    assert "4.485" not in written
    assert pl.read_parquet(tmp_path / "tables" / "welbevinden_momenten.parquet")["mean"][0] is None


# -- the rule of an output is its catalogue record's (one description per output) -------------


def test_the_gate_takes_each_rule_from_the_catalogue():
    from ruwaard_analysis import catalogue

    for kind, rule_of in (("table", disclosure.table_rule), ("figure", disclosure.figure_rule),
                          ("key_figure", disclosure.key_figure_rule)):
        for name, entry in catalogue.by_kind(kind).items():
            assert rule_of(name) is entry.rule, name
    assert disclosure.table_rule("niet_in_de_catalogus") == disclosure.TableRule()


@pytest.mark.parametrize(("disclosure_key", "rule", "message"), [
    ("min_cell_size", disclosure.FigureRule(), "is not a TableRule"),
    ("min_cell_size", disclosure.TableRule(about_people=False, reason="x"), "does not fit"),
    ("public_statistics", disclosure.TableRule(), "does not fit"),
    ("not_people", disclosure.TableRule(about_people=False), "needs its reason"),
    ("geen_regel", None, "unknown disclosure rule"),
])
def test_a_catalogue_entry_without_a_valid_rule_fails(disclosure_key, rule, message):
    from ruwaard_analysis import catalogue

    with pytest.raises(ValueError, match=message):
        catalogue.Output("t", "table", "T", catalogue.NOTEBOOKS[0], False, disclosure_key,
                         "a test table", rule=rule)


def _six_weeks(n=30, n_share_group=3, n_count_group=10):
    return pl.DataFrame({
        "n": [n], "n_started": [28], "n_censored": [2], "horizon_days": [42],
        "share_by_horizon": [0.9], "share_ci_low": [0.8], "share_ci_high": [0.97],
        "median_days": [25.0], "median_ci_low": [18.0], "median_ci_high": [30.0],
        "n_share_group": [n_share_group], "n_count_group": [n_count_group]})


def test_six_weeks_hides_only_the_cells_of_a_small_group():
    row = disclosure.gate_table("zes_weken", _six_weeks(), MIN).content.row(0, named=True)
    assert row["share_by_horizon"] is None and row["share_ci_low"] is None
    assert row["share_ci_high"] is None
    assert (row["median_days"], row["median_ci_low"], row["median_ci_high"]) == (25.0, 18.0, 30.0)
    assert (row["n"], row["n_started"], row["n_censored"]) == (30, 28, 2)
    assert row["suppressed"] is True  # a value of the row is hidden
    assert "n_share_group" not in row and "n_count_group" not in row  # checked, not published


def test_six_weeks_cells_and_rows():
    counts = disclosure.gate_table("zes_weken", _six_weeks(n_share_group=8, n_count_group=2),
                                   MIN).content.row(0, named=True)
    assert counts["n_started"] is None and counts["n_censored"] is None
    assert counts["share_by_horizon"] == 0.9 and counts["median_days"] == 25.0
    whole = disclosure.gate_table("zes_weken", _six_weeks(n=4, n_share_group=8),
                                  MIN).content.row(0, named=True)  # the row's own n
    assert whole["median_days"] is None and whole["share_by_horizon"] is None
    shown = disclosure.gate_table("zes_weken", _six_weeks(n_share_group=5, n_count_group=5),
                                  MIN).content.row(0, named=True)
    assert shown["suppressed"] is False and shown["share_by_horizon"] == 0.9


def test_a_cell_rule_without_its_count_column_is_refused():
    with pytest.raises(PrivacyError, match="n_share_group"):
        disclosure.gate_table("zes_weken", _six_weeks().drop("n_share_group"), MIN)
