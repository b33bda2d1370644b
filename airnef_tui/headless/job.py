"""What `list` and `get` share: checking options, connecting, listing the card, planning.

Kept apart from printing so that both commands (and `airnefcmd` through them) make exactly the
same decisions; `list --json` shows as `target` what `get` with the same options would write.
"""

from __future__ import annotations

import argparse
import sys
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from airnef_tui.camera.catalogue import CameraFile, Prefetch, list_files
from airnef_tui.camera.errors import CameraError
from airnef_tui.camera.session import CameraSession
from airnef_tui.headless.failures import NoTransferList
from airnef_tui.headless.listing_progress import ListingProgress
from airnef_tui.headless.address import CameraAddress, parse_address
from airnef_tui.headless.options import UsageError, file_filter
from airnef_tui.headless.records import DownloadRecords
from airnef_tui.rename import SpecError, compile_optional
from airnef_tui.state.identity import parse_guid
from airnef_tui.transfer.engine import Engine, EngineOptions
from airnef_tui.transfer.events import Observer, Summary
from airnef_tui.transfer.filters import CameraFileLike, FileFilter
from airnef_tui.transfer.link import CameraLink
from airnef_tui.transfer.plan import (
    Action, CameraIdentity, Counters, Naming, PlannedFile, plan_transfer,
)
from airnef_tui.transfer.resume import ResumeLedger


@dataclass(frozen=True)
class JobSettings:
    address: CameraAddress
    filter: FileFilter
    naming: Naming
    open_session: Callable[[], CameraSession]


def settings_from(args: argparse.Namespace, output_dir: Path) -> JobSettings:
    """Validate everything the user typed; raises UsageError or SpecError (exit code 2)."""
    try:
        address = parse_address(args.camera)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    guid = None
    if args.guid:
        try:
            guid = parse_guid(args.guid)
        except ValueError as exc:
            raise UsageError(f"bad --guid: {exc}") from None
    naming = Naming(
        output_dir=output_dir,
        name_spec=_compile(args.name_spec, "file", "--name"),
        dir_spec=_compile(args.dir_spec, "dir", "--dir-spec"),
        if_exists=args.if_exists,
        thumbnails=args.thumbnails,
    )

    def open_session() -> CameraSession:
        session = CameraSession(
            address.host, address.port, guid=guid, name=args.host_name,
            connect_timeout=args.connect_timeout, io_timeout=args.io_timeout,
            chunk_size=args.chunk_size)
        return session.open()

    return JobSettings(address, file_filter(args), naming, open_session)


def _compile(text: str | None, kind: str, option: str):
    try:
        return compile_optional(text, kind)  # type: ignore[arg-type]
    except SpecError as exc:
        raise UsageError(f"{option}: {exc}") from None


def camera_identity(session: CameraSession) -> CameraIdentity:
    info = session.device_info
    return CameraIdentity(info.manufacturer.strip(), info.model.strip(),
                          info.serial_number.strip())


def select_files(session: CameraSession, settings: JobSettings, transfer_list: str, *,
                 prefetch: Prefetch | None = None) -> list[CameraFile]:
    """The card's files after filters, or the camera's own transfer list when asked to use it.

    `prefetch` (see `headless.listing.cached_prefetch`) spares a request per object."""
    return choose_files(session, settings, transfer_list, list_card(session, prefetch=prefetch))


def list_card(session: CameraSession, *, prefetch: Prefetch | None = None) -> list[CameraFile]:
    """Every file on the camera's cards, objects it cannot describe skipped with a warning,
    with a progress line on a terminal while it takes."""
    progress = ListingProgress()
    try:
        return list_files(session, on_skip=_warn_skipped, prefetch=prefetch, progress=progress)
    finally:
        progress.done()


def choose_files(session: CameraSession, settings: JobSettings, transfer_list: str,
                 files: list[CameraFile]) -> list[CameraFile]:
    """`files` (the whole card) narrowed as `select_files` says."""
    if transfer_list != "ignore":
        picked = set(session.transfer_list())
        if picked:
            return [f for f in files if f.handle in picked]
        if transfer_list == "require":
            raise NoTransferList(
                "the camera has no transfer list: pick photos in the camera's menu to send, "
                "or run without --camera-transfer-list require")
    return settings.filter.apply(files)


def _warn_skipped(handle: int, error: CameraError) -> None:
    print(f"warning: skipping camera object {handle}: {error}", file=sys.stderr)


def run_timestamp() -> datetime:
    """One download time for the whole run, as the @dl…@ specifiers promise."""
    return datetime.now().replace(microsecond=0)


@dataclass
class RunNumbering:
    """The @dl…@ facts of one run: its download time, the history's counters when it started,
    and the @dlnum@ the next new file gets. A realtime `get` plans batch after batch of new
    shots with one of these, so that numbering goes on across batches as within one plan."""

    downloaded_at: datetime
    counters: Counters
    next_number: int = 1

    @classmethod
    def starting_now(cls, records: DownloadRecords) -> RunNumbering:
        downloaded_at = run_timestamp()
        return cls(downloaded_at, records.counters(downloaded_at))


def download_files(link: CameraLink, conn: sqlite3.Connection, camera: CameraIdentity,
                   files: Sequence[CameraFileLike], naming: Naming, observer: Observer, *,
                   use_history: bool = True,
                   after_each: Callable[[PlannedFile, Path], None] | None = None,
                   numbering: RunNumbering | None = None) -> Summary:
    """Plan `files` and download them: history, numbering, resume and landing exactly as `get`.

    The TUI calls this with the files a person picked, so a download started from the browser
    makes the same decisions as `get` with the same specs. `after_each(planned, final)` runs once
    a file is on disk and recorded (e.g. `get`'s --exec hook). `numbering` continues an earlier
    plan's (a new one starts now by default). Raises what `Engine.run` raises.
    """
    records = DownloadRecords(conn, camera)
    numbering = numbering or RunNumbering.starting_now(records)
    downloaded_at = numbering.downloaded_at
    plan = plan_transfer(
        files, camera, naming, downloaded_at=downloaded_at, counters=numbering.counters,
        already_downloaded=records.lookup(files) if use_history else lambda file: None,
        first_number=numbering.next_number)
    numbering.next_number += sum(1 for planned in plan if planned.action is not Action.SKIP_HISTORY)

    def on_downloaded(planned: PlannedFile, final: Path) -> None:
        if naming.thumbnails is None:  # a thumbnail is not the file: not history
            records.remember(planned, final, downloaded_at)
        if after_each is not None:
            after_each(planned, final)

    engine = Engine(link, ResumeLedger(conn),
                    EngineOptions(str(camera), camera.key, naming.thumbnails),
                    observer, on_downloaded=on_downloaded)
    return engine.run(plan)
