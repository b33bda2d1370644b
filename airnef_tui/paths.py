"""Where airnef-tui keeps its files on the user's machine.

Every location can be overridden by `AIRNEF_TUI_HOME` (all of them under one folder), which is how
the tests and the demo isolate themselves from the user's real history and GUID.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "airnef-tui"


def _home_override() -> Path | None:
    home = os.environ.get("AIRNEF_TUI_HOME")
    return Path(home).expanduser() if home else None


def _platform_dir(kind: str) -> Path:
    import platformdirs

    finder = {
        "config": platformdirs.user_config_dir,
        "data": platformdirs.user_data_dir,
    }[kind]
    return Path(finder(APP_NAME, appauthor=False))


def config_dir() -> Path:
    home = _home_override()
    return home / "config" if home else _platform_dir("config")


def data_dir() -> Path:
    home = _home_override()
    return home / "data" if home else _platform_dir("data")


def database_path() -> Path:
    return data_dir() / "history.sqlite3"


def config_path() -> Path:
    return config_dir() / "config.toml"
