"""The patient's medication list, and its starts, stops and dose changes as markers."""
