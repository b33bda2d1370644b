"""Fixtures for the transfer stores' tests."""

from __future__ import annotations

import pytest

from airnef_tui.state.db import open_database


@pytest.fixture
def conn():
    """The real SQLite database under this test's AIRNEF_TUI_HOME (tests/conftest.py)."""
    connection = open_database()
    yield connection
    connection.close()
