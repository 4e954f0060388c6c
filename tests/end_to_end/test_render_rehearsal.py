"""The report rendered without Quarto, by the engines Quarto renders with (Pandoc, Typst), on
real pipeline results of 2016 and 2017: what a reader finds in the HTML and the PDF.

See ``render_rehearsal.py`` for what this rehearses and what it does not (Quarto's own
templates, filters and cross-references). The real render: ``test_quarto_project.py``.
"""

from __future__ import annotations

import base64
import html
import re
import shutil

import pytest
from render_rehearsal import pdf_image_count, pdf_text, rehearse

from ruwaard_analysis import report_content as rc
from ruwaard_analysis.run import run_year

pytestmark = pytest.mark.slow

YEARS = (2016, 2017)
CHAPTERS = ("Samenvatting", "Wijkprofiel", "Meting maatschappelijk rendement",
            "Meting positieve gezondheid", "Wijkvitaliteit", "Ons Huis van de Wijk", "Lessen",
            "Verantwoording")
NEVER = ("alt.Chart(", "Traceback", "kerncijfer ontbreekt", "Tekst ontbreekt", "[WARNING]")


def _words(text: str) -> str:
    """Text with its white space folded, as a reader reads it across line breaks."""
    return " ".join(text.split())


def _html_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return _words(html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _embedded(page: str) -> str:
    """What the embedded charts (base64 SVG data URIs) say: their text and aria labels, where
    vega-lite writes the data values (path coordinates left out: they are not data)."""
    out = []
    for kind, data in re.findall(r"data:([a-z+/]+);base64,([A-Za-z0-9+/=]+)", page):
        if "svg" in kind:
            svg = base64.b64decode(data).decode("utf-8", errors="replace")
            out += re.findall(r'aria-label="([^"]*)"', svg)
            out += re.findall(r">([^<>]+)<", svg)
    return html.unescape("\n".join(out))


def _figures(markdown: str) -> list[str]:
    return re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", markdown)


@pytest.fixture(scope="module", params=YEARS, ids=str)
def rendered(request, pipeline_run, tmp_path_factory):
    year = request.param
    results = pipeline_run.results(year)
    out = rehearse(year, results, tmp_path_factory.mktemp(f"rehearsal{year}"))
    return year, results, out


def _shown_key_figures(year, results) -> list[str]:
    """Each required key figure as the report formats it (computed, not typed here)."""
    report = rc.Report(year, results)
    return [report.kerncijfer(name) for name, spec in rc.REQUIRED_KEY_FIGURES.items()
            if spec.required and not report.key_figures[name].get("suppressed")]


def test_html_is_one_dutch_file_that_opens_offline(rendered):
    _, _, out = rendered
    page = out.html.read_text(encoding="utf-8")
    assert re.search(r'<html[^>]+lang="nl"', page)
    assert not re.search(r'<(script|img|link|source)\b[^>]+(src|href)="(https?:)?//', page)
    images = re.findall(r"<img\b[^>]*>", page)
    assert images and all('src="data:image/' in tag for tag in images)
    assert len(images) == len(_figures(out.markdown["html"]))
    assert all(re.search(r'alt="[^"]{20,}"', tag) for tag in images)  # every chart has alt text


def test_html_shows_every_chapter_and_the_computed_key_figures(rendered):
    year, results, out = rendered
    text = _html_text(out.html.read_text(encoding="utf-8"))
    for chapter in CHAPTERS:
        assert chapter in text
    for shown in _shown_key_figures(year, results):
        assert shown in text, shown
    assert f"Meetresultaten over {year}" in text and "95%-BI" in text
    for bad in (*NEVER, " nan ", " None "):
        assert bad not in text, bad


def test_pdf_has_every_chart_chapter_and_key_figure(rendered):
    year, results, out = rendered
    assert out.pdf.read_bytes().startswith(b"%PDF")
    assert pdf_image_count(out.pdf) == len(_figures(out.markdown["typst"]))
    text = _words(pdf_text(out.pdf))
    for chapter in CHAPTERS:
        assert chapter in text
    for shown in _shown_key_figures(year, results):
        assert shown in text, shown
    for bad in NEVER:
        assert bad not in text, bad


def test_pdf_tables_are_native_tables_with_dutch_numbers(rendered):
    _, _, out = rendered
    typ = out.typst.read_text(encoding="utf-8")
    assert typ.count("table(") >= 8
    assert "<table" not in typ and "gt_table" not in typ  # no HTML left over
    # numbers right-aligned, text left: the pipe tables' alignment reached Typst
    assert re.search(r"align: \(left,right", typ)


def test_typst_styling_is_applied_inside_the_template(rendered):
    _, _, out = rendered
    typ = out.typst.read_text(encoding="utf-8")
    show_rule = typ.index("#show: doc =>")
    assert typ.index("#set par(justify: false)") > show_rule


def test_small_groups_leak_nowhere_in_the_rendered_report(pipeline_run, tmp_path):
    """min_cell_size above 2016's 13 cases: the wellbeing figures of those cases must not be in
    the HTML (text or embedded chart data) or the PDF, while the report still renders."""
    year = 2016
    normal = rc.Report(year, pipeline_run.results(year))
    hidden = {name: (normal.kerncijfer(name), normal.kerncijfer(name, "bi"),
                     normal.key_figures[name]["value"])
              for name in ("welbevinden_voormeting_gemiddeld", "welbevinden_nameting_gemiddeld",
                           "welbevinden_verschil_gemiddeld")}
    dirs = {"processed_dir": tmp_path / "processed", "reports_dir": tmp_path / "reports"}
    run_year(year, data_dir=pipeline_run.dirs["data_dir"], min_cell_size=14, progress=False,
             **dirs)
    results = dirs["processed_dir"] / str(year)
    small = rc.Report(year, results)
    assert all(small.key_figures[name]["suppressed"] for name in hidden)
    out = rehearse(year, results, tmp_path / "rehearsal")
    page = out.html.read_text(encoding="utf-8")
    text, embedded = _html_text(page), _embedded(page)
    pdf = _words(pdf_text(out.pdf))
    assert "<14" in text and "<14" in pdf
    assert "Welbevinden" in embedded or "welbevinden" in embedded  # the labels are read
    for _, interval, raw in hidden.values():
        assert interval not in text and interval not in pdf, interval
        for digits in (f"{raw:.3f}", f"{raw:.2f}", f"{raw:.1f}"):
            whole, _, decimals = digits.partition(".")
            # the number itself, in either decimal notation, not a part of another number
            number = rf"(?<![\d.,]){whole}[.,]{decimals}(?!\d)"
            assert not re.search(number, embedded), (raw, digits)
    shutil.rmtree(tmp_path / "rehearsal", ignore_errors=True)


def test_rehearsal_writes_to_a_relative_folder(pipeline_run, tmp_path, monkeypatch):
    # `make preview` passes reports/YEAR/voorproef, relative to the project
    monkeypatch.chdir(tmp_path)
    out = rehearse(2017, pipeline_run.results(2017), "voorproef")
    assert out.pdf == tmp_path / "voorproef" / "leergeschiedenis-2017.pdf" and out.pdf.is_file()
    assert out.html.is_file()
