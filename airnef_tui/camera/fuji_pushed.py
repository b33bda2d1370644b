"""A Fujifilm camera that pushes the images its user picked: received once, then served locally.

In that state (camera state 1) the camera offers one image at a time as handle 1; once it has
been read to its end, handle 1 is the next one, and after the last the camera hangs up. Nothing
can be described before the images ahead of it have been read, so a listing cannot be had without
the transfer itself. The session therefore receives every image it is given, in order, into a
spool folder when it is first asked for the card's contents, and from then on answers the
listing and the downloads from there (handles 1, 2, ... in the order received). The layers above
see an ordinary card: filters, names, history and resume work as for any camera.

No image the camera has let go of is lost on our side: a connection lost after some images
ends the receiving there (the camera offers the rest again on the next connection), and images
never handed to a download are kept in the spool folder, which the note names.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from airnef_tui.camera.download import Cancelled, Progress
from airnef_tui.camera.errors import ConnectionLost, DownloadCancelled, OperationFailed
from airnef_tui.ptpip import ObjectInfo, OpCode, ResponseCode

if TYPE_CHECKING:
    from airnef_tui.camera.fuji_session import FujiSession

CURRENT_IMAGE = 1  # the handle of the image the camera offers now
COPY_PIECE = 1024 * 1024
_NO_MORE = (ResponseCode.INVALID_OBJECT_HANDLE, ResponseCode.STORE_NOT_AVAILABLE)
_log = logging.getLogger("airnef_tui.camera.fuji")


@dataclass(frozen=True, slots=True)
class Received:
    handle: int  # ours: 1, 2, ... in the order the camera sent them
    info: ObjectInfo  # the camera's, with our storage id, no parent and the size received
    path: Path


class PushedImages:
    """The images received from a pushing camera, in a spool folder under `parent` (the system
    temporary folder when None)."""

    def __init__(self, parent: Path | None, storage_id: int) -> None:
        self.parent = parent
        self.storage_id = storage_id
        self.folder: Path | None = None
        self.images: dict[int, Received] = {}
        self.delivered: set[int] = set()
        self.complete = False  # the camera said it had no more (or hung up after the last)

    @property
    def handles(self) -> tuple[int, ...]:
        return tuple(self.images)

    def _spool(self) -> Path:
        if self.folder is None:
            if self.parent is not None:
                self.parent.mkdir(parents=True, exist_ok=True)
            self.folder = Path(tempfile.mkdtemp(prefix="fujifilm-pushed-", dir=self.parent))
        return self.folder

    # ---- receiving -------------------------------------------------------------------------

    def receive_all(self, session: FujiSession) -> None:
        """Every image the camera gives, until it has no more or hangs up."""
        expected = session.object_count or None
        while expected is None or len(self.images) < expected:
            number = len(self.images) + 1
            try:
                info = session.camera_object_info(CURRENT_IMAGE)
            except OperationFailed as refused:
                if refused.response_code in _NO_MORE:
                    break
                raise
            except ConnectionLost:
                if session.hung_up:
                    break  # the camera's way of saying that was the last (or there was none)
                if not self.images:
                    raise
                self._ended_early(session, "the connection ended")
                return
            try:
                self._receive(session, number, info)
            except ConnectionLost as lost:
                if not self.images:
                    raise
                self._ended_early(session, f"the connection was lost during image {number} "
                                  f"({lost.cause})")
                return
            session.note(f"received {info.filename} from the camera "
                         f"({number}{f' of {expected}' if expected else ''})")
        self.complete = True

    def _ended_early(self, session: FujiSession, why: str) -> None:
        session.note(f"{why} after {len(self.images)} image(s): those are saved; connect again "
                     "for any the camera still has to send")

    def _receive(self, session: FujiSession, number: int, info: ObjectInfo) -> None:
        path = self._spool() / f"{number:05d}.image"
        size = session.camera_object_size(CURRENT_IMAGE, info)
        with open(path, "wb") as sink:
            session.camera_download(CURRENT_IMAGE, sink, size=size)
        kept = dataclasses.replace(info, storage_id=self.storage_id, parent_object=0,
                                   compressed_size=size if size < 0xFFFFFFFF else 0xFFFFFFFF)
        self.images[number] = Received(number, kept, path)

    # ---- serving ---------------------------------------------------------------------------

    def _image(self, handle: int, opcode: int) -> Received:
        image = self.images.get(handle)
        if image is None:
            raise OperationFailed(opcode, ResponseCode.INVALID_OBJECT_HANDLE, f"handle {handle}")
        return image

    def info(self, handle: int) -> ObjectInfo:
        return self._image(handle, OpCode.GET_OBJECT_INFO).info

    def size(self, handle: int) -> int:
        return self._image(handle, OpCode.GET_OBJECT_INFO).path.stat().st_size

    def read(self, handle: int, offset: int, count: int) -> bytes:
        with open(self._image(handle, OpCode.GET_PARTIAL_OBJECT).path, "rb") as source:
            source.seek(offset)
            return source.read(count)

    def download(self, handle: int, sink: BinaryIO, *, size: int, offset: int,
                 progress: Progress | None, cancelled: Cancelled | None) -> int:
        """As `CameraSession.download`, from the spool folder."""
        image = self._image(handle, OpCode.GET_PARTIAL_OBJECT)
        if not 0 <= offset <= size:
            raise ValueError(f"offset {offset} outside an object of {size} bytes")
        position = offset
        with open(image.path, "rb") as source:
            source.seek(offset)
            while position < size:
                if cancelled is not None and cancelled():
                    raise DownloadCancelled(position)
                piece = source.read(min(COPY_PIECE, size - position))
                if not piece:
                    raise OperationFailed(OpCode.GET_PARTIAL_OBJECT,
                                          ResponseCode.INCOMPLETE_TRANSFER,
                                          f"handle {handle}: {position} of {size} bytes kept")
                sink.write(piece)
                position += len(piece)
                if progress is not None:
                    progress(position, size)
        if position >= image.path.stat().st_size:
            self.delivered.add(handle)
        return position - offset

    def discard(self, session: FujiSession) -> None:
        """Delete what was delivered; keep, and name, any image no download took."""
        if self.folder is None:
            return
        kept = [image for handle, image in self.images.items() if handle not in self.delivered]
        if not kept:
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        for handle in self.delivered:
            self.images[handle].path.unlink(missing_ok=True)
        names = ", ".join(f"{image.path.name} = {image.info.filename}" for image in kept)
        session.note(f"{len(kept)} image(s) the camera sent were not saved by this run; they "
                     f"are kept in {self.folder} ({names})")
