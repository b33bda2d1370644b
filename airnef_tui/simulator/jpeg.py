"""Real, decodable JPEG files made with the standard library only.

The simulated card must hold pictures a viewer can open (a TUI preview, an image viewer after a
download), yet generating them must cost next to nothing so a card of hundreds of photos starts
instantly. So this is a tiny baseline encoder for one kind of picture: a smooth colour field that
is linear inside every 8x8 block. A linear block has a closed-form DCT (the DC term plus the odd
horizontal and vertical terms), so no general DCT is needed, and the Huffman tables give every
symbol the same code length, which is a valid canonical table that needs no statistics.

Files reach their target size through COM segments of seeded filler placed before the image data,
which every decoder skips. `jpeg_layout` returns the file as parts (bytes or `Filler`) so that a
multi-megabyte photo is never held in memory: see `virtual_file.py`.
"""

from __future__ import annotations

import math
import struct
from datetime import datetime
from functools import lru_cache

from airnef_tui.simulator.virtual_file import Filler, Part

PHOTO_SIZE = (320, 240)
THUMB_SIZE = (160, 120)
LARGE_THUMB_SIZE = (640, 424)  # Nikon's GetLargeThumb: a screen-sized preview
THUMB_BYTES = 8192  # every thumbnail is padded to this, so ObjectInfo can tell it unencoded
IMAGE_VARIANTS = 12  # distinct pictures; files differ anyway by EXIF date and filler
COM_MAX_PAYLOAD = 0xFFFF - 2  # a segment's u16 length counts itself
_SEGMENT_OVERHEAD = 4  # marker + length


def _zigzag() -> list[int]:
    """Natural-order index (row * 8 + col) of each zigzag position."""
    order = sorted(((r, c) for r in range(8) for c in range(8)),
                   key=lambda rc: (rc[0] + rc[1], rc[0] if (rc[0] + rc[1]) % 2 else rc[1]))
    return [r * 8 + c for r, c in order]


ZIGZAG = _zigzag()

# Gentle quantisation: fine steps for the low frequencies this encoder produces.
_LUMA_Q = [4 + 3 * (r + c) for r in range(8) for c in range(8)]
_CHROMA_Q = [6 + 4 * (r + c) for r in range(8) for c in range(8)]

# Every DC category 0..11 gets a 4-bit code; every AC symbol an 8-bit code. Both tables are
# canonical (codes counted up from zero) and leave the all-ones code unused, as the standard asks.
_DC_SYMBOLS = list(range(12))
_AC_SYMBOLS = [0x00, 0xF0] + [(run << 4) | size for run in range(16) for size in range(1, 11)]
_DC_CODE = {sym: (i, 4) for i, sym in enumerate(_DC_SYMBOLS)}
_AC_CODE = {sym: (i, 8) for i, sym in enumerate(_AC_SYMBOLS)}

# For a block s(x, y) = m + bx * (x - 3.5) + by * (y - 3.5), the JPEG forward DCT reduces to
# F(0,0) = 8 * m, and F(0,u) = sqrt(2) * bx * K[u] (likewise F(v,0) with by), where
# K[u] = sum over x of (x - 3.5) * cos((2x + 1) u pi / 16): non-zero only for odd u.
_RAMP = [sum((x - 3.5) * math.cos((2 * x + 1) * u * math.pi / 16) for x in range(8))
         for u in range(8)]
_ODD = (1, 3, 5, 7)


class _BitWriter:
    """Entropy-coded bytes with 0xFF stuffing."""

    def __init__(self) -> None:
        self.out = bytearray()
        self._acc = 0
        self._bits = 0

    def write(self, value: int, length: int) -> None:
        if length == 0:
            return
        self._acc = (self._acc << length) | (value & ((1 << length) - 1))
        self._bits += length
        while self._bits >= 8:
            self._bits -= 8
            byte = (self._acc >> self._bits) & 0xFF
            self.out.append(byte)
            if byte == 0xFF:
                self.out.append(0x00)
        self._acc &= (1 << self._bits) - 1

    def flush(self) -> bytes:
        if self._bits:
            self.write((1 << (8 - self._bits)) - 1, 8 - self._bits)  # pad with one-bits
        return bytes(self.out)


def _category(value: int) -> int:
    return abs(value).bit_length()


def _magnitude_bits(value: int, size: int) -> int:
    return value if value >= 0 else value + (1 << size) - 1


def _encode_block(writer: _BitWriter, coeffs: dict[int, int], prev_dc: int) -> int:
    dc = coeffs.get(0, 0)
    diff = dc - prev_dc
    size = _category(diff)
    code, length = _DC_CODE[size]
    writer.write(code, length)
    writer.write(_magnitude_bits(diff, size), size)
    run = 0
    last_nonzero = max((zz for zz in range(1, 64) if coeffs.get(ZIGZAG[zz], 0)), default=0)
    for zz in range(1, last_nonzero + 1):
        value = coeffs.get(ZIGZAG[zz], 0)
        if value == 0:
            run += 1
            continue
        while run > 15:
            writer.write(*_AC_CODE[0xF0])
            run -= 16
        size = _category(value)
        writer.write(*_AC_CODE[(run << 4) | size])
        writer.write(_magnitude_bits(value, size), size)
        run = 0
    if last_nonzero < 63:
        writer.write(*_AC_CODE[0x00])
    return dc


def _block_coefficients(mean: float, bx: float, by: float, quant: list[int]) -> dict[int, int]:
    raw = {0: 8 * (mean - 128.0)}
    for u in _ODD:
        raw[u] = math.sqrt(2) * bx * _RAMP[u]  # row 0, column u
        raw[u * 8] = math.sqrt(2) * by * _RAMP[u]  # row u, column 0
    out = {}
    for index, value in raw.items():
        q = round(value / quant[index])
        if q:
            out[index] = max(-1023, min(1023, q))
    return out


def _channels(seed: int, width: int, height: int):
    """Three smooth fields (Y, Cb, Cr) as functions of pixel position, varied by the seed."""
    phase = (seed * 0.6180339887) % 1.0
    fx = 1.0 + seed % 3
    fy = 1.0 + (seed // 3) % 2
    tilt = ((seed * 37) % 100) / 100.0

    def luma(x: float, y: float) -> float:
        u, v = x / width, y / height
        wave = math.sin(2 * math.pi * (fx * u + phase)) * math.cos(math.pi * fy * v)
        return 128 + 70 * wave + 30 * (u - v) * (1 - tilt)

    def cb(x: float, y: float) -> float:
        return 128 + 60 * math.cos(2 * math.pi * (x / width * 0.7 + phase))

    def cr(x: float, y: float) -> float:
        return 128 + 60 * math.sin(2 * math.pi * (y / height * 0.8 + phase + tilt))

    return luma, cb, cr


def _scan(seed: int, width: int, height: int) -> bytes:
    writer = _BitWriter()
    fields = _channels(seed, width, height)
    quants = (_LUMA_Q, _CHROMA_Q, _CHROMA_Q)
    prev = [0, 0, 0]
    for by0 in range(0, height, 8):
        for bx0 in range(0, width, 8):
            cx, cy = bx0 + 3.5, by0 + 3.5
            for comp, field in enumerate(fields):
                mean = field(cx, cy)
                slope_x = (field(cx + 1, cy) - field(cx - 1, cy)) / 2
                slope_y = (field(cx, cy + 1) - field(cx, cy - 1)) / 2
                coeffs = _block_coefficients(mean, slope_x, slope_y, quants[comp])
                prev[comp] = _encode_block(writer, coeffs, prev[comp])
    return writer.flush()


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">HH", marker, len(payload) + 2) + payload


def _dqt() -> bytes:
    body = b"".join(bytes([table_id]) + bytes(q[i] for i in ZIGZAG)
                    for table_id, q in ((0, _LUMA_Q), (1, _CHROMA_Q)))
    return _segment(0xFFDB, body)


def _dht() -> bytes:
    def table(table_class: int, table_id: int, code_length: int, symbols: list[int]) -> bytes:
        counts = [0] * 16
        counts[code_length - 1] = len(symbols)
        return bytes([(table_class << 4) | table_id]) + bytes(counts) + bytes(symbols)

    return _segment(0xFFC4, table(0, 0, 4, _DC_SYMBOLS) + table(1, 0, 8, _AC_SYMBOLS))


def _sof(width: int, height: int) -> bytes:
    comps = b"".join(bytes([cid, 0x11, 0 if cid == 1 else 1]) for cid in (1, 2, 3))
    return _segment(0xFFC0, struct.pack(">BHHB", 8, height, width, 3) + comps)


def _sos() -> bytes:
    comps = b"".join(bytes([cid, 0x00]) for cid in (1, 2, 3))  # all use DC 0 / AC 0
    return _segment(0xFFDA, bytes([3]) + comps + bytes([0, 63, 0]))


def _jfif() -> bytes:
    return _segment(0xFFE0, b"JFIF\x00" + struct.pack(">BBBHHBB", 1, 1, 0, 1, 1, 0, 0))


def _tiff_ifd(entries: list[tuple[int, int, int, bytes]], ifd_offset: int) -> bytes:
    """One little-endian IFD placed at `ifd_offset`; values over 4 bytes follow the IFD.

    entries: (tag, type, count, value bytes) sorted by tag.
    """
    table_size = 2 + 12 * len(entries) + 4
    extra = bytearray()
    table = bytearray(struct.pack("<H", len(entries)))
    for tag, kind, count, value in entries:
        if len(value) <= 4:
            field = value.ljust(4, b"\x00")
        else:
            field = struct.pack("<I", ifd_offset + table_size + len(extra))
            extra += value + (b"\x00" if len(value) % 2 else b"")
        table += struct.pack("<HHI", tag, kind, count) + field
    table += struct.pack("<I", 0)
    return bytes(table + extra)


def _ascii(text: str) -> tuple[int, int, bytes]:
    data = text.encode("ascii", errors="replace") + b"\x00"
    return 2, len(data), data


def tiff_structure(make: str, model: str, captured: datetime, width: int, height: int,
                   preview: tuple[int, int] | None = None, header_extra: bytes = b"") -> bytes:
    """A little-endian TIFF header with IFD0 (camera, date) and an Exif IFD.

    Used inside the JPEG's APP1 and as the start of the simulated raw files; `preview` is the
    (offset, length) of an embedded JPEG, and `header_extra` goes between the 8-byte header and
    IFD0 (Canon CR2 puts its signature there).
    """
    stamp = captured.strftime("%Y:%m:%d %H:%M:%S")
    ifd0_offset = 8 + len(header_extra)
    ifd0_entries = [
        (0x010F, *_ascii(make)),
        (0x0110, *_ascii(model)),
        (0x0112, 3, 1, struct.pack("<H", 1)),
        (0x0132, *_ascii(stamp)),
    ]
    if preview is not None:
        ifd0_entries += [(0x0201, 4, 1, struct.pack("<I", preview[0])),
                         (0x0202, 4, 1, struct.pack("<I", preview[1]))]
    # The Exif IFD pointer needs the size of IFD0 first: compute it with a placeholder.
    ifd0_entries.append((0x8769, 4, 1, b"\x00\x00\x00\x00"))
    ifd0_entries.sort()
    exif_offset = ifd0_offset + len(_tiff_ifd(ifd0_entries, ifd0_offset))
    ifd0_entries = [(t, k, c, struct.pack("<I", exif_offset) if t == 0x8769 else v)
                    for t, k, c, v in ifd0_entries]
    exif_entries = [
        (0x9000, 7, 4, b"0230"),
        (0x9003, *_ascii(stamp)),
        (0xA002, 4, 1, struct.pack("<I", width)),
        (0xA003, 4, 1, struct.pack("<I", height)),
    ]
    return (b"II*\x00" + struct.pack("<I", ifd0_offset) + header_extra
            + _tiff_ifd(ifd0_entries, ifd0_offset) + _tiff_ifd(exif_entries, exif_offset))


def _exif(make: str, model: str, captured: datetime, width: int, height: int) -> bytes:
    return _segment(0xFFE1, b"Exif\x00\x00" + tiff_structure(make, model, captured, width, height))


@lru_cache(maxsize=32)
def _image_body(seed: int, width: int, height: int) -> bytes:
    """Everything from DQT to EOI: the part that costs CPU, cached per (seed, size)."""
    return _dqt() + _sof(width, height) + _dht() + _sos() + _scan(seed, width, height) + b"\xff\xd9"


def jpeg_bytes(seed: int, width: int, height: int, exif: tuple[str, str, datetime] | None = None) -> bytes:
    """A complete small JPEG: EXIF (make, model, capture time) when given, else JFIF."""
    header = _exif(*exif, width, height) if exif else _jfif()
    return b"\xff\xd8" + header + _image_body(seed % IMAGE_VARIANTS, width, height)


def padding_segments(seed: int, total: int) -> list[Part]:
    """COM segments adding exactly `total` bytes (0, or at least 4: a segment has a header)."""
    if total == 0:
        return []
    if total < _SEGMENT_OVERHEAD:
        raise ValueError("padding must be 0 or at least 4 bytes")
    full = COM_MAX_PAYLOAD + _SEGMENT_OVERHEAD
    sizes = [full] * (total // full)
    rest = total % full
    if rest >= _SEGMENT_OVERHEAD:
        sizes.append(rest)
    elif rest:  # too small for a segment of its own: re-split the last full one in two
        last = sizes.pop() + rest
        sizes += [last // 2, last - last // 2]
    parts: list[Part] = []
    for size in sizes:
        parts.append(b"\xff\xfe" + struct.pack(">H", size - 2))
        parts.append(Filler(seed, size - _SEGMENT_OVERHEAD))
    return parts


def jpeg_layout(seed: int, width: int, height: int, exif: tuple[str, str, datetime],
                target_size: int) -> list[Part]:
    """A JPEG of about `target_size` bytes (never less than the image itself needs), as parts."""
    head = b"\xff\xd8" + _exif(*exif, width, height)
    body = _image_body(seed % IMAGE_VARIANTS, width, height)
    padding = max(0, target_size - len(head) - len(body))
    if 0 < padding < _SEGMENT_OVERHEAD:
        padding = _SEGMENT_OVERHEAD
    return [head, *padding_segments(seed, padding), body]


def thumbnail(seed: int) -> bytes:
    """The 160x120 JFIF thumbnail GetThumb serves, exactly THUMB_BYTES long."""
    return _thumbnail_variant(seed % IMAGE_VARIANTS)


def large_thumbnail(seed: int) -> bytes:
    """The 640x424 JFIF preview Nikon's GetLargeThumb serves."""
    return _large_thumbnail_variant(seed % IMAGE_VARIANTS)


@lru_cache(maxsize=IMAGE_VARIANTS)
def _large_thumbnail_variant(variant: int) -> bytes:
    return b"\xff\xd8" + _jfif() + _image_body(variant, *LARGE_THUMB_SIZE)


@lru_cache(maxsize=IMAGE_VARIANTS)
def _thumbnail_variant(variant: int) -> bytes:
    head = b"\xff\xd8" + _jfif()
    body = _image_body(variant, *THUMB_SIZE)
    padding = padding_segments(variant, THUMB_BYTES - len(head) - len(body))
    return head + b"".join(p if isinstance(p, bytes) else p.read(0, p.length)
                           for p in padding) + body
