"""Fixtures for the TUI's tests: real simulated cameras on 127.0.0.1 and apps connected to them,
all stopped and closed afterwards."""

from __future__ import annotations

import pytest

from airnef_tui.camera.address import CameraAddress
from airnef_tui.simulator import Simulator
from airnef_tui.tui.app import AirnefApp
from airnef_tui.app.camera_access import CameraAccess
from airnef_tui.app.connect import ConnectionOptions
from airnef_tui.tui.widgets.thumbnail import SSH_VARIABLES


@pytest.fixture(autouse=True)
def not_over_ssh(monkeypatch):
    """The UI starts differently over SSH (no thumbnail); the tests say when they want that,
    whether or not the suite itself runs in an SSH session."""
    for name in SSH_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def start_camera(start_sim):
    """start_camera(**config): a started simulated Nikon on a free loopback port."""

    def start(**options) -> Simulator:
        options.setdefault("profile", "nikon")
        options.setdefault("files", 6)
        return start_sim(**options)

    return start


@pytest.fixture
def output_dir(tmp_path):
    return tmp_path / "photos"


@pytest.fixture
def make_app(output_dir):
    """make_app(sim): the app on the browser screen of `sim`, downloading into `output_dir`."""
    accesses: list[CameraAccess] = []

    def make(sim: Simulator) -> AirnefApp:
        access = CameraAccess(CameraAddress(sim.host, sim.port), ConnectionOptions(retry_delay=0.2))
        accesses.append(access)
        return AirnefApp(access, output_dir)

    yield make
    for access in accesses:
        access.shutdown()
