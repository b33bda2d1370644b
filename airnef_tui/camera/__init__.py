"""A blocking PTP/IP client: one `CameraSession` per connection, `list_files` for the catalogue.

Knows packets and sockets, nothing of files on disk beyond the file object `download` writes to.
Built on the sans-IO `airnef_tui.ptpip`; the transfer layer builds on this.
"""

from airnef_tui.camera.catalogue import CameraFile, list_files
from airnef_tui.camera.errors import (
    CameraError, CameraProtocolError, CameraRefused, CameraUnreachable, ConnectionLost,
    DownloadCancelled, OperationFailed,
)
from airnef_tui.camera.session import CameraSession
from airnef_tui.camera.vendors import Vendor, vendor_for

__all__ = [
    "CameraError", "CameraFile", "CameraProtocolError", "CameraRefused", "CameraSession",
    "CameraUnreachable", "ConnectionLost", "DownloadCancelled", "OperationFailed", "Vendor",
    "list_files", "vendor_for",
]
