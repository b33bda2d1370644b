"""Keeping a camera session alive across dropped connections.

Wi-Fi to a camera drops: the camera's radio sleeps, the photographer walks away, the body reboots
its network stack. `CameraLink` owns the current session and, when told the connection was lost,
closes it and opens a new one, up to `retries` times with `delay` seconds between tries, telling
the observer each time. A refusal is never retried: only the user can fix it on the camera.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import BinaryIO, Generic, Protocol, TypeVar

from airnef_tui.camera.errors import CameraError, CameraRefused, Interrupted
from airnef_tui.transfer.events import Observer, Reconnecting


class DownloadSession(Protocol):
    """What the engine asks of a camera session (`camera.session.CameraSession` is one).

    Spelled out so the engine's calls are checked, and so that anything else that can stream an
    object (another transport's session) fits the engine without it knowing.
    """

    def download(self, handle: int, sink: BinaryIO, *, size: int, offset: int = 0,
                 progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> int: ...

    def thumb(self, handle: int, *, large: bool = False) -> bytes: ...

    def close(self) -> None: ...


SessionT = TypeVar("SessionT", bound=DownloadSession)


class LinkLost(CameraError):
    """The camera could not be reached again within the allowed retries."""

    def __init__(self, retries: int, cause: Exception) -> None:
        self.cause = cause
        super().__init__(f"{cause} (gave up after {retries} reconnection attempt(s))")


class RunCancelled(Interrupted):
    """The user asked to stop (Ctrl-C or SIGTERM in the CLI, a key in the TUI). Callers catch
    its base, `Interrupted`, which the camera layer raises when the stop comes mid-wait."""


class CameraLink(Generic[SessionT]):
    def __init__(self, open_session: Callable[[], SessionT], *, retries: int, delay: float,
                 observer: Observer, cancel: threading.Event | None = None) -> None:
        self._open_session = open_session
        self.retries = retries
        self.delay = delay
        self.observer = observer
        self.cancel = cancel or threading.Event()
        self._session: SessionT | None = None

    @property
    def current(self) -> SessionT | None:
        """The open session, if any, without opening one (for short requests between jobs)."""
        return self._session

    @property
    def session(self) -> SessionT:
        if self._session is None:
            self._session = self._open_session()
        return self._session

    def reconnect(self, cause: Exception) -> SessionT:
        """Replace a broken session; raises LinkLost, CameraRefused or RunCancelled."""
        self.abandon()
        for attempt in range(1, self.retries + 1):
            self.observer(Reconnecting(attempt, self.retries, self.delay, str(cause)))
            if self.cancel.wait(self.delay):
                raise RunCancelled()
            try:
                self._session = self._open_session()
                return self._session
            except CameraRefused:
                raise
            except CameraError as exc:
                cause = exc
        raise LinkLost(self.retries, cause)

    def abandon(self) -> None:
        """Forget a session that is in an unknown state (e.g. cut off in a data phase)."""
        session, self._session = self._session, None
        if session is not None:
            try:
                session.close()
            except (CameraError, OSError):
                pass

    def close(self) -> None:
        self.abandon()
