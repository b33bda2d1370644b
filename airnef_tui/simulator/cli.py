"""`airnef-tui simulate`: run a simulated camera until SIGINT or SIGTERM.

Scripts and tests start it with `--port 0` and read the one stdout line `listening on HOST:PORT`
to learn where it is; everything else (one line per connection) goes to stderr. Byte counts are
parsed here rather than by argparse so that a bad value is one line on stderr and exit code 2,
like every other user error.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from airnef_tui.exitcodes import ExitCode
from airnef_tui.ptpip.codes import DEFAULT_PORT
from airnef_tui.ptpip.fuji import FUJI_PORT
from airnef_tui.simulator.config import SimulatorConfig, parse_byte_count, parse_guid
from airnef_tui.simulator.faults import DEFAULT_DRIP_INTERVAL
from airnef_tui.simulator.profiles import PROFILES
from airnef_tui.simulator.server import Simulator

PROG = "airnef-tui simulate"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=None,
                        help="TCP port for both connections; 0 picks a free one "
                             f"(default: {DEFAULT_PORT}; {FUJI_PORT} for --profile fuji)")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="generic",
                        help="camera brand and its behaviour (default: %(default)s)")
    parser.add_argument("--dir", dest="dirs", action="append", type=Path, default=[],
                        metavar="PATH", help="serve this folder's tree as a card; repeat for slot 2")
    parser.add_argument("--files", type=int, default=12, metavar="N",
                        help="without --dir: generate a card of N photos (default: %(default)s)")
    parser.add_argument("--model", help="model name to report instead of the profile's")
    parser.add_argument("--serial", help="serial number to report instead of the profile's")
    parser.add_argument("--paired-guid", metavar="HEX",
                        help="accept only this host GUID (32 hex digits); others get Init Fail")
    parser.add_argument("--no-probe-reply", action="store_true",
                        help="never answer the event socket's Probe Request (some Canon bodies)")
    parser.add_argument("--transfer-list", nargs="+", default=[], metavar="NAME",
                        help="Nikon: files picked for transfer in the camera's menu; "
                             "fuji with --fuji-pushed: the images the camera pushes")
    parser.add_argument("--drop-after-bytes", metavar="N",
                        help="once, close the connection mid-packet after N bytes of object data")
    parser.add_argument("--stall-after-bytes", metavar="N",
                        help="once, go silent mid-packet after N bytes of object data")
    parser.add_argument("--drip-after-bytes", metavar="N",
                        help="once, from mid-packet after N bytes of object data, send that "
                             "connection's data one byte per --drip-interval")
    parser.add_argument("--drip-replies-after-ops", metavar="N",
                        help="once, after N operations answered, send the next operation's "
                             "whole reply one byte per --drip-interval")
    parser.add_argument("--drip-interval", metavar="S",
                        help="seconds between two bytes of a drip "
                             f"(default: {DEFAULT_DRIP_INTERVAL:g})")
    parser.add_argument("--rate", metavar="BYTES_PER_S",
                        help="cap object data at this many bytes per second (e.g. 2M)")
    parser.add_argument("--latency", type=float, default=0, metavar="MS",
                        help="delay before every operation's reply, in milliseconds")
    parser.add_argument("--hostile-names", action="store_true",
                        help="add files with path-traversal and other hostile names")
    parser.add_argument("--short-object", dest="short_objects", action="append", default=[],
                        metavar="NAME",
                        help="this file's data stops half way through the size it reports "
                             "(repeatable)")
    _add_fuji_arguments(parser)
    parser.add_argument("--advertise", action="store_true",
                        help="announce the camera on the --host interface, as real ones do: "
                             "mDNS _ptp._tcp (and SSDP)")
    parser.add_argument("--shoot-every", metavar="S",
                        help="take a new photo every S seconds, announced with ObjectAdded "
                             "(for watching: get --watch, the TUI's w)")
    parser.add_argument("--dir-poll", metavar="S",
                        help="seconds between looks for files added to the --dir folders while "
                             "running, served as new shots (default: 0.5; 0: never)")


def _add_fuji_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fuji-pairing-wait", metavar="S",
                        help="fuji: a new host waits S seconds for the user to press OK on the "
                             "camera (camera state 0xDF00 reads 0 until then; default: 0)")
    parser.add_argument("--fuji-pushed", action="store_true",
                        help="fuji: the camera pushes the selected images (camera state 1): "
                             "handle 1 is the next one, hang-up when none are left")
    parser.add_argument("--fuji-busy-inits", type=int, default=0, metavar="N",
                        help="fuji: answer the first N Inits with Init Fail 0x2019 (busy)")
    parser.add_argument("--fuji-empty-deviceinfo", action="store_true",
                        help="fuji: GetDeviceInfo returns no data, as an X-T4 does")


def config_from_args(args: argparse.Namespace) -> SimulatorConfig:
    """The config the options describe; ValueError with a one-line message when they are bad."""
    def byte_count(text: str | None) -> int | None:
        return None if text is None else parse_byte_count(text)

    config = SimulatorConfig(
        host=args.host, profile=args.profile, dirs=list(args.dirs),
        port=args.port if args.port is not None else _default_port(args.profile),
        files=args.files, model=args.model, serial=args.serial,
        paired_guid=parse_guid(args.paired_guid) if args.paired_guid else None,
        no_probe_reply=args.no_probe_reply, transfer_list=list(args.transfer_list),
        fuji_pairing_wait=(0.0 if args.fuji_pairing_wait is None
                           else _number(args.fuji_pairing_wait, "a number of seconds")),
        fuji_pushed=args.fuji_pushed, fuji_busy_inits=args.fuji_busy_inits,
        fuji_empty_deviceinfo=args.fuji_empty_deviceinfo,
        drop_after_bytes=byte_count(args.drop_after_bytes),
        stall_after_bytes=byte_count(args.stall_after_bytes),
        drip_after_bytes=byte_count(args.drip_after_bytes),
        drip_interval=(DEFAULT_DRIP_INTERVAL if args.drip_interval is None
                       else _number(args.drip_interval, "a number of seconds")),
        drip_replies_after_ops=(None if args.drip_replies_after_ops is None
                                else _whole(args.drip_replies_after_ops)),
        rate=byte_count(args.rate), latency_ms=args.latency, hostile_names=args.hostile_names,
        short_objects=list(args.short_objects), advertise=args.advertise,
        dir_poll=0.5 if args.dir_poll is None else _number(args.dir_poll, "a number of seconds"),
        shoot_every=(None if args.shoot_every is None
                     else _number(args.shoot_every, "a number of seconds")),
    )
    config.validate()
    return config


def _default_port(profile: str) -> int:
    """A Fujifilm body listens on 55740, every other one on PTP/IP's 15740."""
    return FUJI_PORT if PROFILES[profile].transport == "fuji" else DEFAULT_PORT


def _number(text: str, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"not {what}: {text!r}") from None


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"not a whole number of operations: {text!r}") from None


def _log_to_stderr() -> None:
    logger = logging.getLogger("airnef_tui.simulator")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


class _StopSignals:
    """SIGINT and SIGTERM set an event instead of raising; installed before "listening on" is
    printed, so a supervisor that signals right after reading that line gets a clean exit."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self._previous: dict[int, object] = {}

    def __enter__(self) -> threading.Event:
        if threading.current_thread() is threading.main_thread():  # else: signals can't be set
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, lambda *_: self.event.set())
        return self.event

    def __exit__(self, *exc_info: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


def run(args: argparse.Namespace) -> int:
    try:
        config = config_from_args(args)
        sim = Simulator(config)
    except ValueError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return ExitCode.BAD_ARGUMENTS
    with _StopSignals() as stop:
        try:
            sim.start()
        except OSError as exc:
            reason = exc.strerror or str(exc)
            print(f"{PROG}: error: cannot listen on {config.host}:{config.port}: {reason}",
                  file=sys.stderr)
            return ExitCode.UNREACHABLE
        try:
            _log_to_stderr()
            logging.getLogger("airnef_tui.simulator").info(
                "%s %s (%s profile) serving %d files in %d slot(s)", sim.profile.manufacturer,
                sim.model, sim.profile.name, len(sim.card.files()), len(sim.card.storages))
            if sim.mdns_instance_name is not None:
                logging.getLogger("airnef_tui.simulator").info(
                    "announced over mDNS as %r", sim.mdns_instance_name)
            print(f"listening on {sim.host}:{sim.port}", flush=True)
            while not stop.wait(1.0):  # wakes once a second: signals land between waits
                pass
        finally:
            sim.stop()
    return ExitCode.OK
