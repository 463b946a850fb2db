"""Body fingerprints: an exact hash for change detection, a SimHash for near-duplicates.

One wire story republished by many outlets differs in a line here and there (a
credit, a standfirst); its SHA-1 differs, but its 64-bit SimHash stays within a
few bits. :func:`simhash_bands` cuts a SimHash into ``BANDS`` pieces: two
fingerprints within ``BANDS - 1`` bits of each other share at least one band
exactly (pigeonhole), so a lookup by band finds every candidate without scanning
all stored fingerprints — the banded index lives in SQLite (see ``store.py``).
"""

from __future__ import annotations

import hashlib
import re

#: Number of bands a SimHash is cut into; near-duplicates within BANDS-1 bits are found.
BANDS = 4
_BAND_BITS = 64 // BANDS
_WORD = re.compile(r"\w+", re.UNICODE)
_SHINGLE = 3


def content_hash(body: str) -> str:
    """SHA-1 of the body text, for change detection between crawls.

    >>> content_hash("abc")
    'a9993e364706816aba3e25717850c26c9cd0d89d'
    """
    return hashlib.sha1(body.encode("utf-8")).hexdigest()


def simhash(text: str) -> int:
    """64-bit SimHash of the word 3-shingles of ``text`` (case-folded).

    >>> simhash("a b c d") == simhash("A  b, c d!")
    True
    """
    words = _WORD.findall(text.casefold())
    shingles = [" ".join(words[i:i + _SHINGLE]) for i in range(max(1, len(words) - _SHINGLE + 1))]
    weights = [0] * 64
    for shingle in shingles:
        value = int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest(),
                               "big")
        for bit in range(64):
            weights[bit] += 1 if value >> bit & 1 else -1
    return sum(1 << bit for bit in range(64) if weights[bit] > 0)


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two fingerprints.

    >>> hamming(0b1011, 0b0010)
    2
    """
    return (a ^ b).bit_count()


def simhash_bands(fingerprint: int) -> list[int]:
    """The ``BANDS`` pieces of a 64-bit SimHash, lowest bits first.

    >>> simhash_bands(0x0001000200030004)
    [4, 3, 2, 1]
    """
    mask = (1 << _BAND_BITS) - 1
    return [fingerprint >> (i * _BAND_BITS) & mask for i in range(BANDS)]


def to_signed(fingerprint: int) -> int:
    """A 64-bit unsigned fingerprint as SQLite's signed INTEGER."""
    return fingerprint - (1 << 64) if fingerprint >= 1 << 63 else fingerprint


def from_signed(value: int) -> int:
    """The inverse of :func:`to_signed`."""
    return value + (1 << 64) if value < 0 else value
