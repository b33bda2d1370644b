"""The TUI's download: the files a person picked, then, while watching is on, new shots.

`get --watch` lists the card, filters it, downloads, then watches. In the TUI the card is already
listed and the files are picked by hand, and the person decides about watching while the run goes
on (the transfer screen's `w`), so the run is shaped differently; its parts are `get`'s own: the
same `download_files` (history, numbering, resume), one `ContinuedRun` (file numbers and @dlnum@
going on across batches, one summary) and the same `watch_for_new_files` (announcements first,
polls, reconnection). Nothing here knows about screens: `RunControls` is what the UI thread may
change while the run's thread reads it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from airnef_tui.app.continued_run import ContinuedRun
from airnef_tui.app.download import RunNumbering, download_files
from airnef_tui.app.listing import cached_prefetch
from airnef_tui.app.new_files import FileKey, NewFileFinder, file_key
from airnef_tui.app.records import DownloadRecords
from airnef_tui.app.tracked_sessions import TrackedSessions
from airnef_tui.app.watch import WatchStopped, watch_for_new_files
from airnef_tui.camera.catalogue import CameraFile, list_files
from airnef_tui.camera.session import CameraSession
from airnef_tui.transfer.events import Observer, Summary
from airnef_tui.transfer.filters import FileFilter
from airnef_tui.transfer.link import CameraLink
from airnef_tui.transfer.plan import CameraIdentity, Naming

WATCH_POLL = 3.0  # seconds between keep-alives and looks, as `get --realtime-poll` by default


@dataclass(frozen=True, slots=True)
class Watching:
    """The first look after the picked files is done: from now on new shots are fetched."""

    poll: float


@dataclass
class RunControls:
    """A run's choices that may change while it goes on (set on the UI thread, read by the run's
    thread at each decision): the naming (its if-exists rule applies to files planned from then
    on: new shots, a run started again), whether the history skips files downloaded before, and
    whether to watch for new shots after the picked files. `seen` holds the files that are not
    new shots: the browser's listing, then every shot already fetched, so that turning watching
    off and on again never fetches one twice."""

    naming: Naming
    use_history: bool = True
    poll: float = WATCH_POLL
    seen: set[FileKey] = field(default_factory=set)
    stop_watching: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.stop_watching.set()  # watching starts off: a download is a download until asked

    @property
    def watch(self) -> bool:
        return not self.stop_watching.is_set()

    def set_watch(self, on: bool) -> None:
        """Turning it off while watching ends the run once the batch in hand is done."""
        if on:
            self.stop_watching.clear()
        else:
            self.stop_watching.set()

    def known(self, files: Iterable[CameraFile]) -> None:
        """These files were on the card before watching began: they are no new shots."""
        self.seen.update(file_key(file) for file in files)


def download_then_watch(link: CameraLink, sessions: TrackedSessions, conn: sqlite3.Connection,
                        camera: CameraIdentity, files: Sequence[CameraFile],
                        controls: RunControls, observer: Observer, *,
                        file_filter: FileFilter) -> Summary:
    """`files` as `get` would download them, then new shots while `controls.watch` is on.

    Reported as one run (`RunStarted` for the picked files, `NewFiles` for each batch of new
    shots, `Watching` once watching has begun, one `RunFinished` on the way out, however it
    ends). Returns the run's summary once the files are done and watching is off; raises what
    the engine and the watcher raise (Interrupted on cancel, CameraError once the link is lost).
    """
    numbering = RunNumbering.starting_now(DownloadRecords(conn, camera))
    run = ContinuedRun(observer)

    def download(batch: list[CameraFile], batch_observer: Observer) -> Summary:
        return download_files(link, conn, camera, batch, controls.naming, batch_observer,
                              use_history=controls.use_history, numbering=numbering)

    try:
        if files:
            download(list(files), run)
        if controls.watch:
            finder = _finder_since(link.session, conn, camera, controls, file_filter)
            watch_for_new_files(run, link=link, sessions=sessions, finder=finder,
                                download=download, poll=controls.poll,
                                on_first_look=lambda: observer(Watching(controls.poll)),
                                stop=controls.stop_watching)
    except WatchStopped:
        pass
    finally:
        run.finish()
    return run.total


def _finder_since(session: CameraSession, conn: sqlite3.Connection, camera: CameraIdentity,
                  controls: RunControls, file_filter: FileFilter) -> NewFileFinder:
    """A finder for which the new shots are the files not in `controls.seen`.

    `get` counts what is on the card when watching starts as seen. Here the person picked from a
    listing made earlier, so a shot taken since (while the picked files came down, say) is new:
    one listing through the object-info cache now (cheap on a known card), and whatever on it is
    not in `seen` is left for the watcher's first look to report.
    """
    finder = NewFileFinder(file_filter, list_files)
    finder.seen = controls.seen  # shared: shots fetched now stay seen for a later watch
    before = set(controls.seen)
    everything = finder.first_look(session, prefetch=cached_prefetch(session, conn, camera))
    if before:
        finder.look_again_for(file for file in everything if file_key(file) not in before)
    return finder
