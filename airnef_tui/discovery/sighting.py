"""What a discovery source saw: one camera at one address, and how sure we are of it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from airnef_tui.ptpip import DEFAULT_PORT

# Source names, as the user sees them ("how found") and as `discover --json` prints them.
MDNS = "mdns"
SSDP = "ssdp"
SWEEP = "sweep"
HISTORY = "seen before"
FUJI_AUTOSAVE = "fuji-autosave"
DEMO = "demo"


@dataclass(frozen=True)
class CameraSighting:
    """A camera at `address`:`port`. `make` is a lower-case make when known ("nikon", "canon",
    "sony", "fujifilm"), else ""; `name` is what the camera calls itself (an mDNS instance, a
    UPnP friendlyName, the name in its Init Ack). `confirmed` once a PTP/IP handshake answered."""

    address: str
    port: int = DEFAULT_PORT
    make: str = ""
    model: str = ""
    name: str = ""
    sources: frozenset[str] = frozenset()
    last_seen: float = field(default_factory=time.time)
    confirmed: bool = False

    @property
    def key(self) -> tuple[str, int]:
        return (self.address, self.port)

    @property
    def target(self) -> str:
        """What `get`/`list` take: `HOST` or `HOST:PORT`, `[IPv6]:PORT`."""
        host = f"[{self.address}]" if ":" in self.address else self.address
        return host if self.port == DEFAULT_PORT else f"{host}:{self.port}"

    def merged(self, other: CameraSighting) -> CameraSighting:
        """This sighting with what `other` (of the same camera) adds: facts a source knew that
        this one did not, every source, the later time; confirmed if either was."""
        return replace(
            self,
            make=self.make or other.make, model=self.model or other.model,
            name=self.name or other.name, sources=self.sources | other.sources,
            last_seen=max(self.last_seen, other.last_seen),
            confirmed=self.confirmed or other.confirmed)

    def describe(self) -> str:
        """One line for people: `Nikon Z 6 "Z_6_5000784" at 192.168.1.1 (mdns, confirmed)`."""
        what = " ".join(part for part in (self.make.capitalize() if self.make else "",
                                          self.model) if part) or "camera"
        name = f' "{self.name}"' if self.name and self.name != self.model else ""
        how = ", ".join(sorted(self.sources)) + (", confirmed" if self.confirmed else "")
        return f"{what}{name} at {self.target} ({how})"

    def as_json(self) -> dict:
        return {"type": "camera", "address": self.address, "port": self.port,
                "make": self.make or None, "model": self.model or None,
                "name": self.name or None, "sources": sorted(self.sources),
                "confirmed": self.confirmed}
