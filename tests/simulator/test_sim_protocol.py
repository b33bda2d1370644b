"""The simulator's PTP/IP behaviour over real sockets: bring-up, operations, errors, vendors."""

from __future__ import annotations

import socket
import struct
import time

import pytest

from airnef_tui.ptpip import wire
from airnef_tui.ptpip.codes import ObjectProp, OpCode, PacketType, ResponseCode
from airnef_tui.ptpip.datasets import DeviceInfo, ObjectInfo, StorageInfo
from airnef_tui.ptpip.packets import (
    Cancel, Event, InitCommandAck, InitCommandRequest, InitEventAck, InitEventRequest, InitFail,
    OperationResponse, ProbeRequest, ProbeResponse, encode,
)
from sim_raw_client import Connection, RawClient

OK = ResponseCode.OK
ALL = 0xFFFFFFFF


def device_info(client: RawClient) -> DeviceInfo:
    result = client.transact(OpCode.GET_DEVICE_INFO)
    assert result.code == OK
    return DeviceInfo.decode(result.data)


def object_info(client: RawClient, handle: int) -> ObjectInfo:
    result = client.transact(OpCode.GET_OBJECT_INFO, handle)
    assert result.code == OK, hex(result.code)
    return ObjectInfo.decode(result.data)


# -- bring-up --------------------------------------------------------------------------------------

def test_handshake_acks_with_the_camera_name_and_a_connection_number(start_sim):
    sim = start_sim(profile="nikon")
    with RawClient(sim.port) as client:
        ack = client.init_command()
        assert isinstance(ack, InitCommandAck)
        assert ack.connection_number >= 1 and ack.name == "D7200" and len(ack.guid) == 16
        assert isinstance(client.init_event(), InitEventAck)
    assert sim.stats.guids == [client.guid]


def test_device_info_works_before_open_session_and_other_operations_do_not(start_sim):
    sim = start_sim()
    with RawClient(sim.port).connect(open_session=False) as client:
        assert device_info(client).manufacturer == "Generic"
        for code in (OpCode.GET_STORAGE_IDS, OpCode.GET_OBJECT_HANDLES, OpCode.GET_OBJECT):
            assert client.transact(code, 1).code == ResponseCode.SESSION_NOT_OPEN
        assert client.transact(OpCode.OPEN_SESSION, 0, tid=0).code == ResponseCode.INVALID_PARAMETER
        assert client.transact(OpCode.OPEN_SESSION, 1, tid=0).code == OK
        again = client.transact(OpCode.OPEN_SESSION, 1)
        assert again.code == ResponseCode.SESSION_ALREADY_OPEN
        assert client.transact(OpCode.CLOSE_SESSION).code == OK
        assert client.transact(OpCode.GET_STORAGE_IDS).code == ResponseCode.SESSION_NOT_OPEN
    assert sim.stats.sessions == 1


def test_responses_echo_the_transaction_id(start_sim):
    sim = start_sim()
    with RawClient(sim.port).connect() as client:
        client.send_request(OpCode.GET_STORAGE_IDS, tid=0x1234ABCD)
        packet = client.command.receive()
        while not isinstance(packet, OperationResponse):
            assert packet.transaction_id == 0x1234ABCD
            packet = client.command.receive()
        assert packet.transaction_id == 0x1234ABCD


@pytest.mark.parametrize(("profile", "vendor", "manufacturer", "model", "wide_read", "absent"), [
    ("generic", 0x06, "Generic", "PTP/IP Camera", 0x95C1, 0x9431),
    ("nikon", 0x0A, "Nikon Corporation", "D7200", 0x9431, 0x95C1),
    ("canon", 0x0B, "Canon Inc.", "Canon EOS 80D", 0x95C1, 0x9431),
    ("sony", 0x11, "Sony Corporation", "ILCE-7RM2", 0x95C1, 0x9431),
])
def test_device_info_per_profile_advertises_only_what_it_implements(
        start_sim, profile, vendor, manufacturer, model, wide_read, absent):
    sim = start_sim(profile=profile)
    with RawClient(sim.port).connect() as client:
        info = device_info(client)
        assert (info.vendor_extension_id, info.manufacturer, info.model) == (vendor, manufacturer,
                                                                              model)
        assert wide_read in info.operations_supported and absent not in info.operations_supported
        assert OpCode.MTP_GET_OBJECT_PROP_VALUE in info.operations_supported
        for opcode in info.operations_supported:  # every advertised op is answered, not refused
            if opcode in (OpCode.CLOSE_SESSION, OpCode.OPEN_SESSION, OpCode.SET_DEVICE_PROP_VALUE,
                          0x9280, 0x9110):  # (the last three wait for a host-to-camera data phase)
                continue
            code = client.transact(opcode).code
            assert code != ResponseCode.OPERATION_NOT_SUPPORTED, hex(opcode)
        assert client.transact(absent, 1, 0, 0, 10).code == ResponseCode.OPERATION_NOT_SUPPORTED
        assert client.transact(0x9999).code == ResponseCode.OPERATION_NOT_SUPPORTED
        for prop in info.device_properties_supported:
            assert client.transact(OpCode.GET_DEVICE_PROP_DESC, prop).code == OK


def test_model_and_serial_overrides(start_sim):
    sim = start_sim(profile="canon", model="Canon EOS R6", serial="XYZ123")
    with RawClient(sim.port).connect(open_session=False) as client:
        info = device_info(client)
    assert (info.model, info.serial_number) == ("Canon EOS R6", "XYZ123")
    assert client.ack.name == "Canon EOS R6"


# -- probes and events -----------------------------------------------------------------------------

def test_probe_request_on_the_event_socket_gets_a_probe_response(start_sim):
    sim = start_sim()
    with RawClient(sim.port).connect(open_session=False) as client:
        client.event.send(ProbeRequest())
        assert isinstance(client.event.receive(), ProbeResponse)


def test_no_probe_reply_leaves_the_probe_unanswered_but_serves_the_session(start_sim):
    sim = start_sim(profile="canon", no_probe_reply=True)
    with RawClient(sim.port).connect() as client:
        client.event.send(ProbeRequest())
        client.event.sock.settimeout(0.4)
        with pytest.raises(socket.timeout):
            client.event.receive()
        assert client.transact(OpCode.GET_STORAGE_IDS).code == OK


def test_event_request_with_an_unknown_connection_number_gets_init_fail(start_sim):
    sim = start_sim()
    conn = Connection(sim.port)
    conn.send(InitEventRequest(4242))
    assert conn.receive() == InitFail(1)
    conn.close()


def test_add_object_sends_object_added_and_serves_the_new_file(start_sim):
    sim = start_sim(profile="generic")
    with RawClient(sim.port).connect() as client:
        added = sim.add_object("NEW_0001.JPG", b"\xff\xd8new shot\xff\xd9")
        event = client.event.receive()
        assert event == Event(0x4002, 0, (added.handle,))
        info = object_info(client, added.handle)
        assert info.filename == "NEW_0001.JPG" and info.compressed_size == len(added.content())
        assert client.transact(OpCode.GET_OBJECT, added.handle).data == added.content()
        assert added.handle in client.handles()


def test_nikon_get_event_returns_queued_events_once(start_sim):
    sim = start_sim(profile="nikon")
    with RawClient(sim.port).connect() as client:
        empty = client.transact(OpCode.NIKON_GET_EVENT)
        assert empty.code == OK and empty.data == wire.u16(0)
        first = sim.add_object("DSC_0100.JPG", b"one")
        second = sim.add_object("DSC_0101.JPG", b"two")
        polled = client.transact(OpCode.NIKON_GET_EVENT)
        assert polled.data == (wire.u16(2) + wire.u16(0x4002) + wire.u32(first.handle)
                               + wire.u16(0x4002) + wire.u32(second.handle))
        assert client.transact(OpCode.NIKON_GET_EVENT).data == wire.u16(0)


def test_sony_announces_new_objects_with_its_own_event(start_sim):
    sim = start_sim(profile="sony")
    with RawClient(sim.port).connect() as client:
        added = sim.add_object("DSC09999.JPG", b"sony")
        assert client.event.receive() == Event(0xC201, 0, (added.handle,))


# -- storage and listing ---------------------------------------------------------------------------

def test_storage_ids_and_info_for_two_slots(start_sim, tree, tmp_path):
    root, _ = tree
    second = tmp_path / "second" / "DCIM" / "100B"
    second.mkdir(parents=True)
    (second / "ONLY.JPG").write_bytes(b"x" * 1000)
    sim = start_sim(dirs=[root, tmp_path / "second"])
    with RawClient(sim.port).connect() as client:
        ids = wire.Reader(client.transact(OpCode.GET_STORAGE_IDS).data).array("I")
        assert ids == (0x00010001, 0x00020001)
        info = StorageInfo.decode(client.transact(OpCode.GET_STORAGE_INFO, 0x00020001).data)
        assert info.max_capacity > info.free_space_bytes > 0
        assert client.transact(OpCode.GET_STORAGE_INFO, 0x00030001).code == \
            ResponseCode.INVALID_STORAGE_ID
        slot2 = client.handles(0x00020001)
        assert [object_info(client, h).filename for h in slot2] == ["DCIM", "100B", "ONLY.JPG"]


def test_get_object_handles_parent_semantics_and_filters(start_sim, tree):
    root, contents = tree
    sim = start_sim(dirs=[root])
    card = sim.card
    with RawClient(sim.port).connect() as client:
        everything = client.handles(ALL, 0, 0)
        assert sorted(everything) == sorted(o.handle for o in card)
        (dcim,) = client.handles(ALL, 0, ALL)
        assert object_info(client, dcim).filename == "DCIM"
        folders = client.handles(0x00010001, 0, dcim)
        assert [object_info(client, h).filename for h in folders] == ["100TEST", "101TEST"]
        inside = client.handles(0x00010001, 0, folders[0])
        assert [object_info(client, h).filename for h in inside] == ["A001.JPG", "A002.NEF"]
        jpegs = client.handles(ALL, 0x3801, 0)
        assert {object_info(client, h).filename for h in jpegs} == {"A001.JPG", "B001.JPG"}
        count = client.transact(OpCode.GET_NUM_OBJECTS, ALL, 0, folders[0])
        assert count.code == OK and count.params == (2,)
        assert client.transact(OpCode.GET_OBJECT_HANDLES, 0x00050001, 0, 0).code == \
            ResponseCode.INVALID_STORAGE_ID
        assert client.transact(OpCode.GET_OBJECT_HANDLES, ALL, 0, 0x7777).code == \
            ResponseCode.INVALID_OBJECT_HANDLE
        assert client.transact(OpCode.GET_OBJECT_HANDLES, ALL, 0, inside[0]).code == \
            ResponseCode.INVALID_PARENT_OBJECT


def test_object_info_of_a_folder_chain_from_disk(start_sim, tree):
    root, contents = tree
    sim = start_sim(dirs=[root])
    with RawClient(sim.port).connect() as client:
        nef = sim.card.find("DCIM/100TEST/A002.NEF")
        info = object_info(client, nef.handle)
        assert (info.filename, info.compressed_size, info.object_format) == (
            "A002.NEF", 1_600_000, 0x3000)
        parent = object_info(client, info.parent_object)
        assert parent.filename == "100TEST" and parent.is_folder and parent.object_format == 0x3001
        grandparent = object_info(client, parent.parent_object)
        assert grandparent.filename == "DCIM" and grandparent.parent_object == 0
        assert info.captured == nef.captured and info.captured.tzinfo is None


@pytest.mark.parametrize(("profile", "file_date", "folder_date"), [
    ("generic", "20240501T091204", "20240501T091204"),
    ("nikon", "20240501T091204", "19800000T000000"),
    ("canon", "20240501T091204.0", "20240501T091204.0"),
    ("sony", "20240501T091204", ""),
])
def test_dates_per_profile(start_sim, profile, file_date, folder_date):
    sim = start_sim(profile=profile)
    first_file = sim.card.files()[0]
    folder = sim.card.get(first_file.parent)
    with RawClient(sim.port).connect() as client:
        info = object_info(client, first_file.handle)
        assert info.capture_date == file_date and info.modification_date == file_date
        assert object_info(client, folder.handle).capture_date == folder_date


def test_sony_wants_all_three_handle_parameters(start_sim):
    sim = start_sim(profile="sony")
    with RawClient(sim.port).connect() as client:
        for code in (OpCode.GET_OBJECT_HANDLES, OpCode.GET_NUM_OBJECTS):
            assert client.transact(code, ALL).code == ResponseCode.PARAMETER_NOT_SUPPORTED
            assert client.transact(code, ALL, 0).code == ResponseCode.PARAMETER_NOT_SUPPORTED
        assert len(client.handles(ALL, 0, 0)) == len(sim.card)


def test_sony_busy_after_9280_until_9281(start_sim):
    sim = start_sim(profile="sony")
    with RawClient(sim.port).connect() as client:
        connect = client.transact(0x9280, 4, data_out=struct.pack("<5I", 2, 2, 0, 0, 0x00020001)
                                  + b"\x00")
        assert connect.code == OK
        assert client.transact(OpCode.GET_STORAGE_IDS).code == ResponseCode.DEVICE_BUSY
        ext = client.transact(0x9281, 4)
        assert ext.code == OK and ext.data
        assert client.transact(OpCode.GET_STORAGE_IDS).code == OK


# -- object data -----------------------------------------------------------------------------------

def test_get_object_and_partial_reads_return_the_card_bytes(start_sim, tree):
    root, contents = tree
    sim = start_sim(dirs=[root])
    nef = sim.card.find("DCIM/100TEST/A002.NEF")
    data = contents["DCIM/100TEST/A002.NEF"]
    with RawClient(sim.port).connect() as client:
        assert client.transact(OpCode.GET_OBJECT, nef.handle).data == data
        part = client.transact(OpCode.GET_PARTIAL_OBJECT, nef.handle, 1000, 5000)
        assert part.data == data[1000:6000] and part.params == (5000,)
        tail = client.transact(OpCode.GET_PARTIAL_OBJECT, nef.handle, len(data) - 10, 1 << 20)
        assert tail.data == data[-10:] and tail.params == (10,)
        wide = client.transact(OpCode.MTP_GET_PARTIAL_OBJECT_64, nef.handle, 77, 0, 300)
        assert wide.data == data[77:377] and wide.params == (300,)
        beyond = client.transact(OpCode.GET_PARTIAL_OBJECT, nef.handle, len(data) + 1, 10)
        assert beyond.code == ResponseCode.INVALID_PARAMETER
        for code in (OpCode.GET_OBJECT, OpCode.GET_OBJECT_INFO, OpCode.GET_THUMB):
            assert client.transact(code, 0xDEAD).code == ResponseCode.INVALID_OBJECT_HANDLE
        folder = sim.card.find("DCIM")
        assert client.transact(OpCode.GET_OBJECT, folder.handle).code == \
            ResponseCode.INVALID_OBJECT_HANDLE
    assert [(r.opcode, r.handle, r.offset, r.length) for r in sim.stats.reads] == [
        (OpCode.GET_OBJECT, nef.handle, 0, len(data)),
        (OpCode.GET_PARTIAL_OBJECT, nef.handle, 1000, 5000),
        (OpCode.GET_PARTIAL_OBJECT, nef.handle, len(data) - 10, 10),
        (OpCode.MTP_GET_PARTIAL_OBJECT_64, nef.handle, 77, 300),
    ]


def test_nikon_partial_object_ex_takes_64_bit_offset_and_size(start_sim):
    sim = start_sim(profile="nikon")
    photo = sim.card.files()[1]
    content = photo.content()
    with RawClient(sim.port).connect() as client:
        result = client.transact(OpCode.NIKON_GET_PARTIAL_OBJECT_EX, photo.handle, 4096, 0,
                                 100_000, 0)
        assert result.code == OK and result.data == content[4096:104096]
        assert result.params == (100_000, 0)


def test_thumbnails_are_small_real_jpegs(start_sim):
    sim = start_sim(profile="canon")
    photo = sim.card.files()[0]
    with RawClient(sim.port).connect() as client:
        info = object_info(client, photo.handle)
        thumb = client.transact(OpCode.GET_THUMB, photo.handle).data
        assert thumb[:2] == b"\xff\xd8" and thumb[-2:] == b"\xff\xd9"
        assert len(thumb) == info.thumb_compressed_size
        assert (info.thumb_format, info.thumb_pix_width, info.thumb_pix_height) == (0x3808, 160, 120)
        folder = sim.card.find("DCIM")
        assert client.transact(OpCode.GET_THUMB, folder.handle).code == 0x2010
    assert sim.stats.reads[-1].opcode == OpCode.GET_THUMB


def test_object_size_property_is_64_bit(start_sim):
    sim = start_sim()
    photo = sim.card.files()[0]
    with RawClient(sim.port).connect() as client:
        size = client.transact(OpCode.MTP_GET_OBJECT_PROP_VALUE, photo.handle,
                               ObjectProp.OBJECT_SIZE)
        assert size.code == OK and size.data == wire.u64(photo.size)
        name = client.transact(OpCode.MTP_GET_OBJECT_PROP_VALUE, photo.handle,
                               ObjectProp.OBJECT_FILE_NAME)
        assert wire.Reader(name.data).ptp_string() == photo.name
        assert client.transact(OpCode.MTP_GET_OBJECT_PROP_VALUE, photo.handle, 0xDC99).code == \
            0xA80A


@pytest.mark.parametrize(("profile", "shape"), [
    ("nikon", "one End Data"),
    ("canon", "many 64 KiB Data"),
    ("generic", "256 KiB Data"),
    ("sony", "512 KiB Data"),
])
def test_data_phase_packet_layout_per_profile(start_sim, profile, shape):
    sim = start_sim(profile=profile)
    photo = max(sim.card.files(), key=lambda o: o.size)
    with RawClient(sim.port).connect() as client:
        result = client.transact(OpCode.GET_OBJECT, photo.handle)
    assert result.data == photo.content()
    start, *packets = result.packets
    assert start == (PacketType.START_DATA, photo.size)
    kinds = [kind for kind, _ in packets]
    assert kinds[-1] == PacketType.END_DATA and PacketType.END_DATA not in kinds[:-1]
    assert packets[-1][1] > 0  # libgphoto2 would read an empty trailing End Data as the response
    sizes = {length for _, length in packets[:-1]}
    if profile == "nikon":
        assert packets == [(PacketType.END_DATA, photo.size)]
    else:
        expected = {"canon": 65524, "generic": 256 * 1024, "sony": 512 * 1024}[profile]
        assert sizes == {expected}
        assert len(packets) == -(-photo.size // expected)


def test_datetime_property_reads_and_sets_the_camera_clock(start_sim):
    sim = start_sim(profile="canon")
    with RawClient(sim.port).connect() as client:
        now = wire.Reader(client.transact(OpCode.GET_DEVICE_PROP_VALUE, 0x5011).data).ptp_string()
        assert len(now) == 17 and now.endswith(".0")
        setting = client.transact(OpCode.SET_DEVICE_PROP_VALUE, 0x5011,
                                  data_out=wire.ptp_string("20300102T030405"))
        assert setting.code == OK
        later = wire.Reader(client.transact(OpCode.GET_DEVICE_PROP_VALUE, 0x5011).data).ptp_string()
        assert later.startswith("20300102T0304")
        bad = client.transact(OpCode.SET_DEVICE_PROP_VALUE, 0x5011,
                              data_out=wire.ptp_string("yesterday"))
        assert bad.code == 0x201C
        assert client.transact(OpCode.GET_DEVICE_PROP_VALUE, 0x5999).code == 0x200A


def test_delete_object_removes_it_from_the_card_but_never_from_disk(start_sim, tree):
    root, contents = tree
    sim = start_sim(dirs=[root])
    victim = sim.card.find("DCIM/101TEST/B001.JPG")
    with RawClient(sim.port).connect() as client:
        assert client.transact(OpCode.DELETE_OBJECT, victim.handle).code == OK
        assert client.event.receive() == Event(0x4003, 0, (victim.handle,))
        assert victim.handle not in client.handles()
        assert client.transact(OpCode.GET_OBJECT_INFO, victim.handle).code == \
            ResponseCode.INVALID_OBJECT_HANDLE
    assert (root / "DCIM/101TEST/B001.JPG").read_bytes() == contents["DCIM/101TEST/B001.JPG"]


# -- Nikon transfer list ---------------------------------------------------------------------------

def test_nikon_transfer_list_and_acquisition_end(start_sim):
    sim = start_sim(profile="nikon", files=6, transfer_list=["DSC_0002.JPG", "DSC_0001.NEF"])
    picked = [sim.card.find("DCIM/100NCD72/DSC_0002.JPG").handle,
              sim.card.find("DCIM/100NCD72/DSC_0001.NEF").handle]
    with RawClient(sim.port).connect() as client:
        listed = client.transact(OpCode.NIKON_GET_TRANSFER_LIST)
        assert listed.code == OK and list(wire.Reader(listed.data).array("I")) == picked
        for handle in picked:
            assert client.transact(OpCode.NIKON_NOTIFY_FILE_ACQUISITION_START, handle).code == OK
            assert client.transact(OpCode.NIKON_NOTIFY_FILE_ACQUISITION_END, handle).code == OK
        assert client.transact(OpCode.NIKON_GET_TRANSFER_LIST).code == 0xA205


def test_nikon_without_a_transfer_list_answers_no_transfer_list(start_sim):
    sim = start_sim(profile="nikon")
    with RawClient(sim.port).connect() as client:
        assert client.transact(OpCode.NIKON_GET_TRANSFER_LIST).code == 0xA205


# -- refusals --------------------------------------------------------------------------------------

INIT_FAIL_REJECTED = bytes.fromhex("0c000000" "05000000" "01000000")


@pytest.mark.parametrize("profile", ["canon", "generic", "nikon"])
def test_paired_guid_refuses_every_other_guid_with_init_fail_reason_1(start_sim, profile):
    paired = bytes(range(16))
    sim = start_sim(profile=profile, paired_guid=paired)
    sock = socket.create_connection(("127.0.0.1", sim.port), timeout=5)
    with sock:
        sock.sendall(encode(InitCommandRequest(bytes(16), "stranger")))
        reply = b""
        while len(reply) < 12:
            chunk = sock.recv(64)
            assert chunk
            reply += chunk
    assert reply == INIT_FAIL_REJECTED
    with RawClient(sim.port, guid=paired).connect() as client:
        assert client.transact(OpCode.GET_STORAGE_IDS).code == OK
    assert sim.stats.refused == 1 and sim.stats.sessions == 1


def test_sony_accepts_zero_mac_guids_and_the_paired_one_only(start_sim):
    paired = bytes(range(1, 17))
    sim = start_sim(profile="sony", paired_guid=paired, sony_single_session=False)
    with RawClient(sim.port, guid=bytes(range(16))) as stranger:
        assert stranger.init_command() == InitFail(1)
    with RawClient(sim.port, guid=paired).connect():
        pass
    with RawClient(sim.port, guid=bytes(range(1, 11)) + bytes(6)).connect():
        pass
    assert sim.stats.refused == 1 and sim.stats.sessions == 2


def test_sony_allows_one_session_per_run_and_then_never_answers(start_sim):
    sim = start_sim(profile="sony")
    with RawClient(sim.port).connect() as client:
        assert client.transact(OpCode.GET_STORAGE_IDS).code == OK
        assert client.transact(OpCode.CLOSE_SESSION).code == OK
    second = Connection(sim.port)
    second.send(InitCommandRequest(bytes(range(1, 11)) + bytes(6), "again"))
    second.sock.settimeout(0.5)
    with pytest.raises(socket.timeout):  # accepted at TCP level, then silence
        second.receive()
    second.close()
    assert sim.stats.sessions == 1 and len(sim.stats.guids) == 2


# -- robustness ------------------------------------------------------------------------------------

def test_malformed_packets_close_only_that_connection(start_sim):
    sim = start_sim()
    for garbage in (b"\x03\x00\x00\x00\x01\x00\x00\x00",  # length below the header
                    struct.pack("<II", 12, 99) + b"junk",  # unknown packet type
                    struct.pack("<II", 0x7FFFFFFF, 6)):  # absurd length
        sock = socket.create_connection(("127.0.0.1", sim.port), timeout=5)
        sock.sendall(garbage)
        assert sock.recv(64) == b""  # closed by the simulator
        sock.close()
    with RawClient(sim.port).connect() as client:
        client.command.send(OperationResponse(0x2001, 1))  # a packet a camera never receives
        with pytest.raises(EOFError):
            client.command.receive()
    with RawClient(sim.port).connect() as client:
        assert client.transact(OpCode.GET_STORAGE_IDS).code == OK


def test_clients_that_vanish_do_not_disturb_the_next_ones(start_sim):
    sim = start_sim(profile="nikon")
    socket.create_connection(("127.0.0.1", sim.port), timeout=5).close()
    half = RawClient(sim.port)
    half.init_command()
    half.close()  # vanishes before the event socket
    busy = RawClient(sim.port).connect()
    busy.send_request(OpCode.GET_OBJECT, sim.card.files()[1].handle)
    busy.close()  # vanishes mid-transfer
    for _ in range(3):  # several clients one after another
        with RawClient(sim.port).connect() as client:
            assert client.transact(OpCode.GET_STORAGE_IDS).code == OK
            assert client.transact(OpCode.CLOSE_SESSION).code == OK
    assert sim.stats.sessions == 4


def test_latency_delays_every_reply(start_sim):
    sim = start_sim(latency_ms=150)
    with RawClient(sim.port).connect() as client:
        started = time.monotonic()
        client.transact(OpCode.GET_STORAGE_IDS)
        client.transact(OpCode.GET_DEVICE_INFO)
        assert time.monotonic() - started >= 0.3


def test_stop_is_prompt_even_with_clients_connected(start_sim):
    sim = start_sim()
    client = RawClient(sim.port).connect()
    started = time.monotonic()
    sim.stop()
    assert time.monotonic() - started < 1.0
    with pytest.raises((EOFError, OSError)):
        client.transact(OpCode.GET_STORAGE_IDS)
    client.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", sim.port), timeout=1)


def test_a_cancelled_host_data_phase_is_answered_transaction_cancelled(start_sim):
    sim = start_sim()
    with RawClient(sim.port).connect() as client:
        tid = client.send_request(OpCode.SET_DEVICE_PROP_VALUE, 0x5011)
        client.command.send(Cancel(tid))
        assert client.read_result().code == ResponseCode.TRANSACTION_CANCELLED
        client.command.send(ProbeRequest())  # either socket answers probes
        assert isinstance(client.command.receive(), ProbeResponse)
        assert client.transact(OpCode.GET_STORAGE_IDS).code == OK
