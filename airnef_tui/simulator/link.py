"""One TCP connection as the simulator sees it: packets in, bytes out, a clean way to end.

Blocking I/O in a thread per connection keeps the protocol code linear. The server wakes a blocked
reader on shutdown with `socket.shutdown`, so no read ever needs a timeout or a polling loop.

A link can be told to drip (the drip faults): every byte then leaves on its own, an interval
after the one before, through a sleep that ends at once when the simulator stops.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

from airnef_tui.ptpip.framer import Framer
from airnef_tui.ptpip.packets import Packet, encode

RECV_SIZE = 256 * 1024
MAX_INCOMING_PACKET = 1024 * 1024  # nothing a host legitimately sends a camera comes close
_QUICKACK = getattr(socket, "TCP_QUICKACK", None)  # Linux only


class LinkClosed(Exception):
    """The peer went away, or the simulator closed the connection on purpose (a fault)."""


@dataclass(frozen=True)
class Drip:
    """One byte per `interval` seconds; `pause` sleeps and returns True when the simulator stops."""

    interval: float
    pause: Callable[[float], bool]


class Link:
    def __init__(self, sock: socket.socket, peer: str) -> None:
        self.sock = sock
        self.peer = peer
        self.framer = Framer(max_packet=MAX_INCOMING_PACKET, data_piece=RECV_SIZE)
        self._send_lock = threading.Lock()
        self._closed = False
        self.drip: Drip | None = None  # set: every send leaves one byte at a time

    def receive(self) -> Packet:
        """The next packet; LinkClosed at end of stream. ProtocolError on malformed bytes."""
        while True:
            packet = self.framer.next_packet()
            if packet is not None:
                return packet
            try:
                chunk = self.sock.recv(RECV_SIZE)
            except OSError as exc:
                raise LinkClosed(str(exc)) from None
            if not chunk:
                raise LinkClosed("closed by peer")
            self._ack_at_once()
            self.framer.feed(chunk)

    def _ack_at_once(self) -> None:
        """Linux delays ACKs by up to 40 ms; a host that writes a request, Start Data and End Data
        as separate small writes (libgphoto2 does) would then wait on its own Nagle algorithm
        for every host-to-camera data phase. The flag resets itself, hence once per read."""
        if _QUICKACK is not None:
            try:
                self.sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
            except OSError:
                pass

    def send(self, *packets: Packet) -> None:
        self.send_bytes(b"".join(encode(p) for p in packets))

    def send_bytes(self, data: bytes | memoryview) -> None:
        drip = self.drip
        if drip is not None:
            self._dribble(memoryview(data).cast("B"), drip)
            return
        try:
            with self._send_lock:
                self.sock.sendall(data)
        except OSError as exc:
            raise LinkClosed(str(exc)) from None

    def _dribble(self, data: memoryview, drip: Drip) -> None:
        """Each byte after a pause of `drip.interval`; LinkClosed when the peer has gone (a send
        error) or the simulator stops."""
        for index in range(len(data)):
            if drip.pause(drip.interval):
                raise LinkClosed("the simulator is stopping")
            try:
                with self._send_lock:
                    self.sock.sendall(data[index:index + 1])
            except OSError as exc:
                raise LinkClosed(str(exc)) from None

    def wait_for_peer_to_leave(self) -> None:
        """Read and discard until the peer closes: a silent camera that still holds the line."""
        while True:
            try:
                if not self.sock.recv(RECV_SIZE):
                    return
            except OSError:
                return

    def shutdown(self) -> None:
        """Wake any thread blocked on this socket; the owner closes it."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.shutdown()
        try:
            self.sock.close()
        except OSError:
            pass
