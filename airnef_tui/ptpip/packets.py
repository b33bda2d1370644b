"""The 14 PTP/IP packet types as immutable values, with encode and decode in both directions.

`encode(packet)` gives the whole packet (header included); `decode_payload(type, payload)` turns
the bytes after the 8-byte header back into a value. Framing (finding packet boundaries in a
stream) lives in `framer.py`; this module never sees a socket.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from airnef_tui.ptpip import wire
from airnef_tui.ptpip.codes import PROTOCOL_VERSION, DataPhase, PacketType
from airnef_tui.ptpip.errors import ProtocolError

HEADER_SIZE = 8
GUID_SIZE = 16
MAX_OPERATION_PARAMS = 5
MAX_EVENT_PARAMS = 3


@dataclass(frozen=True, slots=True)
class InitCommandRequest:
    guid: bytes
    name: str
    version: int = PROTOCOL_VERSION
    type = PacketType.INIT_COMMAND_REQUEST


@dataclass(frozen=True, slots=True)
class InitCommandAck:
    connection_number: int
    guid: bytes
    name: str
    version: int = PROTOCOL_VERSION
    type = PacketType.INIT_COMMAND_ACK


@dataclass(frozen=True, slots=True)
class InitEventRequest:
    connection_number: int
    type = PacketType.INIT_EVENT_REQUEST


@dataclass(frozen=True, slots=True)
class InitEventAck:
    type = PacketType.INIT_EVENT_ACK


@dataclass(frozen=True, slots=True)
class InitFail:
    reason: int
    type = PacketType.INIT_FAIL


@dataclass(frozen=True, slots=True)
class OperationRequest:
    code: int
    transaction_id: int
    params: tuple[int, ...] = ()
    data_phase: int = DataPhase.NONE_OR_IN
    type = PacketType.OPERATION_REQUEST


@dataclass(frozen=True, slots=True)
class OperationResponse:
    code: int
    transaction_id: int
    params: tuple[int, ...] = ()
    type = PacketType.OPERATION_RESPONSE


@dataclass(frozen=True, slots=True)
class Event:
    code: int
    transaction_id: int
    params: tuple[int, ...] = ()
    type = PacketType.EVENT


@dataclass(frozen=True, slots=True)
class StartData:
    transaction_id: int
    total_length: int
    type = PacketType.START_DATA


@dataclass(frozen=True, slots=True)
class Data:
    transaction_id: int
    payload: bytes = field(default=b"", repr=False)
    type = PacketType.DATA


@dataclass(frozen=True, slots=True)
class Cancel:
    transaction_id: int
    type = PacketType.CANCEL


@dataclass(frozen=True, slots=True)
class EndData:
    transaction_id: int
    payload: bytes = field(default=b"", repr=False)
    type = PacketType.END_DATA


@dataclass(frozen=True, slots=True)
class ProbeRequest:
    type = PacketType.PROBE_REQUEST


@dataclass(frozen=True, slots=True)
class ProbeResponse:
    type = PacketType.PROBE_RESPONSE


Packet = Union[
    InitCommandRequest, InitCommandAck, InitEventRequest, InitEventAck, InitFail,
    OperationRequest, OperationResponse, Event, StartData, Data, Cancel, EndData,
    ProbeRequest, ProbeResponse,
]

DATA_TYPES = (PacketType.DATA, PacketType.END_DATA)


def header(packet_type: int, payload_length: int) -> bytes:
    """The 8-byte header; lets a sender stream a big Data payload without building one buffer."""
    total = HEADER_SIZE + payload_length
    if total > 0xFFFFFFFF:
        raise ProtocolError(f"packet of {total} bytes does not fit a u32 length")
    return wire.u32(total) + wire.u32(packet_type)


def data_header(packet_type: int, transaction_id: int, payload_length: int) -> bytes:
    """Header plus transaction id of a Data or End Data packet whose payload follows separately."""
    return header(packet_type, 4 + payload_length) + wire.u32(transaction_id)


def _check_guid(guid: bytes) -> bytes:
    if len(guid) != GUID_SIZE:
        raise ProtocolError(f"GUID must be {GUID_SIZE} bytes, got {len(guid)}")
    return bytes(guid)


def _params(params: tuple[int, ...], limit: int, what: str) -> bytes:
    if len(params) > limit:
        raise ProtocolError(f"{what} carries at most {limit} parameters, got {len(params)}")
    return b"".join(wire.u32(p) for p in params)


def encode_payload(packet: Packet) -> bytes:
    match packet:
        case InitCommandRequest(guid, name, version):
            return _check_guid(guid) + wire.nul_terminated_utf16(name) + wire.u32(version)
        case InitCommandAck(number, guid, name, version):
            return (wire.u32(number) + _check_guid(guid) + wire.nul_terminated_utf16(name)
                    + wire.u32(version))
        case InitEventRequest(number):
            return wire.u32(number)
        case InitFail(reason):
            return wire.u32(reason)
        case OperationRequest(code, tid, params, phase):
            return (wire.u32(phase) + wire.u16(code) + wire.u32(tid)
                    + _params(params, MAX_OPERATION_PARAMS, "an operation request"))
        case OperationResponse(code, tid, params):
            return wire.u16(code) + wire.u32(tid) + _params(params, MAX_OPERATION_PARAMS,
                                                            "an operation response")
        case Event(code, tid, params):
            return wire.u16(code) + wire.u32(tid) + _params(params, MAX_EVENT_PARAMS, "an event")
        case StartData(tid, total):
            return wire.u32(tid) + wire.u64(total)
        case Data(tid, payload) | EndData(tid, payload):
            return wire.u32(tid) + bytes(payload)
        case Cancel(tid):
            return wire.u32(tid)
        case InitEventAck() | ProbeRequest() | ProbeResponse():
            return b""
    raise TypeError(f"not a PTP/IP packet: {packet!r}")


def encode(packet: Packet) -> bytes:
    payload = encode_payload(packet)
    return header(packet.type, len(payload)) + payload


def _param_list(reader: wire.Reader, what: str, limit: int) -> tuple[int, ...]:
    if reader.remaining % 4:
        raise reader.error(f"{what} parameters are {reader.remaining} bytes, not a multiple of 4")
    count = reader.remaining // 4
    if count > limit:
        # Same bound as the encoder: a 64 MiB packet must not become a 16-million-int tuple.
        raise reader.error(f"{what} carries {count} parameters, at most {limit} allowed",
                           reader.pos + 4 * limit)
    return tuple(reader.u32(f"{what} parameter") for _ in range(count))


def _version_or_default(reader: wire.Reader) -> int:
    # Some responders stop after the name; the version is informational, so default it.
    return reader.u32("protocol version") if reader.remaining >= 4 else PROTOCOL_VERSION


def decode_payload(packet_type: int, payload: bytes | memoryview, base: int = 0) -> Packet:
    """Decode the bytes after the header; `base` is the payload's offset for error messages."""
    r = wire.Reader(payload, base)
    try:
        kind = PacketType(packet_type)
    except ValueError:
        # The type field sits 4 bytes before the payload; without a header in front (base < 4)
        # it lies outside the buffer, so no offset in it is to blame.
        raise ProtocolError(f"unknown packet type {packet_type}",
                            base - 4 if base >= 4 else None) from None
    if kind is PacketType.INIT_COMMAND_REQUEST:
        guid = r.raw(GUID_SIZE, "GUID")
        packet: Packet = InitCommandRequest(guid, r.nul_terminated_utf16(), _version_or_default(r))
    elif kind is PacketType.INIT_COMMAND_ACK:
        number = r.u32("connection number")
        guid = r.raw(GUID_SIZE, "GUID")
        packet = InitCommandAck(number, guid, r.nul_terminated_utf16(), _version_or_default(r))
    elif kind is PacketType.INIT_EVENT_REQUEST:
        packet = InitEventRequest(r.u32("connection number"))
    elif kind is PacketType.INIT_FAIL:
        packet = InitFail(r.u32("reason") if r.remaining else 0)
    elif kind is PacketType.OPERATION_REQUEST:
        phase = r.u32("data phase")
        code = r.u16("operation code")
        tid = r.u32("transaction id")
        params = _param_list(r, "operation", MAX_OPERATION_PARAMS)
        packet = OperationRequest(code, tid, params, phase)
    elif kind is PacketType.OPERATION_RESPONSE:
        code = r.u16("response code")
        tid = r.u32("transaction id")
        packet = OperationResponse(code, tid, _param_list(r, "response", MAX_OPERATION_PARAMS))
    elif kind is PacketType.EVENT:
        code = r.u16("event code")
        tid = r.u32("transaction id")
        packet = Event(code, tid, _param_list(r, "event", MAX_EVENT_PARAMS))
    elif kind is PacketType.START_DATA:
        tid = r.u32("transaction id")
        packet = StartData(tid, r.u64("data length"))
    elif kind is PacketType.DATA:
        packet = Data(r.u32("transaction id"), r.rest())
    elif kind is PacketType.END_DATA:
        packet = EndData(r.u32("transaction id"), r.rest())
    elif kind is PacketType.CANCEL:
        packet = Cancel(r.u32("transaction id"))
    elif kind is PacketType.INIT_EVENT_ACK:
        packet = InitEventAck()
    elif kind is PacketType.PROBE_REQUEST:
        packet = ProbeRequest()
    else:
        packet = ProbeResponse()
    if r.remaining and kind not in (PacketType.INIT_COMMAND_REQUEST, PacketType.INIT_COMMAND_ACK):
        # Init packets may carry vendor padding after the version; elsewhere extra bytes are junk.
        raise r.error(f"{r.remaining} unexpected bytes after a {kind.name} packet")
    return packet


def decode(buf: bytes | memoryview) -> Packet:
    """Decode exactly one whole packet (header included)."""
    r = wire.Reader(buf)
    length = r.u32("packet length")
    packet_type = r.u32("packet type")
    if length < HEADER_SIZE:
        raise ProtocolError(f"packet length {length} is smaller than the 8-byte header", 0)
    if length != len(buf):
        raise ProtocolError(f"packet length field says {length} bytes but {len(buf)} were given", 0)
    return decode_payload(packet_type, memoryview(buf)[HEADER_SIZE:], HEADER_SIZE)
