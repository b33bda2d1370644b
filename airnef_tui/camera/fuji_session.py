"""A blocking session with a Fujifilm X-series camera over its own Wi-Fi transport (TCP 55740).

`FujiSession` is a `CameraSession` to every layer above: the same methods, errors and rules, so
the catalogue, the engine, history, resume, renaming and the TUI work with it unchanged. What
differs is underneath: one socket of USB-style containers (fuji_channel.py), the phone-mode
bring-up (fuji_setup.py), and a card seen the way the phone app sees it:

- one store, handles 1 ... N with N from the object-count property (the camera has no
  GetObjectHandles in this mode), every file at the top (it shows no folders);
- the full-size property (0xD227) set to 1 before the first GetObjectInfo or GetPartialObject,
  without which sizes and data are a ~100 KB preview's, and back to 0 before CloseSession;
- new shots found by polling the camera's event property (0xD212): a higher object count becomes
  ObjectAdded events on `events`, which is also how the session keeps the camera awake;
- a camera that pushes the images picked on it is received once and served from a spool folder
  (fuji_pushed.py).

Transaction I/O, cancel and the stall rule are `CameraSession`'s and `PacketChannel`'s own;
only the out-of-band containers differ (events, and the camera's hang-up: a lost connection).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from airnef_tui.camera import fuji_setup
from airnef_tui.camera.channel import DATA_PIECE, StallRule
from airnef_tui.camera.download import Cancelled, Progress
from airnef_tui.camera.errors import (
    CameraError, ConnectionLost, Interrupted, OperationFailed,
)
from airnef_tui.camera.fuji_channel import BUSY_RETRY_DELAY, FujiConnection, fuji_connect
from airnef_tui.camera.fuji_pushed import PushedImages
from airnef_tui.camera.session import DRAIN_SECONDS, MIB, SMALL_OBJECT_LIMIT, CameraSession
from airnef_tui.camera.vendors import (
    FUJI_CAMERA_PUSHES, FUJI_PROP_CAMERA_STATE, FUJI_PROP_EVENTS, FUJI_PROP_FULL_SIZE,
    FUJI_PROP_OBJECT_COUNT, FUJIFILM,
)
from airnef_tui.ptpip import (
    ALL_STORAGES, FUJI_PORT, Event, EventCode, FujiEvent, FujiHangUp, FujiInitiator, ObjectInfo,
    OpCode, ProtocolError, ResponseCode, StorageInfo, is_fuji_out_of_band,
)

FUJI_STORAGE = 0x00010001  # the one store we show: slot 1, present
_log = logging.getLogger("airnef_tui.camera.ptp")
_notes = logging.getLogger("airnef_tui.camera.fuji")
_NOT_SUPPORTED = ResponseCode.OPERATION_NOT_SUPPORTED

Note = Callable[[str], None]


class FujiSession(CameraSession):
    """One Fujifilm session; use as a context manager, or call `open()` and `close()`.

    Beyond `CameraSession`'s options: `pairing_timeout` bounds the wait for the user to accept us
    on the camera, `on_note(text)` is told what the user should know meanwhile (a pairing to
    confirm, images received from a pushing camera; logged at INFO when None), and `spool_dir`
    is where a pushing camera's images wait for their download (the temporary folder when None).
    """

    def __init__(self, host: str, port: int = FUJI_PORT, *, guid: bytes | None = None,
                 name: str | None = None, connect_timeout: float = 10.0,
                 io_timeout: float = 5.0, chunk_size: int = MIB,
                 session_id: int | None = None, make: str | None = None,
                 cancel: threading.Event | None = None, stall: StallRule | None = StallRule(),
                 pairing_timeout: float = fuji_setup.PAIRING_TIMEOUT, on_note: Note | None = None,
                 spool_dir: Path | None = None,
                 busy_retry_delay: float = BUSY_RETRY_DELAY) -> None:
        super().__init__(host, port, guid=guid, name=name, connect_timeout=connect_timeout,
                         io_timeout=io_timeout, chunk_size=chunk_size, session_id=session_id,
                         make="fujifilm", cancel=cancel, stall=stall)
        self._initiator = FujiInitiator()  # type: ignore[assignment]
        self.vendor = FUJIFILM
        self.pairing_timeout = pairing_timeout
        self.on_note = on_note
        self.spool_dir = spool_dir
        self.busy_retry_delay = busy_retry_delay
        self.camera_state: int | None = None  # 0xDF00 as last reported
        self.client_state: int | None = None  # 0xDF01 as we set it
        self.object_count: int | None = None  # 0xD222 as last reported
        self.hung_up = False  # the camera sent its hang-up
        self._full_size = False  # 0xD227 is 1
        self._pushed: PushedImages | None = None

    def note(self, text: str) -> None:
        if self.on_note is not None:
            self.on_note(text)
        else:
            _notes.info("%s", text)

    @property
    def pushes_images(self) -> bool:
        """The camera pushes the images picked on it (camera state 1), rather than showing all."""
        return self.camera_state == FUJI_CAMERA_PUSHES

    # ---- lifecycle -------------------------------------------------------------------------

    def open(self) -> FujiSession:
        """The Init (a busy camera asked twice), then the phone-mode bring-up (fuji_setup.py)."""
        if self._conn is not None or self._closed:
            raise RuntimeError("a FujiSession is opened once; make a new one to reconnect")
        from airnef_tui.state.identity import host_guid, host_name  # SQLite only when needed

        if self.guid is None:
            self.guid = host_guid()
        if self.name is None:
            self.name = host_name()
        self._conn = fuji_connect(  # type: ignore[assignment]
            self.host, self.port, guid=self.guid, name=self.name,
            connect_timeout=self.connect_timeout, io_timeout=self.io_timeout,
            data_piece=min(self.chunk_size, DATA_PIECE), cancel=self.cancel, stall=self.stall,
            busy_retry_delay=self.busy_retry_delay)
        try:
            fuji_setup.bring_up(self)
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        """Full size back to 0, CloseSession and the hang-up when the camera is still in step;
        idempotent and quiet after a lost connection. Pushed images no download took are kept."""
        self._closed = True
        conn: FujiConnection | None = self._conn  # type: ignore[assignment]
        try:
            if conn is not None and conn.command.usable and self._back_in_step(conn):
                if self._opened_at is not None:
                    self._say_goodbye()
                conn.command.hang_up()
        finally:
            self._opened_at = None
            self._conn = None
            if conn is not None:
                conn.close()
            pushed, self._pushed = self._pushed, None
            if pushed is not None:
                pushed.discard(self)

    def _say_goodbye(self) -> None:
        try:
            if self._full_size:
                self._set_u16(FUJI_PROP_FULL_SIZE, 0)
            self._exchange(OpCode.CLOSE_SESSION)
        except (CameraError, Interrupted):
            pass

    def _back_in_step(self, conn) -> bool:  # type: ignore[override]
        """As `CameraSession._back_in_step`, with Fujifilm's out-of-band containers."""
        if self._initiator.idle:
            return True
        channel = conn.command
        cancel, channel.cancel = channel.cancel, None
        try:
            deadline = time.monotonic() + DRAIN_SECONDS
            while not self._initiator.idle:
                item = channel.read(deadline=deadline)
                if is_fuji_out_of_band(item):
                    self._out_of_band(channel, item)
                else:
                    self._initiator.receive(item)
        except (CameraError, ProtocolError):
            return False
        finally:
            channel.cancel = cancel
        return True

    # ---- one transaction -------------------------------------------------------------------

    # `CameraSession._exchange` runs each transaction; only what may come between two of its
    # containers differs (a Fuji event or the camera's hang-up).
    _is_out_of_band = staticmethod(is_fuji_out_of_band)

    def _out_of_band(self, channel, item) -> None:  # type: ignore[override]
        if type(item) is FujiEvent:
            self._connection().queue_event(Event(item.code, item.transaction_id, item.params[:3]))
        elif type(item) is FujiHangUp:
            self.hung_up = True
            raise channel.fail(ConnectionLost(self.address, "the camera hung up"))

    def _set_u16(self, code: int, value: int) -> None:
        self.set_device_prop(code, value.to_bytes(2, "little"))

    def _full_sizes(self) -> None:
        """0xD227 = 1 once per session, before anything that reports or reads an image."""
        if not self._full_size:
            self._set_u16(FUJI_PROP_FULL_SIZE, 1)
            self._full_size = True

    # ---- the camera's properties -----------------------------------------------------------

    def poll_camera(self) -> dict[int, int]:
        """The event property: what changed since the last poll, {property: value}. Keeps the
        camera state and object count current; a higher count queues ObjectAdded events."""
        data = self.get_device_prop(FUJI_PROP_EVENTS)
        changes = self._decode(fuji_setup.parse_event_list, data, "event list")
        if FUJI_PROP_CAMERA_STATE in changes:
            self.camera_state = changes[FUJI_PROP_CAMERA_STATE]
        if FUJI_PROP_OBJECT_COUNT in changes:
            self._count_is(changes[FUJI_PROP_OBJECT_COUNT])
        return changes

    def _count_is(self, count: int) -> None:
        before = self.object_count
        self.object_count = count
        if before is not None and count > before and not self.pushes_images:
            for handle in range(before + 1, count + 1):
                self._connection().queue_event(Event(EventCode.OBJECT_ADDED, 0, (handle,)))

    def _count(self) -> int:
        count = fuji_setup.read_object_count(self)
        if count is None:
            raise OperationFailed(OpCode.GET_DEVICE_PROP_VALUE, _NOT_SUPPORTED,
                                  "the camera does not say how many images it has")
        self._count_is(count)
        return count

    # ---- the card --------------------------------------------------------------------------

    def _pushed_images(self) -> PushedImages | None:
        """For a pushing camera, its images, received on the first call; else None."""
        if not self.pushes_images:
            return None
        if self._pushed is None:
            self._pushed = pushed = PushedImages(self.spool_dir, FUJI_STORAGE)
            self.note("the camera is sending the images picked on it: receiving them all first")
            try:
                pushed.receive_all(self)
            except BaseException:
                self._pushed = None
                pushed.discard(self)  # what did arrive is kept, and named
                raise
        return self._pushed

    def storage_ids(self) -> tuple[int, ...]:
        return (FUJI_STORAGE,)

    def storage_info(self, storage_id: int) -> StorageInfo:
        if self.pushes_images:  # received images: nothing a cached listing could rely on
            raise OperationFailed(OpCode.GET_STORAGE_INFO, _NOT_SUPPORTED, "pushed images")
        return super().storage_info(storage_id)

    def object_handles(self, storage: int = ALL_STORAGES, fmt: int = 0,
                       parent: int = 0) -> tuple[int, ...]:
        """Handles 1 ... N, all at the top of the one store."""
        if storage not in (ALL_STORAGES, FUJI_STORAGE) or parent not in (0, ALL_STORAGES):
            return ()
        pushed = self._pushed_images()
        if pushed is not None:
            return pushed.handles
        return tuple(range(1, self._count() + 1))

    def num_objects(self, storage: int = ALL_STORAGES, fmt: int = 0, parent: int = 0) -> int:
        return len(self.object_handles(storage, fmt, parent))

    def camera_object_info(self, handle: int) -> ObjectInfo:
        """The camera's own ObjectInfo, full size on, as it sent it."""
        self._full_sizes()
        return super().object_info(handle)

    def object_info(self, handle: int) -> ObjectInfo:
        """ObjectInfo with the full size, at the top of our one store (the phone view shows no
        folders, and a parent the listing cannot see would only mislead it)."""
        pushed = self._pushed_images()
        if pushed is not None:
            return pushed.info(handle)
        info = self.camera_object_info(handle)
        return _flat(info)

    def object_size(self, handle: int, info: ObjectInfo | None = None) -> int:
        pushed = self._pushed_images()
        if pushed is not None:
            return pushed.size(handle)
        return super().object_size(handle, info)

    def camera_object_size(self, handle: int, info: ObjectInfo) -> int:
        """The size of the camera's own object (ObjectInfo's, or asked for past 4 GiB)."""
        return super().object_size(handle, info)

    def thumb(self, handle: int, *, large: bool = False) -> bytes:
        """GetThumb, when the camera offers it; no large thumbnails, none for pushed images."""
        if large or self.pushes_images:
            raise OperationFailed(OpCode.NIKON_GET_LARGE_THUMB if large else OpCode.GET_THUMB,
                                  _NOT_SUPPORTED, "not over Fujifilm's Wi-Fi"
                                  if large else "the camera pushed its images")
        return self._request_data(OpCode.GET_THUMB, (handle,))

    def get_object(self, handle: int, *, limit: int = SMALL_OBJECT_LIMIT) -> bytes:
        pushed = self._pushed_images()
        if pushed is not None:
            return pushed.read(handle, 0, limit)
        self._full_sizes()
        return super().get_object(handle, limit=limit)

    def get_partial(self, handle: int, offset: int, size: int) -> bytes:
        pushed = self._pushed_images()
        if pushed is not None:
            return pushed.read(handle, offset, size)
        self._full_sizes()
        return super().get_partial(handle, offset, size)

    def download(self, handle: int, sink: BinaryIO, *, size: int, offset: int = 0,
                 progress: Progress | None = None, cancelled: Cancelled | None = None) -> int:
        """As `CameraSession.download` (1 MiB GetPartialObject pieces, resumable), full size on;
        a pushing camera's images come from the spool folder."""
        pushed = self._pushed_images()
        if pushed is not None:
            return pushed.download(handle, sink, size=size, offset=offset, progress=progress,
                                   cancelled=cancelled)
        return self.camera_download(handle, sink, size=size, offset=offset, progress=progress,
                                    cancelled=cancelled)

    def camera_download(self, handle: int, sink: BinaryIO, *, size: int, offset: int = 0,
                        progress: Progress | None = None,
                        cancelled: Cancelled | None = None) -> int:
        """The camera's own object, streamed (what `download` is for a camera showing all)."""
        self._full_sizes()
        return super().download(handle, sink, size=size, offset=offset, progress=progress,
                                cancelled=cancelled)

    # ---- chores ----------------------------------------------------------------------------

    def keep_alive(self) -> None:
        """A poll of the event property, as the phone app keeps the camera awake; nothing once
        a pushing camera has sent everything (it hung up)."""
        if self._pushed is not None and not self.connected:
            return
        self.poll_camera()

    def poll_events(self) -> tuple[Event, ...]:
        """New images, from the event property's object count; they arrive on `events`."""
        self.keep_alive()
        return ()

    def transfer_list(self) -> tuple[int, ...]:
        """A pushing camera's images are the ones its user picked to send."""
        pushed = self._pushed_images()
        return pushed.handles if pushed is not None else ()


def _flat(info: ObjectInfo) -> ObjectInfo:
    if info.storage_id == FUJI_STORAGE and info.parent_object == 0:
        return info
    return dataclasses.replace(info, storage_id=FUJI_STORAGE, parent_object=0)
