"""Bringing up a Fujifilm phone-mode ("view all") session, step by step, as the phone app does.

The order is the one the open projects logged from X-T4, X-T2, X-T20 and X-S10 bodies (ptpip.md
section 5): a short pause after the Init, OpenSession, then the camera's event property (0xD212)
polled until its state (0xDF00) is no longer 0, which on the first pairing takes the user pressing
OK on the camera; the version properties read; the client state (0xDF01) set, "view all" or, when
the camera pushes the images picked on it, "pushed images"; the object-version written back to say
we speak it. Then DeviceInfo, which an X-T4 sends empty: the make is FUJIFILM whatever it says,
and the model falls back to the camera's name from the Ack, or "X series".

Every wait is cancellable (the session's pause and the channel's slices) and bounded: a pairing
not confirmed within `pairing_timeout` is `PairingTimedOut`, a refusal the user can act on.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import TYPE_CHECKING

from airnef_tui.camera.errors import CameraRefused, ConnectionLost, OperationFailed
from airnef_tui.camera.fuji_channel import FUJI_ADVICE
from airnef_tui.camera.vendors import (
    FUJI_CAMERA_FULL_ACCESS, FUJI_CAMERA_PUSHES, FUJI_CAMERA_WAITING, FUJI_CLIENT_PUSHED,
    FUJI_CLIENT_VIEW_ALL, FUJI_FALLBACK_MODEL, FUJI_MANUFACTURER, FUJI_PROP_CAMERA_STATE,
    FUJI_PROP_CLIENT_STATE, FUJI_PROP_GET_OBJECT_VERSION, FUJI_PROP_IMAGE_GET_VERSION,
    FUJI_PROP_OBJECT_COUNT, FUJI_PROP_REMOTE_GET_OBJECT_VERSION, FUJI_PROP_REMOTE_VERSION,
)
from airnef_tui.ptpip import DeviceInfo, OpCode, ProtocolError, ResponseCode, code_name
from airnef_tui.ptpip.wire import Reader

if TYPE_CHECKING:
    from airnef_tui.camera.fuji_session import FujiSession

OPEN_PAUSE = 0.1  # after the Init, before OpenSession (the notes say at least 50 ms)
POLL_INTERVAL = 0.25  # between looks at the camera's state while it waits for its user
PAIRING_TIMEOUT = 60.0  # seconds for the user to press OK on the camera
# Read in this order after the camera lets us in, as the phone app does.
VERSION_PROPS = (FUJI_PROP_GET_OBJECT_VERSION, FUJI_PROP_REMOTE_GET_OBJECT_VERSION,
                 FUJI_PROP_IMAGE_GET_VERSION, FUJI_PROP_REMOTE_VERSION)
_OK = ResponseCode.OK
_log = logging.getLogger("airnef_tui.camera.fuji")


class PairingTimedOut(CameraRefused):
    """The camera kept waiting for its user to accept us (the first pairing) past the timeout."""


def pairing_note(session: FujiSession) -> str:
    name = session.name or "this computer"
    return (f"the camera at {session.address} is waiting: if it asks whether to connect to "
            f"{name!r}, press OK on the camera (the first pairing); waiting up to "
            f"{session.pairing_timeout:g} s")


def _pairing_timed_out(session: FujiSession) -> PairingTimedOut:
    return PairingTimedOut(
        session.address, f"the connection was not accepted on the camera within "
        f"{session.pairing_timeout:g} s",
        "press OK on the camera when it asks to connect (Wireless communication, smartphone "
        "pairing), then try again", code=None)


# ---- property values -------------------------------------------------------------------------

def parse_event_list(data: bytes) -> dict[int, int]:
    """0xD212's value: u16 count, then count x {u16 property, u32 value}; the last value of a
    property wins. Trailing bytes are tolerated, a short list is a ProtocolError."""
    reader = Reader(data)
    count = reader.u16("event count")
    changes: dict[int, int] = {}
    for _ in range(count):
        code = reader.u16("event property")
        changes[code] = reader.u32("event value")
    return changes


def prop_int(data: bytes) -> int:
    """A property value of 1, 2, 4 or 8 bytes as an unsigned little-endian integer."""
    if len(data) not in (1, 2, 4, 8):
        raise ProtocolError(f"a {len(data)}-byte property value where an integer was due")
    return int.from_bytes(data, "little")


# ---- the steps -------------------------------------------------------------------------------

def bring_up(session: FujiSession) -> None:
    """Everything between the Init Ack and the first listing (module doc)."""
    session._pause(OPEN_PAUSE)
    open_session(session)
    wait_for_access(session)
    versions = read_versions(session)
    set_client_state(session)
    write_version_back(session, versions)
    session.device_info = device_info(session)
    session.object_count = read_object_count(session)


def open_session(session: FujiSession) -> None:
    session_id = session.requested_session_id or 1
    response = session._exchange(OpCode.OPEN_SESSION, (session_id,), tid=0)
    if response.code in (_OK, ResponseCode.SESSION_ALREADY_OPEN):
        session.session_id = session_id
        session._opened_at = time.monotonic()
        return
    if response.code == ResponseCode.ACCESS_DENIED:
        raise CameraRefused(session.address, "OpenSession answered AccessDenied", FUJI_ADVICE,
                            code=response.code)
    raise OperationFailed(OpCode.OPEN_SESSION, response.code)


def wait_for_access(session: FujiSession) -> None:
    """Poll 0xD212 until the camera state is not 0; the note once, at the first wait."""
    deadline = time.monotonic() + session.pairing_timeout
    noted = False
    while True:
        state = _camera_state(session)
        if state != FUJI_CAMERA_WAITING:
            session.camera_state = state
            return
        if not noted:
            noted = True
            session.note(pairing_note(session))
        if time.monotonic() + POLL_INTERVAL > deadline:
            raise _pairing_timed_out(session)
        session._pause(POLL_INTERVAL)


def _camera_state(session: FujiSession) -> int:
    """0xDF00 from the event list, or read directly when the list does not carry it. While a
    working list has not said, the camera is waiting; a camera with neither the list nor the
    property is taken as giving full access (there is nothing else to go by)."""
    listed = True
    try:
        changes = session.poll_camera()
    except OperationFailed as refused:
        _log.debug("no event list (%s): reading the camera state directly", refused)
        listed, changes = False, {}
    if FUJI_PROP_CAMERA_STATE in changes:
        return changes[FUJI_PROP_CAMERA_STATE]
    if session.camera_state is not None:
        return session.camera_state
    try:
        return read_prop(session, FUJI_PROP_CAMERA_STATE)
    except OperationFailed:
        return FUJI_CAMERA_WAITING if listed else FUJI_CAMERA_FULL_ACCESS


def read_prop(session: FujiSession, code: int) -> int:
    data = session.get_device_prop(code)
    return session._decode(prop_int, data, f"property 0x{code:04X}")


def read_versions(session: FujiSession) -> dict[int, tuple[int, int]]:
    """The version properties the camera has: {code: (value, width in bytes)}."""
    versions: dict[int, tuple[int, int]] = {}
    for code in VERSION_PROPS:
        try:
            data = session.get_device_prop(code)
            versions[code] = (session._decode(prop_int, data, f"property 0x{code:04X}"),
                              len(data))
        except OperationFailed as refused:
            _log.debug("no version property 0x%04X: %s", code, refused)
    return versions


def set_client_state(session: FujiSession) -> None:
    """0xDF01 as a u16. Some bodies ask their user before they answer it, so the answer may
    take as long as a pairing: the note comes when it is slow."""
    state = (FUJI_CLIENT_PUSHED if session.camera_state == FUJI_CAMERA_PUSHES
             else FUJI_CLIENT_VIEW_ALL)
    channel = session._connection().command
    try:
        with channel.patient(session.pairing_timeout, session.io_timeout,
                             lambda: session.note(pairing_note(session))):
            response = session._exchange(OpCode.SET_DEVICE_PROP_VALUE, (FUJI_PROP_CLIENT_STATE,),
                                         data_out=state.to_bytes(2, "little"))
    except ConnectionLost as lost:
        if lost.timed_out:
            raise _pairing_timed_out(session) from lost
        raise
    if response.code != _OK:
        raise CameraRefused(session.address, f"the camera refused client state {state} "
                            f"({code_name(ResponseCode, response.code)})", FUJI_ADVICE,
                            code=response.code)
    session.client_state = state


def write_version_back(session: FujiSession, versions: dict[int, tuple[int, int]]) -> None:
    """The object version, written back as read: the phone app's way of saying it speaks it."""
    if FUJI_PROP_GET_OBJECT_VERSION not in versions:
        return
    value, width = versions[FUJI_PROP_GET_OBJECT_VERSION]
    try:
        session.set_device_prop(FUJI_PROP_GET_OBJECT_VERSION, value.to_bytes(width, "little"))
    except OperationFailed as refused:
        _log.debug("the camera refused its object version back: %s", refused)


def device_info(session: FujiSession) -> DeviceInfo:
    """What the camera says of itself, completed: make FUJIFILM, a model always."""
    info = DeviceInfo()
    try:
        data = session._request_data(OpCode.GET_DEVICE_INFO)
    except OperationFailed as refused:
        _log.debug("no DeviceInfo: %s", refused)
        data = b""
    if data:
        try:
            info = DeviceInfo.decode(data)
        except ProtocolError as error:
            _log.debug("unreadable DeviceInfo (%s): the make and model are guessed", error)
    model = info.model.strip() or session.camera_name.strip() or FUJI_FALLBACK_MODEL
    manufacturer = info.manufacturer.strip() or FUJI_MANUFACTURER
    return dataclasses.replace(info, manufacturer=manufacturer, model=model)


def read_object_count(session: FujiSession) -> int | None:
    """0xD222; None when the camera does not say (a camera pushing images may not)."""
    try:
        return read_prop(session, FUJI_PROP_OBJECT_COUNT)
    except OperationFailed:
        return session.object_count
