"""The device properties the simulated camera advertises: battery level and its clock.

Clients read DateTime to learn the camera's clock (capture times are in it) and may set it;
libgphoto2 asks GetDevicePropDesc for every advertised property at start-up, so each advertised
property must have a real descriptor. The clock is kept as an offset from the host's clock, shared
by every session of one simulator, as a camera's clock survives reconnects. Canon EOS bodies take
their clock through 0x9110 instead (`set_eos_value`); a body whose clock cannot be set from the
host (`clock_settable=False`) answers AccessDenied to both.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from airnef_tui.ptpip import wire
from airnef_tui.ptpip.dates import format_ptp_datetime, parse_ptp_datetime
from airnef_tui.ptpip.errors import ProtocolError
from airnef_tui.simulator.profiles import (
    CANON_EOS_PROP_CAMERA_TIME, PROP_BATTERY_LEVEL, PROP_DATE_TIME,
)

DATATYPE_UINT8 = 0x0002
DATATYPE_STRING = 0xFFFF
FORM_NONE = 0
FORM_RANGE = 1
BATTERY_PERCENT = 80

DEVICE_PROP_NOT_SUPPORTED = 0x200A
ACCESS_DENIED = 0x200F
INVALID_DEVICE_PROP_VALUE = 0x201C


class PropertyError(Exception):
    """Carries the PTP response code for a refused property operation."""

    def __init__(self, code: int) -> None:
        super().__init__(f"0x{code:04X}")
        self.code = code


class DeviceProperties:
    def __init__(self, tenths: bool, clock_settable: bool = True) -> None:
        self._tenths = tenths
        self._clock_settable = clock_settable
        self._lock = threading.Lock()
        self._clock_offset = timedelta(0)

    def now(self) -> datetime:
        """The camera's clock: naive local time, as a camera keeps it."""
        with self._lock:
            return datetime.now() + self._clock_offset

    def set_clock(self, moment: datetime) -> None:
        """Set the camera's clock (naive = local time); tests use it to put the clock off."""
        if moment.tzinfo is not None:  # a camera clock is zone-less local time
            moment = moment.astimezone().replace(tzinfo=None)
        with self._lock:
            self._clock_offset = moment - datetime.now()

    def _clock_text(self) -> str:
        return format_ptp_datetime(self.now().replace(microsecond=0), tenths=self._tenths)

    def describe(self, prop: int) -> bytes:
        """A DevicePropDesc dataset: code, type, get/set, default, current, form."""
        if prop == PROP_BATTERY_LEVEL:
            return (wire.u16(prop) + wire.u16(DATATYPE_UINT8) + bytes([0, 100, BATTERY_PERCENT])
                    + bytes([FORM_RANGE, 0, 100, 1]))
        if prop == PROP_DATE_TIME:
            current = wire.ptp_string(self._clock_text())
            return (wire.u16(prop) + wire.u16(DATATYPE_STRING) + bytes([1]) + current + current
                    + bytes([FORM_NONE]))
        raise PropertyError(DEVICE_PROP_NOT_SUPPORTED)

    def value(self, prop: int) -> bytes:
        if prop == PROP_BATTERY_LEVEL:
            return bytes([BATTERY_PERCENT])
        if prop == PROP_DATE_TIME:
            return wire.ptp_string(self._clock_text())
        raise PropertyError(DEVICE_PROP_NOT_SUPPORTED)

    def set_value(self, prop: int, data: bytes) -> None:
        if prop == PROP_BATTERY_LEVEL:
            raise PropertyError(ACCESS_DENIED)
        if prop != PROP_DATE_TIME:
            raise PropertyError(DEVICE_PROP_NOT_SUPPORTED)
        if not self._clock_settable:
            raise PropertyError(ACCESS_DENIED)
        try:
            wanted = parse_ptp_datetime(wire.Reader(data).ptp_string("DateTime"))
        except ProtocolError:
            raise PropertyError(INVALID_DEVICE_PROP_VALUE) from None
        if wanted is None:
            raise PropertyError(INVALID_DEVICE_PROP_VALUE)
        self.set_clock(wanted)

    def set_eos_value(self, data: bytes) -> None:
        """Canon EOS SetDevicePropValue (0x9110): u32 size, u32 property, value. Only the clock
        (0xD17C, a u32 UTC Unix time, size 12) is known here."""
        try:
            reader = wire.Reader(data)
            size, prop = reader.u32("size"), reader.u32("property")
            value = reader.u32("value") if prop == CANON_EOS_PROP_CAMERA_TIME else None
        except ProtocolError:
            raise PropertyError(INVALID_DEVICE_PROP_VALUE) from None
        if prop != CANON_EOS_PROP_CAMERA_TIME:
            raise PropertyError(DEVICE_PROP_NOT_SUPPORTED)
        if size != 12 or len(data) != 12 or value is None:
            raise PropertyError(INVALID_DEVICE_PROP_VALUE)
        if not self._clock_settable:
            raise PropertyError(ACCESS_DENIED)
        self.set_clock(datetime.fromtimestamp(value))
