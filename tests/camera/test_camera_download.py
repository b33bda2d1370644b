"""Streaming downloads against a scripted peer: pieces, 64-bit offsets, fallbacks, cancel, sinks."""

from __future__ import annotations

import io

import pytest
from fakecam import FakeCamera, FakeObject, pattern_bytes, photo

from airnef_tui.camera import (
    CameraProtocolError, DownloadCancelled, OperationFailed,
)
from airnef_tui.ptpip import ObjectInfo, OpCode, ResponseCode

CONTENT = pattern_bytes(0, 300_000)
GIB = 1 << 30


def big_object(size: int) -> dict[int, FakeObject]:
    info = ObjectInfo(storage_id=0x00010001, object_format=0x300D,
                      compressed_size=min(size, 0xFFFFFFFF), filename="BIG.MOV")
    return {9: FakeObject(info, size=size)}


class TailSink:
    """Records only what lands from `start` on, as a resumed download into a sparse file would."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.writes = 0

    def write(self, piece) -> int:
        self.writes += 1
        self.data += piece
        return len(piece)


def test_download_streams_pieces_of_chunk_size_with_progress(session_to):
    progress = []
    with FakeCamera(objects=dict([photo(5, "a.JPG", CONTENT)])) as cam:
        with session_to(cam.port, chunk_size=100_000) as session:
            sink = io.BytesIO()
            written = session.download(5, sink, size=len(CONTENT),
                                       progress=lambda done, total: progress.append((done, total)))
    assert written == len(CONTENT) and sink.getvalue() == CONTENT
    assert progress == [(100_000, 300_000), (200_000, 300_000), (300_000, 300_000)]
    reads = [r.params for r in cam.requests if r.code == OpCode.GET_PARTIAL_OBJECT]
    assert reads == [(5, 0, 100_000), (5, 100_000, 100_000), (5, 200_000, 100_000)]


def test_download_resumes_from_an_offset(session_to):
    with FakeCamera(objects=dict([photo(5, "a.JPG", CONTENT)])) as cam:
        with session_to(cam.port, chunk_size=128 * 1024) as session:
            sink = io.BytesIO()
            assert session.download(5, sink, size=len(CONTENT), offset=123_457) == 300_000 - 123_457
    assert sink.getvalue() == CONTENT[123_457:]


def test_canon_style_many_data_packets_arrive_intact(session_to):
    with FakeCamera(objects=dict([photo(5, "a.JPG", CONTENT)]), data_packet=4096) as cam:
        with session_to(cam.port) as session:
            sink = io.BytesIO()
            session.download(5, sink, size=len(CONTENT))
            assert session.get_object(5) == CONTENT
    assert sink.getvalue() == CONTENT


def test_cancel_is_checked_between_pieces_and_leaves_the_session_usable(session_to):
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2

    with FakeCamera(objects=dict([photo(5, "a.JPG", CONTENT)])) as cam:
        with session_to(cam.port, chunk_size=100_000) as session:
            sink = io.BytesIO()
            with pytest.raises(DownloadCancelled) as caught:
                session.download(5, sink, size=len(CONTENT), cancelled=cancelled)
            assert caught.value.offset == 200_000 == len(sink.getvalue())
            assert session.object_info(5).filename == "a.JPG"


def test_a_failing_sink_is_reraised_after_the_piece_is_drained(session_to):
    class FullDisk:
        def write(self, piece):
            raise OSError(28, "No space left on device")

    with FakeCamera(objects=dict([photo(5, "a.JPG", CONTENT)])) as cam:
        with session_to(cam.port, chunk_size=100_000) as session:
            with pytest.raises(OSError, match="No space left"):
                session.download(5, FullDisk(), size=len(CONTENT))
            assert session.object_info(5).filename == "a.JPG"  # still in step


def test_whole_get_object_when_the_camera_has_no_partial_read(session_to):
    ops = (OpCode.GET_DEVICE_INFO, OpCode.GET_OBJECT, OpCode.GET_OBJECT_INFO)
    with FakeCamera(objects=dict([photo(5, "a.JPG", CONTENT)]), operations=ops) as cam:
        with session_to(cam.port, chunk_size=100_000) as session:
            sink = io.BytesIO()
            session.download(5, sink, size=len(CONTENT), offset=1000)
    assert sink.getvalue() == CONTENT[1000:]
    assert OpCode.GET_PARTIAL_OBJECT not in cam.codes()


def test_partial_read_refused_at_run_time_falls_back_to_get_object(session_to):
    def no_partial(cam, request):
        if request.code == OpCode.GET_PARTIAL_OBJECT:
            return cam.response(request, ResponseCode.OPERATION_NOT_SUPPORTED)
        return None

    with FakeCamera(objects=dict([photo(5, "a.JPG", CONTENT)]), override=no_partial) as cam:
        with session_to(cam.port) as session:
            sink = io.BytesIO()
            session.download(5, sink, size=len(CONTENT))
    assert sink.getvalue() == CONTENT
    assert cam.codes().count(OpCode.GET_OBJECT) == 1


def test_an_error_response_names_operation_and_code(session_to):
    with FakeCamera() as cam:
        with session_to(cam.port) as session:
            with pytest.raises(OperationFailed) as caught:
                session.download(77, io.BytesIO(), size=10)
            assert caught.value.response_code == ResponseCode.INVALID_OBJECT_HANDLE
            assert "GET_PARTIAL_OBJECT (0x101B)" in str(caught.value)
            assert "INVALID_OBJECT_HANDLE (0x2009)" in str(caught.value)


@pytest.mark.parametrize(("manufacturer", "operations", "op64"), [
    ("Acme", (OpCode.GET_PARTIAL_OBJECT, OpCode.MTP_GET_PARTIAL_OBJECT_64),
     OpCode.MTP_GET_PARTIAL_OBJECT_64),
    ("Nikon", (OpCode.GET_PARTIAL_OBJECT, OpCode.NIKON_GET_PARTIAL_OBJECT_EX),
     OpCode.NIKON_GET_PARTIAL_OBJECT_EX),
    ("Nikon", (OpCode.GET_PARTIAL_OBJECT,), OpCode.NIKON_GET_PARTIAL_OBJECT_EX),  # unadvertised
])
def test_beyond_4_gib_the_64_bit_vendor_op_is_used(session_to, manufacturer, operations, op64):
    size = 5 * GIB + 12_345
    start = 4 * GIB - 150_000
    with FakeCamera(manufacturer=manufacturer, operations=operations,
                    objects=big_object(size)) as cam:
        with session_to(cam.port, chunk_size=1 << 20) as session:
            info = session.object_info(9)
            assert info.size_is_truncated
            assert session.object_size(9, info) == size
            sink = TailSink()
            with pytest.raises(DownloadCancelled):  # three pieces tell the story; stop there
                session.download(9, sink, size=size, offset=start,
                                 cancelled=lambda: len(sink.data) > 3 << 20)
    assert bytes(sink.data[:3 << 20]) == pattern_bytes(start, 3 << 20)
    reads = [r for r in cam.requests if r.code in (OpCode.GET_PARTIAL_OBJECT, op64)]
    assert reads[0].code == OpCode.GET_PARTIAL_OBJECT and reads[0].params == (9, start, 150_000)
    assert reads[1].code == op64
    assert reads[1].params[1:3] == (0, 1)  # offset 4 GiB: low word 0, high word 1
    assert reads[2].params[1:3] == (1 << 20, 1)


def test_the_last_piece_past_4_gib_reaches_the_end_exactly(session_to):
    size = 5 * GIB + 12_345
    ops = (OpCode.GET_PARTIAL_OBJECT, OpCode.MTP_GET_PARTIAL_OBJECT_64)
    with FakeCamera(operations=ops, objects=big_object(size)) as cam:
        with session_to(cam.port) as session:
            sink = TailSink()
            assert session.download(9, sink, size=size, offset=size - 70_000) == 70_000
    assert bytes(sink.data) == pattern_bytes(size - 70_000, 70_000)
    assert cam.requests[-2].params == (9, (size - 70_000) & 0xFFFFFFFF, 1, 70_000)


def test_without_a_64_bit_op_a_resume_past_4_gib_skips_through_get_object(
        session_to, monkeypatch):
    # Streaming 4 GiB through GetObject would take minutes: move the 32-bit limit down instead.
    monkeypatch.setattr("airnef_tui.camera.session.FOUR_GIB", 100_000)
    ops = (OpCode.GET_PARTIAL_OBJECT, OpCode.GET_OBJECT)
    with FakeCamera(operations=ops, objects=dict([photo(5, "a.JPG", CONTENT)])) as cam:
        with session_to(cam.port, chunk_size=64 * 1024) as session:
            assert session.vendor.partial64_op(session.device_info) is None
            sink = io.BytesIO()
            session.download(5, sink, size=len(CONTENT), offset=30_000)
    assert sink.getvalue() == CONTENT[30_000:]
    assert [(r.code, r.params) for r in cam.requests[2:-1]] == [
        (OpCode.GET_PARTIAL_OBJECT, (5, 30_000, 64 * 1024)),
        (OpCode.GET_PARTIAL_OBJECT, (5, 30_000 + 64 * 1024, 100_000 - 30_000 - 64 * 1024)),
        (OpCode.GET_OBJECT, (5,)),
    ]


def test_a_data_phase_longer_than_asked_is_a_protocol_error(session_to):
    def too_much(cam, request):
        if request.code == OpCode.GET_PARTIAL_OBJECT:
            return cam.data(request, b"x" * (request.params[2] + 1))
        return None

    with FakeCamera(objects=dict([photo(5, "a.JPG", CONTENT)]), override=too_much) as cam:
        with session_to(cam.port) as session:
            sink = TailSink()
            with pytest.raises(CameraProtocolError, match="announced where at most"):
                session.download(5, sink, size=len(CONTENT))
            assert sink.writes == 0
            assert not session.connected


def test_an_empty_piece_before_the_end_is_an_error_not_a_loop(session_to):
    def nothing(cam, request):
        if request.code == OpCode.GET_PARTIAL_OBJECT:
            return cam.data(request, b"")
        return None

    with FakeCamera(objects=dict([photo(5, "a.JPG", CONTENT)]), override=nothing) as cam:
        with session_to(cam.port) as session:
            with pytest.raises(CameraProtocolError, match="no data for handle 5 at offset 0"):
                session.download(5, io.BytesIO(), size=len(CONTENT))


def test_short_pieces_continue_from_where_the_camera_stopped(session_to):
    def short(cam, request):
        if request.code == OpCode.GET_PARTIAL_OBJECT:
            handle, offset, count = request.params
            return cam.data(request, CONTENT[offset:offset + min(count, 70_000)])
        return None

    with FakeCamera(objects=dict([photo(5, "a.JPG", CONTENT)]), override=short) as cam:
        with session_to(cam.port, chunk_size=100_000) as session:
            sink = io.BytesIO()
            session.download(5, sink, size=len(CONTENT))
    assert sink.getvalue() == CONTENT
