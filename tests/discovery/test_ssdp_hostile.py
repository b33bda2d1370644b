"""The SSDP source against a hand-made responder that lies: malformed and oversized datagrams,
descriptions that are bombs, external entities, huge, silent or missing. Discovery carries on,
reports the honest camera in full and the others without facts, and nothing escapes a thread.

Everything is on loopback: the responder joins the group on 127.0.0.1 at a free port, and the
description servers listen on 127.0.0.2 … 127.0.0.9 so each "camera" has an address of its own.
"""

from __future__ import annotations

import logging
import socket
import threading
import time

import pytest

from airnef_tui.discovery.scope import scope_from
from airnef_tui.discovery.sightings import Sightings
from airnef_tui.discovery.ssdp import SsdpSource

pytestmark = [pytest.mark.timeout(15),
              pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")]

GROUP = "239.255.255.250"
SONY = "urn:microsoft-com:service:MtpNullService:1"
LOOPBACK = socket.inet_aton("127.0.0.1")


def reply(location: str, usn: str, target: str = SONY, status: str = "200 OK",
          extra: str = "") -> bytes:
    return (f"HTTP/1.1 {status}\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\nLOCATION: {location}"
            f"\r\nST: {target}\r\nUSN: uuid:{usn}::{target}\r\n{extra}\r\n").encode()


def description(name: str, model: str) -> bytes:
    return (f'<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><device>'
            f"<friendlyName>{name}</friendlyName><manufacturer>Sony Corporation</manufacturer>"
            f"<modelName>{model}</modelName></device></root>").encode()


def ok(body: bytes) -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n\r\n%s" % (
        len(body), body)


BILLION_LAUGHS = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY l2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY l3 "&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;">
<!ENTITY l4 "&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;">
<!ENTITY l5 "&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;">
<!ENTITY l6 "&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;">
<!ENTITY l7 "&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;">
<!ENTITY l8 "&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;">
<!ENTITY l9 "&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;">]>
<root xmlns="urn:schemas-upnp-org:device-1-0"><device><friendlyName>&l9;</friendlyName>
<modelName>bomb</modelName></device></root>"""


class HttpServer:
    """Answers every request with `answer` (None: accepts and never says a word)."""

    def __init__(self, host: str, answer: bytes | None) -> None:
        self.answer = answer
        self.connections = 0
        self.sock = socket.create_server((host, 0))
        self.sock.settimeout(0.1)
        self.host, self.port = self.sock.getsockname()
        self.held: list[socket.socket] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def url(self, path: str = "/DeviceDescription.xml") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            if self.answer is None:
                self.held.append(conn)
                continue
            with conn:
                conn.settimeout(1)
                try:
                    conn.recv(4096)
                    conn.sendall(self.answer)
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self.thread.join(1)
        for sock in (self.sock, *self.held):
            sock.close()


class Responder:
    """Joins the group on loopback at a free port; answers each M-SEARCH for Sony's service
    with every datagram of `replies`, in order, from 127.0.0.1."""

    def __init__(self, replies: list[bytes]) -> None:
        self.replies = replies
        self.listen = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.listen.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listen.bind((GROUP, 0))
        self.listen.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                               socket.inet_aton(GROUP) + LOOPBACK)
        self.listen.settimeout(0.1)
        self.port = self.listen.getsockname()[1]
        self.send = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.send.bind(("127.0.0.1", 0))
        self.send.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, LOOPBACK)
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self.listen.recvfrom(65536)
            except TimeoutError:
                continue
            if data.startswith(b"M-SEARCH") and SONY.encode() in data:
                for datagram in self.replies:
                    self.send.sendto(datagram, peer)

    def notify(self, *datagrams: bytes) -> None:
        for datagram in datagrams:
            self.send.sendto(datagram, (GROUP, self.port))

    def close(self) -> None:
        self._stop.set()
        self.thread.join(1)
        self.listen.close()
        self.send.close()


@pytest.fixture
def rig():
    """rig.http(host, answer), rig.responder(replies), rig.source(**options): all closed after."""
    opened: list = []

    class Rig:
        sightings = Sightings()

        def http(self, host: str, answer: bytes | None) -> HttpServer:
            opened.append(HttpServer(host, answer))
            return opened[-1]

        def responder(self, replies: list[bytes]) -> Responder:
            opened.append(Responder(replies))
            return opened[-1]

        def source(self, **options) -> SsdpSource:
            source = SsdpSource(**options)
            source.start(self.sightings, scope_from())
            opened.append(source)
            return source

        def wait_for(self, condition, timeout: float = 4.0) -> None:
            deadline = time.monotonic() + timeout
            while not condition({s.address: s for s in self.sightings.current()}):
                if time.monotonic() > deadline:
                    pytest.fail(f"gave up waiting; now: {self.sightings.current()}")
                self.sightings.wait_for_change(0.05)

    yield Rig()
    for thing in reversed(opened):
        if isinstance(thing, SsdpSource):
            thing.stop()
        else:
            thing.close()


def closed_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def test_lies_are_ignored_and_the_honest_camera_is_found(rig, tmp_path, caplog):
    caplog.set_level(logging.DEBUG, logger="airnef_tui.discovery")
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-7731")
    tracker = rig.http("127.0.0.1", b"HTTP/1.0 200 OK\r\n\r\nTRACKED")
    external = (f'<?xml version="1.0"?><!DOCTYPE root [<!ENTITY s SYSTEM "file://{secret}">'
                f'<!ENTITY t SYSTEM "{tracker.url("/t")}">]><root><device>'
                "<friendlyName>&s;&t;</friendlyName><modelName>xxe</modelName></device></root>")
    good = rig.http("127.0.0.2", ok(description("Alice's A7", "ILCE-7M3")))
    servers = {
        "127.0.0.4": rig.http("127.0.0.4", ok(BILLION_LAUGHS)),
        "127.0.0.5": rig.http("127.0.0.5", ok(external.encode())),
        "127.0.0.6": rig.http("127.0.0.6", ok(description("huge", "huge" + "x" * 100_000))),
        "127.0.0.7": rig.http("127.0.0.7", None),  # accepts, then silence
        "127.0.0.8": rig.http("127.0.0.8", b"HTTP/1.1 404 Not Found\r\n\r\n"),
        "127.0.0.9": rig.http("127.0.0.9", b"SSH-2.0-OpenSSH_9.6\r\n" + b"\xff" * 5000),
    }
    lies = [
        b"", b"\x00\xff" * 100, b"HTTP/1.1 200 OK\r\nST urn:microsoft-com:service:MtpNull\r\n\r\n",
        reply("http://127.0.0.20:80/d.xml", "err", status="500 Internal Server Error"),
        reply("http://127.0.0.21:80/d.xml", "big", extra="X-PAD: " + "a" * 9000 + "\r\n"),
        reply("http://127.0.0.22:80/d.xml", "router", target="upnp:rootdevice"),
        reply("http://198.51.100.7/d.xml", "far"),  # not loopback: never fetched
        reply("http://camera.invalid/d.xml", "named"),  # a name: never looked up
        reply(f"http://127.0.0.3:{closed_port('127.0.0.3')}/d.xml", "closed"),
        *(reply(server.url(), f"cam-{address}") for address, server in servers.items()),
    ]
    responder = rig.responder(lies + [reply(good.url(), "good")])  # the honest one comes last
    source = rig.source(port=responder.port, fetch_timeout=1.0)
    described = {"127.0.0.1", "127.0.0.3", *servers}
    rig.wait_for(lambda now: "127.0.0.2" in now and now["127.0.0.2"].model
                 and described <= set(now))

    cameras = {s.address: s for s in rig.sightings.current()}
    assert set(cameras) == described | {"127.0.0.2"}  # nothing from .20, .21 or .22
    honest = cameras.pop("127.0.0.2")
    assert (honest.make, honest.model, honest.name, honest.port) == (
        "sony", "ILCE-7M3", "Alice's A7", 15740)
    assert {(s.make, s.model, s.name) for s in cameras.values()} == {("sony", "", "")}
    assert good.connections == 1  # one fetch, however many replies came
    assert tracker.connections == 0  # no external entity was followed
    assert "TOPSECRET" not in repr(rig.sightings.current())
    assert "not fetching http://198.51.100.7:80/d.xml" in caplog.text
    assert not [r for r in caplog.records
                if r.levelno >= logging.WARNING and r.name.startswith("airnef_tui.discovery")]
    assert caplog.text.count("DTDForbidden") >= 2  # the bomb and the entity, refused unread

    # still listening after all that: junk NOTIFYs change nothing, a byebye by USN still works
    responder.notify(b"NOTIFY * HTTP/1.1\r\nNT: " + SONY.encode() + b"\r\nNTS: ssdp:update\r\n"
                     b"\r\n",
                     b"NOTIFY \x00\xff", b"NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\n"
                     b"NTS: ssdp:byebye\r\nUSN: uuid:router\r\n\r\n",
                     b"NOTIFY * HTTP/1.1\r\nNT: " + SONY.encode() + b"\r\nNTS: ssdp:byebye\r\n"
                     b"USN: uuid:closed::" + SONY.encode() + b"\r\n\r\n")
    rig.wait_for(lambda now: "127.0.0.3" not in now)
    assert {s.address for s in rig.sightings.current()} == described - {"127.0.0.3"} | {
        "127.0.0.2"}

    began = time.monotonic()
    source.stop()
    assert time.monotonic() - began < 1.0


def test_stop_is_prompt_while_a_description_hangs(rig):
    silent = rig.http("127.0.0.7", None)
    responder = rig.responder([reply(silent.url(), "silent")])
    source = rig.source(port=responder.port, fetch_timeout=30.0)
    deadline = time.monotonic() + 4
    while silent.connections == 0:
        assert time.monotonic() < deadline, "the description was never asked for"
        time.sleep(0.02)
    began = time.monotonic()
    source.stop()
    assert time.monotonic() - began < 1.0
    assert rig.sightings.current() == []  # still waiting on the description when stopped
