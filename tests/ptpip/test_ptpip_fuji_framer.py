"""The Fujifilm framer: the opening in PTP/IP form, then containers in any chunking; data streamed
in bounded pieces; the small cap on every other container; nothing after an Init Fail or hang-up."""

from __future__ import annotations

import struct
import tracemalloc

import pytest
from hypothesis import given
from hypothesis import strategies as st

from airnef_tui.ptpip import (
    FujiCommand, FujiData, FujiDataHeader, FujiDataPiece, FujiEvent, FujiFramer, FujiHandshake,
    FujiHangUp, FujiInitRequest, FujiResponse, InitCommandAck, InitFail, ProtocolError, encode,
    encode_container, encode_fuji_init,
)
from airnef_tui.ptpip.fuji import MAX_CONTAINER, MAX_HANDSHAKE_PACKET

import test_ptpip_fuji_strategies as F

GUID = bytes(range(16))
ACK = InitCommandAck(1, GUID, "X-T4")


def h(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


def feed_all(framer: FujiFramer, chunks) -> list:
    out = []
    for chunk in chunks:
        framer.feed(chunk)
        out.extend(framer)
    return out


def drain_until_error(framer: FujiFramer):
    out = []
    with pytest.raises(ProtocolError) as caught:
        for item in framer:
            out.append(item)
    return out, caught.value


# ---- any chunking ----------------------------------------------------------------------------

@F.examples(80)
@given(containers=F.SEQUENCES, data=st.data())
def test_any_chunking_yields_the_same_containers(containers, data):
    raw = F.wire(containers)
    chunks = F.split(raw, data.draw(F.chunkings(len(raw))))
    framer = FujiFramer(None, data_piece=1 << 20)
    assert F.normalise(feed_all(framer, chunks)) == containers
    assert not framer.in_container and framer.stream_offset == len(raw)
    assert framer.closed == (FujiHangUp() in containers)


@F.examples(80)
@given(containers=F.SEQUENCES, piece=F.DATA_PIECES, data=st.data())
def test_small_pieces_recut_data_without_losing_bytes(containers, piece, data):
    raw = F.wire(containers)
    out = feed_all(FujiFramer(None, data_piece=piece),
                   F.split(raw, data.draw(F.chunkings(len(raw)))))
    assert F.normalise(out) == containers
    for item in out:
        if isinstance(item, FujiDataPiece):
            assert len(item.payload) <= piece
    assert sum(isinstance(i, FujiDataPiece) and i.last for i in out) == \
        sum(isinstance(c, FujiData) for c in containers)


@F.examples(60)
@given(answer=F.ACKS | F.INIT_FAILS, containers=F.SEQUENCES, data=st.data())
def test_the_camera_side_opens_with_the_ack_or_init_fail(answer, containers, data):
    if isinstance(answer, InitFail):
        containers = []  # the camera hangs up after refusing
    raw = encode(answer) + F.wire(containers)
    framer = FujiFramer(FujiHandshake.ACK, data_piece=data.draw(F.DATA_PIECES))
    out = feed_all(framer, F.split(raw, data.draw(F.chunkings(len(raw)))))
    assert out[0] == answer and framer.handshake is None
    assert F.normalise(out[1:]) == containers
    assert framer.closed == (isinstance(answer, InitFail) or FujiHangUp() in containers)


@F.examples(60)
@given(guid=F.S.GUIDS, containers=F.SEQUENCES, data=st.data())
def test_the_host_side_opens_with_the_82_byte_init(guid, containers, data):
    raw = encode_fuji_init(FujiInitRequest(guid, "airnef")) + F.wire(containers)
    framer = FujiFramer(FujiHandshake.INIT)
    out = feed_all(framer, F.split(raw, data.draw(F.chunkings(len(raw)))))
    assert out[0] == FujiInitRequest(guid, "airnef")
    assert F.normalise(out[1:]) == containers


@F.examples(60)
@given(containers=F.SEQUENCES, piece=F.DATA_PIECES, data=st.data())
def test_in_container_is_false_exactly_at_boundaries(containers, piece, data):
    encoded = [encode_container(c) for c in containers]
    boundaries, pos = {0}, 0
    for e in encoded:
        pos += len(e)
        boundaries.add(pos)
    raw = b"".join(encoded)
    framer, fed = FujiFramer(None, data_piece=piece), 0
    for chunk in F.split(raw, data.draw(F.chunkings(len(raw)))):
        framer.feed(chunk)
        fed += len(chunk)
        list(framer)
        assert framer.in_container == (fed not in boundaries), fed
        assert framer.stream_offset <= fed


# ---- examples --------------------------------------------------------------------------------

def test_a_download_as_the_client_sees_it():
    raw = (encode(ACK) + h("0c000000 0200 0110 01000000")  # X-T4: empty DeviceInfo
           + h("0c000000 0300 0120 01000000")
           + h("10000000 0400 0240 00000000 05000000")  # an event between transactions
           + h("13000000 0200 1b10 02000000") + b"JPEG\xff\xd9\x00"
           + h("10000000 0300 0120 02000000 07000000"))
    out = feed_all(FujiFramer(data_piece=4), [raw[i:i + 3] for i in range(0, len(raw), 3)])
    assert out == [
        ACK, FujiDataHeader(0x1001, 1, 0), FujiDataPiece(1, b"", True), FujiResponse(0x2001, 1),
        FujiEvent(0x4002, 0, (5,)), FujiDataHeader(0x101B, 2, 7), FujiDataPiece(2, b"JPEG"),
        FujiDataPiece(2, b"\xff\xd9\x00", True), FujiResponse(0x2001, 2, (7,)),
    ]


def test_the_host_hang_up_closes_the_stream():
    framer = FujiFramer(FujiHandshake.INIT)
    framer.feed(encode_fuji_init(FujiInitRequest(GUID, "pc")) + h("0c000000 0100 0310 05000000"))
    framer.feed(h("08000000 ffff"))
    assert list(framer)[1:] == [FujiCommand(0x1003, 5)]
    assert framer.in_container and not framer.closed
    framer.feed(h("ffff"))
    assert list(framer) == [FujiHangUp()] and framer.closed and not framer.in_container
    framer.feed(b"\x00")
    out, error = drain_until_error(framer)
    assert out == [] and error.offset == 82 + 12 + 8


def test_bytes_after_an_init_fail_are_an_error():
    framer = FujiFramer()
    framer.feed(h("0c000000 05000000 19200000 0c000000"))
    out, error = drain_until_error(framer)
    assert out == [InitFail(0x2019)] and error.offset == 12


def test_empty_data_container_is_a_header_and_one_empty_last_piece():
    framer = FujiFramer(None)
    framer.feed(h("0c000000 0200 0110 01000000"))
    assert list(framer) == [FujiDataHeader(0x1001, 1, 0), FujiDataPiece(1, b"", True)]
    assert not framer.in_container


def test_inside_a_data_payload_counts_as_in_container():
    framer = FujiFramer(None, data_piece=4)
    framer.feed(h("14000000 0200 0910 01000000") + b"abcd")
    assert list(framer) == [FujiDataHeader(0x1009, 1, 8), FujiDataPiece(1, b"abcd")]
    assert framer.in_container
    framer.feed(b"efgh")
    assert list(framer) == [FujiDataPiece(1, b"efgh", True)]
    assert not framer.in_container


def test_data_piece_must_be_positive():
    with pytest.raises(ValueError):
        FujiFramer(data_piece=0)


# ---- refusals at the stream offset -----------------------------------------------------------

@pytest.mark.parametrize("tail, offset", [
    (struct.pack("<IHHI", 0xFFFFFFFF, 1, 0x1001, 1), 0),  # a 4 GiB command: refused on its header
    (struct.pack("<IHHI", 36, 3, 0x2001, 1), 0),  # a response with six parameters
    (struct.pack("<IHHI", 14, 4, 0x4002, 1), 0),  # an event with half a parameter
    (struct.pack("<IHHI", 12, 7, 0x2001, 1), 4),  # unknown type
    (struct.pack("<I", 11), 0),  # shorter than a header: known from the length alone
    (struct.pack("<I", 0), 0),
    (h("08000000 0100ffff"), 0),  # 8 bytes that are not the hang-up
])
def test_container_refusals_name_the_stream_offset(tail, offset):
    prefix = encode_container(FujiResponse(0x2001, 1, (2,)))
    framer = FujiFramer(None)
    framer.feed(prefix + tail)
    out, error = drain_until_error(framer)
    assert out == [FujiResponse(0x2001, 1, (2,))]
    assert error.offset == len(prefix) + offset


@pytest.mark.parametrize("head, offset", [
    (struct.pack("<II", 0xFFFFFFFF, 2), 0),  # a 4 GiB Ack: refused on its header
    (struct.pack("<II", 4, 2), 0),
    (struct.pack("<II", 12, 6), 4),  # an Operation Request where the Ack is due
    (h("0c000000 0100 0110"), 4),  # a container where the Ack is due
])
def test_ack_phase_refusals(head, offset):
    framer = FujiFramer(FujiHandshake.ACK)
    framer.feed(head)
    assert drain_until_error(framer)[1].offset == offset


def test_a_malformed_ack_is_reported_inside_it_and_left_unconsumed():
    framer = FujiFramer(FujiHandshake.ACK)
    framer.feed(h("0e000000 05000000 19200000 0000"))  # Init Fail with 2 junk bytes
    assert drain_until_error(framer)[1].offset == 12
    assert framer.stream_offset == 0


@pytest.mark.parametrize("head, offset", [
    (h(f"22000000 01000000 {GUID.hex()}"), 0),  # a standard PTP/IP Init: wrong length
    (h("52000000 05000000"), 4),
])
def test_init_phase_refusals(head, offset):
    framer = FujiFramer(FujiHandshake.INIT)
    framer.feed(head)
    assert drain_until_error(framer)[1].offset == offset


# ---- bounded memory --------------------------------------------------------------------------

def test_non_data_containers_are_never_buffered_past_the_cap():
    assert MAX_CONTAINER == 32
    framer = FujiFramer(None)
    framer.feed(struct.pack("<IHHI", MAX_CONTAINER, 3, 0x2001, 1) + bytes(19))
    assert list(framer) == []  # one byte short of the largest legal container
    framer.feed(b"\x00")
    assert list(framer) == [FujiResponse(0x2001, 1, (0,) * 5)]


def test_the_ack_waits_for_at_most_the_handshake_cap():
    framer = FujiFramer()
    framer.feed(struct.pack("<II", MAX_HANDSHAKE_PACKET, 2) + bytes(MAX_HANDSHAKE_PACKET - 9))
    assert list(framer) == []
    framer.feed(b"\x00")
    assert isinstance(next(iter(framer)), InitCommandAck)


@pytest.mark.parametrize("feed_size", [64 * 1024, 100_000, 7])
def test_a_4_gib_data_container_streams_in_bounded_memory(feed_size):
    piece = 64 * 1024
    total = 10 * 1024 * 1024 if feed_size > 1000 else 256 * 1024
    chunk = bytes(range(256)) * (feed_size // 256) + bytes(range(feed_size % 256))
    framer = FujiFramer(None, data_piece=piece)
    received, max_buffered = 0, 0
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        framer.feed(struct.pack("<IHHI", 0xFFFFFFFF, 2, 0x1009, 77))
        assert framer.next_container() == FujiDataHeader(0x1009, 77, 0xFFFFFFFF - 12)
        while received < total:
            framer.feed(chunk)
            max_buffered = max(max_buffered, len(framer._buf))
            while (item := framer.next_container()) is not None:
                assert type(item) is FujiDataPiece and item.transaction_id == 77
                assert 0 < len(item.payload) <= piece and not item.last
                received += len(item.payload)
        peak = tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()
    assert received >= total - piece
    assert max_buffered <= piece + feed_size
    assert peak < 4 * (piece + feed_size)  # buffering the container would take 10 MiB
    assert framer.in_container
