"""The crawl's User-Agent: ``USER_AGENT`` with ``{contact}`` replaced by NEWSCRAWL_CONTACT_URL.

The placeholder is filled by a Scrapy add-on, not by ``Spider.update_settings``: since
Scrapy 2.13, ``scrapy crawl`` creates the crawler (running ``update_settings``) and then
hands it to ``CrawlerProcess.crawl``, which merges the process's settings into the
crawler's once more at their own priority. The project's ``USER_AGENT`` (priority
"project") then replaced the spider's filled-in value of the same priority, and every
request went out as ``newscrawl/0.1 (+{contact})``. Add-ons run after that merge, when the
crawler's settings are final (and for any spider: the preview commands' too), so the
User-Agent and robots.txt middlewares read the filled-in value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

PLACEHOLDER = "{contact}"


def fill_user_agent(template: str, contact: str) -> str:
    """``template`` with every ``{contact}`` replaced by ``contact``."""
    return template.replace(PLACEHOLDER, contact)


class ContactUserAgentAddon:
    """Fill ``{contact}`` in ``USER_AGENT`` with ``NEWSCRAWL_CONTACT_URL``.

    Kept at the priority ``USER_AGENT`` was set at, so ``-s USER_AGENT=…`` still wins
    over the project's value (and may use ``{contact}`` too).
    """

    def update_settings(self, settings: BaseSettings) -> None:
        template = settings.get("USER_AGENT") or ""
        if PLACEHOLDER in template:
            contact = settings.get("NEWSCRAWL_CONTACT_URL") or ""
            settings.set("USER_AGENT", fill_user_agent(template, contact),
                         priority=settings.getpriority("USER_AGENT") or "project")
