"""Import jsonschema without its slow IRI format checker (seconds per process).

altair validates chart specs with jsonschema, and nbformat (papermill) validates notebooks
with it. On import, ``jsonschema._format`` tries ``rfc3987_syntax`` (installed with
JupyterLab's ``jupyter-events``), which builds a Lark grammar: about 2,5 s of CPU in every
kernel and every worker. That checker only serves the formats ``iri`` and ``iri-reference``;
neither the Vega-Lite schema nor the notebook schema uses them, so skipping it changes no
validation result we depend on (``uri`` and ``uri-reference`` keep their checker).

:func:`skip_slow_iri_checker` installs an import finder that refuses ``rfc3987_syntax`` only
while ``jsonschema._format`` is being imported; ``import rfc3987_syntax`` anywhere else works
as usual. ``ruwaard_analysis.present`` installs it, so notebooks run by hand benefit too.
"""

from __future__ import annotations

import sys
from importlib.abc import MetaPathFinder

SLOW_CHECKER = "rfc3987_syntax"
IMPORTER = "jsonschema._format"


class _SkipSlowIriChecker(MetaPathFinder):
    """Refuses ``rfc3987_syntax`` to a ``jsonschema._format`` that is being initialised."""

    def find_spec(self, name, path=None, target=None):
        if name != SLOW_CHECKER:
            return None
        importer = sys.modules.get(IMPORTER)
        spec = getattr(importer, "__spec__", None)
        if importer is not None and getattr(spec, "_initializing", False):
            raise ImportError(f"{SLOW_CHECKER} skipped for jsonschema (slow import)")
        return None


def skip_slow_iri_checker() -> None:
    """Install the finder once (before jsonschema is imported it has effect; else none)."""
    if not any(isinstance(f, _SkipSlowIriChecker) for f in sys.meta_path):
        sys.meta_path.insert(0, _SkipSlowIriChecker())
