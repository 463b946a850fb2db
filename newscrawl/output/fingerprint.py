"""Body fingerprints: an exact hash for change detection, a MinHash for near-duplicates.

One wire story republished by many outlets differs in a line here and there (a
credit, a standfirst): its SHA-1 differs, but the word 3-shingles of the two bodies
overlap almost entirely. A MinHash signature of ``PERMUTATIONS`` values estimates
that overlap (Jaccard similarity) from the signatures alone. It is computed by
one-permutation hashing (Li, Owen & Zhang 2012): each shingle hash falls into one of
``PERMUTATIONS`` bins by its low bits and each bin keeps its minimum — one pass over
the shingles instead of one per permutation, so fingerprinting costs about as much
as hashing the shingles; empty bins (short bodies) borrow from the next non-empty
bin, shifted by the distance (rotation densification, Shrivastava & Li 2014), so equal
bodies still give equal signatures. Cut into ``BANDS`` bands
of ``ROWS`` values (banded LSH), two bodies of similarity 0.8 share a band with
probability 1 - (1 - 0.8**4)**16 > 0.999, unrelated ones almost never. The band
index lives in SQLite (``store.py``): a lookup reads a few rows, never every signature.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Sequence
from functools import lru_cache

#: MinHash signature length, and its split into BANDS bands of ROWS values for the index.
PERMUTATIONS = 64
BANDS = 16
ROWS = PERMUTATIONS // BANDS
_BIN_BITS = PERMUTATIONS.bit_length() - 1  # PERMUTATIONS is a power of two
_BIN_MASK = PERMUTATIONS - 1
_EMPTY = (1 << 58) - 1  # larger than any 58-bit bin value
_SHIFT = 1 << 52  # added per bin of distance when an empty bin borrows a neighbour
_WORD = re.compile(r"\w+", re.UNICODE)
_SHINGLE = 3


def content_hash(body: str) -> str:
    """SHA-1 of the body text, for change detection between crawls.

    >>> content_hash("abc")
    'a9993e364706816aba3e25717850c26c9cd0d89d'
    """
    return hashlib.sha1(body.encode("utf-8")).hexdigest()


def shingles(text: str) -> set[int]:
    """Hashes of the case-folded word 3-shingles of ``text`` (punctuation ignored).

    >>> shingles("A b, c!") == shingles("a b c")
    True
    """
    words = _WORD.findall(text.casefold())
    grams = {" ".join(words[i:i + _SHINGLE]) for i in range(max(1, len(words) - _SHINGLE + 1))}
    return {int.from_bytes(hashlib.blake2b(g.encode("utf-8"), digest_size=8).digest(), "big")
            for g in grams}


@lru_cache(maxsize=256)  # one item's body is fingerprinted by several steps: hash it once
def minhash(text: str) -> tuple[int, ...]:
    """The MinHash signature of ``text``: the minimum hashed shingle in each of
    ``PERMUTATIONS`` bins (one-permutation hashing, densified).

    >>> minhash("the cat sat on the mat") == minhash("The cat sat on the mat!")
    True
    """
    bins = [_EMPTY] * PERMUTATIONS
    for value in shingles(text):
        slot, rest = value & _BIN_MASK, value >> (64 - 58)
        if rest < bins[slot]:
            bins[slot] = rest
    filled = [i for i, v in enumerate(bins) if v != _EMPTY]
    if not filled or len(filled) == PERMUTATIONS:
        return tuple(bins)
    signature = list(bins)
    for i in range(PERMUTATIONS):
        if bins[i] == _EMPTY:
            distance = next(d for d in range(1, PERMUTATIONS + 1)
                            if bins[(i + d) & _BIN_MASK] != _EMPTY)
            signature[i] = bins[(i + distance) & _BIN_MASK] + distance * _SHIFT
    return tuple(signature)


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two bodies from their signatures.

    >>> similarity(minhash("the cat sat on the mat"), minhash("the cat sat on the mat"))
    1.0
    """
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def band_keys(signature: Sequence[int]) -> list[int]:
    """One 63-bit key per band (the hash of its ``ROWS`` values), for the LSH index."""
    keys = []
    for band in range(BANDS):
        rows = array("Q", signature[band * ROWS:(band + 1) * ROWS]).tobytes()
        keys.append(int.from_bytes(hashlib.blake2b(rows, digest_size=8).digest(), "big") >> 1)
    return keys


def pack(signature: Sequence[int]) -> bytes:
    """A signature as bytes for storage; :func:`unpack` reverses it."""
    return array("Q", signature).tobytes()


def unpack(data: bytes) -> list[int]:
    return array("Q", data).tolist()
