"""The Quarto project up to the render, without Quarto: _quarto.yml, the .qmd, its texts, and
every Python cell of the report executed against results of 2016 and 2017 (fixture results in
the report's contract, and the pipeline's own results when `ruwaard run` has written them).
The render itself is tested only where `quarto` is on PATH."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from qmd_cells import (
    QMD,
    execute_report,
    front_matter,
    prose,
    python_cells,
    quarto_target,
    shown,
)
from report_fixtures import write_fixture_results

from ruwaard_analysis import config, report_target
from ruwaard_analysis import report_content as rc
from ruwaard_analysis import report_contract as contract
from ruwaard_analysis import report_narrative as narrative

ROOT = Path(__file__).resolve().parents[2]
YEARS = (2016, 2017)


# -- _quarto.yml ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project() -> dict:
    return yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))


def test_quarto_yml_renders_the_report_and_the_deck(project):
    render = project["project"]["render"]
    assert render == ["reports/leergeschiedenis.qmd", "reports/stuurgroep.qmd"]
    assert all((ROOT / path).is_file() for path in render)


def test_quarto_yml_is_dutch_self_contained_and_typst(project):
    assert project["lang"] == "nl"
    assert project["format"]["html"]["embed-resources"] is True
    assert "typst" in project["format"]
    assert "pdf" not in project["format"]  # no LaTeX
    assert project["execute"]["echo"] is False
    assert project["execute"].get("error", False) is False  # a failing cell fails the render


FILE_OPTIONS = ("css", "include-in-header", "include-before-body", "include-after-body")


def test_files_named_in_quarto_yml_exist(project):
    named = [options[key] for options in project["format"].values() for key in FILE_OPTIONS
             if key in options]
    assert project["format"]["html"]["css"] in named
    for path in named:
        assert (ROOT / path).is_file(), path


def test_typst_styling_comes_after_the_template_show_rule(project):
    # Quarto's article() sets par(justify: true) and the text language itself: rules in a
    # header include come before `#show: doc => article(...)` and are overridden; rules at
    # the start of the body apply inside it.
    typst = project["format"]["typst"]
    styling = (ROOT / typst["include-before-body"]).read_text(encoding="utf-8")
    # the header include holds only the font (article() sets none of its own)
    header = (ROOT / typst["include-in-header"]).read_text(encoding="utf-8")
    rules = [line for line in header.splitlines() if line.startswith("#")]
    assert len(rules) == 1 and rules[0].startswith("#set text(font: ("), rules
    assert "#set par(justify: false)" in styling and 'lang: "nl"' in styling
    # Quarto's captioned tables are figures of its own kind; long ones may break across pages
    assert 'figure.where(kind: "quarto-float-tbl"): set block(breakable: true)' in styling


def test_no_output_dir_in_the_project(project):
    # report.py passes --output-dir (a temporary folder) to each render; one in the project
    # would also apply to a `quarto render` by hand and to other documents.
    assert "output-dir" not in project["project"]
    assert project["format"]["html"]["format-links"] is False  # no link to a PDF beside it


def test_pdf_text_uses_the_charts_font_list(project):
    from ruwaard_analysis.present import theme

    styling = (ROOT / project["format"]["typst"]["include-in-header"]).read_text("utf-8")
    typst_fonts = re.findall(r'"([^"]+)"', re.search(r"#set text\(font: \(([^)]*)\)\)",
                                                       styling).group(1))
    chart_fonts = [f.strip().strip("'") for f in theme.FONT.split(",")]
    assert typst_fonts == [f for f in chart_fonts if f != "sans-serif"]


# -- the .qmd --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def qmd_text() -> str:
    return QMD.read_text(encoding="utf-8")


def test_first_python_cell_is_the_parameters_cell(qmd_text):
    first = python_cells(qmd_text)[0]
    assert first.options.get("tags") == ["parameters"]
    namespace: dict = {}
    exec(first.code, namespace)
    assert isinstance(namespace["year"], int) and namespace["results_dir"] is None


def test_front_matter_uses_the_registered_kernel(qmd_text):
    meta = front_matter(qmd_text)
    assert meta["jupyter"] == config.KERNEL_NAME
    assert meta["date"] == "today"  # Dutch by lang: nl


def test_no_number_is_typed_in_the_report_prose(qmd_text):
    typed = [line for line in prose(qmd_text).splitlines() if re.search(r"\d", line)]
    assert typed == []


def test_markdown_cells_are_asis_and_tables_are_not(qmd_text):
    for cell in python_cells(qmd_text):
        if "print(" in cell.code:
            assert cell.options.get("output") == "asis", cell.line
        if "R.tabel_" in cell.code or "kerncijfers_tabel" in cell.code:
            assert cell.options.get("output") != "asis", cell.line


def test_the_report_names_only_contract_results(qmd_text):
    for name in re.findall(r'R\.narrative\("([a-z_]+)"\)', qmd_text):
        assert name in narrative.NARRATIVE_PARTS
    parts = set(re.findall(r'R\.narrative\("([a-z_]+)"\)', qmd_text))
    assert parts == set(narrative.NARRATIVE_PARTS)
    figures = set(re.findall(r'R\.figuur\("([a-z_]+)"', qmd_text))
    assert figures == set(contract.REQUIRED_FIGURES)
    for method in re.findall(r"R\.([a-z_]+)\(", qmd_text):
        assert callable(getattr(rc.Report, method, None)), method


def test_chapters_follow_the_leergeschiedenis(qmd_text):
    headings = re.findall(r"^# (.+?)(?: \{.*\})?$", prose(qmd_text), flags=re.M)
    assert headings[0] == "Samenvatting" and headings[-1] == "Verantwoording"
    for chapter in ("Wijkprofiel", "Meting maatschappelijk rendement",
                    "Meting positieve gezondheid", "Wijkvitaliteit", "Ons Huis van de Wijk"):
        assert chapter in headings


# -- the researchers' texts ----------------------------------------------------------------------


@pytest.mark.parametrize("year", (2016, 2017, 2018))
def test_every_text_the_report_reads_exists(year):
    assert narrative.missing_narratives(year) == []


@pytest.mark.parametrize("path", sorted((ROOT / "reports").glob("*/tekst/*.md")),
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_texts_are_marked_drafts_without_typed_numbers(path):
    text = path.read_text(encoding="utf-8")
    assert "Concepttekst" in text
    placeholders = re.findall(r"\{([a-z0-9_]+)(?:\.[a-z_]+)?\}", text)
    for name in placeholders:  # only key figures every year has
        spec = contract.REQUIRED_KEY_FIGURES.get(name)
        assert spec is not None and spec.required, name
    without = re.sub(r"\{[a-z0-9_]+(?:\.[a-z_]+)?\}", "", text)
    assert not re.search(r"\d", without), "numbers in texts come from {kerncijfer} placeholders"


# -- executing every cell ------------------------------------------------------------------------


@pytest.fixture(scope="module",
                params=[(y, t) for y in YEARS for t in ("html", "typst")], ids=str)
def executed(request, tmp_path_factory):
    year, target = request.param
    base = tmp_path_factory.mktemp("results")
    folder = write_fixture_results(base / str(year), year)
    with quarto_target(base, target):
        outputs = execute_report(year, folder)
    return year, folder, outputs, target


def test_every_cell_runs(executed):
    year, _, outputs, _ = executed
    assert outputs[1].cell.code.startswith(f"year = {year}")
    assert len(outputs) == len(python_cells(QMD.read_text(encoding="utf-8"))) + 1


def test_report_shows_computed_dutch_numbers(executed):
    year, _, outputs, _ = executed
    document = "\n".join(shown(o) for o in outputs)
    assert f"Meetresultaten over {year}" in document
    assert "2,9" in document and "7,6" in document and "95%-BI" in document
    assert "€\u00a04.321" in document
    assert "kerncijfer ontbreekt" not in document
    assert "Tekst ontbreekt" not in document
    assert "Traceback" not in document


def test_report_figures_point_at_existing_images(executed):
    _, folder, outputs, _ = executed
    document = "\n".join(o.stdout for o in outputs)
    targets = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", document)
    assert targets
    for target in targets:
        assert (config.REPORTS_DIR / target).resolve().is_file(), target
        assert (config.REPORTS_DIR / target).resolve().is_relative_to(folder.resolve())


def test_tables_suit_the_target(executed):
    _, _, outputs, target = executed
    tables = [o.value for o in outputs if o.value is not None]
    assert tables
    if target == "typst":  # pipe tables: Typst gets native tables with the Dutch numbers
        assert not any(hasattr(t, "as_raw_html") for t in tables)
        assert any("| 2,9 |" in t._repr_markdown_() for t in tables)
    else:  # HTML as Markdown, so Quarto adds no CDN scripts (see report_target.HtmlTable)
        html_tables = [t for t in tables if hasattr(t, "as_raw_html")]
        assert all(isinstance(t, report_target.HtmlTable) for t in html_tables)
        assert any(isinstance(t, report_target.HtmlTable) for t in tables)
        from IPython.core.formatters import DisplayFormatter

        shown = next(t for t in tables if hasattr(t, "as_raw_html"))
        data, _ = DisplayFormatter().format(shown)
        assert "text/html" not in data
        assert data["text/markdown"].startswith("```{=html}\n")
        assert "<table" in data["text/markdown"]


def test_optional_instruments_absent_in_2016_are_noted(executed):
    year, _, outputs, _ = executed
    document = "\n".join(shown(o) for o in outputs)
    if year == 2016:
        assert "Niet beschikbaar voor dit jaar" in document  # no Positive Health waves
    else:
        assert "oktober 2017" in document  # the Positive Health wave is shown


def _pipeline_results(year: int) -> Path | None:
    folder = config.results_dir(year)
    return folder if (folder / contract.KEY_FIGURES_FILE).is_file() else None


@pytest.mark.parametrize("year", YEARS)
def test_every_cell_runs_on_pipeline_results(year):
    folder = _pipeline_results(year)
    if folder is None:
        pytest.skip(f"no pipeline results in {config.results_dir(year)} (run `ruwaard run`)")
    document = "\n".join(shown(o) for o in execute_report(year, None))
    assert "kerncijfer ontbreekt" not in document and "Traceback" not in document


# The render by real Quarto: test_rendered_report.py and test_report_in_browser.py.


# -- the contract is documented --------------------------------------------------------------


def test_docs_report_names_every_contract_result_and_column():
    doc = (ROOT / "docs" / "report.md").read_text(encoding="utf-8")
    names = [*contract.REQUIRED_TABLES, *contract.REQUIRED_KEY_FIGURES, *contract.REQUIRED_FIGURES,
             *narrative.NARRATIVE_PARTS]
    assert [n for n in names if f"`{n}`" not in doc] == []
    for name, spec in contract.REQUIRED_TABLES.items():
        row = next(line for line in doc.splitlines() if line.startswith(f"| `{name}` |"))
        assert [c for c in spec.columns if f"`{c}`" not in row] == [], name
        assert ("| yes |" in row) == spec.required, name
    for name, spec in contract.REQUIRED_KEY_FIGURES.items():
        row = next(line for line in doc.splitlines() if line.startswith(f"| `{name}` |"))
        assert f"| {spec.unit} |" in row and ("| yes |" in row) == spec.required, name
