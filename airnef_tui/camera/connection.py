"""The PTP/IP bring-up: command socket, event socket, the probe, and the event reader thread.

The order and the tolerance come from what cameras do (shared docs, ptpip.md section 2): Init
Command Request/Ack on the first socket, Init Event Request/Ack on a second socket to the same
address, then a Probe Request whose answer we wait for briefly but never require, because some
Canon bodies never answer it while some Nikon bodies hang without it.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import queue
import re
import select
import socket
import threading
import time

from airnef_tui.camera.address import format_address
from airnef_tui.camera.channel import DATA_PIECE, WAIT_SLICE, PacketChannel, StallRule
from airnef_tui.camera.errors import (
    CameraError, CameraProtocolError, CameraRefused, CameraUnreachable, ConnectionLost,
    Interrupted,
)
from airnef_tui.ptpip import (
    Event, InitCommandAck, InitCommandRequest, InitEventAck, InitEventRequest, InitFail,
    ProbeRequest, ProbeResponse,
)

PROBE_WAIT = 1.0
EVENT_QUEUE_LIMIT = 10_000
_NUMERIC_HOST = re.compile(r"[0-9.]+")


def _check_host(host: str, port: int) -> None:
    """Reject a mistyped IPv4 address here, so it never becomes a DNS query for '999.1.1.1'."""
    address = format_address(host, port)
    if not host:
        raise CameraUnreachable(address, "no host name or address given")
    if _NUMERIC_HOST.fullmatch(host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            raise CameraUnreachable(address, f"{host!r} is not a valid IP address") from None
    if not 0 < port < 65536:
        raise CameraUnreachable(address, f"{port} is not a TCP port number")


def _connect(host: str, port: int, timeout: float,
             cancel: threading.Event | None = None) -> socket.socket:
    """A TCP connection within `timeout`, given up within a slice of `cancel` being set."""
    address = format_address(host, port)
    try:
        candidates = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise CameraUnreachable(address, f"unknown host ({error.strerror})") from error
    deadline = time.monotonic() + timeout
    problem: OSError | None = None
    for family, kind, proto, _, target in candidates:
        try:
            sock = _connect_one(family, kind, proto, target, deadline, cancel)
        except OSError as error:
            problem = error
            continue
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock
    if isinstance(problem, ConnectionRefusedError):
        raise CameraUnreachable(
            address, "connection refused (is the camera's Wi-Fi transfer mode on?)") from None
    if isinstance(problem, TimeoutError) or problem is None:
        raise CameraUnreachable(address, f"no answer within {timeout:g} s") from None
    raise CameraUnreachable(address, problem.strerror or str(problem)) from problem


def _connect_one(family: int, kind: int, proto: int, target: tuple, deadline: float,
                 cancel: threading.Event | None) -> socket.socket:
    """A non-blocking connect watched in slices, so a cancel needs no timeout to pass."""
    sock = socket.socket(family, kind, proto)
    try:
        sock.setblocking(False)
        status = sock.connect_ex(target)
        while status in (errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EALREADY, errno.EINTR):
            if cancel is not None and cancel.is_set():
                raise Interrupted(f"stopped while connecting to {format_address(*target[:2])}")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError()
            _, writable, _ = select.select([], [sock], [], min(WAIT_SLICE, remaining))
            if writable:
                status = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if status:
            raise OSError(status, os.strerror(status))
        sock.setblocking(True)
        return sock
    except BaseException:
        sock.close()
        raise


class Connection:
    """Both sockets of one PTP/IP connection, after the Init handshakes.

    `events` receives every Event packet from the camera (ObjectAdded and the rest); the reader
    thread also answers the camera's Probe Requests, and stops quietly when either side closes.
    """

    def __init__(self, command: PacketChannel, event: PacketChannel, ack: InitCommandAck) -> None:
        self.command = command
        self.event = event
        self.address = command.address
        self.connection_number = ack.connection_number
        self.camera_guid = ack.guid
        self.camera_name = ack.name
        self.events: queue.Queue[Event] = queue.Queue(EVENT_QUEUE_LIMIT)
        self.probe_answered = threading.Event()
        self._event_send_lock = threading.Lock()
        self._closing = False
        self._reader = threading.Thread(target=self._read_events, name=f"ptpip-events {self.address}",
                                        daemon=True)

    def _send_event(self, packet: ProbeRequest | ProbeResponse) -> None:
        with self._event_send_lock:
            self.event.send(packet)

    def _read_events(self) -> None:
        try:
            while not self._closing:
                packet = self.event.read(idle_ok=True)
                if isinstance(packet, Event):
                    self.queue_event(packet)
                elif isinstance(packet, ProbeRequest):
                    self._send_event(ProbeResponse())
                elif isinstance(packet, ProbeResponse):
                    self.probe_answered.set()
        except (CameraError, Interrupted):
            pass  # the event socket is a convenience: its loss is noticed on the command socket

    def queue_event(self, event: Event) -> None:
        """Nobody may be reading events yet: drop the oldest rather than grow without bound."""
        while True:
            try:
                self.events.put_nowait(event)
                return
            except queue.Full:
                try:
                    self.events.get_nowait()
                except queue.Empty:
                    pass

    def start_events(self, probe: bool, probe_wait: float) -> None:
        self._reader.start()
        if probe:
            try:
                self._send_event(ProbeRequest())
            except CameraError:
                return
            self.probe_answered.wait(probe_wait)

    def close(self) -> None:
        """Idempotent; safe after a lost connection and from any thread but the reader itself."""
        self._closing = True
        self.command.close()
        self.event.close()
        if self._reader.is_alive() and self._reader is not threading.current_thread():
            self._reader.join(timeout=2.0)


def _handshake_read(channel: PacketChannel, what: str, io_timeout: float):
    try:
        return channel.read()
    except ConnectionLost as lost:
        if lost.timed_out:
            raise CameraUnreachable(
                channel.address,
                f"connected, but no answer to the {what} within {io_timeout:g} s (a Sony camera "
                "answers only one session per entry into 'Send to Computer': leave and re-enter "
                "that mode)") from None
        raise CameraUnreachable(channel.address, f"{lost.cause} during the {what}") from None


def connect(host: str, port: int, *, guid: bytes, name: str, event_port: int | None = None,
            connect_timeout: float = 10.0, io_timeout: float = 5.0, probe: bool = True,
            probe_wait: float = PROBE_WAIT, make_hint: str | None = None,
            data_piece: int = DATA_PIECE, cancel: threading.Event | None = None,
            stall: StallRule | None = None) -> Connection:
    """Open both sockets and do the Init handshakes; raise CameraUnreachable or CameraRefused,
    or Interrupted once `cancel` is set. `stall` is the command socket's stall rule."""
    _check_host(host, port)
    event_port = port if event_port is None else event_port
    _check_host(host, event_port)
    address = format_address(host, port)
    sock = _connect(host, port, connect_timeout, cancel)
    command = PacketChannel(sock, address, data_piece=data_piece, io_timeout=io_timeout,
                            cancel=cancel, stall=stall)
    event: PacketChannel | None = None
    try:
        command.send(InitCommandRequest(guid, name))
        reply = _handshake_read(command, "Init Command Request", io_timeout)
        if isinstance(reply, InitFail):
            raise CameraRefused.from_init_fail(address, reply.reason, make_hint)
        if not isinstance(reply, InitCommandAck):
            raise CameraProtocolError(address, f"expected Init Command Ack, got {reply!r}")
        # The same IP the command socket reached, so a multi-address name cannot split us.
        peer = sock.getpeername()[0]
        event_sock = _connect(peer, event_port, connect_timeout, cancel)
        event = PacketChannel(event_sock, format_address(peer, event_port), data_piece=64 * 1024,
                              io_timeout=io_timeout, cancel=cancel)
        event.send(InitEventRequest(reply.connection_number))
        event_reply = _handshake_read(event, "Init Event Request", io_timeout)
        if isinstance(event_reply, InitFail):
            raise CameraRefused.from_init_fail(address, event_reply.reason, make_hint)
        if not isinstance(event_reply, InitEventAck):
            raise CameraProtocolError(address, f"expected Init Event Ack, got {event_reply!r}")
    except BaseException:
        command.close()
        if event is not None:
            event.close()
        raise
    connection = Connection(command, event, reply)
    connection.start_events(probe, probe_wait)
    return connection
