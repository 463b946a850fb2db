"""Date values (pages, feeds, sitemaps, the store, ``-a since=``) → aware datetimes and
the item's one ISO 8601 form.

Inputs seen in the wild: ISO 8601 with or without ``T``, ``Z``, fractions,
``+0200`` style offsets, RFC 2822 (``Fri, 03 May 2024 15:47:42 +0200``),
``2024/05/03``, ``03.05.2024 15:47``, ``May 3, 2024``, ``3 May 2024``, Unix
timestamps (seconds or milliseconds) and compact ``20240503``.

One reader of date values, :func:`parse_datetime`, serves every caller: pages'
metadata and markup, feeds, sitemaps, the store's dates and ``-a since=``. It gives an
aware :class:`~datetime.datetime`: the source's own offset when it has one, else UTC (a time
without a zone is taken as UTC and a bare date as midnight UTC: a page's zone is not
knowable from the page alone, and UTC is what a reader of the column assumes). Years
outside 1900-2099 are no date (``0001-01-01`` is a placeholder).
:func:`normalize_date` writes that moment in the one form an item's dates have
(:data:`ITEM_DATE`): ``YYYY-MM-DDTHH:MM:SS±HH:MM``, the page's offset kept (its calendar
day is the one its readers saw), fractions of a second dropped. The page's text stays
in the item's ``published_raw``/``modified_raw``, so nothing is lost.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

_ISO = re.compile(
    r"(?P<y>(?:19|20)\d\d)-(?P<m>\d\d?)-(?P<d>\d\d?)"
    r"(?:[T\s]+(?P<H>\d\d?):(?P<M>\d\d)(?::(?P<S>\d\d)(?:[.,](?P<f>\d+))?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d\d:?\d\d|[+-]\d\d(?!\d))?)?")
_SLASH_YMD = re.compile(r"(?P<y>(?:19|20)\d\d)[/.](?P<m>\d\d?)[/.](?P<d>\d\d?)"
                        r"(?:[T\s,]+(?P<H>\d\d?):(?P<M>\d\d)(?::(?P<S>\d\d))?)?")
_DMY = re.compile(r"(?<!\d)(?P<d>\d\d?)\.\s?(?P<m>\d\d?)\.\s?(?P<y>(?:19|20)\d\d)"
                  r"(?:[\s,|-]+(?:um\s+)?(?P<H>\d\d?)[:.](?P<M>\d\d)(?::(?P<S>\d\d))?)?")
_COMPACT = re.compile(r"^(?P<y>(?:19|20)\d\d)(?P<m>\d\d)(?P<d>\d\d)(?:T?(?P<H>\d\d)(?P<M>\d\d)(?P<S>\d\d)?)?$")
_EPOCH = re.compile(r"^\d{9,13}(?:\.\d+)?$")
_RFC = re.compile(r"^[A-Za-z]{3},?\s+\d\d?\s+[A-Za-z]{3}\s+\d{4}")
#: RFC 5322 without the day of the week: only with a time and a zone, so that a page's
#: "3 May 2024 5:47 pm" is left to the patterns that read "pm".
_RFC_ZONED = re.compile(r"^\d\d?\s+[A-Za-z]{3}\s+\d{4}\s+\d\d?:\d\d(?::\d\d)?\s*"
                        r"(?:[+-]\d{4}|GMT|UTC?|Z|[ECMP][SD]T)$")

#: The one form of every date an item carries (``published``, ``modified``, ``crawled_at``).
ITEM_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")

_MONTHS = {
    # English, German, French, Spanish, Italian, Portuguese, Dutch (full and short forms)
    "january": 1, "jan": 1, "januar": 1, "janvier": 1, "enero": 1, "gennaio": 1, "janeiro": 1,
    "januari": 1, "jänner": 1,
    "february": 2, "feb": 2, "februar": 2, "février": 2, "fevrier": 2, "febrero": 2,
    "febbraio": 2, "fevereiro": 2, "februari": 2,
    "march": 3, "mar": 3, "märz": 3, "maerz": 3, "mars": 3, "marzo": 3, "março": 3, "maart": 3,
    "april": 4, "apr": 4, "avril": 4, "abril": 4, "aprile": 4,
    "may": 5, "mai": 5, "mayo": 5, "maggio": 5, "maio": 5, "mei": 5,
    "june": 6, "jun": 6, "juni": 6, "juin": 6, "junio": 6, "giugno": 6, "junho": 6,
    "july": 7, "jul": 7, "juli": 7, "juillet": 7, "julio": 7, "luglio": 7, "julho": 7,
    "august": 8, "aug": 8, "août": 8, "aout": 8, "agosto": 8, "augustus": 8,
    "september": 9, "sep": 9, "sept": 9, "septembre": 9, "septiembre": 9, "settembre": 9,
    "setembro": 9,
    "october": 10, "oct": 10, "oktober": 10, "octobre": 10, "octubre": 10, "ottobre": 10,
    "outubro": 10, "okt": 10,
    "november": 11, "nov": 11, "novembre": 11, "noviembre": 11, "novembro": 11,
    "december": 12, "dec": 12, "dezember": 12, "décembre": 12, "decembre": 12,
    "diciembre": 12, "dicembre": 12, "dezembro": 12, "dez": 12,
}
_MONTH_WORD = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_TEXT_MDY = re.compile(rf"\b(?P<mon>{_MONTH_WORD})\.?\s+(?P<d>\d\d?)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)", re.I)
_TEXT_DMY = re.compile(rf"\b(?P<d>\d\d?)(?:st|nd|rd|th)?\.?\s+(?:de\s+)?(?P<mon>{_MONTH_WORD})\.?,?\s+(?:de\s+)?(?P<y>(?:19|20)\d\d)", re.I)
_TIME = re.compile(r"\b(?P<H>\d\d?)[:.h](?P<M>\d\d)(?:\s*(?P<ampm>[ap])\.?m\.?)?", re.I)
_CJK = re.compile(r"(?P<y>(?:19|20)\d\d)\s*[年년]\s*(?P<m>\d\d?)\s*[月월]\s*(?P<d>\d\d?)\s*[日일]?"
                  r"(?:\D{0,6}?(?P<H>\d\d?)[:時시]\s*(?P<M>\d\d))?")


def _tz(value: str | None) -> timezone | None:
    if not value:
        return None
    if value in ("Z", "UTC", "GMT"):
        return timezone.utc
    sign = -1 if value[0] == "-" else 1
    digits = value[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 14 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _build(y: str, m: str | int, d: str, H: str | None = None, M: str | None = None,
           S: str | None = None, f: str | None = None, tz: str | None = None) -> datetime | None:
    """The moment the parts name: naive when they give no zone, midnight for a bare date."""
    try:
        micro = int((f or "0")[:6].ljust(6, "0"))
        return datetime(int(y), int(m), int(d), int(H or 0), int(M or 0), int(S or 0), micro,
                        tzinfo=_tz(tz))
    except (ValueError, OverflowError):
        return None


def _in_range(moment: datetime) -> datetime | None:
    """``moment`` when its year is one the patterns read (1900-2099), else None: a
    placeholder such as ``0001-01-01T00:00:00Z`` is no date."""
    return moment if 1900 <= moment.year <= 2099 else None


def _read(value: str) -> datetime | None:
    """What the page wrote, naive when it gives no zone (``value`` stripped, non-empty)."""
    if _EPOCH.match(value):
        try:
            stamp = float(value)
            if stamp > 1e11:
                stamp /= 1000
            return datetime.fromtimestamp(stamp, tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            return None
    try:  # strict ISO 8601 first: W3C datetimes, week dates, an hour without minutes
        return _in_range(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        pass
    m = _ISO.search(value)
    if m:
        return _build(**m.groupdict())
    m = _COMPACT.match(value)
    if m:
        return _build(**m.groupdict())
    if _RFC.match(value) or _RFC_ZONED.match(value):
        try:
            return _in_range(parsedate_to_datetime(value))
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    for rx in (_SLASH_YMD, _DMY, _CJK):
        m = rx.search(value)
        if m:
            return _build(**m.groupdict())
    for rx in (_TEXT_MDY, _TEXT_DMY):
        m = rx.search(value)
        if m:
            month = _MONTHS.get(m["mon"].lower())
            if not month:
                continue
            t = _TIME.search(value, m.end())
            if t:
                hour = int(t["H"])
                if t["ampm"]:
                    hour = hour % 12 + (12 if t["ampm"].lower() == "p" else 0)
                return _build(m["y"], month, m["d"], str(hour), t["M"])
            return _build(m["y"], month, m["d"])
    try:  # the other forms of RFC 5322 / RFC 850 (``Friday, 03-May-24 10:00:00 GMT``)
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    # ... only with a zone it knows: "Fri Apr 28 19:20:36 CEST 2023" (a zone it does not
    # know) would be read as 19:20 UTC, two hours late; a later candidate says better.
    return _in_range(moment) if moment.tzinfo is not None else None


def parse_datetime(value: str | None) -> datetime | None:
    """The moment a date in metadata, markup, a feed or a sitemap names, or None: the one
    reader of date values. The result is aware: the source's offset when it gives one,
    else UTC (a time without a zone is taken as UTC, a bare date as its midnight UTC).

    >>> parse_datetime("2024-05-03T15:47:42.389Z").isoformat()
    '2024-05-03T15:47:42.389000+00:00'
    >>> parse_datetime("Fri, 03 May 2024 17:47:42 +0200").isoformat()
    '2024-05-03T17:47:42+02:00'
    >>> parse_datetime("03.05.2024, 17:47 Uhr").isoformat()
    '2024-05-03T17:47:00+00:00'
    >>> parse_datetime("May 3, 2024").isoformat()
    '2024-05-03T00:00:00+00:00'
    """
    if not value:
        return None
    value = value.strip()
    if not value or len(value) > 200:
        return None
    moment = _read(value)
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment


def normalize_date(value: str | None) -> str | None:
    """``value`` (any form :func:`parse_datetime` reads) in the item's one form, or None.

    ISO 8601 to the second with an explicit offset: the page's own offset when it gives
    one, else UTC (a time without a zone is taken as UTC, a bare date as its midnight
    UTC); fractions of a second are dropped. One form means one parse: e.g.
    ``pandas.to_datetime(column, utc=True)`` reads a whole crawl's column.

    >>> normalize_date("2024-05-03T17:47:42.389+02:00")
    '2024-05-03T17:47:42+02:00'
    >>> normalize_date("03.05.2024, 17:47 Uhr")
    '2024-05-03T17:47:00+00:00'
    >>> normalize_date("May 3, 2024")
    '2024-05-03T00:00:00+00:00'
    """
    moment = parse_datetime(value)
    return None if moment is None else moment.replace(microsecond=0).isoformat()
