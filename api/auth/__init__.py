"""Accounts, login sessions, API tokens and passwords."""
