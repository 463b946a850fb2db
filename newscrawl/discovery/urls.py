"""URL normalisation: one article, one key, whatever URL it was reached by.

Built on w3lib: :func:`w3lib.url.canonicalize_url` sorts the query and normalises
percent-encoding; on top of it we strip tracking parameters, map AMP twins to
their article, and treat ``http``/``https`` and ``www.``/bare host as one site.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

#: Query parameters that only track the visitor; removed from every URL.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
    "mc_cid", "mc_eid", "_ga", "_gl", "ocid", "cmpid", "cmp", "ito", "ncid", "sr_share",
    "smid", "smtyp", "mbid", "ref", "ref_src", "src", "at_medium", "at_campaign", "at_custom1",
    "at_custom2", "at_custom3", "at_custom4", "xtor", "wt_mc", "wt.mc_id", "s_cid", "share",
    "amp", "outputtype", "__twitter_impression", "fb_action_ids", "fb_action_types", "fb_source",
})
#: Prefixes of tracking parameters (``utm_source``, ``utm_medium``, ``pk_campaign`` …).
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "vero_", "oly_", "at_")

_AMP_SEGMENT = re.compile(r"/amp(?=/|$)", re.I)
_AMP_SUFFIX = re.compile(r"\.amp(?=\.html?$|$)", re.I)


def strip_tracking(url: str) -> str:
    """Remove tracking query parameters and the fragment.

    >>> strip_tracking("https://ex.com/a?id=3&utm_source=x&fbclid=1#top")
    'https://ex.com/a?id=3'
    """
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _is_tracking(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def site_of(url: str) -> str:
    """The site a URL belongs to: its host, lower-cased, without ``www.``.

    >>> site_of("https://WWW.Example.com:443/x")
    'example.com'
    """
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def de_amp(url: str) -> str:
    """Map an AMP twin to its article URL (``/amp/`` segment, ``.amp``, ``amp.`` host).

    >>> de_amp("https://amp.ex.com/news/2024/a-story/amp/")
    'https://ex.com/news/2024/a-story/'
    """
    parts = urlsplit(url)
    netloc = parts.netloc
    if netloc.lower().startswith("amp."):
        netloc = netloc[4:]
    path = _AMP_SUFFIX.sub("", _AMP_SEGMENT.sub("", parts.path))
    if parts.path.endswith("/") and not path.endswith("/"):
        path += "/"
    return urlunsplit((parts.scheme, netloc, path or "/", parts.query, parts.fragment))


#: A URL is keyed by several steps (spider, pipelines, store): each key is computed once.
_KEY_CACHE = 2048


@lru_cache(maxsize=_KEY_CACHE)
def url_key(url: str) -> str:
    """The deduplication key of a URL: one key for every way of reaching one article.

    Scheme, ``www.``, tracking parameters, fragments, AMP twins and a trailing
    slash do not change the key.

    >>> url_key("http://www.ex.com/a/?utm_source=rss") == url_key("https://ex.com/a")
    True
    """
    return _key(de_amp(strip_tracking(url)))


@lru_cache(maxsize=_KEY_CACHE)
def page_key(url: str) -> str:
    """Like :func:`url_key`, but an AMP twin keeps its own key: one key per page.

    Used to tell whether a page's ``rel=canonical`` points somewhere else.

    >>> page_key("http://www.ex.com/a.amp.html?utm_source=x") == page_key("https://ex.com/a.html")
    False
    >>> page_key("http://www.ex.com/a/?utm_source=x") == page_key("https://ex.com/a")
    True
    """
    return _key(strip_tracking(url))


def _key(url: str) -> str:
    url = canonicalize_url(url, keep_fragments=False)
    parts = urlsplit(url)
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("https", site_of(url) + _port(parts), path, parts.query, ""))


def _port(parts) -> str:
    return f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
