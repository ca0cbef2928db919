"""Pseudonymous accounts: sign-up, login sessions, recovery codes and roles."""
