"""Shared fixtures. Real-data tests use ``shared_kaltara``, which skips when ../shared is absent."""

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
    """The real public Kaltara data folder; skips the test when it is absent (a user's fresh clone)."""
    folder = paths().shared_kaltara
    if not (folder / "README.md").is_file():
        pytest.skip(f"real Kaltara data absent ({folder}); these tests run in CI where ../shared exists")
    return folder
