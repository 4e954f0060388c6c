"""``ruwaard report``: run the pipeline (cached), then render the leergeschiedenis with Quarto.

Writes ``reports/YEAR/leergeschiedenis-YEAR.html`` and ``.pdf`` (Typst). Quarto is found
through ``QUARTO_PATH`` (the program, or a folder holding ``quarto`` or ``bin/quarto``) or on
``PATH``. Without Quarto the executed notebooks are written as HTML
(``reports/YEAR/html/``, nbconvert) with a warning that says how to install Quarto, and the
command still succeeds; a Quarto that fails makes the command fail.

One render is :func:`render_document`: one format of one ``.qmd`` of the Quarto project
(the report, or any other document such as a slide deck) into one file. It runs, from the
project root, ``quarto render reports/leergeschiedenis.qmd --to html -P year:2017
--output-dir TMP`` with ``TMP`` a temporary folder outside the project, and moves
``TMP/reports/leergeschiedenis.html`` to the target. (``--output NAME`` is not used: inside a
project, Quarto 1.10 writes a renamed output to the project root and then fails looking for
its ``_files`` there.) What Quarto writes beside the sources while it works
(``leergeschiedenis_files/``, ``leergeschiedenis.quarto_ipynb``, ``.quarto/``) is removed
afterwards, also when the render fails.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import config
from .errors import ReportError  # noqa: F401 - report.ReportError, as callers know it
from .notebook_html import export_notebooks_html  # noqa: F401 - the fallback without Quarto

if TYPE_CHECKING:
    from .run import RunOptions
    from .run.kernels import KernelTemplate

QMD = "reports/leergeschiedenis.qmd"
FORMATS = (("html", "html"), ("typst", "pdf"))

INSTALL_HINT = """\
Quarto is niet gevonden, dus er is geen HTML- en PDF-rapport gemaakt.
Installeer Quarto (1.8 of nieuwer) op een van deze manieren en voer het commando opnieuw uit:
  - met conda:  conda install -c conda-forge quarto   (of: conda env update -f environment.yml)
  - met pip:    pip install -e ".[quarto]"   (quarto-cli; downloadt Quarto, internet nodig)
  - handmatig:  download het installatiepakket van https://quarto.org/docs/get-started/
Zet `quarto` daarna op het PATH, of wijs de omgevingsvariabele QUARTO_PATH naar het programma.
De PDF maakt Quarto met Typst; dat zit in Quarto zelf, LaTeX is niet nodig."""


# Quarto 1.8 tells the report's cells what they render to (QUARTO_EXECUTE_INFO): tables
# become native Typst tables and figures SVG in HTML. Older versions still render (tables as
# HTML, turned into plain Typst tables by Quarto; figures PNG), with a warning.
MIN_QUARTO = (1, 8)


def find_quarto(env: dict[str, str] | None = None) -> str | None:
    """Path of the ``quarto`` program from ``QUARTO_PATH`` or ``PATH``, or None."""
    env = os.environ if env is None else env
    configured = env.get("QUARTO_PATH")
    if configured:
        path = Path(configured).expanduser()
        candidates = (
            [path]
            if not path.is_dir()
            else [
                path / "quarto",
                path / "bin" / "quarto",
                path / "quarto.exe",
                path / "bin" / "quarto.exe",
            ]
        )
        for candidate in candidates:
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate.resolve())
        print(
            f"waarschuwing: QUARTO_PATH={configured} wijst niet naar een uitvoerbaar "
            "quarto-programma; ik zoek verder op het PATH",
            file=sys.stderr,
        )
    return shutil.which("quarto", path=env.get("PATH"))


def quarto_version(quarto_bin: str) -> tuple[int, ...] | None:
    """The version ``quarto --version`` prints, e.g. (1, 8, 27); None if it says none."""
    try:
        done = subprocess.run([str(quarto_bin), "--version"], capture_output=True, text=True,
                              timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", done.stdout or "")
    return tuple(int(g) for g in found.groups() if g is not None) if found else None


def version_warning(version: tuple[int, ...] | None) -> str | None:
    """A Dutch warning when Quarto is older than MIN_QUARTO (or its version is unknown)."""
    wanted = ".".join(map(str, MIN_QUARTO))
    if version is None:
        return (f"waarschuwing: de versie van Quarto is onbekend; het rapport is getest voor "
                f"Quarto {wanted} of nieuwer")
    if version[:2] < MIN_QUARTO:
        return (f"waarschuwing: Quarto {'.'.join(map(str, version))} is ouder dan {wanted}. "
                "Het rapport wordt gemaakt, maar tabellen in de PDF zijn omgezette HTML-tabellen "
                f"en figuren PNG. Werk Quarto bij naar {wanted} of nieuwer (zie README).")
    return None


def output_name(year: int, ext: str) -> str:
    """File name of the rendered report, e.g. ``leergeschiedenis-2016.html``."""
    return f"leergeschiedenis-{year}.{ext}"


# Quarto format -> extension of the file it writes
EXTENSIONS = {"html": "html", "typst": "pdf", "revealjs": "html"}


def quarto_command(
    quarto_bin: str, qmd: str, to: str, params: Mapping[str, object], output_dir: Path
) -> list[str]:
    """``quarto render QMD --to TO -P key:value ... --output-dir DIR``, run from the project
    root (``qmd`` relative to it)."""
    command = [str(quarto_bin), "render", qmd, "--to", to]
    for key, value in params.items():
        command += ["-P", f"{key}:{value}"]
    return [*command, "--output-dir", str(output_dir)]


def quarto_commands(year: int, quarto_bin: str, qmd: str = QMD,
                    output_dir: Path = Path("TMP")) -> list[list[str]]:
    """The commands of one year's report (HTML, then PDF via Typst)."""
    return [quarto_command(quarto_bin, qmd, to, {"year": int(year)}, output_dir)
            for to, _ in FORMATS]


def quarto_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for Quarto: ``QUARTO_PYTHON`` is this Python (the venv with the
    ``ruwaard-analysis`` kernel) unless already set."""
    env = {**os.environ, **(extra or {})}
    env.setdefault("QUARTO_PYTHON", sys.executable)
    return env


def _byproducts(project_dir: Path, qmd: str) -> list[Path]:
    """What Quarto writes beside the sources while it renders ``qmd``."""
    source = project_dir / qmd
    stem = source.stem
    return [
        project_dir / ".quarto",
        source.parent / f"{stem}_files",
        *source.parent.glob(f"{stem}.quarto_ipynb*"),
        *(source.parent / f"{stem}.{ext}" for ext in ("html", "pdf", "typ", "tex")),
    ]


@contextlib.contextmanager
def _leave_no_byproducts(project_dir: Path, qmd: str) -> Iterator[None]:
    """Remove afterwards what Quarto wrote beside the sources (only what was not there)."""
    before = {p for p in _byproducts(project_dir, qmd) if p.exists()}
    try:
        yield
    finally:
        for path in _byproducts(project_dir, qmd):
            if path in before or not path.exists():
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def _deliver(produced: Path, target: Path, what: str) -> Path:
    """Copy ``produced`` to ``target`` whole or not at all."""
    if not produced.is_file():
        raise ReportError(f"Quarto meldde geen fout, maar schreef geen {produced.name} ({what})")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    try:
        shutil.copyfile(produced, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _run_quarto(runs: list[tuple[list[str], Path]], env: Mapping[str, str],
                quarto_bin: str) -> None:
    """Run the ``(command, working folder)`` pairs at the same time; wait for all of them.

    Raises :class:`ReportError` naming the first that failed."""
    started = []
    try:
        for command, cwd in runs:
            try:
                started.append((command, subprocess.Popen(command, cwd=cwd, env=dict(env))))
            except OSError as exc:
                raise ReportError(f"Quarto kon niet starten ({quarto_bin}): {exc}") from exc
        failed = [(command, process.wait()) for command, process in started]
    finally:
        for _, process in started:
            if process.poll() is None:
                process.kill()
                process.wait()
    for command, code in failed:
        if code != 0:
            to = f" --to {command[command.index('--to') + 1]}" if "--to" in command else ""
            raise ReportError(
                f"quarto render{to} mislukte (exitcode {code}); zie de meldingen "
                f"van Quarto hierboven. Commando: {' '.join(command)}"
            )


def render_document(
    qmd: str,
    to: str,
    target: Path,
    *,
    quarto_bin: str,
    project_dir: Path = config.PROJ_ROOT,
    params: Mapping[str, object] | None = None,
    env: Mapping[str, str] | None = None,
) -> Path:
    """Render format ``to`` of ``qmd`` (relative to ``project_dir``) the plain way: Quarto
    executes the cells itself (what a researcher runs by hand, see the module docstring).

    Quarto writes into a temporary folder; the file reaches ``target`` whole or not at all,
    and nothing stays beside the sources. Raises :class:`ReportError` when Quarto fails.
    ``ruwaard report`` uses :func:`render_executed` instead (the same pages, faster).
    """
    project_dir = Path(project_dir)
    name = f"{Path(qmd).stem}.{EXTENSIONS.get(to, to)}"
    with (tempfile.TemporaryDirectory(prefix="ruwaard-quarto-") as tmp,
          _leave_no_byproducts(project_dir, qmd)):
        command = quarto_command(quarto_bin, qmd, to, params or {}, Path(tmp))
        _run_quarto([(command, project_dir)], quarto_env(env), quarto_bin)
        return _deliver(Path(tmp) / Path(qmd).parent / name, Path(target),
                        f"commando: {' '.join(command)}")


def _render_project(project_dir: Path, folder: Path, notebooks: list[str]) -> None:
    """A throw-away Quarto project in ``folder`` that renders ``notebooks`` (relative paths):
    the report sources of ``project_dir`` (its assets: CSS, Typst rules, the deck's theme),
    its ``_quarto.yml`` with ``notebooks`` as the render list, and its ``data`` folder linked
    (the figures the notebooks refer to)."""
    import yaml

    from .render_cache import report_sources

    folder.mkdir(parents=True, exist_ok=True)
    for rel, source in report_sources(project_dir).items():
        # not the .qmd sources: beside x.qmd, Quarto takes x.ipynb for its own work file
        if rel == "_quarto.yml" or rel.endswith(".qmd"):
            continue
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, folder / rel)
    settings = {}
    quarto_yml = project_dir / "_quarto.yml"
    if quarto_yml.is_file():
        settings = yaml.safe_load(quarto_yml.read_text(encoding="utf-8")) or {}
    settings.setdefault("project", {})["render"] = list(notebooks)
    (folder / "_quarto.yml").write_text(yaml.safe_dump(settings, allow_unicode=True,
                                                       sort_keys=False), encoding="utf-8")
    if (project_dir / "data").is_dir():
        (folder / "data").symlink_to((project_dir / "data").resolve(), target_is_directory=True)


def _only_format(nb, to: str) -> None:
    """Let the notebook's front matter name ``to`` as its only format (its own options for
    ``to`` kept; the project's options for ``to`` still apply), so that one ``quarto render``
    of the throw-away project renders each notebook to exactly its format."""
    import yaml

    first = nb.cells[0] if nb.cells and nb.cells[0].cell_type == "raw" else None
    front = {}
    if first is not None:
        found = re.match(r"\A---[ \t]*\n(.*?)^---[ \t]*$", first.source, flags=re.S | re.M)
        front = (yaml.safe_load(found.group(1)) if found else None) or {}
    own = front.get("format")
    front["format"] = {to: own[to]} if isinstance(own, dict) and own.get(to) else to
    source = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---"
    if first is None:
        import nbformat

        nb.cells.insert(0, nbformat.v4.new_raw_cell(source))
    else:
        first.source = source


def render_executed(
    renders: list[tuple[str, str, Path]],
    *,
    quarto_bin: str,
    project_dir: Path = config.PROJ_ROOT,
    params: Mapping[str, object] | None = None,
    env: Mapping[str, str] | None = None,
    template: KernelTemplate | None = None,
) -> list[Path]:
    """Render each ``(qmd, to, target)`` with one kernel template and a Quarto process per core.

    The cells run once per format, all formats at the same time, in kernels forked from one
    template (:mod:`ruwaard_analysis.quarto_execute`). The executed notebooks go into a
    throw-away Quarto project outside ``project_dir`` (:func:`_render_project`), each saying
    its one format in its front matter; the notebooks are shared out over projects, one
    ``quarto render`` per project at the same time (:func:`_groups`); Quarto does not execute
    a notebook (no ``--execute``). ``template``: the kernel template, if the caller started it
    early (:func:`ruwaard_analysis.quarto_execute.start_template`; the caller stops it).
    Returns the targets, each written whole or not at all. The pages are those of ``quarto
    render QMD --to TO -P ...`` (:func:`render_document`). Raises :class:`ReportError` when a
    cell or Quarto fails.
    """
    from .import_speed import skip_slow_iri_checker

    skip_slow_iri_checker()  # before nbformat: its jsonschema without the IRI checker (1,5 s)
    import nbformat

    from . import quarto_execute

    project_dir = Path(project_dir)
    for qmd, _, _ in renders:
        if not (project_dir / qmd).is_file():
            raise ReportError(f"de bron {project_dir / qmd} ontbreekt")
    jobs = list(dict.fromkeys(quarto_execute.Job(qmd, to) for qmd, to, _ in renders))
    started = time.perf_counter()
    try:
        executed = quarto_execute.execute_documents(jobs, project_dir=project_dir,
                                                    params=params or {}, env=env,
                                                    template=template)
    except quarto_execute.ExecutionError as exc:
        raise ReportError(f"een cel faalde: {exc}") from exc
    with tempfile.TemporaryDirectory(prefix="ruwaard-quarto-") as tmp:
        names = {job: (Path(job.qmd).parent / f"{Path(job.qmd).stem}-{job.to}.ipynb").as_posix()
                 for job in jobs}  # fmt: skip
        runs, folders = [], {}
        for index, group in enumerate(_groups(jobs)):
            folder = Path(tmp) / f"project-{index}"
            _render_project(project_dir, folder, [names[job] for job in group])
            for job in group:
                _only_format(executed[job], job.to)
                (folder / names[job]).parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(executed[job], folder / names[job])
                folders[job] = folder
            runs.append(([str(quarto_bin), "render"], folder))
        executed_at = time.perf_counter()
        _run_quarto(runs, quarto_env(env), quarto_bin)
        from .present.fmt import fmt_number

        print(f"cellen uitgevoerd in {fmt_number(executed_at - started)} s, Quarto klaar in "
              f"{fmt_number(time.perf_counter() - executed_at)} s", file=sys.stderr)
        written = []
        for qmd, to, target in renders:
            job = quarto_execute.Job(qmd, to)
            produced = (folders[job] / names[job]).with_suffix("." + EXTENSIONS.get(to, to))
            written.append(_deliver(produced, Path(target), f"quarto render --to {to}"))
        return written


# How much work Quarto has with one render of ours, relative. Measured in CPU seconds of a
# render in a process of its own (Quarto 1.10, 2 December 2026): the report's HTML 5,5
# (embed-resources, Bootstrap's Sass), its Typst PDF 3,8, the deck 4,0; about 1,5 of each is
# the start of the process (deno, the project), paid once by renders in the same process.
RENDER_WEIGHT = {"html": 2, "typst": 1, "revealjs": 1}


def _cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _groups(jobs: list, processes: int | None = None) -> list[list]:
    """The jobs shared out over Quarto processes that run at the same time, one per core
    (``processes``, default the number of cores): heaviest first, each into the process with
    the least work so far (:data:`RENDER_WEIGHT`). On two cores: the report's HTML alone, its
    PDF and the deck together; measured (the same executed notebooks, load 2) 5,1-5,7 s
    against 6,5 s for a process per document (HTML and PDF together, the deck alone: done
    3 s earlier) and 5,9-6,1 s for three processes. A second render in a process costs less
    than a process of its own (Quarto starts once), so there are never more processes than
    cores."""
    groups: list[list] = [[] for _ in range(max(1, min(processes or _cores(), len(jobs))))]
    work = [0] * len(groups)
    for job in sorted(jobs, key=lambda job: -RENDER_WEIGHT.get(job.to, 1)):
        lightest = work.index(min(work))
        groups[lightest].append(job)
        work[lightest] += RENDER_WEIGHT.get(job.to, 1)
    return [group for group in groups if group]


def report_renders(year: int, reports_dir: Path = config.REPORTS_DIR,
                   qmd: str = QMD) -> list[tuple[str, str, Path]]:
    """``(qmd, format, target)`` of one year's report: HTML and PDF (Typst)."""
    return [(qmd, to, Path(reports_dir) / str(year) / output_name(year, ext))
            for to, ext in FORMATS]


def render_with_quarto(
    year: int,
    quarto_bin: str,
    *,
    project_dir: Path = config.PROJ_ROOT,
    reports_dir: Path = config.REPORTS_DIR,
    qmd: str = QMD,
    env: Mapping[str, str] | None = None,
    extra: list[tuple[str, str, Path]] = (),
    template: KernelTemplate | None = None,
) -> list[Path]:
    """Render one year's report to HTML and PDF (and the ``extra`` renders, such as the
    deck, at the same time); returns the files (in ``reports_dir/YEAR``).

    The report's cells read the results of the project in ``project_dir``
    (``RUWAARD_ROOT``, unless ``env`` says otherwise). ``template``: see
    :func:`render_executed`."""
    if not (Path(project_dir) / qmd).is_file():
        raise ReportError(f"de rapportbron {Path(project_dir) / qmd} ontbreekt")
    warning = version_warning(quarto_version(quarto_bin))
    if warning:
        print(warning, file=sys.stderr)
    env = {config.ROOT_ENV: str(Path(project_dir).resolve()), **(env or {})}
    renders = [*report_renders(year, reports_dir, qmd), *extra]
    print("quarto render: " + ", ".join(target.name for _, _, target in renders),
          file=sys.stderr)
    return render_executed(renders, quarto_bin=quarto_bin, project_dir=Path(project_dir),
                           params={"year": int(year)}, env=env, template=template)


def build_report(
    year: int,
    options: RunOptions | None = None,
    *,
    project_dir: Path = config.PROJ_ROOT,
    **changes: Any,
) -> int:
    """Run the pipeline for ``year`` (cached) and render the report; returns the exit code.

    ``options`` and ``changes`` are those of :func:`ruwaard_analysis.run.run_year`.
    0: report rendered, or Quarto missing (notebooks written as HTML, warning printed);
    1: Quarto failed. Pipeline and data errors propagate as ``RuwaardError`` (the CLI
    prints them).

    When a render is to be expected (``--force``, or the last render is not current before
    the run), the report's kernel template starts before the pipeline: its imports (1,3-1,6 s)
    then use the core that the pipeline leaves idle while its own template imports, instead
    of coming after the pipeline. It is stopped whatever happens (also when the render turns
    out to be current after all, or the pipeline fails).
    """
    from .run import RunOptions

    opts = RunOptions.of(options, **changes)
    project_dir = Path(project_dir)
    quarto = find_quarto()
    template = None
    if quarto is not None and (opts.force or not _render_state(year, quarto, opts,
                                                               project_dir)[1]):
        from .quarto_execute import start_template

        template = start_template(project_dir)  # the env render_with_quarto gives the cells
    try:
        return _build_report(year, opts, project_dir, quarto, template)
    finally:
        if template is not None:
            template.stop()


def _render_state(year: int, quarto: str, opts: RunOptions,
                  project_dir: Path) -> tuple[str, bool]:  # fmt: skip
    """``(render key, whether the year's rendered report is current)`` with the results as they
    are now (:mod:`ruwaard_analysis.render_cache`; about 10 ms)."""
    from . import render_cache

    year_dir = Path(opts.reports_dir) / str(year)
    outputs = [year_dir / output_name(year, ext) for _, ext in FORMATS]  # and the deck
    key = render_cache.render_key(quarto, project_dir=project_dir,
                                  processed_dir=opts.processed_dir, library_dir=opts.library_dir,
                                  formats=FORMATS)  # fmt: skip
    return key, render_cache.is_current(year_dir, key, outputs)


def _build_report(year: int, opts: RunOptions, project_dir: Path, quarto: str | None,
                  template: KernelTemplate | None) -> int:  # fmt: skip
    """:func:`build_report` after the template's start."""
    from .run import run_year

    result = run_year(year, opts)
    print(result.summary())
    year_dir = Path(opts.reports_dir) / str(year)
    if quarto is None:
        written = export_notebooks_html(
            result.notebooks_dir,
            year_dir / "html",
            title=f"Leergeschiedenis Proeftuin Ruwaard {year}",
        )
        print(
            f"De uitgevoerde notebooks staan als HTML in {year_dir / 'html'} "
            f"({len(written) - 1} notebooks, begin bij index.html)."
        )
        print(f"waarschuwing: {INSTALL_HINT}", file=sys.stderr)
        return 0
    from . import render_cache
    from .deck import QMD as DECK_QMD
    from .deck import output_name as deck_output_name

    key, current = _render_state(year, quarto, opts, project_dir)
    if current and not opts.force:
        for _, ext in FORMATS:
            print("Rapport ongewijzigd (invoer gelijk, --force maakt het opnieuw): "
                  f"{year_dir / output_name(year, ext)}")
        return 0
    # the stuurgroep deck beside the report: same results, same numbers (a project
    # without reports/stuurgroep.qmd, e.g. a test's, has no deck)
    extra = ([(DECK_QMD, "revealjs", year_dir / deck_output_name(year))]
             if (project_dir / DECK_QMD).is_file() else [])
    try:
        written = render_with_quarto(year, quarto, project_dir=project_dir,
                                     reports_dir=Path(opts.reports_dir), extra=extra,
                                     template=template)
    except ReportError as exc:
        print(f"fout: {exc}", file=sys.stderr)
        return 1
    render_cache.remember(year_dir, key, written)
    for path in written:
        print(f"Rapport geschreven: {path}")
    return 0
