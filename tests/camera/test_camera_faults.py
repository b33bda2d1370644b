"""A camera that cuts, stalls or babbles: the session raises a CameraError promptly, never spins."""

from __future__ import annotations

import io
import time

import pytest
from fakecam import FakeCamera, FakeObject, Hangup, Stall, pattern_bytes, photo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airnef_tui.camera import CameraError, CameraProtocolError, ConnectionLost, list_files
from airnef_tui.ptpip import ObjectInfo, OpCode

CONTENT = pattern_bytes(0, 1_000_000)
FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def cut_partial_reads(at_offset: int, reply_type=Hangup):
    """Answer GetPartialObject normally until the object byte `at_offset`, then cut the packet."""
    def override(cam, request):
        if request.code != OpCode.GET_PARTIAL_OBJECT:
            return None
        handle, offset, count = request.params
        if offset + count <= at_offset:
            return None
        reply = cam.data(request, CONTENT[offset:offset + count])
        before_payload = 20 + 12  # Start Data, then the End Data header
        return reply_type(reply[:before_payload + at_offset - offset])
    return override


def test_a_cut_in_the_middle_of_a_packet_raises_at_once_with_the_offset(session_to):
    drop_at = 650_000
    with FakeCamera(objects=dict([photo(5, "a.JPG", CONTENT)]),
                    override=cut_partial_reads(drop_at)) as cam:
        with session_to(cam.port, chunk_size=256 * 1024, io_timeout=1.0) as session:
            sink = io.BytesIO()
            cpu, wall = time.process_time(), time.monotonic()
            with pytest.raises(ConnectionLost) as caught:
                session.download(5, sink, size=len(CONTENT))
            wall, cpu = time.monotonic() - wall, time.process_time() - cpu
            assert not session.connected
            session.close()  # quiet after a loss
    lost = caught.value
    assert lost.mid_packet and not lost.timed_out
    assert 0 < lost.offset <= drop_at
    assert lost.offset == len(sink.getvalue())
    assert sink.getvalue() == CONTENT[:lost.offset]
    assert wall < 0.9 and cpu < 0.5
    assert "in the middle of a packet" in str(lost) and f"after {lost.offset} bytes" in str(lost)


def test_a_stall_raises_after_the_read_timeout_without_spinning(session_to):
    with FakeCamera(objects=dict([photo(5, "a.JPG", CONTENT)]),
                    override=cut_partial_reads(400_000, Stall)) as cam:
        with session_to(cam.port, chunk_size=256 * 1024, io_timeout=0.8) as session:
            sink = io.BytesIO()
            cpu, wall = time.process_time(), time.monotonic()
            with pytest.raises(ConnectionLost) as caught:
                session.download(5, sink, size=len(CONTENT))
            wall, cpu = time.monotonic() - wall, time.process_time() - cpu
    assert caught.value.timed_out and caught.value.mid_packet
    assert 0 < caught.value.offset <= 400_000
    assert 0.7 < wall < 1.5
    assert cpu < 0.3


def test_after_a_loss_every_call_raises_again_without_touching_the_socket(session_to):
    with FakeCamera(objects=dict([photo(5, "a.JPG", CONTENT)]),
                    override=cut_partial_reads(10)) as cam:
        with session_to(cam.port) as session:
            with pytest.raises(ConnectionLost):
                session.download(5, io.BytesIO(), size=len(CONTENT))
            started = time.monotonic()
            for _ in range(3):
                with pytest.raises(ConnectionLost):
                    session.storage_ids()
            assert time.monotonic() - started < 0.1


@pytest.mark.parametrize("reply", [
    lambda cam, r: cam.data(r.__class__(r.code, r.transaction_id + 1, r.params), b"abc"),
    lambda cam, r: cam.response(r.__class__(r.code, r.transaction_id + 5, r.params)),
    lambda cam, r: cam.data(r, b"abcdef")[:20] + cam.data(r, b"abc")[20:],  # short of announced
])
def test_inconsistent_replies_are_protocol_errors(session_to, reply):
    def override(cam, request):
        return reply(cam, request) if request.code == OpCode.GET_STORAGE_IDS else None

    with FakeCamera(override=override) as cam:
        with session_to(cam.port, io_timeout=0.5) as session:
            with pytest.raises(CameraProtocolError):
                session.storage_ids()
            assert not session.connected


def test_a_malformed_dataset_keeps_the_session_usable(session_to):
    def override(cam, request):
        if request.code == OpCode.GET_OBJECT_INFO:
            return cam.data(request, b"\x01\x00")
        return None

    with FakeCamera(objects=dict([photo(5, "a.JPG", CONTENT)]), override=override) as cam:
        with session_to(cam.port) as session:
            with pytest.raises(CameraProtocolError, match="ObjectInfo of 5"):
                session.object_info(5)
            assert session.storage_ids() == (0x00010001,)


@FUZZ
@given(st.binary(max_size=200))
def test_random_bytes_as_the_handshake_reply_raise_only_camera_errors(session_to, junk):
    with FakeCamera(init_reply="raw", init_raw=junk) as cam:
        with pytest.raises(CameraError):
            session_to(cam.port, io_timeout=0.5).open()


@FUZZ
@given(st.binary(max_size=300), st.sampled_from([OpCode.GET_DEVICE_INFO, OpCode.GET_STORAGE_IDS,
                                                 OpCode.GET_OBJECT_INFO]))
def test_random_bytes_as_an_operation_reply_raise_only_camera_errors(session_to, junk, opcode):
    def override(cam, request):
        return Hangup(junk) if request.code == opcode else None

    with FakeCamera(objects=dict([photo(5, "a.JPG", b"x")]), override=override) as cam:
        with pytest.raises(CameraError):
            with session_to(cam.port, io_timeout=0.5) as session:
                session.storage_ids()
                session.object_info(5)


@FUZZ
@given(st.floats(0, 1, exclude_max=True),
       st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)), max_size=3))
def test_truncated_or_corrupted_replies_raise_only_camera_errors(session_to, cut, flips):
    def override(cam, request):
        if request.code != OpCode.GET_PARTIAL_OBJECT:
            return None
        handle, offset, count = request.params
        reply = bytearray(cam.data(request, CONTENT[offset:offset + count]))
        for where, xor in flips:
            reply[int(where * len(reply))] ^= xor
        return Hangup(bytes(reply[:int(cut * len(reply))]))

    with FakeCamera(objects=dict([photo(5, "a.JPG", CONTENT[:5000])]), override=override) as cam:
        with session_to(cam.port, io_timeout=0.5) as session:
            with pytest.raises(CameraError):
                session.download(5, io.BytesIO(), size=5000)
        assert cam.errors == []


@FUZZ
@given(st.binary(max_size=300), st.sampled_from([
    OpCode.GET_STORAGE_IDS, OpCode.GET_STORAGE_INFO, OpCode.GET_OBJECT_INFO,
    OpCode.GET_OBJECT_HANDLES, OpCode.MTP_GET_OBJECT_PROP_VALUE]))
def test_well_framed_but_random_datasets_raise_only_camera_errors(session_to, junk, opcode):
    def override(cam, request):
        return cam.data(request, junk) if request.code == opcode else None

    big = FakeObject(ObjectInfo(storage_id=0x00010001, compressed_size=0xFFFFFFFF,
                                filename="BIG.MOV"), size=1)
    with FakeCamera(objects={5: big}, override=override) as cam:
        with session_to(cam.port, io_timeout=0.5) as session:
            try:
                list_files(session)
                session.storage_info(0x00010001)
            except CameraError:
                pass
            assert session.connected  # a bad dataset never desynchronises the stream
