"""The patient's security log: who got in, what was shared, what left the app."""
