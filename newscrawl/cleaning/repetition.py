"""Count, per site, on how many articles each paragraph appeared during a crawl.

A paragraph that a site prints under many different articles ("Sign up for our
morning briefing", a standard disclaimer) is boilerplate whatever its words. Figures
count: two earnings reports that differ only in their numbers are two paragraphs, not
one printed twice; only in a short label ("Photo 3 of 12", "Updated 3 May") are the
digits dropped, so a counter or a timestamp is the same line on every page (see
:func:`fingerprint`). What the cleaner may remove on this evidence alone is bounded
there (:meth:`newscrawl.cleaning.Cleaner.clean`). The counter is bounded: at most ``max_sites`` sites and ``max_entries_per_site``
fingerprints per site, each evicted least-recently-seen first, so a long crawl
cannot grow it without limit.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence

from newscrawl.extraction.text import ends_like_sentence

_NON_WORD = re.compile(r"[\W\d_]+", re.UNICODE)
_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)
#: What casefold and ``_NON_WORD`` do to ASCII, as one table: A-Z lower-cased, every other
#: non-letter a space. Most paragraphs are ASCII, and translating is about four times
#: faster than the regex substitution (a crawl fingerprints every paragraph).
_ASCII_LETTERS = str.maketrans({c: c.lower() if c.isalpha() else " " for c in map(chr, range(128))})
#: The same for :func:`letters_and_digits_of`: digits kept as they are.
_ASCII_WORDS = str.maketrans({c: c.lower() if c.isalnum() else " " for c in map(chr, range(128))})
MIN_FINGERPRINT_CHARS = 12
"""Shorter texts ("Photo", "AP") are too common by chance to count."""
NUMBER_BLIND_MAX_WORDS = 6
"""A text of at most this many words that does not end like a sentence is a label, and
its digits are left out of its fingerprint: the page furniture whose only change from
page to page is a number ("12 comments", "Photo 3 of 12", "Page 2 of 5", "Listen to
this article (3 min)") is at most six words, and a sentence of figures ("Shares rose 4
percent.") or any longer paragraph keeps them — the templated stories of a site
(earnings, results, weather) differ in nothing else."""


def letters_of(text: str) -> str:
    """The text's letters, case-folded, each run of anything else (digits, punctuation,
    spaces) one space, trimmed.

    >>> letters_of("Updated: 3 May, 10:45 — READ MORE")
    'updated may read more'
    """
    if text.isascii():
        return " ".join(text.translate(_ASCII_LETTERS).split())
    return _NON_WORD.sub(" ", text.casefold()).strip()


def letters_and_digits_of(text: str) -> str:
    """The text's letters and digits, case-folded, each run of anything else one space.

    >>> letters_and_digits_of("Net income: $12.5 million — UP 4%")
    'net income 12 5 million up 4'
    """
    if text.isascii():
        return " ".join(text.translate(_ASCII_WORDS).split())
    return _NON_ALNUM.sub(" ", text.casefold()).strip()


def is_label(text: str) -> bool:
    """Whether the text is a short label, not a sentence (:data:`NUMBER_BLIND_MAX_WORDS`).

    >>> is_label("Photo 3 of 12"), is_label("Shares rose 4 percent.")
    (True, False)
    """
    return len(text.split()) <= NUMBER_BLIND_MAX_WORDS and not ends_like_sentence(text)


def fingerprint(text: str) -> bytes | None:
    """An 8-byte digest of the text's words, case-folded, punctuation dropped; None for very
    short texts. Digits count, except in a label (:func:`is_label`): "Updated 3 May" and
    "Updated 4 May" share one, two paragraphs that differ in a figure do not.

    >>> fingerprint("Updated 3 May") == fingerprint("Updated 4 May")
    True
    >>> fingerprint("Net income rose to 12 million.") == fingerprint("Net income rose to 15 million.")
    False
    """
    canonical = letters_of(text) if is_label(text) else letters_and_digits_of(text)
    if len(canonical) < MIN_FINGERPRINT_CHARS:
        return None
    return hashlib.blake2b(canonical.encode("utf-8"), digest_size=8).digest()


class RepetitionTracker:
    """Per-site LRU counters of paragraph fingerprints seen during a crawl.

    >>> tracker = RepetitionTracker(threshold=2)
    >>> tracker.observe("example.com", ["Sign up for our newsletter today"])
    >>> tracker.is_repeated("example.com", "Sign up for our newsletter today")
    False
    >>> tracker.is_repeated("example.com", "Sign up for our newsletter today", pending=1)
    True
    """

    def __init__(self, max_sites: int = 1000, max_entries_per_site: int = 5000,
                 threshold: int = 3) -> None:
        if max_sites < 1 or max_entries_per_site < 1 or threshold < 1:
            raise ValueError("max_sites, max_entries_per_site and threshold must be >= 1")
        self.max_sites = max_sites
        self.max_entries_per_site = max_entries_per_site
        self.threshold = threshold
        """A paragraph seen on this many articles of one site (this one included) is
        boilerplate (the ``min_articles`` of the issue)."""
        self._sites: OrderedDict[str, OrderedDict[bytes, int]] = OrderedDict()

    def count(self, site: str, text: str) -> int:
        """On how many observed articles of ``site`` the text appeared."""
        digest = fingerprint(text)
        counts = self._sites.get(site)
        if digest is None or counts is None:
            return 0
        return counts.get(digest, 0)

    def is_repeated(self, site: str, text: str, *, pending: int = 0) -> bool:
        """True when the text reached the threshold; ``pending`` adds articles not yet
        observed (the one being cleaned)."""
        return self.count(site, text) + pending >= self.threshold

    def judge(self, site: str, texts: Sequence[str]) -> list[bool]:
        """For one article of ``site``: whether each of its texts is repeated (this
        article counted, as ``is_repeated(..., pending=1)``), then :meth:`observe` it —
        each text fingerprinted once for both.

        >>> tracker = RepetitionTracker(threshold=2)
        >>> tracker.judge("example.com", ["Sign up for our newsletter today", "Story one"])
        [False, False]
        >>> tracker.judge("example.com", ["Sign up for our newsletter today", "Story two"])
        [True, False]
        """
        digests = [fingerprint(text) for text in texts]
        counts: Mapping[bytes, int] = self._sites.get(site) or {}
        repeated = [(counts.get(digest, 0) if digest is not None else 0) + 1 >= self.threshold
                    for digest in digests]
        self._observe(site, digests)
        return repeated

    def observe(self, site: str, texts: Iterable[str]) -> None:
        """Record one article of ``site``; a text repeated inside it counts once."""
        self._observe(site, map(fingerprint, texts))

    def _observe(self, site: str, fingerprints: Iterable[bytes | None]) -> None:
        digests = {d for d in fingerprints if d is not None}
        if not digests:
            return
        counts = self._sites.get(site)
        if counts is None:
            counts = self._sites[site] = OrderedDict()
            while len(self._sites) > self.max_sites:
                self._sites.popitem(last=False)
        else:
            self._sites.move_to_end(site)
        for digest in digests:
            counts[digest] = counts.get(digest, 0) + 1
            counts.move_to_end(digest)
        while len(counts) > self.max_entries_per_site:
            counts.popitem(last=False)

    @property
    def sites(self) -> int:
        """How many sites are tracked now."""
        return len(self._sites)

    def entries(self, site: str) -> int:
        """How many fingerprints are tracked for ``site`` now."""
        return len(self._sites.get(site, ()))
