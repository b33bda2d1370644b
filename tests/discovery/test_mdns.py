"""The mDNS source and the simulator's `--advertise`, with real zeroconf on 127.0.0.1.

Every zeroconf here (the source's, the simulator's, the test's own) is bound to the scope's
interfaces, which tests/conftest.py sets to 127.0.0.1: nothing leaves the machine. Other test runs
on this machine share the loopback mDNS group, so every check looks for this test's own service
(a unique name or port), never for "the only camera".
"""

from __future__ import annotations

import argparse
import logging
import secrets
import socket
import time
from collections.abc import Callable

import pytest
from zeroconf import IPVersion, ServiceInfo, Zeroconf

from airnef_tui.discovery.mdns import (
    CANON_IMINK_SERVICE, PTP_SERVICE, MdnsSource, identify, instance_of, nikon_model, ptpip_port,
)
from airnef_tui.discovery.scope import Scope, scope_from
from airnef_tui.discovery.sighting import MDNS, CameraSighting
from airnef_tui.discovery.sightings import Sightings
from airnef_tui.simulator import PROFILES, Simulator, SimulatorConfig
from airnef_tui.simulator.advertise_mdns import advertisement, nikon_instance
from airnef_tui.simulator.cli import add_arguments, config_from_args

FOUND_WITHIN = 5.0
GONE_WITHIN = 3.0


# -- shared rig (kept here: tests/discovery/conftest.py belongs to the other sources) ----------

class RecordingSightings(Sightings):
    """The real merger, plus the raw reports in order: ("seen" | "gone", sighting or key)."""

    def __init__(self) -> None:
        super().__init__()
        self.reports: list[tuple[str, object]] = []

    def seen(self, sighting: CameraSighting) -> None:
        self.reports.append(("seen", sighting))
        super().seen(sighting)

    def gone(self, address: str, port: int, source: str) -> None:
        self.reports.append(("gone", (address, port, source)))
        super().gone(address, port, source)

    def wait_until(self, condition: Callable[[], object], timeout: float) -> object:
        deadline = time.monotonic() + timeout
        while not (result := condition()):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"not within {timeout:g} s; reports: {self.reports}")
            self.wait_for_change(min(left, 0.1))
        return result

    def seen_named(self, name: str) -> CameraSighting | None:
        return next((s for what, s in self.reports if what == "seen" and s.name == name), None)

    def gone_at(self, address: str, port: int) -> bool:
        return ("gone", (address, port, MDNS)) in self.reports


@pytest.fixture
def scope() -> Scope:
    scope = scope_from()
    assert scope.loopback_only, "tests must keep mDNS on loopback (AIRNEF_TUI_INTERFACES)"
    return scope


@pytest.fixture
def found(scope):
    """A started MdnsSource reporting to a RecordingSightings; stopped (within 1 s) at the end."""
    sightings = RecordingSightings()
    source = MdnsSource()
    source.start(sightings, scope)
    yield sightings, source
    began = time.monotonic()
    source.stop()
    assert time.monotonic() - began < 1.0


@pytest.fixture
def loopback_zc(scope):
    """The test's own zeroconf on the scope's interfaces, to play a camera."""
    zc = Zeroconf(interfaces=list(scope.interfaces), ip_version=IPVersion.V4Only)
    yield zc
    zc.close()


def unique_serial() -> str:
    return str(secrets.randbelow(9_000_000) + 1_000_000)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def register(zc: Zeroconf, service_type: str, instance: str, port: int,
             txt: dict[str, str] | None = None) -> ServiceInfo:
    info = ServiceInfo(service_type, f"{instance}.{service_type}", port=port,
                       addresses=[socket.inet_aton("127.0.0.1")], properties=txt,
                       server=f"camera-{port}.local.")
    zc.register_service(info, strict=False)  # "imink_http" breaks RFC 6335's naming rules
    return info


# -- names (pure) ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("service_type", "instance", "txt", "expected"), [
    (PTP_SERVICE, "Z_6_5000784", {}, ("nikon", "Z 6")),
    (PTP_SERVICE, "Z_50_7001234", {}, ("nikon", "Z 50")),
    (PTP_SERVICE, "Z_fc_7001234", {}, ("nikon", "Z fc")),
    (PTP_SERVICE, "D_850_3001234", {}, ("nikon", "D850")),
    (PTP_SERVICE, "D_7200_3012345", {}, ("nikon", "D7200")),
    (PTP_SERVICE, "Z_6_5000784-2", {}, ("nikon", "Z 6")),  # renamed after a name conflict
    (PTP_SERVICE, "Z_6", {}, ("", "")),  # no serial: not a Nikon name
    (PTP_SERVICE, "D_camera_1", {}, ("", "")),  # a D-series name has a number
    (PTP_SERVICE, "Z__5000784", {}, ("", "")),
    (PTP_SERVICE, "ICPO-WFTEOSSystemService0123abcd", {}, ("canon", "")),
    (CANON_IMINK_SERVICE, "G7X-0123", {"mf.iml": "Canon", "md.iml": "Canon PowerShot G7 X"},
     ("canon", "Canon PowerShot G7 X")),
    (CANON_IMINK_SERVICE, "G7X-0123", {}, ("canon", "")),
    (PTP_SERVICE, "ILCE-7RM2 0001", {"manufacturer": "Sony Corporation", "model": "ILCE-7RM2"},
     ("sony", "ILCE-7RM2")),
    (PTP_SERVICE, "Z_6_5000784", {"model": "Z 6II"}, ("nikon", "Z 6II")),  # TXT wins
    (PTP_SERVICE, "Office printer", {}, ("", "")),
    (PTP_SERVICE, "Thing", {"manufacturer": "Acme", "model": "Box 1"}, ("", "Box 1")),
])
def test_identify_from_instance_name_and_txt(service_type, instance, txt, expected):
    assert identify(service_type, instance, txt) == expected


def test_ports_and_instance_names():
    assert ptpip_port(PTP_SERVICE, 15741) == 15741
    assert ptpip_port(PTP_SERVICE, None) == 15740  # SRV never answered
    assert ptpip_port(CANON_IMINK_SERVICE, 8615) == 15740  # 8615 is the HTTP API
    assert instance_of("Z_6_5000784._ptp._tcp.local.", PTP_SERVICE) == "Z_6_5000784"


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_what_each_simulated_profile_announces_reads_back(profile):
    p = PROFILES[profile]
    instance, txt = advertisement(p.name, p.manufacturer, p.model, p.serial)
    assert len(instance.encode()) <= 63
    expected_make = {"nikon": "nikon", "canon": "canon", "sony": "sony", "generic": "",
                     "fuji": "fujifilm"}[profile]
    assert identify(PTP_SERVICE, instance, txt) == (expected_make, p.model)


def test_nikon_instance_names_round_trip():
    assert nikon_instance("Z 6", "5000784") == "Z_6_5000784"
    assert nikon_instance("D7200", "3012345") == "D_7200_3012345"
    for model in ("Z 6", "Z 50", "D850", "D7200", "Z fc"):
        assert nikon_model(nikon_instance(model, "12345")) == model


# -- the simulator's --advertise, found by the source -------------------------------------------

EXPECTED = {"nikon": ("nikon", "D7200"), "canon": ("canon", "Canon EOS 80D"),
            "sony": ("sony", "ILCE-7RM2"), "generic": ("", "PTP/IP Camera")}


@pytest.mark.parametrize("profile", sorted(EXPECTED))
def test_advertising_simulator_is_found_with_make_and_model(found, start_sim, profile):
    sightings, _ = found
    sim = start_sim(profile=profile, advertise=True, serial=unique_serial())
    assert sim.mdns_instance_name
    sighting = sightings.wait_until(lambda: sightings.seen_named(sim.mdns_instance_name),
                                    FOUND_WITHIN)
    assert (sighting.address, sighting.port) == ("127.0.0.1", sim.port)
    assert (sighting.make, sighting.model) == EXPECTED[profile]
    assert sighting.sources == {MDNS}
    assert any(s.key == ("127.0.0.1", sim.port) for s in sightings.current())


def test_stopped_simulator_is_gone(found, start_sim):
    sightings, _ = found
    sim = start_sim(profile="nikon", advertise=True, serial=unique_serial())
    port = sim.port
    sightings.wait_until(lambda: sightings.seen_named(sim.mdns_instance_name), FOUND_WITHIN)
    sim.stop()
    sightings.wait_until(lambda: sightings.gone_at("127.0.0.1", port), GONE_WITHIN)
    assert all(s.key != ("127.0.0.1", port) for s in sightings.current())


def test_simulator_without_advertise_announces_nothing(start_sim):
    assert start_sim(profile="nikon").mdns_instance_name is None


def test_advertise_option_reaches_the_config():
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert config_from_args(parser.parse_args(["--advertise"])).advertise is True
    assert config_from_args(parser.parse_args([])).advertise is False
    assert SimulatorConfig().advertise is False


# -- services registered by hand, as real cameras announce them ---------------------------------

def test_nikon_named_service_without_txt_is_a_nikon(found, loopback_zc):
    sightings, _ = found
    instance, port = f"Z_6_{unique_serial()}", free_port()
    register(loopback_zc, PTP_SERVICE, instance, port)
    sighting = sightings.wait_until(lambda: sightings.seen_named(instance), FOUND_WITHIN)
    assert (sighting.address, sighting.port) == ("127.0.0.1", port)
    assert (sighting.make, sighting.model, sighting.name) == ("nikon", "Z 6", instance)


def test_canon_imink_service_is_reported_on_the_ptpip_port(found, loopback_zc):
    sightings, _ = found
    instance = f"PowerShot-{unique_serial()}"
    register(loopback_zc, CANON_IMINK_SERVICE, instance, 8615,
             {"mf.iml": "Canon", "md.iml": "Canon PowerShot G7 X", "sid.iml": "Canon"})
    sighting = sightings.wait_until(lambda: sightings.seen_named(instance), FOUND_WITHIN)
    assert (sighting.address, sighting.port) == ("127.0.0.1", 15740)
    assert (sighting.make, sighting.model) == ("canon", "Canon PowerShot G7 X")
    assert not any(what == "seen" and s.port == 8615 for what, s in sightings.reports)


def test_removed_service_is_gone_and_rescan_finds_it_again(found, loopback_zc):
    sightings, source = found
    instance, port = f"Z_50_{unique_serial()}", free_port()
    info = register(loopback_zc, PTP_SERVICE, instance, port)
    sightings.wait_until(lambda: sightings.seen_named(instance), FOUND_WITHIN)
    loopback_zc.unregister_service(info)
    sightings.wait_until(lambda: sightings.gone_at("127.0.0.1", port), GONE_WITHIN)
    register(loopback_zc, PTP_SERVICE, instance, port)
    source.rescan()
    sightings.wait_until(lambda: [s for s in sightings.current() if s.key == ("127.0.0.1", port)],
                         FOUND_WITHIN)


def test_no_address_record_falls_back_to_the_packet_source(found, loopback_zc):
    """A Canon 1D X II announces its PTR and never answers the SRV/A lookups."""
    from zeroconf import DNSOutgoing, DNSPointer
    from zeroconf.const import _CLASS_IN, _FLAGS_AA, _FLAGS_QR_RESPONSE, _TYPE_PTR

    sightings, _ = found
    instance = f"ICPO-WFTEOSSystemService{secrets.token_hex(8)}"

    def announce(ttl: int) -> None:
        out = DNSOutgoing(_FLAGS_QR_RESPONSE | _FLAGS_AA)
        out.add_answer_at_time(DNSPointer(PTP_SERVICE, _TYPE_PTR, _CLASS_IN, ttl,
                                          f"{instance}.{PTP_SERVICE}"), 0)
        loopback_zc.send(out)

    announce(4500)
    sighting = sightings.wait_until(lambda: sightings.seen_named(instance), FOUND_WITHIN)
    assert (sighting.address, sighting.port, sighting.make) == ("127.0.0.1", 15740, "canon")
    announce(0)  # goodbye
    sightings.wait_until(lambda: sightings.gone_at("127.0.0.1", 15740), GONE_WITHIN)


def test_no_usable_interface_is_logged_and_reports_nothing(caplog):
    sightings = RecordingSightings()
    source = MdnsSource()
    with caplog.at_level(logging.WARNING, logger="airnef_tui.discovery.mdns"):
        source.start(sightings, Scope(("203.0.113.77",)))  # no such interface here
    assert "mDNS discovery is off" in caplog.text
    source.rescan()
    source.stop()
    assert sightings.reports == []


def test_stop_is_prompt_while_a_lookup_goes_unanswered(found, loopback_zc):
    from zeroconf import DNSOutgoing, DNSPointer
    from zeroconf.const import _CLASS_IN, _FLAGS_AA, _FLAGS_QR_RESPONSE, _TYPE_PTR

    sightings, source = found
    instance = f"ICPO-WFTEOSSystemService{secrets.token_hex(8)}"
    out = DNSOutgoing(_FLAGS_QR_RESPONSE | _FLAGS_AA)
    out.add_answer_at_time(DNSPointer(PTP_SERVICE, _TYPE_PTR, _CLASS_IN, 4500,
                                      f"{instance}.{PTP_SERVICE}"), 0)
    loopback_zc.send(out)
    sightings.wait_until(lambda: source._pending, FOUND_WITHIN)  # its SRV/A lookup is waiting
    began = time.monotonic()
    source.stop()
    assert time.monotonic() - began < 1.0
    time.sleep(source.resolve_timeout)  # past the lookup's own end: still nothing reported
    assert sightings.seen_named(instance) is None
