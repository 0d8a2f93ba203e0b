"""Spatial statistics (issue 12): Moran's I on a lattice with a known value (checkerboard, I = -1
under rook contiguity) and against the hand formula; Queen weights with kNN for islands; LISA finds a
planted high-high cluster and is reproducible under a seed."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from libpysal.weights import lat2W
from shapely.geometry import box

from kaltara_study.errors import InputError
from kaltara_study.models.spatial import local_moran, morans_i, village_weights


def _hand_moran(y, w):
    w = w.__class__(w.neighbors, w.weights)  # copy
    w.transform = "r"
    z = y - y.mean()
    full, _ = w.full()
    return len(y) / full.sum() * (z @ full @ z) / (z @ z)


def test_checkerboard_has_morans_i_of_minus_one():
    w = lat2W(6, 6)                                  # rook contiguity on a 6 x 6 lattice
    w.transform = "r"
    y = np.indices((6, 6)).sum(axis=0).ravel() % 2 * 1.0
    res = morans_i(y, w, permutations=99, seed=1)
    assert res.I == pytest.approx(-1.0)
    assert res.EI == pytest.approx(-1 / 35)
    assert res.p_sim <= 0.02                         # nothing in 99 permutations is as extreme


def test_morans_i_equals_the_hand_formula_and_is_seeded():
    rng = np.random.default_rng(3)
    w = lat2W(8, 8, rook=False)
    y = rng.normal(size=64) + np.repeat(np.arange(8), 8) * 0.5     # a north-south gradient
    w.transform = "r"
    a = morans_i(y, w, permutations=199, seed=7)
    assert a.I == pytest.approx(_hand_moran(y, w))
    assert a.I > 0.3 and a.p_sim < 0.01
    assert morans_i(y, w, permutations=199, seed=7) == a
    state = np.random.get_state()[1].copy()
    morans_i(y, w, permutations=19, seed=8)
    assert (np.random.get_state()[1] == state).all()              # the global generator is restored


def _grid_gdf(nx=5, ny=4, island=True):
    cells = [box(i, j, i + 1, j + 1) for j in range(ny) for i in range(nx)]
    ids = [f"v{k:02d}" for k in range(len(cells))]
    if island:
        cells.append(box(nx + 3, 0, nx + 4, 1))     # an island: no shared edge or corner
        ids.append("island")
    return gpd.GeoDataFrame({"kode_desa": ids}, geometry=cells, crs=None)


def test_village_weights_queen_with_knn_for_islands():
    gdf = _grid_gdf()
    w = village_weights(gdf, id_column="kode_desa", k=2)
    assert w.islands == [] and w.islands_filled == ["island"]
    assert len(w.neighbors["island"]) == 2
    assert set(w.neighbors["v00"]) == {"v01", "v05", "v06"}      # Queen: edges and the corner
    assert all(np.isclose(sum(ws), 1) for ws in w.weights.values())
    assert all("island" in w.neighbors[j] for j in w.neighbors["island"])


def test_lisa_finds_a_planted_high_high_cluster_reproducibly():
    w = lat2W(10, 10, rook=False)
    w.transform = "r"
    rng = np.random.default_rng(5)
    y = rng.normal(size=100)
    block = [r * 10 + c for r in range(3) for c in range(3)]
    y[block] += 4
    a = local_moran(y, w, permutations=499, seed=11)
    b = local_moran(y, w, permutations=499, seed=11)
    assert a.equals(b)
    assert (a.loc[a.id.isin([11]), "cluster"] == "HH").all()      # the block's centre
    assert (a.cluster == "HH").sum() >= 4 and (a.loc[~a.id.isin(block), "cluster"] == "HH").sum() <= 3
    fdr = local_moran(y, w, permutations=499, seed=11, fdr=True)
    assert (fdr.cluster != "ns").sum() <= (a.cluster != "ns").sum()


def test_null_pattern_gives_no_global_structure():
    rng = np.random.default_rng(9)
    w = lat2W(10, 10)
    w.transform = "r"
    hits = sum(morans_i(rng.normal(size=100), w, permutations=99, seed=s).p_sim < 0.05 for s in range(20))
    assert hits <= 4


def test_lisa_p_values_do_not_depend_on_rounding_noise():
    """Values on a grid (an index in steps of 1/42) make simulated and observed neighbourhoods tie
    exactly; noise at the last bits (another BLAS, another summation order) must not move a p-value."""
    w = lat2W(7, 7)
    w.transform = "r"
    y = np.random.default_rng(5).integers(0, 6, 49) * (100 / 42)
    noisy = y * (1 + np.random.default_rng(6).choice([-1, 0, 1], 49) * 2e-16)
    assert (noisy != y).any()
    a = local_moran(y, w, permutations=199, seed=3)
    b = local_moran(noisy, w, permutations=199, seed=3)
    assert (a["p_sim"].to_numpy() == b["p_sim"].to_numpy()).all()


def test_spatial_structure_is_the_three_steps_on_the_matched_units_with_their_extra_columns():
    """What the cached ``spatial`` stage runs: units without a polygon or a value are left out, the
    weights are built on the rest, and Moran's I and LISA equal the steps run by hand."""
    from kaltara_study.models.spatial import spatial_structure

    gdf = _grid_gdf().rename(columns={"kode_desa": "kode"})
    rng = np.random.default_rng(5)
    values = pd.DataFrame({"kode": [*gdf["kode"], "no-polygon"], "value": rng.normal(size=len(gdf) + 1),
                           "n": np.arange(len(gdf) + 1)})
    values.loc[values["kode"] == "v03", "value"] = np.nan
    res = spatial_structure(gdf, values.iloc[::-1], permutations=99, lisa_permutations=99, seed=4)

    kept = gdf[gdf["kode"] != "v03"].merge(values, on="kode").sort_values("kode").reset_index(drop=True)
    w = village_weights(kept, id_column="kode")
    assert res.moran == morans_i(kept, w, column="value", permutations=99, seed=4)
    by_hand = local_moran(kept, w, column="value", permutations=99, seed=4).rename(columns={"id": "kode"})
    pd.testing.assert_frame_equal(res.lisa.drop(columns="n"), by_hand)
    assert res.lisa["kode"].tolist() == kept["kode"].tolist() and res.lisa["n"].tolist() == kept["n"].tolist()
    assert res.islands_filled == ("island",) and res.moran.n == len(gdf) - 1
    with pytest.raises(InputError, match="values need the columns"):
        spatial_structure(gdf, values.rename(columns={"value": "index"}))
