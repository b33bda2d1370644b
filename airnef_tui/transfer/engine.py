"""Running a download plan: the one engine behind `get`, `airnefcmd` and the TUI.

For each planned file it streams the object into `<target>.part` (continuing a `.part` a killed
run left behind when it belongs to the same object), lands it atomically, and records it in the
history only once it is safely on disk. A dropped connection is repaired by `CameraLink` and the
file continues from the byte it reached. A local write error (full disk, read-only folder) stops
the run: every later file would fail the same way.

Landing (fsync, rename, fsync of the folder) is done by a background `Lander`, so the next file's
first request goes out as soon as the last byte of this one is in: the file is "in hand" until
its landing ends. At most one file is ever in hand. Once its landing has ended — seen between two
pieces of the next file, or at the latest before the next file is handed over, at the end of the
run and on the way out of a cancelled or failed one — the engine's own thread marks it finished in
the resume ledger, calls `on_downloaded` (history, --exec hook) and reports its FileFinished. So
file i's FileFinished may follow file i+1's FileStarted and progress; FileFinished events still
come in plan order, and a planned skip or a failed file behind a file in hand waits for it.
"""

from __future__ import annotations

import errno
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from airnef_tui.camera.errors import (
    CameraError, CameraProtocolError, ConnectionLost, DownloadCancelled, Interrupted,
    OperationFailed,
)
from airnef_tui.ptpip import ResponseCode
from airnef_tui.transfer.events import (
    FileFinished, FileProgress, FileStarted, FileStatus, Observer, RunFinished, RunStarted,
    SkipReason, Summary,
)
from airnef_tui.transfer.lander import Lander, LandFunction, Landing
from airnef_tui.transfer.landing import discard, land, open_part
from airnef_tui.transfer.link import CameraLink, RunCancelled
from airnef_tui.transfer.plan import Action, PlannedFile
from airnef_tui.transfer.resume import ObjectIdentity, ResumeLedger

PROGRESS_INTERVAL = 0.1  # at most ~10 progress events a second
RATE_WINDOW = 5.0  # seconds of history behind the rate and ETA


class LocalWriteError(Exception):
    """Writing to the output folder failed; the run cannot go on."""

    def __init__(self, target: Path, exc: OSError) -> None:
        self.target = target
        if exc.errno == errno.ENOSPC:
            what = "the disk is full"
        elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            what = "permission denied (is the folder writable?)"
        else:
            what = exc.strerror or str(exc)
        super().__init__(f"cannot write {target}: {what}")


class RunStopped(Exception):
    """`--if-exists exit` met an existing file: the run ends there, as the user asked."""


@dataclass
class EngineOptions:
    camera_name: str  # shown to the user, e.g. "Nikon D7200 (serial 3555)"
    camera_key: str  # model + serial, the identity used by history and resume
    thumbnails: str | None = None  # None, "small" or "large"


class _RateMeter:
    """Bytes per second over the last few seconds, so a stall shows as a falling rate."""

    def __init__(self) -> None:
        self.samples: deque[tuple[float, int]] = deque()

    def add(self, now: float, total: int) -> float:
        self.samples.append((now, total))
        while len(self.samples) > 2 and now - self.samples[0][0] > RATE_WINDOW:
            self.samples.popleft()
        t0, b0 = self.samples[0]
        return (total - b0) / (now - t0) if now > t0 else 0.0


class _InHand:
    """A file whose bytes are all in and whose landing the lander has. (A plain class: each
    dataclass costs ~0.3 ms of every start-up.)"""

    __slots__ = ("index", "planned", "written", "started", "landing")

    def __init__(self, index: int, planned: PlannedFile, written: int, started: float,
                 landing: Landing) -> None:
        self.index = index
        self.planned = planned
        self.written = written  # bytes this run moved
        self.started = started  # engine clock at its start
        self.landing = landing


class Engine:
    def __init__(self, link: CameraLink, ledger: ResumeLedger, options: EngineOptions,
                 observer: Observer, *, on_downloaded: Callable[[PlannedFile, Path], None],
                 clock: Callable[[], float] = time.monotonic, land: LandFunction = land) -> None:
        """`on_downloaded(planned, final)` runs on this engine's thread once the file is on disk
        (fsynced and in place), before its FileFinished. `land` is `landing.land` unless a test
        puts something around it (it runs on the lander's thread)."""
        self.link = link
        self.ledger = ledger
        self.options = options
        self.observer = observer
        self.on_downloaded = on_downloaded
        self.clock = clock
        self.land = land
        self.cancel: threading.Event = link.cancel
        self._meter = _RateMeter()
        self._run_done = 0
        self._run_total = 0
        self._last_progress = 0.0
        self._summary = Summary()
        self._lander: Lander | None = None
        self._in_hand: _InHand | None = None
        self._held: list[FileFinished] = []  # finished behind the file in hand, in plan order
        self._deferred: BaseException | None = None  # raised by a settle between pieces

    def run(self, plan: list[PlannedFile]) -> Summary:
        summary = self._summary = Summary()
        lander = self._lander = Lander(self.land, self.clock)
        self._in_hand, self._held, self._deferred = None, [], None
        to_fetch = [p for p in plan if p.action is Action.DOWNLOAD]
        self._run_total = sum(p.file.size for p in to_fetch)
        self.observer(RunStarted(len(plan), self._run_total, self.options.camera_name))
        started = self.clock()
        self._meter.add(started, 0)
        try:
            try:
                for index, planned in enumerate(plan, 1):
                    if self.cancel.is_set():
                        raise RunCancelled()
                    self._handle(index, planned)
            finally:
                # However the run ends (done, cancelled, camera lost, a write error), the file
                # in hand lands and is recorded: its bytes are all in. A landing that fails
                # raises LocalWriteError, in place of what was on its way out.
                self._settle()
        finally:
            lander.close()
            summary.seconds = self.clock() - started
            self.observer(RunFinished(summary))
        return summary

    def _settle(self) -> None:
        """Wait for the file in hand to land, then (on this thread) mark it finished in the
        ledger, tell `on_downloaded` and report it, and then the events held behind it. A failed
        landing raises LocalWriteError: the file is not recorded, its `.part` is kept."""
        in_hand, self._in_hand = self._in_hand, None
        held, self._held = self._held, []  # dropped if this raises, as the run then stops here
        if in_hand is not None:
            planned = in_hand.planned
            assert planned.target is not None
            try:
                final = in_hand.landing.wait()
            except OSError as exc:
                raise LocalWriteError(planned.target, exc) from exc
            if not self.options.thumbnails:
                self.ledger.finished(planned.target)
            self.on_downloaded(planned, final)
            self._emit(FileFinished(in_hand.index, planned.file.path, FileStatus.DOWNLOADED,
                                    final, in_hand.written,
                                    in_hand.landing.landed_at - in_hand.started))
        for event in held:
            self._emit(event)

    def _between_pieces(self) -> bool:
        """The `cancelled` that session.download asks before each piece, between transactions:
        a stop the user asked for; and the moment to settle a file in hand whose landing has
        ended, so it is recorded and reported at once rather than after this whole file. An error
        doing so stops this file as a cancel would (its `.part` kept) and is raised in its place.
        """
        if self._in_hand is not None and self._in_hand.landing.done():
            try:
                self._settle()
            except BaseException as exc:
                self._deferred = exc
                return True
        return self.cancel.is_set()

    def _emit(self, finished: FileFinished) -> None:
        self._count(self._summary, finished)
        self.observer(finished)

    def _report(self, finished: FileFinished) -> None:
        """A file's end that involved no landing: after the file in hand's, if there is one."""
        if self._in_hand is not None:
            self._held.append(finished)
        else:
            self._emit(finished)

    @staticmethod
    def _count(summary: Summary, finished: FileFinished) -> None:
        if finished.status is FileStatus.DOWNLOADED:
            summary.downloaded += 1
            summary.bytes += finished.bytes
        elif finished.status is FileStatus.FAILED:
            summary.failed += 1
            summary.failures.append(f"{finished.path}: {finished.reason}")
        elif finished.reason == SkipReason.IN_HISTORY.value:
            summary.skipped_history += 1
        else:
            summary.skipped_existing += 1

    def _handle(self, index: int, planned: PlannedFile) -> None:
        path = planned.file.path
        if planned.action is Action.SKIP_HISTORY:
            return self._report(FileFinished(index, path, FileStatus.SKIPPED, planned.target,
                                             reason=SkipReason.IN_HISTORY.value))
        if planned.action is Action.SKIP_EXISTS:
            return self._report(FileFinished(index, path, FileStatus.SKIPPED, planned.target,
                                             reason=SkipReason.EXISTS.value))
        if planned.action is Action.FAIL:
            return self._report(FileFinished(index, path, FileStatus.FAILED, None,
                                             reason=planned.reason))
        if planned.action is Action.STOP:
            raise RunStopped(f"{planned.target} exists and --if-exists is 'exit'")
        assert planned.target is not None
        assert self._lander is not None
        started = self.clock()
        try:
            if self.options.thumbnails:
                sink, written = self._fetch_thumbnail(planned)
            else:
                sink, written = self._fetch_object(index, planned)
        except (OperationFailed, CameraProtocolError) as exc:
            # One object the camera cannot deliver fails alone; the run goes on.
            return self._report(FileFinished(index, path, FileStatus.FAILED, planned.target,
                                             reason=_failure_reason(exc)))
        try:
            self._settle()  # one file in hand at most: the previous one lands first
        except BaseException:
            _close_quietly(sink)  # every byte is in the .part: a later run lands it unread
            raise
        landing = self._lander.submit(sink, planned.target, planned.file.captured,
                                      replace=planned.overwrite)
        self._in_hand = _InHand(index, planned, written, started, landing)

    def _fetch_object(self, index: int, planned: PlannedFile) -> tuple[BinaryIO, int]:
        """Stream the object into its `.part`; return the open `.part`, every byte written (not
        yet flushed), and how many bytes this run moved."""
        file, target = planned.file, planned.target
        assert target is not None
        identity = ObjectIdentity(self.options.camera_key, file.path, file.size,
                                  file.captured.isoformat() if file.captured else "")
        try:  # even a stat of the .part can fail: a folder on its path may be a regular file
            resume_from = self.ledger.resumable_offset(target, identity)
        except OSError as exc:
            raise LocalWriteError(target, exc) from exc
        self.observer(FileStarted(index, file.path, target, file.size, resume_from))
        base_done = self._run_done
        try:
            self.ledger.started(target, identity)
            sink = open_part(target, resume_from)
        except OSError as exc:
            raise LocalWriteError(target, exc) from exc

        def progress(done: int, total: int) -> None:
            self._progress(index, done, file.size, base_done + done)

        try:
            while True:
                try:
                    self.link.session.download(
                        file.handle, sink, size=file.size, offset=sink.tell(),
                        progress=progress, cancelled=self._between_pieces)
                    break
                except ConnectionLost as exc:
                    sink.flush()
                    self.link.reconnect(exc)
        except (DownloadCancelled, Interrupted):
            sink.close()  # keep the .part: the next run continues it
            deferred, self._deferred = self._deferred, None
            if deferred is not None:  # settling the file in hand failed between two pieces
                raise deferred from None
            raise RunCancelled() from None
        except OSError as exc:
            sink.close()
            self.link.abandon()  # the session is mid data phase: unusable
            raise LocalWriteError(target, exc) from exc
        except OperationFailed:
            discard(sink, target)
            self.ledger.finished(target)
            raise
        except CameraProtocolError:
            sink.close()  # what arrived before the nonsense is kept for a later run
            self.link.abandon()  # the next file starts on a fresh session
            raise
        except CameraError:
            sink.close()  # LinkLost, refusal, protocol error: the .part stays for a later run
            raise
        except BaseException:
            _close_quietly(sink)
            raise
        self._run_done = base_done + file.size
        return sink, file.size - resume_from

    def _fetch_thumbnail(self, planned: PlannedFile) -> tuple[BinaryIO, int]:
        target = planned.target
        assert target is not None
        while True:
            try:
                data = self.link.session.thumb(planned.file.handle,
                                               large=self.options.thumbnails == "large")
                break
            except ConnectionLost as exc:
                self.link.reconnect(exc)
            except CameraProtocolError:
                self.link.abandon()
                raise
        try:
            sink = open_part(target)
        except OSError as exc:
            raise LocalWriteError(target, exc) from exc
        try:
            sink.write(data)
        except OSError as exc:
            _close_quietly(sink)
            raise LocalWriteError(target, exc) from exc
        return sink, len(data)

    def _progress(self, index: int, done: int, size: int, run_done: int) -> None:
        now = self.clock()
        if now - self._last_progress < PROGRESS_INTERVAL and done < size:
            return
        self._last_progress = now
        rate = self._meter.add(now, run_done)
        left = self._run_total - run_done
        eta = left / rate if rate > 0 else None
        self.observer(FileProgress(index, done, size, run_done, self._run_total, rate, eta))


def _close_quietly(sink: BinaryIO) -> None:
    try:
        sink.close()
    except OSError:
        pass  # flushing what was buffered failed: the .part keeps what reached it


def _failure_reason(exc: CameraError) -> str:
    if isinstance(exc, OperationFailed) and exc.response_code == ResponseCode.INVALID_OBJECT_HANDLE:
        return "no longer on the camera (deleted while connected?)"
    return str(exc)
