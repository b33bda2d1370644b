"""Everything a simulated camera can be told, checked once before anything binds.

Validation lives here (not in the CLI) so that tests and the `--demo` path get the same clear
errors as the command line: every problem is a ValueError with a one-line message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import math
from pathlib import Path

from airnef_tui.ptpip.codes import DEFAULT_PORT
from airnef_tui.simulator.faults import DEFAULT_DRIP_INTERVAL
from airnef_tui.simulator.profiles import PROFILES

GUID_SIZE = 16


@dataclass
class SimulatorConfig:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT  # 0 picks a free port
    profile: str = "generic"  # generic | nikon | canon | sony
    dirs: list[Path] = field(default_factory=list)  # each served as one card slot (1, 2, ...)
    files: int = 12  # generated photos when `dirs` is empty
    model: str | None = None  # overrides the profile's
    serial: str | None = None
    paired_guid: bytes | None = None  # any other GUID gets Init Fail (Canon's pairing)
    no_probe_reply: bool = False  # never answer Probe Request (some Canon bodies)
    transfer_list: list[str] = field(default_factory=list)  # Nikon GetTransferList picks
    drop_after_bytes: int | None = None  # once: close both sockets mid-packet after N bytes
    stall_after_bytes: int | None = None  # once: go silent mid-packet after N bytes
    # once: from mid-packet after N bytes, that connection sends one byte per drip_interval
    drip_after_bytes: int | None = None
    drip_interval: float = DEFAULT_DRIP_INTERVAL  # seconds between two bytes of a drip
    # once: after N operations answered, the next one's whole reply drips
    drip_replies_after_ops: int | None = None
    rate: float | None = None  # bytes/s cap on object data
    latency_ms: float = 0  # delay before each operation's reply
    hostile_names: bool = False  # add objects with path-traversal and other hostile names
    # Files (by name) whose ObjectInfo size promises twice the bytes the camera can read: partial
    # reads past the real half answer OK with no data (a firmware bug, or a file still being
    # written), which a client must fail for that file alone.
    short_objects: list[str] = field(default_factory=list)
    # The fuji profile (simulator/fuji_*.py): seconds a new host waits until the user "presses OK"
    # (camera state 0xDF00 reads 0 until then), pushed-images mode (camera state 1, handle 1 the
    # next image, hang-up when none are left), Init Fail 0x2019 (busy) to the first N Inits, and
    # the X-T4's empty DeviceInfo.
    fuji_pairing_wait: float = 0.0
    fuji_pushed: bool = False
    fuji_busy_inits: int = 0
    fuji_empty_deviceinfo: bool = False
    sony_single_session: bool = True  # Sony's one session per run; tests may lift it
    events: bool = True  # False: announce nothing (no ObjectAdded, Nikon's GetEvent stays empty)
    clock_settable: bool = True  # False: setting the clock is refused (AccessDenied)
    # announce the camera (mDNS `_ptp._tcp`, and SSDP where provided) on the host's interface
    advertise: bool = False
    # the live card (simulator/live_card.py): seconds between looks for new files in `dirs`
    # (0: never), and a generated photo every `shoot_every` seconds (None: never)
    dir_poll: float = 0.5
    shoot_every: float | None = None

    def validate(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(f"unknown profile {self.profile!r} (choose from {', '.join(PROFILES)})")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port {self.port} is out of range 0-65535")
        for what, text in (("model", self.model), ("serial", self.serial)):
            if text is not None and len(text) > 254:
                raise ValueError(f"the {what} is longer than a PTP string allows (254)")
        if self.files < 0:
            raise ValueError("the number of generated files cannot be negative")
        self.dirs = [Path(d) for d in self.dirs]
        for folder in self.dirs:
            if not folder.is_dir():
                raise ValueError(f"not a folder: {folder}")
        if self.paired_guid is not None and len(self.paired_guid) != GUID_SIZE:
            raise ValueError(f"a GUID is {GUID_SIZE} bytes, got {len(self.paired_guid)}")
        self._validate_fuji()
        for name, value in (("drop_after_bytes", self.drop_after_bytes),
                            ("stall_after_bytes", self.stall_after_bytes),
                            ("drip_after_bytes", self.drip_after_bytes),
                            ("drip_replies_after_ops", self.drip_replies_after_ops)):
            if value is not None and value < 0:
                raise ValueError(f"{name} cannot be negative")
        if not (self.drip_interval > 0 and math.isfinite(self.drip_interval)):
            raise ValueError("the drip interval must be a positive number of seconds")
        if self.rate is not None and self.rate <= 0:
            raise ValueError("the rate must be a positive number of bytes per second")
        if self.latency_ms < 0:
            raise ValueError("the latency cannot be negative")
        if not (self.dir_poll >= 0 and math.isfinite(self.dir_poll)):
            raise ValueError("the folder poll interval must be 0 (never) or a number of seconds")
        if self.shoot_every is not None and not (self.shoot_every > 0
                                                 and math.isfinite(self.shoot_every)):
            raise ValueError("--shoot-every must be a positive number of seconds")

    def _validate_fuji(self) -> None:
        if not (self.fuji_pairing_wait >= 0 and math.isfinite(self.fuji_pairing_wait)):
            raise ValueError("the Fujifilm pairing wait must be 0 or a number of seconds")
        if self.fuji_busy_inits < 0:
            raise ValueError("the number of busy Fujifilm Inits cannot be negative")
        used = (self.fuji_pairing_wait or self.fuji_pushed or self.fuji_busy_inits
                or self.fuji_empty_deviceinfo)
        if used and PROFILES[self.profile].transport != "fuji":
            raise ValueError("the Fujifilm options need the fuji profile")


def parse_guid(text: str) -> bytes:
    """32 hex digits, optionally separated by ':', '-' or spaces (libgphoto2 writes 'aa:bb:..')."""
    digits = "".join(ch for ch in text.strip() if ch not in ":- ")
    if digits.lower().startswith("0x"):
        digits = digits[2:]
    try:
        guid = bytes.fromhex(digits)
    except ValueError:
        raise ValueError(f"not a hexadecimal GUID: {text!r}") from None
    if len(guid) != GUID_SIZE:
        raise ValueError(f"a GUID is {GUID_SIZE} bytes (32 hex digits), got {len(guid)}: {text!r}")
    return guid


_SUFFIXES = {"": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}


def parse_byte_count(text: str) -> int:
    """'2M' -> 2097152; accepts k/M/G (binary), an optional trailing 'B' and '/s', decimals."""
    cleaned = text.strip().lower().removesuffix("/s").removesuffix("b").removesuffix("i")
    number, suffix = cleaned, ""
    if cleaned and cleaned[-1] in "kmg":
        number, suffix = cleaned[:-1], cleaned[-1]
    try:
        value = float(number) * _SUFFIXES[suffix]
    except ValueError:
        raise ValueError(f"not a byte count: {text!r} (examples: 500000, 512k, 2M)") from None
    if value != value or value < 0 or value == float("inf"):
        raise ValueError(f"not a byte count: {text!r}")
    return int(value)
