"""Distances between areas and the gravity weights of a city-region economy.

Between areas ``i`` and ``j`` whose centroids are ``d_ij`` km apart, a flow to
``j`` is weighted by ``exp(-d_ij / km)`` times the size of what ``j`` offers (jobs,
shops, suppliers): a gravity model with exponential distance decay (Wilson 1971,
"A family of spatial interaction models"). Areas without a centroid (a region's
firm sample, the rest of the UK) are put at the median distance of the others.
"""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), km."""


def distances_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Great-circle distances between area centroids, km; shape (areas, areas).

    Haversine formula. Unknown centroids (NaN) are at the median of the known
    distances between different areas (0 if none are known); an area is 0 km from itself.
    """
    phi, lam = np.radians(lat), np.radians(lon)
    a = (
        np.sin((phi[:, None] - phi[None, :]) / 2) ** 2
        + np.cos(phi[:, None])
        * np.cos(phi[None, :])
        * np.sin((lam[:, None] - lam[None, :]) / 2) ** 2
    )
    d = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    off = ~np.eye(len(lat), dtype=bool)
    known = d[off & np.isfinite(d)]
    d[~np.isfinite(d)] = float(np.median(known)) if len(known) else 0.0
    np.fill_diagonal(d, 0.0)
    return d


def spec_distances(spec) -> np.ndarray:
    """Distances between a spec's areas, km (:func:`distances_km`)."""
    lat = np.array([np.nan if a.lat is None else a.lat for a in spec.areas], dtype=float)
    lon = np.array([np.nan if a.lon is None else a.lon for a in spec.areas], dtype=float)
    return distances_km(lat, lon)


def decay(distance: np.ndarray, km: float) -> np.ndarray:
    """Gravity weights ``exp(-d / km)`` of a distance matrix."""
    return np.exp(-distance / km)


def weighted_order(weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random order in which item ``i`` tends to come early in proportion to ``weights[i]``.

    Weighted sampling without replacement by exponential keys (Efraimidis and
    Spirakis 2006): sort by ``E_i / w_i`` with ``E_i`` standard exponential.
    Items of weight 0 come last.
    """
    keys = rng.standard_exponential(len(weights))
    with np.errstate(divide="ignore"):
        keys = np.where(weights > 0, keys / weights, np.inf)
    return np.argsort(keys, kind="stable")
