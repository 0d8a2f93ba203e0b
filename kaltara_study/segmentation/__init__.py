"""Segmentation: preparation of features, algorithms (k-means kernel, Ward, Gaussian mixtures, PAM),
choosing k (internal indices, gap statistic), stability (clusterboot, prediction strength), profiles
and names.

Owns: :mod:`.config` (SegmentationConfig, VillageTypesConfig), :mod:`.segment` (the procedure),
:mod:`.village` (village economic types from IDM), :mod:`.kmeans`, :mod:`.algorithms`, :mod:`.select`,
:mod:`.stability`.
May import: ``kaltara_study.errors`` and third-party libraries; receives frames and config objects.
"""
