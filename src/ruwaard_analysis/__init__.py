"""ruwaard-analysis: load, validate and analyse the data of Proeftuin Ruwaard (Oss).

Imports are kept light on purpose: heavy modules (statsmodels, altair, papermill) load
only when the function that needs them is called.
"""

__version__ = "0.1.0"
