"""FujiSession against a scripted X-series body: bring-up, listing, downloads, the full-size
property, the pushed state, pairing, busy retries, drops, stalls and cancel."""

from __future__ import annotations

import io
import threading
import time

import pytest
from fuji_fake import PREVIEW, FakeFuji, FujiImage, pattern

from airnef_tui.camera import CameraRefused, ConnectionLost, OperationFailed, list_files
from airnef_tui.camera.channel import StallRule
from airnef_tui.camera.errors import Interrupted
from airnef_tui.camera.fuji_session import FUJI_STORAGE, FujiSession
from airnef_tui.camera.fuji_setup import PairingTimedOut
from airnef_tui.ptpip import DeviceInfo, EventCode, OpCode

MIB = 1024 * 1024
GUID = bytes(range(0xA0, 0xB0))
GET_PROP, SET_PROP = OpCode.GET_DEVICE_PROP_VALUE, OpCode.SET_DEVICE_PROP_VALUE


def images() -> list[FujiImage]:
    return [FujiImage("DSCF0001.JPG", pattern(1, 300_000), "20240501T101500"),
            FujiImage("DSCF0002.RAF", pattern(2, int(2.5 * MIB)), "20240501T101600"),
            FujiImage("DSCF0003.MOV", pattern(3, 50_000), "20240501T101700")]


@pytest.fixture
def fuji_to():
    made: list[FujiSession] = []

    def make(port: int, **options) -> FujiSession:
        options.setdefault("guid", GUID)
        options.setdefault("name", "pytest")
        options.setdefault("io_timeout", 2.0)
        options.setdefault("connect_timeout", 2.0)
        session = FujiSession("127.0.0.1", port, **options)
        made.append(session)
        return session

    yield make
    for session in made:
        session.close()


def eventually(check, seconds: float = 2.0) -> bool:
    """The fake serves in its own thread: what the client sent last may still be on its way."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def props_set(cam: FakeFuji) -> list[tuple[int, bytes]]:
    return [(s.params[0], s.data) for s in cam.seen if s.code == SET_PROP]


def test_bring_up_follows_the_phone_app_and_completes_an_empty_device_info(fuji_to):
    with FakeFuji(images()) as cam:
        session = fuji_to(cam.port).open()
        assert session.vendor.make == "fujifilm"
        assert session.device_info.manufacturer == "FUJIFILM"
        assert session.device_info.model == "X-T4"  # from the Ack's name: DeviceInfo was empty
        assert session.camera_name == "X-T4" and session.connected
        assert session.camera_state == 2 and session.client_state == 2
        assert session.object_count == 3
        session.close()
        assert eventually(lambda: cam.hang_ups == 1)
    init = cam.inits[0]
    assert init.guid == GUID and init.name == "pytest"
    assert cam.seen[0].code == OpCode.OPEN_SESSION
    assert cam.seen[0].at - cam.init_times[0] >= 0.05  # the pause the notes ask for
    reads = [s.params[0] for s in cam.seen if s.code == GET_PROP]
    assert reads[:5] == [0xD212, 0xDF22, 0xDF25, 0xDF21, 0xDF24]
    assert props_set(cam)[:2] == [(0xDF01, b"\x02\x00"), (0xDF22, b"\x05\x00\x00\x00")]
    assert cam.codes()[-1] == OpCode.CLOSE_SESSION
    assert OpCode.GET_OBJECT_HANDLES not in cam.codes()


def test_a_model_nobody_names_is_an_x_series(fuji_to):
    with FakeFuji(images(), camera_name="") as cam:
        with fuji_to(cam.port) as session:
            assert session.device_info.model == "X series"


def test_a_device_info_the_camera_gives_is_kept(fuji_to):
    given = DeviceInfo(manufacturer="FUJIFILM", model="X-T2", serial_number="71A12345")
    with FakeFuji(images(), device_info=given.encode()) as cam:
        with fuji_to(cam.port) as session:
            assert (session.device_info.model, session.device_info.serial_number) == \
                ("X-T2", "71A12345")


def test_listing_and_downloads_use_full_sizes_and_one_mib_pieces(fuji_to):
    with FakeFuji(images()) as cam:
        with fuji_to(cam.port) as session:
            files = list_files(session)
            assert [(f.handle, f.path, f.size, f.folder, f.slot) for f in files] == [
                (1, "DSCF0001.JPG", 300_000, "", 1), (2, "DSCF0002.RAF", int(2.5 * MIB), "", 1),
                (3, "DSCF0003.MOV", 50_000, "", 1)]
            assert {f.storage_id for f in files} == {FUJI_STORAGE}
            for file, image in zip(files, images()):
                sink = io.BytesIO()
                assert session.download(file.handle, sink, size=file.size) == file.size
                assert sink.getvalue() == image.content
    object_ops = [s for s in cam.seen
                  if s.code in (OpCode.GET_OBJECT_INFO, OpCode.GET_PARTIAL_OBJECT)]
    assert object_ops and all(s.full_size == 1 for s in object_ops)
    pieces = [s.params for s in cam.seen
              if s.code == OpCode.GET_PARTIAL_OBJECT and s.params[0] == 2]
    assert pieces == [(2, 0, MIB), (2, MIB, MIB), (2, 2 * MIB, MIB // 2)]
    assert props_set(cam)[-1] == (0xD227, b"\x00\x00")  # back to 0 before CloseSession
    assert cam.codes()[-1] == OpCode.CLOSE_SESSION


def test_without_the_full_size_property_the_camera_gives_a_preview(fuji_to):
    """What the session guards against: the fake, like the camera, answers a preview's size."""
    with FakeFuji(images()) as cam:
        with fuji_to(cam.port) as session:
            raw = session.operation(OpCode.GET_OBJECT_INFO, (2,))
            assert int.from_bytes(raw[8:12], "little") == PREVIEW
            assert session.object_info(2).compressed_size == int(2.5 * MIB)


def test_thumbnails_and_the_unsupported_large_ones(fuji_to):
    with FakeFuji(images()) as cam:
        with fuji_to(cam.port) as session:
            assert session.thumb(1) == images()[0].thumb
            with pytest.raises(OperationFailed):
                session.thumb(1, large=True)
            assert session.poll_events() == () and session.transfer_list() == ()


def test_new_shots_arrive_as_object_added_events(fuji_to):
    with FakeFuji(images()) as cam:
        with fuji_to(cam.port) as session:
            cam.images.append(FujiImage("DSCF0004.JPG", pattern(4, 1000)))
            session.poll_events()
            event = session.events.get(timeout=1)
            assert event.code == EventCode.OBJECT_ADDED and event.params == (4,)
            assert session.object_handles() == (1, 2, 3, 4)


def test_a_busy_camera_is_asked_once_more_after_half_a_second(fuji_to):
    with FakeFuji(images(), init_answers=["busy", "ack"]) as cam:
        with fuji_to(cam.port) as session:
            assert session.connected
    assert len(cam.inits) == 2
    assert cam.init_times[1] - cam.init_times[0] >= 0.45


def test_a_camera_busy_twice_is_a_refusal(fuji_to):
    with FakeFuji(images(), init_answers=["busy", "busy", "busy"]) as cam:
        with pytest.raises(CameraRefused) as refused:
            fuji_to(cam.port).open()
    assert len(cam.inits) == 2 and refused.value.code == 0x2019
    assert "busy" in str(refused.value)


def test_first_pairing_waits_for_ok_on_the_camera_and_says_so(fuji_to):
    notes: list[str] = []
    with FakeFuji(images(), pairing_polls=3) as cam:
        with fuji_to(cam.port, on_note=notes.append) as session:
            assert session.camera_state == 2
    assert len(notes) == 1 and "press OK on the camera" in notes[0]


def test_a_pairing_never_accepted_ends_in_a_clear_refusal(fuji_to):
    notes: list[str] = []
    with FakeFuji(images(), pairing_polls=None) as cam:
        started = time.monotonic()
        with pytest.raises(PairingTimedOut) as refused:
            fuji_to(cam.port, pairing_timeout=0.8, on_note=notes.append).open()
        assert eventually(lambda: cam.hang_ups == 1)  # left politely
    assert time.monotonic() - started < 3
    assert isinstance(refused.value, CameraRefused) and "press OK" in str(refused.value)
    assert notes


def test_a_camera_asking_its_user_before_it_answers_the_client_state(fuji_to):
    notes: list[str] = []
    with FakeFuji(images(), client_state_delay=1.2) as cam:
        with fuji_to(cam.port, io_timeout=0.5, pairing_timeout=5, on_note=notes.append) as s:
            assert s.client_state == 2
    assert len(notes) == 1


def test_cancel_ends_a_pairing_wait_promptly(fuji_to):
    cancel = threading.Event()
    with FakeFuji(images(), pairing_polls=None) as cam:
        threading.Timer(0.4, cancel.set).start()
        started = time.monotonic()
        with pytest.raises(Interrupted):
            fuji_to(cam.port, cancel=cancel, pairing_timeout=30).open()
    assert time.monotonic() - started < 1.5


def test_a_drop_mid_download_resumes_from_its_offset(fuji_to):
    content = images()[1].content
    with FakeFuji(images(), cut_after_data=MIB + 123_457) as cam:
        sink = io.BytesIO()
        with fuji_to(cam.port) as session:
            session.object_info(2)
            with pytest.raises(ConnectionLost) as lost:
                session.download(2, sink, size=len(content))
        offset = lost.value.offset  # every byte that arrived before the cut was kept
        assert MIB <= offset < MIB + 123_457 and sink.getvalue() == content[:offset]
        with fuji_to(cam.port) as session:
            session.download(2, sink, size=len(content), offset=offset)
    assert sink.getvalue() == content


def test_a_silent_camera_is_a_lost_connection(fuji_to):
    with FakeFuji(images(), stall_after_data=200_000) as cam:
        with fuji_to(cam.port, io_timeout=0.6) as session:
            started = time.monotonic()
            sink = io.BytesIO()
            with pytest.raises(ConnectionLost) as lost:
                session.download(2, sink, size=int(2.5 * MIB))
    assert lost.value.timed_out and 0 < lost.value.offset <= 200_000
    assert sink.getvalue() == images()[1].content[:lost.value.offset]
    assert time.monotonic() - started < 2


def test_the_stall_rule_applies(fuji_to):
    with FakeFuji(images(), stall_after_data=200_000) as cam:
        with fuji_to(cam.port, io_timeout=5, stall=StallRule(10 * MIB, 0.5)) as session:
            started = time.monotonic()
            with pytest.raises(ConnectionLost, match="stalled"):
                session.download(2, io.BytesIO(), size=int(2.5 * MIB))
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("count_known", [True, False], ids=["counted", "until-hang-up"])
def test_a_camera_pushing_its_picked_images_gives_them_all(fuji_to, tmp_path, count_known):
    notes: list[str] = []
    with FakeFuji(images(), state=1, count_known=count_known) as cam:
        session = fuji_to(cam.port, spool_dir=tmp_path, on_note=notes.append).open()
        assert session.pushes_images and session.client_state == 1
        files = list_files(session)
        assert [(f.handle, f.name, f.size) for f in files] == [
            (1, "DSCF0001.JPG", 300_000), (2, "DSCF0002.RAF", int(2.5 * MIB)),
            (3, "DSCF0003.MOV", 50_000)]
        assert session.transfer_list() == (1, 2, 3)
        assert session.hung_up is not count_known  # uncounted, its hang-up ends the set
        for file, image in zip(files, images()):
            sink = io.BytesIO()
            session.download(file.handle, sink, size=file.size, offset=0)
            assert sink.getvalue() == image.content
        session.close()
    assert list(tmp_path.iterdir()) == []  # every image delivered: the spool is gone
    assert any("DSCF0002.RAF" in note for note in notes)


def test_pushed_images_no_download_took_are_kept_and_named(fuji_to, tmp_path):
    notes: list[str] = []
    with FakeFuji(images(), state=1) as cam:
        with fuji_to(cam.port, spool_dir=tmp_path, on_note=notes.append) as session:
            files = list_files(session)
            session.download(1, io.BytesIO(), size=files[0].size)
    (spool,) = tmp_path.iterdir()
    assert sorted(p.name for p in spool.iterdir()) == ["00002.image", "00003.image"]
    assert "2 image(s)" in notes[-1] and str(spool) in notes[-1]


def test_the_camera_hanging_up_mid_session_is_a_lost_connection(fuji_to):
    with FakeFuji(images()) as cam:
        with fuji_to(cam.port) as session:
            cam._hang_up_now = True
            session.keep_alive()
            with pytest.raises(ConnectionLost, match="hung up"):
                session.keep_alive()
            assert session.hung_up and not session.connected


def test_the_event_list_is_read_strictly():
    from airnef_tui.camera.fuji_setup import parse_event_list, prop_int
    from airnef_tui.ptpip import ProtocolError

    listed = bytes.fromhex("0200" "00df" "02000000" "22d2" "03000000" "ff")  # trailing byte ok
    assert parse_event_list(listed) == {0xDF00: 2, 0xD222: 3}
    assert parse_event_list(b"\x00\x00") == {}
    for short in (b"", b"\x01\x00", bytes.fromhex("0200" "00df" "02000000")):
        with pytest.raises(ProtocolError):
            parse_event_list(short)
    assert prop_int(b"\x02\x00") == 2 and prop_int(b"\x0a\x00\x02\x00") == 0x2000A
    with pytest.raises(ProtocolError):
        prop_int(b"\x01\x02\x03")
