"""The bareasgi test suite."""
