"""The TUI's one connection to the camera, used from its thread workers only.

Listing the card and downloading share one `CameraLink`, so a download starts on the session the
listing opened (Sony bodies allow one session per run, and every new session costs seconds on
Wi-Fi); a session that died while the browser sat idle is reopened by the link on first use. A
lock keeps the two kinds of work from ever driving the session at the same time, because a
session is not thread-safe. Nothing here touches textual: these are blocking calls, made from
`@work(thread=True)` workers, that return plain values or raise the camera and transfer errors.
The card is listed through the object-info cache, as `list` and `get` list it. A download may go
on watching for new shots (`download_and_watch`), holding the session until watching is turned
off or the run is cancelled: `busy` tells the browser that the camera is taken meanwhile.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from airnef_tui.app.connect import DEFAULTS, ConnectionOptions, camera_identity, camera_link
from airnef_tui.app.connect import session_opener
from airnef_tui.app.download import download_files, run_timestamp
from airnef_tui.app.listing import ListingProgress, list_card
from airnef_tui.app.picked_run import RunControls, download_then_watch
from airnef_tui.app.records import DownloadRecords
from airnef_tui.app.thumbnails import LOCK_WAIT as THUMB_LOCK_WAIT
from airnef_tui.app.thumbnails import Thumb, thumbnail_under
from airnef_tui.app.tracked_sessions import TrackedSessions
from airnef_tui.camera.address import CameraAddress
from airnef_tui.camera.catalogue import CameraFile
from airnef_tui.camera.errors import CameraError, ConnectionLost, Interrupted
from airnef_tui.camera.session import CameraSession
from airnef_tui.state.db import open_database
from airnef_tui.transfer.events import Event, Observer, Reconnecting, Summary
from airnef_tui.transfer.filters import FileFilter
from airnef_tui.transfer.plan import CameraIdentity, Counters, Naming

# The browser shows every card, oldest shot first: a person picks files, so no slot is hidden.
BROWSER_FILTER = FileFilter(slot="both", order="oldest")


@dataclass
class Catalogue:
    """What the browser shows: the camera, its files, and what the history says about them."""

    camera: CameraIdentity
    camera_name: str
    address: CameraAddress
    files: list[CameraFile]
    earlier: list[Path | None]  # per file: where it was downloaded before, or None
    counters: Counters  # where @dlnum_lifetime@ and @dltoday@ continue from
    skipped: list[str] = field(default_factory=list)  # objects the camera could not describe

    @property
    def total_bytes(self) -> int:
        return sum(file.size for file in self.files)

    @property
    def slots(self) -> int:
        return len({file.slot for file in self.files})


@dataclass(frozen=True, slots=True)
class Reconnected:
    """The link has a new session after `Reconnecting`: a countdown on screen can end even when
    no file follows at once (a watching run that sits idle)."""


@dataclass(frozen=True)
class HistoryView:
    """The history's answers for a catalogue's files, re-read after a download."""

    earlier: list[Path | None]
    counters: Counters


class CameraAccess:
    """Blocking camera work for the TUI's workers; `cancel` stops whatever wait on the camera
    they are in (a listing, a download, a reconnection) within a fraction of a second."""

    def __init__(self, address: CameraAddress, options: ConnectionOptions = DEFAULTS) -> None:
        self.address = address
        # What the user must know while a session opens (a Fujifilm asking for OK on the
        # camera) goes to `on_note`, which the UI sets; the options' own note still hears it.
        self.on_note: Callable[[str], None] | None = None
        self._options_note = options.note
        options = dataclasses.replace(options, note=self._note)
        self.options = options
        self.cancel = threading.Event()
        self._lock = threading.Lock()
        self._observer: Observer | None = None
        self._reconnecting = False
        self._open_session = session_opener(address, options, self.cancel)
        # The watcher must know when the link opened a new session (handles may be renumbered).
        self.sessions = TrackedSessions(self._opened)
        self.link = camera_link(self.sessions, options, self._forward, self.cancel)

    @property
    def busy(self) -> bool:
        """A listing or a download holds the session now (a watching download holds it for as
        long as it watches): work started meanwhile waits for it."""
        return self._lock.locked()

    def _note(self, text: str) -> None:
        for hear in (self._options_note, self.on_note):
            if hear is not None:
                hear(text)

    def thumbnail(self, file: CameraFile, wait: float = THUMB_LOCK_WAIT) -> Thumb:
        """The camera's thumbnail of `file`: a short request between the long jobs, which waits
        at most `wait` seconds for a listing or download to let go of the session and never
        opens one (see app.thumbnails)."""
        return thumbnail_under(self._lock, self.link, file, wait)

    def _forward(self, event: Event | Reconnected) -> None:
        """The link reports reconnections; they belong to whichever download is running."""
        if isinstance(event, Reconnecting):
            self._reconnecting = True
        if self._observer is not None:
            self._observer(event)

    def _opened(self) -> CameraSession:
        """A session, and `Reconnected` when it ends a reconnection the observer was told of."""
        session = self._open_session()
        if self._reconnecting:
            self._reconnecting = False
            self._forward(Reconnected())
        return session

    def load_catalogue(self, progress: ListingProgress | None = None) -> Catalogue:
        """Connect if needed, list the card, and look every file up in the history;
        `progress(described, known)` follows the walk, per card (for the browser's count).

        A session kept from an earlier listing may have died while the browser sat idle (the
        camera's Wi-Fi slept): a lost connection is tried once more on a fresh session.
        """
        with self._lock:
            try:
                try:
                    camera, camera_name, files, skipped = self._list_card(progress)
                except ConnectionLost:
                    self.link.abandon()
                    camera, camera_name, files, skipped = self._list_card(progress)
            except (CameraError, Interrupted):
                self.link.abandon()  # the next try must start from a fresh session
                raise
        files = BROWSER_FILTER.apply(files)
        history = self.read_history(camera, files)
        return Catalogue(camera, camera_name, self.address, files, history.earlier,
                         history.counters, skipped)

    def _list_card(self, progress: ListingProgress | None = None
                   ) -> tuple[CameraIdentity, str, list[CameraFile], list[str]]:
        skipped: list[str] = []
        session = self.link.session
        camera = camera_identity(session)
        conn = open_database()
        try:
            files = list_card(session, conn, camera, on_skip=lambda handle, error: skipped.append(
                f"camera object {handle}: {error}"), progress=progress)
        finally:
            conn.close()
        return camera, session.camera_name, files, skipped

    @staticmethod
    def read_history(camera: CameraIdentity, files: Sequence[CameraFile]) -> HistoryView:
        """Local SQLite only: which files were downloaded before, and the counters."""
        conn = open_database()
        try:
            records = DownloadRecords(conn, camera)
            lookup = records.lookup(files)
            return HistoryView([lookup(file) for file in files], records.counters(run_timestamp()))
        finally:
            conn.close()

    def download(self, camera: CameraIdentity, files: Sequence[CameraFile], naming: Naming,
                 observer: Observer, *, use_history: bool = True) -> Summary:
        """Download `files` as `get` would (history skips unless `use_history` is False,
        numbering, resume); raises what `Engine.run` raises, `RunCancelled` once `cancel` is set.
        The caller clears `cancel` before starting, on the UI thread, so a cancel pressed at once
        is never lost."""
        with self._lock:
            self._observer = observer
            conn = open_database()
            try:
                naming.output_dir.mkdir(parents=True, exist_ok=True)
                return download_files(self.link, conn, camera, files, naming, observer,
                                      use_history=use_history)
            finally:
                self._observer = None
                conn.close()

    def download_and_watch(self, camera: CameraIdentity, files: Sequence[CameraFile],
                           controls: RunControls, observer: Observer) -> Summary:
        """`files`, then new shots for as long as `controls.watch` is on (see
        `picked_run.download_then_watch`), reported as one run. Raises as `download` does; a
        cancel ends the watching at once, turning watching off ends it after the batch in hand."""
        with self._lock:
            self._observer = observer
            conn = open_database()
            try:
                controls.naming.output_dir.mkdir(parents=True, exist_ok=True)
                return download_then_watch(self.link, self.sessions, conn, camera, files,
                                           controls, observer, file_filter=BROWSER_FILTER)
            finally:
                self._observer = None
                conn.close()

    def shutdown(self) -> None:
        """Stop any download and close the session; called once the app has exited.

        If a worker still holds the session after a socket timeout (a long listing of a huge
        card), the session is abandoned under it: the process is leaving anyway.
        """
        self.cancel.set()
        # A worker notices the cancel within one socket timeout.
        if self._lock.acquire(timeout=self.options.io_timeout + 1.0):
            try:
                self.link.close()
            finally:
                self._lock.release()
        else:
            self.link.abandon()
