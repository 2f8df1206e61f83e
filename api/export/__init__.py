"""The patient's downloads: CSV, FHIR and JSON."""
