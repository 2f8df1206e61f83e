"""Sharing with a provider: expiring, revocable read-only links and their access log."""
