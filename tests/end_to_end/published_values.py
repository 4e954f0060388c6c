"""The published values of one results folder as small, byte-stable text files.

The regression test (``test_published_values.py``) compares a fresh pipeline run on the
demo data with the text committed in ``tests/end_to_end/baseline/YEAR/``:

- ``key_figures.json``: every key figure with every field, exactly as the pipeline wrote it
  (``results`` already rounds floats to ten significant digits);
- ``tables/NAME.csv``: every result table as CSV, a first line with the column types, floats
  with ten significant digits (what a reader can ever see, without last-bit noise), rows in
  the order the table was written;
- ``figures.json``: the sha256 of every chart's Vega-Lite spec (its data and encoding).

To accept a deliberate change (and only then): ``make baseline``, which runs
``pytest tests/end_to_end/test_published_values.py --accept-baseline``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from pathlib import Path

import polars as pl

from ruwaard_analysis.check import ADDED, REMOVED, changed_keys

BASELINE_DIR = Path(__file__).resolve().parent / "baseline"
DIGITS = 10


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "NaN" if value != value else f"{value:.{DIGITS}g}"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str,
                          separators=(",", ":"))
    return str(value)


def _quote(text: str) -> str:
    if any(c in text for c in ',"\n\r') or text != text.strip():
        return '"' + text.replace('"', '""') + '"'
    return text


def table_text(frame: pl.DataFrame) -> str:
    """One table as canonical CSV: a header of ``name:type``, one line per row."""
    header = ",".join(_quote(f"{name}:{dtype}") for name, dtype in frame.schema.items())
    rows = [",".join(_quote(_cell(v)) for v in row) for row in frame.iter_rows()]
    return "\n".join([header, *rows]) + "\n"


def figures_text(folder: Path) -> str:
    specs = sorted((folder / "figures").glob("*.vl.json"))
    digests = {p.name.removesuffix(".vl.json"): hashlib.sha256(p.read_bytes()).hexdigest()
               for p in specs}
    return json.dumps(digests, indent=2, sort_keys=True) + "\n"


def snapshot(folder: Path) -> dict[str, str]:
    """Relative path in the baseline -> text, for the results folder of one year."""
    out = {"key_figures.json": (folder / "key_figures.json").read_text(encoding="utf-8"),
           "figures.json": figures_text(folder)}
    for path in sorted((folder / "tables").glob("*.parquet")):
        out[f"tables/{path.stem}.csv"] = table_text(pl.read_parquet(path))
    return out


def read_baseline(year: int) -> dict[str, str]:
    folder = BASELINE_DIR / str(year)
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8")
            for p in sorted(folder.rglob("*")) if p.is_file()}


def write_baseline(year: int, snap: dict[str, str]) -> None:
    """Replace the committed baseline of ``year`` by ``snap`` (stale files removed)."""
    folder = BASELINE_DIR / str(year)
    for old in folder.rglob("*"):
        if old.is_file() and str(old.relative_to(folder)) not in snap:
            old.unlink()
    for rel, text in snap.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))


# --------------------------------------------------------------------------- readable diffs


def _key_figure_changes(old_text: str, new_text: str) -> list[str]:
    old, new = json.loads(old_text), json.loads(new_text)
    lines = []
    for name, status in changed_keys(old, new):
        if status == REMOVED:
            lines.append(f"  key figure {name}: removed (was {old[name].get('value')!r})")
        elif status == ADDED:
            lines.append(f"  key figure {name}: new ({new[name].get('value')!r})")
        else:
            for field, _ in changed_keys(old[name], new[name]):
                a, b = old[name].get(field), new[name].get(field)
                lines.append(f"  key figure {name}.{field}: {a!r} -> {b!r}")
    return lines


def _table_changes(rel: str, old_text: str, new_text: str, limit: int = 30) -> list[str]:
    old, new = old_text.splitlines(), new_text.splitlines()
    lines = [f"  table {rel.removeprefix('tables/').removesuffix('.csv')}:"]
    if old[:1] != new[:1]:
        was, now = old[0].split(","), new[0].split(",")
        lines.append(f"    columns removed: {[c for c in was if c not in now]}, "
                     f"added: {[c for c in now if c not in was]}")
    diff = [d for d in difflib.unified_diff(old, new, lineterm="", n=0)
            if not d.startswith(("---", "+++"))]
    lines += [f"    {d}" for d in diff[:limit]]
    if len(diff) > limit:
        lines.append(f"    ... {len(diff) - limit} more diff lines")
    return lines


def describe_changes(year: int, expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    """Readable lines for every difference between the baseline and a fresh run."""
    lines = []
    for rel, status in changed_keys(expected, actual):
        if status == ADDED:
            lines.append(f"  {rel}: new output, not in the baseline")
        elif status == REMOVED:
            lines.append(f"  {rel}: in the baseline, not written any more")
        elif rel == "key_figures.json":
            lines += _key_figure_changes(expected[rel], actual[rel])
        elif rel == "figures.json":
            old, new = json.loads(expected[rel]), json.loads(actual[rel])
            for name, state in changed_keys(old, new):
                shown = {REMOVED: "removed", ADDED: "new"}.get(state, "data or encoding changed")
                lines.append(f"  figure {name}: {shown}")
        else:
            lines += _table_changes(rel, expected[rel], actual[rel])
    return [f"published values of {year} changed:", *lines] if lines else []
