"""Date strings from metadata and markup → ISO 8601, keeping the page's offset.

Inputs seen in the wild: ISO 8601 with or without ``T``, ``Z``, fractions,
``+0200`` style offsets, RFC 2822 (``Fri, 03 May 2024 15:47:42 +0200``),
``2024/05/03``, ``03.05.2024 15:47``, ``May 3, 2024``, ``3 May 2024``, Unix
timestamps (seconds or milliseconds) and compact ``20240503``.

:func:`parse_date` reads what the page wrote: ``datetime.isoformat()`` with a date only
when no time is given and an offset only when the source has one.
:func:`normalize_date` turns that into the one form an item's dates have
(:data:`ITEM_DATE`): ``YYYY-MM-DDTHH:MM:SS±HH:MM``. The page's own offset is kept (its
calendar day is the one its readers saw); a time without a zone is taken as UTC and a bare
date as midnight UTC (a page's zone is not knowable from the page alone, and UTC is what
a reader of the column assumes); fractions of a second are dropped. The page's text stays
in the item's ``published_raw``/``modified_raw``, so nothing is lost.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
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
           S: str | None = None, f: str | None = None, tz: str | None = None) -> str | None:
    try:
        if H is None:
            return date(int(y), int(m), int(d)).isoformat()
        micro = int((f or "0")[:6].ljust(6, "0"))
        dt = datetime(int(y), int(m), int(d), int(H), int(M or 0), int(S or 0), micro,
                      tzinfo=_tz(tz))
    except (ValueError, OverflowError):
        return None
    return dt.isoformat()


def parse_date(value: str | None) -> str | None:
    """An ISO 8601 string for a date found in metadata or markup, or None.

    >>> parse_date("2024-05-03T15:47:42.389Z")
    '2024-05-03T15:47:42.389000+00:00'
    >>> parse_date("Fri, 03 May 2024 17:47:42 +0200")
    '2024-05-03T17:47:42+02:00'
    >>> parse_date("03.05.2024, 17:47 Uhr")
    '2024-05-03T17:47:00'
    >>> parse_date("May 3, 2024")
    '2024-05-03'
    """
    if not value:
        return None
    value = value.strip()
    if not value or len(value) > 200:
        return None
    m = _ISO.search(value)
    if m:
        return _build(**m.groupdict())
    if _EPOCH.match(value):
        try:
            stamp = float(value)
            if stamp > 1e11:
                stamp /= 1000
            return datetime.fromtimestamp(stamp, tz=timezone.utc).isoformat()
        except (ValueError, OverflowError, OSError):
            return None
    m = _COMPACT.match(value)
    if m:
        return _build(**m.groupdict())
    if _RFC.match(value):
        try:
            return parsedate_to_datetime(value).isoformat()
        except (TypeError, ValueError, IndexError):
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
    return None


def normalize_date(value: str | None) -> str | None:
    """``value`` (any form :func:`parse_date` reads) in the item's one form, or None.

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
    iso = parse_date(value)
    if iso is None:
        return None
    if "T" in iso:
        moment = datetime.fromisoformat(iso)
    else:
        moment = datetime.combine(date.fromisoformat(iso), time())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.replace(microsecond=0).isoformat()
