"""Questionnaires: PHQ-9, GAD-7 and PEG check-ins, scored by the server (DESIGN.md)."""
