"""PTP date-time strings: YYYYMMDDThhmmss, Canon's `.0` tail, zones, Nikon's impossible dates."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from airnef_tui.ptpip import ProtocolError, format_ptp_datetime, parse_ptp_datetime
from airnef_tui.ptpip.dates import parse_ptp_datetime_lenient

import ptpip_strategies as S


def tz(minutes: int) -> timezone:
    return timezone(timedelta(minutes=minutes))


BASE = (2015, 9, 24, 14, 5, 13)

PARSE_CASES = [
    ("20150924T140513", datetime(*BASE)),
    ("20150924T140513.0", datetime(*BASE)),                                   # Canon
    ("20150924T140513.7", datetime(*BASE, 700000)),
    ("20150924T140513Z", datetime(*BASE, tzinfo=timezone.utc)),
    ("20150924T140513+0200", datetime(*BASE, tzinfo=tz(120))),
    ("20150924T140513-0530", datetime(*BASE, tzinfo=tz(-330))),
    ("20150924T140513.0+0200", datetime(*BASE, tzinfo=tz(120))),
    ("20150924T140513.3Z", datetime(*BASE, 300000, tzinfo=timezone.utc)),
    ("20150924T140513\x00\x00", datetime(*BASE)),                             # NUL padding
    ("00010101T000000", datetime(1, 1, 1)),
    ("99991231T235959", datetime(9999, 12, 31, 23, 59, 59)),
    ("20160229T000000", datetime(2016, 2, 29)),                               # leap day
    # Impossible or absent: unknown, never an error.
    ("19800000T000000", None),                                                # Nikon folders
    ("", None),
    ("\x00", None),
    ("20150230T000000", None),
    ("20150229T000000", None),
    ("20151324T000000", None),
    ("00000101T000000", None),
    ("20150924T250000", None),
    ("20150924T146000", None),
    ("20150924T140513+2400", None),
    ("20150924T140513+0060", None),
]


@pytest.mark.parametrize("text, expected", PARSE_CASES)
def test_parse(text, expected):
    value = parse_ptp_datetime(text)
    assert value == expected
    if expected is not None:
        assert value.utcoffset() == expected.utcoffset()  # naive stays naive; zones are exact
        assert value.microsecond == expected.microsecond
    assert parse_ptp_datetime_lenient(text) == expected


GARBAGE = [
    "garbage", "yesterday", "20150924", "20150924T1405", "20150924T14051", "20150924T1405133",
    "20150924T140513.", "20150924T140513+02", "20150924T140513 UTC", "2015O924T140513",
    "20150924t140513", "\uff12\uff10\uff11\uff15\uff10\uff19\uff12\uff14T140513",  # full-width
    "20150924T140513.1234567", "T", "20150924X140513",
]


@pytest.mark.parametrize("text", GARBAGE)
def test_garbage_is_a_protocol_error(text):
    with pytest.raises(ProtocolError) as caught:
        parse_ptp_datetime(text)
    assert "date" in caught.value.message


@pytest.mark.parametrize("text", GARBAGE)
def test_lenient_variant_treats_garbage_as_unknown(text):
    assert parse_ptp_datetime_lenient(text) is None


FORMAT_CASES = [
    (datetime(*BASE), False, "20150924T140513"),
    (datetime(*BASE), True, "20150924T140513.0"),
    (datetime(*BASE, 700000), True, "20150924T140513.7"),
    (datetime(*BASE, 799999), True, "20150924T140513.7"),
    (datetime(*BASE, 700000), False, "20150924T140513"),
    (datetime(*BASE, tzinfo=timezone.utc), False, "20150924T140513Z"),
    (datetime(*BASE, tzinfo=tz(120)), False, "20150924T140513+0200"),
    (datetime(*BASE, tzinfo=tz(-330)), True, "20150924T140513.0-0530"),
    (datetime(5, 1, 2, 3, 4, 5), False, "00050102T030405"),
    (None, False, ""),
]


@pytest.mark.parametrize("value, tenths, expected", FORMAT_CASES)
def test_format(value, tenths, expected):
    assert format_ptp_datetime(value, tenths=tenths) == expected


NAIVE = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59))
ZONES = st.one_of(st.none(), st.just(timezone.utc), st.integers(-1439, 1439).map(tz))


@S.examples(150)
@given(value=NAIVE, zone=ZONES, tenths=st.booleans())
def test_format_then_parse_round_trip(value, zone, tenths):
    value = value.replace(tzinfo=zone)
    parsed = parse_ptp_datetime(format_ptp_datetime(value, tenths=tenths))
    kept = (value.microsecond // 100000) * 100000 if tenths else 0
    expected = value.replace(microsecond=kept)
    assert parsed.replace(tzinfo=None) == expected.replace(tzinfo=None)
    assert parsed.utcoffset() == expected.utcoffset()


@S.examples(60)
@given(value=NAIVE, zone=ZONES, tenths=st.booleans())
def test_formatted_dates_have_the_documented_shape(value, zone, tenths):
    text = format_ptp_datetime(value.replace(tzinfo=zone), tenths=tenths)
    assert len(text[:15]) == 15 and text[8] == "T" and text[:8].isdigit() and text[9:15].isdigit()
    rest = text[15:]
    if tenths:
        assert rest[0] == "." and rest[1].isdigit()
        rest = rest[2:]
    assert rest in ("", "Z") or (rest[0] in "+-" and rest[1:].isdigit() and len(rest) == 5)
    assert (rest == "") == (zone is None)
