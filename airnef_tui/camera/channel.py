"""One TCP socket speaking PTP/IP packets: the blocking I/O shell around the sans-IO `Framer`.

Why its own class: the two rules that airnef broke live here and only here. A recv that returns
no bytes is a closed connection, raised at once as `ConnectionLost` (airnef kept polling an empty
socket at 94 % CPU); and a recv timeout is a lost connection too, so a stalled camera surfaces
within the read timeout instead of hanging the session.
"""

from __future__ import annotations

import socket

from airnef_tui.camera.errors import CameraProtocolError, ConnectionLost
from airnef_tui.ptpip import Framer, Packet, ProtocolError, encode

# Measured (benchmarks/download_memory.py): the framer's buffer stays cheapest when its pieces and
# our reads stay below glibc's 128 KiB mmap threshold; at 256 KiB-1 MiB every piece costs fresh
# page faults and CPU per GiB rises three- to tenfold. Sizes here are about CPU, not memory.
RECV_BUFFER = 128 * 1024
DATA_PIECE = 64 * 1024


class PacketChannel:
    """Blocking packet reads and writes over a connected socket, with the socket's timeout.

    Received bytes go through one preallocated buffer (`recv_into`) into the framer, which hands
    Data payloads out in pieces of at most `data_piece` bytes, so a huge object never sits in
    memory whole. After the first failure the channel stays failed: every later call raises again
    without touching the socket, so no caller can spin on a dead connection.
    """

    def __init__(self, sock: socket.socket, address: str, *, data_piece: int) -> None:
        self.sock = sock
        self.address = address
        self._framer = Framer(data_piece=data_piece)
        self._buffer = bytearray(RECV_BUFFER)
        self._view = memoryview(self._buffer)
        self.failure: ConnectionLost | CameraProtocolError | None = None

    @property
    def usable(self) -> bool:
        return self.failure is None

    def fail(self, error: ConnectionLost | CameraProtocolError
             ) -> ConnectionLost | CameraProtocolError:
        """Poison the channel: from now on every read and send raises (the first failure wins).

        For the layer above when the stream is out of step with the transaction rules: after a
        packet out of order nothing says where the next packet starts. Returns `error`, to raise.
        """
        if self.failure is None:
            self.failure = error
        return error

    def _lost(self, cause: str, *, timed_out: bool = False) -> ConnectionLost:
        error = ConnectionLost(self.address, cause, mid_packet=self._framer.in_packet,
                               timed_out=timed_out)
        self.fail(error)
        return error

    def read(self, *, idle_ok: bool = False) -> Packet | None:
        """The next packet. With `idle_ok`, a timeout between packets returns None (event socket)."""
        if self.failure is not None:
            raise self.failure
        framer = self._framer
        while True:
            try:
                packet = framer.next_packet()
            except ProtocolError as error:
                raise self.fail(CameraProtocolError(self.address, error)) from error
            if packet is not None:
                return packet
            try:
                received = self.sock.recv_into(self._buffer)
            except TimeoutError:
                if idle_ok and not framer.in_packet:
                    return None
                raise self._lost(f"no data for {self.sock.gettimeout():g} s",
                                 timed_out=True) from None
            except OSError as error:
                raise self._lost(error.strerror or str(error)) from error
            if received == 0:
                raise self._lost("the camera closed the connection")
            framer.feed(self._view[:received])

    def send(self, *packets: Packet) -> None:
        self.send_bytes(b"".join(encode(p) for p in packets))

    def send_bytes(self, data: bytes) -> None:
        """Whole packets in one send: a request and its data leave together (no Nagle stalls)."""
        if self.failure is not None:
            raise self.failure
        try:
            self.sock.sendall(data)
        except TimeoutError:
            raise self._lost(f"could not send for {self.sock.gettimeout():g} s",
                                 timed_out=True) from None
        except OSError as error:
            raise self._lost(error.strerror or str(error)) from error

    def close(self) -> None:
        """Shut down first so a thread blocked in recv on this socket wakes up now."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        if self.failure is None:
            self.failure = ConnectionLost(self.address, "the session was closed")
