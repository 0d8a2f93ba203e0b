"""The one cache: a stage's result is stored once, read back on a hit, recomputed when an input file
or a method module changes, and never keyed by the language."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from kaltara_study import stages
from kaltara_study.study import load_study

from conftest import analysis


@pytest.fixture()
def study(tmp_path, root):
    """A private copy of the study root, so cache files and edits stay in this test."""
    copy = tmp_path / "proj"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("notebooks", "interim", "processed", "reports"))
    return load_study("synthetic", root=copy)


def test_a_stage_is_hit_after_its_first_computation_with_the_same_result(study):
    """The cache mechanism on the cheapest stage, the real village boundaries (every stage is stored
    and read by the same code)."""
    real = load_study("kaltara", root=study.root)
    assert not stages.is_cached(real, "boundaries")
    first = stages._cached(real, "boundaries")
    assert stages.is_cached(real, "boundaries")
    files = list(real.cache_dir.glob("boundaries-*.joblib"))
    assert len(files) == 1 and real.cache_dir.is_relative_to(real.root / "data" / "interim")
    mtime = files[0].stat().st_mtime_ns
    again = stages._cached(real, "boundaries")
    assert files[0].stat().st_mtime_ns == mtime  # read back, not rewritten
    assert sorted(first) == sorted(again) == ["desa", "kabkota", "kecamatan"]
    for level in first:
        assert len(first[level]) and first[level].equals(again[level]), level


def test_language_is_not_part_of_the_key(synthetic_study):
    analysis("synthetic")  # the session's Indonesian study computes it (once per session)
    english = synthetic_study.with_lang("en")
    assert stages.stage_key(english, stages.BY_NAME["analysis"]) == stages.stage_key(
        synthetic_study, stages.BY_NAME["analysis"])
    assert stages.is_cached(english, "analysis")


def test_changing_an_input_file_misses(study):
    key = stages.stage_key(study, stages.BY_NAME["analysis"])
    f = sorted(study.raw_dirs[0].glob("*.csv"))[0]
    f.chmod(0o644)
    f.write_bytes(f.read_bytes() + b"\n")
    fresh = load_study("synthetic", root=study.root)
    assert stages.stage_key(fresh, stages.BY_NAME["analysis"]) != key


def test_changing_a_method_module_misses_only_its_stage_and_those_after(study, monkeypatch):
    keys = {s.name: stages.stage_key(study, s) for s in stages.STAGES}
    real = stages.code_hash

    def fake(pkg):
        return "changed" if pkg == "segmentation" else real(pkg)

    monkeypatch.setattr(stages, "code_hash", fake)
    after = {s.name: stages.stage_key(study, s) for s in stages.STAGES}
    assert after["analysis"] == keys["analysis"] and after["index"] == keys["index"]
    assert after["segmentation"] != keys["segmentation"]


def test_changing_the_stages_module_misses_every_stage(study, monkeypatch):
    """The run functions and their constants (e.g. the LISA permutations) live in stages.py."""
    keys = {s.name: stages.stage_key(study, s) for s in stages.STAGES}
    real = stages.code_hash
    monkeypatch.setattr(stages, "code_hash", lambda pkg: "changed" if pkg == "stages" else real(pkg))
    assert all(stages.stage_key(study, s) != keys[s.name] for s in stages.STAGES)


def test_config_change_misses_its_stage(study):
    key = stages.stage_key(study, stages.BY_NAME["index"])
    cfg = study.configs.files["index"]
    cfg.write_text(cfg.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    fresh = load_study("synthetic", root=study.root)
    assert stages.stage_key(fresh, stages.BY_NAME["index"]) != key


def test_round_result_keeps_significant_digits_and_nan():
    df = pd.DataFrame({"x": [1.23456789012345, np.nan, -0.000123456789012, 0.0], "s": list("abcd")})
    out = stages.round_result(df, 6)
    assert out["x"].tolist()[0] == pytest.approx(1.23457, abs=0)
    assert np.isnan(out["x"][1]) and out["x"][2] == -0.000123457 and out["x"][3] == 0.0
    assert out["s"].tolist() == list("abcd")
    assert df["x"][0] == 1.23456789012345  # input untouched


def test_concurrent_writers_of_one_cached_result_all_succeed(tmp_path):
    """Two nbval workers computing the same stage at once wrote one shared temporary file: the second
    rename failed (FileNotFoundError in CI). Each writer now has its own temporary file."""
    import threading

    import joblib

    from kaltara_study.data.write import atomic_write

    path = tmp_path / "analysis-key.joblib"
    payload = {"table": list(range(200_000))}
    errors = []

    def write():
        try:
            atomic_write(path, lambda tmp: joblib.dump(payload, tmp))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert joblib.load(path) == payload
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name], "no temporary file left behind"


def test_boundaries_stage_holds_the_polygons_of_every_level_and_is_read_back(tmp_path, root):
    copy = tmp_path / "proj"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("notebooks", "interim", "processed", "reports"))
    study = load_study("kaltara", root=copy)
    assert not stages.is_cached(study, "boundaries")
    desa = stages.boundaries(study)
    assert stages.is_cached(study, "boundaries")
    assert len(desa) == 482 and desa.crs.to_epsg() == 4326 and desa["kode"].is_unique
    assert len(stages.boundaries(study, "kecamatan")) == 55 and len(stages.boundaries(study, "kabkota")) == 5
    again = stages.boundaries(load_study("kaltara", root=copy))
    assert again.geometry.equals(desa.geometry)
    with pytest.raises(ValueError, match="level must be one of"):
        stages.boundaries(study, "provinsi")
    assert stages.boundaries(load_study("synthetic", root=copy)) is None   # no polygons in the synthetic set

    # the outlines the maps draw: the same units, half the vertices, no unit moved by more than the
    # measured 0.0046° (two pixels of a 200-dpi province map), and the total area kept
    import shapely

    drawn = stages.map_boundaries(study)
    assert stages.is_cached(study, "map_boundaries") and drawn["kode"].tolist() == desa["kode"].tolist()
    full, simple = desa.geometry.to_numpy(), drawn.geometry.to_numpy()
    assert shapely.get_num_coordinates(simple).sum() < 0.6 * shapely.get_num_coordinates(full).sum()
    assert shapely.is_valid(simple).all() and shapely.hausdorff_distance(full, simple).max() < 0.005
    assert shapely.area(simple).sum() == pytest.approx(shapely.area(full).sum(), rel=1e-4)
    assert stages.map_boundaries(load_study("synthetic", root=copy)) is None


def test_build_order_computes_each_stage_after_the_stages_it_needs():
    assert sorted(stages.BUILD_ORDER) == sorted(stages.BY_NAME)
    for i, name in enumerate(stages.BUILD_ORDER):
        assert set(stages.BY_NAME[name].needs) <= set(stages.BUILD_ORDER[:i]), name


def _stages_read_in_code(name: str) -> set[str]:
    """The stages accessor ``name`` of the stages module reads, from its code: the stage names it
    passes to ``_cached``/``_polygons`` and, through the accessors it calls, theirs."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(getattr(stages, name)))
    read: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            callee = node.func.id
            if callee in ("_cached", "_polygons"):
                assert isinstance(node.args[1], ast.Constant), f"{name}: stage name not a literal"
                read.add(node.args[1].value)
            elif callee in stages.ACCESSORS and callee != name:
                read |= _stages_read_in_code(callee)
    return read


def test_each_accessor_reads_exactly_the_stages_the_build_waits_for():
    """The build starts a notebook once the stages its accessor calls read are ready
    (:func:`stages.stages_read_by`): the table of what each accessor reads must be what its code
    reads. Every public accessor of the module is in the table."""
    import inspect

    public = {n for n, f in vars(stages).items() if inspect.isfunction(f) and f.__module__ == stages.__name__
              and not n.startswith("_") and next(iter(inspect.signature(f).parameters), None) == "study"}
    not_accessors = {"is_cached", "inputs_hash", "stage_key", "precompute"}
    assert public - not_accessors == set(stages.ACCESSORS) - {"idm_indicators"}
    for accessor, reads in stages.ACCESSORS.items():
        in_code = _stages_read_in_code(accessor)
        assert in_code == set(reads), accessor
        closure = {s.name for n in in_code for s in stages._closure(stages.BY_NAME[n])}
        assert set(stages.stages_read_by([accessor])) == closure, accessor
    assert _stages_read_in_code("study_table") == {"analysis", "index", "segmentation", "village_types"}
