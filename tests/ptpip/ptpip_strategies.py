"""Hypothesis strategies for the PTP/IP sans-IO tests: in-range values for every packet and dataset.

Not a test module (no `test_` prefix); the test files next to it import it directly.
"""

from __future__ import annotations

import os

from hypothesis import settings
from hypothesis import strategies as st

from airnef_tui.ptpip import (
    Cancel, Data, DeviceInfo, EndData, Event, InitCommandAck, InitCommandRequest, InitEventAck,
    InitEventRequest, InitFail, ObjectInfo, OperationRequest, OperationResponse, ProbeRequest,
    ProbeResponse, StartData, StorageInfo,
)

# PTPIP_FUZZ_SCALE=50 runs every property 50 times longer (a deeper local fuzz session).
_SCALE = max(1, int(os.environ.get("PTPIP_FUZZ_SCALE", "1")))


def examples(count: int) -> settings:
    """Settings sized so the whole ptpip suite stays within seconds by default."""
    return settings(max_examples=count * _SCALE, deadline=None)


U16 = st.integers(0, 0xFFFF)
U32 = st.integers(0, 0xFFFFFFFF)
U64 = st.integers(0, 0xFFFFFFFFFFFFFFFF)
GUIDS = st.binary(min_size=16, max_size=16)
PAYLOADS = st.binary(max_size=48)

MAX_UNITS = 254  # a PTP string's u8 count includes the terminating NUL


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# Any Unicode scalar except NUL (the terminator) and lone surrogates (not text), with non-BMP
# characters (2 UTF-16 units each) drawn often so the 254-unit bound is really exercised.
_BMP = st.characters(exclude_categories=["Cs"], exclude_characters="\x00", max_codepoint=0xFFFF)
_ASTRAL = st.characters(exclude_categories=["Cs"], min_codepoint=0x10000)
CHARS = st.one_of(_BMP, _ASTRAL)


def _trim(chars: list[str]) -> str:
    text, units = [], 0
    for ch in chars:
        width = 2 if ord(ch) > 0xFFFF else 1
        if units + width > MAX_UNITS:
            break
        text.append(ch)
        units += width
    return "".join(text)


SHORT_TEXT = st.text(CHARS, max_size=12)
# Near and at the bound, cheaply: random text around a long run of one BMP or non-BMP character.
LONG_TEXT = st.builds(
    lambda head, fill, count, tail: _trim(list(head + fill * count + tail)),
    SHORT_TEXT, st.sampled_from(["a", "\u00e9", "\u4e2d", "\U0001F4F7"]), st.integers(100, 254),
    SHORT_TEXT,
)
PTP_TEXT = st.one_of(SHORT_TEXT, LONG_TEXT)
NAMES = st.text(CHARS, max_size=40)

OP_PARAMS = st.lists(U32, max_size=5).map(tuple)
EVENT_PARAMS = st.lists(U32, max_size=3).map(tuple)

INIT_COMMAND_REQUESTS = st.builds(InitCommandRequest, GUIDS, NAMES, U32)
INIT_COMMAND_ACKS = st.builds(InitCommandAck, U32, GUIDS, NAMES, U32)
INIT_EVENT_REQUESTS = st.builds(InitEventRequest, U32)
INIT_EVENT_ACKS = st.just(InitEventAck())
INIT_FAILS = st.builds(InitFail, U32)
OPERATION_REQUESTS = st.builds(OperationRequest, U16, U32, OP_PARAMS, U32)
OPERATION_RESPONSES = st.builds(OperationResponse, U16, U32, OP_PARAMS)
EVENTS = st.builds(Event, U16, U32, EVENT_PARAMS)
START_DATAS = st.builds(StartData, U32, U64)
DATAS = st.builds(Data, U32, PAYLOADS)
CANCELS = st.builds(Cancel, U32)
END_DATAS = st.builds(EndData, U32, PAYLOADS)
PROBE_REQUESTS = st.just(ProbeRequest())
PROBE_RESPONSES = st.just(ProbeResponse())

PACKETS_BY_TYPE = {
    1: INIT_COMMAND_REQUESTS, 2: INIT_COMMAND_ACKS, 3: INIT_EVENT_REQUESTS, 4: INIT_EVENT_ACKS,
    5: INIT_FAILS, 6: OPERATION_REQUESTS, 7: OPERATION_RESPONSES, 8: EVENTS, 9: START_DATAS,
    10: DATAS, 11: CANCELS, 12: END_DATAS, 13: PROBE_REQUESTS, 14: PROBE_RESPONSES,
}
PACKETS = st.one_of(*PACKETS_BY_TYPE.values())

U16_ARRAYS = st.lists(U16, max_size=20).map(tuple)

DEVICE_INFOS = st.builds(
    DeviceInfo, U16, U32, U16, PTP_TEXT, U16, U16_ARRAYS, U16_ARRAYS, U16_ARRAYS, U16_ARRAYS,
    U16_ARRAYS, PTP_TEXT, PTP_TEXT, PTP_TEXT, PTP_TEXT,
)
STORAGE_INFOS = st.builds(StorageInfo, U16, U16, U16, U64, U64, U32, PTP_TEXT, PTP_TEXT)
OBJECT_INFOS = st.builds(
    ObjectInfo, U32, U16, U16, U32, U16, U32, U32, U32, U32, U32, U32, U32, U16, U32, U32,
    PTP_TEXT, PTP_TEXT, PTP_TEXT, PTP_TEXT,
)
DATASETS = {"DeviceInfo": DEVICE_INFOS, "StorageInfo": STORAGE_INFOS, "ObjectInfo": OBJECT_INFOS}
