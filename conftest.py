"""The test session's study root, for every pytest run in this checkout (unit tests, doctests, nbval).

Tests never write into the project tree: before any test module imports the package, the study root
is pointed (``KALTARA_ROOT``) at a temporary copy of the project's inputs and committed outputs
(``data/raw``, ``config``, ``notebooks``, ``reports`` and the root marker), and Hypothesis keeps its
files in a temporary folder; both are removed when the session ends. Notebook kernels started by nbval
inherit the variable, so the notebooks too read and write that copy. The copy is shared by
pytest-xdist's workers (they inherit its location), so a stage the session computes is computed once.
This file sits at the top so that ``pytest --nbval notebooks`` alone loads it too. Tests that change
inputs or configs work on their own copies (``tiny_root``, ``tmp_path``). ``root`` is the session's
copy; ``project`` is the real checkout (read only).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")

PROJECT = Path(__file__).resolve().parent
#: the test session's temporary folder; pytest-xdist's workers inherit it from the process that made
#: it (the controller imports this file before it starts them), so the session's stage cache is
#: computed once for all workers, not once per worker; only the process that made it removes it
_SHARED = "KALTARA_TEST_SESSION_TMP"
if os.environ.get(_SHARED) and Path(os.environ[_SHARED], "project", ".kaltara-root").is_file():
    _TMP = Path(os.environ[_SHARED])
    STUDY_ROOT = _TMP / "project"
else:
    _TMP = Path(tempfile.mkdtemp(prefix="kaltara-tests-"))
    atexit.register(shutil.rmtree, _TMP, ignore_errors=True)
    STUDY_ROOT = _TMP / "project"
    STUDY_ROOT.mkdir()
    for _name in ("data/raw", "config", "notebooks", "reports", "tests/nbval_sanitize.cfg"):
        _src = PROJECT / _name
        if _src.is_dir():
            shutil.copytree(_src, STUDY_ROOT / _name, symlinks=False)
        elif _src.is_file():
            (STUDY_ROOT / _name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(_src, STUDY_ROOT / _name)
    (STUDY_ROOT / "data" / "processed").mkdir(parents=True, exist_ok=True)
    for _name in ("pyproject.toml", ".kaltara-root"):  # the root marker last: the copy is complete
        shutil.copy2(PROJECT / _name, STUDY_ROOT / _name)
    os.environ[_SHARED] = str(_TMP)
os.environ["KALTARA_ROOT"] = str(STUDY_ROOT)

try:  # Hypothesis' example database and its home folder go to the temporary folder too
    from hypothesis import HealthCheck, settings
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(str(_TMP / "hypothesis"))
    # no deadline and no "too slow" health check: the 2-core CI machine runs other work beside the tests
    settings.register_profile("kaltara", database=None, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile("kaltara")
except ImportError:  # pragma: no cover - hypothesis is a dev dependency
    pass

from kaltara_study.study import load_study, paths  # noqa: E402


@pytest.fixture(scope="session")
def root() -> Path:
    """The study root of the test session: a temporary copy of the project's inputs."""
    return paths().root


@pytest.fixture(scope="session")
def project() -> Path:
    """The real checkout (read it, never write into it)."""
    return PROJECT


@pytest.fixture(scope="session")
def kaltara_raw() -> Path:
    """The vendored real public Kaltara data (``data/raw/kaltara``)."""
    folder = paths().kaltara_raw
    if not (folder / "PROVENANCE.md").is_file():
        pytest.fail(f"vendored real data missing in {folder}: restore data/raw/kaltara from git")
    return folder


@pytest.fixture(scope="session")
def shared_kaltara(kaltara_raw) -> Path:
    """Former name of :func:`kaltara_raw` (the real data is vendored now, so these tests always run)."""
    return kaltara_raw


@pytest.fixture(scope="session")
def synthetic_study():
    return load_study("synthetic")


@pytest.fixture(scope="session")
def kaltara_study():
    return load_study("kaltara")


def make_tiny_root(root: Path, dest: Path, *, also=()) -> Path:
    """A copy of the study root with a tiny config (30 Monte-Carlo replications, 10 bootstrap
    samples), for tests that run the whole stage graph or a build; ``also``: more
    ``(config file, old text, new text)`` edits, applied after those."""
    shutil.copytree(root, dest, ignore=shutil.ignore_patterns("interim", "processed", "reports"))
    for name, old, new in (("indicators.toml", "n_rep = 500", "n_rep = 30"),
                           ("indicators_kaltara.toml", "n_rep = 500", "n_rep = 30"),
                           ("segmentation.toml", "B = 50 ", "B = 10 "),
                           ("village_types.toml", "B = 50", "B = 10"), *also):
        cfg = dest / "config" / name
        text = cfg.read_text(encoding="utf-8")
        assert old in text, f"{name}: {old!r} not found (tiny config out of date)"
        cfg.write_text(text.replace(old, new, 1), encoding="utf-8")
    return dest


@pytest.fixture()
def tiny_root(tmp_path, root) -> Path:
    return make_tiny_root(root, tmp_path / "tiny")


def analysis(source: str):
    """The analysis stage of ``source`` on the session's copy of the project (computed once per test
    process, then read from that copy's cache): for tests that read the table without changing inputs."""
    from kaltara_study import stages

    return stages.analysis_data(load_study(source))
