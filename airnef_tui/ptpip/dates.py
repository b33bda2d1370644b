"""PTP date-time strings.

Cameras send `YYYYMMDDThhmmss`, Canon with a `.0` tenths tail, some with a zone (`Z`, `+hhmm`).
Nikon marks folders with `19800000T000000`, an impossible date: that, an empty string, and any
other date the calendar rejects mean "unknown" (None), never an error, because a listing must not
fail over one bad timestamp. Text that is not a date at all is a ProtocolError; callers that list
files catch it and also treat the date as unknown.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from airnef_tui.ptpip.errors import ProtocolError

_PATTERN = re.compile(
    r"(?P<y>\d{4})-?(?P<mo>\d{2})-?(?P<d>\d{2})"
    r"T(?P<h>\d{2}):?(?P<mi>\d{2}):?(?P<s>\d{2})"
    r"(?:\.(?P<frac>\d{1,6}))?"
    r"(?P<zone>Z|[+-]\d{2}:?\d{2})?",
    re.ASCII,
)


def parse_ptp_datetime(text: str) -> datetime | None:
    """Parse a PTP date string; None for empty or impossible dates. Naive unless a zone is given."""
    text = text.strip().rstrip("\x00")
    if not text:
        return None
    match = _PATTERN.fullmatch(text)
    if match is None:
        raise ProtocolError(f"not a PTP date-time: {text[:40]!r}")
    parts = {k: v for k, v in match.groupdict().items()}
    frac = parts["frac"] or ""
    microsecond = int(frac.ljust(6, "0")) if frac else 0
    tzinfo = None
    zone = parts["zone"]
    if zone:
        if zone == "Z":
            tzinfo = timezone.utc
        else:
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            hours, minutes = int(digits[:2]), int(digits[2:])
            if hours > 23 or minutes > 59:
                return None
            tzinfo = timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        return datetime(
            int(parts["y"]), int(parts["mo"]), int(parts["d"]),
            int(parts["h"]), int(parts["mi"]), int(parts["s"]),
            microsecond, tzinfo=tzinfo,
        )
    except ValueError:  # month 00 (Nikon folders), Feb 30, hour 25...
        return None


def parse_ptp_datetime_lenient(text: str) -> datetime | None:
    """Like parse_ptp_datetime, but garbage is 'unknown' too: for listings that must not fail."""
    try:
        return parse_ptp_datetime(text)
    except ProtocolError:
        return None


def format_ptp_datetime(value: datetime | None, tenths: bool = False) -> str:
    """Encode for the wire; `tenths` adds Canon's `.0`-style tail. None encodes as empty."""
    if value is None:
        return ""
    v = value
    text = f"{v.year:04d}{v.month:02d}{v.day:02d}T{v.hour:02d}{v.minute:02d}{v.second:02d}"
    if tenths:
        text += f".{value.microsecond // 100000}"
    offset = value.utcoffset()
    if offset is not None:
        if offset == timedelta(0):
            text += "Z"
        else:
            total = int(offset.total_seconds()) // 60
            sign = "-" if total < 0 else "+"
            total = abs(total)
            text += f"{sign}{total // 60:02d}{total % 60:02d}"
    return text
