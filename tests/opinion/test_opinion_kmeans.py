"""Weighted k-means and the weighted silhouette."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import silhouette_score

from uchast.opinion.kmeans import (
    kmeans_plus_plus,
    nearest_centre,
    weighted_kmeans,
    weighted_silhouette,
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-5, 5), st.integers(-5, 5), st.integers(1, 4), st.integers(0, 2)),
        min_size=3,
        max_size=12,
    )
)
def test_weighted_silhouette_equals_silhouette_of_expanded_points(
    rows: list[tuple[int, int, int, int]],
) -> None:
    labels_raw = np.array([label for *_, label in rows])
    if len(set(labels_raw.tolist())) < 2:
        return
    # Labels must be 0..k-1 for the weighted version.
    _, labels = np.unique(labels_raw, return_inverse=True)
    points = np.array([[x, y] for x, y, _, _ in rows], dtype=float)
    weights = np.array([w for _, _, w, _ in rows], dtype=float)
    expanded = np.repeat(points, weights.astype(int), axis=0)
    expanded_labels = np.repeat(labels, weights.astype(int))
    expected = silhouette_score(expanded, expanded_labels)
    assert np.isclose(weighted_silhouette(points, weights, labels), expected, atol=1e-12)


def test_kmeans_separates_well_separated_blobs() -> None:
    rng = np.random.default_rng(3)
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    truth = np.repeat(np.arange(3), 50)
    points = centres[truth] + rng.normal(scale=0.5, size=(150, 2))
    result = weighted_kmeans(points, np.ones(150), 3, np.random.default_rng(0), restarts=5)
    # Same partition up to label names: each true blob maps to exactly one label.
    pairs = set(zip(truth.tolist(), result.labels.tolist(), strict=True))
    assert len(pairs) == 3
    assert result.centres.shape == (3, 2)


def test_kmeans_plus_plus_stops_at_the_number_of_distinct_points() -> None:
    points = np.array([[1.0, 1.0], [1.0, 1.0], [2.0, 0.0]])
    centres = kmeans_plus_plus(points, np.ones(3), 5, np.random.default_rng(0))
    assert sorted(map(tuple, centres.tolist())) == [(1.0, 1.0), (2.0, 0.0)]


def test_kmeans_drops_centres_left_without_points() -> None:
    points = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0]])
    start = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [100.0, 100.0]])
    from uchast.opinion.kmeans import lloyd

    result = lloyd(points, np.ones(3), start, 10)
    assert result.centres.shape[0] == 3
    assert set(result.labels.tolist()) == {0, 1, 2}


def test_nearest_centre_breaks_ties_towards_the_lowest_index() -> None:
    labels, squared = nearest_centre(np.array([[0.0, 0.0]]), np.array([[1.0, 0.0], [-1.0, 0.0]]))
    assert labels.tolist() == [0]
    assert np.isclose(squared[0], 1.0)
