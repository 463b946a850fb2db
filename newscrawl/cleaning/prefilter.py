"""Literal prefilters for the text rules: skip a regex search that cannot match.

Most story paragraphs match no text rule, and Python's ``re`` tries every alternative
of a pattern at every position of the text, so searching ~150 patterns per paragraph
dominated the cleaner's time. Each pattern is parsed once (``re._parser``) to find
literal strings one of which every match must contain (``newsletter``, ``your `` …);
a block's text is searched with the pattern only when one of them occurs in it, which
is a cheap substring test. The prefilter never changes a verdict: it only ever rules
out patterns that cannot match, and a pattern it cannot analyse is always searched.

>>> required_literals(r"^(sign up|subscribe) to our newsletters?\\b", ignore_case=True)
(' to our newsletter',)
>>> required_literals(r"^\\d+ of \\d+$", ignore_case=True)
(' of ',)
>>> required_literals(r"^[-_]{3,}$", ignore_case=True) is None
True
"""

from __future__ import annotations

import re
from typing import Any

try:  # the parser is private; without it every pattern is simply always searched
    # (typeshed has no stubs for the private modules re._constants and re._parser)
    from re import _constants as _sre_constants  # type: ignore[attr-defined]
    from re import _parser as _sre_parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - other Python versions
    _sre_parser = None
    _sre_constants = None

MIN_LITERAL = 3
"""A shorter required literal ("a ", "s") is found in nearly every text: no use (unless it
holds a symbol such as "©")."""
MAX_ALTERNATIVES = 12
"""More alternatives than this cost more substring tests than the search they save."""

Literals = frozenset[str]


def required_literals(pattern: str, *, ignore_case: bool) -> tuple[str, ...] | None:
    """Strings one of which every match of ``pattern`` contains, or None when unknown.

    With ``ignore_case`` the strings are lower-case ASCII and must be looked up in
    :func:`fold_case` of the text; otherwise they keep their case. Only characters whose
    case folding ``str.lower`` and ``re`` agree on are used (see ``_safe_char``), so
    Unicode case-folding quirks cannot hide a match.
    """
    if _sre_parser is None:
        return None
    try:
        parsed = _sre_parser.parse(pattern, re.IGNORECASE if ignore_case else 0)
    except (re.error, RecursionError, TypeError, ValueError, AttributeError):
        return None
    try:
        found = _sequence(list(parsed), ignore_case)
    except (RecursionError, TypeError, ValueError, AttributeError):
        return None
    if not found:
        return None
    if ignore_case != bool(parsed.state.flags & re.IGNORECASE):
        return None  # an inline (?i) or (?-i) flag: keep it simple, always search
    return tuple(sorted(found, key=lambda s: (-len(s), s)))


def fold_case(text: str) -> str:
    """Lower-case ``text`` the way the prefilter's ignore-case literals expect.

    ``str.lower`` turns "İ" into "i" + U+0307 and keeps "ı"; ``re.IGNORECASE`` treats
    both as "i", so the combining dot is dropped and "ı" mapped to "i".
    """
    low = text.lower()
    if not low.isascii():
        low = low.replace("\u0307", "").replace("\u0131", "i")
    return low


def _safe_char(ch: str) -> bool:
    """Whether ``ch`` can stand in a literal: ASCII, a caseless character (©, CJK, »), or a
    Latin letter whose case maps one to one (é/É) — not ı, İ, ſ, ß, whose folding
    differs between ``str.lower`` and ``re.IGNORECASE``."""
    if ch.isascii():
        return True
    if ch in _UNSAFE:
        return False
    if ch.lower() == ch.upper() == ch:
        return True
    return "\u00c0" <= ch <= "\u017f" and len(ch.lower()) == 1 and len(ch.upper()) == 1


_UNSAFE = frozenset("\u0130\u0131\u017f\u00df\u0149\u00b5\u212a\u212b")


_PROSE_PUNCTUATION = frozenset(".,;:!?'\"()[]-/&%$+*")
"""ASCII punctuation that ordinary sentences use; any other ASCII symbol ("|", ">", "@",
"#") is rare in a paragraph, so a literal holding one is worth testing."""


def _useful(literal: str) -> bool:
    """Long enough to be rare in prose, or holding a rare symbol ("©", "►", "|")."""
    return len(literal) >= MIN_LITERAL or any(map(_rare_symbol, literal))


def _rare_symbol(c: str) -> bool:
    if c.isalnum() or c.isspace():
        return False
    return not c.isascii() or c not in _PROSE_PUNCTUATION


def _score(literals: Literals) -> tuple[int, int, int]:
    """Prefer literals of 6+ characters (rare in prose), then few alternatives, then long
    ones: " a " or " on " let most paragraphs through, "become" does not."""
    shortest = min(len(s) for s in literals)
    return (min(shortest, 6), -len(literals), shortest)


def _better(current: Literals | None, candidate: Literals | None) -> Literals | None:
    if candidate is None or not candidate or len(candidate) > MAX_ALTERNATIVES \
            or not all(map(_useful, candidate)):
        return current
    if current is None or _score(candidate) > _score(current):
        return candidate
    return current


def _sequence(items: list[tuple[Any, Any]], ignore_case: bool) -> Literals | None:
    """The best requirement of a sequence of parsed items: a literal run or one element's."""
    c = _sre_constants
    best: Literals | None = None
    # Literals joined across a branch (_joined): only for a sequence without others, as
    # "make"/"making" would otherwise win over a rarer "donation"/"gift".
    fallback: Literals | None = None
    run: list[str] = []

    def flush() -> None:
        nonlocal best
        if run:
            best = _better(best, frozenset({"".join(run)}))
            run.clear()

    for op, av in items:
        if op is c.LITERAL:
            ch = chr(av)
            if _safe_char(ch):
                run.append(ch.lower() if ignore_case else ch)
                continue
            flush()
            continue
        if op is c.BRANCH and run:
            fallback = _better(fallback, _joined("".join(run), av, ignore_case))
        flush()
        best = _better(best, _element(op, av, ignore_case))
    flush()
    return best if best is not None else fallback


def _joined(run: str, branch: Any, ignore_case: bool) -> Literals | None:
    """A literal run followed by a branch whose alternatives all start with literals:
    the run joined to each alternative's start. ``re``'s parser takes the common prefix
    out of the alternatives (``\\(ap|\\(afp`` becomes "(" then ``ap|afp``), leaving
    both halves too short to use on their own; "(ap" and "(afp" are not."""
    joined: set[str] = set()
    for items in branch[1]:
        lead = _leading_literal(items, ignore_case)
        if not lead:
            return None
        joined.add(run + lead)
    return frozenset(joined)


def _leading_literal(items: Any, ignore_case: bool) -> str:
    """The literal characters an alternative starts with ("" when it starts otherwise)."""
    chars: list[str] = []
    for op, av in items:
        if op is not _sre_constants.LITERAL or not _safe_char(chr(av)):
            break
        chars.append(chr(av).lower() if ignore_case else chr(av))
    return "".join(chars)


def _element(op: Any, av: Any, ignore_case: bool) -> Literals | None:
    """The requirement of one parsed element (a group, an alternation, a repeat)."""
    c = _sre_constants
    if op is c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if (add_flags | del_flags) & re.IGNORECASE:
            raise ValueError("scoped case flag")  # the caller gives up on the pattern
        return _sequence(list(sub), ignore_case)
    if op is c.ATOMIC_GROUP:
        return _sequence(list(av), ignore_case)
    if op is c.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            found = _sequence(list(branch), ignore_case)
            if not found:
                return None
            union.update(found)
        return frozenset(union)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        low, _high, item = av
        return _sequence(list(item), ignore_case) if low >= 1 else None
    return None
