"""``python -m bo_tui.cli``: the ``bo-tui`` command."""

import sys

from . import main

sys.exit(main())
