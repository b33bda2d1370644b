"""Watching a camera (`get --realtime`, `--watch`): keep the session open and fetch new shots.

airnef polled the whole handle list every 3 s and never read the event channel. Here the
camera's own announcements come first: an ObjectAdded event (0x4002; Sony 0xC201, Nikon 0xC101)
on the event socket, or in the queue Nikon keeps for GetEvent, makes us look at the card at once.
Every `--realtime-poll` seconds the session is kept awake with a real operation (GetDeviceInfo: a
Sony ignores probes), Nikon's GetEvent is asked, and, for as long as the camera has not shown that
it announces new shots, the card is looked at too; once it has, a look is made only every
`LOOK_ANYWAY_EVERY` polls, in case one announcement was lost.

New files go through the same filters, history, naming and engine as the normal pass (the
`download` callable is `get`'s), with @dlnum@ counting on. The watcher ends only by an exception:
RunCancelled (Ctrl-C, SIGTERM, the TUI's cancel), the connection lost beyond `CameraLink`'s retries,
or WatchStopped when its `stop` event is set (the TUI's `w` turning watching off: the batch in
hand finishes first, as the person asked to stop looking, not to abandon a file).
"""

from __future__ import annotations

import functools
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import NoReturn

from airnef_tui.app.continued_run import ContinuedRun
from airnef_tui.app.new_files import NewFileFinder
from airnef_tui.app.tracked_sessions import TrackedSessions
from airnef_tui.app.units import summary_line
from airnef_tui.camera.catalogue import CameraFile, Prefetch
from airnef_tui.camera.errors import ConnectionLost, OperationFailed
from airnef_tui.camera.session import CameraSession
from airnef_tui.ptpip import Event, EventCode, code_name
from airnef_tui.transfer.events import Observer, Summary
from airnef_tui.transfer.link import CameraLink, RunCancelled

LOOK_ANYWAY_EVERY = 10  # polls between looks once the camera is known to announce new shots
WAIT_SLICE = 0.1  # how often a wait for events notices a cancellation
OBJECT_ADDED = frozenset({
    EventCode.OBJECT_ADDED, EventCode.SONY_OBJECT_ADDED, EventCode.NIKON_OBJECT_ADDED_IN_SDRAM,
})

Download = Callable[[list[CameraFile], Observer], Summary]
Note = Callable[[str], None]

_log = logging.getLogger("airnef_tui.app.watch")


class WatchStopped(Exception):
    """Watching was turned off (the `stop` event of `watch_for_new_files`): not an error."""


def run_realtime(mode: str, poll: float, *, link: CameraLink, sessions: TrackedSessions,
                 finder: NewFileFinder, first_prefetch: Prefetch | None,
                 choose: Callable[[list[CameraFile]], list[CameraFile]], download: Download,
                 observer: Observer, note: Note) -> NoReturn:
    """The normal pass (for `afternormal`), then new shots until an exception ends it.

    The whole session is reported as one run: a single summary, on the way out whatever the way.
    """
    run = ContinuedRun(observer)
    try:
        everything = finder.first_look(link.session, prefetch=first_prefetch)
        if mode == "afternormal":
            normal = download(choose(everything), run)
            note(f"normal pass done: {summary_line(normal)}")
        watch_for_new_files(run, link=link, sessions=sessions, finder=finder, download=download,
                            poll=poll, on_first_look=lambda: note(
                                f"watching the camera for new files (looking every {poll:g} s "
                                "unless it announces them); Ctrl-C or SIGTERM stops"))
    finally:
        run.finish()


def watch_for_new_files(run: ContinuedRun, *, link: CameraLink, sessions: TrackedSessions,
                        finder: NewFileFinder, download: Download, poll: float,
                        on_first_look: Callable[[], None] = lambda: None,
                        stop: threading.Event | None = None) -> NoReturn:
    """New shots, batch after batch, reported through `run` as one run; `get --watch` and the
    TUI's watch mode both come here, so both look, poll and reconnect alike. Ends only by an
    exception: RunCancelled, the link lost, or WatchStopped once `stop` is set."""
    run.watching()
    download_new = functools.partial(_download_batch, run=run, download=download,
                                     finder=finder, sessions=sessions)
    Watcher(link, sessions, finder, download_new, poll=poll, on_first_look=on_first_look,
            stop=stop).run()


def _download_batch(files: list[CameraFile], run: ContinuedRun, download: Download,
                    finder: NewFileFinder, sessions: TrackedSessions) -> None:
    generation = sessions.generation
    download(files, run)
    if sessions.generation != generation and run.batch_failures:
        failed = set(run.batch_failures)  # maybe stale handles: find them again on the new session
        finder.look_again_for(f for f in files if f.path in failed)


class Watcher:
    """The loop: wait for an announcement or the next poll, look, download what is new."""

    def __init__(self, link: CameraLink, sessions: TrackedSessions, finder: NewFileFinder,
                 download: Callable[[list[CameraFile]], None], *, poll: float,
                 on_first_look: Callable[[], None] = lambda: None,
                 clock: Callable[[], float] = time.monotonic,
                 stop: threading.Event | None = None) -> None:
        self.link = link
        self.sessions = sessions
        self.finder = finder
        self.download = download
        self.poll = poll
        self.on_first_look = on_first_look  # from then on, anything new is reported
        self.clock = clock
        self.cancel: threading.Event = link.cancel
        self.stop = stop  # set: end with WatchStopped at the next wait (never mid-batch)
        self._generation = -1
        self._announces = False  # the camera has announced a new shot on this session
        self._polls = 0
        self._next_poll = 0.0
        self._look_due = True
        self._awaited: set[int] = set()  # announced handles the camera could not describe yet
        self._first_look = True
        self._event_poll = True  # Nikon's GetEvent, until the camera refuses it

    def run(self) -> NoReturn:
        while True:
            try:
                self._step()
            except ConnectionLost as lost:
                _log.debug("connection lost while watching: %s", lost)
                self.link.reconnect(lost)

    def _step(self) -> None:
        session = self.link.session
        if self.sessions.generation != self._generation:
            self._generation = self.sessions.generation  # a new session: handles may differ
            self._announces = False
            self._awaited.clear()
            self._look_due = True
            self._next_poll = self.clock() + self.poll
        deadline = self.clock() if self._look_due else self._next_poll
        self._take(self._wait(session, deadline), session, "event socket")
        if self.clock() >= self._next_poll:
            self._poll(session)
        if self._look_due:
            self._look_due = False
            fresh = self.finder.look(session)
            if self._first_look:
                self._first_look = False
                self.on_first_look()
            # an announced object the camera could not describe yet gets one more look, at the
            # next poll
            self._awaited = {h for h in self._awaited if not self.finder.described(session, h)}
            if fresh:
                self.download(fresh)

    def _poll(self, session: CameraSession) -> None:
        session.keep_alive()
        retry = bool(self._awaited)  # their one more look is this poll's
        self._awaited.clear()
        if self._event_poll:
            try:
                self._take(session.poll_events(), session, "GetEvent")
            except OperationFailed as refused:
                self._event_poll = False
                _log.debug("GetEvent refused; events come from the event socket only: %s",
                           refused)
        self._polls += 1
        if not self._announces or retry or self._polls % LOOK_ANYWAY_EVERY == 0:
            self._look_due = True
        self._next_poll = self.clock() + self.poll

    def _take(self, events: tuple[Event, ...] | list[Event], session: CameraSession,
              source: str) -> None:
        for event in events:
            handle = event.params[0] if event.params else None
            _log.debug("%s: %s, handle %s", source, code_name(EventCode, event.code),
                       f"0x{handle:X}" if handle is not None else "none")
            if event.code in OBJECT_ADDED:
                self._announces = True
                self._look_due = True
                if handle is not None:
                    self._awaited.add(handle)
            elif event.code == EventCode.OBJECT_REMOVED and handle is not None:
                self.finder.object_removed(session, handle)

    def _wait(self, session: CameraSession, deadline: float) -> list[Event]:
        """Events that arrive before `deadline` (returning at the first); RunCancelled when
        the user stops the run, WatchStopped when watching was turned off."""
        events_queue = session.events
        events: list[Event] = []
        while True:
            if self.cancel.is_set():
                raise RunCancelled()
            if self.stop is not None and self.stop.is_set():
                raise WatchStopped()
            try:
                while True:
                    events.append(events_queue.get_nowait())
            except queue.Empty:
                pass
            remaining = deadline - self.clock()
            if events or remaining <= 0:
                return events
            try:
                events.append(events_queue.get(timeout=min(remaining, WAIT_SLICE)))
            except queue.Empty:
                continue
