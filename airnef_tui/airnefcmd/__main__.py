import sys

from airnef_tui.airnefcmd import main

sys.exit(main())
