"""Judge the story's blocks and drop the promotional and boilerplate ones.

Signals, in the order they are tried on each block (the first that fires is recorded):

1. per-site exclusions from user rule files (``site:<host>``);
2. DOM context — the block's and its ancestors' class/id/role/aria/data-* tokens
   (``dom:newsletter``); tokens every story block shares belong to the story container
   itself and are ignored, so ``<article class="has-ads">`` does not empty a page;
3. text — anchored, length-capped patterns per language (``text:en:donation-appeal``);
4. shape — link density and length (``shape:link-list``);
5. repetition — a paragraph this site printed on many articles (``repeat:site``), within
   bounds, so that a site's templated stories (earnings, results, weather, a wire
   background paragraph reused across a running story) keep their bodies: a paragraph of
   more than :data:`REPEAT_ALONE_MAX_WORDS` words goes only when another signal agrees
   (:meth:`Cleaner._boilerplate_sign`), repetition takes at most :data:`REPEAT_MAX_SHARE`
   of the body's words, and when its removals alone leave less than ``min_words`` they
   are undone (see :attr:`CleaningResult.repeat_kept`);
6. position — weak promotional text in the tail or beside removed blocks, short blocks
   sandwiched in a removed run or sharing a box with both removed neighbours, runs of
   teaser cards (a linked headline and its excerpt, or a heading and a short excerpt
   holding the link), threads of reader comments (dated attribution lines and the
   comments' text), labels left at the end, and headings left without content
   (``position:…``).
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING

import ahocorasick

from newscrawl._memo import BoundedMemo
from newscrawl.cleaning.prefilter import fold_case
from newscrawl.cleaning.repetition import RepetitionTracker
from newscrawl.cleaning.result import CleaningResult, Removal
from newscrawl.cleaning.ruleset import (
    HintGate,
    Rule,
    RuleSet,
    SiteRules,
    count_tokens,
    load_rules,
    match_form,
)
from newscrawl.extraction.model import HEADING, LEAD, LIST_ITEM
from newscrawl.extraction.model import count_words as body_words
from newscrawl.extraction.text import ends_like_sentence

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from newscrawl.extraction.model import Block

logger = logging.getLogger(__name__)

_LIST_LABEL = "text:list-label"
"""The rule whose removal takes the short list items after the label along."""
_WORDS = re.compile(r"\w+")
_PROSE_SENTENCE = re.compile(r"^[\"'(]?[A-ZÀ-ÞĀ-ŽА-Я].*[a-zß-ÿа-я0-9)][.!][\"')]?$")
"""A sentence of prose: capital start, a lower-case letter or digit before the full stop
(not an abbreviation list or "U.S."), as a linked story sentence looks."""
_NOT_PROMO = frozenset({"text:separator", "dom:chrome", "dom:credit", "text:ad-label",
                        "dom:ad", "text:wire-credit", "text:copyright", "text:date-only",
                        "text:byline", "text:number-only", "text:arrow-teaser"})
"""Removals that mark page furniture, not a promotional run: a story paragraph between
two ad slots or a separator and a caption is not part of a promo box."""
_HINT_PARTS = re.compile(r"[a-z0-9]+")
_MAX_HINT_PARTS = 6
_MAX_HINT_CHARS = 60
_KEEP = "keep"
"""Verdict of a block a keep rule protects: never removed, not a removed neighbour."""
_HINT_CACHE_SIZE = 50_000
_PLAN_CACHE_SIZE = 4096
REPEAT = "repeat:site"
REPEAT_ALONE_MAX_WORDS = 30
"""A repeated paragraph longer than this is story unless another signal agrees. Chosen on
news-dev's labelled blocks: 95 % of the promotion blocks handed to cleaning have at most
31 words (newsletter lines, bios, sign-offs, labels; median 5) and more than half of
the story paragraphs have more (median 33): a wire background paragraph is that long."""
REPEAT_MAX_SHARE = 0.5
"""Repetition alone removes at most this share of the body's words (those the other
signals kept, headings aside); the longest of its removals are undone first. A site's
boilerplate lines are a small part of a story; when repetition points at more than half
of one, the page is more likely one of a site's templated stories than boilerplate."""
_DEFAULT_RULES: RuleSet | None = None


def default_rules() -> RuleSet:
    """The bundled rules, loaded once per process."""
    global _DEFAULT_RULES
    if _DEFAULT_RULES is None:
        _DEFAULT_RULES = load_rules()
    return _DEFAULT_RULES


@dataclass(slots=True)
class _Plan:
    """A language's text rules by role; ``max_words``: no text rule judges longer blocks."""

    keep: tuple[Rule, ...]
    normal: tuple[Rule, ...]
    weak: tuple[Rule, ...]
    max_words: int | None
    bounds: tuple[int, ...] = ()
    """Sorted word counts at which some keep or normal rule's ``min_words`` or
    ``max_words`` starts or stops admitting a block (see :func:`_word_bounds`)."""
    cache: BoundedMemo[tuple[int, str, bool], _Candidates] = field(
        default_factory=lambda: BoundedMemo(_PLAN_CACHE_SIZE))

    def candidates(self, view: _View) -> _Candidates:
        """The keep and normal rules whose word, kind and position limits admit the
        block (the other limits are checked per rule: ``Rule.extra_limits``).

        Blocks whose word counts lie between the same two ``bounds``, of the same kind
        and side of the story, share one answer, so it is cached under the interval,
        not the word count: a handful of keys, warm after a page or two (keyed by the
        word count, nearly every block of a new page missed)."""
        block = view.block
        if self.max_words is not None and view.words > self.max_words:
            return _NO_CANDIDATES
        key = (bisect_right(self.bounds, view.words), block.kind, block.in_story)
        found = self.cache.get(key)
        if found is None:
            found = self.cache.put(key, _Candidates.of(
                tuple(r for r in self.keep if _basic_limits(r, view.words, block.kind,
                                                            block.in_story)),
                tuple(r for r in self.normal if _basic_limits(r, view.words, block.kind,
                                                              block.in_story))))
        return found


@dataclass(slots=True, frozen=True)
class _Candidates:
    """Rules to try on a block, plus one gate for all the normal ones: most blocks hold
    none of their literals, and one test then rules them all out (``ungated``: the
    normal rules that have to be searched anyway, in their order).

    ``subs`` (one per normal rule): the covers (:func:`_covers`) of the rule's own gate
    literals, None for a rule without an ignore-case gate. A text holding one of the
    rule's literals holds its cover, one of the gate's literals, so a block that passes
    the gate is searched only with the rules whose ``subs`` it holds: a set test per
    rule where each rule's literals were looked for in the text again."""

    keep: tuple[Rule, ...]
    normal: tuple[Rule, ...]
    gate: tuple[str, ...] | None
    ungated: tuple[Rule, ...]
    subs: tuple[frozenset[str] | None, ...] = ()
    finder: ahocorasick.Automaton | None = None
    """The gate's literals as one Aho-Corasick automaton (:func:`_finder`)."""

    def present(self, text: str) -> set[str]:
        """The gate's literals that occur in ``text``."""
        if self.finder is None:
            return set(filter(text.__contains__, self.gate or ()))
        return {literal for _, literal in self.finder.iter(text)}

    @staticmethod
    def of(keep: tuple[Rule, ...], normal: tuple[Rule, ...]) -> _Candidates:
        gated = [r for r in normal if r.gate is not None and r.ignore_case]
        ungated = tuple(r for r in normal if r.gate is None or not r.ignore_case)
        if not gated:
            return _Candidates(keep, normal, None, ungated, (None,) * len(normal))
        literals, cover = _covers(frozenset(lit for r in gated for lit in r.gate or ()))
        subs = tuple(frozenset(cover[lit] for lit in r.gate)
                     if r.gate is not None and r.ignore_case else None for r in normal)
        return _Candidates(keep, normal, literals, ungated, subs, _finder(literals))


_NO_CANDIDATES = _Candidates((), (), None, ())


@lru_cache(maxsize=1024)
def _finder(literals: tuple[str, ...]) -> ahocorasick.Automaton | None:
    """An automaton that finds every one of ``literals`` in a text in one pass over it
    (overlapping ones too). A gate holds a language's hundred-odd literals: testing them
    one ``in`` at a time was half the time of judging a block. None for an empty
    literal (in every text; the automaton does not take it)."""
    if not all(literals):
        return None
    automaton = ahocorasick.Automaton()
    for literal in literals:
        automaton.add_word(literal, literal)
    automaton.make_automaton()
    return automaton


@lru_cache(maxsize=1024)
def _covers(literals: frozenset[str]) -> tuple[tuple[str, ...], dict[str, str]]:
    """The literals that contain no other one, and for every literal one of those that
    it contains (itself when kept). For "is any of them in the text" a literal holding
    a shorter one ("support " holds "support") adds nothing; a text holding a literal
    holds its cover.

    Quadratic in the literals (a language has a hundred or more), and many word
    intervals and kinds admit the same gated rules: cached by the literal set."""
    ordered = sorted(literals, key=len)
    kept: list[str] = []
    cover: dict[str, str] = {}
    for literal in ordered:
        inner = next((shorter for shorter in kept if shorter in literal), None)
        if inner is None:
            kept.append(literal)
        cover[literal] = literal if inner is None else inner
    return tuple(kept), cover


@dataclass(slots=True)
class _View:
    """What the rules look at for one block, computed once."""

    block: Block
    text: str
    words: int
    tokens: list[str]
    folded: str = ""
    """``fold_case(text)``: what the text rules' literal prefilters look in."""
    position: int = 0
    """Index in the list being cleaned (``min_index`` rules)."""
    from_end: int = 0
    """Blocks after this one (``near_end`` rules: author bios at the tail)."""


class Cleaner:
    """Remove promotional and boilerplate blocks from a story.

    >>> from newscrawl.extraction.model import Block
    >>> result = Cleaner().clean([Block("Sign up for our newsletter"), Block("The mayor said.")],
    ...                          language="en")
    >>> [r.rule for r in result.removed]
    ['text:en:newsletter-signup']
    """

    def __init__(self, rules: RuleSet | None = None,
                 repetition: RepetitionTracker | None = None, *, min_words: int = 0) -> None:
        self.rules = rules if rules is not None else default_rules()
        self.repetition = repetition
        self.min_words = min_words
        """The body the crawl keeps an item for (``NEWSCRAWL_MIN_WORDS``): repetition
        alone never takes a page below it (0: no such check)."""
        self._hint_cache: BoundedMemo[str, tuple[Rule, ...]] = BoundedMemo(_HINT_CACHE_SIZE)
        self._token_cache: BoundedMemo[str, list[str]] = BoundedMemo(_HINT_CACHE_SIZE)
        self._set_cache: BoundedMemo[str, frozenset[str]] = BoundedMemo(_HINT_CACHE_SIZE)
        self._dom_token_cache: BoundedMemo[str, tuple[str, ...]] = BoundedMemo(_HINT_CACHE_SIZE)
        self._plans: dict[str, _Plan] = {}
        """Hint strings repeat across a page's blocks (same ancestors): split once."""
        self._dom_gate = _dom_gate(self.rules.dom)

    def clean(self, blocks: list[Block], *, language: str | None = None,
              site: str | None = None, title: str | None = None) -> CleaningResult:
        """Kept blocks (order preserved) and one :class:`Removal` per dropped block.

        Never raises: on an internal error every block is kept and the error logged.
        """
        try:
            return self._clean(blocks, language, site, title)
        except Exception:
            logger.exception("cleaning failed for site %s; keeping all blocks", site)
            return CleaningResult(kept=list(blocks), removed=[])

    # -- the passes -------------------------------------------------------------------

    def _clean(self, blocks: list[Block], language: str | None, site: str | None,
               title: str | None) -> CleaningResult:
        views = [self._view(b) for b in blocks]
        n = len(views)
        for i, view in enumerate(views):
            view.position, view.from_end = i, n - 1 - i
        container = self._container_tokens(views)
        plan = self._plan(language)
        site_rules = self.rules.site(site)
        verdicts: list[str | None] = [
            self._judge(view, container, plan, site_rules) for view in views
        ]
        self._judge_title(views, verdicts, title)
        unrepeated = list(verdicts)
        kept = self._judge_repetition(views, verdicts, site, plan, container)
        self._judge_position(views, verdicts, plan, container)
        if REPEAT in verdicts:
            verdicts = self._save_body(views, verdicts, unrepeated, plan, container, kept)
        result = CleaningResult(repeat_kept=dict(kept))
        for i, (view, verdict) in enumerate(zip(views, verdicts)):
            if verdict is None or verdict == _KEEP:
                result.kept.append(view.block)
            else:
                result.removed.append(Removal(view.block.text, verdict, i))
        return result

    def _plan(self, language: str | None) -> _Plan:
        """The text rules of a language split by role, computed once per rule set: the
        languages without rules of their own (Czech, Korean …) share one plan and so
        its cache of candidates."""
        key = self.rules.rules_language(language)
        plan = self._plans.get(key)
        if plan is None:
            rules = self.rules.text_rules(language)
            keep = tuple(r for r in rules if r.keep)
            normal = tuple(r for r in rules if not (r.weak or r.keep))
            weak = tuple(r for r in rules if r.weak and not r.keep)
            limit = None
            if all(r.max_words is not None for r in rules):
                limit = max((r.max_words or 0 for r in rules), default=0)
            plan = self._plans[key] = _Plan(keep, normal, weak, limit,
                                            _word_bounds(keep + normal))
        return plan

    def _view(self, block: Block) -> _View:
        """Normalise a block's text and split its hints once, for every rule to read."""
        text = match_form(block.text)
        return _View(block, text, count_tokens(text, normalized=True), self._tokens(block.hints),
                     fold_case(text))

    def _token_set(self, hints: str) -> frozenset[str]:
        """The distinct hint tokens of a hints string (cached like the token lists)."""
        found = self._set_cache.get(hints)
        if found is None:
            found = self._set_cache.put(hints, frozenset(self._tokens(hints)))
        return found

    def _tokens(self, hints: str) -> list[str]:
        """The hint tokens of a hints string, split once per distinct string."""
        tokens = self._token_cache.get(hints)
        if tokens is None:
            tokens = self._token_cache.put(hints, _hint_tokens(hints))
        return tokens

    def _container_tokens(self, views: list[_View]) -> frozenset[str]:
        """Hint tokens of the page's structure rather than of a promo box.

        A token every in-story block carries belongs to the story container; a token on
        a large share of the story's words, or on several prose paragraphs, marks a part
        of the story (``<div class="paywall">`` around the body, a ``related-enabled``
        wrapper), whatever it says. Promo boxes are small; their tokens stay.
        """
        pos = self.rules.position
        max_share = float(pos.get("box_max_word_share", 0.35))
        max_prose = int(pos.get("box_max_prose_blocks", 4))
        prose_words = int(pos.get("prose_min_words", 25))
        # Blocks of one container share their hints string: aggregate per string first.
        groups: dict[str, list[int]] = {}
        for view in views:
            if not view.block.in_story:
                continue
            group = groups.get(view.block.hints)
            if group is None:
                group = groups[view.block.hints] = [0, 0, 0]
            group[0] += 1
            group[1] += view.words
            group[2] += view.words >= prose_words and view.block.link_density < 0.3
        if not groups:
            return frozenset()
        blocks = sum(g[0] for g in groups.values())
        total = sum(g[1] for g in groups.values()) or 1
        counts: dict[str, int] = {}
        words: dict[str, int] = {}
        prose: dict[str, int] = {}
        for hints, (n, w, p) in groups.items():
            for token in self._token_set(hints):
                counts[token] = counts.get(token, 0) + n
                words[token] = words.get(token, 0) + w
                prose[token] = prose.get(token, 0) + p
        common = {t for t, n in counts.items() if n == blocks} if blocks > 1 else set()
        if total >= 100:
            common.update(t for t, w in words.items() if w / total >= max_share)
        common.update(t for t, n in prose.items() if n > max_prose)
        return frozenset(common)

    def _judge(self, view: _View, container: frozenset[str], plan: _Plan,
               site_rules: SiteRules | None) -> str | None:
        if not view.text:
            return "shape:empty"
        if site_rules is not None:
            if site_rules.text is not None and site_rules.text.search(view.text):
                return f"site:{site_rules.host}:text"
            if site_rules.hints is not None and any(
                    site_rules.hints.search(t) for t in view.tokens if t not in container):
                return f"site:{site_rules.host}:hints"
        candidates = plan.candidates(view)
        contains = view.folded.__contains__
        for rule in candidates.keep:
            gate = rule.gate
            if gate is not None and rule.ignore_case and not any(map(contains, gate)):
                continue
            if (not rule.extra_limits or _applies(rule, view)) \
                    and rule.search_text(view.text, view.folded):
                return _KEEP
        for token in self._dom_tokens(view.block.hints):
            if token in container:
                continue
            label = self._hint_rule(token, view)
            if label:
                return label
        normal: Sequence[Rule] = candidates.normal
        if candidates.gate is not None:
            present = candidates.present(view.folded)
            # Only the rules with one of these inside their literals can match.
            normal = [rule for rule, sub in zip(normal, candidates.subs)
                      if sub is None or not sub.isdisjoint(present)] if present \
                else candidates.ungated
        for rule in normal:
            if rule.extra_limits and not _applies(rule, view):
                continue
            gate = rule.gate  # inlined first step of search_text: most rules stop here
            if gate is not None and rule.ignore_case and not any(map(contains, gate)):
                continue
            if rule.search_text(view.text, view.folded):
                return rule.label
        for rule in self.rules.shape:
            if _applies(rule, view):
                return rule.label
        return None

    def _dom_tokens(self, hints: str) -> tuple[str, ...]:
        """The hint tokens, in order, that some DOM rule matches (most match none), cached
        per hints string: the DOM pass then looks at two or three tokens, not forty."""
        found = self._dom_token_cache.get(hints)
        if found is None:
            # A new hints string holds dozens of tokens, most known: their rules are read
            # from the cache here, not through a call per token.
            known = self._hint_cache.get
            kept = []
            for token in self._tokens(hints):
                rules = known(token)
                if rules is None:
                    rules = self._dom_rules(token)
                if rules:
                    kept.append(token)
            found = self._dom_token_cache.put(hints, tuple(kept))
        return found

    def _dom_rules(self, token: str) -> tuple[Rule, ...]:
        """The DOM rules whose token lists match one hint token (cached per token)."""
        matching = self._hint_cache.get(token)
        if matching is None:
            dom = self.rules.dom
            suspects = range(len(dom)) if self._dom_gate is None \
                else sorted(self._dom_gate.owners(token))
            matching = tuple(dom[i] for i in suspects if _dom_regex(dom[i]).search(token))
            self._hint_cache.put(token, matching)
        return matching

    def _hint_rule(self, token: str, view: _View) -> str | None:
        """The first DOM rule whose tokens match this hint token and whose limits hold."""
        for rule in self._dom_rules(token):
            if _applies(rule, view):
                return rule.label
        return None

    def _judge_title(self, views: list[_View], verdicts: list[str | None],
                     title: str | None) -> None:
        """A block that only repeats the headline is dropped: the exact headline, or a short
        non-lead block with nearly the same words (a teaser or gallery header of this
        story: "Ukraine official says military may pull back from Bakhmut")."""
        if not title:
            return
        wanted = match_form(title).casefold()
        title_words = set(_WORDS.findall(wanted))
        for i, view in enumerate(views):
            if verdicts[i] is not None or i == 0:
                continue
            if view.text.casefold() == wanted:
                verdicts[i] = "repeat:title"
            elif (view.block.kind != LEAD and 4 <= view.words <= 25 and len(title_words) >= 4
                  and abs(len(view.folded) - len(wanted)) <= 0.6 * len(wanted)  # cheap first
                  and _jaccard(set(_WORDS.findall(view.folded)), title_words) >= 0.75):
                verdicts[i] = "repeat:title"  # the headline reworded: a teaser or gallery header

    def _judge_repetition(self, views: list[_View], verdicts: list[str | None],
                          site: str | None, plan: _Plan,
                          container: frozenset[str]) -> Counter[str]:
        """Mark the paragraphs this site printed on many articles (``repeat:site``), within
        the bounds of the module docstring; the paragraphs repetition flagged but that stay,
        counted by reason (``long``, ``share``)."""
        kept: Counter[str] = Counter()
        if self.repetition is None or not site:
            return kept
        repeated = self.repetition.judge(site, [view.text for view in views])
        flagged = []
        for i, flag in enumerate(repeated):
            if not flag or verdicts[i] is not None:
                continue
            if views[i].words > REPEAT_ALONE_MAX_WORDS and not self._boilerplate_sign(
                    views[i], plan, container):
                kept["long"] += 1
            else:
                flagged.append(i)
        if not flagged:
            return kept
        body = sum(view.words for view, verdict in zip(views, verdicts)
                   if verdict in (None, _KEEP) and view.block.kind != HEADING)
        removed = sum(views[i].words for i in flagged if views[i].block.kind != HEADING)
        for i in sorted(flagged, key=lambda k: (-views[k].words, k)):
            if removed <= REPEAT_MAX_SHARE * body or views[i].block.kind == HEADING:
                verdicts[i] = REPEAT
            else:  # over the share: the longest flagged paragraphs stay
                kept["share"] += 1
                removed -= views[i].words
        return kept

    def _boilerplate_sign(self, view: _View, plan: _Plan, container: frozenset[str]) -> bool:
        """Whether a signal besides repetition points at boilerplate in a long block: it
        stands after the story container, is link-heavy (``tail_min_link_density``), a weak
        text rule matches it, or it carries a DOM rule's token (not the container's) whose
        limits kept it from firing (a long bio in an author box)."""
        block = view.block
        if not block.in_story:
            return True
        if block.link_density >= float(self.rules.position.get("tail_min_link_density", 0.3)):
            return True
        if any(_applies(r, view) and r.search_text(view.text, view.folded) for r in plan.weak):
            return True
        return any(token not in container for token in self._dom_tokens(block.hints))

    def _save_body(self, views: list[_View], verdicts: list[str | None],
                   unrepeated: list[str | None], plan: _Plan, container: frozenset[str],
                   kept: Counter[str]) -> list[str | None]:
        """The verdicts without repetition's removals when those alone take the body
        below ``min_words`` (the position pass redone without them too: it read them as
        removed neighbours), else ``verdicts`` as they are."""
        if not self.min_words or _body_words(views, verdicts) >= self.min_words:
            return verdicts
        self._judge_position(views, unrepeated, plan, container)
        if _body_words(views, unrepeated) < self.min_words:
            return verdicts  # short without repetition too: the page goes either way
        kept["save-body"] += verdicts.count(REPEAT)
        return unrepeated

    def _judge_position(self, views: list[_View], verdicts: list[str | None],
                        plan: _Plan, container: frozenset[str] = frozenset()) -> None:
        """Context rules: need the first-pass verdicts of the neighbours."""
        pos = self.rules.position
        run_words = int(pos.get("run_max_words", 15))
        run_links = float(pos.get("run_min_link_density", 0.3))
        tail_link_density = float(pos.get("tail_min_link_density", 0.3))
        box_words = int(pos.get("box_max_words", 120))
        weak_rules = plan.weak
        self._drop_teaser_cards(views, verdicts)
        self._drop_comment_threads(views, verdicts)
        removed = [v is not None and v != _KEEP for v in verdicts]
        promo = [v is not None and v.split(":", 1)[0] in ("dom", "text", "site")
                 and v not in _NOT_PROMO for v in verdicts]
        n = len(views)
        for i, view in enumerate(views):
            if verdicts[i] is not None:
                continue
            prev_removed = i > 0 and removed[i - 1]
            next_removed = i + 1 < n and removed[i + 1]
            prev_run = i > 0 and promo[i - 1]
            next_run = i + 1 < n and promo[i + 1]
            tail = not view.block.in_story
            weak = None
            if tail or prev_removed or next_removed:  # the only places weak rules fire
                weak = next((r for r in weak_rules if _applies(r, view)
                             and r.search_text(view.text, view.folded)), None)
            if weak is not None:
                verdicts[i] = weak.label
            elif tail and view.block.link_density >= tail_link_density:
                verdicts[i] = "position:tail"
            elif (prev_run and next_run and view.words <= run_words
                  and view.block.kind != HEADING
                  and (view.block.link_density >= run_links or not ends_like_sentence(view.text))):
                verdicts[i] = "position:run"
            elif (prev_run and next_run and view.words <= box_words
                  and self._same_box(views[i - 1], view, views[i + 1], container)):
                verdicts[i] = "position:box"
        self._drop_labelled_lists(views, verdicts)
        self._drop_announced(views, verdicts, promo)
        self._drop_tail_listing(views, verdicts, container)
        self._drop_end_labels(views, verdicts)
        self._drop_orphan_headings(views, verdicts)

    def _drop_labelled_lists(self, views: list[_View], verdicts: list[str | None]) -> None:
        """The short list items under a removed list label ("Specs:", "Quellen:") go with
        it: a spec sheet ("Temp rating: 15°F") or a source list ("Radio interviews") set
        into the story. The run ends at the first block that is not a list item of at
        most ``labelled_list_max_words`` words; a kept item ends it too."""
        max_words = int(self.rules.position.get("labelled_list_max_words", 15))
        n = len(views)
        for i in range(n - 1):
            if verdicts[i] != _LIST_LABEL:
                continue
            j = i + 1
            while (j < n and verdicts[j] is None and views[j].block.kind == LIST_ITEM
                   and views[j].words <= max_words):
                verdicts[j] = "position:labelled-list"
                j += 1

    def _drop_announced(self, views: list[_View], verdicts: list[str | None],
                        promo: list[bool]) -> None:
        """What a removed promo line announces with a colon at the end of the page
        ("Mehr zur Lage lesen Sie in unserem Liveblog:" + a teaser headline and blurb).

        The announced blocks (headings, or paragraphs of at most ``announced_max_words``)
        go only when what follows them is removed blocks and at least one short label
        ("Liveblog"), as a teaser box ends: the story's last paragraph after a "More from
        X:" line ends the page without one."""
        max_words = int(self.rules.position.get("announced_max_words", 60))
        n = len(views)
        for i in range(n - 1):
            if not (promo[i] and views[i].text.endswith(":")):
                continue
            run: list[int] = []
            j = i + 1
            while j < n and len(run) < 3:
                view = views[j]
                if verdicts[j] == _KEEP:
                    break
                if verdicts[j] is None:
                    if view.block.kind != HEADING and (view.words > max_words
                                                        or view.words <= 3):
                        break
                    run.append(j)
                j += 1
            labels = [k for k in range(j, n) if verdicts[k] is None]
            if run and labels and all(views[k].words <= 3 and not ends_like_sentence(views[k].text)
                                      for k in labels) and _KEEP not in verdicts[j:]:
                for k in run:
                    verdicts[k] = "position:announced"

    def _drop_tail_listing(self, views: list[_View], verdicts: list[str | None],
                           container: frozenset[str]) -> None:
        """A listing after the story whose box token looked like structure.

        A token on many prose blocks counts as the story's (``_container_tokens``), but a
        list of article excerpts after the story ("wp-block-post-excerpt" ×20) has that
        shape too. When the blocks carrying a DOM-rule token start right after a removed
        promo block, follow at least ``listing_min_story`` story paragraphs without it,
        and run to the end of the page (nothing but removed blocks and short labels
        between them), the DOM rule applies to them after all."""
        pos = self.rules.position
        min_story = int(pos.get("listing_min_story", 3))
        prose_words = int(pos.get("prose_min_words", 25))
        n = len(views)
        if n < min_story + 2 or not container:
            return
        sets = [self._token_set(v.block.hints) for v in views]
        everywhere = frozenset.intersection(*sets)
        candidates = {t for t in container - everywhere if self._dom_rules(t)}
        for token in sorted(candidates):
            carriers = [i for i in range(n) if token in sets[i]]
            first = carriers[0]
            before = verdicts[first - 1] if first >= 1 else None
            if before is None or before == _KEEP or before.split(":", 1)[0] not in ("dom", "text"):
                continue
            story = sum(1 for k in range(first) if verdicts[k] is None
                        and views[k].words >= prose_words)
            if story < min_story:
                continue
            if any(token not in sets[k] and verdicts[k] is None and views[k].words > 3
                   for k in range(first, n)):
                continue
            for i in carriers:
                if verdicts[i] is None:
                    rule = next((r for r in self._dom_rules(token) if _applies(r, views[i])),
                                None)
                    if rule is not None:
                        verdicts[i] = rule.label

    def _same_box(self, before: _View, view: _View, after: _View,
                  container: frozenset[str]) -> bool:
        """Whether a block shares, with both removed neighbours, a hint token that is not
        the story container's: the three sit in one box (a donation appeal's pitch between
        its heading and its button), so the box goes whole."""
        shared = self._token_set(view.block.hints) - container
        if not shared:
            return False
        shared &= self._token_set(before.block.hints)
        return bool(shared and shared & self._token_set(after.block.hints))

    def _drop_end_labels(self, views: list[_View], verdicts: list[str | None]) -> None:
        """Short labels ("Liveblog", "mit Video") left at the very end of the page among
        removed blocks are the remains of a promo box: after the last kept block of more
        than ``label_max_words`` words, a label goes when a removed block precedes it."""
        max_words = int(self.rules.position.get("label_max_words", 3))
        for i in range(len(views) - 1, 0, -1):
            view = views[i]
            if verdicts[i] == _KEEP:
                return
            if verdicts[i] is not None:
                continue
            if view.words > max_words or ends_like_sentence(view.text):
                return
            if verdicts[i - 1] in (None, _KEEP):
                continue  # a label after a kept label: look further up
            verdicts[i] = "position:end-label"

    def _drop_teaser_cards(self, views: list[_View], verdicts: list[str | None]) -> None:
        """Runs of teaser cards — a linked headline followed by a short unlinked excerpt,
        repeated — list other articles even when no hint token says so.

        Between two cards may stand links, removed blocks and short labels ("Topmeldungen").
        A card is a kept short block (``card_min_words``..``card_max_words``) right after a
        headline-sized block (``card_title_min_words``..``card_title_max_words``) that is
        nearly all link (``card_min_link_density``). Only cards that have another card
        within ``card_max_gap`` blocks, with nothing but linked or removed blocks between,
        go: one headline link followed by a paragraph is an ordinary story pattern.
        """
        pos = self.rules.position
        max_words = int(pos.get("card_max_words", 60))
        min_words = int(pos.get("card_min_words", 6))
        title_words = int(pos.get("card_title_max_words", 30))
        min_title = int(pos.get("card_title_min_words", 3))
        min_link = float(pos.get("card_min_link_density", 0.9))
        max_gap = int(pos.get("card_max_gap", 4))
        n = len(views)

        def linked(k: int) -> bool:
            view = views[k]
            return (verdicts[k] != _KEEP and view.block.link_density >= min_link
                    and min_title <= view.words <= title_words)

        cards = [i for i in range(1, n)
                 if verdicts[i] is None and linked(i - 1) and views[i].block.kind != HEADING
                 and min_words <= views[i].words <= max_words
                 and views[i].block.link_density < 0.5]
        def between(k: int) -> bool:  # what may separate two cards: links, removed, labels
            view = views[k]
            return (linked(k) or verdicts[k] not in (None, _KEEP)
                    or (verdicts[k] is None and view.words <= 3
                        and not ends_like_sentence(view.text)))

        confirmed: set[int] = set()
        for a, b in pairwise(cards):
            if b - a <= max_gap and all(between(k) for k in range(a + 1, b)):
                confirmed.update((a, b))
        for i in sorted(confirmed):
            for k in (i - 1, i):
                if verdicts[k] is None:
                    verdicts[k] = "position:teaser-card"
        self._drop_headed_cards(views, verdicts)

    def _drop_headed_cards(self, views: list[_View], verdicts: list[str | None]) -> None:
        """The other teaser card: an unlinked heading (the other story's headline) and one
        short excerpt that holds the link ("… Read more"), then the next card's heading.

        ``card_headed_min_run`` such cards in a row (the kept blocks; removed ones between
        do not count) go, each excerpt at most ``card_headed_max_words`` words with some
        link text and at most ``card_headed_max_link_density``. A story's cross-headings
        are followed by longer, unlinked, or several paragraphs; two cards may be a short
        story's sections."""
        pos = self.rules.position
        min_run = int(pos.get("card_headed_min_run", 3))
        max_words = int(pos.get("card_headed_max_words", 40))
        max_link = float(pos.get("card_headed_max_link_density", 0.6))
        kept = [i for i, verdict in enumerate(verdicts) if verdict is None]
        run: list[tuple[int, int]] = []  # (heading, excerpt) of the cards in a row

        def flush() -> None:
            if len(run) >= min_run:
                for head, excerpt in run:
                    verdicts[head] = verdicts[excerpt] = "position:teaser-card"
            run.clear()

        k = 0
        while k < len(kept) - 1:
            head, text = views[kept[k]], views[kept[k + 1]]
            if (head.block.kind == HEADING and text.block.kind != HEADING
                    and text.words <= max_words
                    and 0 < text.block.link_density <= max_link
                    and (k + 2 >= len(kept) or views[kept[k + 2]].block.kind == HEADING)):
                run.append((kept[k], kept[k + 1]))
                k += 2
            else:
                flush()
                k += 1
        flush()

    def _drop_comment_threads(self, views: list[_View], verdicts: list[str | None]) -> None:
        """A thread of reader comments after the story goes whole: units of a short
        attribution line ("Posted by: Ellen at September 10, 2012 11:40 AM", "KT Says:
        November 1st, 2012 at 10:42 pm", "Heather on October 23rd, 2012 1:37 pm" —
        :func:`comment_header`) and the comment's text, repeated.

        A thread is at least ``comment_min_units`` such lines in one section (no heading
        between), each at most ``comment_max_gap`` blocks after the one before with a
        block between, the first after ``comment_min_story_words`` words of kept story
        (the post's own "Posted by … on …" line above the story is no unit). The lines
        need a full date and a person, so a live blog's "10:32 am" entries and "Updated
        on …" lines are not comments.

        A unit's line stands before its text (WordPress: "KT Says: …", then the comment)
        or after it (Movable Type, TypePad: the comment, then "Posted by: …"): after,
        when blocks (the first comment) stand between the section's heading
        ("Comments", at most the widest gap between two lines before the first line) and
        the first line, or, without such a heading, when a heading or the end of the
        page follows the last line. The thread starts at the first line (before), after
        the section's heading (after), or, after but without a heading, after the first
        line, the post's own ("Posted by Kathy on April 6, 2007 | Permalink"), which
        stays. It ends at the next heading after the last line, at most that width of
        blocks after it (the last comment's text, or "The comments to this entry are
        closed."). Every block of the
        thread is ``position:comment-thread``; a heading left without content goes as
        ``position:orphan-heading``."""
        pos = self.rules.position
        min_units = int(pos.get("comment_min_units", 2))
        max_gap = int(pos.get("comment_max_gap", 25))
        min_story = int(pos.get("comment_min_story_words", 40))
        heads = [i for i, view in enumerate(views)
                 if verdicts[i] != _KEEP and comment_header(view.text, view.words,
                                                            view.block.kind,
                                                            view.block.link_density)]
        if len(heads) < min_units:
            return
        n = len(views)
        heading = [view.block.kind == HEADING for view in views]
        chains: list[list[int]] = [[heads[0]]]
        for a, b in pairwise(heads):
            if 2 <= b - a <= max_gap and not any(heading[a + 1:b]):
                chains[-1].append(b)
            else:
                chains.append([b])
        story = 0  # kept story words before the block at ``k``
        k = 0
        for chain in chains:
            while chain:  # the story's own dated line is not the thread's first unit
                while k < chain[0]:
                    if verdicts[k] is None and not heading[k]:
                        story += views[k].words
                    k += 1
                if story >= min_story:
                    break
                chain = chain[1:]
            if len(chain) < min_units:
                continue
            width = max(b - a for a, b in pairwise(chain))
            last = chain[-1]
            # The section's heading ("Comments") within a unit's width before the first
            # line: blocks between them are the first comment, so lines come after text.
            top = next((j for j in range(chain[0] - 1, max(chain[0] - width - 1, 0) - 1, -1)
                        if heading[j]), None)
            if top is not None and sum(views[k].words for k in range(top)
                                       if verdicts[k] is None and not heading[k]) < min_story:
                top = None  # the story's own heading: the story is no first comment
            votes = self._line_sides(views, chain)
            if votes:
                after = votes > 0
            elif top is not None:
                after = top < chain[0] - 1
            else:
                after = last + 1 >= n or heading[last + 1]
            start = chain[0] if not after else chain[0] + 1 if top is None else top + 1
            if after and top is None:
                start = self._first_comment(views, verdicts, chain, width, min_story) or start
            end = last + 1  # the last comment's text, or what closes the thread
            while end < n and end - last < width and not heading[end] and verdicts[end] != _KEEP:
                end += 1
            for i in range(start, end):
                if verdicts[i] is None:
                    verdicts[i] = "position:comment-thread"

    def _line_sides(self, views: list[_View], chain: list[int]) -> int:
        """Which side of its text each line of a thread sits on, by the box they share:
        per line +1 when it shares more hint tokens with the block before it than with
        the one after ("c980784 commentbody by-matt-palmer" on the comment and on its
        "Posted by: Matt Palmer …"), -1 for the other way round; the sum (0: the hints
        do not tell)."""
        n = len(views)
        votes = 0
        for i in chain:
            own = self._token_set(views[i].block.hints)
            before = len(own & self._token_set(views[i - 1].block.hints)) if i > 0 else 0
            after = len(own & self._token_set(views[i + 1].block.hints)) if i + 1 < n else 0
            votes += (before > after) - (after > before)
        return votes

    def _first_comment(self, views: list[_View], verdicts: list[str | None],
                       chain: list[int], width: int, min_story: int) -> int | None:
        """Where the first comment of a thread whose lines follow the comments starts,
        told by its box when no heading says so: the blocks right before the first line
        that carry a hint token all the thread's lines carry and the story's first
        block does not ("commentbody"), up to ``width`` of them, with the story's words
        still before them; None when there are none (the first line is the post's own)."""
        sets = [self._token_set(views[i].block.hints) for i in chain]
        box = frozenset.intersection(*sets) - self._token_set(views[0].block.hints)
        if not box:
            return None
        start = None
        for j in range(chain[0] - 1, max(chain[0] - width, 0) - 1, -1):
            if views[j].block.kind == HEADING or verdicts[j] == _KEEP \
                    or box.isdisjoint(self._token_set(views[j].block.hints)):
                break
            start = j
        if start is None or sum(views[k].words for k in range(start)
                                if verdicts[k] is None and views[k].block.kind != HEADING) \
                < min_story:
            return None
        return start

    def _drop_orphan_headings(self, views: list[_View], verdicts: list[str | None]) -> None:
        """A heading whose section (up to the next heading) was removed entirely goes too."""
        n = len(views)
        for i, view in enumerate(views):
            if verdicts[i] is not None or view.block.kind != HEADING:
                continue
            j = i + 1
            while j < n and views[j].block.kind != HEADING:
                j += 1
            section = range(i + 1, j)
            if section and all(verdicts[k] not in (None, _KEEP) for k in section):
                verdicts[i] = "position:orphan-heading"


def _body_words(views: list[_View], verdicts: list[str | None]) -> int:
    """The words of the body the kept blocks make, counted as the item's ``word_count``."""
    return body_words("\n\n".join(view.block.text for view, verdict in zip(views, verdicts)
                                   if verdict in (None, _KEEP) and view.block.kind != HEADING
                                   and view.block.text))


def _hint_tokens(hints: str) -> list[str]:
    """The block's hint tokens, lower-cased, without content slugs: a token of many
    words ("zendaya-promoted-dune-part-two-in-london") names a story, not a widget.

    A token of at most twice ``_MAX_HINT_PARTS`` characters cannot hold more parts
    (each but the last needs a separator after it): most tokens skip the split."""
    return [t for t in hints.lower().split()
            if len(t) <= 2 * _MAX_HINT_PARTS
            or (len(t) <= _MAX_HINT_CHARS and len(_HINT_PARTS.findall(t)) <= _MAX_HINT_PARTS)]


def _dom_gate(rules: list[Rule]) -> HintGate | None:
    """The gate of all the DOM rules' entries, or None when a rule does not say what
    its regex was built from (then every token is searched)."""
    if not all(r.hint_entries for r in rules):
        return None
    return HintGate.of(r.hint_entries for r in rules)


def _jaccard(a: set[str], b: set[str]) -> float:
    """Shared words over all words of two word sets."""
    return len(a & b) / len(a | b) if a or b else 0.0


_COMMENT_DATE = re.compile(
    r"\b\d{1,2}(?:st|nd|rd|th)?\.?\s+[^\W\d_]{3,}\.?,?\s+\d{4}\b"  # 9 August 2012
    r"|\b[^\W\d_]{3,}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b"  # August 9th, 2012
    r"|\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b")  # 10/29/2012, 2012-10-29, 09.08.2012
"""A full date (with a year) in any language's month names or in figures."""
_COMMENT_BY = re.compile(
    r"(?i)\b(?:posted|written|submitted|by|says|said|wrote|writes|schrieb|sagt|dit|"
    r"écrit|escribió|dice|scrive|zegt|skrev)\b|(?:\s(?:on|at|am|le|el|op)|[|@–-])\s*$")
"""An attribution before the date: a verb ("Posted by", "Says:", "schrieb") anywhere,
or the glue between a name and its date right before it ("Heather on", "Kopp |")."""
_NO_PERSON = re.compile(r"(?i)\W*[^\W\d_]+ed\s+(?:on|at)\s*")
"""A participle and its date ("Posted on", "Tracked on", "Updated at"): a time stamp
that names no person, as a post's date line or a trackback's."""
COMMENT_HEADER_MAX_WORDS = 20
"""An attribution line is short: a name, a date, a time, "Reply" (dragnet dev: 5-14)."""
COMMENT_DATE_MAX_OFFSET = 8
"""Words before the date: a name and an attribution (a digest's "2) Iran warns … Thomas
Erdbrink, New York Times, August 7, 2012" has more and is no comment line)."""


def comment_header(text: str, words: int, kind: str, link_density: float) -> bool:
    """Whether a block is a comment's attribution line: at most
    :data:`COMMENT_HEADER_MAX_WORDS` words, no heading and no sentence, a full date
    (:data:`_COMMENT_DATE`) after at most :data:`COMMENT_DATE_MAX_OFFSET` words, and an
    attribution before it (:data:`_COMMENT_BY`) or a linked name.

    >>> comment_header("Posted by: Ellen at September 10, 2012 11:40 AM", 10, "paragraph", 0)
    True
    >>> comment_header("September 10, 2012", 3, "paragraph", 0)
    False
    """
    if words > COMMENT_HEADER_MAX_WORDS or kind == HEADING or ends_like_sentence(text):
        return False
    date = _COMMENT_DATE.search(text)
    if date is None:
        return False
    before = text[:date.start()]
    if len(before.split()) > COMMENT_DATE_MAX_OFFSET or not before.strip() \
            or _NO_PERSON.fullmatch(before):
        return False
    return link_density >= 0.1 or _COMMENT_BY.search(before) is not None


def _word_bounds(rules: Iterable[Rule]) -> tuple[int, ...]:
    """The word counts where a rule's word limits flip: ``min_words`` (admitted from
    there on) and ``max_words + 1`` (refused from there on). Two counts with as many
    bounds at or below them (``bisect_right``) lie in one interval, where every rule's
    word limits give the same answer."""
    bounds = {r.min_words for r in rules if r.min_words is not None}
    bounds.update(r.max_words + 1 for r in rules if r.max_words is not None)
    return tuple(sorted(bounds))


def _basic_limits(rule: Rule, words: int, kind: str, in_story: bool) -> bool:
    """The limits that depend only on the block's length, kind and side of the story."""
    if rule.max_words is not None and words > rule.max_words:
        return False
    if rule.min_words is not None and words < rule.min_words:
        return False
    if rule.kinds is not None and kind not in rule.kinds:
        return False
    if kind in rule.skip_kinds:
        return False
    return not (rule.tail_only and in_story)


def _applies(rule: Rule, view: _View) -> bool:
    """Whether the rule's length, link-density, kind and position limits hold."""
    block = view.block
    if rule.max_words is not None and view.words > rule.max_words:
        return False
    if rule.min_words is not None and view.words < rule.min_words:
        return False
    if rule.max_chars is not None and len(view.text) > rule.max_chars:
        return False
    if rule.min_link_density is not None and block.link_density < rule.min_link_density:
        return False
    if rule.max_link_density is not None and block.link_density > rule.max_link_density:
        return False
    if rule.kinds is not None and block.kind not in rule.kinds:
        return False
    if block.kind in rule.skip_kinds:
        return False
    if rule.tail_only and block.in_story:
        return False
    if rule.min_index is not None and view.position < rule.min_index:
        return False
    if rule.near_end is not None and view.from_end >= rule.near_end and block.in_story:
        return False
    return not (rule.not_sentence and view.words >= 5 and _PROSE_SENTENCE.match(view.text))


def rule_matches(rule: Rule, block: Block) -> bool:
    """Whether ``rule`` alone matches ``block`` (its limits and its pattern or tokens),
    ignoring context: the block is taken as the last of a long page, so ``min_index``
    and ``near_end`` hold. For tests and for explaining a verdict."""
    text = match_form(block.text)
    view = _View(block, text, count_tokens(text), _hint_tokens(block.hints), fold_case(text),
                 position=1 << 30, from_end=0)
    if not _applies(rule, view):
        return False
    if rule.signal == "dom":
        return any(_dom_regex(rule).search(token) for token in view.tokens)
    if rule.signal == "text":
        return rule.search_text(text, view.folded)
    return True


def _dom_regex(rule: Rule) -> re.Pattern[str]:
    """A DOM rule's regex: :mod:`~newscrawl.cleaning.ruleset` compiles one for every DOM rule
    (``Rule.regex`` is None only for shape rules)."""
    regex = rule.regex
    assert regex is not None, rule.label
    return regex
