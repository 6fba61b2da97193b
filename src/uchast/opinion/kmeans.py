"""Weighted k-means (k-means++ start, Lloyd iterations) and weighted silhouette on 2-D points.

Determinism: every random choice comes from the caller's ``numpy.random.Generator`` and is
made by inverse-CDF sampling over the points in their given order; distance ties go to the
lowest centre index (``argmin``). The result is a function of (points in order, weights,
generator state) only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

# Rows per block when computing point-to-centre distances: bounds the temporary
# (rows × centres) arrays to a few MB instead of n × k.
_BLOCK_ROWS = 2048


@dataclass(frozen=True)
class Clustering:
    """``labels[i]`` indexes ``centres``; every centre has at least one point (positive weight).

    ``inertia`` is the weighted sum of squared distances of points to their centres.
    """

    labels: NDArray[np.int64]
    centres: NDArray[np.float64]
    inertia: float


def nearest_centre(
    points: NDArray[np.float64], centres: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Index of, and squared distance to, each point's nearest centre (ties: lowest index)."""
    labels = np.empty(points.shape[0], dtype=np.int64)
    squared = np.empty(points.shape[0])
    # |p - c|^2 = |p|^2 + (|c|^2 - 2 p.c); the bracket decides the nearest centre. Rounding is
    # a few ulps of |c|^2, far below any distance that matters on the map. Broadcasting rather
    # than a (rows × d) @ (d × k) BLAS call: with d = 2 BLAS gains nothing, and its threads
    # slow down badly when another process holds a core.
    minus_twice = -2.0 * centres
    centre_norms = np.square(centres).sum(axis=1)
    for start in range(0, points.shape[0], _BLOCK_ROWS):
        block = points[start : start + _BLOCK_ROWS]
        partial = centre_norms[None, :] + block[:, 0, None] * minus_twice[None, :, 0]
        for dimension in range(1, points.shape[1]):
            partial += block[:, dimension, None] * minus_twice[None, :, dimension]
        block_labels = np.argmin(partial, axis=1)
        labels[start : start + _BLOCK_ROWS] = block_labels
        nearest = np.take_along_axis(partial, block_labels[:, None], axis=1)[:, 0]
        squared[start : start + _BLOCK_ROWS] = np.maximum(nearest + np.square(block).sum(axis=1), 0.0)
    return labels, squared


def _sample_index(cumulative: NDArray[np.float64], rng: np.random.Generator) -> int:
    """Draw an index with probability proportional to its share of the cumulative weight."""
    target = rng.random() * cumulative[-1]
    return int(min(np.searchsorted(cumulative, target, side="right"), cumulative.shape[0] - 1))


def kmeans_plus_plus(
    points: NDArray[np.float64],
    weights: NDArray[np.float64],
    k: int,
    rng: np.random.Generator,
) -> NDArray[np.float64]:
    """k-means++ seeding with point weights (a weight counts like that many coincident points).

    Returns at most ``k`` distinct centres: fewer when fewer distinct points have positive weight.
    Precondition: at least one weight is positive.
    """
    centres = np.empty((k, points.shape[1]))
    centres[0] = points[_sample_index(np.cumsum(weights), rng)]
    squared = np.square(points - centres[0]).sum(axis=1)
    for index in range(1, k):
        mass = np.cumsum(weights * squared)
        if mass[-1] <= 0.0:
            return centres[:index]
        centres[index] = points[_sample_index(mass, rng)]
        np.minimum(squared, np.square(points - centres[index]).sum(axis=1), out=squared)
    return centres


def lloyd(
    points: NDArray[np.float64],
    weights: NDArray[np.float64],
    centres: NDArray[np.float64],
    max_iterations: int,
) -> Clustering:
    """Weighted Lloyd iterations until no label changes (or ``max_iterations``).

    A centre that loses all its points keeps its place during iterations and is dropped at the
    end, so the returned centres are exactly those with points; labels are renumbered in the
    original centre order.
    """
    centres = centres.copy()
    labels, squared = nearest_centre(points, centres)
    n_centres = centres.shape[0]
    for _ in range(max_iterations):
        mass = np.bincount(labels, weights=weights, minlength=n_centres)
        occupied = mass > 0
        for dimension in range(points.shape[1]):
            sums = np.bincount(labels, weights=weights * points[:, dimension], minlength=n_centres)
            centres[occupied, dimension] = sums[occupied] / mass[occupied]
        new_labels, squared = nearest_centre(points, centres)
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
    mass = np.bincount(labels, weights=weights, minlength=n_centres)
    occupied = mass > 0
    renumber = np.cumsum(occupied) - 1
    return Clustering(renumber[labels], centres[occupied], float(weights @ squared))


def weighted_kmeans(
    points: NDArray[np.float64],
    weights: NDArray[np.float64],
    k: int,
    rng: np.random.Generator,
    *,
    restarts: int = 1,
    max_iterations: int = 100,
) -> Clustering:
    """Best of ``restarts`` k-means++ + Lloyd runs by inertia (ties: earliest run).

    Preconditions: ``points`` is (n × d) with n >= 1, ``weights`` positive, ``k >= 1``. The
    result may have fewer than ``k`` clusters when there are fewer distinct points.
    """
    best = lloyd(points, weights, kmeans_plus_plus(points, weights, k, rng), max_iterations)
    for _ in range(restarts - 1):
        clustering = lloyd(points, weights, kmeans_plus_plus(points, weights, k, rng), max_iterations)
        if clustering.inertia < best.inertia:
            best = clustering
    return best


def weighted_silhouette(points: NDArray[np.float64], weights: NDArray[np.float64], labels: NDArray[np.int64]) -> float:
    """Mean silhouette of the data set in which point ``i`` stands for ``weights[i]`` coincident points.

    Used on base-cluster centres weighted by their member counts, this equals the silhouette of
    all participants placed at their base-cluster centre, at O(centres^2) instead of
    O(participants^2). For a point of cluster A: ``a`` is the weighted mean distance to the
    *other* members of A (its own copies count at distance 0, and the denominator excludes one
    copy of itself), ``b`` the smallest weighted mean distance to another cluster; its silhouette
    is ``(b - a) / max(a, b)``, 0 when A holds a single participant (scikit-learn's convention).
    Precondition: at least two clusters; weights are positive integers.
    """
    distances = np.sqrt(np.square(points[:, None, :] - points[None, :, :]).sum(axis=2))
    n_clusters = int(labels.max()) + 1
    membership = np.zeros((points.shape[0], n_clusters))
    membership[np.arange(points.shape[0]), labels] = weights
    cluster_mass = membership.sum(axis=0)
    weighted_distance_to_cluster = distances @ membership
    own = np.arange(points.shape[0]), labels
    own_mass = cluster_mass[labels]
    within = np.divide(
        weighted_distance_to_cluster[own],
        own_mass - 1,
        out=np.zeros(points.shape[0]),
        where=own_mass > 1,
    )
    to_others = weighted_distance_to_cluster / cluster_mass[None, :]
    to_others[own] = np.inf
    between = to_others.min(axis=1)
    largest = np.maximum(within, between)
    silhouette = np.divide(between - within, largest, out=np.zeros(points.shape[0]), where=largest > 0)
    silhouette[own_mass <= 1] = 0.0
    return float(weights @ silhouette / weights.sum())
