"""The vendor operations a simulated Nikon, Canon or Sony answers, each with its own state.

Vendor operations carry vendor state that the standard ones do not: Nikon queues events for
GetEvent polling, Sony stays busy between 0x9280 and 0x9281 and may be told to sleep. Keeping
each vendor in its own small class keeps that state next to the handlers that use it; the
session only asks the questions it needs (`busy`, `sleeps_after`, `queue_event`).
"""

from __future__ import annotations

from collections import deque

from airnef_tui.ptpip import wire
from airnef_tui.ptpip.codes import OpCode, ResponseCode
from airnef_tui.simulator.context import CameraContext
from airnef_tui.simulator.device_props import PropertyError
from airnef_tui.simulator.operations import Handler, Reply, file_object, param
from airnef_tui.simulator.profiles import SONY_SLEEP_PAYLOAD

NIKON_EVENT_QUEUE = 1000  # events kept for GetEvent; the oldest go first
SONY_EXT_DEVICE_INFO = wire.u16(200) + wire.array("H", ())  # simulator's own stand-in reply


class NikonOperations:
    """GetEvent polling and the transfer list (the pictures the user picked on the camera)."""

    def __init__(self, camera: CameraContext) -> None:
        self.camera = camera
        self.events: deque[tuple[int, int]] = deque(maxlen=NIKON_EVENT_QUEUE)

    def handlers(self) -> dict[int, Handler]:
        return {
            OpCode.NIKON_GET_EVENT: self.get_event,
            OpCode.NIKON_GET_TRANSFER_LIST: self.get_transfer_list,
            OpCode.NIKON_NOTIFY_FILE_ACQUISITION_START: self.acquisition_start,
            OpCode.NIKON_NOTIFY_FILE_ACQUISITION_END: self.acquisition_end,
        }

    def queue_event(self, code: int, event_param: int) -> None:
        """Keep an event for the next GetEvent (the body's alternative to the event socket)."""
        self.events.append((code, event_param))

    def get_event(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        events = []
        while self.events:
            events.append(self.events.popleft())
        body = wire.u16(len(events)) + b"".join(wire.u16(c) + wire.u32(p) for c, p in events)
        return Reply(data=body)

    def get_transfer_list(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        handles = self.camera.transfer_list.handles()
        if not handles:
            return Reply(ResponseCode.NIKON_NO_TRANSFER_LIST)
        return Reply(data=wire.array("I", handles))

    def acquisition_start(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        obj = file_object(self.camera.card, param(params, 0))
        return obj if isinstance(obj, Reply) else Reply()

    def acquisition_end(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        obj = file_object(self.camera.card, param(params, 0))
        if isinstance(obj, Reply):
            return obj
        self.camera.transfer_list.remove(obj.handle)
        return Reply()


class CanonOperations:
    """EOS SetDevicePropValue: how a Canon body has its clock set."""

    def __init__(self, camera: CameraContext) -> None:
        self.camera = camera

    def handlers(self) -> dict[int, Handler]:
        return {OpCode.CANON_EOS_SET_DEVICE_PROP_VALUE: self.eos_set_device_prop_value}

    def eos_set_device_prop_value(self, params: tuple[int, ...],
                                  incoming: bytes | None) -> Reply:
        try:
            self.camera.device_props.set_eos_value(incoming or b"")
        except PropertyError as exc:
            return Reply(exc.code)
        return Reply()


class SonyOperations:
    """The 0x9280 / 0x9281 pair: busy in between, and asleep after it when told to sleep."""

    def __init__(self) -> None:
        self.connect_pending = False
        self.going_to_sleep = False

    def handlers(self) -> dict[int, Handler]:
        return {
            OpCode.SONY_SDIO_CONNECT: self.connect,
            OpCode.SONY_SDIO_GET_EXT_DEVICE_INFO: self.ext_device_info,
        }

    def busy(self, opcode: int) -> bool:
        """Every operation but 0x9281 answers DeviceBusy after a 0x9280, as on the camera."""
        return self.connect_pending and opcode != OpCode.SONY_SDIO_GET_EXT_DEVICE_INFO

    def sleeps_after(self, opcode: int) -> bool:
        """True when the camera goes to sleep once the reply to `opcode` is sent."""
        return self.going_to_sleep and opcode == OpCode.SONY_SDIO_GET_EXT_DEVICE_INFO

    def connect(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        self.connect_pending = True  # until 0x9281, as on the camera
        self.going_to_sleep = incoming == SONY_SLEEP_PAYLOAD  # asleep after the 0x9281
        return Reply()

    def ext_device_info(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        self.connect_pending = False
        return Reply(data=SONY_EXT_DEVICE_INFO)
