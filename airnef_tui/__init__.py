"""airnef-tui: download photos from Wi-Fi cameras over PTP/IP."""

__version__ = "0.1.0"
