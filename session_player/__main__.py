"""``python -m session_player``: the same as the ``session-player`` command."""

import sys

from session_player.cli import main

sys.exit(main())
