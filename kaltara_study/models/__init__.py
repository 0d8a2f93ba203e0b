"""Statistical models of the study: regression, group comparisons, spatial statistics.

Owns: :mod:`.stats`. May import: ``kaltara_study.errors``; receives frames.
"""
