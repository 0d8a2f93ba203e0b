"""The io layer: every read and write of files happens in this package (or in ``build``).

- :mod:`kaltara_study.data.write` — figures (byte-reproducible PNG/PDF), CSV tables, hashes;
- :mod:`kaltara_study.data.read` — raw CSV/XLSX/GeoJSON readers that cope with Indonesian exports;
- :mod:`kaltara_study.report.workbook` — the report's XLSX workbook.
"""

from kaltara_study.data.write import PNG_DPI, SYNTHETIC_NOTE, save_figure, sha256_file, write_table

__all__ = ["PNG_DPI", "SYNTHETIC_NOTE", "save_figure", "sha256_file", "write_table"]
