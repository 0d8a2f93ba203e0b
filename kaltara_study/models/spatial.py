"""Spatial structure of village potential: global Moran's I and local Moran (LISA), PySAL.

- :func:`village_weights` — Queen contiguity on the village polygons (``libpysal.weights.Queen``);
  units without a contiguous neighbour (islands such as Bunyu, Sebatik parts) get their ``k``
  nearest neighbours by centroid (``libpysal.weights.KNN``) so no unit is left out; row-standardised;
- :func:`morans_i` — ``esda.Moran`` with permutation inference (``permutations``, ``seed``);
- :func:`local_moran` — ``esda.Moran_Local`` per unit: ``Ii``, pseudo p-value, quadrant and the
  cluster code (``HH`` high-high, ``LL``, ``HL``, ``LH`` or ``ns`` when p_sim > alpha; optionally
  after a Benjamini–Hochberg adjustment across units);
- :func:`spatial_structure` — the three together for one value per village: weights, Moran's I
  and LISA (what the study's cached ``spatial`` stage runs).

Where potential clusters (``HH``), one partner depot could serve several cooperatives; the report
should say so only for units with a significant ``HH`` code. Input: a GeoDataFrame with one row per
unit and the value column, or a ``libpysal`` weights object plus a value array. Nothing reads files.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kaltara_study.errors import InputError
from kaltara_study.models.compare import adjust_pvalues

__all__ = ["MoranResult", "SpatialStructure", "local_moran", "morans_i", "spatial_structure", "village_weights"]

QUADRANTS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}


def village_weights(gdf, *, id_column: str | None = None, k: int = 3, transform: str = "r"):
    """Queen contiguity weights of the polygons, with kNN (``k``) neighbours for units that have none.

    Returns a ``libpysal.weights.W`` whose ids are ``gdf[id_column]`` (or the positions), in the
    GeoDataFrame's row order; ``w.islands_filled`` lists the ids that got kNN neighbours.
    """
    from libpysal.weights import KNN, Queen, W

    if len(gdf) < 3:
        raise InputError("spatial weights need at least 3 units")
    ids = list(gdf[id_column]) if id_column else list(range(len(gdf)))
    if len(set(ids)) != len(ids):
        raise InputError(f"{id_column!r} has duplicate ids; pass one row per unit")
    q = Queen.from_dataframe(gdf.reset_index(drop=True), use_index=False, silence_warnings=True)
    neigh = {ids[i]: [ids[j] for j in q.neighbors[i]] for i in range(len(ids))}
    islands = [ids[i] for i in q.islands]
    if islands:
        pts = gdf.geometry.reset_index(drop=True)
        proj = pts.to_crs(3857) if pts.crs is not None and pts.crs.is_geographic else pts
        cent = np.column_stack([proj.centroid.x, proj.centroid.y])
        knn = KNN.from_array(cent, k=min(k, len(ids) - 1), silence_warnings=True)
        for i in q.islands:
            neigh[ids[i]] = [ids[j] for j in knn.neighbors[i]]
            for j in knn.neighbors[i]:  # keep the weights symmetric in their neighbour sets
                if ids[i] not in neigh[ids[j]]:
                    neigh[ids[j]] = [*neigh[ids[j]], ids[i]]
    w = W(neigh, id_order=ids, silence_warnings=True)
    w.transform = transform
    w.islands_filled = islands
    return w


@dataclass(frozen=True)
class MoranResult:
    """Global Moran's I: ``I``, its expectation ``EI`` = −1/(n−1), the permutation pseudo p-value
    ``p_sim`` (two-sided as esda: folded), ``z_sim``, the normal-approximation ``p_norm``, ``n``,
    ``permutations`` and ``seed``."""

    I: float  # noqa: E741 - the statistic's name
    EI: float
    p_sim: float
    z_sim: float
    p_norm: float
    n: int
    permutations: int
    seed: int

    def as_frame(self) -> pd.DataFrame:
        return pd.DataFrame([self.__dict__])


def _values_and_w(data, w, column):
    if column is not None:
        if w is None:
            raise InputError("pass the weights (village_weights(gdf)) together with the column")
        y = pd.to_numeric(data[column], errors="coerce").to_numpy(dtype=float)
    else:
        y = np.asarray(data, dtype=float)
    if w is None:
        raise InputError("pass spatial weights w (libpysal W)")
    if len(y) != w.n:
        raise InputError(f"{len(y)} values but the weights have {w.n} units")
    if not np.isfinite(y).all():
        raise InputError("the value has NA for some units; drop them and rebuild the weights "
                         "(village_weights on the remaining polygons)")
    return y


def morans_i(data, w, *, column: str | None = None, permutations: int = 999, seed: int = 0) -> MoranResult:
    """Global Moran's I of ``data`` (an array, or ``data[column]`` of a (Geo)DataFrame) on ``w``.

    Permutation inference under a fixed ``seed`` (``np.random.seed`` is set for esda, which draws
    from NumPy's global generator, and restored afterwards).
    """
    import esda

    y = _values_and_w(data, w, column)
    state = np.random.get_state()
    try:
        np.random.seed(seed)
        m = esda.Moran(y, w, permutations=permutations)
    finally:
        np.random.set_state(state)
    return MoranResult(I=float(m.I), EI=float(m.EI), p_sim=float(m.p_sim) if permutations else np.nan,
                       z_sim=float(m.z_sim) if permutations else np.nan, p_norm=float(m.p_norm), n=int(w.n),
                       permutations=int(permutations), seed=int(seed))


def _crand_numpy(z: np.ndarray, w, permutations: int, seed: int) -> np.ndarray:
    """esda's conditional randomisation in NumPy: for unit *i*, the values of ``card_i`` other units
    drawn without replacement replace its neighbours' (weights kept); folded pseudo p-value
    ``(min(#sim >= obs, P - #sim >= obs) + 1) / (P + 1)`` as ``esda.crand``. Differs from esda in
    one respect: a simulated statistic within a relative 1e-9 of the observed one counts as equal
    (esda compares floats exactly, so its count of ties can change with the summation order)."""
    rng = np.random.default_rng(seed)
    n = len(z)
    pos = {k: i for i, k in enumerate(w.id_order)}
    p = np.empty(n)
    for i, key in enumerate(w.id_order):
        nb = [pos[j] for j in w.neighbors[key]]
        wt = np.asarray(w.weights[key], dtype=float)
        k = len(nb)
        if k == 0:
            p[i] = np.nan
            continue
        others = np.delete(np.arange(n), i)
        pick = others[np.argpartition(rng.random((permutations, n - 1)), k - 1, axis=1)[:, :k]]
        # sums without BLAS (its order depends on the kernel and threads) and ties within a relative
        # 1e-9 counted as ties: the values sit on a grid (index = k/42), so a simulated neighbourhood
        # often equals the observed one exactly, and rounding noise must not decide the comparison
        obs = z[i] * (z[nb] * wt).sum()
        sim = z[i] * (z[pick] * wt).sum(axis=1)
        larger = int((sim >= obs - 1e-9 * max(1.0, abs(obs))).sum())
        larger = min(larger, permutations - larger)
        p[i] = (larger + 1) / (permutations + 1)
    return p


def local_moran(data, w, *, column: str | None = None, permutations: int = 999, seed: int = 0,
                alpha: float = 0.05, fdr: bool = False, engine: str = "numpy") -> pd.DataFrame:
    """Local Moran (LISA) per unit: ``id, value, Ii, p_sim, quadrant`` (HH/LH/LL/HL) and ``cluster``
    (the quadrant when the pseudo p-value ``p_sim <= alpha`` (esda's folded conditional-randomisation p) — after Benjamini–Hochberg across units with ``fdr`` —
    else ``ns``). ``Ii`` and the quadrants are ``esda.Moran_Local``'s; the conditional-randomisation
    p-values come from ``engine="esda"`` (its numba kernel: ~40 s of JIT compilation per process,
    not cached) or ``engine="numpy"`` (default; the same procedure in NumPy, seeded, no compilation).
    The two engines draw different random numbers, so their p-values agree up to Monte-Carlo error."""
    import esda

    y = _values_and_w(data, w, column)
    with warnings.catch_warnings():
        # esda 2.9 announces a future change of the default alternative but offers no argument on
        # Moran_Local to choose it; the p-values are esda's current folded (directed) pseudo p-values.
        warnings.filterwarnings("ignore", message="The alternative hypothesis for conditional randomization",
                                category=DeprecationWarning)
        if engine == "esda":
            lm = esda.Moran_Local(y, w, permutations=permutations, seed=seed, n_jobs=1)
            p = np.asarray(lm.p_sim, dtype=float)
        elif engine == "numpy":
            lm = esda.Moran_Local(y, w, permutations=0)
            p = _crand_numpy(y - y.mean(), w, permutations, seed)
        else:
            raise InputError(f"engine must be 'numpy' or 'esda', got {engine!r}")
    p_use = adjust_pvalues(p, method="fdr_bh") if fdr else p
    quad = pd.Series(lm.q).map(QUADRANTS).to_numpy()
    cluster = np.where(p_use <= alpha, quad, "ns")
    return pd.DataFrame({"id": list(w.id_order), "value": y, "Ii": np.asarray(lm.Is, float), "p_sim": p,
                         "p_used": p_use, "quadrant": quad, "cluster": cluster})


@dataclass(frozen=True)
class SpatialStructure:
    """Moran's I and LISA of one value per unit: ``moran`` (:class:`MoranResult`), ``lisa`` (one
    row per unit: the id column, ``value``, ``Ii``, ``p_sim``, ``p_used``, ``quadrant``, ``cluster``
    and the other columns of the values) and ``islands_filled`` (the ids with no contiguous
    neighbour, given their nearest neighbours instead)."""

    moran: MoranResult
    lisa: pd.DataFrame
    islands_filled: tuple[str, ...]


def spatial_structure(polygons, values: pd.DataFrame, *, id_column: str = "kode", column: str = "value",
                      permutations: int = 999, lisa_permutations: int = 499, seed: int = 0) -> SpatialStructure:
    """Weights, global Moran's I and LISA of ``values[column]`` on the ``polygons`` they match.

    ``polygons`` (a GeoDataFrame) and ``values`` are joined on ``id_column``; units without a polygon
    or with NA in ``column`` are left out (the weights are built on the units that remain, so none
    has a missing neighbour value), in ``id_column`` order. :func:`village_weights` (Queen, kNN for
    islands), :func:`morans_i` with ``permutations`` and :func:`local_moran` (NumPy engine) with
    ``lisa_permutations``, both under ``seed``.
    """
    if id_column not in values.columns or column not in values.columns:
        raise InputError(f"values need the columns {id_column!r} and {column!r}")
    gdf = (polygons[[id_column, "geometry"]].merge(values, on=id_column, how="inner")
           .dropna(subset=[column]).sort_values(id_column, kind="stable").reset_index(drop=True))
    w = village_weights(gdf, id_column=id_column)
    moran = morans_i(gdf, w, column=column, permutations=permutations, seed=seed)
    lisa = local_moran(gdf, w, column=column, permutations=lisa_permutations, seed=seed, engine="numpy")
    extra = [c for c in values.columns if c not in (id_column, column)]
    lisa = lisa.rename(columns={"id": id_column}).merge(gdf[[id_column, *extra]], on=id_column, how="left")
    return SpatialStructure(moran=moran, lisa=lisa, islands_filled=tuple(w.islands_filled))
