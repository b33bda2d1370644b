"""The words of Canon's "Connect to computer" handshake: bytes in, bytes out, no sockets.

A PowerShot/IXUS in that mode multicasts an SSDP `M-SEARCH` for `upnp:rootdevice`; a computer
answers unicast `HTTP/1.1 200 OK` with a `SERVER` that names Microsoft-Windows (the camera ignores
anything else) and a `LOCATION` of its UPnP device description; the camera fetches the description
(served as `text/xml; charset="utf-8"`), lists the part of `friendlyName` before the colon, and
remembers the `UDN` uuid. This module builds and reads those messages; `canon_pairing` does the
networking.
"""

from __future__ import annotations

import errno
import uuid as uuid_module
from dataclasses import dataclass
from xml.sax.saxutils import escape

SSDP_GROUP = "239.255.255.250"
SSDP_PORT = 1900
ROOT_DEVICE = "upnp:rootdevice"
SEARCH_ALL = "ssdp:all"
DESCRIPTION_PATH = "/desc.xml"
DESCRIPTION_CONTENT_TYPE = 'text/xml; charset="utf-8"'
# Canon's firmware answers only a computer that says it is Windows.
SERVER = "Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0"
MAX_AGE = 1800
DEVICE_TYPE = "urn:schemas-upnp-org:device:Basic:1"
MANUFACTURER = "airnef-tui"
MODEL_NAME = "airnef-tui"
MAX_SEARCH_BYTES = 8192

# Progress steps, in the order they happen.
LISTENING = "listening"
FOUND = "found"
DESCRIBED = "described"
READY = "ready"


@dataclass(frozen=True)
class PairingProgress:
    """One step: `step` is LISTENING, FOUND, DESCRIBED or READY; `text` is for people (LISTENING
    carries the step-by-step camera instructions); `address` is the camera's, once known."""

    step: str
    text: str
    address: str | None = None


def parse_search(data: bytes) -> str | None:
    """The ST to answer with if `data` is an M-SEARCH we answer, else None.

    Answered: `M-SEARCH * HTTP/1.x` with `ST: upnp:rootdevice` or `ST: ssdp:all` (both answered
    as `upnp:rootdevice`, the one thing we are, as the working responders do). Ignored: any other
    request or ST, a header line without a colon, a `MAN` other than "ssdp:discover" (a missing
    `MAN` is tolerated: the camera's firmware is the only client that matters), undecodable or
    oversized datagrams.
    """
    if not data or len(data) > MAX_SEARCH_BYTES:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = text.replace("\r\n", "\n").split("\n")
    if lines[0].split(" ") not in (["M-SEARCH", "*", "HTTP/1.1"], ["M-SEARCH", "*", "HTTP/1.0"]):
        return None
    headers = _headers(lines[1:])
    if headers is None:
        return None
    man = headers.get("man")
    if man is not None and man.strip('"') != "ssdp:discover":
        return None
    target = headers.get("st", "").lower()
    return ROOT_DEVICE if target in (ROOT_DEVICE, SEARCH_ALL) else None


def _headers(lines: list[str]) -> dict[str, str] | None:
    """Header lines up to the blank line, names lower-cased; None if one is malformed."""
    headers: dict[str, str] = {}
    for line in lines:
        if not line.strip():
            break
        name, colon, value = line.partition(":")
        if not colon or not name.strip() or name != name.strip():
            return None
        headers[name.lower()] = value.strip()
    return headers


def usn(device_uuid: str) -> str:
    return f"uuid:{device_uuid}::{ROOT_DEVICE}"


def location_url(host: str, port: int) -> str:
    return f"http://{host}:{port}{DESCRIPTION_PATH}"


def search_response(target: str, device_uuid: str, location: str) -> bytes:
    """The unicast `200 OK` answering an M-SEARCH; `target` is what `parse_search` returned."""
    lines = (
        "HTTP/1.1 200 OK",
        f"CACHE-CONTROL: max-age={MAX_AGE}",
        "EXT:",
        f"LOCATION: {location}",
        f"SERVER: {SERVER}",
        f"ST: {target}",
        f"USN: {usn(device_uuid)}",
    )
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def display_name(name: str) -> str:
    """The computer's name as the camera will list it: no colon (the camera cuts there)."""
    cleaned = " ".join(name.replace(":", " ").split())
    return cleaned or "airnef-tui"


def friendly_name(name: str) -> str:
    """`NAME:`, the shape of a Windows friendlyName; the camera shows the part before the colon."""
    return f"{display_name(name)}:"


def device_description(name: str, device_uuid: str) -> bytes:
    """The UPnP device description the camera fetches from LOCATION."""
    text = (
        '<?xml version="1.0"?>\r\n'
        '<root xmlns="urn:schemas-upnp-org:device-1-0">\r\n'
        "<specVersion><major>1</major><minor>0</minor></specVersion>\r\n"
        "<device>\r\n"
        f"<deviceType>{DEVICE_TYPE}</deviceType>\r\n"
        f"<friendlyName>{escape(friendly_name(name))}</friendlyName>\r\n"
        f"<manufacturer>{MANUFACTURER}</manufacturer>\r\n"
        f"<modelName>{MODEL_NAME}</modelName>\r\n"
        f"<UDN>uuid:{escape(device_uuid)}</UDN>\r\n"
        "</device>\r\n"
        "</root>\r\n"
    )
    return text.encode("utf-8")


def new_uuid() -> str:
    return str(uuid_module.uuid4())


def valid_uuid(text: str) -> bool:
    try:
        return str(uuid_module.UUID(text)) == text
    except ValueError:
        return False


def camera_steps(name: str) -> str:
    """What to do on a PowerShot/IXUS, for people; menu wording varies a little by model."""
    shown = display_name(name)
    return (
        "On the camera (PowerShot / IXUS):\n"
        "  1. Press the Wi-Fi button ((\u2022)) (on some models: MENU \u2192 Wi-Fi settings, or "
        "the Wi-Fi icon on the playback screen). The first time, the camera asks for a "
        "nickname: enter any.\n"
        "  2. Choose the computer icon (Connect to computer).\n"
        "  3. First time: choose \u201cAdd a Device\u2026\u201d, then join the same Wi-Fi network "
        "as this computer (pick the network, enter its password, IP address: Auto). "
        f"Later times: pick \u201c{shown}\u201d from the list of computers it knows.\n"
        f"  4. When the camera lists computers, choose \u201c{shown}\u201d and press FUNC./SET "
        "(or OK).\n"
        "  5. Leave the camera on the \u201cConnected\u201d screen: airnef-tui connects to it."
    )


# ---- what the pairing tells people ---------------------------------------------------------------

def where_text(interfaces: tuple[str, ...]) -> str:
    return "this computer listens on " + (", ".join(interfaces) or "all its networks")


def listening_text(name: str, interfaces: tuple[str, ...], port: int) -> str:
    return (f"Listening for the camera ({where_text(interfaces)}, UDP port {port}).\n"
            + camera_steps(name))


def found_text(address: str) -> str:
    return f"The camera found us ({address}): it is fetching this computer's description."


def described_text(address: str, name: str) -> str:
    return (f"The camera fetched our description ({address}): choose "
            f"\u201c{display_name(name)}\u201d on the camera if it asks.")


def ready_text(address: str) -> str:
    return f"The camera answers at {address}: connecting."


def no_search_text(timeout: float, name: str, interfaces: tuple[str, ...], port: int) -> str:
    return (f"No camera looked for a computer within {timeout:g} s. On the camera choose Wi-Fi "
            f"\u2192 computer \u2192 \u201c{display_name(name)}\u201d; the camera and this "
            f"computer must be on the same Wi-Fi network ({where_text(interfaces)}), and a "
            f"firewall must let in UDP port {port}.")


def no_fetch_text(timeout: float, address: str, ports: list[int]) -> str:
    where = ", ".join(str(port) for port in ports) or "of the description server"
    return (f"The camera at {address} found this computer but did not fetch its description "
            f"within {timeout:g} s: a firewall on this computer may be blocking TCP port {where}.")


def no_ptpip_text(timeout: float, address: str, port: int, name: str = "") -> str:
    chosen = f"\u201c{display_name(name)}\u201d" if name else "this computer"
    return (f"The camera at {address} did not open PTP/IP (TCP port {port}) within {timeout:g} s: "
            f"choose {chosen} on the camera and keep it on that screen.")


def cannot_listen_text(protocol: str, port: int, error: int | None, detail: str,
                       host: str = "") -> str:
    """Why we cannot listen, from the OSError's errno, with what to do about it."""
    where = f"{protocol} port {port}" if port else f"a {protocol} port"
    if error == errno.EADDRINUSE:
        return (f"cannot listen for the camera: {where} is taken by another program (an SSDP or "
                "UPnP service such as minissdpd or a media server); stop it while pairing")
    if error == errno.EADDRNOTAVAIL:
        return (f"cannot listen for the camera on {host or 'that interface'}: it is not an "
                "address of this computer (check --interface / AIRNEF_TUI_INTERFACES)")
    if error in (errno.EACCES, errno.EPERM):
        return f"cannot listen for the camera: not allowed to use {where}"
    return f"cannot listen for the camera on {where}: {detail}"
