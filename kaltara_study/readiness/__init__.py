"""Partner readiness: criteria per partner, verdicts, the joint potential-and-ready answer.

Owns: :mod:`.criteria` (config object, verdicts) and :mod:`.joint` (potential AND ready, Monte-Carlo
probabilities, named and verification lists, sensitivity). May import: ``kaltara_study.errors``;
receives frames and config objects; never reads files or applies labels.
"""
