"""Fujifilm's one socket (TCP 55740): the blocking I/O shell around the sans-IO `FujiFramer`.

The I/O discipline is `PacketChannel`'s, inherited unchanged: reads in `WAIT_SLICE` slices that
look at the cancel event (`Interrupted`), a closed socket or a silence past the read timeout as
`ConnectionLost`, the `StallRule` against a camera that dribbles, and a channel that stays failed
after its first failure. Only the framing differs: the camera's Init Ack or Init Fail, then
USB-style containers, data handed out in bounded pieces.

`fuji_connect` does the opening: TCP, the 82-byte Init, the Ack. A camera that answers Init Fail
0x2019 (busy: another device has it, or it is still letting go of the last one) is asked once
more after half a second, as libgphoto2 does; a second refusal is the user's to fix.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Iterator

from airnef_tui.camera.address import format_address
from airnef_tui.camera.channel import PacketChannel, StallRule
from airnef_tui.camera.connection import EVENT_QUEUE_LIMIT, _check_host, _connect
from airnef_tui.camera.errors import (
    CameraProtocolError, CameraRefused, CameraUnreachable, ConnectionLost, Interrupted,
)
from airnef_tui.ptpip import (
    FUJI_BUSY, FUJI_HANG_UP, Event, FujiFramer, FujiHandshake, FujiInitRequest, InitCommandAck,
    InitFail, code_name, encode_container, encode_fuji_init,
)
from airnef_tui.ptpip.codes import ResponseCode

BUSY_RETRY_DELAY = 0.5  # libgphoto2's pause before its one retry of a busy camera's Init
FUJI_ADVICE = ('on the camera choose "Wireless communication" (smartphone pairing; on older '
               'bodies the Wi-Fi button in playback), and join this computer to the camera\'s '
               "network (the camera is 192.168.0.1 there)")
BUSY_ADVICE = ("the camera is busy with another device: disconnect the phone app (or whatever "
               "else is connected), wait a moment and try again")


class _Framing:
    """`FujiFramer` in the shape `PacketChannel` drives: `next_packet`, `in_packet`, `feed`."""

    def __init__(self, data_piece: int) -> None:
        self._framer = FujiFramer(FujiHandshake.ACK, data_piece=data_piece)
        self.next_packet = self._framer.next_container
        self.feed = self._framer.feed

    @property
    def in_packet(self) -> bool:
        return self._framer.in_container


class FujiChannel(PacketChannel):
    """A `PacketChannel` whose reads give the Init answer, then containers and data pieces, and
    whose `send` takes containers. `patient()` lends a reply more time, telling the user why."""

    def __init__(self, sock, address: str, *, data_piece: int, io_timeout: float = 5.0,
                 cancel: threading.Event | None = None, stall: StallRule | None = None) -> None:
        super().__init__(sock, address, data_piece=data_piece, io_timeout=io_timeout,
                         cancel=cancel, stall=stall)
        self._framer = _Framing(data_piece)  # type: ignore[assignment]
        self._quiet_note: tuple[float, Callable[[], None]] | None = None

    def send(self, *containers) -> None:  # type: ignore[override]
        self.send_bytes(b"".join(encode_container(c) for c in containers))

    @contextlib.contextmanager
    def patient(self, timeout: float, note_after: float,
                note: Callable[[], None]) -> Iterator[None]:
        """Within the block a reply may take `timeout` seconds and no stall rule applies (a
        camera waiting for its user sends nothing); `note()` is called once when the silence
        passes `note_after` seconds."""
        saved = self.io_timeout, self.stall
        self.io_timeout, self.stall = timeout, None
        self._quiet_note = (note_after, note)
        try:
            yield
        finally:
            self.io_timeout, self.stall = saved
            self._quiet_note = None

    def _check_waiting(self, silent_since: float | None, deadline: float | None) -> None:
        pending = self._quiet_note
        if (pending is not None and silent_since is not None
                and time.monotonic() - silent_since >= pending[0]):
            self._quiet_note = None
            pending[1]()
        super()._check_waiting(silent_since, deadline)

    def hang_up(self) -> None:
        """The polite goodbye (`08000000 ffffffff`), best effort: the socket closes after it."""
        if self.usable:
            try:
                self.send_bytes(FUJI_HANG_UP)
            except ConnectionLost:
                pass


class FujiConnection:
    """The one socket of a Fujifilm session, in the shape `CameraSession` expects of a
    `Connection`: `command`, the Ack's name and GUID, and an `events` queue (containers of type
    4, and the object additions the session reads from the camera's event property)."""

    def __init__(self, channel: FujiChannel, ack: InitCommandAck) -> None:
        self.command = channel
        self.address = channel.address
        self.connection_number = ack.connection_number
        self.camera_guid = ack.guid
        self.camera_name = ack.name
        self.events: queue.Queue[Event] = queue.Queue(EVENT_QUEUE_LIMIT)

    def queue_event(self, event: Event) -> None:
        """Nobody may be reading events: drop the oldest rather than grow without bound."""
        while True:
            try:
                self.events.put_nowait(event)
                return
            except queue.Full:
                with contextlib.suppress(queue.Empty):
                    self.events.get_nowait()

    def close(self) -> None:
        self.command.close()


def _init_once(host: str, port: int, request: bytes, *, connect_timeout: float,
               io_timeout: float, data_piece: int, cancel: threading.Event | None,
               stall: StallRule | None) -> tuple[FujiChannel, InitCommandAck | InitFail]:
    address = format_address(host, port)
    sock = _connect(host, port, connect_timeout, cancel)
    channel = FujiChannel(sock, address, data_piece=data_piece, io_timeout=io_timeout,
                          cancel=cancel, stall=stall)
    try:
        channel.send_bytes(request)
        reply = channel.read()
    except ConnectionLost as lost:
        channel.close()
        why = (f"connected, but no answer to the Init within {io_timeout:g} s" if lost.timed_out
               else f"{lost.cause} during the Init")
        raise CameraUnreachable(address, f"{why} ({FUJI_ADVICE})") from None
    except BaseException:
        channel.close()
        raise
    if not isinstance(reply, (InitCommandAck, InitFail)):  # pragma: no cover - framer checks
        channel.close()
        raise CameraProtocolError(address, f"expected Init Command Ack, got {reply!r}")
    return channel, reply


def fuji_connect(host: str, port: int, *, guid: bytes, name: str, connect_timeout: float = 10.0,
                 io_timeout: float = 5.0, data_piece: int, cancel: threading.Event | None = None,
                 stall: StallRule | None = None,
                 busy_retry_delay: float = BUSY_RETRY_DELAY) -> FujiConnection:
    """TCP, the 82-byte Init and the camera's Ack; raises CameraUnreachable, CameraRefused, or
    Interrupted once `cancel` is set. A busy camera gets one more Init after `busy_retry_delay`."""
    _check_host(host, port)
    address = format_address(host, port)
    request = encode_fuji_init(FujiInitRequest(guid, name))
    for attempt in (1, 2):
        channel, reply = _init_once(host, port, request, connect_timeout=connect_timeout,
                                    io_timeout=io_timeout, data_piece=data_piece, cancel=cancel,
                                    stall=stall)
        if isinstance(reply, InitCommandAck):
            return FujiConnection(channel, reply)
        channel.close()
        if reply.reason != FUJI_BUSY:
            raise CameraRefused(address, f"Init Fail, reason 0x{reply.reason:04X}", FUJI_ADVICE,
                                code=reply.reason)
        if attempt == 1:
            _wait(busy_retry_delay, cancel, address)
    raise CameraRefused(address, f"Init Fail, {code_name(ResponseCode, FUJI_BUSY)}, twice",
                        BUSY_ADVICE, code=FUJI_BUSY)


def _wait(seconds: float, cancel: threading.Event | None, address: str) -> None:
    if cancel is None:
        time.sleep(seconds)
    elif cancel.wait(seconds):
        raise Interrupted(f"stopped while waiting for the camera at {address}")
