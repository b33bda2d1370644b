"""Canon "Connect to computer" pairing, against a fake PowerShot on 127.0.0.1 (real sockets,
ephemeral ports, nothing leaves the machine): it searches, we answer as a Windows computer, it
fetches our description, and then the simulator stands in for its PTP/IP side."""

from __future__ import annotations

import http.client
import re
import socket
import threading
import time
import urllib.parse

import pytest
from defusedxml import ElementTree

from airnef_tui.camera import CameraSession
from airnef_tui.discovery import canon_pairing_messages as messages
from airnef_tui.discovery.canon_pairing import (
    DESCRIBED, FOUND, LISTENING, READY, CanonPairing, PairingCancelled, PairingError,
    PairingTimeout, pairing_uuid, wait_for_camera)
from airnef_tui.discovery.scope import Scope
from airnef_tui.state.db import get_meta, open_database

LOOPBACK = Scope(("127.0.0.1",))
NAME = "studio-pc"
UPNP = "{urn:schemas-upnp-org:device-1-0}"
USN = re.compile(r"^uuid:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
                 r"::upnp:rootdevice$")


def m_search(target: str = "upnp:rootdevice") -> bytes:
    return ("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n"
            f"MX: 1\r\nST: {target}\r\n\r\n").encode("ascii")


class FakeCamera:
    """What a PowerShot does in "Connect to computer": search, read the answer, fetch LOCATION."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(3.0)

    def close(self) -> None:
        self.sock.close()

    def send(self, ssdp_port: int, data: bytes) -> None:
        self.sock.sendto(data, ("127.0.0.1", ssdp_port))

    def answer(self, timeout: float = 3.0) -> tuple[str, dict[str, str]]:
        """The next datagram to us: its status line and headers (names upper-cased)."""
        self.sock.settimeout(timeout)
        data, _ = self.sock.recvfrom(65535)
        assert data.endswith(b"\r\n\r\n")
        status, *lines = data.decode("ascii").split("\r\n")[:-2]
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().upper()] = value.strip()
        return status, headers

    def search(self, ssdp_port: int, target: str = "upnp:rootdevice"):
        self.send(ssdp_port, m_search(target))
        return self.answer()

    @staticmethod
    def fetch(location: str, path: str | None = None) -> tuple[int, str | None, bytes]:
        url = urllib.parse.urlsplit(location)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=3.0)
        try:
            conn.request("GET", path or url.path)
            response = conn.getresponse()
            return response.status, response.getheader("Content-Type"), response.read()
        finally:
            conn.close()


@pytest.fixture
def make_pairing():
    """make_pairing(**options): a started CanonPairing on 127.0.0.1 with free ports, stopped at
    the end; its progress is collected in `.events`."""
    made: list[CanonPairing] = []

    def make(**options) -> CanonPairing:
        events: list = []
        options.setdefault("scope", LOOPBACK)
        options.setdefault("ssdp_port", 0)
        options.setdefault("name", NAME)
        options.setdefault("progress", events.append)
        pairing = CanonPairing(**options)
        pairing.events = events
        made.append(pairing)
        return pairing.start()

    yield make
    for pairing in made:
        pairing.stop()


@pytest.fixture
def camera():
    cam = FakeCamera()
    yield cam
    cam.close()


def in_thread(work) -> tuple[threading.Thread, dict]:
    """Run `work()` in a thread (the camera acting while the pairing waits); its result or its
    exception lands in the returned dict."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["result"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def finished(thread: threading.Thread, outcome: dict):
    thread.join(5.0)
    assert not thread.is_alive()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def closed_port() -> socket.socket:
    """A bound, never-listening TCP socket: connecting to its port is refused at once."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


def test_the_camera_finds_us_fetches_the_description_and_then_connects(
        make_pairing, camera, start_sim):
    sim = start_sim(profile="canon")
    pairing = make_pairing()

    def powershot():
        status, headers = camera.search(pairing.ssdp_port)
        return status, headers, camera.fetch(headers["LOCATION"])

    thread, outcome = in_thread(powershot)
    address = pairing.wait(timeout=5.0)
    status, headers, (http_status, content_type, body) = finished(thread, outcome)

    assert address == "127.0.0.1"
    assert status == "HTTP/1.1 200 OK"
    assert headers["ST"] == "upnp:rootdevice"
    usn = USN.match(headers["USN"])
    assert usn and usn.group(1) == pairing.uuid
    location = urllib.parse.urlsplit(headers["LOCATION"])
    assert (location.scheme, location.hostname, location.path) == ("http", "127.0.0.1", "/desc.xml")
    assert location.port and location.port != pairing.ssdp_port
    assert headers["CACHE-CONTROL"] == "max-age=1800"
    assert headers["EXT"] == ""
    assert "Microsoft-Windows" in headers["SERVER"]

    assert http_status == 200
    assert content_type == 'text/xml; charset="utf-8"'
    device = ElementTree.fromstring(body).find(f"{UPNP}device")
    assert device.findtext(f"{UPNP}friendlyName") == f"{NAME}:"
    assert device.findtext(f"{UPNP}UDN") == f"uuid:{usn.group(1)}"
    for field in ("deviceType", "manufacturer", "modelName"):
        assert device.findtext(f"{UPNP}{field}")

    steps = [(event.step, event.address) for event in pairing.events]
    assert steps == [(LISTENING, None), (FOUND, "127.0.0.1"), (DESCRIBED, "127.0.0.1")]
    assert "Connect to computer" in pairing.events[0].text
    assert f"\u201c{NAME}\u201d" in pairing.events[0].text

    # The camera now waits for PTP/IP; the simulator plays that side on 127.0.0.1.
    wait_for_camera(address, sim.port, timeout=5.0)
    with CameraSession(address, sim.port, connect_timeout=2.0, io_timeout=2.0) as session:
        assert session.device_info.manufacturer == "Canon Inc."


def test_pair_returns_once_the_camera_answers_on_ptpip(make_pairing, camera, start_sim):
    sim = start_sim(profile="canon")
    pairing = make_pairing()
    thread, outcome = in_thread(
        lambda: camera.fetch(camera.search(pairing.ssdp_port)[1]["LOCATION"]))
    assert pairing.pair(timeout=5.0, ptpip_port=sim.port) == "127.0.0.1"
    finished(thread, outcome)
    assert [event.step for event in pairing.events] == [LISTENING, FOUND, DESCRIBED, READY]


def test_a_second_run_answers_with_the_same_uuid(make_pairing, camera, isolated_home):
    seen = []
    for _ in range(2):
        pairing = make_pairing()
        _, headers = camera.search(pairing.ssdp_port)
        camera.fetch(headers["LOCATION"])
        assert pairing.wait(timeout=2.0) == "127.0.0.1"
        seen.append(USN.match(headers["USN"]).group(1))
        pairing.stop()
    assert seen[0] == seen[1] == pairing_uuid()
    conn = open_database()
    try:
        assert bytes(get_meta(conn, "canon_upnp_uuid")).decode() == seen[0]
    finally:
        conn.close()
    assert (isolated_home / "data" / "history.sqlite3").exists()  # the test's own home


def test_with_no_camera_the_wait_ends_with_a_clear_timeout(make_pairing):
    pairing = make_pairing()
    started = time.monotonic()
    with pytest.raises(PairingTimeout) as caught:
        pairing.wait(timeout=0.3)
    assert time.monotonic() - started < 1.5
    assert isinstance(caught.value, TimeoutError)
    text = str(caught.value)
    assert "No camera looked for a computer within 0.3 s" in text
    assert NAME in text and "127.0.0.1" in text


def test_a_camera_that_searches_but_never_fetches_points_at_the_firewall(make_pairing, camera):
    pairing = make_pairing()
    _, headers = camera.search(pairing.ssdp_port)
    with pytest.raises(PairingTimeout) as caught:
        pairing.wait(timeout=0.3)
    port = urllib.parse.urlsplit(headers["LOCATION"]).port
    assert "camera at 127.0.0.1 found this computer" in str(caught.value)
    assert f"firewall on this computer may be blocking TCP port {port}" in str(caught.value)


def test_cancel_ends_the_wait_within_a_second(make_pairing):
    cancel = threading.Event()
    pairing = make_pairing(cancel=cancel)
    threading.Timer(0.2, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(PairingCancelled):
        pairing.wait(timeout=30.0)
    assert time.monotonic() - started < 1.2
    started = time.monotonic()
    pairing.stop()
    assert time.monotonic() - started < 1.0


def test_cancel_ends_pair_while_it_waits_for_ptpip(make_pairing, camera):
    cancel = threading.Event()
    pairing = make_pairing(cancel=cancel)
    refusing = closed_port()
    try:
        camera.fetch(camera.search(pairing.ssdp_port)[1]["LOCATION"])
        threading.Timer(0.3, cancel.set).start()
        started = time.monotonic()
        with pytest.raises(PairingCancelled):
            pairing.pair(timeout=30.0, ptpip_port=refusing.getsockname()[1])
        assert time.monotonic() - started < 1.3
    finally:
        refusing.close()


def test_stop_from_another_thread_ends_the_wait(make_pairing):
    pairing = make_pairing()
    threading.Timer(0.2, pairing.stop).start()
    started = time.monotonic()
    with pytest.raises(PairingCancelled):
        pairing.wait(timeout=30.0)
    assert time.monotonic() - started < 1.2


def test_wait_for_camera_times_out_and_cancels():
    refusing = closed_port()
    port = refusing.getsockname()[1]
    try:
        started = time.monotonic()
        with pytest.raises(PairingTimeout, match="did not open PTP/IP"):
            wait_for_camera("127.0.0.1", port, timeout=0.3)
        assert time.monotonic() - started < 1.5
        cancel = threading.Event()
        threading.Timer(0.2, cancel.set).start()
        started = time.monotonic()
        with pytest.raises(PairingCancelled):
            wait_for_camera("127.0.0.1", port, timeout=30.0, cancel=cancel)
        assert time.monotonic() - started < 1.2
    finally:
        refusing.close()


MALFORMED = [
    b"",
    b"\xff\xfe\x00garbage\r\n\r\n",
    b"NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n\r\n",
    b"GET /desc.xml HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"M-SEARCH / HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nST: upnp:rootdevice\r\n\r\n",
    b"M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\n\r\n",
    b"M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nST upnp:rootdevice\r\n\r\n",
    b"M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:update\"\r\nST: upnp:rootdevice\r\n\r\n",
    m_search("urn:schemas-upnp-org:device:MediaServer:1"),
    b"M-SEARCH * HTTP/1.1\r\n" + b"X-Filler: " + b"x" * 9000 + b"\r\nST: upnp:rootdevice\r\n\r\n",
]


def test_malformed_searches_are_ignored_and_the_responder_carries_on(make_pairing, camera):
    pairing = make_pairing()
    for datagram in MALFORMED:
        camera.send(pairing.ssdp_port, datagram)
    status, headers = camera.search(pairing.ssdp_port)  # answered, and first: nothing before it
    assert status == "HTTP/1.1 200 OK" and headers["ST"] == "upnp:rootdevice"
    with pytest.raises(TimeoutError):
        camera.answer(timeout=0.3)
    with pytest.raises(PairingTimeout, match="found this computer"):
        pairing.wait(timeout=0.0)  # hands on the progress so far
    assert [event.step for event in pairing.events] == [LISTENING, FOUND]


def test_ssdp_all_is_answered_as_a_root_device(make_pairing, camera):
    pairing = make_pairing()
    status, headers = camera.search(pairing.ssdp_port, "ssdp:all")
    assert status == "HTTP/1.1 200 OK"
    assert headers["ST"] == "upnp:rootdevice"
    assert USN.match(headers["USN"]).group(1) == pairing.uuid


def test_other_paths_are_not_found_and_do_not_count_as_a_fetch(make_pairing, camera):
    pairing = make_pairing()
    _, headers = camera.search(pairing.ssdp_port)
    status, _, _ = camera.fetch(headers["LOCATION"], "/other.xml")
    assert status == 404
    assert pairing.described == []


def test_a_taken_port_is_a_clear_error(make_pairing):
    taken = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # no SO_REUSEADDR: exclusive
    taken.bind(("127.0.0.1", 0))
    try:
        with pytest.raises(PairingError, match="is taken by another program"):
            make_pairing(ssdp_port=taken.getsockname()[1])
    finally:
        taken.close()


@pytest.mark.parametrize(("datagram", "answer"), [
    (m_search(), "upnp:rootdevice"),
    (m_search("ssdp:all"), "upnp:rootdevice"),
    (b"M-SEARCH * HTTP/1.1\r\nST:upnp:rootdevice\r\n\r\n", "upnp:rootdevice"),  # no MAN
    (b"M-SEARCH * HTTP/1.1\nst: UPNP:ROOTDEVICE\n\n", "upnp:rootdevice"),
    *((datagram, None) for datagram in MALFORMED),
])
def test_parse_search(datagram, answer):
    assert messages.parse_search(datagram) == answer


def test_the_description_escapes_the_name_and_keeps_the_colon_rule():
    body = messages.device_description("Ann & Bob's <PC>: lab",
                                       "1b4e28ba-2fa1-11d2-883f-0016d3cca427")
    device = ElementTree.fromstring(body).find(f"{UPNP}device")
    assert device.findtext(f"{UPNP}friendlyName") == "Ann & Bob's <PC> lab:"
    assert device.findtext(f"{UPNP}UDN") == "uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427"


def test_the_response_has_every_header_the_camera_needs():
    reply = messages.search_response("upnp:rootdevice", "u-u-i-d", "http://10.0.0.2:8043/desc.xml")
    assert reply.startswith(b"HTTP/1.1 200 OK\r\n") and reply.endswith(b"\r\n\r\n")
    for line in (b"ST: upnp:rootdevice", b"USN: uuid:u-u-i-d::upnp:rootdevice",
                 b"LOCATION: http://10.0.0.2:8043/desc.xml", b"CACHE-CONTROL: max-age=1800",
                 b"EXT:", b"SERVER: Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0"):
        assert b"\r\n" + line + b"\r\n" in reply
