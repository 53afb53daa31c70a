"""Writes of the billing app (SPEC §4)."""
