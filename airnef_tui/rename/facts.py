"""What the rename engine may know about one file, gathered by the caller before rendering.

The engine never asks a camera, a disk or a clock: everything a specifier can print is a field
here. Counters come from the transfer layer's history database; the download timestamp is taken
once per run by the caller so that every file of a run agrees on it.
"""

from __future__ import annotations

import dataclasses
import posixpath
from dataclasses import dataclass
from datetime import date, datetime, timedelta

#: A "photo day" starts at 03:00, so a night shoot that crosses midnight counts as one day.
PHOTO_DAY_START = timedelta(hours=3)


def photo_day(moment: datetime) -> date:
    """The day `moment` belongs to when counting downloads per day (`@dltoday@`).

    Why 03:00: photographers shooting an evening event download after midnight; counting from
    03:00 (as Rapid Photo Downloader does) keeps that session on the evening's date.
    """
    return (moment - PHOTO_DAY_START).date()


@dataclass(frozen=True, slots=True, kw_only=True)
class FileFacts:
    """Facts about one file on the camera and about the download that would fetch it.

    `local_filename` is the name the file gets locally before any renaming: the camera's name, or
    for thumbnails the camera's name with the thumbnail suffix (see `for_thumbnail`). airnef's
    `@filename…@` specifiers print it; `@capturefilename…@` print `camera_filename`.

    `make` is the manufacturer string exactly as the camera reports it ("Nikon Corporation");
    `@cameramake@` prints only its first word (see `values.camera_make`), as airnef did.

    `captured` is None when the camera did not report a usable capture time; capture-date
    specifiers then print the download time instead (see the README's "Renaming files").
    """

    camera_filename: str
    downloaded_at: datetime
    captured: datetime | None = None
    local_filename: str | None = None
    camera_folder: str = ""
    camera_path: str = ""
    slot: int = 1
    size: int = 0
    make: str = ""
    model: str = ""
    serial: str = ""
    dlnum: int = 1
    dlnum_lifetime: int = 1
    dltoday: int = 1
    output_dir: str = ""

    def __post_init__(self) -> None:
        if self.local_filename is None:
            object.__setattr__(self, "local_filename", self.camera_filename)
        if not self.camera_path:
            parts = [part for part in (self.camera_folder, self.camera_filename) if part]
            object.__setattr__(self, "camera_path", "/".join(parts))

    def for_thumbnail(self, suffix: str) -> FileFacts:
        """These facts for the thumbnail of the file: local name = camera name's root + `suffix`.

        `DSC_0014.NEF` with suffix `.sthumb.jpg` becomes `DSC_0014.sthumb.jpg`: the extension is
        replaced because a thumbnail is a JPEG whatever the original was.
        """
        if not suffix:
            return self
        root = posixpath.splitext(self.camera_filename)[0]
        return dataclasses.replace(self, local_filename=root + suffix)
