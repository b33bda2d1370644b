"""Starting the TUI: arguments, the demo's isolation, and the stylesheet in both install layouts."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from textual.widgets import Button

from airnef_tui import paths
from airnef_tui.app.camera_access import CameraAccess
from airnef_tui.camera.address import CameraAddress
from airnef_tui.cli import build_parser, main
from airnef_tui.tui.app import AirnefApp
from airnef_tui.tui.demo import DemoCamera
from airnef_tui.tui.launch import output_folder, run_tui, startup_settings, with_keymap_problems
from airnef_tui.tui.widgets.preview_pane import PreviewPane
from airnef_tui.tui.widgets.spec_field import SpecField
from tui_pilot import browser_with_files

CHECKOUT = Path(__file__).resolve().parents[2]


def test_the_checkouts_styles_folder_is_the_packages():
    """styles/ at the top is where people look for the .tcss; the package carries the same files."""
    assert (CHECKOUT / "styles").resolve() == CHECKOUT / "airnef_tui" / "tui" / "styles"
    assert (CHECKOUT / "styles" / "app.tcss").is_file()


def test_the_stylesheet_is_found_inside_an_installed_package(tmp_path):
    """The wheel's layout, rebuilt by hand: the package alone on the path, no checkout around it."""
    site = tmp_path / "site"
    shutil.copytree(CHECKOUT / "airnef_tui", site / "airnef_tui",
                    ignore=shutil.ignore_patterns("__pycache__"))
    code = ("import airnef_tui, airnef_tui.tui.app as app\n"
            "print(airnef_tui.__file__)\nprint(app.AirnefApp().css_path[0])\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, check=True, env={**os.environ, "PYTHONPATH": str(site)})
    package_file, css_path = out.stdout.splitlines()
    assert Path(package_file).is_relative_to(site)
    assert Path(css_path) == site / "airnef_tui" / "tui" / "styles" / "app.tcss"
    assert Path(css_path).is_file()


def test_the_demo_keeps_the_users_history_out_of_reach(monkeypatch):
    monkeypatch.delenv("AIRNEF_TUI_HOME")
    demo = DemoCamera(files=2, rate=None).start()
    try:
        home = Path(os.environ["AIRNEF_TUI_HOME"])
        assert home == demo.temporary_home and home.is_dir()
        assert paths.database_path().is_relative_to(home)
        assert demo.output_dir.is_dir() and not any(demo.output_dir.iterdir())
        assert demo.address.host == "127.0.0.1" and demo.address.port > 0
        assert len(demo.simulator.card.files()) == 2
    finally:
        demo.stop()
        shutil.rmtree(demo.output_dir, ignore_errors=True)
    assert "AIRNEF_TUI_HOME" not in os.environ
    assert not home.exists()


def test_the_demo_uses_a_home_the_user_chose(isolated_home):
    with DemoCamera(files=1, rate=None) as demo:
        assert os.environ["AIRNEF_TUI_HOME"] == str(isolated_home)
        assert demo.temporary_home is None
    shutil.rmtree(demo.output_dir, ignore_errors=True)
    assert os.environ["AIRNEF_TUI_HOME"] == str(isolated_home)
    assert isolated_home.is_dir()


@pytest.mark.parametrize(("demo", "camera", "message"), [
    (False, "192.168.1.1:0", "bad port"),
    (False, "  ", "empty camera address"),
    (True, "192.168.1.1", "either --demo or --camera"),
])
def test_bad_arguments_end_with_one_line_and_exit_code_2(capsys, demo, camera, message):
    assert run_tui(argparse.Namespace(demo=demo, camera=camera)) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


# -- the UI's own options and config.toml's [tui] ------------------------------------------------


def _config(text: str) -> Path:
    path = paths.config_path()  # under the test's AIRNEF_TUI_HOME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _settings(*argv: str):
    return startup_settings(build_parser(list(argv)).parse_args(list(argv)), paths.config_path())


@pytest.mark.parametrize(("argv", "message"), [
    (["--name", "@filname@"], "airnef-tui: --name '@filname@': spec error at column 1: unknown "
                              "specifier @filname@ (did you mean @filename@?)"),
    (["--dir-spec", "a/@path@"], "airnef-tui: --dir-spec 'a/@path@': spec error at column 3"),
    (["--preset", "nope"], "airnef-tui: --preset nope: no preset named 'nope' (known: "
                           "camera-names, date-time-original"),
    (["--preset", "typo"], "airnef-tui: --preset typo: preset 'typo': file_spec '@filname@'"),
])
def test_a_bad_spec_or_preset_is_one_line_and_exit_2_before_the_ui(capsys, argv, message):
    _config('[presets.typo]\nfile_spec = "@filname@"\n')
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(message) and captured.err.count("\n") == 1
    assert captured.out == ""


def test_the_command_line_overrides_the_config_file(tmp_path):
    _config(f'[tui]\noutput = "{tmp_path / "pictures"}"\npreset = "date-folders"\n'
            'file_spec = "@dlnum@"\n')
    from_file = _settings()
    assert (from_file.preset, from_file.file_spec, from_file.dir_spec) == \
        ("date-folders", "@dlnum@", "@capturedate_y@/@capturedate_iso@")
    assert from_file.problems == ()
    assert output_folder(None, from_file) == tmp_path / "pictures"
    assert output_folder(tmp_path / "o", from_file) == tmp_path / "o"
    preset = _settings("--preset", "by-camera-model")  # both of the file's specs replaced
    assert (preset.preset, preset.file_spec, preset.dir_spec) == \
        ("by-camera-model", "", "@cameramodel@")
    one = _settings("--preset", "by-camera-model", "--name", "@filename@")
    assert (one.file_spec, one.dir_spec) == ("@filename@", "@cameramodel@")


def test_a_bad_config_entry_is_a_problem_and_its_default_stands(tmp_path):
    config = _config('[tui]\npreset = "nope"\ndir_spec = "@path@"\n'
                     f'output = "{tmp_path}/file"\n[tui.keys]\n"presets.sav" = "f5"\n')
    (tmp_path / "file").write_text("not a folder")
    settings = with_keymap_problems(_settings())
    assert (settings.preset, settings.file_spec, settings.dir_spec, settings.output) == \
        (None, "", "", None)
    assert [problem.split(": ", 1)[0] for problem in settings.problems] == [
        f"{config} [tui] preset", f"{config} [tui] dir_spec '@path@'",
        f"{config} [tui] output '{tmp_path}/file'", f"{config} [tui.keys]"]
    assert settings.problems[-1].endswith("no key has the id 'presets.sav' "
                                          "(did you mean 'presets.save'?)")
    assert all("\n" not in problem for problem in settings.problems)


async def test_preset_on_the_command_line_is_what_the_rename_pane_shows(start_camera, tmp_path):
    sim = start_camera(files=2)
    settings = with_keymap_problems(_settings("--preset", "date-folders"))
    access = CameraAccess(CameraAddress(sim.host, sim.port))
    try:
        app = AirnefApp(access, tmp_path / "photos", settings=settings)
        async with app.run_test(size=(80, 24)) as pilot:
            await browser_with_files(pilot)
            pane = pilot.app.screen.query_one(PreviewPane)
            assert pane.query_one("#name-spec", SpecField).text == ""
            assert pane.query_one("#dir-spec", SpecField).text == \
                "@capturedate_y@/@capturedate_iso@"
            assert str(pane.query_one("#preset", Button).label).startswith("date-folders ▾")
            assert not pilot.app._notifications
    finally:
        access.shutdown()


def test_the_readmes_example_config_is_read_without_a_problem():
    readme = (CHECKOUT / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n# airnef-tui settings", 1)[1].split("```", 1)[0]
    _config("# airnef-tui settings" + example)
    settings = with_keymap_problems(_settings())
    assert settings.problems == ()
    assert settings.preset == "date-folders" and settings.keys["presets.save"] == "f5"


# -- --demo-shoot-every --------------------------------------------------------------------------


@pytest.mark.parametrize(("argv", "message"), [
    (["--demo-shoot-every", "2"], "airnef-tui: --demo-shoot-every needs --demo"),
    (["--demo", "--demo-shoot-every", "-1"], "airnef-tui: --demo-shoot-every '-1': not a number "
                                             "of seconds (0: never)"),
    (["--demo", "--demo-shoot-every", "soon"], "airnef-tui: --demo-shoot-every 'soon': not a "
                                               "number of seconds"),
    (["--demo", "--demo-shoot-every", "nan"], "airnef-tui: --demo-shoot-every 'nan': not a "
                                              "number of seconds"),
    (["--demo", "--demo-shoot-every", "inf"], "airnef-tui: --demo-shoot-every 'inf': not a "
                                              "number of seconds"),
])
def test_a_bad_demo_shoot_every_is_one_line_and_exit_2_before_the_ui(capsys, argv, message):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(message) and captured.err.count("\n") == 1
    assert captured.out == ""


@pytest.mark.parametrize(("text", "seconds"), [
    (None, 30.0), ("2", 2.0), ("0.5", 0.5), ("0", None),
])
def test_demo_shoot_every_sets_how_often_the_demo_camera_shoots(text, seconds):
    """0 is a card that stays as it is (a still demo, for screenshots or a slow link)."""
    from airnef_tui.tui.launch import demo_shoot_every

    assert demo_shoot_every(text, demo=True) == seconds
    assert DemoCamera(shoot_every=seconds).config.shoot_every == seconds


def test_the_help_says_what_demo_shoot_every_does(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--demo-shoot-every SECONDS with --demo: the simulated camera takes a new photo " \
           "every SECONDS, for watch mode (`w`) to download (default: 30; 0: never)" in help_text
