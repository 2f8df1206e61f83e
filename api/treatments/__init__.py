"""Treatment sessions and their vitals."""
