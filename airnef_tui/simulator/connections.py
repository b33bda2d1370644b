"""Which hosts the camera lets in, and the command sessions it is serving.

Both are state of the camera, not of one connection: Sony's one session per run and Canon's
GUID pairing decide admission across connections, and the registry maps the connection numbers
handed out in Init Command Acks to live sessions, which is how an event socket finds its command
session and how an event reaches every client. Kept apart from the server so that a session gets
exactly this, not the whole server.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from airnef_tui.simulator.session import CommandSession


class ConnectionRegistry:
    """Admission rules and the live command sessions, by connection number."""

    def __init__(self, single_session: bool = False, paired_guid: bytes | None = None,
                 zero_mac_guids_only: bool = False) -> None:
        self.single_session = single_session  # one session per run (Sony "Send to Computer")
        self.paired_guid = paired_guid  # any other GUID is refused (Canon's pairing)
        self.zero_mac_guids_only = zero_mac_guids_only  # Sony: GUIDs ending in 6 zero bytes
        self._lock = threading.Lock()
        self._sessions: dict[int, CommandSession] = {}
        self._next_number = 1
        self._single_session_used = False

    # -- admission ------------------------------------------------------------------------------

    def refusal(self, guid: bytes) -> str | None:
        """Why this host GUID is refused (Init Fail), or None to accept it."""
        paired = self.paired_guid
        if self.zero_mac_guids_only:
            if guid[-6:] == bytes(6) or guid == paired:
                return None
            return "its last 6 bytes are not zero and it is not the paired GUID"
        if paired is not None and guid != paired:
            return f"the camera is paired with GUID {paired.hex()}"
        return None

    def single_session_used(self) -> bool:
        """True once the one session this camera allows per run was given out."""
        with self._lock:
            return self.single_session and self._single_session_used

    def claim_single_session(self) -> bool:
        """False when the one session this camera allows per run was already given out."""
        if not self.single_session:
            return True
        with self._lock:
            if self._single_session_used:
                return False
            self._single_session_used = True
            return True

    # -- registry -------------------------------------------------------------------------------

    def register(self, session: CommandSession) -> int:
        """A new connection number for `session` (1, 2, ... over the camera's life)."""
        with self._lock:
            number = self._next_number
            self._next_number += 1
            self._sessions[number] = session
            return number

    def unregister(self, connection_number: int) -> None:
        with self._lock:
            self._sessions.pop(connection_number, None)

    def session_for(self, connection_number: int) -> CommandSession | None:
        with self._lock:
            return self._sessions.get(connection_number)

    def sessions(self) -> list[CommandSession]:
        with self._lock:
            return list(self._sessions.values())
