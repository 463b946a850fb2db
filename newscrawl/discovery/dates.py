"""Times as a crawl's arguments and settings give them: durations (``30s``, ``48h``, ``7d``)
and ``-a since=`` / ``-a until=``.

Dates themselves — in feeds, sitemaps, pages, the store — are read by
:func:`newscrawl.extraction.dates.parse_datetime`, the one reader of date values.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from newscrawl.errors import UserError
from newscrawl.extraction.dates import parse_datetime

_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw]?)\s*$", re.IGNORECASE)
#: Seconds per unit of :func:`parse_duration` (no unit: seconds; ``m`` is minutes).
DURATION_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
DURATION_FORMS = "a number of seconds, or one with a unit s, m, h, d or w (30s, 30m, 24h, 7d, 2w)"


def parse_duration(value: str | int | None) -> timedelta:
    """A duration: a whole number of seconds, or one followed by ``s``, ``m`` (minutes),
    ``h``, ``d`` or ``w`` (case and spaces ignored); None is zero. The one parser of
    durations: ``NEWSCRAWL_REFRESH_WINDOW`` and the ages of ``-a since=`` use it.

    Anything else raises :class:`ValueError`.

    >>> parse_duration("24h"), parse_duration("30s"), parse_duration(90)
    (datetime.timedelta(days=1), datetime.timedelta(seconds=30), datetime.timedelta(seconds=90))
    """
    match = _DURATION.match(str(value if value is not None else 0))
    if not match:
        raise ValueError(f"expected a duration: {DURATION_FORMS}; got {value!r}")
    return timedelta(seconds=int(match.group(1)) * DURATION_UNITS[match.group(2).lower()])


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """The ``since`` spider argument: a date/time (any form
    :func:`~newscrawl.extraction.dates.parse_datetime` reads) or an age: a
    :func:`parse_duration` with its unit (``30s``, ``30m``, ``48h``, ``7d``, ``2w``). A
    bare number is read as a date (``20240501``, a Unix timestamp), never as seconds.

    Anything else raises :class:`~newscrawl.errors.UserError`.

    >>> parse_since("2d", now=datetime(2024, 5, 3, tzinfo=timezone.utc)).isoformat()
    '2024-05-01T00:00:00+00:00'
    """
    if value.strip()[-1:].isalpha():
        try:
            age = parse_duration(value)
        except ValueError:
            pass
        else:
            return (now or datetime.now(timezone.utc)) - age
    parsed = parse_datetime(value)
    if parsed is None:
        raise UserError(f"-a since={value!r}: expected a date like 2024-05-01 or an age like "
                        "30s, 30m, 48h, 7d or 2w")
    return parsed
