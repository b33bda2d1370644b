"""A small scripted PTP/IP peer for the byte-level edge cases a well-behaved simulator never shows.

It listens on 127.0.0.1 only, serves one client connection pair at a time, records every request,
and lets a test replace any answer with raw bytes: wrong transaction ids, short data phases, a
cut in the middle of a packet, silence, garbage.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from airnef_tui.ptpip import (
    DeviceInfo, EndData, Event, Framer, InitCommandAck, InitCommandRequest, InitEventAck,
    InitEventRequest, InitFail, ObjectInfo, OpCode, OperationRequest, OperationResponse,
    ProbeRequest, ProbeResponse, ResponseCode, StartData, StorageInfo, encode,
)
from airnef_tui.ptpip.packets import data_header
from airnef_tui.ptpip.wire import array, u64

CAMERA_GUID = bytes(range(16))
TEST_GUID = bytes(range(0xA0, 0xAA)) + bytes(6)  # the host GUID tests present (Sony-valid)
STORAGE = 0x00010001


@dataclass
class FakeObject:
    info: ObjectInfo
    content: bytes = b""
    size: int | None = None  # a virtual size (sparse objects): read() fills with a pattern

    @property
    def length(self) -> int:
        return len(self.content) if self.size is None else self.size

    def read(self, offset: int, count: int) -> bytes:
        end = min(offset + count, self.length)
        if offset >= end:
            return b""
        if self.size is None:
            return self.content[offset:end]
        return pattern_bytes(offset, end - offset)


def pattern_bytes(offset: int, count: int) -> bytes:
    """Position-dependent bytes, so a piece written at the wrong offset never compares equal."""
    first = offset // 8
    words = (count + (offset % 8) + 7) // 8
    raw = b"".join(struct.pack("<Q", (i * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF)
                   for i in range(first, first + words))
    start = offset % 8
    return raw[start:start + count]


class Hangup(bytes):
    """An override reply: send these bytes, then close the command socket."""


class Stall(bytes):
    """An override reply: send these bytes, then go silent (the socket stays open)."""


@dataclass
class Request:
    code: int
    transaction_id: int
    params: tuple[int, ...]
    data: bytes = b""


Responder = Callable[["FakeCamera", Request], bytes | None]


@dataclass
class FakeCamera:
    manufacturer: str = "Fake Corp"
    connection_number: int = 1
    init_reply: str = "ack"  # ack | fail | silent | close | raw (send init_raw, hang up)
    init_raw: bytes = b""
    init_fail_reason: int = 1
    probe_reply: bool = True
    rejected_session_ids: set[int] = field(default_factory=set)
    operations: tuple[int, ...] = ()
    objects: dict[int, FakeObject] = field(default_factory=dict)
    storages: tuple[int, ...] = (STORAGE,)
    whole_store_listing: bool = True
    data_packet: int = 0  # >0: split data phases into Data packets of this size (Canon style)
    override: Responder | None = None  # return raw bytes to send instead, or None for default
    after_init: bytes | None = None  # raw bytes sent right after the Init Command Ack
    events_to_send: list[Event | ProbeRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.requests: list[Request] = []
        self.init_requests: list[InitCommandRequest] = []
        self.event_requests: list[InitEventRequest] = []
        self.probes_received = 0
        self.probe_responses = 0
        self.sessions_closed = 0
        self.errors: list[BaseException] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._stop = False
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> FakeCamera:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        try:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        except OSError:
            pass
        self._listener.close()
        for sock in self._sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        for thread in self._threads:
            thread.join(timeout=2)
        self._thread.join(timeout=2)

    # ---- plumbing ------------------------------------------------------------------------

    def _accept(self) -> socket.socket | None:
        try:
            sock, _ = self._listener.accept()
        except OSError:
            return None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sockets.append(sock)
        return sock

    @staticmethod
    def _packets(sock: socket.socket):
        framer = Framer(data_piece=1 << 30)
        while True:
            for packet in framer:
                yield packet
            try:
                data = sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            framer.feed(data)

    def _serve(self) -> None:
        while not self._stop:
            command = self._accept()
            if command is None:
                return
            try:
                self._serve_client(command)
            except (OSError, StopIteration):
                pass
            except BaseException as error:  # noqa: BLE001 - surfaced to the test
                self.errors.append(error)

    def _serve_client(self, command: socket.socket) -> None:
        packets = self._packets(command)
        request = next(packets)
        assert isinstance(request, InitCommandRequest), request
        self.init_requests.append(request)
        if self.init_reply == "fail":
            command.sendall(encode(InitFail(self.init_fail_reason)))
            return
        if self.init_reply == "silent":
            next(packets, None)
            return
        if self.init_reply == "close":
            command.close()
            return
        if self.init_reply == "raw":
            command.sendall(self.init_raw)
            command.shutdown(socket.SHUT_RDWR)
            return
        command.sendall(encode(InitCommandAck(self.connection_number, CAMERA_GUID, "FakeCam")))
        if self.after_init is not None:
            command.sendall(self.after_init)
            next(packets, None)
            return
        event = self._accept()
        if event is None:
            return
        event_packets = self._packets(event)
        event_request = next(event_packets)
        assert isinstance(event_request, InitEventRequest), event_request
        self.event_requests.append(event_request)
        event.sendall(encode(InitEventAck()))
        for queued in self.events_to_send:
            event.sendall(encode(queued))
        thread = threading.Thread(target=self._serve_events, args=(event, event_packets),
                                  daemon=True)
        thread.start()
        self._threads.append(thread)
        self._serve_commands(command, packets)

    def _serve_events(self, sock: socket.socket, packets) -> None:
        for packet in packets:
            if isinstance(packet, ProbeResponse):
                self.probe_responses += 1
            if isinstance(packet, ProbeRequest):
                self.probes_received += 1
                if self.probe_reply:
                    try:
                        sock.sendall(encode(ProbeResponse()))
                    except OSError:
                        return

    def _serve_commands(self, sock: socket.socket, packets) -> None:
        for packet in packets:
            if not isinstance(packet, OperationRequest):
                continue
            request = Request(packet.code, packet.transaction_id, packet.params)
            if packet.data_phase == 2:
                parts = []
                for data_packet in packets:
                    if isinstance(data_packet, StartData):
                        continue
                    parts.append(data_packet.payload)
                    if isinstance(data_packet, EndData):
                        break
                request.data = b"".join(parts)
            self.requests.append(request)
            reply = self.override(self, request) if self.override else None
            if reply is None:
                reply = self.answer(request)
            if reply:
                sock.sendall(reply)
            if isinstance(reply, Hangup):
                sock.shutdown(socket.SHUT_RDWR)
                return
            if isinstance(reply, Stall):
                next(packets, None)  # until the client goes away
                return
            if request.code == OpCode.CLOSE_SESSION:
                self.sessions_closed += 1
                return

    # ---- default answers -----------------------------------------------------------------

    def response(self, request: Request, code: int = ResponseCode.OK, *params: int) -> bytes:
        return encode(OperationResponse(code, request.transaction_id, params))

    def data(self, request: Request, payload: bytes, code: int = ResponseCode.OK,
             *params: int) -> bytes:
        tid = request.transaction_id
        out = [encode(StartData(tid, len(payload)))]
        step = self.data_packet
        if step and len(payload) > step:
            cut = len(payload) - (len(payload) % step or step)
            for start in range(0, cut, step):
                piece = payload[start:start + step]
                out.append(data_header(10, tid, len(piece)) + piece)
            payload = payload[cut:]
        out.append(data_header(12, tid, len(payload)) + payload)
        out.append(self.response(request, code, *params))
        return b"".join(out)

    def device_info(self) -> DeviceInfo:
        return DeviceInfo(manufacturer=self.manufacturer, model="Fake 1",
                          operations_supported=self.operations, serial_number="0001")

    def answer(self, request: Request) -> bytes:
        code, params = request.code, request.params
        if code == OpCode.OPEN_SESSION:
            if params and params[0] in self.rejected_session_ids:
                return self.response(request, ResponseCode.INVALID_PARAMETER)
            return self.response(request)
        if code in (OpCode.CLOSE_SESSION,):
            return self.response(request)
        if code == OpCode.GET_DEVICE_INFO:
            return self.data(request, self.device_info().encode())
        if code == OpCode.GET_STORAGE_IDS:
            return self.data(request, array("I", self.storages))
        if code == OpCode.GET_STORAGE_INFO:
            return self.data(request, StorageInfo(description="SD").encode())
        if code == OpCode.GET_OBJECT_HANDLES:
            storage, _, parent = params
            handles = [h for h, o in self.objects.items()
                       if storage in (0xFFFFFFFF, o.info.storage_id)
                       and (parent == 0 and self.whole_store_listing
                            or o.info.parent_object == parent
                            or parent in (0, 0xFFFFFFFF) and o.info.parent_object == 0)]
            return self.data(request, array("I", handles))
        obj = self.objects.get(params[0]) if params else None
        if code in (OpCode.GET_OBJECT_INFO, OpCode.GET_OBJECT, OpCode.GET_PARTIAL_OBJECT,
                    OpCode.MTP_GET_PARTIAL_OBJECT_64, OpCode.NIKON_GET_PARTIAL_OBJECT_EX,
                    OpCode.MTP_GET_OBJECT_PROP_VALUE) and obj is None:
            return self.response(request, ResponseCode.INVALID_OBJECT_HANDLE)
        if code == OpCode.GET_OBJECT_INFO:
            return self.data(request, obj.info.encode())
        if code == OpCode.MTP_GET_OBJECT_PROP_VALUE:
            return self.data(request, u64(obj.length))
        if code == OpCode.GET_OBJECT:
            return self.data(request, obj.read(0, obj.length))
        if code == OpCode.GET_PARTIAL_OBJECT:
            chunk = obj.read(params[1], params[2])
            return self.data(request, chunk, ResponseCode.OK, len(chunk))
        if code == OpCode.MTP_GET_PARTIAL_OBJECT_64:
            chunk = obj.read(params[1] | params[2] << 32, params[3])
            return self.data(request, chunk, ResponseCode.OK, len(chunk))
        if code == OpCode.NIKON_GET_PARTIAL_OBJECT_EX:
            chunk = obj.read(params[1] | params[2] << 32, params[3] | params[4] << 32)
            return self.data(request, chunk, ResponseCode.OK, len(chunk))
        return self.response(request, ResponseCode.OPERATION_NOT_SUPPORTED)

    def codes(self) -> list[int]:
        return [r.code for r in self.requests]


def photo(handle: int, name: str, content: bytes, *, parent: int = 0,
          storage: int = STORAGE, date: str = "20240102T030405") -> tuple[int, FakeObject]:
    info = ObjectInfo(storage_id=storage, object_format=0x3801, compressed_size=len(content),
                      parent_object=parent, filename=name, capture_date=date)
    return handle, FakeObject(info, content)


def folder(handle: int, name: str, *, parent: int = 0,
           storage: int = STORAGE) -> tuple[int, FakeObject]:
    info = ObjectInfo(storage_id=storage, object_format=0x3001, association_type=1,
                      parent_object=parent, filename=name, capture_date="19800000T000000")
    return handle, FakeObject(info)
