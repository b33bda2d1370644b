"""What differs between makes, as data: the session asks its `Vendor`, never `if make == ...`.

Each field is a fact from the shared notes (ptpip.md section 5), kept here so that adding a make
or a quirk is one line, and so the session code reads the same for every camera.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from airnef_tui.ptpip import FUJI_PORT, DeviceInfo, OpCode, ResponseCode

#: The standard PTP DateTime device property: a PTP date string, the camera's local time.
PROP_DATE_TIME = 0x5011
#: Canon EOS clock property set through 0x9110 (data: u32 size 12, u32 this code, u32 UTC time).
CANON_EOS_PROP_CAMERA_TIME = 0xD17C
#: The parameter of Sony's 0x9280 / 0x9281 pair.
SONY_SDIO_PARAM = 0x4
#: The 0x9280 payload that puts a Sony to sleep: u32 x 4 {0, 5, 0, 0}, then bytes {2, 0, 0x30}.
SONY_SLEEP_PAYLOAD = struct.pack("<4I", 0, 5, 0, 0) + bytes((2, 0, 0x30))

# Fujifilm's phone-mode ("view all") session over its own transport on TCP 55740 (ptpip.md
# section 5; names as in petabyt/fudge). Property values travel as little-endian integers.
#: u16 count, then count x {u16 property, u32 value}: what changed since the last poll.
FUJI_PROP_EVENTS = 0xD212
#: How many images the camera offers; the handles are 1 ... count.
FUJI_PROP_OBJECT_COUNT = 0xD222
#: 1 before GetObjectInfo/GetPartialObject, or sizes and data are a ~100 KB preview's; 0 after.
FUJI_PROP_FULL_SIZE = 0xD227
#: The camera's state: 0 waiting (for OK on the camera), 1 pushes the images picked on it,
#: 2 full access, 3 PC AutoSave, 6 remote.
FUJI_PROP_CAMERA_STATE = 0xDF00
#: The client's state, set once the camera is ready: 2 view all, 1 pushed images.
FUJI_PROP_CLIENT_STATE = 0xDF01
FUJI_PROP_IMAGE_GET_VERSION = 0xDF21
FUJI_PROP_GET_OBJECT_VERSION = 0xDF22  # read, then written back to say we speak it
FUJI_PROP_REMOTE_VERSION = 0xDF24
FUJI_PROP_REMOTE_GET_OBJECT_VERSION = 0xDF25
FUJI_CAMERA_WAITING = 0
FUJI_CAMERA_PUSHES = 1
FUJI_CAMERA_FULL_ACCESS = 2
FUJI_CLIENT_VIEW_ALL = 2
FUJI_CLIENT_PUSHED = 1
#: What a Fujifilm that says nothing of itself (an X-T4's empty DeviceInfo) is called.
FUJI_MANUFACTURER = "FUJIFILM"
FUJI_FALLBACK_MODEL = "X series"
#: Names a user may give for the make (`--make fuji`).
FUJI_MAKE_NAMES = frozenset({"fuji", "fujifilm"})


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
    # Canon EOS: the clock is set with this op (when advertised), not the standard DateTime prop.
    clock_op: int | None = None
    # Nikon: events the camera also queues for polling (GetEvent), for bodies whose event
    # socket stays quiet.
    event_poll_op: int | None = None
    # Sony: the 0x9280 payload (then 0x9281) that puts the camera to sleep; None elsewhere.
    sleep_payload: bytes | None = None
    # Sony: one PTP/IP session per entry into "Send to Computer"; the user must re-enter it.
    one_session_per_entry: bool = False
    # Nikon (D7200, J5): a session closed sooner than `camera.session.MIN_SESSION_SECONDS` after
    # it opened leaves the camera unable to answer the next Init: such a session is held open.
    needs_min_session: bool = False
    # Fujifilm: its own transport (the 82-byte Init, then USB-style containers) on this port,
    # instead of PTP/IP's two sockets on 15740. None: PTP/IP.
    own_transport_port: int | None = None

    def partial64_op(self, info: DeviceInfo | None) -> int | None:
        """The op for offsets at or beyond 4 GiB, or None: then only a whole GetObject reaches them."""
        for op in self.partial64_ops:
            if supports(info, op):
                return op
        return self.partial64_fallback


def supports(info: DeviceInfo | None, opcode: int) -> bool:
    """True when advertised, or when the camera advertises nothing at all (then we try it)."""
    return info is None or not info.operations_supported or opcode in info.operations_supported


def advertises(info: DeviceInfo | None, opcode: int) -> bool:
    """True only when DeviceInfo lists the op: for ops that change the camera, we do not guess."""
    return info is not None and opcode in info.operations_supported


GENERIC = Vendor("generic")
NIKON = Vendor(
    "nikon",
    partial64_ops=(OpCode.NIKON_GET_PARTIAL_OBJECT_EX, OpCode.MTP_GET_PARTIAL_OBJECT_64),
    partial64_fallback=OpCode.NIKON_GET_PARTIAL_OBJECT_EX,
    object_info_retry_codes=frozenset({ResponseCode.GENERAL_ERROR, ResponseCode.DEVICE_BUSY}),
    object_info_retry_seconds=5.0,
    has_transfer_list=True,
    event_poll_op=OpCode.NIKON_GET_EVENT,
    needs_min_session=True,
)
CANON = Vendor("canon", dates_with_tenths=True, clock_op=OpCode.CANON_EOS_SET_DEVICE_PROP_VALUE)
SONY = Vendor("sony", sleep_payload=SONY_SLEEP_PAYLOAD, one_session_per_entry=True)
# Fujifilm: no 64-bit partial read is known over Wi-Fi (an X-T4 advertises nothing at all), so
# none is guessed; the session keeps itself alive by polling its event property.
FUJIFILM = Vendor("fujifilm", partial64_ops=(), own_transport_port=FUJI_PORT)

_BY_MANUFACTURER = (("NIKON", NIKON), ("CANON", CANON), ("SONY", SONY), ("FUJIFILM", FUJIFILM))


def is_fujifilm_make(make: str | None) -> bool:
    """True for `fuji` or `fujifilm` in any case: the make a user names to choose that transport."""
    return make is not None and make.strip().lower() in FUJI_MAKE_NAMES


def vendor_for(manufacturer: str) -> Vendor:
    """By the Manufacturer string: many bodies report the MTP vendor id, so the id cannot decide."""
    upper = manufacturer.upper()
    for word, vendor in _BY_MANUFACTURER:
        if word in upper:
            return vendor
    return GENERIC
