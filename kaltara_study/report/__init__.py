"""Everything a reader sees: figures (draw given tables, return a Figure), labels and number
formatting, the workbook, and the build (papermill, HTML, landing page, manifest).

Owns: :mod:`.figures`, :mod:`.labels`, :mod:`.format` (one number formatter by language and the
scan for untranslated text), :mod:`.display` (notebook tables), :mod:`.workbook`, :mod:`.landing`
(index.html and the printed report), :mod:`.build`. May import: stages, methods,
the data layer's writers.
"""
