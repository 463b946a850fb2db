"""The one exception class for mistakes of the person who started a crawl.

A spider argument newscrawl does not know, an ``-a since=`` it cannot read, a sites file
that is missing or broken, a setting with an impossible value: these are not bugs, and a
traceback through Scrapy's start-up machinery only hides the message. Raise
:class:`UserError` (or a subclass) with a message that says what is wrong and how to fix
it; the ``crawl`` command (:mod:`newscrawl.commands.crawl`) prints it as one line,
``newscrawl: error: …``, and exits with status 2. Any other exception is a bug and keeps
its traceback.

No Scrapy import here: the discovery and extraction layers raise it too.
"""

from __future__ import annotations


class UserError(ValueError):
    """A mistake in how the crawl was started: its message alone is shown, exit status 2.

    A :class:`ValueError`, so that code catching bad values keeps working.
    """
