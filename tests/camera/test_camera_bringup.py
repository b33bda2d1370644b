"""Bring-up and teardown against a scripted peer: the handshake bytes, ids, timing and refusals."""

from __future__ import annotations

import socket
import time

import pytest
from fakecam import CAMERA_GUID, TEST_GUID, FakeCamera

from airnef_tui.camera import CameraRefused, CameraSession, CameraUnreachable, OperationFailed
from airnef_tui.ptpip import Event, EventCode, OpCode


def test_handshake_sends_guid_and_name_then_open_session_with_transaction_id_0(session_to):
    with FakeCamera(connection_number=7) as cam:
        session = session_to(cam.port).open()
        assert session.camera_name == "FakeCam"
        session.storage_ids()
        session.close()
    assert cam.init_requests[0].guid == TEST_GUID
    assert cam.init_requests[0].name == "pytest"
    assert cam.event_requests[0].connection_number == 7
    first = cam.requests[0]
    assert (first.code, first.transaction_id, first.params) == (OpCode.OPEN_SESSION, 0, (7,))
    assert session.session_id == 7
    assert [r.transaction_id for r in cam.requests] == [0, 1, 2, 3]
    assert cam.codes()[-1] == OpCode.CLOSE_SESSION
    assert cam.sessions_closed == 1


def test_default_identity_is_the_installation_guid(session_to):
    from airnef_tui.state.identity import host_guid, host_name

    with FakeCamera() as cam:
        session_to(cam.port, guid=None, name=None).open().close()
    assert cam.init_requests[0].guid == host_guid()
    assert cam.init_requests[0].guid[-6:] == bytes(6)
    assert cam.init_requests[0].name == host_name()


def test_session_id_falls_back_to_1_when_the_connection_number_is_refused(session_to):
    # The Nikon J5 sends connection number 0 in its Ack and then rejects session id 0.
    with FakeCamera(connection_number=0, rejected_session_ids={0}) as cam:
        session = session_to(cam.port).open()
        session.close()
    opens = [r for r in cam.requests if r.code == OpCode.OPEN_SESSION]
    assert [(r.transaction_id, r.params) for r in opens] == [(0, (0,)), (0, (1,))]
    assert session.session_id == 1
    assert cam.requests[len(opens)].transaction_id == 1


def test_open_session_refused_for_every_id_is_an_operation_failure(session_to):
    with FakeCamera(connection_number=3, rejected_session_ids={1, 3}) as cam:
        with pytest.raises(OperationFailed, match="OPEN_SESSION"):
            session_to(cam.port).open()
    assert cam.sessions_closed == 0


def test_sony_authentication_failure_is_a_refusal_with_sony_advice(session_to):
    def refuse(cam, request):
        if request.code == OpCode.OPEN_SESSION:
            return cam.response(request, 0xA101)
        return None

    with FakeCamera(override=refuse) as cam:
        with pytest.raises(CameraRefused, match="Send to Computer"):
            session_to(cam.port).open()


def test_a_nikon_session_lasts_one_second_and_only_the_remainder_is_slept(
        session_to, monkeypatch):
    monkeypatch.setattr("airnef_tui.camera.session.MIN_SESSION_SECONDS", 1.0)
    with FakeCamera(manufacturer="Nikon Corporation") as cam:
        started = time.monotonic()
        session = session_to(cam.port).open()
        time.sleep(0.4)
        session.close()
        elapsed = time.monotonic() - started
    assert 1.0 <= elapsed < 1.5
    assert cam.sessions_closed == 1


@pytest.mark.parametrize("manufacturer", ["Fake Corp", "Canon Inc.", "Sony Corporation"])
def test_other_makes_close_as_soon_as_the_work_is_done(session_to, monkeypatch, manufacturer):
    """The one-second wait is Nikon's workaround; no other make pays for it."""
    monkeypatch.setattr("airnef_tui.camera.session.MIN_SESSION_SECONDS", 1.0)
    with FakeCamera(manufacturer=manufacturer) as cam:
        started = time.monotonic()
        session_to(cam.port).open().close()
        elapsed = time.monotonic() - started
    assert elapsed < 0.9  # not the 1 s hold (generous: a loaded CI machine is slow)
    assert cam.sessions_closed == 1


def test_close_is_safe_twice_and_a_session_opens_once(session_to):
    with FakeCamera() as cam:
        session = session_to(cam.port).open()
        session.close()
        session.close()
        with pytest.raises(RuntimeError):
            session.open()
    assert cam.codes().count(OpCode.CLOSE_SESSION) == 1


def test_make_comes_from_the_manufacturer_string(session_to):
    for manufacturer, make in (("Nikon Corporation", "nikon"), ("Canon Inc.", "canon"),
                               ("Sony Corporation", "sony"), ("FUJIFILM", "fujifilm"),
                               ("Acme", "generic")):
        with FakeCamera(manufacturer=manufacturer) as cam:
            with session_to(cam.port) as session:
                assert session.make == make


def test_init_fail_is_a_refusal_with_canon_pairing_advice(session_to):
    with FakeCamera(init_reply="fail", init_fail_reason=1) as cam:
        with pytest.raises(CameraRefused) as caught:
            session_to(cam.port).open()
    message = str(caught.value)
    assert "\n" not in message
    assert "REJECTED" in message and "paired with another computer's GUID" in message
    assert "Connect to smartphone" in message
    assert caught.value.code == 1


def test_init_fail_advice_follows_the_make_hint(session_to):
    with FakeCamera(init_reply="fail", init_fail_reason=1) as cam:
        with pytest.raises(CameraRefused, match="Send to Computer"):
            session_to(cam.port, make="sony").open()
    with FakeCamera(init_reply="fail", init_fail_reason=2) as cam:
        with pytest.raises(CameraRefused, match="BUSY") as caught:
            session_to(cam.port).open()
    assert "Canon" not in str(caught.value)


def test_a_camera_that_never_answers_the_handshake_is_unreachable_within_the_timeout(
        session_to):
    # Sony's second connection per "Send to Computer" entry: accepted, never answered.
    with FakeCamera(init_reply="silent") as cam:
        started = time.monotonic()
        with pytest.raises(CameraUnreachable, match="Send to Computer") as caught:
            session_to(cam.port, io_timeout=0.5).open()
        assert time.monotonic() - started < 1.5
    assert "no answer to the Init Command Request within 0.5 s" in str(caught.value)


def test_a_camera_that_hangs_up_during_the_handshake_is_unreachable(session_to):
    with FakeCamera(init_reply="close") as cam:
        with pytest.raises(CameraUnreachable, match="closed the connection"):
            session_to(cam.port).open()


def test_a_missing_probe_response_costs_at_most_a_second(session_to):
    with FakeCamera(probe_reply=False) as cam:
        started = time.monotonic()
        with session_to(cam.port) as session:
            assert session.get_device_info().model == "Fake 1"
        assert time.monotonic() - started < 1.5
    assert cam.probes_received == 1


def test_probe_can_be_switched_off(session_to):
    with FakeCamera() as cam:
        with session_to(cam.port, probe=False):
            pass
    assert cam.probes_received == 0


def test_events_from_the_event_socket_are_queued(session_to):
    added = Event(EventCode.OBJECT_ADDED, 0, (0x1234,))
    with FakeCamera(events_to_send=[added]) as cam:
        with session_to(cam.port) as session:
            assert session.events.get(timeout=2) == added


def test_the_cameras_probe_requests_are_answered(session_to):
    from airnef_tui.ptpip import ProbeRequest

    with FakeCamera(events_to_send=[ProbeRequest(), ProbeRequest()]) as cam:
        with session_to(cam.port):
            deadline = time.monotonic() + 2
            while cam.probe_responses < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
    assert cam.probe_responses == 2


def test_closed_port_is_unreachable_at_once(session_to):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, not listening: connections are refused
        started = time.monotonic()
        with pytest.raises(CameraUnreachable) as caught:
            session_to(port).open()
        assert time.monotonic() - started < 1.0
    assert f"127.0.0.1:{port}" in str(caught.value)
    assert "refused" in str(caught.value)


def test_a_mistyped_address_fails_locally_without_resolving(monkeypatch):
    def no_lookups(*args, **kwargs):
        raise AssertionError("a DNS lookup was attempted")

    monkeypatch.setattr(socket, "getaddrinfo", no_lookups)
    with pytest.raises(CameraUnreachable, match="'999.1.1.1' is not a valid IP address"):
        CameraSession("999.1.1.1", guid=TEST_GUID, name="t").open()


def test_an_unknown_host_name_is_unreachable_with_the_resolver_message(monkeypatch):
    def unknown(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unknown)
    with pytest.raises(CameraUnreachable) as caught:
        CameraSession("camera.invalid", 15740, guid=TEST_GUID, name="t").open()
    assert str(caught.value) == ("cannot reach camera at camera.invalid:15740: "
                                 "unknown host (Name or service not known)")


def test_camera_guid_is_kept_from_the_ack(session_to):
    with FakeCamera() as cam:
        with session_to(cam.port) as session:
            assert session._connection().camera_guid == CAMERA_GUID
