"""mDNS / DNS-SD: cameras that announce themselves with multicast DNS (ptpip.md section 6).

Two service types are browsed. `_ptp._tcp` is announced by Nikon Z bodies (instance names such as
`Z_6_5000784`: the model with underscores for spaces, then the serial) and by Canon EOS bodies in
EOS Utility mode (`ICPO-WFTEOSSystemService<serial>`); its SRV port is the PTP/IP port.
`_imink_http._tcp` is Canon's smartphone-mode service (a G7 X): its SRV port is Canon's HTTP API
(8615) and its TXT carries the maker (`mf.iml`) and model (`md.iml`), while PTP/IP stays on 15740.

Each added or updated service is resolved (SRV, TXT, A) with a short timeout in a thread of its
own. A Canon 1D X II never answers those lookups: its address is then the source address of the
packet that carried its PTR record, when zeroconf lets us see it; otherwise nothing is reported
rather than a guess. A removed service is reported gone for the address and port it was reported
at. With a restricted scope only the scope's interfaces are used (IPv4), and only addresses the
scope allows are reported.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import re
import threading
from collections.abc import Mapping

from zeroconf import IPVersion, RecordUpdateListener, ServiceBrowser, ServiceStateChange, Zeroconf
from zeroconf.asyncio import AsyncServiceInfo

from airnef_tui.discovery.scope import Scope
from airnef_tui.discovery.sighting import MDNS, CameraSighting
from airnef_tui.discovery.sightings import Sightings
from airnef_tui.ptpip import DEFAULT_PORT

_log = logging.getLogger("airnef_tui.discovery.mdns")

PTP_SERVICE = "_ptp._tcp.local."
CANON_IMINK_SERVICE = "_imink_http._tcp.local."
SERVICE_TYPES = (PTP_SERVICE, CANON_IMINK_SERVICE)
RESOLVE_TIMEOUT = 1.5  # seconds for the SRV/TXT/A answers of one service

CANON_EOS_PREFIX = "ICPO-"  # ICPO-WFTEOSSystemService<serial> and Canon's other ICPO services
_MAKES = {"nikon": "nikon", "canon": "canon", "sony": "sony", "fujifilm": "fujifilm",
          "fuji": "fujifilm"}
# TXT keys for maker and model: Canon's (on _imink_http), then plain ones (the simulator's).
_MAKER_KEYS = ("mf.iml", "manufacturer")
_MODEL_KEYS = ("md.iml", "model")
# The serial at the end of a Nikon name, with the "-2" zeroconf adds after a name conflict.
_SERIAL = re.compile(r"[0-9A-Za-z]+(?:-\d+)?")

_TYPE_PTR = 12  # DNS record type of the browse answers


# -- what a service says about the camera (pure) ------------------------------------------------

def instance_of(full_name: str, service_type: str) -> str:
    """`Z_6_5000784._ptp._tcp.local.` -> `Z_6_5000784`."""
    suffix = "." + service_type
    return full_name[:-len(suffix)] if full_name.endswith(suffix) else full_name


def decode_txt(properties: Mapping[bytes | str, bytes | str | None] | None) -> dict[str, str]:
    """zeroconf's TXT properties as text; keys lower-cased (DNS-SD keys are case-insensitive)."""
    def text(value: bytes | str | None) -> str:
        if value is None:
            return ""
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    return {text(key).lower(): text(value) for key, value in (properties or {}).items()}


def make_of(manufacturer: str) -> str:
    """`Nikon Corporation` -> `nikon`, `Canon` -> `canon`; "" for a maker we do not know."""
    words = manufacturer.split()
    return _MAKES.get(words[0].lower(), "") if words else ""


def nikon_model(instance: str) -> str | None:
    """The model in a Nikon instance name, or None when the name is not Nikon's.

    The name is the model with underscores for spaces, then `_<serial>`: `Z_6_5000784` is a
    "Z 6" and `Z_50_…` a "Z 50". DSLRs are written `D_850_…` though Nikon names them without a
    space, so `D_` followed by a number gives "D850".
    """
    parts = instance.split("_")
    if len(parts) < 3 or "" in parts or not _SERIAL.fullmatch(parts[-1]):
        return None
    prefix, number, rest = parts[0], parts[1], parts[2:-1]
    if prefix == "Z":
        return " ".join(["Z", number, *rest])
    if prefix == "D" and number[0].isdigit():
        return " ".join(["D" + number, *rest])
    return None


def identify(service_type: str, instance: str, txt: Mapping[str, str]) -> tuple[str, str]:
    """(make, model) from what a service says: its TXT first, else its instance name."""
    maker = next((txt[key] for key in _MAKER_KEYS if txt.get(key)), "")
    model = next((txt[key] for key in _MODEL_KEYS if txt.get(key)), "")
    make = make_of(maker)
    named = nikon_model(instance)
    if named is not None:
        return make or "nikon", model or named
    if service_type == CANON_IMINK_SERVICE or instance.startswith(CANON_EOS_PREFIX):
        return make or "canon", model
    return make, model


def ptpip_port(service_type: str, srv_port: int | None) -> int:
    """The camera's PTP/IP port: the SRV port of `_ptp._tcp`; 15740 for Canon's `_imink_http`
    (whose SRV port is its HTTP API) or when the SRV record never came."""
    if service_type == PTP_SERVICE and srv_port:
        return srv_port
    return DEFAULT_PORT


# -- where a PTR record came from -----------------------------------------------------------------

class _PacketSources(RecordUpdateListener):
    """Remembers the source address of the packet that carried each browsed PTR record: the
    address of a camera that announces itself but never answers the SRV/A lookups.

    zeroconf passes no packet to its listeners; the packet being handled is the `last_message`
    of the socket listener that received it (this runs in zeroconf's loop, inside that handling).
    If a zeroconf version hides that, nothing is remembered and such a camera is not reported.
    """

    def __init__(self) -> None:
        self._by_name: dict[str, str] = {}

    def async_update_records(self, zc: Zeroconf, now: float, records: list) -> None:
        for update in records:
            record = update.new
            if record.type != _TYPE_PTR or record.name.lower() not in SERVICE_TYPES:
                continue
            address = self._source_of(zc, record)
            if address is not None:
                self._by_name[record.alias.lower()] = address

    @staticmethod
    def _source_of(zc: Zeroconf, record: object) -> str | None:
        try:
            for protocol in zc.engine.protocols:
                message = protocol.last_message
                if message is not None and any(answer is record for answer in message.answers()):
                    return message.source[0] if message.source else None
        except (AttributeError, TypeError, IndexError):
            pass
        return None

    def address_of(self, name: str) -> str | None:
        return self._by_name.get(name.lower())


# -- the source -----------------------------------------------------------------------------------

class MdnsSource:
    """Browses `_ptp._tcp` and `_imink_http._tcp` and reports what resolves (see the module)."""

    name = MDNS

    def __init__(self, resolve_timeout: float = RESOLVE_TIMEOUT) -> None:
        self.resolve_timeout = resolve_timeout
        self._lock = threading.RLock()
        self._zc: Zeroconf | None = None
        self._browser: ServiceBrowser | None = None
        self._packet_sources = _PacketSources()
        self._sightings: Sightings | None = None
        self._scope = Scope()
        self._stopped = False
        self._generation: dict[str, int] = {}  # service name -> bumped on every change
        self._reported: dict[str, tuple[str, int]] = {}  # service name -> (address, port)
        self._pending: set[concurrent.futures.Future] = set()  # lookups in zeroconf's loop

    def start(self, sightings: Sightings, scope: Scope) -> None:
        self._sightings, self._scope = sightings, scope
        try:
            if scope.everywhere:
                zc = Zeroconf(ip_version=IPVersion.V4Only)
            else:
                zc = Zeroconf(interfaces=list(scope.interfaces), ip_version=IPVersion.V4Only)
        except Exception as error:  # no usable interface, no multicast: report nothing
            _log.warning("mDNS discovery is off: %s", error)
            return
        with self._lock:
            if self._stopped:
                zc.close()
                return
            self._zc = zc
            zc.add_listener(self._packet_sources, None)
            self._browser = self._new_browser()

    def rescan(self) -> None:
        """A fresh browser: it asks the network again, and reports the cached services anew."""
        with self._lock:
            if self._zc is None or self._stopped:
                return
            old, self._browser = self._browser, None
        if old is not None:
            old.cancel()
        with self._lock:
            if self._zc is not None and not self._stopped and self._browser is None:
                self._browser = self._new_browser()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            zc, browser = self._zc, self._browser
            self._zc = self._browser = None
            pending, self._pending = self._pending, set()
        for future in pending:
            future.cancel()
        if browser is not None:
            browser.cancel()
        if zc is not None:
            zc.close()

    def _new_browser(self) -> ServiceBrowser:
        return ServiceBrowser(self._zc, list(SERVICE_TYPES), handlers=[self._on_change])

    # -- browse events ---------------------------------------------------------------------------

    def _on_change(self, zeroconf: Zeroconf, service_type: str, name: str,
                   state_change: ServiceStateChange) -> None:
        with self._lock:
            if self._stopped:
                return
            generation = self._generation.get(name, 0) + 1
            self._generation[name] = generation
            if state_change is ServiceStateChange.Removed:
                self._forget(name)
                return
        threading.Thread(target=self._resolve, args=(zeroconf, service_type, name, generation),
                         name=f"mdns-resolve-{name}", daemon=True).start()

    def _resolve(self, zc: Zeroconf, service_type: str, name: str, generation: int) -> None:
        info = self._request(zc, service_type, name)
        if info is None:
            return
        address = self._address(info, name)
        if address is None:
            _log.info("mDNS: %s did not say where it is; not reported", name)
            return
        instance = instance_of(name, service_type)
        make, model = identify(service_type, instance, decode_txt(info.properties))
        self._report(name, generation, CameraSighting(
            address, ptpip_port(service_type, info.port), make, model, instance,
            frozenset({MDNS})))

    def _request(self, zc: Zeroconf, service_type: str, name: str) -> AsyncServiceInfo | None:
        """Ask for the service's SRV, TXT and A records (what answers within the timeout).

        The request runs in zeroconf's loop as a future `stop` cancels: zeroconf's close waits
        up to a second for the loop's pending work, which an unanswered lookup would be.
        """
        try:
            info = AsyncServiceInfo(service_type, name)
            future = asyncio.run_coroutine_threadsafe(
                info.async_request(zc, int(self.resolve_timeout * 1000)), zc.loop)
        except Exception as error:  # a bad name, or zeroconf already closed by stop
            _log.debug("mDNS: could not resolve %s: %s", name, error)
            return None
        with self._lock:
            if self._stopped:
                future.cancel()
                return None
            self._pending.add(future)
        try:
            future.result(self.resolve_timeout + 1.0)
        except (Exception, concurrent.futures.CancelledError) as error:
            _log.debug("mDNS: resolving %s ended early: %r", name, error)
            return None
        finally:
            with self._lock:
                self._pending.discard(future)
        return info

    def _address(self, info: AsyncServiceInfo, name: str) -> str | None:
        """The service's first IPv4 address the scope allows, else the PTR packet's source."""
        candidates = [*info.parsed_addresses(IPVersion.V4Only)]
        fallback = self._packet_sources.address_of(name)
        if not candidates and fallback is not None:
            _log.info("mDNS: %s has no address record; using its packet's source %s",
                      name, fallback)
            candidates = [fallback]
        return next((address for address in candidates if self._scope.allows(address)), None)

    def _report(self, name: str, generation: int, sighting: CameraSighting) -> None:
        with self._lock:
            if self._stopped or self._generation.get(name) != generation:
                return  # removed, changed again, or stopped while resolving
            previous = self._reported.get(name)
            if previous is not None and previous != sighting.key:
                self._forget(name)
            self._reported[name] = sighting.key
            self._sightings.seen(sighting)

    def _forget(self, name: str) -> None:
        """The service left (or moved): gone, unless another service still shows that camera."""
        key = self._reported.pop(name, None)
        if key is not None and key not in self._reported.values():
            self._sightings.gone(key[0], key[1], MDNS)
