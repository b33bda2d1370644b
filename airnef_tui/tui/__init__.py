"""The terminal UI: the only package of airnef-tui that imports textual or rich.

Everything that talks to the camera or the disk lives below, reached through `airnef_tui.app`;
the screens run that code in thread workers and show what it reports, so the UI loop never waits
on a socket (a Raspberry Pi driven over SSH must stay responsive while photos stream in).
"""
