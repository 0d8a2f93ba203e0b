"""Statistical models of the study: mixed models, group comparisons, spatial statistics.

Owns: :mod:`.stats` (ordered logit, kabupaten differences, Tukey), :mod:`.compare` (Holm/BH,
Games–Howell, Welch, Levene, the census reading), :mod:`.mixed` (kecamatan random effects,
kabupaten fixed effects), :mod:`.spatial` (Moran's I, LISA). May import: ``kaltara_study.errors``
and each other; receives frames, GeoDataFrames and weights; never reads files or applies labels.
"""
