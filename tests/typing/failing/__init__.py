"""Downstream code with mistakes that the types must catch, each line marked '# E: <text>'."""
