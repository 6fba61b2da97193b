"""The mean-imputed PCA projection against scikit-learn's PCA on the imputed matrix."""

import numpy as np
from sklearn.decomposition import PCA

from uchast.opinion import VoteMatrix
from uchast.opinion.pca import project
from uchast.opinion.synthetic import planted_votes


def _imputed_dense(matrix: VoteMatrix) -> np.ndarray:
    dense = np.full((matrix.n_participants, matrix.n_statements), np.nan)
    dense[matrix.rows, matrix.cols] = matrix.values
    means = np.nanmean(dense, axis=0)
    return np.where(np.isnan(dense), means[None, :], dense)


def test_projection_spans_the_same_plane_as_exact_pca() -> None:
    planted = planted_votes(
        n_participants=600,
        n_statements=80,
        n_groups=3,
        votes_per_participant=30,
        seed=5,
    )
    matrix = VoteMatrix.from_triples(planted.participant_ids, planted.statement_ids, planted.values)
    ours = project(
        matrix.n_participants,
        matrix.n_statements,
        matrix.rows,
        matrix.cols,
        matrix.values,
        np.random.default_rng(0),
    )
    reference = PCA(n_components=2, svd_solver="full").fit(_imputed_dense(matrix))
    # Each component equals the exact one up to sign (a clear eigen-gap on planted data).
    for index in range(2):
        cosine = abs(float(ours.components[index] @ reference.components_[index]))
        assert cosine > 0.999
    assert np.allclose(ours.explained_variance, reference.explained_variance_, rtol=1e-3)
    assert np.allclose(ours.explained_variance_ratio, reference.explained_variance_ratio_, rtol=1e-3)
    # Projections are Polis-scaled: sqrt(statements / votes) times the plain PCA scores.
    scale = np.sqrt(matrix.n_statements / matrix.votes_per_participant())
    plain = reference.transform(_imputed_dense(matrix))
    signs = np.sign(np.sum(ours.components * reference.components_, axis=1))
    assert np.allclose(ours.coordinates, plain * signs[None, :] * scale[:, None], rtol=1e-3, atol=1e-3)


def test_statement_means_are_the_imputed_values() -> None:
    matrix = VoteMatrix.from_triples([1, 2, 3, 1], ["a", "a", "a", "b"], [1, 1, -1, 0])
    result = project(3, 2, matrix.rows, matrix.cols, matrix.values, np.random.default_rng(0))
    assert np.allclose(result.statement_means, [1 / 3, 0.0])


def test_components_are_oriented_with_their_largest_loading_positive() -> None:
    planted = planted_votes(
        n_participants=200,
        n_statements=30,
        n_groups=3,
        votes_per_participant=30,
        seed=2,
    )
    matrix = VoteMatrix.from_triples(planted.participant_ids, planted.statement_ids, planted.values)
    for seed in range(3):
        result = project(
            200,
            30,
            matrix.rows,
            matrix.cols,
            matrix.values,
            np.random.default_rng(seed),
        )
        for component in result.components:
            assert component[np.argmax(np.abs(component))] > 0


def test_identical_votes_project_to_the_origin() -> None:
    matrix = VoteMatrix.from_dense(np.ones((4, 3)))
    result = project(4, 3, matrix.rows, matrix.cols, matrix.values, np.random.default_rng(0))
    assert np.array_equal(result.coordinates, np.zeros((4, 2)))
    assert np.array_equal(result.explained_variance_ratio, np.zeros(2))
