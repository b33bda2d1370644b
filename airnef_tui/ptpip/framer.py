"""Incremental framing: bytes in any chunking go in, whole packets come out.

Data and End Data payloads are never buffered whole: a camera may send a 4 GiB object as one End
Data packet, so the framer re-cuts such payloads into pieces of at most `data_piece` bytes, emitted
as `Data` values with only the packet's final piece keeping the `EndData` type. A consumer that
concatenates payloads up to End Data sees exactly the bytes that were sent, while memory stays
bounded by `data_piece` plus one read. Every other packet is bounded by `max_packet`, so a hostile
length field can never make us allocate more than that.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

from airnef_tui.ptpip.codes import PacketType
from airnef_tui.ptpip.errors import ProtocolError
from airnef_tui.ptpip.stream_buffer import StreamBuffer
from airnef_tui.ptpip.packets import HEADER_SIZE, Data, EndData, Packet, decode_payload

DEFAULT_MAX_PACKET = 64 * 1024 * 1024
DEFAULT_DATA_PIECE = 1024 * 1024
_HEADER = struct.Struct("<II")
_TID = struct.Struct("<I")
_KNOWN_TYPES = frozenset(PacketType)


class Framer(StreamBuffer):
    """Feed it received bytes, then drain `next_packet()` until it returns None."""

    def __init__(self, max_packet: int = DEFAULT_MAX_PACKET,
                 data_piece: int = DEFAULT_DATA_PIECE) -> None:
        if data_piece <= 0:
            raise ValueError("data_piece must be positive")
        self.max_packet = max_packet
        self.data_piece = data_piece
        super().__init__()
        # While inside a Data/End Data packet: its type, transaction id, payload bytes still due.
        self._data_type: int | None = None
        self._data_tid = 0
        self._data_left = 0

    @property
    def in_packet(self) -> bool:
        """True when the stream stopped inside a packet (a connection cut mid-packet)."""
        return self._available() > 0 or self._data_type is not None

    def __iter__(self) -> Iterator[Packet]:
        while (packet := self.next_packet()) is not None:
            yield packet

    def next_packet(self) -> Packet | None:
        if self._data_type is not None:
            return self._next_data_piece()
        if self._available() < HEADER_SIZE:
            return None
        length, packet_type = _HEADER.unpack_from(self._buf, self._start)
        if length < HEADER_SIZE:
            raise ProtocolError(f"packet length {length} is smaller than the 8-byte header",
                                self._consumed)
        if packet_type in (PacketType.DATA, PacketType.END_DATA):
            if length < HEADER_SIZE + 4:
                raise ProtocolError(f"data packet of {length} bytes has no transaction id",
                                    self._consumed)
            if self._available() < HEADER_SIZE + 4:
                return None
            (tid,) = _TID.unpack_from(self._buf, self._start + HEADER_SIZE)
            self._take(HEADER_SIZE + 4)
            self._data_type, self._data_tid = packet_type, tid
            self._data_left = length - HEADER_SIZE - 4
            return self._next_data_piece()
        if length > self.max_packet:
            raise ProtocolError(
                f"packet type {packet_type} claims {length} bytes, over the {self.max_packet}-byte cap",
                self._consumed)
        if packet_type not in _KNOWN_TYPES:  # say so on the header, not after buffering the rest
            raise ProtocolError(f"unknown packet type {packet_type}", self._consumed + 4)
        if self._available() < length:
            return None
        base = self._consumed + HEADER_SIZE
        # Non-data packets are small: decoding a copy keeps no view of _buf alive, even through
        # the traceback of an error the caller holds on to.
        payload = memoryview(self._take(length))[HEADER_SIZE:]  # a view of the copy: no 2nd copy
        try:
            return decode_payload(packet_type, payload, base)
        except ProtocolError:
            # Leave the bad packet consumed-or-not exactly as before: report it where it began.
            self._start -= length
            self._consumed -= length
            raise

    def _next_data_piece(self) -> Packet | None:
        want = min(self.data_piece, self._data_left)
        if self._available() < want:
            return None
        chunk = self._take(want)
        self._data_left -= len(chunk)
        tid, kind = self._data_tid, self._data_type
        if self._data_left:
            return Data(tid, chunk)
        self._data_type = None
        return EndData(tid, chunk) if kind == PacketType.END_DATA else Data(tid, chunk)
