"""A deliberately small PTP/IP client for testing the simulator over real sockets.

Independent of `airnef_tui.camera` (the product's client), so a bug there cannot hide one here. It
keeps the raw packet shapes of each data phase, which the profile tests inspect.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

from airnef_tui.ptpip import wire
from airnef_tui.ptpip.codes import DataPhase, PacketType
from airnef_tui.ptpip.framer import Framer
from airnef_tui.ptpip.packets import (
    Data, EndData, InitCommandAck, InitCommandRequest, InitEventRequest, OperationRequest,
    OperationResponse, Packet, StartData, encode,
)

ZERO_MAC_GUID = bytes(range(1, 11)) + bytes(6)
TIMEOUT = 5.0


@dataclass
class Result:
    code: int
    params: tuple[int, ...]
    data: bytes | None = None
    packets: list[tuple[int, int]] = field(default_factory=list)  # (packet type, payload length)


class Connection:
    """One socket with a framer that keeps every Data packet whole (up to 16 MiB)."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = TIMEOUT) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.framer = Framer(data_piece=16 * 1024 * 1024)

    def send(self, *packets: Packet) -> None:
        self.sock.sendall(b"".join(encode(p) for p in packets))

    def receive(self) -> Packet:
        """Next packet; EOFError when the peer closed, socket.timeout when it is silent."""
        while True:
            packet = self.framer.next_packet()
            if packet is not None:
                return packet
            chunk = self.sock.recv(1024 * 1024)
            if not chunk:
                raise EOFError(f"closed at stream offset {self.framer.stream_offset}, "
                               f"mid-packet={self.framer.in_packet}")
            self.framer.feed(chunk)

    def close(self) -> None:
        self.sock.close()


class RawClient:
    def __init__(self, port: int, guid: bytes = ZERO_MAC_GUID, name: str = "pytest") -> None:
        self.port = port
        self.guid = guid
        self.name = name
        self.command: Connection | None = None
        self.event: Connection | None = None
        self.ack: Packet | None = None
        self._tid = 0

    def init_command(self) -> Packet:
        self.command = Connection(self.port)
        self.command.send(InitCommandRequest(self.guid, self.name))
        self.ack = self.command.receive()
        return self.ack

    def init_event(self) -> Packet:
        assert isinstance(self.ack, InitCommandAck)
        self.event = Connection(self.port)
        self.event.send(InitEventRequest(self.ack.connection_number))
        return self.event.receive()

    def connect(self, open_session: bool = True) -> RawClient:
        ack = self.init_command()
        assert isinstance(ack, InitCommandAck), ack
        self.init_event()
        if open_session:
            result = self.transact(0x1002, 1, tid=0)
            assert result.code == 0x2001, hex(result.code)
        return self

    def send_request(self, code: int, *params: int, tid: int | None = None,
                     data_out: bytes | None = None) -> int:
        if tid is None:
            self._tid += 1
            tid = self._tid
        phase = DataPhase.OUT if data_out is not None else DataPhase.NONE_OR_IN
        assert self.command is not None
        self.command.send(OperationRequest(code, tid, tuple(params), phase))
        if data_out is not None:
            self.command.send(StartData(tid, len(data_out)), EndData(tid, data_out))
        return tid

    def read_result(self) -> Result:
        assert self.command is not None
        data = bytearray()
        packets: list[tuple[int, int]] = []
        in_data = False
        while True:
            packet = self.command.receive()
            if isinstance(packet, StartData):
                in_data = True
                packets.append((PacketType.START_DATA, packet.total_length))
            elif isinstance(packet, (Data, EndData)):
                data += packet.payload
                packets.append((packet.type, len(packet.payload)))
            elif isinstance(packet, OperationResponse):
                return Result(packet.code, packet.params, bytes(data) if in_data else None,
                              packets)
            else:
                raise AssertionError(f"unexpected {packet!r}")

    def transact(self, code: int, *params: int, tid: int | None = None,
                 data_out: bytes | None = None) -> Result:
        self.send_request(code, *params, tid=tid, data_out=data_out)
        return self.read_result()

    def handles(self, storage: int = 0xFFFFFFFF, fmt: int = 0, parent: int = 0) -> list[int]:
        result = self.transact(0x1007, storage, fmt, parent)
        assert result.code == 0x2001, hex(result.code)
        return list(wire.Reader(result.data).array("I"))

    def close(self) -> None:
        for conn in (self.command, self.event):
            if conn is not None:
                conn.close()

    def __enter__(self) -> RawClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
