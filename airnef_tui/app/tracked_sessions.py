"""The session a `CameraLink` is using, without asking the link to open one.

The link opens sessions lazily and again after a drop. Two things in `get` need to know which one
is current without causing a connection: the end-of-run chores (a Sony answers one session per
entry into "Send to Computer", so opening a fresh one just to say goodbye would hang), and the
realtime watcher (object handles may be renumbered by a new session, so what it remembers by
handle must be forgotten when the session changes).
"""

from __future__ import annotations

from collections.abc import Callable

from airnef_tui.camera.session import CameraSession


class TrackedSessions:
    """An `open_session` for `CameraLink` that remembers the last session it opened."""

    def __init__(self, open_session: Callable[[], CameraSession]) -> None:
        self._open_session = open_session
        self.current: CameraSession | None = None
        self.generation = 0  # one more for every session opened

    def __call__(self) -> CameraSession:
        session = self._open_session()
        self.current = session
        self.generation += 1
        return session

    def live(self) -> CameraSession | None:
        """The current session if its connection still works, else None."""
        session = self.current
        return session if session is not None and session.connected else None
