"""The SSDP source: Sony's and Canon's cameras answering an M-SEARCH, or announcing themselves.

At start and on `rescan` it sends one M-SEARCH per camera service type (Sony's MtpNullService,
Canon's ICPO services) in a few spaced rounds, from one socket per interface in scope (each
with `IP_MULTICAST_IF` set to that interface and TTL 1), and reads the unicast replies on those
sockets. A second socket on the group's port hears `NOTIFY` alive and byebye (a byebye removes
the camera). Each camera's LOCATION description is fetched once, by one of a few worker threads,
with plain HTTP on a raw socket (2 s at most, 64 KiB at most, only from hosts the scope allows)
for its friendlyName, manufacturer and modelName; a camera whose description cannot be had is
still reported, without those facts. The camera itself is PTP/IP on port 15740 at the LOCATION's
host (the datagram's source address when the LOCATION is absent or unusable).

Whatever arrives is untrusted: oversized, malformed or hostile datagrams and descriptions are
dropped with a debug line, and nothing a peer sends can stop the source. `stop` returns within
a second.
"""

from __future__ import annotations

import errno
import logging
import os
import queue
import re
import selectors
import socket
import threading
import time
from collections.abc import Mapping, Sequence

from airnef_tui.discovery.scope import Scope
from airnef_tui.discovery.sighting import SSDP, CameraSighting
from airnef_tui.discovery.sightings import Sightings
from airnef_tui.discovery.ssdp_messages import (
    CAMERA_TARGETS, MAX_DESCRIPTION, MAX_PACKET, NO_FACTS, SSDP_GROUP, SSDP_PORT, Announcement,
    DeviceFacts, Location, SsdpError, build_description_request, build_search,
    camera_announcement, parse_description, parse_http_response, parse_location, parse_message,
    usn_uuid)
from airnef_tui.ptpip import DEFAULT_PORT

log = logging.getLogger("airnef_tui.discovery.ssdp")

SEARCH_SCHEDULE = (0.0, 0.5, 1.5)  # seconds after start or rescan; each round asks once per ST
FETCH_TIMEOUT = 2.0  # seconds for one description, connect to close
FETCH_WORKERS = 3  # so one silent host cannot hold up the other cameras' descriptions
MAX_PENDING_FETCHES = 32
MAX_HTTP_HEAD = 8 * 1024  # response line and headers on top of the description
MAX_REMEMBERED = 256  # addresses, USNs and descriptions kept (oldest forgotten first)
RETRY_FAILED_AFTER = 30.0  # seconds before a description that failed is asked for again
SLICE = 0.2  # the longest any thread waits before looking at the stop flag
STOP_BUDGET = 0.9  # seconds `stop` waits for the threads in all
_PENDING = object()  # a description being fetched


class SsdpSource:
    """`port`: the SSDP port (searched on, listened on; default the module's `SSDP_PORT`, read
    when built so a test can point it elsewhere; 0 listens on a free port and searches there).
    `search_to`: send the M-SEARCHes unicast to this (host, port) instead of the group.
    `search_schedule`: the rounds' delays (empty: listen only)."""

    name = SSDP

    def __init__(self, *, port: int | None = None, group: str = SSDP_GROUP,
                 targets: Mapping[str, str] = CAMERA_TARGETS,
                 search_to: tuple[str, int] | None = None,
                 search_schedule: Sequence[float] = SEARCH_SCHEDULE,
                 fetch_timeout: float = FETCH_TIMEOUT) -> None:
        self.port = SSDP_PORT if port is None else port
        self.group = group
        self.targets = dict(targets)
        self.search_to = search_to
        self.search_schedule = tuple(search_schedule)
        self.fetch_timeout = fetch_timeout
        self._sightings: Sightings | None = None
        self._scope = Scope()
        self._stop = threading.Event()
        # `_lock` guards what we know of the cameras and is held while telling the merger (so a
        # byebye cannot overtake a late description); `_schedule_lock` guards the search rounds
        # alone, so `rescan` from the merger's listener, in any thread, never waits on `_lock`.
        self._lock = threading.Lock()
        self._schedule_lock = threading.Lock()
        self._search_at: list[float] = []
        self._fetches: queue.Queue[tuple[Location, str, str]] = queue.Queue(MAX_PENDING_FETCHES)
        self._descriptions: dict[str, object] = {}  # url → DeviceFacts | (failed at) | _PENDING
        self._present: dict[str, None] = {}  # addresses alive now (ordered: a bounded set)
        self._by_uuid: dict[str, str] = {}  # USN uuid → address, for the byebye
        self._search_socks: list[socket.socket] = []
        self._listen: socket.socket | None = None
        self._wake_reader: socket.socket | None = None
        self._wake_writer: socket.socket | None = None
        self._threads: list[threading.Thread] = []

    # -- life cycle -----------------------------------------------------------------------------

    def start(self, sightings: Sightings, scope: Scope) -> None:
        self._sightings, self._scope = sightings, scope
        interfaces = _interfaces(scope)
        self._listen = self._listen_socket(interfaces)
        self._search_socks = [sock for sock in map(self._search_socket, interfaces) if sock]
        if self._listen is None and not self._search_socks:
            log.info("SSDP: no socket could be opened; this source reports nothing")
            return
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._threads = [threading.Thread(target=self._receive_loop, name="ssdp-receive",
                                          daemon=True)]
        self._threads += [threading.Thread(target=self._fetch_loop, name=f"ssdp-fetch-{n}",
                                           daemon=True) for n in range(1, FETCH_WORKERS + 1)]
        for thread in self._threads:
            thread.start()
        log.debug("SSDP: searching from %s, listening on %s:%d",
                  ", ".join(i or "the default interface" for i in interfaces), self.group,
                  self.port)
        self.rescan()

    def rescan(self) -> None:
        """Another set of M-SEARCH rounds, starting now."""
        now = time.monotonic()
        with self._schedule_lock:
            self._search_at = sorted(self._search_at + [now + d for d in self.search_schedule])
        self._wake()

    def stop(self) -> None:
        if self._stop.is_set():
            return
        self._stop.set()
        self._wake()
        deadline = time.monotonic() + STOP_BUDGET
        for thread in self._threads:
            if thread is not threading.current_thread():  # a listener may stop us
                thread.join(max(0.0, deadline - time.monotonic()))
        for sock in (*self._search_socks, self._listen, self._wake_reader, self._wake_writer):
            if sock is not None:
                sock.close()

    def _wake(self) -> None:
        if self._wake_writer is not None:
            try:
                self._wake_writer.send(b"x")
            except OSError:
                pass

    # -- sockets --------------------------------------------------------------------------------

    def _listen_socket(self, interfaces: list[str]) -> socket.socket | None:
        """The group's port, joined on each interface in scope: NOTIFYs arrive here."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if hasattr(socket, "SO_REUSEPORT"):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            try:
                sock.bind((self.group, self.port))
            except OSError:  # systems that cannot bind a group address; sources are filtered
                sock.bind(("", self.port))
            joined = 0
            for interface in interfaces:
                try:
                    sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                                    socket.inet_aton(self.group)
                                    + socket.inet_aton(interface or "0.0.0.0"))
                    joined += 1
                except OSError as error:
                    log.debug("SSDP: cannot join %s on %s: %s", self.group, interface, error)
            if not joined:
                raise OSError("could not join the SSDP group on any interface")
            sock.setblocking(False)
        except OSError as error:
            sock.close()
            log.info("SSDP: not listening for announcements on port %d: %s", self.port, error)
            return None
        self.port = sock.getsockname()[1]
        return sock

    def _search_socket(self, interface: str) -> socket.socket | None:
        """A socket on one interface's address that sends the M-SEARCHes out of that interface
        alone (TTL 1) and receives the unicast replies."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.bind((interface, 0))
            if interface:
                sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                                socket.inet_aton(interface))
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
            sock.setblocking(False)
        except OSError as error:
            sock.close()
            log.info("SSDP: cannot search from %s: %s", interface or "the default interface",
                     error)
            return None
        return sock

    # -- receiving ------------------------------------------------------------------------------

    def _receive_loop(self) -> None:
        selector = selectors.DefaultSelector()
        for sock in (*self._search_socks, self._listen, self._wake_reader):
            if sock is not None:
                selector.register(sock, selectors.EVENT_READ)
        try:
            while not self._stop.is_set():
                self._send_due_searches()
                for key, _ in selector.select(self._until_next_search()):
                    if key.fileobj is self._wake_reader:
                        self._wake_reader.recv(64)
                    else:
                        self._read(key.fileobj)
        finally:
            selector.close()

    def _until_next_search(self) -> float:
        with self._schedule_lock:
            if not self._search_at:
                return 1.0
            return min(1.0, max(0.0, self._search_at[0] - time.monotonic()))

    def _send_due_searches(self) -> None:
        now = time.monotonic()
        with self._schedule_lock:
            due = [when for when in self._search_at if when <= now]
            self._search_at = self._search_at[len(due):]
        if due:
            self._send_searches()

    def _send_searches(self) -> None:
        destination = self.search_to or (self.group, self.port)
        if self.search_to is not None and not self._scope.allows(self.search_to[0]):
            log.debug("SSDP: not searching at %s: outside the interfaces in use", self.search_to)
            return
        if not destination[1]:
            return
        host = f"{destination[0]}:{destination[1]}"
        for sock in self._search_socks:
            for target in self.targets:
                try:
                    sock.sendto(build_search(target, host=host), destination)
                except OSError as error:
                    log.debug("SSDP: M-SEARCH from %s failed: %s", sock.getsockname(), error)

    def _read(self, sock: socket.socket) -> None:
        try:
            data, (source, _) = sock.recvfrom(MAX_PACKET + 1)
        except OSError:
            return
        try:
            self._handle(data, source)
        except Exception:  # a bug must cost one datagram, never the source
            log.warning("SSDP: a datagram from %s could not be handled", source, exc_info=True)

    def _handle(self, data: bytes, source: str) -> None:
        if len(data) > MAX_PACKET:
            log.debug("SSDP: ignoring an oversized datagram from %s", source)
            return
        if not self._scope.allows(source):
            log.debug("SSDP: ignoring %s: outside the interfaces in use", source)
            return
        try:
            message = parse_message(data)
        except SsdpError as error:
            log.debug("SSDP: ignoring a datagram from %s: %s", source, error)
            return
        announcement = camera_announcement(message, self.targets)
        if announcement is None:
            return
        if announcement.alive:
            self._alive(announcement, source)
        else:
            self._byebye(announcement, source)

    def _where(self, announcement: Announcement, source: str) -> tuple[str, Location | None]:
        """The camera's address, and its description's location when we may fetch it."""
        if not announcement.location:
            return source, None
        try:
            location = parse_location(announcement.location)
        except SsdpError as error:
            log.debug("SSDP: %s from %s: %s", announcement.target, source, error)
            return source, None
        if not self._scope.allows(location.host):
            log.debug("SSDP: not fetching %s: outside the interfaces in use", location.url)
            return source, None
        return location.host, location

    def _alive(self, announcement: Announcement, source: str) -> None:
        address, location = self._where(announcement, source)
        make, uuid = announcement.make, usn_uuid(announcement.usn)
        with self._lock:
            if uuid:
                _remember(self._by_uuid, uuid, address)
            _remember(self._present, address, None)
            known = self._known_description(location)
            if known is _PENDING:
                return
            if isinstance(known, DeviceFacts) or location is None:
                self._report(address, make, known if isinstance(known, DeviceFacts) else NO_FACTS)
                return
            try:
                self._fetches.put_nowait((location, address, make))
            except queue.Full:
                log.debug("SSDP: too many descriptions waiting; %s reported without", address)
                self._report(address, make, NO_FACTS)
                return
            _remember(self._descriptions, location.url, _PENDING)

    def _known_description(self, location: Location | None) -> object:
        """The facts known (NO_FACTS after a recent failure), _PENDING while a fetch is under
        way, or None: fetch it (never asked, or failed long enough ago to ask again)."""
        if location is None:
            return None
        known = self._descriptions.get(location.url)
        if isinstance(known, float):
            if time.monotonic() - known < RETRY_FAILED_AFTER:
                return NO_FACTS
            return None
        return known

    def _byebye(self, announcement: Announcement, source: str) -> None:
        uuid = usn_uuid(announcement.usn)
        with self._lock:
            address = self._by_uuid.pop(uuid, None) if uuid else None
            if address is None:
                address, _ = self._where(announcement, source)
            self._present.pop(address, None)
            for url in [u for u in self._descriptions if _url_host(u) == address]:
                if self._descriptions[url] is not _PENDING:
                    del self._descriptions[url]
            if self._sightings is not None:
                self._sightings.gone(address, DEFAULT_PORT, SSDP)

    def _report(self, address: str, make: str, facts: DeviceFacts) -> None:
        """Under `_lock`: tell the merger, if the camera has not said byebye meanwhile."""
        if address not in self._present or self._stop.is_set() or self._sightings is None:
            return
        self._sightings.seen(CameraSighting(
            address, DEFAULT_PORT, make=facts.make or make, model=facts.model,
            name=facts.friendly_name, sources=frozenset({SSDP})))

    # -- descriptions ---------------------------------------------------------------------------

    def _fetch_loop(self) -> None:
        while not self._stop.is_set():
            try:
                location, address, make = self._fetches.get(timeout=SLICE)
            except queue.Empty:
                continue
            try:
                facts = self._describe(location)
            except Exception:  # a bug must cost one description, never the source
                log.warning("SSDP: reading %s failed", location.url, exc_info=True)
                facts = None
            with self._lock:
                _remember(self._descriptions, location.url,
                          facts if facts is not None else time.monotonic())
                self._report(address, make, facts or NO_FACTS)

    def _describe(self, location: Location) -> DeviceFacts | None:
        try:
            facts = parse_description(parse_http_response(self._http_get(location)))
        except (OSError, SsdpError) as error:
            log.debug("SSDP: no description from %s: %s", location.url, error)
            return None
        log.debug("SSDP: %s describes %s", location.url, facts)
        return facts

    def _http_get(self, location: Location) -> bytes:
        """The whole HTTP reply to one GET, within `fetch_timeout` and the size cap; a stop
        ends it within `SLICE`."""
        deadline = time.monotonic() + self.fetch_timeout
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setblocking(False)
            code = sock.connect_ex((location.host, location.port))
            if code not in (0, errno.EINPROGRESS, errno.EWOULDBLOCK):
                raise OSError(code, os.strerror(code))
            self._wait(sock, True, deadline)
            code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if code:
                raise OSError(code, os.strerror(code))
            request = build_description_request(location)
            while request:
                self._wait(sock, True, deadline)
                request = request[sock.send(request):]
            reply = bytearray()
            while not _complete(reply):
                self._wait(sock, False, deadline)
                chunk = sock.recv(16 * 1024)
                if not chunk:
                    break
                reply += chunk
                if len(reply) > MAX_DESCRIPTION + MAX_HTTP_HEAD:
                    raise SsdpError(f"{location.url} sent more than a description's size")
            return bytes(reply)

    def _wait(self, sock: socket.socket, write: bool, deadline: float) -> None:
        while True:
            if self._stop.is_set():
                raise OSError("stopping")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("timed out")
            with selectors.DefaultSelector() as selector:
                selector.register(sock, selectors.EVENT_WRITE if write else selectors.EVENT_READ)
                if selector.select(min(remaining, SLICE)):
                    return


_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)[ \t]*\r\n", re.IGNORECASE)


def _complete(reply: bytearray) -> bool:
    """The whole body is in when a Content-Length says so (some servers keep the connection
    open after it); otherwise the reply ends when the server closes."""
    head_end = reply.find(b"\r\n\r\n")
    if head_end < 0:
        return False
    length = _CONTENT_LENGTH.search(bytes(reply[:head_end + 2]))
    return length is not None and len(reply) - head_end - 4 >= int(length.group(1))


def _url_host(url: str) -> str:
    return url.removeprefix("http://").split("/", 1)[0].rsplit(":", 1)[0]


def _remember(table: dict, key: object, value: object) -> None:
    """table[key] = value, forgetting the oldest entry past `MAX_REMEMBERED`."""
    table.pop(key, None)
    if len(table) >= MAX_REMEMBERED:
        table.pop(next(iter(table)))
    table[key] = value


def _interfaces(scope: Scope) -> list[str]:
    """The IPv4 addresses to search from: the scope's, or every interface's ("" when they
    cannot be listed: the system's default multicast interface)."""
    if scope.interfaces:
        return list(scope.interfaces)
    try:
        import ifaddr  # zeroconf's own dependency, so always present with it
        addresses = [ip.ip for adapter in ifaddr.get_adapters() for ip in adapter.ips
                     if isinstance(ip.ip, str)]
    except Exception as error:  # no ifaddr, or a system it cannot read
        log.debug("SSDP: cannot list the interfaces (%s); using the default one", error)
        return [""]
    return list(dict.fromkeys(addresses)) or [""]
