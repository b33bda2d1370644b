"""The simulated camera as a whole: a listening socket on loopback and a thread per connection.

Command and event connections share one port, as on real cameras; which is which is decided by the
first packet (Init Command Request or Init Event Request). State that outlives one connection
is owned here: the card, the statistics, the fault plan's byte counter, the connection registry
(with Sony's one-session rule), Nikon's transfer list and the camera clock. Connections never see
the server itself: each gets the `CameraContext` built here, with exactly what it may use.
"""

from __future__ import annotations

import hashlib
import logging
import selectors
import socket
import threading
from datetime import datetime
from pathlib import Path

from airnef_tui.ptpip.codes import EventCode
from airnef_tui.ptpip.errors import ProtocolError
from airnef_tui.ptpip.packets import InitCommandRequest, InitEventRequest
from airnef_tui.simulator.card import SLOT_1, CardObject, format_for_name
from airnef_tui.simulator.card_setup import build_card
from airnef_tui.simulator.config import SimulatorConfig
from airnef_tui.simulator.connections import ConnectionRegistry
from airnef_tui.simulator.context import CameraContext, CameraIdentity, ConnectionOptions
from airnef_tui.simulator.device_props import DeviceProperties
from airnef_tui.simulator.event_channel import EventChannel
from airnef_tui.simulator.faults import FaultPlan
from airnef_tui.simulator.fuji_camera import FujiCamera
from airnef_tui.simulator.fuji_session import FujiSession
from airnef_tui.simulator.link import Link, LinkClosed
from airnef_tui.simulator.profiles import get_profile
from airnef_tui.simulator.session import CommandSession
from airnef_tui.simulator.stats import SimulatorStats
from airnef_tui.simulator.transfer_list import TransferList
from airnef_tui.simulator.virtual_file import VirtualFile

log = logging.getLogger("airnef_tui.simulator")

LISTEN_BACKLOG = 16
JOIN_TIMEOUT = 2.0


class Simulator:
    """A PTP/IP camera on a local port. Use as a context manager, or start() / stop()."""

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = config or SimulatorConfig()
        self.config.validate()
        self.profile = get_profile(self.config.profile)
        self.model = self.config.model or self.profile.model
        self.serial = self.config.serial or self.profile.serial
        self.camera_guid = hashlib.md5(f"{self.profile.name}:{self.serial}".encode()).digest()
        self.card = build_card(self.config, self.profile, self.model)
        self.stats = SimulatorStats()
        self.faults = FaultPlan(self.config.drop_after_bytes, self.config.stall_after_bytes,
                                self.config.rate, drip_after_bytes=self.config.drip_after_bytes,
                                drip_interval=self.config.drip_interval,
                                drip_replies_after_ops=self.config.drip_replies_after_ops)
        self.device_props = DeviceProperties(tenths=self.profile.date_tenths,
                                             clock_settable=self.config.clock_settable)
        self.asleep = threading.Event()  # set when a Sony was put to sleep (0x9280 + 0x9281)
        self.connections = ConnectionRegistry(
            single_session=self.profile.single_session and self.config.sony_single_session,
            paired_guid=self.config.paired_guid,
            zero_mac_guids_only=self.profile.zero_mac_guids_only)
        self.transfer_list = TransferList.from_names(self.card, self.config.transfer_list)
        self.fuji = self._fuji_camera()  # the fuji profile's body-wide state, else None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._links: set[Link] = set()
        self._threads: set[threading.Thread] = set()
        self._listener: socket.socket | None = None
        self._wake_reader: socket.socket | None = None
        self._wake_writer: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        self._advertising = None  # advertise.Advertising while announced (config.advertise)
        self._live_card: threading.Thread | None = None  # live_card.py: new files and shots
        self.context = self._connection_context()

    def _connection_context(self) -> CameraContext:
        """What each connection gets of this camera (see `context`)."""
        config = self.config
        return CameraContext(
            identity=CameraIdentity(self.model, self.serial, self.camera_guid),
            profile=self.profile, card=self.card, device_props=self.device_props,
            stats=self.stats, faults=self.faults, connections=self.connections,
            transfer_list=self.transfer_list, remove_object=self.remove_object,
            options=ConnectionOptions(latency=config.latency_ms / 1000,
                                      short_objects=frozenset(config.short_objects),
                                      answer_probes=not config.no_probe_reply),
            pause=self.pause, asleep=self.asleep)

    # -- life cycle -----------------------------------------------------------------------------

    def start(self) -> Simulator:
        """Bind and listen (OSError if the port is taken), then serve in a daemon thread."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((self.config.host, self.config.port))
            listener.listen(LISTEN_BACKLOG)
            listener.setblocking(False)
        except OSError:
            listener.close()
            raise
        self._listener = listener
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._acceptor = threading.Thread(target=self._accept_loop, name="simulator-accept",
                                          daemon=True)
        self._acceptor.start()
        log.debug("%s simulator listening on %s:%d", self.profile.name, self.host, self.port)
        if self.config.advertise:
            from airnef_tui.simulator.advertise import start_advertising
            self._advertising = start_advertising(self)
        from airnef_tui.simulator.live_card import start_live_card
        self._live_card = start_live_card(self)
        return self

    def stop(self) -> None:
        """Close the listener and every connection; returns once the threads have ended."""
        if self._stop.is_set():
            return
        self._stop.set()
        if self._advertising is not None:  # goodbyes go out while the port still listens
            self._advertising.stop()
        if self._wake_writer is not None:
            try:
                self._wake_writer.send(b"x")
            except OSError:
                pass
        if self._acceptor is not None:
            self._acceptor.join(JOIN_TIMEOUT)
        if self._live_card is not None:
            self._live_card.join(JOIN_TIMEOUT)
        with self._lock:
            links, threads = list(self._links), list(self._threads)
        for link in links:
            link.shutdown()
        for thread in threads:
            thread.join(JOIN_TIMEOUT)
        for sock in (self._listener, self._wake_reader, self._wake_writer):
            if sock is not None:
                sock.close()

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def host(self) -> str:
        return self._listener.getsockname()[0] if self._listener else self.config.host

    @property
    def port(self) -> int:
        return self._listener.getsockname()[1] if self._listener else self.config.port

    @property
    def mdns_instance_name(self) -> str | None:
        """The mDNS instance name announced (`--advertise`), None when not announcing."""
        return self._advertising.mdns_instance if self._advertising is not None else None

    def pause(self, seconds: float) -> bool:
        """Sleep that ends early when the simulator stops; True when it is stopping."""
        return self._stop.wait(seconds)

    def _fuji_camera(self) -> FujiCamera | None:
        if self.profile.transport != "fuji":
            return None
        config = self.config
        return FujiCamera(self.card, self.profile.manufacturer, self.model,
                          pairing_wait=config.fuji_pairing_wait, pushed=config.fuji_pushed,
                          busy_inits=config.fuji_busy_inits,
                          empty_device_info=config.fuji_empty_deviceinfo,
                          pushed_handles=self.transfer_list.handles())

    # -- connections ----------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        selector = selectors.DefaultSelector()
        selector.register(self._listener, selectors.EVENT_READ)
        selector.register(self._wake_reader, selectors.EVENT_READ)
        try:
            while not self._stop.is_set():
                for key, _ in selector.select():
                    if key.fileobj is self._wake_reader:
                        return
                    try:
                        sock, address = self._listener.accept()
                    except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                        continue
                    except OSError as exc:
                        log.info("accept failed: %s", exc)
                        continue
                    self._spawn(sock, address)
        finally:
            selector.close()

    def _spawn(self, sock: socket.socket, address: tuple[str, int]) -> None:
        sock.setblocking(True)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        link = Link(sock, f"{address[0]}:{address[1]}")
        self.stats.count("connections")
        thread = threading.Thread(target=self._serve_connection, args=(link,),
                                  name=f"simulator-{link.peer}", daemon=True)
        with self._lock:
            self._links.add(link)
            self._threads.add(thread)
        thread.start()

    def _serve_connection(self, link: Link) -> None:
        try:
            if self.fuji is not None:  # Fujifilm: one socket, its own Init, then containers
                FujiSession(self.context, self.fuji, link).run()
                return
            first = link.receive()
            if isinstance(first, InitCommandRequest):
                CommandSession(self.context, link).run(first)
            elif isinstance(first, InitEventRequest):
                EventChannel(self.context, link).run(first)
            else:
                log.info("connection from %s opened with %s, closing", link.peer,
                         type(first).__name__)
        except LinkClosed:
            pass
        except ProtocolError as exc:
            log.info("connection from %s: malformed packet, closing: %s", link.peer, exc)
        except Exception as exc:  # a bug must cost one connection, never the server
            log.error("connection from %s failed: %r", link.peer, exc)
        finally:
            link.close()
            with self._lock:
                self._links.discard(link)
                self._threads.discard(threading.current_thread())

    # -- Nikon transfer list --------------------------------------------------------------------

    def transfer_list_handles(self) -> list[int]:
        return self.transfer_list.handles()

    def transfer_list_remove(self, handle: int) -> None:
        self.transfer_list.remove(handle)

    # -- realtime changes -----------------------------------------------------------------------

    def broadcast(self, code: int, param: int) -> None:
        """Send an event to every connected client (and queue it for Nikon's GetEvent), unless
        this camera announces nothing (`events=False`: clients must find changes by polling)."""
        if not self.config.events:
            return
        for session in self.connections.sessions():
            session.push_event(code, param)

    def add_object(self, name: str, data: bytes | Path | VirtualFile, folder: str | None = None,
                   captured: datetime | None = None, storage_id: int = SLOT_1) -> CardObject:
        """A new shot: add a file to the card and announce it with ObjectAdded.

        `folder` is a folder's camera_path (e.g. "DCIM/100NCD72"), "" for the card's root; by
        default the folder of the card's last file, as a camera keeps writing to its current folder.
        `data` may be a VirtualFile (simulator/jpeg.py's generated photos), read in pieces.
        """
        parent = 0  # the root, for folder ""
        if folder:
            found = self.card.find(folder, storage_id)
            if found is None or not found.is_folder:
                raise ValueError(f"no folder {folder!r} on the card")
            parent = found.handle
        elif folder is None:
            files = [o for o in self.card.files() if o.storage_id == storage_id]
            parent = files[-1].parent if files else 0
        size = data.stat().st_size if isinstance(data, Path) else len(data)
        obj = self.card.add(storage_id, parent, name, format_for_name(name), size,
                            captured or self.device_props.now().replace(microsecond=0), data)
        self.broadcast(self.profile.object_added_event, obj.handle)
        return obj

    def remove_object(self, handle: int) -> None:
        """Remove an object (and a folder's contents) from the card; announce ObjectRemoved."""
        for gone in self.card.remove(handle):
            self.transfer_list.remove(gone)
            self.broadcast(EventCode.OBJECT_REMOVED, gone)
