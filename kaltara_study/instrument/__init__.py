"""The field instrument (issue 13): XLSForms and an entry template generated from the data contract.

- :mod:`.forms` — pure builders: the cooperative survey and the supervisor assessment as XLSForm
  frames (``survey``, ``choices``, ``settings``), the cooperative list, the entry-template layout
  and the coverage of the readiness criteria;
- :mod:`.agreement` — inter-rater agreement (Cohen's kappa, weighted kappa, ICC) per item.

Owns no file I/O: :mod:`kaltara_study.report.instrument` writes the forms, and
:mod:`kaltara_study.data.kobo` reads the Kobo/ODK exports back into the survey contract.
May import: ``kaltara_study.errors`` and the contract constants of ``kaltara_study.data.schema``.
"""
