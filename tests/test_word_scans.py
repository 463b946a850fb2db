"""The ASCII fast paths of the word scans find what the ``\\w+`` regex finds, and the
repetition fingerprint's letters what its ``[\\W\\d_]+`` substitution keeps."""

from __future__ import annotations

import re
import zlib

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawl.cleaning.repetition import letters_of
from newscrawl.extraction.model import ascii_words, count_words
from newscrawl.output.fingerprint import shingles

WORD = re.compile(r"\w+")
ASCII = st.text(st.characters(max_codepoint=0x7F), max_size=300)
ANY = st.text(st.sampled_from(list("ab Z9_-'.,!\t\n\x00\x7fé東ßİ\u00a0\u2019K")), max_size=200)


def _reference_shingles(text: str) -> list[int]:
    """What shingles() computed before its ASCII path: words by the regex."""
    hashes = [(zlib.crc32(w.encode()) << 32) | zlib.crc32(w.encode(), 0x5BD1E995)
              for w in WORD.findall(text.casefold())]
    if 0 < len(hashes) < 3:
        hashes += [0] * (3 - len(hashes))
    if not hashes:
        return []
    h = np.array(hashes, dtype=np.uint64)
    h = h[:-2] * np.uint64(0x9E3779B97F4A7C15) + h[1:-1] * np.uint64(0xC2B2AE3D27D4EB4F) + h[2:]
    h ^= h >> np.uint64(29)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    return (h ^ (h >> np.uint64(32))).tolist()


@settings(max_examples=300, deadline=None, derandomize=True)
@given(ASCII)
def test_ascii_words_are_the_regex_words(text: str) -> None:
    assert [w.decode("ascii") for w in ascii_words(text)] == WORD.findall(text)
    assert count_words(text) == len(WORD.findall(text))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.one_of(ASCII, ANY))
def test_shingles_are_unchanged_by_the_ascii_path(text: str) -> None:
    assert shingles(text).tolist() == _reference_shingles(text)


def test_the_ascii_path_splits_where_the_regex_does() -> None:
    assert ascii_words("Don't stop_here: 3-2!\x00end") == [
        b"Don", b"t", b"stop_here", b"3", b"2", b"end"]
    assert count_words("Grüße aus Köln") == 3 and count_words("東京都は") == 4


#: Word and non-word characters of many kinds: Latin letters, curly quotes, dashes,
#: no-break and other Unicode spaces, combining marks, digits of other scripts, a lone
#: surrogate (JSON-LD text can carry one), CJK and Thai (the unspaced scripts).
MIXED = st.text(st.sampled_from(list(
    "ab Z9_-'.,!\t\n\x00\x7f\x85é東ßİıﬁ\u00a0\u2019\u201c\u2013\u2026\u0301\u0663\u2009"
    "\u200b\u00ad\u00b2\u00bd\ud800ก\u0e31Ω€«»")), max_size=200)


def _reference_count(text: str) -> int:
    """What count_words() computed before its byte path: the regex's list of words."""
    if not re.search("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]",
                     text):
        return len(WORD.findall(text))
    return len(re.findall("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]"
                          "|[^\\W\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                          "\u0e00-\u0e7f]+", text))


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.one_of(ASCII, MIXED, st.text(max_size=100)))
def test_count_words_is_the_regex_count(text: str) -> None:
    assert count_words(text) == _reference_count(text)


def test_count_words_on_every_non_ascii_character() -> None:
    """Each code point of the Basic Multilingual Plane (and a few beyond) inside, after
    and before a word: the byte path agrees with the regex on every one of them."""
    unspaced = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]")
    for start, stop in ((0x80, 0x10000), (0x10000, 0x10400), (0x1F300, 0x1F700),
                        (0xE0000, 0xE0080)):
        for code in range(start, stop):
            c = chr(code)
            if unspaced.match(c):
                continue  # the regex path, unchanged
            text = f"a{c}b x{c} {c}y {c}"
            assert count_words(text) == len(WORD.findall(text)), hex(code)


NON_LETTERS = re.compile(r"[\W\d_]+")


def _reference_letters(text: str) -> str:
    """What the repetition fingerprint kept before its ASCII path: the regex substitution."""
    return NON_LETTERS.sub(" ", text.casefold()).strip()


def test_fingerprint_letters_of_every_ascii_character_are_the_regex_letters() -> None:
    for code in range(128):
        text = f"ab{chr(code)}cd{chr(code)}"
        assert letters_of(text) == _reference_letters(text), repr(chr(code))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.one_of(ASCII, ANY))
def test_fingerprint_letters_are_the_regex_letters(text: str) -> None:
    assert letters_of(text) == _reference_letters(text)
