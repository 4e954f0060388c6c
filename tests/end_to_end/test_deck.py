"""The stuurgroep deck (reports/stuurgroep.qmd) as real Quarto renders it, opened in headless
Chromium with the network off: one self-contained file, every slide drawn, the report's numbers.

Rendered once per module in the project copy of ``conftest.rendered_reports`` (the demo results
of 2016 and 2017); skipped without Quarto (the browser test also without Playwright or the
system's chromium; Playwright never downloads a browser here).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ruwaard_analysis import deck, report
from ruwaard_analysis import report_content as rc

pytestmark = [pytest.mark.quarto, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
YEAR = 2017
CHROMIUM = "/usr/bin/chromium"


class _Page(HTMLParser):
    """src/href of script, img, link, iframe; the slides' headings."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"script", "img", "link", "iframe", "source"}:
            self.urls += [attrs[a] or "" for a in ("src", "href") if a in attrs]
        if tag == "img":
            self.images.append(attrs)


@pytest.fixture(scope="module")
def rendered(rendered_reports):
    """The deck of 2017, rendered as `ruwaard report` does, in the project copy of
    ``conftest.rendered_reports`` (its results of 2016 and 2017; skips without Quarto)."""
    project = rendered_reports.project
    quarto = report.find_quarto()
    before = {p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()}
    path = deck.render_deck(YEAR, quarto, project_dir=project, reports_dir=project / "reports")
    after = {p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()}
    return {"path": path, "project": project, "new": after - before,
            "report": rc.Report(YEAR, project / "data" / "processed" / str(YEAR))}


def test_the_deck_is_one_file_beside_the_report_and_nothing_else(rendered):
    assert rendered["path"] == rendered["project"] / "reports" / str(YEAR) / "stuurgroep-2017.html"
    assert rendered["new"] == {"reports/2017/stuurgroep-2017.html"}


def test_the_deck_loads_nothing_from_the_internet(rendered):
    html = rendered["path"].read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    assert page.urls, "no script at all: not a reveal.js page"
    assert [u for u in page.urls if re.match(r"\s*(https?:)?//", u, flags=re.I)] == []
    for remote in ("require.min.js", "jquery", "MathJax.js", "fonts.googleapis"):
        assert remote not in html, remote


def test_the_deck_shows_the_reports_numbers_in_dutch(rendered):
    html = rendered["path"].read_text(encoding="utf-8")
    r = rendered["report"]
    for name in ("casussen_totaal", "casussen_steekproef", "welbevinden_voormeting_gemiddeld",
                 "welbevinden_nameting_gemiddeld", "kosten_besparing_per_jaar_gemiddeld"):
        assert r.kerncijfer(name) in html, name
    assert "Meetresultaten over 2017" in html and "ruwaard controleer --year 2017" in html
    assert "Door de jaren" in html
    for absent in ("Traceback", "kerncijfer ontbreekt", "alt.Chart(", "GT(", "nan", "None"):
        assert not re.search(rf"(?<![\w-]){re.escape(absent)}(?![\w-])",
                             re.sub(r"<script.*?</script>", "", html, flags=re.S)), absent


def test_the_report_has_door_de_jaren_read_from_the_earlier_year(rendered_reports):
    html_2017 = rendered_reports.html(2017).read_text(encoding="utf-8")
    assert "Door de jaren" in html_2017 and "Verschil 2017 t.o.v. 2016" in html_2017
    assert "De kerncijfers van 2016 en 2017 naast elkaar" in html_2017
    html_2016 = rendered_reports.html(2016).read_text(encoding="utf-8")
    assert "Door de jaren" in html_2016
    assert "nog geen resultaten van een jaar voor 2016" in html_2016


def test_every_slide_is_drawn_offline_in_chromium(rendered):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no chromium at {CHROMIUM}")
    requests, errors = [], []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            context = browser.new_context(offline=True, viewport={"width": 1280, "height": 720})
            page = context.new_page()

            def route(r):
                url = r.request.url
                if url.startswith(("file:", "data:", "blob:", "about:")):
                    r.continue_()
                else:
                    requests.append(url)
                    r.abort()

            page.route("**/*", route)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(rendered["path"].as_uri())
            page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=30_000)
            total = page.evaluate("Reveal.getTotalSlides()")
            drawn = []
            for index in range(total):
                page.evaluate(f"Reveal.slide({index})")
                page.wait_for_timeout(150)
                drawn.append(page.evaluate("""() => {
                    const s = Reveal.getCurrentSlide();
                    const box = s.getBoundingClientRect();
                    const imgs = [...s.querySelectorAll('img')];
                    return {title: (s.querySelector('h1,h2') || {}).textContent || '',
                            height: box.height, text: s.innerText.trim().length,
                            images: imgs.length,
                            decoded: imgs.filter(i => i.complete && i.naturalWidth > 0).length,
                            overflow: s.scrollHeight > Reveal.getConfig().height + 5};
                }"""))
        finally:
            browser.close()
    assert requests == [] and errors == []
    headings = re.findall(r"^## (.+)$", (ROOT / deck.QMD).read_text(encoding="utf-8"), re.M)
    assert total == len(headings) + 1  # the title slide and one slide per heading
    for slide in drawn:
        assert slide["height"] > 100 and slide["text"] > 10, slide
        assert slide["decoded"] == slide["images"], slide  # every chart really drawn
        assert not slide["overflow"], slide  # nothing runs off the slide
    charts = [s["title"] for s in drawn if s["images"]]
    assert len(charts) >= 5, charts  # wellbeing (2), costs (2), door de jaren
