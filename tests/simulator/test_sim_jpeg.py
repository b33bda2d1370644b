"""The generated pictures are real baseline JPEGs: every segment well formed and the entropy-coded
scan decodes, with an independent little decoder, to exactly the image the header announces."""

from __future__ import annotations

import random
import struct
from datetime import datetime

import pytest

from airnef_tui.simulator import jpeg
from airnef_tui.simulator.virtual_file import Filler, LazyVirtualFile, VirtualFile


def segments(data: bytes) -> tuple[dict[int, list[bytes]], bytes]:
    """Marker -> payloads, and the entropy-coded scan (between SOS and EOI)."""
    assert data[:2] == b"\xff\xd8" and data[-2:] == b"\xff\xd9"
    found: dict[int, list[bytes]] = {}
    pos = 2
    while True:
        marker, length = struct.unpack_from(">HH", data, pos)
        assert marker >> 8 == 0xFF, hex(marker)
        payload = data[pos + 4:pos + 2 + length]
        assert len(payload) == length - 2
        found.setdefault(marker, []).append(payload)
        pos += 2 + length
        if marker == 0xFFDA:
            return found, data[pos:-2]


def huffman_tables(found) -> dict[tuple[int, int], dict[tuple[int, int], int]]:
    tables = {}
    for payload in found[0xFFC4]:
        pos = 0
        while pos < len(payload):
            key = (payload[pos] >> 4, payload[pos] & 15)
            counts = payload[pos + 1:pos + 17]
            symbols = payload[pos + 17:pos + 17 + sum(counts)]
            codes, code, index = {}, 0, 0
            for length, count in enumerate(counts, start=1):
                for _ in range(count):
                    assert code < (1 << length) - 1 or length == 16  # no all-ones code
                    codes[(length, code)] = symbols[index]
                    code, index = code + 1, index + 1
                code <<= 1
            tables[key] = codes
            pos += 17 + sum(counts)
    return tables


class Bits:
    def __init__(self, scan: bytes) -> None:
        self.data = scan.replace(b"\xff\x00", b"\xff")
        assert b"\xff" not in scan.replace(b"\xff\x00", b"")  # no stray markers in the scan
        self.pos = 0

    def bit(self) -> int:
        byte = self.data[self.pos >> 3]
        value = (byte >> (7 - (self.pos & 7))) & 1
        self.pos += 1
        return value

    def bits(self, count: int) -> int:
        value = 0
        for _ in range(count):
            value = (value << 1) | self.bit()
        return value

    def symbol(self, table) -> int:
        code = length = 0
        while length < 16:
            code, length = (code << 1) | self.bit(), length + 1
            if (length, code) in table:
                return table[(length, code)]
        raise AssertionError("no Huffman code matches")


def decode_dc_grid(data: bytes) -> tuple[int, int, list[list[int]]]:
    """Width, height, and per block the luma DC value, decoding every coefficient of the scan."""
    found, scan = segments(data)
    precision, height, width, ncomp = struct.unpack_from(">BHHB", found[0xFFC0][0])
    assert (precision, ncomp) == (8, 3)
    dqt = found[0xFFDB][0]
    assert dqt[0] == 0 and dqt[65] == 1  # luma table 0, then chroma table 1
    luma_dc_step = dqt[1]
    tables = huffman_tables(found)
    sos = found[0xFFDA][0]
    selectors = [(sos[2 + 2 * i] >> 4, sos[2 + 2 * i] & 15) for i in range(sos[0])]
    bits = Bits(scan)
    blocks_x, blocks_y = -(-width // 8), -(-height // 8)
    prev = [0, 0, 0]
    luma = []
    for _ in range(blocks_y):
        row = []
        for _ in range(blocks_x):
            for comp, (dc_table, ac_table) in enumerate(selectors):
                size = bits.symbol(tables[(0, dc_table)])
                diff = bits.bits(size)
                if size and diff < (1 << (size - 1)):
                    diff -= (1 << size) - 1
                prev[comp] += diff
                k = 1
                while k < 64:
                    rs = bits.symbol(tables[(1, ac_table)])
                    run, size = rs >> 4, rs & 15
                    if size == 0 and run == 0:
                        break
                    bits.bits(size)
                    k += run + 1
                assert k <= 64
                if comp == 0:
                    row.append(128 + prev[0] * luma_dc_step / 8)
        luma.append(row)
    remaining = len(bits.data) * 8 - bits.pos
    assert remaining < 8 and bits.bits(remaining) == (1 << remaining) - 1  # one-bit padding
    return width, height, luma


@pytest.mark.parametrize(("seed", "size"), [(1, (320, 240)), (7, (160, 120)), (11, (40, 24))])
def test_generated_jpeg_decodes_completely_to_a_varied_image(seed, size):
    data = jpeg.jpeg_bytes(seed, *size, ("Maker", "Model", datetime(2024, 5, 1, 9, 0, 0)))
    width, height, luma = decode_dc_grid(data)
    assert (width, height) == size
    values = [v for row in luma for v in row]
    assert all(0 <= v <= 255 for v in values)
    assert max(values) - min(values) > 40  # a gradient, not a flat grey


def test_exif_header_carries_camera_and_capture_time():
    captured = datetime(2024, 5, 1, 9, 12, 4)
    data = jpeg.jpeg_bytes(3, 320, 240, ("Nikon Corporation", "D7200", captured))
    found, _ = segments(data)
    exif = found[0xFFE1][0]
    assert exif.startswith(b"Exif\x00\x00II*\x00")
    assert b"Nikon Corporation\x00" in exif and b"D7200\x00" in exif
    assert exif.count(b"2024:05:01 09:12:04\x00") == 2  # DateTime and DateTimeOriginal


def test_thumbnails_are_jfif_of_a_fixed_size():
    for seed in range(3):
        thumb = jpeg.thumbnail(seed)
        assert len(thumb) == jpeg.THUMB_BYTES
        found, _ = segments(thumb)
        assert found[0xFFE0][0].startswith(b"JFIF\x00")
        assert decode_dc_grid(thumb)[:2] == jpeg.THUMB_SIZE


@pytest.mark.parametrize("target", [40_000, 65_537 + 12_000, 1_048_576, 2_300_001])
def test_padding_reaches_the_exact_size_and_keeps_the_file_valid(target):
    layout = jpeg.jpeg_layout(5, 320, 240, ("a", "b", datetime(2024, 1, 1)), target)
    data = bytes(VirtualFile(layout))
    assert len(data) == target
    assert decode_dc_grid(data)[:2] == (320, 240)


def test_virtual_file_reads_any_slice_consistently():
    parts = [b"head", Filler(3, 200_000), b"middle", Filler(4, 70_000), b"tail"]
    whole = bytes(VirtualFile(parts))
    assert len(whole) == 4 + 200_000 + 6 + 70_000 + 4
    assert whole.startswith(b"head") and whole.endswith(b"tail")
    rng = random.Random(0)
    file = VirtualFile(parts)
    for _ in range(200):
        offset = rng.randrange(len(whole) + 10)
        count = rng.randrange(150_000)
        assert file.read(offset, count) == whole[offset:offset + count]
    lazy = LazyVirtualFile(len(whole), lambda: VirtualFile(parts))
    assert lazy.read(100, 1000) == whole[100:1100]
