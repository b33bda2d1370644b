"""`--exec PROGRAM ARG…`: run a program after each downloaded file (airnef's --downloadexec).

Each argument goes through the rename engine, so `@pf@` (the downloaded file's full path),
`@filename@`, `@capturedate@` and the rest work in them. The program is started directly with an
argument list, never through a shell: a camera-supplied file name cannot inject a command.
A leading `~` in an argument becomes `-` (airnef's way to pass a dash option to the program
without the option parser taking it), unless `notildereplacement` is among --exec-options.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

from airnef_tui.headless.options import UsageError
from airnef_tui.rename import CompiledSpec, SpecError, compile_spec
from airnef_tui.transfer.filters import extension_of
from airnef_tui.transfer.plan import PlannedFile

EXEC_OPTIONS = ("wait", "exitonfailcode", "delay", "ignorelauncherror", "notildereplacement")
DELAY_SECONDS = 5.0


class ExecFailed(Exception):
    """The program could not be started, or failed with `exitonfailcode`: the run stops."""


def add_exec_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("after each file")
    group.add_argument("--exec", nargs=argparse.REMAINDER, metavar="PROGRAM ARG",
                       help="run PROGRAM after each downloaded file; arguments may use rename "
                            "specifiers, e.g. @pf@ for the file's path (must come last)")
    group.add_argument("--exec-ext", nargs="+", metavar="EXT",
                       help="run --exec only for files with these extensions")
    group.add_argument("--exec-options", metavar="OPTS", default="wait",
                       help=f"comma-separated: {', '.join(EXEC_OPTIONS)} (default wait)")


def _tilde_to_dash(text: str) -> str:
    stripped = text.lstrip("~")
    return "-" * (len(text) - len(stripped)) + stripped


@dataclasses.dataclass
class ExecHook:
    argv: list[CompiledSpec]
    extensions: frozenset[str] | None
    options: frozenset[str]

    def after(self, planned: PlannedFile, final: Path) -> None:
        if self.extensions is not None and \
                extension_of(final.name).lower() not in self.extensions:
            return
        facts = planned.facts
        if facts is None:
            return
        facts = dataclasses.replace(facts, local_filename=final.name, output_dir=str(final.parent))
        argv = [spec.render(facts).text for spec in self.argv]
        import subprocess  # here, not at the top: ~2 ms of every get's start-up

        try:
            process = subprocess.Popen(argv, stdin=subprocess.DEVNULL)
        except OSError as exc:
            message = f"--exec could not start {argv[0]!r}: {exc.strerror or exc}"
            if "ignorelauncherror" in self.options:
                print(f"warning: {message}", file=sys.stderr)
                return
            raise ExecFailed(message) from None
        if "wait" in self.options or "exitonfailcode" in self.options:
            code = process.wait()
            if code != 0 and "exitonfailcode" in self.options:
                raise ExecFailed(f"--exec {argv[0]!r} exited with code {code} for {final}")
        if "delay" in self.options:
            time.sleep(DELAY_SECONDS)


def exec_hook_from(args: argparse.Namespace) -> ExecHook | None:
    if not args.exec:
        return None
    chosen = frozenset(o.strip().lower() for o in args.exec_options.split(",") if o.strip())
    unknown = chosen - set(EXEC_OPTIONS)
    if unknown:
        raise UsageError(f"unknown --exec-options {', '.join(sorted(unknown))} "
                         f"(choose from {', '.join(EXEC_OPTIONS)})")
    raw = args.exec if "notildereplacement" in chosen else [_tilde_to_dash(a) for a in args.exec]
    try:
        argv = [compile_spec(arg, "text") for arg in raw]
    except SpecError as exc:
        raise UsageError(f"--exec: {exc}") from None
    extensions = (frozenset(e.lower().lstrip(".") for e in args.exec_ext)
                  if args.exec_ext else None)
    return ExecHook(argv, extensions, chosen)
