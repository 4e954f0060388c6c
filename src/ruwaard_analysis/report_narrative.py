"""The researchers' narrative: the parts of ``reports/YEAR/tekst/`` and the ``{kerncijfer}``
placeholders that bring computed numbers into their prose.

No narrative is written here: the researchers write it in ``reports/YEAR/tekst/PART.md``;
numbers enter it only as ``{name}``, ``{name.n}``, ``{name.bi}``, ``{name.ci_low}``,
``{name.ci_high}`` or ``{name.label}``, filled from the key figures of the run with the one
key-figure formatter (``present.key_figure_text``) and its suppression rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from . import config
from .present import fmt, labels
from .present.key_figure_text import key_figure_text

# The researchers' narrative: reports/YEAR/tekst/NAME.md, in the order of the report.
NARRATIVE_PARTS: tuple[str, ...] = (
    "samenvatting",
    "inleiding",
    "wijkprofiel",
    "maatschappelijk_rendement",
    "werkende_principes",
    "positieve_gezondheid",
    "wijkvitaliteit",
    "huis_van_de_wijk",
    "lessen",
    "verantwoording",
)

PARTS = ("waarde", "n", "bi", "ci_low", "ci_high", "label")
_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)(?:\.(" + "|".join(PARTS) + r"))?\}")


def tekst_dir(year: int) -> Path:
    """Where the texts of ``year`` live: ``reports/YEAR/tekst``."""
    return config.REPORTS_DIR / str(int(year)) / "tekst"


def missing_narratives(year: int, folder: str | Path | None = None) -> list[str]:
    """Narrative parts without a file for ``year`` (for a check before a render)."""
    folder = Path(folder) if folder else tekst_dir(year)
    return [p for p in NARRATIVE_PARTS if not (folder / f"{p}.md").is_file()]


def key_figure_part(record: Mapping | None, name: str, part: str = "waarde",
                    min_cell_size: int = config.MIN_CELL_SIZE) -> str:
    """One part of key figure ``name`` (its ``record``, unit filled in) as Dutch text.

    A suppressed key figure never shows its value or interval; a missing one (``record`` is
    None) shows a visible marker ``[kerncijfer ontbreekt: NAME]`` (the narrative must always
    render).
    """
    if record is None:
        return f"[{labels.word('kerncijfer_ontbreekt')}: {name}]"
    if part == "label":
        return labels.text_or_label(record.get("label") or name)
    text = key_figure_text(record, min_cell_size)
    if part == "n":
        return text.n or labels.MISSING
    if text.hidden:
        return labels.word("onderdrukt_tekst").format(min_cell_size=min_cell_size)
    unit, decimals = record.get("unit"), record.get("decimals")
    if part == "bi":
        return fmt.fmt_value_ci(record.get("ci_low"), record.get("ci_high"), unit, decimals)
    if part in ("ci_low", "ci_high"):
        return fmt.fmt_value(record.get(part), unit, decimals)
    return text.value


def fill(text: str, key_figure, min_cell_size: int = config.MIN_CELL_SIZE) -> str:
    """Replace ``{name}``, ``{name.n}``, ``{name.bi}`` ... in researcher prose;
    ``key_figure(name)`` gives a key figure's record (or None)."""
    return _PLACEHOLDER.sub(lambda m: key_figure_part(
        key_figure(m.group(1)), m.group(1), m.group(2) or "waarde", min_cell_size), text)


def narrative(folder: str | Path, part: str, key_figure,
              min_cell_size: int = config.MIN_CELL_SIZE) -> str:
    """The text ``FOLDER/PART.md`` with its key figures filled in (``key_figure`` as in
    :func:`fill`); a missing file gives a visible Dutch placeholder, never an error."""
    path = Path(folder) / f"{part}.md"
    if not path.is_file():
        try:
            shown = path.resolve().relative_to(config.PROJ_ROOT).as_posix()
        except ValueError:
            shown = path.as_posix()
        return f"\n**[{labels.word('tekst_ontbreekt')}: {shown}]**\n"
    return "\n" + fill(path.read_text(encoding="utf-8"), key_figure, min_cell_size).strip() + "\n"
