"""Import: bring your history from another Relieflog, Daylio, Bearable, Flaredown or any CSV
(docs/import.md)."""
