"""Sans-IO PTP/IP: bytes in, typed values out. No sockets, no clock, no files.

Shared by the client (`airnef_tui.camera`) and the simulator, in the way h11 is a protocol state
machine driven by a thin I/O layer. Everything malformed raises `ProtocolError`.
"""

from airnef_tui.ptpip.codes import (
    ALL_STORAGES, DEFAULT_PORT, PROTOCOL_VERSION, DataPhase, EventCode, InitFailReason,
    ObjectFormat, ObjectProp, OpCode, PacketType, ResponseCode, VendorExtension, code_name,
)
from airnef_tui.ptpip.datasets import DeviceInfo, ObjectInfo, StorageInfo
from airnef_tui.ptpip.dates import format_ptp_datetime, parse_ptp_datetime
from airnef_tui.ptpip.errors import ProtocolError
from airnef_tui.ptpip.framer import Framer
from airnef_tui.ptpip.packets import (
    Cancel, Data, EndData, Event, InitCommandAck, InitCommandRequest, InitEventAck,
    InitEventRequest, InitFail, OperationRequest, OperationResponse, Packet, ProbeRequest,
    ProbeResponse, StartData, data_header, decode, encode,
)
from airnef_tui.ptpip.transaction import (
    DataCancelled, DataReceived, Initiator, RequestReceived, Responder, ResponseReceived,
    is_out_of_band,
)

__all__ = [
    "ALL_STORAGES", "DEFAULT_PORT", "PROTOCOL_VERSION", "Cancel", "Data", "DataCancelled",
    "DataPhase", "DataReceived", "Initiator", "RequestReceived", "Responder", "ResponseReceived",
    "is_out_of_band",
    "DeviceInfo", "EndData", "Event", "EventCode", "Framer", "InitCommandAck",
    "InitCommandRequest", "InitEventAck", "InitEventRequest", "InitFail", "InitFailReason",
    "ObjectFormat", "ObjectInfo", "ObjectProp", "OpCode", "OperationRequest", "OperationResponse",
    "Packet", "PacketType", "ProbeRequest", "ProbeResponse", "ProtocolError", "ResponseCode",
    "StartData", "StorageInfo", "VendorExtension", "code_name", "data_header", "decode", "encode",
    "format_ptp_datetime", "parse_ptp_datetime",
]
