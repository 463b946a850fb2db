"""Extraction: one HTML page → metadata and the story's candidate text blocks.

>>> from newscrawl.extraction import extract
>>> ex = extract(b"<html lang=en><body><article><h1>Storm hits coast</h1>"
...              b"<p>" + b"The storm arrived at dawn. " * 8 + b"</p></article></body></html>",
...              "https://news.example/storm")
>>> ex.title, ex.language, ex.blocks[0].text[:26]
('Storm hits coast', 'en', 'The storm arrived at dawn.')
"""

from __future__ import annotations

from .core import extract
from .model import HEADING, LEAD, LIST_ITEM, PARAGRAPH, QUOTE, Block, Extraction
from .profiles import Profile, ProfileError, find_profile, load_profile

__all__ = ["extract", "load_profile", "find_profile", "Profile", "ProfileError", "Block",
           "Extraction", "PARAGRAPH", "LEAD", "HEADING", "LIST_ITEM", "QUOTE"]
