"""Types of the compiled module built from ``_speedups.pyx`` (mypy reads no ``.pyx``).

Each function is the twin of the one of :mod:`.walk` named in its docstring; keep the
signatures in step with the ``def`` lines of ``_speedups.pyx``.
"""

from lxml import etree

from .walk import Run

#: The lxml whose C API the module was compiled against.
LXML_VERSION: str

def run_texts(raw: str) -> list[str]: ...
def verdict_for(tag: str, cls: str | None, ident: str | None) -> int: ...
def walk(body: etree._Element) -> tuple[list[Run], dict[etree._Element, tuple[int, int]]]: ...
