"""The Textual terminal app (SPEC section 10): a thin adapter over ``bo_tui.core``."""
