"""Isolation shared by every test: no test touches the user's real history, config or GUID, and
discovery stays on loopback."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("airnef-home")
    monkeypatch.setenv("AIRNEF_TUI_HOME", str(home))
    monkeypatch.setenv("AIRNEF_TUI_INTERFACES", "127.0.0.1")
    return home
