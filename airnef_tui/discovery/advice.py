"""What to do on the camera when discovery finds nothing: the same words in `discover` and the TUI.

Most "no camera found" moments are a camera in the wrong Wi-Fi mode, not a network problem, so
the help names the menu to use on each make before it says anything about networks.
"""

from __future__ import annotations

MAKE_HELP = (
    ("Nikon", "turn on the camera's Wi-Fi in 'Connect to PC' mode (Z bodies), or plug in the "
              "WU-1a/WU-1b adapter and join this machine to the camera's network; the camera "
              "is then usually at 192.168.1.1 and answers to that address even when it does "
              "not announce itself"),
    ("Canon", "choose Wi-Fi → 'Connect to smartphone' (most bodies answer airnef-tui there), or "
              "'Connect to computer' after pairing once with `airnef-tui pair canon`"),
    ("Sony", "choose 'Send to Computer' on the camera (the camera accepts one session each "
             "time you enter that mode); this computer must be on the same network"),
    ("Fujifilm", "choose 'Wireless communication' and join this machine to the camera's "
                 "network (the camera is at 192.168.0.1)"),
)
NETWORK_HELP = ("If the camera is on: this machine must be on the same Wi-Fi network (or be the "
                "hotspot the camera joined); then give the camera's address directly, e.g. "
                "`airnef-tui list 192.168.1.1`.")


def nothing_found_lines() -> list[str]:
    return [f"{make}: {text}" for make, text in MAKE_HELP] + [NETWORK_HELP]
