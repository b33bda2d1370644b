"""`list` and `get` against the simulator's `fuji` profile (Fujifilm's own transport, phone mode):
byte-identical files with capture times, history, renaming with make/model/serial, resume after a
drop and a stall, thumbnails, the busy Init retried, the pairing wait (its note, its timeout and a
cancel), pushed images, the X-T4's empty DeviceInfo, and the transport chosen by `--make fuji` or
by the port 55740."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from e2e_support import BASE_TIME, DAY, address, tree_of, write_card

from airnef_tui.app.connect import ConnectionOptions, open_session, uses_fujifilm_transport
from airnef_tui.camera.address import CameraAddress, parse_address
from airnef_tui.camera.fuji_session import FujiSession
from airnef_tui.camera.session import CameraSession
from airnef_tui.ptpip.codes import OpCode

MIB = 1024 * 1024
CARD = {  # the camera shows no folders: every file at the top, numbered in capture order
    "DCIM/100_FUJI/DSCF0001.JPG": (150_000, BASE_TIME),
    "DCIM/100_FUJI/DSCF0002.RAF": (2_600_000, BASE_TIME + 60),
    "DCIM/100_FUJI/DSCF0003.JPG": (90_000, BASE_TIME + DAY),
}
NAMES = {path.rsplit("/", 1)[-1]: path for path in CARD}
FAST = ("--io-timeout", "1", "--retry-delay", "0.2", "--make", "fuji")


@pytest.fixture
def fuji_card(tmp_path):
    root = tmp_path / "card"
    contents = write_card(root, CARD)
    return root, {path.rsplit("/", 1)[-1]: data for path, data in contents.items()}


def fuji(start_sim, root, **options):
    return start_sim(profile="fuji", dirs=[root], **options)


def test_list_shows_every_file_with_make_and_model(start_sim, fuji_card, cli, tmp_path):
    root, _ = fuji_card
    sim = fuji(start_sim, root)

    result = cli("list", address(sim), "-o", tmp_path / "out", "--json", "--make", "fuji")

    assert result.code == 0, result.err
    camera, *files = result.records
    assert (camera["manufacturer"], camera["model"], camera["serial"]) == \
        ("FUJIFILM", sim.model, sim.serial)
    assert [(f["name"], f["size"], f["folder"]) for f in files] == [
        (name, CARD[path][0], "") for name, path in NAMES.items()]
    assert [f["handle"] for f in files] == [1, 2, 3]


def test_get_is_byte_identical_with_capture_times_and_remembered(start_sim, fuji_card, cli,
                                                                 tmp_path):
    root, contents = fuji_card
    sim = fuji(start_sim, root)
    out = tmp_path / "out"

    first = cli("get", address(sim), "-o", out, "--json", *FAST)

    assert first.code == 0, first.err
    assert tree_of(out) == contents
    for name, path in NAMES.items():
        assert int((out / name).stat().st_mtime) == int(CARD[path][1]), name
    reads = [r for r in sim.stats.reads if r.opcode == OpCode.GET_PARTIAL_OBJECT]
    assert reads and max(r.length for r in reads) <= MIB

    second = cli("get", address(sim), "-o", out, "--json", *FAST)

    assert second.code == 0, second.err
    assert {r["status"] for r in second.files} == {"skipped"}
    assert second.summary["downloaded"] == 0


def test_rename_specifiers_give_the_make_model_and_serial(start_sim, fuji_card, cli, tmp_path):
    root, contents = fuji_card
    sim = fuji(start_sim, root)
    out = tmp_path / "out"

    result = cli("get", address(sim), "-o", out, *FAST,
                 "--name", "@cameramake@_@cameramodel@_@cameraserial@_@filename@")

    assert result.code == 0, result.err
    prefix = f"FUJIFILM_{sim.model}_{sim.serial}_"
    assert tree_of(out) == {prefix + name: data for name, data in contents.items()}


def test_an_empty_device_info_still_names_a_fujifilm(start_sim, fuji_card, cli, tmp_path):
    root, contents = fuji_card
    sim = fuji(start_sim, root, fuji_empty_deviceinfo=True)
    out = tmp_path / "out"

    result = cli("get", address(sim), "-o", out, *FAST, "--name", "@cameramake@-@filename@")

    assert result.code == 0, result.err
    assert tree_of(out) == {f"FUJIFILM-{name}": data for name, data in contents.items()}
    listed = cli("list", address(sim), "-o", out, "--json", "--make", "fuji")
    assert (listed.records[0]["manufacturer"], listed.records[0]["model"]) == \
        ("FUJIFILM", sim.model)  # the model from the camera's name in its Ack


@pytest.mark.parametrize("fault", ["drop_after_bytes", "stall_after_bytes"])
def test_resumes_after_a_drop_or_a_stall(fault, start_sim, fuji_card, cli, tmp_path):
    root, contents = fuji_card
    sim = fuji(start_sim, root, **{fault: 1_500_000})
    out = tmp_path / "out"

    result = cli("get", address(sim), "-o", out, "--json", *FAST)

    assert result.code == 0, result.err
    assert sim.faults.fired, "the fault never fired: the test proves nothing"
    assert tree_of(out) == contents
    offsets = [r.offset for r in sim.stats.reads if r.opcode == OpCode.GET_PARTIAL_OBJECT]
    # A fresh read goes 0, 1 MiB, 2 MiB ...; a resumed one starts where the bytes stopped.
    resumed = [o for before, o in zip([0, *offsets], offsets) if o % MIB and o != before + MIB]
    assert len(resumed) == 1 and sim.stats.sessions >= 2, offsets


def test_thumbnails(start_sim, fuji_card, cli, tmp_path):
    root, _ = fuji_card
    sim = fuji(start_sim, root)
    out = tmp_path / "out"

    result = cli("get", address(sim), "-o", out, *FAST, "--thumbnails")

    assert result.code == 0, result.err
    written = tree_of(out)
    assert sorted(written) == sorted(n.rpartition(".")[0] + ".thumb.jpg" for n in NAMES)
    assert all(data[:2] == b"\xff\xd8" for data in written.values())


def test_a_busy_camera_is_asked_again_once(start_sim, fuji_card, cli, tmp_path):
    root, contents = fuji_card
    sim = fuji(start_sim, root, fuji_busy_inits=1)
    out = tmp_path / "out"

    result = cli("get", address(sim), "-o", out, *FAST)

    assert result.code == 0, result.err
    assert tree_of(out) == contents


def test_a_camera_busy_on_every_try_is_exit_4(start_sim, fuji_card, cli, tmp_path):
    root, _ = fuji_card
    sim = fuji(start_sim, root, fuji_busy_inits=100)

    result = cli("get", address(sim), "-o", tmp_path / "out", *FAST)

    assert result.code == 4, result.err
    assert "busy" in result.err and "Traceback" not in result.err


def test_the_first_pairing_is_announced_and_waited_for(start_sim, fuji_card, cli, tmp_path):
    root, contents = fuji_card
    sim = fuji(start_sim, root, fuji_pairing_wait=1.0)
    out = tmp_path / "out"

    result = cli("get", address(sim), "-o", out, *FAST)

    assert result.code == 0, result.err
    assert "press OK on the camera" in result.err
    assert tree_of(out) == contents


def test_a_pairing_never_confirmed_is_exit_4_with_what_to_do(start_sim, fuji_card, cli,
                                                             tmp_path):
    root, _ = fuji_card
    sim = fuji(start_sim, root, fuji_pairing_wait=60)
    started = time.monotonic()

    result = cli("get", address(sim), "-o", tmp_path / "out", *FAST, "--pairing-timeout", "1")

    assert result.code == 4, result.err
    assert time.monotonic() - started < 5
    last = result.err.strip().splitlines()[-1]
    assert "press OK on the camera" in last and "Traceback" not in result.err


def test_a_stop_during_the_pairing_wait_is_prompt(start_sim, fuji_card, tmp_path):
    from airnef_tui.cli import build_parser
    from airnef_tui.headless import get_command

    root, _ = fuji_card
    sim = fuji(start_sim, root, fuji_pairing_wait=60)
    args = build_parser().parse_args(["get", address(sim), "-o", str(tmp_path / "out"), *FAST])
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    started = time.monotonic()

    code = get_command.run(args, cancel=cancel)

    assert code == 130
    assert time.monotonic() - started < 2


def test_pushed_images_are_all_downloaded(start_sim, fuji_card, cli, tmp_path):
    root, contents = fuji_card
    sim = fuji(start_sim, root, fuji_pushed=True)
    out = tmp_path / "out"

    result = cli("get", address(sim), "-o", out, "--json", *FAST)

    assert result.code == 0, result.err
    assert tree_of(out) == contents
    assert result.summary["downloaded"] == len(contents)


def test_a_client_that_forgets_the_full_size_property_gets_a_preview(start_sim, fuji_card):
    """The simulator enforces the rule the session follows: before 0xD227 = 1, sizes and data
    are a ~100 KB preview's."""
    root, contents = fuji_card
    sim = fuji(start_sim, root)
    with FujiSession("127.0.0.1", sim.port, io_timeout=2) as session:
        raw = session.operation(OpCode.GET_OBJECT_INFO, (2,))  # before anything set 0xD227
        forgotten = int.from_bytes(raw[8:12], "little")
        preview = session.operation(OpCode.GET_PARTIAL_OBJECT, (2, 0, MIB))
        assert session.object_info(2).compressed_size == len(contents["DSCF0002.RAF"])
    assert forgotten < 200_000 and forgotten != len(contents["DSCF0002.RAF"])
    assert len(preview) == forgotten and preview != contents["DSCF0002.RAF"][:forgotten]


def test_port_55740_and_the_make_choose_the_fujifilm_transport():
    assert uses_fujifilm_transport(parse_address("192.168.0.1:55740"))
    assert not uses_fujifilm_transport(parse_address("192.168.0.1"))
    assert uses_fujifilm_transport(parse_address("192.168.0.1"), ConnectionOptions(make="fuji"))
    assert uses_fujifilm_transport(parse_address("10.0.0.2:4000"),
                                   ConnectionOptions(make="FujiFilm"))


def _port_55740_free() -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the simulator binds
        try:
            probe.bind(("127.0.0.1", 55740))
        except OSError:
            return False
    return True


@pytest.mark.skipif(not _port_55740_free(), reason="port 55740 is taken on this machine")
def test_host_colon_55740_alone_implies_the_fujifilm_transport(start_sim, fuji_card, cli,
                                                               tmp_path):
    root, contents = fuji_card
    fuji(start_sim, root, port=55740)
    out = tmp_path / "out"

    result = cli("get", "127.0.0.1:55740", "-o", out, "--io-timeout", "1")

    assert result.code == 0, result.err
    assert tree_of(out) == contents
    session = open_session(CameraAddress("127.0.0.1", 55740))
    try:
        assert isinstance(session, FujiSession) and isinstance(session, CameraSession)
    finally:
        session.close()


def test_make_option_is_checked(cli, tmp_path):
    result = cli("get", "127.0.0.1", "-o", tmp_path / "out", "--make", "leica")
    assert result.code == 2 and "leica" in result.err
