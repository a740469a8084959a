"""bo-tui: the district side of a Business Office Integration.

The domain core lives in ``bo_tui.core``; ``store``, ``api``, ``tui`` and ``cli`` are adapters.
"""

__version__ = "0.1.0"
