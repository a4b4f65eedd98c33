"""Routing tests: templates, converters, resolution, reverse routing."""
