"""Landing downloads in the background, so the camera link does not sit idle while one lands.

Landing a file (`landing.land`: flush, fsync, close, set the capture time, move the `.part` into
place, fsync the folder) takes milliseconds on a good disk and far longer on a slow card or a
network share, and none of it needs the camera. The engine streams file i, hands its landing to
the one `Lander` thread and asks for file i+1 at once; before it hands over file i+1 it waits for
file i's landing (`Landing.wait`), so at most one file is ever landing. Everything that follows a
landing — the resume ledger, the history, the --exec hook, the FileFinished event — stays on the
engine's thread (SQLite connections belong to their thread), and happens only once `wait` has
returned: the history never holds a file that is not safely on disk.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from queue import SimpleQueue
from typing import BinaryIO, Protocol


class LandFunction(Protocol):
    """`landing.land`'s signature: the engine's seam for tests (a landing that waits, say)."""

    def __call__(self, sink: BinaryIO, target: Path, captured: datetime | None, *,
                 replace: bool) -> Path: ...


class Landing:
    """One file being landed by the `Lander`; `wait` gives its final path or raises its error."""

    def __init__(self, sink: BinaryIO, target: Path, captured: datetime | None,
                 replace: bool) -> None:
        self.sink = sink
        self.target = target
        self.captured = captured
        self.replace = replace
        self.final: Path | None = None
        self.error: BaseException | None = None
        self.landed_at = 0.0  # the clock when it ended (landed or failed)
        self._done = threading.Event()

    def done(self) -> bool:
        """Whether it has ended (landed or failed); never blocks."""
        return self._done.is_set()

    def wait(self) -> Path:
        """Block until it has ended: the final path, or the landing's exception (the `.part`
        closed and kept, nothing moved into place)."""
        self._done.wait()
        if self.error is not None:
            raise self.error
        assert self.final is not None
        return self.final

    def _run(self, land: LandFunction, clock: Callable[[], float]) -> None:
        try:
            self.final = land(self.sink, self.target, self.captured, replace=self.replace)
        except BaseException as exc:  # handed to the engine's thread by wait()
            self.error = exc
            try:
                self.sink.close()  # the .part stays, for a later run to continue or land
            except OSError:
                pass
        finally:
            self.landed_at = clock()
            self._done.set()


class Lander:
    """One background thread that lands files handed to it, in order. Started on the first
    `submit`; `close` lets it finish what it holds and waits for it."""

    def __init__(self, land: LandFunction, clock: Callable[[], float]) -> None:
        self._land = land
        self._clock = clock
        self._jobs: SimpleQueue[Landing | None] = SimpleQueue()
        self._thread: threading.Thread | None = None

    def submit(self, sink: BinaryIO, target: Path, captured: datetime | None, *,
               replace: bool) -> Landing:
        landing = Landing(sink, target, captured, replace)
        if self._thread is None:
            # A daemon, so that a second Ctrl-C (KeyboardInterrupt) on a hung disk can still
            # end the process; every orderly ending waits for the landing in hand first.
            self._thread = threading.Thread(target=self._serve, name="airnef-lander", daemon=True)
            self._thread.start()
        self._jobs.put(landing)
        return landing

    def close(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._jobs.put(None)
            thread.join()

    def _serve(self) -> None:
        while (landing := self._jobs.get()) is not None:
            landing._run(self._land, self._clock)
