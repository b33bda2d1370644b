"""The SSDP source against the simulator's SSDP, over real UDP multicast on loopback.

Every socket is on 127.0.0.1 (AIRNEF_TUI_INTERFACES=127.0.0.1 from tests/conftest.py, so the
source sends its multicast out of loopback alone), on free ports: never the real 1900.
"""

from __future__ import annotations

import ipaddress
import socket
import time

import pytest

from airnef_tui.discovery.scope import Scope, scope_from
from airnef_tui.discovery.sighting import SSDP
from airnef_tui.discovery.sightings import Sightings
from airnef_tui.discovery import ssdp
from airnef_tui.discovery.ssdp import SsdpSource, _interfaces
from airnef_tui.simulator import advertise_ssdp

pytestmark = [pytest.mark.timeout(15),
              pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")]


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

    def camera(self, address: str = "127.0.0.1", described: bool = True):
        """Wait for the sighting at `address` (with its description's facts if `described`)."""
        return self.wait_for(lambda current: next(
            (s for s in current if s.address == address and (s.model or not described)), None))


@pytest.fixture
def run_source():
    started = []

    def run(watch: Watch, **options) -> SsdpSource:
        source = SsdpSource(**options)
        source.start(watch.sightings, scope_from())
        started.append(source)
        return source

    yield run
    for source in started:
        source.stop()


@pytest.fixture
def advertise():
    started = []

    def start(sim, **options):
        advertiser = advertise_ssdp.start(sim, **options)
        started.append(advertiser)
        return advertiser

    yield start
    for advertiser in started:
        advertiser.stop()


@pytest.mark.parametrize("profile, model, make", [
    ("sony", "ILCE-7RM2", "sony"),
    ("canon", "Canon EOS 80D", "canon"),
])
def test_a_simulated_camera_answers_the_multicast_search(start_sim, advertise, run_source,
                                                          profile, model, make):
    sim = start_sim(profile=profile)
    advertiser = advertise(sim, port=0)
    watch = Watch()
    run_source(watch, port=advertiser.port)
    camera = watch.camera()
    assert (camera.address, camera.port, camera.make, camera.model, camera.name) == (
        "127.0.0.1", 15740, make, model, model)
    assert camera.sources == {SSDP}
    assert [what for what, _ in watch.events] == ["seen"]  # the description was awaited


def test_the_model_reported_is_the_simulators_own(start_sim, advertise, run_source):
    sim = start_sim(profile="canon", model="Canon EOS R5")
    advertiser = advertise(sim, port=0)
    watch = Watch()
    run_source(watch, port=advertiser.port)
    assert watch.camera().model == "Canon EOS R5"


def test_the_defaults_meet_on_one_port(start_sim, advertise, run_source, monkeypatch):
    """`SsdpSource()` as discovery builds it and `start(sim)` as --advertise calls it find each
    other on the SSDP port (here a free one in place of 1900)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(advertise_ssdp, "SSDP_PORT", port)
    monkeypatch.setattr(ssdp, "SSDP_PORT", port)
    advertiser = advertise(start_sim(profile="sony"))
    assert advertiser.port == port
    watch = Watch()
    assert run_source(watch).port == port
    assert watch.camera().make == "sony"


def test_the_search_can_go_unicast(start_sim, advertise, run_source):
    """For networks (or machines) where multicast is not an option."""
    advertiser = advertise(start_sim(profile="sony"), port=0)
    watch = Watch()
    run_source(watch, port=0, search_to=("127.0.0.1", advertiser.port))
    assert watch.camera().make == "sony"


def test_notify_alive_adds_and_byebye_removes(start_sim, advertise, run_source):
    watch = Watch()
    source = run_source(watch, port=0, search_schedule=())  # listen only: no M-SEARCH at all
    advertiser = advertise(start_sim(profile="canon"), port=source.port)
    assert watch.camera().make == "canon"
    advertiser.stop()
    watch.wait_for(lambda current: not current)
    assert [what for what, _ in watch.events] == ["seen", "gone"]


def test_rescan_finds_a_camera_that_came_later(start_sim, advertise, run_source):
    watch = Watch()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as early:  # where the camera will be
        early.bind(("127.0.0.1", 0))
        early.settimeout(4)
        port = early.getsockname()[1]
        # listening elsewhere, so the camera's own NOTIFY is not heard: only a search finds it
        source = run_source(watch, port=0, search_to=("127.0.0.1", port), search_schedule=(0.0,))
        assert early.recv(2048).startswith(b"M-SEARCH * HTTP/1.1\r\n")  # the first round: gone
    advertise(start_sim(profile="sony"), port=port)
    assert watch.sightings.current() == []
    source.rescan()
    assert watch.camera().make == "sony"


def test_search_interfaces_follow_the_scope():
    assert _interfaces(Scope(("127.0.0.1",))) == ["127.0.0.1"]
    everywhere = _interfaces(Scope())  # lists this machine's addresses, sends nothing
    assert everywhere and all(a == "" or ipaddress.IPv4Address(a) for a in everywhere)


def test_profiles_without_ssdp_stay_silent(start_sim):
    for profile in ("generic", "nikon"):
        stopper = advertise_ssdp.start(start_sim(profile=profile), port=0)
        assert not isinstance(stopper, advertise_ssdp.SsdpAdvertiser)
        stopper()  # a stopper all the same
        stopper.stop()


def test_the_simulator_serves_its_description_and_404_elsewhere(start_sim, advertise):
    advertiser = advertise(start_sim(profile="sony"), port=0)
    replies = {}
    for path in ("/DeviceDescription.xml", "/other.xml"):
        with socket.create_connection(("127.0.0.1", advertiser.http_port), timeout=2) as conn:
            conn.sendall(f"GET {path} HTTP/1.0\r\n\r\n".encode())
            replies[path] = b""
            while chunk := conn.recv(4096):
                replies[path] += chunk
    assert replies["/DeviceDescription.xml"].startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"<manufacturer>Sony Corporation</manufacturer>" in replies["/DeviceDescription.xml"]
    assert replies["/other.xml"].startswith(b"HTTP/1.1 404 ")


def test_stop_is_prompt_and_repeatable(run_source):
    source = run_source(Watch(), port=0)
    began = time.monotonic()
    source.stop()
    source.stop()
    assert time.monotonic() - began < 1.0
