"""quarto_execute: a .qmd read into the notebook Quarto makes of it, parameters injected as
`quarto render -P` does, inline code resolved; report._only_format and report._groups."""

from __future__ import annotations

import nbformat
import yaml

from ruwaard_analysis import quarto_execute as qe
from ruwaard_analysis import report

QMD = """---
title: "Toets"
format:
  revealjs:
    slide-number: true
---

```{python}
#| tags: [parameters]
#| include: false
year = 2017
```

## Over `{python} year` en `{python} "a*b"`

Tekst met `code`.

```{python}
#| label: tbl-x
#| tbl-cap: "Een tabel"
R.tabel()
```
Slot.
"""


def test_qmd_becomes_front_matter_prose_and_cells_with_their_options():
    nb = qe.qmd_notebook(QMD, "ruwaard-analysis")
    kinds = [c.cell_type for c in nb.cells]
    assert kinds == ["raw", "code", "markdown", "code", "markdown"]
    assert yaml.safe_load(nb.cells[0].source.strip("-\n"))["title"] == "Toets"
    assert nb.cells[1].metadata["tags"] == ["parameters"]
    assert nb.cells[3].source.splitlines()[:2] == ["#| label: tbl-x", '#| tbl-cap: "Een tabel"']
    assert nb.cells[4].source == "Slot."
    assert nb.metadata.kernelspec.name == "ruwaard-analysis"
    nbformat.validate(nb)


def test_a_cell_with_eval_false_is_not_run():
    nb = qe.qmd_notebook("```{python}\n#| eval: false\n1 / 0\n```\n")
    assert nb.cells[0].metadata["tags"] == ["skip-execution"]
    from nbclient import NotebookClient

    assert NotebookClient(nb).skip_cells_with_tag == "skip-execution"


def test_parameters_are_injected_after_the_parameters_cell_with_its_options():
    nb = qe.qmd_notebook(QMD)
    qe.inject_parameters(nb, {"year": 2016})
    injected = nb.cells[2]
    assert injected.metadata["tags"] == ["injected-parameters"]
    assert injected.source.splitlines() == ["#| include: false", "# Injected Parameters",
                                            "year = 2016"]
    nb2 = qe.qmd_notebook(QMD)
    qe.inject_parameters(nb2, {})
    assert len(nb2.cells) == 5  # nothing to inject: the notebook as it was


def test_inline_code_is_resolved_where_it_stands_and_the_probe_leaves_no_trace():
    nb = qe.qmd_notebook(QMD)
    probes = qe._with_inline_probes(nb)
    assert [(i, e) for i, e in probes] == [(3, ["year", '"a*b"'])]
    # what the kernel would print for the probe, and the counts it would give
    nb.cells[3].outputs = [nbformat.v4.new_output("stream", name="stdout",
                                                  text='["2017", "\'a*b\'"]\n')]
    nb.cells[1].execution_count, nb.cells[3].execution_count = 1, 2
    nb.cells[4].execution_count = 3
    nb.cells[4].outputs = [nbformat.v4.new_output("execute_result", execution_count=3,
                                                  data={"text/plain": "x"})]
    qe._resolve_inline(nb, probes)
    assert len(nb.cells) == 5
    assert nb.cells[2].source.splitlines()[0] == r"## Over 2017 en a\*b"  # escaped as Quarto
    assert nb.cells[3].execution_count == 2 and nb.cells[3].outputs[0]["execution_count"] == 2


def test_each_notebook_names_its_one_format_and_keeps_its_own_options():
    deck = qe.qmd_notebook(QMD)
    report._only_format(deck, "revealjs")
    front = yaml.safe_load(deck.cells[0].source.strip("-\n"))
    assert front["format"] == {"revealjs": {"slide-number": True}} and front["title"] == "Toets"
    plain = qe.qmd_notebook('---\ntitle: "R"\n---\n\nTekst.\n')
    report._only_format(plain, "typst")
    assert yaml.safe_load(plain.cells[0].source.strip("-\n")) == {"title": "R", "format": "typst"}


def test_quarto_processes_one_per_core_the_heaviest_render_alone():
    html, typst, deck = (qe.Job("reports/a.qmd", "html"), qe.Job("reports/a.qmd", "typst"),
                         qe.Job("reports/deck.qmd", "revealjs"))
    jobs = [html, typst, deck]
    assert report._groups(jobs, processes=2) == [[html], [typst, deck]]
    assert report._groups(jobs, processes=1) == [[html, typst, deck]]
    assert report._groups(jobs, processes=8) == [[html], [typst], [deck]]
    assert report._groups([deck], processes=2) == [[deck]]
    assert report._groups(jobs) == report._groups(jobs, processes=report._cores())
