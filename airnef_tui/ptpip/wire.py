"""Little-endian primitives shared by packets and datasets: integers, PTP strings and arrays.

`Reader` keeps the offset so that every error can say where in the buffer it happened; that offset
is relative to `base`, which lets a dataset nested inside a packet report stream positions.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable

from airnef_tui.ptpip.errors import ProtocolError

_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")

MAX_STRING_UNITS = 255  # the count is a u8 that includes the terminating NUL


class Reader:
    """Cursor over a bytes-like object; every read checks bounds and raises ProtocolError."""

    __slots__ = ("_buf", "pos", "base")

    def __init__(self, buf: bytes | memoryview, base: int = 0) -> None:
        self._buf = memoryview(buf).cast("B") if not isinstance(buf, bytes) else buf
        self.pos = 0
        self.base = base

    @property
    def remaining(self) -> int:
        return len(self._buf) - self.pos

    def error(self, message: str, at: int | None = None) -> ProtocolError:
        return ProtocolError(message, self.base + (self.pos if at is None else at))

    def _need(self, count: int, what: str) -> None:
        if count > self.remaining:
            raise self.error(f"truncated {what}: need {count} bytes, {self.remaining} left")

    def u8(self, what: str = "u8") -> int:
        self._need(1, what)
        value = self._buf[self.pos]
        self.pos += 1
        return value

    def u16(self, what: str = "u16") -> int:
        self._need(2, what)
        (value,) = _U16.unpack_from(self._buf, self.pos)
        self.pos += 2
        return value

    def u32(self, what: str = "u32") -> int:
        self._need(4, what)
        (value,) = _U32.unpack_from(self._buf, self.pos)
        self.pos += 4
        return value

    def u64(self, what: str = "u64") -> int:
        self._need(8, what)
        (value,) = _U64.unpack_from(self._buf, self.pos)
        self.pos += 8
        return value

    def raw(self, count: int, what: str = "bytes") -> bytes:
        self._need(count, what)
        value = bytes(self._buf[self.pos:self.pos + count])
        self.pos += count
        return value

    def rest(self) -> bytes:
        value = bytes(self._buf[self.pos:])
        self.pos = len(self._buf)
        return value

    def ptp_string(self, what: str = "string") -> str:
        """u8 count of UTF-16 units including the NUL; Nikon's extra NUL padding is stripped."""
        count = self.u8(f"{what} length")
        if count == 0:
            return ""
        self._need(count * 2, what)
        units = self._buf[self.pos:self.pos + count * 2]
        self.pos += count * 2
        # Lenient on purpose: a camera name with a broken surrogate is still a file worth fetching.
        text = bytes(units).decode("utf-16-le", errors="replace")
        return text.split("\x00", 1)[0]

    def nul_terminated_utf16(self, what: str = "name") -> str:
        """The Init packets' friendly name: UTF-16LE up to a NUL unit, or to the packet's end."""
        start = self.pos
        data = bytes(self._buf[start:])
        end = 0
        while end + 1 < len(data) and data[end:end + 2] != b"\x00\x00":
            end += 2
        if end + 1 >= len(data):  # no terminator: tolerate it, the packet length bounds the name
            if len(data) % 2:
                raise self.error(f"{what} has an odd number of bytes", start)
            self.pos = len(self._buf)
            return data.decode("utf-16-le", errors="replace")
        self.pos = start + end + 2
        return data[:end].decode("utf-16-le", errors="replace")

    def array(self, element: str, what: str = "array") -> tuple[int, ...]:
        """u32 count then elements; `element` is 'H' (u16) or 'I' (u32)."""
        count = self.u32(f"{what} count")
        size = 2 if element == "H" else 4
        if count * size > self.remaining:
            raise self.error(f"{what} claims {count} elements but only {self.remaining} bytes are left")
        values = struct.unpack_from(f"<{count}{element}", self._buf, self.pos)
        self.pos += count * size
        return values


def u16(value: int) -> bytes:
    return _U16.pack(value)


def u32(value: int) -> bytes:
    return _U32.pack(value)


def u64(value: int) -> bytes:
    return _U64.pack(value)


def ptp_string(text: str) -> bytes:
    """Encode a PTP string; raises ProtocolError when it cannot fit the u8 unit count."""
    if not text:
        return b"\x00"
    data = text.encode("utf-16-le", errors="surrogatepass") + b"\x00\x00"
    units = len(data) // 2
    if units > MAX_STRING_UNITS:
        raise ProtocolError(f"string of {units - 1} UTF-16 units is longer than PTP allows (254)")
    return bytes([units]) + data


def nul_terminated_utf16(text: str) -> bytes:
    return text.encode("utf-16-le", errors="surrogatepass") + b"\x00\x00"


def array(element: str, values: Iterable[int]) -> bytes:
    values = tuple(values)
    return _U32.pack(len(values)) + struct.pack(f"<{len(values)}{element}", *values)
