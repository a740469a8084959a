"""Tables of the sync area (filled in by its issue)."""
