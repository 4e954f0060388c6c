"""The leergeschiedenis as real Quarto renders it (`ruwaard report`'s render), for 2016 and 2017,
read as a reader gets it: the tree left clean, the HTML offline, the PDF's pages.

Rendered once per session (the ``rendered_reports`` fixture in conftest.py); skipped where Quarto
is not installed. The browser checks are in test_report_in_browser.py."""

from __future__ import annotations

import base64
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import RENDER_YEARS

from ruwaard_analysis import report_content as rc
from ruwaard_analysis import report_contract as contract

pytestmark = pytest.mark.quarto
YEARS = RENDER_YEARS
ROOT = Path(__file__).resolve().parents[2]


class _Links(HTMLParser):
    """Every src/href of script, img, link and iframe, and every <img>'s alt."""

    TAGS = {"script", "img", "link", "iframe"}

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.TAGS:
            self.urls += [(tag, attrs[a] or "") for a in ("src", "href") if a in attrs]
        if tag == "img":
            self.images.append(attrs)


def _parsed(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


CHAPTERS = ("Samenvatting", "Inleiding", "Wijkprofiel", "Meting maatschappelijk rendement",
            "Meting positieve gezondheid", "Wijkvitaliteit", "Ons Huis van de Wijk", "Lessen",
            "Verantwoording")
NEVER = ("Traceback", "alt.Chart(", "kerncijfer ontbreekt", "Tekst ontbreekt", "GT(", "<tabel>",
         "print(", "R.tabel", "R.figuur", "import ", "```", " nan ", " None ")


def _words(text: str) -> str:
    """Text with its white space folded, as a reader reads it across line breaks (a
    non-breaking space stays: it is what keeps "€ 4.309" together)."""
    return re.sub(r"[ \t\n\r\f\v]+", " ", text).strip()


def _html_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return _words(html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _shown_key_figures(rendered, year: int) -> list[str]:
    """Each required key figure as the report formats it (computed, not typed here)."""
    report = rc.Report(year, rendered.project / "data" / "processed" / str(year))
    return [report.kerncijfer(name) for name, spec in contract.REQUIRED_KEY_FIGURES.items()
            if spec.required and not report.key_figures[name].get("suppressed")]


def expected_figures(rendered, year: int) -> int:
    """How many charts the report of ``year`` shows: the pipeline's figures it names, and the
    chart drawn from the results of every year ("Door de jaren") when there is an earlier one."""
    results = rendered.project / "data" / "processed" / str(year)
    named = [n for n in contract.REQUIRED_FIGURES if (results / "figures" / f"{n}.png").is_file()]
    drawn = rc.Report(year, results).door_de_jaren_chart() is not None
    return len(named) + int(drawn)


# -- nothing else in the tree ------------------------------------------------------------------


def test_the_render_writes_the_two_files_per_year_and_nothing_else(rendered_reports):
    new = rendered_reports.after - rendered_reports.before
    expected = {f"reports/{y}/leergeschiedenis-{y}.{ext}" for y in YEARS for ext in ("html", "pdf")}
    assert new == expected
    assert rendered_reports.before - rendered_reports.after == set()
    # Quarto adds its entries to .gitignore when they are missing: ours already has them
    assert ((rendered_reports.project / ".gitignore").read_text(encoding="utf-8")
            == (ROOT / ".gitignore").read_text(encoding="utf-8"))


# -- the HTML ---------------------------------------------------------------------------------


@pytest.mark.parametrize("year", YEARS)
def test_html_loads_nothing_from_the_internet(rendered_reports, year):
    parsed = _parsed(rendered_reports.html(year))
    assert parsed.urls, "no script or stylesheet at all: not Quarto's page"
    remote = [(tag, url) for tag, url in parsed.urls
              if re.match(r"\s*(https?:)?//", url, flags=re.I)]
    assert remote == []
    html = rendered_reports.html(year).read_text(encoding="utf-8")
    assert "cdn.jsdelivr.net" not in html and "require.min.js" not in html


@pytest.mark.parametrize("year", YEARS)
def test_html_is_the_dutch_report_with_computed_numbers(rendered_reports, year):
    page = rendered_reports.html(year).read_text(encoding="utf-8")
    assert re.search(r'<html[^>]+lang="nl"', page)
    text = _html_text(page)
    assert f"Meetresultaten over {year}" in text and "95%-BI" in text
    for chapter in CHAPTERS:
        assert chapter in text, chapter
    for shown in _shown_key_figures(rendered_reports, year):
        assert shown in text, shown
    for absent in NEVER:
        assert absent not in text, absent
    assert not re.search(r"\b[A-Z]\w+(Error|Exception)\b", text)


@pytest.mark.parametrize("year", YEARS)
def test_html_embeds_every_figure_with_dutch_alt_text(rendered_reports, year):
    images = _parsed(rendered_reports.html(year)).images
    embedded = [img for img in images if (img.get("src") or "").startswith("data:image/svg")]
    assert len(embedded) == len(images) == expected_figures(rendered_reports, year) >= 3
    for img in embedded:
        alt = img.get("alt") or ""
        assert len(alt.split()) >= 6, alt  # a sentence, not a file name
        assert re.search(r"\b(de|het|een|per|van|met|op|en)\b", alt), alt


# -- the PDF ----------------------------------------------------------------------------------


def _pdf(rendered, year: int):
    from pypdf import PdfReader

    return PdfReader(rendered.pdf(year))


@pytest.fixture(scope="module")
def pdf_text(rendered_reports) -> dict[int, str]:
    return {y: _words(" ".join(p.extract_text() or "" for p in _pdf(rendered_reports, y).pages))
            for y in YEARS}


@pytest.mark.parametrize("year", YEARS)
def test_pdf_page_count(rendered_reports, year):
    assert 8 <= len(_pdf(rendered_reports, year).pages) <= 30


@pytest.mark.parametrize("year", YEARS)
def test_pdf_has_one_image_per_figure(rendered_reports, year):
    pages = _pdf(rendered_reports, year).pages
    assert sum(len(page.images) for page in pages) == expected_figures(rendered_reports, year)


@pytest.mark.parametrize("year", YEARS)
def test_pdf_text_has_no_code_or_tracebacks(pdf_text, year):
    text = pdf_text[year]
    for absent in (*NEVER, "<great_tables", "<div", "<table"):
        assert absent not in text, absent
    assert not re.search(r"\b[A-Z]\w+(Error|Exception)\b", text)


@pytest.mark.parametrize("year", YEARS)
def test_pdf_has_every_chapter_and_key_figure(rendered_reports, pdf_text, year):
    for chapter in CHAPTERS:
        assert chapter in pdf_text[year], chapter
    text = pdf_text[year].replace("\u00a0", " ")  # text extraction may drop the nbsp
    for shown in _shown_key_figures(rendered_reports, year):
        assert shown.replace("\u00a0", " ") in text, shown


@pytest.mark.parametrize("year", YEARS)
def test_pdf_shows_dutch_formats(pdf_text, year):
    text = pdf_text[year]
    assert f"Meetresultaten over {year}" in text
    assert "95%-BI" in text and "Inhoudsopgave" in text
    assert re.search(r"\b\d+,\d\b", text)  # decimal comma
    assert re.search(r"\b\d{1,3}\.\d{3}\b", text)  # thousands dot
    assert re.search(r"\b\d{1,2} (januari|februari|maart|april|mei|juni|juli|augustus|"
                     r"september|oktober|november|december) \d{4}\b", text)
    assert not re.search(r"\b\d{1,3},\d{3}\.\d\b", text)  # no English number


# -- money never breaks ---------------------------------------------------------------------------


@pytest.mark.parametrize("year", YEARS)
def test_money_keeps_sign_and_amount_together(rendered_reports, year):
    text = _html_text(rendered_reports.html(year).read_text(encoding="utf-8"))
    amounts = re.findall(r"€(.)\S*\d", text)
    assert len(amounts) >= 10 and set(amounts) == {"\u00a0"}  # "€ 4.309", never a plain space
    assert not re.search(r"\bEUR \d", text)
    lines = "\n".join(p.extract_text() or "" for p in _pdf(rendered_reports, year).pages)
    assert "€" in lines and not re.search(r"€\s*\n", lines)  # no line of the PDF ends in "€"


# -- small groups leak nowhere ------------------------------------------------------------------


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


def test_small_groups_leak_nowhere_in_the_rendered_report(quarto_bin, pipeline_run, tmp_path):
    """min_cell_size above 2016's 13 cases: the wellbeing figures of those cases must not be in
    the HTML (text or embedded chart data) or the PDF, while the report still renders."""
    from conftest import quarto_project
    from pypdf import PdfReader

    from ruwaard_analysis import report
    from ruwaard_analysis.run import run_year

    year = 2016
    normal = rc.Report(year, pipeline_run.results(year))
    hidden = {name: (normal.kerncijfer(name, "bi"), normal.key_figures[name]["value"])
              for name in ("welbevinden_voormeting_gemiddeld", "welbevinden_nameting_gemiddeld",
                           "welbevinden_verschil_gemiddeld")}
    dirs = {"processed_dir": tmp_path / "processed", "reports_dir": tmp_path / "reports"}
    run_year(year, data_dir=pipeline_run.dirs["data_dir"], min_cell_size=14, progress=False,
             **dirs)
    results = dirs["processed_dir"] / str(year)
    assert all(rc.Report(year, results).key_figures[name]["suppressed"] for name in hidden)
    project = quarto_project(tmp_path / "project", {year: results})
    html_file, pdf_file = report.render_with_quarto(year, quarto_bin,
                                                    project_dir=project,
                                                    reports_dir=project / "reports")
    page = html_file.read_text(encoding="utf-8")
    text, embedded = _html_text(page), _embedded(page)
    pdf = _words(" ".join(p.extract_text() or "" for p in PdfReader(pdf_file).pages))
    assert "<14" in text and "<14" in pdf
    assert "welbevinden" in embedded.lower()  # the charts' labels are read
    for interval, raw in hidden.values():
        assert interval not in text and interval not in pdf, interval
        for digits in (f"{raw:.3f}", f"{raw:.2f}", f"{raw:.1f}"):
            whole, _, decimals = digits.partition(".")
            # the number itself, in either decimal notation, not a part of another number
            number = rf"(?<![\d.,]){whole}[.,]{decimals}(?!\d)"
            assert not re.search(number, embedded), (raw, digits)
