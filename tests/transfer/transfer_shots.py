"""A camera file as filters and history see it, without a camera: any frozen dataclass with these
fields satisfies `transfer.filters.CameraFileLike`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Shot:
    handle: int
    storage_id: int
    slot: int
    path: str
    name: str
    folder: str
    size: int
    captured: datetime | None
