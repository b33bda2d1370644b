"""The use cases both user interfaces share: connect, list a card, plan, download, watch, record.

`headless/` (the command line) and `tui/` (the terminal UI) are siblings above this package: they
translate what a person typed or pressed into calls here and what comes back into lines or
widgets, and neither imports the other. Whatever decision both must make the same way (retry and
timeout defaults, the cached listing, numbering, history) is made here, once.
"""
