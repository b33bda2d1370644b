"""The simulator's camera chores over real sockets: the clock (standard DateTime and Canon EOS
0x9110), a clock the host may not set, Sony's sleep request, cameras that announce nothing, and
the record of every host-to-camera data phase the tests of the client rely on."""

from __future__ import annotations

import socket
import struct
from datetime import datetime, timedelta

import pytest

from airnef_tui.ptpip import wire
from airnef_tui.ptpip.codes import OpCode, ResponseCode
from airnef_tui.ptpip.datasets import DeviceInfo
from sim_raw_client import RawClient

OK = ResponseCode.OK
ACCESS_DENIED = 0x200F
EOS_SET = 0x9110
SONY_SLEEP = struct.pack("<4I", 0, 5, 0, 0) + bytes((2, 0, 0x30))


def eos_clock(unix_time: int, prop: int = 0xD17C, size: int = 12) -> bytes:
    return struct.pack("<3I", size, prop, unix_time)


def off_by(sim, expected: datetime) -> float:
    return abs((sim.device_props.now() - expected).total_seconds())


def test_canon_advertises_and_takes_its_clock_through_9110(start_sim):
    sim = start_sim(profile="canon")
    target = datetime(2031, 7, 8, 9, 10, 11)
    with RawClient(sim.port).connect() as client:
        info = DeviceInfo.decode(client.transact(OpCode.GET_DEVICE_INFO).data)
        assert EOS_SET in info.operations_supported
        assert client.transact(EOS_SET, data_out=eos_clock(int(target.timestamp()))).code == OK
        shown = wire.Reader(client.transact(OpCode.GET_DEVICE_PROP_VALUE, 0x5011).data)
        assert shown.ptp_string().startswith("20310708T0910")
    assert off_by(sim, target) < 5
    assert sim.stats.data_received[-1] == (EOS_SET, eos_clock(int(target.timestamp())))


@pytest.mark.parametrize("payload, code", [
    (eos_clock(0, prop=0xD1B3), 0x200A),  # a property this simulator does not know
    (eos_clock(0, size=16), 0x201C),  # the size field must say 12
    (b"\x0c\x00\x00\x00", 0x201C),  # truncated
])
def test_canon_9110_refuses_what_it_cannot_take(start_sim, payload, code):
    sim = start_sim(profile="canon")
    before = sim.device_props.now()
    with RawClient(sim.port).connect() as client:
        assert client.transact(EOS_SET, data_out=payload).code == code
    assert off_by(sim, before) < 5


def test_other_profiles_do_not_offer_9110(start_sim):
    sim = start_sim(profile="nikon")
    with RawClient(sim.port).connect() as client:
        info = DeviceInfo.decode(client.transact(OpCode.GET_DEVICE_INFO).data)
        assert EOS_SET not in info.operations_supported
        assert client.transact(EOS_SET, data_out=eos_clock(0)).code == 0x2005


def test_set_clock_moves_the_datetime_property(start_sim):
    sim = start_sim(profile="generic")
    sim.device_props.set_clock(datetime.now() - timedelta(minutes=3))
    with RawClient(sim.port).connect() as client:
        text = wire.Reader(client.transact(OpCode.GET_DEVICE_PROP_VALUE, 0x5011).data).ptp_string()
    shown = datetime.strptime(text, "%Y%m%dT%H%M%S")
    assert abs((datetime.now() - shown).total_seconds() - 180) < 5


@pytest.mark.parametrize("profile", ["generic", "canon"])
def test_a_clock_the_host_may_not_set_answers_access_denied(start_sim, profile):
    sim = start_sim(profile=profile, clock_settable=False)
    before = sim.device_props.now()
    with RawClient(sim.port).connect() as client:
        standard = client.transact(OpCode.SET_DEVICE_PROP_VALUE, 0x5011,
                                   data_out=wire.ptp_string("20300102T030405"))
        assert standard.code == ACCESS_DENIED
        if profile == "canon":
            assert client.transact(EOS_SET, data_out=eos_clock(1_900_000_000)).code == ACCESS_DENIED
        assert client.transact(OpCode.GET_DEVICE_PROP_VALUE, 0x5011).code == OK
    assert off_by(sim, before) < 5


def test_sony_goes_to_sleep_after_the_sleep_payload_and_9281(start_sim):
    sim = start_sim(profile="sony")
    with RawClient(sim.port).connect() as client:
        assert client.transact(0x9280, 4, data_out=SONY_SLEEP).code == OK
        assert not sim.asleep.is_set()
        assert client.transact(0x9281, 4).code == OK
        assert sim.asleep.wait(2)
        client.command.sock.settimeout(2)
        with pytest.raises(EOFError):  # asleep: the camera has closed the connection
            client.command.receive()
    assert sim.stats.data_received == [(0x9280, SONY_SLEEP)]
    assert sim.stats.operations[-2:] == [0x9280, 0x9281]


def test_sony_stays_awake_after_another_9280_payload(start_sim):
    sim = start_sim(profile="sony")
    sending_screen = struct.pack("<5I", 2, 2, 0, 0, 0x00020001) + b"\x00"
    with RawClient(sim.port).connect() as client:
        assert client.transact(0x9280, 4, data_out=sending_screen).code == OK
        assert client.transact(0x9281, 4).code == OK
        assert client.transact(OpCode.GET_STORAGE_IDS).code == OK
    assert not sim.asleep.is_set()
    assert sim.stats.data_received == [(0x9280, sending_screen)]


@pytest.mark.parametrize("profile", ["generic", "nikon", "sony"])
def test_a_camera_without_events_announces_nothing_but_serves_the_new_file(start_sim, profile):
    sim = start_sim(profile=profile, events=False)
    with RawClient(sim.port).connect() as client:
        added = sim.add_object("NEW_0001.JPG", b"\xff\xd8quiet\xff\xd9")
        client.event.sock.settimeout(0.3)
        with pytest.raises(socket.timeout):
            client.event.receive()
        if profile == "nikon":
            assert client.transact(OpCode.NIKON_GET_EVENT).data == wire.u16(0)
        assert added.handle in client.handles()


def test_every_host_data_phase_is_recorded_in_order(start_sim):
    sim = start_sim(profile="generic")
    with RawClient(sim.port).connect() as client:
        client.transact(OpCode.SET_DEVICE_PROP_VALUE, 0x5011,
                        data_out=wire.ptp_string("20300102T030405"))
        client.transact(OpCode.GET_STORAGE_IDS)
        client.transact(OpCode.SET_DEVICE_PROP_VALUE, 0x5001, data_out=b"\x10")
    assert sim.stats.data_received == [
        (OpCode.SET_DEVICE_PROP_VALUE, wire.ptp_string("20300102T030405")),
        (OpCode.SET_DEVICE_PROP_VALUE, b"\x10"),
    ]
