"""PTP datasets: DeviceInfo, StorageInfo, ObjectInfo, with decode (client) and encode (simulator).

Field order and widths follow the PTP standard (see docs/ptpip.md in the shared notes). Decoders
are strict about truncation but tolerate trailing bytes, which several vendors append.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from airnef_tui.ptpip import wire
from airnef_tui.ptpip.codes import SIZE_4GIB_OR_MORE, AssociationType, ObjectFormat
from airnef_tui.ptpip.dates import parse_ptp_datetime_lenient


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    standard_version: int = 100
    vendor_extension_id: int = 0
    vendor_extension_version: int = 0
    vendor_extension_desc: str = ""
    functional_mode: int = 0
    operations_supported: tuple[int, ...] = ()
    events_supported: tuple[int, ...] = ()
    device_properties_supported: tuple[int, ...] = ()
    capture_formats: tuple[int, ...] = ()
    image_formats: tuple[int, ...] = ()
    manufacturer: str = ""
    model: str = ""
    device_version: str = ""
    serial_number: str = ""

    def encode(self) -> bytes:
        return b"".join((
            wire.u16(self.standard_version), wire.u32(self.vendor_extension_id),
            wire.u16(self.vendor_extension_version), wire.ptp_string(self.vendor_extension_desc),
            wire.u16(self.functional_mode),
            wire.array("H", self.operations_supported), wire.array("H", self.events_supported),
            wire.array("H", self.device_properties_supported),
            wire.array("H", self.capture_formats), wire.array("H", self.image_formats),
            wire.ptp_string(self.manufacturer), wire.ptp_string(self.model),
            wire.ptp_string(self.device_version), wire.ptp_string(self.serial_number),
        ))

    @classmethod
    def decode(cls, data: bytes, base: int = 0) -> DeviceInfo:
        r = wire.Reader(data, base)
        return cls(
            r.u16("StandardVersion"), r.u32("VendorExtensionID"), r.u16("VendorExtensionVersion"),
            r.ptp_string("VendorExtensionDesc"), r.u16("FunctionalMode"),
            r.array("H", "OperationsSupported"), r.array("H", "EventsSupported"),
            r.array("H", "DevicePropertiesSupported"), r.array("H", "CaptureFormats"),
            r.array("H", "ImageFormats"), r.ptp_string("Manufacturer"), r.ptp_string("Model"),
            r.ptp_string("DeviceVersion"), r.ptp_string("SerialNumber"),
        )

    def supports(self, opcode: int) -> bool:
        return opcode in self.operations_supported


@dataclass(frozen=True, slots=True)
class StorageInfo:
    storage_type: int = 4  # removable RAM (a memory card)
    filesystem_type: int = 3  # DCF
    access_capability: int = 0  # read-write
    max_capacity: int = 0
    free_space_bytes: int = 0
    free_space_images: int = 0
    description: str = ""
    volume_label: str = ""

    def encode(self) -> bytes:
        return b"".join((
            wire.u16(self.storage_type), wire.u16(self.filesystem_type),
            wire.u16(self.access_capability), wire.u64(self.max_capacity),
            wire.u64(self.free_space_bytes), wire.u32(self.free_space_images),
            wire.ptp_string(self.description), wire.ptp_string(self.volume_label),
        ))

    @classmethod
    def decode(cls, data: bytes, base: int = 0) -> StorageInfo:
        r = wire.Reader(data, base)
        return cls(
            r.u16("StorageType"), r.u16("FilesystemType"), r.u16("AccessCapability"),
            r.u64("MaxCapacity"), r.u64("FreeSpaceInBytes"), r.u32("FreeSpaceInImages"),
            r.ptp_string("StorageDescription"), r.ptp_string("VolumeLabel"),
        )


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    storage_id: int = 0
    object_format: int = ObjectFormat.UNDEFINED
    protection_status: int = 0
    compressed_size: int = 0  # u32 on the wire; SIZE_4GIB_OR_MORE means "ask another way"
    thumb_format: int = 0
    thumb_compressed_size: int = 0
    thumb_pix_width: int = 0
    thumb_pix_height: int = 0
    image_pix_width: int = 0
    image_pix_height: int = 0
    image_bit_depth: int = 0
    parent_object: int = 0
    association_type: int = 0
    association_desc: int = 0
    sequence_number: int = 0
    filename: str = ""
    capture_date: str = ""
    modification_date: str = ""
    keywords: str = ""

    @property
    def is_folder(self) -> bool:
        return (self.object_format == ObjectFormat.ASSOCIATION
                or self.association_type == AssociationType.GENERIC_FOLDER)

    @property
    def size_is_truncated(self) -> bool:
        """True when the real size is 4 GiB or more and must be read another way."""
        return self.compressed_size == SIZE_4GIB_OR_MORE

    @property
    def captured(self) -> datetime | None:
        """Capture time, falling back to the modification time; None when unknown."""
        return (parse_ptp_datetime_lenient(self.capture_date)
                or parse_ptp_datetime_lenient(self.modification_date))

    def encode(self) -> bytes:
        return b"".join((
            wire.u32(self.storage_id), wire.u16(self.object_format),
            wire.u16(self.protection_status), wire.u32(min(self.compressed_size, SIZE_4GIB_OR_MORE)),
            wire.u16(self.thumb_format), wire.u32(self.thumb_compressed_size),
            wire.u32(self.thumb_pix_width), wire.u32(self.thumb_pix_height),
            wire.u32(self.image_pix_width), wire.u32(self.image_pix_height),
            wire.u32(self.image_bit_depth), wire.u32(self.parent_object),
            wire.u16(self.association_type), wire.u32(self.association_desc),
            wire.u32(self.sequence_number), wire.ptp_string(self.filename),
            wire.ptp_string(self.capture_date), wire.ptp_string(self.modification_date),
            wire.ptp_string(self.keywords),
        ))

    @classmethod
    def decode(cls, data: bytes, base: int = 0) -> ObjectInfo:
        r = wire.Reader(data, base)
        fixed = (
            r.u32("StorageID"), r.u16("ObjectFormat"), r.u16("ProtectionStatus"),
            r.u32("ObjectCompressedSize"), r.u16("ThumbFormat"), r.u32("ThumbCompressedSize"),
            r.u32("ThumbPixWidth"), r.u32("ThumbPixHeight"), r.u32("ImagePixWidth"),
            r.u32("ImagePixHeight"), r.u32("ImageBitDepth"), r.u32("ParentObject"),
            r.u16("AssociationType"), r.u32("AssociationDesc"), r.u32("SequenceNumber"),
        )
        filename = r.ptp_string("Filename")
        # Some bodies stop after the file name; the dates are optional in practice.
        dates = [r.ptp_string(what) if r.remaining else ""
                 for what in ("CaptureDate", "ModificationDate", "Keywords")]
        return cls(*fixed, filename, *dates)
