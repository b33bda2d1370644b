"""What makes each simulated camera brand behave like the real thing.

Each profile is data, not code: the session consults these fields wherever vendors differ, so
adding a body is a new entry rather than new branches. The DeviceInfo's OperationsSupported is
derived from the profile too, and lists only what the session implements: a client (libgphoto2 in
particular) takes the list at its word and calls vendor operations it sees advertised.

Facts come from the shared PTP/IP notes (docs/ptpip.md). The data-packet shapes are the
simulator's own choices where the notes say only "Canon sends many Data packets, Nikon one End
Data": they differ per profile so that every client code path gets exercised.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from airnef_tui.ptpip.codes import EventCode, ObjectFormat, OpCode, VendorExtension

PROP_BATTERY_LEVEL = 0x5001
PROP_DATE_TIME = 0x5011
CANON_EOS_PROP_CAMERA_TIME = 0xD17C  # set through 0x9110 as UTC Unix time
# Sony's 0x9280 data that, followed by 0x9281, puts the camera to sleep (ptpip.md section 5).
SONY_SLEEP_PAYLOAD = bytes.fromhex("00000000" "05000000" "00000000" "00000000" "020030")

NIKON_FOLDER_DATE = "19800000T000000"  # Nikon's impossible date on folders such as DCIM

_BASE_OPERATIONS = (
    OpCode.GET_DEVICE_INFO, OpCode.OPEN_SESSION, OpCode.CLOSE_SESSION, OpCode.GET_STORAGE_IDS,
    OpCode.GET_STORAGE_INFO, OpCode.GET_NUM_OBJECTS, OpCode.GET_OBJECT_HANDLES,
    OpCode.GET_OBJECT_INFO, OpCode.GET_OBJECT, OpCode.GET_THUMB, OpCode.DELETE_OBJECT,
    OpCode.GET_DEVICE_PROP_DESC, OpCode.GET_DEVICE_PROP_VALUE, OpCode.SET_DEVICE_PROP_VALUE,
    OpCode.GET_PARTIAL_OBJECT, OpCode.MTP_GET_OBJECT_PROP_VALUE,
)


@dataclass(frozen=True)
class DataLayout:
    """How a data phase is cut into Data / End Data packets.

    single_end_data: the whole reply in one End Data (Nikon), when it fits a u32 packet length.
    piece: payload bytes per Data packet otherwise; End Data carries the rest.
    """

    piece: int
    single_end_data: bool = False


@dataclass(frozen=True)
class CardStyle:
    """How generated cards are named: DCF folder suffix, file prefix, raw companion."""

    folder_suffix: str  # 100 + suffix, e.g. "NCD72" -> DCIM/100NCD72
    file_prefix: str  # DSC_ -> DSC_0001.JPG
    raw_extension: str | None  # companion raw file of every third shot
    raw_format: int = ObjectFormat.UNDEFINED
    date_folders: bool = False  # Sony: DCIM/2024-05-01 instead of DCIM/100XXXXX
    number_width: int = 4


@dataclass(frozen=True)
class Profile:
    name: str
    vendor_extension_id: int
    vendor_extension_desc: str
    manufacturer: str
    model: str
    serial: str
    device_version: str
    layout: DataLayout
    card_style: CardStyle
    partial_64_opcode: int  # 0x95C1 (MTP) or Nikon's 0x9431
    extra_operations: tuple[int, ...] = ()
    date_tenths: bool = False  # Canon's ".0" tail
    folder_date: str | None = None  # fixed text for folders; None = the folder's own time
    folders_dated: bool = True  # False: folders carry no date at all (Sony)
    needs_all_handle_params: bool = False  # Sony: GetObjectHandles/GetNumObjects want 3 params
    zero_mac_guids_only: bool = False  # Sony: accept GUIDs whose last 6 bytes are zero
    single_session: bool = False  # Sony: one session per entry into "Send to Computer"
    nikon_events: bool = False  # events are also queued for Nikon's GetEvent poll
    object_added_event: int = EventCode.OBJECT_ADDED
    vendor_extension_version: int = 100
    device_properties: tuple[int, ...] = (PROP_BATTERY_LEVEL, PROP_DATE_TIME)
    image_formats: tuple[int, ...] = field(default=(ObjectFormat.EXIF_JPEG,))
    # "ptpip": two PTP/IP sockets (session.py); "fuji": Fujifilm's one socket of containers
    # (fuji_session.py), whose phone-mode session answers from its own operation list.
    transport: str = "ptpip"

    @property
    def operations(self) -> tuple[int, ...]:
        return tuple(sorted({*_BASE_OPERATIONS, self.partial_64_opcode, *self.extra_operations}))


PROFILES: dict[str, Profile] = {
    "generic": Profile(
        name="generic",
        vendor_extension_id=VendorExtension.MICROSOFT,
        vendor_extension_desc="microsoft.com: 1.0;",
        manufacturer="Generic",
        model="PTP/IP Camera",
        serial="000000000001",
        device_version="1.0",
        layout=DataLayout(piece=256 * 1024),
        card_style=CardStyle("MEDIA", "IMG_", None),
        partial_64_opcode=OpCode.MTP_GET_PARTIAL_OBJECT_64,
    ),
    "nikon": Profile(
        name="nikon",
        vendor_extension_id=VendorExtension.NIKON,
        vendor_extension_desc="",
        manufacturer="Nikon Corporation",
        model="D7200",
        serial="3012345",
        device_version="V1.02",
        layout=DataLayout(piece=1024 * 1024, single_end_data=True),
        card_style=CardStyle("NCD72", "DSC_", "NEF", ObjectFormat.UNDEFINED),
        partial_64_opcode=OpCode.NIKON_GET_PARTIAL_OBJECT_EX,
        extra_operations=(
            OpCode.NIKON_GET_EVENT, OpCode.NIKON_GET_TRANSFER_LIST, OpCode.NIKON_GET_LARGE_THUMB,
            OpCode.NIKON_NOTIFY_FILE_ACQUISITION_START, OpCode.NIKON_NOTIFY_FILE_ACQUISITION_END,
        ),
        folder_date=NIKON_FOLDER_DATE,
        nikon_events=True,
        image_formats=(ObjectFormat.EXIF_JPEG, ObjectFormat.UNDEFINED),
    ),
    "canon": Profile(
        name="canon",
        vendor_extension_id=VendorExtension.CANON,
        vendor_extension_desc="",
        manufacturer="Canon Inc.",
        model="Canon EOS 80D",
        serial="a1b2c3d4e5f6478899aabbccddeeff00",
        device_version="1-1.0.2",
        layout=DataLayout(piece=64 * 1024 - 12),
        card_style=CardStyle("CANON", "IMG_", "CR2", ObjectFormat.CANON_CR2),
        partial_64_opcode=OpCode.MTP_GET_PARTIAL_OBJECT_64,
        extra_operations=(OpCode.CANON_EOS_SET_DEVICE_PROP_VALUE,),
        date_tenths=True,
        image_formats=(ObjectFormat.EXIF_JPEG, ObjectFormat.CANON_CR2),
    ),
    "sony": Profile(
        name="sony",
        vendor_extension_id=VendorExtension.SONY,
        vendor_extension_desc="",
        manufacturer="Sony Corporation",
        model="ILCE-7RM2",
        serial="00000000000000003282530003312345",
        device_version="3.10",
        layout=DataLayout(piece=512 * 1024),
        card_style=CardStyle("MSDCF", "DSC", "ARW", 0xB101, date_folders=True, number_width=5),
        partial_64_opcode=OpCode.MTP_GET_PARTIAL_OBJECT_64,
        extra_operations=(OpCode.SONY_SDIO_CONNECT, OpCode.SONY_SDIO_GET_EXT_DEVICE_INFO),
        folders_dated=False,
        needs_all_handle_params=True,
        zero_mac_guids_only=True,
        single_session=True,
        object_added_event=EventCode.SONY_OBJECT_ADDED,
        image_formats=(ObjectFormat.EXIF_JPEG, 0xB101),
    ),
    # Fujifilm X-series in phone mode (TCP 55740): the transport and session are fuji_*.py; only
    # the identity, the card style and the DeviceInfo fields come from here (docs/ptpip.md sec. 5).
    "fuji": Profile(
        name="fuji",
        vendor_extension_id=VendorExtension.FUJI,
        vendor_extension_desc="",
        manufacturer="FUJIFILM",
        model="X-T4",
        serial="5AB31234",
        device_version="1.60",
        layout=DataLayout(piece=1024 * 1024),  # unused: one data container carries everything
        card_style=CardStyle("_FUJI", "DSCF", "RAF", ObjectFormat.UNDEFINED),
        partial_64_opcode=OpCode.GET_PARTIAL_OBJECT,  # none: 32-bit GetPartialObject only
        image_formats=(ObjectFormat.EXIF_JPEG, ObjectFormat.UNDEFINED),
        transport="fuji",
    ),
}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown profile {name!r} (choose from {', '.join(PROFILES)})") from None
