"""`airnef-tui get HOST[:PORT] -o DIR`: download, resume, remember.

Exit codes (README): 0 all done · 1 some files failed, or the run was stopped by a local write
error or `--if-exists exit` · 2 bad arguments or spec · 3 camera unreachable or connection lost
beyond retries · 4 camera refused us · 130 interrupted (the .part is kept and continued next time).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from airnef_tui.camera.errors import CameraError, CameraRefused
from airnef_tui.exitcodes import ExitCode
from airnef_tui.headless import options
from airnef_tui.headless.exec_hook import ExecFailed, ExecHook, add_exec_options, exec_hook_from
from airnef_tui.headless.job import (
    JobSettings, NoTransferList, camera_identity, run_timestamp, select_files, settings_from,
)
from airnef_tui.headless.listing import cached_prefetch
from airnef_tui.headless.json_lines import JsonPrinter
from airnef_tui.headless.progress_lines import LinePrinter
from airnef_tui.headless.records import DownloadRecords
from airnef_tui.state.db import open_database
from airnef_tui.transfer.engine import Engine, EngineOptions, LocalWriteError, RunStopped
from airnef_tui.transfer.link import CameraLink, RunCancelled
from airnef_tui.transfer.plan import PlannedFile, plan_transfer
from airnef_tui.transfer.resume import ResumeLedger


def add_arguments(parser: argparse.ArgumentParser) -> None:
    options.add_connection_options(parser)
    parser.add_argument("-o", "--output", metavar="DIR", required=True,
                        help="folder to download into (created if missing)")
    options.add_selection_options(parser)
    options.add_naming_options(parser)
    group = parser.add_argument_group("reliability")
    group.add_argument("--retries", type=int, default=3, metavar="N",
                       help="reconnection attempts after a lost connection (default 3)")
    group.add_argument("--retry-delay", type=options.positive_float, default=5.0, metavar="S",
                       help="seconds between reconnection attempts (default 5)")
    add_exec_options(parser)
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object per line instead of progress for people")
    parser.add_argument("-v", "--verbose", action="store_true", help="say more about each file")


def _fail(message: str, code: ExitCode) -> int:
    print(f"airnef-tui: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    output_dir = Path(args.output).expanduser().absolute()
    try:
        settings = settings_from(args, output_dir)
        hook = exec_hook_from(args)
        output_dir.mkdir(parents=True, exist_ok=True)
    except options.UsageError as exc:
        return _fail(str(exc), ExitCode.BAD_ARGUMENTS)
    except OSError as exc:
        return _fail(f"cannot create output folder {output_dir}: {exc.strerror}",
                     ExitCode.SOME_FAILED)
    if args.retries < 0:
        return _fail("--retries must be 0 or more", ExitCode.BAD_ARGUMENTS)
    observer = JsonPrinter() if args.json else LinePrinter(verbose=args.verbose)
    cancel = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: cancel.set())
    link = CameraLink(settings.open_session, retries=args.retries, delay=args.retry_delay,
                      observer=observer, cancel=cancel)
    try:
        return _download(args, settings, link, observer, hook)
    except CameraRefused as exc:
        return _fail(str(exc), ExitCode.REFUSED)
    except NoTransferList as exc:
        return _fail(str(exc), ExitCode.SOME_FAILED)
    except CameraError as exc:
        return _fail(str(exc), ExitCode.UNREACHABLE)
    except LocalWriteError as exc:
        return _fail(f"{exc}; stopped (the .part file is kept and continued next time)",
                     ExitCode.SOME_FAILED)
    except ExecFailed as exc:
        return _fail(f"{exc}; stopped", ExitCode.SOME_FAILED)
    except RunStopped as exc:
        return _fail(f"stopped: {exc}", ExitCode.SOME_FAILED)
    except (RunCancelled, KeyboardInterrupt):
        return _fail("interrupted; partial files are kept and continued next time",
                     ExitCode.INTERRUPTED)
    finally:
        link.close()
        signal.signal(signal.SIGTERM, previous)


def _download(args: argparse.Namespace, settings: JobSettings, link: CameraLink, observer,
              hook: ExecHook | None) -> int:
    conn = open_database()
    try:
        session = link.session
        camera = camera_identity(session)
        records = DownloadRecords(conn, camera)
        if args.history == "clear":
            records.clear()
        files = select_files(session, settings, args.camera_transfer_list,
                             prefetch=cached_prefetch(session, conn, camera))
        downloaded_at = run_timestamp()
        plan = plan_transfer(
            files, camera, settings.naming, downloaded_at=downloaded_at,
            counters=records.counters(downloaded_at),
            already_downloaded=records.lookup(files) if args.history != "ignore" else _never)

        def on_downloaded(planned: PlannedFile, final: Path) -> None:
            if settings.naming.thumbnails is None:  # a thumbnail is not the file: not history
                records.remember(planned, final, downloaded_at)
            if hook is not None:
                hook.after(planned, final)

        engine = Engine(link, ResumeLedger(conn),
                        EngineOptions(str(camera), camera.key, settings.naming.thumbnails),
                        observer, on_downloaded=on_downloaded)
        summary = engine.run(plan)
        return ExitCode.SOME_FAILED if summary.failed else ExitCode.OK
    finally:
        conn.close()


def _never(file) -> None:
    return None
