"""The hotspot sweep, from lease-file and ARP fixtures that name loopback addresses only.

127.0.0.2 has a simulated camera on it, 127.0.0.3 has nothing. Every probe goes to 127/8; the
access-point addresses are checked in the candidate list, never probed.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from airnef_tui.discovery.scope import Scope
from airnef_tui.discovery.sighting import HISTORY, SSDP, SWEEP, CameraSighting
from airnef_tui.discovery.sightings import Sightings
from airnef_tui.discovery.sweep import (
    SweepSource, access_point_candidates, addresses_in_arp, addresses_in_leases,
)

LOOPBACK = Scope(("127.0.0.1",))
GUID = bytes(range(10)) + bytes(6)

DNSMASQ = """\
1767225600 aa:bb:cc:00:00:02 127.0.0.2 D7200 01:aa:bb:cc:00:00:02
duid 00:01:00:01:2c:5e:1a:2b:aa:bb:cc:dd:ee:ff
1767225600 1234 fd00::1234 * 00:01:00:01:2c:5e
"""
NETWORKMANAGER = "1767229200 aa:bb:cc:00:00:03 127.0.0.3 * *\n"
ARP = """\
IP address       HW type     Flags       HW address            Mask     Device
127.0.0.2        0x1         0x2         aa:bb:cc:00:00:02     *        wlan0
127.0.0.4        0x1         0x0         00:00:00:00:00:00     *        wlan0
"""


@pytest.fixture
def hotspot(tmp_path: Path):
    """Lease files in both places (dnsmasq's own, NetworkManager's per interface) and an ARP
    table; returns the constructor arguments that point a SweepSource at them."""
    (tmp_path / "misc").mkdir()
    (tmp_path / "misc" / "dnsmasq.leases").write_text(DNSMASQ)
    (tmp_path / "NetworkManager").mkdir()
    (tmp_path / "NetworkManager" / "dnsmasq-wlan0.leases").write_text(NETWORKMANAGER)
    (tmp_path / "arp").write_text(ARP)
    return {"lease_files": (tmp_path / "misc" / "dnsmasq.leases",
                            tmp_path / "NetworkManager" / "dnsmasq-*.leases"),
            "arp_table": tmp_path / "arp", "own_addresses": [], "start_delay": 0,
            "guid": GUID, "host_name": "pytest", "probe_timeout": 1.0}


@pytest.fixture
def sweeps():
    made: list[SweepSource] = []

    def make(**options) -> SweepSource:
        source = SweepSource(**options)
        made.append(source)
        return source

    yield make
    for source in made:
        source.stop()


def test_lease_and_arp_parsing():
    assert addresses_in_leases(DNSMASQ) == ["127.0.0.2"]
    assert addresses_in_leases(NETWORKMANAGER) == ["127.0.0.3"]
    assert addresses_in_leases("") == []
    assert addresses_in_arp(ARP) == ["127.0.0.2"]  # 127.0.0.4 is incomplete (flags 0x0)


def test_candidates_come_from_both_lease_files_and_arp_once_each(hotspot):
    source = SweepSource(**hotspot, port=15740)
    assert source.candidates(LOOPBACK) == [("127.0.0.2", 15740), ("127.0.0.3", 15740)]


def test_missing_files_give_no_candidates(tmp_path):
    source = SweepSource(lease_files=(tmp_path / "none.leases",), arp_table=tmp_path / "no-arp",
                         own_addresses=[])
    assert source.candidates(Scope()) == []


def test_access_points_need_an_address_on_their_subnet_and_the_scope(hotspot):
    hotspot["own_addresses"] = ["192.168.1.5", "192.168.0.7"]
    source = SweepSource(**hotspot, port=15740)
    # Loopback scope: never 192.168.x, though this machine is said to be on both subnets.
    assert all(address.startswith("127.") for address, _ in source.candidates(LOOPBACK))
    assert ("192.168.1.1", 15740) not in source.candidates(LOOPBACK)
    # Unrestricted scope: both access points (Fujifilm on both ports). Nothing is probed here.
    everywhere = source.candidates(Scope())
    assert ("192.168.1.1", 15740) in everywhere
    assert {("192.168.0.1", 15740), ("192.168.0.1", 55740)} <= set(everywhere)
    # A scope on the Nikon subnet only: the Fujifilm access point is out of it.
    nikon_only = source.candidates(Scope(("192.168.1.5",)))
    assert ("192.168.1.1", 15740) in nikon_only
    assert not any(address == "192.168.0.1" for address, _ in nikon_only)


def test_no_access_point_without_an_address_on_its_subnet():
    assert access_point_candidates(["10.0.0.5", "127.0.0.1"]) == []
    assert access_point_candidates(["192.168.1.200"]) == [("192.168.1.1", 15740)]
    assert access_point_candidates(["192.168.0.9"]) == [("192.168.0.1", 15740),
                                                        ("192.168.0.1", 55740)]


def test_this_machines_own_address_is_never_a_candidate(tmp_path):
    (tmp_path / "arp").write_text(ARP)
    source = SweepSource(lease_files=(), arp_table=tmp_path / "arp",
                         own_addresses=["192.168.1.1", "127.0.0.2"])
    assert source.candidates(Scope()) == []


def test_sweep_confirms_the_camera_and_probes_each_candidate_once(start_sim, hotspot, sweeps):
    sim = start_sim(host="127.0.0.2")
    sightings = Sightings()
    source = sweeps(**hotspot, port=sim.port)
    source.start(sightings, LOOPBACK)
    assert source.wait_for_sweeps(1, timeout=5)
    [camera] = sightings.current()
    assert camera == CameraSighting("127.0.0.2", sim.port, make="", name=sim.model,
                                    sources=frozenset({SWEEP}), last_seen=camera.last_seen,
                                    confirmed=True)
    assert source.probed == {("127.0.0.2", sim.port), ("127.0.0.3", sim.port)}
    assert sim.stats.connections == 1
    assert sim.stats.guids == [GUID]

    source.rescan()
    assert source.wait_for_sweeps(2, timeout=5)
    assert sim.stats.connections == 1  # not probed again
    assert [s.address for s in sightings.current()] == ["127.0.0.2"]


def test_a_new_lease_is_probed_at_the_next_rescan(start_sim, hotspot, sweeps, tmp_path):
    sim = start_sim(host="127.0.0.2")
    (tmp_path / "misc" / "dnsmasq.leases").write_text("")
    (tmp_path / "arp").write_text(ARP.splitlines()[0] + "\n")
    sightings = Sightings()
    source = sweeps(**hotspot, port=sim.port)
    source.start(sightings, LOOPBACK)
    assert source.wait_for_sweeps(1, timeout=5)
    assert sightings.current() == [] and sim.stats.connections == 0
    (tmp_path / "misc" / "dnsmasq.leases").write_text(DNSMASQ)
    source.rescan()
    assert source.wait_for_sweeps(2, timeout=5)
    assert [s.address for s in sightings.current()] == ["127.0.0.2"]
    assert sim.stats.connections == 1


def test_a_known_sony_is_never_probed(start_sim, hotspot, sweeps):
    sim = start_sim(host="127.0.0.2", profile="sony")
    sightings = Sightings()
    # SSDP saw it (on the PTP/IP port, not the simulator's: the rule goes by address).
    sightings.seen(CameraSighting("127.0.0.2", make="sony", sources=frozenset({SSDP})))
    source = sweeps(**hotspot, port=sim.port)
    source.start(sightings, LOOPBACK)
    assert source.wait_for_sweeps(1, timeout=5)
    assert sim.stats.connections == 0
    assert source.probed == {("127.0.0.3", sim.port)}
    assert all(SWEEP not in s.sources for s in sightings.current())


def test_a_camera_another_source_confirmed_is_not_probed(start_sim, hotspot, sweeps):
    sim = start_sim(host="127.0.0.2")
    sightings = Sightings()
    sightings.seen(CameraSighting("127.0.0.2", sim.port, sources=frozenset({"mdns"}),
                                  confirmed=True))
    source = sweeps(**hotspot, port=sim.port)
    source.start(sightings, LOOPBACK)
    assert source.wait_for_sweeps(1, timeout=5)
    assert sim.stats.connections == 0


def test_a_camera_only_remembered_is_still_probed(start_sim, hotspot, sweeps):
    sim = start_sim(host="127.0.0.2")
    sightings = Sightings()
    sightings.seen(CameraSighting("127.0.0.2", sim.port, sources=frozenset({HISTORY})))
    source = sweeps(**hotspot, port=sim.port)
    source.start(sightings, LOOPBACK)
    assert source.wait_for_sweeps(1, timeout=5)
    assert sim.stats.connections == 1
    [camera] = sightings.current()
    assert camera.confirmed and camera.sources == {HISTORY, SWEEP}


def test_stop_returns_within_a_second_while_probes_wait(hotspot, sweeps):
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.2", 0))
    listener.listen(8)  # accepts (in the kernel), never answers
    try:
        sightings = Sightings()
        source = sweeps(**{**hotspot, "probe_timeout": 10.0}, port=listener.getsockname()[1])
        source.start(sightings, LOOPBACK)
        deadline = time.monotonic() + 5
        while ("127.0.0.2", listener.getsockname()[1]) not in source.probed:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        started = time.monotonic()
        source.stop()
        assert time.monotonic() - started < 1.0
        assert sightings.current() == []
    finally:
        listener.close()


def test_the_default_source_builds_with_no_arguments():
    source = SweepSource()
    assert source.name == SWEEP == "sweep"
    assert all(address.startswith("127.") for address, _ in source.candidates(LOOPBACK))
