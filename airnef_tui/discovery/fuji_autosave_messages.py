"""The words of Fujifilm's PC AutoSave: bytes in, bytes out, no sockets.

A Fujifilm body (X-series up to about 2022) set to "PC AutoSave" looks for a computer by
broadcasting a UDP datagram, `DISCOVER … SERVICE:PCAUTOSAVE/1.0` with `DSCADDR:<its address>`, to
port 51542 when it registers a computer for the first time and to 51541 later (ptpip.md §5,
"Fujifilm"). The registration that follows is a short HTTP-looking exchange on TCP:

1. the computer connects to the camera's TCP 51540 and sends `NOTIFY * HTTP/1.1`, `HOST:
   <camera>:51540`, `IMPORTER: <computer name>`; the camera answers `200 OK`;
2. the computer listens on TCP 51542 (first registration) or 51541 (later); the camera connects
   and sends `REGISTER` (headers `DSCNAME`, `DSCMODEL`) or `IMPORT /guest`;
3. the computer answers `HTTP/1.1 200 OK`, plus `FOLDER: guest` and `ServiceName:
   PCAUTOSAVE/1.0` to a REGISTER;
4. then the Fujifilm Init on TCP 55740, where the camera's state (0xDF00) reads 3, "PC AutoSave".

What is wired and what is not. `parse_discover` is used by `fuji_autosave.FujiAutosaveSource`,
which listens for the broadcast and shows the camera. Steps 1–3 are here as builders and parsers
with byte vectors (`build_notify`, `parse_status`, `parse_camera_request`, `build_answer`), but
nothing sends or serves them yet: the full handshake has never been run against a camera from
this code, and the only open implementation of it (petabyt/fudge) is the source of the exact
bytes. In particular, that implementation ends its NOTIFY and its answers after the last
header's CRLF, without the blank line HTTP would add; the builders do the same by default
(`blank_line=True` adds it), and which one every body needs is unverified. How the camera frames
its REGISTER/IMPORT on the TCP stream (one segment, a blank line, or the connection closing) is
not documented either.

Everything read here is untrusted: size-capped, decoded leniently, stripped of control
characters (a camera name ends up on a terminal), and malformed input raises `AutosaveError`.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

DISCOVER_PORTS = (51542, 51541)  # UDP: first registration, later connections
REGISTER_PORT = 51542  # TCP, the computer listens: the camera sends REGISTER
CONNECT_PORT = 51541  # TCP, the computer listens: the camera sends IMPORT /guest
NOTIFY_PORT = 51540  # TCP, the camera listens: the computer sends NOTIFY
SERVICE = "PCAUTOSAVE"
SERVICE_NAME = "PCAUTOSAVE/1.0"
GUEST_FOLDER = "guest"
MAX_DATAGRAM = 4096  # bytes; anything larger is not a camera's DISCOVER
MAX_REQUEST = 4096  # bytes of a REGISTER/IMPORT request, or of the camera's NOTIFY answer
MAX_VALUE = 64  # characters kept of a name or model
MAX_HEADER_VALUE = 256  # characters kept of any header's value
MAX_IMPORTER = 32  # characters of the name we give the camera
DEFAULT_IMPORTER = "airnef-tui"

# Header names are compared upper-cased with "-", "_" and spaces removed, so `DSCADDR`,
# `dsc-addr` and `Dsc_Addr` are one name. Each fact takes the first alias present.
ADDRESS_HEADERS = ("DSCADDR", "DSCADDRESS", "DSCIP", "CAMERAADDR", "ADDR", "ADDRESS")
NAME_HEADERS = ("DSCNAME", "CAMERANAME", "DEVICENAME", "FRIENDLYNAME", "NAME")
MODEL_HEADERS = ("DSCMODEL", "CAMERAMODEL", "MODELNAME", "MODEL")

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class AutosaveError(ValueError):
    """Bytes that are not the message expected (one line saying why)."""


@dataclass(frozen=True)
class Discover:
    """A camera's DISCOVER: `address` is its DSCADDR when that is a usable IPv4 unicast address
    (None otherwise: the datagram's source is the camera), `name` and `model` when it says them
    (else ""), `service` as given ("" when absent), every header as `headers` (normalised names)."""

    address: str | None
    name: str = ""
    model: str = ""
    service: str = ""
    headers: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class CameraRequest:
    """What the camera sends once it connects to us: `method` "REGISTER" or "IMPORT" (upper
    case), `target` the request's second word ("/guest" for IMPORT; "" when absent), and
    `name`/`model` from DSCNAME/DSCMODEL when present."""

    method: str
    target: str = ""
    name: str = ""
    model: str = ""
    headers: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def registering(self) -> bool:
        return self.method == "REGISTER"


# -- reading ------------------------------------------------------------------------------------


def clean(text: str, limit: int = MAX_VALUE) -> str:
    """`text` fit to show: control and bidi characters removed, spaces squeezed, cut to
    `limit` characters."""
    return " ".join(_CONTROL.sub(" ", text).split())[:limit]


def normalise_name(name: str) -> str:
    return re.sub(r"[-_\s]", "", name).upper()


def _lines(data: bytes, limit: int) -> list[str]:
    """The text's lines: cut at the first NUL (C firmware pads its buffers), decoded as UTF-8
    with replacement, split on CRLF, LF or CR; blank lines dropped."""
    if not data:
        raise AutosaveError("empty message")
    if len(data) > limit:
        raise AutosaveError(f"{len(data)} bytes, more than the {limit} a message may have")
    text = data.split(b"\0", 1)[0].decode("utf-8", errors="replace")
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise AutosaveError("no text in the message")
    return lines


def _headers(lines: list[str]) -> dict[str, str]:
    """`NAME: value` and `NAME:value` lines (the first of a repeated name wins); lines without
    a colon or with an empty name are skipped."""
    headers: dict[str, str] = {}
    for line in lines:
        name, colon, value = line.partition(":")
        key = normalise_name(name)
        if colon and key and key.isascii() and key not in headers:
            headers[key] = clean(value, MAX_HEADER_VALUE)
    return headers


def _first(headers: dict[str, str], aliases: tuple[str, ...]) -> str:
    for alias in aliases:
        value = clean(headers.get(alias, ""))
        if value:
            return value
    return ""


def camera_address(value: str) -> str | None:
    """The IPv4 unicast address in a DSCADDR value (`192.168.1.23`, or with a `:port` tail),
    or None for anything else (names, IPv6, 0.0.0.0, broadcast, multicast, junk)."""
    host = value.strip().rsplit(":", 1)[0] if value.count(":") == 1 else value.strip()
    try:
        address = ipaddress.IPv4Address(host)
    except ValueError:
        return None
    if address.is_unspecified or address.is_multicast or address.is_reserved:
        return None  # 0.0.0.0, 224/4, 240/4 (255.255.255.255 among them)
    return str(address)


def parse_discover(data: bytes) -> Discover:
    """A DISCOVER datagram's facts, or AutosaveError: oversized (`MAX_DATAGRAM`), empty, not
    starting with the word DISCOVER (any case), or naming a SERVICE other than PC AutoSave.

    Lenient where a camera might differ: header names in any case and spelling of the aliases
    above, with or without a space after the colon, CRLF or LF, trailing NUL padding; a missing
    SERVICE is accepted (the datagram came to an AutoSave port), any version of PCAUTOSAVE too.
    An unusable DSCADDR is not an error: `address` is None and the sender is the camera."""
    lines = _lines(data, MAX_DATAGRAM)
    start = lines[0].split()
    if start[0].upper() != "DISCOVER":
        raise AutosaveError(f"not a DISCOVER: {clean(lines[0], 40)!r}")
    headers = _headers(lines[1:])
    service = clean(headers.get("SERVICE", ""))
    if service and service.upper().split("/", 1)[0].strip() != SERVICE:
        raise AutosaveError(f"a DISCOVER for another service: {service!r}")
    raw_address = _first(headers, ADDRESS_HEADERS)
    return Discover(camera_address(raw_address) if raw_address else None,
                    name=_first(headers, NAME_HEADERS), model=_first(headers, MODEL_HEADERS),
                    service=service, headers=headers)


def parse_camera_request(data: bytes) -> CameraRequest:
    """The camera's REGISTER or IMPORT request (its first line `REGISTER …` or `IMPORT /guest …`,
    any case), with DSCNAME/DSCMODEL when present; AutosaveError for anything else."""
    lines = _lines(data, MAX_REQUEST)
    words = lines[0].split()
    method = words[0].upper()
    if method not in ("REGISTER", "IMPORT"):
        raise AutosaveError(f"not a REGISTER or IMPORT: {clean(lines[0], 40)!r}")
    target = clean(words[1]) if len(words) > 1 and not words[1].upper().startswith("HTTP/") else ""
    headers = _headers(lines[1:])
    return CameraRequest(method, target, name=_first(headers, NAME_HEADERS),
                         model=_first(headers, MODEL_HEADERS), headers=headers)


def parse_status(data: bytes) -> int:
    """The status code of an `HTTP/1.x NNN …` answer (the camera's to our NOTIFY)."""
    lines = _lines(data, MAX_REQUEST)
    match = re.fullmatch(r"HTTP/\d\.\d\s+(\d{3})(?:\s.*)?", lines[0], re.IGNORECASE)
    if match is None:
        raise AutosaveError(f"not an HTTP status line: {clean(lines[0], 40)!r}")
    return int(match.group(1))


# -- writing ------------------------------------------------------------------------------------


def importer_name(text: str) -> str:
    """A name for the camera's list of computers made from any text (a host name): printable
    ASCII only, other characters as "_", at most `MAX_IMPORTER`; DEFAULT_IMPORTER when nothing
    is left."""
    kept = "".join(c if " " <= c <= "~" else "_" for c in text).strip()[:MAX_IMPORTER].strip()
    return kept if kept.strip("_") else DEFAULT_IMPORTER


def _message(lines: list[str], blank_line: bool) -> bytes:
    for line in lines:
        if any(c in line for c in "\r\n\0"):
            raise ValueError(f"a line break or NUL in a header: {line!r}")
    return ("".join(f"{line}\r\n" for line in lines) + ("\r\n" if blank_line else "")).encode(
        "ascii")


def build_notify(camera: str, importer: str = DEFAULT_IMPORTER, port: int = NOTIFY_PORT,
                 blank_line: bool = False) -> bytes:
    """Our NOTIFY to the camera's TCP `port` (51540): `camera` an IPv4 address, `importer` the
    name the camera will list (printable ASCII, at most `MAX_IMPORTER`; see `importer_name`).
    ValueError for anything else, so no header can be smuggled in."""
    if camera_address(camera) is None:
        raise ValueError(f"not a camera's IPv4 address: {camera!r}")
    if not importer or len(importer) > MAX_IMPORTER or importer != importer_name(importer):
        raise ValueError(f"not a usable importer name: {importer!r}")
    return _message(["NOTIFY * HTTP/1.1", f"HOST: {camera}:{port}", f"IMPORTER: {importer}"],
                    blank_line)


def build_answer(request: CameraRequest | None = None, *, register: bool | None = None,
                 folder: str = GUEST_FOLDER, blank_line: bool = False) -> bytes:
    """Our `200 OK` to the camera's request: with `FOLDER` and `ServiceName` for a REGISTER,
    bare for an IMPORT. Say which by passing the parsed `request` or `register=`."""
    if register is None:
        if request is None:
            raise ValueError("give the request or register=")
        register = request.registering
    lines = ["HTTP/1.1 200 OK"]
    if register:
        lines += [f"FOLDER: {folder}", f"ServiceName: {SERVICE_NAME}"]
    return _message(lines, blank_line)
