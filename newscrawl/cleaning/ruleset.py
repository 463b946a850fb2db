"""Load the cleaning rules — TOML data files — and compile them once.

Rules are data, in the style of trafilatura's ``xpaths.py``: named token lists composed
into named rules. The bundled files live in ``newscrawl/cleaning/rules/``:

- ``dom.toml``: hint token lists (newsletter, share, related, ad …) and DOM rules that
  match them against a block's class/id/role/aria/data-* tokens;
- ``shape.toml``: link-density/length rules and the thresholds of the position pass;
- ``common.toml``: language-neutral text rules (separator lines, lone URLs, © lines);
- ``<lang>.toml`` (``language = "en"`` at the top): text rules of one language.

A user file has the same format and may also extend a token list (entries are
appended to the bundled list of that name) or add per-site exclusions::

    [sites."example.com"]
    exclude_text = ['^Listen to this article']   # regexes, searched case-insensitively
    exclude_hints = ["teaser-box"]              # hint tokens, same syntax as dom.toml

Every ``[[rule]]`` has a ``name`` (it appears in :attr:`Removal.rule`), its conditions,
and ``examples`` / ``counter_examples`` that the test-suite runs. A broken file raises
:class:`RuleFileError` naming the file and the line. Conditions: ``max_words`` /
``min_words`` / ``max_chars``, ``min_link_density`` / ``max_link_density``, ``kinds`` /
``skip_kinds``, ``tail_only``, ``weak`` (fires only in a promotional context), ``keep``
(protects what it matches), ``min_index`` (never the first N blocks: a standfirst styled
like a teaser), ``near_end`` (only the last N blocks and the tail: author bios) and
``not_sentence`` (spares a block that reads as a prose sentence).

Text patterns are compiled one by one with the literals every match must contain
(:mod:`~newscrawl.cleaning.prefilter`), so a paragraph is searched only with the
patterns whose words it has: give each pattern a word or phrase it cannot match
without, and a ``max_words`` so long paragraphs skip the rule altogether.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from newscrawl.cleaning.prefilter import fold_case, required_literals
from newscrawl.datafiles import (
    DataFileError,
    DataPath,
    as_data_path,
    bundled,
    read_toml,
    toml_files,
)
from newscrawl.errors import UserError
from newscrawl.extraction.model import UNSPACED

BUNDLED_DIR = bundled("cleaning", "rules")
"""The bundled rule files, read through :mod:`importlib.resources` (also from a zipped egg)."""
NEUTRAL = "*"
"""The language key of rules that apply whatever the page's language."""

_RULE_KEYS = {
    "name", "signal", "patterns", "tokens", "max_words", "min_words", "max_chars",
    "min_link_density", "max_link_density", "kinds", "tail_only", "weak",
    "examples", "counter_examples", "note", "case_sensitive", "keep", "language",
    "skip_kinds", "min_index", "near_end", "not_sentence",
}
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
#: A token of :func:`count_tokens`: one character of a script written without spaces, or
#: a run of other characters between whitespace.
_TOKEN = re.compile(f"[{UNSPACED}]|[^\\s{UNSPACED}]+")
_HAS_UNSPACED = re.compile(f"[{UNSPACED}]")
_QUOTE_PAIRS = (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"'),
                ("\u00a0", " "), ("\u200b", ""))


class RuleFileError(UserError):
    """A rule file that cannot be used; the message starts with ``<path>:<line>:``."""

    def __init__(self, path: DataPath, line: int | None, message: str) -> None:
        self.path, self.line, self.message = str(path), line, message
        where = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple:  # pickled with its own arguments (page workers raise it)
        return type(self), (self.path, self.line, self.message)


@dataclass(slots=True)
class Rule:
    """One compiled rule. ``signal`` is dom, text or shape; all set conditions must hold."""

    name: str
    signal: str
    language: str = NEUTRAL
    regex: re.Pattern[str] | None = None
    """Text rules: searched in the normalised text. DOM rules: searched in each hint token."""
    max_words: int | None = None
    min_words: int | None = None
    max_chars: int | None = None
    min_link_density: float | None = None
    max_link_density: float | None = None
    kinds: frozenset[str] | None = None
    skip_kinds: frozenset[str] = frozenset()
    """Block kinds the rule never judges (a DOM "teaser" token on the story's own lead)."""
    tail_only: bool = False
    """Only for blocks after the story container (``Block.in_story`` is False)."""
    weak: bool = False
    """A weak rule fires only in a promotional context: in the tail, or next to a removed block."""
    min_index: int | None = None
    """The rule never judges the first ``min_index`` blocks (a standfirst styled like a
    teaser excerpt sits there)."""
    near_end: int | None = None
    """The rule judges only the last ``near_end`` blocks and the tail (author bios)."""
    not_sentence: bool = False
    """The rule spares a block that reads as a sentence of prose (5+ words, capital
    start, full stop at the end): a linked story sentence is not a teaser headline."""
    keep: bool = False
    """A keep rule protects the blocks it matches (a contributor line) from removal."""
    examples: list[Any] = field(default_factory=list)
    counter_examples: list[Any] = field(default_factory=list)
    source: str = ""
    parts: tuple[tuple[tuple[str, ...] | None, re.Pattern[str]], ...] = ()
    """Text rules: each pattern compiled alone, with the literals one of which its
    matches must contain (None: always search) — see :mod:`~newscrawl.cleaning.prefilter`."""
    ignore_case: bool = True
    extra_limits: bool = False
    """Whether the rule has limits beyond length, kind and tail_only (characters, link
    density, position, prose shape): the cleaner checks those per block."""
    gate: tuple[str, ...] | None = None
    """The literals of all parts together, when every part has some: a text without
    any of them cannot match the rule (one test instead of one per part)."""
    hint_entries: tuple[str, ...] = ()
    """DOM rules: the hint token entries ``regex`` was built from (for :class:`HintGate`)."""

    @property
    def label(self) -> str:
        """The name used in :attr:`Removal.rule`: ``text:en:read-more``, ``dom:share``."""
        signal = "keep" if self.keep else self.signal
        if self.signal == "text" and self.language != NEUTRAL:
            return f"{signal}:{self.language}:{self.name}"
        return f"{signal}:{self.name}"

    def search_text(self, text: str, folded: str | None = None) -> bool:
        """Whether a text rule's pattern occurs in the normalised ``text``.

        ``folded`` is :func:`~newscrawl.cleaning.prefilter.fold_case` of ``text`` when the
        caller has it (the cleaner computes it once per block). Same answer as
        ``self.regex.search(text)``, but patterns whose required literals are absent are
        not searched at all.
        """
        if not self.parts:
            return self.regex is not None and self.regex.search(text) is not None
        haystack = text
        if self.ignore_case:
            haystack = folded if folded is not None else fold_case(text)
        contains = haystack.__contains__
        if self.gate is not None and not any(map(contains, self.gate)):
            return False
        for literals, regex in self.parts:
            if (literals is None or any(map(contains, literals))) \
                    and regex.search(text) is not None:
                return True
        return False


@dataclass(slots=True)
class SiteRules:
    """Per-site exclusions from a user file (``[sites."host"]``)."""

    host: str
    text: re.Pattern[str] | None = None
    hints: re.Pattern[str] | None = None


@dataclass(slots=True)
class RuleSet:
    """All rules, compiled: DOM and shape rules, text rules per language, site rules."""

    dom: list[Rule] = field(default_factory=list)
    shape: list[Rule] = field(default_factory=list)
    text: dict[str, list[Rule]] = field(default_factory=dict)
    sites: dict[str, SiteRules] = field(default_factory=dict)
    position: dict[str, Any] = field(default_factory=dict)
    """Thresholds of the position pass (``[position]`` in shape.toml)."""

    def all_rules(self) -> list[Rule]:
        """Every rule, for tests and reports."""
        out = list(self.dom) + list(self.shape)
        for rules in self.text.values():
            out.extend(rules)
        return out

    def text_rules(self, language: str | None) -> list[Rule]:
        """Language-neutral text rules, plus those of ``language`` (``de-AT`` → ``de``)."""
        neutral = self.text.get(NEUTRAL, [])
        lang = self.rules_language(language)
        return neutral if lang == NEUTRAL else neutral + self.text[lang]

    def rules_language(self, language: str | None) -> str:
        """The language whose own text rules apply to ``language`` (``de-AT`` → ``de``),
        or :data:`NEUTRAL` when it has none: all such languages get the same rules."""
        lang = primary_language(language)
        return lang if lang and lang != NEUTRAL and lang in self.text else NEUTRAL

    def site(self, host: str | None) -> SiteRules | None:
        """The exclusions for ``host`` or a parent domain of it (``www.`` ignored)."""
        if not host or not self.sites:
            return None
        host = host.lower().split(":", 1)[0].removeprefix("www.")
        while host:
            if host in self.sites:
                return self.sites[host]
            if "." not in host:
                return None
            host = host.split(".", 1)[1]
        return None


def primary_language(language: str | None) -> str | None:
    """``"de-AT"`` / ``"de_at"`` → ``"de"``; None stays None."""
    if not language:
        return None
    return re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0] or None


def match_form(text: str) -> str:
    """NFKC, straight quotes, single spaces: the form text rules are matched against
    (not :func:`newscrawl.extraction.text.normalize_text`, the NFC text items carry).

    ASCII text is already in NFKC and has none of the characters ``_QUOTE_PAIRS`` maps, so
    it only gets its spaces normalised (the common case, and the fast one).
    """
    if not text.isascii():
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        for char, replacement in _QUOTE_PAIRS:  # str.translate with a dict is slow
            if char in text:
                text = text.replace(char, replacement)
    return _single_spaced(text)


def _single_spaced(text: str) -> str:
    """The text's whitespace runs as single spaces, none at the ends.

    Blocks come from extraction spaced so already, and checking that is about three
    times cheaper than splitting and joining the text again: ``isprintable`` is False
    for every whitespace character but the space (a test holds that), and then only
    double, leading and trailing spaces are left to look for.
    """
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def count_tokens(text: str, *, normalized: bool = False) -> int:
    """The length that rules' ``min_words`` / ``max_words`` measure: whitespace-separated
    tokens, each character of a script written without spaces (Chinese, Japanese, Thai:
    :data:`newscrawl.extraction.model.UNSPACED`) a token of its own, as the item's
    ``word_count`` (:func:`newscrawl.extraction.model.count_words`) counts those scripts.

    Not that word count elsewhere: "18.07.2024, 12:34" is two tokens here and five
    ``\\w+`` words there, and the rules' limits were set on tokens.
    ``normalized``: the text comes from :func:`match_form`, so single spaces part its
    tokens and counting the spaces is enough (no list of the tokens is built).

    >>> count_tokens("Foto(s): dpa"), count_tokens("東京都は 晴れ"), count_tokens("ภาษาไทย")
    (2, 6, 7)
    """
    if not text.isascii() and _HAS_UNSPACED.search(text):
        return len(_TOKEN.findall(text))
    if normalized:
        return text.count(" ") + 1 if text else 0
    return len(text.split())


def hint_token_pattern(entry: str) -> str:
    """Regex for one hint token entry, matched inside one lower-cased hint token.

    Words are runs of letters and digits; ``ad`` matches ``ad``, ``ad-slot``, ``top_ad``
    but not ``head``, ``shadow``, ``download``; ``read-more`` matches ``read-more``,
    ``read_more`` and ``readmore``; ``newsletter*`` matches words starting with it,
    ``*newsletter`` words ending with it.

    The start of a word is checked after its first letter (``a(?<![a-z0-9]a)d``, not
    ``(?<![a-z0-9])ad``): a pattern that opens with a letter lets ``re`` skip the
    positions without one of the first letters and try the alternatives of a rule's
    joined entries by their first letter, where a leading lookbehind had every
    alternative tried at every position (four times slower).

    >>> bool(re.search(hint_token_pattern("ad"), "shadow"))
    False
    >>> hint_token_pattern("sign-up")
    's(?<![a-z0-9]s)ign[-_.:]?up(?![a-z0-9])'
    """
    words, prefix, suffix = _hint_entry(entry)
    body = r"[-_.:]?".join(re.escape(w) for w in words)
    end = "" if prefix else r"(?![a-z0-9])"
    if suffix:
        return body + end
    first = body[0]  # words are letters and digits: no escapes
    return f"{first}(?<![a-z0-9]{first}){body[1:]}{end}"


def _hint_entry(entry: str) -> tuple[list[str], bool, bool]:
    """An entry's words, and whether it matches words starting (``newsletter*``) or
    ending (``*newsletter``) with it."""
    entry = entry.strip().lower()
    words = [w for w in re.split(r"[^a-z0-9]+", entry) if w]
    if not words:
        raise ValueError(f"empty hint token {entry!r}")
    return words, entry.endswith("*"), entry.startswith("*")


_HINT_RUN = re.compile(r"[a-z0-9]+")
_MAX_GATE_RUNS = 50_000


@dataclass(slots=True, frozen=True)
class HintGate:
    """Which DOM rules could match a hint token, told before their regexes are tried.

    A rule's regex holds dozens of alternatives, tried at every position that holds
    one of their first letters: ~10 µs per new token for the bundled rules, and a new
    site brings dozens of new tokens. Yet a match of
    :func:`hint_token_pattern` begins at the start of a run of letters and digits with
    the entry's first word (``ad`` in ``top-ad-slot``), or, for ``*word`` entries, ends
    a run with its last word; ``*word*`` entries need their longest word somewhere (a
    word of letters and digits: inside one run). A few set lookups per run find the
    rules with such an entry; no other rule can match the token (most tokens have
    none), and those found are searched as before.

    >>> gate = HintGate.of([["ad"], ["*newsletter", "promo"]])
    >>> gate.owners("top-ad-slot"), gate.owners("header"), gate.owners("my-newsletter")
    ({0}, set(), {1})
    """

    starts: dict[str, frozenset[int]]
    ends: dict[str, frozenset[int]]
    inside: tuple[tuple[str, frozenset[int]], ...]
    start_lengths: tuple[int, ...]
    end_lengths: tuple[int, ...]
    runs: dict[str, frozenset[int]] = field(default_factory=dict, compare=False, repr=False)
    """:meth:`run_owners` by run, filled as tokens come: a new site's class tokens are
    mostly new ("c-teaser__title--big"), their runs mostly not ("teaser", "title")."""

    @staticmethod
    def of(groups: Iterable[Iterable[str]]) -> HintGate:
        """The gate of the entries of each rule in ``groups``; :meth:`owners` names the
        rules by their position there."""
        starts: dict[str, set[int]] = {}
        ends: dict[str, set[int]] = {}
        inside: dict[str, set[int]] = {}
        for owner, entries in enumerate(groups):
            for entry in entries:
                words, prefix, suffix = _hint_entry(entry)
                if not suffix:  # (?<![a-z0-9]) first word: the start of a run
                    starts.setdefault(words[0], set()).add(owner)
                elif not prefix:  # last word then (?![a-z0-9]): the end of a run
                    ends.setdefault(words[-1], set()).add(owner)
                else:
                    inside.setdefault(max(words, key=len), set()).add(owner)
        return HintGate({w: frozenset(o) for w, o in starts.items()},
                        {w: frozenset(o) for w, o in ends.items()},
                        tuple((w, frozenset(o)) for w, o in sorted(inside.items())),
                        tuple(sorted({len(w) for w in starts})),
                        tuple(sorted({len(w) for w in ends})))

    def owners(self, token: str) -> set[int]:
        """The rules (positions) with an entry that could match the token; the regexes
        of the others would not find it: the union of :meth:`run_owners` over the
        token's runs, each remembered."""
        found: set[int] = set()
        memo = self.runs
        for run in _HINT_RUN.findall(token):
            owners = memo.get(run)
            if owners is None:
                if len(memo) >= _MAX_GATE_RUNS:  # bounded: a crawl runs for days
                    memo.clear()
                owners = memo[run] = self.run_owners(run)
            if owners:
                found |= owners
        return found

    def run_owners(self, run: str) -> frozenset[int]:
        """The rules with an entry that starts, ends or lies inside one run of letters
        and digits."""
        found: set[int] = set()
        for word, owners in self.inside:
            if word in run:
                found |= owners
        starts, ends = self.starts, self.ends
        size = len(run)
        for n in self.start_lengths:
            if n > size:
                break
            if run[:n] in starts:
                found |= starts[run[:n]]
        for n in self.end_lengths:
            if n > size:
                break
            if run[-n:] in ends:
                found |= ends[run[-n:]]
        return frozenset(found)


def bundled_rule_files() -> list[Traversable]:
    """The bundled rule files (sorted by name); :class:`RuleFileError` when there are none,
    as in an install that left the package data out."""
    shipped = toml_files(BUNDLED_DIR)
    if not shipped:
        raise RuleFileError(BUNDLED_DIR, None, "no bundled cleaning rules (*.toml) found: "
                            "the installed newscrawl package is incomplete; reinstall it")
    return shipped


def load_rules(extra: Iterable[str | Path] = ()) -> RuleSet:
    """The bundled rules plus the user rule files in ``extra`` (same format), compiled.

    Token lists of the same name (and language) are merged before rules are compiled, so
    a user file can extend a bundled list. Raises :class:`RuleFileError` for a file that
    is not valid TOML or has a bad rule, naming the file and line, and when the bundled
    rule files are missing (an incomplete install): cleaning without them would keep
    every newsletter prompt and share bar without a word.
    """
    paths = [*bundled_rule_files(), *map(as_data_path, extra)]
    docs = [(path, *_read(path)) for path in paths]
    tokens: dict[tuple[str, str], list[str]] = {}
    for path, raw, doc in docs:
        lang = _language_of(path, raw, doc)
        for name, entries in doc.get("tokens", {}).items():
            if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
                raise RuleFileError(path, _find_line(raw, name),
                                    f"token list {name!r} must be a list of strings")
            tokens.setdefault((lang, name), []).extend(entries)
    rules = RuleSet()
    for path, raw, doc in docs:
        lang = _language_of(path, raw, doc)
        for spec in doc.get("rule", []):
            rule_lang = lang
            if isinstance(spec, dict) and "language" in spec:
                rule_lang = _language_of(path, raw, spec)
            rule = _compile_rule(path, raw, spec, rule_lang, tokens)
            if rule.signal == "text":
                rules.text.setdefault(rule.language, []).append(rule)
            else:
                getattr(rules, rule.signal).append(rule)
        if "position" in doc:
            rules.position.update(doc["position"])
        for host, spec in doc.get("sites", {}).items():
            rules.sites[host.lower().removeprefix("www.")] = _compile_site(path, raw, host, spec)
    if not (rules.dom and rules.text):
        raise RuleFileError(BUNDLED_DIR, None, "the bundled rule files hold no DOM or no text "
                            "rules: the installed newscrawl package is incomplete; reinstall it")
    return rules


def _read(path: DataPath) -> tuple[str, dict[str, Any]]:
    try:
        return read_toml(path, "rule file")
    except DataFileError as exc:
        raise RuleFileError(path, exc.line, exc.detail) from exc


def _language_of(path: DataPath, raw: str, doc: dict[str, Any]) -> str:
    lang = doc.get("language", NEUTRAL)
    if not isinstance(lang, str) or not lang:
        raise RuleFileError(path, _find_line(raw, "language"), "language must be a string")
    return NEUTRAL if lang == NEUTRAL else primary_language(lang) or NEUTRAL


def _find_line(raw: str, needle: str) -> int | None:
    """The first line of ``raw`` that mentions ``needle`` (for error messages)."""
    for number, line in enumerate(raw.splitlines(), 1):
        if needle in line:
            return number
    return None


def _compile_rule(path: DataPath, raw: str, spec: Any, lang: str,
                  tokens: dict[tuple[str, str], list[str]]) -> Rule:
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
        raise RuleFileError(path, _find_line(raw, "[[rule]]"), "every [[rule]] needs a name")
    name = spec["name"]
    line = _find_line(raw, f'"{name}"')

    def fail(message: str) -> RuleFileError:
        return RuleFileError(path, line, f"rule {name!r}: {message}")

    unknown = set(spec) - _RULE_KEYS
    if unknown:
        raise fail(f"unknown keys {sorted(unknown)}")
    signal = spec.get("signal") or ("dom" if "tokens" in spec else
                                    "text" if "patterns" in spec else "shape")
    if signal not in {"dom", "text", "shape"}:
        raise fail(f"signal must be dom, text or shape, not {signal!r}")
    try:
        regex = None
        hint_entries: tuple[str, ...] = ()
        parts: list[tuple[tuple[str, ...] | None, re.Pattern[str]]] = []
        ignore_case = not spec.get("case_sensitive")
        if signal == "dom":
            entries: list[str] = []
            for list_name in spec.get("tokens", []):
                found = tokens.get((lang, list_name)) or tokens.get((NEUTRAL, list_name))
                if found is None:
                    raise fail(f"unknown token list {list_name!r}")
                entries.extend(found)
            regex = re.compile("|".join(hint_token_pattern(e) for e in entries))
            hint_entries = tuple(entries)
        elif signal == "text":
            patterns = [_expand(p, lang, tokens) for p in spec.get("patterns", [])]
            if not patterns:
                raise fail("a text rule needs patterns")
            flags = re.IGNORECASE if ignore_case else 0
            regex = re.compile("|".join(f"(?:{p})" for p in patterns), flags)
            parts = [(required_literals(p, ignore_case=ignore_case), re.compile(p, flags))
                     for p in patterns]
        kinds = spec.get("kinds")
        return Rule(
            name=name, signal=signal, language=lang, regex=regex,
            max_words=spec.get("max_words"), min_words=spec.get("min_words"),
            max_chars=spec.get("max_chars"),
            min_link_density=spec.get("min_link_density"),
            max_link_density=spec.get("max_link_density"),
            kinds=frozenset(kinds) if kinds else None,
            skip_kinds=frozenset(spec.get("skip_kinds", ())),
            tail_only=bool(spec.get("tail_only", False)), weak=bool(spec.get("weak", False)),
            keep=bool(spec.get("keep", False)),
            min_index=spec.get("min_index"), near_end=spec.get("near_end"),
            not_sentence=bool(spec.get("not_sentence", False)),
            extra_limits=any(spec.get(k) is not None for k in (
                "max_chars", "min_link_density", "max_link_density", "min_index", "near_end"))
            or bool(spec.get("not_sentence")),
            examples=list(spec.get("examples", [])),
            counter_examples=list(spec.get("counter_examples", [])),
            source=str(path), parts=tuple(parts), ignore_case=ignore_case,
            gate=_gate(parts), hint_entries=hint_entries,
        )
    except (re.error, ValueError, TypeError) as exc:
        if isinstance(exc, RuleFileError):
            raise
        raise fail(str(exc)) from exc


def _gate(parts: list[tuple[tuple[str, ...] | None, re.Pattern[str]]]) -> tuple[str, ...] | None:
    """All parts' literals (deduplicated), or None when a part must always be searched."""
    if not parts or any(literals is None for literals, _ in parts):
        return None
    return tuple(dict.fromkeys(lit for literals, _ in parts for lit in literals or ()))


def _expand(pattern: str, lang: str, tokens: dict[tuple[str, str], list[str]]) -> str:
    """Replace ``{list_name}`` by ``(?:entry|entry…)``; regex quantifiers are left alone."""

    def sub(match: re.Match[str]) -> str:
        found = tokens.get((lang, match.group(1))) or tokens.get((NEUTRAL, match.group(1)))
        if found is None:
            return match.group(0)
        return "(?:" + "|".join(found) + ")"

    return _PLACEHOLDER.sub(sub, pattern)


def _compile_site(path: DataPath, raw: str, host: str, spec: Any) -> SiteRules:
    line = _find_line(raw, host)
    if not isinstance(spec, dict) or set(spec) - {"exclude_text", "exclude_hints"}:
        raise RuleFileError(path, line, f"site {host!r}: only exclude_text and "
                            "exclude_hints lists are allowed")
    try:
        text = spec.get("exclude_text", [])
        hints = spec.get("exclude_hints", [])
        return SiteRules(
            host=host,
            text=re.compile("|".join(f"(?:{p})" for p in text), re.IGNORECASE) if text else None,
            hints=re.compile("|".join(hint_token_pattern(h) for h in hints)) if hints else None,
        )
    except (re.error, ValueError) as exc:
        raise RuleFileError(path, line, f"site {host!r}: {exc}") from exc
