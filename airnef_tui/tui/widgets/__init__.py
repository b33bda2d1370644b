"""Widgets of the file browser: the file list and the rename pane's parts."""
