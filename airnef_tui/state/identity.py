"""This installation's PTP/IP identity: a GUID made once and kept.

airnef sent one fixed GUID from every installation, so two hosts looked like one to a Canon that
pairs by GUID. Ours is random per installation and stable across runs (a paired Canon expects the
same GUID every time). Its last 6 bytes are zero: Sony's "Send to Computer" accepts any GUID whose
MAC-address part is zero, which spares the user Sony's desktop authorisation app.
"""

from __future__ import annotations

import os
import socket
import sqlite3

from airnef_tui.state.db import get_meta, open_database, set_meta_if_absent

GUID_KEY = "host_guid"


def new_guid() -> bytes:
    return os.urandom(10) + bytes(6)


def host_guid(conn: sqlite3.Connection | None = None) -> bytes:
    own = conn is None
    conn = conn or open_database()
    try:
        guid = get_meta(conn, GUID_KEY)
        if guid is None or len(guid) != 16:
            guid = set_meta_if_absent(conn, GUID_KEY, new_guid())
        return bytes(guid)
    finally:
        if own:
            conn.close()


def host_name() -> str:
    """Friendly name sent in Init Command Request; cameras show it on their screen."""
    name = socket.gethostname().split(".")[0] or "airnef-tui"
    return name[:40]


def parse_guid(text: str) -> bytes:
    """A GUID from the command line: 32 hex digits (separators allowed), airnef's `0xHIGH-0xLOW`,
    or a Sony MAC `aa:bb:cc:dd:ee:ff` (expanded to 8 bytes, `FF FF`, then the MAC)."""
    cleaned = text.strip().lower()
    if cleaned.count(":") == 5 and len(cleaned) == 17:
        mac = bytes.fromhex(cleaned.replace(":", ""))
        return bytes(8) + b"\xff\xff" + mac
    if "-" in cleaned and cleaned.startswith("0x"):
        high, _, low = cleaned.partition("-")
        return bytes.fromhex(high[2:].zfill(16) + low.removeprefix("0x").zfill(16))
    digits = "".join(ch for ch in cleaned if ch not in ":-{} ")
    digits = digits.removeprefix("0x")
    if len(digits) != 32:
        raise ValueError(f"a GUID is 16 bytes (32 hex digits), got {text!r}")
    return bytes.fromhex(digits)
