"""Run the yearly analysis notebooks with papermill: cache, manifest, parallelism, progress.

One module per job: :mod:`.options` (one :class:`RunOptions` value for CLI, report and
tests), :mod:`.fingerprint` (hashes of inputs, library, packages; the git commit),
:mod:`.plan` (notebooks, dependencies, cache keys, cache hits), :mod:`.execute` (papermill
in worker processes), :mod:`.progress`, :mod:`.staging` (staging folders, the atomic swap),
:mod:`.manifest` (manifest and merged key figures), :mod:`.result` (:class:`RunResult`, the
run log) and :mod:`.year` (:func:`run_year`, which strings them together).

The notebook contract
=====================

Which notebooks
    Every ``notebooks/*.ipynb``, in name order (``01_wellbeing.ipynb``, ``02_costs.ipynb``,
    ...). Names starting with ``_`` or ``.`` are skipped (drafts, checkpoints). Notebooks are
    independent of each other: they may run in parallel, in any order, and never read each
    other's results.

Parameters
    One code cell tagged ``parameters`` with literal assignments, one per line, each with a
    trailing comment (papermill injects the real values in a cell right after it)::

        year = 2016  # report year
        data_dir = "../data/raw/demo"  # folder with the input files
        output_dir = "../data/processed/2016"  # where results go (a staging folder in a run)
        seed = 20160512  # random seed for bootstraps and simulations
        min_cell_size = 5  # no group smaller than this is published

    ``data_dir`` and ``output_dir`` arrive as absolute path strings. The working directory
    is the notebook's own folder. The kernel is ``ruwaard-analysis`` (``make install``).

Which inputs (optional, for the cache)
    A notebook may list the source keys it reads in its notebook metadata::

        "metadata": {"ruwaard": {"sources": ["cases", "wellbeing"]}, ...}

    Then only a change to those input files re-runs it. Without the list it depends on every
    input file. The source key of a file is the part of its name before the first ``.``
    (``cases.csv``, ``cases.synthetic.csv`` -> ``cases``); inputs are the ``*.csv``,
    ``*.xlsx`` and ``*.parquet`` files directly in ``data_dir`` (the rule of
    ``loaders.find_source_files``; :mod:`.fingerprint` applies it itself so that a warm run need not
    import the data contracts). ``"sources": []`` means the notebook reads no input file at
    all: a notebook that checks every file must leave the key out.

How a notebook writes results
    Only through :mod:`ruwaard_analysis.results`, always into ``output_dir``, and only what
    passed the publication gate (:mod:`ruwaard_analysis.disclosure`, docs/disclosure.md)::

        from ruwaard_analysis import disclosure, results
        results.write_table(output_dir, disclosure.gate_table("wellbeing_paired", frame,
                                                              min_cell_size))
        results.write_key_figures(output_dir, disclosure.gate_key_figures("01_wellbeing",
            {"wellbeing_before_mean": {"value": 2.93, "n": 13, "unit": "score",
             "label": "Welbevinden voor", "ci_low": 2.5, "ci_high": 3.4}}, min_cell_size))
        results.write_figure(output_dir, disclosure.gate_figure("wellbeing_before_after",
                                                                chart, min_cell_size))

    (``publish.Published`` does this: ``pub.table``, ``pub.figure``, ``pub.chart``,
    ``pub.write``.) The executed notebook keeps only outputs that show a gated record
    (``disclosure.scrub_notebook``): it is the record of the run and may be shared.

    Use the notebook's own name for ``write_key_figures``. Table, figure and key-figure names
    must be unique over all notebooks of a year (the pipeline refuses duplicates). Do not
    write ``manifest.json`` or ``key_figures.json``: the pipeline writes them.

Errors
    Let errors propagate (a ``DataValidationError`` from the loaders, an
    ``InsufficientDataError``, ...): the run stops, names notebook, cell and error, and the
    previous results of the year stay as they were.

What a run produces
===================

``data/processed/YEAR/`` with ``tables/``, ``key_figures/``, ``figures/``, the merged
``key_figures.json`` and ``manifest.json`` (sha256 of every input file, parameters, package
versions, git commit, library fingerprint, per notebook its cache key and output checksums);
``reports/YEAR/notebooks/NAME.ipynb`` (executed notebooks) and ``reports/YEAR/run_log.json``
(timings; not part of the determinism promise). Results are byte-identical across runs on the
same inputs. Everything is written aside and moved into place only when every notebook
succeeded. A notebook is re-executed only when its cache key changed: sha256 over the
notebook file, its input files, the library source and reference data
(``src/ruwaard_analysis/**``), package versions and the parameters.
"""

from ..errors import PipelineError
from .options import RunOptions
from .plan import NotebookPlan, YearPlan, find_notebooks, plan_year
from .result import RunResult
from .year import run_year

__all__ = [
    "NotebookPlan",
    "PipelineError",
    "RunOptions",
    "RunResult",
    "YearPlan",
    "find_notebooks",
    "plan_year",
    "run_year",
]
