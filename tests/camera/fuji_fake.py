"""A small scripted Fujifilm camera (TCP container transport) for the client's unit tests.

It listens on 127.0.0.1 only, serves one connection at a time, and does what the notes say an
X-series body does in phone mode (ptpip.md section 5): the 82-byte Init answered by an Ack or a
busy Init Fail; 0xD212 reporting the camera state (0 until the pairing is accepted) and the
object count; handles 1 ... N; sizes and data of a ~100 KB preview unless 0xD227 is 1; the pushed
state where handle 1 is the next image after each download and the camera hangs up after the
last. Faults: a cut or a silence in the middle of the data, once, after N data bytes.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from dataclasses import dataclass, field

from airnef_tui.ptpip import (
    FUJI_HANG_UP, DataReceived, FujiFramer, FujiHandshake, FujiHangUp,
    FujiInitRequest, FujiResponder, InitCommandAck, InitFail, ObjectInfo, OpCode,
    RequestReceived, ResponseCode, StorageInfo, encode, encode_container,
)

CAMERA_GUID = bytes(range(0x10, 0x20))
PREVIEW = 100 * 1024


def pattern(seed: int, size: int) -> bytes:
    block = bytes((seed * 31 + i * 7) & 0xFF for i in range(251))
    return (block * (size // len(block) + 1))[:size]


@dataclass
class FujiImage:
    name: str
    content: bytes
    captured: str = "20240501T101500"
    thumb: bytes = b"\xff\xd8thumbnail\xff\xd9"

    @property
    def preview(self) -> bytes:
        return b"\xff\xd8" + bytes(min(PREVIEW, len(self.content)) - 2)


@dataclass
class Seen:
    code: int
    params: tuple[int, ...]
    data: bytes = b""
    full_size: int = 0  # 0xD227 when the command came
    at: float = field(default_factory=time.monotonic)


@dataclass
class FakeFuji:
    images: list[FujiImage] = field(default_factory=list)
    camera_name: str = "X-T4"
    device_info: bytes = b""  # an X-T4's empty DeviceInfo
    init_answers: list[str] = field(default_factory=lambda: ["ack"])  # per connection: ack|busy
    state: int = 2  # 0xDF00 once the pairing is accepted: 2 full access, 1 pushes images
    pairing_polls: int | None = 0  # event polls answered "waiting" first; None: never accepted
    client_state_delay: float = 0.0  # seconds before 0xDF01 is answered (a dialog on the camera)
    count_known: bool = True  # False: 0xD222 neither listed nor readable (a pushing camera)
    storage_info: bool = True
    cut_after_data: int | None = None  # once: close mid-data after this many data bytes
    stall_after_data: int | None = None  # once: go silent mid-data after this many data bytes

    def __post_init__(self) -> None:
        self.seen: list[Seen] = []
        self.inits: list[FujiInitRequest] = []
        self.init_times: list[float] = []
        self.hang_ups = 0
        self.sessions_closed = 0
        self.props: dict[int, int] = {}
        self.errors: list[BaseException] = []
        self._data_sent = 0
        self._polls = 0
        self._hang_up_now = False
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._stop = False
        self._clients: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> FakeFuji:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        for sock in [self._listener, *self._clients]:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        self._thread.join(timeout=3)

    def codes(self) -> list[int]:
        return [s.code for s in self.seen]

    # ---- plumbing ------------------------------------------------------------------------

    def _serve(self) -> None:
        while not self._stop:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._clients.append(sock)
            try:
                self._serve_client(sock)
            except OSError:
                pass
            except BaseException as error:  # noqa: BLE001 - surfaced to the test
                self.errors.append(error)
            finally:
                sock.close()

    @staticmethod
    def _items(sock: socket.socket):
        framer = FujiFramer(FujiHandshake.INIT, data_piece=1 << 30)
        while True:
            yield from framer
            data = sock.recv(65536)
            if not data:
                return
            framer.feed(data)

    def _serve_client(self, sock: socket.socket) -> None:
        items = self._items(sock)
        init = next(items)
        assert isinstance(init, FujiInitRequest), init
        self.inits.append(init)
        self.init_times.append(time.monotonic())
        answer = self.init_answers.pop(0) if len(self.init_answers) > 1 else self.init_answers[0]
        if answer == "busy":
            sock.sendall(encode(InitFail(ResponseCode.DEVICE_BUSY)))
            return
        sock.sendall(encode(InitCommandAck(1, CAMERA_GUID, self.camera_name)))
        responder = FujiResponder()
        request: Seen | None = None
        for item in items:
            if isinstance(item, FujiHangUp):
                self.hang_ups += 1
                return
            event = responder.receive(item)
            if isinstance(event, RequestReceived):
                request = Seen(event.request.code, event.request.params,
                               full_size=self.props.get(0xD227, 0))
                if event.expects_data:
                    continue
            elif isinstance(event, DataReceived):
                request.data += event.payload
                if not event.last:
                    continue
            else:  # a data header
                continue
            self.seen.append(request)
            if not self._answer(sock, responder, request):
                return

    # ---- answers -------------------------------------------------------------------------

    def _send_data(self, sock: socket.socket, responder: FujiResponder, payload: bytes) -> bool:
        wire = responder.data_header(len(payload)) + payload
        for limit, close in ((self.cut_after_data, True), (self.stall_after_data, False)):
            if limit is not None and self._data_sent + len(payload) > limit:
                keep = 12 + limit - self._data_sent
                if close:
                    self.cut_after_data = None
                else:
                    self.stall_after_data = None
                sock.sendall(wire[:keep])
                if not close:
                    while sock.recv(65536):
                        pass
                return False
        self._data_sent += len(payload)
        sock.sendall(wire)
        return True

    def _answer(self, sock, responder: FujiResponder, request: Seen) -> bool:
        code = request.code
        data, rc, rparams = self.operation(request)
        if data is not None and not self._send_data(sock, responder, data):
            return False
        sock.sendall(encode_container(responder.respond(rc, rparams)))
        if code == OpCode.CLOSE_SESSION:
            self.sessions_closed += 1
        if self._hang_up_now:
            self._hang_up_now = False
            sock.sendall(FUJI_HANG_UP)
            return False
        return True

    def _current(self, handle: int) -> FujiImage | None:
        if self.state == 1:
            return self.images[0] if handle == 1 and self.images else None
        return self.images[handle - 1] if 1 <= handle <= len(self.images) else None

    def _events(self) -> bytes:
        self._polls += 1
        accepted = self.pairing_polls is not None and self._polls > self.pairing_polls
        state = self.state if accepted else 0
        changes = []
        if self.props.get(0xDF00) != state:
            self.props[0xDF00] = state
            changes.append((0xDF00, state))
        if self.count_known and self.props.get(0xD222) != len(self.images):
            self.props[0xD222] = len(self.images)
            changes.append((0xD222, len(self.images)))
        return struct.pack("<H", len(changes)) + b"".join(struct.pack("<HI", c, v)
                                                          for c, v in changes)

    def operation(self, request: Seen) -> tuple[bytes | None, int, tuple[int, ...]]:
        code, params = request.code, request.params
        ok = ResponseCode.OK
        if code in (OpCode.OPEN_SESSION, OpCode.CLOSE_SESSION):
            return None, ok, ()
        if code == OpCode.GET_DEVICE_INFO:
            return self.device_info, ok, ()
        if code == OpCode.GET_DEVICE_PROP_VALUE:
            prop = params[0]
            if prop == 0xD212:
                return self._events(), ok, ()
            if prop == 0xD222 and self.count_known:
                return struct.pack("<I", len(self.images)), ok, ()
            if prop in (0xDF21, 0xDF22, 0xDF25):
                return struct.pack("<I", {0xDF21: 4, 0xDF22: 5, 0xDF25: 5}[prop]), ok, ()
            if prop in self.props:
                return struct.pack("<H", self.props[prop]), ok, ()
            return None, ResponseCode.DEVICE_PROP_NOT_SUPPORTED, ()
        if code == OpCode.SET_DEVICE_PROP_VALUE:
            if params[0] == 0xDF01 and self.client_state_delay:
                time.sleep(self.client_state_delay)
            self.props[params[0]] = int.from_bytes(request.data, "little")
            return None, ok, ()
        if code == OpCode.GET_STORAGE_INFO and self.storage_info:
            return StorageInfo(description="SD", max_capacity=64 << 30).encode(), ok, ()
        image = self._current(params[0]) if params else None
        full = self.props.get(0xD227) == 1
        if code in (OpCode.GET_OBJECT_INFO, OpCode.GET_PARTIAL_OBJECT, OpCode.GET_THUMB):
            if image is None:
                return None, ResponseCode.INVALID_OBJECT_HANDLE, ()
            body = image.content if full else image.preview
        if code == OpCode.GET_OBJECT_INFO:
            info = ObjectInfo(storage_id=0x10000001, object_format=0x3801,
                              compressed_size=len(body), parent_object=0x7777,
                              filename=image.name, capture_date=image.captured)
            return info.encode(), ok, ()
        if code == OpCode.GET_THUMB:
            return image.thumb, ok, ()
        if code == OpCode.GET_PARTIAL_OBJECT:
            piece = body[params[1]:params[1] + params[2]]
            if self.state == 1 and params[1] + len(piece) >= len(body):
                self.images.pop(0)  # read to its end: the next image becomes handle 1
                self._hang_up_now = not self.images
            return piece, ok, (len(piece),)
        return None, ResponseCode.OPERATION_NOT_SUPPORTED, ()
