"""Shared fixtures. Real-data tests use ``shared_kaltara``: the public Kaltara data vendored in
``data/raw/kaltara/`` (issue 10), so they run everywhere; only the national benchmarks read
``../shared/data/national`` and skip without it."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")

from kaltara_study.study import paths  # noqa: E402


@pytest.fixture(scope="session")
def root() -> Path:
    return paths().root


@pytest.fixture(scope="session")
def shared_kaltara() -> Path:
    """The vendored public Kaltara data folder (``data/raw/kaltara``); it is part of the repository,
    so a missing folder is a broken checkout (the test fails rather than skips)."""
    folder = paths().shared_kaltara
    assert (folder / "PROVENANCE.md").is_file(), f"vendored Kaltara data missing in {folder}"
    return folder


@pytest.fixture(scope="session")
def kaltara_raw(shared_kaltara) -> Path:
    """Alias of ``shared_kaltara`` under its current meaning."""
    return shared_kaltara
