"""Integration tests: the application under real servers, with real clients."""
