"""One TCP socket speaking PTP/IP packets: the blocking I/O shell around the sans-IO `Framer`.

Why its own class: the rules that keep a session from hanging live here and only here. A recv
that returns no bytes is a closed connection, raised at once as `ConnectionLost` (airnef kept
polling an empty socket at 94 % CPU). Silence longer than the read timeout is a lost connection.
A camera that keeps sending, but too little (a byte every few seconds: a link at the edge of
range, a firmware in a loop), is a lost connection too once a transaction moves fewer than
`StallRule.min_bytes` in `StallRule.seconds`: each read would get its byte in time, so a read
timeout alone never fires (airnef and gphoto2 hang there). And every wait is cut into slices of
`WAIT_SLICE`, between which the caller's cancel event is looked at: Ctrl-C, SIGTERM or a key in
the TUI stops a read within a fraction of a second, whatever the camera does.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

from airnef_tui.camera.errors import CameraProtocolError, ConnectionLost, Interrupted
from airnef_tui.ptpip import Framer, Packet, ProtocolError, encode

# Measured (benchmarks/download_memory.py): the framer's buffer stays cheapest when its pieces and
# our reads stay below glibc's 128 KiB mmap threshold; at 256 KiB-1 MiB every piece costs fresh
# page faults and CPU per GiB rises three- to tenfold. Sizes here are about CPU, not memory.
RECV_BUFFER = 128 * 1024
DATA_PIECE = 64 * 1024
WAIT_SLICE = 0.25  # seconds a blocked read waits before looking at the cancel event again


@dataclass(frozen=True)
class StallRule:
    """The least a transaction must move: `min_bytes` in every `seconds` (a stall otherwise)."""

    min_bytes: int = 64 * 1024
    seconds: float = 20.0


class PacketChannel:
    """Blocking packet reads and writes over a connected socket.

    Received bytes go through one preallocated buffer (`recv_into`) into the framer, which hands
    Data payloads out in pieces of at most `data_piece` bytes, so a huge object never sits in
    memory whole. After the first failure the channel stays failed: every later call raises again
    without touching the socket, so no caller can spin on a dead connection. `cancel`, when set,
    makes a waiting read raise `Interrupted` (the channel stays usable: nothing was lost).
    """

    def __init__(self, sock: socket.socket, address: str, *, data_piece: int,
                 io_timeout: float = 5.0, cancel: threading.Event | None = None,
                 stall: StallRule | None = None) -> None:
        self.sock = sock
        self.address = address
        self.io_timeout = io_timeout
        self.cancel = cancel
        self.stall = stall
        sock.settimeout(min(io_timeout, WAIT_SLICE) if io_timeout > 0 else WAIT_SLICE)
        self._framer = Framer(data_piece=data_piece)
        self._buffer = bytearray(RECV_BUFFER)
        self._view = memoryview(self._buffer)
        self._window_start = time.monotonic()
        self._window_bytes = 0
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

    def expect_progress(self) -> None:
        """A transaction starts: the stall rule counts from now."""
        self._window_start = time.monotonic()
        self._window_bytes = 0

    def read(self, *, idle_ok: bool = False, deadline: float | None = None) -> Packet | None:
        """The next packet. With `idle_ok`, a wait between packets returns None after one slice
        (the event socket's reader polls that way). Past `deadline` (a `time.monotonic()`
        value) the connection counts as lost, however the bytes trickle."""
        if self.failure is not None:
            raise self.failure
        framer = self._framer
        silent_since = time.monotonic()
        while True:
            try:
                packet = framer.next_packet()
            except ProtocolError as error:
                raise self.fail(CameraProtocolError(self.address, error)) from error
            if packet is not None:
                return packet
            received = self._receive(silent_since, idle_ok and not framer.in_packet, deadline)
            if received is None:
                return None
            if received:
                silent_since = time.monotonic()
                framer.feed(self._view[:received])

    def _receive(self, silent_since: float, idle_ok: bool, deadline: float | None) -> int | None:
        """One recv: the byte count, 0 after a quiet slice, None for an idle reader's timeout."""
        try:
            received = self.sock.recv_into(self._buffer)
        except TimeoutError:
            if idle_ok:
                return None
            self._check_waiting(silent_since, deadline)
            return 0
        except OSError as error:
            raise self._lost(error.strerror or str(error)) from error
        if received == 0:
            raise self._lost("the camera closed the connection")
        self._window_bytes += received
        if self.stall is not None or self.cancel is not None or deadline is not None:
            self._check_waiting(None, deadline)
        return received

    def _check_waiting(self, silent_since: float | None, deadline: float | None) -> None:
        """Between slices: the user's cancel, the read timeout, the stall rule, the deadline."""
        if self.cancel is not None and self.cancel.is_set():
            raise Interrupted(f"stopped while waiting for the camera at {self.address}")
        now = time.monotonic()
        if deadline is not None and now > deadline:
            raise self._lost("no complete answer in the time allowed", timed_out=True)
        if silent_since is not None and now - silent_since >= self.io_timeout:
            raise self._lost(f"no data for {self.io_timeout:g} s", timed_out=True)
        rule = self.stall
        if rule is not None and now - self._window_start >= rule.seconds:
            if self._window_bytes < rule.min_bytes:
                raise self._lost(f"only {self._window_bytes} bytes in {rule.seconds:g} s, "
                                 f"under the {rule.min_bytes} bytes a working link moves "
                                 "(a stalled link)", timed_out=True)
            self._window_start, self._window_bytes = now, 0

    def send(self, *packets: Packet) -> None:
        self.send_bytes(b"".join(encode(p) for p in packets))

    def send_bytes(self, data: bytes) -> None:
        """Whole packets in one send: a request and its data leave together (no Nagle stalls)."""
        if self.failure is not None:
            raise self.failure
        try:
            self.sock.settimeout(self.io_timeout)
            try:
                self.sock.sendall(data)
            finally:
                self.sock.settimeout(min(self.io_timeout, WAIT_SLICE))
        except TimeoutError:
            raise self._lost(f"could not send for {self.io_timeout:g} s", timed_out=True) from None
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
