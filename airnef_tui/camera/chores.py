"""Vendor chores around a transfer: the camera's clock, Sony sleep, polled events, Nikon's list.

Why its own module: each of these is one vendor's quirk, built from ordinary transactions, and
none of them is needed to open a session or move a file. Keeping them here keeps `session.py`
about the session itself. `CameraSession` exposes each of these as a method of the same name
(`camera_clock`, `set_camera_clock`, `sony_sleep`, `poll_events`, `transfer_list`); callers use
those methods, not these functions.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from airnef_tui.camera.errors import OperationFailed
from airnef_tui.camera.vendors import (
    CANON_EOS_PROP_CAMERA_TIME, PROP_DATE_TIME, SONY_SDIO_PARAM, advertises, supports,
)
from airnef_tui.ptpip import (
    Event, OpCode, ResponseCode, code_name, format_ptp_datetime, parse_ptp_datetime,
)
from airnef_tui.ptpip import wire
from airnef_tui.ptpip.wire import Reader

if TYPE_CHECKING:
    from airnef_tui.camera.session import CameraSession

_NO_TRANSFER_LIST = (ResponseCode.NIKON_NO_TRANSFER_LIST, ResponseCode.NIKON_WU1A_NO_TRANSFER_LIST,
                     ResponseCode.OPERATION_NOT_SUPPORTED)


def camera_clock(session: CameraSession) -> datetime | None:
    """The DateTime property (0x5011), a PTP string; None when it is no usable date."""
    data = session.get_device_prop(PROP_DATE_TIME)
    text = session._decode(lambda d: Reader(d).ptp_string("DateTime"), data, "DateTime")
    return session._decode(parse_ptp_datetime, text, "DateTime")


def set_camera_clock(session: CameraSession, moment: datetime) -> str:
    """Canon EOS 0x9110 with property 0xD17C (UTC Unix time) when advertised, else DateTime."""
    opcode = session.vendor.clock_op
    if opcode is not None and advertises(session.device_info, opcode):
        data = (wire.u32(12) + wire.u32(CANON_EOS_PROP_CAMERA_TIME)
                + wire.u32(int(moment.timestamp())))
        session.operation_with_data_out(opcode, (), data)
        return f"{code_name(OpCode, opcode)}, property 0x{CANON_EOS_PROP_CAMERA_TIME:04X}"
    local = moment.astimezone().replace(tzinfo=None)
    text = format_ptp_datetime(local, tenths=session.vendor.dates_with_tenths)
    session.set_device_prop(PROP_DATE_TIME, wire.ptp_string(text))
    return f"DateTime property 0x{PROP_DATE_TIME:04X}"


def sony_sleep(session: CameraSession, reply_limit: int) -> None:
    """0x9280 with the vendor's sleep payload, then 0x9281, both sent whatever the first answers
    (0x9281 must follow every 0x9280, or later operations answer Busy); then the first refusal
    raises OperationFailed."""
    payload = session.vendor.sleep_payload
    if payload is None:
        raise ValueError(f"a {session.vendor.make} camera cannot be put to sleep this way")
    answers = (
        (OpCode.SONY_SDIO_CONNECT,
         session._exchange(OpCode.SONY_SDIO_CONNECT, (SONY_SDIO_PARAM,), data_out=payload)),
        (OpCode.SONY_SDIO_GET_EXT_DEVICE_INFO,
         session._exchange(OpCode.SONY_SDIO_GET_EXT_DEVICE_INFO, (SONY_SDIO_PARAM,),
                           max_data=reply_limit)),
    )
    for opcode, response in answers:
        if response.code != ResponseCode.OK:
            raise OperationFailed(opcode, response.code)


def poll_events(session: CameraSession) -> tuple[Event, ...]:
    """The vendor's GetEvent: u16 count, then count × {u16 code, u32 parameter}."""
    opcode = session.vendor.event_poll_op
    if opcode is None or not supports(session.device_info, opcode):
        return ()
    data = session._request_data(opcode)

    def decode(raw: bytes) -> tuple[Event, ...]:
        reader = Reader(raw)
        count = reader.u16("event count")
        return tuple(Event(reader.u16("event code"), 0, (reader.u32("event parameter"),))
                     for _ in range(count))

    return session._decode(decode, data, "GetEvent") if data else ()


def transfer_list(session: CameraSession, reply_limit: int) -> tuple[int, ...]:
    """Nikon GetTransferList, asked on every Nikon (the J4 has it without advertising it); the
    no-list answers (0xA205, the WU-1a's 0xA081, OperationNotSupported) mean an empty list."""
    if not session.vendor.has_transfer_list:
        return ()
    parts: list[bytes] = []
    response = session._exchange(OpCode.NIKON_GET_TRANSFER_LIST, on_data=parts.append,
                                 max_data=reply_limit)
    if response.code in _NO_TRANSFER_LIST:
        return ()
    if response.code != ResponseCode.OK:
        raise OperationFailed(OpCode.NIKON_GET_TRANSFER_LIST, response.code)
    data = b"".join(parts)
    if not data:
        return ()
    return session._decode(lambda d: Reader(d).array("I", "transfer list"), data,
                           "transfer list")
