"""Cleaning: judge the story's text blocks and drop promotion and boilerplate.

The extraction layer hands over every text block of the story container, promo boxes
included; :class:`Cleaner` keeps the story and records, for each block it drops, the
rule that fired. Rules are TOML data (``rules/*.toml``), loaded once by
:func:`load_rules`; users add rules and per-site exclusions in their own files.

>>> from newscrawl.extraction.model import Block
>>> cleaner = Cleaner(load_rules())
>>> result = cleaner.clean([Block("Read more"), Block("The council voted on Monday.")],
...                        language="en", site="example.com")
>>> [b.text for b in result.kept]
['The council voted on Monday.']
"""

from __future__ import annotations

from newscrawl.cleaning.cleaner import Cleaner, rule_matches
from newscrawl.cleaning.repetition import RepetitionTracker
from newscrawl.cleaning.result import CleaningResult, Removal
from newscrawl.cleaning.ruleset import Rule, RuleFileError, RuleSet, load_rules

__all__ = [
    "Cleaner", "CleaningResult", "Removal", "RepetitionTracker", "Rule", "RuleFileError",
    "RuleSet", "load_rules", "rule_matches",
]
