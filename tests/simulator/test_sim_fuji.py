"""The fuji profile over real sockets: the 82-byte Init, busy, the pairing wait, handles 1…N, the
0xD227 size rule, pushed images, the X-T4's empty DeviceInfo, and the options.

The client here is deliberately raw (the ptpip Fujifilm API: FujiFramer, FujiInitiator), not the
product's, so a bug there cannot hide one in the simulator.
"""

from __future__ import annotations

import argparse
import socket
import struct
import time
from dataclasses import dataclass

import pytest

from airnef_tui.ptpip import (
    FUJI_HANG_UP, DataReceived, DeviceInfo, FujiFramer, FujiHandshake, FujiHangUp,
    FujiInitiator, FujiInitRequest, InitCommandAck, InitFail, ObjectInfo, OpCode, ResponseCode,
    ResponseReceived, encode_container, encode_fuji_init,
)
from airnef_tui.simulator import SimulatorConfig
from airnef_tui.simulator.cli import add_arguments, config_from_args
from airnef_tui.simulator.fuji_camera import (
    PROP_CAMERA_STATE, PROP_CLIENT_STATE, PROP_CORRECT_FILE_SIZE, PROP_EVENTS_LIST,
    PROP_GET_OBJECT_VERSION, PROP_OBJECT_COUNT, PROP_SELECTED_IMGS_MODE,
)

OK = ResponseCode.OK
GUID = bytes(range(16))
OTHER_GUID = bytes(range(16, 32))
PIECE = 0x100000
TIMEOUT = 5.0


class HungUp(Exception):
    """The camera sent its hang-up."""


@dataclass
class Result:
    code: int
    params: tuple[int, ...]
    data: bytes | None


class FujiClient:
    """One socket to the simulator, spoken with the sans-IO Fujifilm API."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.framer = FujiFramer(FujiHandshake.ACK, data_piece=16 << 20)
        self.initiator = FujiInitiator()

    def __enter__(self) -> FujiClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.sock.close()

    def next_item(self):
        while True:
            item = self.framer.next_container()
            if item is not None:
                return item
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise EOFError(f"closed at offset {self.framer.stream_offset}, "
                               f"mid-container={self.framer.in_container}")
            self.framer.feed(chunk)

    def init(self, guid: bytes = GUID, name: str = "pytest"):
        self.sock.sendall(encode_fuji_init(FujiInitRequest(guid, name)))
        return self.next_item()

    def transact(self, opcode: int, *params: int, data_out: bytes | None = None,
                 transaction_id: int | None = None) -> Result:
        containers = self.initiator.start(opcode, params, data_out=data_out,
                                          transaction_id=transaction_id)
        self.sock.sendall(b"".join(encode_container(c) for c in containers))
        data: bytearray | None = None
        while True:
            item = self.next_item()
            if isinstance(item, FujiHangUp):
                raise HungUp()
            event = self.initiator.receive(item)
            if isinstance(event, DataReceived):
                data = (data or bytearray()) + event.payload
            elif isinstance(event, ResponseReceived):
                response = event.response
                return Result(response.code, response.params,
                              None if data is None else bytes(data))

    # -- the phone-mode steps -------------------------------------------------------------------

    def prop(self, code: int) -> int:
        result = self.transact(OpCode.GET_DEVICE_PROP_VALUE, code)
        assert result.code == OK, hex(result.code)
        return int.from_bytes(result.data, "little")

    def set_prop(self, code: int, value: int, width: int = 2) -> int:
        return self.transact(OpCode.SET_DEVICE_PROP_VALUE, code,
                             data_out=value.to_bytes(width, "little")).code

    def events(self) -> dict[int, int]:
        result = self.transact(OpCode.GET_DEVICE_PROP_VALUE, PROP_EVENTS_LIST)
        assert result.code == OK
        (count,) = struct.unpack_from("<H", result.data)
        assert len(result.data) == 2 + 6 * count
        return dict(struct.unpack_from("<HI", result.data, 2 + 6 * i) for i in range(count))

    def open_session(self) -> None:
        time.sleep(0.05)  # "Init, wait >= 50 ms, OpenSession"
        assert self.transact(OpCode.OPEN_SESSION, 1, transaction_id=0).code == OK

    def wait_for_access(self, timeout: float = 3.0) -> int:
        """Poll 0xD212 until 0xDF00 is non-zero; returns it."""
        state, deadline = 0, time.monotonic() + timeout
        while not state:
            state = self.events().get(PROP_CAMERA_STATE, state)
            assert time.monotonic() < deadline, "the camera never gave access"
            if not state:
                time.sleep(0.05)
        return state

    def connect(self, guid: bytes = GUID) -> int:
        """Init, OpenSession, wait for access, set the matching client state; the camera state."""
        assert isinstance(self.init(guid), InitCommandAck)
        self.open_session()
        state = self.wait_for_access()
        assert self.set_prop(PROP_CLIENT_STATE, 2 if state == 2 else 1) == OK
        return state

    def info(self, handle: int) -> ObjectInfo:
        result = self.transact(OpCode.GET_OBJECT_INFO, handle)
        assert result.code == OK, hex(result.code)
        return ObjectInfo.decode(result.data)

    def read(self, handle: int, end: int, start: int = 0) -> bytes:
        """Bytes start..end in pieces of at most 1 MiB."""
        out = bytearray()
        while start + len(out) < end:
            offset = start + len(out)
            result = self.transact(OpCode.GET_PARTIAL_OBJECT, handle, offset,
                                   min(PIECE, end - offset))
            assert result.code == OK and result.params == (len(result.data),)
            out += result.data
        return bytes(out)

    def download(self, handle: int) -> tuple[ObjectInfo, bytes]:
        """The full-size way: 0xD227 = 1, ObjectInfo, 1 MiB pieces, 0xD227 = 0."""
        assert self.set_prop(PROP_CORRECT_FILE_SIZE, 1) == OK
        info = self.info(handle)
        data = self.read(handle, info.compressed_size)
        assert self.set_prop(PROP_CORRECT_FILE_SIZE, 0) == OK
        return info, data


def start_fuji(start_sim, **options):
    return start_sim(profile="fuji", **options)


def in_capture_order(sim):
    return sorted(sim.card.files(), key=lambda o: (o.captured, o.handle))


def closed_without_answer(sock: socket.socket) -> bool:
    try:
        return sock.recv(64) == b""
    except ConnectionResetError:  # the camera closed with our unread bytes: a reset
        return True


# -- the opening ---------------------------------------------------------------------------------

def test_an_82_byte_init_gets_the_ack_with_the_cameras_name(start_sim):
    sim = start_fuji(start_sim)
    with FujiClient(sim.port) as client:
        ack = client.init(name="a host with a name longer than twenty-six units")
        assert isinstance(ack, InitCommandAck) and ack.name == "X-T4"
        assert ack.guid == sim.camera_guid and ack.connection_number == 1
    assert sim.stats.guids == [GUID]


@pytest.mark.parametrize("length", [81, 83])
def test_an_init_of_any_other_length_is_closed_without_an_answer(start_sim, length):
    sim = start_fuji(start_sim)
    good = encode_fuji_init(FujiInitRequest(GUID, "pytest"))
    bad = struct.pack("<I", length) + (good[4:] + b"\0")[:length - 4]
    with FujiClient(sim.port) as client:
        client.sock.sendall(bad)
        assert closed_without_answer(client.sock)
    with FujiClient(sim.port) as again:  # the camera itself carries on
        assert isinstance(again.init(), InitCommandAck)


def test_a_ptpip_init_is_not_a_fujifilm_init(start_sim):
    from airnef_tui.ptpip import InitCommandRequest, encode
    sim = start_fuji(start_sim)
    with FujiClient(sim.port) as client:
        client.sock.sendall(encode(InitCommandRequest(GUID, "gphoto")))
        assert closed_without_answer(client.sock)


def test_busy_first_then_accepted(start_sim):
    sim = start_fuji(start_sim, fuji_busy_inits=1)
    with FujiClient(sim.port) as client:
        client.sock.sendall(encode_fuji_init(FujiInitRequest(GUID, "pytest")))
        assert client.sock.recv(64) == bytes.fromhex("0c000000 05000000 19200000")
        assert closed_without_answer(client.sock)
    time.sleep(0.5)  # what libgphoto2 does before its one retry
    with FujiClient(sim.port) as client:
        assert isinstance(client.init(), InitCommandAck)
    assert sim.stats.refused == 1
    first, second = sim.fuji.init_times
    assert second - first >= 0.5


def test_busy_twice_refuses_a_client_that_retries_only_once(start_sim):
    sim = start_fuji(start_sim, fuji_busy_inits=2)
    for _ in range(2):
        with FujiClient(sim.port) as client:
            fail = client.init()
            assert isinstance(fail, InitFail) and fail.reason == 0x2019
    with FujiClient(sim.port) as client:
        assert isinstance(client.init(), InitCommandAck)


# -- the phone-mode session ----------------------------------------------------------------------

def test_operations_before_open_session_are_refused_but_device_info_answers(start_sim):
    sim = start_fuji(start_sim)
    with FujiClient(sim.port) as client:
        client.init()
        info = client.transact(OpCode.GET_DEVICE_INFO, transaction_id=1)
        assert info.code == OK
        device = DeviceInfo.decode(info.data)
        assert (device.manufacturer, device.model, device.serial_number) == (
            "FUJIFILM", "X-T4", "5AB31234")
        assert device.vendor_extension_id == 0x0E
        assert OpCode.GET_OBJECT_HANDLES not in device.operations_supported
        assert client.transact(OpCode.GET_DEVICE_PROP_VALUE, PROP_EVENTS_LIST).code == \
            ResponseCode.SESSION_NOT_OPEN
        client.open_session()
        assert client.transact(OpCode.GET_OBJECT_HANDLES, 0xFFFFFFFF, 0, 0).code == \
            ResponseCode.OPERATION_NOT_SUPPORTED
    assert sim.stats.operations[:3] == [OpCode.GET_DEVICE_INFO, OpCode.GET_DEVICE_PROP_VALUE,
                                        OpCode.OPEN_SESSION]
    assert sim.stats.sessions == 1
    assert sim.fuji.open_session_pauses[0] >= 0.05


def test_the_x_t4s_empty_device_info(start_sim):
    sim = start_fuji(start_sim, fuji_empty_deviceinfo=True)
    with FujiClient(sim.port) as client:
        client.init()
        result = client.transact(OpCode.GET_DEVICE_INFO, transaction_id=1)
        assert (result.code, result.data) == (OK, b"")


def test_the_pairing_wait_then_full_access_and_a_paired_host_goes_straight_in(start_sim):
    sim = start_fuji(start_sim, fuji_pairing_wait=0.4)
    files = sim.card.files()
    started = time.monotonic()
    with FujiClient(sim.port) as client:
        client.init()
        client.open_session()
        first = client.events()  # the first poll reports everything
        assert first == {PROP_CAMERA_STATE: 0, PROP_OBJECT_COUNT: len(files)}
        assert client.prop(PROP_CAMERA_STATE) == 0
        assert client.set_prop(PROP_CLIENT_STATE, 2) == OK
        assert client.transact(OpCode.GET_OBJECT_INFO, 1).code == ResponseCode.ACCESS_DENIED
        assert client.wait_for_access() == 2  # the user pressed OK
        assert time.monotonic() - started >= 0.4
        assert client.events() == {}  # later polls report changes only
        assert client.info(1).filename == in_capture_order(sim)[0].name
    with FujiClient(sim.port) as again:  # paired: no wait this time
        again.init()
        again.open_session()
        assert again.events()[PROP_CAMERA_STATE] == 2
    with FujiClient(sim.port) as stranger:  # a new host waits for OK again
        stranger.init(OTHER_GUID)
        stranger.open_session()
        assert stranger.events()[PROP_CAMERA_STATE] == 0


def test_versions_read_and_written_back_and_the_client_state_must_match(start_sim):
    sim = start_fuji(start_sim)
    with FujiClient(sim.port) as client:
        client.init()
        client.open_session()
        assert client.wait_for_access() == 2
        versions = {code: client.prop(code) for code in (0xDF22, 0xDF25, 0xDF21, 0xDF24)}
        assert versions == {0xDF22: 5, 0xDF25: 5, 0xDF21: 4, 0xDF24: 0x2000A}
        assert client.set_prop(PROP_GET_OBJECT_VERSION, 5, width=4) == OK
        assert client.transact(OpCode.GET_OBJECT_INFO, 1).code == ResponseCode.ACCESS_DENIED
        assert client.set_prop(PROP_CLIENT_STATE, 1) == OK  # "pushed" is not this camera's
        assert client.transact(OpCode.GET_OBJECT_INFO, 1).code == ResponseCode.ACCESS_DENIED
        assert client.set_prop(PROP_CLIENT_STATE, 2) == OK
        assert client.transact(OpCode.GET_OBJECT_INFO, 1).code == OK
        assert client.transact(OpCode.GET_DEVICE_PROP_VALUE, 0xD001).code == 0x200A
        assert client.transact(OpCode.SET_DEVICE_PROP_VALUE, PROP_CLIENT_STATE,
                               data_out=b"\x02\x00\x00").code == 0x201C
    assert sim.fuji.properties_set == [(0xDF22, 5), (0xDF01, 1), (0xDF01, 2)]


def test_the_object_count_and_handles_one_to_n_in_capture_order(start_sim):
    sim = start_fuji(start_sim, files=6)
    expected = in_capture_order(sim)
    assert [o.name for o in expected][:3] == ["DSCF0001.JPG", "DSCF0001.RAF", "DSCF0002.JPG"]
    with FujiClient(sim.port) as client:
        client.connect()
        assert client.prop(PROP_OBJECT_COUNT) == len(expected) == 6
        assert client.set_prop(PROP_CORRECT_FILE_SIZE, 1) == OK
        infos = [client.info(handle) for handle in range(1, 7)]
        assert [i.filename for i in infos] == [o.name for o in expected]
        assert [i.compressed_size for i in infos] == [o.size for o in expected]
        assert all(i.parent_object == 0 for i in infos)
        assert client.transact(OpCode.GET_OBJECT_INFO, 7).code == \
            ResponseCode.INVALID_OBJECT_HANDLE
        thumb = client.transact(OpCode.GET_THUMB, 2)
        assert thumb.code == OK and thumb.data[:2] == b"\xff\xd8"


def test_a_dir_card_is_flattened_in_capture_order(start_sim, tree):
    root, contents = tree
    sim = start_fuji(start_sim, dirs=[root])
    with FujiClient(sim.port) as client:
        client.connect()
        assert client.prop(PROP_OBJECT_COUNT) == 4
        names = []
        for handle in range(1, 5):
            info, data = client.download(handle)
            names.append(info.filename)
            relative = next(r for r in contents if r.endswith("/" + info.filename))
            assert data == contents[relative]
        assert names == ["A001.JPG", "A002.NEF", "B001.JPG", "B002.MOV"]


# -- the 0xD227 size rule ------------------------------------------------------------------------

def test_without_d227_a_client_gets_the_preview_size_and_bytes(start_sim):
    sim = start_fuji(start_sim, files=4)
    big = in_capture_order(sim)[1]  # DSCF0001.RAF, 2.6 MB
    with FujiClient(sim.port) as client:
        client.connect()
        info = client.info(2)
        assert 96_000 <= info.compressed_size <= 104_000 < big.size
        data = client.read(2, info.compressed_size)
        preview = sim.fuji.preview(big).content()
        assert data == preview and len(data) == info.compressed_size
        assert data[:2] == b"\xff\xd8" and data[-2:] == b"\xff\xd9"  # a whole JPEG
        assert data != big.content()[:len(data)]
        past = client.transact(OpCode.GET_PARTIAL_OBJECT, 2, info.compressed_size, PIECE)
        assert (past.code, past.params, past.data) == (OK, (0,), b"")


def test_with_d227_the_full_size_and_the_exact_bytes_in_1_mib_pieces(start_sim):
    sim = start_fuji(start_sim, files=4)
    big = in_capture_order(sim)[1]  # DSCF0001.RAF, 2.6 MB: three pieces
    with FujiClient(sim.port) as client:
        client.connect()
        info, data = client.download(2)
        assert info.compressed_size == big.size and data == big.content()
        assert client.info(2).compressed_size < 110_000  # 0xD227 = 0 again: the preview
        assert client.set_prop(PROP_CORRECT_FILE_SIZE, 1) == OK
        greedy = client.transact(OpCode.GET_PARTIAL_OBJECT, 2, 0, 4 * PIECE)
        assert greedy.params == (PIECE,) and len(greedy.data) == PIECE  # capped at 1 MiB
        whole = client.transact(OpCode.GET_OBJECT, 2)
        assert whole.data == big.content()
    reads = [r for r in sim.stats.reads if r.opcode == OpCode.GET_PARTIAL_OBJECT]
    assert [(r.handle, r.offset, r.length) for r in reads[:3]] == [
        (2, 0, PIECE), (2, PIECE, PIECE), (2, 2 * PIECE, big.size - 2 * PIECE)]


# -- pushed images -------------------------------------------------------------------------------

def test_pushed_mode_hands_out_the_images_in_turn_and_hangs_up_at_the_end(start_sim):
    sim = start_fuji(start_sim, files=3, fuji_pushed=True)
    expected = in_capture_order(sim)
    with FujiClient(sim.port) as client:
        assert isinstance(client.init(), InitCommandAck)
        client.open_session()
        assert client.events() == {PROP_CAMERA_STATE: 1, PROP_OBJECT_COUNT: 3,
                                   PROP_SELECTED_IMGS_MODE: 1}
        assert client.set_prop(PROP_CLIENT_STATE, 2) == OK  # "view all" is refused here
        assert client.transact(OpCode.GET_OBJECT_INFO, 1).code == ResponseCode.ACCESS_DENIED
        assert client.set_prop(PROP_CLIENT_STATE, 1) == OK
        assert client.transact(OpCode.GET_OBJECT_INFO, 2).code == \
            ResponseCode.INVALID_OBJECT_HANDLE
        got = []
        for left in (3, 2):
            assert client.prop(PROP_OBJECT_COUNT) == left
            info, data = client.download(1)
            got.append((info.filename, data))
        assert client.events() == {PROP_OBJECT_COUNT: 1}
        assert client.set_prop(PROP_CORRECT_FILE_SIZE, 1) == OK
        info = client.info(1)
        head = client.read(1, info.compressed_size - 10)  # not the end yet: still handle 1
        assert client.info(1).filename == info.filename
        tail = client.read(1, info.compressed_size, start=len(head))  # the response, then:
        assert isinstance(client.next_item(), FujiHangUp)
        assert client.sock.recv(16) == b""
        assert head + tail == expected[2].content()
    assert [name for name, _ in got] == [o.name for o in expected[:2]]
    assert [data for _, data in got] == [o.content() for o in expected[:2]]
    assert sim.fuji.hang_ups == 1


def test_pushed_mode_takes_the_transfer_list_and_a_drop_keeps_the_image(start_sim):
    sim = start_fuji(start_sim, files=4, fuji_pushed=True,
                     transfer_list=["DSCF0002.JPG", "DSCF0001.RAF"],
                     drop_after_bytes=PIECE + 1000)
    raf = sim.card.find("DCIM/100_FUJI/DSCF0001.RAF")
    jpg = sim.card.find("DCIM/100_FUJI/DSCF0002.JPG")
    with FujiClient(sim.port) as client:
        assert client.connect() == 1
        assert client.set_prop(PROP_CORRECT_FILE_SIZE, 1) == OK
        assert client.info(1).filename == "DSCF0001.RAF"  # capture order, not list order
        with pytest.raises(EOFError):
            client.read(1, raf.size)
    with FujiClient(sim.port) as client:  # reconnected: still the RAF, from the start
        client.connect()
        assert client.prop(PROP_OBJECT_COUNT) == 2
        assert client.download(1)[1] == raf.content()
        assert client.set_prop(PROP_CORRECT_FILE_SIZE, 1) == OK
        info = client.info(1)
        assert info.filename == "DSCF0002.JPG"
        assert client.read(1, info.compressed_size) == jpg.content()
        assert isinstance(client.next_item(), FujiHangUp)
        assert client.sock.recv(16) == b""
    assert sim.fuji.pushed_left() == [] and sim.fuji.hang_ups == 1


# -- faults --------------------------------------------------------------------------------------

def test_a_drop_mid_object_closes_mid_container_and_the_resume_is_byte_exact(start_sim):
    sim = start_fuji(start_sim, files=4, drop_after_bytes=1_300_000)
    big = in_capture_order(sim)[1]  # DSCF0001.RAF, 2.6 MB: the drop is in its second piece
    with FujiClient(sim.port) as client:
        client.connect()
        assert client.set_prop(PROP_CORRECT_FILE_SIZE, 1) == OK
        first = client.transact(OpCode.GET_PARTIAL_OBJECT, 2, 0, PIECE)
        assert len(first.data) == PIECE
        with pytest.raises(EOFError, match="mid-container=True"):
            client.transact(OpCode.GET_PARTIAL_OBJECT, 2, PIECE, PIECE)
    with FujiClient(sim.port) as client:  # once only; the client resumes where it was
        client.connect()
        assert client.set_prop(PROP_CORRECT_FILE_SIZE, 1) == OK
        rest = client.read(2, big.size, start=PIECE)
        assert first.data + rest == big.content()
    assert [(f.value, at) for f, at in sim.faults.fired] == [("drop", 1_300_000)]


def test_a_stall_mid_object_goes_silent_with_the_socket_open(start_sim):
    sim = start_fuji(start_sim, files=4, stall_after_bytes=200_000)
    with FujiClient(sim.port) as client:
        client.connect()
        assert client.set_prop(PROP_CORRECT_FILE_SIZE, 1) == OK
        client.sock.settimeout(0.3)
        with pytest.raises(socket.timeout):
            client.transact(OpCode.GET_PARTIAL_OBJECT, 1, 0, PIECE)
        assert client.framer.in_container
    assert [f.value for f, _ in sim.faults.fired] == ["stall"]


def test_a_drip_mid_object_sends_the_rest_one_byte_at_a_time(start_sim):
    sim = start_fuji(start_sim, files=4, drip_after_bytes=1000, drip_interval=0.02)
    first = in_capture_order(sim)[0]
    with FujiClient(sim.port) as client:
        client.connect()
        assert client.set_prop(PROP_CORRECT_FILE_SIZE, 1) == OK
        started = time.monotonic()
        result = client.transact(OpCode.GET_PARTIAL_OBJECT, 1, 0, 1005)  # 5 bytes drip,
        assert result.data == first.content()[:1005]  # then the 16-byte response too
        assert time.monotonic() - started >= 20 * 0.02
    assert [(f.value, at) for f, at in sim.faults.fired] == [("drip", 1000)]


def test_the_rate_cap_applies_to_fuji_object_data(start_sim):
    sim = start_fuji(start_sim, files=4, rate=4 << 20)
    with FujiClient(sim.port) as client:
        client.connect()
        assert client.set_prop(PROP_CORRECT_FILE_SIZE, 1) == OK
        started = time.monotonic()
        assert len(client.transact(OpCode.GET_PARTIAL_OBJECT, 2, 0, PIECE).data) == PIECE
        assert time.monotonic() - started >= 0.2


def test_a_new_shot_shows_in_the_next_poll_and_as_handle_n_plus_one(start_sim):
    sim = start_fuji(start_sim, files=3)
    with FujiClient(sim.port) as client:
        client.connect()
        assert client.events() == {}
        shot = sim.add_object("DSCF0099.JPG", b"\xff\xd8 a new shot \xff\xd9")
        assert client.events() == {PROP_OBJECT_COUNT: 4}
        info, data = client.download(4)
        assert (info.filename, data) == ("DSCF0099.JPG", shot.content())


def test_the_host_hang_up_ends_the_connection(start_sim):
    sim = start_fuji(start_sim)
    with FujiClient(sim.port) as client:
        client.connect()
        client.sock.sendall(FUJI_HANG_UP)
        assert client.sock.recv(16) == b""
    assert sim.connections.sessions() == []


# -- options -------------------------------------------------------------------------------------

def parse(*argv: str) -> SimulatorConfig:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return config_from_args(parser.parse_args(list(argv)))


def test_the_fuji_options_and_the_default_port():
    config = parse("--profile", "fuji", "--fuji-pairing-wait", "2.5", "--fuji-pushed",
                   "--fuji-busy-inits", "1", "--fuji-empty-deviceinfo")
    assert config.port == 55740
    assert (config.fuji_pairing_wait, config.fuji_pushed, config.fuji_busy_inits,
            config.fuji_empty_deviceinfo) == (2.5, True, 1, True)
    assert parse("--profile", "fuji", "--port", "0").port == 0
    assert parse().port == 15740 and parse("--profile", "nikon").port == 15740


@pytest.mark.parametrize("options, words", [
    ({"fuji_pushed": True}, "fuji profile"),
    ({"profile": "fuji", "fuji_pairing_wait": -1}, "pairing wait"),
    ({"profile": "fuji", "fuji_busy_inits": -1}, "busy"),
])
def test_bad_fuji_options_are_clear_errors(options, words):
    with pytest.raises(ValueError, match=words):
        SimulatorConfig(**options).validate()
