import sys

from airnef_tui.cli import main

sys.exit(main())
