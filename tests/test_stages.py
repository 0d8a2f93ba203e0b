"""Cached stages: the cache returns what a direct computation returns, and its key follows inputs."""

from __future__ import annotations

import pandas as pd

from kaltara_study import stages


def test_cached_index_and_segmentation_equal_direct_computation():
    from kaltara_study.segmentation.segment import segment
    from kaltara_study.index.composite import compute_index

    table = stages.analysis_data("synthetic").table
    direct = compute_index(table, source="synthetic", seed=20251, n_rep=50, progress=False)
    cached = stages.potential_index("synthetic", seed=20251, n_rep=50)
    again = stages.potential_index("synthetic", seed=20251, n_rep=50)
    pd.testing.assert_frame_equal(direct.scores, cached.scores)
    pd.testing.assert_frame_equal(cached.scores, again.scores)

    seg = stages.segmentation("synthetic", seed=20251)
    idx = stages.potential_index("synthetic", seed=20251)
    direct_seg = segment(table, seed=20251, index=idx.scores, n_jobs=1, progress=False)
    pd.testing.assert_frame_equal(seg.labels, direct_seg.labels)


def test_study_table_has_one_row_per_cooperative_with_index_and_segment():
    st = stages.study_table("synthetic", seed=20251)
    assert len(st) == 411 and st["coop_id"].is_unique
    assert {"index", "segment", "segment_name", "confidence"} <= set(st.columns)
    assert st["segment"].notna().all()


def test_inputs_hash_follows_file_contents(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n")
    h1 = stages.inputs_hash(str(tmp_path))
    assert stages.inputs_hash(str(tmp_path)) == h1
    (tmp_path / "a.csv").write_text("x\n2\n")
    assert stages.inputs_hash(str(tmp_path)) != h1


def test_code_hash_is_a_sha256():
    assert len(stages.code_hash()) == 64
