"""Starting the TUI: arguments, the demo's isolation, and the stylesheet in both install layouts."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from airnef_tui import paths
from airnef_tui.tui.demo import DemoCamera
from airnef_tui.tui.launch import run_tui

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
