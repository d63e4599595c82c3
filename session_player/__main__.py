"""``python -m session_player``: the same as the ``session-player`` command."""

import sys

from session_player.cli.main import main

sys.exit(main())
