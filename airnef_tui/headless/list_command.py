"""`airnef-tui list HOST[:PORT]`: what is on the card, and where `get` would put each file.

Targets are planned exactly as `get` plans them (same options, same history, same collisions),
so `list --name SPEC` is a dry run of `get --name SPEC`.
"""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

from airnef_tui.app.connect import camera_identity, open_session
from airnef_tui.app.download import run_timestamp
from airnef_tui.app.listing import cached_prefetch, choose_files
from airnef_tui.app.records import DownloadRecords
from airnef_tui.app.units import size
from airnef_tui.camera.errors import CameraError, Interrupted
from airnef_tui.exitcodes import ExitCode
from airnef_tui.headless import options
from airnef_tui.camera.address import CameraAddress
from airnef_tui.headless.failures import address_or_exit_code, camera_failure, fail
from airnef_tui.headless.interrupts import stop_on_signals
from airnef_tui.headless.job import (
    JobSettings, camera_address, list_with_progress, settings_from,
)
from airnef_tui.headless.json_lines import emit
from airnef_tui.state.db import open_database
from airnef_tui.transfer.plan import Action, PlannedFile, plan_transfer


def add_arguments(parser: argparse.ArgumentParser) -> None:
    options.add_connection_options(parser)
    parser.add_argument("-o", "--output", metavar="DIR", default=".",
                        help="output folder the targets are planned under (default: current "
                             "folder; nothing is written)")
    options.add_selection_options(parser)
    options.add_naming_options(parser)
    parser.add_argument("--json", action="store_true", help="one JSON object per line")



def run(args: argparse.Namespace) -> int:
    output_dir = Path(args.output).expanduser().absolute()
    try:
        settings = settings_from(args, output_dir)
    except options.UsageError as exc:
        return fail(str(exc), ExitCode.BAD_ARGUMENTS)
    with stop_on_signals(threading.Event()) as cancel:
        address = address_or_exit_code(lambda: camera_address(settings, cancel))
        if not isinstance(address, CameraAddress):
            return address
        return _list(args, settings, address, cancel)


def _list(args: argparse.Namespace, settings: JobSettings, address: CameraAddress,
          cancel: threading.Event) -> int:
    session = None
    conn = open_database()
    try:
        session = open_session(address, settings.connection, cancel)
        camera = camera_identity(session)
        records = DownloadRecords(conn, camera)
        card = list_with_progress(session, prefetch=cached_prefetch(session, conn, camera))
        files = choose_files(session, settings.filter, args.camera_transfer_list, card)
        downloaded_at = run_timestamp()
        in_history = records.lookup(files)
        plan = plan_transfer(files, camera, settings.naming, downloaded_at=downloaded_at,
                             counters=records.counters(downloaded_at),
                             already_downloaded=in_history if args.history == "skip" else
                             (lambda f: None))
        if args.json:
            emit({"type": "camera", "manufacturer": camera.make, "model": camera.model,
                  "serial": camera.serial, "name": session.camera_name,
                  "guid": session.camera_guid.hex()})
            for planned in plan:
                emit(_file_record(planned, in_history(planned.file) is not None))
        else:
            _print_table(str(camera), plan, in_history)
        return ExitCode.OK
    except CameraError as exc:
        return camera_failure(exc)
    except (Interrupted, KeyboardInterrupt):
        return fail("interrupted", ExitCode.INTERRUPTED)
    finally:
        if session is not None:
            session.close()
        conn.close()


def _file_record(planned: PlannedFile, downloaded: bool) -> dict:
    file = planned.file
    return {
        "type": "file", "path": file.path, "name": file.name, "folder": file.folder,
        "size": file.size, "captured": file.captured.isoformat() if file.captured else None,
        "storage": file.storage_id, "handle": file.handle, "downloaded": downloaded,
        "target": str(planned.target) if planned.target else None,
        "action": planned.action.value, "note": planned.reason or None,
    }


def _print_table(camera: str, plan: list[PlannedFile], in_history) -> None:
    total = sum(p.file.size for p in plan)
    print(f"{camera}: {len(plan)} file(s), {size(total)}")
    for planned in plan:
        file = planned.file
        when = file.captured.strftime("%Y-%m-%d %H:%M:%S") if file.captured else "date unknown"
        if planned.action is Action.SKIP_HISTORY:
            where = "already downloaded"
        elif planned.action is Action.FAIL:
            where = f"cannot name: {planned.reason}"
        elif planned.action is Action.SKIP_EXISTS:
            where = f"exists, would skip: {planned.target}"
        elif planned.action is Action.STOP:
            where = f"exists, would stop the run: {planned.target}"
        else:
            where = f"→ {planned.target}"
        print(f"  {file.path}  {size(file.size):>9}  {when}  {where}")
