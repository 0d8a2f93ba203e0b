"""Composite economic-potential index (COINr-style): framework, normalisation, aggregation,
diagnostics and Monte-Carlo uncertainty.

Owns: :mod:`.composite`. May import: ``kaltara_study.errors`` and third-party libraries only —
never the data layer's readers; it receives frames and config objects.
"""
