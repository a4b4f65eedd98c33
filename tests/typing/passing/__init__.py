"""Downstream code that must type-check cleanly."""
