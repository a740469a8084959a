"""Tables of the integration area (filled in by its issue)."""
