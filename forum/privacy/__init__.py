"""Data rights: export, account deletion, breaks, pseudonym changes and content retention."""
