"""The vendored public data in data/raw/kaltara/: every file listed in PROVENANCE.md with its sha256."""

from __future__ import annotations

import hashlib
import re

import pytest

from kaltara_study.study import paths


@pytest.fixture(scope="module")
def folder():
    return paths().root / "data" / "raw" / "kaltara"


def _listed(folder) -> dict[str, str]:
    text = (folder / "PROVENANCE.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([^`]+)` \|.*\| `([0-9a-f]{64})` \|$", text, flags=re.M)
    return dict(rows)


def test_every_checksum_holds(folder):
    listed = _listed(folder)
    assert len(listed) >= 28
    bad = {f: h for f, h in listed.items()
           if not (folder / f).is_file() or hashlib.sha256((folder / f).read_bytes()).hexdigest() != h}
    assert not bad, f"vendored files changed or missing: {sorted(bad)}"


def test_every_vendored_file_is_listed(folder):
    listed = _listed(folder)
    present = {p.name for p in folder.iterdir() if p.is_file() and p.name != "PROVENANCE.md"}
    assert present == set(listed), present ^ set(listed)


def test_national_file_not_vendored(folder):
    assert not any("national" in p.name for p in folder.rglob("*"))


def test_key_files_have_the_documented_rows(folder):
    def n_rows(name):
        return len((folder / name).read_text(encoding="utf-8").splitlines()) - 1

    assert n_rows("simkopdes_kaltara_locations.csv") == 411
    assert n_rows("simkopdes_kaltara_land_assets.csv") == 250
    assert n_rows("idm_kaltara_2024_desa.csv") == n_rows("idm_kaltara_2023_desa.csv") == 447
    assert n_rows("idm_kaltara_2024_desa_indicators.csv") == 447
