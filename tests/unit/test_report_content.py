"""report_content: the contract of the results the report reads, Dutch formats, suppression,
missing texts and results. The fixture results (``tests/report_fixtures.py``, shared with
tests/integration/test_quarto_project.py) are in exactly the contract of docs/report.md."""

from __future__ import annotations

import json
import re

import polars as pl
import pytest
from report_fixtures import PNG, _kf, write_fixture_results  # noqa: F401

from ruwaard_analysis import config, report_target, vocabulary
from ruwaard_analysis import report_content as rc
from ruwaard_analysis import report_contract as contract
from ruwaard_analysis import report_narrative as narrative
from ruwaard_analysis.present import fmt, labels, tables


@pytest.fixture
def results_2017(tmp_path):
    return write_fixture_results(tmp_path / "2017", 2017)


@pytest.fixture
def report_2017(results_2017):
    return rc.Report(2017, results_2017)


# -- Dutch formats ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: fmt.fmt_value(2.94, "score"), "2,9"),
        (lambda: fmt.fmt_value(2.25, "score"), "2,3"),  # half away from zero (present.fmt)
        (lambda: fmt.fmt_value(10000, "count"), "10.000"),
        (lambda: fmt.fmt_value(10000, "eur"), "€\u00a010.000"),
        (lambda: fmt.fmt_value(-1250.4, "eur_per_year"), "€\u00a0-1.250"),
        (lambda: fmt.fmt_value(45.23, "pct"), "45%"),
        (lambda: fmt.fmt_value(0.305, "share", 1), "30,5%"),
        (lambda: fmt.fmt_value(0.0004, "p"), "p < 0,001"),
        (lambda: fmt.fmt_value(4.7, "points"), "+4,7"),
        (lambda: fmt.fmt_value(-0.5, "points"), "-0,5"),
        (lambda: fmt.fmt_value(0.01, "points"), "0,0"),
        (lambda: fmt.fmt_value(float("nan"), "score"), "–"),
        (lambda: fmt.fmt_value(None, "eur"), "–"),
        (lambda: fmt.fmt_value_ci(4.1, 5.8), "95%-BI 4,1 tot 5,8"),
        (lambda: fmt.fmt_value_ci(1200, 7400, "eur"), "95%-BI €\u00a01.200 tot €\u00a07.400"),
        (lambda: fmt.fmt_value_ci(64.1, 72.4, "pct", 1), "95%-BI 64,1% tot 72,4%"),
        (lambda: fmt.fmt_value_ci(None, 5.8), "–"),
    ],
)
def test_dutch_formats(call, expected):
    assert call() == expected


# -- key figures and narrative -----------------------------------------------------------------


def test_kerncijfer_parts(report_2017):
    assert report_2017.kerncijfer("welbevinden_voormeting_gemiddeld") == "2,9"
    assert report_2017.kerncijfer("welbevinden_verschil_gemiddeld") == "+4,7"
    assert report_2017.kerncijfer("welbevinden_verschil_gemiddeld", "bi") == "95%-BI 4,1 tot 5,8"
    assert report_2017.kerncijfer("kosten_besparing_per_jaar_gemiddeld") == "€\u00a04.321"
    assert report_2017.kerncijfer("inwoners_wijk") == "13.595"
    assert report_2017.kerncijfer("welbevinden_nameting_gemiddeld", "n") == "13"


def test_key_figure_label_may_be_a_label_key(tmp_path):
    folder = write_fixture_results(tmp_path / "2017", 2017)
    kfs = json.loads((folder / "key_figures.json").read_text())
    kfs["casussen_totaal"]["label"] = "title.key_figures"
    (folder / "key_figures.json").write_text(json.dumps(kfs))
    report = rc.Report(2017, folder)
    assert report.kerncijfer("casussen_totaal", "label") == "Kerncijfers"
    assert report.kerncijfer("casussen_steekproef", "label") == "Steekproef"
    assert labels.text_or_label("Inwoners per km².") == "Inwoners per km²."


def test_suppressed_key_figure_never_shows_its_value(report_2017):
    text = report_2017.kerncijfer("welbevinden_herhaalmeting_gemiddeld")
    assert text == "niet gepubliceerd (minder dan 5 waarnemingen)"
    assert report_2017.kerncijfer("welbevinden_herhaalmeting_gemiddeld", "bi") == text


def test_fill_placeholders_and_leave_other_braces(report_2017):
    text = report_2017.fill(
        "Van {welbevinden_voormeting_gemiddeld} naar {welbevinden_nameting_gemiddeld} "
        "(n = {welbevinden_nameting_gemiddeld.n}; {welbevinden_verschil_gemiddeld.bi}) "
        "{onbekend_cijfer} [tekst]{.klein}")
    assert "Van 2,9 naar 7,6 (n = 13; 95%-BI 4,1 tot 5,8)" in text
    assert "[kerncijfer ontbreekt: onbekend_cijfer]" in text
    assert "[tekst]{.klein}" in text


def test_narrative_reads_file_and_fills(tmp_path, results_2017):
    tekst = tmp_path / "tekst"
    tekst.mkdir()
    (tekst / "samenvatting.md").write_text("Gemiddeld {welbevinden_nameting_gemiddeld}.\n")
    report = rc.Report(2017, results_2017, tekst_dir=tekst)
    assert report.narrative("samenvatting").strip() == "Gemiddeld 7,6."


def test_missing_narrative_is_a_visible_placeholder(tmp_path, results_2017):
    report = rc.Report(2017, results_2017, tekst_dir=tmp_path / "leeg")
    text = report.narrative("samenvatting")
    assert "[Tekst ontbreekt:" in text and "samenvatting.md]" in text
    assert narrative.missing_narratives(2017, tmp_path / "leeg") == list(narrative.NARRATIVE_PARTS)


def test_subtitle_names_year_and_measurement_cutoff(report_2017):
    assert "Meetresultaten over 2017 (metingen tot en met 28 februari 2018)" in (
        report_2017.ondertitel())


def test_default_tekst_folder_is_reports_year_tekst(results_2017):
    report = rc.Report(2017, results_2017)
    assert report.tekst_dir == config.REPORTS_DIR / "2017" / "tekst"


# -- required and optional results -------------------------------------------------------------


def test_missing_results_folder_names_the_command(tmp_path):
    with pytest.raises(contract.ReportContentError, match="ruwaard run --year 2017"):
        rc.Report(2017, tmp_path / "bestaat_niet")


def test_every_missing_required_result_is_named(tmp_path):
    folder = write_fixture_results(tmp_path / "2017", 2017)
    kfs = json.loads((folder / "key_figures.json").read_text())
    del kfs["casussen_totaal"]
    (folder / "key_figures.json").write_text(json.dumps(kfs))
    (folder / "tables" / "kosten_betaler.parquet").unlink()
    (folder / "figures" / "welbevinden_momenten.png").unlink()
    with pytest.raises(contract.ReportContentError) as info:
        rc.Report(2017, folder)
    message = str(info.value)
    for name in ("casussen_totaal", "kosten_betaler", "welbevinden_momenten"):
        assert name in message


def test_table_missing_a_contract_column_is_an_error(tmp_path):
    folder = write_fixture_results(tmp_path / "2017", 2017)
    path = folder / "tables" / "welbevinden_momenten.parquet"
    pl.read_parquet(path).drop("ci_low").write_parquet(path)
    with pytest.raises(contract.ReportContentError, match="ci_low"):
        rc.Report(2017, folder)


def test_optional_results_absent_show_a_dutch_note(tmp_path):
    report = rc.Report(2016, write_fixture_results(tmp_path / "2016", 2016, optional=False))
    for method in ("tabel_positieve_gezondheid", "tabel_ggd", "tabel_wijkbudget",
                   "tabel_bezoekers"):
        out = getattr(report, method)()
        assert "Niet beschikbaar voor dit jaar" in out.data, method
    figure = report.figuur("ggd_trend", "GGD-indicatoren door de jaren heen")
    assert "Niet beschikbaar voor dit jaar" in figure and "![" not in figure


def test_contract_has_a_unit_for_every_key_figure():
    assert {spec.unit for spec in contract.REQUIRED_KEY_FIGURES.values()} <= set(vocabulary.UNITS)
    assert set(contract.SUMMARY_KEY_FIGURES) <= set(contract.REQUIRED_KEY_FIGURES)


# -- tables and figures --------------------------------------------------------------------------


def _html(table) -> str:
    return table.as_raw_html()


def test_html_tables_reach_quarto_as_they_are_with_the_classes_quarto_gave_them(report_2017):
    raw = report_target.HtmlTable(report_2017.tabel_welbevinden()).as_raw_html()  # in HTML
    # Quarto's pattern for the opt-out (resources/filters/modules/patterns.lua), as a regex
    assert re.search(r"<!--\| +quarto-html-table-processing *: +none *-->", raw)
    assert raw.count("<table") == 1
    assert ('<table class="gt_table table table-sm table-striped small" '
            'data-quarto-disable-processing="true"') in raw


def test_tables_show_dutch_numbers(report_2017):
    assert "2,9" in _html(report_2017.tabel_welbevinden())
    # the column is headed "95%-BI": the cells give the interval only
    welbevinden = _html(report_2017.tabel_welbevinden())
    assert ">2,4 tot 3,4<" in welbevinden and "95%-BI 2,4" not in welbevinden
    assert "€\u00a014.001" in _html(report_2017.tabel_kosten_scenario())
    wijk = _html(report_2017.tabel_wijkprofiel())
    assert "13.595" in wijk and "17.942.942" in wijk
    ggd = _html(report_2017.tabel_ggd())
    assert "68%" in ggd  # RIVM publishes whole percentages; so does the report
    assert re.search(r">\d+% \(\d+% tot \d+%\)<", ggd)  # estimate (interval), level in a note
    assert "Tussen haakjes het 95%-betrouwbaarheidsinterval" in ggd
    # the latest wave (2016) is from the programme's first year: a baseline, and it says so
    assert "De laatste peiling (2016) viel in het jaar waarin de proeftuin begon (2016)" in ggd
    assert "70,1%" not in ggd  # only the latest wave
    assert "oktober 2017" in _html(report_2017.tabel_positieve_gezondheid())
    assert "december 2017" in _html(report_2017.tabel_bezoekers())
    summary = _html(report_2017.kerncijfers_tabel())
    assert "€\u00a0172.856" in summary and ">€\u00a048.000 tot €\u00a0296.000<" in summary
    assert ">95%-BI<" in summary  # the header names the level once


def test_costs_per_scenario_show_their_interval_when_published(results_2017):
    assert "95%-BI" not in _html(rc.Report(2017, results_2017).tabel_kosten_scenario())
    path = results_2017 / "tables" / "kosten_scenario.parquet"
    pl.read_parquet(path).with_columns(
        (pl.col("mean_eur") * 0.8).alias("ci_low_eur"),
        (pl.col("mean_eur") * 1.25).alias("ci_high_eur")).write_parquet(path)
    table = _html(rc.Report(2017, results_2017).tabel_kosten_scenario())
    assert ">95%-BI<" in table and ">€\u00a08.200 tot €\u00a012.813<" in table


def test_a_later_ggd_wave_is_not_called_a_baseline(results_2017):
    path = results_2017 / "tables" / "ggd_indicatoren.parquet"
    pl.read_parquet(path).with_columns(pl.col("year").replace(2016, 2020)).write_parquet(path)
    ggd = _html(rc.Report(2017, results_2017).tabel_ggd())
    assert "Jaar: 2020" in ggd and "uitgangssituatie" not in ggd
    pl.read_parquet(path).filter(pl.col("year") < 2020).write_parquet(path)
    ggd = _html(rc.Report(2017, results_2017).tabel_ggd())
    assert "De laatste peiling (2012) is van voor de start van de proeftuin (2016)" in ggd


def test_wijkprofiel_names_the_cbs_year(results_2017):
    path = results_2017 / "tables" / "wijkprofiel.parquet"
    assert "Kerncijfers wijken en buurten." in _html(rc.Report(2017, results_2017)
                                                     .tabel_wijkprofiel())
    pl.read_parquet(path).with_columns(pl.lit(2024).alias("year")).write_parquet(path)
    assert "Kerncijfers wijken en buurten 2024." in _html(rc.Report(2017, results_2017)
                                                          .tabel_wijkprofiel())


def test_key_figure_table_of_chosen_names(report_2017):
    html = _html(report_2017.kerncijfers_tabel(
        ["casussen_totaal", "welbevinden_rtm_verwacht_verschil"]))
    assert "120" in html and "Casussen" in html
    absent = report_2017.kerncijfers_tabel(["welbevinden_rtm_verwacht_verschil"])
    assert "Niet beschikbaar voor dit jaar" in absent.data
    with pytest.raises(contract.ReportContentError, match="buiten het contract"):
        report_2017.kerncijfers_tabel(["verzonnen_cijfer"])


def test_suppressed_cells_are_not_published(report_2017):
    welbevinden = _html(report_2017.tabel_welbevinden())
    assert "&lt;5" in welbevinden and "7,0" not in welbevinden
    assert "minder dan 5 waarnemingen" in welbevinden  # the note explains '<5'
    betaler = _html(report_2017.tabel_kosten_betaler())
    assert "&lt;5" in betaler and "€\u00a042.250" in betaler
    assert ">Gemeente<" in betaler and "Gemeente Oss" not in betaler  # payer, not area
    pg = _html(report_2017.tabel_positieve_gezondheid())
    assert "&lt;5" in pg and "7,0" not in pg


def test_tables_without_suppression_have_no_suppression_note(report_2017):
    assert "waarnemingen" not in _html(report_2017.tabel_kosten_scenario())


def test_typst_target_gets_pipe_tables_and_png(results_2017):
    report = rc.Report(2017, results_2017, target="typst")
    table = report.tabel_welbevinden().data
    assert table.startswith("| Meetmoment |") and "| 2,9 |" in table
    assert "|:---" in table and "---:|" in table and "minder dan 5 waarnemingen" in table
    assert ".png)" in report.figuur("kosten_scenario", "Kosten")


def test_html_target_uses_svg_when_there(results_2017):
    (results_2017 / "figures" / "kosten_scenario.svg").write_text("<svg/>")
    report = rc.Report(2017, results_2017, target="html")
    assert "kosten_scenario.svg)" in report.figuur("kosten_scenario", "Kosten")
    assert "welbevinden_momenten.png)" in report.figuur("welbevinden_momenten", "Welbevinden")


def test_target_format_is_read_from_quarto_execute_info(tmp_path, monkeypatch):
    monkeypatch.delenv("QUARTO_EXECUTE_INFO", raising=False)
    assert report_target.target_format() is None
    info = tmp_path / "info.json"
    info.write_text(json.dumps({"document-path": "x.qmd", "format": {
        "identifier": {"base-format": "typst", "target-format": "typst"}}}))
    monkeypatch.setenv("QUARTO_EXECUTE_INFO", str(info))
    assert report_target.target_format() == "typst"
    info.write_text("{}")
    assert report_target.target_format() is None


def test_markdown_table_escapes_pipes():
    text = tables.markdown_table(pl.DataFrame({"a|b": ["x|y"]}), ["Noot."])
    assert text == "| a\\|b |\n|:---|\n| x\\|y |\n\nNoot."


def test_figure_is_a_relative_png_with_alt_text(report_2017, results_2017):
    md = report_2017.figuur("welbevinden_momenten", "Welbevinden per meetmoment")
    assert '![Welbevinden per meetmoment](' in md
    assert 'fig-alt="Grafiek welbevinden momenten"' in md and "#fig-welbevinden-momenten" in md
    target = md.split("](", 1)[1].split(")", 1)[0]
    assert not target.startswith("/")  # Quarto reads '/...' as project-relative
    assert (config.REPORTS_DIR / target).resolve() == (
        results_2017 / "figures" / "welbevinden_momenten.png").resolve()


def test_manifest_is_shown(report_2017):
    md = report_2017.manifest_markdown()
    assert "0123456789abcdef" in md and "`min_cell_size` = `5`" in md and "polars" in md
    assert "ab" * 32 in _html(report_2017.tabel_invoer())
    # the cost assumptions the run recorded, per notebook; a notebook without any is left out
    assert "`02_maatschappelijke_kosten`: `deadweight` = `0.2`, `years` = `5`" in md
    assert "`01_welbevinden`:" not in md


def test_verantwoording_states_the_minimum_cell_size_used(tmp_path):
    folder = write_fixture_results(tmp_path / "2017", 2017)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["parameters"]["min_cell_size"] = 7
    (folder / "manifest.json").write_text(json.dumps(manifest))
    text = rc.Report(2017, folder).celgrootte_verantwoording()
    assert "minder dan 7 " in text and "--min-cell-size" in text


# -- Door de jaren ------------------------------------------------------------------------------


def test_door_de_jaren_reads_every_earlier_year_beside_the_results(tmp_path):
    write_fixture_results(tmp_path / "2016", 2016)  # 13 cases in the sample, no herhaalmeting
    folder = write_fixture_results(tmp_path / "2017", 2017)  # 25; herhaalmeting n < 5
    R = rc.Report(2017, folder, target="typst")
    assert sorted(R.over_years()) == [2016, 2017]
    assert "2016 en 2017" in R.door_de_jaren_tekst()
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:5]]
            for line in R.door_de_jaren_tabel().data.splitlines() if line.startswith("| ")}
    assert rows["Kerncijfer"] == ["2016", "2017", "Verschil 2017 t.o.v. 2016"]
    assert rows["Steekproef"] == ["13", "25", "+12"]
    assert rows["Welbevinden herhaalmeting"] == ["–", "<5", "–"]  # absent, then suppressed
    assert R.door_de_jaren_figuur() is not None


def test_door_de_jaren_without_an_earlier_year_says_so_and_shows_nothing(tmp_path):
    R = rc.Report(2016, write_fixture_results(tmp_path / "2016", 2016), target="html")
    assert list(R.over_years()) == [2016]
    assert "nog geen resultaten" in R.door_de_jaren_tekst()
    assert R.door_de_jaren_tabel() is None and R.door_de_jaren_figuur() is None
