"""The simulator's command connection enforces PTP's transaction rules through the sans-IO
responder machine (`ptpip.transaction.Responder`): seen from a raw client, a host that breaks the
order of a transaction loses the connection, and one that keeps it is served as before. Last, a
session runs on nothing but the `CameraContext` a server would hand it."""

from __future__ import annotations

import socket
import threading

import pytest

from airnef_tui.ptpip import wire
from airnef_tui.ptpip.codes import DataPhase, OpCode, ResponseCode
from airnef_tui.ptpip.framer import Framer
from airnef_tui.ptpip.packets import (
    Cancel, Data, EndData, InitCommandAck, InitCommandRequest, OperationRequest,
    OperationResponse, ProbeRequest, ProbeResponse, StartData, encode,
)
from airnef_tui.simulator.card_setup import build_card
from airnef_tui.simulator.config import SimulatorConfig
from airnef_tui.simulator.connections import ConnectionRegistry
from airnef_tui.simulator.context import CameraContext, CameraIdentity
from airnef_tui.simulator.device_props import DeviceProperties
from airnef_tui.simulator.faults import FaultPlan
from airnef_tui.simulator.link import Link
from airnef_tui.simulator.profiles import get_profile
from airnef_tui.simulator.data_phase import MAX_INCOMING_DATA
from airnef_tui.simulator.session import CommandSession
from airnef_tui.simulator.stats import SimulatorStats
from airnef_tui.simulator.transfer_list import TransferList
from sim_raw_client import RawClient

OK = ResponseCode.OK
SET_PROP = OpCode.SET_DEVICE_PROP_VALUE
CLOCK = wire.ptp_string("20300102T030405")


def assert_closed(client: RawClient) -> None:
    """The simulator closed the command connection (no reply first)."""
    with pytest.raises(EOFError):
        client.command.receive()


def still_serving(sim) -> None:
    with RawClient(sim.port).connect() as client:
        assert client.transact(OpCode.GET_STORAGE_IDS).code == OK


def request(code: int, tid: int, *params: int, phase: int = DataPhase.NONE_OR_IN):
    return OperationRequest(code, tid, tuple(params), phase)


# -- hosts that break the order of a transaction ---------------------------------------------------

def test_host_data_with_another_transactions_id_closes_the_connection(start_sim):
    sim = start_sim()
    with RawClient(sim.port).connect() as client:
        client.command.send(request(SET_PROP, 5, 0x5011, phase=DataPhase.OUT),
                            StartData(5, len(CLOCK)), EndData(6, CLOCK))
        assert_closed(client)
    assert sim.stats.data_received == []  # nothing of the bad phase reached the handler
    still_serving(sim)


def test_a_second_request_before_the_host_data_closes_the_connection(start_sim):
    sim = start_sim()
    with RawClient(sim.port).connect() as client:
        # flagged "no data" as some libgphoto2 releases do: SetDevicePropValue still owes data
        client.command.send(request(SET_PROP, 5, 0x5011), request(OpCode.GET_STORAGE_IDS, 6))
        assert_closed(client)
    assert sim.stats.operations[-1] == SET_PROP  # the second request was never served
    still_serving(sim)


def test_host_data_longer_than_announced_closes_the_connection(start_sim):
    sim = start_sim()
    with RawClient(sim.port).connect() as client:
        client.command.send(request(SET_PROP, 5, 0x5011, phase=DataPhase.OUT),
                            StartData(5, 4), EndData(5, CLOCK))
        assert_closed(client)
    still_serving(sim)


def test_start_data_where_no_host_data_was_due_closes_after_the_reply(start_sim):
    sim = start_sim()
    with RawClient(sim.port).connect() as client:
        client.send_request(OpCode.GET_STORAGE_IDS, tid=5)
        client.command.send(StartData(5, 2), EndData(5, b"xx"))
        assert client.read_result().code == OK  # the request itself was fine and answered
        assert_closed(client)


def test_a_cancel_for_another_transaction_closes_the_connection(start_sim):
    sim = start_sim()
    with RawClient(sim.port).connect() as client:
        client.command.send(request(SET_PROP, 5, 0x5011), Cancel(4))
        assert_closed(client)


# -- hosts that keep the rules ---------------------------------------------------------------------

def test_probes_inside_the_host_data_phase_are_answered_and_the_phase_goes_on(start_sim):
    sim = start_sim()
    with RawClient(sim.port).connect() as client:
        client.command.send(request(SET_PROP, 5, 0x5011), StartData(5, len(CLOCK)),
                            ProbeRequest(), Data(5, CLOCK[:3]), ProbeResponse(),
                            EndData(5, CLOCK[3:]))
        assert isinstance(client.command.receive(), ProbeResponse)
        assert client.read_result().code == OK
        client.command.send(Cancel(5))  # a late Cancel for an answered transaction: ignored
        assert client.transact(OpCode.GET_STORAGE_IDS).code == OK
    assert sim.stats.data_received == [(SET_PROP, CLOCK)]


def test_a_cancel_inside_the_host_data_phase_answers_transaction_cancelled(start_sim):
    sim = start_sim()
    with RawClient(sim.port).connect() as client:
        client.command.send(request(SET_PROP, 5, 0x5011, phase=DataPhase.OUT),
                            StartData(5, 100), Data(5, b"x" * 40), Cancel(5))
        assert client.read_result().code == ResponseCode.TRANSACTION_CANCELLED
        assert client.transact(OpCode.GET_STORAGE_IDS).code == OK
    assert sim.stats.data_received == []


def test_a_long_host_data_phase_is_read_whole_and_kept_up_to_the_cap(start_sim):
    sim = start_sim()
    blob = bytes(range(256)) * (MAX_INCOMING_DATA // 256 + 2048)  # 1.5 MiB
    with RawClient(sim.port).connect() as client:
        client.command.send(request(SET_PROP, 5, 0x5001, phase=DataPhase.OUT),
                            StartData(5, len(blob)), Data(5, blob[:70_000]),
                            EndData(5, blob[70_000:]))
        assert client.read_result().code == ResponseCode.ACCESS_DENIED  # battery: read-only
        assert client.transact(OpCode.GET_STORAGE_IDS).code == OK
    assert sim.stats.data_received == [(SET_PROP, blob[:MAX_INCOMING_DATA])]


# -- a session needs only its CameraContext --------------------------------------------------------

def camera_context(profile_name: str = "nikon") -> CameraContext:
    config = SimulatorConfig(profile=profile_name, files=2)
    profile = get_profile(profile_name)
    card = build_card(config, profile, profile.model)
    return CameraContext(
        identity=CameraIdentity(profile.model, "S123", bytes(16)), profile=profile, card=card,
        device_props=DeviceProperties(tenths=False), stats=SimulatorStats(), faults=FaultPlan(),
        connections=ConnectionRegistry(), transfer_list=TransferList(),
        remove_object=lambda handle: None)


def test_a_session_runs_on_a_camera_context_alone():
    camera = camera_context()
    ours, theirs = socket.socketpair()
    ours.settimeout(5)
    session = CommandSession(camera, Link(theirs, "socketpair"))
    thread = threading.Thread(target=session.run,
                              args=(InitCommandRequest(bytes(16), "host"),), daemon=True)
    thread.start()
    framer = Framer()

    def receive():
        while (packet := framer.next_packet()) is None:
            framer.feed(ours.recv(65536))
        return packet

    ack = receive()
    assert isinstance(ack, InitCommandAck) and ack.name == camera.identity.model
    assert camera.connections.session_for(ack.connection_number) is session
    ours.sendall(encode(request(OpCode.OPEN_SESSION, 0, 1)))
    assert receive() == OperationResponse(OK, 0)
    ours.sendall(encode(request(OpCode.GET_STORAGE_IDS, 1)))
    assert isinstance(receive(), StartData)
    handles = receive()
    assert isinstance(handles, EndData)  # Nikon: one End Data
    assert receive() == OperationResponse(OK, 1)
    ours.close()
    thread.join(5)
    assert not thread.is_alive()
    assert camera.connections.session_for(ack.connection_number) is None
    assert camera.stats.operations == [OpCode.OPEN_SESSION, OpCode.GET_STORAGE_IDS]
