"""What airnef-tui remembers between runs: one SQLite file under the user's data directory."""
