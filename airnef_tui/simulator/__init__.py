"""A PTP/IP camera on loopback: the product's demo and the test bench of every other part.

Built on the sans-IO `airnef_tui.ptpip` layer, it serves a card (folders from disk or generated
photos) with the behaviour of a generic, Nikon, Canon or Sony body, and can inject the faults
real Wi-Fi cameras have. libgphoto2 works against it unchanged, which keeps it honest.
"""

from airnef_tui.simulator.card import Card, CardObject, Storage
from airnef_tui.simulator.config import SimulatorConfig
from airnef_tui.simulator.profiles import PROFILES, Profile
from airnef_tui.simulator.server import Simulator
from airnef_tui.simulator.stats import ObjectRead, SimulatorStats

__all__ = [
    "PROFILES", "Card", "CardObject", "ObjectRead", "Profile", "Simulator", "SimulatorConfig",
    "SimulatorStats", "Storage",
]
