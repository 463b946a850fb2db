"""The one place that loads extraction's compiled module, ``_speedups``, or leaves it out.

``_speedups.pyx`` holds the compiled twin of the body walk (:func:`.walk.walk`), built by
``setup.py`` where a C compiler is. It reads lxml's C structures, so it is used only with
the lxml it was compiled against; it is left out, and the pure-Python walk runs with the
same results more slowly, when:

- ``NEWSCRAWL_PURE_PYTHON`` is set (to anything but "" or "0");
- it was not built (no C compiler at install, or a ``scrapyd-deploy`` egg);
- the lxml imported is not the one it was built against (a warning says so), or it
  does not load for another reason (a warning too).

:data:`SPEEDUPS` says which walk runs; the crawl logs it and puts it in the stats
(``newscrawl/speedups``).
"""

from __future__ import annotations

import os
import warnings
from types import ModuleType

from lxml import etree

from . import walk as _python

#: The setting that turns the compiled module off.
PURE_PYTHON_ENV = "NEWSCRAWL_PURE_PYTHON"


def load() -> ModuleType | None:
    """The compiled module if it is built, wanted and made for the lxml imported; else None."""
    if os.environ.get(PURE_PYTHON_ENV, "") not in ("", "0"):
        return None
    try:
        from . import _speedups
    except ModuleNotFoundError:  # not built: the install had no C compiler
        return None
    except Exception as exc:  # built, but it does not load here
        _warn(f"it does not load ({exc!r})")
        return None
    built_for = getattr(_speedups, "LXML_VERSION", None)
    if built_for != etree.__version__:
        _warn(f"it was built against lxml {built_for} and lxml {etree.__version__} is "
              "imported (reinstall newscrawl to rebuild it)")
        return None
    return _speedups


def _warn(why: str) -> None:
    warnings.warn(f"newscrawl's compiled walk is not used: {why}; running the pure-Python "
                  "walk, which gives the same results more slowly", RuntimeWarning, stacklevel=3)


_module = load()
#: Whether the compiled walk runs.
SPEEDUPS: bool = _module is not None
#: The body walk extraction uses: the compiled twin, or :func:`.walk.walk`.
walk = _module.walk if _module is not None else _python.walk
