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
import operator
import re
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from newscrawl.extraction.model import ascii_words

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


def shingles(text: str) -> np.ndarray:
    """64-bit hashes of the case-folded word 3-shingles of ``text`` (punctuation ignored).

    Each distinct word is hashed once (two CRC-32s, stable across processes and
    Python versions) and a shingle's hash mixes its three word hashes, vectorised
    with numpy — much cheaper than a cryptographic hash per shingle, and
    fingerprints only need well-spread values.

    >>> set(shingles("A b, c!")) == set(shingles("a b c"))
    True
    >>> set(shingles("a b c")) == set(shingles("c b a"))
    False
    """
    folded = text.casefold()
    words = ascii_words(folded) if folded.isascii() else [
        word.encode("utf-8") for word in _WORD.findall(folded)]
    cache: dict[bytes, int] = {}
    hashes = [cache[w] if w in cache else cache.setdefault(w, _word_hash(w)) for w in words]
    if 0 < len(hashes) < _SHINGLE:
        hashes += [0] * (_SHINGLE - len(hashes))
    if not hashes:
        return np.zeros(0, dtype=np.uint64)
    h = np.array(hashes, dtype=np.uint64)
    h = h[:-2] * np.uint64(0x9E3779B97F4A7C15) + h[1:-1] * np.uint64(0xC2B2AE3D27D4EB4F) + h[2:]
    h ^= h >> np.uint64(29)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    return h ^ (h >> np.uint64(32))


def _word_hash(data: bytes) -> int:
    """Two CRC-32s of a word's UTF-8 bytes."""
    return (zlib.crc32(data) << 32) | zlib.crc32(data, 0x5BD1E995)


#: Signatures of recent bodies: one item's body is fingerprinted by several steps
#: (near-duplicate check, store record), and may have been fingerprinted in a page worker.
_SIGNATURES: OrderedDict[str, tuple[int, ...]] = OrderedDict()
_SIGNATURES_KEPT = 256
#: Band keys of recent signatures: an item's near-duplicate check and its store record both
#: need the keys of the same signature, which a page worker computes with it.
_BANDS: OrderedDict[tuple[int, ...], tuple[int, ...]] = OrderedDict()


def minhash(text: str) -> tuple[int, ...]:
    """The MinHash signature of ``text``: the minimum hashed shingle in each of
    ``PERMUTATIONS`` bins (one-permutation hashing, densified).

    >>> minhash("the cat sat on the mat") == minhash("The cat sat on the mat!")
    True
    """
    found = _SIGNATURES.get(text)
    if found is not None:
        _SIGNATURES.move_to_end(text)
        return found
    return remember(text, compute_minhash(text))


def remember(text: str, signature: tuple[int, ...],
             bands: tuple[int, ...] | None = None) -> tuple[int, ...]:
    """Keep ``signature`` as the MinHash of ``text`` (computed elsewhere, e.g. by a page
    worker): :func:`minhash` returns it without computing it again; likewise ``bands``
    (its :func:`band_keys`) when given."""
    if bands is not None:
        _keep(_BANDS, tuple(signature), tuple(bands))
    return _keep(_SIGNATURES, text, signature)


def _keep(memo: OrderedDict, key: Any, value: Any) -> Any:
    """Put ``value`` in one of the bounded memos (the oldest entry goes past the bound)."""
    memo[key] = value
    if len(memo) > _SIGNATURES_KEPT:
        memo.popitem(last=False)
    return value


def compute_minhash(text: str) -> tuple[int, ...]:
    """:func:`minhash` without the memo (what a page worker runs)."""
    values = shingles(text)
    minima = np.full(PERMUTATIONS, _EMPTY, dtype=np.uint64)
    np.minimum.at(minima, (values & np.uint64(_BIN_MASK)).astype(np.intp),
                  values >> np.uint64(64 - 58))
    bins = [int(v) for v in minima]
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
    if len(a) != len(b):
        raise ValueError(f"signatures of different lengths: {len(a)} and {len(b)}")
    return sum(map(operator.eq, a, b)) / len(a)  # C-level compare: an item meets many


def band_keys(signature: Sequence[int]) -> tuple[int, ...]:
    """One 63-bit key per band (the hash of its ``ROWS`` values), for the LSH index.

    Memoised like :func:`minhash` (see :func:`remember`)."""
    signature = tuple(signature)
    found = _BANDS.get(signature)
    if found is not None:
        return found
    return _keep(_BANDS, signature, compute_band_keys(signature))


def compute_band_keys(signature: Sequence[int]) -> tuple[int, ...]:
    """:func:`band_keys` without the memo (what a page worker runs)."""
    keys = []
    for band in range(BANDS):
        rows = array("Q", signature[band * ROWS:(band + 1) * ROWS]).tobytes()
        keys.append(int.from_bytes(hashlib.blake2b(rows, digest_size=8).digest(), "big") >> 1)
    return tuple(keys)


def pack(signature: Sequence[int]) -> bytes:
    """A signature as bytes for storage; :func:`unpack` reverses it."""
    return array("Q", signature).tobytes()


def unpack(data: bytes) -> list[int]:
    return array("Q", data).tolist()
