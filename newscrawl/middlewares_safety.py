"""Scrapy components that keep a crawl safe and account for every request that fails.

- :class:`PublicAddressResolver` (``TWISTED_DNS_RESOLVER``): the DNS resolver refuses
  to hand out private, loopback, link-local or metadata addresses, so no
  connection can reach them whatever name or redirect led there.
- :class:`SafetyMiddleware` (downloader middleware, before robots.txt): refuses
  non-http(s) schemes, literal non-public IPs and names resolving to them, and
  redirects that leave the crawl's sites. Each refusal is counted under
  ``newscrawl/skipped/<reason>`` and logged once per URL. Redirects pass through
  downloader middlewares again, so every hop is checked.
- :class:`FailureMiddleware`: gives requests without an errback one that counts
  the final failure (after retries) under ``newscrawl/failed/<reason>`` and logs
  one line per URL — timeouts, resets, DNS errors, HTTP 4xx/5xx, redirect loops,
  responses over ``DOWNLOAD_MAXSIZE`` (also when decompressed).
- :class:`CharsetMiddleware`: pages that declare no charset are decoded as a
  browser's detector would, not as windows-1252 whatever they hold.

``NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES = True`` turns the address checks off (tests
crawl 127.0.0.1). ``file://`` is allowed only when all the spider's start points
are ``file://`` URLs (the bundled samples).
"""

from __future__ import annotations

import logging
from types import MethodType
from typing import TYPE_CHECKING, Any

from scrapy import Request, signals
from scrapy import exceptions as scrapy_exceptions
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.resolver import CachingThreadedResolver
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer
from twisted.internet import error as txerror
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

from newscrawl.extraction.parse import sniff_encoding
from newscrawl.safety import is_file_crawl, is_public_address, parse_ip, unsafe_reason

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.internet.base import ReactorBase
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

ALLOW_SETTING = "NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES"
#: Appended to each ``unsafe-address`` refusal: how to crawl such an address on purpose.
_ALLOW_HINT = f" — not a public address; -s {ALLOW_SETTING}=True allows it"


class UnsafeAddressError(txerror.DNSLookupError):
    """A host name resolved to an address the crawl must not connect to."""


class PublicAddressResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing non-public addresses after resolution.

    Checking the resolved address (not the name) also stops DNS rebinding and
    names like ``127.0.0.1.nip.io`` or ``2130706433`` that point inwards.
    """

    def __init__(self, reactor: ReactorBase, cache_size: int, timeout: float,
                 allow_private: bool = False) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.allow_private = allow_private

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: ReactorBase) -> PublicAddressResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.allow_private = crawler.settings.getbool(ALLOW_SETTING)
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:
        d = super().getHostByName(name, timeout)
        # Literal addresses are judged by SafetyMiddleware against request URLs; a literal
        # here is the operator's own proxy (HTTPS_PROXY=http://127.0.0.1:3128), not a page's.
        if not self.allow_private and parse_ip(name) is None:
            d.addCallback(self._refuse_private, name)
        return d

    @staticmethod
    def _refuse_private(address: str, name: str) -> str:
        if not is_public_address(address):
            raise UnsafeAddressError(f"{name} resolves to non-public address {address}")
        return address


class SafetyMiddleware:
    """Refuse unsafe schemes and addresses, and redirects that leave the crawl's sites."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.allow_private = crawler.settings.getbool(ALLOW_SETTING)
        self._allow_file: bool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SafetyMiddleware:
        return cls(crawler)

    def allow_file(self) -> bool:
        """``file://`` only for a crawl whose own start points are all files."""
        if self._allow_file is None:
            spider = self.crawler.spider
            points = [*getattr(spider, "start_urls", ()), *getattr(spider, "feeds", ()),
                      *getattr(spider, "sitemaps", ())]
            self._allow_file = is_file_crawl(points)
        return self._allow_file

    async def process_request(self, request: Request) -> None:
        reason = unsafe_reason(request.url, allow_private=self.allow_private,
                               allow_file=self.allow_file())
        if reason is None and request.meta.get("redirect_urls"):
            on_site = getattr(self.crawler.spider, "on_site", None)
            if callable(on_site) and not on_site(request.url):
                reason = "off-site-redirect"
        if reason is None and not self.allow_private and request.url.lower().startswith("http"):
            reason = await self._resolved_reason(request)
        if reason is not None:
            self.crawler.stats.inc_value(f"newscrawl/skipped/{reason}")
            logger.info("refused (%s): %s%s", reason, request.url,
                        _ALLOW_HINT if reason == "unsafe-address" else "")
            raise IgnoreRequest(f"newscrawl safety: {reason}")

    async def _resolved_reason(self, request: Request) -> str | None:
        """``unsafe-address`` when the host name resolves to a non-public address."""
        from scrapy.utils.httpobj import urlparse_cached
        from twisted.internet import reactor
        host = urlparse_cached(request).hostname or ""
        if parse_ip(host) is not None:
            return None  # literal addresses were judged already
        try:
            # (zope.interface declares IReactorCore.resolve without self: mypy reads ``host``
            # as the self argument unless the mypy-zope plugin is used)
            address = await maybe_deferred_to_future(
                reactor.resolve(host))  # type: ignore[arg-type]
        except UnsafeAddressError:
            return "unsafe-address"
        except Exception:  # noqa: BLE001 - unresolvable: the download fails and is counted
            return None
        return None if is_public_address(address) else "unsafe-address"


def failure_reason(exc: BaseException) -> str | None:
    """A short reason for a failed request, or None for a deliberate skip.

    >>> failure_reason(IgnoreRequest("max redirections reached"))
    'redirect-loop'
    """
    if isinstance(exc, HttpError):
        return f"http-{exc.response.status}"
    if isinstance(exc, IgnoreRequest):
        message = str(exc)
        if "max redirections" in message:
            return "redirect-loop"
        if "DOWNLOAD_MAXSIZE" in message:
            return "too-large"
        return None  # robots.txt, off-site, our own safety refusals: skips, counted there
    for classes, reason in _REASONS:
        if isinstance(exc, classes):
            return reason
    return "error-" + type(exc).__name__.lower()


def _scrapy_error(name: str) -> type[BaseException]:
    """Scrapy's own download exception ``name`` (Scrapy 2.14+), else one nothing raises."""
    return getattr(scrapy_exceptions, name, type(name, (Exception,), {}))


_REASONS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((_scrapy_error("DownloadTimeoutError"), txerror.TimeoutError, defer.TimeoutError),
     "timeout"),
    ((_scrapy_error("CannotResolveHostError"), txerror.DNSLookupError), "dns"),
    ((_scrapy_error("DownloadConnectionRefusedError"), txerror.ConnectionRefusedError),
     "connection-refused"),
    ((_scrapy_error("DownloadCancelledError"), defer.CancelledError), "too-large"),
    ((_scrapy_error("ResponseDataLossError"), ResponseFailed, ResponseNeverReceived,
      txerror.ConnectionLost, txerror.ConnectionDone, _scrapy_error("DownloadFailedError")),
     "connection-lost"),
)


class FailureMiddleware:
    """Count and log, once per URL, each request that finally fails.

    Download errors and error responses reach a request's errback only after
    the retry middleware has given up, and so do redirect loops and bodies over
    the size limits, which no ``process_exception`` sees. Requests that have no
    errback of their own get the spider's ``newscrawl_failed``: a method bound to
    the spider here, so that requests stay serialisable for ``JOBDIR`` (Scrapy
    stores an errback as the name of a spider method).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FailureMiddleware:
        mw = cls(crawler)
        RobotsFailureFilter.install()
        # Bound before a resumed JOBDIR queue is read: its requests name the errback.
        crawler.signals.connect(mw.bind, signal=signals.spider_opened)
        return mw

    def bind(self, spider: Any) -> None:
        if getattr(spider, ERRBACK_NAME, None) is None:
            setattr(spider, ERRBACK_NAME, MethodType(count_failure, spider))

    def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        if request.errback is None and spider is not None:
            self.bind(spider)
            request.errback = getattr(spider, ERRBACK_NAME)


ERRBACK_NAME = "newscrawl_failed"


def count_failure(spider: Any, failure: Failure) -> None:
    """Errback: count ``newscrawl/failed/<reason>`` and log one line; skips pass silently."""
    request = getattr(failure, "request", None)
    url = request.url if request is not None else "?"
    reason = failure_reason(failure.value)
    if reason is None:
        return
    spider.crawler.stats.inc_value(f"newscrawl/failed/{reason}")
    logger.warning("failed (%s): %s%s", reason, url, _detail(failure.value, reason))
    return


class RobotsFailureFilter(logging.Filter):
    """One INFO line, not an ERROR with a traceback, when a robots.txt cannot be fetched.

    Scrapy's ``RobotsTxtMiddleware`` logs every failed robots.txt download with its
    traceback, though a site that is down or a name that does not resolve is no bug: the
    pages' own requests then fail and are counted (``newscrawl/failed/<reason>``).
    Failures of another kind (an ``error-…`` reason) keep Scrapy's record untouched.
    """

    LOGGER = "scrapy.downloadermiddlewares.robotstxt"

    @classmethod
    def install(cls) -> None:
        """Add the filter to Scrapy's robots.txt logger, once per process."""
        target = logging.getLogger(cls.LOGGER)
        if not any(isinstance(f, cls) for f in target.filters):
            target.addFilter(cls())

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        exc = args.get("f_exception") if isinstance(args, dict) else None
        reason = failure_reason(exc) if isinstance(exc, BaseException) else None
        if reason is None or reason.startswith("error-"):
            return True
        request = args.get("request") if isinstance(args, dict) else None
        url = getattr(request, "url", "?")
        record.msg = "robots.txt not fetched (%s) for %s: its pages are tried as allowed"
        record.args = (reason, url)
        record.exc_info = record.exc_text = None
        record.levelno, record.levelname = logging.INFO, "INFO"
        return True


class CharsetMiddleware:
    """Decode pages that declare no charset as a browser would (see ``sniff_encoding``).

    Scrapy reads an undeclared non-UTF-8 page as windows-1252, which garbles
    Shift_JIS, GB18030 or windows-1251; a declared charset (header, BOM,
    ``<meta>``) is left alone, also when it is wrong — browsers obey it too.
    """

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, HtmlResponse):
            return response
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        body = response.body
        if (http_content_type_encoding(ctype) or read_bom(body)[0]
                or html_body_declared_encoding(body)):
            return response
        return response.replace(encoding=sniff_encoding(body))


def _detail(exc: BaseException, reason: str) -> str:
    if reason.startswith("http-"):
        return ""
    text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return f" — {text}" if text else ""
