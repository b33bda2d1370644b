"""Incremental framing of a Fujifilm command socket: bytes in any chunking in, values out.

The stream opens with one PTP/IP-shaped packet (`FujiHandshake`): read from the camera, its Init
Command Ack or Init Fail; read from the host, its 82-byte Init. After that come containers. A data
container is never buffered whole (a 4 GiB object is one container): the framer emits a
`FujiDataHeader`, then `FujiDataPiece`s of at most `data_piece` bytes, the final one `last`.
Every other container is at most `MAX_CONTAINER` (32) bytes, which the header alone proves before a
byte of the body is kept, so a hostile length never makes the framer hold more than that, the
handshake's `MAX_HANDSHAKE_PACKET`, or one data piece plus one read.

After an Init Fail or a hang-up the peer is gone: any further byte is a `ProtocolError`.
"""

from __future__ import annotations

import enum
import struct
from collections.abc import Iterator
from typing import Union

from airnef_tui.ptpip.errors import ProtocolError
from airnef_tui.ptpip.stream_buffer import StreamBuffer
from airnef_tui.ptpip.fuji import (
    CONTAINER_HEADER_SIZE, HANG_UP_LENGTH, FujiCommand, FujiContainerType, FujiDataHeader,
    FujiDataPiece, FujiEvent, FujiHangUp, FujiInitRequest, FujiResponse, check_container_header,
    check_fuji_init_header, check_handshake_header, decode_fuji_init, is_hang_up,
    params_container,
)
from airnef_tui.ptpip.packets import HEADER_SIZE, InitCommandAck, InitFail, decode_payload

DEFAULT_DATA_PIECE = 1024 * 1024
_PTPIP_HEAD = struct.Struct("<II")
_CONTAINER_HEAD = struct.Struct("<IHHI")

FujiFramed = Union[InitCommandAck, InitFail, FujiInitRequest, FujiCommand, FujiResponse, FujiEvent,
                   FujiDataHeader, FujiDataPiece, FujiHangUp]


class FujiHandshake(enum.Enum):
    """What opens the stream being framed."""

    ACK = "ack"    # the camera's side of the socket: Init Command Ack or Init Fail
    INIT = "init"  # the host's side of the socket: the 82-byte Fujifilm Init


class FujiFramer(StreamBuffer):
    """Feed it received bytes, then drain `next_container()` until it returns None.

    `handshake`: ACK for a client reading the camera, INIT for a simulator reading the host, None
    when the opening has been dealt with already and containers come from the first byte.
    """

    def __init__(self, handshake: FujiHandshake | None = FujiHandshake.ACK, *,
                 data_piece: int = DEFAULT_DATA_PIECE) -> None:
        if data_piece <= 0:
            raise ValueError("data_piece must be positive")
        self.data_piece = data_piece
        self.handshake = handshake  # still due; None once passed
        self.closed = False  # an Init Fail or a hang-up went by: the stream must end there
        super().__init__()
        self._in_data = False
        self._data_tid = 0
        self._data_left = 0

    @property
    def in_container(self) -> bool:
        """True when the stream stopped inside a packet or container (a connection cut short)."""
        return self._available() > 0 or self._in_data

    def __iter__(self) -> Iterator[FujiFramed]:
        while (item := self.next_container()) is not None:
            yield item

    def next_container(self) -> FujiFramed | None:
        if self._in_data:
            return self._next_piece()
        if self.closed:
            if self._available():
                raise ProtocolError("bytes after the peer's Init Fail or hang-up", self._consumed)
            return None
        if self.handshake is FujiHandshake.ACK:
            return self._next_ack()
        if self.handshake is FujiHandshake.INIT:
            return self._next_init()
        return self._next_container()

    # ---- the opening -------------------------------------------------------------------------

    def _next_ack(self) -> InitCommandAck | InitFail | None:
        if self._available() < HEADER_SIZE:
            return None
        length, packet_type = _PTPIP_HEAD.unpack_from(self._buf, self._start)
        check_handshake_header(length, packet_type, self._consumed)
        if self._available() < length:
            return None
        base = self._consumed + HEADER_SIZE
        payload = memoryview(self._take(length))[HEADER_SIZE:]
        try:
            packet = decode_payload(packet_type, payload, base)
        except ProtocolError:
            self._start -= length
            self._consumed -= length
            raise
        self.handshake = None
        self.closed = isinstance(packet, InitFail)
        return packet  # type: ignore[return-value]

    def _next_init(self) -> FujiInitRequest | None:
        if self._available() < HEADER_SIZE:
            return None
        length, packet_type = _PTPIP_HEAD.unpack_from(self._buf, self._start)
        check_fuji_init_header(length, packet_type, self._consumed)
        if self._available() < length:
            return None
        request = decode_fuji_init(bytes(self._buf[self._start:self._start + length]),
                                   self._consumed)
        self._take(length)
        self.handshake = None
        return request

    # ---- containers --------------------------------------------------------------------------

    def _next_container(self) -> FujiFramed | None:
        available = self._available()
        if available < 4:
            return None
        (length,) = struct.unpack_from("<I", self._buf, self._start)
        if length == HANG_UP_LENGTH:
            if available < HANG_UP_LENGTH:
                return None
            if not is_hang_up(self._buf[self._start:self._start + HANG_UP_LENGTH]):
                raise ProtocolError("8-byte container that is not the hang-up", self._consumed)
            self._take(HANG_UP_LENGTH)
            self.closed = True
            return FujiHangUp()
        if length < CONTAINER_HEADER_SIZE:  # say so now: no more bytes can make it right
            raise ProtocolError(f"container length {length} is smaller than the 12-byte header",
                                self._consumed)
        if available < CONTAINER_HEADER_SIZE:
            return None
        _, kind, code, tid = _CONTAINER_HEAD.unpack_from(self._buf, self._start)
        check_container_header(length, kind, self._consumed)
        if kind == FujiContainerType.DATA:
            self._take(CONTAINER_HEADER_SIZE)
            self._in_data, self._data_tid = True, tid
            self._data_left = length - CONTAINER_HEADER_SIZE
            return FujiDataHeader(code, tid, self._data_left)
        if available < length:
            return None
        body = self._take(length)[CONTAINER_HEADER_SIZE:]
        return params_container(kind, code, tid, body)

    def _next_piece(self) -> FujiDataPiece | None:
        want = min(self.data_piece, self._data_left)
        if self._available() < want:
            return None
        chunk = self._take(want)
        self._data_left -= len(chunk)
        if self._data_left:
            return FujiDataPiece(self._data_tid, chunk, False)
        self._in_data = False
        return FujiDataPiece(self._data_tid, chunk, True)
