"""Our exit codes put back into airnef's numbers, for scripts that test for those.

Only when `AIRNEFCMD_LEGACY_EXIT_CODES=1` is set: by default airnefcmd returns our codes
(`airnef_tui.exitcodes`), small and the same as `airnef-tui get`. Each of ours has exactly one
airnef code, the nearest in meaning, because our code does not carry the detail airnef's did:

    ours                                   airnef's  `$?` in a POSIX shell
      0 all done                          →     0      0
      1 some files failed                 →  5006    142   local file write failed: airnef's usual
                                                           per-file failure; we cannot tell which
                                                           class the first failure was
      2 bad arguments or spec             →  5000    136   bad argument; a rename-spec error
                                                           (airnef's 5007) is not told apart from
                                                           other bad arguments by our code
      3 unreachable / lost beyond retries →  4004    164   could not connect: what airnef ended
                                                           with when its retries reconnecting to
                                                           a vanished camera ran out
      4 camera refused us                 →  4000    160   camera communication failure
    130 interrupted (Ctrl-C)              →     4      4   EINTR, which airnef returned when
                                                           interrupted

Any other code passes unchanged. `main` returns the numbers themselves, as airnef passed them to
`sys.exit`; the operating system does the rest. A POSIX exit status is one byte, so on Linux and
macOS a shell sees the number modulo 256 (the third column), exactly what airnef's users saw
there; on Windows the exit code holds the whole number, as airnef's did. The README's airnefcmd
section has the table for all of airnef's codes; tests/airnefcmd checks these statuses on real
child processes.
"""

from __future__ import annotations

from collections.abc import Mapping

from airnef_tui.exitcodes import ExitCode

ENVIRONMENT_VARIABLE = "AIRNEFCMD_LEGACY_EXIT_CODES"

AIRNEF_CODE: Mapping[int, int] = {
    ExitCode.OK: 0,
    ExitCode.SOME_FAILED: 5006,
    ExitCode.BAD_ARGUMENTS: 5000,
    ExitCode.UNREACHABLE: 4004,
    ExitCode.REFUSED: 4000,
    ExitCode.INTERRUPTED: 4,
}


def wanted(environ: Mapping[str, str]) -> bool:
    """Only the value `1` turns it on, so that `=0` or an empty value keep our codes."""
    return environ.get(ENVIRONMENT_VARIABLE, "").strip() == "1"


def to_airnef(code: int) -> int:
    return AIRNEF_CODE.get(code, code)
