"""Clinics, their providers, and the patients connected to them."""
