"""Near-duplicate titles: Jaccard similarity of character trigrams of the normalised title.

Trigrams (rather than whole words) survive Ukrainian inflection ("укриття у школі" vs "укриттів у
школах") and typos; very short function words are dropped so they do not make everything similar.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP_WORDS = frozenset(
    {"і", "й", "та", "в", "у", "на", "до", "з", "із", "зі", "для", "по", "що", "про", "від", "the", "a", "of", "to"}
)
#: Titles at least this similar are shown as possible duplicates.
SIMILAR_THRESHOLD = 0.4


def normalise_title(title: str) -> list[str]:
    text = unicodedata.normalize("NFKC", title).casefold().replace("'", "").replace("’", "").replace("ʼ", "")
    return [w for w in _WORD.findall(text) if w not in _STOP_WORDS]


def trigrams(title: str) -> frozenset[str]:
    grams: set[str] = set()
    for word in normalise_title(title):
        padded = f" {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def title_similarity(a: str, b: str) -> float:
    """Jaccard index of the trigram sets, in [0, 1]; 1.0 for titles equal after normalisation."""
    ga, gb = trigrams(a), trigrams(b)
    if not ga or not gb:
        return 0.0
    return len(ga & gb) / len(ga | gb)
