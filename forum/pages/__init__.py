"""Site pages: home, guidelines, privacy, crisis resources."""
