"""Imports without optional parts we never use that are slow to import (seconds per process).

altair validates chart specs with jsonschema, and nbformat (papermill) validates notebooks
with it. On import, ``jsonschema._format`` tries ``rfc3987_syntax`` (installed with
JupyterLab's ``jupyter-events``), which builds a Lark grammar: about 2,5 s of CPU in every
kernel and every worker. That checker only serves the formats ``iri`` and ``iri-reference``;
neither the Vega-Lite schema nor the notebook schema uses them, so skipping it changes no
validation result we depend on (``uri`` and ``uri-reference`` keep their checker).

:func:`skip_slow_iri_checker` installs an import finder that refuses ``rfc3987_syntax`` only
while ``jsonschema._format`` is being imported; ``import rfc3987_syntax`` anywhere else works
as usual. ``ruwaard_analysis.present`` installs it, so notebooks run by hand benefit too.

:func:`skip_papermill_hdfs` does the same for ``pyarrow`` while ``papermill.iorw`` is being
imported: papermill tries it only for ``hdfs://`` paths (it falls back to "pyarrow missing"
for those), and importing pyarrow with numpy costs about 0,3 s of CPU in every worker of a run
(the run's paths are local files).

:func:`skip_pandera_hypothesis` does it for ``hypothesis`` while
``pandera.strategies.base_strategies`` is being imported: pandera imports that module when it
registers its polars backends (at the first validation of every process) only to offer data
synthesis (``schema.example()``), which we never use; with hypothesis installed (the dev extra)
its import and plug-in scan cost about 0,35 s of CPU in every kernel that validates. Without it
pandera behaves as on a machine without hypothesis (a production install).
"""

from __future__ import annotations

import sys
from importlib.abc import MetaPathFinder

SLOW_CHECKER = "rfc3987_syntax"
IMPORTER = "jsonschema._format"


class _SkipWhileImporting(MetaPathFinder):
    """Refuses module ``skipped`` (and its submodules) to an ``importer`` being initialised."""

    def __init__(self, skipped: str, importer: str):
        self.skipped, self.importer = skipped, importer

    def find_spec(self, name, path=None, target=None):
        if name != self.skipped and not name.startswith(self.skipped + "."):
            return None
        importer = sys.modules.get(self.importer)
        spec = getattr(importer, "__spec__", None)
        if importer is not None and getattr(spec, "_initializing", False):
            raise ImportError(f"{self.skipped} skipped for {self.importer} (slow import)")
        return None


def _install(skipped: str, importer: str) -> None:
    """Install the finder once (before ``importer`` is imported it has effect; else none)."""
    if not any(isinstance(f, _SkipWhileImporting) and f.skipped == skipped
               and f.importer == importer for f in sys.meta_path):  # fmt: skip
        sys.meta_path.insert(0, _SkipWhileImporting(skipped, importer))


def skip_slow_iri_checker() -> None:
    """jsonschema without the ``rfc3987_syntax`` IRI checker (see module doc)."""
    _install(SLOW_CHECKER, IMPORTER)


def skip_pandera_hypothesis() -> None:
    """pandera without its hypothesis data-synthesis strategies (see module doc)."""
    _install("hypothesis", "pandera.strategies.base_strategies")


def skip_papermill_hdfs() -> None:
    """papermill without its ``pyarrow`` HDFS backend (see module doc)."""
    _install("pyarrow", "papermill.iorw")
