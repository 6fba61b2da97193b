"""Shamir's secret sharing over the prime field GF(2^255 - 19).

The secret is the constant term of a random polynomial of degree k - 1; share i is the polynomial's
value at x = i (1..n). Any k shares give the polynomial back by Lagrange interpolation at 0; k - 1
shares are consistent with every secret, so they tell nothing. The prime is the one of Curve25519:
a secret below it is 32 bytes, the size of an X25519 private key.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

PRIME = 2**255 - 19
MAX_SHARES = 255


@dataclass(frozen=True)
class Share:
    """One point (x, y) of the polynomial; ``threshold`` is k, how many points open the secret."""

    index: int
    value: int
    threshold: int


def _evaluate(coefficients: Sequence[int], x: int) -> int:
    result = 0
    for coefficient in reversed(coefficients):  # Horner's rule
        result = (result * x + coefficient) % PRIME
    return result


def split(secret: int, *, threshold: int, count: int) -> list[Share]:
    """``count`` shares of ``secret`` (0 <= secret < PRIME), any ``threshold`` of which open it."""
    if not 0 <= secret < PRIME:
        raise ValueError("the secret must be a number of the field")
    if not 1 <= threshold <= count <= MAX_SHARES:
        raise ValueError("need 1 <= threshold <= count <= 255")
    # Random coefficients from the operating system's generator; a zero leading one only lowers
    # the degree by chance (probability 2^-255), which changes nothing for the reader of k shares.
    coefficients = [secret, *(secrets.randbelow(PRIME) for _ in range(threshold - 1))]
    return [Share(index=x, value=_evaluate(coefficients, x), threshold=threshold) for x in range(1, count + 1)]


def combine(shares: Sequence[Share]) -> int:
    """The secret from at least ``threshold`` shares of distinct indexes (Lagrange at x = 0).

    Shares that do not belong together give a wrong number, not an error: the caller checks the
    result (e.g. the public key it gives)."""
    if not shares:
        raise ValueError("no shares")
    threshold = shares[0].threshold
    indexes = [s.index for s in shares]
    if len(set(indexes)) != len(indexes):
        raise ValueError("a share is given twice")
    if len(shares) < threshold:
        raise ValueError("too few shares")
    points = shares[:threshold]
    secret = 0
    for share in points:
        numerator, denominator = 1, 1
        for other in points:
            if other.index != share.index:
                numerator = numerator * -other.index % PRIME
                denominator = denominator * (share.index - other.index) % PRIME
        secret = (secret + share.value * numerator * pow(denominator, -1, PRIME)) % PRIME
    return secret
