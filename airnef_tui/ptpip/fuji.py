"""Fujifilm's Wi-Fi transport (TCP 55740) as values, with encode and decode: sans-IO like packets.py.

Only the opening is PTP/IP-shaped. The host sends a fixed 82-byte Init (type 1, Fujifilm's version
0x8F53E4F2 where PTP/IP has the GUID, then the GUID and a 54-byte name field); the camera answers
with a standard Init Command Ack (`packets.InitCommandAck`) or an Init Fail whose reason is 0x2019
when it is busy. After that both ends speak USB-bulk-style containers on the same socket:
`[u32 length][u16 type][u16 code][u32 transaction id]` then up to five u32 parameters (types 1
command, 3 response, 4 event) or the data bytes (type 2). The polite hang-up is the 8 bytes
`08000000 ffffffff`. Facts: docs/ptpip.md section 5, "Fujifilm".

Streaming a data container through a socket is `fuji_framer.py`'s job; the transaction rules are
in `fuji_transaction.py`. Everything malformed raises `ProtocolError` with the byte offset.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Union

from airnef_tui.ptpip import wire
from airnef_tui.ptpip.codes import PacketType, ResponseCode
from airnef_tui.ptpip.errors import ProtocolError
from airnef_tui.ptpip.packets import GUID_SIZE, InitCommandAck, InitFail, decode

FUJI_PORT = 55740
FUJI_INIT_VERSION = 0x8F53E4F2  # on the wire: f2 e4 53 8f
FUJI_INIT_LENGTH = 0x52  # 82: an X-T4 hangs up on an Init of any other length
FUJI_NAME_FIELD = 54  # bytes of UTF-16LE name, zero-padded
FUJI_NAME_UNITS = FUJI_NAME_FIELD // 2 - 1  # 26 units of name: the field keeps one NUL unit
FUJI_BUSY = ResponseCode.DEVICE_BUSY  # 0x2019: the Init Fail reason of a camera that is busy
FUJI_HANG_UP = bytes.fromhex("08000000ffffffff")
HANG_UP_LENGTH = 8
CONTAINER_HEADER_SIZE = 12
MAX_CONTAINER_PARAMS = 5  # libgphoto2 reads up to 5 on responses and 4 on Fujifilm events
MAX_CONTAINER = CONTAINER_HEADER_SIZE + 4 * MAX_CONTAINER_PARAMS  # every non-data container
MAX_HANDSHAKE_PACKET = 4096  # an Init Ack is well under 100 bytes; more is not a camera

_INIT_HEAD = struct.Struct("<III")  # length, type, version
_CONTAINER_HEAD = struct.Struct("<IHHI")  # length, type, code, transaction id


class FujiContainerType(IntEnum):
    COMMAND = 1
    DATA = 2
    RESPONSE = 3
    EVENT = 4
    HANG_UP = 0xFFFF  # only in the 8-byte hang-up, whose code is 0xFFFF too and has no tid


# ---- the opening -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FujiInitRequest:
    """The host's Init. `name` travels cut to 26 UTF-16 units (never inside a surrogate pair)."""

    guid: bytes
    name: str
    version: int = FUJI_INIT_VERSION


def _name_field(name: str) -> bytes:
    name = name.split("\x00", 1)[0]  # a NUL would end the name for the reader anyway
    encoded = name.encode("utf-16-le", errors="surrogatepass")
    keep = 2 * FUJI_NAME_UNITS
    if len(encoded) > keep:
        # Do not cut between the two units of a surrogate pair: drop the high one as well.
        if 0xD800 <= int.from_bytes(encoded[keep - 2:keep], "little") <= 0xDBFF:
            keep -= 2
        encoded = encoded[:keep]
    return encoded.ljust(FUJI_NAME_FIELD, b"\x00")


def encode_fuji_init(request: FujiInitRequest) -> bytes:
    """The 82 bytes of the Init, whatever the length of the name."""
    if len(request.guid) != GUID_SIZE:
        raise ProtocolError(f"GUID must be {GUID_SIZE} bytes, got {len(request.guid)}")
    return (_INIT_HEAD.pack(FUJI_INIT_LENGTH, PacketType.INIT_COMMAND_REQUEST, request.version)
            + bytes(request.guid) + _name_field(request.name))


def check_fuji_init_header(length: int, packet_type: int, offset: int = 0) -> None:
    """Refuse an Init header as a camera does: any length but 82, any type but 1."""
    if length != FUJI_INIT_LENGTH:
        raise ProtocolError(f"Fujifilm Init of {length} bytes: it is always {FUJI_INIT_LENGTH}",
                            offset)
    if packet_type != PacketType.INIT_COMMAND_REQUEST:
        raise ProtocolError(f"packet type {packet_type} where the Fujifilm Init (1) was due",
                            offset + 4)


def decode_fuji_init(buf: bytes | memoryview, base: int = 0) -> FujiInitRequest:
    """Decode exactly one 82-byte Init; `base` is its offset in the stream, for errors."""
    r = wire.Reader(buf, base)
    length = r.u32("packet length")
    packet_type = r.u32("packet type")
    check_fuji_init_header(length, packet_type, base)
    if len(buf) != length:
        raise ProtocolError(f"packet length field says {length} bytes but {len(buf)} were given",
                            base)
    version = r.u32("Fujifilm version")
    guid = r.raw(GUID_SIZE, "GUID")
    field_bytes = r.raw(FUJI_NAME_FIELD, "computer name")
    end = next((i for i in range(0, FUJI_NAME_FIELD, 2) if field_bytes[i:i + 2] == b"\0\0"),
               FUJI_NAME_FIELD)
    return FujiInitRequest(guid, field_bytes[:end].decode("utf-16-le", errors="replace"), version)


def check_handshake_header(length: int, packet_type: int, offset: int = 0) -> None:
    """The camera's answer to the Init: an Init Command Ack or an Init Fail, of sane size."""
    if packet_type not in (PacketType.INIT_COMMAND_ACK, PacketType.INIT_FAIL):
        raise ProtocolError(f"packet type {packet_type} where an Init Ack or Init Fail was due",
                            offset + 4)
    if not 8 <= length <= MAX_HANDSHAKE_PACKET:
        raise ProtocolError(f"Init answer of {length} bytes (8 to {MAX_HANDSHAKE_PACKET} allowed)",
                            offset)


def decode_fuji_handshake(buf: bytes | memoryview) -> InitCommandAck | InitFail:
    """The camera's whole answer to the Init (standard PTP/IP packet form)."""
    if len(buf) >= 8:
        check_handshake_header(*struct.unpack_from("<II", buf), 0)
    packet = decode(buf)
    if not isinstance(packet, (InitCommandAck, InitFail)):  # pragma: no cover - header checked
        raise ProtocolError(f"{type(packet).__name__} where an Init Ack was due", 4)
    return packet


# ---- containers ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FujiCommand:
    """Type 1: the host's operation request."""

    code: int
    transaction_id: int
    params: tuple[int, ...] = ()
    type = FujiContainerType.COMMAND


@dataclass(frozen=True, slots=True)
class FujiData:
    """Type 2, whole: one container holds a transaction's entire data phase. `code` is the
    operation's. The framer never builds one; it streams FujiDataHeader then FujiDataPiece."""

    code: int
    transaction_id: int
    payload: bytes = field(default=b"", repr=False)
    type = FujiContainerType.DATA


@dataclass(frozen=True, slots=True)
class FujiResponse:
    """Type 3: the camera's answer that closes the transaction."""

    code: int
    transaction_id: int
    params: tuple[int, ...] = ()
    type = FujiContainerType.RESPONSE


@dataclass(frozen=True, slots=True)
class FujiEvent:
    """Type 4: out of band, at any container boundary."""

    code: int
    transaction_id: int
    params: tuple[int, ...] = ()
    type = FujiContainerType.EVENT


@dataclass(frozen=True, slots=True)
class FujiHangUp:
    """`08000000 ffffffff`: the peer is leaving."""

    type = FujiContainerType.HANG_UP


@dataclass(frozen=True, slots=True)
class FujiDataHeader:
    """From the framer: a data container begins; `total` payload bytes follow as pieces."""

    code: int
    transaction_id: int
    total: int


@dataclass(frozen=True, slots=True)
class FujiDataPiece:
    """From the framer: the next bytes of the current data container; `last` on its final piece
    (an empty data container gives one empty last piece)."""

    transaction_id: int
    payload: bytes = field(default=b"", repr=False)
    last: bool = False


FujiContainer = Union[FujiCommand, FujiData, FujiResponse, FujiEvent, FujiHangUp]
_PARAM_CONTAINERS = {FujiContainerType.COMMAND: FujiCommand,
                     FujiContainerType.RESPONSE: FujiResponse,
                     FujiContainerType.EVENT: FujiEvent}


def _container_head(kind: int, code: int, transaction_id: int, payload_length: int) -> bytes:
    total = CONTAINER_HEADER_SIZE + payload_length
    if total > 0xFFFFFFFF:
        raise ProtocolError(f"container of {total} bytes does not fit a u32 length")
    try:
        return _CONTAINER_HEAD.pack(total, kind, code, transaction_id)
    except struct.error as error:
        raise ProtocolError(f"container field out of range: {error}") from None


def fuji_data_header(code: int, transaction_id: int, length: int) -> bytes:
    """The 12-byte header of a data container whose `length` bytes the caller streams after it."""
    return _container_head(FujiContainerType.DATA, code, transaction_id, length)


def encode_container(container: FujiContainer) -> bytes:
    match container:
        case FujiCommand(code, tid, params) | FujiResponse(code, tid, params) | \
                FujiEvent(code, tid, params):
            if len(params) > MAX_CONTAINER_PARAMS:
                raise ProtocolError(f"a container carries at most {MAX_CONTAINER_PARAMS} "
                                    f"parameters, got {len(params)}")
            head = _container_head(container.type, code, tid, 4 * len(params))
            try:
                return head + struct.pack(f"<{len(params)}I", *params)
            except struct.error as error:
                raise ProtocolError(f"parameter out of range: {error}") from None
        case FujiData(code, tid, payload):
            return fuji_data_header(code, tid, len(payload)) + bytes(payload)
        case FujiHangUp():
            return FUJI_HANG_UP
    raise TypeError(f"not a Fujifilm container: {container!r}")


def check_container_header(length: int, kind: int, offset: int = 0) -> None:
    """Everything the 12-byte header alone can prove wrong: before a byte of the body is kept."""
    if length < CONTAINER_HEADER_SIZE:
        raise ProtocolError(f"container length {length} is smaller than the 12-byte header",
                            offset)
    if kind == FujiContainerType.DATA:
        return
    if kind not in _PARAM_CONTAINERS:
        raise ProtocolError(f"unknown container type {kind}", offset + 4)
    extra = length - CONTAINER_HEADER_SIZE
    if extra % 4:
        raise ProtocolError(f"container parameters are {extra} bytes, not a multiple of 4", offset)
    if extra > 4 * MAX_CONTAINER_PARAMS:
        raise ProtocolError(f"container claims {extra // 4} parameters, at most "
                            f"{MAX_CONTAINER_PARAMS} allowed", offset)


def params_container(kind: int, code: int, transaction_id: int,
                     params: bytes | memoryview) -> FujiCommand | FujiResponse | FujiEvent:
    """A command, response or event from its checked header fields and parameter bytes."""
    values = struct.unpack(f"<{len(params) // 4}I", params)
    return _PARAM_CONTAINERS[FujiContainerType(kind)](code, transaction_id, values)


def is_hang_up(head: bytes | memoryview) -> bool:
    """The 8 bytes at a container boundary are the hang-up."""
    return bytes(head[:HANG_UP_LENGTH]) == FUJI_HANG_UP


def decode_container(buf: bytes | memoryview) -> FujiContainer:
    """Decode exactly one whole container (header included); a data container comes out whole."""
    r = wire.Reader(buf)
    length = r.u32("container length")
    if length != len(buf):
        raise ProtocolError(f"container length field says {length} bytes but {len(buf)} "
                            "were given", 0)
    if length == HANG_UP_LENGTH and is_hang_up(buf):
        return FujiHangUp()
    if length < CONTAINER_HEADER_SIZE:
        raise ProtocolError(f"container length {length} is smaller than the 12-byte header", 0)
    kind = r.u16("container type")
    code = r.u16("code")
    tid = r.u32("transaction id")
    check_container_header(length, kind)
    if kind == FujiContainerType.DATA:
        return FujiData(code, tid, r.rest())
    return params_container(kind, code, tid, memoryview(buf)[CONTAINER_HEADER_SIZE:])
