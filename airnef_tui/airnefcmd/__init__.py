"""`airnefcmd`: airnef 1.1's command line, for the scripts its users built on it.

Nothing here downloads anything. `translate` turns airnef's arguments into an `airnef-tui get …`
or `airnef-tui list …` argument list (see `translate.py` for the rules, `options.py` for what each
of airnef's options becomes) and `main` hands it to `airnef_tui.cli.main`, so airnefcmd and
airnef-tui share one engine and one set of behaviours, bug fixes included.

Exit codes: ours, as `airnef-tui` returns them (0 all done, 1 some files failed, 2 bad arguments
or spec, 3 camera unreachable or lost beyond retries, 4 camera refused us), because scripts
written from now on should not have to learn a second set. airnef's own numbers (4000-4004,
5000-5013) come back only with `AIRNEFCMD_LEGACY_EXIT_CODES=1`, each of ours mapped to the nearest
of airnef's: 0→0, 1→5006, 2→5000, 3→4004, 4→4000, 130→4 (see `legacy_exit_codes.py` for why).
airnef's finer codes (5001 file exists with `exit`, 5003 no transfer list, 5007 bad rename spec …)
are not reproduced: our codes do not carry that detail, and guessing would mislead a script.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from airnef_tui.airnefcmd import legacy_exit_codes
from airnef_tui.airnefcmd.errors import UsageError
from airnef_tui.airnefcmd.translate import Translation, translate
from airnef_tui.exitcodes import ExitCode

__all__ = ["Translation", "UsageError", "main", "translate"]

PROG = "airnefcmd"


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point: translate, report, run `airnef-tui` with the result."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    legacy = legacy_exit_codes.wanted(os.environ)
    try:
        translation = translate(arguments)
    except UsageError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return _returned(ExitCode.BAD_ARGUMENTS, legacy)
    if translation.help_text is not None:
        sys.stdout.write(translation.help_text)
        return ExitCode.OK
    for warning in translation.warnings:
        print(f"{PROG}: warning: {warning}", file=sys.stderr)

    from airnef_tui import cli

    try:
        code = cli.main(translation.argv)
    except SystemExit as leaving:  # argparse inside cli exits rather than returns
        code = _status(leaving.code)
    return _returned(code, legacy)


def _status(code: object) -> int:
    """The process status Python would give SystemExit(code)."""
    if code is None:
        return ExitCode.OK
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _returned(code: int, legacy: bool) -> int:
    return legacy_exit_codes.to_airnef(int(code)) if legacy else int(code)
