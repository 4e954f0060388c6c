"""import_speed: slow optional imports skipped only for the importer that does not need them."""

from __future__ import annotations

import subprocess
import sys


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_papermill_imports_without_pyarrow_and_pyarrow_still_imports_after():
    out = _run(
        "import sys\n"
        "from ruwaard_analysis.import_speed import skip_papermill_hdfs\n"
        "skip_papermill_hdfs()\n"
        "import papermill.iorw as io\n"
        "print('pyarrow' in sys.modules, io.HadoopFileSystem.__name__)\n"
        "import pyarrow.fs\n"
        "print('pyarrow.fs' in sys.modules)\n"
    )
    assert out.splitlines() == ["False missing_dep", "True"]


def test_jsonschema_imports_without_the_iri_checker_and_it_still_imports_after():
    out = _run(
        "import sys\n"
        "from ruwaard_analysis.import_speed import skip_slow_iri_checker\n"
        "skip_slow_iri_checker()\n"
        "import jsonschema\n"
        "print('rfc3987_syntax' in sys.modules)\n"
        "import rfc3987_syntax\n"
        "print('rfc3987_syntax' in sys.modules)\n"
    )
    assert out.splitlines() == ["False", "True"]


def test_pandera_validates_without_hypothesis_and_hypothesis_still_imports_after():
    out = _run(
        "import sys\n"
        "import polars as pl\n"
        "from ruwaard_analysis import contracts  # installs the finder\n"
        "import pandera.polars as pa\n"
        "schema = pa.DataFrameSchema({'x': pa.Column(int, pa.Check.ge(0))})\n"
        "schema.validate(pl.DataFrame({'x': [1]}))\n"
        "print('hypothesis' in sys.modules)\n"
        "import hypothesis\n"
        "print('hypothesis' in sys.modules)\n"
    )
    assert out.splitlines() == ["False", "True"]
