"""The Fujifilm PC AutoSave source against a fake camera on loopback.

The fake camera is a UDP socket on 127.0.0.x that sends DISCOVER datagrams unicast to the
source's ports; the source listens on 127.0.0.1 only (AIRNEF_TUI_INTERFACES=127.0.0.1 from
tests/conftest.py) on free ports, never the real 51542/51541. Nothing is sent anywhere else: a
sender or DSCADDR off loopback is fed to `handle` directly, without a socket.
"""

from __future__ import annotations

import logging
import os
import socket
import time

import pytest

from airnef_tui.discovery.fuji_autosave import FujiAutosaveSource, bind_addresses
from airnef_tui.discovery.scope import Scope, scope_from
from airnef_tui.discovery.search import SOURCES, make_source
from airnef_tui.discovery.sighting import FUJI_AUTOSAVE
from airnef_tui.discovery.sightings import Sightings

pytestmark = [pytest.mark.timeout(15),
              pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")]


def discover(address: str | None = None, name: str = "", model: str = "") -> bytes:
    lines = ["DISCOVER * HTTP/1.1", "HOST: 255.255.255.255:51542", "MX: 5",
             "SERVICE:PCAUTOSAVE/1.0"]
    lines += [f"DSCADDR:{address}"] if address else []
    lines += [f"DSCNAME: {name}"] if name else []
    lines += [f"DSCMODEL: {model}"] if model else []
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class Watch:
    """A merger that records what its listener was told, and waits on conditions."""

    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []
        self.sightings = Sightings(lambda what, sighting: self.events.append((what, sighting)))

    def wait_for(self, condition, timeout: float = 4.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = condition(self.sightings.current())
            if found:
                return found
            self.sightings.wait_for_change(0.05)
        pytest.fail(f"gave up waiting; now: {self.sightings.current()}, events: {self.events}")

    def camera(self, address: str = "127.0.0.1", name: str | None = None):
        return self.wait_for(lambda current: next(
            (s for s in current if s.address == address and (name is None or s.name == name)),
            None))


class FakeCamera:
    """A UDP socket on a loopback address that sends datagrams to the source's ports."""

    def __init__(self, address: str = "127.0.0.1") -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((address, 0))

    def send(self, data: bytes, port: int) -> None:
        self.sock.sendto(data, ("127.0.0.1", port))

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def run_source():
    started = []

    def run(watch: Watch, scope: Scope | None = None, **options) -> FujiAutosaveSource:
        options.setdefault("ports", (0, 0))
        source = FujiAutosaveSource(**options)
        source.start(watch.sightings, scope if scope is not None else scope_from())
        started.append(source)
        return source

    yield run
    for source in started:
        source.stop()


@pytest.fixture
def camera():
    made = []

    def make(address: str = "127.0.0.1") -> FakeCamera:
        made.append(FakeCamera(address))
        return made[-1]

    yield make
    for fake in made:
        fake.close()


def test_registered_under_its_name_with_the_products_ports():
    assert SOURCES[FUJI_AUTOSAVE] == "airnef_tui.discovery.fuji_autosave:FujiAutosaveSource"
    source = make_source(FUJI_AUTOSAVE)
    assert isinstance(source, FujiAutosaveSource) and source.name == FUJI_AUTOSAVE
    assert source.requested_ports == (51542, 51541)


def test_the_scope_decides_where_it_listens():
    assert scope_from() == Scope(("127.0.0.1",))  # the suite's isolation, relied on below
    assert bind_addresses(Scope(("127.0.0.1",))) == ["127.0.0.1"]
    assert bind_addresses(Scope()) == [""]
    assert bind_addresses(Scope(("192.168.1.5",)), {"192.168.1.5": 24}) == [
        "192.168.1.5", "192.168.1.255", "255.255.255.255"]
    assert bind_addresses(Scope(("10.1.2.3", "127.0.0.1")), {"10.1.2.3": 16}) == [
        "10.1.2.3", "10.1.255.255", "127.0.0.1", "255.255.255.255"]
    assert bind_addresses(Scope(("172.16.0.9",)), {}) == [
        "172.16.0.9", "172.16.0.255", "255.255.255.255"]  # prefix unknown: /24


def test_it_listens_on_the_scopes_address_only(run_source):
    source = run_source(Watch())
    assert len(source.ports) == 2 and all(source.ports)
    assert sorted(s.getsockname() for s, _ in source._socks) == sorted(
        ("127.0.0.1", port) for port in source.ports)


def test_a_camera_is_found_on_either_port(run_source, camera):
    watch = Watch()
    source = run_source(watch)
    first, later = source.ports
    fake = camera()
    fake.send(discover("127.0.0.2", name="FUJIFILM-X-T2-8A4F", model="X-T2"), first)
    fake.send(discover("127.0.0.3", model="X-S10"), later)
    one, other = watch.camera("127.0.0.2"), watch.camera("127.0.0.3")
    assert (one.port, one.make, one.model, one.name) == (55740, "fujifilm", "X-T2",
                                                         "FUJIFILM-X-T2-8A4F")
    assert (other.port, other.make, other.model, other.name) == (55740, "fujifilm", "X-S10", "")
    for sighting in (one, other):
        assert sighting.sources == {FUJI_AUTOSAVE} and not sighting.confirmed
    assert one.target == "127.0.0.2:55740"
    assert "Fujifilm X-T2" in one.describe()


def test_without_dscaddr_the_sender_is_the_camera(run_source, camera):
    watch = Watch()
    source = run_source(watch)
    camera("127.0.0.4").send(discover(None, model="X-T4"), source.ports[0])
    assert watch.camera("127.0.0.4").model == "X-T4"


def test_a_dscaddr_outside_the_scope_falls_back_to_the_sender(run_source, camera):
    """Decision: the sender is in scope and was heard; the DSCADDR is only a claim. The camera is
    reported at the sender's address, never at the out-of-scope one."""
    watch = Watch()
    source = run_source(watch)
    camera("127.0.0.6").send(discover("192.168.0.1", model="X-T20"), source.ports[1])
    assert watch.camera("127.0.0.6").model == "X-T20"
    assert [s.address for s in watch.sightings.current()] == ["127.0.0.6"]


def test_senders_outside_the_scope_are_ignored(run_source):
    """Fed to `handle` directly: no datagram goes anywhere off loopback."""
    watch = Watch()
    source = run_source(watch, ports=())
    assert source.ports == []
    source.handle(discover("127.0.0.2"), "192.168.0.9", 51542)
    source.handle(discover(None), "10.0.0.1", 51541)
    assert watch.sightings.current() == [] and watch.events == []


def test_a_restricted_lan_scope_uses_its_own_subnet(run_source):
    watch = Watch()
    source = run_source(watch, scope=Scope(("192.168.1.5",)), ports=())  # opens no socket
    source.handle(discover("192.168.1.40", model="X-T3"), "192.168.1.40", 51541)
    source.handle(discover("10.9.9.9", model="X-E3"), "192.168.1.41", 51541)  # claim off-scope
    source.handle(discover("192.168.1.42"), "192.168.2.7", 51541)  # sender off-scope
    assert sorted((s.address, s.model) for s in watch.sightings.current()) == [
        ("192.168.1.40", "X-T3"), ("192.168.1.41", "X-E3")]


def test_hostile_datagrams_are_ignored_and_a_good_one_still_counts(run_source, camera, caplog):
    caplog.set_level(logging.DEBUG, logger="airnef_tui.discovery.fuji_autosave")
    watch = Watch()
    source = run_source(watch)
    fake = camera()
    hostile = [
        b"", b"\0" * 100, os.urandom(600), b"\xff\xfe\xfd" * 50,
        discover("127.0.0.9").ljust(5000, b" "),  # oversized
        discover("127.0.0.9").ljust(60_000, b"\0"),  # far oversized
        b"NOTIFY * HTTP/1.1\r\nDSCADDR:127.0.0.9\r\n\r\n",
        b"M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n",
        b"DISCOVER * HTTP/1.1\r\nSERVICE: PCSS/1.0\r\nDSCADDR:127.0.0.9\r\n\r\n",
        b"DISCOVER\r\n" + b"X: y\r\n" * 700,  # oversized by its headers
    ]
    for data in hostile:
        for port in source.ports:
            fake.send(data, port)
    fake.send(discover(None, name="\x1b[31mred\x1b[0m", model="X-T2"), source.ports[0])
    found = watch.camera("127.0.0.1")
    assert found.model == "X-T2" and "\x1b" not in found.name
    assert [s.address for s in watch.sightings.current()] == ["127.0.0.1"]
    assert len(watch.events) == 1
    assert "oversized" in caplog.text and "not a DISCOVER" in caplog.text
    assert source._thread.is_alive()


def test_repeats_are_reported_once_until_the_facts_change(run_source, camera):
    watch = Watch()
    source = run_source(watch, report_every=30.0)
    fake, port = camera(), source.ports[0]  # one socket: the datagrams are read in order
    for _ in range(5):
        fake.send(discover(None, model="X-T2"), port)
    for _ in range(3):
        fake.send(discover(None, name="Ann's", model="X-T2"), port)
    camera("127.0.0.2").send(discover(None), port)  # read last: all the others are in
    watch.camera("127.0.0.2")
    assert watch.camera(name="Ann's").model == "X-T2"
    assert [(what, s.address) for what, s in watch.events] == [
        ("seen", "127.0.0.1"), ("seen", "127.0.0.1"), ("seen", "127.0.0.2")]


def test_a_camera_that_stops_looking_is_reported_gone(run_source, camera):
    watch = Watch()
    source = run_source(watch, forget_after=0.3)
    camera().send(discover(None, model="X-T2"), source.ports[0])
    watch.camera()
    watch.wait_for(lambda current: not current)
    assert [what for what, _ in watch.events] == ["seen", "gone"]


def test_a_taken_port_is_logged_and_the_other_still_used(run_source, camera, caplog):
    caplog.set_level(logging.INFO, logger="airnef_tui.discovery.fuji_autosave")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as holder:  # shares nothing
        holder.bind(("127.0.0.1", 0))
        taken = holder.getsockname()[1]
        watch = Watch()
        source = run_source(watch, ports=(taken, 0))
        assert len(source.ports) == 1 and source.ports[0] != taken
        assert f"cannot listen on 127.0.0.1:{taken}" in caplog.text
        camera().send(discover(None, model="X-T2"), source.ports[0])
        assert watch.camera().model == "X-T2"


def test_no_port_at_all_reports_nothing_and_stops(run_source):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as holder:
        holder.bind(("127.0.0.1", 0))
        source = run_source(Watch(), ports=(holder.getsockname()[1],))
        assert source.ports == [] and source._thread is None
        source.rescan()
        source.stop()


def test_rescan_is_harmless(run_source, camera):
    watch = Watch()
    source = run_source(watch)
    source.rescan()
    camera().send(discover(None), source.ports[0])
    watch.camera()
    source.rescan()
    assert watch.camera().make == "fujifilm"


def test_stop_is_prompt_repeatable_and_final(run_source, camera):
    watch = Watch()
    source = run_source(watch)
    ports = list(source.ports)
    fake = camera()
    for _ in range(50):
        fake.send(discover(None), ports[0])
    began = time.monotonic()
    source.stop()
    source.stop()
    assert time.monotonic() - began < 1.0
    assert not source._thread.is_alive()
    seen = len(watch.events)
    try:
        fake.send(discover("127.0.0.8"), ports[1])
    except OSError:
        pass
    time.sleep(0.2)
    assert len(watch.events) == seen  # nothing after stop
    for port in ports:  # the ports are free again
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as again:
            again.bind(("127.0.0.1", port))


def test_stop_before_start_is_fine():
    FujiAutosaveSource().stop()
