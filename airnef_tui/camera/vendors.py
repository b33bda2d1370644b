"""What differs between makes, as data: the session asks its `Vendor`, never `if make == ...`.

Each field is a fact from the shared notes (ptpip.md section 5), kept here so that adding a make
or a quirk is one line, and so the session code reads the same for every camera.
"""

from __future__ import annotations

from dataclasses import dataclass

from airnef_tui.ptpip import DeviceInfo, OpCode, ResponseCode


@dataclass(frozen=True, slots=True)
class Vendor:
    make: str
    # 64-bit partial reads, best first; the first one DeviceInfo advertises is used.
    partial64_ops: tuple[int, ...] = (OpCode.MTP_GET_PARTIAL_OBJECT_64,)
    # Used even when DeviceInfo does not advertise it (Nikon lists its vendor ops unreliably).
    partial64_fallback: int | None = None
    # GetObjectInfo can answer these for a few seconds right after a shot: retry that long.
    object_info_retry_codes: frozenset[int] = frozenset()
    object_info_retry_seconds: float = 0.0
    # Nikon GetTransferList exists on bodies that do not advertise it (J4): ask any Nikon.
    has_transfer_list: bool = False
    # Sony only stays awake for real operations, so the keep-alive is an operation, not a probe.
    keep_alive_op: int = OpCode.GET_DEVICE_INFO
    # Canon writes dates with a tenths tail (`.0`); used when we send a date to the camera.
    dates_with_tenths: bool = False

    def partial64_op(self, info: DeviceInfo | None) -> int | None:
        """The op for offsets at or beyond 4 GiB, or None: then only a whole GetObject reaches them."""
        for op in self.partial64_ops:
            if supports(info, op):
                return op
        return self.partial64_fallback


def supports(info: DeviceInfo | None, opcode: int) -> bool:
    """True when advertised, or when the camera advertises nothing at all (then we try it)."""
    return info is None or not info.operations_supported or opcode in info.operations_supported


GENERIC = Vendor("generic")
NIKON = Vendor(
    "nikon",
    partial64_ops=(OpCode.NIKON_GET_PARTIAL_OBJECT_EX, OpCode.MTP_GET_PARTIAL_OBJECT_64),
    partial64_fallback=OpCode.NIKON_GET_PARTIAL_OBJECT_EX,
    object_info_retry_codes=frozenset({ResponseCode.GENERAL_ERROR, ResponseCode.DEVICE_BUSY}),
    object_info_retry_seconds=5.0,
    has_transfer_list=True,
)
CANON = Vendor("canon", dates_with_tenths=True)
SONY = Vendor("sony")
FUJIFILM = Vendor("fujifilm")

_BY_MANUFACTURER = (("NIKON", NIKON), ("CANON", CANON), ("SONY", SONY), ("FUJIFILM", FUJIFILM))


def vendor_for(manufacturer: str) -> Vendor:
    """By the Manufacturer string: many bodies report the MTP vendor id, so the id cannot decide."""
    upper = manufacturer.upper()
    for word, vendor in _BY_MANUFACTURER:
        if word in upper:
            return vendor
    return GENERIC
