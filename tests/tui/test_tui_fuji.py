"""The TUI on a simulated Fujifilm (the `fuji` profile, its own transport): the browser lists the
card, and a download from it lands byte for byte with the capture time."""

from __future__ import annotations

import socket

import pytest

from airnef_tui.app.camera_access import CameraAccess
from airnef_tui.app.connect import ConnectionOptions
from airnef_tui.camera.address import CameraAddress
from airnef_tui.camera.fuji_session import FujiSession
from airnef_tui.tui.app import AirnefApp
from airnef_tui.tui.messages import TransferOutcome
from tui_pilot import SIZE, browser_with_files, finished_transfer, static_text

FUJI_PORT = 55740


def _fuji_port_free() -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the simulator binds
        try:
            probe.bind(("127.0.0.1", FUJI_PORT))
        except OSError:
            return False
    return True


@pytest.fixture
def fuji_app(start_sim, output_dir):
    """fuji_app(port, options): a simulated X-T4 on `port` (0: any) and the app open on it."""
    accesses: list[CameraAccess] = []

    def make(port: int, options: ConnectionOptions):
        sim = start_sim(profile="fuji", files=4, port=port)
        access = CameraAccess(CameraAddress(sim.host, sim.port), options)
        accesses.append(access)
        return sim, AirnefApp(access, output_dir)

    yield make
    for access in accesses:
        access.shutdown()


@pytest.mark.parametrize("how", [
    "make",
    pytest.param("port", marks=pytest.mark.skipif(not _fuji_port_free(),
                                                  reason="port 55740 is taken here")),
])
async def test_browse_and_download_one_file(how, fuji_app, output_dir):
    if how == "make":  # any port, the make named (as `--make fuji` does for list and get)
        sim, app = fuji_app(0, ConnectionOptions(make="fujifilm", retry_delay=0.2))
    else:  # the address alone: Fujifilm's port implies its transport
        sim, app = fuji_app(FUJI_PORT, ConnectionOptions(retry_delay=0.2))
    async with app.run_test(size=SIZE) as pilot:
        browser = await browser_with_files(pilot)
        files = browser.catalogue.files
        assert [f.handle for f in files] == [1, 2, 3, 4]
        assert browser.catalogue.camera.make == "FUJIFILM"
        assert isinstance(app.access.link.session, FujiSession)
        assert "X-T4" in static_text(pilot, "#camera-line")
        await pilot.press("down", "space", "d")
        transfer = await finished_transfer(pilot)

        chosen = files[1]
        assert [p.name for p in output_dir.iterdir()] == [chosen.name]
        on_card = next(o for o in sim.card.files() if o.name == chosen.name)
        assert (output_dir / chosen.name).read_bytes() == on_card.content()
        assert chosen.captured is not None
        assert int((output_dir / chosen.name).stat().st_mtime) == \
            int(chosen.captured.timestamp())
        assert transfer.ended.outcome is TransferOutcome.COMPLETED
