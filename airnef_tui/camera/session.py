"""A blocking PTP session with one camera: open, operations, streaming download, close.

`CameraSession` is the one face of the camera the other layers use. This module holds what makes a
session: bring-up and close, the I/O loop that runs each transaction (the transaction rules
themselves are `ptpip.transaction.Initiator`'s), and the standard operations. The streaming
download (download.py) and the vendor chores (chores.py) live in their own modules, exposed here
as methods.

Not thread-safe: one thread drives a session (the TUI runs it in a worker thread). Every failure
is a `CameraError` subclass (see errors.py); after `ConnectionLost` or `CameraProtocolError` the
session is finished and the caller reconnects with a new one, resuming a download at the
`offset` the error carries.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import BinaryIO

from airnef_tui.camera import chores
from airnef_tui.camera.channel import DATA_PIECE, PacketChannel, StallRule
from airnef_tui.camera.address import format_address
from airnef_tui.camera.connection import Connection, connect
from airnef_tui.camera.download import Cancelled, Progress, partial_request, stream_object
from airnef_tui.camera.errors import (
    CameraError, CameraProtocolError, CameraRefused, ConnectionLost, Interrupted,
    OperationFailed, refusal_advice,
)
from airnef_tui.camera.vendors import GENERIC, Vendor, supports, vendor_for
from airnef_tui.ptpip import (
    ALL_STORAGES, DEFAULT_PORT, DeviceInfo, Event, ObjectInfo, ObjectProp, OpCode,
    OperationResponse, Packet, ProbeRequest, ProbeResponse, ProtocolError, ResponseCode,
    StorageInfo, code_name,
)
from airnef_tui.ptpip.transaction import (
    DataReceived, Initiator, ResponseReceived, is_out_of_band,
)
from airnef_tui.ptpip.wire import Reader

MIB = 1024 * 1024
FOUR_GIB = 1 << 32
MIN_SESSION_SECONDS = 1.0  # for makes whose Vendor.needs_min_session (Nikon D7200/J5)
SMALL_OBJECT_LIMIT = 256 * MIB  # get_object/thumb/get_partial buffer in memory; download streams
_OK = ResponseCode.OK
_RETRY_PAUSE = 0.25
DRAIN_SECONDS = 1.0  # how long close() reads what is left of a transaction a cancel cut short

# `--log-level debug` shows every operation and response here. The check costs one cached
# `isEnabledFor` per operation (not per packet), so downloads pay nothing measurable when off.
_log = logging.getLogger("airnef_tui.camera.ptp")


class CameraSession:
    """One PTP/IP session; use as a context manager, or call `open()` and `close()`.

    `guid` and `name` default to this installation's identity (state.identity). `make` is a hint
    from the caller (nikon, canon, sony): it only chooses the advice when the camera refuses us
    before it has told us who it is. `chunk_size` is the GetPartialObject piece size: 1 MiB is
    what Nikon bodies tolerate (larger single transfers made some drop the connection).
    """

    def __init__(self, host: str, port: int = DEFAULT_PORT, *, event_port: int | None = None,
                 guid: bytes | None = None, name: str | None = None,
                 connect_timeout: float = 10.0, io_timeout: float = 5.0, chunk_size: int = MIB,
                 probe: bool = True, session_id: int | None = None,
                 make: str | None = None, cancel: threading.Event | None = None,
                 stall: StallRule | None = StallRule()) -> None:
        if chunk_size <= 0 or chunk_size > 0xFFFFFFFF:
            raise ValueError("chunk_size must be between 1 byte and 4 GiB - 1")
        self.host = host
        self.port = port
        self.address = format_address(host, port)
        self.event_port = event_port
        self.guid = guid
        self.name = name
        self.connect_timeout = connect_timeout
        self.io_timeout = io_timeout
        self.chunk_size = chunk_size
        self.probe = probe
        self.requested_session_id = session_id
        self.make_hint = make
        self.cancel = cancel  # once set, any wait on the camera raises Interrupted
        self.stall = stall  # the least a transaction moves before it counts as stalled
        self.vendor: Vendor = GENERIC
        self.device_info: DeviceInfo | None = None
        self.session_id: int | None = None
        self._conn: Connection | None = None
        # The transaction rules and numbering; not idle while a transaction is unfinished
        # (interrupted mid-stream), when the stream is at no packet boundary.
        self._initiator = Initiator()
        self._opened_at: float | None = None
        self._closed = False
        self._whole_object_only = False  # no usable GetPartialObject: download via GetObject

    # ---- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> CameraSession:
        self.open()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def make(self) -> str:
        return self.vendor.make

    @property
    def events(self):
        """queue.Queue of ptpip.Event packets from the event socket (ObjectAdded and the rest)."""
        return self._connection().events

    @property
    def camera_name(self) -> str:
        return self._connection().camera_name

    @property
    def camera_guid(self) -> bytes:
        """The GUID the camera sent in its Init Command Ack."""
        return self._connection().camera_guid

    @property
    def connected(self) -> bool:
        return self._conn is not None and self._conn.command.usable

    def open(self) -> CameraSession:
        """Handshake, OpenSession (tid 0), then GetDeviceInfo to learn the make."""
        if self._conn is not None or self._closed:
            raise RuntimeError("a CameraSession is opened once; make a new one to reconnect")
        from airnef_tui.state.identity import host_guid, host_name  # SQLite only when needed

        self._conn = connect(
            self.host, self.port, event_port=self.event_port,
            guid=self.guid if self.guid is not None else host_guid(),
            name=self.name if self.name is not None else host_name(),
            connect_timeout=self.connect_timeout, io_timeout=self.io_timeout, probe=self.probe,
            make_hint=self.make_hint, data_piece=min(self.chunk_size, DATA_PIECE),
            cancel=self.cancel, stall=self.stall)
        try:
            self._open_session()
            self.device_info = self.get_device_info()
            self.vendor = vendor_for(self.device_info.manufacturer)
            self._whole_object_only = not supports(self.device_info, OpCode.GET_PARTIAL_OBJECT)
        except BaseException:
            self.close()
            raise
        return self

    def _open_session(self) -> None:
        """Connection number as session id, then 1 (the Nikon J5 sends 0 and then rejects 0)."""
        first = self._connection().connection_number
        if self.requested_session_id is not None:
            first = self.requested_session_id
        code = _OK
        for session_id in dict.fromkeys((first, 1)):
            response = self._exchange(OpCode.OPEN_SESSION, (session_id,), tid=0)
            code = response.code
            if code in (_OK, ResponseCode.SESSION_ALREADY_OPEN):
                self.session_id = session_id
                self._opened_at = time.monotonic()
                return
        if code in (ResponseCode.ACCESS_DENIED, ResponseCode.SONY_AUTHENTICATION_FAILED):
            make = self.make_hint or ("sony" if code == ResponseCode.SONY_AUTHENTICATION_FAILED
                                      else None)
            raise CameraRefused(self.address,
                                f"OpenSession answered {code_name(ResponseCode, code)}",
                                refusal_advice(make, None), code=code)
        raise OperationFailed(OpCode.OPEN_SESSION, code)

    def close(self) -> None:
        """CloseSession and both sockets; idempotent, and quiet after a lost connection."""
        self._closed = True
        conn = self._conn
        if conn is None:
            return
        try:
            if self._opened_at is not None and conn.command.usable and self._back_in_step(conn):
                self._hold_minimum_session()
                try:
                    self._exchange(OpCode.CLOSE_SESSION)
                except (CameraError, Interrupted):
                    pass
        finally:
            self._opened_at = None
            self._conn = None
            conn.close()

    def _back_in_step(self, conn: Connection) -> bool:
        """True when no transaction is open, or the one a cancel cut short ends (its data read
        and dropped) within `DRAIN_SECONDS`: then the camera gets its CloseSession. A camera that
        dribbles is not waited for: its session is dropped without one."""
        if self._initiator.idle:
            return True
        channel = conn.command
        cancel, channel.cancel = channel.cancel, None  # the stop happened; this is tidying up
        deadline = time.monotonic() + DRAIN_SECONDS
        try:
            while not self._initiator.idle:
                packet = channel.read(deadline=deadline)
                if is_out_of_band(packet):
                    self._out_of_band(channel, packet)
                else:
                    self._initiator.receive(packet)
        except (CameraError, ProtocolError):
            return False
        finally:
            channel.cancel = cancel
        return True

    def _pause(self, seconds: float) -> None:
        """A wait that a cancel ends at once (with Interrupted)."""
        if self.cancel is None:
            time.sleep(seconds)
        elif self.cancel.wait(seconds):
            raise Interrupted(f"stopped while waiting for the camera at {self.address}")

    def _hold_minimum_session(self) -> None:
        """Nikon bodies (and a camera that never said who it is) get their minimum session;
        every other make is closed at once."""
        if self.device_info is not None and not self.vendor.needs_min_session:
            return
        remaining = MIN_SESSION_SECONDS - (time.monotonic() - self._opened_at)
        if remaining > 0:
            time.sleep(remaining)

    def _connection(self) -> Connection:
        if self._conn is None:
            raise ConnectionLost(self.address, "the session is not open")
        return self._conn

    # ---- one transaction -------------------------------------------------------------------

    def _exchange(self, opcode: int, params: tuple[int, ...] = (), *,
                  on_data: Callable[[bytes], object] | None = None,
                  data_out: bytes | None = None, max_data: int | None = None,
                  tid: int | None = None) -> OperationResponse:
        """Request, optional data phase either way, response. Returns the response, OK or not.

        Only the I/O: the order of the packets, the transaction ids and the data lengths are the
        `Initiator`'s to check. Incoming data goes to `on_data` piece by piece as the framer cuts
        it. If `on_data` raises (a full disk), the rest of the data phase is read and dropped so
        the session stays in step, then the error is re-raised. Anything out of order poisons
        the connection: after it, the byte stream cannot be trusted to be at a packet boundary.
        """
        channel = self._connection().command
        initiator = self._initiator
        packets = self._start(channel, opcode, params, data_out, max_data, tid)
        debug = _log.isEnabledFor(logging.DEBUG)
        if debug:
            _log.debug("→ %s tid %d params %s%s", code_name(OpCode, opcode),
                       initiator.transaction_id, _hex(params),
                       f", {len(data_out)} data bytes out" if data_out is not None else "")
        channel.send(*packets)
        sink_error: BaseException | None = None
        try:
            while True:
                packet = channel.read()
                if self._is_out_of_band(packet):
                    self._out_of_band(channel, packet)
                    continue
                event = initiator.receive(packet)
                if type(event) is DataReceived:
                    if sink_error is None and on_data is not None:
                        try:
                            on_data(event.payload)
                        except BaseException as error:  # noqa: BLE001 - re-raised after the drain
                            sink_error = error
                elif type(event) is ResponseReceived:  # the transaction is over
                    response = event.response
                    break
                # None (Start Data) or DataCancelled (the camera gave up): its response follows
        except ProtocolError as error:
            raise channel.fail(CameraProtocolError(self.address, str(error))) from error
        if debug:
            _log.debug("← %s tid %d params %s, %d data bytes in",
                       code_name(ResponseCode, response.code), response.transaction_id,
                       _hex(response.params), initiator.received)
        if sink_error is not None:
            raise sink_error
        return response

    # What may arrive between any two packets of a transaction; a transport with other framing
    # (Fujifilm's containers) names its own.
    _is_out_of_band = staticmethod(is_out_of_band)

    def _start(self, channel: PacketChannel, opcode: int, params: tuple[int, ...],
               data_out: bytes | None, max_data: int | None,
               tid: int | None) -> tuple[Packet, ...]:
        """The packets opening a transaction. One left unfinished by a stop (Interrupted out of
        the read loop) is first read to its end; if it does not end soon, the connection counts
        as lost, so the caller reconnects and resumes as after any drop."""
        if channel.failure is not None:
            raise channel.failure  # the reason the last transaction broke off, not its effect
        if not self._back_in_step(self._connection()):
            raise channel.fail(ConnectionLost(
                self.address, "a transaction cut short by a stop did not finish within "
                f"{DRAIN_SECONDS:g} s"))
        channel.expect_progress()
        return self._initiator.start(opcode, params, data_out=data_out, max_data=max_data,
                                     transaction_id=tid)

    def _out_of_band(self, channel: PacketChannel, packet: Packet) -> None:
        """Packets allowed between any two of a transaction: answer probes, queue events."""
        if type(packet) is ProbeRequest:
            channel.send(ProbeResponse())
        elif type(packet) is Event:
            self._connection().queue_event(packet)
        # a Probe Response (to a probe of ours) needs nothing

    def _bad(self, problem: str) -> CameraProtocolError:
        return CameraProtocolError(self.address, problem)

    def _request(self, opcode: int, params: tuple[int, ...] = (), **kwargs) -> OperationResponse:
        response = self._exchange(opcode, params, **kwargs)
        if response.code != _OK:
            raise OperationFailed(opcode, response.code)
        return response

    def _request_data(self, opcode: int, params: tuple[int, ...] = (), *,
                      limit: int = SMALL_OBJECT_LIMIT) -> bytes:
        """An operation whose data phase is small enough to hold in memory."""
        parts: list[bytes] = []
        self._request(opcode, params, on_data=parts.append, max_data=limit)
        return b"".join(parts)

    def _decode(self, decoder: Callable[[bytes], object], data: bytes, what: str):
        """Dataset errors leave the stream in step, so the session stays usable after them."""
        try:
            return decoder(data)
        except ProtocolError as error:
            raise CameraProtocolError(self.address, f"{what}: {error}") from error

    # ---- operations ------------------------------------------------------------------------

    def get_device_info(self) -> DeviceInfo:
        data = self._request_data(OpCode.GET_DEVICE_INFO)
        return self._decode(DeviceInfo.decode, data, "DeviceInfo")

    def keep_alive(self) -> None:
        """A real operation (Sony ignores probes); call it when idle for more than a few seconds."""
        self._request_data(self.vendor.keep_alive_op)

    def storage_ids(self) -> tuple[int, ...]:
        data = self._request_data(OpCode.GET_STORAGE_IDS)
        return self._decode(lambda d: Reader(d).array("I", "storage ids"), data, "storage ids")

    def storage_info(self, storage_id: int) -> StorageInfo:
        data = self._request_data(OpCode.GET_STORAGE_INFO, (storage_id,))
        return self._decode(StorageInfo.decode, data, "StorageInfo")

    def object_handles(self, storage: int = ALL_STORAGES, fmt: int = 0,
                       parent: int = 0) -> tuple[int, ...]:
        """All three parameters always go out: Sony rejects the short form."""
        data = self._request_data(OpCode.GET_OBJECT_HANDLES, (storage, fmt, parent))
        return self._decode(lambda d: Reader(d).array("I", "object handles"), data,
                            "object handles")

    def num_objects(self, storage: int = ALL_STORAGES, fmt: int = 0, parent: int = 0) -> int:
        response = self._request(OpCode.GET_NUM_OBJECTS, (storage, fmt, parent))
        if not response.params:
            raise self._bad("GetNumObjects response carries no count")
        return response.params[0]

    def object_info(self, handle: int) -> ObjectInfo:
        """Retried per vendor: Nikon answers GeneralError for a few seconds after a shot."""
        deadline = time.monotonic() + self.vendor.object_info_retry_seconds
        while True:
            parts: list[bytes] = []
            response = self._exchange(OpCode.GET_OBJECT_INFO, (handle,), on_data=parts.append,
                                      max_data=SMALL_OBJECT_LIMIT)
            if response.code == _OK:
                return self._decode(ObjectInfo.decode, b"".join(parts), f"ObjectInfo of {handle}")
            if (response.code not in self.vendor.object_info_retry_codes
                    or time.monotonic() + _RETRY_PAUSE > deadline):
                raise OperationFailed(OpCode.GET_OBJECT_INFO, response.code, f"handle {handle}")
            self._pause(_RETRY_PAUSE)

    def object_size(self, handle: int, info: ObjectInfo | None = None) -> int:
        """The true 64-bit size: ObjectInfo's u32 says 0xFFFFFFFF for 4 GiB and more."""
        info = info if info is not None else self.object_info(handle)
        if not info.size_is_truncated:
            return info.compressed_size
        data = self._request_data(OpCode.MTP_GET_OBJECT_PROP_VALUE,
                                  (handle, ObjectProp.OBJECT_SIZE), limit=64)
        return self._decode(lambda d: Reader(d).u64("ObjectSize"), data, "ObjectSize")

    def thumb(self, handle: int, *, large: bool = False) -> bytes:
        """The camera's thumbnail; `large` asks for Nikon's screen-sized preview (GetLargeThumb),
        which only Nikon bodies have: OperationFailed(OperationNotSupported) elsewhere."""
        if large:
            if self.vendor.make != "nikon" and not supports(self.device_info,
                                                            OpCode.NIKON_GET_LARGE_THUMB):
                raise OperationFailed(OpCode.NIKON_GET_LARGE_THUMB,
                                      ResponseCode.OPERATION_NOT_SUPPORTED,
                                      "only Nikon cameras have large thumbnails")
            return self._request_data(OpCode.NIKON_GET_LARGE_THUMB, (handle,))
        return self._request_data(OpCode.GET_THUMB, (handle,))

    def get_object(self, handle: int, *, limit: int = SMALL_OBJECT_LIMIT) -> bytes:
        """A whole object in memory: for small ones only; `download` streams big ones."""
        return self._request_data(OpCode.GET_OBJECT, (handle,), limit=limit)

    def get_partial(self, handle: int, offset: int, size: int) -> bytes:
        """Up to `size` bytes from `offset` (the camera may send fewer at the end of the object)."""
        if not 0 < size <= SMALL_OBJECT_LIMIT:
            raise ValueError(f"get_partial reads 1 byte to {SMALL_OBJECT_LIMIT} bytes at a time")
        parts: list[bytes] = []
        opcode, params = self._partial_request(handle, offset, size)
        self._request(opcode, params, on_data=parts.append, max_data=size)
        return b"".join(parts)

    def get_device_prop(self, code: int) -> bytes:
        return self._request_data(OpCode.GET_DEVICE_PROP_VALUE, (code,))

    def set_device_prop(self, code: int, data: bytes) -> None:
        self._request(OpCode.SET_DEVICE_PROP_VALUE, (code,), data_out=bytes(data))

    def operation(self, opcode: int, params: tuple[int, ...] = ()) -> bytes:
        """Any operation without host data (a vendor's, say); returns its data phase, if any.

        Raises OperationFailed when the camera answers anything but OK."""
        return self._request_data(opcode, params)

    def operation_with_data_out(self, opcode: int, params: tuple[int, ...],
                                data: bytes) -> None:
        """Any operation whose data phase goes from us to the camera (as `set_device_prop`)."""
        self._request(opcode, params, data_out=bytes(data))

    # ---- vendor chores (chores.py) ---------------------------------------------------------

    def camera_clock(self) -> datetime | None:
        """The DateTime property (0x5011): naive local time as cameras keep it (aware only if
        the camera gave a zone); None when the camera's text is no usable date."""
        return chores.camera_clock(self)

    def set_camera_clock(self, moment: datetime) -> str:
        """Set the camera's clock to `moment` (an aware datetime); returns the way it was set.

        Canon EOS bodies that advertise 0x9110 get their clock property (0xD17C, UTC Unix time)
        through it; every other camera gets the standard DateTime property as local time.
        Raises OperationFailed when the camera refuses."""
        return chores.set_camera_clock(self, moment)

    @property
    def can_sleep(self) -> bool:
        """True for cameras that can be put to sleep on request (Sony)."""
        return self.vendor.sleep_payload is not None

    def sony_sleep(self) -> None:
        """Put a Sony to sleep: 0x9280 with the sleep payload, then 0x9281 (which must follow
        every 0x9280, or later operations answer Busy). The camera then drops the connection,
        so the session ends here without a CloseSession it would not answer."""
        chores.sony_sleep(self, SMALL_OBJECT_LIMIT)
        self._opened_at = None  # asleep: close() only closes the sockets

    def poll_events(self) -> tuple[Event, ...]:
        """Events the camera queues for a host to ask for (Nikon GetEvent), in order; () for
        cameras without such an op. The event socket's `events` queue is the other source."""
        return chores.poll_events(self)

    def transfer_list(self) -> tuple[int, ...]:
        """Handles the user picked on the camera (Nikon); empty when there is no such list."""
        return chores.transfer_list(self, SMALL_OBJECT_LIMIT)

    # ---- streaming download (download.py) --------------------------------------------------

    def download(self, handle: int, sink: BinaryIO, *, size: int, offset: int = 0,
                 progress: Progress | None = None, cancelled: Cancelled | None = None) -> int:
        """Write the object's bytes [offset, size) to `sink.write`, streaming; return bytes written.

        Pieces of `chunk_size` via GetPartialObject, the 64-bit vendor op past 4 GiB, or one
        GetObject (skipping up to `offset`) when the camera has no partial read. `progress(done,
        size)` follows each piece, `cancelled()` is asked between pieces. A lost connection raises
        ConnectionLost with `.offset` = the object offset written so far: resume from there.
        """
        return stream_object(self, handle, sink, size=size, offset=offset, progress=progress,
                             cancelled=cancelled, narrow_limit=FOUR_GIB)

    def _partial_request(self, handle: int, offset: int, size: int) -> tuple[int, tuple[int, ...]]:
        """The op and params reading [offset, offset + size); 32-bit op below 4 GiB."""
        return partial_request(self, handle, offset, size, narrow_limit=FOUR_GIB)


def _hex(params: tuple[int, ...]) -> str:
    return "(" + ", ".join(f"0x{p:X}" for p in params) + ")"
