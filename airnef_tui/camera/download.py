"""Streaming one object from the camera into a file object, piece by piece, resumable.

Why its own module: choosing the read operation is the one intricate policy of a session, and it
has nothing to do with opening one. Below 4 GiB the standard GetPartialObject (32-bit offsets);
past it the vendor's 64-bit op (Nikon GetPartialObjectEx, MTP GetPartialObject64); and for a camera
with neither, one GetObject that drops the bytes before the resume offset. Every failure carries
the byte offset reached, so the caller resumes there on a new session. `CameraSession.download` is
the entry point; these functions drive its transactions.

`narrow_limit` is where 32-bit offsets end (4 GiB): the session passes it in, so tests can move
the boundary down instead of streaming 4 GiB.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, BinaryIO

from airnef_tui.camera.errors import (
    CameraProtocolError, ConnectionLost, DownloadCancelled, OperationFailed,
)
from airnef_tui.ptpip import OpCode, ResponseCode

if TYPE_CHECKING:
    from airnef_tui.camera.session import CameraSession

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


def partial_request(session: CameraSession, handle: int, offset: int, size: int, *,
                    narrow_limit: int) -> tuple[int, tuple[int, ...]]:
    """The op and params reading [offset, offset + size); the 32-bit op below `narrow_limit`."""
    if offset + size <= narrow_limit:
        return OpCode.GET_PARTIAL_OBJECT, (handle, offset, size)
    opcode = session.vendor.partial64_op(session.device_info)
    low, high = offset & 0xFFFFFFFF, offset >> 32
    if opcode == OpCode.NIKON_GET_PARTIAL_OBJECT_EX:
        return opcode, (handle, low, high, size & 0xFFFFFFFF, size >> 32)
    if opcode == OpCode.MTP_GET_PARTIAL_OBJECT_64:
        return opcode, (handle, low, high, size)
    raise OperationFailed(OpCode.MTP_GET_PARTIAL_OBJECT_64,
                          ResponseCode.OPERATION_NOT_SUPPORTED,
                          "the camera advertises no 64-bit partial read")


def stream_object(session: CameraSession, handle: int, sink: BinaryIO, *, size: int,
                  offset: int, progress: Progress | None, cancelled: Cancelled | None,
                  narrow_limit: int) -> int:
    """`CameraSession.download`: bytes [offset, size) to `sink.write`; returns bytes written."""
    if not 0 <= offset <= size:
        raise ValueError(f"offset {offset} outside an object of {size} bytes")
    start = offset
    position = offset
    write = sink.write

    def take(piece: bytes) -> None:
        nonlocal position
        write(piece)
        position += len(piece)

    try:
        while position < size:
            if cancelled is not None and cancelled():
                raise DownloadCancelled(position)
            if session._whole_object_only or (
                    position >= narrow_limit
                    and session.vendor.partial64_op(session.device_info) is None):
                _stream_whole(session, handle, write, position, size, progress)
                return size - start
            piece = min(session.chunk_size, size - position)
            if position < narrow_limit:
                piece = min(piece, narrow_limit - position)  # a 32-bit offset never wraps
            opcode, params = partial_request(session, handle, position, piece,
                                             narrow_limit=narrow_limit)
            before = position
            response = session._exchange(opcode, params, on_data=take, max_data=piece)
            if response.code == ResponseCode.OPERATION_NOT_SUPPORTED and position == before:
                if opcode == OpCode.GET_PARTIAL_OBJECT:
                    session._whole_object_only = True
                    continue
                _stream_whole(session, handle, write, position, size, progress)
                return size - start
            if response.code != ResponseCode.OK:
                raise OperationFailed(opcode, response.code,
                                      f"handle {handle} at offset {before}")
            if position == before:
                raise CameraProtocolError(session.address, f"no data for handle {handle} at "
                                                           f"offset {before} of {size} bytes")
            if progress is not None:
                progress(position, size)
    except ConnectionLost as lost:
        if lost.offset is not None:  # already placed by _stream_whole
            raise
        raise lost.at_offset(position) from lost
    return size - start


def _stream_whole(session: CameraSession, handle: int, write: Callable[[bytes], object],
                  offset: int, size: int, progress: Progress | None) -> None:
    """GetObject from byte 0, dropping what lies before `offset`: slow, but it resumes."""
    skip = offset
    position = offset

    def take(piece: bytes) -> None:
        nonlocal skip, position
        if skip:
            if len(piece) <= skip:
                skip -= len(piece)
                return
            piece = memoryview(piece)[skip:]
            skip = 0
        write(piece)
        position += len(piece)
        if progress is not None:
            progress(position, size)

    try:
        session._request(OpCode.GET_OBJECT, (handle,), on_data=take, max_data=size)
    except ConnectionLost as lost:
        raise lost.at_offset(position) from lost
    if position != size:
        raise CameraProtocolError(session.address,
                                  f"GetObject of handle {handle} gave {position} of {size} bytes")
