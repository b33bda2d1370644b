"""The simulated camera's SSDP: answering an M-SEARCH as a Sony or Canon body does.

A Sony in "Send to Computer" offers `urn:microsoft-com:service:MtpNullService:1`, a Canon its
ICPO services; each answers an M-SEARCH for one of them (or for `ssdp:all`) with a unicast
`HTTP/1.1 200 OK` whose LOCATION is its UPnP device description, serves that description over
HTTP, and multicasts NOTIFY ssdp:alive when it appears and ssdp:byebye when it leaves. The other
profiles say nothing over SSDP, as those cameras do.

Everything binds on the simulator's host only, multicast goes out of that interface alone with
TTL 1, and a simulator on loopback answers loopback peers only, so by default nothing leaves the
machine. The SSDP port is 1900 unless told (tests use a free one). This module is written apart
from `airnef_tui.discovery.ssdp_messages` on purpose: the client is tested against an
independent speaker of the protocol.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import selectors
import socket
import threading
import uuid
from dataclasses import dataclass
from xml.sax.saxutils import escape

log = logging.getLogger("airnef_tui.simulator.ssdp")

SSDP_GROUP = "239.255.255.250"
SSDP_PORT = 1900
MAX_DATAGRAM = 8 * 1024
MAX_REQUEST = 8 * 1024
HTTP_TIMEOUT = 1.0
MAX_AGE = 1800
JOIN_TIMEOUT = 1.0
SERVER = "Linux/5.0 UPnP/1.0 airnef-tui-simulator/1.0"


@dataclass(frozen=True)
class _Advert:
    services: tuple[str, ...]
    path: str  # where the description is served, as on the real bodies


ADVERTS = {
    "sony": _Advert(("urn:microsoft-com:service:MtpNullService:1",), "/DeviceDescription.xml"),
    "canon": _Advert(("urn:schemas-canon-com:service:ICPO-SmartPhoneEOSSystemService:1",
                      "urn:schemas-canon-com:service:ICPO-WFTEOSSystemService:1"),
                     "/upnp/CameraDevDesc.xml"),
}


class SsdpAdvertiser:
    """One simulator's SSDP presence; `stop()` (or calling it) says byebye and closes."""

    def __init__(self, sim, *, port: int | None = None, group: str = SSDP_GROUP,
                 http_port: int = 0) -> None:
        self.sim = sim
        self.advert = ADVERTS[sim.profile.name]
        self.host = sim.host
        self.group = group
        self.uuid = str(uuid.UUID(bytes=sim.camera_guid))
        self._port = SSDP_PORT if port is None else port  # read now: tests may repoint it
        self._http_port = http_port
        self._wildcard = self.host in ("", "0.0.0.0")
        self._stop = threading.Event()
        self._unicast: socket.socket | None = None
        self._multicast: socket.socket | None = None
        self._http: socket.socket | None = None
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._unicast.getsockname()[1] if self._unicast else self._port

    @property
    def http_port(self) -> int:
        return self._http.getsockname()[1] if self._http else self._http_port

    def location(self, toward: str | None = None) -> str:
        host = _local_address(toward or self.group) if self._wildcard else self.host
        return f"http://{host}:{self.http_port}{self.advert.path}"

    # -- life cycle -----------------------------------------------------------------------------

    def start(self) -> SsdpAdvertiser:
        """Bind (OSError if a port is taken), serve in a daemon thread, announce."""
        try:
            self._bind()
        except OSError:
            self._close()
            raise
        self._thread = threading.Thread(target=self._loop, name="simulator-ssdp", daemon=True)
        self._thread.start()
        self._notify(alive=True)
        log.debug("%s simulator answers SSDP on %s:%d, description at %s", self.sim.profile.name,
                  self.host, self.port, self.location())
        return self

    def stop(self) -> None:
        if self._stop.is_set():
            return
        self._stop.set()
        if self._unicast is not None:
            self._notify(alive=False)
        try:
            self._wake_writer.send(b"x")
        except OSError:
            pass
        if self._thread is not None:
            self._thread.join(JOIN_TIMEOUT)
        self._close()

    __call__ = stop

    def __enter__(self) -> SsdpAdvertiser:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _bind(self) -> None:
        self._http = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._http.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._http.bind((self.host, self._http_port))
        self._http.listen(8)
        self._http.setblocking(False)
        self._unicast = _udp_socket()
        self._unicast.bind((self.host, self._port))
        interface = socket.inet_aton("0.0.0.0" if self._wildcard else self.host)
        self._unicast.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, interface)
        self._unicast.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        self._unicast.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
        membership = socket.inet_aton(self.group) + interface
        if self._wildcard:  # one socket on every address hears unicast and the group
            self._unicast.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
            return
        self._multicast = _udp_socket()
        self._multicast.bind((self.group, self.port))
        self._multicast.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)

    def _close(self) -> None:
        for sock in (self._http, self._unicast, self._multicast, self._wake_reader,
                     self._wake_writer):
            if sock is not None:
                sock.close()

    # -- serving --------------------------------------------------------------------------------

    def _loop(self) -> None:
        selector = selectors.DefaultSelector()
        for sock in (self._http, self._unicast, self._multicast, self._wake_reader):
            if sock is not None:
                sock.setblocking(False)
                selector.register(sock, selectors.EVENT_READ)
        try:
            while not self._stop.is_set():
                for key, _ in selector.select(1.0):
                    if key.fileobj is self._wake_reader:
                        return
                    if key.fileobj is self._http:
                        self._accept()
                    else:
                        self._datagram(key.fileobj)
        except Exception as error:  # a bug must end the advertising, never the simulator
            log.error("simulator SSDP stopped: %r", error)
        finally:
            selector.close()

    def _may_answer(self, peer: str) -> bool:
        """A simulator on loopback talks to loopback peers only."""
        try:
            return (not ipaddress.ip_address(self.host or "0.0.0.0").is_loopback
                    or ipaddress.ip_address(peer).is_loopback)
        except ValueError:
            return False

    def _datagram(self, sock: socket.socket) -> None:
        try:
            data, peer = sock.recvfrom(MAX_DATAGRAM + 1)
        except OSError:
            return
        if len(data) > MAX_DATAGRAM or not self._may_answer(peer[0]):
            return
        target = search_target(data)
        if target is None:
            return
        answered = self.advert.services if target == "ssdp:all" else (
            (target,) if target in self.advert.services else ())
        for service in answered:
            reply = _lines("HTTP/1.1 200 OK", [
                ("CACHE-CONTROL", f"max-age={MAX_AGE}"), ("EXT", ""),
                ("LOCATION", self.location(peer[0])), ("SERVER", SERVER), ("ST", service),
                ("USN", f"uuid:{self.uuid}::{service}")])
            try:
                self._unicast.sendto(reply, peer)
            except OSError as error:
                log.debug("simulator SSDP reply to %s failed: %s", peer, error)

    def _notify(self, alive: bool) -> None:
        for service in self.advert.services:
            headers = [("HOST", f"{self.group}:{self.port}"), ("NT", service),
                       ("NTS", "ssdp:alive" if alive else "ssdp:byebye"),
                       ("USN", f"uuid:{self.uuid}::{service}")]
            if alive:
                headers += [("CACHE-CONTROL", f"max-age={MAX_AGE}"),
                            ("LOCATION", self.location()), ("SERVER", SERVER)]
            try:
                self._unicast.sendto(_lines("NOTIFY * HTTP/1.1", headers),
                                     (self.group, self.port))
            except OSError as error:
                log.debug("simulator SSDP NOTIFY failed: %s", error)

    def _accept(self) -> None:
        try:
            conn, peer = self._http.accept()
        except OSError:
            return
        if not self._may_answer(peer[0]):
            conn.close()
            return
        threading.Thread(target=self._serve_http, args=(conn,), name="simulator-ssdp-http",
                         daemon=True).start()

    def _serve_http(self, conn: socket.socket) -> None:
        with conn:
            conn.setblocking(True)
            conn.settimeout(HTTP_TIMEOUT)
            request = b""
            try:
                while b"\r\n\r\n" not in request and len(request) < MAX_REQUEST:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    request += chunk
                conn.sendall(self._http_reply(request))
            except OSError:
                pass

    def _http_reply(self, request: bytes) -> bytes:
        line = request.split(b"\r\n", 1)[0].decode("latin-1")
        match = re.fullmatch(r"(GET|HEAD) (\S+) HTTP/1\.[01]", line)
        if not match or match.group(2).split("?", 1)[0] != self.advert.path:
            return b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        body = self.description()
        head = ("HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=\"utf-8\"\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
        return head + (body if match.group(1) == "GET" else b"")

    def description(self) -> bytes:
        sim = self.sim
        services = "".join(
            f"<service><serviceType>{escape(service)}</serviceType>"
            f"<serviceId>urn:upnp-org:serviceId:{escape(service.split(':')[-2])}</serviceId>"
            "</service>" for service in self.advert.services)
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<root xmlns="urn:schemas-upnp-org:device-1-0">'
            "<specVersion><major>1</major><minor>0</minor></specVersion><device>"
            "<deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType>"
            f"<friendlyName>{escape(sim.model)}</friendlyName>"
            f"<manufacturer>{escape(sim.profile.manufacturer)}</manufacturer>"
            f"<modelName>{escape(sim.model)}</modelName>"
            f"<serialNumber>{escape(sim.serial)}</serialNumber>"
            f"<UDN>uuid:{self.uuid}</UDN><serviceList>{services}</serviceList>"
            "</device></root>\n").encode("utf-8")


class _Silent:
    """What `start` gives for a profile that does not speak SSDP."""

    def stop(self) -> None:
        pass

    __call__ = stop


def start(sim, **options) -> SsdpAdvertiser | _Silent:
    """Advertise `sim` (a started `Simulator`) over SSDP as its profile's camera would, until
    the returned object's `stop()` (or call). Options: `port` (the SSDP port: the module's
    `SSDP_PORT`, 1900, which a test can monkeypatch to a free one), `group`, `http_port` (the
    description server's, 0: a free one). OSError if a port is taken; profiles other than sony
    and canon get a stopper that does nothing."""
    if sim.profile.name not in ADVERTS:
        return _Silent()
    return SsdpAdvertiser(sim, **options).start()


def search_target(data: bytes) -> str | None:
    """The ST of an M-SEARCH with `MAN: "ssdp:discover"`, else None."""
    lines = data.decode("utf-8", errors="replace").replace("\r\n", "\n").split("\n")
    if not re.fullmatch(r"M-SEARCH \* HTTP/1\.[01]", lines[0].strip()):
        return None
    headers = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers.setdefault(name.strip().lower(), value.strip())
    if headers.get("man", "").strip('"') != "ssdp:discover":
        return None
    return headers.get("st") or None


def _lines(start: str, headers: list[tuple[str, str]]) -> bytes:
    return ("\r\n".join([start] + [f"{name}: {value}" for name, value in headers])
            + "\r\n\r\n").encode("utf-8")


def _udp_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if hasattr(socket, "SO_REUSEPORT"):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    return sock


def _local_address(peer: str) -> str:
    """This machine's address on the route toward `peer` (a UDP connect sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect((peer, 9))
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"
