"""Spider contracts for ``scrapy check``.

``@sample PATH`` points a callback's contract at a page of the bundled samples/
site, wherever the checkout is (``@url`` needs an absolute URL).
"""

from __future__ import annotations

from typing import Any

from scrapy.contracts import Contract


class SampleContract(Contract):
    """``@sample world/2024/05/story.html``: fetch that page of NEWSCRAWL_SAMPLES_DIR."""

    name = "sample"

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        from scrapy.utils.project import get_project_settings

        from newscrawl.spiders.news import samples_folder

        folder = samples_folder(get_project_settings().get("NEWSCRAWL_SAMPLES_DIR"))
        args["url"] = (folder / self.args[0]).as_uri()
        return args
