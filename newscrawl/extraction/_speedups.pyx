# cython: language_level=3
"""The compiled twin of :func:`newscrawl.extraction.walk.walk`, the pass that visits every
element of a page; :mod:`newscrawl.extraction._compiled` loads it (or not).

:func:`walk` comes with :func:`run_texts` and :func:`verdict_for`, the twins of
:func:`~newscrawl.extraction.walk.run_texts` and of the first step of
:func:`~newscrawl.extraction.walk.class_id_verdict`. They read libxml2's nodes through
lxml's public C API instead of asking lxml for an element object, its tag, class, id,
text and tail at every step (the Python walk's whole cost). Element objects are made only
for the block elements a result holds and for the rare elements that the Python helpers
judge.

The vocabulary (tag sets, verdicts, the characters ``normalize_text`` drops or spaces) is
read from the public names of ``walk.py``, ``dom.py`` and ``text.py`` at import; those
modules never import this one. Two checks are written again here, on the C nodes: the
subtree tests of ``walk._decide`` (``_HAS_H1``, ``_HOLDS_STORY``: XPath in ``walk.py``),
and the verdict's class/id word search; keep them in step with the Python code.
``tests/test_speedups.py`` checks that the twin returns what the Python walk returns.
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.unicode cimport (
    Py_UNICODE_ISSPACE,
    PyUnicode_4BYTE_KIND,
    PyUnicode_DATA,
    PyUnicode_DecodeUTF8,
    PyUnicode_FromKindAndData,
    PyUnicode_KIND,
    PyUnicode_READ,
)
from libc.string cimport memcmp, strcmp, strlen
from lxml.includes cimport tree
from lxml.includes.etreepublic cimport _Document, _Element, elementFactory, import_lxml__etree

import re as _re
import unicodedata as _unicodedata

from . import dom as _dom
from . import text as _text
from . import walk as _py

cdef extern from "lxml-version.h":
    const char* LXML_VERSION_STRING

#: The lxml whose C API this module was compiled against (its ``lxml-version.h``):
#: :mod:`newscrawl.extraction._compiled` loads the module only when it is the one imported.
LXML_VERSION = LXML_VERSION_STRING.decode("ascii")

import_lxml__etree()

cdef object Run = _py.Run
cdef frozenset BLOCK_TAGS = _dom.BLOCK_TAGS
cdef frozenset SKIP_TAGS = _dom.SKIP_TAGS
cdef frozenset SKIP_ROLES = _dom.SKIP_ROLES
cdef frozenset SECTIONING_SKIP = _py.SECTIONING_SKIP
cdef dict BLOCK_KIND = _py.BLOCK_KIND
cdef object verdict_of = _py.class_id_verdict
cdef object hidden_attrs = _dom.hidden_attrs
cdef str BR = _py.BR
cdef object br_texts = _py.br_texts
cdef int V_NO = _py.NO
cdef int V_HIDDEN = _py.HIDDEN
cdef int V_NEXT_STORY = _py.NEXT_STORY
cdef int V_YES = _py.YES
cdef int V_COMMENT_ID = _py.COMMENT_ID
cdef int V_SKIP_WORD = _py.SKIP_WORD
cdef int V_SOFT_SKIP_WORD = _py.SOFT_SKIP_WORD
cdef object HOLDS_PARAGRAPHS = _py.HOLDS_PARAGRAPHS


# ---- run texts: walk.run_texts ----

cdef object is_nfc = _unicodedata.is_normalized
cdef object to_nfc = _unicodedata.normalize

# What normalize_text does with each character, worked out from its own patterns.
cdef enum:
    C_KEEP = 0
    C_SPACE = 1  # whitespace, and the control characters it turns into spaces
    C_DROP = 2  # invisible characters
cdef object _INVISIBLE = _re.compile(f"[{_text.INVISIBLE_CHARS}]")
cdef object _CONTROL = _re.compile(f"[{_text.CONTROL_CHARS}]")
cdef unsigned char LATIN1[256]
for _c in range(256):
    LATIN1[_c] = (C_DROP if _INVISIBLE.match(chr(_c))
                  else C_SPACE if chr(_c).isspace() or _CONTROL.match(chr(_c))
                  else C_KEEP)
if _CONTROL.search("".join(map(chr, range(256, 0x3000)))):
    raise ImportError("normalize_text's control characters are no longer all Latin-1")
cdef list _INVISIBLE_WIDE = sorted(ord(_c) for _c in _text.INVISIBLE_CHARS if ord(_c) > 255)
cdef Py_UCS4 INVISIBLE[32]
cdef int N_INVISIBLE = len(_INVISIBLE_WIDE)
if not 0 < N_INVISIBLE <= 32:
    raise ImportError("the invisible characters do not fit the compiled table")
for _i, _c in enumerate(_INVISIBLE_WIDE):
    INVISIBLE[_i] = _c


cdef inline int _char_class(Py_UCS4 c) noexcept:
    cdef int i
    if c < 256:
        return LATIN1[c]
    if Py_UNICODE_ISSPACE(c):
        return C_SPACE
    if INVISIBLE[0] <= c <= INVISIBLE[N_INVISIBLE - 1]:
        for i in range(N_INVISIBLE):
            if INVISIBLE[i] == c:
                return C_DROP
    return C_KEEP


cdef _emit(list out, Py_UCS4* buf, Py_ssize_t size, Py_UCS4 widest):
    if size == 0:
        return
    text = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, size)
    if widest >= 0x300 and not is_nfc("NFC", text):  # below U+0300 every string is NFC
        text = to_nfc("NFC", text)
    out.append(text)


def run_texts(str raw not None):
    """:func:`newscrawl.extraction.walk.run_texts` in one pass over the characters:
    split at double ``<br>``, whitespace collapsed, invisible characters dropped,
    control characters made spaces, NFC only where a character could need it."""
    cdef Py_ssize_t n = len(raw), i = 0, j, size = 0
    cdef int kind = PyUnicode_KIND(raw)
    cdef void* data = PyUnicode_DATA(raw)
    cdef Py_UCS4 c, widest = 0
    cdef bint pending = False
    cdef int cls
    cdef list out = []
    cdef Py_UCS4* buf
    if n == 0:
        return out
    buf = <Py_UCS4*>PyMem_Malloc(n * sizeof(Py_UCS4))
    if buf is NULL:
        raise MemoryError
    try:
        while i < n:
            c = PyUnicode_READ(kind, data, i)
            i += 1
            if c == 1:  # a <br>: with another after nothing but whitespace, a split
                j = i
                while j < n and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, j)):
                    j += 1
                if j < n and PyUnicode_READ(kind, data, j) == 1:
                    while j < n and (PyUnicode_READ(kind, data, j) == 1
                                     or Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, j))):
                        j += 1
                    _emit(out, buf, size, widest)
                    size = widest = 0
                    pending = False
                    i = j
                    continue
                cls = C_SPACE
            else:
                cls = _char_class(c)
            if cls == C_KEEP:
                if pending:
                    buf[size] = 32
                    size += 1
                    pending = False
                buf[size] = c
                size += 1
                if c > widest:
                    widest = c
            elif cls == C_SPACE and size:
                pending = True
        _emit(out, buf, size, widest)
    finally:
        PyMem_Free(buf)
    return out


# ---- reading libxml2's nodes ----

cdef inline str _decode(const char* s):
    return PyUnicode_DecodeUTF8(s, strlen(s), NULL)


cdef inline bint _is_text(tree.xmlNode* node) noexcept:
    return node.type == tree.XML_TEXT_NODE or node.type == tree.XML_CDATA_SECTION_NODE


cdef str _text_from(tree.xmlNode** at):
    """The text of the run of text nodes starting at ``at[0]`` (as lxml's ``.text`` /
    ``.tail`` read it), advancing ``at[0]`` past them; None when there is none."""
    cdef tree.xmlNode* node = at[0]
    cdef tree.xmlNode* first = node
    cdef int count = 0
    while node is not NULL and (_is_text(node) or node.type == tree.XML_XINCLUDE_START
                                or node.type == tree.XML_XINCLUDE_END):
        if _is_text(node):
            count += 1
        node = node.next
    at[0] = node
    if count == 0:
        return None
    if count == 1:
        node = first
        while not _is_text(node):
            node = node.next
        if node.content is NULL or node.content[0] == 0:
            return None
        return _decode(<const char*>node.content)
    pieces = []
    node = first
    while node is not at[0]:
        if _is_text(node) and node.content is not NULL:
            pieces.append(_decode(<const char*>node.content))
        node = node.next
    text = "".join(pieces)
    return text or None


cdef inline bint _named(tree.xmlNode* node, const char* name) noexcept:
    return node.ns is NULL and strcmp(<const char*>node.name, name) == 0


cdef const char* _value_of(tree.xmlAttr* attr, bint* odd) noexcept:
    """An attribute's value as libxml2 holds it, "" for an empty one; ``odd[0]`` set (and
    "" returned) when the value is not one text node: lxml would piece it together, so
    the caller asks lxml."""
    cdef tree.xmlNode* child = attr.children
    if child is NULL:
        return ""
    if child.next is NULL and _is_text(child):
        if child.content is NULL:
            return ""
        return <const char*>child.content
    odd[0] = True
    return ""


cdef const char* _attr_bytes(tree.xmlNode* c_node, const char* name, bint* odd) noexcept:
    """:func:`_value_of` the element's attribute ``name`` (no namespace; the first, as
    lxml and XPath read it), NULL when there is none."""
    cdef tree.xmlAttr* attr = c_node.properties
    while attr is not NULL:
        if attr.ns is NULL and strcmp(<const char*>attr.name, name) == 0:
            return _value_of(attr, odd)
        attr = attr.next
    return NULL


cdef str _attr_value(tree.xmlAttr* attr):
    """The attribute's value decoded, None where lxml must read it."""
    cdef bint odd = False
    cdef const char* value = _value_of(attr, &odd)
    return None if odd else _decode(value)


cdef bint _holds(tree.xmlNode* top, bint story) noexcept:
    """``_HAS_H1`` (``story`` false) or ``_HOLDS_STORY`` (true) of ``top``: whether a
    descendant is an ``<h1>`` (or an ``<article>``, a ``<main>`` or an element with
    ``itemprop="articleBody"``), in one pre-order pass over the C nodes."""
    cdef tree.xmlNode* node = top.children
    cdef const char* value
    cdef bint odd
    while node is not NULL:
        if node.type == tree.XML_ELEMENT_NODE:
            if node.ns is NULL:
                if strcmp(<const char*>node.name, "h1") == 0:
                    return True
                if story:
                    if (strcmp(<const char*>node.name, "article") == 0
                            or strcmp(<const char*>node.name, "main") == 0):
                        return True
                    odd = False
                    value = _attr_bytes(node, "itemprop", &odd)
                    if value is not NULL and not odd and strcmp(value, "articleBody") == 0:
                        return True
            if node.children is not NULL:
                node = node.children
                continue
        while node.next is NULL:
            node = node.parent
            if node is top or node is NULL:
                return False
        node = node.next
    return False


# ---- the walk ----

cdef enum:
    # deeper than libxml2 lets even its huge-tree parser nest (2048); the C stack is safe
    MAX_DEPTH = 4096


class _TooDeep(Exception):
    pass


cdef enum:
    F_SKIP = 1
    F_BLOCK = 2
    F_LINK = 4
    F_BR = 8
    F_H1 = 16
    F_STORY = 32  # <article>, <main>
    F_HEADER = 64
    F_SECTIONING = 128  # <aside>, <footer>, <form>
    TAG_SLOTS = 256


# ---- the class/id verdict's first step (walk.class_id_verdict), on the attribute bytes ----

cdef class _Words:
    """ASCII words by first byte, for byte-level lookups: ``table`` holds each word as a
    length byte then its bytes, sorted, and ``first[c]:first[c + 1]`` spans the words
    that start with byte ``c``; ``bigrams`` has a bit set for each word's first two bytes
    (most places in a string start none)."""
    cdef bytes table
    cdef const unsigned char* data
    cdef Py_ssize_t first[257]
    cdef unsigned char bigrams[8192]

    def __cinit__(self, words):
        cdef int c
        cdef Py_ssize_t at = 0
        ordered = sorted(word.encode("ascii") for word in words)
        if not ordered or max(map(len, ordered)) > 255 or min(map(len, ordered)) < 2:
            raise ImportError("a word list the compiled walk cannot hold")
        for word in ordered:
            self.bigrams[(word[0] << 5) | (word[1] >> 3)] |= 1 << (word[1] & 7)
        self.table = b"".join(bytes((len(word),)) + word for word in ordered)
        self.data = self.table
        for c in range(257):
            while at < len(self.table) and c > self.data[at + 1]:
                at += self.data[at] + 1
            self.first[c] = at

    cdef inline bint equals(self, const unsigned char* word, Py_ssize_t size) noexcept:
        cdef Py_ssize_t at = self.first[word[0]], end = self.first[word[0] + 1]
        while at < end:
            if self.data[at] == size and memcmp(self.data + at + 1, word, size) == 0:
                return True
            at += self.data[at] + 1
        return False

    cdef inline bint within(self, const unsigned char* text, Py_ssize_t size) noexcept:
        """Whether one of the words is a substring of ``text``."""
        cdef Py_ssize_t i, at, end, n, k
        for i in range(size - 1):
            if not self.bigrams[(text[i] << 5) | (text[i + 1] >> 3)] & (1 << (text[i + 1] & 7)):
                continue
            at = self.first[text[i]]
            end = self.first[text[i] + 1]
            while at < end:
                n = self.data[at]
                if n <= size - i:
                    k = 1  # the first byte matched: it chose the bucket
                    while k < n and self.data[at + 1 + k] == text[i + k]:
                        k += 1
                    if k == n:
                        return True
                at += n + 1
        return False


cdef _Words HIDDEN_WORDS = _Words(_dom.HIDDEN_CLASSES)
cdef _Words HINT_WORDS = _Words(_py.VERDICT_HINT_WORDS)
cdef unsigned char ASCII_SPACE[128]
for _c in range(128):
    ASCII_SPACE[_c] = chr(_c).isspace()


cdef Py_ssize_t _lower_ascii(str value, unsigned char* out, Py_ssize_t limit):
    """``value`` lower-cased into ``out``; -1 when it is not ASCII or longer than ``limit``."""
    cdef Py_ssize_t n = len(value), i
    cdef const unsigned char* data
    cdef unsigned char c
    if n > limit or not value.isascii():
        return -1
    data = <const unsigned char*>PyUnicode_DATA(value)  # ASCII: one byte a character
    for i in range(n):
        c = data[i]
        out[i] = c + 32 if 65 <= c <= 90 else c
    return n


cdef int _plain_verdict(str tag, str cls, str ident) except -2:
    """``walk.class_id_verdict`` where the class and id alone settle it (hidden, or holding no
    verdict word), else -1: the Python function decides."""
    cdef unsigned char low[512]
    cdef Py_ssize_t n, start, i
    cdef bint hint = False
    if cls:
        n = _lower_ascii(cls, low, 512)
        if n < 0:
            return -1
        i = 0
        while i < n:  # whitespace-split tokens: str.split()'s
            while i < n and ASCII_SPACE[low[i]]:
                i += 1
            start = i
            while i < n and not ASCII_SPACE[low[i]]:
                i += 1
            if i > start and HIDDEN_WORDS.equals(low + start, i - start):
                return V_HIDDEN
        if tag == "body":
            return V_NO
        hint = HINT_WORDS.within(low, n)
    elif tag == "body":
        return V_NO
    if not hint and ident:
        n = _lower_ascii(ident, low, 512)
        if n < 0:
            return -1
        hint = HINT_WORDS.within(low, n)
    return -1 if hint else V_NO


def verdict_for(str tag not None, str cls, str ident):
    """``walk.class_id_verdict(tag, cls, ident)``, its common outcomes decided here."""
    cdef int found = _plain_verdict(tag, cls, ident)
    return verdict_of(tag, cls, ident) if found < 0 else found


cdef class _Tag:
    """What the Python walk's tests on a tag name come to, worked out once per name."""
    cdef str tag
    cdef int flags
    cdef str kind

    def __cinit__(self, str tag):
        cdef int flags = 0
        self.tag = tag
        if tag in SKIP_TAGS:
            flags |= F_SKIP
        if tag in BLOCK_TAGS or "-" in tag:
            flags |= F_BLOCK
        if tag == "a":
            flags |= F_LINK
        elif tag == "br":
            flags |= F_BR
        elif tag == "h1":
            flags |= F_H1
        elif tag == "article" or tag == "main":
            flags |= F_STORY
        elif tag == "header":
            flags |= F_HEADER
        if tag in SECTIONING_SKIP:
            flags |= F_SECTIONING
        self.flags = flags
        self.kind = BLOCK_KIND.get(tag, "paragraph")


cdef class _Walker:
    cdef _Document doc
    cdef list runs
    cdef dict spans
    cdef list stack  # open block elements
    cdef list starts  # their pre-order starts
    cdef list special
    cdef list parts
    cdef list lparts
    cdef bint content  # parts hold more than ASCII whitespace
    cdef int in_link
    cdef int counter
    cdef int article_depth
    cdef bint seen_h1
    cdef dict verdicts
    cdef const tree.xmlChar* tag_keys[TAG_SLOTS]
    cdef list tag_infos

    def __cinit__(self):
        self.runs = []
        self.spans = {}
        self.stack = []
        self.starts = []
        self.special = []
        self.parts = []
        self.lparts = []
        self.tag_infos = [None] * TAG_SLOTS

    cdef _Tag tag_of(self, tree.xmlNode* c_node):
        """The :class:`_Tag` of an element, remembered by name pointer (libxml2 keeps one
        copy of each name per document)."""
        cdef size_t slot
        cdef _Tag info
        if c_node.ns is not NULL:  # lxml spells it "{uri}name"
            return _Tag(elementFactory(self.doc, c_node).tag)
        slot = (<size_t>c_node.name >> 3) % TAG_SLOTS
        if self.tag_keys[slot] == c_node.name:
            return <_Tag>self.tag_infos[slot]
        info = _Tag(_decode(<const char*>c_node.name))
        self.tag_keys[slot] = c_node.name
        self.tag_infos[slot] = info
        return info

    cdef void add_text(self, tree.xmlNode** at):
        """Read the run of text nodes at ``at[0]`` (an element's text or tail) into
        the current run."""
        cdef tree.xmlNode* node = at[0]
        cdef const unsigned char* c
        cdef str text
        if node is NULL or not _is_text(node):
            return
        if node.next is NULL or not _is_text(node.next):  # nearly always one node
            at[0] = node.next
            c = <const unsigned char*>node.content
            if c is NULL or c[0] == 0:
                return
            while c[0] == 32 or 9 <= c[0] <= 13:
                c += 1
            if c[0] == 0:  # ASCII whitespace: its length and kind make no difference
                self.parts.append(" ")
                if self.in_link:
                    self.lparts.append(" ")
                return
            text = _decode(<const char*>node.content)
        else:
            text = _text_from(at)
            if not text:
                return
        self.content = True
        self.parts.append(text)
        if self.in_link:
            self.lparts.append(text)

    cdef flush(self):
        cdef str raw
        cdef Py_ssize_t lchars = 0, tchars = 0
        if not self.content:  # the whitespace between block tags: most flushes
            self.parts.clear()
            self.lparts.clear()
            return
        self.content = False
        raw = "".join(self.parts)
        if raw.isspace():
            self.parts.clear()
            self.lparts.clear()
            return
        if self.lparts:
            for piece in self.lparts:
                lchars += len(piece.strip())
            for piece in self.parts:
                tchars += len(piece.strip())
        self.parts.clear()
        self.lparts.clear()
        if not self.stack:
            return
        owner = self.stack[-1]
        kind = self.special[-1] if self.special else "paragraph"
        if BR in raw:
            for text, lines in br_texts(raw):
                link_chars = int(lchars * len(text) / tchars) if lchars and tchars else 0
                self.runs.append(Run(text, owner, kind, owner.tag, link_chars, self.counter,
                                     lines))
            return
        for text in run_texts(raw):
            link_chars = int(lchars * len(text) / tchars) if lchars and tchars else 0
            self.runs.append(Run(text, owner, kind, owner.tag, link_chars, self.counter))

    cdef bint skips(self, tree.xmlNode* c_node, _Tag info) except -1:
        """Whether the element's subtree is left out (the Python walk's start event)."""
        cdef tree.xmlAttr* attr = c_node.properties
        cdef str cls = None, ident = None
        cdef bint rare = False, fallback = False
        cdef int verdict
        cdef const char* name
        cdef _Element el = None
        while attr is not NULL:
            name = <const char*>attr.name
            if attr.ns is not NULL:
                pass
            elif cls is None and strcmp(name, "class") == 0:
                cls = _attr_value(attr)
                fallback |= cls is None
            elif ident is None and strcmp(name, "id") == 0:
                ident = _attr_value(attr)
                fallback |= ident is None
            elif (strcmp(name, "hidden") == 0 or strcmp(name, "aria-hidden") == 0
                  or strcmp(name, "style") == 0 or strcmp(name, "role") == 0):
                rare = True
            attr = attr.next
        if fallback:  # an attribute value lxml would have to piece together
            el = elementFactory(self.doc, c_node)
            cls = el.get("class")
            ident = el.get("id")
        if cls is None and ident is None:
            verdict = V_NO
        else:
            key = (info.tag, cls, ident)
            found = self.verdicts.get(key)
            if found is None:
                found = self.verdicts[key] = verdict_for(info.tag, cls, ident)
            verdict = found
        if rare:
            if el is None:
                el = elementFactory(self.doc, c_node)
            role = el.get("role")
            if hidden_attrs(el.attrib, info.tag):
                return True
            if role and role.strip().lower() in SKIP_ROLES and not info.flags & F_STORY:
                if not _holds(c_node, True):
                    return True
        if verdict == V_HIDDEN:
            return True
        if info.flags & F_SECTIONING:
            return not _holds(c_node, True)
        if info.flags & F_HEADER and not self.article_depth:
            return not _holds(c_node, True)  # holds the story, or an <h1>
        if verdict == V_NEXT_STORY:
            return self.seen_h1
        if verdict == V_NO:
            return False
        # walk._decide, on the C nodes
        if verdict == V_YES or verdict == V_COMMENT_ID:
            return True
        if verdict == V_SKIP_WORD:
            return not _holds(c_node, True)
        if verdict == V_SOFT_SKIP_WORD:
            return not _holds(c_node, True) and not HOLDS_PARAGRAPHS(
                elementFactory(self.doc, c_node))
        return not _holds(c_node, False)

    cdef element(self, tree.xmlNode* c_node, int depth):
        """The Python walk's events for one element and its subtree (not its tail)."""
        if depth > MAX_DEPTH:
            raise _TooDeep
        cdef _Tag info = self.tag_of(c_node)
        cdef int flags = info.flags
        cdef tree.xmlNode* child
        cdef _Element el
        if flags & F_SKIP or ((c_node.properties is not NULL or flags & (F_SECTIONING | F_HEADER))
                              and self.skips(c_node, info)):
            return
        child = c_node.children
        if flags & F_BR:
            self.parts.append(BR)
            self.content = True
            _text_from(&child)  # a <br> has no text of its own to read
        else:
            if flags & F_H1:
                self.seen_h1 = True
            if flags & F_BLOCK:
                if self.parts:
                    self.flush()
                self.counter += 1
                el = elementFactory(self.doc, c_node)
                self.stack.append(el)
                self.starts.append(self.counter)
                if info.kind != "paragraph":
                    self.special.append(info.kind)
                if flags & F_STORY:
                    self.article_depth += 1
            elif flags & F_LINK:
                self.in_link += 1
            self.add_text(&child)
        while child is not NULL:
            if child.type == tree.XML_ELEMENT_NODE:
                self.element(child, depth + 1)
            child = child.next
            self.add_text(&child)
        if flags & F_BLOCK:
            if self.parts:
                self.flush()
            self.counter += 1
            el = self.stack.pop()
            if info.kind != "paragraph":
                self.special.pop()
            self.spans[el] = (self.starts.pop(), self.counter)
            if flags & F_STORY:
                self.article_depth -= 1
        elif flags & F_LINK:
            self.in_link -= 1


def walk(_Element body not None):
    """(runs in reading order, pre-order span of every block element) under ``body``:
    :func:`newscrawl.extraction.walk.walk`, compiled."""
    cdef _Walker w = _Walker()
    cdef tree.xmlNode* after
    w.doc = body._doc
    w.verdicts = _py.VERDICTS
    if len(w.verdicts) > _py.MAX_VERDICTS:
        w.verdicts.clear()
    if body._c_node.type == tree.XML_ELEMENT_NODE:
        try:
            w.element(body._c_node, 0)
        except _TooDeep:  # a tree built deeper than any parse gives: the Python walk has no limit
            return _py.walk(body)
    after = body._c_node.next
    w.add_text(&after)
    if w.parts:
        w.flush()
    return w.runs, w.spans
