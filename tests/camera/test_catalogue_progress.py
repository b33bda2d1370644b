"""Listing progress: told of every object described, up to the whole card."""

from __future__ import annotations

from airnef_tui.camera import CameraSession
from airnef_tui.camera.catalogue import list_files


def test_progress_counts_every_object_up_to_the_card(start_sim, monkeypatch):
    monkeypatch.setattr("airnef_tui.camera.session.MIN_SESSION_SECONDS", 0.0)
    sim = start_sim(profile="nikon", files=10)
    seen: list[tuple[int, int]] = []
    with CameraSession("127.0.0.1", sim.port) as session:
        files = list_files(session, progress=lambda done, known: seen.append((done, known)))
    objects = len(sim.card.files()) + len(sim.card.folders())
    assert len(files) == len(sim.card.files())
    assert [done for done, _ in seen] == list(range(1, objects + 1))
    assert all(done <= known for done, known in seen)
    assert seen[-1] == (objects, objects)
