"""Story text from a React Server Components flight payload (Next.js app router).

Some Next.js pages render the story on the client: the HTML carries no story
paragraphs, only ``<script>self.__next_f.push([1, "…"])</script>`` chunks.
Concatenated, the string chunks form the *flight* payload: rows ``ID:VALUE``,
among them text rows ``ID:T<hex byte length>,<text>`` that hold long strings —
on news sites, the article's HTML. :func:`flight_html` returns those HTML
texts so the normal body rules can read them; it is used only when the DOM
held no story (reading the payload costs a JSON decode per chunk).
"""

from __future__ import annotations

import json
import re

from lxml import etree

_PUSH = re.compile(r"^\s*self\.__next_f\.push\((\[.*\])\)\s*;?\s*$", re.DOTALL)
_TEXT_ROW = re.compile(r"(?:^|\n)([0-9a-f]+):T([0-9a-f]+),")
#: Placeholders some CMSs leave between paragraphs for ads ("$$ARTICLEAD$$").
_PLACEHOLDER = re.compile(r"\$\$[A-Z0-9_]+\$\$")
_HTMLISH = re.compile(r"<(?:p|h[2-6]|li|blockquote)\b", re.IGNORECASE)
#: Payloads above this size are not read (a hostile page could push hundreds of MB).
MAX_FLIGHT_CHARS = 5_000_000


def is_flight_script(el: etree._Element) -> bool:
    """True for a ``<script>`` that pushes a flight chunk."""
    text = el.text
    return bool(text) and text.lstrip().startswith("self.__next_f.push(")


def flight_payload(scripts: list[etree._Element]) -> str:
    """The concatenated string chunks of the page's ``self.__next_f.push`` scripts."""
    chunks: list[str] = []
    size = 0
    for el in scripts:
        text = el.text or ""
        if len(text) > MAX_FLIGHT_CHARS:
            continue
        m = _PUSH.match(text)
        if not m:
            continue
        try:
            value = json.loads(m.group(1))
        except (ValueError, RecursionError):
            continue
        if isinstance(value, list) and len(value) > 1 and value[0] == 1 and isinstance(value[1], str):
            chunks.append(value[1])
            size += len(value[1])
            if size > MAX_FLIGHT_CHARS:
                break
    return "".join(chunks)


def text_rows(payload: str) -> list[str]:
    """The payload's text rows (``ID:T<hex>,…``), cut to their declared UTF-8 length.

    >>> text_rows('0:["$"]\\n24:T5,<p>x</p>\\n25:["a"]')
    ['<p>x<']
    """
    out: list[str] = []
    for m in _TEXT_ROW.finditer(payload):
        start = m.end()
        length = int(m.group(2), 16)
        # The length counts UTF-8 bytes: take that many bytes' worth of characters.
        chunk = payload[start:start + length]
        encoded = chunk.encode("utf-8")
        if len(encoded) > length:
            chunk = encoded[:length].decode("utf-8", "ignore")
        out.append(chunk)
    return out


def flight_html(scripts: list[etree._Element]) -> str | None:
    """The longest HTML text row of the flight payload (the story), or None."""
    payload = flight_payload(scripts)
    if not payload:
        return None
    rows = [r for r in text_rows(payload) if _HTMLISH.search(r)]
    if not rows:
        return None
    return _PLACEHOLDER.sub(" ", max(rows, key=len))
