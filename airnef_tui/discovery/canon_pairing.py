"""Canon "Connect to computer" (PowerShot/IXUS): being the computer the camera looks for.

The camera opens PTP/IP only after finding a computer over UPnP (docs/ptpip.md §5): it multicasts
an SSDP M-SEARCH for upnp:rootdevice, fetches the description of each Windows computer answering,
lists their names, and once the user picks one waits on TCP 15740 for it. It knows the computer by
the description's uuid, made once per installation and kept in the state database.

`CanonPairing` plays that computer only while asked (on the scope's interfaces when restricted) and
returns the camera's address once it has fetched the description. Keep it running until the
PTP/IP session is open, as the camera may look again after the user picks the computer:

    with CanonPairing(progress=show, cancel=stop) as pairing:
        camera = pairing.wait(timeout=180)
        wait_for_camera(camera, timeout=60, cancel=stop)  # then CameraSession(camera).open()

`pair_canon(timeout, ...)` does it in one call, returning once the camera answers on PTP/IP.
"""

from __future__ import annotations

import errno
import http.server
import ipaddress
import logging
import queue
import selectors
import socket
import socketserver
import sqlite3
import struct
import sys
import threading
import time
from collections.abc import Callable

from airnef_tui.discovery import canon_pairing_messages as messages
from airnef_tui.discovery.canon_pairing_messages import (  # the progress steps, re-exported
    DESCRIBED, FOUND, LISTENING, READY, PairingProgress)
from airnef_tui.discovery.scope import Scope, scope_from
from airnef_tui.ptpip import DEFAULT_PORT
from airnef_tui.state.db import get_meta, open_database, set_meta_if_absent
from airnef_tui.state.identity import host_name

_log = logging.getLogger("airnef_tui.discovery.canon_pairing")

UUID_KEY = "canon_upnp_uuid"  # in the state database's meta table
SLICE = 0.1  # no wait here is longer than this without looking at cancel and stop
PROBE_TIMEOUT = 0.5
PROBE_INTERVAL = 0.5


class PairingError(Exception):
    """Pairing could not start or did not finish; the message says why, for people."""


class PairingTimeout(PairingError, TimeoutError):
    """No camera got as far as it had to within the time given."""


class PairingCancelled(PairingError):
    """The cancel event was set, or the pairing was stopped, while waiting."""


Progress = Callable[[PairingProgress], None]


def pairing_uuid(conn: sqlite3.Connection | None = None) -> str:
    """This installation's UPnP uuid: made on first use, the same on every later run."""
    own = conn is None
    conn = conn or open_database()
    try:
        stored = get_meta(conn, UUID_KEY)
        if stored is None:
            stored = set_meta_if_absent(conn, UUID_KEY, messages.new_uuid().encode("ascii"))
        text = bytes(stored).decode("ascii", "replace")
        if not messages.valid_uuid(text):
            text = messages.new_uuid()
            _log.warning("the stored UPnP uuid was damaged; made a new one (a Canon paired "
                         "before must be paired again)")
            conn.execute("UPDATE meta SET value = ? WHERE key = ?",
                         (text.encode("ascii"), UUID_KEY))
        return text
    finally:
        if own:
            conn.close()


def route_address(peer: str) -> str | None:
    """The address this machine would send from toward `peer` (a UDP connect sends nothing)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect((peer, messages.SSDP_PORT))
            return probe.getsockname()[0]
    except OSError:
        return None


def local_address_for(peer: str, scope: Scope) -> str | None:
    """Our address on `peer`'s network: the route's choice, kept to the scope's interfaces."""
    routed = route_address(peer)
    if scope.everywhere or routed in scope.interfaces:
        return routed
    return next((own for own in scope.interfaces if Scope((own,)).allows(peer)), None)


def camera_answers(address: str, port: int = DEFAULT_PORT, timeout: float = PROBE_TIMEOUT) -> bool:
    """Does `address` accept a TCP connection on `port` now? (Connects and closes at once.)"""
    try:
        with socket.create_connection((address, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for_camera(address: str, port: int = DEFAULT_PORT, timeout: float = 60.0, *,
                    cancel: threading.Event | None = None,
                    interval: float = PROBE_INTERVAL) -> None:
    """Return once the camera accepts a TCP connection on its PTP/IP port; PairingTimeout after
    `timeout` seconds, PairingCancelled within a second of `cancel`. Each try is a bare connect
    and close (as the hotspot sweep does); that every Canon takes it calmly is unconfirmed."""
    deadline = time.monotonic() + timeout
    cancel = cancel or threading.Event()
    while not cancel.is_set():
        if camera_answers(address, port, _probe_time(deadline)):
            return
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise PairingTimeout(messages.no_ptpip_text(timeout, address, port))
        cancel.wait(min(interval, remaining))
    raise PairingCancelled("stopped waiting for the camera")


def pair_canon(timeout: float = 180.0, *, ptpip_port: int = DEFAULT_PORT,
               progress: Progress | None = None, cancel: threading.Event | None = None,
               scope: Scope | None = None, name: str | None = None) -> str:
    """The whole route in one call: answer the camera until it has fetched our description and
    then answers on its PTP/IP port; return its address (all within `timeout` seconds)."""
    with CanonPairing(progress=progress, cancel=cancel, scope=scope, name=name) as pairing:
        return pairing.pair(timeout, ptpip_port)


class CanonPairing:
    """Answers a Canon's search for a computer while started (see the module's docstring).

    Defaults: `name` this host's, `device_uuid` the stored one, `scope` from --interface /
    AIRNEF_TUI_INTERFACES, `ssdp_port` 1900 and `http_port` 0 (0: any free port). `progress` is
    called in the thread calling `start`, `wait` or `pair`; `cancel` ends a wait within a second."""

    def __init__(self, *, name: str | None = None, device_uuid: str | None = None,
                 scope: Scope | None = None, ssdp_port: int = messages.SSDP_PORT,
                 http_port: int = 0, multicast: bool = True, progress: Progress | None = None,
                 cancel: threading.Event | None = None) -> None:
        self.name = messages.display_name(name if name is not None else host_name())
        self.uuid = device_uuid or ""
        self.scope = scope if scope is not None else scope_from()
        self.http_port = http_port
        self.multicast = multicast
        self.progress = progress
        self.cancel = cancel
        self._requested_ssdp_port = ssdp_port
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._events: queue.SimpleQueue[PairingProgress] = queue.SimpleQueue()
        self._found: dict[str, None] = {}  # in order of arrival
        self._described: dict[str, None] = {}
        self._servers: dict[str, _DescriptionServer] = {}
        self._udp: list[tuple[socket.socket, str | None]] = []  # (socket, its unicast address)
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._started = False

    def __enter__(self) -> CanonPairing:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> CanonPairing:
        """Open the sockets and start answering; PairingError (with advice) if we cannot."""
        if self._started:
            raise RuntimeError("a CanonPairing is started once; make a new one to pair again")
        self._started = True
        try:
            self.uuid = self.uuid or pairing_uuid()
            self._open_udp()
            self._open_servers()
            ssdp = threading.Thread(target=self._udp_loop, name="canon-pairing-ssdp", daemon=True)
            self._threads.append(ssdp)
            ssdp.start()
            self._say(LISTENING, messages.listening_text(
                self.name, self.scope.interfaces, self.ssdp_port))
            self._deliver()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop answering and close everything; returns within about a second. Idempotent."""
        self._stop.set()
        with self._lock:
            self._changed.notify_all()
            servers = list(self._servers.values())
        for server in servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=1.0)
        for sock, _ in self._udp:
            sock.close()

    @property
    def ssdp_port(self) -> int:
        """The UDP port we listen on (useful when asked for 0)."""
        return self._udp[0][0].getsockname()[1] if self._udp else self._requested_ssdp_port

    @property
    def described(self) -> list[str]:
        """Addresses that fetched our description, first first."""
        with self._lock:
            return list(self._described)

    def wait(self, timeout: float) -> str:
        """The address of the first camera to fetch our description; PairingTimeout after
        `timeout` seconds, PairingCancelled within a second of cancel or stop."""
        if not self._started:
            raise RuntimeError("start the pairing (or use it as a context manager) first")
        return self._until(lambda: next(iter(self.described), None),
                           time.monotonic() + timeout, lambda: self._timed_out(timeout))

    def pair(self, timeout: float, ptpip_port: int = DEFAULT_PORT) -> str:
        """`wait`, then keep answering until a camera that fetched the description accepts a
        connection on `ptpip_port`; its address. `timeout` covers both."""
        deadline = time.monotonic() + timeout
        self.wait(timeout)

        def answering() -> str | None:
            return next((address for address in self.described
                         if camera_answers(address, ptpip_port, _probe_time(deadline))), None)

        address = self._until(answering, deadline, lambda: PairingTimeout(messages.no_ptpip_text(
            timeout, self.described[0], ptpip_port, self.name)), PROBE_INTERVAL)
        self._say(READY, messages.ready_text(address), address)
        self._deliver()
        return address

    def _until(self, ready: Callable[[], str | None], deadline: float,
               timed_out: Callable[[], PairingTimeout], every: float = SLICE) -> str:
        """Poll `ready` until it gives an address, handing on progress meanwhile."""
        while True:
            self._deliver()
            found = ready()
            if found is not None:
                self._deliver()
                return found
            self._check_cancel()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise timed_out()
            self._pause(min(remaining, every))

    def _pause(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self._check_cancel()
            with self._lock:
                self._changed.wait(min(left, SLICE))

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise PairingCancelled("pairing with the camera was cancelled")
        if self._stop.is_set():
            raise PairingCancelled("pairing with the camera was stopped")

    def _timed_out(self, timeout: float) -> PairingTimeout:
        with self._lock:
            found = list(self._found)
            ports = sorted({server.server_address[1] for server in self._servers.values()})
        if found:
            return PairingTimeout(messages.no_fetch_text(timeout, found[0], ports))
        return PairingTimeout(messages.no_search_text(
            timeout, self.name, self.scope.interfaces, self.ssdp_port))

    def _say(self, step: str, text: str, address: str | None = None) -> None:
        self._events.put(PairingProgress(step, text, address))

    def _deliver(self) -> None:
        """Hand queued progress to the callback, in the caller's thread."""
        while True:
            try:
                event = self._events.get_nowait()
            except queue.Empty:
                return
            if self.progress is not None:
                self.progress(event)

    def _open_udp(self) -> None:
        port, host = self._requested_ssdp_port, ""
        try:
            if self.scope.everywhere:
                sock = _udp_socket("", port)
                self._udp.append((sock, None))
                if self.multicast:
                    _join_everywhere(sock)
                return
            for host in self.scope.interfaces:
                sock = _udp_socket(host, port)
                self._udp.append((sock, host))
                port = sock.getsockname()[1]
            remote = [own for own in self.scope.interfaces
                      if not ipaddress.ip_address(own).is_loopback]
            if self.multicast and remote:
                group = _group_socket(port)
                self._udp.append((group, None))
                for own in remote:
                    _join(group, own)
        except OSError as exc:
            raise PairingError(messages.cannot_listen_text(
                "UDP", port, exc.errno, exc.strerror or str(exc), host)) from exc

    def _udp_loop(self) -> None:
        selector = selectors.DefaultSelector()
        for sock, local in self._udp:
            selector.register(sock, selectors.EVENT_READ, local)
        try:
            while not self._stop.is_set():
                for key, _ in selector.select(SLICE * 2):
                    try:
                        self._receive(key.fileobj, key.data)
                    except Exception:  # noqa: BLE001 - one bad datagram must not end the responder
                        _log.exception("SSDP: a search could not be answered")
        finally:
            selector.close()

    def _receive(self, sock: socket.socket, local: str | None) -> None:
        try:
            data, peer = sock.recvfrom(65535)
        except OSError:  # nothing there after all (BlockingIOError), or an ICMP error echo
            return
        address = peer[0]
        target = messages.parse_search(data)
        if target is None or not self.scope.allows(address):
            return
        own = local or local_address_for(address, self.scope)
        if own is None:
            _log.info("no address of ours on the network of %s: not answering it", address)
            return
        try:
            port = self._server_for(own)
        except OSError as exc:
            _log.warning("cannot serve the description on %s: %s", own, exc)
            return
        self._note(self._found, FOUND, address, messages.found_text(address))
        reply = messages.search_response(target, self.uuid, messages.location_url(own, port))
        sender = next((s for s, bound in self._udp if bound == own), sock)
        try:
            sender.sendto(reply, peer)
        except OSError as exc:
            _log.info("could not answer %s: %s", address, exc)

    def _note(self, seen: dict[str, None], step: str, address: str, text: str) -> None:
        """Record `address` in `seen`; the first time, queue the progress step."""
        with self._lock:
            if address in seen:
                return
            self._say(step, text, address)
            seen[address] = None
            self._changed.notify_all()

    def _open_servers(self) -> None:
        """Serve on the scope's addresses now, so a taken port is told at once."""
        for own in self.scope.interfaces:
            try:
                self._server_for(own)
            except OSError as exc:
                raise PairingError(messages.cannot_listen_text(
                    "TCP", self.http_port, exc.errno, exc.strerror or str(exc), own)) from exc

    def _server_for(self, own: str) -> int:
        """The port of the description server bound to `own`, started on first use."""
        with self._lock:
            server = self._servers.get(own)
            if server is None:
                if self._stop.is_set():
                    raise OSError(errno.ECANCELED, "the pairing is stopping")
                server = _DescriptionServer((own, self.http_port), self)
                self._servers[own] = server
                thread = threading.Thread(target=server.serve_forever, args=(SLICE * 2,),
                                          name=f"canon-pairing-http-{own}", daemon=True)
                self._threads.append(thread)
                thread.start()
            return server.server_address[1]

    def _fetched_by(self, address: str) -> None:
        self._note(self._described, DESCRIBED, address, messages.described_text(address, self.name))


class _DescriptionHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 5  # a silent client's thread ends after this
    server: _DescriptionServer

    def version_string(self) -> str:
        return messages.SERVER

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        pairing = self.server.pairing
        peer = self.client_address[0]
        self.close_connection = True
        if self.path.split("?")[0] != messages.DESCRIPTION_PATH or not pairing.scope.allows(peer):
            self.send_error(404)
            return
        body = messages.device_description(pairing.name, pairing.uuid)
        self.send_response(200)
        self.send_header("Content-Type", messages.DESCRIPTION_CONTENT_TYPE)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        pairing._fetched_by(peer)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        _log.debug("%s %s", self.client_address[0], format % args)


class _DescriptionServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], pairing: CanonPairing) -> None:
        self.pairing = pairing
        super().__init__(address, _DescriptionHandler)

    def server_bind(self) -> None:
        # HTTPServer's own looks up our fully qualified name, which can stall on DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        _log.debug("description request from %s failed", client_address[0], exc_info=True)


def _probe_time(deadline: float) -> float:
    return min(PROBE_TIMEOUT, max(deadline - time.monotonic(), 0.05))


def _udp_socket(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def _group_socket(port: int) -> socket.socket:
    """Bound to the group where the OS allows (else to all; the scope then filters senders)."""
    try:
        return _udp_socket(messages.SSDP_GROUP, port)
    except OSError:
        return _udp_socket("", port)


def _join(sock: socket.socket, interface: str) -> bool:
    request = socket.inet_aton(messages.SSDP_GROUP) + socket.inet_aton(interface)
    try:
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, request)
        return True
    except OSError as exc:
        _log.info("cannot join %s on %s: %s", messages.SSDP_GROUP, interface, exc)
        return False


def _join_everywhere(sock: socket.socket) -> None:
    """On every interface (a Pi's hotspot on wlan0 is not its default route), else the default."""
    joined = 0
    if sys.platform.startswith("linux"):
        group = socket.inet_aton(messages.SSDP_GROUP)
        for index, _ in socket.if_nameindex():
            request = struct.pack("=4s4si", group, bytes(4), index)  # struct ip_mreqn
            try:
                sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, request)
                joined += 1
            except OSError:
                continue
    if not joined and not _join(sock, "0.0.0.0"):
        _log.warning("not listening for multicast searches: only a camera that searches this "
                     "computer's address directly will find it")

