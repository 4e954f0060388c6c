"""Issue #12, items 3-5: identifiers inside text and on every sheet, no silent
reinterpretation of input, every problem of a folder at once.

Each test starts from the small valid fixture folder, breaks one thing as a researcher might,
and checks that `ruwaard validate` (loaders.validate_folder / the CLI) names file, row, column and
rule, or reads the value correctly; never a traceback, never another number.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import polars as pl
import pytest

from ruwaard_analysis import cli, loaders, privacy
from ruwaard_analysis.errors import DataValidationError, PrivacyError

VALID = Path(__file__).parents[1] / "fixtures" / "io" / "valid"


@pytest.fixture
def folder(tmp_path) -> Path:
    out = tmp_path / "export"
    shutil.copytree(VALID, out)
    return out


def append(path: Path, line: str) -> int:
    """Append one CSV line; return its line number as an editor shows it."""
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text + line + "\n", encoding="utf-8")
    return text.count("\n") + 1


def problems_of(folder: Path) -> list:
    return loaders.validate_folder(folder)


def find(problems, rule: str, file: str | None = None):
    hits = [p for p in problems if p.rule == rule and (file is None or p.file == file)]
    assert hits, f"no {rule} in {[str(p) for p in problems]}"
    return hits


# ----------------------------------------------------------------- 3. the privacy gate


def test_bsn_inside_free_text_is_refused(folder):
    line = append(folder / "wijkbudget.csv", "2017,welzijn (aanvraag bsn 111222333),10.0,")
    [p] = find(problems_of(folder), "privacy_bsn")
    assert (p.file, p.row, p.column) == ("wijkbudget.csv", line, "budget_line")
    assert "111222333" not in str(p)  # the identifier is never echoed


def test_bsn_that_lost_its_leading_zero_is_refused(folder):
    line = append(folder / "cases.csv",
                  "12345672,2017-02-01,2017,,true,false,false,false,true,")
    [p] = find(problems_of(folder), "privacy_bsn")
    assert (p.file, p.row, p.column) == ("cases.csv", line, "case_id")


def test_phone_numbers_inside_free_text_are_refused(folder):
    path = folder / "wijkbudget.csv"
    first = append(path, "2017,contact 06-12345678,10.0,")
    append(path, "2017,bel (073) 123 4567 of +31 (0)6 1234 5678,10.0,")
    [p] = find(problems_of(folder), "privacy_telefoon")
    assert (p.row, p.column) == (first, "budget_line") and "2 waarde(n)" in p.message


def test_email_and_postcode_with_house_number_inside_text_are_refused(folder):
    path = folder / "wijkbudget.csv"
    mail = append(path, "2017,mail j.jansen@example.nl,10.0,")
    address = append(path, "2017,huisbezoek 5342 AB 12,10.0,")
    problems = problems_of(folder)
    assert find(problems, "privacy_email")[0].row == mail
    assert find(problems, "privacy_adres")[0].row == address


def test_identifying_column_header_is_named_as_an_identifier(folder):
    text = (folder / "cases.csv").read_text().splitlines()
    text[0] = text[0] + ",Cliëntnaam"
    text[1:] = [row + ",X" for row in text[1:]]
    (folder / "cases.csv").write_text("\n".join(text) + "\n")
    problems = problems_of(folder)
    [p] = find(problems, "privacy_naam")
    assert (p.file, p.row, p.column) == ("cases.csv", 1, "Cliëntnaam")
    assert not [q for q in problems if q.rule == "onbekende_kolom"]
    with pytest.raises(PrivacyError):
        loaders.load_cases(folder / "cases.csv")


@pytest.mark.parametrize("header", ["naam", "Naam cliënt", "Geboortedatum", "achternaam",
                                    "moedersnaam", "BSN-nummer"])
def test_identifying_headers(folder, header):
    text = (folder / "visitors.csv").read_text().splitlines()
    text[0] += f",{header}"
    text[1:] = [row + ",x" for row in text[1:]]
    (folder / "visitors.csv").write_text("\n".join(text) + "\n")
    hits = [p for p in problems_of(folder) if p.rule.startswith("privacy_")]
    assert [(p.file, p.row, p.column) for p in hits] == [("visitors.csv", 1, header)]


def test_identifiers_on_a_second_sheet_of_a_workbook_are_found(folder, tmp_path):
    import xlsxwriter

    (folder / "wellbeing.csv").unlink()
    book = xlsxwriter.Workbook(folder / "wellbeing.xlsx")
    data = book.add_worksheet("wellbeing")
    for r, row in enumerate(pl.read_csv(VALID / "wellbeing.csv", infer_schema=False).rows()):
        if r == 0:
            data.write_row(0, 0, ["case_id", "moment", "measured_on", "score"])
        data.write_row(r + 1, 0, row)
    notes = book.add_worksheet("Toelichting")
    notes.write_row(0, 0, ["opmerking"])
    notes.write_row(1, 0, ["nog bellen: 06 12345678"])
    book.close()
    [p] = find(problems_of(folder), "privacy_telefoon")
    assert (p.file, p.sheet, p.row, p.column) == ("wellbeing.xlsx", "Toelichting", 2,
                                                  "opmerking")
    assert "werkblad Toelichting, regel 2, kolom 'opmerking'" in str(p)


def test_no_false_alarms_on_amounts_codes_and_the_packaged_price_list(folder):
    # 8- and 9-digit amounts that happen to pass the elfproef are numbers, not BSNs
    assert privacy.elfproef_ok("012345672") and privacy.elfproef_ok("111222333")
    append(folder / "wijkbudget.csv", "2018,Wmo,12345672,111222333")
    append(folder / "inhabitants.csv", "NL01,2016,12345672,,")
    append(folder / "wijkbudget.csv", "2018,post 2016 en 2017 (WK082806),10.0,")
    assert problems_of(folder) == []
    assert loaders.load_reference("price_list").height > 100


# ----------------------------------------------------------------- 4. no silent reinterpretation


def test_dutch_thousands_point_is_read_as_thousands_or_refused(folder):
    path = folder / "wijkbudget.csv"
    path.write_text("year,budget_line,allocated_eur,spent_eur\n"
                    "2016,Wmo,1.600.000,510.000\n2016,welzijn,600000,\n")
    df = loaders.load_wijkbudget(path)
    assert df.get_column("allocated_eur").to_list() == [1_600_000.0, 600_000.0]
    assert df.get_column("spent_eur").to_list() == [510_000.0, None]

    path.write_text("year,budget_line,allocated_eur,spent_eur\n2016,Wmo,510.000,\n"
                    "2016,welzijn,600000,\n")
    [p] = find(problems_of(folder), "dubbelzinnig_getal")
    assert (p.file, p.row, p.column) == ("wijkbudget.csv", 2, "allocated_eur")


def test_one_decimal_comma_among_decimal_points_names_the_cell_that_decided(folder):
    """A comma anywhere makes a decimal-comma column (docs/data.md); its ``6.0`` values are
    then refused with the cell that decided, not as "no number (e.g. 7.5)"."""
    path = folder / "cost_lines.csv"
    line = append(path, 'C0001,huidig,HA01,"7,5"')
    hits = find(problems_of(folder), "decimaalteken", "cost_lines.csv")
    assert hits and all(p.column == "quantity" and p.row != line for p in hits)
    assert f"('7,5' op regel {line})" in hits[0].message
    assert hits[0].message.startswith("'") and "decimale punt" in hits[0].message
    assert [p for p in problems_of(folder) if p.rule == "type"] == []


def test_thousands_point_in_an_integer_column_is_never_a_smaller_number(folder):
    path = folder / "inhabitants.csv"
    path.write_text("area_code,year,inhabitants,dwellings,area_ha\n"
                    "WK082806,2016,13.100,6.000,310.5\nGM0828,2016,\"90.500\",12.0,\n")
    df = loaders.load_inhabitants(path)
    assert df.get_column("inhabitants").to_list() == [13_100, 90_500]
    assert df.get_column("dwellings").to_list() == [6_000, 12]


def test_duplicated_cost_line_is_refused(folder):
    line = append(folder / "cost_lines.csv", "C0001,huidig,HA01,2.0")
    hits = find(problems_of(folder), "uniek", "cost_lines.csv")
    assert line in [p.row for p in hits]


def test_zero_inhabitants_are_refused(folder):
    line = append(folder / "inhabitants.csv", "WK082806,2017,0,,")
    [p] = find(problems_of(folder), "bereik", "inhabitants.csv")
    assert (p.row, p.column) == (line, "inhabitants")


@pytest.mark.parametrize("key, row", [
    ("inhabitants", "WK082899,2017,500,,"),
    ("ggd_indicators", "WK082899,wijk,2016,18+,Eenzaam_27,Eenzaam,40.0,35.0,45.0"),
    ("ggd_indicators", "BU08289901,buurt,2016,18+,Eenzaam_27,Eenzaam,40.0,35.0,45.0"),
    ("ggd_indicators", "GM0999,gemeente,2016,18+,Eenzaam_27,Eenzaam,40.0,35.0,45.0"),
])
def test_area_code_not_in_the_cbs_list_is_refused(folder, key, row):
    line = append(folder / f"{key}.csv", row)
    [p] = find(problems_of(folder), "onbekend_gebied")
    assert (p.file, p.row, p.column) == (f"{key}.csv", line, "area_code")


def test_known_buurt_codes_nl01_and_the_gemeente_pass(folder):
    append(folder / "ggd_indicators.csv",
           "BU08280601,buurt,2016,18+,Eenzaam_27,Eenzaam,40.0,35.0,45.0")
    append(folder / "ggd_indicators.csv", "NL01,nederland,2016,18+,Eenzaam_27,Eenzaam,40,39,41")
    assert problems_of(folder) == []


@pytest.mark.parametrize("value", ["1e309", "-1e400", "inf", "NaN"])
def test_only_finite_numbers(folder, value):
    line = append(folder / "cost_lines.csv", f"C0002,huidig,HA01,{value}")
    [p] = find(problems_of(folder), "type", "cost_lines.csv")
    assert (p.row, p.column) == (line, "quantity")


def test_measurement_before_the_mdo_is_refused(folder):
    line = append(folder / "wellbeing.csv", "C0003,voormeting,2016-03-01,3.0")
    [p] = find(problems_of(folder), "meting_voor_mdo")
    assert (p.file, p.row, p.column) == ("wellbeing.csv", line, "measured_on")
    # a voormeting a few days before the MDO (the intake) is fine
    path = folder / "wellbeing.csv"
    path.write_text(path.read_text().replace("2016-03-01", "2017-01-10"))
    assert problems_of(folder) == []


def test_dates_after_the_export_date_are_refused(folder):
    line = append(folder / "wellbeing.csv", "C0003,nameting,2029-01-16,7.0")
    [p] = find(problems_of(folder), "datum_na_export")
    assert (p.file, p.row, p.column) == ("wellbeing.csv", line, "measured_on")
    # the export date may be given; then it is what counts
    (folder / "wellbeing.csv").write_text(
        (folder / "wellbeing.csv").read_text().replace("2029-01-16", "2017-01-20"))
    (folder / "metadata.json").write_text(json.dumps({"export_date": "2017-01-18"}))
    [p] = find(problems_of(folder), "datum_na_export")
    assert "2017-01-18" in p.message
    (folder / "metadata.json").write_text(json.dumps({"export_date": "2017-02-01"}))
    assert problems_of(folder) == []


@pytest.mark.parametrize("year", [2030, 2015])
def test_report_year_outside_the_data_is_refused_naming_the_years(folder, tmp_path, year):
    from ruwaard_analysis.run import run_year

    processed, reports = tmp_path / "processed", tmp_path / "reports"
    with pytest.raises(DataValidationError, match=r"2016 t/m 2017") as info:
        run_year(year, data_dir=folder, processed_dir=processed, reports_dir=reports,
                 progress=False)
    assert str(year) in str(info.value)
    assert not processed.exists() or not any(processed.iterdir())


# ----------------------------------------------------------------- 5. every problem at once


def test_missing_required_source_is_reported_by_validate(folder, capsys):
    (folder / "cost_lines.csv").unlink()
    [p] = find(problems_of(folder), "bron_ontbreekt")
    assert "cost_lines" in p.message
    assert cli.main(["validate", str(folder)]) == 1


def test_dangling_symlink_is_reported(folder):
    (folder / "visitors.csv").unlink()
    (folder / "visitors.csv").symlink_to(folder / "weg.csv")
    [p] = find(problems_of(folder), "koppeling_kapot")
    assert p.file == "visitors.csv"


def test_unreadable_file_is_a_problem_with_the_others_not_a_traceback(folder, monkeypatch,
                                                                      capsys):
    real_bytes, real_open = Path.read_bytes, Path.open

    def refuse(self):
        if self.name == "visitors.csv":
            raise PermissionError(13, "Permission denied", str(self))

    def read_bytes(self):
        refuse(self)
        return real_bytes(self)

    def open_(self, *args, **kwargs):  # the CSV reader reads the head of the file first
        refuse(self)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(Path, "open", open_)
    line = append(folder / "cases.csv", "C0009,2017-13-01,2017,,true,false,false,false,true,")
    problems = problems_of(folder)
    [p] = find(problems, "bestand_onleesbaar")
    assert p.file == "visitors.csv" and "leesrechten" in p.message
    assert find(problems, "type", "cases.csv")[0].row == line
    assert cli.main(["validate", str(folder)]) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_cross_file_breaks_come_with_type_errors_in_one_run(folder):
    bad = append(folder / "cases.csv", "C0009,2017-13-01,2017,,true,false,false,false,true,")
    orphan = append(folder / "wellbeing.csv", "C0404,voormeting,2017-02-01,3.0")
    problems = problems_of(folder)
    assert find(problems, "type", "cases.csv")[0].row == bad
    assert [p.row for p in find(problems, "onbekende_casus", "wellbeing.csv")] == [orphan]


def test_encoding_error_names_line_and_column(folder):
    path = folder / "wijkbudget.csv"
    path.write_bytes(b"year,budget_line,allocated_eur,spent_eur\n2016,Wmo,10.0,\n"
                     b"2017,caf\xe9 De Ruwaard,10.0,\n")
    [p] = find(problems_of(folder), "codering")
    assert (p.row, p.column) == (3, "budget_line")
    assert "teken 9" in p.message


def test_validate_and_run_never_show_a_traceback_for_these(folder, tmp_path, capsys):
    append(folder / "cost_lines.csv", "C0001,huidig,HA01,2.0")
    append(folder / "wijkbudget.csv", "2017,contact 06-12345678,10.0,")
    os.symlink(folder / "weg.csv", folder / "positive_health.extra.csv")
    code = cli.main(["validate", str(folder)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "[uniek]" in err and "[privacy_telefoon]" in err and "[koppeling_kapot]" in err


def test_run_names_an_unreadable_input_instead_of_a_traceback(folder, monkeypatch, capsys):
    from ruwaard_analysis.run import plan

    real = plan.sha256_file

    def sha256_file(path):
        if Path(path).name == "visitors.csv":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(plan, "sha256_file", sha256_file)
    code = cli.main(["run", "--year", "2017", "--data", str(folder)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "visitors.csv: [bestand_onleesbaar] geen leesrechten" in err
