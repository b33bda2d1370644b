"""The headless commands (`list`, `get`, `discover`): argument parsing, output, exit codes."""
