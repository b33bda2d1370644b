"""How a download lands on disk so that nothing is ever lost or half-written under a real name.

Bytes go to `<target>.part`; when the last byte is in, the file is fsynced, given the photo's
capture time as its modification time, renamed over the target in one atomic step, and the
directory is fsynced so the rename itself survives a power cut. Until then the only thing on
disk is a file whose name says it is partial, which the next run may continue.
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from airnef_tui.rename.pathsafe import MAX_NAME_BYTES, fit_name
from airnef_tui.rename.target import unique_candidate

PART_SUFFIX = ".part"


def part_path(target: Path) -> Path:
    """`<target>.part`; for a name already near the 255-byte limit (which the rename engine lets
    a target reach) a shortened name plus a digest of the full one, the same on every run."""
    name = target.name + PART_SUFFIX
    if len(os.fsencode(name)) > MAX_NAME_BYTES:
        digest = hashlib.blake2s(os.fsencode(target.name), digest_size=6).hexdigest()
        name = fit_name(target.name, f"~{digest}{PART_SUFFIX}")
    return target.with_name(name)


def open_part(target: Path, resume_from: int = 0) -> BinaryIO:
    """Open the .part for writing at `resume_from` (0 = start afresh, truncating what was there)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(target)
    if resume_from > 0:
        sink = open(part, "r+b")
        sink.truncate(resume_from)
        sink.seek(resume_from)
        return sink
    return open(part, "wb")


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # some filesystems (and Windows) cannot open directories: best effort
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def capture_timestamp(captured: datetime | None) -> float | None:
    """Seconds since the epoch for os.utime; naive camera times are taken as local time."""
    if captured is None:
        return None
    try:
        return captured.timestamp()
    except (OverflowError, OSError, ValueError):
        return None


def land(sink: BinaryIO, target: Path, captured: datetime | None, *, replace: bool) -> Path:
    """fsync, close, set mtime, move the .part into place, fsync the directory; return the path.

    Unless `replace`, an existing file is never overwritten, even one that appeared after the run
    was planned: the download then lands under the next free `-new-N` name instead.
    """
    sink.flush()
    os.fsync(sink.fileno())
    sink.close()
    part = part_path(target)
    stamp = capture_timestamp(captured)
    if stamp is not None:
        os.utime(part, (stamp, stamp))
    if replace:
        os.replace(part, target)
        final = target
    else:
        final = _move_without_replacing(part, target)
    _fsync_directory(target.parent)
    return final


def _move_without_replacing(part: Path, target: Path) -> Path:
    candidate, number = target, 0
    while True:
        try:
            os.link(part, candidate)  # fails if candidate exists: no check-then-act race
        except FileExistsError:
            number += 1
            candidate = target.with_name(unique_candidate(target.name, number))
            continue
        except OSError:  # no hard links here (FAT, exFAT cards and sticks): best effort
            if candidate.exists():
                number += 1
                candidate = target.with_name(unique_candidate(target.name, number))
                continue
            os.replace(part, candidate)
            return candidate
        part.unlink()
        return candidate


def discard(sink: BinaryIO | None, target: Path) -> None:
    """Remove a .part that must not be continued (a different object now owns that target)."""
    if sink is not None and not sink.closed:
        sink.close()
    try:
        part_path(target).unlink()
    except FileNotFoundError:
        pass
