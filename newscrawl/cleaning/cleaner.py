"""Judge the story's blocks and drop the promotional and boilerplate ones.

Signals, in the order they are tried on each block (the first that fires is recorded):

1. per-site exclusions from user rule files (``site:<host>``);
2. DOM context — the block's and its ancestors' class/id/role/aria/data-* tokens
   (``dom:newsletter``); tokens every story block shares belong to the story container
   itself and are ignored, so ``<article class="has-ads">`` does not empty a page;
3. text — anchored, length-capped patterns per language (``text:en:donation-appeal``);
4. shape — link density and length (``shape:link-list``);
5. repetition — a paragraph this site printed on many articles (``repeat:site``);
6. position — weak promotional text in the tail or beside removed blocks, short blocks
   sandwiched in a removed run, and headings left without content (``position:…``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newscrawl.cleaning.prefilter import fold_case
from newscrawl.cleaning.repetition import RepetitionTracker
from newscrawl.cleaning.result import CleaningResult, Removal
from newscrawl.cleaning.rules import (
    Rule, RuleSet, SiteRules, count_words, load_rules, normalize_text,
)

if TYPE_CHECKING:
    from newscrawl.extraction.model import Block

logger = logging.getLogger(__name__)

HEADING = "heading"
_SENTENCE_END = re.compile(r"[.!?…。!?\"”»)]$")
_NOT_PROMO = frozenset({"text:separator", "dom:chrome", "dom:credit", "text:ad-label",
                        "dom:ad", "text:wire-credit", "text:copyright"})
"""Removals that mark page furniture, not a promotional run: a story paragraph between
two ad slots or a separator and a caption is not part of a promo box."""
_HINT_PARTS = re.compile(r"[a-z0-9]+")
_MAX_HINT_PARTS = 6
_MAX_HINT_CHARS = 60
_KEEP = "keep"
"""Verdict of a block a keep rule protects: never removed, not a removed neighbour."""
_HINT_CACHE_SIZE = 50_000
_DEFAULT_RULES: RuleSet | None = None


def default_rules() -> RuleSet:
    """The bundled rules, loaded once per process."""
    global _DEFAULT_RULES
    if _DEFAULT_RULES is None:
        _DEFAULT_RULES = load_rules()
    return _DEFAULT_RULES


@dataclass(slots=True)
class _View:
    """What the rules look at for one block, computed once."""

    block: Block
    text: str
    words: int
    tokens: list[str]
    folded: str = ""
    """``fold_case(text)``: what the text rules' literal prefilters look in."""


class Cleaner:
    """Remove promotional and boilerplate blocks from a story.

    >>> from newscrawl.extraction.model import Block
    >>> result = Cleaner().clean([Block("Sign up for our newsletter"), Block("The mayor said.")],
    ...                          language="en")
    >>> [r.rule for r in result.removed]
    ['text:en:newsletter-signup']
    """

    def __init__(self, rules: RuleSet | None = None,
                 repetition: RepetitionTracker | None = None) -> None:
        self.rules = rules if rules is not None else default_rules()
        self.repetition = repetition
        self._hint_cache: dict[str, tuple[Rule, ...]] = {}
        self._token_cache: dict[str, list[str]] = {}
        self._set_cache: dict[str, frozenset[str]] = {}
        """Hint strings repeat across a page's blocks (same ancestors): split once."""

    def clean(self, blocks: list[Block], *, language: str | None = None,
              site: str | None = None, title: str | None = None) -> CleaningResult:
        """Kept blocks (order preserved) and one :class:`Removal` per dropped block.

        Never raises: on an internal error every block is kept and the error logged.
        """
        try:
            return self._clean(blocks, language, site, title)
        except Exception:  # noqa: BLE001 - cleaning must never lose a page
            logger.exception("cleaning failed for site %s; keeping all blocks", site)
            return CleaningResult(kept=list(blocks), removed=[])

    # -- the passes -------------------------------------------------------------------

    def _clean(self, blocks: list[Block], language: str | None, site: str | None,
               title: str | None) -> CleaningResult:
        views = [self._view(b) for b in blocks]
        container = self._container_tokens(views)
        text_rules = self.rules.text_rules(language)
        site_rules = self.rules.site(site)
        verdicts: list[str | None] = [
            self._judge(view, container, text_rules, site_rules) for view in views
        ]
        self._judge_title(views, verdicts, title)
        self._judge_repetition(views, verdicts, site)
        self._judge_position(views, verdicts, text_rules)
        result = CleaningResult()
        for i, (view, verdict) in enumerate(zip(views, verdicts)):
            if verdict is None or verdict == _KEEP:
                result.kept.append(view.block)
            else:
                result.removed.append(Removal(view.block.text, verdict, i))
        return result

    def _view(self, block: Block) -> _View:
        """Normalise a block's text and split its hints once, for every rule to read."""
        text = normalize_text(block.text)
        return _View(block, text, count_words(text), self._tokens(block.hints), fold_case(text))

    def _token_set(self, hints: str) -> frozenset[str]:
        """The distinct hint tokens of a hints string (cached like the token lists)."""
        found = self._set_cache.get(hints)
        if found is None:
            if len(self._set_cache) > _HINT_CACHE_SIZE:
                self._set_cache.clear()
            found = self._set_cache[hints] = frozenset(self._tokens(hints))
        return found

    def _tokens(self, hints: str) -> list[str]:
        """The hint tokens of a hints string, split once per distinct string."""
        tokens = self._token_cache.get(hints)
        if tokens is None:
            if len(self._token_cache) > _HINT_CACHE_SIZE:
                self._token_cache.clear()
            tokens = self._token_cache[hints] = _hint_tokens(hints)
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

    def _judge(self, view: _View, container: frozenset[str], text_rules: list[Rule],
               site_rules: SiteRules | None) -> str | None:
        if not view.text:
            return "shape:empty"
        if site_rules is not None:
            if site_rules.text is not None and site_rules.text.search(view.text):
                return f"site:{site_rules.host}:text"
            if site_rules.hints is not None and any(
                    site_rules.hints.search(t) for t in view.tokens if t not in container):
                return f"site:{site_rules.host}:hints"
        for rule in text_rules:
            if rule.keep and _applies(rule, view) and rule.search_text(view.text, view.folded):
                return _KEEP
        for token in view.tokens:
            if token in container:
                continue
            label = self._hint_rule(token, view)
            if label:
                return label
        for rule in text_rules:
            if not (rule.weak or rule.keep) and _applies(rule, view) \
                    and rule.search_text(view.text, view.folded):
                return rule.label
        for rule in self.rules.shape:
            if _applies(rule, view):
                return rule.label
        return None

    def _hint_rule(self, token: str, view: _View) -> str | None:
        """The first DOM rule whose tokens match this hint token and whose limits hold."""
        matching = self._hint_cache.get(token)
        if matching is None:
            if len(self._hint_cache) > _HINT_CACHE_SIZE:
                self._hint_cache.clear()
            matching = tuple(r for r in self.rules.dom if r.regex.search(token))
            self._hint_cache[token] = matching
        for rule in matching:
            if _applies(rule, view):
                return rule.label
        return None

    def _judge_title(self, views: list[_View], verdicts: list[str | None],
                     title: str | None) -> None:
        """A block that only repeats the headline (not a heading of the story) is dropped."""
        if not title:
            return
        wanted = normalize_text(title).casefold()
        for i, view in enumerate(views):
            if verdicts[i] is None and view.text.casefold() == wanted and i > 0:
                verdicts[i] = "repeat:title"

    def _judge_repetition(self, views: list[_View], verdicts: list[str | None],
                          site: str | None) -> None:
        if self.repetition is None or not site:
            return
        for i, view in enumerate(views):
            if verdicts[i] is None and self.repetition.is_repeated(site, view.text, pending=1):
                verdicts[i] = "repeat:site"
        self.repetition.observe(site, (v.text for v in views))

    def _judge_position(self, views: list[_View], verdicts: list[str | None],
                        text_rules: list[Rule]) -> None:
        """Context rules: need the first-pass verdicts of the neighbours."""
        pos = self.rules.position
        run_words = int(pos.get("run_max_words", 15))
        run_links = float(pos.get("run_min_link_density", 0.3))
        tail_link_density = float(pos.get("tail_min_link_density", 0.3))
        weak_rules = [r for r in text_rules if r.weak]
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
            weak = next((r for r in weak_rules if _applies(r, view)
                         and r.search_text(view.text, view.folded)), None)
            if weak is not None and (tail or prev_removed or next_removed):
                verdicts[i] = weak.label
            elif tail and view.block.link_density >= tail_link_density:
                verdicts[i] = "position:tail"
            elif (prev_run and next_run and view.words <= run_words
                  and view.block.kind != HEADING
                  and (view.block.link_density >= run_links or not _SENTENCE_END.search(view.text))):
                verdicts[i] = "position:run"
        self._drop_orphan_headings(views, verdicts)

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


def _hint_tokens(hints: str) -> list[str]:
    """The block's hint tokens, lower-cased, without content slugs: a token of many
    words ("zendaya-promoted-dune-part-two-in-london") names a story, not a widget."""
    return [t for t in hints.lower().split()
            if len(t) <= _MAX_HINT_CHARS and len(_HINT_PARTS.findall(t)) <= _MAX_HINT_PARTS]


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
    return True


def rule_matches(rule: Rule, block: Block) -> bool:
    """Whether ``rule`` alone matches ``block`` (its limits and its pattern or tokens),
    ignoring context. For tests and for explaining a verdict."""
    text = normalize_text(block.text)
    view = _View(block, text, count_words(text), _hint_tokens(block.hints), fold_case(text))
    if not _applies(rule, view):
        return False
    if rule.signal == "dom":
        return any(rule.regex.search(token) for token in view.tokens)
    if rule.signal == "text":
        return rule.search_text(text, view.folded)
    return True
