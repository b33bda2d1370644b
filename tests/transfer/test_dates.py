"""User date bounds: both spellings, inclusive ends, zones, and errors a user can act on."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from airnef_tui.transfer.dates import comparable, parse_user_date

START_CASES = [
    ("2024-05-01", datetime(2024, 5, 1)),
    ("2024-05-01T14:30", datetime(2024, 5, 1, 14, 30)),
    ("2024-05-01 14:30:05", datetime(2024, 5, 1, 14, 30, 5)),
    ("2024-05-01t14:30:05.25", datetime(2024, 5, 1, 14, 30, 5, 250000)),
    ("  2024-5-1  ", datetime(2024, 5, 1)),
    ("05/01/24", datetime(2024, 5, 1)),
    ("5/1/2024", datetime(2024, 5, 1)),
    ("05/01/24 14:30:05", datetime(2024, 5, 1, 14, 30, 5)),
    ("05/01/24 14:30", datetime(2024, 5, 1, 14, 30)),
    ("12/31/99", datetime(1999, 12, 31)),
    ("01/01/68", datetime(2068, 1, 1)),
    ("01/01/69", datetime(1969, 1, 1)),
]


@pytest.mark.parametrize(("text", "expected"), START_CASES)
def test_start_bound_is_the_first_instant_written(text, expected):
    assert parse_user_date(text, end=False) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-05-01", datetime(2024, 5, 1, 23, 59, 59, 999999)),
    ("05/01/24", datetime(2024, 5, 1, 23, 59, 59, 999999)),
    ("02/29/2024", datetime(2024, 2, 29, 23, 59, 59, 999999)),
    ("2024-05-01T14:30", datetime(2024, 5, 1, 14, 30, 59, 999999)),
    ("05/01/24 14:30:05", datetime(2024, 5, 1, 14, 30, 5, 999999)),
    ("2024-05-01 14:30:05.5", datetime(2024, 5, 1, 14, 30, 5, 500000)),
])
def test_end_bound_covers_the_last_unit_written(text, expected):
    assert parse_user_date(text, end=True) == expected


def test_end_of_last_day_of_year_does_not_spill_into_next_year():
    assert parse_user_date("12/31/24", end=True) == datetime(2024, 12, 31, 23, 59, 59, 999999)


@pytest.mark.parametrize(("text", "offset"), [
    ("2024-05-01T14:30Z", timedelta(0)),
    ("2024-05-01T14:30z", timedelta(0)),
    ("2024-05-01T14:30:00+02:00", timedelta(hours=2)),
    ("2024-05-01 14:30+0530", timedelta(hours=5, minutes=30)),
    ("2024-05-01T14:30-05", timedelta(hours=-5)),
])
def test_a_written_zone_gives_an_aware_value(text, offset):
    value = parse_user_date(text, end=False)
    assert value.utcoffset() == offset
    assert value.replace(tzinfo=None) == datetime(2024, 5, 1, 14, 30)


@pytest.mark.parametrize("text", [
    "13/45/24", "2024-13-01", "2024-02-30", "02/30/24", "2024-05-01T25:00", "2024-05-01T14:60",
    "2024-05-01T14:30+25:00", "yesterday", "", "2024/05/01", "05-01-24", "2024-05-01Z",
    "05/01/24T14:30", "2024-05-01T14", "05/01/124", "2024-05-01 14:30:05 extra", "0000-01-01",
])
def test_bad_input_says_what_is_expected_on_one_line(text):
    with pytest.raises(ValueError) as caught:
        parse_user_date(text, end=False)
    message = str(caught.value)
    assert message.startswith(f"bad date {text!r}")
    assert "expected YYYY-MM-DD[THH:MM[:SS]] or mm/dd/yy[ hh:mm:ss]" in message
    assert "\n" not in message


def test_calendar_errors_name_the_field():
    with pytest.raises(ValueError, match="month must be in 1..12"):
        parse_user_date("13/45/24", end=True)


def test_hostile_input_is_shown_shortened_and_on_one_line():
    with pytest.raises(ValueError) as caught:
        parse_user_date("x\n" * 100, end=False)
    message = str(caught.value)
    assert "\n" not in message
    assert len(message) < 200


def test_naive_values_compare_as_written():
    value = datetime(2024, 5, 1, 9, 0)
    assert comparable(value) is value


def test_aware_values_compare_as_this_machines_local_time():
    instant = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
    local = comparable(instant)
    assert local.tzinfo is None
    assert local == instant.astimezone().replace(tzinfo=None)


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2099, 12, 30)))
def test_iso_round_trip_and_end_is_never_before_start(value):
    value = value.replace(microsecond=0)
    for text in (value.isoformat(), value.strftime("%m/%d/%Y %H:%M:%S")):
        start = parse_user_date(text, end=False)
        end = parse_user_date(text, end=True)
        assert start == value
        assert start <= end < start + timedelta(seconds=1)
    if 1969 <= value.year <= 2068:  # what two-digit years can name
        day = value.strftime("%m/%d/%y")
        assert parse_user_date(day, end=False) <= value <= parse_user_date(day, end=True)
