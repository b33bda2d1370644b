"""The hotspot sweep: cameras that joined this machine's Wi-Fi, or whose own Wi-Fi it joined.

Nikon DSLRs on adapters and Fujifilm bodies announce nothing (ptpip.md section 6). When this
machine is the hotspot (a Raspberry Pi), the camera's address is in the DHCP leases (dnsmasq's
file, or NetworkManager's dnsmasq files) and in the ARP table; when the camera is the access
point, it sits at its maker's fixed address (Nikon 192.168.1.1:15740, Fujifilm
192.168.0.1:55740). Each such candidate gets one `probe` (an Init Command Request), which
confirms a camera and gives its name.

What keeps the sweep harmless:
- only addresses the `Scope` allows are probed, and the well-known access-point addresses are
  candidates only when this machine has an address on their /24 (and the scope allows them);
- each address and port is probed at most once a run, whatever the rescans: a camera is sent one
  Init, never a stream of them (a Nikon D7200 is touchy about short sessions);
- never an address the merger knows as a Sony (its "Send to Computer" mode answers one connection
  per entry, which a probe would use up), nor one another source has already confirmed; the first
  sweep waits `start_delay` (SSDP's MX of 1 s) so those sources can report first;
- a few probes at a time (a small thread pool), each bounded by `probe_timeout`; `stop` returns
  within a second and no report follows it.
"""

from __future__ import annotations

import glob
import ipaddress
import logging
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path

from airnef_tui.camera.probe import FUJIFILM_PORT, PROBE_TIMEOUT, ProbeResult, probe
from airnef_tui.discovery.scope import Scope
from airnef_tui.discovery.sighting import SWEEP, CameraSighting
from airnef_tui.discovery.sightings import Sightings
from airnef_tui.ptpip import DEFAULT_PORT

_log = logging.getLogger("airnef_tui.discovery.sweep")

DNSMASQ_LEASES = "/var/lib/misc/dnsmasq.leases"
NETWORKMANAGER_LEASES = "/var/lib/NetworkManager/dnsmasq-*.leases"
ARP_TABLE = "/proc/net/arp"
NIKON_ACCESS_POINT = "192.168.1.1"
FUJIFILM_ACCESS_POINT = "192.168.0.1"
START_DELAY = 1.0
WORKERS = 4
_WAIT_SLICE = 0.1
_STOP_JOIN = 0.8
_ARP_INCOMPLETE = 0x0

Candidate = tuple[str, int]


def _ipv4(text: str) -> str | None:
    try:
        return str(ipaddress.IPv4Address(text))
    except ValueError:
        return None


def addresses_in_leases(text: str) -> list[str]:
    """IPv4 addresses of a dnsmasq lease file (`EXPIRY MAC IP HOSTNAME CLIENT-ID` lines, the
    format of both dnsmasq's own file and NetworkManager's `dnsmasq-IFACE.leases`). The address
    is the first field that is one, so `duid` lines and IPv6 leases give nothing."""
    found = []
    for line in text.splitlines():
        for field in line.split():
            address = _ipv4(field)
            if address is not None:
                found.append(address)
                break
    return found


def addresses_in_arp(text: str) -> list[str]:
    """IPv4 addresses of complete entries of `/proc/net/arp` (flags 0x0 is an incomplete one:
    a lookup nothing answered)."""
    found = []
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 3:
            continue
        address = _ipv4(fields[0])
        try:
            flags = int(fields[2], 16)
        except ValueError:
            continue
        if address is not None and flags != _ARP_INCOMPLETE:
            found.append(address)
    return found


def own_ipv4_addresses() -> list[str]:
    """This machine's IPv4 interface addresses (ifaddr); empty when they cannot be read."""
    try:
        import ifaddr

        return [ip.ip for adapter in ifaddr.get_adapters() for ip in adapter.ips
                if isinstance(ip.ip, str)]
    except Exception as error:  # a platform ifaddr cannot read: no access-point candidates
        _log.debug("cannot list this machine's addresses: %s", error)
        return []


def _on_subnet(address: str, own: Iterable[str]) -> bool:
    network = ipaddress.ip_network(f"{address}/24", strict=False)
    return any(_ipv4(mine) is not None and ipaddress.IPv4Address(mine) in network for mine in own)


def access_point_candidates(own: Sequence[str], port: int = DEFAULT_PORT) -> list[Candidate]:
    """The makers' fixed access-point addresses this machine has an address next to."""
    found: list[Candidate] = []
    if _on_subnet(NIKON_ACCESS_POINT, own):
        found.append((NIKON_ACCESS_POINT, port))
    if _on_subnet(FUJIFILM_ACCESS_POINT, own):
        found += [(FUJIFILM_ACCESS_POINT, port), (FUJIFILM_ACCESS_POINT, FUJIFILM_PORT)]
    return found


def _read(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""  # no hotspot here (or not readable): nothing to add


class SweepSource:
    """Probes the candidates once at start and again (new ones only) at each `rescan`.

    Every path and the machine's own addresses can be given, for tests; `port` is where the
    PTP/IP candidates are probed (15740). `guid` and `host_name` default to this installation's
    identity, read when the first sweep runs.
    """

    name = SWEEP

    def __init__(self, *, lease_files: Sequence[str | Path] = (DNSMASQ_LEASES,
                                                               NETWORKMANAGER_LEASES),
                 arp_table: str | Path = ARP_TABLE, own_addresses: Sequence[str] | None = None,
                 port: int = DEFAULT_PORT, probe_timeout: float = PROBE_TIMEOUT,
                 workers: int = WORKERS, start_delay: float = START_DELAY,
                 guid: bytes | None = None, host_name: str | None = None) -> None:
        self.lease_files = tuple(lease_files)
        self.arp_table = arp_table
        self.own_addresses = own_addresses
        self.port = port
        self.probe_timeout = probe_timeout
        self.workers = workers
        self.start_delay = start_delay
        self._guid, self._host_name = guid, host_name
        self._sightings: Sightings | None = None
        self._scope = Scope()
        self._stop = threading.Event()  # also every probe's cancel event
        self._wake = threading.Event()
        self._done = threading.Condition()
        self._report_lock = threading.RLock()  # a listener may call stop()
        self._claimed: set[Candidate] = set()  # handed to a probe this run (or skipped for good)
        self._probed: set[Candidate] = set()
        self.sweeps = 0  # sweeps finished, every probe of each answered or given up
        self._pool: ThreadPoolExecutor | None = None
        self._thread: threading.Thread | None = None

    # -- what to probe ---------------------------------------------------------------------------

    def candidates(self, scope: Scope) -> list[Candidate]:
        """Every address and port the sweep would probe now (before the once-a-run rule and the
        merger's Sony and confirmed checks): leases, then ARP, then the access points; never
        this machine's own addresses, never one `scope` does not allow. Sends nothing."""
        own = own_ipv4_addresses() if self.own_addresses is None else list(self.own_addresses)
        addresses: list[str] = []
        for pattern in self.lease_files:
            for path in sorted(glob.glob(str(pattern))):
                addresses += addresses_in_leases(_read(path))
        addresses += addresses_in_arp(_read(self.arp_table))
        found = [(address, self.port) for address in addresses]
        found += access_point_candidates(own, self.port)
        mine = {_ipv4(address) for address in own}
        return [candidate for candidate in dict.fromkeys(found)
                if candidate[0] not in mine and scope.allows(candidate[0])]

    @property
    def probed(self) -> set[Candidate]:
        """The candidates probed so far this run."""
        with self._report_lock:
            return set(self._probed)

    # -- the Source protocol ---------------------------------------------------------------------

    def start(self, sightings: Sightings, scope: Scope) -> None:
        self._sightings, self._scope = sightings, scope
        self._pool = ThreadPoolExecutor(max_workers=max(1, self.workers),
                                        thread_name_prefix="discovery-sweep-probe")
        self._thread = threading.Thread(target=self._run, name="discovery-sweep", daemon=True)
        self._thread.start()

    def rescan(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        """Within a second: probes in flight are cancelled (each ends within a fraction of a
        second, in its own thread) and nothing is reported after this returns."""
        with self._report_lock:
            self._stop.set()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(_STOP_JOIN)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        with self._done:
            self._done.notify_all()

    def wait_for_sweeps(self, count: int, timeout: float) -> bool:
        """Wait until `count` sweeps have finished (True), or `timeout` seconds (False)."""
        with self._done:
            return self._done.wait_for(lambda: self.sweeps >= count or self._stop.is_set(),
                                       timeout) and self.sweeps >= count

    # -- the sweep thread ------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            if self._stop.wait(self.start_delay) or not self._resolve_identity():
                return
            while not self._stop.is_set():
                self._wake.clear()
                self._sweep_once()
                with self._done:
                    self.sweeps += 1
                    self._done.notify_all()
                self._wake.wait()
        except Exception:  # a bug costs this source, never discovery
            _log.exception("the hotspot sweep failed")

    def _resolve_identity(self) -> bool:
        if self._guid is not None and self._host_name is not None:
            return True
        from airnef_tui.state.identity import host_guid, host_name

        try:
            self._guid = self._guid if self._guid is not None else host_guid()
        except Exception as error:  # no GUID, no Init: a wrong one could upset a paired Canon
            _log.warning("hotspot sweep off: cannot read this machine's GUID: %s", error)
            return False
        self._host_name = self._host_name if self._host_name is not None else host_name()
        return True

    def _sweep_once(self) -> None:
        fresh = [c for c in self.candidates(self._scope) if c not in self._claimed]
        self._claimed.update(fresh)
        futures: list[Future] = []
        for address, port in fresh:
            try:
                futures.append(self._pool.submit(self._probe_one, address, port))
            except RuntimeError:  # the pool was shut down: we are stopping
                return
        pending = set(futures)
        while pending and not self._stop.is_set():
            _, pending = wait(pending, timeout=_WAIT_SLICE)

    def _must_not_probe(self, address: str, port: int) -> str | None:
        """Why the merger's knowledge rules this candidate out now, or None."""
        for sighting in self._sightings.current():
            if sighting.address == address and sighting.make == "sony":
                return "a Sony answers one connection per 'Send to Computer'"
            if sighting.key == (address, port) and sighting.confirmed:
                return "already confirmed by " + ", ".join(sorted(sighting.sources))
        return None

    def _probe_one(self, address: str, port: int) -> None:
        if self._stop.is_set():
            return
        reason = self._must_not_probe(address, port)
        if reason is not None:
            _log.debug("sweep: not probing %s:%d (%s)", address, port, reason)
            return
        with self._report_lock:
            if self._stop.is_set():
                return
            self._probed.add((address, port))
        result = probe(address, port, timeout=self.probe_timeout, guid=self._guid,
                       name=self._host_name, cancel=self._stop)
        _log.debug("sweep: %s:%d %s", address, port, "no camera" if result is None else result)
        if result is not None:
            self._report(result)

    def _report(self, result: ProbeResult) -> None:
        # An Init Fail is an answer too: a camera is there (confirmed), it only refuses this host
        # (a Canon paired with another one); it gave no name, and the connect step explains.
        sighting = CameraSighting(result.host, result.port, make=result.make, name=result.name,
                                  sources=frozenset({SWEEP}), confirmed=True)
        with self._report_lock:
            if not self._stop.is_set():
                self._sightings.seen(sighting)
