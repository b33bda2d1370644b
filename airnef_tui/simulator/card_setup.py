"""Turns a SimulatorConfig into the card it serves: folders from disk, or a generated card."""

from __future__ import annotations

from airnef_tui.simulator.card import Card, storage_id_for_slot
from airnef_tui.simulator.config import SimulatorConfig
from airnef_tui.simulator.disk_card import populate_from_dir
from airnef_tui.simulator.generated_card import populate_generated
from airnef_tui.simulator.hostile import add_hostile_objects
from airnef_tui.simulator.profiles import Profile


def build_card(config: SimulatorConfig, profile: Profile, model: str) -> Card:
    card = Card()
    if config.dirs:
        for slot, folder in enumerate(config.dirs, start=1):
            populate_from_dir(card, storage_id_for_slot(slot), folder, slot, model.upper())
    else:
        populate_generated(card, profile, config.files, model)
    if config.hostile_names:
        add_hostile_objects(card)
    return card
