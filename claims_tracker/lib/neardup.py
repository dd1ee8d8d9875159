"""Near-duplicate reports: MinHash signatures (datasketch) over word shingles, and LSH bands to find them.

Two deliveries of one report rarely share every byte: a page's extraction keeps a caption that a paste
left out, a syndicated wire copy gets another headline, an edit fixes a word. Their sets of five-word
shingles still mostly agree, and the share of MinHash values two signatures have in common estimates that
Jaccard similarity. The signature is cut into bands; each band is hashed to one 64-bit number, stored in an
array with a GIN index, so `bands && ours` finds the few articles worth comparing among millions.
"""

from __future__ import annotations

import hashlib
import re

from datasketch import MinHash

from .text import normalize_for_hash

NUM_PERM = 128
BANDS, ROWS = 32, 4  # a pair at Jaccard 0.8 shares a band with probability 1 - (1 - 0.8**4)**32 > 0.99999
SHINGLE = 5
MIN_SHINGLES = 50  # fewer (about 55 words): too short to call a copy (a headline, a note)
SCHEME = "affine32"  # named, not defaulted: stored signatures must keep meaning what they meant
NEAR = 0.8  # estimated Jaccard at or above which two texts are one report (a changed word costs 5 shingles)
_WORDS = re.compile(r"\w+")
# The permutations depend only on NUM_PERM, the seed and the scheme: drawn once per process and handed to every
# sketch (a MinHash made without them draws all 2 x 128 again, about 0.1 ms a signature).
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations


def signature(text: str) -> list[int] | None:
    """The text's MinHash values, or None when it is too short to compare."""
    words = _WORDS.findall(normalize_for_hash(text or ""))
    shingles = {" ".join(words[i : i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}
    if len(shingles) < MIN_SHINGLES:
        return None
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME, permutations=_PERMUTATIONS)
    minhash.update_batch(list(shingles))
    return [int(v) for v in minhash.hashvalues]


def bands(values: list[int]) -> list[int]:
    """One signed 64-bit number per band; the band's position is part of what is hashed."""
    found = []
    for band in range(BANDS):
        chunk = values[band * ROWS : (band + 1) * ROWS]
        digest = hashlib.blake2b(repr((band, chunk)).encode(), digest_size=8).digest()
        found.append(int.from_bytes(digest, "big", signed=True))
    return found


def similarity(a: list[int], b: list[int]) -> float:
    """The estimated Jaccard similarity of the two texts' shingles (datasketch's own, with the permutations drawn
    once: a sketch made without them draws all 2 x 128 again)."""
    first, second = (
        MinHash(num_perm=NUM_PERM, hashvalues=v, scheme=SCHEME, permutations=_PERMUTATIONS) for v in (a, b)
    )
    return first.jaccard(second)
