"""Parsing the camera address users type: `HOST`, `HOST:PORT`, `[IPv6]:PORT`."""

from __future__ import annotations

from dataclasses import dataclass

from airnef_tui.ptpip import DEFAULT_PORT


@dataclass(frozen=True, slots=True)
class CameraAddress:
    host: str
    port: int = DEFAULT_PORT

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def parse_address(text: str) -> CameraAddress:
    """Raises ValueError with a one-line message a user can act on."""
    text = text.strip()
    if not text:
        raise ValueError("empty camera address")
    if text.lower() == "auto":  # airnef's --ipaddress auto; never a host name to look up
        raise ValueError("finding the camera on the network ('auto') is not available yet: give "
                         "its address (a Nikon on its own Wi-Fi is 192.168.1.1)")
    host, port_text = text, ""
    if text.startswith("["):
        close = text.find("]")
        if close < 0:
            raise ValueError(f"bad camera address {text!r}: missing ']'")
        host, rest = text[1:close], text[close + 1:]
        if rest and not rest.startswith(":"):
            raise ValueError(f"bad camera address {text!r}")
        port_text = rest[1:]
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    if not host or any(ch.isspace() for ch in host):
        raise ValueError(f"bad camera address {text!r}")
    if not port_text:
        return CameraAddress(host)
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"bad port {port_text!r} in camera address {text!r} (1-65535)")
    return CameraAddress(host, int(port_text))
