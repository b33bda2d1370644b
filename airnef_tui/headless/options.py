"""Command-line options shared by `list` and `get`, and their conversion to engine settings.

Everything a user can get wrong is checked here, before any connection is made, so a typo in a
date or a rename spec costs nothing and exits 2 with one line saying what and where.
"""

from __future__ import annotations

import argparse
import re

from airnef_tui.app.connect import DEFAULTS, MIB
from airnef_tui.app.find import DEFAULT_AUTO_TIMEOUT
from airnef_tui.transfer.dates import comparable, parse_user_date
from airnef_tui.transfer.filters import NO_EXTENSION, ORDER_CHOICES, SLOT_CHOICES, FileFilter

IF_EXISTS_CHOICES = ("uniquename", "skip", "overwrite", "exit")
HISTORY_CHOICES = ("skip", "ignore", "clear")
TRANSFER_LIST_CHOICES = ("use", "require", "ignore")  # see app.listing.choose_files
MAKE_CHOICES = ("auto", "fuji", "fujifilm")
_SIZE = re.compile(r"(\d+)\s*([kKmM]i?[bB]?)?")


class UsageError(Exception):
    """A bad option value found after argparse: exit code 2, one line."""


def byte_count(text: str) -> int:
    """`1048576`, `1024K`, `1M`, `1MiB` → bytes (binary multiples, as cameras count)."""
    match = _SIZE.fullmatch(text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"bad size {text!r}: expected e.g. 1048576, 512K or 1M")
    number, unit = int(match.group(1)), (match.group(2) or "").lower()
    value = number * (1024 if unit.startswith("k") else 1024 * 1024 if unit.startswith("m") else 1)
    if not 4096 <= value <= 64 * 1024 * 1024:
        raise argparse.ArgumentTypeError(f"size {text!r} out of range (4K to 64M)")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text!r}")
    return value


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("camera", metavar="HOST[:PORT]|auto",
                        help="the camera's address, e.g. 192.168.1.1 or 127.0.0.1:15740, or "
                             "auto: the one camera `airnef-tui discover` finds")
    group = parser.add_argument_group("connection")
    group.add_argument("--auto-timeout", type=positive_float, default=DEFAULT_AUTO_TIMEOUT,
                       metavar="S",
                       help=f"with auto: seconds to look for the camera "
                            f"(default {DEFAULT_AUTO_TIMEOUT:g})")
    group.add_argument("--interface", action="append", metavar="ADDR", default=[],
                       help="with auto: look only on the network of this machine's address "
                            "ADDR (repeatable; default every interface, or "
                            "$AIRNEF_TUI_INTERFACES)")
    group.add_argument("--connect-timeout", type=positive_float,
                       default=DEFAULTS.connect_timeout, metavar="S",
                       help="seconds to wait for the camera to accept a connection "
                            f"(default {DEFAULTS.connect_timeout:g})")
    group.add_argument("--io-timeout", type=positive_float, default=DEFAULTS.io_timeout,
                       metavar="S",
                       help=f"seconds to wait for each reply (default {DEFAULTS.io_timeout:g})")
    group.add_argument("--stall-seconds", type=positive_float, default=DEFAULTS.stall_seconds,
                       metavar="S",
                       help="a transfer that moves less than --stall-bytes in S seconds has "
                            "stalled: reconnect and resume, as after a drop "
                            f"(default {DEFAULTS.stall_seconds:g})")
    group.add_argument("--stall-bytes", type=byte_count, default=DEFAULTS.stall_bytes,
                       metavar="BYTES",
                       help=f"see --stall-seconds (default {DEFAULTS.stall_bytes // 1024}K)")
    group.add_argument("--chunk-size", type=byte_count, default=DEFAULTS.chunk_size,
                       metavar="BYTES",
                       help=f"bytes asked for per request (default {DEFAULTS.chunk_size // MIB}M; "
                            "some Nikon bodies drop bigger transfers)")
    group.add_argument("--guid", metavar="GUID",
                       help="PTP/IP GUID to present (32 hex digits, airnef's 0xHIGH-0xLOW, or a "
                            "Sony MAC aa:bb:cc:dd:ee:ff); default: this installation's own")
    group.add_argument("--host-name", metavar="NAME",
                       help="name shown on the camera's screen (default: this machine's name)")
    group.add_argument("--make", choices=MAKE_CHOICES, default="auto", type=str.lower,
                       help="fuji: a Fujifilm X-series camera, over its own Wi-Fi protocol (port "
                            "55740 unless the address gives one); auto: PTP/IP, or Fujifilm's "
                            "protocol when the address's port is 55740 (default auto)")
    group.add_argument("--pairing-timeout", type=positive_float,
                       default=DEFAULTS.pairing_timeout, metavar="S",
                       help="Fujifilm: seconds to press OK on the camera when it asks to connect "
                            f"(default {DEFAULTS.pairing_timeout:g})")


def chosen_make(args: argparse.Namespace) -> str | None:
    """`--make` as `ConnectionOptions.make`: None for auto (the address's port decides)."""
    make = getattr(args, "make", "auto")
    return None if make == "auto" else "fujifilm"


def add_selection_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("which files")
    group.add_argument("--ext", nargs="+", metavar="EXT",
                       help=f"only these extensions, any case ({NO_EXTENSION} for none)")
    group.add_argument("--since", metavar="DATE",
                       help="captured at or after DATE (YYYY-MM-DD[THH:MM[:SS]] or mm/dd/yy)")
    group.add_argument("--until", metavar="DATE",
                       help="captured at or before DATE; a date alone includes that whole day")
    group.add_argument("--folder", nargs="+", metavar="NAME",
                       help="only files under these camera folders (any level; <ROOT> for the "
                            "card root)")
    group.add_argument("--exclude-folder", nargs="+", metavar="NAME", default=[],
                       help="skip files under these camera folders")
    group.add_argument("--slot", choices=SLOT_CHOICES, default="firstfound",
                       help="which card (default firstfound: the first slot holding files)")
    group.add_argument("--order", choices=ORDER_CHOICES, default="oldest",
                       help="transfer order by capture time (default oldest)")
    group.add_argument("--camera-transfer-list", choices=TRANSFER_LIST_CHOICES, default="ignore",
                       help="Nikon: the files picked in the camera's menu; 'use' takes them when "
                            "there are any, 'require' fails without them (default ignore)")


def add_naming_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("naming (see the README's rename table)")
    group.add_argument("--name", metavar="SPEC", dest="name_spec",
                       help="local file name spec, e.g. '@capturedate@-@capturetime@-@filename@'")
    group.add_argument("--dir-spec", metavar="SPEC",
                       help="sub-folder spec under the output folder, e.g. "
                            "'@capturedate_y@/@capturedate_iso@'")
    group.add_argument("--if-exists", choices=IF_EXISTS_CHOICES, default="uniquename",
                       help="when the local file exists: uniquename adds -new-N (default), skip, "
                            "overwrite, or exit")
    group.add_argument("--history", choices=HISTORY_CHOICES, default="skip",
                       help="files downloaded before: skip them (default), ignore the history, "
                            "or clear it first")
    group.add_argument("--thumbnails", nargs="?", const="small", choices=("small", "large"),
                       help="download the camera's thumbnails as NAME.thumb.jpg instead of files")


def file_filter(args: argparse.Namespace) -> FileFilter:
    try:
        since = parse_user_date(args.since, end=False) if args.since else None
        until = parse_user_date(args.until, end=True) if args.until else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if since and until and comparable(since) > comparable(until):
        raise UsageError(f"--since {args.since} is after --until {args.until}")
    try:  # FileFilter checks the folder names: "DCIM/100NIKON" is not one
        return FileFilter(
            extensions=frozenset(args.ext) if args.ext else None,
            since=since, until=until,
            folders=frozenset(args.folder) if args.folder else None,
            exclude_folders=frozenset(args.exclude_folder),
            slot=args.slot, order=args.order,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None

