"""Every contract rule: a small failing file and the exact problem (file, line, column, rule)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ruwaard_analysis import config, contracts, loaders
from ruwaard_analysis.errors import DataValidationError

VALID = Path(__file__).resolve().parents[1] / "fixtures" / "io" / "valid"


def edited(tmp_path: Path, key: str, old: str, new: str) -> Path:
    """Copy of the valid fixture of ``key`` with one text replacement (which must apply)."""
    text = (VALID / f"{key}.csv").read_text()
    assert old in text, f"fixture edit does not apply: {old!r}"
    path = tmp_path / f"{key}.csv"
    path.write_text(text.replace(old, new, 1))
    return path


def found(key: str, path: Path) -> set[tuple[str, str, int | None, str | None]]:
    df, problems = loaders.check_file(key, path)
    assert df is None if problems else df is not None
    return {(p.file, p.rule, p.row, p.column) for p in problems}


# (source, text to replace in the valid fixture, replacement, expected (rule, line, column))
SINGLE_FILE_RULES = [
    # structure
    ("wellbeing", "measured_on,score", "measured_on,scoer", ("ontbrekende_kolom", 1, "score")),
    ("wellbeing", "measured_on,score", "measured_on,scoer", ("onbekende_kolom", 1, "scoer")),
    ("wellbeing", "measured_on,score", "score,cijfer", ("dubbele_kolom", 1, "cijfer")),
    ("wellbeing", "C0001,nameting,2016-04-10,7.5", "C0001,nameting,2016-04-10,7,5",
     ("bestand_onleesbaar", 3, None)),
    # required values
    ("wellbeing", "C0001,nameting,2016-04-10,7.5", "C0001,nameting,2016-04-10,",
     ("verplicht", 3, "score")),
    ("cases", "C0002,2016-05-03", ",2016-05-03", ("verplicht", 3, "case_id")),
    # types
    ("wellbeing", "2016-04-10,7.5", "2016-04-10,zeven", ("type", 3, "score")),
    ("wellbeing", "2016-04-10,7.5", "2016-31-04,7.5", ("type", 3, "measured_on")),
    ("cases", "2016-05-03,2016,", "2016-05-03,2016a,", ("type", 3, "mdo_year")),
    ("cases", "2016-03-01,true", "2016-03-01,misschien", ("type", 2, "precondition_wonen")),
    ("visitors", "2016-09-12,131", "2016-09-12,131.5", ("type", 3, "unique_visitors")),
    # allowed values and patterns
    ("wellbeing", "C0001,nameting", "C0001,tussenmeting", ("toegestane_waarden", 3, "moment")),
    ("cost_lines", "C0001,huidig", "C0001,later", ("toegestane_waarden", 2, "scenario")),
    ("price_list", ",zorg,", ",gezondheid,", ("toegestane_waarden", 2, "domain")),
    ("price_list", ",ggz,zorgverzekeraar,", ",ggz,patient,", ("toegestane_waarden", 3, "payer")),
    ("positive_health", "meedoen", "participatie", ("toegestane_waarden", 4, "domain")),
    ("ggd_indicators", "2016,65+", "2016,40+", ("toegestane_waarden", 4, "age_group")),
    ("ggd_indicators", "WK082806,wijk", "WK0828,wijk", ("patroon", 2, "area_code")),
    ("inhabitants", "GM0828,2016", "Oss,2016", ("patroon", 3, "area_code")),
    # ranges
    ("wellbeing", "2016-04-10,7.5", "2016-04-10,10.5", ("bereik", 3, "score")),
    ("wellbeing", "2016-02-28,2.5", "2016-02-28,0.5", ("bereik", 2, "score")),
    ("cost_lines", "HA01,4.0", "HA01,-4.0", ("bereik", 2, "quantity")),
    ("price_list", "consult,38.0", "consult,-38.0", ("bereik", 2, "unit_price_eur")),
    ("positive_health", "gezond,6.0", "gezond,11", ("bereik", 2, "score")),
    ("ggd_indicators", "45.2,41.0,49.5", "145.2,41.0,149.5", ("bereik", 2, "estimate_pct")),
    ("wijkbudget", "1500000.0,1450000.0", "1500000.0,-1", ("bereik", 2, "spent_eur")),
    ("inhabitants", "13100", "-13100", ("bereik", 2, "inhabitants")),
    ("cpi", "2016,100.32", "2016,0", ("bereik", 3, "cpi")),
    # uniqueness
    ("price_list", "WEL01,", "HA01,", ("uniek", 4, "item_code")),
    ("wellbeing", "C0001,herhaalmeting", "C0001,nameting", ("uniek", 4, "case_id")),
    ("cpi", "2022,", "2016,", ("uniek", 4, "year")),
    ("visitors", "2016-09-12", "2016-09-05", ("uniek", 3, "week_start")),
    # rules over a row
    ("cases", "2016-05-03,2016,", "2016-05-03,2017,", ("mdo_jaar", 3, "mdo_year")),
    ("cases", "2016-05-03,2016,2016-05-10", "2016-05-03,2016,2016-05-01",
     ("startdatum_voor_mdo", 3, "solution_start_date")),
    ("cases", "false,false,false,true,true", "false,false,false,false,true",
     ("randvoorwaarde", 4, "precondition_wonen")),
    ("ggd_indicators", "45.2,41.0,49.5", "40.2,41.0,49.5",
     ("betrouwbaarheidsinterval", 2, "ci_lower")),
    ("ggd_indicators", "45.2,41.0,49.5", "49.6,41.0,49.5",
     ("betrouwbaarheidsinterval", 2, "ci_upper")),
    ("ggd_indicators", "GM0828,gemeente", "GM0828,wijk", ("gebiedsniveau", 3, "area_level")),
    ("visitors", "2016-09-12", "2016-09-13", ("maandag", 3, "week_start")),
]


@pytest.mark.parametrize(("key", "old", "new", "expected"), SINGLE_FILE_RULES,
                         ids=[f"{r[0]}-{r[3][0]}-{r[3][2]}" for r in SINGLE_FILE_RULES])
def test_each_rule_names_file_line_column_and_rule(tmp_path, key, old, new, expected):
    path = edited(tmp_path, key, old, new)
    rule, line, column = expected
    assert (f"{key}.csv", rule, line, column) in found(key, path)


def test_valid_fixtures_pass_every_contract():
    for key in contracts.SOURCE_KEYS:
        assert found(key, VALID / f"{key}.csv") == set(), key


def test_duplicate_case_id_reports_every_occurrence(tmp_path):
    path = edited(tmp_path, "cases", "C0002,", "C0001,")
    assert found("cases", path) == {("cases.csv", "uniek", 2, "case_id"),
                                    ("cases.csv", "uniek", 3, "case_id")}


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    path = edited(tmp_path, "wellbeing", "C0001,nameting,2016-04-10,7.5",
                  "C0001,tussenmeting,2016-04-10,7.5\nC0002,nameting,2016-06-14,12")
    with pytest.raises(DataValidationError) as exc:
        loaders.load_wellbeing(path)
    got = {(p.rule, p.row, p.column) for p in exc.value.problems}
    assert ("toegestane_waarden", 3, "moment") in got
    assert ("bereik", 4, "score") in got
    assert "wellbeing.csv, regel 3, kolom 'moment'" in str(exc.value)


def test_messages_are_dutch_and_name_the_value(tmp_path):
    path = edited(tmp_path, "wellbeing", "2016-04-10,7.5", "2016-04-10,zeven")
    (problem,) = loaders.check_file("wellbeing", path)[1]
    assert problem.message == "'zeven' is geen getal (bijv. 7,5 of 7.5)"


# ----------------------------------------------------------------- cross-table rules


def folder_with(tmp_path: Path, key: str, old: str, new: str) -> Path:
    for f in VALID.iterdir():
        shutil.copy(f, tmp_path / f.name)
    edited(tmp_path, key, old, new)
    return tmp_path


CROSS_RULES = [
    ("wellbeing", "C0002,nameting", "C0009,nameting", ("wellbeing.csv", "onbekende_casus", 6,
                                                       "case_id")),
    ("cost_lines", "C0002,huidig", "C0042,huidig", ("cost_lines.csv", "onbekende_casus", 6,
                                                    "case_id")),
    ("cost_lines", "C0002,huidig,GGZ02", "C0002,huidig,XX99",
     ("cost_lines.csv", "onbekend_prijsitem", 6, "item_code")),
    ("wellbeing", "C0001,voormeting,2016-02-28", "C0001,voormeting,2016-04-20",
     ("wellbeing.csv", "volgorde_metingen", 3, "measured_on")),
    ("wellbeing", "C0002,voormeting,2016-05-03", "C0002,voormeting,2016-03-01",
     ("wellbeing.csv", "meting_voor_mdo", 5, "measured_on")),
    ("wellbeing", "C0001,herhaalmeting,2016-10-01", "C0001,herhaalmeting,2016-04-01",
     ("wellbeing.csv", "volgorde_metingen", 4, "measured_on")),
]


@pytest.mark.parametrize(("key", "old", "new", "expected"), CROSS_RULES,
                         ids=[r[3][1] + "-" + r[0] for r in CROSS_RULES])
def test_cross_table_rules(tmp_path, key, old, new, expected):
    folder = folder_with(tmp_path, key, old, new)
    problems = loaders.validate_folder(folder)
    assert [(p.file, p.rule, p.row, p.column) for p in problems] == [expected]
    with pytest.raises(DataValidationError):
        loaders.load_folder(folder)


def test_cross_rules_skip_a_table_that_is_itself_invalid(tmp_path):
    folder = folder_with(tmp_path, "cases", "C0001,2016-02-28,2016", "C0001,2016-02-28,2017")
    rules = {p.rule for p in loaders.validate_folder(folder)}
    assert rules == {"mdo_jaar"}  # no flood of unknown cases from wellbeing and cost_lines


# ----------------------------------------------------------------- the documentation


def test_docs_data_md_holds_the_generated_contract_tables():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "data.md").read_text()
    assert contracts.markdown_tables() in doc
    assert contracts.value_alias_tables() in doc


def test_every_canonical_column_is_documented_with_its_aliases():
    for contract in contracts.CONTRACTS.values():
        table = contracts.markdown_table(contract)
        for col in contract.columns:
            assert f"| `{col.name}` |" in table
            for alias in col.aliases:
                assert f"`{alias}`" in table


def test_dates_and_years_outside_the_programme_are_refused(tmp_path):
    """A date in 2031 or an MDO year 2015 is a typing error, not data (config.PROGRAMME_YEARS)."""
    folder = folder_with(tmp_path, "wellbeing", "C0001,nameting,2016-04-10",
                         "C0001,nameting,2031-04-10")
    problems = [p for p in loaders.validate_folder(folder) if p.rule == "bereik"]
    assert [(p.file, p.row, p.column) for p in problems] == [("wellbeing.csv", 3, "measured_on")]
    assert problems[0].message == "waarde 10-4-2031 ligt buiten het bereik 1-1-2016 t/m 31-12-2030"
    assert contracts.CASES.col("mdo_year").min == config.PROGRAMME_YEARS[0]


def test_a_problem_in_a_workbook_names_sheet_and_cell_as_excel_does():
    from ruwaard_analysis.errors import Problem

    p = Problem("jansen.xlsx", "bereik", "waarde 11", 14, "score", "welbevinden", "C14")
    assert str(p) == "jansen.xlsx, welbevinden!C14, kolom 'score': [bereik] waarde 11"
    spaced = Problem("a.xlsx", "verplicht", "leeg", 3, None, "positieve gezondheid")
    assert str(spaced) == "a.xlsx, werkblad 'positieve gezondheid', regel 3: [verplicht] leeg"
    plain = Problem("a.csv", "type", "x", 2, "score")
    assert str(plain) == "a.csv, regel 2, kolom 'score': [type] x"
