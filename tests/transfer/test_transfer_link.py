"""CameraLink against the simulator over loopback: it reconnects when told the connection was
lost, gives up after its retries, never retries a refusal, and stops when cancelled."""

from __future__ import annotations

import threading

import pytest
from transfer_rig import session_opener

from airnef_tui.camera.errors import CameraRefused, CameraUnreachable, ConnectionLost
from airnef_tui.ptpip import OpCode
from airnef_tui.transfer.events import Reconnecting
from airnef_tui.transfer.link import CameraLink, LinkLost, RunCancelled

DELAY = 0.05
PAIRED = bytes(range(16))


def lost() -> ConnectionLost:
    """What a session raises when the camera drops the connection mid-download."""
    return ConnectionLost("127.0.0.1:15740", "the camera closed the connection", offset=100)


@pytest.fixture
def links():
    """links(host, port, **options): CameraLinks, closed at the end, whose events go to
    `link.events` (a list) unless an observer is given; `guid` picks the GUID the sessions
    introduce themselves with."""
    made: list[CameraLink] = []

    def make(host: str, port: int, *, retries: int = 3, delay: float = DELAY,
             guid: bytes | None = None, observer=None,
             cancel: threading.Event | None = None) -> CameraLink:
        events: list = []
        link = CameraLink(session_opener(host, port, guid=guid), retries=retries, delay=delay,
                          observer=observer or events.append, cancel=cancel)
        link.events = events  # a test's convenience, not an attribute of CameraLink
        made.append(link)
        return link

    yield make
    for link in made:
        link.close()


def test_the_session_is_opened_on_first_use_and_then_kept(start_sim, links):
    sim = start_sim(files=1)
    link = links(sim.host, sim.port)
    assert sim.stats.connections == 0
    session = link.session
    assert link.session is session and session.connected
    assert sim.stats.sessions == 1


def test_reconnect_replaces_the_session_and_says_so(start_sim, links):
    sim = start_sim(files=1)
    link = links(sim.host, sim.port)
    old = link.session
    cause = lost()

    new = link.reconnect(cause)

    assert new is link.session and new is not old
    assert not old.connected and new.connected
    assert link.events == [Reconnecting(1, 3, DELAY, str(cause))]
    assert sim.stats.sessions == 2


def test_a_camera_that_stays_away_is_given_up_after_the_retries(start_sim, links):
    sim = start_sim(files=1)
    host, port = sim.host, sim.port
    link = links(host, port, retries=3)
    link.session
    sim.stop()
    cause = lost()

    with pytest.raises(LinkLost) as caught:
        link.reconnect(cause)

    assert [(e.attempt, e.of) for e in link.events] == [(1, 3), (2, 3), (3, 3)]
    # Each announcement names the latest failure: first the loss, then the failed reconnects.
    assert link.events[0].cause == str(cause)
    assert all("cannot reach camera" in e.cause for e in link.events[1:])
    assert isinstance(caught.value.cause, CameraUnreachable)
    assert "gave up after 3 reconnection attempt(s)" in str(caught.value)


def test_with_no_retries_the_loss_is_final_at_once(start_sim, links):
    sim = start_sim(files=1)
    link = links(sim.host, sim.port, retries=0)
    broken = link.session
    cause = lost()

    with pytest.raises(LinkLost) as caught:
        link.reconnect(cause)

    assert caught.value.cause is cause
    assert link.events == []
    assert sim.stats.sessions == 1
    assert not broken.connected  # the broken session is closed, not kept


def test_a_camera_that_comes_back_is_reconnected(start_sim, links):
    """The camera is off for the first attempt and back (same address) for the second."""
    sim = start_sim(files=1)
    host, port = sim.host, sim.port
    sim.stop()
    events: list = []
    back: list = []

    def observer(event):
        events.append(event)
        if event.attempt == 2:
            back.append(start_sim(files=1, port=port))

    link = links(host, port, retries=5, observer=observer)

    session = link.reconnect(lost())

    assert session.connected and session is link.session
    assert [e.attempt for e in events] == [1, 2]
    assert back[0].stats.sessions == 1


def test_a_refusal_is_not_retried(start_sim, links):
    """Init Fail (a Canon paired with another host's GUID) needs the user, not more tries."""
    sim = start_sim(files=1, profile="canon", paired_guid=PAIRED)
    link = links(sim.host, sim.port, retries=5, guid=bytes(16))

    with pytest.raises(CameraRefused):
        link.reconnect(lost())

    assert [e.attempt for e in link.events] == [1]
    assert sim.stats.refused == 1


def test_the_paired_host_is_let_in(start_sim, links):
    """The refusal above is about the GUID, not the simulator: the paired one connects."""
    sim = start_sim(files=1, profile="canon", paired_guid=PAIRED)
    link = links(sim.host, sim.port, guid=PAIRED)
    assert link.reconnect(lost()).connected
    assert sim.stats.refused == 0


def test_cancel_during_the_delay_stops_without_connecting(start_sim, links):
    """A long delay, cut short by the cancel event set when the attempt is announced."""
    sim = start_sim(files=1)
    cancel = threading.Event()

    def observer(event):
        cancel.set()

    link = links(sim.host, sim.port, delay=30, observer=observer, cancel=cancel)
    with pytest.raises(RunCancelled):
        link.reconnect(lost())
    assert sim.stats.connections == 0


def test_cancel_set_before_the_reconnect_stops_it(start_sim, links):
    sim = start_sim(files=1)
    link = links(sim.host, sim.port, delay=0)
    link.cancel.set()
    with pytest.raises(RunCancelled):
        link.reconnect(lost())
    assert sim.stats.connections == 0


def test_a_given_cancel_event_is_the_one_used():
    """The engine stops between files on the very event the link waits on."""
    cancel = threading.Event()
    link = CameraLink(lambda: None, retries=1, delay=0, observer=[].append, cancel=cancel)
    assert link.cancel is cancel


def test_abandon_closes_the_session_once_and_the_next_use_opens_another(start_sim, links):
    sim = start_sim(files=1)
    link = links(sim.host, sim.port)
    first = link.session

    link.abandon()
    link.abandon()

    assert not first.connected
    assert link.session is not first and link.session.connected
    assert sim.stats.sessions == 2


def test_close_is_idempotent_and_ends_the_session_politely(start_sim, links):
    sim = start_sim(files=1)
    link = links(sim.host, sim.port)
    session = link.session

    link.close()
    link.close()

    assert not session.connected
    assert sim.stats.operations.count(OpCode.CLOSE_SESSION) == 1


def test_abandoning_a_session_whose_camera_vanished_is_quiet(start_sim, links):
    sim = start_sim(files=1)
    link = links(sim.host, sim.port)
    session = link.session
    sim.stop()
    link.abandon()
    assert not session.connected
