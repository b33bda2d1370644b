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

# Fujifilm's transport (TCP 55740): the 82-byte Init, then USB-style containers (fuji*.py).
from airnef_tui.ptpip.fuji import (  # noqa: E402
    FUJI_BUSY, FUJI_HANG_UP, FUJI_INIT_LENGTH, FUJI_INIT_VERSION, FUJI_PORT, FujiCommand,
    FujiContainer, FujiContainerType, FujiData, FujiDataHeader, FujiDataPiece, FujiEvent,
    FujiHangUp, FujiInitRequest, FujiResponse, decode_container, decode_fuji_handshake,
    decode_fuji_init, encode_container, encode_fuji_init, fuji_data_header,
)
from airnef_tui.ptpip.fuji_framer import FujiFramer, FujiHandshake  # noqa: E402
from airnef_tui.ptpip.fuji_transaction import (  # noqa: E402
    FUJI_DATA_OUT_OPERATIONS, FujiInitiator, FujiResponder, is_fuji_out_of_band,
)

__all__ += [
    "FUJI_BUSY", "FUJI_DATA_OUT_OPERATIONS", "FUJI_HANG_UP", "FUJI_INIT_LENGTH",
    "FUJI_INIT_VERSION", "FUJI_PORT", "FujiCommand", "FujiContainer", "FujiContainerType",
    "FujiData", "FujiDataHeader", "FujiDataPiece", "FujiEvent", "FujiFramer", "FujiHandshake",
    "FujiHangUp", "FujiInitRequest", "FujiInitiator", "FujiResponder", "FujiResponse",
    "decode_container", "decode_fuji_handshake", "decode_fuji_init", "encode_container",
    "encode_fuji_init", "fuji_data_header", "is_fuji_out_of_band",
]
