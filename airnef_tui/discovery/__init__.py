"""Finding cameras on the network: several sources at once, merged into one list of sightings.

Each source (mDNS, SSDP, the hotspot sweep, the cameras connected before, Fujifilm's AutoSave
broadcast) runs in threads of its own and reports what it sees to a `Sightings` merger, which keys
them by address and port and tells its listener what changed. Nothing here imports textual: the
`discover` command and the TUI's discovery screen both watch the same merger.
"""
