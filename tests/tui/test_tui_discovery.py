"""The first screen: cameras found on the network, an address field, and the way back."""

from __future__ import annotations

from textual.widgets import Input, OptionList

from airnef_tui.discovery.scope import Scope
from airnef_tui.discovery.sighting import SWEEP, CameraSighting
from airnef_tui.tui.app import AirnefApp
from airnef_tui.tui.screens.browser import BrowserScreen
from airnef_tui.tui.screens.discovery import DiscoveryScreen
from tui_pilot import SIZE, static_text, wait_until

LOOPBACK = Scope(("127.0.0.1",))


def seeded(sim) -> CameraSighting:
    return CameraSighting(sim.host, sim.port, make="nikon", model=sim.model,
                          sources=frozenset({SWEEP}), confirmed=True)


def camera_lines(pilot) -> list[str]:
    options = pilot.app.screen.query_one("#cameras", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_a_listed_camera_opens_on_enter_and_escape_comes_back(start_camera, output_dir):
    sim = start_camera(files=3)
    app = AirnefApp(None, output_dir, scope=LOOPBACK, seeds=[seeded(sim)])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DiscoveryScreen)
                         and camera_lines(pilot), "the camera in the list")
        line = camera_lines(pilot)[0]
        assert "Nikon" in line and f"127.0.0.1:{sim.port}" in line and "answered" in line
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, BrowserScreen)
                         and app.screen.catalogue is not None, "the camera's files")
        assert len(app.screen.catalogue.files) == len(sim.card.files())
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, DiscoveryScreen), "discovery")
        assert app.access is None
        await wait_until(pilot, lambda: camera_lines(pilot), "the list again")


async def test_an_address_typed_in_the_field_opens_that_camera(start_camera, output_dir):
    sim = start_camera(files=2)
    app = AirnefApp(None, output_dir, scope=LOOPBACK)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DiscoveryScreen), "discovery")
        app.screen.query_one("#address", Input).focus()
        await pilot.press(*f"127.0.0.1:{sim.port}", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, BrowserScreen)
                         and app.screen.catalogue is not None, "the camera's files")


async def test_a_bad_address_is_refused_with_a_reason(output_dir):
    app = AirnefApp(None, output_dir, scope=LOOPBACK)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DiscoveryScreen), "discovery")
        app.screen.query_one("#address", Input).focus()
        await pilot.press(*"192.168.1.1:99999", "enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, DiscoveryScreen)
        assert any("bad port" in str(n.message) for n in app._notifications)


async def test_nothing_found_shows_what_to_do_on_each_make(output_dir, monkeypatch):
    monkeypatch.setattr("airnef_tui.tui.screens.discovery.HELP_AFTER", 0.5)
    app = AirnefApp(None, output_dir, scope=LOOPBACK)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DiscoveryScreen)
                         and app.screen.query_one("#discovery-help").display, "the help")
        text = static_text(pilot, "#discovery-help")
        for make in ("Nikon", "Canon", "Sony", "Fujifilm"):
            assert make in text
        assert "Send to Computer" in text


async def test_an_advertising_camera_appears_by_itself(start_camera, output_dir):
    sim = start_camera(files=2, advertise=True)
    app = AirnefApp(None, output_dir, scope=LOOPBACK)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DiscoveryScreen)
                         and any(f"127.0.0.1:{sim.port}" in line for line in camera_lines(pilot)),
                         "the advertised camera", timeout=10)
        assert any("mdns" in line for line in camera_lines(pilot))
