"""The headless commands (`list`, `get`): argument parsing, output for people and scripts, exit codes."""
