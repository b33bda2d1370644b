"""The catalogue walk: whole-store and level-by-level cameras, slots, odd names, hostile chains."""

from __future__ import annotations

from datetime import datetime

import pytest
from fakecam import FakeCamera, FakeObject, folder, photo

from airnef_tui.camera import CameraFile, ConnectionLost, list_files
from airnef_tui.ptpip import ObjectInfo, OpCode, ResponseCode

SLOT2 = 0x00020001


def tree() -> dict[int, FakeObject]:
    return dict([
        folder(1, "DCIM"), folder(2, "100NIKON", parent=1), folder(3, "sub", parent=2),
        photo(10, "DSC_0001.JPG", b"a" * 10, parent=2),
        photo(11, "DSC_0002.NEF", b"b" * 20, parent=3, date="20240506T070809.0"),
        photo(12, "ROOT.TXT", b"c", date=""),
        folder(20, "DCIM", storage=SLOT2), photo(21, "x.JPG", b"d" * 5, parent=20, storage=SLOT2),
    ])


@pytest.mark.parametrize("whole_store", [True, False])
def test_paths_folders_and_dates_from_either_kind_of_listing(session_to, whole_store):
    with FakeCamera(objects=tree(), storages=(0x00010001, SLOT2),
                    whole_store_listing=whole_store) as cam:
        with session_to(cam.port) as session:
            files = list_files(session)
    assert [f.path for f in files] == [
        "DCIM/100NIKON/DSC_0001.JPG", "DCIM/100NIKON/sub/DSC_0002.NEF", "ROOT.TXT", "DCIM/x.JPG"]
    nef = files[1]
    assert nef == CameraFile(handle=11, storage_id=0x00010001, slot=1,
                             path="DCIM/100NIKON/sub/DSC_0002.NEF", name="DSC_0002.NEF",
                             folder="sub", size=20, captured=datetime(2024, 5, 6, 7, 8, 9),
                             format=0x3801)
    assert files[2].folder == "" and files[2].captured is None
    assert files[3].slot == 2
    walks = [r.params for r in cam.requests if r.code == OpCode.GET_OBJECT_HANDLES]
    if whole_store:
        assert all(p[2] == 0 for p in walks)  # no folder needed asking: children already known
    else:
        assert (0x00010001, 0, 3) in walks
    assert all(len(p) == 3 for p in walks)  # Sony needs all three parameters


def test_empty_slots_are_skipped(session_to):
    with FakeCamera(objects=tree(), storages=(0x00010001, 0x00020000)) as cam:
        with session_to(cam.port) as session:
            files = list_files(session)
    assert {f.slot for f in files} == {1}
    assert not any(r.params[:1] == (0x00020000,) for r in cam.requests
                   if r.code == OpCode.GET_OBJECT_HANDLES)


def test_a_looping_parent_chain_and_hostile_names_end(session_to):
    objects = dict([
        (1, FakeObject(ObjectInfo(storage_id=0x00010001, object_format=0x3001, parent_object=2,
                                  filename=".."))),
        (2, FakeObject(ObjectInfo(storage_id=0x00010001, object_format=0x3001, parent_object=1,
                                  filename="/etc"))),
        (3, FakeObject(ObjectInfo(storage_id=0x00010001, object_format=0x3801, parent_object=3,
                                  compressed_size=1, filename="self"), b"s")),
        photo(4, "a/../../b.JPG", b"x", parent=1),
    ])
    with FakeCamera(objects=objects) as cam:
        with session_to(cam.port) as session:
            files = list_files(session)
    by_handle = {f.handle: f for f in files}
    assert by_handle[3].path == "self" and by_handle[3].folder == ""
    assert by_handle[4].name == "a/../../b.JPG"  # raw: the transfer layer sanitises
    assert by_handle[4].path == "/etc/../a/../../b.JPG"


def test_a_camera_inventing_folders_forever_is_bounded(session_to, monkeypatch):
    monkeypatch.setattr("airnef_tui.camera.catalogue.MAX_FOLDERS", 30)
    from airnef_tui.ptpip.wire import array

    def endless(cam, request):
        if request.code == OpCode.GET_OBJECT_HANDLES:
            parent = request.params[2]
            child = 1 if parent in (0, 0xFFFFFFFF) else parent + 1
            return cam.data(request, array("I", (child, parent)))  # itself too, for good measure
        if request.code == OpCode.GET_OBJECT_INFO:
            handle = request.params[0]
            return cam.data(request, ObjectInfo(storage_id=0x00010001, object_format=0x3001,
                                                parent_object=handle - 1, filename="d").encode())
        return None

    with FakeCamera(override=endless) as cam:
        with session_to(cam.port) as session:
            assert list_files(session) == []
    assert cam.codes().count(OpCode.GET_OBJECT_HANDLES) <= 31


def test_an_object_the_camera_cannot_describe_is_skipped_and_reported(session_to):
    def override(cam, request):
        if request.code == OpCode.GET_OBJECT_INFO and request.params == (11,):
            return cam.response(request, ResponseCode.ACCESS_DENIED)
        return None

    skipped = []
    with FakeCamera(objects=tree(), override=override) as cam:
        with session_to(cam.port) as session:
            files = list_files(session, on_skip=lambda handle, error: skipped.append(handle))
    assert 11 not in {f.handle for f in files} and skipped == [11]


def test_a_lost_connection_during_the_walk_still_raises(session_to):
    def override(cam, request):
        if request.code == OpCode.GET_OBJECT_INFO and request.params == (11,):
            from fakecam import Hangup
            return Hangup(b"")
        return None

    with FakeCamera(objects=tree(), override=override) as cam:
        with session_to(cam.port) as session:
            with pytest.raises(ConnectionLost):
                list_files(session)


def test_nikon_object_info_general_error_right_after_a_shot_is_retried(session_to, monkeypatch):
    monkeypatch.setattr("airnef_tui.camera.session._RETRY_PAUSE", 0.01)
    failures = [2]

    def override(cam, request):
        if request.code == OpCode.GET_OBJECT_INFO and failures[0]:
            failures[0] -= 1
            return cam.response(request, ResponseCode.GENERAL_ERROR)
        return None

    with FakeCamera(manufacturer="Nikon", objects=tree(), override=override) as cam:
        with session_to(cam.port) as session:
            assert session.object_info(10).filename == "DSC_0001.JPG"
    assert cam.codes().count(OpCode.GET_OBJECT_INFO) == 3


def test_nikon_transfer_list_is_asked_even_unadvertised_and_absent_means_empty(session_to):
    from airnef_tui.ptpip.wire import array

    def listed(cam, request):
        if request.code == OpCode.NIKON_GET_TRANSFER_LIST:
            return cam.data(request, array("I", (10, 11)))
        return None

    def none_chosen(cam, request):
        if request.code == OpCode.NIKON_GET_TRANSFER_LIST:
            return cam.response(request, ResponseCode.NIKON_NO_TRANSFER_LIST)
        return None

    with FakeCamera(manufacturer="NIKON", override=listed) as cam:
        with session_to(cam.port) as session:
            assert session.transfer_list() == (10, 11)
    with FakeCamera(manufacturer="NIKON", override=none_chosen) as cam:
        with session_to(cam.port) as session:
            assert session.transfer_list() == ()
    with FakeCamera(manufacturer="Canon") as cam:
        with session_to(cam.port) as session:
            assert session.transfer_list() == ()
    assert OpCode.NIKON_GET_TRANSFER_LIST not in cam.codes()


def test_small_operations(session_to):
    with FakeCamera(objects=tree()) as cam:
        with session_to(cam.port) as session:
            assert session.storage_info(0x00010001).description == "SD"
            assert session.get_object(10) == b"a" * 10
            assert session.get_partial(11, 5, 3) == b"bbb"
            session.keep_alive()
            with pytest.raises(Exception, match="OPERATION_NOT_SUPPORTED"):
                session.thumb(10)
            with pytest.raises(Exception, match="SET_DEVICE_PROP_VALUE"):
                session.set_device_prop(0x5011, b"\x01\x00")
    sent = [r for r in cam.requests if r.code == OpCode.SET_DEVICE_PROP_VALUE]
    assert sent[0].params == (0x5011,) and sent[0].data == b"\x01\x00"
