"""Member preferences: muted content-warning themes and words."""
