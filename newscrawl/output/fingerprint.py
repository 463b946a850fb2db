"""Body fingerprints: an exact hash for change detection, a MinHash for near-duplicates.

One wire story republished by many outlets differs in a line here and there (a
credit, a standfirst): its SHA-1 differs, but the word 3-shingles of the two bodies
overlap almost entirely. A MinHash signature of ``PERMUTATIONS`` values estimates
that overlap (Jaccard similarity) from the signatures alone; cut into ``BANDS`` bands
of ``ROWS`` values (banded LSH), two bodies of similarity 0.8 share a band with
probability 1 - (1 - 0.8**4)**16 > 0.999, unrelated ones almost never. The band
index lives in SQLite (``store.py``): a lookup reads a few rows, never every signature.
"""

from __future__ import annotations

import hashlib
import random
import re
from array import array

#: MinHash signature length, and its split into BANDS bands of ROWS values for the index.
PERMUTATIONS = 64
BANDS = 16
ROWS = PERMUTATIONS // BANDS
_PRIME = (1 << 61) - 1
_rng = random.Random(20240503)  # fixed: signatures must be comparable across crawls
_PARAMS = [(_rng.randrange(1, _PRIME), _rng.randrange(0, _PRIME)) for _ in range(PERMUTATIONS)]
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


def minhash(text: str) -> list[int]:
    """The MinHash signature of ``text``: ``PERMUTATIONS`` minima of hashed shingles."""
    values = shingles(text)
    return [min((a * v + b) % _PRIME for v in values) for a, b in _PARAMS]


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of two bodies from their signatures.

    >>> similarity(minhash("the cat sat on the mat"), minhash("the cat sat on the mat"))
    1.0
    """
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def band_keys(signature: list[int]) -> list[int]:
    """One 63-bit key per band (the hash of its ``ROWS`` values), for the LSH index."""
    keys = []
    for band in range(BANDS):
        rows = array("Q", signature[band * ROWS:(band + 1) * ROWS]).tobytes()
        keys.append(int.from_bytes(hashlib.blake2b(rows, digest_size=8).digest(), "big") >> 1)
    return keys


def pack(signature: list[int]) -> bytes:
    """A signature as bytes for storage; :func:`unpack` reverses it."""
    return array("Q", signature).tobytes()


def unpack(data: bytes) -> list[int]:
    return array("Q", data).tolist()
