"""Running a download plan: the one engine behind `get`, `airnefcmd` and the TUI.

For each planned file it streams the object into `<target>.part` (continuing a `.part` a killed
run left behind when it belongs to the same object), lands it atomically, and records it in the
history only once it is safely on disk. A dropped connection is repaired by `CameraLink` and the
file continues from the byte it reached. A local write error (full disk, read-only folder) stops
the run: every later file would fail the same way.
"""

from __future__ import annotations

import errno
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from airnef_tui.camera.errors import (
    CameraError, CameraProtocolError, ConnectionLost, DownloadCancelled, Interrupted,
    OperationFailed,
)
from airnef_tui.ptpip import ResponseCode
from airnef_tui.transfer.events import (
    FileFinished, FileProgress, FileStarted, FileStatus, Observer, RunFinished, RunStarted,
    SkipReason, Summary,
)
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


class Engine:
    def __init__(self, link: CameraLink, ledger: ResumeLedger, options: EngineOptions,
                 observer: Observer, *, on_downloaded: Callable[[PlannedFile, Path], None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.link = link
        self.ledger = ledger
        self.options = options
        self.observer = observer
        self.on_downloaded = on_downloaded
        self.clock = clock
        self.cancel: threading.Event = link.cancel
        self._meter = _RateMeter()
        self._run_done = 0
        self._run_total = 0
        self._last_progress = 0.0

    def run(self, plan: list[PlannedFile]) -> Summary:
        summary = Summary()
        to_fetch = [p for p in plan if p.action is Action.DOWNLOAD]
        self._run_total = sum(p.file.size for p in to_fetch)
        self.observer(RunStarted(len(plan), self._run_total, self.options.camera_name))
        started = self.clock()
        self._meter.add(started, 0)
        try:
            for index, planned in enumerate(plan, 1):
                if self.cancel.is_set():
                    raise RunCancelled()
                finished = self._handle(index, planned)
                self._count(summary, finished)
                self.observer(finished)
        finally:
            summary.seconds = self.clock() - started
            self.observer(RunFinished(summary))
        return summary

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

    def _handle(self, index: int, planned: PlannedFile) -> FileFinished:
        path = planned.file.path
        if planned.action is Action.SKIP_HISTORY:
            return FileFinished(index, path, FileStatus.SKIPPED, planned.target,
                                reason=SkipReason.IN_HISTORY.value)
        if planned.action is Action.SKIP_EXISTS:
            return FileFinished(index, path, FileStatus.SKIPPED, planned.target,
                                reason=SkipReason.EXISTS.value)
        if planned.action is Action.FAIL:
            return FileFinished(index, path, FileStatus.FAILED, None, reason=planned.reason)
        if planned.action is Action.STOP:
            raise RunStopped(f"{planned.target} exists and --if-exists is 'exit'")
        assert planned.target is not None
        started = self.clock()
        try:
            if self.options.thumbnails:
                final, written = self._fetch_thumbnail(planned)
            else:
                final, written = self._fetch_object(index, planned)
        except (OperationFailed, CameraProtocolError) as exc:
            # One object the camera cannot deliver fails alone; the run goes on.
            return FileFinished(index, path, FileStatus.FAILED, planned.target,
                                reason=_failure_reason(exc))
        self.on_downloaded(planned, final)
        return FileFinished(index, path, FileStatus.DOWNLOADED, final, written,
                            self.clock() - started)

    def _fetch_object(self, index: int, planned: PlannedFile) -> tuple[Path, int]:
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
                        progress=progress, cancelled=self.cancel.is_set)
                    break
                except ConnectionLost as exc:
                    sink.flush()
                    self.link.reconnect(exc)
            final = land(sink, target, file.captured, replace=planned.overwrite)
        except (DownloadCancelled, Interrupted):
            sink.close()  # keep the .part: the next run continues it
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
        self.ledger.finished(target)
        self._run_done = base_done + file.size
        return final, file.size - resume_from

    def _fetch_thumbnail(self, planned: PlannedFile) -> tuple[Path, int]:
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
            sink.write(data)
            return land(sink, target, planned.file.captured, replace=planned.overwrite), len(data)
        except OSError as exc:
            raise LocalWriteError(target, exc) from exc

    def _progress(self, index: int, done: int, size: int, run_done: int) -> None:
        now = self.clock()
        if now - self._last_progress < PROGRESS_INTERVAL and done < size:
            return
        self._last_progress = now
        rate = self._meter.add(now, run_done)
        left = self._run_total - run_done
        eta = left / rate if rate > 0 else None
        self.observer(FileProgress(index, done, size, run_done, self._run_total, rate, eta))


def _failure_reason(exc: CameraError) -> str:
    if isinstance(exc, OperationFailed) and exc.response_code == ResponseCode.INVALID_OBJECT_HANDLE:
        return "no longer on the camera (deleted while connected?)"
    return str(exc)
