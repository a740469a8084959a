"""Tables of the support area (filled in by its issue)."""
