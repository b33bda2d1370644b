"""The camera address users type and the form we show it in: `HOST`, `HOST:PORT`, `[IPv6]:PORT`.

One parser and one formatter for every way in (the `list`/`get` argument, airnef's `--ipaddress`
plus `--port`, the TUI's `--camera`, the camera layer's messages), so an address that one of them
accepts is accepted by all and looks the same in every message.
"""

from __future__ import annotations

from dataclasses import dataclass

from airnef_tui.ptpip import DEFAULT_PORT

AUTO = "auto"  # airnef's `--ipaddress auto`: find the camera; never a host name to look up


def format_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


@dataclass(frozen=True, slots=True)
class CameraAddress:
    host: str
    port: int = DEFAULT_PORT

    def __str__(self) -> str:
        return format_address(self.host, self.port)


def split_address(text: str) -> tuple[str, int | None]:
    """(host, port or None when none was written). Raises ValueError with a one-line message."""
    text = text.strip()
    if not text:
        raise ValueError("empty camera address")
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
        return host, None
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"bad port in camera address {text!r}: {port_text!r} is not a port "
                         "number (1-65535)")
    return host, int(port_text)


def is_auto(text: str) -> bool:
    return text.strip().lower() == AUTO


def parse_address(text: str) -> CameraAddress:
    """A typed address, the PTP/IP port by default. Raises ValueError with a one-line message."""
    if is_auto(text):
        raise ValueError("'auto' is not a camera address here: give the camera's address "
                         "(a Nikon on its own Wi-Fi is 192.168.1.1)")
    host, port = split_address(text)
    return CameraAddress(host) if port is None else CameraAddress(host, port)
