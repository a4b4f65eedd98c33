"""Fault injection: clients that leave, servers that fail, handlers that raise, bad input."""
