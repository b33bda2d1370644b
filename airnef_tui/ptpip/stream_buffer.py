"""The receive buffer both framers read from: bytes fed in any chunking, taken from the front.

PTP/IP packets and Fujifilm containers are cut from a byte stream the same way; only where a
packet ends differs. Taking advances an index instead of deleting from the front (no memmove of
the rest for every packet), and the consumed front is dropped only once enough has piled up.
`_consumed` is the stream offset of the first unread byte, for error messages a capture can be
checked against.
"""

from __future__ import annotations

_COMPACT_AT = 1024 * 1024  # drop consumed bytes from the front once this many have piled up


class StreamBuffer:
    """A base for framers: `feed` received bytes, `_take` them from the front."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._start = 0  # bytes before it are consumed
        self._consumed = 0  # stream offset of _buf[_start]

    @property
    def stream_offset(self) -> int:
        """Bytes of the stream consumed so far."""
        return self._consumed

    def _available(self) -> int:
        return len(self._buf) - self._start

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        if self._start:
            if self._start >= len(self._buf):
                self._buf = bytearray(data)
                self._start = 0
                return
            if self._start >= _COMPACT_AT or self._start * 2 >= len(self._buf):
                del self._buf[:self._start]
                self._start = 0
        self._buf += data

    def _take(self, count: int) -> bytes:
        start = self._start
        with memoryview(self._buf) as view:
            chunk = bytes(view[start:start + count])
        self._start = start + count
        self._consumed += count
        return chunk
