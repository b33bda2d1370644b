"""SSDP's words, bytes in and bytes out: no sockets, no threads, no clock.

A camera that speaks SSDP answers an `M-SEARCH` for its service type with a unicast
`HTTP/1.1 200 OK` and announces itself with `NOTIFY * HTTP/1.1` (`ssdp:alive`, `ssdp:byebye`)
to 239.255.255.250:1900. Sony's "Send to Computer" offers Microsoft's MtpNullService, Canon its
ICPO services; both are PTP/IP cameras on port 15740 at the address in the `LOCATION` URL. That
URL serves a UPnP device description, read here with defusedxml (no DTDs at all, so no entity
expansion and no external entities) for the friendlyName, manufacturer and modelName.

Everything that comes off the network is untrusted: datagrams over `MAX_PACKET`, descriptions
over `MAX_DESCRIPTION`, LOCATIONs that are not `http://<IPv4 literal>` and text with control
characters are refused or cleaned, and every refusal is an `SsdpError` (a ValueError).
"""

from __future__ import annotations

import ipaddress
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from urllib.parse import urlsplit

import defusedxml
import defusedxml.ElementTree

SSDP_GROUP = "239.255.255.250"
SSDP_PORT = 1900
SEARCH_ALL = "ssdp:all"

SONY_MTP = "urn:microsoft-com:service:MtpNullService:1"
CANON_SMARTPHONE = "urn:schemas-canon-com:service:ICPO-SmartPhoneEOSSystemService:1"
CANON_WFT = "urn:schemas-canon-com:service:ICPO-WFTEOSSystemService:1"
# The service types that mean "a PTP/IP camera is here", and whose camera it is.
CAMERA_TARGETS: dict[str, str] = {SONY_MTP: "sony", CANON_SMARTPHONE: "canon", CANON_WFT: "canon"}

MAX_PACKET = 8 * 1024  # a real SSDP datagram is a few hundred bytes
MAX_DESCRIPTION = 64 * 1024  # a camera's description is 1-3 KiB
MAX_HEADERS = 64
MAX_TEXT = 64  # characters kept of a name from the network
KNOWN_MAKES = ("nikon", "canon", "sony", "fujifilm")
# modelName values that name a product family rather than the camera (Sony's remote API
# descriptions say SonyImagingDevice and keep the model in friendlyName).
GENERIC_MODEL_NAMES = frozenset({"sonyimagingdevice"})

_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an HTTP header name
_URL_PATH = re.compile(r"^/[\x21-\x7e]*$")  # printable ASCII, no spaces or controls


class SsdpError(ValueError):
    """A datagram, URL, HTTP reply or description we will not use."""


@dataclass(frozen=True)
class SsdpMessage:
    """One datagram: `kind` is "search" (M-SEARCH), "notify" or "response" (HTTP 200);
    `headers` has lower-case names (the first of a repeated header wins)."""

    kind: str
    headers: dict[str, str]

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass(frozen=True)
class Announcement:
    """A camera saying it is here (`alive`: a search reply or ssdp:alive) or leaving."""

    alive: bool
    target: str  # the ST or NT
    make: str  # from the target: "sony", "canon"
    usn: str
    location: str


@dataclass(frozen=True)
class Location:
    """A LOCATION URL we may fetch: `http://host[:port]/path`, the host an IPv4 literal."""

    host: str
    port: int
    path: str  # with the query, as sent in the request line

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{self.path}"


@dataclass(frozen=True)
class DeviceFacts:
    """What a device description says about the camera (each "" when absent)."""

    friendly_name: str = ""
    manufacturer: str = ""
    model_name: str = ""
    udn: str = ""

    @property
    def make(self) -> str:
        return make_from_manufacturer(self.manufacturer)

    @property
    def model(self) -> str:
        return "" if self.model_name.lower() in GENERIC_MODEL_NAMES else self.model_name


NO_FACTS = DeviceFacts()


# -- building -------------------------------------------------------------------------------------

def build_search(target: str, *, host: str = f"{SSDP_GROUP}:{SSDP_PORT}", mx: int = 1) -> bytes:
    """An M-SEARCH for one service type."""
    return _message("M-SEARCH * HTTP/1.1", [
        ("HOST", host), ("MAN", '"ssdp:discover"'), ("MX", str(mx)), ("ST", target)])


def build_response(target: str, usn: str, location: str, *, server: str = "",
                   max_age: int = 1800) -> bytes:
    """A responder's unicast answer to an M-SEARCH."""
    return _message("HTTP/1.1 200 OK", [
        ("CACHE-CONTROL", f"max-age={max_age}"), ("EXT", ""), ("LOCATION", location),
        ("SERVER", server), ("ST", target), ("USN", usn)])


def build_notify(target: str, usn: str, *, alive: bool, location: str = "",
                 host: str = f"{SSDP_GROUP}:{SSDP_PORT}", server: str = "",
                 max_age: int = 1800) -> bytes:
    """An ssdp:alive (with LOCATION) or ssdp:byebye announcement."""
    headers = [("HOST", host), ("NT", target), ("NTS", "ssdp:alive" if alive else "ssdp:byebye"),
               ("USN", usn)]
    if alive:
        headers += [("CACHE-CONTROL", f"max-age={max_age}"), ("LOCATION", location),
                    ("SERVER", server)]
    return _message("NOTIFY * HTTP/1.1", headers)


def _message(start: str, headers: list[tuple[str, str]]) -> bytes:
    for name, value in headers:
        if "\r" in value or "\n" in value:
            raise SsdpError(f"a line break in the {name} header")
    lines = [start] + [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def build_description_request(location: Location) -> bytes:
    """The HTTP/1.0 GET for a description (one request, then the server closes)."""
    return (f"GET {location.path} HTTP/1.0\r\nHost: {location.host}:{location.port}\r\n"
            "Accept: text/xml\r\nConnection: close\r\nUser-Agent: airnef-tui\r\n\r\n").encode()


# -- parsing --------------------------------------------------------------------------------------

def parse_message(data: bytes) -> SsdpMessage:
    """One SSDP datagram; SsdpError for anything that is not a well-formed M-SEARCH, NOTIFY or
    `HTTP/1.x 200` reply within `MAX_PACKET` bytes."""
    if len(data) > MAX_PACKET:
        raise SsdpError(f"datagram of {len(data)} bytes")
    text = data.decode("utf-8", errors="replace")
    head, blank, _ = text.replace("\r\n", "\n").partition("\n\n")
    lines = head.split("\n")
    kind = _kind(lines[0].strip())
    headers: dict[str, str] = {}
    if len(lines) > MAX_HEADERS + 1:
        raise SsdpError("too many headers")
    for line in lines[1:]:
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        name = name.strip()
        if not colon or not _TOKEN.match(name):
            raise SsdpError(f"bad header line {line[:40]!r}")
        headers.setdefault(name.lower(), value.strip())
    return SsdpMessage(kind, headers)


def _kind(start: str) -> str:
    if re.fullmatch(r"M-SEARCH \* HTTP/1\.[01]", start):
        return "search"
    if re.fullmatch(r"NOTIFY \* HTTP/1\.[01]", start):
        return "notify"
    status = re.fullmatch(r"HTTP/1\.[01] (\d{3})(?: .*)?", start)
    if status and status.group(1) == "200":
        return "response"
    raise SsdpError(f"not an SSDP start line: {start[:40]!r}")


def camera_announcement(message: SsdpMessage,
                        targets: dict[str, str] = CAMERA_TARGETS) -> Announcement | None:
    """What `message` says about a camera, or None: M-SEARCHes, other devices' service types
    and NOTIFYs that are neither alive nor byebye say nothing."""
    if message.kind == "response":
        target, alive = message.header("ST"), True
    elif message.kind == "notify":
        target, nts = message.header("NT"), message.header("NTS").lower()
        if nts not in ("ssdp:alive", "ssdp:byebye"):
            return None
        alive = nts == "ssdp:alive"
    else:
        return None
    if target not in targets:
        return None
    return Announcement(alive, target, targets[target], message.header("USN"),
                        message.header("LOCATION"))


def usn_uuid(usn: str) -> str:
    """`uuid:ABC::urn:…` → `abc` (what ties a byebye to the camera it ends); "" when absent."""
    first = usn.strip().split("::", 1)[0]
    return first[5:].strip().lower() if first.lower().startswith("uuid:") else ""


def parse_location(url: str) -> Location:
    """A LOCATION we may fetch: plain `http`, an IPv4 literal host (a name would need a DNS
    lookup, which may leave the interfaces discovery is told to use), no user info."""
    if not url or len(url) > 512 or any(ord(ch) < 0x21 or ord(ch) > 0x7E for ch in url):
        raise SsdpError(f"unusable LOCATION {url[:60]!r}")
    try:
        parts = urlsplit(url)
        port = 80 if parts.port is None else parts.port
        host = str(ipaddress.IPv4Address(parts.hostname or ""))
    except ValueError:
        raise SsdpError(f"LOCATION host is not an IPv4 address: {url[:60]!r}") from None
    if (parts.scheme.lower() != "http" or parts.username is not None
            or parts.password is not None or not 0 < port < 65536):
        raise SsdpError(f"LOCATION is not a plain http URL: {url[:60]!r}")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if not _URL_PATH.match(path):
        raise SsdpError(f"unusable LOCATION path {path[:60]!r}")
    return Location(host, port, path)


def parse_http_response(data: bytes) -> bytes:
    """The body of a complete `HTTP/1.x 200` reply (Content-Length or chunked or read to the
    close); SsdpError for any other status, a truncated or oversized body."""
    head, separator, body = data.partition(b"\r\n\r\n")
    if not separator:
        raise SsdpError("no end to the HTTP headers")
    lines = head.decode("iso-8859-1").split("\r\n")
    status = re.fullmatch(r"HTTP/1\.[01] (\d{3})(?: .*)?", lines[0])
    if not status or status.group(1) != "200":
        raise SsdpError(f"HTTP answer {lines[0][:40]!r}")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), value.strip())
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = _dechunk(body)
    elif "content-length" in headers:
        try:
            length = int(headers["content-length"])
        except ValueError:
            raise SsdpError("bad Content-Length") from None
        if length < 0 or length > MAX_DESCRIPTION or len(body) < length:
            raise SsdpError(f"Content-Length {length} with {len(body)} bytes")
        body = body[:length]
    if len(body) > MAX_DESCRIPTION:
        raise SsdpError(f"description of {len(body)} bytes")
    return body


def _dechunk(data: bytes) -> bytes:
    out = bytearray()
    while True:
        size_line, separator, data = data.partition(b"\r\n")
        try:
            size = int(size_line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise SsdpError("bad chunk size") from None
        if not separator or size < 0 or len(data) < size:
            raise SsdpError("truncated chunked body")
        if size == 0:
            return bytes(out)
        out += data[:size]
        if len(out) > MAX_DESCRIPTION:
            raise SsdpError("chunked description too large")
        data = data[size:].removeprefix(b"\r\n")


def parse_description(xml: bytes) -> DeviceFacts:
    """The root device's friendlyName, manufacturer, modelName and UDN. Refused (SsdpError):
    anything over `MAX_DESCRIPTION`, any DTD (and so every entity trick: billion laughs,
    external entities), malformed XML, a document with no `device`."""
    if len(xml) > MAX_DESCRIPTION:
        raise SsdpError(f"description of {len(xml)} bytes")
    try:
        root = defusedxml.ElementTree.fromstring(xml, forbid_dtd=True)
    except (defusedxml.DefusedXmlException, ElementTree.ParseError, ValueError) as error:
        raise SsdpError(f"description refused: {type(error).__name__}: {error}") from None
    device = next((element for element in root.iter() if _local(element.tag) == "device"), None)
    if device is None:
        raise SsdpError("no device in the description")
    found = {_local(child.tag): clean_text(child.text or "") for child in device}
    return DeviceFacts(found.get("friendlyName", ""), found.get("manufacturer", ""),
                       found.get("modelName", ""), found.get("UDN", ""))


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def clean_text(text: str, limit: int = MAX_TEXT) -> str:
    """Network text safe to show: printable characters only (no terminal escapes), runs of
    white space as one space, at most `limit` characters."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())[:limit]


def make_from_manufacturer(manufacturer: str) -> str:
    """"Sony Corporation" → "sony", "Canon Inc." → "canon"; "" for makes we do not know."""
    words = re.findall(r"[a-z]+", manufacturer.lower())
    return words[0] if words and words[0] in KNOWN_MAKES else ""
