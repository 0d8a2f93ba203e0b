"""Exception types. Every message says which file/row/column and what was expected or what to do."""

from __future__ import annotations

from kaltara_study.pii import scrub_text


class KaltaraError(Exception):
    """Base class of the package's errors. Personal data (NIK, phone numbers, e-mail addresses,
    names after titles) is masked in every message, whatever code raised it."""

    def __init__(self, *args):
        super().__init__(*(scrub_text(a) if isinstance(a, str) else a for a in args))


class InputError(KaltaraError):
    """Unusable input: missing file or required column, empty file, unreadable encoding.

    Carries ``file`` and a message saying what to fix.
    """

    def __init__(self, message: str, *, file: str | None = None):
        self.file = file
        super().__init__(f"{file}: {message}" if file else message)


class DataError(KaltaraError, ValueError):
    """Values that break the data contract. ``problems`` holds every problem found (not the first
    only), as dicts with keys ``file``, ``row``, ``column``, ``value``, ``rule``."""

    def __init__(self, message: str, *, problems: list[dict] | None = None):
        self.problems = list(problems or [])
        super().__init__(message)


class ConfigError(KaltaraError, ValueError):
    """A setting, parameter or config file is unusable; the message says what to change."""
