"""Trends: the daily series and the session analysis a provider reads first."""
