"""Every path and default of the project.

The project folder is found once, at import, from ``RUWAARD_ROOT`` or the working
directory (:func:`find_project_root`), so notebooks, Quarto and the CLI all see the
same folders however the package was installed; packaged data (``REFERENCE_DIR``) is
found from the package's own location. Defaults are plain values; functions take them
as parameters so no hidden global state reaches the statistics.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT_ENV = "RUWAARD_ROOT"  # names the project folder explicitly; overrides the search
PROJECT_MARKERS = ("_quarto.yml", "notebooks/")
_SOURCE_CHECKOUT = PACKAGE_DIR.parents[1]  # src/ruwaard_analysis -> src -> checkout


def is_project_root(folder: Path) -> bool:
    """A project folder holds ``_quarto.yml`` and ``notebooks/``."""
    return (folder / "_quarto.yml").is_file() and (folder / "notebooks").is_dir()


def find_project_root(start: Path | None = None, fallback: Path | None = _SOURCE_CHECKOUT
                      ) -> Path | None:
    """The project folder: ``$RUWAARD_ROOT`` if set, else the nearest folder upward from
    ``start`` (the working directory) with ``_quarto.yml`` and ``notebooks/``, else
    ``fallback`` when it is a project (the source checkout of an editable install), else None.

    The package's own location is not the project: installed with ``pip install .`` it lies
    in site-packages, and writing there would put the data inside the virtual environment.
    """
    env = os.environ.get(ROOT_ENV)
    if env:
        return Path(env).expanduser().resolve()
    try:
        here = Path.cwd() if start is None else Path(start)
    except OSError:  # the working directory was removed
        here = None
    if here is not None:
        here = here.resolve()
        for folder in (here, *here.parents):
            if is_project_root(folder):
                return folder
    if fallback is not None and is_project_root(fallback):
        return fallback.resolve()
    return None


def no_project_message() -> str:
    """Dutch explanation for commands that need a project folder when none was found."""
    return (
        "geen projectmap gevonden: ga naar de map van het project (met _quarto.yml en "
        f"notebooks/) of een map daaronder, of zet {ROOT_ENV}=/pad/naar/project"
    )


_FOUND_ROOT = find_project_root()
PROJECT_FOUND = _FOUND_ROOT is not None
# Without a project the paths below point into the working directory; the CLI refuses the
# commands that need them (see no_project_message) instead of writing there.
PROJ_ROOT = _FOUND_ROOT if _FOUND_ROOT is not None else Path(os.path.abspath(os.curdir))

DATA_DIR = PROJ_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
DEMO_DIR = RAW_DIR / "demo"
PROCESSED_DIR = DATA_DIR / "processed"
INTERIM_DIR = DATA_DIR / "interim"  # notebooks run by hand in JupyterLab write here
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
REPORTS_DIR = PROJ_ROOT / "reports"
REFERENCE_DIR = PACKAGE_DIR / "reference_data"

KERNEL_NAME = "ruwaard-analysis"
# Set by `ruwaard run` for its kernels only: the folder of the frames its input check
# validated (loaders.validated); a notebook run by hand has none and validates itself.
VALIDATED_FRAMES_ENV = "RUWAARD_VALIDATED_FRAMES"

# Areas (CBS codes). Ruwaard = WK082806 is an inference (see reference_data/SOURCES.md).
WIJK_CODE = "WK082806"
GEMEENTE_CODE = "GM0828"
NEDERLAND_CODE = "NL01"

MIN_CELL_SIZE = 5  # no group smaller than this is published
# The lowest minimum cell size a run accepts (docs/data.md, "Kleine groepen"). With a group of
# 2, each member can subtract their own value from a published total or mean and learn the
# other's; a group of 1 is the person. 3 is the smallest size that resists that, and the
# threshold statistical offices use as an absolute floor (the default stays 5).
MIN_CELL_SIZE_FLOOR = 3
DEFAULT_SEED = 20160512  # first wijkbijeenkomst of the proeftuin, 12 May 2016
PROGRAMME_START = date(2016, 5, 12)  # that first wijkbijeenkomst: the start of the proeftuin
# The years the proeftuin's own records (cases, measurements, Positive Health) may come from:
# a date outside them is a typing error. The contracts and the intake workbook both use them.
PROGRAMME_YEARS = (2016, 2030)
PRICE_YEAR = 2024  # costs are expressed in euros of this year (CBS CPI indexation)
DISCOUNT_RATE = 0.0225  # Dutch MKBA standard real discount rate


def results_dir(year: int) -> Path:
    """Folder with the pipeline's results for one report year."""
    return PROCESSED_DIR / str(year)


def report_dir(year: int) -> Path:
    """Folder with the rendered report and executed notebooks of one year."""
    return REPORTS_DIR / str(year)


def measurement_cutoff(year: int) -> date:
    """Default last date of measurements counted in report year ``year``.

    The leergeschiedenis over year Y is written early in Y+1 (the 2016 figures were
    taken in February 2017), so measurements up to the end of February Y+1 count.
    """
    return date(year + 1, 2, 28)


def interim_dir(year: int) -> Path:
    """Where a notebook run by hand (not by the pipeline) writes its results."""
    return INTERIM_DIR / str(year)
