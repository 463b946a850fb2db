"""Every bundled rule carries examples it must remove and counter-examples that must stay.

Parametrised over rule names, so a new rule without cases fails here.
"""

from __future__ import annotations

import pytest

from newscrawl.cleaning import Cleaner, Rule, load_rules, rule_matches
from newscrawl.extraction.model import Block

RULES = load_rules()
ALL = RULES.all_rules()
CONTAINER = "article-body story"
STORY_BEFORE = Block("The council met on Monday to discuss the budget for next year.",
                     hints=CONTAINER)
STORY_AFTER = Block("The vote is expected next month, officials said.", hints=CONTAINER)
PROMO = Block("Sign up for our daily newsletter", hints=CONTAINER)


def _block(case: str | dict, *, in_story: bool = True) -> Block:
    """A block from a rule case: a text, or a dict of Block fields (``index``: how many
    story paragraphs come before it in the page the test cleans)."""
    if isinstance(case, str):
        return Block(case, hints=CONTAINER, in_story=in_story)
    return Block(case["text"], kind=case.get("kind", "paragraph"), tag=case.get("tag", "p"),
                 hints=case.get("hints", CONTAINER), link_density=case.get("link_density", 0.0),
                 in_story=case.get("in_story", in_story))


def _language(rule: Rule) -> str | None:
    return None if rule.language == "*" else rule.language


@pytest.mark.parametrize("rule", ALL, ids=lambda r: r.label)
def test_rule_has_cases(rule: Rule) -> None:
    assert rule.examples, f"{rule.label} ({rule.source}) has no examples"
    assert rule.counter_examples, f"{rule.label} ({rule.source}) has no counter_examples"


@pytest.mark.parametrize("rule", ALL, ids=lambda r: r.label)
def test_rule_examples_are_removed(rule: Rule) -> None:
    cleaner = Cleaner(RULES)
    for case in rule.examples:
        block = _block(case, in_story=not (rule.weak or rule.tail_only))
        assert rule_matches(rule, block), f"{rule.label} does not match {case!r}"
        if rule.keep:  # protected even inside a promotional run
            blocks = [STORY_BEFORE, PROMO, block, PROMO, STORY_AFTER]
            assert block in cleaner.clean(blocks, language=_language(rule)).kept, case
            continue
        before = [STORY_BEFORE] * (case.get("index", 1) if isinstance(case, dict) else 1)
        result = cleaner.clean([*before, block, STORY_AFTER], language=_language(rule))
        assert block not in result.kept, f"{rule.label}: {case!r} was kept"


@pytest.mark.parametrize("rule", ALL, ids=lambda r: r.label)
def test_rule_counter_examples_stay(rule: Rule) -> None:
    cleaner = Cleaner(RULES)
    for case in rule.counter_examples:
        block = _block(case)
        if not rule.weak:
            assert not rule_matches(rule, block), f"{rule.label} matches {case!r}"
        result = cleaner.clean([STORY_BEFORE, block, STORY_AFTER], language=_language(rule))
        assert block in result.kept, f"{case!r} removed by {result.removed}"


def test_rule_names_are_unique() -> None:
    labels = [r.label for r in ALL]
    assert len(labels) == len(set(labels))


def test_bundled_languages() -> None:
    assert {"en", "de", "fr", "es"} <= set(RULES.text)
