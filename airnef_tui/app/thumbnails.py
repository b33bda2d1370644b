"""The camera's own thumbnail of a file, fetched beside the TUI's other camera work and kept.

Why the camera's thumbnail: every PTP camera keeps a small JPEG per photo (160×120 on Nikon
bodies, a few KB) that GetThumb returns in one round trip, where the photo itself is megabytes.

Why the lock is only tried, never waited on: a session is not thread-safe, so a thumbnail goes
through `CameraAccess`'s lock like the listing and the downloads. But a download holds that lock
for minutes (a watching one for as long as it watches), and a thumbnail is worth nothing once the
cursor has moved on: so `fetch_thumbnail` waits a moment (another thumbnail may be finishing) and
then gives up with `BUSY`, which is not cached, so the file is asked for again when it is shown
again. It never opens a session either: before the card is listed, or after the session was
dropped, there is nothing to ask and the listing or the download will open one.

Why the cache holds JPEG bytes, capped by count and by bytes: a few KB per photo, so a few hundred
photos browsed back and forth cost no second GetThumb and at most `max_bytes` of memory, whatever
the card holds; decoding again for the pane's size costs ~0.1 ms.

Nothing here touches textual; `pixel_rows` turns the JPEG into RGB pixels that the widget draws.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from airnef_tui.camera.catalogue import CameraFile
from airnef_tui.camera.errors import CameraError, Interrupted, OperationFailed
from airnef_tui.ptpip.codes import ResponseCode

LOCK_WAIT = 0.3  # seconds: long enough for another thumbnail's GetThumb, short beside a download
MAX_THUMB_BYTES = 1024 * 1024  # a camera's thumbnail is a few KB: anything larger is not one
MAX_PIXELS = 4096 * 4096  # refuse to decode a "thumbnail" that would take more memory than this


@dataclass(frozen=True, slots=True)
class Thumb:
    """What the camera gave for one file: its JPEG, or why there is none (said in its place)."""

    jpeg: bytes | None
    note: str = ""
    lasting: bool = True  # worth keeping: False when asking again later may give the picture


NO_THUMBNAIL = Thumb(None, "No thumbnail")
BUSY = Thumb(None, "Thumbnail when the camera is free", lasting=False)
NOT_CONNECTED = Thumb(None, "Not connected", lasting=False)
CAMERA_BUSY = Thumb(None, "The camera is busy", lasting=False)  # e.g. writing a new shot


class Access(Protocol):
    """What is used of `app.camera_access.CameraAccess`."""

    def thumbnail(self, file: CameraFile, wait: float = ...) -> Thumb: ...


def cache_key(file: CameraFile) -> tuple[int, int, str, int]:
    """Handles may be renumbered when a session is reopened: the path and size make sure a kept
    thumbnail is shown for the file it was taken for."""
    return (file.storage_id, file.handle, file.path, file.size)


class ThumbnailCache:
    """A least-recently-used map of thumbnails, bounded by entries and by JPEG bytes; shared by
    the UI thread and the fetching workers, hence its lock."""

    def __init__(self, max_entries: int = 500, max_bytes: int = 8 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[tuple[int, int, str, int], Thumb] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, file: CameraFile) -> Thumb | None:
        key = cache_key(file)
        with self._lock:
            thumb = self._items.get(key)
            if thumb is not None:
                self._items.move_to_end(key)
            return thumb

    def put(self, file: CameraFile, thumb: Thumb) -> None:
        """Keep a lasting answer (a picture, or "none"); drop the oldest ones past the caps."""
        size = len(thumb.jpeg or b"")
        if not thumb.lasting or size > self.max_bytes:
            return
        key = cache_key(file)
        with self._lock:
            old = self._items.pop(key, None)
            self.bytes -= len(old.jpeg or b"") if old is not None else 0
            self._items[key] = thumb
            self.bytes += size
            while len(self._items) > self.max_entries or self.bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self.bytes -= len(dropped.jpeg or b"")


def fetch_thumbnail(access: Access, file: CameraFile, wait: float = LOCK_WAIT) -> Thumb:
    """The camera's thumbnail of `file` through `access`'s session, blocking (call it from a
    thread worker): see `thumbnail_under`."""
    return access.thumbnail(file, wait)


def thumbnail_under(lock: threading.Lock, link: object, file: CameraFile,
                    wait: float = LOCK_WAIT) -> Thumb:
    """GetThumb on the link's open session, under the session's `lock`.

    Gives up with `BUSY` when the lock stays taken for `wait` seconds (a listing or a download),
    `NOT_CONNECTED` when no session is open; a camera that has no thumbnail for the object (a
    folder, a file it cannot preview, an object gone) gives `NO_THUMBNAIL`. A session that broke
    is dropped, so the next listing or download starts on a fresh one.
    """
    if not lock.acquire(timeout=wait):
        return BUSY
    try:
        session = link.current  # type: ignore[attr-defined]  # never open a session for this
        if session is None:
            return NOT_CONNECTED
        try:
            jpeg = session.thumb(file.handle)
        except OperationFailed as failed:  # a refused operation leaves the session usable
            busy = failed.response_code == ResponseCode.DEVICE_BUSY
            return CAMERA_BUSY if busy else NO_THUMBNAIL
        except CameraError:
            link.abandon()  # type: ignore[attr-defined]
            return NOT_CONNECTED
        except Interrupted:
            return NOT_CONNECTED
    finally:
        lock.release()
    if not jpeg or len(jpeg) > MAX_THUMB_BYTES:
        return NO_THUMBNAIL
    return Thumb(jpeg)


class Thumbnails:
    """`fetch_thumbnail` through a cache: what the TUI's pane holds on to."""

    def __init__(self, access: Access, cache: ThumbnailCache | None = None) -> None:
        self.access = access
        self.cache = cache if cache is not None else ThumbnailCache()  # an empty one is falsy
        self._one_at_a_time = threading.Lock()  # fetches queue here, not on the session's lock

    def cached(self, file: CameraFile) -> Thumb | None:
        return self.cache.get(file)

    def fetch(self, file: CameraFile,
              still_wanted: Callable[[], bool] = lambda: True) -> Thumb | None:
        """The thumbnail, from the cache or the camera; None if `still_wanted()` turned False
        while an earlier fetch was in hand (the cursor moved on: asking would be wasted)."""
        with self._one_at_a_time:
            thumb = self.cache.get(file)
            if thumb is not None:
                return thumb
            if not still_wanted():
                return None
            thumb = fetch_thumbnail(self.access, file)
            self.cache.put(file, thumb)
            return thumb


def fit(width: int, height: int, columns: int, pixel_rows: int) -> tuple[int, int]:
    """The largest size with the picture's proportions within `columns` × `pixel_rows` (a
    half-block cell is one pixel wide and two high, so its pixels are about square)."""
    if width <= 0 or height <= 0 or columns <= 0 or pixel_rows <= 0:
        return 0, 0
    scale = min(columns / width, pixel_rows / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def pixel_rows(jpeg: bytes, columns: int, rows: int) -> list[list[tuple[int, int, int]]] | None:
    """The picture as RGB pixel rows, fitted into `columns` × `rows` pixels (an even number of
    rows, upright as the camera's orientation tag says); None when it cannot be decoded.

    Pillow is imported here, not at the top: the TUI starts without paying for it, and a card
    browsed without thumbnails never loads it.
    """
    from PIL import Image, ImageOps

    try:
        image = Image.open(io.BytesIO(jpeg))
        if image.width * image.height > MAX_PIXELS:
            return None
        image.draft("RGB", (columns, rows))  # JPEG: decode at 1/2 to 1/8 scale when it can
        image = ImageOps.exif_transpose(image).convert("RGB")
        width, height = fit(image.width, image.height, columns, rows)
        height += height % 2
        if width == 0:
            return None
        data = image.resize((width, height), Image.Resampling.BOX).tobytes()
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError):
        return None
    stride = width * 3
    return [[(data[x], data[x + 1], data[x + 2]) for x in range(y * stride, (y + 1) * stride, 3)]
            for y in range(height)]
