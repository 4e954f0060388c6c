"""Deterministic writers and readers for the results of one year (``data/processed/YEAR/``).

Writers are called inside the notebooks, always with the notebook's ``output_dir``
parameter (a staging folder of the pipeline, never the final folder), and write only what
passed the publication gate (``disclosure.Gated``, docs/disclosure.md); anything else is
refused with a ``PrivacyError``::

    write_table(output_dir, gate_table("welbevinden_momenten", frame, min_cell_size))
    write_key_figures(output_dir, gate_key_figures("01_welbevinden", {...}, min_cell_size))
    write_figure(output_dir, gate_figure("welbevinden_voor_na", chart, min_cell_size))

(``publish.Published`` does the gating: ``pub.write(output_dir, notebook)``, ``pub.chart``.)

Readers are used by the Quarto report and by ``ruwaard numbers``; they take a year
(looked up under ``processed_dir``) or a results folder.

Bytes are deterministic: Parquet is written without timestamps, JSON is sorted, UTF-8
and its floats are rounded to :data:`SIGNIFICANT_DIGITS` significant digits, so that
two runs on the same inputs give byte-identical files.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from . import config
from .errors import RuwaardError

SIGNIFICANT_DIGITS = 10
"""Floats in key-figure JSON keep this many significant digits (no last-bit jitter)."""

KEY_FIGURE_FIELDS = ("value", "n", "unit", "label", "ci_low", "ci_high", "suppressed")
"""Every key figure carries these fields (missing optional ones are written as null)."""

TABLES = "tables"
KEY_FIGURES = "key_figures"
FIGURES = "figures"
KEY_FIGURES_FILE = "key_figures.json"
MANIFEST_FILE = "manifest.json"

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


class ResultsError(RuwaardError):
    """A result could not be written or read (bad name, bad value, ...)."""


class ResultsNotFoundError(ResultsError, FileNotFoundError):
    """The results of a year (or one result in it) do not exist yet."""


# --------------------------------------------------------------------------- helpers


def _check_name(name: str, what: str) -> str:
    if not isinstance(name, str) or not _NAME_RE.match(name) or ".." in name:
        raise ResultsError(
            f"ongeldige naam voor {what}: {name!r} "
            "(gebruik letters, cijfers, '_', '-' of '.', zonder '/')"
        )
    return name


def round_significant(x: float, digits: int = SIGNIFICANT_DIGITS) -> float | None:
    """``x`` rounded to ``digits`` significant digits; NaN and infinities become None."""
    if not math.isfinite(x):
        return None
    if x == 0:
        return 0.0
    return float(f"{x:.{digits}g}")


def _plain(value: Any, where: str) -> Any:
    """Turn ``value`` into plain JSON data with rounded floats (numpy scalars allowed)."""
    if value is None or isinstance(value, bool | str):
        return value
    if hasattr(value, "item") and not isinstance(value, int | float):  # numpy scalar
        value = value.item()
        if isinstance(value, bool):
            return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return round_significant(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, where) for v in value]
    if hasattr(value, "isoformat"):  # date / datetime
        return value.isoformat()
    raise ResultsError(f"{where}: waarde van type {type(value).__name__} kan niet naar JSON")


def dumps_json(data: Any) -> str:
    """The project's canonical JSON text: sorted keys, UTF-8, indent 2, newline at the end."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2, allow_nan=False) + "\n"


def write_json(path: Path, data: Any) -> Path:
    """Write ``data`` as canonical JSON (see :func:`dumps_json`) to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(dumps_json(_plain(data, path.name)).encode("utf-8"))
    return path


def normalise_key_figure(name: str, figure: Mapping[str, Any]) -> dict[str, Any]:
    """One key figure with every field of :data:`KEY_FIGURE_FIELDS`, checked and rounded.

    ``value`` and ``n`` are required (``n`` an integer >= 0, or None when not a count of
    people); the other fields default to None (``suppressed`` to False). Extra fields
    (e.g. ``decimals`` for printing) are kept.
    """
    if not isinstance(figure, Mapping):
        raise ResultsError(f"kengetal {name!r}: verwacht een dict, kreeg {type(figure).__name__}")
    missing = [k for k in ("value", "n") if k not in figure]
    if missing:
        raise ResultsError(f"kengetal {name!r}: veld(en) {', '.join(missing)} ontbreken")
    out = {k: None for k in KEY_FIGURE_FIELDS}
    out["suppressed"] = False
    out.update(_plain(dict(figure), f"kengetal {name}"))
    n = out["n"]
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 0):
        if isinstance(n, float) and n.is_integer() and n >= 0:
            out["n"] = int(n)
        else:
            raise ResultsError(f"kengetal {name!r}: n moet een geheel getal >= 0 zijn, niet {n!r}")
    if not isinstance(out["suppressed"], bool):
        raise ResultsError(f"kengetal {name!r}: suppressed moet True of False zijn")
    return out


def _results_folder(year_or_dir: int | str | Path, processed_dir: Path) -> Path:
    if isinstance(year_or_dir, int) and not isinstance(year_or_dir, bool):
        folder = Path(processed_dir) / str(year_or_dir)
        if not folder.is_dir():
            raise ResultsNotFoundError(
                f"geen resultaten voor {year_or_dir} in {folder}: "
                f"voer eerst `ruwaard run --year {year_or_dir}` uit"
            )
        return folder
    folder = Path(year_or_dir)
    if not folder.is_dir():
        raise ResultsNotFoundError(
            f"resultatenmap {folder} bestaat niet: voer eerst `ruwaard run` uit"
        )
    return folder


# --------------------------------------------------------------------------- writers


def _gated(record: Any, kind: str, what: str, extra: Any) -> Any:
    from .disclosure import require_gated

    if extra is not None:  # the old call write_x(out_dir, name, raw): refused, say why
        record = extra
    return require_gated(record, kind, what)


def write_table(out_dir: str | Path, table: Any, _frame: Any = None) -> Path:
    """Write a gated table (``disclosure.gate_table``) to ``OUT_DIR/tables/NAME.parquet``.

    Deterministic bytes. A frame that did not pass the gate is refused (``PrivacyError``).
    """
    gated = _gated(table, "table", f"tabel {table if isinstance(table, str) else ''}".strip(),
                   _frame)
    name, frame = gated.name, gated.content
    _check_name(name, "tabel")
    if not isinstance(frame, pl.DataFrame):  # the gate turns pandas frames into polars
        raise ResultsError(
            f"tabel {name!r}: verwacht een polars DataFrame, kreeg {type(frame).__name__}")
    path = Path(out_dir) / TABLES / f"{name}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(path, compression="zstd", compression_level=3, statistics=True)
    return path


def write_key_figures(out_dir: str | Path, key_figures: Any, _figures: Any = None) -> Path:
    """Write the gated key figures of one notebook to ``OUT_DIR/key_figures/NOTEBOOK.json``.

    ``key_figures``: ``disclosure.gate_key_figures(notebook, figures, min_cell_size)``, where
    ``figures`` maps a figure name to ``{"value", "n", "unit", "label", "ci_low",
    "ci_high", "suppressed"}`` (see :func:`normalise_key_figure`). Names must be unique
    over all notebooks of a year; the pipeline merges them into ``key_figures.json``.
    Key figures that did not pass the gate are refused (``PrivacyError``).
    """
    gated = _gated(key_figures, "key_figures", "kerncijfers", _figures)
    notebook, figures = gated.name, gated.content
    _check_name(notebook, "notebook")
    if not isinstance(figures, Mapping):
        raise ResultsError(
            f"kengetallen van {notebook!r}: verwacht een dict van naam naar kengetal"
        )
    data = {
        _check_name(str(k), "kengetal"): normalise_key_figure(str(k), v) for k, v in figures.items()
    }
    path = Path(out_dir) / KEY_FIGURES / f"{notebook}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(dumps_json(data).encode("utf-8"))
    return path


def write_figure(out_dir: str | Path, figure: Any, _chart: Any = None) -> Any:
    """Save a gated chart (``disclosure.gate_figure``) as ``OUT_DIR/figures/NAME.vl.json``,
    ``.svg`` and ``.png``, all three from the spec the gate checked.

    Delegates to :func:`ruwaard_analysis.present.theme.save_spec` and returns what it returns.
    A chart that did not pass the gate is refused (``PrivacyError``).
    """
    gated = _gated(figure, "figure", f"figuur {figure if isinstance(figure, str) else ''}"
                   .strip(), _chart)
    name = _check_name(gated.name, "figuur")
    from .present.theme import save_spec  # lazy: altair / vl-convert are heavy

    stem = Path(out_dir) / FIGURES / name
    stem.parent.mkdir(parents=True, exist_ok=True)
    return save_spec(gated.spec, stem)


# --------------------------------------------------------------------------- readers


def results_path(
    year_or_dir: int | str | Path, *, processed_dir: Path = config.PROCESSED_DIR
) -> Path:
    """The results folder of a year (or the folder itself); error if it does not exist."""
    return _results_folder(year_or_dir, processed_dir)


def read_table(
    year_or_dir: int | str | Path, name: str, *, processed_dir: Path = config.PROCESSED_DIR
) -> pl.DataFrame:
    """Read result table ``NAME`` of a year (or of a results folder)."""
    path = (
        _results_folder(year_or_dir, processed_dir)
        / TABLES
        / f"{_check_name(name, 'tabel')}.parquet"
    )
    if not path.is_file():
        raise ResultsNotFoundError(f"resultaattabel {name!r} bestaat niet ({path})")
    return pl.read_parquet(path)


def _read_json(path: Path) -> Any:
    if not path.is_file():
        raise ResultsNotFoundError(
            f"{path.name} ontbreekt in {path.parent}: voer eerst `ruwaard run` uit"
        )
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ResultsError(f"{path} is geen geldige JSON: {exc}") from exc


def read_key_figures(
    year_or_dir: int | str | Path, *, processed_dir: Path = config.PROCESSED_DIR
) -> dict[str, dict[str, Any]]:
    """All key figures of a year, ``{name: {"value", "n", ...}}`` sorted by name."""
    return _read_json(_results_folder(year_or_dir, processed_dir) / KEY_FIGURES_FILE)


def read_manifest(
    year_or_dir: int | str | Path, *, processed_dir: Path = config.PROCESSED_DIR
) -> dict[str, Any]:
    """The manifest of a year: input checksums, parameters, versions, commit, notebooks."""
    return _read_json(_results_folder(year_or_dir, processed_dir) / MANIFEST_FILE)


@dataclass(frozen=True)
class YearFigures:
    """The published key figures of one year and the minimum cell size of its run."""

    year: int
    figures: Mapping[str, Mapping[str, Any]]
    min_cell_size: int = config.MIN_CELL_SIZE


def read_years(
    years: Iterable[int], processed_dir: Path = config.PROCESSED_DIR
) -> dict[int, YearFigures]:
    """The key figures of each of ``years`` that has results under ``processed_dir`` (with the
    minimum cell size of that year's run), in year order; years without results are left out
    (year over year: ``years.py``)."""
    found: dict[int, YearFigures] = {}
    for year in sorted(set(int(y) for y in years)):
        try:
            figures = read_key_figures(year, processed_dir=processed_dir)
        except ResultsNotFoundError:
            continue
        try:
            params = read_manifest(year, processed_dir=processed_dir).get("parameters") or {}
            min_cell = int(params.get("min_cell_size") or config.MIN_CELL_SIZE)
        except (RuwaardError, TypeError, ValueError):
            min_cell = config.MIN_CELL_SIZE
        found[year] = YearFigures(year, figures, min_cell)
    return found


def figure_path(
    year: int | str | Path,
    name: str,
    ext: str = "svg",
    *,
    processed_dir: Path = config.PROCESSED_DIR,
    must_exist: bool = True,
) -> Path:
    """Absolute path of figure ``NAME`` in format ``ext`` (``svg``, ``png`` or ``vl.json``)."""
    ext = ext.lstrip(".")
    folder = (
        _results_folder(year, processed_dir)
        if must_exist
        else (Path(processed_dir) / str(year) if isinstance(year, int) else Path(year))
    )
    path = (folder / FIGURES / f"{_check_name(name, 'figuur')}.{ext}").resolve()
    if must_exist and not path.is_file():
        raise ResultsNotFoundError(f"figuur {name}.{ext} bestaat niet ({path})")
    return path
