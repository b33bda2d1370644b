"""The user's config file, `config.toml`: read it, and change it in place without losing a comment.

The file belongs to the user, who writes it by hand; the app only ever changes the one table it
was asked to change (a preset saved from the TUI) and keeps every other byte. `file` does the
reading and the careful writing, `tui_settings` reads the `[tui]` section. No textual here: the
headless commands may read the file too.
"""

from .file import ConfigError, edit_config, load_config, parse_config, read_config, set_table
from .tui_settings import TuiSettings, load_tui_settings, tui_settings

__all__ = [
    "ConfigError", "TuiSettings", "edit_config", "load_config", "load_tui_settings",
    "parse_config", "read_config", "set_table", "tui_settings",
]
