"""Write a PNG of the first screen of a rendered report, for the README (`make screenshot`).

    python scripts/screenshot_report.py reports/2017/leergeschiedenis-2017.html \
        docs/leergeschiedenis.png

Opens the HTML in Debian's headless Chromium (driven by Playwright from the dev extra; no
browser is downloaded) with every request refused, as the report must open offline.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--no-first-run"]


def screenshot(html: Path, png: Path, *, width: int = 1280, height: int = 800) -> Path:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium is niet geïnstalleerd (apt-get install chromium)")
    url = html.resolve().as_uri()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": width, "height": height},
                                      reduced_motion="reduce", offline=True)
        context.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        png.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(png))
        browser.close()
    return png


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path)
    parser.add_argument("png", type=Path)
    args = parser.parse_args(argv)
    if not args.html.is_file():
        print(f"fout: {args.html} bestaat niet (eerst: ruwaard report)", file=sys.stderr)
        return 1
    print(f"Schermafbeelding geschreven: {screenshot(args.html, args.png)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
