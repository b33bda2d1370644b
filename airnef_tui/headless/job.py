"""What `list` and `get` share: checking options, connecting, listing the card, planning.

Kept apart from printing so that both commands (and `airnefcmd` through them) make exactly the
same decisions; `list --json` shows as `target` what `get` with the same options would write.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from airnef_tui.camera.catalogue import CameraFile, list_files
from airnef_tui.camera.errors import CameraError
from airnef_tui.camera.session import CameraSession
from airnef_tui.headless.address import CameraAddress, parse_address
from airnef_tui.headless.options import UsageError, file_filter
from airnef_tui.rename import SpecError, compile_optional
from airnef_tui.state.identity import parse_guid
from airnef_tui.transfer.filters import FileFilter
from airnef_tui.transfer.plan import CameraIdentity, Naming


class NoTransferList(CameraError):
    """`--camera-transfer-list require` and the camera has none (or is not a Nikon)."""


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


def select_files(session: CameraSession, settings: JobSettings,
                 transfer_list: str) -> list[CameraFile]:
    """The card's files after filters, or the camera's own transfer list when asked to use it."""
    files = list_files(session, on_skip=_warn_skipped)
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
