"""Presets in the TUI, driven by keys against a simulated camera and a real config.toml under the
test's AIRNEF_TUI_HOME: the picker, undo, a bad preset skipped, saving in place, the keymap."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button, Input, OptionList

from airnef_tui import paths
from airnef_tui.app.camera_access import CameraAccess
from airnef_tui.app.connect import ConnectionOptions
from airnef_tui.camera.address import CameraAddress
from airnef_tui.config import TuiSettings
from airnef_tui.rename.presets import BUILTIN_PRESETS
from airnef_tui.tui.app import AirnefApp
from airnef_tui.tui.screens.browser import BrowserScreen
from airnef_tui.tui.widgets.preset_picker import PresetPicker, SavePresetScreen
from airnef_tui.tui.widgets.spec_field import SpecField
from tui_pilot import browser_with_files, preview_pane, type_spec, wait_until

SMALL = (80, 24)  # the picker must stay one line a preset on the smallest usual terminal

USERS_FILE = """\
# My airnef-tui settings: this comment stays.
[camera]
host = "192.168.1.1"   # the D7200 at home

[presets.wedding]
description = "Client folders by day, for the couple, with a description far too long to fit"
file_spec = "@capturedate_iso@_@filename@"
dir_spec = "Weddings/@capturedate_y@"

# Not a preset, and nothing may touch it.
[backup]
paths = ["/mnt/a", "/mnt/b"]
"""


@pytest.fixture
def config() -> Path:
    path = paths.config_path()  # under the test's own AIRNEF_TUI_HOME
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def app_with(start_camera, output_dir):
    """app_with(settings=None): the app on a simulated camera's files, with these settings."""
    accesses: list[CameraAccess] = []

    def make(settings: TuiSettings | None = None) -> AirnefApp:
        sim = start_camera(files=2)
        access = CameraAccess(CameraAddress(sim.host, sim.port), ConnectionOptions(retry_delay=0.2))
        accesses.append(access)
        return AirnefApp(access, output_dir, settings=settings)

    yield make
    for access in accesses:
        access.shutdown()


def specs(pilot) -> tuple[str, str]:
    screen = pilot.app.screen
    return (screen.query_one("#name-spec", SpecField).text,
            screen.query_one("#dir-spec", SpecField).text)


def preset_line(pilot) -> str:
    return str(pilot.app.screen.query_one("#preset", Button).label)


def notifications(pilot) -> list[str]:
    return [f"{note.title}: {note.message}" for note in pilot.app._notifications]


async def open_picker(pilot) -> PresetPicker:
    await type_spec(pilot, "name-spec", "")  # focus inside the rename pane
    await pilot.press("ctrl+o")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, PresetPicker), "the picker")
    return pilot.app.screen


async def test_the_picker_is_bordered_one_line_a_preset_and_fills_both_specs(app_with, config):
    config.write_text(USERS_FILE)
    async with app_with().run_test(size=SMALL) as pilot:
        await browser_with_files(pilot)
        await pilot.press("a")
        picker = await open_picker(pilot)
        box = picker.query_one("#preset-box")
        assert box.styles.border_top[0] == "round" and box.border_title == "Presets"
        options = picker.query_one(OptionList)
        names = [option.id for option in options.options]
        assert names == [p.name for p in BUILTIN_PRESETS] + ["wedding"]
        assert options.virtual_size.height == len(names)  # no description wraps
        assert options.highlighted == 0  # empty specs: camera-names, marked as current
        await pilot.press("down", "down")  # date-folders
        assert "Folder  @capturedate_y@/@capturedate_iso@" in str(
            picker.query_one("#preset-specs").render())
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BrowserScreen), "browser")
        assert specs(pilot) == ("", "@capturedate_y@/@capturedate_iso@")
        assert preset_line(pilot).startswith("date-folders ▾ ^o")
        pane = preview_pane(pilot)
        pane.apply_now()
        assert all(target.count("/") == 2 for target in pane.model.targets)


async def test_escape_closes_the_picker_and_changes_nothing(app_with):
    async with app_with().run_test(size=SMALL) as pilot:
        await browser_with_files(pilot)
        await type_spec(pilot, "name-spec", "@dlnum@")
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PresetPicker), "picker")
        await pilot.press("down", "escape")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BrowserScreen), "browser")
        assert specs(pilot) == ("@dlnum@", "")
        assert preset_line(pilot).startswith("typed specs")


async def test_a_preset_picked_over_typed_specs_says_so_and_ctrl_z_puts_them_back(app_with):
    async with app_with().run_test(size=SMALL) as pilot:
        await browser_with_files(pilot)
        await type_spec(pilot, "name-spec", "@dlnum@")
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PresetPicker), "picker")
        await pilot.press("down", "down", "down", "enter")  # by-camera-model
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BrowserScreen), "browser")
        assert specs(pilot) == ("", "@cameramodel@")
        assert any("Preset 'by-camera-model' replaced the specs you typed; ^z puts them back."
                   in note for note in notifications(pilot))
        await pilot.press("ctrl+z")
        assert specs(pilot) == ("@dlnum@", "")
        assert preset_line(pilot).startswith("typed specs")
        await pilot.press("ctrl+z")  # nothing more to undo: the specs stay
        assert specs(pilot) == ("@dlnum@", "")


async def test_undo_never_throws_away_typing_done_after_the_preset(app_with):
    async with app_with().run_test(size=SMALL) as pilot:
        await browser_with_files(pilot)
        await type_spec(pilot, "name-spec", "@dlnum@")
        preview_pane(pilot).apply_preset("date-folders")
        await type_spec(pilot, "dir-spec", "")  # focus selects the text: go past it
        await pilot.press("end", "/", "x")
        await pilot.pause(0.3)
        assert specs(pilot) == ("", "@capturedate_y@/@capturedate_iso@/x")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert specs(pilot) == ("", "@capturedate_y@/@capturedate_iso@/x")


async def test_a_bad_preset_is_reported_by_name_and_the_others_still_load(app_with, config):
    config.write_text(USERS_FILE + '\n[presets.typo]\nfile_spec = "@filname@"\n'
                      '\n[presets.later]\ndir_spec = "@cameramodel@"\n')
    async with app_with().run_test(size=SMALL) as pilot:
        await browser_with_files(pilot)
        [skipped] = [note for note in notifications(pilot) if note.startswith("Preset skipped")]
        assert "preset 'typo': file_spec '@filname@': spec error at column 1: unknown " \
               "specifier @filname@ (did you mean @filename@?)" in skipped
        assert str(config) in skipped
        picker = await open_picker(pilot)
        names = [option.id for option in picker.query_one(OptionList).options]
        assert names[-2:] == ["wedding", "later"] and "typo" not in names


async def test_ctrl_s_saves_the_specs_as_a_preset_and_keeps_the_rest_of_the_file(app_with,
                                                                                 config):
    config.write_text(USERS_FILE)
    async with app_with().run_test(size=SMALL) as pilot:
        await browser_with_files(pilot)
        await type_spec(pilot, "name-spec", "@capturedate@-@filename@")
        await type_spec(pilot, "dir-spec", "@cameramodel@")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SavePresetScreen), "dialog")
        await pilot.press(*"by model", "tab", *"Dated names per body", "enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BrowserScreen), "browser")
        assert config.read_text() == USERS_FILE + (
            '\n[presets."by model"]\ndescription = "Dated names per body"\n'
            'file_spec = "@capturedate@-@filename@"\ndir_spec = "@cameramodel@"\n')
        assert preset_line(pilot).startswith("by model ▾")
        assert any(f"Saved preset 'by model' in {config}." in note
                   for note in notifications(pilot))
        picker = await open_picker(pilot)
        assert [option.id for option in picker.query_one(OptionList).options][-1] == "by model"


async def test_saving_over_a_taken_name_asks_first_and_then_changes_it_in_place(app_with,
                                                                                config):
    config.write_text(USERS_FILE)
    async with app_with().run_test(size=SMALL) as pilot:
        await browser_with_files(pilot)
        preview_pane(pilot).apply_preset("wedding")
        await type_spec(pilot, "name-spec", "")
        await pilot.press("end", "_", "x")  # an edited wedding
        await pilot.pause(0.3)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SavePresetScreen), "dialog")
        dialog = pilot.app.screen
        assert dialog.query_one("#preset-name", Input).value == "wedding"  # suggested
        await pilot.press("enter")
        assert isinstance(pilot.app.screen, SavePresetScreen)
        assert "'wedding' is already one of yours: Enter again to save over it" in str(
            dialog.query_one("#save-problem").render())
        assert config.read_text() == USERS_FILE
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BrowserScreen), "browser")
        assert config.read_text() == USERS_FILE.replace(
            'file_spec = "@capturedate_iso@_@filename@"',
            'file_spec = "@capturedate_iso@_@filename@_x"')


async def test_a_spec_with_an_error_is_not_saved(app_with, config):
    async with app_with().run_test(size=SMALL) as pilot:
        await browser_with_files(pilot)
        await type_spec(pilot, "name-spec", "@filname@")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, BrowserScreen)
        assert any("Fix the name spec before saving it as a preset: unknown specifier" in note
                   for note in notifications(pilot))
        assert not config.exists()


async def test_escape_in_the_save_dialog_writes_nothing(app_with, config):
    async with app_with().run_test(size=SMALL) as pilot:
        await browser_with_files(pilot)
        await type_spec(pilot, "name-spec", "@dlnum@")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SavePresetScreen), "dialog")
        await pilot.press(*"x", "escape")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BrowserScreen), "browser")
        assert not config.exists()


async def test_the_users_keymap_moves_a_key(app_with, config):
    settings = TuiSettings(keys={"presets.save": "f5", "presets.choose": "f2"})
    async with app_with(settings).run_test(size=SMALL) as pilot:
        await browser_with_files(pilot)
        await type_spec(pilot, "name-spec", "@dlnum@")
        await pilot.press("ctrl+s", "ctrl+o")  # the old keys do nothing now
        await pilot.pause()
        assert isinstance(pilot.app.screen, BrowserScreen)
        assert preset_line(pilot).endswith("▾ f2")  # the line names the key that works
        await pilot.press("f5")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SavePresetScreen), "dialog")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BrowserScreen), "browser")
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PresetPicker), "picker")


async def test_the_settings_give_the_first_specs_and_their_problems(app_with):
    settings = TuiSettings(file_spec="@dlnum@", dir_spec="@cameramodel@",
                           problems=("config.toml [tui] animations: must be true or false",))
    app = app_with(settings)
    assert app.animation_level == "none"
    async with app.run_test(size=SMALL) as pilot:
        await browser_with_files(pilot)
        assert specs(pilot) == ("@dlnum@", "@cameramodel@")
        assert "config.toml: config.toml [tui] animations: must be true or false" in \
            notifications(pilot)


def test_animations_are_off_unless_the_settings_allow_them():
    assert AirnefApp().animation_level == "none"
    assert AirnefApp(settings=TuiSettings(animations=True)).animation_level == "full"
