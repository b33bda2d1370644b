"""Isolation shared by every test: no test touches the user's real history, config or GUID, and
discovery stays on loopback."""

from __future__ import annotations

import pytest

from airnef_tui.simulator import Simulator, SimulatorConfig


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("airnef-home")
    monkeypatch.setenv("AIRNEF_TUI_HOME", str(home))
    monkeypatch.setenv("AIRNEF_TUI_INTERFACES", "127.0.0.1")
    return home


@pytest.fixture
def start_sim():
    """start_sim(**config): a started simulated camera on a free 127.0.0.1 port (a small
    generated card unless told otherwise), stopped at the end of the test."""
    started: list[Simulator] = []

    def start(**options) -> Simulator:
        options.setdefault("port", 0)
        options.setdefault("files", 4)
        sim = Simulator(SimulatorConfig(**options)).start()
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()
