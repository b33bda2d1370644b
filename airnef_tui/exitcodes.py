"""Exit codes of every command, documented in the README; scripts rely on them, so never renumber."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0                 # everything asked for was done
    SOME_FAILED = 1        # the run finished but some files failed
    BAD_ARGUMENTS = 2      # bad command line, date, or rename spec
    UNREACHABLE = 3        # camera unreachable, or the connection was lost beyond retries
    REFUSED = 4            # the camera refused us (Init Fail, pairing, authentication)
    INTERRUPTED = 130      # Ctrl-C
