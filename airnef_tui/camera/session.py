"""A blocking PTP session with one camera: open, operations, streaming download, close.

Not thread-safe: one thread drives a session (the TUI runs it in a worker thread). Every failure
is a `CameraError` subclass (see errors.py); after `ConnectionLost` or `CameraProtocolError` the
session is finished and the caller reconnects with a new one, resuming a download at the
`offset` the error carries.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import BinaryIO

from airnef_tui.camera.channel import DATA_PIECE
from airnef_tui.camera.connection import Connection, connect, format_address
from airnef_tui.camera.errors import (
    CameraError, CameraProtocolError, CameraRefused, ConnectionLost, DownloadCancelled,
    OperationFailed, refusal_advice,
)
from airnef_tui.camera.vendors import (
    CANON_EOS_PROP_CAMERA_TIME, GENERIC, PROP_DATE_TIME, SONY_SDIO_PARAM, Vendor, advertises,
    supports, vendor_for,
)
from airnef_tui.ptpip import (
    ALL_STORAGES, DEFAULT_PORT, Data, DataPhase, DeviceInfo, EndData, Event, ObjectInfo,
    ObjectProp, OpCode, OperationRequest, OperationResponse, ProbeRequest, ProbeResponse,
    ProtocolError, ResponseCode, StartData, StorageInfo, code_name, format_ptp_datetime,
    parse_ptp_datetime,
)
from airnef_tui.ptpip import wire
from airnef_tui.ptpip.wire import Reader

MIB = 1024 * 1024
FOUR_GIB = 1 << 32
MIN_SESSION_SECONDS = 1.0  # Nikon D7200/J5 cannot take the next Init after a shorter session
SMALL_OBJECT_LIMIT = 256 * MIB  # get_object/thumb/get_partial buffer in memory; download streams
_OK = ResponseCode.OK
_RETRY_PAUSE = 0.25

# `--log-level debug` shows every operation and response here. The check costs one cached
# `isEnabledFor` per operation (not per packet), so downloads pay nothing measurable when off.
_log = logging.getLogger("airnef_tui.camera.ptp")

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class CameraSession:
    """One PTP/IP session; use as a context manager, or call `open()` and `close()`.

    `guid` and `name` default to this installation's identity (state.identity). `make` is a hint
    from discovery (nikon, canon, sony): it only chooses the advice when the camera refuses us
    before it has told us who it is. `chunk_size` is the GetPartialObject piece size: 1 MiB is
    what Nikon bodies tolerate (larger single transfers made some drop the connection).
    """

    def __init__(self, host: str, port: int = DEFAULT_PORT, *, event_port: int | None = None,
                 guid: bytes | None = None, name: str | None = None,
                 connect_timeout: float = 10.0, io_timeout: float = 5.0, chunk_size: int = MIB,
                 probe: bool = True, session_id: int | None = None,
                 make: str | None = None) -> None:
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
        self.vendor: Vendor = GENERIC
        self.device_info: DeviceInfo | None = None
        self.session_id: int | None = None
        self._conn: Connection | None = None
        self._tid = 0
        self._opened_at: float | None = None
        self._closed = False
        self._in_step = True  # False while a transaction is unfinished (interrupted mid-stream)
        self._whole_object_only = False

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
            make_hint=self.make_hint, data_piece=min(self.chunk_size, DATA_PIECE))
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
                self._tid = 0
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
            if self._opened_at is not None and conn.command.usable and self._in_step:
                remaining = MIN_SESSION_SECONDS - (time.monotonic() - self._opened_at)
                if remaining > 0:
                    time.sleep(remaining)
                try:
                    self._exchange(OpCode.CLOSE_SESSION)
                except CameraError:
                    pass
        finally:
            self._opened_at = None
            self._conn = None
            conn.close()

    def _connection(self) -> Connection:
        if self._conn is None:
            raise ConnectionLost(self.address, "the session is not open")
        return self._conn

    # ---- one transaction -------------------------------------------------------------------

    def _next_tid(self) -> int:
        self._tid = self._tid + 1 if self._tid < 0xFFFFFFFE else 1
        return self._tid

    def _exchange(self, opcode: int, params: tuple[int, ...] = (), *,
                  on_data: Callable[[bytes], object] | None = None,
                  data_out: bytes | None = None, max_data: int | None = None,
                  tid: int | None = None) -> OperationResponse:
        """Request, optional data phase either way, response. Returns the response, OK or not.

        Incoming data goes to `on_data` piece by piece as the framer cuts it. If `on_data` raises
        (a full disk), the rest of the data phase is read and dropped so the session stays in step,
        then the error is re-raised. Anything inconsistent poisons the connection: after it, the
        byte stream cannot be trusted to be at a packet boundary.
        """
        channel = self._connection().command
        tid = self._next_tid() if tid is None else tid
        debug = _log.isEnabledFor(logging.DEBUG)
        if debug:
            _log.debug("→ %s tid %d params %s%s", code_name(OpCode, opcode), tid, _hex(params),
                       f", {len(data_out)} data bytes out" if data_out is not None else "")
        if data_out is None:
            channel.send(OperationRequest(opcode, tid, params))
        else:
            channel.send(OperationRequest(opcode, tid, params, DataPhase.OUT),
                         StartData(tid, len(data_out)), EndData(tid, data_out))
        announced: int | None = None
        received = 0
        ended = False
        sink_error: BaseException | None = None
        self._in_step = False
        try:
            while True:
                packet = channel.read()
                kind = type(packet)
                if kind is Data or kind is EndData:
                    if announced is None or ended:
                        raise self._bad(f"data packet outside a data phase for {opcode:#06x}")
                    if packet.transaction_id != tid:
                        raise self._bad(f"data for transaction {packet.transaction_id}, "
                                        f"expected {tid}")
                    received += len(packet.payload)
                    if received > announced:
                        raise self._bad(f"data phase longer than the {announced} bytes announced")
                    if sink_error is None and on_data is not None:
                        try:
                            on_data(packet.payload)
                        except BaseException as error:  # noqa: BLE001 - re-raised after the drain
                            sink_error = error
                    if kind is EndData:
                        ended = True
                        if received != announced:
                            raise self._bad(f"data phase ended after {received} of "
                                            f"{announced} bytes announced")
                elif kind is OperationResponse:
                    if packet.transaction_id != tid:
                        raise self._bad(f"response for transaction {packet.transaction_id}, "
                                        f"expected {tid}")
                    if announced is not None and not ended:
                        raise self._bad(f"response after {received} of {announced} data bytes")
                    if debug:
                        _log.debug("← %s tid %d params %s, %d data bytes in",
                                   code_name(ResponseCode, packet.code), tid,
                                   _hex(packet.params), received)
                    self._in_step = True
                    if sink_error is not None:
                        raise sink_error
                    return packet
                elif kind is StartData:
                    if announced is not None:
                        raise self._bad("a second Start Data in one transaction")
                    if packet.transaction_id != tid:
                        raise self._bad(f"Start Data for transaction {packet.transaction_id}, "
                                        f"expected {tid}")
                    announced = packet.total_length
                    if max_data is not None and announced > max_data:
                        raise self._bad(f"{announced} bytes announced where at most {max_data} "
                                        f"were asked for")
                elif kind is ProbeRequest:
                    channel.send(ProbeResponse())
                elif kind is Event:
                    self._connection().queue_event(packet)
                elif kind is not ProbeResponse:
                    raise self._bad(f"unexpected {type(packet).__name__} during {opcode:#06x}")
        except CameraProtocolError as error:
            channel._fail(error)
            raise

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
            time.sleep(_RETRY_PAUSE)

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

    # ---- the camera's clock ----------------------------------------------------------------

    def camera_clock(self) -> datetime | None:
        """The DateTime property (0x5011): naive local time as cameras keep it (aware only if
        the camera gave a zone); None when the camera's text is no usable date."""
        data = self.get_device_prop(PROP_DATE_TIME)
        text = self._decode(lambda d: Reader(d).ptp_string("DateTime"), data, "DateTime")
        return self._decode(parse_ptp_datetime, text, "DateTime")

    def set_camera_clock(self, moment: datetime) -> str:
        """Set the camera's clock to `moment` (an aware datetime); returns the way it was set.

        Canon EOS bodies that advertise 0x9110 get their clock property (0xD17C, UTC Unix time)
        through it; every other camera gets the standard DateTime property as local time.
        Raises OperationFailed when the camera refuses."""
        opcode = self.vendor.clock_op
        if opcode is not None and advertises(self.device_info, opcode):
            data = (wire.u32(12) + wire.u32(CANON_EOS_PROP_CAMERA_TIME)
                    + wire.u32(int(moment.timestamp())))
            self.operation_with_data_out(opcode, (), data)
            return f"{code_name(OpCode, opcode)}, property 0x{CANON_EOS_PROP_CAMERA_TIME:04X}"
        local = moment.astimezone().replace(tzinfo=None)
        text = format_ptp_datetime(local, tenths=self.vendor.dates_with_tenths)
        self.set_device_prop(PROP_DATE_TIME, wire.ptp_string(text))
        return f"DateTime property 0x{PROP_DATE_TIME:04X}"

    # ---- vendor chores ---------------------------------------------------------------------

    @property
    def can_sleep(self) -> bool:
        """True for cameras that can be put to sleep on request (Sony)."""
        return self.vendor.sleep_payload is not None

    def sony_sleep(self) -> None:
        """Put a Sony to sleep: 0x9280 with the sleep payload, then 0x9281 (which must follow
        every 0x9280, or later operations answer Busy). The camera then drops the connection,
        so the session ends here without a CloseSession it would not answer."""
        payload = self.vendor.sleep_payload
        if payload is None:
            raise ValueError(f"a {self.vendor.make} camera cannot be put to sleep this way")
        answers = (
            (OpCode.SONY_SDIO_CONNECT,
             self._exchange(OpCode.SONY_SDIO_CONNECT, (SONY_SDIO_PARAM,), data_out=payload)),
            (OpCode.SONY_SDIO_GET_EXT_DEVICE_INFO,
             self._exchange(OpCode.SONY_SDIO_GET_EXT_DEVICE_INFO, (SONY_SDIO_PARAM,),
                            max_data=SMALL_OBJECT_LIMIT)),
        )
        for opcode, response in answers:
            if response.code != _OK:
                raise OperationFailed(opcode, response.code)
        self._opened_at = None  # asleep: close() only closes the sockets

    def poll_events(self) -> tuple[Event, ...]:
        """Events the camera queues for a host to ask for (Nikon GetEvent), in order; () for
        cameras without such an op. The event socket's `events` queue is the other source."""
        opcode = self.vendor.event_poll_op
        if opcode is None or not supports(self.device_info, opcode):
            return ()
        data = self._request_data(opcode)

        def decode(raw: bytes) -> tuple[Event, ...]:
            reader = Reader(raw)
            count = reader.u16("event count")
            return tuple(Event(reader.u16("event code"), 0, (reader.u32("event parameter"),))
                         for _ in range(count))

        return self._decode(decode, data, "GetEvent") if data else ()

    def transfer_list(self) -> tuple[int, ...]:
        """Handles the user picked on the camera (Nikon); empty when there is no such list."""
        if not self.vendor.has_transfer_list:
            return ()
        parts: list[bytes] = []
        response = self._exchange(OpCode.NIKON_GET_TRANSFER_LIST, on_data=parts.append,
                                  max_data=SMALL_OBJECT_LIMIT)
        if response.code in (ResponseCode.NIKON_NO_TRANSFER_LIST,
                             ResponseCode.NIKON_WU1A_NO_TRANSFER_LIST,
                             ResponseCode.OPERATION_NOT_SUPPORTED):
            return ()
        if response.code != _OK:
            raise OperationFailed(OpCode.NIKON_GET_TRANSFER_LIST, response.code)
        data = b"".join(parts)
        if not data:
            return ()
        return self._decode(lambda d: Reader(d).array("I", "transfer list"), data,
                            "transfer list")

    # ---- streaming download ----------------------------------------------------------------

    def _partial_request(self, handle: int, offset: int, size: int) -> tuple[int, tuple[int, ...]]:
        """The op and params reading [offset, offset + size); 32-bit op below 4 GiB."""
        if offset + size <= FOUR_GIB:
            return OpCode.GET_PARTIAL_OBJECT, (handle, offset, size)
        opcode = self.vendor.partial64_op(self.device_info)
        low, high = offset & 0xFFFFFFFF, offset >> 32
        if opcode == OpCode.NIKON_GET_PARTIAL_OBJECT_EX:
            return opcode, (handle, low, high, size & 0xFFFFFFFF, size >> 32)
        if opcode == OpCode.MTP_GET_PARTIAL_OBJECT_64:
            return opcode, (handle, low, high, size)
        raise OperationFailed(OpCode.MTP_GET_PARTIAL_OBJECT_64,
                              ResponseCode.OPERATION_NOT_SUPPORTED,
                              "the camera advertises no 64-bit partial read")

    def download(self, handle: int, sink: BinaryIO, *, size: int, offset: int = 0,
                 progress: Progress | None = None, cancelled: Cancelled | None = None) -> int:
        """Write the object's bytes [offset, size) to `sink.write`, streaming; return bytes written.

        Pieces of `chunk_size` via GetPartialObject, the 64-bit vendor op past 4 GiB, or one
        GetObject (skipping up to `offset`) when the camera has no partial read. `progress(done,
        size)` follows each piece, `cancelled()` is asked between pieces. A lost connection raises
        ConnectionLost with `.offset` = the object offset written so far: resume from there.
        """
        if not 0 <= offset <= size:
            raise ValueError(f"offset {offset} outside an object of {size} bytes")
        start = offset
        position = offset
        write = sink.write

        def take(piece: bytes) -> None:
            nonlocal position
            write(piece)
            position += len(piece)

        try:
            while position < size:
                if cancelled is not None and cancelled():
                    raise DownloadCancelled(position)
                if self._whole_object_only or (
                        position >= FOUR_GIB and self.vendor.partial64_op(self.device_info) is None):
                    self._download_whole(handle, write, position, size, progress)
                    return size - start
                piece = min(self.chunk_size, size - position)
                if position < FOUR_GIB:
                    piece = min(piece, FOUR_GIB - position)  # a 32-bit offset never wraps
                opcode, params = self._partial_request(handle, position, piece)
                before = position
                response = self._exchange(opcode, params, on_data=take, max_data=piece)
                if response.code == ResponseCode.OPERATION_NOT_SUPPORTED and position == before:
                    if opcode == OpCode.GET_PARTIAL_OBJECT:
                        self._whole_object_only = True
                        continue
                    self._download_whole(handle, write, position, size, progress)
                    return size - start
                if response.code != _OK:
                    raise OperationFailed(opcode, response.code,
                                          f"handle {handle} at offset {before}")
                if position == before:
                    raise self._bad(f"no data for handle {handle} at offset {before} "
                                    f"of {size} bytes")
                if progress is not None:
                    progress(position, size)
        except ConnectionLost as lost:
            if lost.offset is not None:  # already placed by _download_whole
                raise
            raise lost.at_offset(position) from lost
        return size - start

    def _download_whole(self, handle: int, write: Callable[[bytes], object], offset: int,
                        size: int, progress: Progress | None) -> None:
        """GetObject from byte 0, dropping what lies before `offset`: slow, but it resumes."""
        skip = offset
        position = offset

        def take(piece: bytes) -> None:
            nonlocal skip, position
            if skip:
                if len(piece) <= skip:
                    skip -= len(piece)
                    return
                piece = memoryview(piece)[skip:]
                skip = 0
            write(piece)
            position += len(piece)
            if progress is not None:
                progress(position, size)

        try:
            self._request(OpCode.GET_OBJECT, (handle,), on_data=take, max_data=size)
        except ConnectionLost as lost:
            raise lost.at_offset(position) from lost
        if position != size:
            raise self._bad(f"GetObject of handle {handle} gave {position} of {size} bytes")


def _hex(params: tuple[int, ...]) -> str:
    return "(" + ", ".join(f"0x{p:X}" for p in params) + ")"
