"""The Fujifilm PC AutoSave source: a camera looking for its computer, heard on UDP.

A Fujifilm body set to "PC AutoSave" broadcasts `DISCOVER … SERVICE:PCAUTOSAVE/1.0` with
`DSCADDR:<its address>` to UDP 51542 (first registration) or 51541 (later ones) until a computer
answers (ptpip.md §5). This source listens on both ports and reports the camera: make
"fujifilm", port 55740 (where its Fujifilm Init is spoken), the address in DSCADDR when the scope
allows it and otherwise the datagram's sender, name and model when the DISCOVER carries them
(DSCNAME/DSCMODEL, read leniently by `fuji_autosave_messages.parse_discover`). Sightings are
unconfirmed: nothing is sent to the camera. A camera not heard for `forget_after` seconds has
stopped looking and is reported gone.

Not wired: the answer the camera is waiting for. Registering as an AutoSave computer (our NOTIFY
to its TCP 51540, then its REGISTER or `IMPORT /guest` on our TCP 51542/51541 and our `200 OK`)
is what makes the camera open its session on 55740 in state 3; the messages of that exchange are
built and parsed in `fuji_autosave_messages`, tested on byte vectors, but no code here sends or
serves them, because the handshake cannot be verified without a camera. Until it is, this source
shows that a Fujifilm camera in PC AutoSave mode is on the network; connecting to it needs that
mode's registration, or the camera's other Wi-Fi mode ("view all"/smartphone).

Where it listens. Unrestricted scope: every interface (0.0.0.0). Loopback scope (the tests):
only the scope's addresses. Other restricted scopes: each address in scope, and, because a
socket bound to a unicast address never receives broadcasts, that interface's subnet broadcast
address and 255.255.255.255; datagrams whose sender the scope does not allow are dropped, so a
limited broadcast heard from another network is ignored. A port that cannot be had (taken by a
program that does not share it) is logged and the other port still used.

Whatever arrives is untrusted: oversized (over 4 KiB), malformed or hostile datagrams are
dropped with a debug line, names are cleaned for the terminal, reports of one camera are at most
one per `report_every` seconds unless its facts change, and a bug costs one datagram, never the
source. `stop` returns within a second; `rescan` does nothing (listening is passive).
"""

from __future__ import annotations

import ipaddress
import logging
import selectors
import socket
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from airnef_tui.camera.probe import FUJIFILM_PORT
from airnef_tui.discovery.fuji_autosave_messages import (
    DISCOVER_PORTS, MAX_DATAGRAM, REGISTER_PORT, AutosaveError, Discover, parse_discover)
from airnef_tui.discovery.scope import Scope
from airnef_tui.discovery.sighting import FUJI_AUTOSAVE, CameraSighting
from airnef_tui.discovery.sightings import Sightings

log = logging.getLogger("airnef_tui.discovery.fuji_autosave")

MAKE = "fujifilm"
FORGET_AFTER = 60.0  # seconds without a DISCOVER before the camera is reported gone
REPORT_EVERY = 1.0  # seconds between reports of one camera whose facts did not change
MAX_REMEMBERED = 64  # cameras kept; the one heard longest ago is reported gone past this
SLICE = 0.5  # the longest the receiving thread waits before looking at the clock and stop flag
STOP_BUDGET = 0.9  # seconds `stop` waits for the thread
LIMITED_BROADCAST = "255.255.255.255"


@dataclass
class _Heard:
    facts: tuple[str, str]  # (name, model) last reported
    reported_at: float
    heard_at: float


class FujiAutosaveSource:
    """`ports`: the UDP ports to listen on (default 51542 and 51541; 0 takes a free port, so a
    test can use ephemeral ones); after `start`, `ports` holds the ports actually listened on,
    in the order asked, without the ones that could not be had. `forget_after`: seconds of
    silence before a camera is reported gone (None: never)."""

    name = FUJI_AUTOSAVE

    def __init__(self, *, ports: Sequence[int] = DISCOVER_PORTS,
                 forget_after: float | None = FORGET_AFTER,
                 report_every: float = REPORT_EVERY) -> None:
        self.requested_ports = tuple(ports)
        self.ports: list[int] = []
        self.forget_after = forget_after
        self.report_every = report_every
        self._sightings: Sightings | None = None
        self._scope = Scope()
        self._stop = threading.Event()
        self._lock = threading.Lock()  # guards `_heard`; held while telling the merger
        self._heard: dict[str, _Heard] = {}
        self._socks: list[tuple[socket.socket, int]] = []  # (socket, its port)
        self._wake_reader: socket.socket | None = None
        self._wake_writer: socket.socket | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle -----------------------------------------------------------------------------

    def start(self, sightings: Sightings, scope: Scope) -> None:
        self._sightings, self._scope = sightings, scope
        addresses = bind_addresses(scope)
        for wanted in self.requested_ports:
            opened = self._open_port(wanted, addresses)
            if opened:
                self._socks += opened
                self.ports.append(opened[0][1])
        if not self._socks:
            log.info("Fujifilm AutoSave: no port could be opened; this source reports nothing")
            return
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._thread = threading.Thread(target=self._receive_loop, name="fuji-autosave",
                                        daemon=True)
        self._thread.start()
        log.debug("Fujifilm AutoSave: listening on %s, UDP ports %s",
                  ", ".join(a or "every interface" for a in addresses),
                  ", ".join(map(str, self.ports)))

    def rescan(self) -> None:
        """Nothing to ask: the camera broadcasts by itself while it looks for a computer."""

    def stop(self) -> None:
        if self._stop.is_set():
            return
        self._stop.set()
        self._wake()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(STOP_BUDGET)
        for sock in (*(s for s, _ in self._socks), self._wake_reader, self._wake_writer):
            if sock is not None:
                sock.close()

    def _wake(self) -> None:
        if self._wake_writer is not None:
            try:
                self._wake_writer.send(b"x")
            except OSError:
                pass

    # -- sockets --------------------------------------------------------------------------------

    def _open_port(self, port: int, addresses: Sequence[str]) -> list[tuple[socket.socket, int]]:
        """One socket per address on `port` (a free port, the same for all, when 0); an
        address that cannot be bound is logged and skipped."""
        opened: list[tuple[socket.socket, int]] = []
        for address in addresses:
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                # shared with any other listener that allows it (a second airnef-tui)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind((address, port))
                sock.setblocking(False)
            except OSError as error:
                sock.close()
                level = logging.DEBUG if address == LIMITED_BROADCAST else logging.INFO
                log.log(level, "Fujifilm AutoSave: cannot listen on %s:%d: %s",
                        address or "every interface", port, error)
                continue
            port = sock.getsockname()[1]
            opened.append((sock, port))
        return opened

    # -- receiving ------------------------------------------------------------------------------

    def _receive_loop(self) -> None:
        selector = selectors.DefaultSelector()
        for sock, port in self._socks:
            selector.register(sock, selectors.EVENT_READ, port)
        selector.register(self._wake_reader, selectors.EVENT_READ, None)
        try:
            while not self._stop.is_set():
                for key, _ in selector.select(SLICE):
                    if key.data is None:
                        self._wake_reader.recv(64)
                    elif not self._stop.is_set():
                        self._read(key.fileobj, key.data)
                self._expire()
        finally:
            selector.close()

    def _read(self, sock: socket.socket, port: int) -> None:
        try:
            data, peer = sock.recvfrom(MAX_DATAGRAM + 1)
        except OSError:
            return
        try:
            self.handle(data, peer[0], port)
        except Exception:  # a bug must cost one datagram, never the source
            log.warning("Fujifilm AutoSave: a datagram from %s could not be handled", peer[0],
                        exc_info=True)

    def handle(self, data: bytes, source: str, port: int) -> None:
        """One datagram from `source` that arrived on `port`."""
        if len(data) > MAX_DATAGRAM:
            log.debug("Fujifilm AutoSave: ignoring an oversized datagram from %s", source)
            return
        if not self._scope.allows(source):
            log.debug("Fujifilm AutoSave: ignoring %s: outside the interfaces in use", source)
            return
        try:
            discover = parse_discover(data)
        except AutosaveError as error:
            log.debug("Fujifilm AutoSave: ignoring a datagram from %s: %s", source, error)
            return
        address = self._where(discover, source)
        log.debug("Fujifilm AutoSave: %s looks for its computer (%s)", address,
                  "first registration" if port == REGISTER_PORT else f"port {port}")
        self._report(address, discover)

    def _where(self, discover: Discover, source: str) -> str:
        """DSCADDR when the scope allows it, else the sender (which it does)."""
        if discover.address is None:
            return source
        if not self._scope.allows(discover.address):
            log.debug("Fujifilm AutoSave: DSCADDR %s from %s is outside the interfaces in use; "
                      "using the sender", discover.address, source)
            return source
        return discover.address

    def _report(self, address: str, discover: Discover) -> None:
        now = time.monotonic()
        facts = (discover.name, discover.model)
        with self._lock:
            if self._stop.is_set() or self._sightings is None:
                return
            heard = self._heard.pop(address, None)
            if heard is not None and heard.facts == facts and (
                    now - heard.reported_at < self.report_every):
                heard.heard_at = now
                self._heard[address] = heard  # to the end: the most recently heard
                return
            while len(self._heard) >= MAX_REMEMBERED:
                oldest = next(iter(self._heard))
                del self._heard[oldest]
                self._sightings.gone(oldest, FUJIFILM_PORT, FUJI_AUTOSAVE)
            self._heard[address] = _Heard(facts, now, now)
            self._sightings.seen(CameraSighting(
                address, FUJIFILM_PORT, make=MAKE, model=discover.model, name=discover.name,
                sources=frozenset({FUJI_AUTOSAVE})))

    def _expire(self) -> None:
        if self.forget_after is None:
            return
        now = time.monotonic()
        with self._lock:
            if self._stop.is_set() or self._sightings is None:
                return
            for address in [a for a, h in self._heard.items()
                            if now - h.heard_at >= self.forget_after]:
                del self._heard[address]
                log.debug("Fujifilm AutoSave: %s stopped looking", address)
                self._sightings.gone(address, FUJIFILM_PORT, FUJI_AUTOSAVE)


def bind_addresses(scope: Scope, prefixes: Mapping[str, int] | None = None) -> list[str]:
    """Where to listen: "" (every interface) for an unrestricted scope; the scope's addresses
    for a loopback one; otherwise each address, its subnet's broadcast address (the prefix from
    `prefixes`, else this machine's interface list, else /24), then 255.255.255.255."""
    if scope.everywhere:
        return [""]
    if scope.loopback_only:
        return list(scope.interfaces)
    if prefixes is None:
        prefixes = _interface_prefixes()
    found: list[str] = []
    for own in scope.interfaces:
        found.append(own)
        if not ipaddress.IPv4Address(own).is_loopback:
            network = ipaddress.IPv4Network(f"{own}/{prefixes.get(own, 24)}", strict=False)
            if network.prefixlen < 31:
                found.append(str(network.broadcast_address))
    found.append(LIMITED_BROADCAST)
    return list(dict.fromkeys(found))


def _interface_prefixes() -> dict[str, int]:
    """This machine's IPv4 addresses and their prefix lengths ({} when they cannot be read)."""
    try:
        import ifaddr  # zeroconf's own dependency, so always present with it
        return {ip.ip: ip.network_prefix for adapter in ifaddr.get_adapters()
                for ip in adapter.ips if isinstance(ip.ip, str)}
    except Exception as error:  # no ifaddr, or a system it cannot read
        log.debug("Fujifilm AutoSave: cannot list the interfaces (%s); assuming /24", error)
        return {}
