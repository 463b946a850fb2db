"""Dates as feeds, sitemaps and ``-a since=`` give them."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from newscrawl.errors import UserError

_RELATIVE = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$", re.I)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_date(value: str | None) -> datetime | None:
    """Parse an ISO 8601 or RFC 822 date; naive results are taken as UTC.

    >>> parse_date("Fri, 03 May 2024 10:00:00 +0200").isoformat()
    '2024-05-03T10:00:00+02:00'
    >>> parse_date("2024-05-03").isoformat()
    '2024-05-03T00:00:00+00:00'
    """
    if not value:
        return None
    value = value.strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """The ``since`` spider argument: an ISO date/time or an age like ``48h``, ``30m``, ``7d``.

    Anything else raises :class:`~newscrawl.errors.UserError`.

    >>> parse_since("2d", now=datetime(2024, 5, 3, tzinfo=timezone.utc)).isoformat()
    '2024-05-01T00:00:00+00:00'
    """
    match = _RELATIVE.match(value)
    if match:
        now = now or datetime.now(timezone.utc)
        return now - timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})
    parsed = parse_date(value)
    if parsed is None:
        raise UserError(f"-a since={value!r}: expected a date like 2024-05-01 or an age like 48h")
    return parsed
