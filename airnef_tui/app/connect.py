"""Reaching a camera: one set of connection defaults, and the session factory both UIs use.

The defaults are what a camera on Wi-Fi needs (airnef's 10 s connect; a 5 s read timeout, twice
libgphoto2's; a link that moves less than 64 KiB in 20 s counts as stalled, as a dropped one does;
three reconnections 5 s apart, long enough for a camera's radio to wake up). The command line
shows them in its help and the TUI uses them as they are, so both behave alike. Every session is
handed the run's cancel event, so a stop reaches whatever wait the session is in. A Fujifilm
(an address on its port 55740, or the make named) gets a `FujiSession`: the same face over its
own transport.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass

from airnef_tui.camera.address import CameraAddress
from airnef_tui.camera.channel import StallRule
from airnef_tui.camera.fuji_setup import PAIRING_TIMEOUT
from airnef_tui.camera.session import CameraSession
from airnef_tui.camera.vendors import FUJIFILM, is_fujifilm_make
from airnef_tui.paths import data_dir
from airnef_tui.ptpip import DEFAULT_PORT
from airnef_tui.state.db import open_database
from airnef_tui.state.known_cameras import remember_camera
from airnef_tui.transfer.events import Observer
from airnef_tui.transfer.link import CameraLink
from airnef_tui.transfer.plan import CameraIdentity

MIB = 1024 * 1024
_log = logging.getLogger("airnef_tui.app.connect")


@dataclass(frozen=True)
class ConnectionOptions:
    """How to reach a camera and how hard to try; every field has the default users get."""

    connect_timeout: float = 10.0  # seconds for the camera to accept the connection
    io_timeout: float = 5.0  # seconds for each reply
    stall_bytes: int = 64 * 1024  # a transaction moving fewer bytes than this …
    stall_seconds: float = 20.0  # … in this many seconds has stalled: reconnect and resume
    chunk_size: int = MIB  # bytes per GetPartialObject: what Nikon bodies tolerate
    guid: bytes | None = None  # None: this installation's own GUID
    host_name: str | None = None  # None: this machine's name
    retries: int = 3  # reconnections after a lost connection
    retry_delay: float = 5.0  # seconds between reconnections
    make: str | None = None  # "fujifilm" (or "fuji"): Fujifilm's transport; None: by the port
    pairing_timeout: float = PAIRING_TIMEOUT  # Fujifilm: seconds to press OK on the camera
    note: Callable[[str], None] | None = None  # what the user should know while connecting


DEFAULTS = ConnectionOptions()


def uses_fujifilm_transport(address: CameraAddress, options: ConnectionOptions = DEFAULTS) -> bool:
    """Fujifilm's own transport: at its port (55740), or when the make is named."""
    return address.port == FUJIFILM.own_transport_port or is_fujifilm_make(options.make)


def open_session(address: CameraAddress, options: ConnectionOptions = DEFAULTS,
                 cancel: threading.Event | None = None) -> CameraSession:
    """An open session (handshake, OpenSession, DeviceInfo); raises the camera layer's errors,
    or `Interrupted` once `cancel` is set. A Fujifilm gets a `FujiSession` (on 55740 when the
    address gives PTP/IP's port, i.e. none)."""
    stall = StallRule(options.stall_bytes, options.stall_seconds)
    if uses_fujifilm_transport(address, options):
        from airnef_tui.camera.fuji_session import FujiSession  # a few ms: only when asked for

        port = FUJIFILM.own_transport_port if address.port == DEFAULT_PORT else address.port
        session: CameraSession = FujiSession(
            address.host, port, guid=options.guid, name=options.host_name,
            connect_timeout=options.connect_timeout, io_timeout=options.io_timeout,
            chunk_size=options.chunk_size, cancel=cancel, stall=stall,
            pairing_timeout=options.pairing_timeout, on_note=options.note,
            spool_dir=data_dir() / "fujifilm-received")
    else:
        session = CameraSession(
            address.host, address.port, guid=options.guid, name=options.host_name,
            connect_timeout=options.connect_timeout, io_timeout=options.io_timeout,
            chunk_size=options.chunk_size, cancel=cancel, stall=stall)
    session.open()
    _remember(session)
    return session


def _remember(session: CameraSession) -> None:
    """This camera goes into the "seen before" list of the discovery screen and `discover`.
    A history file that cannot be written costs that list an entry, never the connection."""
    info = session.device_info
    try:
        conn = open_database()
        try:
            remember_camera(conn, session.host, session.port, make=session.vendor.make
                            if session.vendor.make != "generic" else "",
                            model=info.model.strip() if info else "",
                            serial=info.serial_number.strip() if info else "",
                            name=session.camera_name)
        finally:
            conn.close()
    except (sqlite3.Error, OSError) as error:
        _log.warning("could not remember the camera at %s: %s", session.address, error)


def session_opener(address: CameraAddress, options: ConnectionOptions = DEFAULTS,
                   cancel: threading.Event | None = None):
    """`open_session` bound to one camera and one cancel event, as `CameraLink` wants it."""
    return lambda: open_session(address, options, cancel)


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
