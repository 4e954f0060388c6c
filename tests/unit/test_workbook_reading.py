"""Workbooks read whole: every sheet named after a source, example rows skipped, problems
named by sheet and cell as Excel shows them, several workbooks of one folder combined."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from ruwaard_analysis import loaders, sheets
from ruwaard_analysis.errors import DataValidationError

CASES_HEADER = ["Casusnummer", "Datum MDO", "Jaar MDO", "Randvoorwaarde wonen",
                "Randvoorwaarde financiën", "Randvoorwaarde relaties",
                "Randvoorwaarde dagbesteding", "In steekproef"]
WELLBEING_HEADER = ["Casusnummer", "Meetmoment", "Meetdatum", "Cijfer"]



def partial_folder_problems(folder):
    """validate_folder of a folder that leaves out most sources on purpose (#12 reports those
    as bron_ontbreekt; these tests are about the workbooks)."""
    return [p for p in loaders.validate_folder(folder) if p.rule != "bron_ontbreekt"]

def case_row(case: str, day: date = date(2017, 3, 2)) -> list:
    return [case, day, day.year, "ja", "nee", "nee", "nee", "ja"]


def workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """An XLSX file with one sheet per entry (rows as written, the first is the header)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def intake(path: Path, cases: list[str], scores: dict[str, float] | None = None) -> Path:
    """A filled intake workbook: toelichting, casussen, welbevinden (with example rows)."""
    scores = scores or {case: 4.5 for case in cases}
    return workbook(path, {
        "toelichting": [["Wat elk werkblad is"], ["vrije uitleg, geen gegevens"]],
        "casussen": [CASES_HEADER, case_row("VOORBEELD"), *(case_row(c) for c in cases)],
        "welbevinden": [WELLBEING_HEADER, ["VOORBEELD", "voormeting", date(2017, 2, 27), 4.5],
                        *([c, "voormeting", date(2017, 2, 27), s] for c, s in scores.items())],
        "prijslijst": [["Itemcode", "Omschrijving"], ["huisarts_consult", "Consult"]],
    })


def test_every_source_sheet_is_read_and_example_rows_are_skipped(tmp_path):
    intake(tmp_path / "intake jansen.xlsx", ["A-1", "A-2"])
    frames = loaders.load_folder(tmp_path, sources=["cases", "wellbeing"])
    assert frames["cases"]["case_id"].to_list() == ["A-1", "A-2"]
    assert frames["wellbeing"]["score"].to_list() == [4.5, 4.5]
    assert sheets.file_sources(tmp_path / "intake jansen.xlsx") == ("cases", "wellbeing")


def test_a_wrong_cell_is_named_as_excel_shows_it(tmp_path):
    intake(tmp_path / "intake.xlsx", ["A-1", "A-2"], {"A-1": 4.5, "A-2": 11})
    problems = partial_folder_problems(tmp_path)
    assert [(p.file, p.sheet, p.cell, p.rule) for p in problems] == [
        ("intake.xlsx", "welbevinden", "D4", "bereik")]
    assert str(problems[0]).startswith("intake.xlsx, welbevinden!D4, kolom 'score': [bereik]")


def test_sheet_and_cell_follow_rows_and_columns_above_and_left_of_the_header(tmp_path):
    rows = [[], [], [None, *WELLBEING_HEADER], [None, "A-1", "voormeting", "geen datum", 5]]
    path = workbook(tmp_path / "wellbeing.xlsx", {"Blad1": rows})
    _, problems = loaders.check_file("wellbeing", path)
    assert [(p.sheet, p.cell, p.row, p.column) for p in problems] == [
        ("Blad1", "D4", 4, "measured_on")]


def test_a_case_in_two_workbooks_is_a_conflict_naming_both_files(tmp_path):
    intake(tmp_path / "a_jansen.xlsx", ["A-1", "X-9"])
    intake(tmp_path / "b_pietersen.xlsx", ["B-1", "X-9"])
    problems = partial_folder_problems(tmp_path)
    assert [(p.file, p.rule, p.sheet, p.cell) for p in problems] == [
        ("b_pietersen.xlsx", "casusconflict", "casussen", "A4")]
    assert "a_jansen.xlsx en b_pietersen.xlsx" in problems[0].message
    with pytest.raises(DataValidationError):
        loaders.load_folder(tmp_path)


def test_workbooks_of_one_folder_are_combined_in_file_order(tmp_path):
    intake(tmp_path / "b.xlsx", ["B-1"])
    intake(tmp_path / "a.xlsx", ["A-1", "A-2"])
    frames = loaders.load_folder(tmp_path, sources=["cases", "wellbeing"])
    assert frames["cases"]["case_id"].to_list() == ["A-1", "A-2", "B-1"]
    assert frames["wellbeing"]["case_id"].to_list() == ["A-1", "A-2", "B-1"]


def test_measurements_of_a_case_in_another_workbook_are_a_conflict(tmp_path):
    intake(tmp_path / "a.xlsx", ["A-1"])
    workbook(tmp_path / "b.xlsx", {"welbevinden": [
        WELLBEING_HEADER, ["A-1", "nameting", date(2017, 5, 1), 7]]})
    assert [(p.file, p.rule, p.cell) for p in partial_folder_problems(tmp_path)] == [
        ("b.xlsx", "casusconflict", "A2")]


def test_an_unknown_sheet_with_content_and_a_stray_example_row_are_problems(tmp_path):
    intake(tmp_path / "a.xlsx", ["A-1"])
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    wb.create_sheet("Blad2")  # empty: Excel's new sheet, harmless
    wb.create_sheet("notities")["B2"] = "iets"
    wb["casussen"].append(case_row("voorbeeld"))
    wb.save(tmp_path / "a.xlsx")
    problems = partial_folder_problems(tmp_path)
    assert sorted((p.rule, p.sheet, p.cell) for p in problems) == [
        ("onbekend_werkblad", "notities", None), ("voorbeeldrij", "casussen", "A4")]


def test_an_empty_source_sheet_adds_nothing(tmp_path):
    intake(tmp_path / "a.xlsx", ["A-1"])
    workbook(tmp_path / "b.xlsx", {"casussen": [CASES_HEADER, case_row("VOORBEELD")],
                                   "welbevinden": []})
    frames = loaders.load_folder(tmp_path, sources=["cases", "wellbeing"])
    assert frames["cases"].height == 1 and frames["wellbeing"].height == 1


def test_a_row_repeated_in_another_workbook_is_named_with_both_files(tmp_path):
    header = ["Respondent", "Afnamedatum", "Domein", "Vraag", "Antwoord"]
    row = ["PG-01", date(2017, 10, 16), "meedoen", "meedoen_1", 6]
    workbook(tmp_path / "a.xlsx", {"positieve_gezondheid": [header, row]})
    workbook(tmp_path / "b.xlsx", {"positieve_gezondheid": [
        header, [*row[:3], "meedoen_2", 7], row]})
    problems = partial_folder_problems(tmp_path)
    assert [(p.file, p.rule, p.sheet, p.cell) for p in problems] == [
        ("b.xlsx", "uniek", "positieve_gezondheid", "A3")]
    assert "staat ook in a.xlsx" in problems[0].message


def test_a_plain_xlsx_named_after_a_source_still_reads_its_first_sheet(tmp_path):
    workbook(tmp_path / "wellbeing.xlsx", {"Sheet1": [
        WELLBEING_HEADER, ["A-1", "voormeting", date(2017, 2, 27), 5]]})
    assert sheets.file_sources(tmp_path / "wellbeing.xlsx") == ("wellbeing",)
    assert loaders.load_wellbeing(tmp_path / "wellbeing.xlsx")["score"].to_list() == [5.0]


def cost_lines_workbook(path: Path, quantities: list) -> Path:
    """cost_lines.xlsx, one line per quantity (a str is a text cell, a number a number cell)."""
    return workbook(path, {"kostenregels": [
        ["case_id", "scenario", "item_code", "quantity"],
        *([f"A-{i}", "huidig", "huisarts_consult", q] for i, q in enumerate(quantities))]})


def test_a_text_cell_in_a_number_column_is_read_with_the_dutch_rules(tmp_path):
    """#12: Excel says which cells are text; '1.234,5' typed as text is 1234,5, and a number
    cell 7.5 stays 7.5 (calamine gives both as strings; before, text was read with a point)."""
    path = cost_lines_workbook(tmp_path / "cost_lines.xlsx", ["1.234,5", 7.5, 12])
    df = loaders.load_cost_lines(path)
    assert df["quantity"].to_list() == [1234.5, 7.5, 12.0]


def test_an_ambiguous_text_cell_in_a_number_column_is_refused_not_read_as_510(tmp_path):
    path = cost_lines_workbook(tmp_path / "cost_lines.xlsx", ["510.000", 7.5])
    frame, problems = loaders.check_file("cost_lines", path)
    assert frame is None
    [p] = problems
    assert (p.file, p.sheet, p.row, p.column, p.cell, p.rule) == (
        "cost_lines.xlsx", "kostenregels", 2, "quantity", "D2", "dubbelzinnig_getal")
