"""`simulate --advertise`, the mDNS part: the simulated camera announces `_ptp._tcp.local.`.

The service points at the simulator's own host and port, on the interface of its `--host` only
(127.0.0.1 in tests and the demo, so nothing leaves the machine), IPv4 only, and is withdrawn
(goodbye packets) when the simulator stops. The instance name follows each profile:

- nikon: as a Nikon Z body, the model with underscores for spaces and then the serial
  (`Z_6_5000784`); a DSLR model is written `D_7200_…` like the `D_850_…` seen in the wild. No TXT
  record, since what real bodies put there is unconfirmed: a client must read the model from the
  name, as it must with a real camera.
- canon: as an EOS body in EOS Utility mode, `ICPO-WFTEOSSystemService<serial>`, with TXT
  `manufacturer` and `model` (the simulator's addition, so that a listing shows the model).
  Unlike a 1D X II, the simulator answers the SRV and A lookups.
- sony, generic: real Sony bodies announce themselves over SSDP, not mDNS; the simulator
  registers `_ptp._tcp` anyway, with the neutral name `<model> <serial>` and the same TXT keys, so
  that every profile can be found by mDNS.

If the name is taken on the link (another simulator with the same serial), zeroconf renames it
(`…-2`); `instance` is the name in use.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
import sys

from zeroconf import IPVersion, ServiceInfo, Zeroconf

log = logging.getLogger("airnef_tui.simulator")

SERVICE_TYPE = "_ptp._tcp.local."
CANON_EOS_INSTANCE = "ICPO-WFTEOSSystemService"
MAX_INSTANCE_BYTES = 63  # one DNS label
_IP_MULTICAST_ALL = getattr(socket, "IP_MULTICAST_ALL", 49)  # Linux


def nikon_instance(model: str, serial: str) -> str:
    """`Z 6`, `5000784` -> `Z_6_5000784`; `D7200`, `3012345` -> `D_7200_3012345`."""
    named = re.sub(r"^D(?=\d)", "D ", model.strip())
    serial = re.sub(r"[^0-9A-Za-z]", "", serial) or "0"
    return "_".join([*named.split(), serial])


def advertisement(profile: str, manufacturer: str, model: str,
                  serial: str) -> tuple[str, dict[str, str]]:
    """The instance name and TXT properties a simulated camera of `profile` announces."""
    txt = {"manufacturer": manufacturer, "model": model}
    if profile == "nikon":
        instance, txt = nikon_instance(model, serial), {}
    elif profile == "canon":
        instance = CANON_EOS_INSTANCE + serial
    else:
        instance = f"{model} {serial}"
    return _label(instance), txt


def _label(text: str) -> str:
    """One DNS label: no dots, at most 63 bytes of UTF-8 (cut on a character boundary)."""
    encoded = text.replace(".", "-").encode()[:MAX_INSTANCE_BYTES]
    return encoded.decode("utf-8", "ignore").strip() or "camera"


class MdnsAdvertiser:
    """One registered `_ptp._tcp` service; `stop` withdraws it and closes zeroconf."""

    def __init__(self, zc: Zeroconf, info: ServiceInfo) -> None:
        self._zc = zc
        self._info = info

    @property
    def instance(self) -> str:
        return self._info.name[:-len("." + SERVICE_TYPE)]

    def stop(self) -> None:
        try:
            self._zc.unregister_service(self._info)
        except Exception as error:  # the goodbye is a courtesy; closing must still happen
            log.debug("mDNS goodbye for %s failed: %s", self.instance, error)
        self._zc.close()


def start(profile: str, manufacturer: str, model: str, serial: str, host: str,
          port: int) -> MdnsAdvertiser:
    """Register the service for a simulator listening on `host`:`port` (blocks ~2 s while
    zeroconf probes the name). OSError and zeroconf's errors are left to the caller."""
    instance, txt = advertisement(profile, manufacturer, model, serial)
    address, interfaces = _where(host)
    if interfaces is None:
        zc = Zeroconf(ip_version=IPVersion.V4Only)
    else:
        zc = Zeroconf(interfaces=interfaces, ip_version=IPVersion.V4Only)
        _only_joined_groups(zc)
    info = ServiceInfo(SERVICE_TYPE, f"{instance}.{SERVICE_TYPE}", port=port,
                       addresses=[socket.inet_aton(address)], properties=txt,
                       server=f"airnef-sim-{profile}-{port}.local.")
    try:
        zc.register_service(info, allow_name_change=True)
    except BaseException:
        zc.close()
        raise
    return MdnsAdvertiser(zc, info)


def _where(host: str) -> tuple[str, list[str] | None]:
    """The address to announce and the interfaces to announce on (None: zeroconf's default).
    A wildcard host announces this machine's main address on every interface."""
    if ipaddress.IPv4Address(host).is_unspecified:
        return _main_address(), None
    return host, [host]


def _main_address() -> str:
    """The address this machine would use towards the mDNS group (a UDP connect sends nothing)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("224.0.0.251", 5353))
        return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


def _only_joined_groups(zc: Zeroconf) -> None:
    """zeroconf's listening socket is bound to 0.0.0.0:5353; on Linux it would also receive the
    mDNS traffic of interfaces other processes (avahi) joined, and could answer a query from
    that network by unicast. Limit it to the groups it joined itself (on `--host`)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        for reader in zc.engine.readers:
            sock = reader.transport.get_extra_info("socket")
            if sock is not None and sock.getsockname()[0] == "0.0.0.0":
                sock.setsockopt(socket.IPPROTO_IP, _IP_MULTICAST_ALL, 0)
    except (AttributeError, OSError) as error:  # another zeroconf layout: best effort only
        log.debug("could not narrow the mDNS socket: %s", error)
