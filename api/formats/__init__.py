"""How data leaves the server: CSV, FHIR and downloads."""
