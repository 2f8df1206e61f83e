"""Reminders: settings, Web Push subscriptions and the sender that pushes due reminders."""
