"""All tables of the store, registered on one metadata.

``campus`` is SPEC section 3; ``integration`` the API side (credentials, tokens, error log,
notifications, messages); ``history`` the change log (R-HIST-1); ``sync`` the staged synchronization and commit jobs; ``support`` the
authorized contacts, cases and update requests of SPEC section 8.
"""

from . import history, integration, support, sync  # noqa: F401  (register their tables)
from .base import Base
from .campus import *  # noqa: F403

metadata = Base.metadata
