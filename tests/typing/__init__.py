"""Typing tests: downstream modules checked by mypy --strict and basedpyright."""
