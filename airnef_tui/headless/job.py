"""What `list` and `get` share on the command line: checking options, and listing with progress.

The decisions themselves (connecting, the cached listing, choosing, planning, downloading) live in
`airnef_tui.app`, shared with the TUI; this module turns the parsed arguments into the app's
settings and gives the listing its terminal progress line and warnings.
"""

from __future__ import annotations

import argparse
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from airnef_tui.app.connect import DEFAULTS, ConnectionOptions
from airnef_tui.app.find import DEFAULT_AUTO_TIMEOUT, find_camera
from airnef_tui.camera.address import CameraAddress, is_auto, parse_address
from airnef_tui.camera.catalogue import CameraFile, Prefetch, list_files
from airnef_tui.camera.errors import CameraError
from airnef_tui.camera.session import CameraSession
from airnef_tui.headless.listing_progress import ListingProgress
from airnef_tui.headless.options import UsageError, chosen_make, file_filter
from airnef_tui.discovery.scope import Scope, scope_from
from airnef_tui.rename import SpecError, compile_optional
from airnef_tui.state.identity import parse_guid
from airnef_tui.transfer.filters import FileFilter
from airnef_tui.transfer.plan import Naming


@dataclass(frozen=True)
class JobSettings:
    address: CameraAddress | None  # None: `auto`, the one camera discovery finds
    filter: FileFilter
    naming: Naming
    connection: ConnectionOptions
    scope: Scope = Scope()  # where `auto` looks
    auto_timeout: float = DEFAULT_AUTO_TIMEOUT


def settings_from(args: argparse.Namespace, output_dir: Path) -> JobSettings:
    """Validate everything the user typed; raises UsageError (exit code 2)."""
    try:
        address = None if is_auto(args.camera) else parse_address(args.camera)
        scope = scope_from(args.interface)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    guid = None
    if args.guid:
        try:
            guid = parse_guid(args.guid)
        except ValueError as exc:
            raise UsageError(f"bad --guid: {exc}") from None
    if not args.stall_seconds > 0:
        raise UsageError("--stall-seconds must be more than 0")
    naming = Naming(
        output_dir=output_dir,
        name_spec=_compile(args.name_spec, "file", "--name"),
        dir_spec=_compile(args.dir_spec, "dir", "--dir-spec"),
        if_exists=args.if_exists,
        thumbnails=args.thumbnails,
    )
    connection = ConnectionOptions(
        connect_timeout=args.connect_timeout, io_timeout=args.io_timeout,
        stall_bytes=args.stall_bytes, stall_seconds=args.stall_seconds,
        chunk_size=args.chunk_size, guid=guid, host_name=args.host_name,
        retries=getattr(args, "retries", DEFAULTS.retries),
        retry_delay=getattr(args, "retry_delay", DEFAULTS.retry_delay),
        make=chosen_make(args),
        pairing_timeout=getattr(args, "pairing_timeout", DEFAULTS.pairing_timeout),
        note=_say)
    return JobSettings(address, file_filter(args), naming, connection, scope, args.auto_timeout)


def camera_address(settings: JobSettings, cancel: threading.Event) -> CameraAddress:
    """The address typed, or for `auto` the one camera found (said on stderr); raises
    NoCameraFound, SeveralCameras or Interrupted."""
    if settings.address is not None:
        return settings.address
    print(f"looking for the camera (up to {settings.auto_timeout:g} s)…", file=sys.stderr)
    address, sighting = find_camera(settings.scope, settings.auto_timeout, cancel)
    print(f"airnef-tui: using {sighting.describe()}", file=sys.stderr)
    return address


def _compile(text: str | None, kind: str, option: str):
    try:
        return compile_optional(text, kind)  # type: ignore[arg-type]
    except SpecError as exc:
        raise UsageError(f"{option}: {exc}") from None


def list_with_progress(session: CameraSession, *,
                       prefetch: Prefetch | None = None) -> list[CameraFile]:
    """Every file on the camera's cards, objects it cannot describe skipped with a warning,
    with a progress line on a terminal while it takes."""
    progress = ListingProgress()
    try:
        return list_files(session, on_skip=_warn_skipped, prefetch=prefetch, progress=progress)
    finally:
        progress.done()


def _say(message: str) -> None:
    """What the user should know while the camera is being reached (a pairing to confirm)."""
    print(f"airnef-tui: {message}", file=sys.stderr)


def _warn_skipped(handle: int, error: CameraError) -> None:
    print(f"warning: skipping camera object {handle}: {error}", file=sys.stderr)
