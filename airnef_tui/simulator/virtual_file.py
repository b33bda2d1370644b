"""Generated file contents that are read in pieces and never held whole.

A demo card of a few hundred multi-megabyte photos must not cost hundreds of megabytes of RAM,
so a generated file is a list of parts: literal bytes (headers, the small encoded image) and
`Filler` runs of seeded pseudo-random bytes that are recomputed on every read. Random-looking
filler (rather than zeros) makes a byte-for-byte comparison catch a client that writes a piece at
the wrong offset.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Union

FILLER_PERIOD = 65521  # prime, so the pattern never lines up with power-of-two piece sizes


@lru_cache(maxsize=16)
def _pattern(seed: int) -> bytes:
    return random.Random(seed).randbytes(FILLER_PERIOD)


@dataclass(frozen=True, slots=True)
class Filler:
    """`length` bytes of the seed's repeating pseudo-random pattern."""

    seed: int
    length: int

    def read(self, offset: int, count: int) -> bytes:
        pattern = _pattern(self.seed)
        count = max(0, min(count, self.length - offset))
        out = bytearray()
        pos = offset % FILLER_PERIOD
        while len(out) < count:
            take = min(count - len(out), FILLER_PERIOD - pos)
            out += pattern[pos:pos + take]
            pos = 0
        return bytes(out)


Part = Union[bytes, Filler]


def _part_length(part: Part) -> int:
    return len(part) if isinstance(part, bytes) else part.length


class VirtualFile:
    """Concatenated parts with random access by offset."""

    def __init__(self, parts: list[Part]) -> None:
        self._parts = [p for p in parts if _part_length(p)]
        self._starts = []
        total = 0
        for part in self._parts:
            self._starts.append(total)
            total += _part_length(part)
        self.size = total

    def read(self, offset: int, count: int) -> bytes:
        if offset < 0 or count < 0:
            raise ValueError("negative offset or count")
        end = min(self.size, offset + count)
        out = bytearray()
        index = max(0, bisect.bisect_right(self._starts, offset) - 1)
        pos = offset
        while pos < end and index < len(self._parts):
            part, start = self._parts[index], self._starts[index]
            inner = pos - start
            take = min(end - pos, _part_length(part) - inner)
            if isinstance(part, bytes):
                out += part[inner:inner + take]
            else:
                out += part.read(inner, take)
            pos += take
            index += 1
        return bytes(out)

    def __bytes__(self) -> bytes:
        return self.read(0, self.size)

    def __len__(self) -> int:
        return self.size


class LazyVirtualFile:
    """A VirtualFile whose parts are built on first read; its size is known up front.

    Encoding a picture costs milliseconds, which adds up to seconds for a large demo card, while a
    listing needs only sizes. The factory must produce exactly `size` bytes.
    """

    def __init__(self, size: int, factory) -> None:
        self.size = size
        self._factory = factory
        self._file: VirtualFile | None = None

    def _built(self) -> VirtualFile:
        if self._file is None:
            built = self._factory()
            if built.size != self.size:
                raise AssertionError(f"generated {built.size} bytes, promised {self.size}")
            self._file = built
        return self._file

    def read(self, offset: int, count: int) -> bytes:
        return self._built().read(offset, count)

    def __bytes__(self) -> bytes:
        return self.read(0, self.size)

    def __len__(self) -> int:
        return self.size
