"""The weekly bladder question (ketamine cystitis) while sessions are frequent."""
