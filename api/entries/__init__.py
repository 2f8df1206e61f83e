"""A patient's daily scores."""
