"""Fixtures for the camera session tests: a fake peer and sessions aimed at it (127.0.0.1 only)."""

from __future__ import annotations

import pytest

from airnef_tui.camera import CameraSession
from fakecam import TEST_GUID


@pytest.fixture
def session_to():
    """session_to(port, **options): an unopened CameraSession on 127.0.0.1, closed at the end."""
    made: list[CameraSession] = []

    def make(port: int, **options) -> CameraSession:
        options.setdefault("guid", TEST_GUID)
        options.setdefault("name", "pytest")
        options.setdefault("io_timeout", 2.0)
        options.setdefault("connect_timeout", 2.0)
        session = CameraSession("127.0.0.1", port, **options)
        made.append(session)
        return session

    yield make
    for session in made:
        session.close()


@pytest.fixture(autouse=True)
def short_minimum_session(monkeypatch):
    """The 1 s minimum session (for Nikon bodies) would dominate the suite's time; one test
    restores it and checks it."""
    monkeypatch.setattr("airnef_tui.camera.session.MIN_SESSION_SECONDS", 0.0)
