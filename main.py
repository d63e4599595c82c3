"""Start Session Player from a source checkout: ``python main.py [PLAYLIST]``."""

import sys

from session_player.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
