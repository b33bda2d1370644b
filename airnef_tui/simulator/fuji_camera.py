"""A Fujifilm X-series body in phone mode: what outlives one connection, and its card as seen
over Wi-Fi.

Facts from docs/ptpip.md section 5, "Fujifilm". The card (generated or `--dir`, the same as every
profile's) is flattened: no folders, no GetObjectHandles, files numbered 1…N in capture order, and
the count is property 0xD222. The camera-wide state lives here, shared by every connection of one
simulator, as on the body:

- the busy answers still due (`fuji_busy_inits`: Init Fail 0x2019 to the first N Inits);
- the hosts already paired: a new host waits `pairing_wait` seconds from its Init (the user
  pressing OK on the camera) with camera state 0xDF00 = 0; a host paired before gets access at
  once, so a client reconnecting after a drop does not wait again;
- in pushed mode (camera state 1, `fuji_pushed`) the queue of images the camera pushes: handle 1
  is always the first one left; a download that reaches the end of what was served (a
  GetPartialObject or GetObject that sends the last byte, of the file with 0xD227 = 1 or of the
  preview without) takes it off, and once none are left the camera sends its hang-up after that
  response. The queue is the `--transfer-list` names when given (the images picked in the
  camera's menu), else every file on the card when the simulator started;
- the size rule's preview: without 0xD227 = 1 a file reports and serves a ~100 KB preview, a
  deterministic JPEG (simulator/jpeg.py) that differs from the file's bytes.

What hosts did is recorded for tests: the time of every Init, the properties they set, and the
pause between each Ack and OpenSession.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import datetime
from enum import IntEnum

from airnef_tui.ptpip.codes import ObjectFormat
from airnef_tui.simulator import jpeg
from airnef_tui.simulator.card import Card, CardObject
from airnef_tui.simulator.virtual_file import LazyVirtualFile, VirtualFile

# Device properties of the phone-mode session (names as in libgphoto2 and fudge).
PROP_EVENTS_LIST = 0xD212  # u16 count, then {u16 code, u32 value} for each change
PROP_SELECTED_IMGS_MODE = 0xD220  # 1 while the camera pushes selected images
PROP_OBJECT_COUNT = 0xD222
PROP_COMPRESS_SMALL = 0xD226
PROP_CORRECT_FILE_SIZE = 0xD227  # 1: full sizes and data; 0 (default): the ~100 KB preview
PROP_CAMERA_STATE = 0xDF00
PROP_CLIENT_STATE = 0xDF01
PROP_IMAGE_GET_VERSION = 0xDF21
PROP_GET_OBJECT_VERSION = 0xDF22
PROP_AUTOSAVE_VERSION = 0xDF23
PROP_REMOTE_VERSION = 0xDF24
PROP_REMOTE_GET_OBJECT_VERSION = 0xDF25

# An X-T4's version properties (u32), as open projects' logs report them.
VERSIONS = {
    PROP_IMAGE_GET_VERSION: 4,
    PROP_GET_OBJECT_VERSION: 5,
    PROP_REMOTE_VERSION: 0x0002000A,
    PROP_REMOTE_GET_OBJECT_VERSION: 5,
}


class CameraState(IntEnum):
    """0xDF00."""

    WAIT = 0  # the user has not pressed OK yet
    PUSHED = 1  # the camera pushes the images selected on it
    FULL_ACCESS = 2
    PC_AUTOSAVE = 3
    REMOTE = 6


class ClientState(IntEnum):
    """0xDF01: what the host says it is doing; it must match the camera state."""

    VIEW_MULTIPLE = 1  # take the pushed images
    VIEW_ALL = 2
    AUTOSAVE = 3
    REMOTE = 5


CLIENT_STATE_FOR = {CameraState.PUSHED: ClientState.VIEW_MULTIPLE,
                    CameraState.FULL_ACCESS: ClientState.VIEW_ALL}

PREVIEW_BYTES = 100_000  # "about 100 KB": each preview is this plus a per-file wobble
PREVIEW_WOBBLE = 4_000
PREVIEW_SEED_OFFSET = 7  # another picture than the file's own
_UNDATED = datetime(2024, 5, 1, 9, 0, 0)


def _capture_order(obj: CardObject) -> tuple[datetime, int]:
    return (obj.captured or datetime.min, obj.handle)


class FujiCamera:
    """Shared by every connection of one simulator (thread-safe)."""

    def __init__(self, card: Card, make: str, model: str, *, pairing_wait: float = 0.0,
                 pushed: bool = False, busy_inits: int = 0, empty_device_info: bool = False,
                 pushed_handles: list[int] | None = None) -> None:
        self.card = card
        self.make = make
        self.model = model
        self.pairing_wait = pairing_wait
        self.pushed = pushed
        self.empty_device_info = empty_device_info
        self._lock = threading.Lock()
        self._busy_left = busy_inits
        self._paired: set[bytes] = set()
        self._previews: dict[int, CardObject] = {}
        # Recorded for tests: monotonic times of every Init; (code, value) of every property
        # set, in order; seconds from each Ack to its OpenSession.
        self.init_times: list[float] = []
        self.properties_set: list[tuple[int, int]] = []
        self.open_session_pauses: list[float] = []
        self.hang_ups = 0  # times the camera hung up because nothing was left to push
        self._queue: list[int] = []
        if pushed:
            chosen = set(pushed_handles or ())
            self._queue = [o.handle for o in self.files() if not chosen or o.handle in chosen]

    # -- admission and pairing ------------------------------------------------------------------

    def record_init(self) -> float:
        """Note an Init; returns its time (monotonic), from which the pairing wait counts."""
        now = time.monotonic()
        with self._lock:
            self.init_times.append(now)
        return now

    def claim_busy(self) -> bool:
        """True when this Init must be answered Init Fail 0x2019 (busy)."""
        with self._lock:
            if self._busy_left <= 0:
                return False
            self._busy_left -= 1
            return True

    def paired(self, guid: bytes, since: float) -> bool:
        """Whether the user has accepted this host: at once for a host paired before, else once
        `pairing_wait` seconds have passed since `since` (its Init)."""
        with self._lock:
            if guid in self._paired:
                return True
            if time.monotonic() - since < self.pairing_wait:
                return False
            self._paired.add(guid)
            return True

    @property
    def access_state(self) -> CameraState:
        """The camera state once the host is accepted."""
        return CameraState.PUSHED if self.pushed else CameraState.FULL_ACCESS

    # -- recording ------------------------------------------------------------------------------

    def record_property(self, code: int, value: int) -> None:
        with self._lock:
            self.properties_set.append((code, value))

    def record_open_session_pause(self, seconds: float) -> None:
        with self._lock:
            self.open_session_pauses.append(seconds)

    # -- the card as handles 1…N ----------------------------------------------------------------

    def files(self) -> list[CardObject]:
        """Every file on the card, in capture order (ties: card order)."""
        return sorted(self.card.files(), key=_capture_order)

    def pushed_left(self) -> list[CardObject]:
        """The images still to push, first one first (gone ones skipped)."""
        with self._lock:
            objects = [self.card.get(handle) for handle in self._queue]
        return [o for o in objects if o is not None]

    def object_count(self) -> int:
        """0xD222: the files on the card, or in pushed mode the images left to push."""
        return len(self.pushed_left() if self.pushed else self.card.files())

    def object_for(self, handle: int) -> CardObject | None:
        """The file behind a wire handle: 1…N in capture order, or in pushed mode handle 1 only,
        the next image to push."""
        if self.pushed:
            left = self.pushed_left()
            return left[0] if handle == 1 and left else None
        files = self.files()
        return files[handle - 1] if 1 <= handle <= len(files) else None

    def completed(self, obj: CardObject) -> bool:
        """A download of `obj` reached its end. In pushed mode it leaves the queue (handle 1 is
        now the next image); returns True when nothing is left and the camera must hang up."""
        if not self.pushed:
            return False
        with self._lock:
            if self._queue and self._queue[0] == obj.handle:
                self._queue.pop(0)
            while self._queue and self.card.get(self._queue[0]) is None:
                self._queue.pop(0)
            if self._queue:
                return False
            self.hang_ups += 1
            return True

    # -- the size rule's preview ----------------------------------------------------------------

    def preview(self, obj: CardObject) -> CardObject:
        """The ~100 KB preview the camera reports and serves for `obj` without 0xD227 = 1: a JPEG
        of other bytes, deterministic, generated on first read."""
        with self._lock:
            found = self._previews.get(obj.handle)
            if found is not None:
                return found
            seed = obj.thumb_seed + PREVIEW_SEED_OFFSET
            size = PREVIEW_BYTES + (obj.thumb_seed * 7919) % PREVIEW_WOBBLE
            exif = (self.make, self.model, obj.captured or _UNDATED)

            def build() -> VirtualFile:
                return VirtualFile(jpeg.jpeg_layout(seed, *jpeg.PHOTO_SIZE, exif, size))

            preview = dataclasses.replace(obj, object_format=ObjectFormat.EXIF_JPEG, size=size,
                                          source=LazyVirtualFile(size, build),
                                          image_size=jpeg.PHOTO_SIZE)
            self._previews[obj.handle] = preview
            return preview
