"""The one error an airnef command line can raise while being translated.

One type, carrying a single line fit for the user, so that `main` can print it and exit with the
documented code for bad arguments whatever went wrong: an unknown option, a bad value, an
unreadable `!file`.
"""

from __future__ import annotations


class UsageError(ValueError):
    """The airnef command line cannot be translated; the message is one line for the user."""
