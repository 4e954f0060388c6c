"""Presentation: Dutch labels (``labels``), number and date formats (``fmt``), the altair
theme and static export (``theme``), charts (``charts``) and great-tables tables (``tables``).

Import the submodule you need; this package imports nothing heavy on its own.
Disclosure control (small-cell suppression) lives in ``ruwaard_analysis.disclosure``.
"""

from ruwaard_analysis.import_speed import skip_slow_iri_checker

skip_slow_iri_checker()  # altair's jsonschema without the slow IRI checker (import_speed)
