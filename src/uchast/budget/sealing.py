"""Sealed ballots: a ballot's choices are encrypted to the cycle's public key (libsodium sealed boxes
through PyNaCl) and only the private key opens them, at the count.

Two custodies (``BudgetCycle.custody``):

* *server key*: the private key of cycle N is ``HMAC(BUDGET_SEAL_KEY, "budget-seal:N")`` reduced into
  the field, so it lives only in the environment secret, never in the database or its backups;
* *commission key*: a random private key made by staff before voting opens, split k-of-n
  (``uchast.sharing``) among the named members of the counting commission, shown once as printable
  shares and then forgotten; the cycle keeps the public key, k, the names and a digest of each share.

The plaintext of a ballot is its sorted project ids as JSON, padded to a multiple of
``PADDING`` bytes so that the length of the ciphertext does not tell how many projects were chosen.
Python cannot wipe memory: "dropping the key" means no reference to it is kept after the count.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from nacl.bindings import crypto_box_seal_open
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from uchast.budget.errors import BudgetError
from uchast.budget.models import BudgetCycle, Custody
from uchast.sharing import PRIME, Share, ShareTextError, combine, format_share, parse_share, share_digest, split

PADDING = 256
#: Commission sizes the staff form accepts.
MAX_MEMBERS = 15


def _key_of(secret: int) -> PrivateKey:
    return PrivateKey(secret.to_bytes(32, "little"))


def server_private_key(cycle_pk: int) -> PrivateKey:
    """The server-key cycle's private key, derived from the environment secret."""
    digest = hmac.new(str(settings.BUDGET_SEAL_KEY).encode(), f"budget-seal:{cycle_pk}".encode(), hashlib.sha512)
    return _key_of(int.from_bytes(digest.digest(), "little") % PRIME)


@functools.lru_cache(maxsize=64)
def _server_public_key(cycle_pk: int, _key: str) -> bytes:
    # ``_key`` is part of the cache key only: a changed secret (tests) gives a new public key.
    return bytes(server_private_key(cycle_pk).public_key)


def server_public_key_hex(cycle_pk: int) -> str:
    return _server_public_key(cycle_pk, str(settings.BUDGET_SEAL_KEY)).hex()


@functools.lru_cache(maxsize=64)
def _box(public_hex: str) -> SealedBox[PublicKey]:
    return SealedBox(PublicKey(bytes.fromhex(public_hex)))


def public_key_hex(cycle: BudgetCycle) -> str:
    """The key ballots of ``cycle`` are sealed to: the recorded one, else (a server-key cycle that
    entered voting before sealing existed, or was put into voting directly) the derived one."""
    if cycle.seal_public_key:
        return cycle.seal_public_key
    if cycle.custody != Custody.SERVER:
        raise BudgetError("no_seal_key", _("This cycle has no key to seal ballots with."))
    return server_public_key_hex(cycle.pk)


def _plaintext(project_ids: Iterable[int]) -> bytes:
    text = json.dumps(sorted(int(pk) for pk in project_ids), separators=(",", ":")).encode()
    return text + b" " * (-len(text) % PADDING)


def seal_choices(cycle: BudgetCycle, project_ids: Iterable[int]) -> bytes:
    """The chosen project ids, encrypted to the cycle's public key (a sealed box: an ephemeral key
    pair per ballot, so equal choices give unrelated ciphertexts)."""
    return bytes(_box(public_key_hex(cycle)).encrypt(_plaintext(project_ids)))


def _opened(secret: bytes, public: bytes, sealed: bytes | memoryview | None) -> list[int]:
    """One sealed ballot opened through the binding itself (the ``SealedBox`` wrapper costs a tenth
    again per ballot); anything the key does not open, or that is not a list of ids, is refused."""
    try:
        ids = json.loads(crypto_box_seal_open(bytes(sealed or b""), public, secret).decode().rstrip(" "))
        return [int(pk) for pk in ids]
    except (CryptoError, ValueError, TypeError) as error:
        raise BudgetError("unreadable_ballot", _("A sealed ballot cannot be opened with this key.")) from error


def open_choices(private_key: PrivateKey, sealed: bytes | memoryview | None) -> list[int]:
    """The project ids of a sealed ballot; ``BudgetError("unreadable_ballot")`` if the key does not
    open it."""
    return _opened(bytes(private_key), bytes(private_key.public_key), sealed)


def open_many(private_key: PrivateKey, sealed: Sequence[bytes | memoryview | None]) -> list[list[int]]:
    """:func:`open_choices` for every ballot of a count, in order. Opening is one elliptic-curve
    operation per ballot, most of counting a city's cycle; PyNaCl's C calls release the interpreter
    lock, so the ballots are opened in one thread per core."""
    secret, public = bytes(private_key), bytes(private_key.public_key)

    def open_part(part: Sequence[bytes | memoryview | None]) -> list[list[int]]:
        return [_opened(secret, public, one) for one in part]

    size = max(1000, -(-len(sealed) // (4 * (os.cpu_count() or 1))))
    parts = [sealed[start : start + size] for start in range(0, len(sealed), size)]
    if len(parts) < 2:
        return open_part(sealed)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return [ids for part in pool.map(open_part, parts) for ids in part]


def paper_digest(batch_pk: int, position: int, project_ids: Iterable[int]) -> str:
    """Keyed digest of one entry of a paper ballot, for double entry (kept only until both entries
    agree: with the database and ``VOTER_TOKEN_KEY`` the few possible choices could be tried)."""
    ids = ",".join(str(pk) for pk in sorted(set(int(pk) for pk in project_ids)))
    message = f"budget-paper-check:{batch_pk}:{position}:{ids}".encode()
    return hmac.new(str(settings.VOTER_TOKEN_KEY).encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class MemberShare:
    member: str
    index: int
    text: str


@dataclass(frozen=True)
class CommissionKey:
    public_hex: str
    threshold: int
    shares: list[MemberShare]
    digests: dict[str, str]


def new_commission_key(cycle_pk: int, *, threshold: int, members: Sequence[str]) -> CommissionKey:
    """A fresh key pair whose private key exists only as ``len(members)`` shares, ``threshold`` of
    which open it. The caller shows the shares once and keeps only the rest."""
    secret = secrets.randbelow(PRIME - 1) + 1
    public_hex = bytes(_key_of(secret).public_key).hex()
    shares = split(secret, threshold=threshold, count=len(members))
    del secret
    return CommissionKey(
        public_hex=public_hex,
        threshold=threshold,
        shares=[MemberShare(m, s.index, format_share(cycle_pk, s)) for m, s in zip(members, shares, strict=True)],
        digests={str(s.index): share_digest(cycle_pk, s) for s in shares},
    )


def _read_share(cycle: BudgetCycle, number: int, text: str) -> Share:
    try:
        scope, share = parse_share(text)
    except ShareTextError as error:
        if error.reason == "checksum":
            raise BudgetError(
                "share_mistyped",
                _("Share %(n)s has a typing error: its check letters do not match. Compare it with the paper.")
                % {"n": number},
            ) from error
        raise BudgetError(
            "share_malformed", _("Share %(n)s is not a share: copy it whole, as printed.") % {"n": number}
        ) from error
    if scope != cycle.pk:
        raise BudgetError(
            "share_other_cycle",
            _("Share %(n)s belongs to another budget cycle (no. %(other)s), not to this one.")
            % {"n": number, "other": scope},
        )
    expected = cycle.seal_share_digests.get(str(share.index))
    if share.threshold != cycle.seal_threshold or expected is None or share_digest(scope, share) != expected:
        raise BudgetError(
            "share_wrong",
            _("Share %(n)s is not one of this cycle's shares (perhaps of a key made before this one).") % {"n": number},
        )
    return share


def commission_private_key(cycle: BudgetCycle, texts: Sequence[str]) -> PrivateKey:
    """The private key from the members' shares (one text each), checked share by share; every
    refusal says which share and why, and nothing is kept."""
    entered = [t for t in texts if t.strip()]
    shares: list[Share] = []
    for number, text in enumerate(entered, start=1):
        share = _read_share(cycle, number, text)
        if any(s.index == share.index for s in shares):
            raise BudgetError(
                "share_repeated",
                _("Share %(n)s is entered twice: each member enters their own share once.") % {"n": number},
            )
        shares.append(share)
    if len(shares) < cycle.seal_threshold:
        raise BudgetError(
            "too_few_shares",
            _("%(k)s shares are needed to open the ballots; %(given)s entered.")
            % {"k": cycle.seal_threshold, "given": len(shares)},
        )
    key = _key_of(combine(shares))
    if bytes(key.public_key).hex() != cycle.seal_public_key:
        raise BudgetError("key_mismatch", _("The shares do not open this cycle's key."))
    return key


def private_key_for_count(cycle: BudgetCycle, shares: Sequence[str] = ()) -> PrivateKey:
    """The key that opens the cycle's ballots: derived (server key) or from the shares."""
    if cycle.custody == Custody.COMMISSION:
        return commission_private_key(cycle, shares)
    key = server_private_key(cycle.pk)
    if cycle.seal_public_key and bytes(key.public_key).hex() != cycle.seal_public_key:
        raise BudgetError(
            "server_key_changed",
            _("BUDGET_SEAL_KEY is not the one this cycle's ballots were sealed with; restore it to count."),
        )
    return key
