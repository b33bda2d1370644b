"""airnef 1.1's options, each with what it becomes in airnef-tui: one table drives both the parser
(so abbreviations resolve, and are ambiguous, exactly as in airnef) and the translation.

Every option airnef 1.1 accepted is here, the hidden ones included, even those we have no use for:
a script that passes one must keep working (it gets a warning), and a prefix that was ambiguous in
airnef must stay ambiguous rather than silently pick another option. The one addition, `--port`,
starts with `--p`, a prefix that airnef resolved to `--printstackframes`; `--pr` still does.
"""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, NoReturn

from airnef_tui.airnefcmd import values
from airnef_tui.airnefcmd.errors import UsageError


class Kind(Enum):
    MAPPED = "becomes one of our options"
    STRUCTURAL = "shapes the command itself: subcommand, HOST, output directory"
    IGNORED = "accepted for old scripts, has no counterpart, warned about"


class Section(Enum):
    VISIBLE = "airnef 1.1 options (→ what airnef-tui does with them)"
    HIDDEN = "airnef 1.1 hidden options"
    EXTENSION = "airnef-tui extension"


@dataclass(frozen=True)
class AirnefOption:
    name: str                                   # airnef's spelling, without the dashes
    help: str = ""
    ours: str = ""                              # our option, for Kind.MAPPED
    kind: Kind = Kind.MAPPED
    parse: Callable[[str], Any] = str           # argparse type: check and normalise one value
    choices: Mapping[str, str] | None = None    # airnef's value (lower case) → ours
    many: bool = False                          # airnef's nargs='+': values up to the next option
    metavar: str | tuple[str, ...] | None = None
    in_list: bool = False                       # also meaningful for `--action listfiles`
    pinned: str | None = None                   # airnef's default, passed even when not given
    convert: Callable[[Any], list[str]] | None = None   # parsed value → our values, if not 1:1
    value_warnings: Mapping[str, str] = field(default_factory=dict)
    section: Section = Section.VISIBLE

    @property
    def flag(self) -> str:
        return f"--{self.name}"

    def our_values(self, parsed: Any) -> list[str]:
        if self.convert is not None:
            return self.convert(parsed)
        if self.choices is not None:
            return [self.choices[parsed]]
        if self.many:
            return [str(value) for value in parsed]
        return [str(parsed)]


def _same(*words: str) -> dict[str, str]:
    return {word: word for word in words}


def _exec_options(parsed: list[str]) -> list[str]:
    return [",".join(dict.fromkeys(parsed))]


def _retries(attempts: int) -> list[str]:
    # airnef counted attempts in all (1 = no retry); ours counts retries after the first attempt
    return [str(max(attempts - 1, 0))]


def _kib_to_bytes(kib: int) -> list[str]:
    return [str(kib * 1024)]


_PROMPT = ("--ifexists prompt: airnef-tui does not ask; existing files are kept and the new one "
           "gets a unique name (uniquename)")

OPTIONS: tuple[AirnefOption, ...] = (
    AirnefOption("ipaddress", "camera address (default 192.168.1.1), HOST:PORT, [IPv6]:PORT, or "
                 "auto for discovery → HOST[:PORT]", kind=Kind.STRUCTURAL, parse=str.lower,
                 metavar="addr", in_list=True),
    AirnefOption("action", "getfiles (default) → get; getsmallthumbs/getlargethumbs → get "
                 "--thumbnails small/large; listfiles → list", kind=Kind.STRUCTURAL,
                 choices=_same("getfiles", "getsmallthumbs", "getlargethumbs", "listfiles"),
                 in_list=True),
    AirnefOption("realtimedownload", "keep downloading new shots → --realtime", ours="--realtime",
                 choices=_same("disabled", "afternormal", "only")),
    AirnefOption("extlist", "only these extensions, <NOEXT> for none → --ext (any case)",
                 ours="--ext", parse=values.extension, many=True, metavar="extension",
                 in_list=True),
    AirnefOption("startdate", 'captured on or after mm/dd/yy or "mm/dd/yy hh:mm:ss" → --since',
                 ours="--since", metavar="date", in_list=True),
    AirnefOption("enddate", "captured on or before (a date alone includes that day) → --until",
                 ours="--until", metavar="date", in_list=True),
    AirnefOption("outputdir", "destination (default: current directory) → -o",
                 kind=Kind.STRUCTURAL, metavar="path"),
    AirnefOption("ifexists", "existing local file (default uniquename) → --if-exists; prompt → "
                 "uniquename with a warning", ours="--if-exists",
                 choices={**_same("uniquename", "skip", "overwrite"),
                          "prompt": "uniquename", "exit": "exit"},
                 pinned="uniquename", value_warnings={"prompt": _PROMPT}),
    AirnefOption("downloadhistory", "files downloaded before (default skipfiles) → --history "
                 "skip/ignore/clear", ours="--history",
                 choices={"skipfiles": "skip", "ignore": "ignore", "clear": "clear"},
                 pinned="skipfiles"),
    AirnefOption("onlyfolders", "only these camera folders, <ROOT> for the top level → --folder "
                 "(matches a folder at any depth, not only the parent)", ours="--folder",
                 parse=values.folder, many=True, metavar="camera_folder", in_list=True),
    AirnefOption("excludefolders", "not these camera folders → --exclude-folder",
                 ours="--exclude-folder", parse=values.folder, many=True,
                 metavar="camera_folder", in_list=True),
    AirnefOption("filenamespec", "rename spec for file names → --name", ours="--name",
                 metavar="spec", in_list=True),
    AirnefOption("dirnamespec", "rename spec for sub-directories → --dir-spec", ours="--dir-spec",
                 metavar="spec", in_list=True),
    AirnefOption("transferorder", "by capture time (default oldestfirst) → --order oldest/newest",
                 ours="--order", choices={"oldestfirst": "oldest", "newestfirst": "newest"},
                 in_list=True, pinned="oldestfirst"),
    AirnefOption("slot", "card slot (default firstfound) → --slot", ours="--slot",
                 choices=_same("firstfound", "first", "second", "both"), in_list=True,
                 pinned="firstfound"),
    AirnefOption("cameratransferlist", "files picked on a Nikon (default useifavail) → "
                 "--camera-transfer-list use/require/ignore", ours="--camera-transfer-list",
                 choices={"useifavail": "use", "exitifnotavail": "require", "ignore": "ignore"},
                 pinned="useifavail"),
    AirnefOption("downloadexec", "run after each file, arguments through the rename engine → "
                 "--exec", ours="--exec", many=True, metavar=("executable", "arguments")),
    AirnefOption("downloadexec_extlist", "only for these extensions → --exec-ext",
                 ours="--exec-ext", parse=values.extension, many=True, metavar="extension"),
    AirnefOption("downloadexec_options", f"{', '.join(values.EXEC_OPTIONS)} → --exec-options "
                 "(comma-separated)", ours="--exec-options", parse=values.exec_option, many=True,
                 metavar="option", convert=_exec_options),
    AirnefOption("realtimepollsecs", "realtime poll interval (default 3) → --realtime-poll",
                 ours="--realtime-poll", parse=values.integer(minimum=1), metavar="seconds"),
    AirnefOption("logginglevel", "log detail (default normal) → --log-level", ours="--log-level",
                 choices=_same("normal", "verbose", "debug")),
    AirnefOption("connecttimeout", "seconds → --connect-timeout", ours="--connect-timeout",
                 parse=values.integer(minimum=1), metavar="seconds", section=Section.HIDDEN, in_list=True),
    AirnefOption("socketreadwritetimeout", "seconds → --io-timeout", ours="--io-timeout",
                 parse=values.integer(minimum=1), metavar="seconds", section=Section.HIDDEN, in_list=True),
    AirnefOption("retrycount", "attempts in all → --retries N-1 (airnef's default: forever; "
                 "ours: a few)", ours="--retries", parse=values.integer(minimum=0), metavar="N",
                 convert=_retries, section=Section.HIDDEN),
    AirnefOption("retrydelaysecs", "seconds → --retry-delay", ours="--retry-delay",
                 parse=values.integer(minimum=0), metavar="seconds", section=Section.HIDDEN),
    AirnefOption("maxgetobjtransfersizekb", "KiB per read → --chunk-size (bytes)",
                 ours="--chunk-size", parse=values.integer(minimum=1), metavar="KiB",
                 convert=_kib_to_bytes, section=Section.HIDDEN, in_list=True),
    AirnefOption("initcmdreq_guid", "0xHIGH-0xLOW, one hex number, or a Sony MAC → --guid",
                 ours="--guid", parse=values.guid, metavar="guid", section=Section.HIDDEN, in_list=True),
    AirnefOption("initcmdreq_hostname", "name shown by the camera → --host-name",
                 ours="--host-name", metavar="name", section=Section.HIDDEN, in_list=True),
    AirnefOption("maxclockdeltabeforesync", "N, disablesync or alwayssync → --clock-sync N, "
                 "never or always (airnef's default 5 is not applied)", ours="--clock-sync",
                 parse=values.clock_sync, metavar="N", section=Section.HIDDEN),
    AirnefOption("camerasleepwhendone", "Sony: sleep when done → --camera-sleep-when-done "
                 "(airnef's default yes is not applied)", ours="--camera-sleep-when-done",
                 choices=_same("yes", "no"), section=Section.HIDDEN),
    AirnefOption("port", "camera's PTP/IP port (airnef had none) → HOST:PORT",
                 kind=Kind.STRUCTURAL, parse=values.port, metavar="port", in_list=True,
                 section=Section.EXTENSION),
    *(AirnefOption(name, kind=Kind.IGNORED, section=Section.HIDDEN, **extra) for name, extra in (
        ("printstackframes", {"choices": _same("no", "yes")}),
        ("mtpobjcache", {"choices": _same("enabled", "writeonly", "readonly", "verify",
                                          "disabled")}),
        ("mtpobjcache_maxagemins", {"parse": values.integer()}),
        ("maxgetobjbuffersizekb", {"parse": values.integer()}),
        ("initcmdreq_hostver", {"parse": values.any_radix_integer}),
        ("opensessionid", {"parse": values.any_radix_integer}),
        ("sonyuniquecmdsenable", {"parse": values.any_radix_integer}),
        ("suppressdupconnecterrmsgs", {"choices": _same("no", "yes")}),
        ("rtd_pollingmethod", {"parse": values.integer(minimum=0, maximum=2)}),
        ("rtd_mtppollingmethod_newobjdetection", {"choices": _same("objlist", "numobjs")}),
        ("rtd_maxsecsbeforeforceinitialobjlistget", {"parse": values.integer()}),
        ("ssdp_discoveryattempts", {"parse": values.integer()}),
        ("ssdp_discoverytimeoutsecsperattempt", {"parse": values.integer()}),
        ("ssdp_discoveryflags", {"parse": values.any_radix_integer}),
        ("ssdp_addservice", {"many": True}),
        ("ssdp_addmulticastif", {"many": True}),
    )),
)

BY_NAME: Mapping[str, AirnefOption] = {option.name: option for option in OPTIONS}

_EPILOG = """\
accepted and ignored (no counterpart in airnef-tui; each use prints a warning):
{ignored}

Options can come from a file: !FILE stands for the arguments in FILE, one per line as in airnef;
a line starting with an option may also carry its values, split like a shell would
(--extlist JPG NEF, --outputdir "/my photos"). Option names may be abbreviated to a unique prefix.
Choice values are case-insensitive. airnef's defaults for --ifexists, --downloadhistory,
--transferorder, --slot and --cameratransferlist are passed explicitly, so a script means what it
meant under airnef whatever airnef-tui's own defaults or config say.

Exit codes: 0 all done, 1 some files failed, 2 bad arguments or spec, 3 camera unreachable or
connection lost beyond retries, 4 camera refused us. With AIRNEFCMD_LEGACY_EXIT_CODES=1, airnef's
codes instead: 0, 5006, 5000, 4004, 4000 (and 4 when interrupted); a POSIX shell sees them modulo
256 (5000 as 136), as it did with airnef.

example:
  airnefcmd --ipaddress 192.168.1.1:15740 --extlist NEF MOV --outputdir ~/photos
    runs: airnef-tui get 192.168.1.1:15740 -o ~/photos --ext NEF MOV ...
"""


class _HelpRequested(Exception):
    """Raised where `--help` appears, so that it wins over anything after it (as in argparse)."""


class _HelpAction(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None) -> NoReturn:
        raise _HelpRequested


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps our option names whole when wrapping (`--if-exists`, not `--if-` / `exists`)."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return textwrap.wrap(text, width, break_on_hyphens=False)


class _Parser(argparse.ArgumentParser):
    """argparse that raises UsageError instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:  # type: ignore[override]
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    ignored = ", ".join(o.flag for o in OPTIONS if o.kind is Kind.IGNORED)
    parser = _Parser(
        prog="airnefcmd", add_help=False, allow_abbrev=True, formatter_class=_Formatter,
        description="airnef 1.1's command line, run by airnef-tui's engine: the options are\n"
                    "translated into an `airnef-tui get` or `airnef-tui list` command.",
        epilog=_EPILOG.format(ignored=textwrap.fill(ignored, width=96, initial_indent="  ",
                                                    subsequent_indent="  ",
                                                    break_on_hyphens=False)))
    groups = {section: parser.add_argument_group(section.value) for section in Section}
    groups[Section.VISIBLE].add_argument("-h", "--help", action=_HelpAction, nargs=0,
                                         help="show this help and exit")
    for option in OPTIONS:
        settings: dict[str, Any] = {"dest": option.name, "default": None,
                                    "type": option.parse, "metavar": option.metavar,
                                    "help": option.help or argparse.SUPPRESS}
        if option.choices is not None:
            settings.update(type=str.lower, choices=list(option.choices))
        if option.many:
            settings["nargs"] = "+"
        groups[option.section].add_argument(option.flag, **settings)
    return parser


def parse(argv: Sequence[str]) -> dict[str, Any] | None:
    """The options given (airnef's name → parsed value); None when help was asked for."""
    try:
        namespace = build_parser().parse_args(list(argv))
    except _HelpRequested:
        return None
    return {name: value for name, value in vars(namespace).items() if value is not None}


def help_text() -> str:
    return build_parser().format_help()
