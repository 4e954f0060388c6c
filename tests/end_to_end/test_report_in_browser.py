"""The rendered HTML report opened in headless Chromium with the network off, as a stuurgroep
member opens the e-mailed file: nothing requested from outside, no failed request, no console
error, every chart drawn, every table there with header cells, every TOC link landing on its
heading, and no serious or critical WCAG 2.1 AA violation (axe-core).

Chromium is Debian's package (`/usr/bin/chromium`; `.ci/run` installs it when missing), driven
by Playwright from PyPI; Playwright never downloads a browser here. axe-core comes with the
PyPI package `axe-playwright-python` (its bundled `axe.min.js`), installed with the dev extra:
nothing is fetched while the tests run. Skipped without Quarto, Chromium, Playwright or axe.
"""

from __future__ import annotations

import re
import shutil
from importlib import resources
from pathlib import Path

import pytest
from conftest import RENDER_YEARS
from test_rendered_report import expected_figures

from ruwaard_analysis import report_content as rc

pytestmark = pytest.mark.quarto
YEARS = RENDER_YEARS
QMD = Path(__file__).resolve().parents[2] / "reports" / "leergeschiedenis.qmd"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-default-apps", "--disable-sync", "--no-first-run"]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def chromium_path() -> str | None:
    """Debian's Chromium (never a browser Playwright downloads)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def axe_script() -> str | None:
    """axe-core as the PyPI package axe-playwright-python ships it, or None."""
    try:
        return (resources.files("axe_playwright_python") / "axe.min.js").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return None


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed "
                                   "(pip install -e '.[dev]')")
    executable = chromium_path()
    if executable is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS,
                                              headless=True)
        yield chromium
        chromium.close()


class OpenedReport:
    """One report opened offline, with what the page asked for and complained about."""

    def __init__(self, browser, path: Path) -> None:
        self.url = Path(path).resolve().as_uri()
        self.requested: list[str] = []  # every request but the file itself: refused
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900},
                                           reduced_motion="reduce", offline=True,
                                           java_script_enabled=True)
        self.context.route("**/*", self._refuse)
        self.page = self.context.new_page()
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(self.url, wait_until="load")
        self.page.wait_for_load_state("networkidle")

    def _refuse(self, route) -> None:
        if route.request.url == self.url:
            route.continue_()
        else:
            self.requested.append(route.request.url)
            route.abort()


@pytest.fixture(scope="module", params=YEARS, ids=str)
def opened(request, browser, rendered_reports):
    year = request.param
    page = OpenedReport(browser, rendered_reports.html(year))
    yield year, page, rendered_reports
    page.context.close()


def test_nothing_is_requested_and_nothing_fails(opened):
    _, page, _ = opened
    assert page.requested == []
    assert page.failed == []
    assert page.errors == []


def test_every_chart_is_drawn_with_its_alt_text(opened):
    year, page, rendered = opened
    images = page.page.evaluate("""() => Array.from(document.images).map(i => ({
        alt: i.alt, complete: i.complete, width: i.naturalWidth,
        shown: i.getBoundingClientRect().width}))""")
    assert len(images) == expected_figures(rendered, year) >= 3
    for image in images:
        assert image["complete"] and image["width"] > 0 and image["shown"] > 100, image
        assert len(image["alt"].split()) >= 6, image["alt"]


def test_every_table_is_there_with_header_cells(opened):
    year, page, rendered = opened
    labels = re.findall(r"^#\| label: (tbl-[a-z0-9-]+)$", QMD.read_text(encoding="utf-8"),
                        flags=re.M)
    found = page.page.evaluate("""(labels) => labels.map(id => {
        const float = document.getElementById(id);
        if (!float) return {id, float: false};
        const table = float.querySelector('table');
        return {id, float: true, caption: (float.querySelector('figcaption') || {}).textContent,
                table: !!table, headers: table ? table.querySelectorAll('th').length : 0,
                rows: table ? table.querySelectorAll('tbody tr').length : 0,
                note: float.textContent.includes('Niet beschikbaar')};
    })""", labels)
    assert labels and len(found) == len(labels)
    no_history = rc.Report(year, rendered.project / "data" / "processed" / str(year)
                           ).door_de_jaren_chart() is None
    for table in found:
        if table["id"] == "tbl-door-de-jaren" and no_history:
            continue  # the first year has no earlier one: the text says so, no table
        assert table["float"], table
        assert re.match(r"\s*Tabel\s\d+:", table["caption"] or ""), table
        if not table["note"]:  # an optional result absent this year says so instead
            assert table["table"] and table["headers"] >= 2 and table["rows"] >= 1, table


def test_every_toc_link_lands_on_its_heading(opened):
    _, page, _ = opened
    links = page.page.evaluate("""() => Array.from(document.querySelectorAll('#TOC a[href^="#"]'))
        .map(a => ({href: a.getAttribute('href'), text: a.textContent.trim()}))""")
    assert len(links) >= 10
    for link in links:
        landed = page.page.evaluate("""(href) => {
            const a = document.querySelector(`#TOC a[href="${href}"]`);
            a.click();
            const target = document.getElementById(href.slice(1));
            if (!target) return null;
            const heading = target.matches('h1,h2,h3,h4') ? target
                : target.querySelector(':scope > h1, :scope > h2, :scope > h3, :scope > h4');
            if (!heading) return {heading: false};
            return {heading: true, text: heading.textContent.trim(),
                    hash: decodeURIComponent(location.hash),
                    top: heading.getBoundingClientRect().top};
        }""", link["href"])
        assert landed and landed["heading"], link
        assert landed["hash"] == link["href"], (link, landed)
        assert landed["text"] == link["text"], (link, landed)
        assert -5 <= landed["top"] <= 300, (link, landed)  # scrolled to it


def test_quarto_scripts_run_cross_references_resolve(opened):
    _, page, _ = opened
    state = page.page.evaluate("""() => ({
        tippy: typeof window.tippy === 'function',
        bootstrap: typeof window.bootstrap === 'object',
        xrefs: Array.from(document.querySelectorAll('a.quarto-xref')).map(a => ({
            href: a.getAttribute('href'), text: a.textContent,
            target: !!document.getElementById(a.getAttribute('href').slice(1))})),
        activeToc: document.querySelectorAll('#TOC a.active').length})""")
    assert state["tippy"] and state["bootstrap"], state  # Quarto's own scripts loaded
    assert state["activeToc"] >= 1
    for xref in state["xrefs"]:
        assert xref["target"] and re.match(r"(Tabel|Figuur) \d+", xref["text"]), xref


def test_no_serious_or_critical_accessibility_violation(opened):
    _, page, _ = opened
    script = axe_script()
    if script is None:
        pytest.skip("axe-core is not installed (pip install -e '.[dev]': axe-playwright-python)")
    page.page.evaluate(script)
    results = page.page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})", WCAG_21_AA)
    assert results["testEngine"]["version"].startswith("4.")
    serious = [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3])
               for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []


@pytest.mark.parametrize("year", YEARS[:1], ids=str)
def test_a_phone_never_scrolls_the_page_sideways(year, browser, rendered_reports):
    """At 400 px wide only a wide table scrolls, inside its own region: the page itself is no
    wider than the screen (a sha256 in the text made it 636 px wide at 420 px)."""
    context = browser.new_context(viewport={"width": 400, "height": 800}, offline=True)
    try:
        page = context.new_page()
        page.goto(Path(rendered_reports.html(year)).resolve().as_uri(), wait_until="load")
        widths = page.evaluate("() => [document.documentElement.clientWidth,"
                               " document.documentElement.scrollWidth]")
    finally:
        context.close()
    screen, page_width = widths
    assert page_width <= screen, f"de pagina is {page_width} px breed op {screen} px"
