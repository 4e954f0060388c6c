"""What the leergeschiedenis (``reports/leergeschiedenis.qmd``) and the stuurgroep deck
(``reports/stuurgroep.qmd``) show: :class:`Report`, whose methods are the report's one-line
cells.

``Report`` composes the report layer's parts, each with one job:

- ``report_contract``: the results of the year (``data/processed/YEAR/``, read through the
  output catalogue; every missing required result named);
- ``report_narrative``: the researchers' texts (``reports/YEAR/tekst/``) with their
  ``{kerncijfer}`` placeholders filled;
- ``report_target``: the format Quarto renders to and how a table or figure reaches it;
- ``present``: Dutch words, number formats and the tables' display rules (``present.tables``).

No number is typed by hand and no narrative lives here.
"""

from __future__ import annotations

from pathlib import Path

from . import config, report_narrative, report_target
from .present import fmt, labels, tables
from .report_contract import (
    REQUIRED_KEY_FIGURES,
    SUMMARY_KEY_FIGURES,
    ReportContentError,
    ResultsFolder,
)
from .report_target import StaticChart

word = labels.word


class Report:
    """The results of one report year, read once, shown in Dutch.

    ``results_dir`` defaults to ``config.results_dir(year)``; ``tekst_dir`` to
    ``reports/YEAR/tekst``; ``target`` (``html``/``typst``/``revealjs``) to what Quarto renders
    to. Construction checks every required result and raises
    :class:`~ruwaard_analysis.report_contract.ReportContentError` naming all that are missing.
    """

    def __init__(self, year: int, results_dir: str | Path | None = None,
                 tekst_dir: str | Path | None = None, target: str | None = None):
        self.results = ResultsFolder(year, results_dir)
        self.year = self.results.year
        self.results_dir = self.results.results_dir
        self.key_figures = self.results.key_figures
        self.manifest = self.results.manifest
        self.min_cell_size = self.results.min_cell_size
        self.tekst_dir = Path(tekst_dir) if tekst_dir else report_narrative.tekst_dir(self.year)
        self.target = target if target is not None else report_target.target_format()

    def table(self, name: str):
        """A result table, or None when an optional table is absent (or empty) this year."""
        return self.results.table(name)

    def has(self, name: str) -> bool:
        """True when table, key figure or figure ``name`` is there for this year."""
        return self.results.has(name)

    # -- key figures and narrative -------------------------------------------------------------

    def suppressed_cell(self) -> str:
        """What a table shows for a suppressed cell, e.g. '<5' (explained in a note)."""
        return labels.suppressed(self.min_cell_size)

    def suppression_note(self) -> str:
        return labels.CAVEATS["suppression"].format(min_cell_size=self.min_cell_size)

    def _if_hidden(self, hidden: bool) -> str:
        return self.suppression_note() if hidden else ""

    def celgrootte_verantwoording(self) -> str:
        """The Verantwoording's sentence on the minimum cell size this run used."""
        return "\n" + labels.CAVEATS["min_cell_size_used"].format(
            min_cell_size=self.min_cell_size, floor=config.MIN_CELL_SIZE_FLOOR) + "\n"

    def kerncijfer(self, name: str, part: str = "waarde") -> str:
        """A key figure as Dutch text. ``part``: waarde, n, bi, ci_low, ci_high, label.

        A suppressed key figure never shows its value or interval; a missing one shows a
        visible marker ``[kerncijfer ontbreekt: NAME]`` (the narrative must always render).
        """
        return report_narrative.key_figure_part(self.results.key_figure(name), name, part,
                                                self.min_cell_size)

    def fill(self, text: str) -> str:
        """Replace ``{name}``, ``{name.n}``, ``{name.bi}`` ... in researcher prose."""
        return report_narrative.fill(text, self.results.key_figure, self.min_cell_size)

    def narrative(self, part: str) -> str:
        """The researchers' text ``reports/YEAR/tekst/PART.md`` with its key figures filled in.

        A missing file gives a visible Dutch placeholder, never an error.
        """
        return report_narrative.narrative(self.tekst_dir, part, self.results.key_figure,
                                          self.min_cell_size)

    def ondertitel(self) -> str:
        """'Meetresultaten over 2017 (metingen tot en met 28 februari 2018)', in bold."""
        cutoff = fmt.fmt_date(config.measurement_cutoff(self.year))
        return (f"\n**{word('meetresultaten_over')} {self.year} "
                f"({word('metingen_tot')} {cutoff})**\n")

    # -- figures -----------------------------------------------------------------------------

    def figuur(self, name: str, caption: str) -> str:
        """Markdown for one static chart with alt text: SVG in HTML, PNG in Typst/elsewhere.

        The caption is the report's own words (the .qmd); the alt text is the chart's
        Vega-Lite ``description`` (``present.labels.ALT_TEXTS``), else the caption.
        """
        path = ((report_target.uses_svg(self.target) and self.results.figure_file(name, "svg"))
                or self.results.figure_file(name, "png"))
        if path is None:
            return "\n" + report_target.note(f"{word('niet_beschikbaar')}: {caption}") + "\n"
        return report_target.image(name, caption, path, self.results.figure_description(name),
                                   self.target)

    # -- tables ------------------------------------------------------------------------------

    def _show(self, display, notes: list[str] | None = None):
        """A display frame of ``present.tables`` as the target shows it."""
        return report_target.table(display, notes or [], self.target)

    def _absent(self, what: str):
        return report_target.absent(what)

    def kerncijfers_tabel(self, names: list[str] | tuple[str, ...] = SUMMARY_KEY_FIGURES):
        """A table of key figures (those of ``names`` present this year), values in Dutch.

        Without ``names``: the summary's key figures. With none of them present: a note.
        """
        unknown = [n for n in names if n not in REQUIRED_KEY_FIGURES]
        if unknown:
            raise ReportContentError(f"kerncijfers buiten het contract: {', '.join(unknown)}")
        records = [{**self.results.key_figure(name), "name": name}
                   for name in names if name in self.key_figures]
        if not records:
            return self._absent(word("title.key_figures"))
        display, hidden = tables.key_figures_display(records, min_cell_size=self.min_cell_size)
        return self._show(display, [self._if_hidden(hidden)])

    def tabel_wijkprofiel(self):
        display, source = tables.profile_display(self.table("wijkprofiel"))
        return self._show(display, [source])

    def tabel_welbevinden(self):
        display, hidden = tables.moments_display(self.table("welbevinden_momenten"),
                                                 min_cell_size=self.min_cell_size)
        return self._show(display, [self._if_hidden(hidden)])

    def tabel_effecten(self):
        """Paired change per comparison: a row per statistic (means, difference with 95%-BI,
        tests, effect sizes), a column per comparison (``present.tables.effects_display``)."""
        frame = self.table("welbevinden_effecten")
        if frame is None:
            return self._absent(word("title.effects"))
        display, hidden = tables.effects_display(frame, min_cell_size=self.min_cell_size)
        return self._show(display, [word("caveat.effects_method"), self._if_hidden(hidden)])

    def tabel_kosten_scenario(self):
        """Costs per scenario in the scenarios' order (``present.tables.costs_display``)."""
        display, hidden = tables.scenario_costs_display(self.table("kosten_scenario"),
                                                        min_cell_size=self.min_cell_size)
        return self._show(display, [self._if_hidden(hidden)])

    def tabel_kosten_betaler(self):
        display, hidden = tables.payer_costs_display(self.table("kosten_betaler"),
                                                     min_cell_size=self.min_cell_size)
        return self._show(display, [self._if_hidden(hidden)])

    def tabel_positieve_gezondheid(self):
        frame = self.table("positieve_gezondheid_domeinen")
        if frame is None:
            return self._absent(word("title.positive_health_radar"))
        display, hidden = tables.health_domains_display(frame, min_cell_size=self.min_cell_size)
        return self._show(display, [self._if_hidden(hidden)])

    def tabel_ggd(self):
        """Latest GGD wave: the wijk beside Oss and Nederland, estimates with 95% intervals."""
        frame = self.table("ggd_indicatoren")
        if frame is None:
            return self._absent(word("title.ggd_comparison"))
        return self._show(*tables.ggd_display(frame))

    def tabel_wijkbudget(self):
        frame = self.table("wijkbudget")
        if frame is None:
            return self._absent(word("title.budget"))
        return self._show(tables.budget_display(frame))

    def tabel_bezoekers(self):
        frame = self.table("bezoekers")
        if frame is None:
            return self._absent(word("title.visitors"))
        return self._show(tables.visitors_display(frame))

    # -- werkende principes ----------------------------------------------------------------

    def tabel_randvoorwaarden(self):
        """Share of cases per precondition per MDO year, all years, and the sample."""
        frame = self.table("randvoorwaarden")
        if frame is None:
            return self._absent(word("title.preconditions"))
        display, hidden = tables.preconditions_display(frame, year=self.year,
                                                       min_cell_size=self.min_cell_size)
        return self._show(display, [
            word("caveat.shares_method").format(min_cell_size=self.min_cell_size),
            self._if_hidden(hidden), word("source.cases")])

    def tabel_randvoorwaarden_combinaties(self):
        """The combinations of preconditions that occur, small ones pooled."""
        frame = self.table("randvoorwaarden_combinaties")
        if frame is None:
            return self._absent(word("title.combinations"))
        display, pooled = tables.combinations_display(frame, min_cell_size=self.min_cell_size)
        return self._show(display, [word("caveat.combinations_pooled").format(
            min_cell_size=self.min_cell_size) if pooled else ""])

    def tabel_wonen_verschil(self):
        """Wellbeing change and saving with and without a housing start (descriptive)."""
        frame = self.table("randvoorwaarden_wonen_verschil")
        if frame is None:
            return self._absent(word("title.housing_difference"))
        display, hidden = tables.housing_difference_display(frame,
                                                            min_cell_size=self.min_cell_size)
        return self._show(display, [
            word("caveat.housing_descriptive").format(min_cell_size=self.min_cell_size),
            self._if_hidden(hidden)])

    def tabel_zes_weken(self):
        """The six-week promise: cases, started, censored, share within 42 days, median."""
        frame = self.table("zes_weken")
        if frame is None:
            return self._absent(word("title.six_weeks"))
        display, hidden = tables.six_weeks_display(frame, min_cell_size=self.min_cell_size)
        cutoff = fmt.fmt_date(config.measurement_cutoff(self.year))
        return self._show(display, [
            word("caveat.six_weeks_method").format(cutoff=cutoff,
                                                   min_cell_size=self.min_cell_size),
            self._if_hidden(hidden)])

    def tabel_groei(self):
        """Cases discussed per period (small months pooled) and the total since the start."""
        frame = self.table("casussen_per_maand")
        if frame is None:
            return self._absent(word("title.growth"))
        display, pooled = tables.growth_display(frame, min_cell_size=self.min_cell_size)
        return self._show(display, [word("caveat.months_pooled").format(
            min_cell_size=self.min_cell_size) if pooled else "", word("source.cases")])

    def tabel_n_per_analyse(self):
        return self._show(tables.analyses_n_display(self.table("n_per_analyse"),
                                                    min_cell_size=self.min_cell_size))

    # -- door de jaren -----------------------------------------------------------------------

    def over_years(self):
        """This year's key figures and those of every earlier year whose results exist,
        ``{year: results.YearFigures}`` in year order (``ResultsFolder.over_years``)."""
        return self.results.over_years()

    def door_de_jaren_tekst(self) -> str:
        """One Dutch sentence: which years are compared, or that there are none yet."""
        shown = sorted(self.over_years())
        if len(shown) < 2:
            return "\n" + word("door_de_jaren_geen").format(year=self.year) + "\n"
        return "\n" + word("door_de_jaren_uitleg").format(
            start=config.PROGRAMME_START.year,
            years=labels.LIST_LAST.format(rest=", ".join(map(str, shown[:-1])),
                                          last=shown[-1])) + "\n"

    def door_de_jaren_tabel(self):
        """The key figures of every year side by side, with the change since the year
        before (``years.comparison_display``); nothing when there is no earlier year."""
        from . import years

        by_year = self.over_years()
        if len(by_year) < 2:
            return None
        display, hidden = years.comparison_display(by_year)
        notes = sorted({labels.CAVEATS["suppression"].format(min_cell_size=yf.min_cell_size)
                        for yf in by_year.values()}) if hidden else []
        return self._show(display, notes)

    def door_de_jaren_chart(self):
        """The altair chart of the trend figures over the years (None without earlier year)."""
        from . import years
        from .present import charts

        by_year = self.over_years()
        frame = years.trend_frame(by_year)
        if len(by_year) < 2 or frame.height == 0:
            return None
        return charts.key_figures_over_years_chart(frame)

    def door_de_jaren_figuur(self):
        """The chart as a static image (SVG in HTML, PNG elsewhere), drawn from the results
        at render time; None without earlier year."""
        chart = self.door_de_jaren_chart()
        if chart is None:
            return None
        return StaticChart(chart, svg=report_target.uses_svg(self.target))

    # -- the stuurgroep deck (reports/stuurgroep.qmd) ------------------------------------------

    def dia_periode(self) -> str:
        """'Metingen tot en met 28 februari 2019', for the title of the deck."""
        cutoff = fmt.fmt_date(config.measurement_cutoff(self.year))
        return f"\n*{word('metingen_tot').capitalize()} {cutoff}*\n"

    def dia_hoofdpunten(self) -> str:
        """The opening slide's three points, each a key figure as the report shows it
        (suppression and missing figures as in the report's text)."""
        points = [
            word("dia_casussen").format(n=self.kerncijfer("casussen_totaal"),
                                        steekproef=self.kerncijfer("casussen_steekproef")),
            word("dia_welbevinden").format(voor=self.kerncijfer("welbevinden_voormeting_gemiddeld"),
                                           na=self.kerncijfer("welbevinden_nameting_gemiddeld")),
            word("dia_besparing").format(
                bedrag=self.kerncijfer("kosten_besparing_per_jaar_gemiddeld"),
                n=self.kerncijfer("kostenanalyses_aantal")),
        ]
        items = "\n".join(f"- {point}" for point in points)
        return f"\n::: {{.hoofdpunt}}\n{items}\n:::\n"

    def dia_door_de_jaren(self):
        """The deck's slide "Door de jaren": the chart, or the sentence that there is no
        earlier year yet."""
        figure = self.door_de_jaren_figuur()
        return figure if figure is not None else report_target.markdown(self.door_de_jaren_tekst())

    def dia_verantwoording(self) -> str:
        """Where the numbers come from: the run's commit and parameters, the cell-size rule
        and how to check the year (``ruwaard controleer``)."""
        commit = (self.manifest.get("git_commit") or word("onbekend"))[:12]
        inputs = len(self.manifest.get("inputs") or {})
        lines = [
            word("dia_herkomst").format(year=self.year, n=fmt.fmt_int(inputs), commit=commit),
            labels.CAVEATS["suppression"].format(min_cell_size=self.min_cell_size),
            word("dia_controle").format(year=self.year),
        ]
        return "\n" + "\n".join(f"- {line}" for line in lines) + "\n"

    # -- manifest ----------------------------------------------------------------------------

    def tabel_invoer(self):
        """Input files and the packaged reference data, with their sha256, from the manifest."""
        display = tables.inputs_display(self.manifest)
        if display is None:
            return self._absent(word("bestand"))
        return self._show(display)

    def manifest_markdown(self) -> str:
        """Parameters, package versions, commit and notebooks of the run, as Markdown lists."""
        m = self.manifest
        lines: list[str] = []
        commit = m.get("git_commit") or word("onbekend")
        lines.append(f"- {word('commit')}: `{commit}`")
        params = m.get("parameters") or {}
        if params:
            lines.append(f"- {word('parameters')}:")
            lines += [f"    - `{k}` = `{v}`" for k, v in sorted(params.items())]
        assumptions = {nb: p for nb, p in sorted((m.get("notebook_parameters") or {}).items())
                       if p}
        if assumptions:
            lines.append(f"- {word('notebook_parameters')}:")
            for nb, params in assumptions.items():
                shown = ", ".join(f"`{k}` = `{v}`" for k, v in sorted(params.items()))
                lines.append(f"    - `{nb}`: {shown}")
        library = m.get("library_sha256")
        if library:
            lines.append(f"- {word('bibliotheek')}: `{library}`")
        versions = m.get("packages") or {}
        if versions:
            lines.append(f"- {word('versies')}:")
            lines += [f"    - `{k}` {v}" for k, v in sorted(versions.items())]
        notebooks = m.get("notebooks") or []
        if notebooks:
            names = sorted(notebooks)
            lines.append(f"- {word('notebooks')}: " + ", ".join(f"`{n}`" for n in names))
        return "\n" + "\n".join(lines) + "\n"
