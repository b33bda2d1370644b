"""Help (`?`, F1), quitting (`q`, with a question while a download runs) and the command palette,
against a real simulated camera."""

from __future__ import annotations

from textual.binding import Binding
from textual.command import CommandPalette
from textual.widgets import Input, ProgressBar

from airnef_tui.discovery.scope import Scope
from airnef_tui.tui.app import AirnefApp
from airnef_tui.tui.screens.browser import BrowserScreen
from airnef_tui.tui.screens.confirm_quit import ConfirmQuitScreen
from airnef_tui.tui.screens.discovery import DiscoveryScreen
from airnef_tui.tui.screens.help import HelpScreen, describe, key_name
from airnef_tui.tui.screens.pairing import PairingScreen
from airnef_tui.tui.screens.transfer import TransferScreen
from airnef_tui.tui.widgets.file_list import FileList
from airnef_tui.tui.widgets.preview_pane import PreviewPane
from tui_pilot import SIZE, browser_with_files, file_list, wait_until

OWNERS = (AirnefApp, BrowserScreen, FileList, PreviewPane, DiscoveryScreen, PairingScreen,
          TransferScreen)


def help_rows(help_screen: HelpScreen) -> set[tuple[str, str]]:
    """(key, what) for every key named on the help screen."""
    return {(key, what) for section in help_screen.sections for keys, what in section.lines
            for key in keys.split("  ")}


async def test_question_mark_lists_every_key_of_every_screen_and_escape_closes(
        start_camera, make_app):
    sim = start_camera(files=3)
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        browser = await browser_with_files(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = help_rows(app.screen)
        missing = [(owner.__name__, binding.key)
                   for owner in OWNERS for binding in Binding.make_bindings(owner.BINDINGS)
                   if not any(key == key_name(app, binding) and describe(binding) in what
                              for key, what in rows)]
        assert missing == []
        titles = [section.title for section in app.screen.sections]
        assert titles[0] == "Everywhere"
        assert titles[1] == "Files (the browser) · this screen"  # the current screen first
        assert ("?", "Help") in rows and ("F1", "Help") in rows and ("q", "Quit") in rows
        assert ("s", "Sort: capture time → name → size → folder") in rows

        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is browser
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("q")  # closes the help; does not quit
        await pilot.pause()
        assert app.screen is browser and app.is_running
        await pilot.press("f1", "f1")
        await pilot.pause()
        assert app.screen is browser


async def test_the_help_follows_the_users_keymap(start_camera, make_app):
    sim = start_camera(files=3)
    app = make_app(sim)
    app.set_keymap({"files.hide": "H", "browser.reload": "ctrl+r"})
    async with app.run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        await pilot.press("f1")
        await pilot.pause()
        rows = help_rows(app.screen)
        assert ("H", "Hide files downloaded before (✓), or show them again") in rows
        assert ("ctrl+r", "Re-read card") in rows
        assert not any(key == "h" for key, _ in rows)


async def test_help_on_the_discovery_screen_puts_its_keys_first():
    app = AirnefApp(scope=Scope(interfaces=("127.0.0.1",)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DiscoveryScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.sections[1].title == "Cameras (the first screen) · this screen"
        await pilot.press("escape", "q")
        await pilot.pause()
        assert not app.is_running and app.return_code == 0


async def test_f1_works_in_a_spec_field_where_question_mark_is_text(start_camera, make_app):
    sim = start_camera(files=3)
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        browser = await browser_with_files(pilot)
        spec = browser.query_one("#name-spec").query_one(Input)
        spec.focus()
        await pilot.press("question_mark", "q")
        assert spec.value == "?q" and app.screen is browser
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_q_quits_at_once_when_nothing_is_downloading(start_camera, make_app):
    sim = start_camera(files=3)
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running and app.return_code == 0


async def test_q_asks_first_while_a_download_runs_even_behind_the_files(start_camera, make_app,
                                                                       output_dir):
    sim = start_camera(files=3, rate=400_000)
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        await pilot.press("a", "d")
        await wait_until(pilot, lambda: isinstance(app.screen, TransferScreen)
                         and app.screen.query_one("#overall", ProgressBar).percentage,
                         "the download to start")
        transfer = app.screen
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmQuitScreen)
        await pilot.press("n")  # keep downloading
        await pilot.pause()
        assert app.screen is transfer and transfer.running and not app.access.cancel.is_set()

        await pilot.press("b", "q")  # the download goes on behind the files: still asked
        await pilot.pause()
        assert isinstance(app.screen, ConfirmQuitScreen) and transfer.running
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)

        await pilot.press("q", "q")  # the quit key again on the question quits
        await pilot.pause()
        assert not app.is_running and app.return_code == 0
        assert app.access.cancel.is_set()  # the run stops between pieces, .part kept


async def test_the_command_palette_runs_the_browsers_and_the_lists_actions(start_camera,
                                                                          make_app):
    sim = start_camera(files=4)
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        browser = await browser_with_files(pilot)
        titles = {command.title for command in app.get_system_commands(browser)}
        assert {"Download", "Re-read card", "Tick every file shown", "Invert the ticks of the "
                "files shown", "Sort: capture time → name → size → folder",
                "Help: every key", "Quit"} <= titles
        assert "Move down" not in titles and "Keys" not in titles

        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"tick every file")
        await wait_until(pilot, lambda: app.screen.query("CommandList Option")
                         or app.screen.query("CommandList"), "the palette's hits")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is browser, "the palette to close")
        await pilot.pause(0.1)
        assert file_list(pilot).selected_indexes == [0, 1, 2, 3]
