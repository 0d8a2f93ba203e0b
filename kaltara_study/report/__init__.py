"""Everything a reader sees: figures (draw given tables, return a Figure), labels and number
formatting, the workbook, and the build (papermill, HTML, landing page, manifest).

Owns: :mod:`.figures`, :mod:`.labels`, :mod:`.workbook`, :mod:`.build`. May import: stages, methods,
the data layer's writers.
"""
