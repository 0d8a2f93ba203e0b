"""Partner readiness: criteria per partner, verdicts, the joint potential-and-ready answer.

Owns: :mod:`.criteria`. May import: ``kaltara_study.errors``; receives frames and config objects.
"""
