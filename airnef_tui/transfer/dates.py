"""Dates typed by a user (`--since`, `--until`, airnef's `--startdate`/`--enddate`).

Two spellings are accepted, because airnef's users have scripts and everyone else thinks in ISO:

- ISO 8601: `2024-05-01`, `2024-05-01T14:30`, `2024-05-01 14:30:05`, `…14:30:05.25`, each time
  optionally followed by a zone (`Z`, `+02:00`, `+0200`, `-05`).
- airnef's US form: `mm/dd/yy` or `mm/dd/yy hh:mm:ss` (also `mm/dd/yyyy` and `hh:mm`). Two-digit
  years follow Python's `%y`: 69-99 are 19xx, 00-68 are 20xx.

An end bound covers the whole of the last unit written, so that "until that day" means what a
person means: `--until 2024-05-01` ends at 23:59:59.999999, `--until "2024-05-01 14:30"` at
14:30:59.999999, and a time with seconds at that second's last microsecond (Canon reports
tenths). A start bound is the first instant of what was written.

How a bound compares with a camera's capture time (see `comparable`): cameras mostly report a naive
wall-clock time, which we take to be the local time of this machine, so a naive user date is
compared with it as written (no conversion at all: "since 9:00" means 9:00 on the camera's clock).
An aware value on either side (a user date with a zone, a camera that gave one) is converted to
this machine's local time first and then compared as naive.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

EXPECTED_FORMS = "expected YYYY-MM-DD[THH:MM[:SS]] or mm/dd/yy[ hh:mm:ss]"

_ISO = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"(?:[T ](?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,6}))?)?"
    r"\s*(?P<zone>Z|[+-]\d{2}(?::?\d{2})?)?)?",
    re.ASCII | re.IGNORECASE,
)
_US = re.compile(
    r"(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4}|\d{2})"
    r"(?:\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?",
    re.ASCII,
)


def parse_user_date(text: str, *, end: bool) -> datetime:
    """Parse a date bound; `end=True` stretches it over the last unit written (see module doc).

    Naive unless a zone was written. Raises ValueError with a one-line message fit for the user.
    """
    cleaned = text.strip()
    match = _ISO.fullmatch(cleaned) or _US.fullmatch(cleaned)
    if match is None:
        raise ValueError(f"bad date {_shown(text)}: {EXPECTED_FORMS}")
    parts = match.groupdict()
    try:
        start = datetime(
            _full_year(parts["year"]), int(parts["month"]), int(parts["day"]),
            int(parts["hour"] or 0), int(parts["minute"] or 0), int(parts["second"] or 0),
            int((parts.get("fraction") or "").ljust(6, "0") or 0),
            tzinfo=_zone(parts.get("zone")),
        )
    except ValueError as exc:  # month 13, Feb 30, hour 25, zone +25:00
        raise ValueError(f"bad date {_shown(text)}: {exc}; {EXPECTED_FORMS}") from None
    if not end:
        return start
    return start + _written_unit(parts) - timedelta(microseconds=1)


def comparable(value: datetime) -> datetime:
    """The naive local wall-clock time a bound or capture time is compared as (see module doc)."""
    if value.tzinfo is None:
        return value
    return value.astimezone().replace(tzinfo=None)


def _written_unit(parts: dict[str, str | None]) -> timedelta:
    if parts["hour"] is None:
        return timedelta(days=1)
    if parts["second"] is None:
        return timedelta(minutes=1)
    if parts.get("fraction") is None:
        return timedelta(seconds=1)
    return timedelta(microseconds=1)


def _full_year(digits: str) -> int:
    year = int(digits)
    if len(digits) == 2:
        return year + (1900 if year >= 69 else 2000)
    return year


def _zone(text: str | None) -> timezone | None:
    if not text:
        return None
    if text.upper() == "Z":
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(f"zone offset {text} is out of range")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _shown(text: str) -> str:
    """The user's text, quoted, on one line and of bounded length."""
    shown = text if len(text) <= 60 else text[:57] + "..."
    return repr(shown)
