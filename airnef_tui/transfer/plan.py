"""Deciding, before the first byte moves, what happens to every selected file.

For each file: already in the history (skip it, unless told otherwise), or where it goes. Target
names and collisions are decided by the rename engine's `PreviewModel`, the very object behind the
TUI's preview pane, so what the preview shows, what `list` prints as `target` and what `get`
writes are one decision, made in one place.
"""

from __future__ import annotations

import enum
import os
import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from airnef_tui.rename import CompiledSpec, FileFacts
from airnef_tui.rename.preview import Outcome, PreviewModel
from airnef_tui.transfer.filters import CameraFileLike

THUMBNAIL_SUFFIXES = {"small": ".thumb.jpg", "large": ".lthumb.jpg"}


class Action(enum.Enum):
    DOWNLOAD = "download"
    SKIP_HISTORY = "skip-history"
    SKIP_EXISTS = "skip-exists"
    FAIL = "fail"  # no usable target (the spec gave an empty name, for example)
    STOP = "stop"  # --if-exists exit met an existing file


@dataclass(frozen=True, slots=True)
class CameraIdentity:
    make: str
    model: str
    serial: str

    @property
    def key(self) -> str:
        """What history and resume remember a camera by: model and serial number."""
        return f"{self.model}#{self.serial}"

    def __str__(self) -> str:
        serial = f" (serial {self.serial})" if self.serial else ""
        return f"{self.make} {self.model}{serial}".strip()


@dataclass(frozen=True, slots=True)
class PlannedFile:
    file: CameraFileLike
    action: Action
    target: Path | None
    facts: FileFacts | None = None
    reason: str = ""
    overwrite: bool = False

    @property
    def downloads(self) -> bool:
        return self.action is Action.DOWNLOAD


@dataclass(frozen=True, slots=True)
class Naming:
    output_dir: Path
    name_spec: CompiledSpec | None = None
    dir_spec: CompiledSpec | None = None
    if_exists: str = "uniquename"
    thumbnails: str | None = None  # None, "small" or "large"

    @property
    def suffix(self) -> str:
        return THUMBNAIL_SUFFIXES[self.thumbnails] if self.thumbnails else ""


@dataclass(frozen=True, slots=True)
class Counters:
    """Where the run's numbering starts: @dlnum_lifetime@ and @dltoday@ continue these."""

    lifetime_before: int = 0
    today_before: int = 0


def file_facts(file: CameraFileLike, camera: CameraIdentity, *, downloaded_at: datetime,
               output_dir: Path, number: int, counters: Counters) -> FileFacts:
    return FileFacts(
        camera_filename=file.name, captured=file.captured, camera_folder=file.folder,
        camera_path=file.path, slot=file.slot, size=file.size, make=camera.make,
        model=camera.model, serial=camera.serial, downloaded_at=downloaded_at,
        dlnum=number, dlnum_lifetime=counters.lifetime_before + number,
        dltoday=counters.today_before + number, output_dir=str(output_dir),
    )


def plan_transfer(files: Sequence[CameraFileLike], camera: CameraIdentity, naming: Naming, *,
                  downloaded_at: datetime, counters: Counters = Counters(),
                  already_downloaded: Callable[[CameraFileLike], Path | None] = lambda f: None,
                  exists: Callable[[Path], bool] = os.path.lexists,
                  first_number: int = 1) -> list[PlannedFile]:
    """One PlannedFile per file, in the given (transfer) order.

    `already_downloaded(file)` returns the earlier target of a file found in the history (or
    None); files it recognises are skipped and take no number in the @dlnum@ sequence.
    `first_number` is the @dlnum@ of the first file that is not: a realtime run plans each batch
    of new shots on its own, and its numbering goes on from the previous batch.
    Thumbnails are planned once per shot (see `one_per_shot`).
    """
    if naming.thumbnails:
        files = one_per_shot(files)
    plan: list[PlannedFile | None] = []
    fresh: list[tuple[int, CameraFileLike]] = []
    for file in files:
        earlier = already_downloaded(file)
        if earlier is not None:
            plan.append(PlannedFile(file, Action.SKIP_HISTORY, earlier))
        else:
            fresh.append((len(plan), file))
            plan.append(None)
    facts = [file_facts(file, camera, downloaded_at=downloaded_at, output_dir=naming.output_dir,
                        number=n, counters=counters)
             for n, (_, file) in enumerate(fresh, first_number)]
    model = PreviewModel(naming.output_dir, facts, exists=exists, policy=naming.if_exists,
                         suffix=naming.suffix, name_spec=naming.name_spec,
                         dir_spec=naming.dir_spec)
    for row_index, (slot, file) in enumerate(fresh):
        row = model.row(row_index)
        plan[slot] = _planned(file, facts[row_index], row, naming.output_dir)
    return [p for p in plan if p is not None]


def one_per_shot(files: Sequence[CameraFileLike]) -> list[CameraFileLike]:
    """The first file of each shot: a RAW+JPEG pair (`DSC_0001.NEF`, `DSC_0001.JPG` in one
    folder of one card) has one picture, so one thumbnail, not a second one named `-new-1`."""
    seen: set[tuple[int, str]] = set()
    kept = []
    for file in files:
        shot = (file.storage_id, posixpath.splitext(file.path)[0].casefold())
        if shot not in seen:
            seen.add(shot)
            kept.append(file)
    return kept


def _planned(file: CameraFileLike, facts: FileFacts, row, output_dir: Path) -> PlannedFile:
    def path(relative: str | None) -> Path | None:
        return output_dir.joinpath(*relative.split("/")) if relative else None

    if row.outcome is Outcome.ERROR:
        return PlannedFile(file, Action.FAIL, None, facts, reason=row.error or "no usable name")
    if row.outcome is Outcome.SKIP:
        return PlannedFile(file, Action.SKIP_EXISTS, path(row.target), facts, reason=row.note)
    if row.outcome is Outcome.STOP:
        return PlannedFile(file, Action.STOP, path(row.target), facts, reason=row.note)
    return PlannedFile(file, Action.DOWNLOAD, path(row.final_target), facts, reason=row.note,
                       overwrite=row.outcome is Outcome.OVERWRITE)
