"""Which network interfaces discovery may use: `--interface ADDR` or `AIRNEF_TUI_INTERFACES`.

A user's run uses the machine's normal interfaces. Tests, benchmarks and the demo set
`AIRNEF_TUI_INTERFACES=127.0.0.1`, so every source (mDNS, SSDP, the sweep) stays on loopback and
nothing they do reaches a real network.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Sequence
from dataclasses import dataclass

ENVIRONMENT = "AIRNEF_TUI_INTERFACES"


@dataclass(frozen=True)
class Scope:
    """`interfaces`: IPv4 addresses of this machine's interfaces to use; empty means all."""

    interfaces: tuple[str, ...] = ()

    @property
    def everywhere(self) -> bool:
        return not self.interfaces

    @property
    def loopback_only(self) -> bool:
        return bool(self.interfaces) and all(
            ipaddress.ip_address(address).is_loopback for address in self.interfaces)

    def allows(self, address: str) -> bool:
        """May a probe go to `address`? Anything when unrestricted; else only loopback
        addresses when the scope is loopback, and only the scope's own subnets (/24) otherwise."""
        try:
            target = ipaddress.ip_address(address)
        except ValueError:
            return False
        if self.everywhere:
            return True
        if self.loopback_only:
            return target.is_loopback
        return any(target in ipaddress.ip_network(f"{own}/24", strict=False)
                   for own in self.interfaces)


def parse_interfaces(values: Sequence[str]) -> tuple[str, ...]:
    """Comma- or space-separated IPv4 addresses; ValueError with a one-line message."""
    addresses = []
    for value in values:
        for part in value.replace(",", " ").split():
            try:
                addresses.append(str(ipaddress.IPv4Address(part)))
            except ValueError:
                raise ValueError(f"bad interface address {part!r}: give this machine's IPv4 "
                                 "address on that network, e.g. 192.168.1.2") from None
    return tuple(dict.fromkeys(addresses))


def scope_from(cli_values: Sequence[str] | None = None) -> Scope:
    """`--interface` values when given, else the environment variable, else everywhere."""
    if cli_values:
        return Scope(parse_interfaces(cli_values))
    env = os.environ.get(ENVIRONMENT, "").strip()
    return Scope(parse_interfaces([env])) if env else Scope()
