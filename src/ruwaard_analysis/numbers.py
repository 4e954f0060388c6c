"""``ruwaard numbers``: the key figures of a year as a Dutch table (or JSON)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from . import config
from .errors import RuwaardError


def format_key_figure(
    figure: dict[str, Any], min_cell_size: int = config.MIN_CELL_SIZE
) -> tuple[str, str, str]:
    """(value, n, 95% interval) of a key figure as Dutch text (``present.key_figure_text``,
    the one formatter and suppression rule). A hidden figure shows ``onderdrukt``."""
    from .present.key_figure_text import key_figure_text

    text = key_figure_text(figure, min_cell_size, n_with_unit=True)
    return ("onderdrukt" if text.hidden else text.value), text.n, text.ci


def print_comparison(
    year: int, compare: list[int], *, processed_dir: Path = config.PROCESSED_DIR, file=None
) -> int:
    """Print the key figures of ``year`` beside those of the ``compare`` years, with the
    change (``years.comparison_display``); 1 when ``year`` has no results. A compared year
    without results is named on stderr and left out."""
    from . import years as yoy
    from .present import labels
    from .results import read_years

    out = file if file is not None else sys.stdout
    wanted = sorted({int(year), *(int(y) for y in compare)})
    by_year = read_years(wanted, processed_dir=processed_dir)
    if year not in by_year:
        print(
            f"Er zijn nog geen resultaten voor {year}: voer eerst `ruwaard run --year {year}` uit.",
            file=sys.stderr,
        )
        return 1
    for missing in (y for y in wanted if y not in by_year):
        print(f"Geen resultaten voor {missing}: dat jaar ontbreekt in de vergelijking.",
              file=sys.stderr)
    display, hidden = yoy.comparison_display(by_year)
    title = f"Kengetallen {', '.join(str(y) for y in sorted(by_year))}"
    print("\n".join(yoy.comparison_lines(display, title)), file=out)
    if hidden:
        notes = sorted({labels.CAVEATS["suppression"].format(min_cell_size=yf.min_cell_size)
                        for yf in by_year.values()})
        for note in notes:
            print(note, file=out)
    return 0


def print_key_figures(
    year: int,
    *,
    as_json: bool = False,
    compare: list[int] | None = None,
    processed_dir: Path = config.PROCESSED_DIR,
    file=None,
) -> int:
    """Print the key figures of ``year`` as a Dutch table (or JSON); 1 when there are none.

    With ``compare`` (other years): side by side, see :func:`print_comparison`.
    """
    from .results import ResultsNotFoundError, read_key_figures, read_manifest

    if compare and not as_json:
        return print_comparison(year, compare, processed_dir=processed_dir, file=file)
    out = file if file is not None else sys.stdout
    if compare:  # JSON of every year that has results: {"2016": {...}, "2017": {...}}
        from .results import read_years

        found = read_years({int(year), *map(int, compare)}, processed_dir=processed_dir)
        if year not in found:
            print(f"Er zijn nog geen resultaten voor {year}: voer eerst "
                  f"`ruwaard run --year {year}` uit.", file=sys.stderr)
            return 1
        data = {str(y): dict(yf.figures) for y, yf in found.items()}
        print(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True), file=out)
        return 0
    try:
        figures = read_key_figures(year, processed_dir=processed_dir)
    except ResultsNotFoundError:
        print(
            f"Er zijn nog geen resultaten voor {year}: voer eerst `ruwaard run --year {year}` uit.",
            file=sys.stderr,
        )
        return 1
    if as_json:
        print(json.dumps(figures, ensure_ascii=False, indent=2, sort_keys=True), file=out)
        return 0
    try:
        min_cell = int(
            read_manifest(year, processed_dir=processed_dir)["parameters"]["min_cell_size"]
        )
    except (RuwaardError, KeyError, TypeError, ValueError):
        min_cell = config.MIN_CELL_SIZE
    if not figures:
        print(f"De resultaten van {year} bevatten geen kengetallen.", file=out)
        return 0
    from .catalogue import in_display_order

    rows = [("Kengetal", "Waarde", "n", "95%-BI")]
    for name in in_display_order(figures):
        fig = figures[name]
        rows.append((fig.get("label") or name, *format_key_figure(fig, min_cell)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    print(f"Kengetallen {year}", file=out)
    for i, row in enumerate(rows):
        line = "  ".join(
            [
                row[0].ljust(widths[0]),
                row[1].rjust(widths[1]),
                row[2].rjust(widths[2]),
                row[3].ljust(widths[3]),
            ]
        ).rstrip()
        print(line, file=out)
        if i == 0:
            print("  ".join("-" * w for w in widths), file=out)
    return 0
