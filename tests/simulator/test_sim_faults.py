"""Injected faults fire at the configured byte counts, mid-packet, once; rate and memory bounds."""

from __future__ import annotations

import socket
import struct
import time

import pytest

from airnef_tui.ptpip.codes import OpCode, PacketType, ResponseCode
from airnef_tui.ptpip.datasets import ObjectInfo
from airnef_tui.ptpip.packets import OperationRequest, encode
from sim_raw_client import RawClient

FOUR_GIB = 1 << 32


def receive_until_cut(client: RawClient, silence: float | None = None) -> tuple[int, bool]:
    """Object payload bytes received before the stream ended (or went silent for `silence`
    seconds), and whether it ended mid-packet.

    Parses the raw bytes itself: a framer would hold back the unfinished packet's payload.
    """
    assert not client.command.framer.in_packet
    sock = client.command.sock
    sock.settimeout(silence or 5.0)
    stream = bytearray()
    try:
        while chunk := sock.recv(1 << 20):
            stream += chunk
    except socket.timeout:
        assert silence is not None, "the simulator went silent instead of closing"
    else:
        assert silence is None, "the simulator closed instead of going silent"
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


@pytest.mark.parametrize("profile", ["nikon", "canon"])
def test_drop_closes_both_sockets_mid_packet_at_the_byte_count_once(start_sim, profile):
    sim = start_sim(profile=profile, drop_after_bytes=1_000_000)
    photos = sorted(sim.card.files(), key=lambda o: o.size)
    small, big = photos[0], photos[-1]
    with RawClient(sim.port).connect() as client:
        first = client.transact(OpCode.GET_OBJECT, small.handle)  # counts toward the total
        assert first.code == ResponseCode.OK
        client.send_request(OpCode.GET_OBJECT, big.handle)
        received, mid_packet = receive_until_cut(client)
        assert small.size + received == 1_000_000 and mid_packet
        assert client.event.sock.recv(16) == b""  # the event socket is closed too
    with RawClient(sim.port).connect() as again:  # once only: the retry goes through
        assert again.transact(OpCode.GET_OBJECT, big.handle).data == big.content()
    assert sim.faults.fired[0][1] == 1_000_000


def test_drop_at_a_packet_boundary_still_cuts_inside_the_next_packet(start_sim):
    sim = start_sim(profile="canon", drop_after_bytes=65524 * 3)  # exactly three Canon packets
    big = max(sim.card.files(), key=lambda o: o.size)
    with RawClient(sim.port).connect() as client:
        client.send_request(OpCode.GET_OBJECT, big.handle)
        received, mid_packet = receive_until_cut(client)
    assert received == 65524 * 3 and mid_packet


def test_stall_goes_silent_mid_packet_and_holds_the_connection(start_sim):
    sim = start_sim(profile="generic", stall_after_bytes=300_000)
    big = max(sim.card.files(), key=lambda o: o.size)
    with RawClient(sim.port).connect() as client:
        client.send_request(OpCode.GET_OBJECT, big.handle)
        cpu = time.process_time()
        received, mid_packet = receive_until_cut(client, silence=0.5)
        assert received == 300_000 and mid_packet
        client.event.sock.settimeout(0.2)
        client.event.sock.sendall(encode(OperationRequest(0, 0)))  # still open, still silent
        assert time.process_time() - cpu < 0.4  # no busy loop on either side
    with RawClient(sim.port).connect() as again:  # after the client gave up: served normally
        assert again.transact(OpCode.GET_OBJECT, big.handle).data == big.content()


def test_rate_caps_object_data(start_sim):
    sim = start_sim(rate=2_000_000)
    photo = next(o for o in sim.card.files() if 1_400_000 < o.size < 1_600_000)
    with RawClient(sim.port).connect() as client:
        started = time.monotonic()
        assert client.transact(OpCode.GET_OBJECT, photo.handle).data == photo.content()
        elapsed = time.monotonic() - started
    assert 0.65 < elapsed < 1.5  # ~1.5 MB at 2 MB/s


def make_sparse(path, size: int, marks: dict[int, bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.truncate(size)
        for at, word in marks.items():
            f.seek(at)
            f.write(word)


@pytest.mark.parametrize(("profile", "opcode"), [("generic", 0x95C1), ("nikon", 0x9431)])
def test_a_sparse_file_over_4_gib_is_sized_and_read_with_64_bit_offsets(start_sim, tmp_path,
                                                                       profile, opcode):
    size = 5 * (1 << 30) + 12345
    marks = {FOUR_GIB + 100: b"past four gibibytes", size - 3: b"end"}
    make_sparse(tmp_path / "card" / "DCIM" / "100TEST" / "HUGE.MOV", size, marks)
    sim = start_sim(profile=profile, dirs=[tmp_path / "card"])
    (huge,) = sim.card.files()
    with RawClient(sim.port).connect() as client:
        info = ObjectInfo.decode(client.transact(OpCode.GET_OBJECT_INFO, huge.handle).data)
        assert info.compressed_size == 0xFFFFFFFF
        prop = client.transact(OpCode.MTP_GET_OBJECT_PROP_VALUE, huge.handle, 0xDC04)
        assert struct.unpack("<Q", prop.data)[0] == size
        params = (huge.handle, (FOUR_GIB + 100) & 0xFFFFFFFF, 1, 19)
        if opcode == 0x9431:
            params += (0,)
        result = client.transact(opcode, *params)
        assert result.data == b"past four gibibytes"
        params = (huge.handle, (size - 3) & 0xFFFFFFFF, size >> 32, 1000)
        if opcode == 0x9431:
            params += (0,)
        assert client.transact(opcode, *params).data == b"end"


def test_serving_a_2_gib_sparse_file_keeps_memory_flat(start_sim, tmp_path):
    """GetObject of a 2 GiB file as Nikon's single End Data packet, while this process's RSS is
    sampled. Reading the first 384 MiB is enough: a simulator that loaded the file, or built the
    packet, before sending would already have grown by gibibytes (loopback here runs at only
    ~0.5 GB/s, so the whole file would cost seconds)."""
    size = 2 * (1 << 30)
    make_sparse(tmp_path / "card" / "BIG.MOV", size, {0: b"head!"})
    sim = start_sim(profile="nikon", dirs=[tmp_path / "card"])
    (big,) = sim.card.files()
    baseline = rss_bytes()
    with RawClient(sim.port).connect() as client:
        sock = client.command.sock
        sock.sendall(encode(OperationRequest(OpCode.GET_OBJECT, 7, (big.handle,))))
        view = memoryview(bytearray(4 << 20))
        received, peak, first = 0, 0, b""
        while received < 384 << 20:
            count = sock.recv_into(view)
            assert count, "closed early"
            if len(first) < 37:  # TCP may deliver the headers in several reads
                first += bytes(view[:min(count, 37 - len(first))])
            received += count
            if received % (32 << 20) < count:
                peak = max(peak, rss_bytes() - baseline)
    assert first[:20] == struct.pack("<IIIQ", 20, 9, 7, size)  # Start Data, 64-bit length
    assert first[20:32] == struct.pack("<III", 12 + size, 12, 7)  # one End Data for it all
    assert first[32:37] == b"head!"
    assert peak < 40 << 20, f"RSS grew by {peak >> 20} MiB"


def rss_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")
