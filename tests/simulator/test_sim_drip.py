"""The drip faults: a connection (or one reply) that goes on, one byte per interval, so that a read
timeout alone never notices; once per simulator; ended at once by the client leaving or a stop."""

from __future__ import annotations

import argparse
import logging
import socket
import struct
import time

import pytest

from airnef_tui.ptpip.codes import OpCode, PacketType, ResponseCode
from airnef_tui.simulator.cli import add_arguments, config_from_args, run
from airnef_tui.simulator.faults import Fault
from sim_raw_client import RawClient

INTERVAL = 0.05  # seconds between dripped bytes in these tests


def object_payload(stream: bytes) -> tuple[int, bool]:
    """Object payload bytes in a raw command stream, and whether it stops inside a packet."""
    received, pos = 0, 0
    while pos + 8 <= len(stream):
        length, kind = struct.unpack_from("<II", stream, pos)
        available = len(stream) - pos
        if kind in (PacketType.DATA, PacketType.END_DATA):
            received += max(0, min(length, available) - 12)
        if available < length:
            return received, True
        pos += length
    return received, pos != len(stream)


def read_for(sock: socket.socket, seconds: float, timeout: float, stream: bytearray) -> int:
    """Append what arrives in `seconds` to `stream`; every read must get something within
    `timeout` (socket.timeout fails the test). Returns the number of reads."""
    sock.settimeout(timeout)
    reads, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        chunk = sock.recv(1 << 20)
        assert chunk, "the simulator closed the connection"
        stream += chunk
        reads += 1
    return reads


def read_until_payload(sock: socket.socket, count: int, stream: bytearray) -> None:
    sock.settimeout(5.0)
    while object_payload(stream)[0] < count:
        chunk = sock.recv(1 << 20)
        assert chunk, "the simulator closed the connection"
        stream += chunk


def wait_until(condition, seconds: float = 3.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.mark.parametrize("profile", ["generic", "canon"])
def test_drip_sends_one_byte_per_interval_once_and_a_reconnection_gets_full_speed(
        start_sim, profile, caplog):
    caplog.set_level(logging.INFO, logger="airnef_tui.simulator")
    at = 100_000  # inside Canon's second 65524-byte packet
    sim = start_sim(profile=profile, drip_after_bytes=at, drip_interval=INTERVAL)
    big = max(sim.card.files(), key=lambda o: o.size)
    with RawClient(sim.port).connect() as client:
        client.send_request(OpCode.GET_OBJECT, big.handle)
        sock, stream = client.command.sock, bytearray()
        read_until_payload(sock, at, stream)
        assert object_payload(stream) == (at, True)  # fired in the middle of a packet
        reads = read_for(sock, 0.3, timeout=0.5, stream=stream)  # no read ever times out
        received, mid_packet = object_payload(stream)
        assert at < received < at + 50 and mid_packet, received
        assert reads >= 2  # the bytes come one after another, not in a burst
        assert sim.faults.fired == [(Fault.DRIP, at)]
    # the client gave up: the dripping connection notices at its next byte and ends quietly
    assert wait_until(lambda: not sim.connections.sessions())
    with RawClient(sim.port).connect() as again:  # once only: full speed, byte-identical
        started = time.monotonic()
        result = again.transact(OpCode.GET_OBJECT, big.handle)
        assert result.code == ResponseCode.OK and result.data == big.content()
        assert time.monotonic() - started < 2.0
    assert [f for f, _ in sim.faults.fired] == [Fault.DRIP]
    messages = [r.getMessage() for r in caplog.records]
    assert any("injected drip after 100000 bytes" in m for m in messages), messages
    assert any(m.startswith("connection #1 closed") for m in messages), messages
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_without_the_fault_the_same_read_gets_everything(start_sim):
    sim = start_sim(profile="generic")
    big = max(sim.card.files(), key=lambda o: o.size)
    with RawClient(sim.port).connect() as client:
        client.send_request(OpCode.GET_OBJECT, big.handle)
        stream = bytearray()
        read_until_payload(client.command.sock, big.size, stream)
        assert object_payload(stream)[0] == big.size


def test_drip_replies_slow_exactly_one_operation(start_sim):
    sim = start_sim(profile="generic", drip_replies_after_ops=2, drip_interval=0.01)
    timings = []
    with RawClient(sim.port).connect() as client:  # OpenSession: operation 0
        for _ in range(3):  # operations 1, 2 (dripped), 3
            started = time.monotonic()
            result = client.transact(OpCode.GET_STORAGE_IDS)
            timings.append(time.monotonic() - started)
            assert result.code == ResponseCode.OK and result.data[:4] == struct.pack("<I", 1)
        reply_bytes = 20 + 12 + len(result.data) + 14  # Start Data, End Data, response
        assert timings[0] < 0.2 and timings[2] < 0.2, timings
        assert timings[1] > 0.8 * reply_bytes * 0.01, timings  # a pause before every byte
    assert sim.faults.fired == [(Fault.DRIP_REPLY, 2)]
    with RawClient(sim.port).connect() as again:  # once per simulator
        started = time.monotonic()
        assert again.transact(OpCode.GET_STORAGE_IDS).code == ResponseCode.OK
        assert time.monotonic() - started < 0.2


def test_a_dripping_object_info_is_stuck_but_never_silent(start_sim):
    sim = start_sim(profile="nikon", drip_replies_after_ops=1, drip_interval=INTERVAL)
    photo = sim.card.files()[0]
    with RawClient(sim.port).connect() as client:
        client.send_request(OpCode.GET_OBJECT_INFO, photo.handle)
        stream = bytearray()
        read_for(client.command.sock, 0.3, timeout=0.5, stream=stream)
        assert 1 <= len(stream) < 20  # Start Data alone is 20 bytes
    assert sim.faults.fired == [(Fault.DRIP_REPLY, 1)]


@pytest.mark.parametrize("fault", ["data", "reply"])
def test_stopping_the_simulator_ends_a_dripping_connection_at_once(start_sim, fault):
    options = ({"drip_after_bytes": 1000} if fault == "data" else {"drip_replies_after_ops": 1})
    sim = start_sim(profile="generic", drip_interval=2.0, **options)
    big = max(sim.card.files(), key=lambda o: o.size)
    with RawClient(sim.port).connect() as client:
        client.send_request(OpCode.GET_OBJECT, big.handle)
        time.sleep(0.2)  # the simulator is now inside a two-second pause
        started = time.monotonic()
        sim.stop()
        assert time.monotonic() - started < 1.5
        sock = client.command.sock
        sock.settimeout(2.0)
        while sock.recv(1 << 20):  # what was sent, then the end of the stream
            pass
    assert len(sim.faults.fired) == 1


def parse(*args: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(args))


def test_drip_options_map_onto_the_config():
    config = config_from_args(parse("--drip-after-bytes", "512k", "--drip-interval", "0.5",
                                    "--drip-replies-after-ops", "7"))
    assert (config.drip_after_bytes, config.drip_interval, config.drip_replies_after_ops) == (
        512 << 10, 0.5, 7)
    defaults = config_from_args(parse())
    assert (defaults.drip_after_bytes, defaults.drip_interval,
            defaults.drip_replies_after_ops) == (None, 2.0, None)


@pytest.mark.parametrize("args", [
    ["--drip-after-bytes", "-1"], ["--drip-after-bytes", "lots"], ["--drip-interval", "0"],
    ["--drip-interval", "-2"], ["--drip-interval", "soon"], ["--drip-interval", "nan"],
    ["--drip-interval", "inf"], ["--drip-replies-after-ops", "-1"],
    ["--drip-replies-after-ops", "two"], ["--drip-replies-after-ops", "1.5"],
])
def test_bad_drip_values_are_refused_in_one_line(capsys, args):
    assert run(parse(*args)) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1 and err.startswith(
        "airnef-tui simulate: error: "), err
