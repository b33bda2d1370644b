"""What a run does to the camera itself rather than to its files: its clock, and sleep.

airnef set the camera's clock on every connection without a word (always on Canon) and put Sony
cameras to sleep by default. Here both are options that are off unless asked for, each says in
one line what it did, and a camera that refuses costs a warning line, never the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from airnef_tui.camera.errors import CameraError, CameraProtocolError, OperationFailed
from airnef_tui.camera.session import CameraSession

Say = Callable[[str], None]

SEND_TO_COMPUTER_NOTE = ('Sony: leave and re-enter "Send to Computer" on the camera before the '
                         "next session (it accepts one session per entry)")


@dataclass(frozen=True)
class ClockSync:
    """`--clock-sync`: never, always, or when the camera is off by more than `seconds`."""

    mode: str  # "never" | "always" | "beyond"
    seconds: float = 0.0

    def __str__(self) -> str:
        return f"{self.seconds:g} s" if self.mode == "beyond" else self.mode


def offset_text(seconds: float) -> str:
    """`3 min 12 s behind`, `2 h 5 s ahead`, `in step` (camera minus this computer)."""
    whole = round(abs(seconds))
    if whole == 0:
        return "in step"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60), ("s", 1)):
        count, whole = divmod(whole, size)
        if count:
            parts.append(f"{count} {unit}")
    return " ".join(parts) + (" behind" if seconds < 0 else " ahead")


def sync_clock(session: CameraSession, policy: ClockSync, say: Say, warn: Say) -> None:
    """Read the camera's clock once and set it when `policy` says so; one line either way.

    A lost connection propagates (the caller reconnects or gives up as for any operation); a
    refusal or an unreadable clock is only a warning.
    """
    if policy.mode == "never":
        return
    camera_time: datetime | None = None
    problem = "no usable date"
    try:
        camera_time = session.camera_clock()
    except (OperationFailed, CameraProtocolError) as exc:
        problem = str(exc)
    host = datetime.now().astimezone()
    offset = None
    if camera_time is not None:
        # A clock that shows whole seconds is compared with ours cut to whole seconds, or an
        # exact clock would look up to a second behind.
        compared = host.replace(microsecond=0) if camera_time.microsecond == 0 else host
        offset = (camera_time.astimezone() - compared).total_seconds()
    if policy.mode == "beyond":
        if offset is None:
            warn(f"cannot read the camera's clock ({problem}); left as it is")
            return
        if abs(offset) <= policy.seconds:
            say(f"camera clock is {offset_text(offset)}, within {policy}; left as it is")
            return
    try:
        session.set_camera_clock(host)
    except OperationFailed as exc:
        warn(f"the camera refused to have its clock set ({exc}); continuing")
        return
    before = (f"camera clock was {offset_text(offset)}" if offset is not None
              else f"camera clock could not be read ({problem})")
    say(f"{before}; set to {host:%Y-%m-%d %H:%M:%S}")


def finish_with_camera(session: CameraSession | None, sleep: bool, say: Say, warn: Say) -> None:
    """End-of-run chores: `--camera-sleep-when-done`, and Sony's one-session reminder.

    `session` is the last one the run opened (None if it never connected); it may be broken.
    """
    if session is None or session.device_info is None:
        return
    vendor = session.vendor
    if sleep:
        if not session.can_sleep:
            say(f"--camera-sleep-when-done applies to Sony cameras only; the "
                f"{session.device_info.manufacturer.strip()} camera stays on")
        elif not session.connected:
            warn("could not put the camera to sleep: the connection is gone")
        else:
            try:
                session.sony_sleep()
            except CameraError as exc:
                warn(f"could not put the camera to sleep ({exc})")
            else:
                say("camera put to sleep")
                return
    if vendor.one_session_per_entry:
        say(SEND_TO_COMPUTER_NOTE)
