"""`airnef-tui --demo`: the real app against a simulated camera running in this process.

The simulator serves a generated Nikon card on a free loopback port, at a capped rate so that
progress is visible. The demo never touches the user's own history: unless AIRNEF_TUI_HOME is
already set, it points it at a temporary folder for the life of the demo. Downloads go to a fresh
temporary folder (shown on screen), which is kept afterwards so the photos can be looked at.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from airnef_tui.camera.address import CameraAddress
from airnef_tui.discovery.sighting import DEMO, CameraSighting
from airnef_tui.simulator import Simulator, SimulatorConfig

DEMO_FILES = 40
DEMO_RATE = 8 * 1024 * 1024  # bytes/s: a good Wi-Fi link, slow enough to watch the bars move
DEMO_NOTE = "Demo: simulated camera"  # shown on screen next to the camera's name
DEMO_SHOOT_EVERY = 30.0  # seconds between the demo camera's new shots: watch mode has work
HOME_VARIABLE = "AIRNEF_TUI_HOME"
INTERFACES_VARIABLE = "AIRNEF_TUI_INTERFACES"


class DemoCamera:
    """Start with `start()`, end with `stop()` (or use as a context manager)."""

    def __init__(self, *, files: int = DEMO_FILES, rate: float | None = DEMO_RATE,
                 output_dir: Path | None = None, advertise: bool = True,
                 shoot_every: float | None = DEMO_SHOOT_EVERY, port: int = 0) -> None:
        """`shoot_every`: the demo camera takes a new photo that often, so that watch mode (`w`
        on the transfer screen) shows a shot arriving; None for a card that stays as it is.
        `port`: 0 for any free one (the screenshots ask for PTP/IP's own, 15740)."""
        self.config = SimulatorConfig(host="127.0.0.1", port=port, profile="nikon", files=files,
                                      rate=rate, advertise=advertise, shoot_every=shoot_every)
        self.simulator: Simulator | None = None
        self.chosen_output = output_dir  # -o: kept as given; else a fresh temporary folder
        self.output_dir: Path | None = None
        self.temporary_home: Path | None = None
        self._saved_environment: dict[str, str | None] = {}

    def start(self) -> DemoCamera:
        for name in (HOME_VARIABLE, INTERFACES_VARIABLE):
            self._saved_environment[name] = os.environ.get(name)
        if not os.environ.get(HOME_VARIABLE):
            self.temporary_home = Path(tempfile.mkdtemp(prefix="airnef-demo-home-"))
            os.environ[HOME_VARIABLE] = str(self.temporary_home)
        os.environ.setdefault(INTERFACES_VARIABLE, "127.0.0.1")
        if self.chosen_output is not None:
            self.chosen_output.mkdir(parents=True, exist_ok=True)
            self.output_dir = self.chosen_output
        else:
            self.output_dir = Path(tempfile.mkdtemp(prefix="airnef-demo-"))
        quiet = logging.getLogger("airnef_tui.simulator")  # nothing may write over the screen
        quiet.addHandler(logging.NullHandler())
        quiet.propagate = False
        self.simulator = Simulator(self.config).start()
        return self

    @property
    def address(self) -> CameraAddress:
        assert self.simulator is not None, "start() the demo first"
        return CameraAddress(self.simulator.host, self.simulator.port)

    @property
    def sighting(self) -> CameraSighting:
        """The demo camera as the discovery screen lists it before mDNS has answered."""
        simulator = self.simulator
        assert simulator is not None, "start() the demo first"
        return CameraSighting(simulator.host, simulator.port, make="nikon",
                              model=simulator.model, name="demo camera",
                              sources=frozenset({DEMO}), confirmed=True)

    def stop(self) -> None:
        if self.simulator is not None:
            self.simulator.stop()
            self.simulator = None
        if self.temporary_home is not None:
            shutil.rmtree(self.temporary_home, ignore_errors=True)
            self.temporary_home = None
        for name, value in self._saved_environment.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_environment.clear()

    def __enter__(self) -> DemoCamera:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
