"""Secret sharing: a secret split k-of-n (Shamir's scheme over a prime field) into printable shares.

Pure Python (no Django import). The budget's commission key (``uchast.budget.sealing``) is split
here among the members of the counting commission; any k of them open it, fewer learn nothing.

* :mod:`uchast.sharing.shamir` -- splitting and combining numbers of the field;
* :mod:`uchast.sharing.text` -- a share as text a person can print and type back: scope (e.g. the
  cycle), threshold, index, value and a checksum, so a mistyped share or a share of another scope
  is recognised before anything is combined.
"""

from uchast.sharing.shamir import PRIME, Share, combine, split
from uchast.sharing.text import ShareTextError, format_share, parse_share, share_digest

__all__ = [
    "PRIME",
    "Share",
    "ShareTextError",
    "combine",
    "format_share",
    "parse_share",
    "share_digest",
    "split",
]
