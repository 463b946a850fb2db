# cython: language_level=3
"""Compiled twins of the extraction passes that visit every element of a page.

- :func:`walk`, :func:`newscrawl.extraction.walk.walk`'s twin, with :func:`run_texts` and
  :func:`verdict_for`, the twins of :func:`~newscrawl.extraction.walk.run_texts` and of
  the first step of ``walk._verdict``;
- :func:`byline_elements`, the pass of ``core._byline_elements``;
- :func:`utf8_flags`, the twin of :func:`newscrawl.extraction.parse.python_utf8_flags`:
  whether a page's bytes are valid UTF-8 (and ASCII, and hold control bytes), found in
  one pass that decodes nothing;
- :func:`count_words`, the twin of :func:`newscrawl.extraction.model.count_words` for
  text that is not ASCII (its regular expressions visit each character in Python's
  ``re`` engine).

They read libxml2's nodes through lxml's public C API instead of asking lxml for an
element object, its tag, class, id, text and tail at every step (the Python passes'
whole cost). Element objects are made only for the elements a result holds and for
the rare elements that the Python helpers judge. The vocabulary (tag sets, word lists,
the characters ``normalize_text`` drops or spaces) is read from the Python modules at
import. Two checks are written again here, on the C nodes: the subtree tests of
``walk._decide`` (``_HAS_H1``, ``_HOLDS_STORY``: XPath in ``walk.py``), and the
verdict's class/id word search; keep them in step with the Python code.
``tests/test_speedups.py`` checks that each twin returns what the Python code returns.
"""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.unicode cimport (
    Py_UNICODE_ISALNUM,
    Py_UNICODE_ISSPACE,
    PyUnicode_4BYTE_KIND,
    PyUnicode_DATA,
    PyUnicode_DecodeUTF8,
    PyUnicode_FromKindAndData,
    PyUnicode_KIND,
    PyUnicode_READ,
)
from libc.stdint cimport uint64_t
from libc.string cimport memcmp, memcpy, memset, strcmp, strlen, strstr
from lxml.includes cimport tree
from lxml.includes.etreepublic cimport _Document, _Element, elementFactory, import_lxml__etree

import unicodedata as _unicodedata

from . import dom as _dom
from . import text as _text
from . import walk as _py

import_lxml__etree()

cdef object Run = _py.Run
cdef frozenset BLOCK_TAGS = _py.BLOCK_TAGS
cdef frozenset SKIP_TAGS = _py.SKIP_TAGS
cdef frozenset SKIP_ROLES = _py.SKIP_ROLES
cdef frozenset SECTIONING_SKIP = _py._SECTIONING_SKIP
cdef dict BLOCK_KIND = _py._BLOCK_KIND
cdef object verdict_of = _py._verdict
cdef object hidden_attrs = _py.hidden_attrs
cdef str BR = _py._BR
cdef int V_NO = _py._NO
cdef int V_HIDDEN = _py._HIDDEN
cdef int V_NEXT_STORY = _py._NEXT_STORY
cdef int V_YES = _py._YES
cdef int V_COMMENT_ID = _py._COMMENT_ID
cdef int V_SKIP_WORD = _py._SKIP_WORD
cdef int V_SOFT_SKIP_WORD = _py._SOFT_SKIP_WORD
cdef object HOLDS_PARAGRAPHS = _py._HOLDS_PARAGRAPHS


# ---- run texts: walk.run_texts ----

cdef object is_nfc = _unicodedata.is_normalized
cdef object to_nfc = _unicodedata.normalize

# What normalize_text does with each character, worked out from its own patterns.
cdef enum:
    C_KEEP = 0
    C_SPACE = 1  # whitespace, and the control characters it turns into spaces
    C_DROP = 2  # invisible characters
cdef unsigned char LATIN1[256]
for _c in range(256):
    LATIN1[_c] = (C_DROP if _text._INVISIBLE_RE.match(chr(_c))
                  else C_SPACE if chr(_c).isspace() or _text._CONTROL.match(chr(_c))
                  else C_KEEP)
if _text._CONTROL.search("".join(map(chr, range(256, 0x3000)))):
    raise ImportError("normalize_text's control characters are no longer all Latin-1")
cdef list _INVISIBLE_WIDE = sorted(ord(_c) for _c in _text._INVISIBLE_CHARS if ord(_c) > 255)
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


# ---- the class/id verdict's first step (walk._verdict), on the attribute bytes ----

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
    """``walk._verdict`` where the class and id alone settle it (hidden, or holding no
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
    """``walk._verdict(tag, cls, ident)``, its common outcomes decided here."""
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
    w.verdicts = _py._VERDICTS
    if len(w.verdicts) > _py._MAX_VERDICTS:
        w.verdicts.clear()
    if body._c_node.type == tree.XML_ELEMENT_NODE:
        try:
            w.element(body._c_node, 0)
        except _TooDeep:  # a tree built deeper than any parse gives: the Python walk has no limit
            return _py.python_walk(body)
    after = body._c_node.next
    w.add_text(&after)
    if w.parts:
        w.flush()
    return w.runs, w.spans


# ---- the byline scan: core._byline_elements ----

cdef bint _has_ci(const char* text, const char* word) noexcept:
    """Whether ``text`` holds the lower-case ASCII ``word`` in any letter case."""
    cdef const char* start = text
    cdef int i
    cdef char c
    while start[0] != 0:
        i = 0
        while word[i] != 0:
            c = start[i]
            if c == 0:
                return False
            if 65 <= c <= 90:
                c += 32
            if c != word[i]:
                break
            i += 1
        if word[i] == 0:
            return True
        start += 1
    return False


def byline_elements(_Element top not None, list itemprop, list rel, list author_links,
                    list bylines, is_author_href, is_byline_class):
    """:func:`newscrawl.extraction.core._byline_elements`'s pass over ``top`` and its
    descendants, on the C nodes: each list gets the elements the Python pass would put
    there, in document order.

    Attribute values are read only where a byte search finds what the Python test needs
    ("author" in an ``itemprop``/``rel``, "/aut" in a link, "yline" or "uthor" in any
    case in a class); those the Python tests (``is_author_href``, ``is_byline_class``)
    decide. An ASCII word is in a UTF-8 string's bytes exactly when it is in the
    string, and lower-casing a character outside ASCII never completes one of those
    words (of the letters in them, only "İ" lower-cases into ASCII: to "i" and a
    combining dot)."""
    cdef tree.xmlNode* node = top._c_node
    cdef tree.xmlNode* c_top = node
    cdef _Document doc = top._doc
    cdef _Element el
    while node is not NULL:
        if node.type == tree.XML_ELEMENT_NODE:
            if node.properties is not NULL:
                el = _candidate(doc, node, None, "itemprop", "author", NULL, False,
                                _author_token, itemprop)
                if _named(node, "a"):
                    el = _candidate(doc, node, el, "rel", "author", NULL, False,
                                    _author_token, rel)
                    el = _candidate(doc, node, el, "href", "/aut", NULL, False,
                                    is_author_href, author_links)
                _candidate(doc, node, el, "class", "yline", "uthor", True,
                           is_byline_class, bylines)
            if node.children is not NULL:
                node = node.children
                continue
        if node is c_top:
            break
        while node.next is NULL:
            node = node.parent
            if node is c_top or node is NULL:
                return
        node = node.next


def _author_token(str value):
    return "author" in value.split()


cdef _Element _candidate(_Document doc, tree.xmlNode* node, _Element el, const char* name,
                         const char* word, const char* other, bint any_case, test, list out):
    """Put the element in ``out`` when ``test`` (a Python function) passes the value of its
    attribute ``name``, asked only where the value's bytes hold ``word`` (or ``other``),
    in ``any_case`` or exactly. Returns the element object, made at most once an element."""
    cdef bint odd = False
    cdef const char* value = _attr_bytes(node, name, &odd)
    if not odd:
        if value is NULL:
            return el
        if any_case:
            if not (_has_ci(value, word) or (other is not NULL and _has_ci(value, other))):
                return el
        elif strstr(value, word) is NULL:
            return el
    if el is None:
        el = elementFactory(doc, node)
    text = el.get((<bytes>name).decode())
    if text and test(text):
        out.append(el)
    return el


# ---- the page's bytes: parse.utf8_flags ----

cdef enum:
    UTF8_VALID = 1
    UTF8_ASCII = 2
    UTF8_CONTROL = 4

cdef uint64_t HIGH_BITS = 0x8080808080808080ULL
cdef uint64_t SPACES = 0x2020202020202020ULL
# Unicode's table 3-7 by first byte: how many continuation bytes follow it (0: not a first
# byte), and the range of the first of them (the others are all 0x80-0xBF).
cdef unsigned char UTF8_EXTRA[256]
cdef unsigned char UTF8_LOW[256]
cdef unsigned char UTF8_HIGH[256]
for _c in range(256):
    UTF8_EXTRA[_c] = 1 if 0xC2 <= _c <= 0xDF else 2 if 0xE0 <= _c <= 0xEF else 3 if 0xF0 <= _c <= 0xF4 else 0
    UTF8_LOW[_c] = {0xE0: 0xA0, 0xF0: 0x90}.get(_c, 0x80)
    UTF8_HIGH[_c] = {0xED: 0x9F, 0xF4: 0x8F}.get(_c, 0xBF)


def utf8_flags(bytes data not None, bytes controls not None):
    """:func:`newscrawl.extraction.parse.utf8_flags`'s twin: one pass over ``data`` that
    tells whether it is valid UTF-8 (as Python's strict decoder has it: no overlong
    forms, no surrogates, nothing past U+10FFFF), all ASCII, and whether it holds one
    of the bytes in ``controls`` (which must all be below 0x20). Eight bytes at a time
    while they are ASCII with no byte below 0x20; the flags of invalid data are 0."""
    cdef const unsigned char* s = <const unsigned char*>PyBytes_AS_STRING(data)
    cdef Py_ssize_t n = PyBytes_GET_SIZE(data), i = 0, k
    cdef const unsigned char* ctl = <const unsigned char*>PyBytes_AS_STRING(controls)
    cdef unsigned char is_control[256]
    cdef unsigned char c
    cdef uint64_t w
    cdef int flags = UTF8_ASCII, extra
    memset(is_control, 0, 256)
    for k in range(PyBytes_GET_SIZE(controls)):
        if ctl[k] >= 32:
            raise ValueError("control bytes must be below 0x20")
        is_control[ctl[k]] = 1
    while i < n:
        if i + 8 <= n:
            memcpy(&w, s + i, 8)
            if w & HIGH_BITS == 0:
                if (w - SPACES) & ~w & HIGH_BITS and not flags & UTF8_CONTROL:
                    for k in range(i, i + 8):  # a byte below 0x20: a newline, mostly
                        if is_control[s[k]]:
                            flags |= UTF8_CONTROL
                            break
                i += 8
                continue
        c = s[i]
        if c < 0x80:
            if is_control[c]:
                flags |= UTF8_CONTROL
            i += 1
            continue
        flags &= ~UTF8_ASCII
        extra = UTF8_EXTRA[c]
        if extra == 0 or i + extra >= n or not UTF8_LOW[c] <= s[i + 1] <= UTF8_HIGH[c]:
            return 0
        for k in range(i + 2, i + 1 + extra):
            if not 0x80 <= s[k] <= 0xBF:
                return 0
        i += 1 + extra
    return flags | UTF8_VALID


# ---- word counts: model.count_words ----

def count_words(str text not None, tuple unspaced not None):
    """:func:`newscrawl.extraction.model.count_words`' twin for any text: the runs of
    ``\\w`` characters (what ``re`` takes for one: ``str.isalnum()`` or "_"), where each
    character of a script written without spaces is a word of its own. ``unspaced`` holds
    those scripts' ranges, first and last code point of each in turn (``_UNSPACED``)."""
    cdef Py_ssize_t n_ranges = len(unspaced), i, r, count = 0
    cdef Py_UCS4 ranges[32]
    cdef Py_UCS4 c
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef bint in_word = False, unspaced_char
    if n_ranges > 32 or n_ranges % 2:
        raise ValueError("expected at most 16 (first, last) pairs")
    for r in range(n_ranges):
        ranges[r] = unspaced[r]
    for i in range(len(text)):
        c = PyUnicode_READ(kind, data, i)
        if c < 128:
            if ASCII_WORD[c]:
                if not in_word:
                    count += 1
                    in_word = True
            else:
                in_word = False
            continue
        unspaced_char = False
        for r in range(0, n_ranges, 2):
            if ranges[r] <= c <= ranges[r + 1]:
                unspaced_char = True
                break
        if unspaced_char:
            count += 1
            in_word = False
        elif Py_UNICODE_ISALNUM(c):
            if not in_word:
                count += 1
                in_word = True
        else:
            in_word = False
    return count


cdef unsigned char ASCII_WORD[128]
for _c in range(128):
    ASCII_WORD[_c] = chr(_c).isalnum() or _c == 0x5F
