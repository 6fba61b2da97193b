"""Mean-imputed PCA of the vote matrix, projected to two dimensions (Polis' reduction step).

Polis fills each missing vote with the statement's mean vote, centres the columns and keeps
the first two principal components. After imputation a column's mean is exactly the
statement's mean vote, so the centred imputed matrix is zero wherever a vote is missing: it is
the matrix of ``vote - statement mean`` at the observed cells only. We never materialise the
imputed matrix; we keep that centred matrix densely in float32 (4 bytes per cell) and find the
top components by block subspace iteration with Rayleigh-Ritz, which needs only products with
the matrix and its transpose (BLAS), not the statement × statement covariance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

N_COMPONENTS = 2
# Extra directions carried along during the subspace iteration: convergence of the top two then
# goes with (lambda_{2+oversampling+1} / lambda_2) per iteration instead of (lambda_3 / lambda_2),
# which matters when three or more opinion groups make lambda_2 and lambda_3 close.
_OVERSAMPLING = 10
_MAX_ITERATIONS = 40
# Squared sine of the angle by which the plane may still move when we stop: 1e-6 is an angle
# of 1e-3 rad, i.e. map positions accurate to about 0.1% - invisible on a map, and far
# below what could move a participant between groups.
_PLANE_TOLERANCE = 1e-6
# Eigenvalues this small relative to the largest are numerical noise of a rank-deficient matrix
# (float32 storage); their directions are arbitrary, so the component is reported as zero.
_RELATIVE_NOISE_EIGENVALUE = 1e-6


@dataclass(frozen=True)
class Projection:
    """Result of the reduction.

    ``coordinates`` (participants × 2), ``components`` (2 × statements, orthonormal rows or zero
    rows), ``statement_means`` (imputation values), ``explained_variance`` (per component,
    sample variance, descending) and ``explained_variance_ratio``.
    """

    coordinates: NDArray[np.float64]
    components: NDArray[np.float64]
    statement_means: NDArray[np.float64]
    explained_variance: NDArray[np.float64]
    explained_variance_ratio: NDArray[np.float64]


def _orient(components: NDArray[np.float64]) -> NDArray[np.float64]:
    """Flip each component so its largest-magnitude loading is positive (ties: first statement).

    Eigenvectors are defined up to sign; fixing it keeps maps stable between recomputations.
    """
    oriented = components.copy()
    for index in range(oriented.shape[0]):
        loadings = oriented[index]
        if loadings.size and loadings[int(np.argmax(np.abs(loadings)))] < 0:
            oriented[index] = -loadings
    return oriented


def _top_components(
    centred: NDArray[np.float32], rng: np.random.Generator
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Top principal directions (rows) of ``centred`` and their eigenvalues of ``centred.T @ centred``.

    Block subspace iteration on the covariance, with a Rayleigh-Ritz step every iteration; stops
    when the plane of the top two Ritz vectors moves by less than ``_PLANE_TOLERANCE`` (squared
    sine of the angle) or after ``_MAX_ITERATIONS``. Directions with noise-level eigenvalues are
    returned as zero rows.
    """
    n_statements = centred.shape[1]
    block = min(n_statements, N_COMPONENTS + _OVERSAMPLING)
    kept = min(N_COMPONENTS, block)
    basis, _ = np.linalg.qr(rng.standard_normal((n_statements, block)))
    previous: NDArray[np.float64] | None = None
    for _ in range(_MAX_ITERATIONS):
        scores = centred @ basis.astype(np.float32)
        scores64 = scores.astype(np.float64)
        ritz_values, ritz_vectors = np.linalg.eigh(scores64.T @ scores64)
        top = np.argsort(ritz_values)[::-1][:kept]
        current = basis @ ritz_vectors[:, top]
        if previous is not None:
            # Part of the new plane outside the old one; both have orthonormal columns.
            outside = current - previous @ (previous.T @ current)
            if float(np.square(outside).sum()) < _PLANE_TOLERANCE:
                break
        previous = current
        basis, _ = np.linalg.qr((centred.T @ scores).astype(np.float64))

    components = np.zeros((N_COMPONENTS, n_statements))
    eigenvalues = np.zeros(N_COMPONENTS)
    largest = max(float(ritz_values[top[0]]), np.finfo(np.float64).tiny)
    for rank in range(kept):
        if ritz_values[top[rank]] > _RELATIVE_NOISE_EIGENVALUE * largest:
            components[rank] = current[:, rank]
            eigenvalues[rank] = ritz_values[top[rank]]
    return _orient(components), eigenvalues


def project(
    n_participants: int,
    n_statements: int,
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    values: NDArray[np.int8],
    rng: np.random.Generator,
) -> Projection:
    """Project participants onto the first two principal components of the imputed matrix.

    Preconditions: ``rows``/``cols`` index a (n_participants × n_statements) matrix with at most
    one vote per cell. The result depends on the order of the rows only through floating-point
    summation order; callers wanting order independence pass rows in a canonical order.

    Coordinates are scaled like Polis: a participant who voted on ``v`` of ``m`` statements has
    their projection multiplied by ``sqrt(m / max(v, 1))``. A sparse voter's centred row is zero
    on the statements they did not see, which pulls them towards the centre regardless of their
    opinion; the factor undoes that shrinkage on average.
    """
    votes_per_statement = np.bincount(cols, minlength=n_statements)
    vote_sums = np.bincount(cols, weights=values, minlength=n_statements)
    statement_means = np.divide(
        vote_sums,
        votes_per_statement,
        out=np.zeros(n_statements),
        where=votes_per_statement > 0,
    )

    centred_votes = values - statement_means[cols]
    total_variance = float(centred_votes @ centred_votes)
    centred = np.zeros((n_participants, n_statements), dtype=np.float32)
    centred.reshape(-1)[rows * n_statements + cols] = centred_votes
    del centred_votes

    components = np.zeros((N_COMPONENTS, n_statements))
    eigenvalues = np.zeros(N_COMPONENTS)
    if n_participants and n_statements:
        components, eigenvalues = _top_components(centred, rng)

    raw_coordinates = (centred @ components.T.astype(np.float32)).astype(np.float64)
    del centred

    votes_per_participant = np.bincount(rows, minlength=n_participants)
    scale = np.sqrt(n_statements / np.maximum(votes_per_participant, 1))
    coordinates = raw_coordinates * scale[:, None]

    degrees_of_freedom = max(n_participants - 1, 1)
    explained_variance = eigenvalues / degrees_of_freedom
    ratio = eigenvalues / total_variance if total_variance > 0 else np.zeros(N_COMPONENTS)
    return Projection(coordinates, components, statement_means, explained_variance, ratio)
