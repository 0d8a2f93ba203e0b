"""environment.yml (conda users) and pyproject.toml (pip users) must name the same packages."""

from __future__ import annotations

import re
import tomllib

import yaml

# conda-forge splits dask[distributed] into two packages.
CONDA_ONLY = {"python", "pip"}
PIP_TO_CONDA = {"dask[distributed]": {"dask", "distributed"}}


def _name(req: str) -> str:
    return re.split(r"[<>=!~; ]", req.strip(), maxsplit=1)[0].lower()


def _pyproject_names(root) -> set[str]:
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    names: set[str] = set()
    for r in reqs:
        n = _name(r)
        names |= PIP_TO_CONDA.get(n, {n})
    return names


def _environment_names(root) -> tuple[set[str], list]:
    env = yaml.safe_load((root / "environment.yml").read_text())
    conda, pip = set(), []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip += dep.get("pip", [])
        else:
            conda.add(_name(dep))
    return conda - CONDA_ONLY, pip


def test_environment_yml_names_the_same_packages_as_pyproject(project):
    conda, pip = _environment_names(project)
    expected = _pyproject_names(project)
    assert conda - expected == set(), f"in environment.yml only: {sorted(conda - expected)}"
    assert expected - conda == set(), f"in pyproject.toml only: {sorted(expected - conda)}"
    assert "-e ." in pip, "environment.yml must install the package editable in its pip section"


def test_the_check_detects_a_missing_package(project, tmp_path):
    """The comparison is not vacuous: dropping one package from environment.yml is noticed."""
    (tmp_path / "pyproject.toml").write_text((project / "pyproject.toml").read_text())
    text = (project / "environment.yml").read_text().replace("  - statsmodels>=0.14.2,<0.16\n", "")
    (tmp_path / "environment.yml").write_text(text)
    conda, _ = _environment_names(tmp_path)
    assert _pyproject_names(tmp_path) - conda == {"statsmodels"}
