"""probe(): one Init Command Request and its answer, bounded in time, never raising for the
network. Every peer here is on loopback."""

from __future__ import annotations

import socket
import struct
import threading
import time

import pytest

from airnef_tui.camera.probe import (
    FUJIFILM_HANG_UP, ProbeResult, fujifilm_init, make_from_name, probe,
)
from airnef_tui.ptpip import InitCommandAck, InitFailReason, encode

GUID = bytes(range(10)) + bytes(6)
NAME = "pytest-probe"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def silent_server():
    """A listener the kernel completes connections for, but that never answers a byte."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(4)
    yield sock.getsockname()[1]
    sock.close()


def test_a_camera_answers_with_its_name_and_guid(start_sim):
    sim = start_sim()
    result = probe("127.0.0.1", sim.port, timeout=1.5, guid=GUID, name=NAME)
    assert result == ProbeResult("127.0.0.1", sim.port, name=sim.model, guid=sim.camera_guid)
    assert not result.refused
    assert sim.stats.guids == [GUID]
    assert sim.stats.connections == 1  # no event socket: the probe leaves after the Ack
    assert sim.stats.sessions == 0


def test_the_make_comes_from_the_name_when_it_says_so(start_sim):
    sim = start_sim(profile="canon")
    result = probe("127.0.0.1", sim.port, timeout=1.5, guid=GUID, name=NAME)
    assert result is not None and result.name == "Canon EOS 80D"
    assert result.make == "canon"
    assert make_from_name("D7200") == ""
    assert make_from_name("NIKON D750") == "nikon"


def test_a_paired_camera_is_found_but_refuses(start_sim):
    sim = start_sim(paired_guid=bytes(range(100, 116)))
    result = probe("127.0.0.1", sim.port, timeout=1.5, guid=GUID, name=NAME)
    assert result is not None
    assert result.refused and result.reason == InitFailReason.REJECTED
    assert (result.name, result.guid) == ("", b"")
    assert sim.stats.refused == 1


def test_a_closed_port_is_none_at_once():
    started = time.monotonic()
    assert probe("127.0.0.1", _free_port(), timeout=1.5, guid=GUID, name=NAME) is None
    assert time.monotonic() - started < 0.5


def test_a_peer_that_never_answers_is_none_within_the_timeout(silent_server):
    started = time.monotonic()
    assert probe("127.0.0.1", silent_server, timeout=0.5, guid=GUID, name=NAME) is None
    elapsed = time.monotonic() - started
    assert 0.4 <= elapsed < 1.0


def test_cancel_ends_a_waiting_probe_promptly(silent_server):
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    started = time.monotonic()
    assert probe("127.0.0.1", silent_server, timeout=5.0, guid=GUID, name=NAME,
                 cancel=cancel) is None
    assert time.monotonic() - started < 1.0


def _serve_once(handler) -> tuple[int, threading.Thread, list[bytes]]:
    """A one-connection server on loopback: handler(conn, received) does the talking."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    received: list[bytes] = []

    def run() -> None:
        with listener:
            conn, _ = listener.accept()
            with conn:
                conn.settimeout(2.0)
                handler(conn, received)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return listener.getsockname()[1], thread, received


def _read_until_closed(conn: socket.socket, received: list[bytes]) -> None:
    try:
        while chunk := conn.recv(4096):
            received.append(chunk)
    except OSError:
        pass


def test_a_peer_that_is_not_ptpip_is_none():
    def http(conn, received):
        conn.recv(4096)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")

    port, thread, _ = _serve_once(http)
    assert probe("127.0.0.1", port, timeout=1.5, guid=GUID, name=NAME) is None
    thread.join(2)


def test_a_peer_that_closes_without_answering_is_none():
    port, thread, _ = _serve_once(lambda conn, received: conn.recv(4096))
    assert probe("127.0.0.1", port, timeout=1.5, guid=GUID, name=NAME) is None
    thread.join(2)


def test_fujifilm_init_is_82_bytes_version_first():
    packet = fujifilm_init(GUID, "a much longer computer name than the field holds")
    assert len(packet) == 0x52
    assert struct.unpack_from("<III", packet) == (0x52, 1, 0x8F53E4F2)
    assert packet[12:28] == GUID
    assert packet[-2:] == b"\0\0"  # the name keeps a terminating NUL


def test_port_55740_speaks_fujifilm_and_hangs_up_after_the_ack():
    def fuji(conn, received):
        received.append(conn.recv(4096))
        conn.sendall(encode(InitCommandAck(1, bytes(16), "X-T4")))
        _read_until_closed(conn, received)

    port, thread, received = _serve_once(fuji)
    result = probe("127.0.0.1", port, timeout=1.5, guid=GUID, name=NAME, fujifilm=True)
    thread.join(2)
    assert result is not None and result.name == "X-T4"
    assert result.make == "fujifilm"
    assert received[0] == fujifilm_init(GUID, NAME)
    assert b"".join(received[1:]) == FUJIFILM_HANG_UP
