"""Fixtures for the transfer tests: the real database, and a rig of simulator + link + stores."""

from __future__ import annotations

import pytest
from transfer_rig import CARD, Rig, write_card

from airnef_tui.state.db import open_database


@pytest.fixture
def conn():
    """The real SQLite database under this test's AIRNEF_TUI_HOME (tests/conftest.py)."""
    connection = open_database()
    yield connection
    connection.close()


@pytest.fixture
def make_rig(start_sim, conn, tmp_path):
    """make_rig(card=CARD, retries=2, delay=0.05, io_timeout=1.0, sim=None, **simulator options):
    a Rig (transfer_rig.py) on a started simulator serving `card` from tmp_path/card, writing
    to tmp_path/out. Pass `sim=` to aim a second rig (a later run) at the same camera. Every
    link is closed at the end."""
    rigs: list[Rig] = []

    def make(*, card: dict[str, int] = CARD, retries: int = 2, delay: float = 0.05,
             io_timeout: float = 1.0, sim=None, **sim_options) -> Rig:
        root = tmp_path / "card"
        if sim is None:
            written = write_card(root, card)
            sim = start_sim(dirs=[root], **sim_options)
        else:
            written = {path: (root / path).read_bytes() for path in card}
        rig = Rig(sim, written, conn, tmp_path / "out", retries, delay, io_timeout)
        rigs.append(rig)
        return rig

    yield make
    for rig in rigs:
        rig.link.close()
