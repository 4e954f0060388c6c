"""The ``ruwaard`` command. Nothing imports this module; it only calls the library.

Subcommands import their module lazily, so ``ruwaard --help`` and a warm
``ruwaard run`` start fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import config


def _cmd_validate(args: argparse.Namespace) -> int:
    from .loaders import validate_folder

    problems = validate_folder(Path(args.folder))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} probleem/problemen gevonden in {args.folder}", file=sys.stderr)
        return 1
    print(f"{args.folder}: alle bestanden voldoen aan de datacontracten")
    return 0


def _cmd_demo_data(args: argparse.Namespace) -> int:
    from .demo import write_demo_dataset

    out = Path(args.out) if args.out is not None else _project_path(config.DEMO_DIR)
    written = write_demo_dataset(out, seed=args.seed)
    print(f"{len(written)} synthetische bestanden geschreven naar {out}")
    return 0


def _cmd_template(args: argparse.Namespace) -> int:
    from .intake_workbook import price_items, write_intake_workbook

    path = write_intake_workbook(None if args.out is None else Path(args.out),
                                 price_year=args.price_year, overwrite=args.overwrite)
    items, year = price_items(args.price_year)
    print(f"invulwerkboek geschreven: {path} (prijslijst prijsjaar {year}, {items.height} "
          "items). Deel het uit, verzamel de ingevulde werkboeken in één map en controleer die "
          "met `ruwaard validate MAP`.")
    return 0


def _project_path(path: Path) -> Path:
    """``path`` (a folder of the project); a clear error when no project folder was found."""
    if not config.PROJECT_FOUND:
        from .errors import RuwaardError

        raise RuwaardError(config.no_project_message())
    return path


def _cmd_run(args: argparse.Namespace) -> int:
    from .run import run_year

    _project_path(config.PROJ_ROOT)
    print(run_year(args.year, run_options(args)).summary())
    return 0


def _cmd_numbers(args: argparse.Namespace) -> int:
    from .numbers import print_key_figures

    _project_path(config.PROJ_ROOT)
    return print_key_figures(args.year, as_json=args.json, compare=args.compare)


def _cmd_check(args: argparse.Namespace) -> int:
    from .check import check_year, report_lines

    _project_path(config.PROJ_ROOT)
    processed = Path(args.processed)
    result = check_year(
        args.year,
        processed_dir=processed,
        data_dir=Path(args.data) if args.data else None,
    )
    shown = (processed / str(args.year)).resolve()
    if shown.is_relative_to(config.PROJ_ROOT):
        shown = shown.relative_to(config.PROJ_ROOT)
    print("\n".join(report_lines(result, published=shown.as_posix())))
    return 0 if result.ok else 1


def _cmd_report(args: argparse.Namespace) -> int:
    from .report import build_report

    _project_path(config.PROJ_ROOT)
    return build_report(args.year, run_options(args))


def run_options(args: argparse.Namespace):
    """The one :class:`~ruwaard_analysis.run.RunOptions` value of ``run`` and ``report``."""
    from .run import RunOptions

    return RunOptions(data_dir=Path(args.data), force=args.force, jobs=args.jobs,
                      seed=args.seed, min_cell_size=args.min_cell_size)  # fmt: skip


def _min_cell_size(text: str) -> int:
    """``--min-cell-size``: a whole number of at least ``config.MIN_CELL_SIZE_FLOOR``."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is geen geheel getal") from None
    if value < config.MIN_CELL_SIZE_FLOOR:
        raise argparse.ArgumentTypeError(
            f"{value} is te klein: de minimale celgrootte moet minstens "
            f"{config.MIN_CELL_SIZE_FLOOR} zijn (zie docs/data.md, 'Kleine groepen')")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ruwaard",
        description="Analyse en leergeschiedenis van Proeftuin Ruwaard (Oss).",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check every data file in a folder against the contracts")
    p.add_argument("folder")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("sjabloon", aliases=["template"],
                       help="write the intake workbook (XLSX) professionals fill in")
    p.add_argument("--uit", "--out", dest="out", default=None,
                   help="file to write (default: ruwaard-invulwerkboek.xlsx in this folder)")
    p.add_argument("--prijsjaar", "--price-year", dest="price_year", type=int, default=None,
                   help="price year of the price-list items (default: the latest in the list)")
    p.add_argument("--overschrijven", "--overwrite", dest="overwrite", action="store_true",
                   help="replace an existing file")
    p.set_defaults(func=_cmd_template)

    p = sub.add_parser("demo-data", help="write the synthetic demo dataset (2016-2018)")
    p.add_argument("--out", default=None, help="folder (default: data/raw/demo of the project)")
    p.add_argument("--seed", type=int, default=config.DEFAULT_SEED)
    p.set_defaults(func=_cmd_demo_data)

    def add_run_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--year", type=int, required=True)
        p.add_argument("--data", default=str(config.DEMO_DIR), help="data folder (default: demo)")
        p.add_argument("--force", action="store_true", help="re-run everything, ignore the cache")
        p.add_argument("--min-cell-size", type=_min_cell_size, default=config.MIN_CELL_SIZE,
                       help=f"no group smaller than this is published (default "
                            f"{config.MIN_CELL_SIZE}, at least {config.MIN_CELL_SIZE_FLOOR})")
        p.add_argument("--jobs", type=int, default=None, help="notebooks run in parallel")
        p.add_argument("--seed", type=int, default=config.DEFAULT_SEED)

    p = sub.add_parser("run", help="run the yearly analysis notebooks with papermill")
    add_run_options(p)
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("numbers", help="print the key figures for the steering group")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--json", action="store_true")
    p.add_argument("--compare", type=int, nargs="+", metavar="YEAR", default=None,
                   help="show these years beside --year, with the change")
    p.set_defaults(func=_cmd_numbers)

    p = sub.add_parser(
        "controleer",
        help="check a published year: changed inputs, re-run aside, compare every output",
    )
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--data", default=None, help="data folder (default: the one in the manifest)")
    p.add_argument("--processed", default=str(config.PROCESSED_DIR), help=argparse.SUPPRESS)
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("report", help="run the analysis and render the leergeschiedenis")
    add_run_options(p)
    p.set_defaults(func=_cmd_report)
    return parser


class Stopped(KeyboardInterrupt):
    """The process got SIGTERM (``kill``, ``timeout``): stopped like Ctrl-C, the ``finally``
    blocks run (helpers stopped, staging folders removed), and it says so."""


def _stop(signum, frame) -> None:
    raise Stopped(signum)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    import signal

    try:
        previous = signal.signal(signal.SIGTERM, _stop)
    except ValueError:  # not the main thread (a caller's own thread): no handler
        previous = _stop
    try:
        return args.func(args)
    except KeyboardInterrupt as exc:  # never a silent non-zero exit
        term = isinstance(exc, Stopped)
        print(f"fout: afgebroken ({'signaal SIGTERM' if term else 'Ctrl-C'}); wat nog niet "
              "klaar was, is niet gepubliceerd", file=sys.stderr)  # fmt: skip
        return 143 if term else 130
    except Exception as exc:  # a clear message, never a bare traceback
        from .errors import RuwaardError

        if isinstance(exc, RuwaardError):
            print(f"fout: {exc}", file=sys.stderr)
            return 2
        raise
    finally:
        if previous is not _stop:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
