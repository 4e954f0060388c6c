"""``ruwaard controleer``: is a published year still what its inputs and code give?

The results of a year (``data/processed/YEAR/``) carry a manifest with the checksum of every
input file, the parameters of the run and the checksum of every output. A check

1. compares the recorded input checksums with the files in the data folder now and names each
   file that changed, appeared or disappeared (:func:`compare_inputs`);
2. re-runs the year in a temporary folder with the recorded parameters (the caller passes the
   run, so this module stays free of papermill; see :func:`check_year`);
3. compares every *published output* of the year byte for byte with the fresh run
   (:func:`compare_folders`) and says, per differing file, what differs: for key figures the
   old and the new value in Dutch format (:func:`key_figure_changes`), for tables rows and
   columns (:func:`table_difference`).

What "published output" means: every file of ``data/processed/YEAR/`` except ``manifest.json``
(tables, key figures, figures in Vega-Lite, SVG and PNG), i.e. the files the manifest lists
under ``outputs``. The manifest itself is not compared byte for byte: it records the git commit
and package versions of the run, which describe the environment, not the results. What differs
in it (library code, notebooks, packages, reference data) is reported as a likely reason when
outputs differ (:func:`environment_changes`).

Every function takes data and returns data; nothing here writes a file. Values of suppressed
key figures are never shown (they are not in the results either), counts of people below the
minimum cell size show as "<5", and table differences name columns and row counts, not cells.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import config
from .checksums import sha256_file
from .errors import RuwaardError

MANIFEST_FILE = "manifest.json"
KEY_FIGURES_FILE = "key_figures.json"

# How an input or output can differ (the Dutch word is what the terminal shows).
CHANGED, ADDED, REMOVED = "gewijzigd", "nieuw", "verdwenen"


class CheckError(RuwaardError):
    """A year cannot be checked (no results, no manifest, data folder gone)."""


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class InputChange:
    """One input file whose checksum differs from the manifest's (or that came or went)."""

    name: str
    status: str  # CHANGED / ADDED / REMOVED
    old_sha256: str | None = None
    new_sha256: str | None = None


@dataclass(frozen=True)
class ValueChange:
    """One key figure whose published value differs from the fresh one (Dutch text)."""

    name: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class OutputDifference:
    """One published output file that is not byte-identical to the fresh run's."""

    path: str
    status: str  # CHANGED / ADDED (only in the fresh run) / REMOVED (only published)
    details: tuple[str, ...] = ()
    values: tuple[ValueChange, ...] = ()


@dataclass(frozen=True)
class CheckResult:
    """Everything a check found. ``ok``: every published output identical."""

    year: int
    parameters: dict[str, Any]
    inputs: tuple[InputChange, ...]
    compared: int
    differences: tuple[OutputDifference, ...]
    environment: tuple[str, ...] = ()
    not_as_recorded: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.differences


# --------------------------------------------------------------------------- hashing


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def published_files(folder: Path) -> dict[str, Path]:
    """The published outputs in a results folder, ``{relative path: path}``: every file
    except ``manifest.json`` (hidden files and folders skipped)."""
    folder = Path(folder)
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        if rel.as_posix() == MANIFEST_FILE:
            continue
        found[rel.as_posix()] = path
    return found


def changed_keys(old: Mapping[Any, Any], new: Mapping[Any, Any], *,
                 same: Callable[[Any, Any], bool] = lambda a, b: a == b,
                 order: Callable[[Any], Any] | None = None) -> list[tuple[Any, str]]:
    """The keys of two mappings whose entries differ, each with its status: ``REMOVED`` (only
    in ``old``), ``ADDED`` (only in ``new``) or ``CHANGED`` (in both, not ``same``); sorted
    (by ``order``, else by key)."""
    out = []
    for k in sorted(set(old) | set(new), key=order):
        if k not in new:
            out.append((k, REMOVED))
        elif k not in old:
            out.append((k, ADDED))
        elif not same(old[k], new[k]):
            out.append((k, CHANGED))
    return out


# --------------------------------------------------------------------------- inputs


def compare_inputs(recorded: Mapping[str, Any], current: Mapping[str, str]) -> list[InputChange]:
    """Inputs that differ between the manifest (``{name: {"sha256": ...}}`` or ``{name:
    sha256}``) and the data folder now (``{name: sha256}``), sorted by name."""

    def digest(entry: Any) -> str | None:
        return entry.get("sha256") if isinstance(entry, Mapping) else entry

    changes = []
    for name, status in changed_keys(recorded, current,
                                     same=lambda entry, now: digest(entry) == now):
        old = digest(recorded[name]) if name in recorded else None
        changes.append(InputChange(name, status, old, current.get(name)))
    return changes


def environment_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """What else differs between two manifests (Dutch lines): library code, notebooks,
    reference data, package versions, parameters. The commit and outputs are left out."""
    lines = []
    if old.get("library_sha256") != new.get("library_sha256"):
        lines.append("de bibliotheekcode (src/ruwaard_analysis) is veranderd sinds de run")
    old_nb, new_nb = old.get("notebooks") or {}, new.get("notebooks") or {}
    for name in sorted(set(old_nb) | set(new_nb)):
        if name not in new_nb:
            lines.append(f"notebook {name} bestaat niet meer")
        elif name not in old_nb:
            lines.append(f"notebook {name} is nieuw")
        elif old_nb[name].get("sha256") != new_nb[name].get("sha256"):
            lines.append(f"notebook {name} is veranderd sinds de run")
    old_ref, new_ref = old.get("reference_data") or {}, new.get("reference_data") or {}
    for name in sorted(set(old_ref) | set(new_ref)):
        if old_ref.get(name) != new_ref.get(name):
            lines.append(f"referentiegegevens {name} zijn veranderd")
    old_pk, new_pk = old.get("packages") or {}, new.get("packages") or {}
    for name in sorted(set(old_pk) | set(new_pk)):
        if old_pk.get(name) != new_pk.get(name):
            lines.append(
                f"pakket {name}: versie {old_pk.get(name)} bij de run, nu {new_pk.get(name)}"
            )
    old_par, new_par = old.get("parameters") or {}, new.get("parameters") or {}
    for name in sorted(set(old_par) | set(new_par)):
        if old_par.get(name) != new_par.get(name):
            lines.append(
                f"parameter {name}: {old_par.get(name)} bij de run, nu {new_par.get(name)}"
            )
    return lines


# --------------------------------------------------------------------------- outputs


def _figure_parts(record: Mapping[str, Any] | None, min_cell_size: int) -> dict[str, str]:
    """A key figure as the report shows it (value, 95%-BI, n in Dutch format; '<5' for the
    value of a suppressed figure, whose numbers are not in the results anyway)."""
    from .present import labels
    from .present.tables import key_figure_cells

    if record is None:
        return {"value": "(ontbreekt)"}
    cells, hidden = key_figure_cells(record, min_cell_size=min_cell_size)
    parts = {"value": labels.suppressed(min_cell_size) if hidden
             else cells[labels.HEADERS["value"]]}
    ci, n = cells[labels.HEADERS["ci"]], cells[labels.HEADERS["n"]]
    if ci and ci != labels.MISSING:
        parts["ci"] = f"95%-BI {ci}"
    if n and n != labels.MISSING:
        parts["n"] = f"n = {n}"
    return parts


def _figure_texts(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None,
                  min_cell_size: int) -> tuple[str, str]:
    """Old and new text: the value always, interval and n only where they differ."""
    old, new = _figure_parts(a, min_cell_size), _figure_parts(b, min_cell_size)

    def text(parts: dict[str, str]) -> str:
        extra = [parts[k] for k in ("ci", "n") if k in parts and old.get(k) != new.get(k)]
        return f"{parts['value']} ({', '.join(extra)})" if extra else parts["value"]

    return text(old), text(new)


def _figure_label(name: str, *records: Mapping[str, Any] | None) -> str:
    from .present.tables import _text

    for record in records:
        if record and record.get("label"):
            return _text(record["label"])
    return name


def key_figure_changes(
    old: Mapping[str, Mapping[str, Any]],
    new: Mapping[str, Mapping[str, Any]],
    *,
    min_cell_size: int = config.MIN_CELL_SIZE,
) -> list[ValueChange]:
    """Key figures (``{name: record}``) that differ, in the steering group's order, with old
    and new value as Dutch text (value, interval and n as the report shows them)."""
    from .catalogue import in_display_order

    changes = []
    for name in in_display_order(set(old) | set(new)):
        a, b = old.get(name), new.get(name)
        if a == b:
            continue
        old_text, new_text = _figure_texts(a, b, min_cell_size)
        if old_text == new_text:  # differs beyond what is shown (e.g. the 4th decimal)
            old_text, new_text = _raw_difference(a, b, min_cell_size)
        changes.append(ValueChange(name, _figure_label(name, a, b), old_text, new_text))
    return changes


def _raw_difference(
    a: Mapping[str, Any] | None, b: Mapping[str, Any] | None, min_cell_size: int
) -> tuple[str, str]:
    """Fields that differ beyond the shown precision, e.g. 'value 2,934110'. When either
    side is suppressed (or counts too few people) only the names of the fields are shown."""
    from .disclosure import is_small
    from .present import fmt, labels

    a, b = a or {}, b or {}
    keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))

    def hidden(record) -> bool:
        people = record.get("n_unit") is None
        return bool(record.get("suppressed")) or (people and is_small(record.get("n"),
                                                                      min_cell_size))

    if hidden(a) or hidden(b):
        text = f"{labels.suppressed(min_cell_size)} (verschil in: {', '.join(keys)})"
        return text, text

    def show(record, key):
        value = record.get(key)
        if isinstance(value, float):
            return f"{key} {fmt.fmt_number(value, 6)}"
        return f"{key} {value}"

    return "; ".join(show(a, k) for k in keys), "; ".join(show(b, k) for k in keys)


def table_difference(old: bytes, new: bytes) -> list[str]:
    """How two Parquet tables differ, in Dutch: rows, columns and types, and which columns
    hold different values (never the values themselves: a table may hold small counts)."""
    import polars as pl

    a, b = pl.read_parquet(io.BytesIO(old)), pl.read_parquet(io.BytesIO(new))
    lines = []
    if a.height != b.height:
        lines.append(f"aantal rijen: {a.height} gepubliceerd, {b.height} nu")
    gone = [c for c in a.columns if c not in b.columns]
    came = [c for c in b.columns if c not in a.columns]
    if gone:
        lines.append(f"kolommen verdwenen: {', '.join(gone)}")
    if came:
        lines.append(f"kolommen nieuw: {', '.join(came)}")
    common = [c for c in a.columns if c in b.columns]
    for column in common:
        if a[column].dtype != b[column].dtype:
            lines.append(
                f"kolom {column}: type {a[column].dtype} gepubliceerd, {b[column].dtype} nu"
            )
    if a.height == b.height:
        for column in common:
            x, y = a[column], b[column]
            if x.dtype != y.dtype:
                continue
            differs = ~(x.eq_missing(y))
            count = int(differs.sum())
            if count:
                lines.append(f"kolom {column}: {count} van {a.height} rijen verschillen")
    if not lines:
        lines.append("zelfde inhoud, andere bytes (metadata of volgorde van het bestand)")
    return lines


def json_difference(old: bytes, new: bytes) -> list[str]:
    """How two JSON files (e.g. a Vega-Lite spec) differ: the top-level keys that differ."""
    try:
        a, b = json.loads(old), json.loads(new)
    except ValueError:
        return ["geen geldige JSON meer"]
    if isinstance(a, dict) and isinstance(b, dict):
        keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        if keys:
            return [f"verschil in: {', '.join(keys)}"]
    return ["zelfde inhoud, andere bytes (opmaak)"] if a == b else ["inhoud verschilt"]


def describe_difference(
    rel: str, old: bytes, new: bytes, *, min_cell_size: int = config.MIN_CELL_SIZE
) -> OutputDifference:
    """What differs between the published and the fresh bytes of output ``rel``."""
    if rel == KEY_FIGURES_FILE or (rel.startswith("key_figures/") and rel.endswith(".json")):
        try:
            a, b = json.loads(old), json.loads(new)
        except ValueError:
            return OutputDifference(rel, CHANGED, ("geen geldige JSON meer",))
        values = tuple(key_figure_changes(a, b, min_cell_size=min_cell_size))
        details = () if values else ("zelfde kerncijfers, andere bytes (opmaak)",)
        return OutputDifference(rel, CHANGED, details, values)
    if rel.endswith(".parquet"):
        try:
            return OutputDifference(rel, CHANGED, tuple(table_difference(old, new)))
        except Exception:  # noqa: BLE001 - a damaged file is a difference, not a crash
            return OutputDifference(rel, CHANGED, ("geen leesbare Parquet-tabel meer",))
    if rel.endswith(".json"):
        return OutputDifference(rel, CHANGED, tuple(json_difference(old, new)))
    return OutputDifference(
        rel, CHANGED, (f"{len(old)} bytes gepubliceerd, {len(new)} bytes nu",)
    )


def compare_folders(
    published: Path, fresh: Path, *, min_cell_size: int = config.MIN_CELL_SIZE
) -> tuple[int, list[OutputDifference]]:
    """Compare every published output of two results folders byte for byte.

    Returns the number of files compared (the union of both) and the differences, sorted
    by path (``key_figures.json`` first: the numbers a reader sees).
    """
    old, new = published_files(published), published_files(fresh)
    differences = []
    for rel, status in changed_keys(old, new, order=lambda r: (r != KEY_FIGURES_FILE, r),
                                    same=lambda a, b: a.read_bytes() == b.read_bytes()):
        if status == REMOVED:
            differences.append(OutputDifference(rel, REMOVED, ("komt niet meer uit de run",)))
        elif status == ADDED:
            differences.append(OutputDifference(rel, ADDED, ("niet gepubliceerd, wel in de run",)))
        else:
            differences.append(describe_difference(rel, old[rel].read_bytes(),
                                                   new[rel].read_bytes(),
                                                   min_cell_size=min_cell_size))
    return len(set(old) | set(new)), differences


def not_as_recorded(published: Path, manifest: Mapping[str, Any]) -> list[str]:
    """Published outputs whose bytes no longer match the manifest's checksum (changed by hand
    after the run), or that the manifest does not list, or that are missing."""
    recorded = manifest.get("outputs") or {}
    files = published_files(published)
    says = {REMOVED: "staat in het manifest maar ontbreekt",
            ADDED: "staat niet in het manifest",
            CHANGED: "veranderd na de run (controlegetal klopt niet met het manifest)"}
    return [f"{rel}: {says[status]}" for rel, status in changed_keys(
        recorded, files, same=lambda digest, path: sha256_file(path) == digest)]


# --------------------------------------------------------------------------- the check

# (year, data_dir, processed_dir, reports_dir, parameters) -> fresh results folder
Rerun = Callable[[int, Path, Path, Path, Mapping[str, Any]], Path]


def recorded_data_dir(manifest: Mapping[str, Any], root: Path = config.PROJ_ROOT) -> Path:
    """The data folder of the run: the manifest's ``parameters.data_dir`` (relative to the
    project root when it is not absolute)."""
    text = (manifest.get("parameters") or {}).get("data_dir")
    if not text:
        raise CheckError("het manifest noemt geen datamap (parameters.data_dir); geef --data")
    path = Path(text)
    return path if path.is_absolute() else Path(root) / path


def read_manifest(results_dir: Path) -> dict[str, Any]:
    path = Path(results_dir) / MANIFEST_FILE
    if not Path(results_dir).is_dir():
        raise CheckError(
            f"geen resultaten in {results_dir}: er is niets te controleren "
            "(voer eerst `ruwaard run` uit)"
        )
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CheckError(f"{path} ontbreekt: zonder manifest valt niets te controleren") from exc
    except ValueError as exc:
        raise CheckError(f"{path} is geen geldige JSON: {exc}") from exc


def current_inputs(data_dir: Path) -> dict[str, str]:
    """``{file name: sha256}`` of the input files in ``data_dir`` now (the pipeline's rule)."""
    from .run.fingerprint import find_inputs

    return {name: sha256_file(path) for name, path in find_inputs(Path(data_dir)).items()}


def rerun_pipeline(
    year: int,
    data_dir: Path,
    processed_dir: Path,
    reports_dir: Path,
    parameters: Mapping[str, Any],
    *,
    options: Any = None,
) -> Path:
    """Run ``year`` with the recorded ``parameters`` (seed, minimum cell size, kernel) into
    ``processed_dir`` and ``reports_dir``, every notebook recomputed, and return the fresh
    results folder. ``options`` (a :class:`~ruwaard_analysis.run.RunOptions`) supplies the
    rest (notebooks, library folder, jobs, progress)."""
    from .run import RunOptions, run_year

    recorded: dict[str, Any] = {
        "seed": int(parameters.get("seed", config.DEFAULT_SEED)),
        "min_cell_size": int(parameters.get("min_cell_size", config.MIN_CELL_SIZE)),
    }
    if parameters.get("kernel_name"):
        recorded["kernel_name"] = str(parameters["kernel_name"])
    opts = RunOptions.of(options, data_dir=Path(data_dir), force=True,
                         processed_dir=Path(processed_dir), reports_dir=Path(reports_dir),
                         **recorded)  # fmt: skip
    return run_year(year, opts).results_dir


def check_year(
    year: int,
    *,
    rerun: Rerun = rerun_pipeline,
    processed_dir: Path = config.PROCESSED_DIR,
    data_dir: Path | None = None,
    workdir: Path | None = None,
    root: Path = config.PROJ_ROOT,
) -> CheckResult:
    """Check the published results of ``year`` against a fresh run.

    ``rerun(year, data_dir, processed_dir, reports_dir, parameters)`` must run the year with
    the recorded ``parameters`` into the (temporary) ``processed_dir`` and ``reports_dir`` it
    is given and return the fresh results folder. ``workdir`` is where those temporary folders
    go (a new temporary folder, removed afterwards, when None). ``data_dir`` overrides the
    recorded data folder.
    """
    import shutil
    import tempfile

    published = Path(processed_dir) / str(year)
    manifest = read_manifest(published)
    if manifest.get("year") not in (None, year):
        raise CheckError(
            f"het manifest in {published} hoort bij {manifest.get('year')}, niet bij {year}"
        )
    parameters = dict(manifest.get("parameters") or {})
    data = Path(data_dir) if data_dir is not None else recorded_data_dir(manifest, root)
    if not data.is_dir():
        raise CheckError(
            f"de datamap van de run, {data}, bestaat niet (meer); geef de map met --data"
        )
    inputs = compare_inputs(manifest.get("inputs") or {}, current_inputs(data))
    min_cell = int(parameters.get("min_cell_size") or config.MIN_CELL_SIZE)

    scratch = Path(tempfile.mkdtemp(prefix=f"ruwaard-controle-{year}-", dir=workdir))
    try:
        fresh = rerun(year, data, scratch / "processed", scratch / "reports", parameters)
        compared, differences = compare_folders(published, fresh, min_cell_size=min_cell)
        fresh_manifest = read_manifest(fresh)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    environment = environment_changes(manifest, fresh_manifest) if differences else []
    # The data folder may be given anew (--data): that alone is no reason for a difference.
    environment = [line for line in environment if not line.startswith("parameter data_dir")]
    return CheckResult(
        year=int(year),
        parameters=parameters,
        inputs=tuple(inputs),
        compared=compared,
        differences=tuple(differences),
        environment=tuple(environment),
        not_as_recorded=tuple(not_as_recorded(published, manifest)),
    )


# --------------------------------------------------------------------------- Dutch text


def _short(digest: str | None) -> str:
    return digest[:12] if digest else "–"


def report_lines(result: CheckResult, *, published: str = "") -> list[str]:
    """The check as Dutch lines for the terminal."""
    from .present import fmt

    p = result.parameters
    where = f" ({published})" if published else ""
    lines = [f"Controle van de resultaten van {result.year}{where}"]
    if result.inputs:
        lines.append(f"Invoer veranderd sinds de run ({len(result.inputs)} bestand(en)):")
        for change in result.inputs:
            if change.status == CHANGED:
                lines.append(
                    f"  - {change.name}: gewijzigd (controlegetal {_short(change.old_sha256)}... "
                    f"bij de run, nu {_short(change.new_sha256)}...)"
                )
            elif change.status == ADDED:
                lines.append(f"  - {change.name}: nieuw (niet in de run)")
            else:
                lines.append(f"  - {change.name}: verdwenen (wel in de run)")
    else:
        lines.append("Invoer: alle bestanden ongewijzigd sinds de run.")
    seed = p.get("seed")
    lines.append(
        "Opnieuw berekend in een tijdelijke map met de vastgelegde parameters "
        f"(data {p.get('data_dir')}, seed {seed}, minimale celgrootte {p.get('min_cell_size')})."
    )
    if result.not_as_recorded:
        lines.append("Gepubliceerde bestanden die niet meer kloppen met het manifest:")
        lines += [f"  - {line}" for line in result.not_as_recorded]
    if result.ok:
        lines.append(f"Uitkomst: alle {fmt.fmt_int(result.compared)} bestanden identiek.")
        return lines
    lines.append(
        f"Uitkomst: {fmt.fmt_int(len(result.differences))} van de "
        f"{fmt.fmt_int(result.compared)} bestanden verschillen:"
    )
    for diff in result.differences:
        status = {CHANGED: "verschilt", ADDED: "nieuw", REMOVED: "ontbreekt nu"}[diff.status]
        lines.append(f"  - {diff.path}: {status}")
        for value in diff.values:
            lines.append(f"      {value.label}: {value.old} gepubliceerd, nu {value.new}")
        lines += [f"      {detail}" for detail in diff.details]
    if result.environment:
        lines.append("Mogelijke oorzaken naast de invoer:")
        lines += [f"  - {line}" for line in result.environment]
    return lines
