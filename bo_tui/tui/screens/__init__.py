"""One module per top-level screen; ``bo_tui.tui.registry`` lists them."""
