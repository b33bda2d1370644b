"""The app's screens: no camera yet, the file browser, and a download in progress."""
