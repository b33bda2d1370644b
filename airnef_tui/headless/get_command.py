"""`airnef-tui get HOST[:PORT] -o DIR`: download, resume, remember.

Exit codes (README): 0 all done · 1 some files failed, or the run was stopped by a local write
error or `--if-exists exit` · 2 bad arguments or spec · 3 camera unreachable or connection lost
beyond retries · 4 camera refused us · 130 interrupted (the .part is kept and continued next time).
"""

from __future__ import annotations

import argparse
import functools
import sys
import threading
from pathlib import Path

from airnef_tui.app.camera_chores import finish_with_camera, sync_clock
from airnef_tui.app.connect import DEFAULTS, camera_identity, camera_link, session_opener
from airnef_tui.app.download import RunNumbering, download_files
from airnef_tui.app.listing import cached_prefetch, choose_files
from airnef_tui.app.new_files import NewFileFinder
from airnef_tui.app.records import DownloadRecords
from airnef_tui.app.tracked_sessions import TrackedSessions
from airnef_tui.app.watch import run_realtime
from airnef_tui.camera.errors import CameraError, Interrupted
from airnef_tui.exitcodes import ExitCode
from airnef_tui.headless import options
from airnef_tui.headless.chore_options import add_chore_options
from airnef_tui.headless.exec_hook import ExecFailed, ExecHook, add_exec_options, exec_hook_from
from airnef_tui.camera.address import CameraAddress
from airnef_tui.headless.failures import address_or_exit_code, camera_failure, fail
from airnef_tui.headless.interrupts import stop_on_signals
from airnef_tui.headless.job import (
    JobSettings, camera_address, list_with_progress, settings_from,
)
from airnef_tui.headless.json_lines import JsonPrinter
from airnef_tui.headless.log_level import add_log_options, chosen_level, debug_logging
from airnef_tui.headless.progress_lines import LinePrinter
from airnef_tui.headless.realtime_options import add_realtime_options
from airnef_tui.state.db import open_database
from airnef_tui.transfer.engine import LocalWriteError, RunStopped
from airnef_tui.transfer.events import Event, Observer, RunFinished, Summary
from airnef_tui.transfer.link import CameraLink


def add_arguments(parser: argparse.ArgumentParser) -> None:
    options.add_connection_options(parser)
    parser.add_argument("-o", "--output", metavar="DIR", required=True,
                        help="folder to download into (created if missing)")
    options.add_selection_options(parser)
    options.add_naming_options(parser)
    group = parser.add_argument_group("reliability")
    group.add_argument("--retries", type=int, default=DEFAULTS.retries, metavar="N",
                       help="reconnection attempts after a lost connection "
                            f"(default {DEFAULTS.retries})")
    group.add_argument("--retry-delay", type=options.positive_float,
                       default=DEFAULTS.retry_delay, metavar="S",
                       help="seconds between reconnection attempts "
                            f"(default {DEFAULTS.retry_delay:g})")
    add_exec_options(parser)
    add_realtime_options(parser)
    add_chore_options(parser)
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object per line instead of progress for people")
    add_log_options(parser)



class SummaryOnce:
    """The printer, plus a promise: a run that ends early still prints its summary once."""

    def __init__(self, printer: Observer) -> None:
        self.printer = printer
        self.note = printer.note  # type: ignore[attr-defined]
        self._summarised = False

    def __call__(self, event: Event) -> None:
        if isinstance(event, RunFinished):
            self._summarised = True
        self.printer(event)

    def finish(self) -> None:
        if not self._summarised:
            self(RunFinished(Summary()))


def _warn(message: str) -> None:
    print(f"airnef-tui: warning: {message}", file=sys.stderr)


def run(args: argparse.Namespace, *, cancel: threading.Event | None = None) -> int:
    """`cancel` stops the run as SIGTERM does (for callers that run `get` in a thread)."""
    output_dir = Path(args.output).expanduser().absolute()
    try:
        settings = settings_from(args, output_dir)
        hook = exec_hook_from(args)
        output_dir.mkdir(parents=True, exist_ok=True)
    except options.UsageError as exc:
        return fail(str(exc), ExitCode.BAD_ARGUMENTS)
    except OSError as exc:
        return fail(f"cannot create output folder {output_dir}: {exc.strerror}",
                     ExitCode.SOME_FAILED)
    if args.retries < 0:
        return fail("--retries must be 0 or more", ExitCode.BAD_ARGUMENTS)
    level = chosen_level(args)
    observer = SummaryOnce(JsonPrinter() if args.json
                           else LinePrinter(verbose=level in ("verbose", "debug")))
    cancel = cancel or threading.Event()
    # CloseSession at the very end is logged too
    with stop_on_signals(cancel), debug_logging(level == "debug"):
        address = address_or_exit_code(lambda: camera_address(settings, cancel))
        if not isinstance(address, CameraAddress):
            return address
        return _run(args, settings, address, observer, hook, cancel)


def _run(args: argparse.Namespace, settings: JobSettings, address: CameraAddress,
         observer: SummaryOnce, hook: ExecHook | None, cancel: threading.Event) -> int:
    """The download and every way it can end, as an exit code."""
    sessions = TrackedSessions(session_opener(address, settings.connection, cancel))
    link = camera_link(sessions, settings.connection, observer, cancel)
    try:
        return _download(args, settings, link, sessions, observer, hook)
    except CameraError as exc:
        return camera_failure(exc)
    except LocalWriteError as exc:
        return fail(f"{exc}; stopped (a partial file is kept and continued next time)",
                     ExitCode.SOME_FAILED)
    except ExecFailed as exc:
        return fail(f"{exc}; stopped", ExitCode.SOME_FAILED)
    except RunStopped as exc:
        return fail(f"stopped: {exc}", ExitCode.SOME_FAILED)
    except (Interrupted, KeyboardInterrupt):
        observer.finish()
        return fail("interrupted; partial files are kept and continued next time",
                     ExitCode.INTERRUPTED)
    finally:
        link.close()


def _download(args: argparse.Namespace, settings: JobSettings, link: CameraLink,
              sessions: TrackedSessions, observer, hook: ExecHook | None) -> int:
    conn = open_database()
    try:
        session = link.session
        camera = camera_identity(session)
        sync_clock(session, args.clock_sync, observer.note, _warn)
        records = DownloadRecords(conn, camera)
        if args.history == "clear":
            records.clear()
        download = functools.partial(
            download_files, link, conn, camera, naming=settings.naming,
            # Thumbnails are previews, not the files the history is about.
            use_history=args.history != "ignore" and settings.naming.thumbnails is None,
            after_each=hook.after if hook is not None else None,
            numbering=RunNumbering.starting_now(records))
        prefetch = cached_prefetch(session, conn, camera)
        if args.realtime == "disabled":
            card = list_with_progress(session, prefetch=prefetch)
            files = choose_files(session, settings.filter, args.camera_transfer_list, card)
            summary = download(files, observer=observer)
            return ExitCode.SOME_FAILED if summary.failed else ExitCode.OK
        run_realtime(
            args.realtime, args.realtime_poll, link=link, sessions=sessions,
            finder=NewFileFinder(settings.filter, list_with_progress), first_prefetch=prefetch,
            choose=lambda files: choose_files(link.session, settings.filter,
                                              args.camera_transfer_list, files),
            download=lambda files, observer: download(files, observer=observer),
            observer=observer, note=observer.note)
    finally:
        try:
            finish_with_camera(sessions.current, args.camera_sleep_when_done == "yes",
                               observer.note, _warn)
        finally:
            conn.close()
