"""Turning a camera's catalogue into files on disk: which files, in what order, where, and what we
already have. Knows files and policies, never packets."""
