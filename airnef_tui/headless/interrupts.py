"""Ctrl-C and SIGTERM as a request to stop, not an exception thrown into the middle of things.

A signal handler that raises can land anywhere: inside a SQLite write, between the fsync and the
rename of a landing file. Here the first SIGINT or SIGTERM only sets the run's cancel event; every
wait on the camera looks at it between slices of a quarter second (`camera.channel.WAIT_SLICE`),
so the run winds down within about a second in any state, keeps its `.part` files, closes the
session when the camera still answers, and prints its summary. A second Ctrl-C, for a run that
does not stop (a hung disk, say), raises KeyboardInterrupt as Python would.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def stop_on_signals(cancel: threading.Event) -> Iterator[threading.Event]:
    """While inside, SIGINT and SIGTERM set `cancel`. Only the main thread can own signals: from
    any other thread (the tests run commands in threads) this changes nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield cancel
        return

    def on_signal(signum: int, frame: object) -> None:
        if cancel.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        cancel.set()

    previous = {signum: signal.signal(signum, on_signal) for signum in STOP_SIGNALS}
    try:
        yield cancel
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
