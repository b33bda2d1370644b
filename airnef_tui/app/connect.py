"""Reaching a camera: one set of connection defaults, and the session factory both UIs use.

The defaults are what a camera on Wi-Fi needs (airnef's 10 s connect; a 5 s read timeout, twice
libgphoto2's; three reconnections 5 s apart, long enough for a camera's radio to wake up). The
command line shows them in its help and the TUI uses them as they are, so both behave alike.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from airnef_tui.camera.address import CameraAddress
from airnef_tui.camera.session import CameraSession
from airnef_tui.transfer.events import Observer
from airnef_tui.transfer.link import CameraLink
from airnef_tui.transfer.plan import CameraIdentity

MIB = 1024 * 1024


@dataclass(frozen=True)
class ConnectionOptions:
    """How to reach a camera and how hard to try; every field has the default users get."""

    connect_timeout: float = 10.0  # seconds for the camera to accept the connection
    io_timeout: float = 5.0  # seconds for each reply
    chunk_size: int = MIB  # bytes per GetPartialObject: what Nikon bodies tolerate
    guid: bytes | None = None  # None: this installation's own GUID
    host_name: str | None = None  # None: this machine's name
    retries: int = 3  # reconnections after a lost connection
    retry_delay: float = 5.0  # seconds between reconnections


DEFAULTS = ConnectionOptions()


def open_session(address: CameraAddress, options: ConnectionOptions = DEFAULTS) -> CameraSession:
    """An open session (handshake, OpenSession, DeviceInfo); raises the camera layer's errors."""
    session = CameraSession(
        address.host, address.port, guid=options.guid, name=options.host_name,
        connect_timeout=options.connect_timeout, io_timeout=options.io_timeout,
        chunk_size=options.chunk_size)
    return session.open()


def session_opener(address: CameraAddress, options: ConnectionOptions = DEFAULTS):
    """`open_session` bound to one camera, as `CameraLink` wants it."""
    return lambda: open_session(address, options)


def camera_link(open_one, options: ConnectionOptions, observer: Observer,
                cancel: threading.Event | None = None) -> CameraLink[CameraSession]:
    """A `CameraLink` with the options' retry policy around `open_one()`."""
    return CameraLink(open_one, retries=options.retries, delay=options.retry_delay,
                      observer=observer, cancel=cancel)


def camera_identity(session: CameraSession) -> CameraIdentity:
    """Make, model and serial as the camera reports them: what history and names key on."""
    info = session.device_info
    return CameraIdentity(info.manufacturer.strip(), info.model.strip(),
                          info.serial_number.strip())
